"""Private jieba tokenizers that share one reading of jieba's dictionary.

A build needs three tokenizers, each with its own added words: extraction (lexicon names kept
whole), discovery (names tagged as nouns) and the index (lexicon names for search words).
``jieba.Tokenizer.initialize`` reads the 500k-word dictionary each time (about 0.6 s); copying
the word table of one loaded tokenizer takes about 10 ms. This module imports no jieba until
a tokenizer is asked for.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _loaded():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.initialize()
    return tok


def new_tokenizer():
    """A jieba tokenizer with the standard dictionary; words added to it stay its own (its word
    table is a copy, since ``add_word`` writes into it)."""
    import jieba

    base = _loaded()
    tok = jieba.Tokenizer()
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

    pt = pseg.POSTokenizer.__new__(pseg.POSTokenizer)
    pt.tokenizer = tok
    pt.word_tag_tab = dict(pseg.dt.word_tag_tab)
    return pt
