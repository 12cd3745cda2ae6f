"""Private jieba tokenizers that share one reading of jieba's dictionary.

A build needs three tokenizers, each with its own added words: extraction (lexicon names kept
whole), discovery (names tagged as nouns) and the index (lexicon names for search words).
``jieba.Tokenizer.initialize`` reads the 500k-word dictionary each time (about 0.6 s); copying
the word table of one loaded tokenizer takes about 10 ms; the table and the dictionary's word
tags are kept in the per-user cache folder. Each tokenizer and tagger remembers the words of the
blocks (text between punctuation) it has cut, since a plan's stages cut the same clauses again.
This module imports no jieba until a tokenizer is asked for.
"""

from __future__ import annotations

import array
import hashlib
import json
import os
from functools import lru_cache
from math import log
from pathlib import Path


@lru_cache(maxsize=1)
def _tokenizer_class():
    """jieba's tokenizer with a faster word graph and best path (the two loops every cut runs
    through, about half of extraction and linking). Same arithmetic, same order, same ties: the
    words are jieba's own, byte for byte."""
    import jieba
    from jieba import finalseg

    class _Graph(dict):
        """A word graph that also carries its best path (made in the same pass)."""

        route: dict

    class Tokenizer(jieba.Tokenizer):
        shared = False  # FREQ is another tokenizer's table, copied before the first write

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            # the words of each Chinese block already cut, without and with the HMM: jieba cuts
            # a block on its own (its words depend on the block and the word table alone), and
            # a plan's stages cut the same clauses again and again
            self.blocks: tuple[_Memo, _Memo] = (_Memo(), _Memo())
            self.generation = 0  # how many times the word table changed (taggers' memos read it)

        def add_word(self, word, freq=None, tag=None):
            # every write of jieba's to the word table goes through here (del_word, suggest_freq
            # and load_userdict call it)
            if self.shared:
                self.FREQ = dict(self.FREQ)  # type: ignore[has-type]  # set by jieba.Tokenizer.initialize
                self.shared = False
            super().add_word(word, freq, tag)
            # after the write: suggest_freq cuts the word with the table as it was before
            self.generation += 1
            for memo in self.blocks:
                memo.clear()

        def _Tokenizer__cut_DAG(self, sentence):
            memo = self.blocks[1]
            # the HMM also keeps apart the words anyone deleted (jieba.del_word, for every tokenizer)
            if memo.forced != len(finalseg.Force_Split_Words):
                memo.clear()
                memo.forced = len(finalseg.Force_Split_Words)
            return memo.get(sentence, super()._Tokenizer__cut_DAG)

        def _Tokenizer__cut_DAG_NO_HMM(self, sentence):
            return self.blocks[0].get(sentence, super()._Tokenizer__cut_DAG_NO_HMM)

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

    return Tokenizer


class _Memo(dict):
    """Block -> its words (a tuple), made by ``cut`` on a miss; emptied when it grows past a
    bound (a huge collection in one process)."""

    LIMIT = 20_000
    forced = 0  # how many words jieba's HMM was told to keep apart when these were cut

    def get(self, block, cut):  # type: ignore[override]
        got = dict.get(self, block)
        if got is None:
            if len(self) >= self.LIMIT:
                self.clear()
            got = self[block] = tuple(cut(block))
        return got


# the pairs of a text between Chinese blocks: jieba cuts it by regular expressions alone (no
# word table, no HMM), so one memo serves every tagger
_BETWEEN: dict[str, list[tuple[str, str]]] = {}


