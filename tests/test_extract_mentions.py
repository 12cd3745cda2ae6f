"""Extraction on the real corpus: the traps of gold/NOTES.md, nested mentions, offsets,
roles, taxonomy, determinism. The KB is built in memory once per module."""

from __future__ import annotations

import json

import pytest

from kb.model import kb_to_dict
from kb.query.mentions import mentioned_units, mentions


@pytest.fixture(scope="module")
def kb(corpus_path):
    from kb.build import make_kb

    return make_kb([corpus_path])


@pytest.fixture(scope="module")
def units(kb):
    return {u.id: u for u in kb.documents[0].units()}


def ents(u, eid):
    return [m for m in u.mentions if m.entity == eid]


# --------------------------------------------------------------------------- NOTES.md traps


def test_un_is_not_in_jointly_with_state_council(units, kb):
    t36 = units["T36"]
    assert "联合国务院国资委" in t36.text
    assert not ents(t36, "ACTOR:联合国")
    [m] = ents(t36, "ACTOR:国务院国资委")
    assert m.text == "国务院国资委" and m.role == "partner"
    assert mentioned_units(mentions(kb, "联合国", exact=True)) == []


def test_npc_is_not_in_industrial_workforce(units, kb):
    assert "产业工人大军" in units["T34"].text
    assert not ents(units["T34"], "ACTOR:人大")
    assert mentioned_units(mentions(kb, "人大", exact=True)) == ["T23", "T37"]


@pytest.mark.parametrize("uid", ["T24", "I:依法维权:3"])
def test_ellipsis_names_both_levels(units, uid):
    u = units[uid]
    i = u.text.index("各省、市级总工会")
    prov = [m for m in ents(u, "ACTOR:省级总工会") if m.start <= i + 1 < m.end]
    city = [m for m in ents(u, "ACTOR:市级总工会") if i < m.start < i + 8]
    assert prov and city
    assert prov[0].text == "省、市级总工会" and city[0].text == "市级总工会"


def test_ellipsis_is_not_an_exact_mention(kb):
    exact = mentioned_units(mentions(kb, "省级总工会", exact=True))
    full = mentioned_units(mentions(kb, "省级总工会"))
    assert "T24" not in exact and "T24" in full


def test_figures_inside_longer_figures(kb):
    r = mentions(kb, "5万户以上")
    assert [(x["id"], x["count"]) for x in r["units"]] == [("T20", 1), ("I:精准服务:1", 1)]
    assert mentioned_units(mentions(kb, "5万人")) == []
    assert mentioned_units(mentions(kb, "4.5万人")) == ["T35"]


def test_model_union_branch_is_not_model_worker(units, kb):
    assert "模范职工之家" in units["T22"].text
    assert not ents(units["T22"], "GROUP:劳模")
    assert "T22" not in mentioned_units(mentions(kb, "劳模"))
    assert "T22" not in mentioned_units(mentions(kb, "劳动模范"))


def test_industrial_union_is_not_industrial_workers(units, kb):
    assert not ents(units["T37"], "GROUP:产业工人")
    assert mentioned_units(mentions(kb, "产业工人")) == ["T34"]
    assert mentioned_units(mentions(kb, "产业工会", exact=True)) == ["T36", "T37"]


def test_workers_congress_is_not_workers_representatives(units):
    u = units["T15"]
    reps = ents(u, "GROUP:职工代表")
    assert len(reps) == 1 and u.text[reps[0].start : reps[0].end + 4] == "职工代表优秀提案"
    congress = ents(u, "ACTOR:职工代表大会")
    assert [c.text for c in congress].count("职工代表大会") == 4 and [c.text for c in congress].count("职代会") == 2
    assert all(not (c.start <= r.start < c.end) for c in congress for r in reps)


def test_page_break_joined_names(units):
    assert ents(units["T19"], "ACTOR:职业培训机构")
    assert ents(units["T31"], "ACTOR:西方国家工会")


def test_book_title_issuer(units):
    """国务院 inside 《中共中央 国务院关于…》 is found (the gold counts it), next to the law."""
    u = units["T24"]
    law = ents(u, "LAW:中共中央 国务院关于构建和谐劳动关系的意见")
    assert law and ents(u, "ACTOR:国务院")


# --------------------------------------------------------------------------- mentions


def test_nested_mentions_are_kept(units):
    u = units["T20"]
    outer = [m for m in ents(u, "GROUP:困难职工") if m.text == "困难职工"]
    inner = ents(u, "GROUP:职工")
    assert any(o.start <= i.start and i.end <= o.end for o in outer for i in inner)


