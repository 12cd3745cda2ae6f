"""Incremental index updates (kb.index.write.write_index with previous/reuse) and prepared rows, on real
text: the seed plan and small synthetic multi-document corpora, parsed and extracted for real.
An update must find what a full write finds, leave the previous generation's bytes alone, and
fall back to a full write when the previous index cannot be used."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kb.index.rows import index_names, index_rows
from kb.index.search import search
from kb.index.write import write_index

ROOT = Path(__file__).resolve().parent.parent
MARK = "萤火虫与风车相伴夜读"  # occurs nowhere in the corpora until a test writes it
QUERIES = ["工会", "农民工", "职工 服务", "劳模 工匠 -农民工", "如何保障外卖骑手权益", "“十四五”", MARK, "萤火虫"]


def tree_hashes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def hits(gen: Path, q: str) -> tuple[str, set[str]]:
    res = search(gen, q, n=None)
    return res.mode, {h.unit for h in res.hits}


def ranked(gen: Path, q: str) -> list[tuple[str, float]]:
    return [(h.unit, round(h.score, 6)) for h in search(gen, q, n=None).hits]


def linked_from(new: Path, old: Path) -> list[str]:
    """Names of files in ``new`` that are the same inode as the file of that name in ``old``."""
    return [
        p.name for p in new.iterdir() if p.is_file() and (old / p.name).exists() and os.path.samefile(p, old / p.name)
    ]


def same_as_full(kb, inc_gen: Path, tmp: Path, queries=QUERIES) -> None:
    full = tmp / "full"
    write_index(kb, full / "index")
    meta = lambda g: json.loads((g / "index" / "search.json").read_text(encoding="utf-8"))  # noqa: E731
    assert meta(inc_gen) == meta(full)  # vocab counts, chapters, entities, documents
    for q in queries:
        assert hits(inc_gen, q) == hits(full, q), q
        # the readers skip the units an update deleted from the old segments (a deleted unit
        # has the id of its new version: the counts tell them apart)
        every, top = search(inc_gen, q, n=None), search(inc_gen, q, n=3)
        assert top.total == every.total == search(full, q, n=None).total, q
        assert [h.unit for h in top.hits] == [h.unit for h in every.hits[:3]], q


def assert_candidates_live(gen: Path, phrases: list[str]) -> None:
    """The units that hold a phrase's bigrams (the top-k reader's candidates for a common
    phrase) never include a deleted unit."""
    from kb.index.search import _match, open_index

    idx = open_index(gen)
    with idx.lock:
        _s, ts = idx.session()
        dead = {g.offset + d for g in ts.e.segs for d in g.deleted}
        assert dead
        for p in phrases:
            cand = ts.e.candidates(_match(p))
            assert cand and not cand & dead, p


@pytest.fixture(scope="module")
def plans(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("plans")
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "make_corpus.py"),
            "3",
            "--seed",
            "5",
            "--chars",
            "6000-9000",
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    (out / "manifest.json").unlink()
    return out


def make(files, cache):
    from kb.build import make_kb

    return make_kb(sorted(files), cache=cache)


def test_change_add_remove_match_full_builds(plans, tmp_path, monkeypatch):
    """Three updates in a row, each from the previous update's index: one document changed (a
    query found only in it after, nowhere before), one added, one removed. Every step finds the
    same units as a full write, writes no segment of the unchanged documents again, and leaves
    the previous generation byte-for-byte as it was."""
    import kb.index.topk

    # the top 3 of a phrase take the path of a phrase in thousands of units (candidates by
    # bigrams, positions checked late); a sample of every candidate keeps its count exact
    monkeypatch.setattr(kb.index.topk, "EXACT_COUNT", 4)
    monkeypatch.setattr(kb.index.topk, "SAMPLE", 10**9)
    cache = tmp_path / "cache"
    corpus = tmp_path / "corpus"
    shutil.copytree(plans, corpus)
    files = sorted(corpus.glob("*.txt"))
    kb0 = make(files, cache)
    g0 = tmp_path / "g0"
    write_index(kb0, g0 / "index")
    assert hits(g0, MARK)[1] == set()

    def change():  # a sentence appended to a paragraph of plan-0002
        text = files[1].read_text(encoding="utf-8")
        i = text.index("。", len(text) // 2) + 1
        files[1].write_text(text[:i] + f"本段新增：{MARK}。" + text[i:], encoding="utf-8")

    def add():  # plan-0001 again under another name, so the entity names stay the same (one more
        # line end: the build cache, keyed by content, would otherwise give it plan-0001's id)
        (corpus / "plan-0009.txt").write_text(files[0].read_text(encoding="utf-8") + "\n", encoding="utf-8")

    def remove():  # the one added (removing another may change the discovered entity names, and with
        # them the jieba dictionary: then the update is rightly a full write)
        (corpus / "plan-0009.txt").unlink()

    steps = [("changed", change), ("added", add), ("removed", remove)]
    prev_gen, prev_kb = g0, kb0
    for n, (what, edit) in enumerate(steps, 1):
        edit()
        kb = make(sorted(corpus.glob("*.txt")), cache)
        old = {d.id: d.sha256 for d in prev_kb.documents}
        reuse = frozenset(d.id for d in kb.documents if old.get(d.id) == d.sha256)
        assert len(reuse) >= 2, what
        before = tree_hashes(prev_gen)
        gen = tmp_path / f"g{n}"
        write_index(kb, gen / "index", previous=prev_gen / "index", reuse=reuse)
        assert tree_hashes(prev_gen) == before, what  # the previous generation is untouched
        # the update really reused the old segments (hard links), it did not write in full
        assert any(name.endswith(".pst") for name in linked_from(gen / "index", prev_gen / "index")), what
        same_as_full(kb, gen, tmp_path / f"full{n}", QUERIES + ["职工群众", "工会组织", "劳动者", "进一步"])
        if what == "changed":  # plan-0002's old units are deleted from the first segment
            assert_candidates_live(gen, ["职工群众", "工会组织", "劳动者", "进一步"])
        mark = hits(gen, MARK)[1]
        assert mark and all(u.startswith("plan-0002/") for u in mark), (what, mark)
        assert any(u.startswith("plan-0009/") for u in hits(gen, "工会")[1]) == (what == "added")
        prev_gen, prev_kb = gen, kb


def test_seed_change_gives_the_full_ranking(corpus_path, tmp_path):
    """The seed plan (one document) changed: every old unit is deleted, the old segment dropped,
    and hits, scores and order equal a full write's."""
    from kb.build import make_kb

    cache = tmp_path / "cache"
    src = tmp_path / "c" / corpus_path.name
    src.parent.mkdir()
    shutil.copy(corpus_path, src)
    kb0 = make_kb([src], cache=cache)
    write_index(kb0, tmp_path / "g0" / "index")
    before = tree_hashes(tmp_path / "g0")
    text = src.read_text(encoding="utf-8")
    i = text.index("职工书屋")
    src.write_text(text[:i] + MARK + "，" + text[i:], encoding="utf-8")
    kb1 = make_kb([src], cache=cache)
    g1, full = tmp_path / "g1", tmp_path / "full"
    write_index(
        kb1,
        g1 / "index",
        previous=tmp_path / "g0" / "index",
        reuse=frozenset(d.id for d in kb1.documents if d.sha256 == kb0.documents[0].sha256),
    )
    write_index(kb1, full / "index")
    assert tree_hashes(tmp_path / "g0") == before
    for q in QUERIES + ["职工书屋", "困难职工帮扶", "智慧工会"]:
        assert ranked(g1, q) == ranked(full, q), q
    assert hits(g1, MARK)[1] and not hits(tmp_path / "g0", MARK)[1]


