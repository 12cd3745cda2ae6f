"""The build pipeline: corpus files -> parse -> extract -> link -> {kb.json, index, graph}.

Each stage is a library function; this module only orders them and writes the results into
one atomic build generation (see :mod:`kb.store`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from kb.errors import KBError
from kb.model import KB, kb_to_dict
from kb.store import KB_FILE, atomic_build, write_json

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = PACKAGE_ROOT / "corpus"
DEFAULT_OUT = Path("build")


@dataclass
class BuildReport:
    out: Path
    documents: int = 0
    tasks: int = 0
    rows: int = 0
    entities: int = 0
    edges: int = 0
    notes: list[str] = field(default_factory=list)


def collect_corpus(paths: Sequence[Path]) -> list[Path]:
    """The .txt files named, or inside the folders named; sorted for a deterministic build."""
    if not paths:
        paths = [DEFAULT_CORPUS]
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(p.glob("*.txt"))
            if not found:
                raise KBError(f"{p}: no .txt files in this folder")
            files.extend(found)
        elif p.is_file():
            files.append(p)
        elif not p.exists():
            raise KBError(f"{p}: no such file or folder")
        else:
            raise KBError(f"{p}: not a regular file")
    return files


def make_kb(files: Sequence[Path]) -> KB:
    """Parse and enrich in memory; nothing is written."""
    from kb.parse import parse_file

    docs = [parse_file(f) for f in files]
    seen: dict[str, Path] = {}
    for d, f in zip(docs, files):
        if d.id in seen:
            raise KBError(f"{f}: document id {d.id!r} clashes with {seen[d.id]}; rename one file")
        seen[d.id] = f
    return enrich_kb(KB(documents=docs))


def enrich_kb(kb: KB) -> KB:
    """The in-memory stages after parsing (they add to the model; they never re-parse)."""
    # stage: extract -- entities, mentions, targets (issue 3): kb.extract.enrich(kb)
    # stage: link -- edges and indicator row -> task links (issue 5): kb.graph.link(kb)
    return kb


def build(paths: Sequence[Path] = (), out: Path = DEFAULT_OUT) -> BuildReport:
    files = collect_corpus(paths)
    kb = make_kb(files)
    out = Path(out)
    with atomic_build(out) as gen:
        write_json(gen / KB_FILE, kb_to_dict(kb))
        # stage: index (issue 4): kb.index.write_index(kb, gen / "index")
        # stage: graph (issue 5): kb.graph.write_graph(kb, gen / "graph.json")
        # stage: site (issue 6): kb.site.write_site(kb, gen / "site")
    rep = BuildReport(out=out, documents=len(kb.documents))
    for d in kb.documents:
        rep.tasks += len(d.tasks)
        rep.rows += sum(len(t.rows) for t in d.indicator_tables)
        rep.notes.extend(f"{d.id}: {n}" for n in d.notes)
    rep.entities = len(kb.entities)
    rep.edges = len(kb.edges)
    return rep


def ensure_built(out: Path = DEFAULT_OUT) -> Path:
    """The generation folder of the build at ``out``; builds the bundled corpus first if there
    is none, so `kb show 17` works right after install."""
    from kb.store import resolve

    out = Path(out)
    if not (out / KB_FILE).exists():
        import click

        click.echo(f"kb: no knowledge base at {out}; building the bundled corpus first", err=True)
        build((), out)
    return resolve(out)
