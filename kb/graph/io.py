"""The graph as networkx: building it from the model, ``build/graph.json`` (node-link), queries
and exports (GraphML, GEXF, JSON, DOT).

networkx is imported inside functions so that importing this module stays cheap; nothing here
imports spaCy or jieba (the `kb graph` commands only read ``graph.json``).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict
from itertools import groupby
from pathlib import Path
from typing import Any

from kb.errors import KBError
from kb.graph.links import IN_DOCUMENT, graph_link, loaded_node, loaded_runs, stored_nodes, stored_runs
from kb.ids import parse_ident, qualify
from kb.model import KB
from kb.store import read_json

GRAPH_FILE = "graph.json"
# the graph's schema, as the model's graph and its exports give it; graph.json's storage form has
# its own (2: links without their evidence, which is kb.json's; 3: a run of one source's links
# of a type as one item, not only of its mentions, as 2 wrote them; 4: a run's ends named in
# full once per document, then by their place; nodes without what their other fields say:
# stored_node), in the same place; 2 and 3 are still read
GRAPH_MODEL_SCHEMA = 1
GRAPH_SCHEMA = 4
READABLE_GRAPH_SCHEMAS = (2, 3, GRAPH_SCHEMA)
TASK_LINKS = ("depends_on", "related")  # the edges a path between tasks may use
# fills in the evidence of the links touching the nodes given (kb.query.graph), for the
# queries that give some links' evidence (a graph loaded without it)
Evidence = Callable[[set[str]], None] | None
CENTRALITY = "PageRank over depends_on edges (user -> establisher, weighted), damping 0.85"


# --------------------------------------------------------------------------- model -> graph


def to_networkx(kb: KB):
    import networkx as nx

    from kb.link import unmatched_rows

    multi = len(kb.documents) > 1
    G = nx.MultiDiGraph(schema=GRAPH_MODEL_SCHEMA, unmatched_rows=unmatched_rows(kb), centrality=CENTRALITY)
    for d in kb.documents:
        for n, attrs in document_nodes(d, multi):
            G.add_node(n, **attrs)
    for e in kb.entities:
        G.add_node(e.id, **entity_node(e))
    counts: dict[tuple, int] = defaultdict(int)
    for ed in kb.edges:
        for end in (ed.source, ed.target):
            if end not in G:
                G.add_node(end, **end_node(end))
        k = (ed.source, ed.target, ed.type)
        key = f"{ed.type}" if not counts[k] else f"{ed.type}.{counts[k]}"
        counts[k] += 1
        G.add_edge(ed.source, ed.target, key=key, **edge_data(ed))
    return G


# the parts of the graph, also written one document at a time by the build (kb/build/graphjson.py)


def document_nodes(d, multi: bool):
    """(node id, attributes) of one document: itself, its chapters, tasks, paragraphs, tables and rows."""

    def q(local):
        return qualify(d.id, local, multi)

    yield d.id, {"type": "document", "label": d.title or d.id, "source": d.source}
    for c in d.chapters:
        label = f"{c.label}、{c.title}" if c.title else c.label
        yield q(c.id), {"type": "chapter", "label": label, "title": c.title, "document": d.id}
    for t in d.tasks:
        yield (
            q(t.id),
            {
                "type": "task",
                "label": f"{t.number}. {t.title}",
                "number": t.number,
                "title": t.title,
                "chapter": t.chapter,
                "document": d.id,
            },
        )
    for p in d.paragraphs:
        yield q(p.id), {"type": "paragraph", "label": p.text[:30], "chapter": p.chapter, "document": d.id}
    for tb in d.indicator_tables:
        # a table is a node of its own: a task may refer to it (见表3)
        yield q(tb.id), {"type": "table", "label": tb.title or tb.key, "title": tb.title, "document": d.id}
        for r in tb.rows:
            yield (
                q(r.id),
                {
                    "type": "row",
                    "label": f"{tb.key}#{r.index} {r.name}",
                    "name": r.name,
                    "target": r.target,
                    "table": tb.id,
                    "tasks": list(r.tasks),
                    "document": d.id,
                },
            )


def entity_node(e) -> dict[str, Any]:
    return {"type": "entity", "label": e.name, "entity_type": e.type, "name": e.name}


def end_node(end: str) -> dict[str, Any]:
    """An edge's end that is no node of the model."""
    return {"type": "entity" if ":" in end and not end.startswith("I:") else "unknown", "label": end}


