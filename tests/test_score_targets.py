"""Targets of the real pipeline (a build's kb.json) against the hand annotations of the dev-corpus
plans (tests/data/targets, scripts/score_targets.py): the floors measured, the annotations placed
in their files, and the map from units to file offsets that the scorers share (scripts/unitmap.py),
also on text that PDF reflow changed."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"

# (precision, recall, deadlines right) of prose targets and (precision, recall, fields right) of
# the indicator table, as measured through the build (2026-11-30)
FLOORS = {
    "putuo-spatial-near-term-plan": ((1.0, 1.0, 1.0), (1.0, 1.0, 1.0)),
    "vocational-education-reform": ((1.0, 1.0, 1.0), None),
    "zero-waste-city-pilot": ((1.0, 1.0, 1.0), None),
}


def _load(name: str):
    sys.path.insert(0, str(SCRIPTS))
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def scores():
    sc = _load("score_targets")
    return sc, sc.score_all()


def test_annotations_locate():
    """Every gold target's text is on its line; every gold table lies inside its file."""
    sc = _load("score_targets")
    assert set(FLOORS) <= set(sc.plans())
    for plan in sc.plans():
        gold = sc.load_gold(plan)
        lines = (sc.CORPUS / gold["file"]).read_text(encoding="utf-8").split("\n")
        for g in gold["targets"]:
            assert g["text"] in lines[g["line"] - 1], (plan, g)
            assert isinstance(g["deadline_inferred"], bool) and g["value"] is not None
        if gold.get("table"):
            assert 1 <= gold["table"]["first_line"] < gold["table"]["last_line"] <= len(lines)


def test_floors(scores):
    sc, res = scores
    for plan, (prose, table) in FLOORS.items():
        r = res[plan]
        assert r["lost_units"] == 0
        assert all(got >= want for got, want in zip(sc.prf(r), prose)), (plan, sc.prf(r), r["log"])
        if table:
            assert all(got >= want for got, want in zip(sc.prf(r["table"]), table)), (plan, r["table"], r["log"])


def test_a_wrong_deadline_is_counted(scores, tmp_path):
    """The scorer reads the build's deadlines: a kb.json with one deadline moved scores lower."""
    sc, _ = scores
    plan = "vocational-education-reform"
    kb = json.loads(sc.build_plans([plan], tmp_path / "b").read_text(encoding="utf-8"))
    doc = kb["documents"][0]
    moved = next(t for u in doc["tasks"] + doc["paragraphs"] for t in u["targets"] if t.get("deadline") == 2022)
    moved["deadline"] = 2035
    (tmp_path / "kb.json").write_text(json.dumps(kb, ensure_ascii=False), encoding="utf-8")
    r = sc.score_all(tmp_path / "kb.json", [plan])[plan]
    assert r["deadline_ok"] == r["tp"] - 1


@pytest.mark.parametrize("plan", ["hubei-cultural-relics-14th-fyp-pdf", "acftu-14th-fyp-part2"])
def test_units_placed_in_reflowed_files(plan, tmp_path):
    """Units whose text reflow changed (PDF line breaks, page numbers, spaces; page-break joins)
    are still placed: every mention and target lands on its own characters in the file."""
    um = _load("unitmap")
    from kb.build import build

    build([ROOT / "corpus" / f"{plan}.txt"], tmp_path / "b")
    doc = json.loads((tmp_path / "b" / "kb.json").read_text(encoding="utf-8"))["documents"][0]
    text = (ROOT / "corpus" / f"{plan}.txt").read_text(encoding="utf-8")
    verbatim = placed = ok = total = 0
    for u, _t, off in um.placed_units(doc, text):
        verbatim += u["text"] in text
        placed += off is not None
        for m in (u["mentions"] + u["targets"]) if off else []:
            a, b = um.span(off, m["start"], m["end"])
            total += 1
            ok += re.sub(r"\s", "", text[a:b]) == re.sub(r"\s", "", m["text"])
    n = sum(1 for _ in um.units(doc))
    assert verbatim < n and placed == n  # the file differs from the units, yet all are placed
    assert total > 50 and ok >= 0.99 * total


def test_rows_are_matched_by_printed_number(tmp_path):
    """A gold table row is the row printed with that 序号, not the n-th row: putuo-greening's
    table 2 has a 其中 sub-row (no number) between rows 1 and 2; hubei's table prints no
    numbers, so its rows count by position."""
    sc = _load("score_targets")
    from kb.build import build

    names = ["putuo-greening-15th-fyp", "hubei-cultural-relics-14th-fyp-pdf"]
    build([sc.CORPUS / f"{n}.txt" for n in names], tmp_path / "b")
    docs = {d["id"]: d for d in json.loads((tmp_path / "b" / "kb.json").read_text(encoding="utf-8"))["documents"]}
    pg = docs[names[0]]
    text = (sc.CORPUS / f"{names[0]}.txt").read_text(encoding="utf-8")
    rows = {p["unit_id"]: p["row"] for p in sc.predicted(pg, text)[0] if p["table"] == "表2"}
    texts = {r["id"]: r["text"] for t in pg["indicator_tables"] for r in t["rows"]}
    assert rows and all(n is None for u, n in rows.items() if texts[u].startswith("其中"))
    assert any(n == 2 and "绿化覆盖率" in texts[u] for u, n in rows.items()), rows
    hubei = docs[names[1]]
    htext = (sc.CORPUS / f"{names[1]}.txt").read_text(encoding="utf-8")
    hrows = [p["row"] for p in sc.predicted(hubei, htext)[0] if p["table"]]
    assert hrows and all(isinstance(n, int) for n in hrows)
