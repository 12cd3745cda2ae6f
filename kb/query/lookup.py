"""Resolve the identifiers users type (``17``, ``T17``, ``精准服务:1``, ``五``, ``doc/T17``) to
objects of a knowledge base."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from kb.errors import KBError
from kb.ids import FW_DIGITS as FW
from kb.ids import Ident, parse_ident
from kb.model import KB, Chapter, Document, Entity, IndicatorRow, IndicatorTable, OutlineNode, Task, Unit

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
    docs: Sequence[Document] = kb.documents
    ids = _doc_ids(kb)
    if doc_part:
        docs = [kb.documents[i] for i, d in enumerate(ids) if d == doc_part]
        if not docs:
            raise KBError(f"no document {doc_part!r} (documents: {', '.join(ids)})")
    hits: list[Hit] = []
    for cand in _candidates(parsed):
        for d in _holding(docs, cand):
            for u in d.units():
                if u.id == cand:
                    hits.append(Hit(d, u, _unit_kind(u)))
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
        hits = printed(list(docs), parsed.local)
    if not hits:
        raise KBError(f"no task, indicator row, chapter or entity with id {ident!r}")
    if len(hits) > 1:
        where = ", ".join(f"{h.doc.id}/{h.obj.id}" for h in hits if h.doc)
        raise KBError(f"{ident!r} is ambiguous: {where}")
    return hits[0]


def _doc_ids(kb: KB) -> list[str]:
    from kb.build.seek import SeekDocuments

    docs = kb.documents
    return docs.ids if isinstance(docs, SeekDocuments) else [d.id for d in docs]


def _holding(docs: Sequence[Document], local: str) -> Sequence[Document]:
    """The documents that may hold ``local``: those a build's sidecar names, else all."""
    from kb.build.seek import SeekDocuments

    found = docs.holding(local) if isinstance(docs, SeekDocuments) else None
    return docs if found is None else found


def _unit_kind(u: Unit) -> str:
    return "task" if isinstance(u, Task) else "row" if isinstance(u, IndicatorRow) else "paragraph"


def _squash(s: str) -> str:
    return re.sub(r"[\s、.．﹒]", "", s.translate(FW)).replace("(", "（").replace(")", "）")


def printed(docs: list[Document], form: str) -> list[Hit]:
    """Objects named by numbering as printed in the plan: ``（三）``, ``二（三）2``, ``二、（三）、2.``,
    ``专栏3``, ``表3``, ``第一部分一`` — the labels of a node and its numbered ancestors, outermost
    first (parts may be left out). Several matches make the caller report an ambiguity."""
    want = _squash(form)
    if not want:
        return []
    hits: list[Hit] = []
    for d in docs:
        by_id = {n.id: n for n in d.outline}
        units = {u.id: u for u in d.units()}
        chapters = {c.id: c for c in d.chapters}
        tables = {t.id: t for t in d.indicator_tables}
        for n in d.outline:
            if not n.label:
                continue
            chain: list[tuple[str, str]] = []
            m: OutlineNode | None = n
            while m is not None:
                if m.label:
                    chain.append((m.kind, _squash(m.label)))
                m = by_id.get(m.parent) if m.parent else None
            chain.reverse()
            full = "".join(lab for _, lab in chain)
            no_parts = "".join(lab for kind, lab in chain if kind != "part")
            if want not in (full, no_parts, _squash(n.label)):
                continue
            if n.unit in units and n.kind in ("item", "section", "row"):
                hits.append(Hit(d, units[n.unit], _unit_kind(units[n.unit])))
            elif n.id in chapters:
                hits.append(Hit(d, chapters[n.id], "chapter"))
            elif n.id in tables:
                hits.append(Hit(d, tables[n.id], "table"))
            elif n.unit in units:
                hits.append(Hit(d, units[n.unit], _unit_kind(units[n.unit])))
    # a full path beats a bare label that also matches elsewhere
    seen, out = set(), []
    for h in hits:
        key = (h.doc.id if h.doc else "", h.obj.id)
        if key not in seen:
            seen.add(key)
            out.append(h)
    return out
