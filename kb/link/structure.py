"""``contains`` and ``mentions`` edges: the outline's nesting and the extraction's mentions."""

from __future__ import annotations

from collections import defaultdict

from kb.link.common import _ev, _Ids, _sentence_with
from kb.model import Document, Edge, Mention, Paragraph, Task


def _contains(ids: _Ids, doc: Document) -> list[Edge]:
    out = []
    chapters = {c.id: c for c in doc.chapters}
    for c in doc.chapters:
        parent = ids(doc, c.parent) if c.parent in chapters else doc.id
        text = c.title or c.label
        out.append(Edge(parent, ids(doc, c.id), "contains", _ev(ids, doc, c.id, c.id, text)))
    units: list[Task | Paragraph] = [*doc.tasks, *doc.paragraphs]
    for t in units:
        parent = ids(doc, t.chapter) if t.chapter in chapters else doc.id
        if t.sentences:
            s = t.sentences[0]
            out.append(Edge(parent, ids(doc, t.id), "contains", _ev(ids, doc, t.id, s.id, s.text)))
    for tb in doc.indicator_tables:
        parent = ids(doc, tb.chapter) if tb.chapter in chapters else doc.id
        for r in tb.rows:
            if r.sentences:
                s = r.sentences[0]
                out.append(Edge(parent, ids(doc, r.id), "contains", _ev(ids, doc, r.id, s.id, s.text)))
    return out


def _mentions(ids: _Ids, doc: Document) -> list[Edge]:
    out = []
    for u in doc.units():
        first: dict[str, Mention] = {}
        count: dict[str, int] = defaultdict(int)
        for m in u.mentions:
            count[m.entity] += 1
            first.setdefault(m.entity, m)
        for ent, m in first.items():
            s = next((s for s in u.sentences if s.id == m.sentence), None)
            if s is None or m.text not in s.text:
                s = _sentence_with(u, m.text)
            if s is None:
                continue  # a mention we cannot cite is not shown as an edge
            out.append(
                Edge(ids(doc, u.id), ent, "mentions", _ev(ids, doc, u.id, s.id, m.text), weight=float(count[ent]))
            )
    return out


# --------------------------------------------------------------------------- measures
