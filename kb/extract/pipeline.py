"""The spaCy pipeline of extraction (never used by ``kb search``/``kb show``/``kb mentions``).

The build itself runs the same components on plain text (:mod:`kb.extract.analyse`) and so
does not import spaCy; this pipeline gives the same hits and targets on a ``Doc``.

``spacy.blank("zh")`` with its character segmenter is the tokenizer, so that every entity
occurrence, nested or overlapping (困难职工 ⊃ 职工), is an exact token span and can live in
``doc.spans["mentions"]``; jieba, with the lexicon words added to its dictionary, gives the
word-level tokens (``doc._.words``; the matcher cuts only the text around the hits it settles:
crossing hits, related wordings). Components
are registered by name:

- ``plankb_words``: jieba words as (start, end) character spans;
- ``plankb_sentences``: sentence starts taken from the parser's sentences (passed in
  ``doc.user_data["sentences"]``), so ``doc.sents`` and the model agree; without them, the
  parser's own splitting rule;
- ``plankb_entities``: the lexicon matcher (Aho-Corasick on characters) -> ``doc.spans["mentions"]``;
- ``plankb_targets``: quantities and time frames -> ``doc.spans["targets"]`` and
  ``doc.user_data["targets"]``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy
import spacy
from spacy.attrs import IDX, SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span

from kb.extract.analyse import JiebaWords, find_targets, lexicon_for, segmenter
from kb.extract.analyse import split as _split
from kb.extract.lexicon import Lexicon
from kb.extract.matcher import Matcher
from kb.model import Sentence

__all__ = ["JiebaWords", "char_doc", "get_nlp", "lexicon_for", "run"]


@Language.factory("plankb_words", default_config={"lexicon_dir": None})
def make_words(nlp, name, lexicon_dir: str | None):
    seg = _segmenter(lexicon_dir)

    def words(doc: Doc) -> Doc:
        # segmenting is the slowest step: the words are made on first use of doc._.words, and
        # the matcher cuts only the text around the hits it settles
        doc.user_data["segmenter"] = seg
        return doc

    return words


def _words(doc: Doc):
    if "words" not in doc.user_data:
        seg = doc.user_data.get("segmenter")
        doc.user_data["words"] = seg.spans(_text(doc)) if seg else None
    return doc.user_data["words"]


if not Doc.has_extension("words"):
    Doc.set_extension("words", getter=_words)


@Language.component("plankb_sentences")
def sentences(doc: Doc) -> Doc:
    given = doc.user_data.get("sentences")
    bounds = [(s.start, s.end) for s in given] if given else _split(_text(doc))
    if not len(doc):
        return doc
    # one array write instead of a setter call per token (the char segmenter makes many tokens)
    idx = doc.to_array([IDX]).reshape(-1)
    flags = numpy.full(len(doc), -1, dtype="int64")
    flags[0] = 1
    starts = numpy.asarray([a for a, _ in bounds], dtype=idx.dtype)
    # one vectorised search: per-sentence calls converted the whole index array each time
    pos = numpy.searchsorted(idx, starts)
    ok = pos < len(doc)
    pos, starts = pos[ok], starts[ok]
    flags[pos[idx[pos] == starts]] = 1
    doc.from_array([SENT_START], flags.astype("uint64").reshape(-1, 1))  # type: ignore[arg-type]  # a numpy array is what thinc's Ints2d stands for; spaCy stores -1 wrapped
    return doc


def _span(doc: Doc, start: int, end: int, label: str) -> Span | None:
    return doc.char_span(start, end, label=label) or doc.char_span(start, end, label=label, alignment_mode="expand")


@Language.factory("plankb_entities", default_config={"lexicon_dir": None})
def make_entities(nlp, name, lexicon_dir: str | None):
    matcher = Matcher(_lexicon(lexicon_dir))

    def entities(doc: Doc) -> Doc:
        seg = doc.user_data.get("segmenter")
        hits = matcher.find(_text(doc), seg.around(_text(doc)) if seg else None)
        doc.user_data["hits"] = hits
        doc.spans["mentions"] = [s for h in hits if (s := _span(doc, h.start, h.end, h.entity)) is not None]
        return doc

    return entities


@Language.component("plankb_targets")
def targets(doc: Doc) -> Doc:
    found = find_targets(_text(doc), doc.user_data.get("sentences"), doc.user_data.get("plan_context"))
    doc.user_data["targets"] = found
    doc.spans["targets"] = [s for t in found if (s := _span(doc, t.start, t.end, t.unit or "TIME")) is not None]
    return doc


def _key(lexicon_dir) -> str | None:
    return str(Path(lexicon_dir).resolve()) if lexicon_dir else None


def _lexicon(lexicon_dir: str | None) -> Lexicon:
    return lexicon_for(lexicon_dir)


_segmenter = segmenter  # the build's own (kb.extract.analyse): one jieba word table for both


def get_nlp(lexicon_dir: str | None = None) -> Language:
    return _nlp(_key(lexicon_dir))


@lru_cache(maxsize=4)
def _nlp(lexicon_dir: str | None) -> Language:
    nlp = spacy.blank("zh")  # character segmenter: see the module docstring
    cfg = {"lexicon_dir": lexicon_dir}
    nlp.add_pipe("plankb_words", config=cfg)
    nlp.add_pipe("plankb_sentences")
    nlp.add_pipe("plankb_entities", config=cfg)
    nlp.add_pipe("plankb_targets")
    return nlp


def char_doc(nlp: Language, text: str) -> Doc:
    """The Doc that ``spacy.blank("zh")``'s character segmenter makes, built in one pass.
    spaCy aligns the characters back to the text with ``get_words_and_spaces``, which re-slices
    the text per word and is quadratic: 7 s for a 470,000-character unit, 22 s for 930,000.
    Same tokens: one per non-space character, a single following " " as its trailing space,
    any other run of white space as a token of its own."""
    words: list[str] = []
    spaces: list[bool] = []
    i, n = 0, len(text)
    while i < n:
        if not text[i].isspace():
            words.append(text[i])
            spaces.append(False)
            i += 1
            if i < n and text[i] == " ":
                spaces[-1] = True
                i += 1
        else:
            j = i + 1
            while j < n and text[j].isspace():
                j += 1
            words.append(text[i:j])
            spaces.append(False)
            i = j
    return Doc(nlp.vocab, words=words, spaces=spaces)


def _text(doc: Doc) -> str:
    return doc.user_data.get("text") or doc.text


def run(nlp: Language, text: str, sentences: list[Sentence] | None = None, plan_context=None) -> Doc:
    """``plan_context``: a :class:`kb.extract.targets.PlanContext` (the plan's period, the
    section's deadline) for the deadlines a target does not state."""
    doc = char_doc(nlp, text)
    doc.user_data["text"] = text  # spaCy's doc.text joins the tokens again on every access
    if plan_context is not None:
        doc.user_data["plan_context"] = plan_context
    if sentences:
        doc.user_data["sentences"] = sentences
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    return doc
