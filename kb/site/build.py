"""The static site: ``write_site(kb, folder)`` writes an offline, cross-linked HTML wiki.

Pages are Markdown rendered by markdown-it-py (raw HTML off) inside one Jinja2 layout
(autoescape on); search runs in the browser over ``assets/search-index.js`` and one index
shard per document (``assets/search/``), loaded on first use of the search box. Output depends
only on the KB, so a rebuild is byte-identical.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kb.model import KB
from kb.site.graphpage import MAX_GRAPH_ROWS, _chapter_file, graph_file, graph_index, graph_page  # noqa: F401

STATIC = Path(__file__).resolve().parent / "static"
TEMPLATES = Path(__file__).resolve().parent / "templates"
ASSETS = ("site.css", "search.js", "sort.js")


def _env():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


@dataclass
class PageSpec:
    """One page before rendering: ``make()`` returns its parts (Markdown
    :class:`~kb.site.markdown.Page` objects or, for the graph, the SVG drawing as a string).
    ``owner`` is the id of the one document the page's bytes depend on (plus the code), or None
    for a page that depends on several documents; an owned page can be reused unchanged from a
    previous build while its document is unchanged."""

    fname: str
    kind: str
    title: str
    make: Callable[[], list]
    scripts: list[str] = field(default_factory=list)
    owner: str | None = None


def document_specs(site, doc, graph=None) -> list[PageSpec]:
    """The pages owned by ``doc``: its chapters, its units and its task graph. Nothing on them
    depends on another document (pagers stay inside the document, the footer names its file)."""
    from kb.site.pages import chapter_label

    out: list[PageSpec] = []

    def put(fname, kind, title, make, scripts=()):
        out.append(PageSpec(fname, kind, title, make, list(scripts), doc.id))

    cids = site.doc_chapters.get(doc.id, [])
    for i, cid in enumerate(cids):
        prev = cids[i - 1] if i else None
        nxt = cids[i + 1] if i + 1 < len(cids) else None
        put(
            _chapter_file(cid),
            "chapter",
            chapter_label(site.chapters[cid][1]),
            lambda cid=cid, prev=prev, nxt=nxt: [site.chapter(cid, prev, nxt)],
        )
    tids = site.doc_tasks.get(doc.id, [])
    for i, tid in enumerate(tids):
        info = site.units[tid]
        prev = tids[i - 1] if i else None
        nxt = tids[i + 1] if i + 1 < len(tids) else None
        put(info.file, "task", info.label, lambda tid=tid, prev=prev, nxt=nxt: [site.unit_page(tid, prev, nxt)])
    for uid in site.doc_units.get(doc.id, []):
        info = site.units[uid]
        if info.kind != "task":
            put(info.file, info.kind, info.label, lambda uid=uid: [site.unit_page(uid)])
    from kb.site.outlinepages import node_file, node_label

    for n in site.outline_nodes_of(doc, ("box", "table")):
        if n.kind == "box":
            put(node_file(doc.id, n.kind, n.id), "box", node_label(n), lambda n=n: [site.box_page(doc, n)])
        else:
            put(node_file(doc.id, n.kind, n.id), "table", node_label(n), lambda n=n: [site.table_page(doc, n)])
    if site.multi:
        from kb.site.naming import doc_file

        put(site.plan_file(doc), "plan", doc.title, lambda: [site.plan_page(doc)])
        put(doc_file("ents", doc.id), "entities", f"实体 · {doc.title}", lambda: [site.doc_entities(doc)])
        put(
            doc_file("targets", doc.id),
            "targets",
            f"量化目标 · {doc.title}",
            lambda: [site.doc_targets(doc)],
            scripts=["sort.js"],
        )
    # one drawing per document: tasks of different plans do not depend on each other, and a
    # single picture of many plans would be unreadable
    gdoc = doc if site.multi else None
    put(
        graph_file(site, gdoc),
        "graph",
        "任务关系图" + (f" · {doc.title}" if gdoc else ""),
        lambda: _graph_parts(site, graph, gdoc),
    )
    return out


def _graph_parts(site, graph, doc) -> list:
    from kb.site.graphsvg import EDGE_STYLES, svg

    drawing, counts = svg(site, graph, doc)
    head, tail = graph_page(site, counts, EDGE_STYLES, doc)
    # the drawing sits between the legend and the edge list
    return [head, '<div class="graph">\n' + drawing + "\n</div>\n", tail]


def collection_specs(site, graph=None) -> list[PageSpec]:
    """The pages that depend on several documents (or on the collection as a whole)."""
    from kb.site.naming import entity_file

    kb = site.kb
    out: list[PageSpec] = []

    def put(fname, kind, title, make, scripts=()):
        out.append(PageSpec(fname, kind, title, make, list(scripts), None))

    put("index.html", "home", site_title(kb), lambda: [site.home()])
    for eid, e in site.entities.items():
        put(entity_file(eid), "entity", e.name, lambda eid=eid: [site.entity_page(eid)])
    put("entities.html", "entities", "实体", lambda: [site.entities_index()])
    put("indicators.html", "indicators", "指标", lambda: [site.indicators()])
    put("targets.html", "targets", "量化目标", lambda: [site.targets()], scripts=["sort.js"])
    if site.multi:
        put("graph.html", "graph", "任务关系图", lambda: [graph_index(site)])
    return out


def all_specs(site, graph=None) -> list[PageSpec]:
    specs = collection_specs(site, graph)
    for doc in site.kb.documents:
        specs += document_specs(site, doc, graph)
    return specs


def page_sources(site, graph=None) -> list[tuple[str, str, str, list, list[str]]]:
    """Every page as (file name, kind, title, parts, scripts); a part is a Markdown
    :class:`~kb.site.markdown.Page` or, for the graph, the SVG drawing (a string)."""
    return [(s.fname, s.kind, s.title, s.make(), s.scripts) for s in all_specs(site, graph)]


def site_title(kb: KB) -> str:
    return kb.documents[0].title if len(kb.documents) == 1 else "规划知识库"


class _Renderer:
    """Markdown parts -> a whole HTML page in the layout."""

    def __init__(self, site):
        self.site = site
        self.layout = _env().get_template("layout.html")
        self.title = short_title(site_title(site.kb))
        docs = site.kb.documents
        if site.multi:
            self.sources = f"{len(docs)} 份文件"
        else:
            self.sources = "、".join(d.source or d.id for d in docs) or "（无文件）"
        self.by_id = {d.id: d for d in docs}
        self.count = 0  # pages rendered (not reused)

    def page(self, spec: PageSpec) -> str:
        return self.finish(spec, self.prepare(spec))

    def prepare(self, spec: PageSpec) -> list:
        """The page's parts, built but not rendered (rendering Markdown is the costly half)."""
        return list(spec.make())

    def key(self, spec: PageSpec, parts: list) -> str:
        """A digest of everything the page's bytes depend on, besides the code."""
        h = hashlib.sha256()
        for x in (spec.fname, spec.kind, spec.title, repr(spec.scripts), self._sources(spec), self.title):
            h.update(str(x).encode("utf-8") + b"\0")
        for p in parts:
            if isinstance(p, str):
                h.update(b"S" + p.encode("utf-8"))
            else:
                h.update(b"P" + p.source().encode("utf-8") + repr((p.marks, p.raw_html)).encode("utf-8"))
        return h.hexdigest()

    def finish(self, spec: PageSpec, parts: list) -> str:
        from markupsafe import Markup

        self.count += 1
        # strings are the SVG drawing, built by graphsvg from escaped text only
        body = Markup("").join(Markup(p) if isinstance(p, str) else Markup(p.render()) for p in parts)
        return self.layout.render(
            title=spec.title,
            site_title=self.title,
            kind=spec.kind,
            body=body,
            scripts=spec.scripts,
            sources=self._sources(spec),
        )

    def _sources(self, spec: PageSpec) -> str:
        if spec.owner is not None and self.site.multi:
            d = self.by_id[spec.owner]
            return d.source or d.id
        return self.sources


