"""The static site: ``write_site(kb, folder)`` writes an offline, cross-linked HTML wiki.

Pages are Markdown rendered by markdown-it-py (raw HTML off) inside one Jinja2 layout
(autoescape on); search runs in the browser over ``assets/search-index.js``. Output depends
only on the KB, so a rebuild is byte-identical.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from kb.model import KB

STATIC = Path(__file__).resolve().parent / "static"
TEMPLATES = Path(__file__).resolve().parent / "templates"
ASSETS = ("site.css", "search.js", "sort.js")
MAX_GRAPH_ROWS = 1000  # rows of the dependency table under one drawing


def _env():
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                              keep_trailing_newline=True, undefined=jinja2.StrictUndefined)


def page_sources(site, graph=None) -> list[tuple[str, str, str, list, list[str]]]:
    """Every page as (file name, kind, title, parts, scripts); a part is a Markdown
    :class:`~kb.site.markdown.Page` or, for the graph, the SVG drawing (a string)."""
    from kb.site.graphsvg import EDGE_STYLES, svg
    from kb.site.pages import chapter_label

    kb = site.kb
    out: list[tuple] = []

    def put(fname, kind, title, *parts, scripts=()):
        out.append((fname, kind, title, list(parts), list(scripts)))

    title = kb.documents[0].title if len(kb.documents) == 1 else "规划知识库"
    put("index.html", "home", title, site.home())
    cids = list(site.chapters)
    for i, cid in enumerate(cids):
        c = site.chapters[cid][1]
        prev = cids[i - 1] if i else None
        nxt = cids[i + 1] if i + 1 < len(cids) else None
        put(_chapter_file(cid), "chapter", chapter_label(c), site.chapter(cid, prev, nxt))
    tids = list(site.tasks)
    for i, tid in enumerate(tids):
        info = site.units[tid]
        put(info.file, "task", info.label,
            site.unit_page(tid, tids[i - 1] if i else None, tids[i + 1] if i + 1 < len(tids) else None))
    for uid, info in site.units.items():
        if info.kind != "task":
            put(info.file, info.kind, info.label, site.unit_page(uid))
    from kb.site.naming import entity_file

    for eid, e in site.entities.items():
        put(entity_file(eid), "entity", e.name, site.entity_page(eid))
    put("entities.html", "entities", "实体", site.entities_index())
    put("indicators.html", "indicators", "指标", site.indicators())
    put("targets.html", "targets", "量化目标", site.targets(), scripts=["sort.js"])
    # one drawing per document: tasks of different plans do not depend on each other, and a
    # single picture of many plans would be unreadable
    docs = kb.documents if site.multi else [None]
    for doc in docs:
        drawing, counts = svg(site, graph, doc)
        head, tail = graph_page(site, counts, EDGE_STYLES, doc)
        # the drawing sits between the legend and the edge list
        put(graph_file(site, doc), "graph", "任务关系图" + (f" · {doc.title}" if doc else ""),
            head, '<div class="graph">\n' + drawing + "\n</div>\n", tail)
    if site.multi:
        put("graph.html", "graph", "任务关系图", graph_index(site))
    return out


def graph_file(site, doc) -> str:
    from kb.site.naming import plain, short_hash

    if doc is None:
        return "graph.html"
    return f"graph-{plain(doc.id) or short_hash(doc.id)}.html"


def graph_index(site):
    from kb.site.markdown import Page, esc, link

    page = Page()
    site.crumbs(page)
    page.add("# 任务关系图", "", "每份文件一张图：", "")
    for doc in site.kb.documents:
        page.add(f"- {link(esc(doc.title), graph_file(site, doc))}（{len(doc.tasks)} 项任务）")
    page.add("")
    return page


def site_pages(site, graph=None) -> dict[str, tuple[str, str, str, list[str]]]:
    """file name -> (page kind, title, body HTML, scripts)."""
    from markupsafe import Markup

    pages = {}
    for fname, kind, title, parts, scripts in page_sources(site, graph):
        # strings are the SVG drawing, built by graphsvg from escaped text only
        body = Markup("").join(Markup(p) if isinstance(p, str) else Markup(p.render()) for p in parts)
        pages[fname] = (kind, title, body, scripts)
    return pages


def _chapter_file(cid: str) -> str:
    from kb.site.naming import chapter_file

    return chapter_file(cid)


def graph_page(site, counts, styles, doc=None):
    """The graph page's Markdown before and after the drawing (of ``doc``, or the only one)."""
    from kb.site.markdown import Page, esc

    head = Page()
    site.crumbs(head, *([("任务关系图", "graph.html")] if doc is not None else []))
    head.add("# 任务关系图" + (" · " + esc(doc.title) if doc is not None else ""), "")
    head.para("每个圆点是一项任务（按章分列），点击进入任务页；把指针停在边上可看到依据。边的类型：")
    for typ, (label, _) in styles.items():
        head.add(f"- {head.mark('span', esc(label), class_=f'key e-key-{typ}')}：{counts.get(typ, 0)} 条")
    head.add("")
    tail = Page()
    deps = [e for e in site.edges if e.type == "depends_on"
            and (doc is None or site.units[e.source].doc is doc)]
    if not deps:
        tail.para("本次构建还没有任务之间的依赖关系。")
        return head, tail
    tail.add("## 依赖关系列表", "")
    deps = sorted(deps, key=lambda e: (site.order.get(e.source, 0), site.order.get(e.target, 0)))
    if len(deps) > MAX_GRAPH_ROWS:
        tail.para(f"共 {len(deps)} 条，列出前 {MAX_GRAPH_ROWS} 条；全部见 kb graph deps 或 graph.json。")
        deps = deps[:MAX_GRAPH_ROWS]
    tail.add("| 任务 | 依赖于 | 依据 |", "|---|---|---|")
    for e in deps:
        ev = e.evidence or {}
        where = site.unit_link(ev.get("unit") or e.source, ev.get("sentence"), label=str(ev.get("text", ""))) \
            if ev.get("text") else ""
        tail.add(f"| {site.unit_link(e.source)} | {site.unit_link(e.target)} | {where} |")
    tail.add("")
    return head, tail


