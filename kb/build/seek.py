"""kb.seek.json: where each part of kb.json lies, so that `kb show` and `kb mentions` read the
lines they need instead of parsing the whole file (161 MB at 300 plans).

Written beside kb.json by the same streaming writer, in the same generation. It records kb.json's
size and modification time: a sidecar that does not match (kb.json replaced by other means) or
is missing (an older build) is ignored, and kb.json is read whole as before.

Layout: ``{"seek": 1, "kb": [size, mtime_ns], "documents": [[id, offset, length], ...],
"entities": [offset, length] | null, "edges": [[offset, length] | null per document],
"ids": {unit, chapter or table id: [document index, ...]} | null, "mentions": {entity id:
[document index, ...]}}``; offsets and lengths are in bytes; an edge span is the document's run of
edge lines (a document's edges name its own units and entities only: each is made from that
document alone).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from kb.errors import KBError
from kb.model import STORED_SCHEMA, Document, Entity

SEEK_VERSION = 1
Span = tuple[int, int]


def seek_path(kb_path: Path) -> Path:
    """kb.json -> kb.seek.json (the sidecar of any kb file a writer makes)."""
    kb_path = Path(kb_path)
    return kb_path.with_name(kb_path.stem + ".seek.json")


@dataclass
class Spans:
    """What the writer noted while writing kb.json."""

    documents: list[Span]
    entities: Span | None
    edges: list[Span | None]


class Inverted:
    """Name -> the documents (by position) listing it, folded a document at a time in order;
    None once a document's list is unknown (an older cache record), so the map is left out
    rather than incomplete."""

    def __init__(self) -> None:
        self.map: dict[str, list[int]] | None = {}

    def add(self, i: int, names: list[str] | None) -> None:
        if names is None or self.map is None:
            self.map = None
            return
        for name in dict.fromkeys(names):
            self.map.setdefault(name, []).append(i)


def write_seek(kb_path: Path, spans: Spans, ids: Sequence[str], holders, naming) -> None:
    """``holders``: local unit, chapter and table id -> the documents that have it; ``naming``:
    entity id -> the documents naming it (each an :class:`Inverted` map, None when unknown)."""
    st = os.stat(kb_path)
    data = {
        "seek": SEEK_VERSION,
        "kb": [st.st_size, st.st_mtime_ns],
        "documents": [[d, *s] for d, s in zip(ids, spans.documents)],
        "entities": spans.entities,
        "edges": spans.edges,
        "ids": holders,
        "mentions": naming,
    }
    tmp = seek_path(kb_path).with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    os.replace(tmp, seek_path(kb_path))


@dataclass
class Seek:
    path: Path  # kb.json
    ids: list[str]
    docs: list[Span]
    entities: Span | None
    edges: list[Span | None]
    holders: dict[str, list[int]] | None
    naming: dict[str, list[int]] | None

    def read(self, span: Span) -> bytes:
        with open(self.path, "rb") as f:
            f.seek(span[0])
            data = f.read(span[1])
        if len(data) != span[1]:
            raise KBError(f"{self.path}: shorter than its {seek_path(self.path).name} says (run: kb build)")
        return data

    def items(self, span: Span | None) -> list[dict]:
        """The lines of a run of items (joined by a comma and a line break) as a list."""
        return json.loads(b"[" + self.read(span) + b"]") if span else []


def open_seek(kb_path: Path) -> Seek | None:
    """The sidecar of ``kb_path`` when it describes that very file, else None."""
    kb_path = Path(kb_path)
    try:
        st = os.stat(kb_path)
        data = json.loads(seek_path(kb_path).read_bytes())
        if data.get("seek") != SEEK_VERSION or data.get("kb") != [st.st_size, st.st_mtime_ns]:
            return None
        with open(kb_path, "rb") as f:  # another schema: read whole, to say so as before
            if not f.read(32).startswith(b'{"schema":%d,' % STORED_SCHEMA):
                return None
        docs = data["documents"]
        return Seek(
            path=kb_path,
            ids=[d[0] for d in docs],
            docs=[(d[1], d[2]) for d in docs],
            entities=tuple(data["entities"]) if data["entities"] else None,
            edges=[tuple(s) if s else None for s in data["edges"]],
            holders=data.get("ids"),
            naming=data.get("mentions"),
        )
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
        return None


class SeekDocuments(Sequence):
    """A build's documents, each parsed from its own kb.json line when first reached. Its length
    is the collection's (ids are qualified by it), whatever few documents a query reads."""

    def __init__(self, seek: Seek, part: Callable[[dict], dict] | None = None):
        self.seek = seek
        self.part = part  # what a document's dict is cut to before it is made (kbjson.targets_part)
        self.ids = seek.ids
        self._at = {d: i for i, d in enumerate(seek.ids)}
        self._loaded: dict[int, Document] = {}
        self._parts: dict[tuple[int, frozenset[str]], Document] = {}  # see _naming_part

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        i = range(len(self))[i]
        if i not in self._loaded:
            from kb.model import document_from_dict

            d = self._line(i)
            self._loaded[i] = document_from_dict(self.part(d) if self.part else d)
        return self._loaded[i]

    def _line(self, i: int) -> dict:
        d = json.loads(self.seek.read(self.seek.docs[i]))
        if not isinstance(d, dict) or d.get("id") != self.ids[i]:
            raise KBError(f"{self.seek.path}: does not match {seek_path(self.seek.path).name} (run: kb build)")
        return d

    def __iter__(self) -> Iterator[Document]:
        return (self[i] for i in range(len(self)))

    def by_id(self, doc_id: str) -> Document | None:
        i = self._at.get(doc_id)
        return None if i is None else self[i]

    def holding(self, local: str) -> list[Document] | None:
        """The documents with a unit, chapter or table ``local`` (None: not recorded)."""
        if self.seek.holders is None:
            return None
        return [self[i] for i in self.seek.holders.get(local, [])]

    def naming(self, entity_ids: set[str]) -> list[Document] | None:
        """The documents whose units or headings mention one of ``entity_ids``, in order (None:
        not recorded)."""
        if self.seek.naming is None:
            return None
        picks = sorted({i for e in entity_ids for i in self.seek.naming.get(e, [])})
        return [self._naming_part(i, frozenset(entity_ids)) for i in picks]

    def _naming_part(self, i: int, entity_ids: frozenset[str]) -> Document:
        """Document ``i`` with only the units that mention one of ``entity_ids`` (its chapters
        all, its outline none): what a mention query reads of it. Making every unit's model of a
        document that names a common group once took most of `kb mentions`' time."""
        if i in self._loaded and self.part is None:
            return self._loaded[i]
        key = (i, entity_ids)
        if key not in self._parts:
            from kb.kinds import mention_entity
            from kb.model import document_from_dict

            def names(u: dict) -> bool:
                return any(mention_entity(m, kinds) in entity_ids for m in u.get("mentions", []))

            d = self._line(i)
            kinds = d.get("kinds", [])
            d["tasks"] = [u for u in d.get("tasks", []) if names(u)]
            d["paragraphs"] = [u for u in d.get("paragraphs", []) if names(u)]
            for t in d.get("indicator_tables", []):
                t["rows"] = [r for r in t.get("rows", []) if names(r)]
            d["outline"] = []
            self._parts[key] = document_from_dict(d)
        return self._parts[key]

    def edge_lines(self, doc_id: str) -> list[dict]:
        i = self._at.get(doc_id)
        return self.seek.items(self.seek.edges[i]) if i is not None else []


def entities_of(seek: Seek) -> list[Entity]:
    from kb.kinds import entity_fields
    from kb.model import Entity, _init

    return [_init(Entity, entity_fields(e)) for e in seek.items(seek.entities)]
