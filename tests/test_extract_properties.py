"""Properties of the rule extractors on generated text: they never fail, and every offset
they return points at the text they claim."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kb.extract.targets import extract_targets, find_quantities, find_timeframes, parse_query
from kb.model import Sentence

PIECES = [
    "1",
    "2",
    "5",
    "0",
    ".",
    "万",
    "亿",
    "人",
    "人次",
    "家",
    "户",
    "%",
    "以上",
    "左右",
    "逾",
    "不少于",
    "至少有",
    "一",
    "百",
    "十四五",
    "“",
    "”",
    "期间",
    "末",
    "到",
    "2025年底",
    "年",
    "每年",
    "年均",
    "职工",
    ",",
    "。",
    "第",
    "达到",
    "元",
    "名",
    "个",
    "４",
    "．",
]
texts = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_quantities_point_at_their_text(text):
    for q in find_quantities(text):
        assert 0 <= q.start < q.end <= len(text)
        assert text[q.start : q.end] == q.text
        assert q.value is not None and q.value >= 0


@settings(max_examples=300, deadline=None)
@given(texts)
def test_timeframes_and_targets_point_at_their_text(text):
    for f in find_timeframes(text):
        assert text[f.start : f.end] == f.text
    cut = len(text) // 2
    sents = [Sentence("s1", text[:cut], 0, cut), Sentence("s2", text[cut:], cut, len(text))]
    for t in extract_targets(text, sents):
        assert text[t.start : t.end] == t.text
        s = sents[0] if t.sentence == "s1" else sents[1]
        assert s.start <= t.start and t.end <= s.end


@settings(max_examples=200, deadline=None)
@given(texts)
def test_parse_query_never_fails(text):
    parse_query(text)


NAMES = [
    "职工",
    "困难职工",
    "农民工",
    "工会",
    "全总",
    "联合",
    "国务院",
    "国务院国资委",
    "各省",
    "、",
    "市级总工会",
    "产业工人",
    "大军",
    "职工代表大会",
    "快递",
    "员",
    "和",
    "。",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(NAMES), max_size=20), st.booleans())
def test_matcher_hits_point_at_their_text(parts, with_words):
    from kb.extract.lexicon import load_lexicon
    from kb.extract.matcher import Matcher

    m = _matcher(load_lexicon, Matcher)
    text = "".join(parts)
    words, pos = [], 0
    for p in parts:
        words.append((pos, pos + len(p)))
        pos += len(p)
    for h in m.find(text, words if with_words else None):
        assert text[h.start : h.end] == h.surface
        assert h.kind in ("name", "alias", "related", "ellipsis")


_CACHE = {}


def _matcher(load_lexicon, Matcher):
    if "m" not in _CACHE:
        _CACHE["m"] = Matcher(load_lexicon())
    return _CACHE["m"]