def write_site(kb: KB, folder: Path, graph=None) -> Path:
    """Write the whole site into ``folder`` (created; it should not exist or be empty)."""
    from kb.site.pages import Site
    from kb.site.searchindex import build_index

    from kb.site.render import reset_cache

    folder = Path(folder)
    site = Site(kb)
    reset_cache()
    try:
        pages = site_pages(site, graph)
    finally:
        reset_cache()
    (folder / "assets").mkdir(parents=True, exist_ok=True)
    env = _env()
    layout = env.get_template("layout.html")
    sources = "、".join(d.source or d.id for d in kb.documents) or "（无文件）"
    title = kb.documents[0].title if len(kb.documents) == 1 else "规划知识库"
    for fname, (kind, ptitle, body, scripts) in sorted(pages.items()):
        html = layout.render(title=ptitle, site_title=short_title(title), kind=kind, body=body,
                             scripts=scripts, sources=sources)
        (folder / fname).write_text(html, encoding="utf-8")
    for name in ASSETS:
        (folder / "assets" / name).write_bytes((STATIC / name).read_bytes())
    (folder / "assets" / "search-index.js").write_text(build_index(search_entries(site)), encoding="utf-8")
    return folder


def short_title(title: str) -> str:
    return title if len(title) <= 24 else title[:23] + "…"


def search_entries(site) -> list[dict]:
    from kb.site.naming import sentence_anchor

    entries = []
    for doc in site.kb.documents:
        for u in doc.units():
            info = site.units.get(site.q(doc, u.id))
            if info is None:
                continue
            entries.append({
                "id": info.key, "href": info.file, "label": info.label, "text": u.text,
                "sentences": [(sentence_anchor(u.id, s.id), s.start, s.end) for s in u.sentences],
            })
    return entries


def benchmark(kb: Optional[KB] = None, repeat: int = 3) -> dict:
    """Time to write the site of ``kb`` (default: the bundled corpus), best of ``repeat``:
    wall-clock and CPU seconds (CPU time is what a loaded machine does not inflate)."""
    import tempfile
    import time

    if kb is None:
        from kb.build import collect_corpus, make_kb

        kb = make_kb(collect_corpus(()))
    best, best_cpu, files = float("inf"), float("inf"), 0
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            t0, c0 = time.perf_counter(), time.process_time()
            write_site(kb, Path(tmp) / "site")
            best = min(best, time.perf_counter() - t0)
            best_cpu = min(best_cpu, time.process_time() - c0)
            files = sum(1 for p in (Path(tmp) / "site").rglob("*") if p.is_file())
    return {"name": "site", "seconds": round(best, 4), "cpu_seconds": round(best_cpu, 4), "files": files}


__all__ = ["write_site", "benchmark"]