def edge_data(ed) -> dict[str, Any]:
    return {
        "type": ed.type,
        "evidence": dict(ed.evidence),
        "rule": ed.rule,
        "weight": 1.0 if ed.weight is None else float(ed.weight),
    }


def graph_to_data(G) -> dict[str, Any]:
    """node-link data, deterministic order (same corpus -> same bytes)."""
    nodes = [{"id": n, **G.nodes[n]} for n in G.nodes]
    links = [{"source": u, "target": v, "key": k, **d} for u, v, k, d in G.edges(keys=True, data=True)]
    return {"directed": True, "multigraph": True, "graph": dict(G.graph), "nodes": nodes, "links": links}


def data_to_graph(data: dict[str, Any]):
    """The graph of graph.json's data, its links' evidence None (kb.query.graph)."""
    import networkx as nx

    G = nx.MultiDiGraph(**{**data.get("graph", {}), "schema": GRAPH_MODEL_SCHEMA})
    doc = None
    for item in data.get("nodes", []):
        node, attrs = loaded_node(item, doc)
        if attrs.get("type") == "document":
            doc = node
        G.add_node(node, **attrs)
    for e in loaded_runs(data.get("links", [])):
        # the attributes in the order edge_data gives them (exports list them so)
        attrs = {"type": e["type"], "evidence": None, "rule": e.get("rule"), "weight": e.get("weight", 1.0)}
        G.add_edge(e["source"], e["target"], key=e.get("key", e["type"]), **attrs)
    return G


# graph.json holds the graph's structure: its nodes, and its links without their evidence, which
# kb.json holds (the evidence of related links alone was half of graph.json, and every sentence
# it quotes is in kb.json): a link is stored without its key when that is its type, an unset
# rule and a weight of 1.0 (:func:`graph_link`), and a run of one source's links of a type (a
# unit's mentions, a task's related tasks) as one item (:func:`stored_runs`). The queries need a few links' evidence, read from kb.json for the nodes
# they touch (kb.query.graph); an export needs every link's.


def write_graph(kb: KB, path) -> None:
    """graph.json, compact: at 1,000 plans an indented file is a third larger and slower to read."""
    G = to_networkx(kb)
    data = graph_to_data(G)
    data["graph"]["schema"] = GRAPH_SCHEMA
    data["nodes"] = list(stored_nodes((n, G.nodes[n]) for n in G.nodes))
    # the runs named a document's at a time, then the rest's, as the build writes them
    scope: dict[str, str | None] = {}
    doc = None
    for n in G.nodes:
        kind = G.nodes[n].get("type")
        doc = n if kind == "document" else doc
        scope[n] = doc if kind == "document" or kind in IN_DOCUMENT else None
    links = (graph_link(x) for x in data["links"])
    data["links"] = [x for _, run in groupby(links, key=lambda x: scope.get(x["source"])) for x in stored_runs(run)]
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    Path(path).write_text(text + "\n", encoding="utf-8")


def load_graph(gen_folder):
    """The graph of a build generation (``build`` or the folder it points to), its links'
    evidence None: kb.query.graph fills it in from kb.json."""
    path = Path(gen_folder) / GRAPH_FILE
    data = read_json(path, "graph")
    if data.get("graph", {}).get("schema") not in READABLE_GRAPH_SCHEMAS:
        raise KBError(f"{path}: unsupported graph schema (run: kb build)")
    return data_to_graph(data)


# --------------------------------------------------------------------------- ids


def resolve(G, ident: str, kinds: tuple[str, ...] | None = None) -> str:
    """A node id from what a user types: ``28``, ``T28``, ``精准服务:5``, ``I:精准服务:5``,
    ``GROUP:农民工``, ``doc/T28``; a bare id may stand for ``doc/id`` when only one document has it."""
    p = parse_ident(ident)
    if not p.local:
        raise KBError("empty id")
    cands = [p.canonical] if p.kind == "task" else list(dict.fromkeys([p.canonical, p.local]))
    if p.doc:
        cands = [f"{p.doc}/{c}" for c in cands]
    found = [c for c in cands if c in G]
    if not found:
        found = [n for n in G.nodes for c in cands if isinstance(n, str) and n.endswith("/" + c)]
    found = list(dict.fromkeys(found))
    if not found:
        raise KBError(f"no node {ident!r} in the graph (tasks are numbers like 28 or T28; rows like 精准服务:5)")
    if len(found) > 1:
        raise KBError(f"{ident!r} is ambiguous: {', '.join(found)}")
    node = found[0]
    if kinds and G.nodes[node].get("type") not in kinds:
        raise KBError(f"{ident!r} is a {G.nodes[node].get('type')}, expected {' or '.join(kinds)}")
    return node


