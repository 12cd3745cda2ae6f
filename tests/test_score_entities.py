"""Actor and group extraction against the hand annotations of three real plans
(tests/data/entities, scripts/score_entities.py): the floors measured, per plan and type, and the
annotations themselves located in their plans."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# (precision, recall) floors as measured (2026-11-30), and role accuracy for actors
FLOORS = {
    "jiading-sponge-city-plan": {"ACTOR": (0.97, 0.95, 0.45), "GROUP": (1.0, 1.0)},
    "zero-waste-city-pilot": {"ACTOR": (0.90, 0.95, 0.98), "GROUP": (0.66, 1.0)},
    "vocational-education-reform": {"ACTOR": (0.60, 0.78, 0.33), "GROUP": (0.72, 0.77)},
}


def _scorer():
    spec = importlib.util.spec_from_file_location("score_entities", ROOT / "scripts" / "score_entities.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def scores():
    sc = _scorer()
    return sc, sc.score_all()


def test_annotations_locate():
    sc = _scorer()
    assert set(FLOORS) <= set(sc.plans())
    for plan in sc.plans():
        text, gold = sc.load_gold(plan)
        assert gold and all(text[g["start"] : g["end"]] == g["text"] for g in gold)
        starts = [g["start"] for g in gold]
        assert starts == sorted(starts) and len(set(starts)) == len(starts)
        assert all(g["type"] in ("ACTOR", "GROUP") and g["role"] in (None, "lead", "partner") for g in gold)


def test_floors(scores):
    sc, res = scores
    for plan, floors in FLOORS.items():
        for typ, fl in floors.items():
            r = res[plan][typ]
            assert r["precision"] >= fl[0] and r["recall"] >= fl[1], (plan, typ, r["precision"], r["recall"])
            if len(fl) > 2:
                assert r["role_accuracy"] >= fl[2], (plan, typ, r["role_accuracy"])
        assert res[plan]["lost_units"] == 0
