"""The graph of a build with its links' evidence, which graph.json leaves to kb.json (kb/graph/io.py):
all of it, or that of the links a query gives."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from kb.errors import KBError
from kb.graph.io import GRAPH_FILE, load_graph


def graph_with_evidence(gen_folder):
    """The graph of a build generation, every link with its evidence (an export)."""
    G = load_graph(gen_folder)
    add_evidence(G, gen_folder)
    return G


def add_evidence(G, gen_folder, nodes: set[str] | None = None) -> None:
    """Fill in the evidence of the links from or to ``nodes`` (None: of every link) from the
    build's kb.json, whose edges are the graph's links in the same order: the n-th edge of a
    (source, target, type) is the link keyed ``type.n`` (``type`` for the first)."""
    from kb.build.kbjson import edges_touching, read_kb_json
    from kb.store import KB_FILE

    path = Path(gen_folder) / KB_FILE
    if nodes is not None and not nodes:
        return
    edges = read_kb_json(path).edges if nodes is None else edges_touching(path, read_kb_json(path, False), nodes)
    counts: dict[tuple[str, str, str], int] = defaultdict(int)
    for e in edges:
        n = counts[(e.source, e.target, e.type)]
        counts[(e.source, e.target, e.type)] += 1
        data = G.get_edge_data(e.source, e.target, e.type if not n else f"{e.type}.{n}")
        if data is None:
            raise KBError(f"{path}: an edge that is no link of {GRAPH_FILE} (run: kb build)")
        data["evidence"] = dict(e.evidence)
