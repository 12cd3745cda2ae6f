"""Identifiers: qualifying a document's local ids in a multi-document knowledge base, and
parsing the ids users type (``17``, ``T17``, ``１７``, ``精准服务:1``, ``I:精准服务:1``, ``五``,
``doc/T17``). No imports from the rest of kb: every layer may use it."""

from __future__ import annotations

import re
from dataclasses import dataclass

FW_DIGIT_CHARS = "０１２３４５６７８９"
# full-width digits -> ASCII digits: the one table (kb/parse/text.py and the id parsers use it)
FW_DIGITS = str.maketrans(FW_DIGIT_CHARS, "0123456789")

_TASK_RE = re.compile(r"[Tt]?(\d+)(_\d+)?")
_ROW_RE = re.compile(r"[^:]+:\d+")


def qualify(doc_id: str, local: str, multi: bool) -> str:
    """The id of ``local`` in the knowledge base: ``doc/local`` when it holds several documents."""
    return f"{doc_id}/{local}" if multi else local


@dataclass(frozen=True)
class Ident:
    """A parsed user id. ``doc``: the ``doc/`` prefix ("" when none); ``local``: the rest,
    trimmed, full-width digits made ASCII; ``kind``: task, row or name (anything else: a
    chapter, table, entity or a node id as written); ``canonical``: T17, I:精准服务:1, or
    ``local`` for a name."""

    doc: str
    local: str
    kind: str
    canonical: str


def parse_ident(text: str | None) -> Ident:
    s = (text or "").strip()
    doc, _, local = s.rpartition("/") if "/" in s else ("", "", s)
    local = local.strip().translate(FW_DIGITS)
    m = _TASK_RE.fullmatch(local)
    if m:
        return Ident(doc, local, "task", f"T{int(m.group(1))}{m.group(2) or ''}")
    if local.startswith("I:"):
        return Ident(doc, local, "row", local)
    if _ROW_RE.fullmatch(local):
        return Ident(doc, local, "row", f"I:{local}")
    return Ident(doc, local, "name", local)
