"""`kb graph deps|path|measures|central|export`, and the consistency report behind
`kb check --consistency`.

These read ``build/graph.json`` only (networkx, no spaCy, no jieba).
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from kb.textsafe import echo

out_option = click.option(
    "--out",
    "--build",
    "out",
    default="build",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The build folder.",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")


def _graph(out: Path):
    from kb.build import ensure_built
    from kb.graph.io import load_graph

    return load_graph(ensure_built(out))


def _dump(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


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
@json_option
@out_option
def deps_cmd(ident, as_json, out):
    """What task IDENT relies on, and what relies on it, each with its evidence sentence."""
    from kb.graph.io import deps, resolve

    G = _graph(out)
    node = resolve(G, ident)
    d = deps(G, node)
    if as_json:
        return _dump(d)
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
    from kb.commands.core import load_kb
    from kb.errors import KBError
    from kb.graph.io import resolve
    from kb.link.common import _task_units
    from kb.link.dependencies import explain

    G = _graph(out)
    a, b = resolve(G, source, kinds=("task", "paragraph")), resolve(G, target, kinds=("task", "paragraph"))
    da, db = G.nodes[a].get("document"), G.nodes[b].get("document")
    if da != db:
        raise KBError(f"{a} and {b} are in different documents: depends_on links tasks of one plan")
    kb = load_kb(out)
    doc = next(d for d in kb.documents if d.id == da)
    local = lambda n: n.split("/", 1)[1] if n.startswith(f"{doc.id}/") else n  # noqa: E731
    r = explain(doc, _task_units(doc), local(a), local(b))
    r["from"], r["to"] = a, b
    if as_json:
        return _dump(r)
    e = r["edge"]
    if e:
        click.echo(f"{a} depends on {b} [{e['rule']}]")
        click.echo(f"  uses:        {e['uses']['sentence']}: “{e['uses']['text']}” (names “{e['uses']['name']}”)")
        click.echo(f"  established: {e['establishes']['sentence']}: “{e['establishes']['text']}”")
    else:
        click.echo(f"no depends_on edge {a} -> {b}")
    if r["establishes"]:
        click.echo(f"what {b} establishes ({len(r['establishes'])}):")
        for t in r["establishes"]:
            click.echo(f"  {t['sentence']}: {t['name']}  (looked for: {'、'.join(t['forms'])})")
            if "named_by_a" in t:
                n = t["named_by_a"]
                click.echo(f"      {a} names it [{n['rule']}] {n['sentence']}: “{n['text']}”")
                if t.get("chronology"):
                    click.echo(f"      but {t['chronology']}")
            else:
                click.echo(f"      {t['not_named']}")
    for c in r["checks"]:
        click.echo(f"  {c}")


@graph_cmd.command("path")
@click.argument("source")
@click.argument("target")
@json_option
@out_option
def path_cmd(source, target, as_json, out):
    """The shortest explained chain of depends_on/related links between two tasks."""
    from kb.graph.io import path, resolve

    G = _graph(out)
    a, b = resolve(G, source), resolve(G, target)
    p = path(G, a, b)
    if as_json:
        return _dump(p)
    if p["steps"] is None:
        echo(f"no path between {a} and {b}: they are not connected by depends_on or related links")
        return
    echo(f"{a} -> {b}: {len(p['steps'])} step(s)")
    for e in p["steps"]:
        echo(f"{e['source']} --{e['type']}--> {e['target']}")
        echo(_ev_line(e, ""))


@graph_cmd.command("measures")
@click.argument("ident")
@json_option
@out_option
def measures_cmd(ident, as_json, out):
    """The indicator rows that measure task IDENT (or the tasks a row IDENT restates)."""
    from kb.graph.io import measures, resolve

    G = _graph(out)
    node = resolve(G, ident, kinds=("task", "row", "paragraph"))
    m = measures(G, node)
    if as_json:
        return _dump(m)
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
@json_option
@out_option
def central_cmd(n, as_json, out):
    """The tasks most others rely on."""
    from kb.graph.io import central

    c = central(_graph(out), n)
    if as_json:
        return _dump(c)
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

    text = export(_graph(out), fmt, output)
    if text is None:
        click.echo(f"wrote {output}", err=True)
    else:
        echo(text, nl=False)


def consistency_report(kb) -> list[dict]:
    """Indicator rows whose figures or wording differ from the task they restate (both texts)."""
    from kb.link.consistency import check

    if not any(e.type == "measures" for e in kb.edges):
        from kb.link import link

        link(kb)
    return check(kb)


def render_consistency(items: list[dict]) -> str:
    if not items:
        return "consistency: no differences between indicator rows and their tasks"
    lines = [f"consistency: {len(items)} difference(s)"]
    for c in items:
        lines.append(f"  {c['row']} vs {c['task']} ({c['sentence']}) [{c['kind']}] {c['message']}")
        lines.append(f"    row:  {c['row_text']}")
        lines.append(f"    task: {c['task_text']}")
    return "\n".join(lines)
