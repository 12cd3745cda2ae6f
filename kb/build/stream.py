"""What a build keeps of a collection: a few facts per document, and each document's models
read back from its cache entry when a stage needs them, one at a time.

A parent holding every document's model needs memory in proportion to the collection (6.6 GB at
1,000 plans); the cross-document stages need only the ids and counts below. The models of a
document whose cache entry could not be written are held instead.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, overload

from kb.errors import KBError
from kb.ids import qualify
from kb.model import KB, Document, Edge, Entity


@dataclass
class Held:
    """One document as the build keeps it."""

    id: str
    title: str
    source: str
    sha256: str
    key: str  # its cache key
    models: tuple[Document, list[Edge]] | None = None  # only when its cache entry cannot give them
    # kb.extract.document.entity_uses and its discovered names, until folded into the entity
    # list's input (kb.build.collect)
    uses: Any = None
    found: list[dict] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)  # its indicator rows that restate no task
    chapters: list[tuple[str, str, str]] = field(default_factory=list)  # (id, label, title)
    size: int = 0  # characters of its units' text (the index splits its write by them)
    tasks: int = 0
    rows: int = 0
    edges: int = 0
    notes: list[str] = field(default_factory=list)
    # for kb.seek.json: its local unit, chapter and table ids (None in facts kept by older code),
    # likewise folded into the collection's map
    ids: list[str] | None = None


def held_of(doc: Document, edges: list[Edge], key: str, multi: bool, lex) -> Held:
    from kb.extract.document import entity_uses

    return Held(
        id=doc.id,
        title=doc.title,
        source=doc.source,
        sha256=doc.sha256,
        key=key,
        uses=entity_uses(doc, multi, lex),
        unmatched=[qualify(doc.id, r.id, multi) for t in doc.indicator_tables for r in t.rows if not r.tasks],
        chapters=[(c.id, c.label, c.title) for c in doc.chapters],
        size=sum(len(u.text) for u in doc.units()),
        tasks=len(doc.tasks),
        rows=sum(len(t.rows) for t in doc.indicator_tables),
        edges=len(edges),
        notes=list(doc.notes),
        ids=[u.id for u in doc.units()] + [c.id for c in doc.chapters] + [t.id for t in doc.indicator_tables],
    )


def held_put(cache: Path, h: Held, title: str, findings: list, line_len: int | None) -> None:
    """Keep the facts beside the document's cache entry (with the title it was parsed with, and
    without the path: this build gives them, and a meta file may change), so that a build that
    finds them need not load the document's models."""
    from kb.build.cache import _pickle_put, _sidecar

    sizes = _entry_sizes(cache, h.key)
    if sizes is not None:
        _pickle_put(_sidecar(cache, h.key, ".held"), (replace(h, title=title, source=""), findings, line_len, sizes))


def held_get(cache: Path, key: str) -> tuple[Held, list, int | None] | None:
    """(facts, consistency findings, length of its kb.json line in the entry), or None; None too
    when the entry or the pickle of its models is no longer the one the facts were kept with
    (cut short, replaced): the stages after would need them, so they are read the slow way."""
    from kb.build.cache import _pickle_get, _sidecar

    facts = _pickle_get(_sidecar(cache, key, ".held"))
    if not (isinstance(facts, tuple) and len(facts) == 4 and isinstance(facts[0], Held) and facts[0].key == key):
        return None
    if facts[3] != _entry_sizes(cache, key):
        return None
    return facts[0], facts[1], facts[2]


def _entry_sizes(cache: Path, key: str) -> tuple[int, int] | None:
    from kb.build.cache import _sidecar

    try:
        return _sidecar(cache, key, ".json").stat().st_size, _sidecar(cache, key, ".pkl").stat().st_size
    except OSError:
        return None


@dataclass
class Collection:
    docs: list[Held]
    cache: Path | None
    entities: list[Entity] = field(default_factory=list)
    # False with --no-cache: nothing of an earlier build is taken from the cache (this build's
    # entries are still written there and read back)
    read_cache: bool = True
    # for kb.seek.json: unit, chapter or table id -> the documents (by position) that have it, and
    # entity id -> the documents whose units or headings mention it (None: not known of all)
    holders: dict[str, list[int]] | None = None
    naming: dict[str, list[int]] | None = None

    @property
    def multi(self) -> bool:
        return len(self.docs) > 1

    def load(self, i: int) -> tuple[Document, list[Edge]]:
        """Document ``i`` and its edges, as the build made them."""
        from kb.build.cache import _cache_get, _models_get
        from kb.model import document_from_dict, edge_from_dict

        h = self.docs[i]
        if h.models is not None:
            return h.models
        models = _models_get(self.cache, h.key) if self.cache else None
        if models is not None:
            doc, edges = models[0], models[1]
        else:
            part = _cache_get(self.cache, h.key) if self.cache else None
            if part is None:
                raise KBError(f"{h.source}: its cache entry went missing during the build (run kb build again)")
            doc, edges = document_from_dict(part["document"]), [edge_from_dict(e) for e in part["edges"]]
        doc.source, doc.title = h.source, h.title
        return doc, edges

    def models(self) -> Iterator[tuple[Document, list[Edge]]]:
        return (self.load(i) for i in range(len(self.docs)))

    def documents(self) -> LazyDocuments:
        return LazyDocuments(self, list(range(len(self.docs))))

    def unmatched(self) -> list[str]:
        return [r for h in self.docs for r in h.unmatched]

    def kb(self) -> KB:
        """The whole model (for the site and callers that want it)."""
        kb = KB(entities=self.entities)
        for doc, edges in self.models():
            kb.documents.append(doc)
            kb.edges.extend(edges)
        return kb


class LazyDocuments(Sequence):
    """Documents of a collection, each loaded when reached (the index's writers iterate them);
    with the facts the index needs of all of them at once."""

    def __init__(self, coll: Collection, picks: list[int]):
        self.coll, self.picks = coll, picks

    def __len__(self) -> int:
        return len(self.picks)

    @overload
    def __getitem__(self, i: int) -> Document: ...

    @overload
    def __getitem__(self, i: slice) -> LazyDocuments: ...

    def __getitem__(self, i):
        if isinstance(i, slice):
            return LazyDocuments(self.coll, self.picks[i])
        return self.coll.load(self.picks[i])[0]

    def __iter__(self) -> Iterator[Document]:
        return (self.coll.load(i)[0] for i in self.picks)

    @property
    def ids(self) -> list[str]:
        return [self.coll.docs[i].id for i in self.picks]

    @property
    def sizes(self) -> list[int]:
        return [self.coll.docs[i].size for i in self.picks]

    def chapters(self) -> Iterator[tuple[str, list[tuple[str, str, str]]]]:
        return ((self.coll.docs[i].id, self.coll.docs[i].chapters) for i in self.picks)

    def without(self, ids: set[str]) -> LazyDocuments:
        return LazyDocuments(self.coll, [i for i in self.picks if self.coll.docs[i].id not in ids])
