"""Unit texts of the index read from kb.json (kb.index.stored): found for every unit of the seed
plan, read back equal to the model's texts, and refused when kb.json is not the one indexed."""

from __future__ import annotations

import json
import os

import pytest

from kb.errors import KBError
from kb.index.search import open_index
from kb.index.stored import Locator, text_of
from kb.query.load import load_kb
from kb.store import KB_FILE, resolve


def test_every_unit_text_is_read_from_kb_json(built):
    gen = resolve(built)
    idx = open_index(gen)
    texts = {u.id: u.text for d in load_kb(built, edges=False).documents for u in d.units()}
    with idx.ix.searcher() as s:
        datas = [s.stored_fields(i)["data"] for i in range(s.doc_count_all())]
    assert len(datas) == len(texts)
    assert all("text" not in d and "at" in d for d in datas)  # nothing stored twice
    assert {d["id"]: text_of(idx, d) for d in datas} == texts


@pytest.mark.parametrize("text", ['引号"与\\反斜杠', "换行\n与\t制表", "“全角”引号", "a\u2028b"])
def test_located_bytes_decode_to_the_text(text):
    line = json.dumps({"id": "T1", "text": "前" + text, "x": [text]}, ensure_ascii=False).encode("utf-8")
    at = Locator(line).find(text)
    assert at is not None
    assert json.loads(line[at[0] : at[0] + at[1]]) == text
    assert Locator(line).find(text + "不在") is None


def test_a_copied_build_reads_and_a_replaced_kb_json_is_refused(built, tmp_path):
    import shutil

    def copy(name):
        gen = tmp_path / name
        shutil.copytree(resolve(built), gen)
        idx = open_index(gen)
        with idx.ix.searcher() as s:
            return gen, idx, s.stored_fields(0)["data"]

    gen, idx, data = copy("copied")
    os.utime(gen / KB_FILE, ns=(0, 0))  # a copy that kept the bytes, not the times
    assert text_of(idx, data) == text_of(open_index(resolve(built)), data)
    gen, idx, data = copy("replaced")
    with open(gen / KB_FILE, "ab") as f:
        f.write(b"\n")  # another kb.json as far as search.json can tell
    with pytest.raises(KBError, match="does not match"):
        text_of(idx, data)
