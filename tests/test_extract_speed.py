"""The speed machinery of extraction changes nothing: jieba's words and tags through the faster
tokenizers, and the build's spaCy-free components against the spaCy pipeline."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
PLANS = [
    "acftu-14th-fyp-part2",
    "zero-waste-city-pilot",
    "hubei-cultural-relics-14th-fyp-pdf",
    "jiading-sponge-city-plan",
]


@pytest.fixture(scope="module")
def pairs():
    """(ours, jieba's own) over the same word tables: plain, and with the lexicon words (tagged)."""
    import jieba
    import jieba.posseg as pseg

    from kb.extract.jiebatok import new_pos_tokenizer, new_tokenizer, shared_plain
    from kb.extract.lexicon import load_lexicon

    ours = new_tokenizer()
    for w in load_lexicon().words():
        if " " not in w:
            ours.add_word(w, freq=max(2000, 500 * len(w)), tag="n")

    def theirs_of(tok):
        t = jieba.Tokenizer()
        t.FREQ, t.total, t.initialized = dict(tok.FREQ), tok.total, True
        t.user_word_tag_tab = dict(tok.user_word_tag_tab)
        return t

    slow = theirs_of(ours)
    slow_pos = pseg.POSTokenizer.__new__(pseg.POSTokenizer)
    slow_pos.tokenizer, slow_pos.word_tag_tab = slow, dict(pseg.dt.word_tag_tab)
    fast_pos = new_pos_tokenizer(ours)
    return [(ours, slow, fast_pos, slow_pos), (shared_plain(), theirs_of(shared_plain()), None, None)]


def _same(pairs, text: str) -> None:
    for fast, slow, fast_pos, slow_pos in pairs:
        assert type(fast) is not type(slow)  # the fast code is what runs
        for hmm in (True, False):
            assert fast.lcut(text, HMM=hmm) == slow.lcut(text, HMM=hmm)
            if fast_pos is not None:
                got = [(p.word, p.flag) for p in fast_pos.cut(text, HMM=hmm)]
                assert got == [(p.word, p.flag) for p in slow_pos.cut(text, HMM=hmm)]
                every = [(p.word, p.flag) for p in fast_pos.cut_blocks(text, lambda bs: [True] * len(bs), HMM=hmm)]
                assert every == got
        assert fast.lcut_for_search(text) == slow.lcut_for_search(text)


def test_words_and_tags_are_jiebas_on_real_plans(pairs):
    for name in PLANS:
        for line in (ROOT / "corpus" / f"{name}.txt").read_text(encoding="utf-8").splitlines():
            _same(pairs, line)


# characters of a real plan, with white space, Latin letters and digits mixed in
_ALPHABET = sorted(set((ROOT / "corpus" / f"{PLANS[1]}.txt").read_text(encoding="utf-8")) | set(" \n\t.%a5B"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.sampled_from(_ALPHABET), max_size=60))
def test_words_and_tags_are_jiebas_on_odd_text(pairs, text):
    _same(pairs, text)


def test_memos_give_fresh_pairs(pairs):
    """A remembered HMM reading or block is handed out as new pairs: a caller that changes one
    does not change the next answer."""
    fast_pos = pairs[0][2]
    lines = (ROOT / "corpus" / f"{PLANS[0]}.txt").read_text(encoding="utf-8").splitlines()
    text = max(lines, key=len)
    fast_pos._hmm.clear()
    fast_pos._forget()
    first = list(fast_pos.cut(text))
    assert fast_pos._hmm and fast_pos._blocks[1]  # the line has runs only the HMM reads
    for p in first:
        p.word = "?"
    assert [p.word for p in fast_pos.cut(text)] == [p.word for p in pairs[0][3].cut(text)]


def test_words_added_after_a_cut_count():
    """The blocks a tokenizer or tagger remembers are forgotten when a word is added: the next
    cut of the same text reads the new word, as jieba's own does."""
    from kb.extract.jiebatok import new_pos_tokenizer, new_tokenizer

    text = "推进零废弃城区试点建设"
    tok = new_tokenizer()
    pos = new_pos_tokenizer(tok)
    before = (tok.lcut(text, HMM=False), tok.lcut(text), [p.word for p in pos.cut(text, HMM=False)])
    assert "零废弃城区" not in before[0]
    tok.add_word("零废弃城区", freq=100_000, tag="n")
    after = (tok.lcut(text, HMM=False), tok.lcut(text), [(p.word, p.flag) for p in pos.cut(text, HMM=False)])
    assert "零废弃城区" in after[0] and "零废弃城区" in after[1]
    assert ("零废弃城区", "n") in after[2]


def test_tagging_some_blocks_tags_them_as_the_whole_text_does(pairs):
    """The rules tag only the blocks (text between punctuation) they read: a block asked for gets
    the words and tags jieba gives it in the whole line, one not asked for comes back whole."""
    import jieba.posseg as pseg

    fast_pos, slow_pos = pairs[0][2], pairs[0][3]
    every_other = lambda bs: [i % 4 == 1 for i in range(len(bs))]  # noqa: E731
    skipped = 0
    for name in PLANS:
        for line in (ROOT / "corpus" / f"{name}.txt").read_text(encoding="utf-8").splitlines():
            blocks = pseg.re_han_internal.split(line)
            for hmm in (True, False):
                whole = [(p.word, p.flag) for p in slow_pos.cut(line, HMM=hmm)]
                alone = [[(p.word, p.flag) for p in slow_pos.cut(b, HMM=hmm)] for b in blocks]
                assert [p for ps in alone for p in ps] == whole  # jieba cuts each block on its own
                want = [[(b, "x")] if i % 4 == 3 and b else ps for i, (b, ps) in enumerate(zip(blocks, alone))]
                got = [(p.word, p.flag) for p in fast_pos.cut_blocks(line, every_other, HMM=hmm)]
                assert got == [p for ps in want for p in ps]
                skipped += sum(1 for i, b in enumerate(blocks) if i % 4 == 3 and b)
    assert skipped > 100  # the lines have many blocks


def test_rules_find_the_same_on_the_blocks_they_read(monkeypatch):
    """Discovery, named organisations and bare parties tag only the blocks their rules can read:
    on real plans they find what they find with every block tagged."""
    from kb.extract import bareparties, discover, orgnames
    from kb.extract.lexicon import load_lexicon
    from kb.parse.text import parse_file

    lex = load_lexicon()
    docs = [parse_file(ROOT / "corpus" / f"{name}.txt") for name in PLANS]

    def answers():
        out = []
        for d in docs:
            out.append([(c.type, c.name, c.rule, c.count, c.strong, c.contexts) for c in discover.candidates(d, lex)])
            for u in d.units():
                out.append(orgnames.find_orgs(u.text))
                out.append(
                    [
                        (m.entity, m.start, m.end)
                        for m in bareparties.bare_party_mentions(u.text, [], lambda i: "s", lex)
                    ]
                )
        return out

    fast = answers()
    every = lambda bs: [True] * len(bs)  # noqa: E731
    for mod, name in ((discover, "_head_blocks"), (bareparties, "_party_blocks")):
        monkeypatch.setattr(mod, name, every)
    monkeypatch.setattr(orgnames, "_name_blocks", lambda r: every)
    assert answers() == fast
    assert sum(len(x) for x in fast) > 100


def _plain(x):
    return dataclasses.asdict(x) if dataclasses.is_dataclass(x) else x


def test_build_components_agree_with_the_spacy_pipeline():
    """The build reads hits and targets through kb.extract.analyse; the spaCy pipeline runs the
    same components on a Doc: the same answers on every unit of several real plans."""
    from kb.extract.analyse import analyse
    from kb.extract.deadlines import plan_period
    from kb.extract.pipeline import get_nlp, run
    from kb.extract.targets import PlanContext
    from kb.parse.text import parse_file

    nlp = get_nlp()
    seen = 0
    for name in PLANS:
        d = parse_file(ROOT / "corpus" / f"{name}.txt")
        ctx = PlanContext(period=plan_period(d.title, d.text or ""))
        for u in d.units():
            for sents in (u.sentences, None):  # with the parser's sentences, and without
                doc = run(nlp, u.text, sents, plan_context=ctx)
                got = analyse(u.text, sents, plan_context=ctx)
                assert [_plain(h) for h in got.hits] == [_plain(h) for h in doc.user_data["hits"]]
                assert [_plain(t) for t in got.targets] == [_plain(t) for t in doc.user_data["targets"]]
                seen += len(got.hits)
    assert seen > 500


def test_extracting_a_plan_does_not_import_spacy():
    code = (
        "import sys\nfrom pathlib import Path\nfrom kb.build import _document_parts\n"
        "p = _document_parts(Path('corpus/zero-waste-city-pilot.txt'), False)\n"
        "assert p['document']['tasks'] and p['edges']\n"
        "assert 'spacy' not in sys.modules and 'thinc' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def _phrases_by_definition(sentences, cut):
    """unit_phrases as its docstring states it, one run at a time."""
    from kb.link.text import _PHRASE_OK, _PHRASE_SPLIT, EDGE_STOP, MAX_TOKENS

    out: dict[str, str] = {}
    for s in sentences:
        for piece in _PHRASE_SPLIT.split(s.text):
            toks = cut(piece) if len(piece) >= 2 else []
            for i in range(len(toks)):
                for j in range(i + 1, min(len(toks), i + MAX_TOKENS) + 1):
                    run = toks[i:j]
                    p = "".join(run)
                    if run[0] in EDGE_STOP or run[-1] in EDGE_STOP or "的" in run:
                        continue
                    if len(p) >= 2 and _PHRASE_OK.fullmatch(p):
                        out.setdefault(p, s.id)
    return out


def test_key_phrases_are_the_runs_the_definition_gives():
    from kb.extract.jiebatok import shared_plain
    from kb.link.text import unit_phrases
    from kb.parse.text import parse_file

    n = 0
    for name in PLANS:
        for u in parse_file(ROOT / "corpus" / f"{name}.txt").units():
            got = unit_phrases(u.sentences)
            assert list(got.items()) == list(_phrases_by_definition(u.sentences, shared_plain().lcut).items())
            n += len(got)
    assert n > 1000


def test_phrase_table_keeps_the_closed_phrases_of_its_definition():
    """A shared phrase is dropped exactly when a longer shared phrase containing it occurs in
    the same units: checked by comparing every pair, on the task units of real plans."""
    from kb.link.common import _task_units
    from kb.link.text import PhraseTable, unit_phrases
    from kb.parse.text import parse_file

    for name in PLANS:
        units = _task_units(parse_file(ROOT / "corpus" / f"{name}.txt"))
        table = PhraseTable({u.id: unit_phrases(u.sentences) for u in units})
        occ: dict[str, set[str]] = {}
        for u in units:
            for p in unit_phrases(u.sentences):
                occ.setdefault(p, set()).add(u.id)
        shared = {p: us for p, us in occ.items() if len(us) >= 2}
        closed = {p: us for p, us in shared.items() if not any(p in q and p != q and shared[q] == us for q in shared)}
        assert table.units == closed
        assert len(closed) < len(shared)  # the plan has open phrases: the rule is exercised


def test_kept_word_tags_are_the_dictionarys():
    """The tags jieba.posseg's tagger gets from the cache folder are those it reads from jieba's
    dictionary file."""
    import jieba
    import jieba.posseg as pseg

    from kb.extract.jiebatok import plain_tagger

    plain_tagger()
    read = pseg.POSTokenizer(jieba.Tokenizer()).word_tag_tab  # reads the dictionary file
    assert len(read) > 300_000 and pseg.dt.word_tag_tab == read


def test_tokenizers_share_the_word_table_until_they_add_words():
    from kb.extract.jiebatok import lexicon_tokenizer, new_pos_tokenizer, new_tokenizer, shared_plain

    plain = shared_plain()
    n, total = len(plain.FREQ), plain.total
    a, b = new_tokenizer(), new_tokenizer()
    assert a.FREQ is plain.FREQ  # nothing added: nothing copied
    word = max(plain.FREQ, key=plain.FREQ.__getitem__)  # jieba's most frequent word
    new = "乙丙丁戊己庚"
    assert new not in plain.FREQ
    a.add_word(new, freq=5000)
    b.del_word(word)
    assert b.FREQ[word] == 0 and a.FREQ[word] == plain.FREQ[word] > 0 and a.FREQ[new] == 5000
    assert len(plain.FREQ) == n and plain.total == total and new not in plain.FREQ
    # two taggers over one lexicon tokenizer both see its names as nouns
    lex_tok = lexicon_tokenizer(("乙丙丁戊己庚",))
    first, second = new_pos_tokenizer(lex_tok), new_pos_tokenizer(lex_tok)
    for tagger in (first, second):
        assert [(p.word, p.flag) for p in tagger.cut("推动乙丙丁戊己庚建设")][1] == ("乙丙丁戊己庚", "n")


def test_a_deleted_word_is_split_by_every_hmm_at_once():
    """jieba.del_word makes every tokenizer's HMM keep the word apart: a block remembered with
    the word whole is cut again."""
    from kb.extract.jiebatok import new_tokenizer

    a, b = new_tokenizer(), new_tokenizer()
    text = "他来到了网易杭研大厦"
    assert "杭研" in a.lcut(text) and "杭研" not in a.FREQ  # a word of the HMM's
    b.del_word("杭研")
    assert "杭研" not in a.lcut(text) and a.lcut(text) == a.lcut(text, HMM=False)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="鄂豫皖京津冀三两十省市县区《》“、，, 1a", max_size=40))
def test_counted_issuers_as_finditer(text):
    """The counted issuers searched before each 《 are the pattern's matches over the whole text."""
    from kb.extract.levelnames import _COUNTED_ISSUERS, _counted_issuers

    assert [m.span() for m in _counted_issuers(text)] == [m.span() for m in _COUNTED_ISSUERS.finditer(text)]


def test_counted_issuers_on_plans():
    """The same over real plans' text, with the docstring's counted issuers put between them."""
    from kb.extract.levelnames import _COUNTED_ISSUERS, _counted_issuers

    cited = "按照鄂豫皖三省《大别山区革命文物保护战略规划》"
    text = cited.join((ROOT / "corpus" / f"{p}.txt").read_text(encoding="utf-8") for p in PLANS)
    got = [m.span() for m in _counted_issuers(text)]
    assert got == [m.span() for m in _COUNTED_ISSUERS.finditer(text)]
    assert len(got) == len(PLANS) - 1
