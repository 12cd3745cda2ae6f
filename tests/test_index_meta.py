"""search.json read in part (kb.index.meta): the values asked for, whatever the chunk size."""

from __future__ import annotations

import json

import pytest

from kb.index import meta as meta_mod
from kb.index.meta import Meta

DOC = {
    "version": 5,
    "t2s": ["劳動", "劳动"],
    "vocab": {"农民工": 12, "集体协商": 3, "😀表情": 1},
    "n": 12345678,
    "flag": True,
    "none": None,
    "entities": [{"id": "GROUP:农民工", "name": "农民工", "aliases": ["外来务工人员"]}] * 5,
}


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 7, 64, 1 << 18])
@pytest.mark.parametrize("indent", [None, 2])
def test_every_value_whatever_the_chunk(monkeypatch, chunk, indent):
    monkeypatch.setattr(meta_mod, "FIRST_CHUNK", chunk)
    raw = json.dumps(DOC, ensure_ascii=False, indent=indent).encode("utf-8")
    m = Meta(raw)
    assert m.get("vocab") == DOC["vocab"]
    assert {k: m.get(k) for k in DOC} == DOC
    assert m.get("missing", "default") == "default"


def test_a_small_first_chunk_leaves_the_tail_undecoded(monkeypatch):
    monkeypatch.setattr(meta_mod, "FIRST_CHUNK", 64)
    raw = json.dumps(DOC, ensure_ascii=False).encode("utf-8")
    m = Meta(raw)
    assert m.get("t2s") == DOC["t2s"]
    assert m._read < len(raw)  # the entities were not decoded


@pytest.mark.parametrize("bad", [b"[1, 2]", b'{"version": 5, "vocab": {"a": 1}', b'{"version" 5}'])
def test_a_damaged_file_is_an_error_once_all_is_read(monkeypatch, bad):
    monkeypatch.setattr(meta_mod, "FIRST_CHUNK", 4)
    with pytest.raises(ValueError):
        m = Meta(bad)
        m.get("vocab")
        m.get("missing")
