#!/usr/bin/env python3
"""Score `kb mentions` against tests/data/mentions_gold.json and time target extraction.

Exact: the units `kb mentions TERM --exact` returns vs the gold "exact" units (for actors the
gold "real" units where the gold marks a literal hit as a false positive, e.g. 联合国 inside
联合国务院国资委; for targets "exact_bounded", which ignores 5万人 inside 4.5万人).
Semantic: the units `kb mentions TERM` returns (aliases, related wordings, narrower terms)
vs the gold "semantic" units, for every gold entry that has them; units the gold lists as
"semantic_possible" (plausible, not clear) count neither way.

    python scripts/score_mentions.py [--verbose]
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
GOLD = ROOT / "tests" / "data" / "mentions_gold.json"
CORPUS = ROOT / "corpus" / "acftu-14th-fyp-part2.txt"


def unit_id(g) -> str:
    """Gold unit names: 17 -> T17, 精准服务#1 -> I:精准服务:1."""
    if isinstance(g, int) or str(g).isdigit():
        return f"T{g}"
    table, row = str(g).split("#")
    return f"I:{table}:{row}"


def gold_sets(gold: dict):
    """(type, term, exact units, semantic units or None, neutral units)."""
    for typ in ("groups", "actors", "targets"):
        for term, g in gold[typ].items():
            if typ == "targets":
                exact = g.get("exact_bounded", g["exact"])
            else:
                exact = g.get("real", g["exact"])
            sem = g.get("semantic")
            neutral = {unit_id(p["unit"]) for p in g.get("semantic_possible", [])}
            yield typ, term, {unit_id(u) for u in exact}, ({unit_id(u) for u in sem} if sem else None), neutral


def prf(tp: int, fp: int, fn: int) -> tuple[float, float]:
    return (tp / (tp + fp) if tp + fp else 1.0), (tp / (tp + fn) if tp + fn else 1.0)


def score(kb, gold: dict) -> dict:
    from kb.query.mentions import mentioned_units, mentions

    out: dict = {"exact": {}, "semantic": {}, "errors": []}
    for typ, term, exact, sem, neutral in gold_sets(gold):
        got = set(mentioned_units(mentions(kb, term, exact=True)))
        c = out["exact"].setdefault(typ, [0, 0, 0])
        c[0] += len(got & exact)
        c[1] += len(got - exact)
        c[2] += len(exact - got)
        if got != exact:
            out["errors"].append(("exact", typ, term, sorted(got - exact), sorted(exact - got)))
        if sem is not None:
            got_s = set(mentioned_units(mentions(kb, term))) - (neutral - sem)
            c = out["semantic"].setdefault(typ, [0, 0, 0])
            c[0] += len(got_s & sem)
            c[1] += len(got_s - sem)
            c[2] += len(sem - got_s)
            if got_s != sem:
                out["errors"].append(("semantic", typ, term, sorted(got_s - sem), sorted(sem - got_s)))
    return out


def bench_extract(path: Path = CORPUS, repeat: int = 3) -> dict:
    """Extraction time on one corpus file, parse excluded: mentions + targets (the spaCy
    pipeline) and the whole stage (with discovery and the entity list). The pipeline's load
    time (spaCy, jieba dictionary, lexicon) is measured apart, from a cold cache."""
    from kb.extract import pipeline
    from kb.extract.discover import _pos_tokenizer
    from kb.extract.document import collect_entities, enrich_document
    from kb.model import KB
    from kb.parse.text import parse_file

    pipeline._nlp.cache_clear()
    pipeline._segmenter.cache_clear()
    _pos_tokenizer.cache_clear()
    t0 = time.perf_counter()
    pipeline.get_nlp()
    load = time.perf_counter() - t0
    best = best_all = None
    chars = 0
    for i in range(repeat + 1):
        doc = parse_file(path)
        chars = sum(len(u.text) for u in doc.units())
        t = time.perf_counter()
        enrich_document(doc)
        t1 = time.perf_counter()
        collect_entities(KB(documents=[doc]))
        t2 = time.perf_counter()
        if i == 0:
            continue  # the first round loads jieba's tagger for discovery
        best = t1 - t if best is None else min(best, t1 - t)
        best_all = t2 - t if best_all is None else min(best_all, t2 - t)
    return {
        "file": path.name,
        "chars": chars,
        "load_s": round(load, 3),
        "extract_s": round(best, 4),
        "chars_per_s": round(chars / best),
        "stage_s": round(best_all, 4),
        "stage_chars_per_s": round(chars / best_all),
    }


def bench_line(path: Path = CORPUS) -> str:
    b = bench_extract(path)
    return (
        f"extract: {b['chars']:,} chars; mentions+targets {b['extract_s']:.3f} s ({b['chars_per_s']:,} chars/s); "
        f"with discovery and entities {b['stage_s']:.3f} s ({b['stage_chars_per_s']:,} chars/s); "
        f"pipeline load {b['load_s']:.2f} s"
    )


def main(argv: list[str]) -> int:
    from kb.build import make_kb

    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    kb = make_kb([CORPUS])
    res = score(kb, gold)
    for mode in ("exact", "semantic"):
        for typ, (tp, fp, fn) in res[mode].items():
            p, r = prf(tp, fp, fn)
            print(f"{mode:<8} {typ:<8} precision {p:.3f} recall {r:.3f}  (tp {tp}, fp {fp}, fn {fn})")
    if "--verbose" in argv or "-v" in argv:
        for e in res["errors"]:
            print("  mismatch", *e)
    print(bench_line())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
