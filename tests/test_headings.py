"""Heading lines name groups and actors too (四、全面深化公众参与和社会宣传): no unit holds a
heading line, so its mentions are the chapter's (``Chapter.mentions``, offsets into ``heading``),
found by the unit rules, queried by `kb mentions` under ``headings`` and placed by the scorers."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from kb.query.mentions import mentioned_units, mentions

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
PLANS = (
    "putuo-greening-15th-fyp",
    "vocational-education-reform",
    "moa-2026-rural-implementation",
    "acftu-14th-fyp-part2",
    "putuo-spatial-near-term-plan",
)


@pytest.fixture(scope="module")
def kb():
    from kb.build import make_kb

    return make_kb([CORPUS / f"{p}.txt" for p in PLANS])


def _chapter(kb, plan: str, words: str):
    [d] = [d for d in kb.documents if d.id == plan]
    [c] = [c for c in d.chapters if words in c.heading]
    return c


@pytest.mark.parametrize(
    "plan, words, entity",
    [
        ("putuo-greening-15th-fyp", "全面深化公众参与和社会宣传", "GROUP:公众"),
        ("vocational-education-reform", "完善技术技能人才保障政策", "GROUP:技术技能人才"),
        ("moa-2026-rural-implementation", "千方百计促进农民稳定增收", "GROUP:农民"),
        ("acftu-14th-fyp-part2", "加快智慧工会建设", "ACTOR:工会"),
    ],
)
def test_a_heading_line_names_a_group_or_an_actor(kb, plan, words, entity):
    c = _chapter(kb, plan, words)
    found = [m for m in c.mentions if m.entity == entity]
    assert found
    for m in found:  # offsets into the heading as written, its one sentence the chapter
        assert c.heading[m.start : m.end] == m.text and m.sentence == c.id
        assert c.heading.index(m.text) > 0  # after the numbering (五、)


@pytest.mark.parametrize(
    "plan, words, word",
    [
        # the lexicon finds the word, the unit rules drop it: 人才 as a theme beside 科技, 校企 as
        # the setting of 育人 (not acting), as they would in a unit's sentence
        ("putuo-greening-15th-fyp", "提升科技与人才支撑", "人才"),
        ("vocational-education-reform", "促进产教融合校企“双元”育人", "校企"),
    ],
)
def test_a_heading_word_the_unit_rules_reject_is_no_mention(kb, plan, words, word):
    from kb.extract.pipeline import get_nlp, run

    c = _chapter(kb, plan, words)
    assert any(h.surface == word for h in run(get_nlp(), c.heading).user_data["hits"])  # a look-alike
    assert not [m for m in c.mentions if m.text == word and m.acting is not False]


def test_no_heading_line_lies_in_a_unit():
    """Each heading mention is counted once: on every plan of corpus/, a chapter's heading line
    starts where its outline block starts and no unit's span holds it (a chapter's lead-in prose
    starts below it; a task's title stays in its task, which is no chapter)."""
    from kb.build import collect_corpus
    from kb.parse.text import parse_file

    for f in collect_corpus([CORPUS]):
        d = parse_file(f)
        spans = [u.span for u in d.units()]
        starts = {}
        for b in d.blocks:
            if b.kind == "heading":
                h = b.start + len(d.text[b.start : b.end]) - len(d.text[b.start : b.end].lstrip())
                starts[h] = b
                assert not any(a <= h < e for a, e in spans), (f.name, d.text[h : h + 20])
        for c in d.chapters:
            assert any(d.text.startswith(c.heading, h) for h in starts), (f.name, c.id)


def test_kb_mentions_lists_headings_apart_from_units(kb):
    res = mentions(kb, "公众")
    heads = [r["id"] for r in res["headings"]]
    assert "putuo-greening-15th-fyp/C第六部分.四" in heads
    # the units stay units: a heading id is never among them (the sample's gold counts units)
    assert not set(heads) & set(mentioned_units(res))
    assert [r["id"] for r in mentions(kb, "公众", exact=True)["headings"]] == heads
    # a narrower term is found in a heading as in a unit (技术技能人才 under 人才)
    via = [r for r in mentions(kb, "人才")["headings"] if r["id"].startswith("vocational-education-reform/")]
    assert via and all(m["text"] for r in via for m in r["matches"])


def test_the_scorer_places_heading_mentions_in_the_file(kb):
    from kb.model import kb_to_dict

    spec = importlib.util.spec_from_file_location("score_entities", ROOT / "scripts" / "score_entities.py")
    sc = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sc)
    [doc] = [d for d in kb_to_dict(kb)["documents"] if d["id"] == "putuo-greening-15th-fyp"]
    text = (CORPUS / "putuo-greening-15th-fyp.txt").read_text(encoding="utf-8")
    pred, lost = sc.predicted(doc, text)
    assert lost == 0
    at = text.index("四、全面深化公众参与和社会宣传") + len("四、全面深化")
    assert any(p["start"] == at and p["text"] == "公众" and p["unit"] == "C第六部分.四" for p in pred)