def test_offsets_and_sentences(kb):
    for u in kb.documents[0].units():
        sid = {s.id: s for s in u.sentences}
        for m in u.mentions:
            assert u.text[m.start : m.end] == m.text
            s = sid[m.sentence]
            assert s.start <= m.start < s.end, (u.id, m)
        for t in u.targets:
            assert u.text[t.start : t.end] == t.text
            assert sid[t.sentence].start <= t.start < sid[t.sentence].end


def test_mentions_sorted(kb):
    for u in kb.documents[0].units():
        keys = [(m.start, -m.end, m.entity) for m in u.mentions]
        assert keys == sorted(keys)


def test_roles(units):
    [m] = ents(units["T16"], "ACTOR:人社部门")
    assert m.role == "partner"  # 配合人社部门
    sup = [m.role for m in ents(units["T14"], "ACTOR:企业") if units["T14"].text[m.start - 2 : m.start] == "督促"]
    assert sup == ["supervised"]
    lead = [m.role for m in ents(units["T22"], "ACTOR:各级工会")]
    assert lead == ["lead"]  # 各级工会每年筹集送温暖资金
    [m] = ents(units["T25"], "ACTOR:司法行政部门")
    assert m.role == "partner"  # 与司法行政部门沟通协作
    assert all(m.role == "beneficiary" for u in units.values() for m in u.mentions if m.entity.startswith("GROUP:"))


def test_row_targets(units):
    ts = units["I:精准服务:3"].targets
    assert [(t.value, t.unit, t.qualifier, t.period, t.deadline) for t in ts] == [
        (3e9, "元", "以上", "每年", 2025),
        (5e6, "人", "以上", "每年", 2025),
    ]


def test_entities_and_taxonomy(kb):
    by_id = {e.id: e for e in kb.entities}
    assert by_id["GROUP:农民工"].units == ["T17", "T22", "T36", "I:素质提升:2"] or set(by_id["GROUP:农民工"].units) == {
        "T17",
        "T22",
        "T36",
        "I:素质提升:2",
    }
    for e in kb.entities:
        for b in e.broader:
            assert b in by_id, (e.id, b)
    assert "GROUP:新就业形态劳动者" in by_id["GROUP:快递员"].broader
    assert "GROUP:职工" in by_id["GROUP:女职工"].broader
    assert by_id["ACTOR:省级总工会"].broader == ["ACTOR:地方工会"] and "ACTOR:工会" in by_id["ACTOR:地方工会"].broader
    lexicon = [e for e in kb.entities if not e.discovered]
    assert [(e.type, e.name) for e in lexicon] == sorted(
        [(e.type, e.name) for e in lexicon], key=lambda x: (["GROUP", "ACTOR", "PROGRAMME", "LAW"].index(x[0]), x[1])
    )


def test_taxonomy_expansion_marks_via(kb):
    r = mentions(kb, "新就业形态劳动者")
    vias = {m.get("via") for row in r["units"] for m in row["matches"]}
    assert {"快递员", "外卖配送员", "网约车司机", "货车司机", "平台网约劳动者"} <= vias
    exact = mentions(kb, "新就业形态劳动者", exact=True)
    assert all("via" not in m for row in exact["units"] for m in row["matches"])


def test_build_is_deterministic(corpus_path, kb):
    from kb.build import make_kb

    again = make_kb([corpus_path])
    assert json.dumps(kb_to_dict(kb), ensure_ascii=False) == json.dumps(kb_to_dict(again), ensure_ascii=False)


# --------------------------------------------------------------------------- pipeline and matcher


def test_pipeline_components_and_overlapping_spans():
    from kb.extract.pipeline import get_nlp, run

    nlp = get_nlp()
    assert nlp.pipe_names == ["plankb_words", "plankb_sentences", "plankb_entities", "plankb_targets"]
    doc = run(nlp, "帮助困难职工。组织农民工参加培训,年均培训达到20万人次。")
    spans = [(s.start_char, s.end_char, s.label_) for s in doc.spans["mentions"]]
    assert (2, 6, "GROUP:困难职工") in spans and (4, 6, "GROUP:职工") in spans
    assert [s.text for s in doc.sents] == ["帮助困难职工。", "组织农民工参加培训,年均培训达到20万人次。"]
    assert [s.text for s in doc.spans["targets"]] == ["20万人次"]
    assert doc._.words and doc._.words[0][0] == 0


def test_sentences_follow_the_parser(units):
    from kb.extract.pipeline import get_nlp, run

    nlp = get_nlp()
    for uid in ("T24", "I:精准服务:2", "T19"):
        u = units[uid]
        doc = run(nlp, u.text, u.sentences)
        starts = {s.start_char for s in doc.sents}
        assert {s.start for s in u.sentences} <= starts | {0}


