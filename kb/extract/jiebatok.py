"""Private jieba tokenizers that share one reading of jieba's dictionary.

A build needs three tokenizers, each with its own added words: extraction (lexicon names kept
whole), discovery (names tagged as nouns) and the index (lexicon names for search words).
``jieba.Tokenizer.initialize`` reads the 500k-word dictionary each time (about 0.6 s); copying
the word table of one loaded tokenizer takes about 10 ms. This module imports no jieba until
a tokenizer is asked for.
"""

from __future__ import annotations

from functools import lru_cache
from math import log


@lru_cache(maxsize=1)
def _classes():
    """jieba's tokenizers with a faster word graph and best path (the two loops every cut runs
    through, about half of extraction and linking), and part-of-speech tagging that remembers
    the HMM's reading of an unknown run. Same arithmetic, same order, same ties: the words and
    tags are jieba's own, byte for byte."""
    import jieba
    import jieba.posseg as pseg

    class _Graph(dict):
        """A word graph that also carries its best path (made in the same pass)."""

        route: dict

    class Tokenizer(jieba.Tokenizer):
        def get_DAG(self, sentence):
            # For each start, the ends of the dictionary words there (a 0 frequency marks a prefix
            # of a longer word: go on, but it is no word), a lone character if none; and, in the
            # same pass from the end backwards, jieba's best path (what ``calc`` computes), so
            # that each piece of the sentence is sliced and looked up once instead of twice.
            self.check_initialized()
            get = self.FREQ.get
            logtotal = log(self.total)
            n = len(sentence)
            lists: list = [None] * n
            route: dict = {n: (0, 0)}
            for k in range(n - 1, -1, -1):
                ends = []
                best = None
                i = k + 1
                f = get(sentence[k])
                while f is not None:
                    if f:
                        ends.append(i - 1)
                        # jieba's max over (score, end): a strict > keeps its choice on a tie
                        cand = (log(f) - logtotal + route[i][0], i - 1)
                        if best is None or cand > best:
                            best = cand
                    if i >= n:
                        break
                    i += 1
                    f = get(sentence[k:i])
                if not ends:  # no word starts here: the character alone, frequency 1
                    ends.append(k)
                    best = (log(1) - logtotal + route[k + 1][0], k)
                lists[k] = ends
                route[k] = best
            dag = _Graph(enumerate(lists))  # keys in ascending order, as jieba's (cut_all reads it so)
            dag.route = route
            return dag

        def calc(self, sentence, DAG, route):
            got = getattr(DAG, "route", None)
            if got is not None:
                route.update(got)
            else:  # a graph made elsewhere
                super().calc(sentence, DAG, route)

    class POSTokenizer(pseg.POSTokenizer):
        def __init__(self, tokenizer, word_tag_tab):
            # jieba's own __init__ reads the dictionary file again for the tags
            self.tokenizer = tokenizer
            self.word_tag_tab = word_tag_tab
            self._hmm: dict = {}

        def _POSTokenizer__cut_detail(self, sentence):
            # a run of characters no word covers, read by the HMM: a function of the run alone,
            # and the same runs come back often in a plan
            got = self._hmm.get(sentence)
            if got is None:
                if len(self._hmm) > 200_000:  # a bound for a huge collection
                    self._hmm.clear()
                got = self._hmm[sentence] = [(p.word, p.flag) for p in super()._POSTokenizer__cut_detail(sentence)]
            return [pseg.pair(w, f) for w, f in got]

    return Tokenizer, POSTokenizer


@lru_cache(maxsize=1)
def _loaded():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = _classes()[0]()
    tok.initialize()
    return tok


def new_tokenizer():
    """A jieba tokenizer with the standard dictionary; words added to it stay its own (its word
    table is a copy, since ``add_word`` writes into it)."""
    base = _loaded()
    tok = _classes()[0]()
    tok.FREQ = dict(base.FREQ)
    tok.total = base.total
    tok.initialized = True
    return tok


def shared_plain():
    """The loaded tokenizer itself, for cutting with jieba's dictionary alone. Never add words
    to it: every :func:`new_tokenizer` copies its word table."""
    return _loaded()


def new_pos_tokenizer(tok):
    """A part-of-speech tokenizer over ``tok`` (made by :func:`new_tokenizer`). The word tags of
    jieba's dictionary are copied from jieba.posseg's own tokenizer instead of read from the
    dictionary file again (0.5 s); the copy is this tokenizer's, since posseg adds the tags of
    words added to ``tok`` into it."""
    import jieba.posseg as pseg

    return _classes()[1](tok, dict(pseg.dt.word_tag_tab))
