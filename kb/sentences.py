"""A unit's sentences in kb.json's compact form (kb.model.document_to_dict): by their offsets
only, since the parser numbers them ``{unit}.s1`` on and their text is the unit's text between
them. At a thousand plans their dicts (``{"id": "T14.s3", "start": 101, "end": 230}``) were 22 MB
of kb.json."""

from __future__ import annotations

from typing import Any


def compact_sentences(u) -> list:
    """Each sentence as ``end`` when it starts where the one before ends (0 for the first), else
    as ``[start, end]``; a unit whose sentences are numbered otherwise, or whose text does not
    hold them, keeps them as dicts (without their text where the unit's text gives it)."""
    out: list = []
    end = 0
    for k, s in enumerate(u.sentences, 1):
        if s.id != f"{u.id}.s{k}" or u.text[s.start : s.end] != s.text:
            return [_sentence_dict(u.text, x) for x in u.sentences]
        out.append(s.end if s.start == end else [s.start, s.end])
        end = s.end
    return out


def _sentence_dict(text: str, s) -> dict[str, Any]:
    if text[s.start : s.end] == s.text:
        return {"id": s.id, "start": s.start, "end": s.end}
    return {"id": s.id, "text": s.text, "start": s.start, "end": s.end}


def sentence_dicts(uid: str, offsets: list) -> list[dict[str, Any]]:
    """The dicts (without text) of :func:`compact_sentences`' offsets."""
    out = []
    end = 0
    for k, x in enumerate(offsets, 1):
        start, end = (end, x) if isinstance(x, int) else x
        out.append({"id": f"{uid}.s{k}", "start": start, "end": end})
    return out