def test_crossing_hits_settled_by_words():
    from kb.extract.lexicon import LexEntry, Lexicon
    from kb.extract.matcher import Matcher

    lex = Lexicon(
        entries={
            e.id: e for e in [LexEntry("ACTOR:联合国", "ACTOR", "联合国"), LexEntry("ACTOR:国务院", "ACTOR", "国务院")]
        }
    )
    m = Matcher(lex)
    text = "联合国务院制定"
    assert {h.entity for h in m.find(text)} == {"ACTOR:联合国", "ACTOR:国务院"}  # no words: both kept
    words = [(0, 2), (2, 5), (5, 7)]  # 联合|国务院|制定
    assert [h.entity for h in m.find(text, words)] == ["ACTOR:国务院"]


def test_lexicon_loads_and_rejects_bad_rows(tmp_path):
    from kb.errors import KBError
    from kb.extract.lexicon import load_lexicon

    lex = load_lexicon()
    assert lex.find("全总").id == "ACTOR:全总" and lex.find("中华全国总工会").id == "ACTOR:全总"
    assert lex.find("进城务工人员").id == "GROUP:农民工"
    (tmp_path / "groups.tsv").write_text("快递员\t\t不存在的词\t\t\n", encoding="utf-8")
    with pytest.raises(KBError):
        load_lexicon(tmp_path)


def test_another_plan():
    """A plan other than the seed: names from the lexicon beyond the corpus, full-width
    digits, a range of years, a paragraph unit."""
    from kb.extract.document import enrich
    from kb.model import KB
    from kb.parse.text import parse_text

    text = (
        "一、总体要求\n\n坚持以职工为中心,会同市场监管部门和残联做好工作。\n\n二、主要任务\n\n"
        "1. 关爱外卖骑手。2021—2025年,每年培训快递小哥不少于５０００人次,到2023年底覆盖90%以上的平台企业。\n"
    )
    kb = enrich(KB(documents=[parse_text(text, doc_id="p")]))
    doc = kb.documents[0]
    us = {u.id: u for u in doc.units()}
    p = us["C一.p"]  # the lead-in prose of chapter 一 (it has no numbered items)
    roles = {m.entity: m.role for m in p.mentions}
    assert roles.get("ACTOR:市场监管部门") == "partner"
    assert "ACTOR:残联" in roles
    t1 = us["T1"]
    assert {m.entity for m in t1.mentions} >= {"GROUP:外卖配送员", "GROUP:快递员", "ACTOR:平台企业"}
    ts = [(t.value, t.unit, t.qualifier, t.period, t.deadline) for t in t1.targets]
    assert (5000, "人次", "不少于", "每年", 2025) in ts and (90, "%", "以上", None, 2023) in ts


def test_lexicon_integrity():
    """Each name or alias names one entity (but a class of economic units and its served
    reading, ACTOR:企业 and GROUP:企业: kb/extract/groupnames.py); the taxonomy has no cycles;
    every stop phrase contains the name it blocks."""
    from kb.extract.lexicon import load_lexicon

    lex = load_lexicon()
    for surface, owners in lex.surfaces().items():
        named = [e for e, kind in owners if kind != "related"]
        twins = len(named) == 2 and {x.split(":", 1)[1] for x in named} == {lex.entries[named[0]].name}
        assert len(named) <= 1 or twins and {x.split(":")[0] for x in named} == {"ACTOR", "GROUP"}, (surface, named)
    for eid in lex.entries:
        seen, todo = set(), list(lex.entries[eid].broader)
        while todo:
            b = todo.pop()
            assert b != eid, f"cycle through {eid}"
            if b not in seen:
                seen.add(b)
                todo.extend(lex.entries[b].broader)
    assert all(name in phrase for phrase, name in lex.stops)
    assert {e.type for e in lex.entries.values()} == {"GROUP", "ACTOR", "PROGRAMME", "LAW"}


def test_per_document_enrichment_gives_the_same_kb(corpus_path, kb):
    """enrich_document can run where the document is parsed (a worker process); enrich then
    only collects the entities, and the result is the same."""
    from kb.extract.document import enrich, enrich_document
    from kb.link import link
    from kb.model import KB, document_from_dict, document_to_dict
    from kb.parse.text import parse_file

    d = parse_file(corpus_path)
    enrich_document(d)
    d = document_from_dict(document_to_dict(d))  # as it comes back from a worker
    d.source, d.title = kb.documents[0].source, kb.documents[0].title
    other = enrich(KB(documents=[d]))
    link(other)
    assert kb_to_dict(other) == kb_to_dict(kb)


def test_law_name_inside_a_longer_word(kb):
    """工会法律援助 and 工会法治 do not name the 工会法; 《工会法》 does."""
    assert mentioned_units(mentions(kb, "工会法")) == ["T23"]
