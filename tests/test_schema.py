"""The model that outside tools read (`kb export --format json`) validates against the published
JSON schema; build/kb.json, its compact storage form, reads back to exactly that model."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from kb.build import build

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "kb" / "schema" / "kb.schema.json"
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The 9 plans of corpus/ built once (no site): the compact kb.json and the graph written
    from the same in-memory model."""
    out = tmp_path_factory.mktemp("schema") / "build"
    build([CORPUS], out, use_cache=False, site=False)
    return out


@pytest.fixture(scope="module")
def kb_json(built):
    """The model as `kb export --format json` gives it: what the schema describes."""
    from kb.model import kb_to_dict
    from kb.query.load import load_kb

    return json.loads(json.dumps(kb_to_dict(load_kb(built)), ensure_ascii=False))


def test_kb_json_validates(kb_json):
    """The export of all 9 plans, path ids included (T二（三）2, S第一部分.一（二）, 专栏3:1)."""
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(kb_json, schema, cls=jsonschema.Draft202012Validator)
    ids = {t["id"][0] for d in kb_json["documents"] for t in d["tasks"]}
    assert {"T", "S", "专"} <= ids  # the plans give every kind of task id


def test_the_schema_rejects_a_bad_task_id(kb_json):
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    broken = json.loads(json.dumps(kb_json))
    broken["documents"][0]["tasks"][0]["id"] = "17"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema, cls=jsonschema.Draft202012Validator)


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
        for c in doc["chapters"]:  # a heading line's mentions: offsets into the line
            for m in c["mentions"]:
                assert c["heading"][m["start"] : m["end"]] == m["text"] and m["sentence"] == c["id"]


def test_stored_kb_json_reads_back_to_the_edges_the_build_made(built, kb_json):
    """graph.json is written from the build's in-memory edges; kb.json stores each document's
    mentions and contains edges as one reference each, and reading it must give every edge back
    (graph.json's links take their evidence from it)."""
    raw = json.loads((built / "kb.json").read_text(encoding="utf-8"))
    refs = [e for e in raw["edges"] if "mentions_of" in e]
    assert len(refs) == len(raw["documents"])  # every plan names something
    outline = [e for e in raw["edges"] if "contains_of" in e]
    assert [e["contains_of"] for e in outline] == [d["id"] for d in raw["documents"]]
    assert sum(r["count"] for r in outline) == sum(1 for x in kb_json["edges"] if x["type"] == "contains")
    from kb.query.graph import graph_with_evidence

    read = [
        (x["source"], x["target"], x["type"], x["evidence"], 1.0 if x["weight"] is None else x["weight"])
        for x in kb_json["edges"]
    ]
    made = [(u, v, d["type"], d["evidence"], d["weight"]) for u, v, d in graph_with_evidence(built).edges(data=True)]
    assert sorted(map(json.dumps, read)) == sorted(map(json.dumps, made))
    assert sum(r["count"] for r in refs) == sum(1 for x in kb_json["edges"] if x["type"] == "mentions")
    links = json.loads((built / "graph.json").read_text(encoding="utf-8"))["links"]
    # stored without the fields others give (the evidence: kb.json's): a run of one source's
    # links of a type (a unit's mentions, a task's related tasks) as one item
    assert not any("ev" in x or "evidence" in x for x in links)
    for kind in ("mentions", "related"):
        runs = [x[kind] for x in links if kind in x]
        assert sum(map(len, runs)) > 2 * len(runs)


def test_stored_kb_json_writes_each_sentence_once(built, kb_json):
    """A unit's sentences and mentions are stored as offsets into its text, not as copies; the
    sentences by their offsets alone: an end where the one before ends, else [start, end]."""
    raw = json.loads((built / "kb.json").read_text(encoding="utf-8"))
    units = [u for d in raw["documents"] for u in d["tasks"] + d["paragraphs"]]
    assert units and all(isinstance(e, int | list) for u in units for e in u["sentences"])
    assert all(isinstance(u["sentences"][0], int) for u in units if u["sentences"])  # a unit starts with a sentence
    # a mention is [kind, start, end], its kind (entity, role …) a row of its document's table,
    # each once, plus the words and sentence only when its offsets do not give them
    ms = [m for u in units for m in u["mentions"]]
    assert ms and all(isinstance(m, list) and 3 <= len(m) <= 4 and isinstance(m[0], int) for m in ms)
    assert not any(set(m[3]) - {"text", "sentence"} for m in ms if len(m) == 4)
    for d in raw["documents"]:
        assert len(set(map(json.dumps, d["kinds"]))) == len(d["kinds"])
    # a target without its unset fields, and without its words and sentence where its offsets
    # give them: most have neither
    ts = [t for u in units for t in u["targets"]]
    assert ts and not any(v is None for t in ts for v in t.values())
    assert sum("text" in t or "sentence" in t for t in ts) < len(ts) / 10
    assert len((built / "kb.json").read_bytes()) < 0.9 * len(json.dumps(kb_json, ensure_ascii=False).encode())


def test_kb_json_of_the_previous_form_still_reads(built, kb_json, tmp_path):
    """A build of the previous storage forms (schema 1: a sentence as a dict of id and offsets, a
    mention as a dict of its set fields, an edge with its evidence whole, contains edges too)
    reads to the same model: an old build keeps working until rebuilt."""
    from kb.kinds import mention_dict
    from kb.model import kb_to_dict
    from kb.query.load import load_kb
    from kb.sentences import sentence_dicts

    raw = json.loads((built / "kb.json").read_text(encoding="utf-8"))
    raw["schema"] = 1
    turned = 0
    full = {(d["id"], u["id"]): u for d in kb_json["documents"] for u in d["tasks"] + d["paragraphs"]}
    for d in raw["documents"]:
        kinds = d.pop("kinds")
        rows = [r for t in d["indicator_tables"] for r in t["rows"]]
        for u in d["tasks"] + d["paragraphs"]:
            u["targets"] = full[(d["id"], u["id"])]["targets"]  # every field, as schema 1 and 2 stored them
        for u in d["tasks"] + d["paragraphs"] + d["chapters"] + rows:
            if u.get("sentences"):
                u["sentences"] = sentence_dicts(u["id"], u["sentences"])
            for i, m in enumerate(u["mentions"]):
                u["mentions"][i] = mention_dict(m, kinds)
                turned += 1
    whole = [e for e in kb_json["edges"] if e["type"] != "mentions"]
    raw["edges"] = [e for e in raw["edges"] if "mentions_of" in e] + whole
    assert turned and whole
    (tmp_path / "kb.json").write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    got = kb_to_dict(load_kb(tmp_path))
    key = lambda e: json.dumps(e, sort_keys=True)  # noqa: E731
    assert got["documents"] == kb_json["documents"]
    assert sorted(map(key, got["edges"])) == sorted(map(key, kb_json["edges"]))


def test_compact_document_form_gives_the_same_model():
    """Every plan of corpus/, parsed and extracted here: its compact form (kb.json, the build
    cache) reads back to the same document as its full form."""
    from kb.build import collect_corpus
    from kb.extract.document import enrich_document
    from kb.model import document_from_dict, document_to_dict
    from kb.parse.text import parse_file

    for f in collect_corpus([CORPUS]):
        d = parse_file(f)
        enrich_document(d)
        full = document_to_dict(d)
        assert document_to_dict(document_from_dict(document_to_dict(d, compact=True))) == full, f.name