def _edge(u, v, d) -> dict[str, Any]:
    return {
        "source": u,
        "target": v,
        "type": d.get("type"),
        "rule": d.get("rule"),
        "weight": d.get("weight"),
        "evidence": d.get("evidence"),
    }


def _label(G, n) -> str:
    return G.nodes[n].get("label", n) if n in G else n


# --------------------------------------------------------------------------- queries


def deps(G, node: str, evidence: Evidence = None) -> dict[str, Any]:
    """What ``node`` relies on (its depends_on edges out), what relies on it (in), and its related
    tasks, each with evidence."""
    if evidence:
        evidence({node})
    out = [_edge(u, v, d) for u, v, d in G.out_edges(node, data=True) if d.get("type") == "depends_on"]
    inc = [_edge(u, v, d) for u, v, d in G.in_edges(node, data=True) if d.get("type") == "depends_on"]
    rel = [
        _edge(u, v, d)
        for u, v, d in [*G.out_edges(node, data=True), *G.in_edges(node, data=True)]
        if d.get("type") == "related"
    ]
    key = lambda e: (-(e["weight"] or 0), e["source"], e["target"])  # noqa: E731
    return {
        "node": node,
        "label": _label(G, node),
        "relies_on": sorted(out, key=key),
        "relied_on_by": sorted(inc, key=key),
        "related": sorted(rel, key=key),
    }


def path(G, a: str, b: str, evidence: Evidence = None) -> dict[str, Any]:
    """The shortest chain of depends_on/related edges between two nodes, direction ignored, each
    step with its evidence; ``steps`` is None when they are not connected."""
    import networkx as nx

    U = nx.Graph()
    U.add_nodes_from(G.nodes)
    for u, v, d in G.edges(data=True):
        if d.get("type") not in TASK_LINKS:
            continue
        # prefer depends_on and heavier links when several shortest paths exist
        cost = 1.0 + (0.0 if d.get("type") == "depends_on" else 0.01) + 0.001 / (1 + (d.get("weight") or 0))
        if not U.has_edge(u, v) or U[u][v]["cost"] > cost:
            U.add_edge(u, v, cost=cost, data=(u, v, d))
    res: dict[str, Any] = {"from": a, "to": b, "steps": None}
    if a == b:
        res["steps"] = []
        return res
    try:
        nodes = nx.shortest_path(U, a, b, weight="cost")
    except nx.NetworkXNoPath:
        return res
    if evidence:
        evidence(set(nodes))
    res["steps"] = [_edge(*U[x][y]["data"]) for x, y in zip(nodes, nodes[1:])]
    res["nodes"] = nodes
    return res


def measures(G, node: str, evidence: Evidence = None) -> dict[str, Any]:
    """For a task: the rows that measure it, and for each row all the tasks it restates.
    For a row: the tasks it restates."""
    kind = G.nodes[node].get("type")
    if kind == "row":
        rows = [node]
    else:
        rows = sorted({u for u, _, d in G.in_edges(node, data=True) if d.get("type") == "measures"})
    if evidence:
        evidence(set(rows))
    out = []
    for r in rows:
        links = [_edge(u, v, d) for u, v, d in G.out_edges(r, data=True) if d.get("type") == "measures"]
        out.append(
            {
                "row": r,
                "label": _label(G, r),
                "target": G.nodes[r].get("target"),
                "restates": [lk["target"] for lk in links],
                "links": links,
            }
        )
    return {"node": node, "label": _label(G, node), "type": kind, "rows": out}


