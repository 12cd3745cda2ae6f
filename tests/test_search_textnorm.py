"""kb.index.textnorm and kb.index.queryparse: normalization keeps substrings and offsets; the query language
never raises."""

from __future__ import annotations

import functools

from hypothesis import given, settings
from hypothesis import strategies as st

from kb.index import textnorm
from kb.index.queryparse import parse


@functools.lru_cache(maxsize=1)
def norm() -> textnorm.Normalizer:
    return textnorm.Normalizer(textnorm.build_t2s_table())


def test_width_case_space_and_traditional():
    n = norm()
    assert n("勞模") == "劳模"
    assert n("發展 臺灣 後來") == "发展 台湾 后来"
    assert n("ＡＢｃ１２３％，（）") == "abc123%,()"
    assert n("a\tb\u3000c\nd") == "a b c d"


def test_t2s_table_is_single_characters_and_idempotent():
    src, dst = textnorm.build_t2s_table()
    assert len(src) == len(dst) > 2000
    n = norm()
    assert n(n(src)) == n(src)


def test_corpus_simplified_text_only_changes_width_space_case(corpus_path):
    text = corpus_path.read_text(encoding="utf-8")
    out = norm()(text)
    assert len(out) == len(text)
    changed = {(a, b) for a, b in zip(text, out) if a != b}
    # full-width punctuation, whitespace and the Latin E of 工E就业: nothing else moves
    assert all(b.isascii() for _, b in changed)


cjk = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
anychar = st.one_of(cjk, st.characters(min_codepoint=0x20, max_codepoint=0xFFFF))


@settings(max_examples=200, deadline=None)
@given(st.text(anychar, max_size=40), st.integers(0, 40), st.integers(0, 40))
def test_normalization_keeps_substrings_and_offsets(s, i, j):
    n = norm()
    assert len(n(s)) == len(s)
    assert n(s)[i:j] == n(s[i:j])


def test_question_pieces():
    assert textnorm.question_pieces("外卖骑手的权益怎么保障") == ["外卖骑手", "权益", "保障"]
    assert textnorm.question_pieces("如何帮助农民工?") == ["帮助农民工"]
    assert textnorm.looks_like_question("哪些任务涉及女职工")


def test_bigrams_and_find_all():
    assert textnorm.bigrams("abcd") == ["ab", "bc", "cd"]
    assert textnorm.bigrams("a") == []
    assert list(textnorm.find_all("aaa", "aa")) == [(0, 2), (1, 3)]
    assert textnorm.merge_spans([(3, 5), (0, 2), (1, 4)]) == [(0, 5)]


def test_query_language():
    p = parse('集体协商 "中共中央 国务院" 劳模 OR 工匠 -农民工 title:维权')
    assert [[t.text for t in c.alternatives] for c in p.positive] == [
        ["集体协商"],
        ["中共中央 国务院"],
        ["劳模", "工匠"],
        ["维权"],
    ]
    assert p.positive[-1].alternatives[0].field == "title"
    assert [c.alternatives[0].text for c in p.negative] == ["农民工"]
    assert not p.note
    # literal characters stay literal
    assert parse("县(县级市)").positive[0].alternatives[0].text == "县(县级市)"
    assert parse("80%").positive[0].alternatives[0].text == "80%"


def test_malformed_queries_fall_back_to_literal_words():
    for q in ['"集体协商', "AND", "劳模 OR", "OR 劳模", "NOT", "text:", "foo:bar", "-劳模", '""']:
        p = parse(q)
        assert p.note.startswith("query syntax not understood"), q
        assert p.literal
    assert [c.alternatives[0].text for c in parse('"集体协商 指导员').clauses] == ["集体协商", "指导员"]


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from(list("\"-: ()*ANDORT劳模工xt\\'")), max_size=30))
def test_parse_never_raises(q):
    p = parse(q)
    for c in p.clauses:
        assert c.alternatives and all(t.text for t in c.alternatives)
