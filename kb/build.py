"""The build pipeline: corpus files -> parse -> extract -> link -> {kb.json, index, graph}.

Each stage is a library function; this module only orders them and writes the results into
one atomic build generation (see :mod:`kb.store`).
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Optional, Sequence

from kb.errors import KBError
from kb.model import KB, kb_to_dict
from kb.store import KB_FILE, atomic_build, gens_dir, write_json

MANIFEST_FILE = "manifest.json"

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
    processed: int = 0  # documents parsed now (the rest came from the cache)
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # stage -> seconds


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


def _per_document(path: Path) -> dict:
    """Everything that depends on one file only; runs in a worker process for parallel builds.
    Returns the document's JSON form, which is also what the cache stores."""
    from kb.model import document_to_dict
    from kb.parse import parse_file

    from kb.extract import enrich_document

    doc = parse_file(path)
    enrich_document(doc)  # stage: extract, the per-document half (mentions, targets)
    return document_to_dict(doc)


def _apply_meta(doc, path: Path) -> None:
    """An optional ``<name>.meta.json`` beside a corpus file gives what the text itself may lack
    (a newspaper page has no title line): ``{"title": "..."}``."""
    meta = Path(path).with_suffix(".meta.json")
    if not meta.exists():
        return
    try:
        data = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise KBError(f"{meta}: not valid JSON ({e})") from None
    if not isinstance(data, dict):
        raise KBError(f"{meta}: expected a JSON object such as {{\"title\": \"...\"}}")
    if isinstance(data.get("title"), str) and data["title"].strip():
        doc.title = data["title"].strip()


def _check_ids(docs, files) -> None:
    seen: dict[str, Path] = {}
    for d, f in zip(docs, files):
        if d.id in seen:
            raise KBError(f"{f}: document id {d.id!r} clashes with {seen[d.id]}; rename one file")
        seen[d.id] = f


def make_kb(files: Sequence[Path], jobs: int = 1, cache: Optional[Path] = None,
            stats: Optional[dict] = None, progress: Optional[Callable[[int], None]] = None,
            timings: Optional[dict] = None) -> KB:
    """Parse and enrich in memory; nothing is written but the per-document cache.

    Every document goes through its JSON form, whether parsed now or read from the cache, so a
    cached, a parallel and a serial build give byte-identical results."""
    from kb.model import document_from_dict
    from kb.parse import display_path

    shas = [_sha256(f) for f in files]
    dicts: list[Optional[dict]] = [None] * len(files)
    todo: list[int] = []
    for i, sha in enumerate(shas):
        hit = _cache_get(cache, sha) if cache else None
        if hit is not None:
            dicts[i] = hit
        else:
            todo.append(i)
    if stats is not None:
        stats["processed"] = len(todo)
    for i, d in zip(todo, _run(_per_document, [files[i] for i in todo], jobs)):
        dicts[i] = d
        if cache:
            # under the hash of the bytes actually parsed: a file saved during the build must
            # not be cached as the content hashed before
            _cache_put(cache, d["sha256"], d)
        if progress:
            progress(1)
    docs = [document_from_dict(d) for d in dicts]  # type: ignore[arg-type]
    for doc, f in zip(docs, files):
        doc.source = display_path(f)  # the same file may sit at another path than when cached
        _apply_meta(doc, f)
    _check_ids(docs, files)
    return enrich_kb(KB(documents=docs), extracted=True, timings=timings)


