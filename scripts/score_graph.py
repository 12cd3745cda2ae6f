#!/usr/bin/env python3
"""Score the ``depends_on`` and ``measures`` edges against tests/data/dependencies_gold.json.

Precision = tool depends_on edges found in the gold ``pairs`` / all tool depends_on edges.
Recall is given for the clear pairs (grade 2) and for all pairs (grade >= 1). Edges that hit a
gold ``not_dependencies`` pair (a known error) are counted and listed; edges in neither list are
listed as unjudged. ``measures`` recall: the gold indicator-row -> task links found.

    python scripts/score_graph.py [--verbose] [--json]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
GOLD = ROOT / "tests" / "data" / "dependencies_gold.json"
CORPUS = ROOT / "corpus" / "acftu-14th-fyp-part2.txt"


def _row_id(g: str) -> str:
    table, row = g.split("#")
    return f"I:{table}:{row}"


def score(kb, gold: dict) -> dict:
    dep = {(e.source, e.target) for e in kb.edges if e.type == "depends_on"}
    pairs = {(f"T{p['from']}", f"T{p['to']}"): p["grade"] for p in gold["pairs"]}
    nots = {(f"T{p['from']}", f"T{p['to']}") for p in gold["not_dependencies"]}
    clear = {k for k, g in pairs.items() if g >= 2}
    tp = dep & set(pairs)
    meas = {(e.source, e.target) for e in kb.edges if e.type == "measures"}
    gold_meas = {(_row_id(m["row"]), f"T{m['task']}") for m in gold["measures"]}
    return {
        "edges": len(dep),
        "precision": round(len(tp) / len(dep), 3) if dep else 1.0,
        "recall_clear": round(len(dep & clear) / len(clear), 3),
        "recall_all": round(len(tp) / len(pairs), 3),
        "not_dependency_hits": sorted(dep & nots),
        "unjudged": sorted(dep - set(pairs) - nots),
        "missed": sorted(set(pairs) - dep),
        "measures_found": len(gold_meas & meas),
        "measures_gold": len(gold_meas),
        "measures_missed": sorted(gold_meas - meas),
    }


def main(argv: list[str]) -> int:
    from kb.build import enrich_kb
    from kb.model import KB
    from kb.parse.text import parse_file

    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    kb = enrich_kb(KB(documents=[parse_file(CORPUS)]))
    s = score(kb, gold)
    if "--json" in argv:
        print(json.dumps(s, ensure_ascii=False, indent=2))
        return 0
    print(f"depends_on edges: {s['edges']}")
    print(f"precision: {s['precision']:.2f}")
    print(f"recall (clear pairs): {s['recall_clear']:.2f}")
    print(f"recall (all pairs): {s['recall_all']:.2f}")
    print(f"known non-dependencies output: {len(s['not_dependency_hits'])} {s['not_dependency_hits'] or ''}")
    print(f"measures links found: {s['measures_found']}/{s['measures_gold']}")
    if "--verbose" in argv:
        by = {(e.source, e.target): e for e in kb.edges if e.type == "depends_on"}
        for label, keys in (("unjudged", s["unjudged"]), ("known non-dependency", s["not_dependency_hits"])):
            for k in keys:
                e = by[k]
                est = e.evidence.get("establishes") or {}
                print(f"  {label}: {k[0]} -> {k[1]} [{e.rule}] “{e.evidence['text']}” <- “{est.get('text', '')}”")
        print(f"  missed: {s['missed']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
