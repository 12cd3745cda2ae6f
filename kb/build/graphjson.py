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

import contextlib
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from kb.build.reuse import Run, copy_run, write_graph_seek
from kb.graph.io import (
    CENTRALITY,
    GRAPH_SCHEMA,
    document_nodes,
    edge_data,
    end_node,
    entity_node,
    graph_link,
    stored_runs,
)
from kb.graph.links import stored_node

if TYPE_CHECKING:
    from kb.build.stream import Collection


class NotStreamable(Exception):
    """The collection's graph cannot be written a document at a time."""


def _dump(x) -> str:
    return json.dumps(x, ensure_ascii=False, separators=(",", ":"))


class _List:
    """Writes the items of a JSON array to a binary file, a comma before all but the first;
    ``text``: items written already, joined by commas, or a :class:`Run` of them copied from
    ``src``. Returns where they went (offset, bytes), None for none."""

    def __init__(self, f: BinaryIO, src: BinaryIO | None = None):
        self.f, self.src, self.first = f, src, True

    def add(self, item: dict[str, Any]) -> None:
        self.text(_dump(item))

    def text(self, items: str | Run) -> tuple[int, int] | None:
        if not items:
            return None
        if not self.first:
            self.f.write(b",")
        self.first = False
        at = self.f.tell()
        if isinstance(items, Run):
            copy_run(self.src, self.f, items)  # type: ignore[arg-type]
            return at, items.size
        return at, self.f.write(items.encode("utf-8"))


@dataclass
class Part:
    """One document's share of graph.json, which depends on its model (and its title and path)
    alone: its nodes and the links from them, written (or their runs in the previous graph.json);
    and what it gives the cross-document layer. The build keeps it beside the document's cache
    entry (kb.build.cache), the written text after the rest, so that a part whose text is copied
    is read without it."""

    id: str  # its document's
    title: str
    source: str
    ids: list[str]  # its node ids
    nodes: str | Run
    links: str | Run  # its own links, stored (runs of mentions as one item); "" for none
    ends: list[str]  # edge ends that are no node of it, first met first
    later: list[tuple[str, str, dict[str, Any]]]  # (source, target, stored link) for the layer
    # (a link between two nodes of no document: its edge's data, keyed once all are met)


def document_part(doc, edges: list, multi: bool) -> Part:
    own = dict(document_nodes(doc, multi))  # a repeated id keeps its place, takes the last attributes
    counts: dict[tuple, int] = {}
    adj: dict[str, dict[str, list[dict]]] = {}
    ends: dict[str, None] = {}
    later: list[tuple[str, str, dict[str, Any]]] = []
    for ed in edges:
        for end in (ed.source, ed.target):
            if end not in own:
                ends.setdefault(end)
        if ed.source not in own and ed.target not in own:
            later.append((ed.source, ed.target, {"type": ed.type, **edge_data(ed), "free": True}))
            continue
        k = (ed.source, ed.target, ed.type)
        n = counts.get(k, 0)
        counts[k] = n + 1
        link = graph_link(
            {"source": ed.source, "target": ed.target, "key": ed.type if not n else f"{ed.type}.{n}", **edge_data(ed)}
        )
        if ed.source in own:
            adj.setdefault(ed.source, {}).setdefault(ed.target, []).append(link)
        else:
            later.append((ed.source, ed.target, link))
    # networkx lists a node's links grouped by target, first met first
    mine = (lk for u in own for lst in adj.get(u, {}).values() for lk in lst)
    return Part(
        id=doc.id,
        title=doc.title,
        source=doc.source,
        ids=list(own),
        nodes=",".join(_dump(stored_node(n, attrs, doc.id)) for n, attrs in own.items()),
        links=",".join(_dump(x) for x in stored_runs(mine)),
        ends=list(ends),
        later=later,
    )


# what ends a document's node, the first of its part's nodes: the next node opens with its key
# ("id", or "in" for an id stored within its document); no JSON string holds it raw (its quote
# would be escaped)
NODE_END = '},{"'


def collection_parts(
    coll: Collection, runs: dict[str, tuple[Run, Run | None]] | None = None, src: BinaryIO | None = None
) -> Iterator[Part]:
    """Each document's part, read from beside its cache entry (an update need not load and
    serialize every document's model again), else made from its model and kept there; its text
    as its ``runs`` in the previous graph.json (``src``) where given
    (:func:`kb.build.reuse.graph_runs`). Its document's node shows its path as this build does
    (written anew over the part's when that moved: another working directory, a moved folder)."""
    from kb.build.cache import _pickle_get, _pickle_put, _sidecar

    runs = runs or {}
    for i, h in enumerate(coll.docs):
        side = _sidecar(coll.cache, h.key, ".graph") if coll.cache and h.models is None else None
        run = runs.get(h.id) if src else None
        got = _pickle_get(side, 1 if run else 2) if side else None
        old, text = (got[0], got[1:]) if got else (None, ())
        kept = _kept_text(h, coll.multi, text, run, src) if isinstance(old, Part) and old.title == h.title else None
        if isinstance(old, Part) and kept is not None:
            part = replace(old, nodes=kept[0], links=kept[1], source=h.source)
        else:
            part = document_part(*coll.load(i), coll.multi)
            if side:
                _pickle_put(side, replace(part, nodes="", links=""), (part.nodes, part.links))
        yield part