@lru_cache(maxsize=1)
def _pos_class():
    """jieba's part-of-speech tagging, remembering the HMM's reading of an unknown run."""
    _posseg()  # imported without its second reading of the dictionary
    import jieba.posseg as pseg

    class POSTokenizer(pseg.POSTokenizer):
        def __init__(self, tokenizer, word_tag_tab):
            # jieba's own __init__ reads the dictionary file again for the tags
            self.tokenizer = tokenizer
            self.word_tag_tab = word_tag_tab
            self._hmm: dict = {}
            # the (word, tag) pairs of each Chinese block, as the tokenizer's own memo; they also
            # depend on its word table (its generation) and on the tags
            self._blocks = (_Memo(), _Memo())
            self._generation = tokenizer.generation

        def makesure_userdict_loaded(self):
            if self.tokenizer.user_word_tag_tab:  # jieba is about to move new tags in
                self._forget()
            super().makesure_userdict_loaded()

        def _forget(self):
            for memo in self._blocks:
                memo.clear()
            self._generation = self.tokenizer.generation

        def _pairs(self, block, hmm, cut):
            if self._generation != self.tokenizer.generation:
                self._forget()
            got = self._blocks[hmm].get(block, lambda b: [(p.word, p.flag) for p in cut(b)])
            return [pseg.pair(w, f) for w, f in got]

        def _POSTokenizer__cut_DAG(self, sentence):
            return self._pairs(sentence, 1, super()._POSTokenizer__cut_DAG)

        def _POSTokenizer__cut_DAG_NO_HMM(self, sentence):
            return self._pairs(sentence, 0, super()._POSTokenizer__cut_DAG_NO_HMM)

        def _POSTokenizer__cut_detail(self, sentence):
            # a run of characters no word covers, read by the HMM: a function of the run alone,
            # and the same runs come back often in a plan
            got = self._hmm.get(sentence)
            if got is None:
                if len(self._hmm) > 200_000:  # a bound for a huge collection
                    self._hmm.clear()
                got = self._hmm[sentence] = [(p.word, p.flag) for p in super()._POSTokenizer__cut_detail(sentence)]
            return [pseg.pair(w, f) for w, f in got]

        def cut_blocks(self, sentence, wanted, HMM=True):
            """``cut`` that tags only the Chinese blocks ``wanted`` asks for. jieba cuts the text
            between punctuation (a block) on its own, so a block's words do not depend on the
            others. ``wanted`` gets the list ``re_han_internal.split`` makes (the Chinese blocks
            at odd places) and returns a list of as many booleans; a block not wanted comes
            back whole as one pair tagged "x" (offsets stay right), without its word graph."""
            self.makesure_userdict_loaded()
            cut_blk = self._POSTokenizer__cut_DAG if HMM else self._POSTokenizer__cut_DAG_NO_HMM
            blocks = pseg.re_han_internal.split(sentence)
            keep = wanted(blocks)
            for i, blk in enumerate(blocks):
                if not blk:
                    continue
                if i % 2 == 0:  # between the Chinese blocks: punctuation, white space, symbols
                    # cut by regular expressions alone, and the same few strings come back
                    # every clause (，, 。, a line break)
                    got = _BETWEEN.get(blk)
                    if got is None:
                        if len(_BETWEEN) > 10_000:  # a bound for text full of odd symbols
                            _BETWEEN.clear()
                        got = _BETWEEN[blk] = [(p.word, p.flag) for p in self._POSTokenizer__cut_internal(blk, HMM)]
                    for w, f in got:
                        yield pseg.pair(w, f)
                elif keep[i]:
                    yield from cut_blk(blk)
                else:
                    yield pseg.pair(blk, "x")

    return POSTokenizer


def _table_file(kind: str = "words") -> Path | None:
    """Where the word table (``kind`` "words") or the word tags ("tags") of jieba's dictionary
    are kept between runs: the per-user cache folder, under a name that changes with jieba's
    version and its dictionary file."""
    import jieba

    src = Path(jieba.__file__).parent / jieba.DEFAULT_DICT_NAME
    try:
        st = src.stat()
    except OSError:
        return None
    key = hashlib.sha256(f"{jieba.__version__}|{src}|{st.st_size}|{st.st_mtime_ns}".encode()).hexdigest()[:16]
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "plankb" / f"jieba-{kind}-{key}.bin"


def _read_table(path: Path | None):
    """(word table, total) as jieba's ``initialize`` makes them, or None. jieba's own cache is a
    marshalled dict, about 0.8 s to read; the words as one string and the frequencies as one
    array of integers read in about a third of that. The file is a JSON header line, the words
    (UTF-8, one per line) and the frequencies (64-bit integers): no pickle, nothing runs."""
    read = _read_file(path)
    if read is None:
        return None
    head, words, rest = read
    freqs = array.array("q")
    try:
        freqs.frombytes(rest)
    except ValueError:  # cut short
        return None
    if freqs.itemsize != 8 or not len(words) == len(freqs) == head["n"]:
        return None
    return dict(zip(words, freqs)), int(head["total"])


def _read_file(path: Path | None) -> tuple[dict, list[str], bytes] | None:
    """(header, words, the bytes after them) of a file :func:`_write_file` wrote, or None."""
    if path is None:
        return None
    try:
        with open(path, "rb") as f:
            head = json.loads(f.readline())
            return head, f.read(head["bytes"]).decode("utf-8").split("\n"), f.read()
    except Exception:  # missing, partly written, another format: read the dictionary instead
        return None


