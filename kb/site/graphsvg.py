"""The task graph as a static SVG, laid out at build time with networkx.

Tasks are columns by chapter (``networkx.multipartite_layout``): a plan's chapters are its
natural reading order, and the layout is deterministic, so rebuilds are byte-identical.
Edges inside one column are drawn as arcs so they do not run through the nodes between.
Only ``depends_on`` and the structure edge ``refers_to`` are drawn; ``related`` (similarity)
is listed under the drawing (kb.site.build.graph_page).
"""

from __future__ import annotations

from html import escape

from kb.site.zh import edge_zh

RELATED_PER_NODE = 3  # the page lists each task's strongest `related` partners below the drawing
EDGE_STYLES = {  # the drawn types -> (legend label, has arrow); `related` is listed, not drawn
    "depends_on": ("依赖（A → B：A 使用 B 建立的平台、机制或制度，且原文点名）", True),
    "refers_to": ("引用（A → B：A 明确指向 B，如“见专栏”“本规划第…部分”“上述…”）", True),
    "illustrates": ("说明（专栏 → 任务：专栏列出该任务的重点工程）", True),
}
DRAWN = tuple(EDGE_STYLES)
COL_W = 190
ROW_H = 64
PAD_X = 40
PAD_TOP = 56
R = 15


def _a(v: object) -> str:
    return escape(str(v), quote=True)


def task_graph(site, graph=None, doc=None):
    """A networkx MultiDiGraph of the tasks (of ``doc``, or all) with typed edges, from
    ``graph`` or the KB's edges. Each node's layer is its chapter's position."""
    import networkx as nx

    g = nx.MultiDiGraph()
    docs = [doc] if doc is not None else site.kb.documents
    chapters = {site.q(d, c.id): i for i, (d, c) in enumerate((d, c) for d in docs for c in d.chapters)}
    for d in docs:
        for t in d.tasks:
            k = site.q(d, t.id)
            ck = site.chapter_key(d, t.chapter)
            g.add_node(
                k,
                layer=chapters.get(ck, len(chapters)),
                column=site.chapters[ck][1].label if ck else "其他",
                rank=site.order.get(k, 0),
            )
    if graph is not None and hasattr(graph, "edges"):
        by_doc = _graph_triples(site, graph)
        triples = by_doc.get(doc.id, []) if doc is not None else [t for ts in by_doc.values() for t in ts]
    else:
        triples = [
            (e.source, e.target, {"type": e.type, "weight": e.weight, "evidence": e.evidence})
            for d in docs
            for n in site.doc_units.get(d.id, ())
            for e in site.out_edges.get(n, ())
        ]
    # an edge may end at a unit that is not a task (a box, a section's lead-in): it joins the
    # drawing in its chapter's column
    doc_ids = {d.id for d in docs}
    for s, d, data in triples:
        if data.get("type", "other") not in DRAWN or s is None or d is None:
            continue
        for n in (s, d):
            info = site.units.get(n)
            if n not in g and info is not None and info.doc.id in doc_ids:
                ck = site.chapter_key(info.doc, getattr(info.unit, "chapter", None))
                g.add_node(
                    n,
                    layer=chapters.get(ck, len(chapters)),
                    column=site.chapters[ck][1].label if ck else "其他",
                    rank=site.order.get(n, 0),
                )
    keep = [
        (s, d, data)
        for s, d, data in triples
        if s is not None and d is not None and s in g and d in g and s != d and data.get("type", "other") in DRAWN
    ]
    # `related` is a similarity, not a dependency: the page lists it below the drawing
    for s, d, data in keep:
        g.add_edge(s, d, **data)
    return g


def _graph_triples(site, graph) -> dict[str, list]:
    """The graph's edges between units as (source key, target key, data), by the source's
    document, computed once per site (a drawing per document must not rescan all edges)."""
    cache = getattr(site, "_graph_triples", None)
    if cache is not None and cache[0] is graph:
        return cache[1]
    by_doc: dict[str, list] = {}
    for s, d, data in graph.edges(data=True):
        ks, kd = site.key(s), site.key(d)
        if ks is not None and kd is not None:
            by_doc.setdefault(site.units[ks].doc.id, []).append((ks, kd, dict(data)))
    site._graph_triples = (graph, by_doc)
    return by_doc


