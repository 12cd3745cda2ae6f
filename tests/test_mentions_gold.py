"""`kb mentions` against the hand-checked gold (tests/data/mentions_gold.json): exact units
for every group, actor and target, and the semantic units where the gold gives them. The
scoring rules are those of scripts/score_mentions.py, which prints the same numbers."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _scorer():
    spec = importlib.util.spec_from_file_location("score_mentions", ROOT / "scripts" / "score_mentions.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def result(corpus_path, mentions_gold):
    from kb.build import make_kb

    sm = _scorer()
    res = sm.score(make_kb([corpus_path]), mentions_gold)
    for mode in ("exact", "semantic"):
        for typ, (tp, fp, fn) in res[mode].items():
            p, r = sm.prf(tp, fp, fn)
            print(f"{mode} {typ}: precision {p:.3f} recall {r:.3f} (tp {tp}, fp {fp}, fn {fn})")
    return res


@pytest.mark.parametrize("typ", ["groups", "actors", "targets"])
def test_exact_precision_recall_is_one(result, typ):
    tp, fp, fn = result["exact"][typ]
    assert tp > 0 and fp == 0 and fn == 0, [e for e in result["errors"] if e[0] == "exact" and e[1] == typ]


@pytest.mark.parametrize("typ", ["groups", "actors", "targets"])
def test_semantic_precision_recall_is_one(result, typ):
    tp, fp, fn = result["semantic"][typ]
    assert tp > 0 and fp == 0 and fn == 0, [e for e in result["errors"] if e[0] == "semantic" and e[1] == typ]


def test_every_gold_term_is_covered(mentions_gold):
    sm = _scorer()
    covered = {(typ, term) for typ, term, *_ in sm.gold_sets(mentions_gold)}
    terms = {(typ, term) for typ in ("groups", "actors", "targets") for term in mentions_gold[typ]}
    assert terms and covered == terms


def test_unit_names():
    sm = _scorer()
    assert sm.unit_id(17) == "T17" and sm.unit_id("精准服务#1") == "I:精准服务:1"


def test_bench_line():
    sm = _scorer()
    b = sm.bench_extract(repeat=1)
    assert b["chars"] > 10000 and b["extract_s"] > 0 and b["chars_per_s"] > 0
