"""The build pipeline: corpus files -> parse -> extract -> link -> {kb.json, index, graph}.

Each stage is a library function; this module only orders them and writes the results into
one atomic build generation (see :mod:`kb.store`).
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import json
import time
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kb.build.cache import (
    _cache_get,
    _cache_path,
    _cache_put,
    _CachedRows,
    _dump,
    _models_get,
    _models_put,
    _package_version,
    _prune_cache,
)
from kb.build.corpus import DEFAULT_CORPUS, _check_file_ids, _check_ids, _file_id, _meta_title, collect_corpus
from kb.build.kbjson import write_kb_json_stream
from kb.build.stream import Collection, held_get, held_of, held_put
from kb.build.workers import run_ordered
from kb.errors import KBError
from kb.model import KB, Document
from kb.store import KB_FILE, atomic_build, gens_dir, write_json

MANIFEST_FILE = "manifest.json"

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


def _per_document(job: tuple[Path, bool]) -> dict:
    """Everything that depends on one file only, run in a worker process for parallel builds:
    parse, extract, discover and link. Returns JSON-ready parts, which are also what the cache
    stores: the document, its edges (every edge stays inside its document) and its discovered
    names. ``multi``: the KB has several documents (ids get the ``doc/`` prefix)."""
    path, multi = job
    with _gc_running():  # spaCy's objects may hold cycles; a serial build runs this in-process
        return _document_parts(path, multi)


def _document_parts(path, multi) -> dict:
    from kb.extract.discover import document_names
    from kb.extract.document import enrich_document
    from kb.extract.analyse import lexicon_for
    from kb.link import link_document
    from kb.model import document_to_dict, flat_dict
    from kb.parse.text import parse_file

    doc = parse_file(path)
    enrich_document(doc)
    names = document_names(doc, lexicon_for(None))
    edges = link_document(doc, multi)  # also fills the indicator rows' tasks
    from kb.index.rows import index_rows

    rows = index_rows(doc, multi, _index_names())  # the jieba words, the costly half of indexing
    from kb.link.consistency import check_document

    return {
        "document": document_to_dict(doc, compact=True),
        "edges": [flat_dict(e) for e in edges],
        "discovered": names,
        "findings": check_document(doc),
        "index_rows": rows,
    }


@functools.lru_cache(maxsize=1)
def _index_names() -> tuple[str, ...]:
    from kb.index.rows import index_names

    return index_names(None)


def _doc_key(sha: str, multi: bool, doc_id: str) -> str:
    """What a cached document depends on besides the code: its bytes, the single/multi mode and
    its id (taken from the file name: unit ids, edges and index rows of a multi-document build
    carry it, so a renamed file or two files with the same bytes must not share an entry). Not
    its folder or title, which are set after the cache, so a moved folder stays cached."""
    return hashlib.sha256(f"{sha}|{int(multi)}|{doc_id}".encode()).hexdigest()


def _reuse_key(key: str, doc) -> str:
    """What a document's outputs depend on besides the code: also its title. Not its shown path
    (relative to the working directory): where it is stored (its kb.json line, its graph node)
    it is written anew over copied bytes, so a build from another directory or of a moved folder
    costs what an update does; its site pages, which show it, also need the same path
    (:func:`reusable`)."""
    return hashlib.sha256(_dump([key, doc.title]).encode()).hexdigest()


def make_kb(files: Sequence[Path], jobs: int = 1, **options) -> KB:
    """Parse, extract and link in memory; nothing is written but the per-document cache.
    ``options``: those of :func:`collect`.

    Every document goes through its JSON form, whether made now or read from the cache, so a
    cached, a parallel and a serial build give byte-identical results. ``stats`` receives
    ``processed`` (documents made now) and ``keys`` (document id -> cache key)."""
    return collect(files, jobs, **options).kb()


def collect(
    files: Sequence[Path],
    jobs: int = 1,
    *,
    cache: Path | None = None,
    stats: dict | None = None,
    progress: Callable[[int], None] | None = None,
    timings: dict | None = None,
    read_cache: bool = True,
) -> Collection:
    """What :func:`make_kb` makes, kept as a :class:`Collection`: a document's models stay in its
    cache entry (held only where none could be written), so memory is bounded by the largest
    document, not the collection. Documents are taken in order, each folded into the entity list's
    input and the seek maps as it comes, so what the parent keeps of one is a few facts."""
    from kb.build.seek import Inverted
    from kb.extract.document import EntityUses, entities_of
    from kb.extract.lexicon import load_lexicon
    from kb.link.consistency import remember
    from kb.model import document_from_dict, edge_from_dict
    from kb.parse.text import display_path

    multi = len(files) > 1
    titles = [_meta_title(f) for f in files]  # a broken meta file fails before any work
    jobs_of = [(f, multi) for f in files]
    ids = [_file_id(f) for f in files]
    _check_file_ids(ids, files)  # before any work, and whatever the cache holds
    keys = [_doc_key(_sha256(f), multi, i) for f, i in zip(files, ids)]
    n = len(files)
    lex = load_lexicon(None)
    held: list = [None] * n
    line_len: list[int | None] = [None] * n  # of each document's line in its cache entry
    coll = Collection(docs=held, cache=cache, read_cache=read_cache)
    uses = EntityUses()
    holders, naming = Inverted(), Inverted()

    def keep(i: int, h) -> None:
        # folded in document order: the entity list and the seek maps list documents in it
        uses.add(h.uses, h.id, h.found)
        holders.add(i, h.ids)
        naming.add(i, sorted({eid for eid, _ in h.uses[0]}))
        h.uses, h.found, h.ids = None, [], None
        held[i] = h

    def made(i: int, doc, edges, found, stored: bool, findings=None) -> None:
        # the document's facts, then its models dropped when its cache entry has them
        parsed_title = doc.title
        doc.source = display_path(files[i])
        if titles[i]:
            doc.title = titles[i]
        h = held_of(doc, edges, keys[i], multi, lex)
        h.found = found
        if not stored:
            h.models = (doc, edges)
        elif cache is not None and findings is not None:
            held_put(cache, h, parsed_title, findings, line_len[i])
        keep(i, h)

    def cached(i: int) -> bool:
        key = keys[i]
        facts = held_get(cache, key) if cache and read_cache else None
        if facts is not None:
            h, findings, line_len[i] = facts
            h.source, h.title = display_path(files[i]), titles[i] or h.title
            remember(Document(id=h.id, title=h.title, source=h.source, sha256=h.sha256), findings)
            keep(i, h)
            return True
        models = _models_get(cache, key) if cache and read_cache else None
        if models is not None:
            doc, edges, found, findings, line_len[i] = models
            remember(doc, findings)
            made(i, doc, edges, found, True, findings)
            return True
        hit = _cache_get(cache, key) if cache and read_cache else None
        if hit is None:
            return False
        doc, edges = document_from_dict(hit["document"]), [edge_from_dict(e) for e in hit["edges"]]
        remember(doc, hit["findings"])
        line_len[i] = hit["line_len"]
        stored = _models_put(cache, key, (doc, edges, hit["discovered"], hit["findings"], line_len[i]))  # type: ignore[arg-type]
        made(i, doc, edges, hit["discovered"], stored, hit["findings"])
        return True

    rows_held: dict[str, dict] = {}

    def parsed(i: int, part: dict) -> None:
        rows = part.pop("index_rows", None)
        # under the hash of the bytes actually parsed: a file saved during the build must not
        # be cached as the content hashed before
        keys[i] = _doc_key(part["document"]["sha256"], multi, ids[i])
        line_len[i] = _cache_put(cache, keys[i], {**part, "index_rows": rows}) if cache else None
        if line_len[i] is None and rows is not None:
            rows_held[part["document"]["id"]] = rows
        doc, edges = document_from_dict(part["document"]), [edge_from_dict(e) for e in part["edges"]]
        remember(doc, part["findings"])
        stored = False
        if cache is not None and line_len[i] is not None:  # (a line length only comes from a cache)
            stored = _models_put(cache, keys[i], (doc, edges, part["discovered"], part["findings"], line_len[i]))
        made(i, doc, edges, part["discovered"], stored, part["findings"])
        if progress:
            progress(1)

    # the documents without a cache entry go to the workers, whose results come in order while
    # the parent reads the others' facts; an entry found broken is made again here
    has_entry = [bool(cache and read_cache and _cache_path(cache, k).exists()) for k in keys]
    processed = 0
    with contextlib.closing(
        run_ordered(_per_document, [jobs_of[i] for i in range(n) if not has_entry[i]], jobs)
    ) as results:
        for i in range(n):
            if has_entry[i] and cached(i):
                continue
            parsed(i, next(results) if not has_entry[i] else _per_document(jobs_of[i]))
            processed += 1
    _check_ids(held, files)
    if stats is not None:
        stats["processed"] = processed
        stats["keys"] = {h.id: _reuse_key(k, h) for h, k in zip(held, keys)}
        stats["cached"] = [(_cache_path(cache, k), ln) if cache and ln else None for k, ln in zip(keys, line_len)]
        stats["rows"] = _CachedRows(
            {h.id: _cache_path(cache, k) if cache else None for h, k in zip(held, keys)}, rows_held
        )
    with _Timer(timings)("entities"):
        coll.entities = entities_of(lex, uses, multi)
    coll.holders, coll.naming = holders.map, naming.map
    return coll


def enrich_kb(kb: KB, extracted: bool = False, timings: dict | None = None) -> KB:
    """The in-memory stages after parsing (they add to the model; they never re-parse).
    ``extracted``: the per-document extraction already ran (in :func:`_per_document`)."""
    from kb.extract.document import collect_entities, enrich_document
    from kb.link import link

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

    def __init__(self, into: dict | None):
        self.into = into

    @contextlib.contextmanager
    def __call__(self, stage: str):
        t0 = time.perf_counter()
        try:
            yield
        finally:
            if self.into is not None:
                self.into[stage] = self.into.get(stage, 0.0) + time.perf_counter() - t0


def build(
    paths: Sequence[Path] = (),
    out: Path = DEFAULT_OUT,
    jobs: int = 1,
    use_cache: bool = True,
    progress: Callable[[int], None] | None = None,
    site: bool = True,
) -> BuildReport:
    """Build the knowledge base of ``paths`` into ``out`` (atomically). ``site=False`` skips
    the static site, the slowest stage on large collections (`kb site` writes it later)."""
    with _gc_paused():
        return _build(paths, Path(out), jobs, use_cache, progress, site)


@contextlib.contextmanager
def _gc_paused():
    """A build makes millions of small objects that live until it ends; Python's cycle collector
    would rescan them all again and again (a third of the build time on 100 plans). The model has
    no reference cycles, so reference counting frees what the build drops."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@contextlib.contextmanager
