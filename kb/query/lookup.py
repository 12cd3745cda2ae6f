"""Resolve the identifiers users type (``17``, ``T17``, ``精准服务:1``, ``五``, ``doc/T17``) to
objects of a knowledge base."""

from __future__ import annotations

from dataclasses import dataclass

from kb.errors import KBError
from kb.ids import Ident, parse_ident
from kb.model import KB, Chapter, Document, Entity, IndicatorTable, Unit

Found = Unit | Chapter | IndicatorTable | Entity


@dataclass
class Hit:
    doc: Document | None
    obj: Found
    kind: str  # task | row | paragraph | chapter | table | entity


def _candidates(ident: Ident) -> list[str]:
    """The canonical ids an input may stand for, most likely first."""
    if ident.kind != "name":
        return [ident.canonical]
    s = ident.local
    return list(dict.fromkeys([s, f"C{s}", f"I:{s}"]))


def find(kb: KB, ident: str) -> Hit:
    """The one object ``ident`` names; KBError when there is none or it is ambiguous."""
    if not ident or not ident.strip():
        raise KBError("empty id")
    parsed = parse_ident(ident)
    doc_part = parsed.doc
    docs = kb.documents
    if doc_part:
        docs = [d for d in kb.documents if d.id == doc_part]
        if not docs:
            raise KBError(f"no document {doc_part!r} (documents: {', '.join(d.id for d in kb.documents)})")
    hits: list[Hit] = []
    for cand in _candidates(parsed):
        for d in docs:
            for u in d.units():
                if u.id == cand:
                    kind = "task" if cand.startswith("T") else "row" if cand.startswith("I:") else "paragraph"
                    hits.append(Hit(d, u, kind))
            for c in d.chapters:
                if c.id == cand:
                    hits.append(Hit(d, c, "chapter"))
            for t in d.indicator_tables:
                if t.id == cand:
                    hits.append(Hit(d, t, "table"))
        if not doc_part:
            for e in kb.entities:
                if e.id == cand:
                    hits.append(Hit(None, e, "entity"))
        if hits:
            break
    if not hits:
        raise KBError(f"no task, indicator row, chapter or entity with id {ident!r}")
    if len(hits) > 1:
        where = ", ".join(f"{h.doc.id}/{h.obj.id}" for h in hits if h.doc)
        raise KBError(f"{ident!r} is ambiguous: {where}")
    return hits[0]