def _kept_text(h, multi: bool, text: tuple, run, src: BinaryIO | None) -> tuple[str | Run, str | Run] | None:
    """A kept part's nodes and links: its runs in the previous graph.json (``src``) or its text
    beside its cache entry; None when neither is there."""
    from kb.build.reuse import headed
    from kb.index.stored import HEAD_MAX

    head = _node_head(h, multi)
    if run and src:
        nodes = headed(src, run[0], NODE_END.encode(), head.encode())
        return (nodes, run[1] or "") if nodes else None
    if text and isinstance(text[0], tuple):
        written, links = text[0]
        at = written.find(NODE_END, 0, HEAD_MAX)
        return (head + written[at:], links) if at >= 0 else None
    return None


def _node_head(h, multi: bool) -> str:
    """A document's node as graph.json holds it, up to :data:`NODE_END`."""
    node_id, attrs = next(document_nodes(h, multi))
    return _dump({"id": node_id, **attrs})[:-1]


def write_graph_stream(
    path: Path,
    parts: Iterable[Part],
    entities: list,
    unmatched: list[str],
    previous: Path | None = None,
    *,
    tail: tuple[str, Run] | None = None,
) -> None:
    """``parts``: each document's :class:`Part`, in document order; a part's text given as runs
    is copied from ``previous`` (the graph.json they were noted in), and so are the nodes after
    them when ``tail`` (its digest, its run there) was written from the same entities and ends.
    Writes graph.seek.json beside ``path``: where each document's runs and the tail went."""
    path = Path(path)
    links_tmp = path.with_suffix(f".links.{os.getpid()}.tmp")
    spans: list[list] = []  # [id, node offset, bytes, link offset in the links file, bytes]
    try:
        with (
            open(path, "wb") as f,
            open(links_tmp, "wb+") as lf,
            open(previous, "rb") if previous else contextlib.nullcontext() as src,
        ):
            graph = {"schema": GRAPH_SCHEMA, "unmatched_rows": unmatched, "centrality": CENTRALITY}
            f.write(('{"directed":true,"multigraph":true,"graph":' + _dump(graph) + ',"nodes":[').encode("utf-8"))
            nodes, links = _List(f, src), _List(lf, src)
            seen: set[str] = set()
            ends: dict[str, None] = {}
            adj: dict[str, dict[str, list[dict]]] = {}
            counts: dict[tuple, int] = {}  # keys of links between two nodes of no document
            for part in parts:
                if not seen.isdisjoint(part.ids):
                    raise NotStreamable(f"{part.ids[0]}: a node id of another document")
                seen.update(part.ids)
                spans.append([part.id, *(nodes.text(part.nodes) or (0, 0)), *(links.text(part.links) or (0, 0))])
                for end in part.ends:
                    ends.setdefault(end)
                for u, v, link in part.later:
                    if link.get("free"):
                        data = {k: x for k, x in link.items() if k != "free"}
                        c = counts.get((u, v, data["type"]), 0)
                        counts[(u, v, data["type"])] = c + 1
                        key = data["type"] if not c else f"{data['type']}.{c}"
                        link = graph_link({"source": u, "target": v, "key": key, **data})
                    adj.setdefault(u, {}).setdefault(v, []).append(link)
            ids = [e.id for e in entities]
            if not seen.isdisjoint(ids):
                raise NotStreamable("an entity id is also a node of a document")
            known = seen.union(ids)
            extra = [n for n in ends if n not in known]
            # an update mostly leaves the entities' nodes as they were: copied when the same
            digest = hashlib.blake2b(_dump([[e.id, e.type, e.name] for e in entities] + extra).encode()).hexdigest()
            if tail is not None and tail[0] == digest and src is not None:
                tail_at = nodes.text(tail[1])
            else:
                tail_at = nodes.text(
                    ",".join(
                        [
                            *(_dump(stored_node(e.id, entity_node(e), None)) for e in entities),
                            *(_dump(stored_node(n, end_node(n), None)) for n in extra),
                        ]
                    )
                )
            order = [*ids, *extra]
            if not set(order).issuperset(adj):
                raise NotStreamable("a link from a node of another document")
            # the layer's links, grouped as networkx lists them; a run of mentions as one item
            for item in stored_runs(lk for u in order for lst in adj.get(u, {}).values() for lk in lst):
                links.add(item)
            f.write(b'],"links":[')
            at = f.tell()
            lf.flush()
            copy_run(lf, f, Run(0, lf.tell()))
            f.write(b"]}\n")
        for s in spans:
            s[3] += at if s[4] else 0
        write_graph_seek(path, spans, (digest, *tail_at) if tail_at else None)
    finally:
        links_tmp.unlink(missing_ok=True)