def _gc_running():
    was = gc.isenabled()
    gc.enable()
    try:
        yield
    finally:
        if not was:
            gc.disable()


def _build(paths, out: Path, jobs: int, use_cache: bool, progress, site: bool) -> BuildReport:
    from kb.build.seek import open_seek
    from kb.index.write import write_index
    from kb.store import check_out

    check_out(out)
    files = collect_corpus(paths)
    # --no-cache re-processes every document and refreshes the cache with the results
    cache = gens_dir(out) / "cache"
    before = _previous_manifest(out)
    stats: dict = {}
    timings: dict[str, float] = {}
    t = _Timer(timings)
    with t("parse+extract"):
        coll = collect(
            files, jobs=jobs, cache=cache, stats=stats, progress=progress, timings=timings, read_cache=use_cache
        )
    manifest = {h.id: h.sha256 for h in coll.docs}
    previous = _previous_generation(out)
    # index entries and site pages of these documents are linked from the previous generation
    reuse = reusable(previous, stats.get("keys", {}))
    sources = {h.id: h.source for h in coll.docs}
    # kb.json, the index and graph.json read the documents back one at a time
    with atomic_build(out) as gen:
        with t("kb.json"):
            write_kb_json_stream(
                gen / KB_FILE, coll, stats.get("cached", ()), previous / KB_FILE if previous else None, reuse
            )
            write_json(
                gen / MANIFEST_FILE,
                {"documents": manifest, "code": _package_version(), "keys": stats.get("keys", {}), "sources": sources},
            )
        with t("index"):
            write_index(
                KB(documents=coll.documents(), entities=coll.entities),  # type: ignore[arg-type]
                gen / "index",
                previous=previous / "index" if previous else None,
                reuse=reuse,
                prepared=stats.get("rows"),
                source=open_seek(gen / KB_FILE),
                previous_source=open_seek(previous / KB_FILE) if previous else None,
            )
        with t("graph"):
            _write_graph(coll, gen / "graph.json", previous / "graph.json" if previous else None, reuse)
        if site:
            from kb.site.build import write_site

            with t("site"):
                # the site's pages and search data draw on the whole model: loaded for it alone
                pages = reusable(previous, stats.get("keys", {}), sources)
                write_site(coll.kb(), gen / "site", previous=previous / "site" if previous else None, reuse=pages)
    timings["parse+extract"] -= timings.get("entities", 0.0)  # it ran inside; report it on its own
    _prune_cache(stats.get("cached", ()))
    rep = BuildReport(out=out, documents=len(coll.docs), processed=stats.get("processed", 0), timings=timings)
    rep.added = sorted(set(manifest) - set(before))
    rep.removed = sorted(set(before) - set(manifest))
    rep.changed = sorted(k for k in set(manifest) & set(before) if manifest[k] != before[k])
    rep.unchanged = len(manifest) - len(rep.added) - len(rep.changed)
    for h in coll.docs:
        rep.tasks += h.tasks
        rep.rows += h.rows
        rep.notes.extend(f"{h.id}: {n}" for n in h.notes)
        rep.edges += h.edges
    rep.entities = len(coll.entities)
    return rep


