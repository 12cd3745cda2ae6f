"""A plan in traditional characters (the 繁體 page of a government site, a mirror) is read like its
simplified original: the normalizer converts it, so the outline, the responsibility notes, the
actors, groups and targets come out the same. The traditional texts are generated from real plans
of corpus/ with OpenCC's s2t."""

from __future__ import annotations

from pathlib import Path

import opencc
import pytest

from kb.extract.document import enrich_document
from kb.model import document_to_dict
from kb.parse.normalize import normalize_text, to_simplified
from kb.parse.text import parse_text

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
PLANS = sorted(CORPUS.glob("*.txt"))


def _model(text: str, doc_id: str) -> dict:
    norm = normalize_text(text)
    d = parse_text(norm.text, doc_id=doc_id, norm=norm)
    enrich_document(d)
    out = document_to_dict(d)
    out.pop("notes")
    out.pop("sha256", None)
    return out


@pytest.mark.parametrize("name", ["zero-waste-city-pilot", "jiading-sponge-city-plan", "vocational-education-reform"])
def test_traditional_plan_gives_the_simplified_model(name):
    text = (CORPUS / f"{name}.txt").read_text(encoding="utf-8")
    trad = opencc.OpenCC("s2t").convert(text)
    assert opencc.OpenCC("t2s").convert(trad) == text  # the round trip is exact for these plans
    changed = sum(a != b for a, b in zip(text, trad))
    assert changed > 500
    norm = normalize_text(trad)
    assert norm.t2s == changed and norm.text == normalize_text(text).text
    d = parse_text(norm.text, doc_id=name, norm=norm)
    assert f"traditional characters converted to simplified: {changed} characters" in d.notes
    assert _model(trad, name) == _model(text, name)


def test_responsibility_note_in_traditional_characters():
    # a task with a 牽頭單位/責任單位 note as a 繁體 page prints it (ASCII brackets and colons)
    text = (
        "一、主要任務\n"
        "(一)降低企業成本。到2027年,全省企業開辦時間壓縮至3個工作日以內。"
        "(牽頭單位:省發展改革委;責任單位:省稅務局、省公安廳)\n"
    )
    norm = normalize_text(text)
    d = parse_text(norm.text, doc_id="t", norm=norm)
    enrich_document(d)
    (task,) = d.tasks
    ms = [m for u in d.units() if u.id.startswith(task.id) for m in u.mentions]
    roles = {m.text: m.role for m in ms if m.entity.startswith("ACTOR:") and m.role}
    assert roles == {"省发展改革委": "lead", "省税务局": "partner", "省公安厅": "partner"}
    assert [(t.value, t.unit, t.deadline) for u in d.units() for t in u.targets] == [(3, "个工作日", 2027)]


@pytest.mark.parametrize("path", PLANS, ids=[p.stem for p in PLANS])
def test_simplified_plans_are_left_as_they_are(path):
    text = path.read_text(encoding="utf-8")
    assert to_simplified(text) == (text, 0)


def test_a_quoted_traditional_name_does_not_convert_a_simplified_plan():
    text = (CORPUS / "vocational-education-reform.txt").read_text(encoding="utf-8")
    quoted = text + "\n参见《國家職業教育改革實施方案》及臺灣地區的做法。\n"
    assert to_simplified(quoted) == (quoted, 0)
