"""Actor and group extraction against the hand annotations of three real plans
(tests/data/entities, scripts/score_entities.py): the floors measured, per plan and type, and the
annotations themselves located in their plans."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# (precision, recall) floors as measured (2026-11-30, after the acting rule of
# kb/extract/acting.py, the roles of running text, and the actors of issue 13: issuer lines,
# generic local doers, collective wordings), and role accuracy for actors; all eight plans
FLOORS = {
    "jiading-sponge-city-plan": {"ACTOR": (0.98, 1.0, 1.0), "GROUP": (1.0, 1.0)},
    "zero-waste-city-pilot": {"ACTOR": (0.99, 0.96, 0.99), "GROUP": (1.0, 1.0)},
    "vocational-education-reform": {"ACTOR": (0.97, 0.94, 1.0), "GROUP": (0.96, 1.0)},
    "digital-economy-14th-fyp": {"ACTOR": (0.97, 0.9, 1.0), "GROUP": (0.97, 1.0)},
    "hubei-cultural-relics-14th-fyp-pdf": {"ACTOR": (0.97, 0.91, 1.0), "GROUP": (0.98, 0.93)},
    "moa-2026-rural-implementation": {"ACTOR": (0.98, 0.94, 1.0), "GROUP": (1.0, 0.91)},
    "putuo-greening-15th-fyp": {"ACTOR": (1.0, 0.94, 1.0), "GROUP": (1.0, 1.0)},
    "putuo-spatial-near-term-plan": {"ACTOR": (1.0, 1.0, 1.0), "GROUP": (1.0, 1.0)},
}


def _scorer():
    spec = importlib.util.spec_from_file_location("score_entities", ROOT / "scripts" / "score_entities.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    sc = _scorer()
    return sc.build_plans(sc.plans(), tmp_path_factory.mktemp("ents") / "build")


@pytest.fixture(scope="module")
def scores(built):
    sc = _scorer()
    return sc, sc.score_all(built)


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


def test_class_words_not_acting_are_not_actor_predictions(scores, built, tmp_path):
    """The scorer reads ``acting``: with the flag cleared (every class word counted, as before
    the rule) precision on the plan full of class words drops."""
    import json

    sc, res = scores
    plan = "vocational-education-reform"
    from kb.build.kbjson import read_kb_json
    from kb.model import kb_to_dict

    # the model, not the stored form (which packs a mention as a list)
    kb = kb_to_dict(read_kb_json(built))
    cleared = 0
    for d in kb["documents"]:
        for u in d["tasks"] + d["paragraphs"]:
            for m in u["mentions"]:
                if m.get("acting") is False:
                    m["acting"], cleared = None, cleared + 1
    (tmp_path / "kb.json").write_text(json.dumps(kb, ensure_ascii=False), encoding="utf-8")
    before = sc.score_all(tmp_path / "kb.json", [plan])[plan]["ACTOR"]
    assert cleared > 20
    assert before["precision"] < res[plan]["ACTOR"]["precision"] - 0.1