def _write_graph(
    coll: Collection, path: Path, previous: Path | None = None, reuse: frozenset[str] = frozenset()
) -> None:
    """``previous``: the previous generation's graph.json, whose runs of the documents in
    ``reuse`` are copied (:mod:`kb.build.reuse`)."""
    from kb.build.graphjson import NotStreamable, collection_parts, write_graph_stream
    from kb.build.reuse import graph_runs

    runs = graph_runs(previous, reuse)
    try:
        with open(previous, "rb") if previous and runs.docs else contextlib.nullcontext() as old:
            write_graph_stream(
                path,
                collection_parts(coll, runs.docs, old),
                coll.entities,
                coll.unmatched(),
                previous if runs.docs or runs.tail else None,
                tail=runs.tail,
            )
    except NotStreamable:
        from kb.graph.io import write_graph

        write_graph(coll.kb(), path)


# --------------------------------------------------------------------------- cache


def _sha256(path: Path) -> str:
    from kb.parse.normalize import read_capped

    return hashlib.sha256(read_capped(Path(path))).hexdigest()


def _previous_manifest(out: Path) -> dict[str, str]:
    return _read_manifest(out).get("documents") or {}


def _read_manifest(folder: Path) -> dict:
    try:
        data = json.loads((Path(folder) / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _previous_generation(out: Path) -> Path | None:
    from kb.store import resolve

    try:
        gen = resolve(out)
    except KBError:
        return None
    return gen if gen.is_dir() and (gen / MANIFEST_FILE).exists() else None


def reusable(previous: Path | None, keys: dict[str, str], sources: dict[str, str] | None = None) -> frozenset[str]:
    """Documents whose kb.json lines, index entries and graph nodes in the ``previous``
    generation are still right, but for the shown path: made by this code, from a document with
    the same cache key (same bytes, id, title and single/multi mode). With ``sources`` (document
    id -> shown path), those also shown at the same path: their site pages are still right."""
    if previous is None:
        return frozenset()
    old = _read_manifest(previous)
    if old.get("code") != _package_version() or not isinstance(old.get("keys"), dict):
        return frozenset()
    same = (d for d, k in keys.items() if old["keys"].get(d) == k)
    if sources is None:
        return frozenset(same)
    shown = old.get("sources")
    return frozenset(d for d in same if isinstance(shown, dict) and shown.get(d) == sources[d])


def ensure_built(out: Path = DEFAULT_OUT, notify: Callable[[str], None] | None = None) -> Path:
    """The generation folder of the build at ``out``; builds the bundled corpus first if there
    is none, so `kb show 17` works right after install. ``notify`` (a command's printer) is
    told when that happens."""
    from kb.store import resolve

    out = Path(out)
    if not (out / KB_FILE).exists():
        if out != DEFAULT_OUT:
            # a mistyped --build must not answer from the bundled corpus
            raise KBError(f"no build at {out} (run: kb build --out {out})")
        if notify is not None:
            notify(f"kb: no knowledge base at {out}; building the bundled corpus first")
        build((), out)
    return resolve(out)
