"""Top-k search ranks as scoring every hit would: the top 10 (units, tiers, in order) and the
total of ~40 queries over the bundled corpus/ (nine real plans) and over the seed plan alone equal
the full ranking's; and the hits frozen in tests/data/search_top10.json from the implementation
that scored every hit (``limit=None``) are still mostly found. Regenerate only on purpose:

    python tests/test_search_topk.py --freeze
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data" / "search_top10.json"
SEED = ROOT / "corpus" / "acftu-14th-fyp-part2.txt"

# (query, filters) ; filters are keyword arguments of kb.index.search.search
QUERIES: list[tuple[str, dict]] = [
    ("农民工", {}),
    ("职工", {}),
    ("工会", {}),
    ("集体协商 指导员", {}),
    ("女职工 OR 劳模", {}),
    ("送温暖", {}),
    ("“十四五”期间", {}),
    ("职业培训机构", {}),
    ("工会 -农民工", {}),
    ("title:维权", {}),
    ("新就业形态劳动者", {}),
    ("海绵城市", {}),
    ("数据要素", {}),
    ("职业教育", {}),
    ("文物保护", {}),
    ("垃圾分类", {}),
    ("乡村振兴", {}),
    ("国土空间", {}),
    ("绿化 公园", {}),
    ("数字经济 产业 融合", {}),
    ("文物 考古 博物馆", {}),
    ("雨水 径流 控制率", {}),
    ("高标准农田", {}),
    ("产教融合", {}),
    ("固体废物 资源化", {}),
    ("建设", {}),
    ("发展", {}),
    ("数", {}),
    ("80%", {}),
    ("2025年", {}),
    ("5G", {}),
    ("勞動模範", {}),
    ("如何推进数字化转型", {}),
    ("哪些任务涉及女职工", {}),
    ("怎样保护历史文化遗产", {}),
    ("城市更新 -绿化", {}),
    ("title:海绵", {}),
    ('"中共中央 国务院"', {}),
    ("职工", {"kind": "indicator"}),
    ("建设", {"kind": "task"}),
    ("工会", {"chapter": "七"}),
    ("工资", {"group": "农民工"}),
    ("职工", {"actor": "全总"}),
]


def _gen(files: list[Path], out: Path) -> Path:
    from kb.build import make_kb
    from kb.index.write import write_index

    write_index(make_kb(files), out / "index")
    return out


def _corpus_files() -> list[Path]:
    return sorted((ROOT / "corpus").glob("*.txt"))


def _run(gen: Path, q: str, kw: dict) -> dict:
    from kb.errors import KBError
    from kb.index.search import search

    try:
        r = search(gen, q, n=10, **kw)
    except KBError as e:
        return {"error": str(e)}
    return {
        "mode": r.mode,
        "total": r.total,
        "hits": [[h.unit, h.tier, round(h.score, 3)] for h in r.hits],
    }


def _key(q: str, kw: dict) -> str:
    return q + "".join(f" --{k} {v}" for k, v in sorted(kw.items()))


def snapshot(gens: dict[str, Path]) -> dict:
    return {name: {_key(q, kw): _run(g, q, kw) for q, kw in QUERIES} for name, g in gens.items()}


@pytest.fixture(scope="module")
def gens(tmp_path_factory) -> dict[str, Path]:
    return {
        "seed": _gen([SEED], tmp_path_factory.mktemp("seed")),
        "corpus": _gen(_corpus_files(), tmp_path_factory.mktemp("corpus9")),
    }


def test_top10_equals_the_full_ranking(gens):
    """Top-k scoring gives the same top 10 (units, tiers, order, scores) and the same total as
    ranking every hit (``n=None``, whoosh's unlimited collector) — on every query of the mix,
    over the seed alone and over the nine plans."""
    from kb.errors import KBError
    from kb.index.search import search

    diffs = []
    for name, g in gens.items():
        for q, kw in QUERIES:
            try:
                cut, full = search(g, q, n=10, **kw), search(g, q, n=None, **kw)
            except KBError:
                continue
            key = f"{name} {_key(q, kw)}"
            if (cut.mode, cut.total) != (full.mode, full.total):
                diffs.append(f"{key}: mode/total {full.mode}/{full.total} -> {cut.mode}/{cut.total}")
            if [(h.unit, h.tier) for h in cut.hits] != [(h.unit, h.tier) for h in full.hits[:10]]:
                diffs.append(f"{key}: top 10 differs")
            for a, b in zip(cut.hits, full.hits):
                if abs(a.score - b.score) > 1e-3 * max(1.0, abs(b.score)):
                    diffs.append(f"{key}: score {b.score} -> {a.score}")
                    break
    assert not diffs, "\n".join(diffs)


def test_frozen_queries_still_answer(gens):
    """The queries frozen from the score-every-hit implementation (tests/data/search_top10.json)
    still find most of the units they found then: extraction and parsing improve, so scores
    move, but a query's hits must not vanish."""
    want = json.loads(DATA.read_text(encoding="utf-8"))
    got = snapshot(gens)
    kept = total = 0
    for name in want:
        for key, w in want[name].items():
            g = got[name][key]
            if "error" in w or "error" in g:
                continue
            before = {u for u, _, _ in w["hits"]}
            total += len(before)
            kept += len(before & {u for u, _, _ in g["hits"]})
    assert total and kept / total >= 0.8, (kept, total)


if __name__ == "__main__":
    if "--freeze" not in sys.argv:
        sys.exit("usage: python tests/test_search_topk.py --freeze")
    sys.path.insert(0, str(ROOT))
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        snap = snapshot({"seed": _gen([SEED], t / "seed"), "corpus": _gen(_corpus_files(), t / "corpus")})
    DATA.write_text(json.dumps(snap, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {DATA}: {sum(len(v) for v in snap.values())} queries")


def test_literal_recall_and_exact_total(gens):
    """A string that occurs literally in a unit always finds it, and the total printed with a
    top-k cut is the exact number of units found without one."""
    import random

    from kb.index.search import open_index, search

    g = gens["corpus"]
    idx = open_index(g)
    with idx.ix.searcher() as s:
        texts = {f["data"]["unit"]: idx.norm(f["data"]["text"]) for f in s.all_stored_fields()}
    rng = random.Random(7)
    units = sorted(texts)
    checked = 0
    for _ in range(60):
        t = texts[rng.choice(units)]
        if len(t) < 8:
            continue
        i = rng.randrange(0, len(t) - 6)
        q = t[i : i + rng.choice([2, 3, 4, 6])].strip()
        if len(q) < 2 or any(c in q for c in ' "“”-:()') or q.upper() in ("OR", "AND", "NOT"):
            continue
        want = {u for u, x in texts.items() if q in x}
        full = search(g, q, n=None)
        got = {h.unit for h in full.hits}
        assert want <= got, (q, sorted(want - got)[:5])
        cut = search(g, q, n=3)
        assert cut.total == full.total == len(full.hits), q
        assert [h.unit for h in cut.hits] == [h.unit for h in full.hits[:3]], q
        checked += 1
    assert checked >= 30


WHOOSH_QUERIES = [
    "农民工",
    "建设",
    "推进",
    "工会",
    "职工",
    "发展",
    "劳模",
    "集体协商 指导员",
    "职工 服务",
    "工会 建设",
    "数字经济 产业 融合",
]


def _whoosh_top10(g: Path, query: str) -> list[tuple[str, float]]:
    """The first tier's top 10 as whoosh's own collector ranks it, every hit scored
    (UnlimitedCollector): the query kb.index.search builds, its match set from whoosh's
    phrase matcher (docs_for_query), ties in document order."""
    from whoosh import collectors
    from whoosh.query import And, AndMaybe, Or

    from kb.index import search as S
    from kb.index.queryparse import parse

    idx = S.open_index(g)
    pos = S._clauses(idx, parse(query).positive)
    rank = S._rank(idx, [v for c in pos for v in c.variants])
    req = [c.query() for c in pos]
    q = AndMaybe(req[0] if len(req) == 1 else And(req), Or(rank))
    with idx.ix.searcher() as s:
        every = set.intersection(*(set(s.docs_for_query(r)) for r in req))
        top = collectors.UnlimitedCollector()
        s.search_with_collector(q, collectors.FilterCollector(top, allow=every))
        hits = sorted(((h.score, h.docnum) for h in top.results()), key=lambda x: (-x[0], x[1]))[:10]
        return [(s.stored_fields(d)["data"]["unit"], sc) for sc, d in hits]


def test_top10_equals_whoosh_scoring_every_hit(gens):
    """The top 10 read from the posting blocks (bounds, then exact scores for the few units
    that can still enter) are whoosh's own: the same units, order and scores as its unlimited
    collector scoring every hit, on the nine plans, for one- and two-word queries and words
    found in most units (建设, 推进, 工会)."""
    from kb.index.search import search

    g = gens["corpus"]
    checked = 0
    for q in WHOOSH_QUERIES:
        want = _whoosh_top10(g, q)
        got = [(h.unit, h.score) for h in search(g, q, n=10).hits if h.tier == 0]
        assert [u for u, _ in got] == [u for u, _ in want[: len(got)]], q
        assert len(got) == min(10, len(want)), q
        for (_, a), (_, b) in zip(got, want):
            assert abs(a - b) <= 1e-9 * max(1.0, abs(b)), (q, a, b)
        checked += len(got) >= 10
    assert checked >= 6  # most queries fill the top 10 from the first tier


def test_estimated_count_keeps_the_top10(gens, monkeypatch):
    """A phrase in more units than the exact-count bound gets a count scaled from a sample and
    labelled so (``total_estimated`` in --json); its positions are checked only on the units
    that can enter the top k, which must not change the top 10. The bound is lowered here so
    that the nine plans take that path."""
    import kb.index.topk as topk
    from kb.errors import KBError
    from kb.index.search import search

    g = gens["corpus"]
    monkeypatch.setattr(topk, "EXACT_COUNT", 8)
    monkeypatch.setattr(topk, "SAMPLE", 6)
    estimated, diffs = 0, []
    # and strings whose bigrams occur in many units apart (职工 … 工会) but rarely as one
    for q, kw in QUERIES + [("职工会", {}), ("建设工", {}), ("工作机制", {})]:
        try:
            cut, full = search(g, q, n=10, **kw), search(g, q, n=None, **kw)
        except KBError:
            continue
        if [(h.unit, h.tier, h.score) for h in cut.hits] != [(h.unit, h.tier, h.score) for h in full.hits[:10]]:
            diffs.append(f"{_key(q, kw)}: top 10 differs")
        doc = cut.to_json()
        if cut.estimated:
            estimated += 1
            assert doc["total_estimated"] is True and cut.total >= len(cut.hits) == 10, q
            assert abs(cut.total - full.total) <= full.total // 2, (q, cut.total, full.total)
        else:
            assert "total_estimated" not in doc and cut.total == full.total, q
    assert not diffs, "\n".join(diffs)
    assert estimated >= 5
