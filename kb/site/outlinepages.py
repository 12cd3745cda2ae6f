"""Pages from the document's outline: the plan page (its tree), box (专栏) pages, table pages,
and the outline breadcrumbs every unit, chapter, box and table page carries.

A mixin of :class:`kb.site.pages.Site`. Labels are printed as in the plan: 一、 （三） 1.
专栏3 表1 (the outline keeps them without their trailing 、 or .).
"""

from __future__ import annotations

import re
from collections import defaultdict

from kb.model import Document, OutlineNode
from kb.site.base import SiteBase
from kb.site.fmt import shorten
from kb.site.markdown import Page, esc, link
from kb.site.naming import chapter_file, doc_file, short_hash
from kb.site.render import unit_md
from kb.site.zh import note_zh

_CN_NUM = re.compile(r"[一二三四五六七八九十百零〇两]+")
_AR_NUM = re.compile(r"[0-9０-９]+(?:[.．][0-9０-９]+)*")
TREE_KINDS = ("part", "chapter", "section", "item", "box", "table", "paragraph")
_BARE_ID = re.compile(r"[A-Z][0-9]+")  # P2, Z1: a path part naming no heading
CRUMB_TITLE = 14  # characters of an ancestor's title in a breadcrumb


def printed_label(n: OutlineNode) -> str:
    """The node's numbering as printed: 一、 （三） 1. 专栏3 表1 (empty when it has none)."""
    lab = (n.label or "").strip()
    if not lab:
        return ""
    if _CN_NUM.fullmatch(lab):
        return lab + "、"
    if _AR_NUM.fullmatch(lab):
        return lab + "."
    if lab[:1] in "（(" or lab[-1:] in "）)":
        return lab
    return lab + " "


def node_label(n: OutlineNode, width: int | None = None) -> str:
    title = n.title.strip()
    if width is not None:
        title = shorten(title, width)
    return (printed_label(n) + title).strip() or n.id


def node_file(doc_id: str, kind: str, node_id: str) -> str:
    """The page of a box or a table node (units and chapters keep their own file names)."""
    return f"{'box' if kind == 'box' else 'tbl'}-{short_hash(doc_id + chr(0) + node_id)}.html"


