"""The extractor against the hand annotations of three dev-corpus plans (tests/data/targets):
the floors scripts/score_targets.py must keep (precision, recall, deadlines right)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _scorer():
    spec = importlib.util.spec_from_file_location("score_targets", ROOT / "scripts" / "score_targets.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def scores():
    sc = _scorer()
    if not sc.CORPUS_DEV.is_dir():
        pytest.skip(f"dev corpus not at {sc.CORPUS_DEV} (set PLANKB_CORPUS_DEV)")
    return sc, sc.score_all()


def test_floor_per_plan(scores):
    sc, res = scores
    assert len(res) >= 3
    for plan, r in res.items():
        p, rc, d = sc.prf(r)
        assert p >= 0.9 and rc >= 0.9 and d >= 0.9, (plan, r)
        if "table" in r:
            p, rc, d = sc.prf(r["table"])
            assert p >= 0.9 and rc >= 0.9 and d >= 0.9, (plan, r["table"])
