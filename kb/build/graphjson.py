"""graph.json written a document at a time, byte for byte what :func:`kb.graph.io.write_graph`
writes from the whole model, without building the collection's networkx graph.

The networkx graph lists nodes as they were added (each document's, then the entities, then
edge ends that are no node) and links grouped by their source node in that order, then by target
(first met first), then in the order added. Every edge stays inside its document or touches an
entity, so a document's links are those whose source is one of its nodes; the rest (an actor
leading a task) are the cross-document layer, held until every document is written. A
collection that does not fit this (a node id in two documents, a link from a node of another
document) raises :class:`NotStreamable`, and the caller writes the graph from the whole model.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from kb.graph.io import (
    CENTRALITY,
    GRAPH_SCHEMA,
    document_nodes,
    edge_data,
    end_node,
    entity_node,
    stored_link,
    stored_runs,
)


class NotStreamable(Exception):
    """The collection's graph cannot be written a document at a time."""


def _dump(x) -> str:
    return json.dumps(x, ensure_ascii=False, separators=(",", ":"))


class _List:
    """Writes the items of a JSON array, a comma before all but the first."""

    def __init__(self, f: TextIO):
        self.f, self.first = f, True

    def add(self, item: dict[str, Any]) -> None:
        self.f.write(("" if self.first else ",") + _dump(item))
        self.first = False


def write_graph_stream(
    path: Path, models: Iterable[tuple[Any, list]], entities: list, unmatched: list[str], multi: bool
) -> None:
    """``models``: (document, its edges) in document order, each dropped after its turn."""
    path = Path(path)
    links_tmp = path.with_suffix(f".links.{os.getpid()}.tmp")
    try:
        with open(path, "w", encoding="utf-8") as f, open(links_tmp, "w+", encoding="utf-8") as lf:
            graph = {"schema": GRAPH_SCHEMA, "unmatched_rows": unmatched, "centrality": CENTRALITY}
            f.write('{"directed":true,"multigraph":true,"graph":' + _dump(graph) + ',"nodes":[')
            nodes, links = _List(f), _List(lf)

            def stored() -> Iterator[dict[str, Any]]:
                # each document's nodes are written as its links are reached
                later = _Later()
                seen: set[str] = set()
                for doc, edges in models:
                    own = dict(document_nodes(doc, multi))  # a repeated id keeps its place, takes the last attributes
                    if not seen.isdisjoint(own):
                        raise NotStreamable(f"{doc.id}: a node id of another document")
                    seen.update(own)
                    for n, attrs in own.items():
                        nodes.add({"id": n, **attrs})
                    yield from _document_links(own, edges, later)
                ids = [e.id for e in entities]
                if not seen.isdisjoint(ids):
                    raise NotStreamable("an entity id is also a node of a document")
                for e in entities:
                    nodes.add({"id": e.id, **entity_node(e)})
                known = seen.union(ids)
                extra = [n for n in later.ends if n not in known]
                for n in extra:
                    nodes.add({"id": n, **end_node(n)})
                yield from later.links([*ids, *extra])

            # a run of one unit's mentions is one item (kb.graph.links.stored_runs), as write_graph stores it
            for item in stored_runs(stored()):
                links.add(item)
            f.write('],"links":[')
            lf.seek(0)
            shutil.copyfileobj(lf, f)
            f.write("]}\n")
    finally:
        links_tmp.unlink(missing_ok=True)


class _Later:
    """The cross-document layer: links whose source is no node of their document, and the ends
    met outside their document (in order), to place once all documents are written."""

    def __init__(self):
        self.ends: dict[str, None] = {}
        self.adj: dict[str, dict[str, list[dict]]] = {}
        self.counts: dict[tuple, int] = {}  # keys of links between two nodes of no document

    def links(self, order: list[str]) -> Iterator[dict[str, Any]]:
        placed = set(order)
        if not placed.issuperset(self.adj):
            raise NotStreamable("a link from a node of another document")
        for u in order:
            for lst in self.adj.get(u, {}).values():
                yield from lst


def _document_links(own: dict, edges: list, later: _Later) -> Iterator[dict[str, Any]]:
    """The stored links whose source is a node of this document, grouped as networkx lists
    them; the others go to ``later``."""
    counts: dict[tuple, int] = {}
    adj: dict[str, dict[str, list[dict]]] = {}
    for ed in edges:
        for end in (ed.source, ed.target):
            if end not in own:
                later.ends.setdefault(end)
        k = (ed.source, ed.target, ed.type)
        c = counts if ed.source in own or ed.target in own else later.counts
        n = c.get(k, 0)
        c[k] = n + 1
        link = stored_link(
            {"source": ed.source, "target": ed.target, "key": ed.type if not n else f"{ed.type}.{n}", **edge_data(ed)}
        )
        into = adj if ed.source in own else later.adj
        into.setdefault(ed.source, {}).setdefault(ed.target, []).append(link)
    for u in own:
        for lst in adj.get(u, {}).values():
            yield from lst
