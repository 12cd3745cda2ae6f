"""The extraction components on plain text: what the build runs on every unit.

The spaCy pipeline (:mod:`kb.extract.pipeline`) wraps these same functions as components over a
character-token ``Doc``; the build calls them directly, since it reads only the lexicon hits and
the targets and never the ``Doc``. That spares it spaCy's import (about a second of CPU, more
than the seed plan's whole extraction) and a ``Doc`` per unit. Both paths give the same hits and
targets: they are the same calls on the same text.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kb.extract.lexicon import Lexicon, load_lexicon
from kb.extract.matcher import Hit, Matcher
from kb.extract.targets import extract_targets
from kb.model import Sentence


class JiebaWords:
    """A private jieba tokenizer (the global one is left alone for other users)."""

    def __init__(self, words: list[str]):
        from kb.extract.jiebatok import lexicon_tokenizer

        # the lexicon names kept whole (discovery cuts with the same tokenizer, for its tags)
        self.tok = lexicon_tokenizer(tuple(words))

    def spans(self, text: str) -> list[tuple[int, int]]:
        out, pos = [], 0
        for w in self.tok.cut(text, HMM=False):
            out.append((pos, pos + len(w)))
            pos += len(w)
        return out

    def around(self, text: str):
        """A function of (start, end) giving the spans of the words that cover ``text[start:end]``
        (and a few around it), as :meth:`spans` of the whole text has them. jieba cuts the runs
        of Chinese, Latin letters and digits on their own, and any other character that is no
        white space stands alone: a stretch between two such characters is cut as in the whole
        text, at the cost of its own length."""
        import jieba

        def plain(i: int) -> bool:
            c = text[i]
            return not jieba.re_han_default.match(c) and not jieba.re_skip_default.match(c)

        def spans(start: int, end: int) -> list[tuple[int, int]]:
            while start > 0 and not plain(start - 1) and not plain(start):
                start -= 1
            while end < len(text) and not plain(end - 1) and not plain(end):
                end += 1
            return [(a + start, b + start) for a, b in self.spans(text[start:end])]

        return spans


def _key(lexicon_dir) -> str | None:
    return str(Path(lexicon_dir).resolve()) if lexicon_dir else None


def lexicon_for(lexicon_dir: str | None = None) -> Lexicon:
    return _lexicon_cached(_key(lexicon_dir))


@lru_cache(maxsize=4)
def _lexicon_cached(key: str | None) -> Lexicon:
    return load_lexicon(Path(key) if key else None)


@lru_cache(maxsize=4)
def segmenter(lexicon_dir: str | None) -> JiebaWords:
    return JiebaWords(lexicon_for(lexicon_dir).words())


@lru_cache(maxsize=4)
def matcher_for(lexicon_dir: str | None) -> Matcher:
    return Matcher(lexicon_for(lexicon_dir))


def split(text: str) -> list[tuple[int, int]]:
    from kb.parse.sentences import split_sentences

    return [(s.start, s.end) for s in split_sentences(text, "s")]


def find_hits(matcher: Matcher, text: str, seg: JiebaWords | None) -> list[Hit]:
    """The lexicon hits of ``text``. Segmenting is the slowest step and only the hits whose
    words matter need it: the text around them is cut when they are settled."""
    return matcher.find(text, seg.around(text) if seg else None)


def find_targets(text: str, sentences: list[Sentence] | None, plan_context=None) -> list:
    """Quantities and time frames of ``text``, read by the parser's sentences (or, without
    them, by the parser's splitting rule)."""
    sents = sentences or [
        Sentence(id=f"s{i}", text=text[a:b], start=a, end=b) for i, (a, b) in enumerate(split(text), 1)
    ]
    return extract_targets(text, sents, context=plan_context)


@dataclass
class Analysis:
    hits: list[Hit]
    targets: list


def analyse(
    text: str, sentences: list[Sentence] | None = None, plan_context=None, lexicon_dir: str | None = None
) -> Analysis:
    """What the build reads of one unit: its lexicon hits and its targets. ``plan_context``: a
    :class:`kb.extract.targets.PlanContext` (the plan's period, the section's deadline)."""
    key = _key(lexicon_dir)
    hits = find_hits(matcher_for(key), text, segmenter(key))
    return Analysis(hits=hits, targets=find_targets(text, sentences, plan_context))
