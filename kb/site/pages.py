"""Every page of the site as Markdown (a :class:`~kb.site.markdown.Page`).

:class:`Site` indexes the KB once (unit -> page, entity -> units, edges by task) and has one
method per page kind. Links are made only to pages that exist, so a KB without entities or
edges (extraction not run) still gives a site without dead links.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from kb.model import KB, Chapter, Document, IndicatorRow
from kb.site.base import UnitInfo
from kb.site.entitypages import EntityPages
from kb.site.fmt import (
    chapter_label,
    row_label,
    shorten,  # noqa: F401
    task_label,
)
from kb.site.markdown import Page, esc, link
from kb.site.naming import (
    chapter_file,
    doc_file,
    entity_file,
    table_anchor,
)
from kb.site.outlinepages import OutlinePages, node_label
from kb.site.overview import OverviewPages, consistency_findings
from kb.site.render import unit_md

MAX_RELATED = 12  # a task page lists its strongest related tasks; the graph keeps them all


class Site(EntityPages, OverviewPages, OutlinePages):
    """The KB indexed for page writing. Units and chapters are keyed by *key*: their id, or
    ``doc/id`` when the KB holds several documents (their bare ids repeat across documents);
    references found in the KB (edges, entity units, row tasks) are resolved to keys once."""

    def __init__(self, kb: KB):
        self.kb = kb
        self.multi = len(kb.documents) > 1
        self.units: dict[str, UnitInfo] = {}
        self.tasks: list[str] = []  # keys, in reading order
        self.chapters: dict[str, tuple[Document, Chapter]] = {}
        self.files: dict[str, str] = {}  # file name -> key, to refuse two keys sharing a page
        self._sids: dict[str, set[str]] = {}
        # per document (by id): its chapter keys, task keys and unit keys in reading order
        self.doc_chapters: dict[str, list[str]] = defaultdict(list)
        self.doc_tasks: dict[str, list[str]] = defaultdict(list)
        self.doc_units: dict[str, list[str]] = defaultdict(list)
        # entity id -> keys of the chapters whose heading line names it (no unit holds that line)
        self.entity_headings: dict[str, list[str]] = defaultdict(list)
        for doc in kb.documents:
            for c in doc.chapters:
                k = self.q(doc, c.id)
                self.chapters[k] = (doc, c)
                for eid in dict.fromkeys(m.entity for m in c.mentions):
                    self.entity_headings[eid].append(k)
                self.doc_chapters[doc.id].append(k)
                self._claim(chapter_file(k), k)
            for t in doc.tasks:
                self._add(t, doc, "task", task_label(t))
                self.tasks.append(self.q(doc, t.id))
                self.doc_tasks[doc.id].append(self.q(doc, t.id))
            for p in doc.paragraphs:
                self._add(p, doc, "paragraph", self._para_label(doc, p))
            for tb in doc.indicator_tables:
                for r in tb.rows:
                    self._add(r, doc, "row", row_label(tb, r), tb)
        bare: dict[str, list[str]] = defaultdict(list)
        for k, info in self.units.items():
            bare[info.unit.id].append(k)
        self.bare = {b: ks[0] for b, ks in bare.items() if len(ks) == 1}
        self.order = {}
        for doc in kb.documents:
            for u in doc.units():
                k = self.q(doc, u.id)
                if k in self.units:
                    self.doc_units[doc.id].append(k)
                self.order[k] = len(self.order)
        self.entities = {e.id: e for e in kb.entities}
        for e in kb.entities:
            self._claim(entity_file(e.id), e.id)
        self.names = {e.id: e.name for e in kb.entities}
        # document id -> entity id -> the entity's units in that document (Entity.units order)
        self.doc_entity_units: dict[str, dict[str, list[str]]] = defaultdict(dict)
        for e in kb.entities:
            for ref in dict.fromkeys(e.units):
                found = self.units.get(self.key(ref) or "")
                if found is not None:
                    self.doc_entity_units[found.doc.id].setdefault(e.id, []).append(ref)
        if self.multi:
            for doc in kb.documents:
                self._claim(doc_file("ents", doc.id), doc.id)
                self._claim(doc_file("targets", doc.id), doc.id)
        self.narrower: dict[str, list[str]] = defaultdict(list)
        for e in kb.entities:
            for b in e.broader:
                self.narrower[b].append(e.id)
        # edges between units, with both ends as keys (mentions/contains edges end elsewhere)
        self.edges = []
        for ed in kb.edges:
            src, dst = self.key(ed.source), self.key(ed.target)
            if src is not None and dst is not None:
                self.edges.append(replace(ed, source=src, target=dst))
        self.out_edges: dict[str, list] = defaultdict(list)
        self.in_edges: dict[str, list] = defaultdict(list)
        self.doc_edges: dict[str, list] = defaultdict(list)  # by the document of the source
        for ed in self.edges:
            self.doc_edges[self.units[ed.source].doc.id].append(ed)
            self.out_edges[ed.source].append(ed)
            self.in_edges[ed.target].append(ed)
        self.findings = consistency_findings(self)
        # rows that measure a task: from the rows themselves and from `measures` edges
        self.measured_by: dict[str, list[str]] = defaultdict(list)
        for k, unit_info in self.units.items():
            if unit_info.kind == "row":
                for tk in self.row_tasks(k):
                    self.measured_by[tk].append(k)
        # who leads and who supports a unit (责任单位 notes): actor id <-> unit key
        self.actor_units: dict[str, list[tuple[str, str]]] = defaultdict(list)  # actor -> (type, unit)
        self.unit_actors: dict[str, list[tuple[str, str]]] = defaultdict(list)  # unit -> (type, actor)
        for ed in kb.edges:
            if ed.type in ("leads", "supports"):
                uk = self.key(ed.target)
                if uk is not None:
                    if (ed.type, uk) not in self.actor_units[ed.source]:
                        self.actor_units[ed.source].append((ed.type, uk))
                    if (ed.type, ed.source) not in self.unit_actors[uk]:
                        self.unit_actors[uk].append((ed.type, ed.source))
        self.index_outline()

    # ------------------------------------------------------------------ pages
    def chapter(self, cid: str, prev: str | None, nxt: str | None) -> Page:
        doc, c = self.chapters[cid]
        n = self.ol_nodes.get(doc.id, {}).get(c.id)
        if n is None:
            return self.chapter_flat(cid, prev, nxt)
        page = Page()
        self.outline_crumbs(page, doc, n)
        page.add("# " + esc(node_label(n)), "")
        kids = [x for x in self.ol_children[doc.id].get(n.id, []) if x.kind != "row"]
        counts = {"item": 0, "section": 0, "chapter": 0, "box": 0, "table": 0}
        for x in kids:
            if x.kind in counts:
                counts[x.kind] += 1
        self.meta(
            page,
            esc(doc.title),
            *(f"{counts['chapter']} 章",) * bool(counts["chapter"]),
            *(f"{counts['section']} 节",) * bool(counts["section"]),
            *(f"{counts['item']} 条",) * bool(counts["item"]),
            *(f"{counts['box']} 个专栏",) * bool(counts["box"]),
            *(f"{counts['table']} 个表格",) * bool(counts["table"]),
        )
        self.mentions_section(page, c, "标题提及")
        lead = self.q(doc, n.unit) if n.unit else ""
        if lead in self.units:
            page.add("## 导语", "")
            page.para(
                unit_md(page, self.units[lead].unit, self.entity_href, self.names, elsewhere=self.units[lead].file)
            )
            self.responsible_section(page, lead)
        if kids:
            page.add("## 下级条目", "")
            for x in kids:
                line = "- " + self.tree_item(page, doc, x)
                xk = self.q(doc, x.unit) if x.unit else ""
                extra = []
                if xk in self.units and x.kind in ("item", "section"):
                    nt = sum(1 for t in self.units[xk].unit.targets if t.value is not None)
                    if nt:
                        extra.append(f"{nt} 个目标")
                    if self.measured_by.get(xk):
                        extra.append(f"{len(self.measured_by[xk])} 项指标")
                if extra:
                    line += page.mark("span", esc("（" + "，".join(extra) + "）"), class_="meta")
                page.add(line)
                # boxes and tables stand under the item they follow: show them in place
                for y in self.ol_children[doc.id].get(x.id, []):
                    if y.kind in ("box", "table") and x.kind in ("item", "paragraph"):
                        page.add("  - " + self.tree_item(page, doc, y))
            page.add("")
        self.pager(
            page,
            (chapter_label(self.chapters[prev][1]), chapter_file(prev)) if prev else None,
            (chapter_label(self.chapters[nxt][1]), chapter_file(nxt)) if nxt else None,
        )
        return page

    def chapter_flat(self, cid: str, prev: str | None, nxt: str | None) -> Page:
        """A chapter page for a document without an outline."""
        doc, c = self.chapters[cid]
        page = Page()
        items: list[tuple[str, str | None]] = []
        parent = self.chapter_key(doc, c.parent)
        if parent:
            items.append((chapter_label(self.chapters[parent][1]), chapter_file(parent)))
        self.crumbs(page, *items)
        page.add("# " + esc(chapter_label(c)), "")
        self.meta(page, esc(doc.title), f"{len(c.tasks)} 项任务")
        self.mentions_section(page, c, "标题提及")
        subs = [x for x in doc.chapters if x.parent == c.id]
        if subs:
            page.add(
                "## 下级标题",
                "",
                *("- " + self.link(chapter_label(x), chapter_file(self.q(doc, x.id))) for x in subs),
                "",
            )
        for p in doc.paragraphs:
            if p.chapter == c.id:
                page.para(unit_md(page, p, self.entity_href, self.names, elsewhere=self.units[self.q(doc, p.id)].file))
        if c.tasks:
            page.add("## 任务", "")
            for ref in c.tasks:
                tid = self.key(ref, doc)
                info = self.units.get(tid) if tid else None
                if tid is None or info is None:
                    continue
                extra = []
                if info.unit.targets:
                    extra.append(f"{len(info.unit.targets)} 个目标")
                if self.measured_by.get(tid):
                    extra.append(f"{len(self.measured_by[tid])} 项指标")
                page.add(
                    "- "
                    + self.unit_link(tid)
                    + (page.mark("span", esc("（" + "，".join(extra) + "）"), class_="meta") if extra else "")
                )
            page.add("")
        tables = [tb for tb in doc.indicator_tables if tb.chapter == c.id]
        if tables:
            page.add("## 指标表", "")
            page.add(
                *("- " + link(esc(tb.title), f"indicators.html#{table_anchor(self.q(doc, tb.id))}") for tb in tables),
                "",
            )
        self.pager(
            page,
            (chapter_label(self.chapters[prev][1]), chapter_file(prev)) if prev else None,
            (chapter_label(self.chapters[nxt][1]), chapter_file(nxt)) if nxt else None,
        )
        return page

    def responsible_section(self, page: Page, uid: str) -> None:
        """责任单位: lead (牵头) and partner (配合) units, linked to the actors' pages."""
        u = self.units[uid].unit
        by_role: dict[str, list[str]] = {"lead": [], "partner": []}
        for r in u.responsible:
            name = r.get("name", "")
            if name and name not in by_role.setdefault(r.get("role", "lead"), []):
                by_role[r.get("role", "lead")].append(name)
        hrefs: dict[str, str | None] = {}
        for typ, eid in self.unit_actors.get(uid, []):
            name = self.names.get(eid, eid.split(":", 1)[-1])
            hrefs[name] = self.entity_href(eid)
            role = "lead" if typ == "leads" else "partner"
            if name not in by_role["lead"] and name not in by_role["partner"]:
                by_role[role].append(name)
        if not any(by_role.values()):
            return
        page.add("## 责任单位", "")
        for role, label in (("lead", "牵头"), ("partner", "配合")):
            names = by_role.get(role) or []
            if names:
                page.add(
                    f"- {label}："
                    + "、".join(self.link(nm, hrefs.get(nm) or self.entity_href("ACTOR:" + nm)) for nm in names)
                )
        page.add("")

    def unit_page(self, uid: str, prev: str | None = None, nxt: str | None = None) -> Page:
        info = self.units[uid]
        u = info.unit
        page = Page()
        node = self.ol_of_unit.get(uid)
        if node is not None:
            # a chapter's lead-in or a box's text: the chapter or box is the last crumb
            self.outline_crumbs(page, info.doc, node, self_too=self.node_href(info.doc, node) != info.file)
        if info.kind == "row" and node is not None and node.kind == "row" and node.parent:
            tnode = self.ol_nodes[info.doc.id].get(node.parent)
            page.add("# " + esc(info.label), "")
            header = list(tnode.header) if tnode is not None else []
            cells = list(node.cells)
            width = max(len(header), len(cells), 1)
            header += [""] * (width - len(header))
            cells += [""] * (width - len(cells))
            page.add(
                "| " + " | ".join(esc(h) for h in header) + " |",
                "|---" * width + "|",
                "| " + " | ".join(esc(c) for c in cells) + " |",
                "",
            )
            if tnode is not None:
                page.para("所在表格：" + self.node_link(info.doc, tnode))
        elif info.kind == "row":
            tb = info.table
            assert tb is not None
            if node is None:
                self.crumbs(
                    page,
                    ("指标", "indicators.html"),
                    (tb.title, f"indicators.html#{table_anchor(self.q(info.doc, tb.id))}"),
                )
            page.add("# " + esc(info.label), "")
            r: IndicatorRow = u  # type: ignore[assignment]
            page.add(
                f"| {esc(tb.header[0] if tb.header else '具体指标')} | {esc(tb.header[1] if len(tb.header) > 1 else '发展目标')} |",
                "|---|---|",
                f"| {esc(r.name)} | {esc(r.target)} |",
                "",
            )
        else:
            if node is None:
                ck = self.chapter_key(info.doc, getattr(u, "chapter", None))
                self.crumbs(page, *([(chapter_label(self.chapters[ck][1]), chapter_file(ck))] if ck else []))
            page.add("# " + esc(info.label), "")
        self.meta(page, esc(u.id), f"第 {u.line} 行" if u.line else "", f"{len(u.sentences)} 句" if u.sentences else "")
        self.responsible_section(page, uid)
        page.add("## 原文" if info.kind == "row" else "## 正文", "")
        page.para(unit_md(page, u, self.entity_href, self.names))
        self.mentions_section(page, u)
        self.targets_table(page, u, uid)
        if info.kind == "row":
            tasks = self.row_tasks(uid)
            page.add("## 衡量的任务", "")
            page.add(
                *(("- " + self.unit_link(t, label=self.long_label(t))) for t in tasks)
                if tasks
                else ["本指标未关联到任务。"]
            )
            page.add("")
            if self.findings.get(uid):
                page.add("## 一致性提示", "", *("- " + self.finding_md(page, f) for f in self.findings[uid]), "")
        rows = self.measured_by.get(uid, [])
        if rows:
            page.add("## 衡量本任务的指标", "", *("- " + self.unit_link(r, label=self.long_label(r)) for r in rows), "")
        outs = [e for e in self.out_edges.get(uid, []) if e.type == "depends_on" and e.target in self.units]
        ins = [e for e in self.in_edges.get(uid, []) if e.type == "depends_on" and e.source in self.units]
        if outs or ins:
            page.add("## 依赖关系", "")
            self.edge_list(page, outs, "target", "本任务依赖")
            self.edge_list(page, ins, "source", "依赖本任务")
        related: dict[str, float] = {}
        for e in self.out_edges.get(uid, []) + self.in_edges.get(uid, []):
            if e.type == "related":
                other = e.target if e.source == uid else e.source
                if other in self.units and other != uid:
                    related[other] = max(related.get(other, 0.0), e.weight or 0.0)
        if related:
            page.add("## 相关任务", "")
            ranked = sorted(related.items(), key=lambda kv: (-kv[1], kv[0]))
            if len(ranked) > MAX_RELATED:
                page.para(f"共 {len(ranked)} 项，列出权重最高的 {MAX_RELATED} 项。")
            for other, w in ranked[:MAX_RELATED]:
                page.add(
                    "- "
                    + self.unit_link(other, label=self.long_label(other))
                    + (page.mark("span", f"（权重 {w:.2f}）", class_="meta") if w else "")
                )
            page.add("")
        if info.kind == "task":
            self.pager(
                page,
                (self.units[prev].label, self.units[prev].file) if prev else None,
                (self.units[nxt].label, self.units[nxt].file) if nxt else None,
            )
        return page