def central(G, n: int = 10) -> dict[str, Any]:
    """Tasks ranked by how much others rely on them: PageRank where each task passes its score
    along its depends_on edges (user -> establisher), weighted by edge weight."""
    tasks = [x for x in G.nodes if G.nodes[x].get("type") in ("task", "paragraph")]
    out_w: dict[str, dict[str, float]] = {t: defaultdict(float) for t in tasks}
    for u, v, d in G.edges(data=True):
        if d.get("type") == "depends_on" and u in out_w and v in out_w:
            out_w[u][v] += d.get("weight") or 1.0
    N = len(tasks)
    if not N:
        return {"method": CENTRALITY, "ranking": []}
    damping = 0.85
    pr = {t: 1.0 / N for t in tasks}
    for _ in range(100):
        dangling = sum(pr[t] for t in tasks if not out_w[t])
        new = {t: (1 - damping) / N + damping * dangling / N for t in tasks}
        for u in tasks:
            tot = sum(out_w[u].values())
            for v, w in out_w[u].items():
                new[v] += damping * pr[u] * w / tot
        delta = sum(abs(new[t] - pr[t]) for t in tasks)
        pr = new
        if delta < 1e-10:
            break
    indeg = {t: sum(1 for u, _, d in G.in_edges(t, data=True) if d.get("type") == "depends_on") for t in tasks}
    ranked = sorted(tasks, key=lambda t: (-pr[t], -indeg[t], t))[: max(0, n)]
    return {
        "method": CENTRALITY,
        "ranking": [
            {"node": t, "label": _label(G, t), "score": round(pr[t], 6), "relied_on_by": indeg[t]} for t in ranked
        ],
    }


# --------------------------------------------------------------------------- exports


def _flat_value(v):
    if v is None or isinstance(v, (list, dict, tuple)):
        return json.dumps(v, ensure_ascii=False)
    return v


def flatten(G, gexf: bool = False):
    """A copy whose attribute values GraphML/GEXF accept: lists, dicts and None become JSON
    strings (nothing is dropped). An attribute whose values mix types across elements is
    written as JSON for every element, so each attribute has one declared type. In GEXF the
    edge attribute ``type`` is reserved (directed/undirected): it is written as ``relation``."""
    import networkx as nx

    def plan(rows):
        kinds: dict[str, set] = defaultdict(set)
        for attrs in rows:
            for k, v in attrs.items():
                kinds[k].add(type(_flat_value(v)))
        return {k for k, ts in kinds.items() if len(ts) > 1}

    H = nx.MultiDiGraph()
    H.graph.update({k: _flat_value(v) for k, v in G.graph.items()})
    mixed_n = plan(G.nodes[n] for n in G.nodes)
    for n in G.nodes:
        H.add_node(
            n,
            **{
                k: (json.dumps(v, ensure_ascii=False) if k in mixed_n else _flat_value(v))
                for k, v in G.nodes[n].items()
            },
        )
    mixed_e = plan(d for _, _, d in G.edges(data=True))
    for u, v, k, d in G.edges(keys=True, data=True):
        attrs = {a: (json.dumps(x, ensure_ascii=False) if a in mixed_e else _flat_value(x)) for a, x in d.items()}
        if gexf and "type" in attrs:
            attrs["relation"] = attrs.pop("type")
        H.add_edge(u, v, key=k, **attrs)
    return H


def _dot_id(s) -> str:
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(G) -> str:
    lines = ["digraph plankb {", "  node [shape=box];"]
    for n in G.nodes:
        d = G.nodes[n]
        lines.append(f"  {_dot_id(n)} [label={_dot_id(d.get('label', n))}, kind={_dot_id(d.get('type', ''))}];")
    styles = {
        "depends_on": "solid",
        "related": "dashed",
        "measures": "bold",
        "contains": "dotted",
        "mentions": "dotted",
    }
    for u, v, d in G.edges(data=True):
        t = d.get("type", "")
        ev = (d.get("evidence") or {}).get("text", "")
        lines.append(
            f"  {_dot_id(u)} -> {_dot_id(v)} [label={_dot_id(t)}, style={styles.get(t, 'solid')}, "
            f"rule={_dot_id(d.get('rule') or '')}, evidence={_dot_id(ev)}];"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def export(G, fmt: str, path: Path | None) -> str | None:
    """Write ``G`` as ``fmt`` to ``path``; without a path return the text."""
    import io

    import networkx as nx

    if fmt == "json":
        text = json.dumps(graph_to_data(G), ensure_ascii=False, indent=1) + "\n"
    elif fmt == "dot":
        text = to_dot(G)
    elif fmt in ("graphml", "gexf"):
        H = flatten(G, gexf=fmt == "gexf")
        buf = io.BytesIO()
        if fmt == "graphml":
            nx.write_graphml(H, buf, encoding="utf-8")
        else:
            nx.write_gexf(H, buf, encoding="utf-8")
        text = buf.getvalue().decode("utf-8")
    else:
        raise KBError(f"unknown graph format {fmt!r} (graphml, gexf, json, dot)")
    if path is None:
        return text
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as e:
        raise KBError(f"cannot write {path}: {e.strerror}") from None
    return None


def edge_dicts(kb: KB) -> list[dict]:
    return [asdict(e) for e in kb.edges]