class OutlinePages(SiteBase):
    ol_nodes: dict[str, dict[str, OutlineNode]]
    ol_children: dict[str, dict[str | None, list[OutlineNode]]]
    ol_of_unit: dict[str, OutlineNode]  # unit key -> the node whose body it holds

    def index_outline(self) -> None:
        self.ol_nodes = {}
        self.ol_children = {}
        self.ol_of_unit = {}
        for doc in self.kb.documents:
            nodes: dict[str, OutlineNode] = {}
            kids: dict[str | None, list[OutlineNode]] = defaultdict(list)
            for n in doc.outline:
                nodes.setdefault(n.id, n)
                kids[n.parent if n.parent in nodes or n.parent is None else None].append(n)
                if n.kind in ("box", "table"):
                    self._claim(node_file(doc.id, n.kind, n.id), f"{doc.id}/{n.id}")
                if n.unit:
                    k = self.q(doc, n.unit)
                    if k in self.units:
                        self.ol_of_unit.setdefault(k, n)
                        info = self.units[k]
                        # a box's text and a heading's lead-in are named after their node
                        if info.kind == "paragraph" and n.kind == "box":
                            info.label = node_label(n)
                        elif info.kind == "paragraph" and n.kind in ("part", "chapter", "section"):
                            info.label = node_label(n, 30) + " · 导语"
            self.ol_nodes[doc.id] = nodes
            self.ol_children[doc.id] = kids
            if self.multi:
                self._claim(self.plan_file(doc), doc.id)

    # ------------------------------------------------------------------ lookups
    def plan_file(self, doc: Document) -> str:
        return doc_file("plan", doc.id) if self.multi else "index.html"

    def node_href(self, doc: Document, n: OutlineNode) -> str | None:
        if n.kind in ("box", "table"):
            return node_file(doc.id, n.kind, n.id)
        ck = self.q(doc, n.id)
        if n.kind in ("part", "chapter", "section") and ck in self.chapters:
            return chapter_file(ck)
        if n.unit:
            k = self.q(doc, n.unit)
            if k in self.units:
                return self.units[k].file
        return None

    def node_link(self, doc: Document, n: OutlineNode, width: int | None = None) -> str:
        return self.link(node_label(n, width), self.node_href(doc, n))

    def ancestors(self, doc: Document, n: OutlineNode | None) -> list[OutlineNode]:
        out: list[OutlineNode] = []
        nodes = self.ol_nodes.get(doc.id, {})
        seen = set()
        while n is not None and n.parent and n.parent in nodes and n.parent not in seen:
            seen.add(n.parent)
            n = nodes[n.parent]
            out.append(n)
        return out[::-1]

    def outline_crumbs(self, page: Page, doc: Document, n: OutlineNode | None, *, self_too: bool = False) -> None:
        """首页 › <plan> › 二、… › （三）…: the node's ancestors (and the node itself with
        ``self_too``), each linked to its page."""
        items: list[tuple[str, str | None]] = []
        if self.multi:
            items.append((shorten(doc.title, 24), self.plan_file(doc)))
        chain = self.ancestors(doc, n) + ([n] if self_too and n is not None else [])
        for a in chain:
            items.append((node_label(a, CRUMB_TITLE), self.node_href(doc, a)))
        self.crumbs(page, *items)

    def long_label(self, k: str) -> str:
        """A unit named so that items of different sections can be told apart: its outline path
        with the ancestors' titles shortened (“二、行动步骤 › （三）加强… › 1.行动目标”)."""
        info = self.units.get(k)
        if info is None:
            return k
        path = info.unit.path
        if not path:
            return info.label
        parts = [p for p in path.split(" › ") if not _BARE_ID.fullmatch(p)] or [info.label]
        if info.kind == "row":
            parts[-1] = f"{info.unit.index}. {info.unit.name}"  # type: ignore[attr-defined]
        return " › ".join([shorten(p, 12) for p in parts[:-1]] + [shorten(parts[-1], 40)])

    # ------------------------------------------------------------------ plan page
    def counts(self, doc: Document) -> dict[str, int]:
        kinds: dict[str, int] = defaultdict(int)
        for n in doc.outline:
            kinds[n.kind] += 1
        targets = sum(1 for u in doc.units() for t in u.targets if t.value is not None)
        actors = sum(1 for e in self.doc_entity_units.get(doc.id, {}) if e.startswith("ACTOR:"))
        return {
            "parts": kinds["part"],
            "chapters": kinds["chapter"],
            "sections": kinds["section"],
            "tasks": len(doc.tasks),
            "tables": kinds["table"],
            "boxes": kinds["box"],
            "targets": targets,
            "actors": actors,
        }

    def doc_meta_line(self, page: Page, doc: Document) -> None:
        m = doc.meta or {}
        self.meta(
            page,
            esc("发文机关 " + m["issuer"]) if m.get("issuer") else "",
            esc("文号 " + m["doc_number"]) if m.get("doc_number") else "",
            esc("日期 " + m["date"]) if m.get("date") else "",
            esc("来源 " + doc.source) if doc.source else "",
        )

    def plan_body(self, page: Page, doc: Document) -> None:
        """Counts, the outline tree and the parse notes of one plan."""
        c = self.counts(doc)
        self.meta(
            page,
            *(f"{c['parts']} 部分",) * bool(c["parts"]),
            f"{c['chapters']} 章",
            *(f"{c['sections']} 节",) * bool(c["sections"]),
            f"{c['tasks']} 项任务",
            f"{c['tables']} 个表格",
            f"{c['boxes']} 个专栏",
            f"{c['targets']} 个量化目标",
            f"{c['actors']} 个主体",
        )
        if self.multi:
            page.para(
                " · ".join(
                    [
                        link("本规划提及的实体", doc_file("ents", doc.id)),
                        link("本规划的量化目标", doc_file("targets", doc.id)),
                        link("本规划的任务关系图", self.graph_file_of(doc)),
                    ]
                )
            )
        page.add("## 目录", "")
        lines = self.tree_lines(page, doc)
        page.add(*(lines or ["（本规划没有解析出结构。）"]), "")
        if doc.notes:
            page.add("## 解析说明", "")
            page.add(*("- " + page.mark("span", esc(note_zh(n)), class_="meta") for n in doc.notes), "")

    def graph_file_of(self, doc: Document) -> str:
        from kb.site.graphpage import graph_file

        return graph_file(self, doc if self.multi else None)

    def tree_lines(self, page: Page, doc: Document) -> list[str]:
        kids = self.ol_children.get(doc.id, {})
        out: list[str] = []
        front = [n for n in kids.get(None, []) if n.kind in ("front", "back")]

        def walk(parent: str | None, depth: int) -> None:
            for n in kids.get(parent, []):
                if n.kind not in TREE_KINDS:
                    continue
                out.append("  " * depth + "- " + self.tree_item(page, doc, n))
                if n.kind not in ("table",):
                    walk(n.id, depth + 1)

        heads = [n for n in front if n.kind == "front"]
        if heads:
            out.append(
                "- 卷首：" + " · ".join(self.link(shorten(n.title or n.id, 16), self.node_href(doc, n)) for n in heads)
            )
        walk(None, 0)
        tails = [n for n in front if n.kind == "back"]
        for n in tails:
            out.append("- " + ("" if n.label else "附：") + self.node_link(doc, n, 30))
            walk(n.id, 1)
        return out

    def tree_item(self, page: Page, doc: Document, n: OutlineNode) -> str:
        if n.kind == "paragraph":
            return self.link("段落：" + shorten(n.title or n.text.strip(), 30), self.node_href(doc, n))
        lab = self.node_link(doc, n, 40)
        extra = ""
        if n.kind == "table":
            rows = sum(1 for x in self.ol_children[doc.id].get(n.id, []) if x.kind == "row")
            extra = f"（表格，{rows} 行）"
        elif n.kind == "box":
            extra = "（专栏）"
        if n.responsible:
            lead = [r["name"] for r in n.responsible if r.get("role") == "lead"]
            if lead:
                extra += f"（牵头：{'、'.join(lead[:3])}{'等' if len(lead) > 3 else ''}）"
        return lab + (page.mark("span", esc(extra), class_="meta") if extra else "")

    def plan_page(self, doc: Document) -> Page:
        page = Page()
        self.crumbs(page)
        page.add("# " + esc(doc.title), "")
        self.doc_meta_line(page, doc)
        self.plan_body(page, doc)
        return page

    # ------------------------------------------------------------------ boxes and tables
    def box_page(self, doc: Document, n: OutlineNode) -> Page:
        page = Page()
        self.outline_crumbs(page, doc, n)
        page.add("# " + esc(node_label(n)), "")
        self.meta(page, esc(doc.title), esc(n.id), f"第 {n.line} 行" if n.line else "")
        k = self.q(doc, n.unit) if n.unit else ""
        if k in self.units:
            u = self.units[k].unit
            body = u.text.strip()
            if body and body.replace(" ", "") != node_label(n).replace(" ", ""):
                page.para(unit_md(page, u, self.entity_href, self.names, elsewhere=self.units[k].file))
        kids = [x for x in self.ol_children[doc.id].get(n.id, []) if x.kind != "row"]
        page.add("## 条目", "")
        if not kids:
            page.para("（专栏没有分条目。）")
        for x in kids:
            page.add("### " + self.node_link(doc, x, 60), "")
            xk = self.q(doc, x.unit) if x.unit else ""
            if xk in self.units and xk != k:
                page.para(
                    unit_md(page, self.units[xk].unit, self.entity_href, self.names, elsewhere=self.units[xk].file)
                )
        ill = [e for e in self.out_edges.get(k, []) if e.type == "illustrates" and e.target in self.units]
        if ill:
            page.add(
                "## 本专栏说明的任务",
                "",
                *("- " + self.unit_link(e.target, label=self.long_label(e.target)) for e in ill),
                "",
            )
        return page

    def table_page(self, doc: Document, n: OutlineNode) -> Page:
        page = Page()
        self.outline_crumbs(page, doc, n)
        page.add("# " + esc(node_label(n)), "")
        rows = [x for x in self.ol_children[doc.id].get(n.id, []) if x.kind == "row"]
        self.meta(page, esc(doc.title), f"{len(rows)} 行", f"第 {n.line} 行" if n.line else "")
        width = max([len(n.header)] + [len(r.cells) for r in rows] + [1])
        header = list(n.header) + [""] * (width - len(n.header))
        page.add("| 行 | " + " | ".join(esc(h) for h in header) + " |", "|---" * (width + 1) + "|")
        for i, r in enumerate(rows, 1):
            cells = list(r.cells) + [""] * (width - len(r.cells))
            href = self.node_href(doc, r)
            num = self.link(r.label or str(i), href)
            page.add("| " + num + " | " + " | ".join(esc(c) for c in cells) + " |")
        page.add("")
        if not rows:
            page.para("（表格没有数据行。）")
        return page

    def outline_nodes_of(self, doc: Document, kinds: tuple[str, ...]) -> list[OutlineNode]:
        return [n for n in self.ol_nodes.get(doc.id, {}).values() if n.kind in kinds]
