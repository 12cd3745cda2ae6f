"""`kb graph deps|path|measures|central|export`.

These read ``build/graph.json`` only (networkx, no spaCy, no jieba).
"""

from __future__ import annotations

from pathlib import Path

import click

from kb.commands.options import dump, echo, generation, json_option, out_option, output_options, output_rows


def _graph(out: Path):
    """The build's graph, its links without their evidence (see :func:`_evidence`)."""
    from kb.graph.io import load_graph

    return load_graph(generation(out))


def _evidence(G, out: Path):
    """Fills in the evidence of the links touching some nodes, for a query that gives theirs."""
    from kb.query.graph import add_evidence

    gen = generation(out)
    return lambda nodes: add_evidence(G, gen, nodes)


def _edge_cells(e: dict) -> dict:
    """An edge's type, rule, weight and evidence sentence as flat cells (csv/tsv rows)."""
    ev = e.get("evidence") or {}
    return {
        "type": e["type"],
        "rule": e.get("rule"),
        "weight": e.get("weight"),
        "sentence": ev.get("sentence"),
        "text": ev.get("text"),
    }


def _ev_line(e: dict, far: str) -> str:
    ev = e.get("evidence") or {}
    rule = f" [{e['rule']}]" if e.get("rule") else ""
    est = ev.get("establishes") or ev.get("other")
    if e.get("type") == "depends_on" and est:
        name = f" names “{ev['name']}”" if ev.get("name") else ""
        return (
            f"  {far}{rule}\n      uses:        {ev.get('sentence', '')}: “{ev.get('text', '')}”{name}\n"
            f"      established: {est.get('sentence', '')}: “{est.get('text', '')}”"
            + (f" ({est['name']})" if est.get("name") else "")
        )
    line = f"  {far}{rule}  {ev.get('sentence', '')}: “{ev.get('text', '')}”"
    if est:
        line += f"\n      <- {est.get('sentence', '')}: “{est.get('text', '')}”"
    return line


@click.group("graph")
def graph_cmd():
    """Query the task graph: dependencies, paths, indicator rows, central tasks; export it."""


@graph_cmd.command("deps")
@click.argument("ident")
@output_options
@out_option
def deps_cmd(ident, fmt, out):
    """What task IDENT relies on, and what relies on it, each with its evidence sentence."""
    from kb.graph.io import deps, resolve

    G = _graph(out)
    node = resolve(G, ident)
    d = deps(G, node, _evidence(G, out))
    if fmt != "text":
        rows = []
        for direction, far_key in (("relies_on", "target"), ("relied_on_by", "source"), ("related", None)):
            for e in d[direction]:
                far = e[far_key] if far_key else (e["target"] if e["source"] == node else e["source"])
                rows.append(
                    {"direction": direction, "id": far, "label": G.nodes[far].get("label", ""), **_edge_cells(e)}
                )
        return output_rows(rows, fmt, document=d)
    echo(f"{node}  {d['label']}")
    echo(f"relies on ({len(d['relies_on'])}):")
    for e in d["relies_on"]:
        echo(_ev_line(e, f"{e['target']} {G.nodes[e['target']].get('label', '')}"))
    echo(f"relied on by ({len(d['relied_on_by'])}):")
    for e in d["relied_on_by"]:
        echo(_ev_line(e, f"{e['source']} {G.nodes[e['source']].get('label', '')}"))
    echo(f"related ({len(d['related'])}):")
    for e in d["related"]:
        far = e["target"] if e["source"] == node else e["source"]
        shared = "、".join((e.get("evidence") or {}).get("shared", [])[:5])
        echo(f"  {far} {G.nodes[far].get('label', '')}  (weight {e['weight']}: {shared})")


