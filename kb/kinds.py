"""A document's mentions in kb.json's compact form (kb.model.document_to_dict): each as
``[kind, start, end]``, ``kind`` a row of the document's table of mention kinds (the entity, with
its role, via and acting when set). The same few entities and roles recur in every unit of a
plan: their ids and roles were two thirds of the stored mentions (at 100 plans, 9 of kb.json's
62 MB)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from typing import Any

# a mention's fields that say where it is; the others (the entity, its role …) are its kind
_PLACE_FIELDS = ("text", "sentence", "start", "end")


class MentionKinds:
    """The table of one document's mention kinds, each once, in the order first met."""

    def __init__(self) -> None:
        self.rows: list = []  # "GROUP:老年人", or ["GROUP:老年人", {"role": "beneficiary"}]
        self._at: dict[str, int] = {}

    def __call__(self, m) -> int:
        """The row of mention ``m``'s kind (any field but the place's that is set, so that a
        field added to Mention later is stored without this class knowing it)."""
        kind = {f.name: v for f in fields(m) if f.name not in _PLACE_FIELDS and (v := getattr(m, f.name)) is not None}
        del kind["entity"]
        row = [m.entity, kind] if kind else m.entity
        key = repr(row)
        if key not in self._at:
            self._at[key] = len(self.rows)
            self.rows.append(row)
        return self._at[key]


def compact_mention(m, text: str, at: Callable[[int], str | None], kinds: MentionKinds) -> list:
    """``[kind, start, end]``, plus a dict of the words and the sentence when the unit's
    ``text`` and the sentence ``at`` the mention's offset do not give them. A list: the field
    names were half of a stored mention."""
    d: dict[str, Any] = {}
    if text[m.start : m.end] != m.text:
        d["text"] = m.text
    if at(m.start) != m.sentence:
        d["sentence"] = m.sentence
    return [kinds(m), m.start, m.end, d] if d else [kinds(m), m.start, m.end]


def _kind(m: list, kinds: list) -> dict[str, Any]:
    row = m[0] if isinstance(m[0], str) else kinds[m[0]]  # schema 1: the entity itself
    return {"entity": row} if isinstance(row, str) else {"entity": row[0], **row[1]}


def mention_dict(m: list, kinds: list) -> dict[str, Any]:
    """A compact mention's fields (its words and sentence when stored), ``kinds`` its document's
    table (``kinds`` in its kb.json line)."""
    return {**_kind(m, kinds), "start": m[1], "end": m[2], **(m[3] if len(m) > 3 else {})}


def mention_entity(m: dict[str, Any] | list, kinds: list) -> str:
    """The entity of a stored mention, compact or not."""
    return _kind(m, kinds)["entity"] if isinstance(m, list) else m["entity"]