def test_unchanged_corpus_reuses_everything(plans, tmp_path):
    """reuse = every document: nothing is added, the segments are the previous ones."""
    kb = make(sorted(plans.glob("*.txt")), tmp_path / "cache")
    g0, g1 = tmp_path / "g0", tmp_path / "g1"
    write_index(kb, g0 / "index")
    write_index(kb, g1 / "index", previous=g0 / "index", reuse=frozenset(d.id for d in kb.documents))
    segs = lambda g: sorted(p.name for p in (g / "index").glob("MAIN_*") if p.name != "MAIN_WRITELOCK")  # noqa: E731
    assert segs(g1) == segs(g0)
    assert all(os.path.samefile(g1 / "index" / n, g0 / "index" / n) for n in segs(g0))
    same_as_full(kb, g1, tmp_path / "f")


@pytest.fixture(scope="module")
def seed_kb():
    from kb.build import make_kb

    return make_kb([ROOT / "corpus" / "acftu-14th-fyp-part2.txt"])


@pytest.mark.parametrize("damage", ["missing", "empty", "garbage-meta", "garbage-segments", "no-state", "other-names"])
def test_unusable_previous_falls_back_to_a_full_write(seed_kb, tmp_path, damage):
    full = tmp_path / "full"
    write_index(seed_kb, full)
    prev = tmp_path / "prev"
    if damage != "missing":
        if damage == "empty":
            prev.mkdir()
        else:
            write_index(seed_kb, prev)
        if damage == "garbage-meta":
            (prev / "search.json").write_text("{not json", encoding="utf-8")
        elif damage == "garbage-segments":
            for p in prev.glob("MAIN_*"):
                p.write_bytes(b"\x00garbage" * 7)
            for p in prev.glob("_MAIN_*.toc"):
                p.write_bytes(b"garbage")
        elif damage == "no-state":
            (prev / "state.json").unlink()
        elif damage == "other-names":
            state = json.loads((prev / "state.json").read_text(encoding="utf-8"))
            state["names"] = "0" * 16
            (prev / "state.json").write_text(json.dumps(state), encoding="utf-8")
    before = tree_hashes(prev) if prev.exists() else {}
    out = tmp_path / "out"
    write_index(seed_kb, out, previous=prev, reuse=frozenset(d.id for d in seed_kb.documents))
    assert tree_hashes(out) == tree_hashes(full)  # a full write, byte for byte
    assert (tree_hashes(prev) if prev.exists() else {}) == before