def document_pages(site, doc, graph=None) -> dict[str, str]:
    """The HTML of the pages owned by ``doc`` (file name -> page), rendered independently of
    the other documents' pages; ``site`` is a :class:`~kb.site.pages.Site` or a KB."""
    from kb.site.pages import Site

    if not isinstance(site, Site):
        site = Site(site)
    r = _Renderer(site)
    return {s.fname: r.page(s) for s in document_specs(site, doc, graph)}


PAGE_KEYS = "pages.keys.json"  # collection page -> digest of its parts (see _Renderer.key)


def _read_keys(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _put(path: Path, text: str) -> None:
    # never write through an existing file: it may be a hard link into the previous build
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    path.write_text(text, encoding="utf-8")


def _put_bytes(path: Path, data: bytes) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    path.write_bytes(data)


def _reuse(src: Path, dst: Path) -> bool:
    try:
        dst.unlink()
    except FileNotFoundError:
        pass
    try:
        os.link(src, dst)
    except FileNotFoundError:
        return False
    except OSError:
        try:
            shutil.copy2(src, dst)
        except OSError:
            return False
    return True


def write_site(
    kb: KB, folder: Path, graph=None, *, previous: Path | None = None, reuse: frozenset[str] = frozenset()
) -> Path:
    """Write the whole site into ``folder`` (created; it should not exist or be empty).

    Incremental: with ``previous``, the site folder of an earlier build made by the same code in
    the same single/multi-document mode, the pages owned by a document whose id is in ``reuse``
    (unchanged content) are hard-linked from there (copied where links fail) instead of
    rendered; pages depending on several documents are always rendered. ``previous`` is only
    read. A reused page missing from ``previous`` is rendered."""
    from kb.site.pages import Site
    from kb.site.render import reset_cache
    from kb.site.searchindex import build_manifest, shard_file

    folder = Path(folder)
    prev = Path(previous) if previous is not None and reuse and Path(previous).is_dir() else None
    site = Site(kb)
    (folder / "assets" / "search").mkdir(parents=True, exist_ok=True)
    r = _Renderer(site)
    reset_cache()
    # a collection page (home, an entity's page…) is linked from the previous build when its
    # parts are the same as then: adding one plan changes only the entities it mentions
    old_keys = _read_keys(prev / PAGE_KEYS) if prev is not None else {}
    keys: dict[str, str] = {}
    try:
        for spec in collection_specs(site, graph):
            parts = r.prepare(spec)
            keys[spec.fname] = k = r.key(spec, parts)
            if old_keys.get(spec.fname) == k and _reuse(prev / spec.fname, folder / spec.fname):  # type: ignore[operator]
                continue
            _put(folder / spec.fname, r.finish(spec, parts))
        fresh = []
        for doc in kb.documents:
            if prev is not None and doc.id in reuse:
                specs = [s for s in document_specs(site, doc, graph) if not _reuse(prev / s.fname, folder / s.fname)]
                shard = Path("assets") / shard_file(doc.id)
                if specs or not _reuse(prev / shard, folder / shard):
                    fresh.append(doc)  # something of it is missing from the previous build
            else:
                fresh.append(doc)
        _render_documents(site, r, graph, folder, fresh)
    finally:
        reset_cache()
    _put(folder / PAGE_KEYS, json.dumps(keys, sort_keys=True, indent=0) + "\n")
    for name in ASSETS:
        _put_bytes(folder / "assets" / name, (STATIC / name).read_bytes())
    _put(folder / "assets" / "search-index.js", build_manifest(d.id for d in kb.documents))
    return folder


PARALLEL_UNITS = 5_000  # below this many units to render, worker processes cost more than they save
_SITE_JOB: tuple | None = None  # what forked page writers read (set before the fork)


def _render_documents(site, r: _Renderer, graph, folder: Path, docs: list) -> None:
    """Write the pages and search shards of ``docs``; on a large collection, in forked worker
    processes that share the built site (every file is written by one process, so the bytes do
    not depend on how the work is split)."""
    global _SITE_JOB
    import multiprocessing

    units = sum(len(d.tasks) + len(d.paragraphs) for d in docs)
    procs = min(len(docs), len(os.sched_getaffinity(0)))
    _SITE_JOB = (site, r, graph, folder, {d.id: d for d in docs})
    try:
        if procs < 2 or units < PARALLEL_UNITS or multiprocessing.current_process().daemon:
            _write_documents([d.id for d in docs])
            return
        from concurrent.futures import ProcessPoolExecutor

        ids = [d.id for d in docs]
        chunks = [ids[i :: procs * 4] for i in range(procs * 4)]
        with ProcessPoolExecutor(max_workers=procs, mp_context=multiprocessing.get_context("fork")) as pool:
            list(pool.map(_write_documents, chunks))
    finally:
        _SITE_JOB = None


def _write_documents(ids: list[str]) -> int:
    from kb.site.render import reset_cache
    from kb.site.searchindex import build_shard, shard_file, shard_key

    assert _SITE_JOB is not None
    site, r, graph, folder, docs = _SITE_JOB
    for did in ids:
        doc = docs[did]
        for spec in document_specs(site, doc, graph):
            _put(folder / spec.fname, r.page(spec))
        # the document's search shard is owned like its pages
        _put(folder / "assets" / shard_file(doc.id), build_shard(shard_key(doc.id), doc_search_entries(site, doc)))
        reset_cache()
    return len(ids)


def short_title(title: str) -> str:
    return title if len(title) <= 24 else title[:23] + "…"


def doc_search_entries(site, doc) -> list[dict]:
    """The units of ``doc`` as its search shard lists them, in reading order."""
    from kb.site.naming import sentence_anchor

    entries = []
    for u in doc.units():
        info = site.units.get(site.q(doc, u.id))
        if info is None:
            continue
        entries.append(
            {
                "id": info.key,
                "href": info.file,
                "label": info.label,
                "text": u.text,
                "sentences": [(sentence_anchor(u.id, s.id), s.start, s.end) for s in u.sentences],
            }
        )
    return entries


def search_entries(site) -> list[dict]:
    return [e for doc in site.kb.documents for e in doc_search_entries(site, doc)]
