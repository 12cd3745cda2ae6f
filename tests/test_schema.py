"""kb.json, which outside tools read, validates against the published JSON schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from kb.build import build

SCHEMA = Path(__file__).resolve().parent.parent / "kb" / "schema" / "kb.schema.json"


@pytest.fixture(scope="module")
def kb_json(tmp_path_factory, corpus_path):
    out = tmp_path_factory.mktemp("schema") / "build"
    build([corpus_path], out, use_cache=False)
    return json.loads((out / "kb.json").read_text(encoding="utf-8"))


def test_kb_json_validates(kb_json):
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(kb_json, schema, cls=jsonschema.Draft202012Validator)


def test_the_schema_rejects_a_broken_kb(kb_json):
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    broken = json.loads(json.dumps(kb_json))
    del broken["documents"][0]["tasks"][0]["sentences"][0]["start"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema, cls=jsonschema.Draft202012Validator)


def test_every_offset_points_at_its_text(kb_json):
    for doc in kb_json["documents"]:
        units = doc["tasks"] + doc.get("paragraphs", []) + [r for t in doc["indicator_tables"] for r in t["rows"]]
        for u in units:
            sids = {s["id"] for s in u["sentences"]}
            for s in u["sentences"]:
                assert u["text"][s["start"] : s["end"]] == s["text"]
            for m in u["mentions"]:
                assert u["text"][m["start"] : m["end"]] == m["text"] and m["sentence"] in sids
            for t in u["targets"]:
                assert t["sentence"] in sids