def test_prepared_rows_give_the_same_index(plans, tmp_path):
    """Rows computed per document (JSON round trip, as a cache holds them) give the same bytes as
    no rows; rows made with other tokenizer names, for another content or mode are not used."""
    kb = make(sorted(plans.glob("*.txt")), tmp_path / "cache")
    names = index_names(kb)
    rows = {d.id: json.loads(json.dumps(index_rows(d, True, names), ensure_ascii=False)) for d in kb.documents}
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    write_index(kb, a)
    write_index(kb, b, prepared=rows)
    assert tree_hashes(a) == tree_hashes(b)
    d0, d1, d2 = kb.documents[:3]
    bad = {
        d0.id: index_rows(d0, True, ()),  # other names
        d1.id: index_rows(d1, False, names),  # other mode
        d2.id: {**rows[d2.id], "units": [[u[0], ["假"], []] for u in rows[d2.id]["units"]], "sha": "0"},
    }
    write_index(kb, c, prepared=bad)
    assert tree_hashes(a) == tree_hashes(c)


def test_prepared_rows_are_used(plans, tmp_path, monkeypatch):
    """With rows for every document, jieba is not run by write_index."""
    import kb.index.write

    kb_ = make(sorted(plans.glob("*.txt")), tmp_path / "cache")
    rows = {d.id: index_rows(d, True, index_names(kb_)) for d in kb_.documents}

    def no_jieba(*a, **k):
        raise AssertionError("words recomputed")

    monkeypatch.setattr(kb.index.write, "_all_words", no_jieba)
    monkeypatch.setattr(kb.index.write, "_tokenizer_for", no_jieba)
    write_index(kb_, tmp_path / "x", prepared=rows)
    assert search(tmp_path / "x", "工会").hits
    # a split write reads the rows in its part processes (forked: they see these patches too)
    monkeypatch.setattr(kb.index.write, "SPLIT_CHARS", 2000)
    write_index(kb_, tmp_path / "y", prepared=rows)
    assert len(list((tmp_path / "y").glob("*.pst"))) >= 2
    assert search(tmp_path / "y", "工会").hits


def test_split_full_write_ranks_like_one_segment(plans, tmp_path, monkeypatch):
    """A large full write is split into segments written in parallel processes: reproducible
    bytes, and the same hits, scores and order as one segment (docnums keep document order,
    BM25 statistics are sums over segments). An update of it works as from one segment."""
    import kb.index.write

    kb_ = make(sorted(plans.glob("*.txt")), tmp_path / "cache")
    one = tmp_path / "one"
    write_index(kb_, one / "index")
    monkeypatch.setattr(kb.index.write, "SPLIT_CHARS", 2000)
    a, b = tmp_path / "a", tmp_path / "b"
    write_index(kb_, a / "index")
    write_index(kb_, b / "index", prepared={d.id: index_rows(d, True, index_names(kb_)) for d in kb_.documents})
    assert len(list((a / "index").glob("*.pst"))) >= 2  # several segments
    assert tree_hashes(a) == tree_hashes(b)
    for q in QUERIES + ["职工书屋", "智慧工会", "到2025年", "工"]:
        assert ranked(a, q) == ranked(one, q), q
    assert json.loads((a / "index" / "search.json").read_text(encoding="utf-8")) == json.loads(
        (one / "index" / "search.json").read_text(encoding="utf-8")
    )
    reuse = frozenset(d.id for d in kb_.documents[1:])
    write_index(kb_, tmp_path / "c" / "index", previous=a / "index", reuse=reuse)
    assert linked_from(tmp_path / "c" / "index", a / "index")
    same_as_full(kb_, tmp_path / "c", tmp_path / "f")


def test_a_write_that_keeps_no_document_is_a_full_split_write(plans, tmp_path, monkeypatch):
    """New code (or all texts changed) leaves nothing to keep from the previous index: the
    write is a full one, split into parts as a fresh build's (one incremental writer would hold
    every document's postings at once), with a fresh build's bytes and no file of the old."""
    import kb.index.write

    kb_ = make(sorted(plans.glob("*.txt")), tmp_path / "cache")
    monkeypatch.setattr(kb.index.write, "SPLIT_CHARS", 2000)
    fresh, old, new = tmp_path / "fresh" / "index", tmp_path / "old" / "index", tmp_path / "new" / "index"
    write_index(kb_, fresh)
    write_index(kb_, old)
    write_index(kb_, new, previous=old, reuse=frozenset())
    assert len(list(new.glob("*.pst"))) >= 2  # several segments, as the fresh write
    assert tree_hashes(new) == tree_hashes(fresh)
    assert not linked_from(new, old)
