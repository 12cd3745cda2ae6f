"""`kb build`, `kb show`, `kb check`, `kb export`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from kb.commands.options import dump, json_option, load_kb, out_option
from kb.textsafe import safe

# --------------------------------------------------------------------------- build


@click.command("build")
@click.argument("corpus", nargs=-1, type=click.Path(path_type=Path))
@out_option
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(0, 64),
    default=0,
    help="Worker processes for parsing, extraction and linking (default 0: one per core; "
    "the output is the same for any number).",
)
@click.option(
    "--no-cache", is_flag=True, help="Re-process every document (the per-document cache is not read, only refreshed)."
)
@click.option("--no-site", is_flag=True, help="Skip the static site (the slowest stage on large collections).")
@click.option("--timings", is_flag=True, help="Print the time each stage took.")
@click.option("-q", "--quiet", is_flag=True, help="Print the summary line only.")
def build_cmd(*, corpus, out, jobs, no_cache, no_site, timings, quiet):
    """Parse the CORPUS files (default: the bundled corpus/*.txt) and write the knowledge base.

    The build is atomic: the previous build stays in place until the new one is complete.
    Unchanged documents come from a per-document cache, so adding one plan to a large
    collection re-processes only that plan.
    """
    import contextlib
    import os

    from kb.build import build, collect_corpus

    n = len(collect_corpus(corpus))
    # a bar only where a person watches (a terminal) and only when there is something to wait for
    show_bar = sys.stderr.isatty() and n >= 20 and not quiet
    bar_cm = (
        click.progressbar(length=n, label="parsing and extracting", file=sys.stderr)
        if show_bar
        else contextlib.nullcontext(None)
    )
    with bar_cm as bar:
        rep = build(
            corpus,
            out,
            jobs=jobs or len(os.sched_getaffinity(0)),
            use_cache=not no_cache,
            progress=bar.update if bar is not None else None,
            site=not no_site,
        )
    click.echo(
        f"built {out}: {rep.documents} document(s), {rep.tasks} tasks, {rep.rows} indicator rows, "
        f"{rep.entities} entities, {rep.edges} edges"
    )
    click.echo(
        f"  {len(rep.added)} added, {len(rep.changed)} changed, {len(rep.removed)} removed, "
        f"{rep.unchanged} unchanged; {rep.processed} processed, "
        f"{rep.documents - rep.processed} from cache"
    )
    if timings:
        click.echo("  " + ", ".join(f"{k} {v:.2f} s" for k, v in rep.timings.items()))
    if not quiet:
        for note in rep.notes[:50]:
            click.echo(safe(f"  note: {note}"))
        if len(rep.notes) > 50:
            click.echo(f"  … {len(rep.notes) - 50} more notes (kb check FILE shows them per file)")


# --------------------------------------------------------------------------- show


@click.command("show")
@click.argument("ident")
@json_option
@out_option
def show_cmd(ident, as_json, out):
    """Show one task (17, T17), indicator row (精准服务:1, I:精准服务:1), chapter (五) or entity."""
    from kb.query.load import edges_touching
    from kb.query.lookup import find
    from kb.query.show import describe, edge_ids, render_text

    kb = load_kb(out, edges=False)
    hit = find(kb, ident)
    kb.edges = edges_touching(out, kb, edge_ids(hit))  # only the edges it shows are read
    data = describe(kb, hit)
    if as_json:
        dump(data)
    else:
        click.echo(safe(render_text(data)))


# --------------------------------------------------------------------------- check


@click.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@json_option
@click.option("--entities", is_flag=True, help="Also list names found by pattern rules that the lexicon lacks.")
@click.option("--consistency", is_flag=True, help="Also compare indicator rows with the tasks they restate.")
def check_cmd(files, as_json, entities, consistency):
    """Report what the parser finds in FILES and anything odd (encoding, noise, joins, numbering)."""
    from kb.build import collect_corpus
    from kb.parse.check import check_document

    reports = []
    docs = []
    for f in collect_corpus(files):
        from kb.parse.text import parse_file

        doc = parse_file(f)
        docs.append(doc)
        reports.append(check_document(doc))
    if entities:
        from kb.query.mentions import discovery_report

        for rep, doc in zip(reports, docs):
            rep["discovered"] = discovery_report(doc)
    if consistency:
        from kb.build import enrich_kb
        from kb.model import KB
        from kb.query.consistency import consistency_report

        kb = enrich_kb(KB(documents=docs))
        by_doc = consistency_report(kb)
        for rep in reports:
            rep["consistency"] = [c for c in by_doc if c.get("document", rep["id"]) == rep["id"]]
    if as_json:
        dump(reports if len(reports) > 1 else reports[0])
        return
    from kb.parse.check import render_report

    for rep in reports:
        click.echo(safe(render_report(rep)))


# --------------------------------------------------------------------------- export


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "markdown"]), default="json", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write to a file (default: stdout).")
@out_option
def export_cmd(fmt, output, out):
    """Export the knowledge base: json (the kb.json model), csv (one row per unit), markdown."""
    from kb.model import kb_to_dict
    from kb.query.export import to_csv, to_markdown

    kb = load_kb(out)
    if fmt == "json":
        text = json.dumps(kb_to_dict(kb), ensure_ascii=False, indent=1) + "\n"
    elif fmt == "csv":
        text = to_csv(kb)
    else:
        text = to_markdown(kb)
    if output is not None:
        from kb.store import write_output

        write_output(output, text)
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=False)
