"""Classes of institutions named by a head and its qualifiers (kb/extract/classnames.py, words in
kb/extract/lexicon/classnames.tsv) and the stricter acting rule they go through
(kb/extract/acting.confirm_head_classes): real sentences of the heritage plan in corpus/ (the only
plan of corpus/ that names museums or libraries), the look-alikes that must not match, and
sentences written in the style of other plans (a library or culture plan) that must be decided
the same way."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.extract.classnames import find_classes

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def _in_corpus(sentence: str) -> bool:
    """Is the sentence in a plan of corpus/ (line breaks and spaces of PDF text ignored)?"""
    return any(sentence in "".join(p.read_text(encoding="utf-8").split()) for p in CORPUS.glob("*.txt"))


def _mentions(text: str):
    from kb.extract.document import enrich_document
    from kb.parse.text import parse_text

    doc = parse_text("一、任务\n\n" + text + "\n", doc_id="t")
    enrich_document(doc)
    return [m for u in doc.units() for m in u.mentions if m.entity.startswith("ACTOR:")]


def _acting(text: str, word: str):
    got = [m.acting for m in _mentions(text) if m.text.replace(" ", "") == word]
    assert got, f"{word} not found in {text}"
    return got[0]


CLASSES = [
    # hubei: qualifiers of level, grade, ownership, standing and kind, and the bare head
    ("推动馆舍陈旧的县级国有博物馆建设新馆", ["县级国有博物馆"]),
    ("鼓励有条件的国有博物馆和非国有博物馆建立", ["国有博物馆", "非国有博物馆"]),
    ("支持国家三级以上博物馆设立功能完备的", ["国家三级以上博物馆"]),
    ("国家一、二级博物馆举办", ["国家一、二级博物馆"]),
    ("鼓励未定级博物馆开展线上云展览", ["未定级博物馆"]),
    ("鹤峰等市县革命类纪念馆提升陈列展览质量", ["革命类纪念馆"]),
    ("推动全省博物馆积极参与", ["博物馆"]),  # a scope word is not part of the class
    ("引导我省重点博物馆与高等院校", ["重点博物馆"]),
]


@pytest.mark.parametrize("text,names", CLASSES)
def test_qualified_classes(text, names):
    assert _in_corpus(text)
    assert [c.name for c in find_classes(text)] == names


def test_pdf_break_inside_a_grade():
    # hubei, as the PDF text has it: a line break inside the grade
    text = "年活动中心， 国家 二、三级博物馆设立青少年活动室"
    assert [c.name for c in find_classes(text)] == ["国家二、三级博物馆"]


NOT_CLASSES = [
    ("大力发展数字博物馆", "数字"),  # hubei: a kind named by a compound, the thing built
    ("推动社区、乡村博物馆建设", "乡村"),  # hubei: 乡村博物馆 is a compound too
    ("实施湖北省博物馆世界一流博物馆创建工程", "湖北省"),  # hubei: a named museum (orgnames)
]


@pytest.mark.parametrize("text,before", NOT_CLASSES)
def test_compounds_and_names_are_no_class(text, before):
    assert _in_corpus(text)
    head = text.index(before) + len(before)  # the head word right after the compound's noun
    assert all(c.start > head or c.end <= head for c in find_classes(text))


ACTING = [
    ("鼓励有条件的国有博物馆和非国有博物馆建立理事会", "非国有博物馆"),  # hubei: a chain
    ("鼓励地市级博物馆对口帮扶县级基层博物馆", "地市级博物馆"),  # hubei
    ("鼓励具备条件的博物馆错峰延时开放", "博物馆"),  # hubei: a relative clause before it
    ("引导我省重点博物馆与高等院校、中小学校", "重点博物馆"),  # hubei
    ("鼓励未定级博物馆开展线上云展览", "未定级博物馆"),  # hubei
    ("重点支持红安、洪湖、监利、随县、鹤峰等市县革命类纪念馆提升陈列展览质量", "革命类纪念馆"),  # hubei
    # other plans' style: a library or culture plan
    ("鼓励公共图书馆延时开放，拓展服务范围。", "公共图书馆"),
    ("支持县级文化馆开展群众文化活动。", "县级文化馆"),
]


@pytest.mark.parametrize("text,word", ACTING)
def test_class_asked_to_act(text, word):
    assert _acting(text, word) is True


NOT_ACTING = [
    ("推动博物馆高质量发展", "博物馆"),  # hubei heading: the development of museums
    ("推动博物馆教育资源开发应用", "博物馆"),  # hubei: a noun phrase it qualifies
    ("鼓励社会力量参与博物馆建设", "博物馆"),  # hubei: the object of 参与
    ("推动其他部门和军队管理的博物馆对外免费开放", "博物馆"),  # hubei: the bodies running it act
    ("国有博物馆藏品档案管理", "国有博物馆"),  # hubei: a modifier, no trigger
    ("各地博物馆发展不平衡", "博物馆"),  # hubei: a review of the state of things, no trigger
    # other plans' style
    ("建设公共图书馆和文化馆。", "公共图书馆"),
    ("推进县级公共图书馆建设。", "县级公共图书馆"),
]


@pytest.mark.parametrize("text,word", NOT_ACTING)
def test_class_as_object_or_modifier(text, word):
    if "图书馆" not in text:
        assert _in_corpus(text)
    assert _acting(text, word) is False


def test_parallel_clause_under_one_trigger():
    # hubei (PDF text): the second clause's class is asked to act by the first clause's 支持
    text = "支持国家一级博物馆建设青少年活动中心， 国家 二、三级博物馆设立青少年活动室"
    assert _in_corpus("".join(text.split()))
    assert _acting(text, "国家二、三级博物馆") is True
    # a library plan's style: a clause that reviews, not a second task (a verbal noun, no verb)
    assert _acting("鼓励公共图书馆延时开放，博物馆建设滞后。", "博物馆") is False


def test_kind_after_named_museums():
    # hubei: the class after 等 names the kind of the museums listed, it is not another party
    text = "发挥武汉革命博物馆、武汉市中山舰博物馆等革命类国家一级博物馆开放服务的引领示范作用"
    assert _in_corpus(text)
    assert _acting(text, "革命类国家一级博物馆") is False
    assert _acting(text, "武汉市中山舰博物馆") is True


def test_partner_before_de():
    # hubei: a partner of joint action before 的 (as 与媒体合作); and 与网络运营商合作
    assert _acting("建立文物部门与媒体的合作机制，聚焦传播", "媒体") is True
    assert _in_corpus("建立文物部门与媒体的合作机制")
    assert _acting("与网络运营商合作，以湖北省博物馆为重点", "网络运营商") is True
    assert _in_corpus("与网络运营商合作")
    # hubei: 研究机构 (as 科研机构) qualified by its field, a partner in a list
    assert _acting("推动文博单位与党史研究机构、高校合作，推出一批反映", "研究机构") is True
    assert _in_corpus("推动文博单位与党史研究机构、高校合作，推出一批反映")