def _run(fn, items: list, jobs: int) -> Iterator:
    if jobs <= 1 or len(items) < 2:
        yield from (fn(x) for x in items)
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=jobs) as pool:
        # chunks keep the per-task overhead small for a thousand short plans; map keeps order
        yield from pool.map(fn, items, chunksize=max(1, len(items) // (jobs * 8)))


def enrich_kb(kb: KB, extracted: bool = False, timings: Optional[dict] = None) -> KB:
    """The in-memory stages after parsing (they add to the model; they never re-parse).
    ``extracted``: the per-document extraction already ran (in :func:`_per_document`)."""
    from kb.extract import collect_entities, enrich_document
    from kb.graph import link

    t = _Timer(timings)
    if not extracted:
        with t("extract"):
            for d in kb.documents:
                enrich_document(d)
    with t("entities"):
        collect_entities(kb)  # the collection half of extraction: kb.entities
    with t("link"):
        link(kb)  # edges, indicator row -> task links
    return kb


class _Timer:
    """Adds each stage's wall time to a dict (for `kb build` and scripts/bench.py)."""

    def __init__(self, into: Optional[dict]):
        self.into = into

    @contextlib.contextmanager
    def __call__(self, stage: str):
        t0 = time.perf_counter()
        try:
            yield
        finally:
            if self.into is not None:
                self.into[stage] = self.into.get(stage, 0.0) + time.perf_counter() - t0


def build(paths: Sequence[Path] = (), out: Path = DEFAULT_OUT, jobs: int = 1,
          use_cache: bool = True, progress: Optional[Callable[[int], None]] = None,
          site: bool = True) -> BuildReport:
    """Build the knowledge base of ``paths`` into ``out`` (atomically). ``site=False`` skips
    the static site, the slowest stage on large collections (`kb site` writes it later)."""
    from kb.graph import write_graph
    from kb.index import write_index

    files = collect_corpus(paths)
    out = Path(out)
    cache = (gens_dir(out) / "cache") if use_cache else None
    before = _previous_manifest(out)
    stats: dict = {}
    timings: dict[str, float] = {}
    t = _Timer(timings)
    with t("parse+extract"):
        kb = make_kb(files, jobs=jobs, cache=cache, stats=stats, progress=progress, timings=timings)
    manifest = {d.id: d.sha256 for d in kb.documents}
    with atomic_build(out) as gen:
        with t("kb.json"):
            write_json(gen / KB_FILE, kb_to_dict(kb))
            write_json(gen / MANIFEST_FILE, {"documents": manifest})
        with t("index"):
            write_index(kb, gen / "index")
        with t("graph"):
            write_graph(kb, gen / "graph.json")
        if site:
            from kb.site import write_site

            with t("site"):
                write_site(kb, gen / "site")
    for k in ("entities", "link"):  # they ran inside parse+extract; report them on their own
        timings["parse+extract"] -= timings.get(k, 0.0)
    rep = BuildReport(out=out, documents=len(kb.documents), processed=stats.get("processed", 0),
                      timings=timings)
    rep.added = sorted(set(manifest) - set(before))
    rep.removed = sorted(set(before) - set(manifest))
    rep.changed = sorted(k for k in set(manifest) & set(before) if manifest[k] != before[k])
    rep.unchanged = len(manifest) - len(rep.added) - len(rep.changed)
    for d in kb.documents:
        rep.tasks += len(d.tasks)
        rep.rows += sum(len(t.rows) for t in d.indicator_tables)
        rep.notes.extend(f"{d.id}: {n}" for n in d.notes)
    rep.entities = len(kb.entities)
    rep.edges = len(kb.edges)
    return rep


# --------------------------------------------------------------------------- cache

def _sha256(path: Path) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except FileNotFoundError:
        raise KBError(f"{path}: no such file (was it removed during the build?)") from None
    except OSError as e:
        raise KBError(f"{path}: cannot read ({e.strerror})") from None


@functools.lru_cache(maxsize=None)
def _code_version() -> str:
    """Cached documents are valid only for the code and lexicon that made them."""
    h = hashlib.sha256()
    pkg = Path(__file__).resolve().parent
    for p in sorted([*pkg.glob("*.py"), *pkg.glob("lexicon/*"), *pkg.glob("nlp/*.py")]):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def _cache_path(cache: Path, sha: str) -> Path:
    return cache / _code_version() / f"{sha}.json"


def _cache_get(cache: Path, sha: str) -> Optional[dict]:
    p = _cache_path(cache, sha)
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _cache_put(cache: Path, sha: str, data: dict) -> None:
    p = _cache_path(cache, sha)
    try:
        if not p.parent.exists():
            # entries made by other code versions can never be read again
            if cache.exists():
                for old in cache.iterdir():
                    shutil.rmtree(old, ignore_errors=True)
            p.parent.mkdir(parents=True, exist_ok=True)
        tmp = p.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, p)
    except OSError:
        pass  # the cache only saves time; a build without it is still right


def _previous_manifest(out: Path) -> dict[str, str]:
    try:
        return json.loads((out / MANIFEST_FILE).read_text(encoding="utf-8"))["documents"]
    except (OSError, ValueError, KeyError):
        return {}


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