def layout(g) -> dict[str, tuple[float, float]]:
    import networkx as nx

    if g.number_of_nodes() == 0:
        return {}
    pos = nx.multipartite_layout(g, subset_key="layer", align="vertical", scale=1)
    # columns come from the layout (one per chapter, left to right); inside a column the tasks
    # keep reading order, which a reader expects more than any crossing-minimising shuffle
    xs = sorted({round(float(p[0]), 6) for p in pos.values()})
    order = {n: (g.nodes[n].get("rank", 0), i) for i, n in enumerate(g.nodes)}
    cols: dict[int, list[str]] = {}
    for n in g.nodes:
        cols.setdefault(xs.index(round(float(pos[n][0]), 6)), []).append(n)
    out: dict[str, tuple[float, float]] = {}
    for col, members in cols.items():
        for row, n in enumerate(sorted(members, key=order.__getitem__)):
            out[n] = (PAD_X + col * COL_W + R, PAD_TOP + row * ROW_H + R)
    return out


def svg(site, graph=None, doc=None) -> tuple[str, dict[str, int]]:
    """The ``<svg>`` element and the number of edges drawn per type."""
    g = task_graph(site, graph, doc)
    pos = layout(g)
    layers = sorted({g.nodes[n]["layer"] for n in g.nodes})
    max_rows = max((sum(1 for n in g.nodes if g.nodes[n]["layer"] == lay) for lay in layers), default=1)
    width = PAD_X * 2 + max(1, len(layers)) * COL_W
    legend_y = PAD_TOP + max_rows * ROW_H + 20
    height = legend_y + 20 * (len(EDGE_STYLES) + 1)
    parts = [
        f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="任务关系图">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path class="arrowhead" d="M0,0 L10,5 L0,10 z"/></marker></defs>',
    ]
    for col, layer in enumerate(layers):
        label = next(g.nodes[n]["column"] for n in g.nodes if g.nodes[n]["layer"] == layer)
        parts.append(f'<text class="gcol" x="{PAD_X + col * COL_W}" y="{PAD_TOP - 26}">{_a(label)}</text>')
    counts: dict[str, int] = {}
    edges = sorted(g.edges(data=True), key=lambda e: (e[2].get("type", ""), e[0], e[1]))
    for s, d, data in edges:
        typ = data.get("type", "other")
        counts[typ] = counts.get(typ, 0) + 1
        (x1, y1), (x2, y2) = pos[s], pos[d]
        dx, dy = x2 - x1, y2 - y1
        dist = max((dx * dx + dy * dy) ** 0.5, 1.0)
        # stop at the circle's rim so arrowheads stay visible
        sx, sy = x1 + dx / dist * R, y1 + dy / dist * R
        ex, ey = x2 - dx / dist * (R + 2), y2 - dy / dist * (R + 2)
        bend = 0.0 if abs(dx) > 1 else min(90.0, 0.35 * abs(dy) + 12)
        # bend to the left of the direction of travel
        cx, cy = (sx + ex) / 2 - dy / dist * bend, (sy + ey) / 2 + dx / dist * bend
        cls = f"e-{typ}" if typ in EDGE_STYLES else "e-other"
        arrow = ' marker-end="url(#arrow)"' if EDGE_STYLES.get(typ, ("", True))[1] else ""
        ev = (data.get("evidence") or {}).get("text", "")
        tip = f"{site.units[s].unit.id} → {site.units[d].unit.id}（{edge_zh(typ)}）" + (f"：{ev}" if ev else "")
        parts.append(
            f'<path class="{cls}" d="M{sx:.1f},{sy:.1f} Q{cx:.1f},{cy:.1f} {ex:.1f},{ey:.1f}"{arrow}>'
            f"<title>{_a(tip)}</title></path>"
        )
    for n in g.nodes:
        x, y = pos[n]
        info = site.units[n]
        t = info.unit
        title = getattr(t, "title", "") or info.label
        short = title if len(title) <= 9 else title[:8] + "…"
        num = getattr(t, "number", 0) or getattr(t, "label", "") or t.id.split(":")[-1][-3:]
        cls = "gnode"
        if info.kind != "task":
            cls += " gbox"
            if t.id.startswith("专栏"):
                num = "栏"
        parts.append(
            f'<a class="{cls}" href="{_a(info.file)}" data-task="{_a(n)}"><title>{_a(info.label)}</title>'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{R}"/>'
            f'<text class="num" x="{x:.1f}" y="{y:.1f}">{_a(num)}</text>'
            f'<text x="{x + R + 5:.1f}" y="{y + 4:.1f}">{_a(short)}</text></a>'
        )
    y = legend_y
    for typ, (label, has_arrow) in EDGE_STYLES.items():
        mark = ' marker-end="url(#arrow)"' if has_arrow else ""
        parts.append(
            f'<path class="e-{typ}" d="M{PAD_X},{y} L{PAD_X + 40},{y}"{mark}/>'
            f'<text class="gleg" x="{PAD_X + 50}" y="{y + 4}">{_a(label)}：{counts.get(typ, 0)} 条</text>'
        )
        y += 20
    parts.append("</svg>")
    return "\n".join(parts), counts