@graph_cmd.command("why")
@click.argument("source")
@click.argument("target")
@json_option
@out_option
def why_cmd(source, target, as_json, out):
    """Why task SOURCE depends on task TARGET, or why it does not: the rules tried, what TARGET
    establishes and whether SOURCE names it."""
    from kb.commands.options import load_kb
    from kb.errors import KBError
    from kb.graph.io import resolve
    from kb.link.common import _task_units
    from kb.link.dependencies import explain

    G = _graph(out)
    a, b = resolve(G, source, kinds=("task", "paragraph")), resolve(G, target, kinds=("task", "paragraph"))
    da, db = G.nodes[a].get("document"), G.nodes[b].get("document")
    if da != db:
        raise KBError(f"{a} and {b} are in different documents: depends_on links tasks of one plan")
    from kb.build.kbjson import document_of

    doc = document_of(load_kb(out, edges=False))(da)  # that document's line alone is parsed
    assert doc is not None  # the graph's node of a document of the build
    local = lambda n: n.split("/", 1)[1] if n.startswith(f"{doc.id}/") else n  # noqa: E731
    r = explain(doc, _task_units(doc), local(a), local(b))
    r["from"], r["to"] = a, b
    if as_json:
        return dump(r)
    e = r["edge"]
    if e:
        echo(f"{a} depends on {b} [{e['rule']}]")
        echo(f"  uses:        {e['uses']['sentence']}: “{e['uses']['text']}” (names “{e['uses']['name']}”)")
        echo(f"  established: {e['establishes']['sentence']}: “{e['establishes']['text']}”")
    else:
        echo(f"no depends_on edge {a} -> {b}")
    if r["establishes"]:
        echo(f"what {b} establishes ({len(r['establishes'])}):")
        for t in r["establishes"]:
            echo(f"  {t['sentence']}: {t['name']}  (looked for: {'、'.join(t['forms'])})")
            if "named_by_a" in t:
                n = t["named_by_a"]
                echo(f"      {a} names it [{n['rule']}] {n['sentence']}: “{n['text']}”")
                if t.get("chronology"):
                    echo(f"      but {t['chronology']}")
            else:
                echo(f"      {t['not_named']}")
    for c in r["checks"]:
        echo(f"  {c}")


@graph_cmd.command("path")
@click.argument("source")
@click.argument("target")
@output_options
@out_option
def path_cmd(source, target, fmt, out):
    """The shortest explained chain of depends_on/related links between two tasks."""
    from kb.graph.io import path, resolve

    G = _graph(out)
    a, b = resolve(G, source), resolve(G, target)
    p = path(G, a, b, _evidence(G, out))
    if fmt != "text":
        rows = [{"source": e["source"], "target": e["target"], **_edge_cells(e)} for e in p["steps"] or []]
        return output_rows(rows, fmt, document=p)
    if p["steps"] is None:
        echo(f"no path between {a} and {b}: they are not connected by depends_on or related links")
        return
    echo(f"{a} -> {b}: {len(p['steps'])} step(s)")
    for e in p["steps"]:
        echo(f"{e['source']} --{e['type']}--> {e['target']}")
        echo(_ev_line(e, ""))


@graph_cmd.command("measures")
@click.argument("ident")
@output_options
@out_option
def measures_cmd(ident, fmt, out):
    """The indicator rows that measure task IDENT (or the tasks a row IDENT restates)."""
    from kb.graph.io import measures, resolve

    G = _graph(out)
    node = resolve(G, ident, kinds=("task", "row", "paragraph"))
    m = measures(G, node, _evidence(G, out))
    if fmt != "text":
        rows = [
            {"id": r["row"], "label": r["label"], "target": r["target"], "restates": r["restates"]} for r in m["rows"]
        ]
        return output_rows(rows, fmt, document=m)
    if not m["rows"]:
        echo(f"no indicator row measures {node} ({m['label']})")
        return
    for r in m["rows"]:
        if not r["restates"]:
            echo(f"{r['row']}  {r['label']}: no task restates it")
            continue
        echo(f"{r['row']}  {r['label']}  restates {', '.join(r['restates'])}")
        for e in r["links"]:
            echo(_ev_line(e, e["target"]))


@graph_cmd.command("central")
@click.option("-n", "n", default=10, show_default=True, type=click.IntRange(min=1))
@output_options
@out_option
def central_cmd(n, fmt, out):
    """The tasks most others rely on."""
    from kb.graph.io import central

    c = central(_graph(out), n)
    if fmt != "text":
        rows = [
            {"rank": i, "id": r["node"], "score": r["score"], "relied_on_by": r["relied_on_by"], "label": r["label"]}
            for i, r in enumerate(c["ranking"], 1)
        ]
        return output_rows(rows, fmt, document=c)
    echo(f"method: {c['method']}")
    for i, r in enumerate(c["ranking"], 1):
        echo(f"{i:>3}. {r['node']:<6} {r['score']:.4f}  relied on by {r['relied_on_by']:>2}  {r['label']}")


@graph_cmd.command("export")
@click.option(
    "--format", "fmt", type=click.Choice(["graphml", "gexf", "json", "dot"]), default="graphml", show_default=True
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to a file (default: stdout)."
)
@out_option
def export_cmd(fmt, output, out):
    """Export the graph for Gephi, yEd, Graphviz or networkx."""
    from kb.graph.io import export
    from kb.query.graph import graph_with_evidence

    text = export(graph_with_evidence(generation(out)), fmt, output)
    if text is None:
        echo(f"wrote {output}", err=True)
    else:
        echo(text, nl=False)