def _write_table(path: Path | None, freq: dict, total: int) -> None:
    if path is None or any("\n" in w for w in freq):
        return
    words = "\n".join(freq).encode("utf-8")
    freqs = array.array("q", freq.values())
    if freqs.itemsize != 8:
        return
    _write_file(path, {"n": len(freq), "total": total, "bytes": len(words)}, [words, freqs.tobytes()])


def _write_file(path: Path, head: dict, parts: list[bytes]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as f:
            f.write(json.dumps(head).encode() + b"\n")
            for part in parts:
                f.write(part)
        os.replace(tmp, path)  # whole or not at all, for a build running beside this one
    except OSError:
        pass  # a read-only home: jieba's own loading next time too


def _read_tags(path: Path | None) -> dict[str, str] | None:
    """The word tags of jieba's dictionary (what jieba.posseg reads from the dictionary file
    at its import, about 0.4 s), or None: the words, then the tags, one per line."""
    read = _read_file(path)
    if read is None:
        return None
    head, words, rest = read
    try:
        tags = rest.decode("utf-8").split("\n")
    except UnicodeDecodeError:
        return None
    return dict(zip(words, tags)) if len(words) == len(tags) == head["n"] else None


def _write_tags(path: Path | None, tags: dict[str, str]) -> None:
    if path is None or any("\n" in w or "\n" in t for w, t in tags.items()):
        return
    words = "\n".join(tags).encode("utf-8")
    _write_file(path, {"n": len(tags), "bytes": len(words)}, [words, "\n".join(tags.values()).encode("utf-8")])


@lru_cache(maxsize=1)
def _posseg():
    """jieba.posseg, whose import makes a tagger over jieba's default tokenizer and reads the
    whole dictionary file again for its tags: with the tags kept in the cache folder, the import
    reads an empty file instead and the tagger gets the kept tags (the same table)."""
    import io
    import sys

    if "jieba.posseg" in sys.modules:
        return sys.modules["jieba.posseg"]
    _loaded()  # jieba itself, imported as that does
    import jieba

    path = _table_file("tags")
    tags = _read_tags(path) if jieba.dt.dictionary == jieba.DEFAULT_DICT else None
    if tags is None:
        import jieba.posseg as pseg

        _write_tags(path, pseg.dt.word_tag_tab)
        return pseg
    jieba.dt.get_dict_file = lambda: io.BytesIO()  # for the import only
    try:
        import jieba.posseg as pseg
    finally:
        del jieba.dt.get_dict_file
    pseg.dt.word_tag_tab = tags
    return pseg


@lru_cache(maxsize=1)
def _loaded():
    import logging
    import sys

    if "pkg_resources" not in sys.modules:
        # jieba imports pkg_resources (0.2 s) only to open its own data files, and opens them
        # itself without it; jieba reads none of them when the word table comes from the cache
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # an import of it fails
        try:
            import jieba
        finally:
            del sys.modules["pkg_resources"]
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = _tokenizer_class()()
    path = _table_file()
    got = _read_table(path)
    if got is not None:
        tok.FREQ, tok.total = got
        tok.initialized = True
    else:
        tok.initialize()
        _write_table(path, tok.FREQ, tok.total)
    return tok


def new_tokenizer():
    """A jieba tokenizer with the standard dictionary; words added to it stay its own (its word
    table is copied on the first ``add_word``, which writes into it; one that adds none, such as
    a tagger of plain jieba words, shares the loaded table: 40 MB and 15 ms less)."""
    base = _loaded()
    tok = _tokenizer_class()()
    tok.FREQ = base.FREQ
    tok.shared = True
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
    pseg = _posseg()
    # the tags of words added by lexicon_tokenizer: posseg moves a tokenizer's added tags into
    # the first tagger that cuts with it, so a second tagger over it would not see them
    tags = dict(pseg.dt.word_tag_tab)
    tags.update(getattr(tok, "added_tags", {}))
    return _pos_class()(tok, tags)


@lru_cache(maxsize=1)
def plain_tagger():
    """The part-of-speech tagger over jieba's own dictionary that the extraction rules read
    (acting, organisation, class, level and party rules): one, so its HMM memo is shared."""
    return new_pos_tokenizer(new_tokenizer())


@lru_cache(maxsize=4)
def lexicon_tokenizer(words: tuple[str, ...]):
    """A tokenizer that keeps the lexicon's names whole (a high frequency) and tags them as
    nouns; one per word list, shared by extraction (words) and discovery (tagged words)."""
    tok = new_tokenizer()
    for w in words:
        if " " not in w:  # jieba cannot hold a word with a space
            tok.add_word(w, freq=max(2000, 500 * len(w)), tag="n")
    tok.added_tags = dict(tok.user_word_tag_tab)
    return tok
