"""What every page kind of the site shares: the indexed KB (:class:`SiteBase` declares the
lookups :class:`kb.site.pages.Site` fills in) and the lookup and page-piece methods the page
mixins (:mod:`kb.site.pages`, :mod:`kb.site.overview`, :mod:`kb.site.entitypages`) use."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from kb.model import KB, Chapter, Document, Edge, Entity, IndicatorTable, Paragraph, Unit
from kb.site.fmt import (
    chapter_label,
    deadline_text,
    fmt_value,
    shorten,  # noqa: F401
)
from kb.site.markdown import Page, esc, link
from kb.site.naming import (
    TYPE_LABELS,
    chapter_file,
    entity_file,
    entity_type,
    sentence_anchor,
    type_class,
    unit_file,
)
from kb.site.zh import EDGE_TYPES, TARGET_KINDS, rule_zh

EDGE_LABELS = EDGE_TYPES
FINDING_LABELS = {"figure": "数字", "unit": "单位", "period": "时限", "wording": "措辞"}
# pages stay readable (and the build linear) when a generated plan links everything to everything
MAX_EDGES_LISTED = 40


@dataclass
class UnitInfo:
    unit: Unit
    doc: Document
    kind: str  # task | row | paragraph
    file: str
    label: str
    key: str  # the id pages use: the unit id, prefixed by the document id when there are several
    table: IndicatorTable | None = None


def sentence_name(sid: str | None, unit: str) -> str:
    """``doc/T17.s3`` -> ``T17 第3句``."""
    if not sid:
        return unit.rsplit("/", 1)[-1]
    bare = sid.rsplit("/", 1)[-1] if "/" in sid else sid
    u, dot, n = bare.rpartition(".s")
    return f"{u} 第{n}句" if dot and n.isdigit() else bare


class SiteBase:
    """The KB indexed for page writing (filled in by :class:`kb.site.pages.Site`), and the
    lookups and shared pieces of every page kind."""

    kb: KB
    multi: bool
    units: dict[str, UnitInfo]
    tasks: list[str]
    chapters: dict[str, tuple[Document, Chapter]]
    files: dict[str, str]
    _sids: dict[str, set[str]]
    doc_chapters: dict[str, list[str]]
    doc_tasks: dict[str, list[str]]
    doc_units: dict[str, list[str]]
    bare: dict[str, str]
    order: dict[str, int]
    entities: dict[str, Entity]
    names: dict[str, str]
    doc_entity_units: dict[str, dict[str, list[str]]]
    entity_headings: dict[str, list[str]]
    narrower: dict[str, list[str]]
    edges: list[Edge]
    out_edges: dict[str, list[Edge]]
    in_edges: dict[str, list[Edge]]
    doc_edges: dict[str, list[Edge]]
    findings: dict[str, list[dict]]
    measured_by: dict[str, list[str]]

    # ------------------------------------------------------------------ lookups
    def q(self, doc: Document, ident: str | None) -> str:
        if not ident:
            return ""
        return f"{doc.id}/{ident}" if self.multi and not ident.startswith(doc.id + "/") else ident

    def key(self, ref: str | None, doc: Document | None = None) -> str | None:
        """The key of a unit reference: a key, an id inside ``doc``, or a bare id unique in the KB."""
        if not ref:
            return None
        if ref in self.units:
            return ref
        if doc is not None and self.q(doc, ref) in self.units:
            return self.q(doc, ref)
        if doc is not None and self.multi:
            return None  # an id inside one document never names a unit of another one
        return self.bare.get(ref)

    def chapter_key(self, doc: Document, cid: str | None) -> str | None:
        k = self.q(doc, cid)
        return k if k in self.chapters else None

    def _claim(self, fname: str, ident: str) -> None:
        other = self.files.setdefault(fname, ident)
        if other != ident:
            from kb.errors import KBError

            raise KBError(f"site: {ident!r} and {other!r} would share the page {fname}; rename one")

    def _add(self, u: Unit, doc: Document, kind: str, label: str, table: IndicatorTable | None = None) -> None:
        k = self.q(doc, u.id)
        if k in self.units:
            from kb.errors import KBError

            raise KBError(f"site: {doc.id} has two units with the id {u.id!r}")
        info = UnitInfo(u, doc, kind, unit_file(k, kind), label, k, table)
        self._claim(info.file, k)
        self.units[k] = info

    def _para_label(self, doc: Document, p: Paragraph) -> str:
        ch = self.chapters.get(self.q(doc, p.chapter))
        return f"{chapter_label(ch[1])} · 段落 {p.id}" if ch else f"段落 {p.id}"

    def row_tasks(self, row_key: str) -> list[str]:
        info = self.units[row_key]
        ids = [self.key(t, info.doc) for t in info.unit.tasks]  # type: ignore[attr-defined]
        ids += [e.target for e in self.out_edges.get(row_key, []) if e.type == "measures"]
        return [t for t in dict.fromkeys(ids) if t in self.units]

    def unit_href(self, uid: str, sid: str | None = None, doc: Document | None = None) -> str | None:
        k = self.key(uid, doc)
        if k is None:
            return None
        info = self.units[k]
        if sid and sid.startswith(info.doc.id + "/"):
            sid = sid[len(info.doc.id) + 1 :]
        if sid and sid in self.sentence_ids(k):
            return f"{info.file}#{sentence_anchor(info.unit.id, sid)}"
        return info.file

    def sentence_ids(self, k: str) -> set[str]:
        ids = self._sids.get(k)
        if ids is None:
            ids = self._sids[k] = {s.id for s in self.units[k].unit.sentences}
        return ids

    def entity_href(self, eid: str) -> str | None:
        return entity_file(eid) if eid in self.entities else None

    def chapter_href(self, cid: str | None) -> str | None:
        return chapter_file(cid) if cid in self.chapters else None

    def link(self, label: str, href: str | None) -> str:
        return link(esc(label), href) if href else esc(label)

    def unit_link(self, uid: str, sid: str | None = None, label: str | None = None, doc: Document | None = None) -> str:
        k = self.key(uid, doc)
        info = self.units.get(k) if k else None
        return self.link(label or (info.label if info else uid), self.unit_href(uid, sid, doc))

    def all_targets(self) -> Iterator[tuple[UnitInfo, object]]:
        for doc in self.kb.documents:
            for u in doc.units():
                info = self.units.get(self.q(doc, u.id))
                if info:
                    for t in u.targets:
                        if t.value is not None:  # a time phrase alone is not a quantitative target
                            yield info, t

    # ------------------------------------------------------------------ shared pieces
    def long_label(self, k: str) -> str:  # overridden by OutlinePages
        info = self.units.get(k)
        return info.label if info else k

    def crumbs(self, page: Page, *items: tuple[str, str | None]) -> None:
        parts = [self.link("首页", "index.html")] + [self.link(a, h) for a, h in items]
        page.para(page.mark("span", " › ".join(parts), class_="crumbs"))

    def meta(self, page: Page, *items: str) -> None:
        page.para(page.mark("span", " · ".join(i for i in items if i), class_="meta"))

    def mentions_section(self, page: Page, unit: Unit | Chapter, title: str = "提及") -> None:
        """The entities a unit (or a chapter's heading line) names, by type."""
        counts = Counter(m.entity for m in unit.mentions)
        if not counts:
            return
        page.add(f"## {title}", "")
        by_type: dict[str, list[str]] = defaultdict(list)
        for eid in sorted(counts, key=lambda e: (entity_type(e), self.names.get(e, e))):
            name = self.names.get(eid, eid.split(":", 1)[-1])
            key = page.mark("span", self.link(name, self.entity_href(eid)), class_=f"key {type_class(eid)}")
            by_type[entity_type(eid)].append(key + (f" ×{counts[eid]}" if counts[eid] > 1 else ""))
        for typ, items in by_type.items():
            page.add(f"- {esc(TYPE_LABELS.get(typ, typ))}：" + "、".join(items))
        page.add("")

    def targets_table(self, page: Page, unit: Unit, k: str) -> None:
        # a time phrase without a figure is not a quantitative target
        targets = [t for t in unit.targets if t.value is not None]
        if not targets:
            return
        page.add(
            "## 量化目标",
            "",
            "| 类型 | 目标 | 数值 | 单位 | 基期 | 时限 | 属性 | 出处 |",
            "|---|---|---|---|---|---|---|---|",
        )
        for t in targets:
            base = ""
            if t.baseline is not None:
                base = fmt_value(t.baseline) + (f"（{t.baseline_year}年）" if t.baseline_year else "")
            elif t.baseline_year:
                base = f"{t.baseline_year}年"
            when = deadline_text(t)
            if when and t.deadline_inferred:
                when += "（推定）"
            page.add(
                "| "
                + " | ".join(
                    [
                        esc(TARGET_KINDS.get(t.kind, t.kind)),
                        esc(t.text)
                        + (page.mark("span", esc("（" + t.qualifier + "）"), class_="meta") if t.qualifier else ""),
                        fmt_value(t.value),
                        esc(t.unit or ""),
                        esc(base),
                        page.mark("span", esc(when), class_="inferred") if t.deadline_inferred else esc(when),
                        esc(t.attribute or ""),
                        self.sentence_link(k, t.sentence),
                    ]
                )
                + " |"
            )
        page.add("")

    def sentence_link(self, uid: str, sid: str | None) -> str:
        if not sid:
            return ""
        href = self.unit_href(uid, sid)
        name = sentence_name(sid, uid)
        return link(esc(name), href) if href else esc(name)

    def edge_list(self, page: Page, edges: list, other_end: str, title: str) -> None:
        if not edges:
            return
        page.add(f"### {esc(title)}", "")
        edges = sorted(
            edges, key=lambda e: (self.order.get(getattr(e, other_end), 1 << 30), getattr(e, other_end), e.type)
        )
        if len(edges) > MAX_EDGES_LISTED:
            page.para(f"共 {len(edges)} 条，列出原文顺序的前 {MAX_EDGES_LISTED} 条；全部见关系图页或 kb graph deps。")
            edges = edges[:MAX_EDGES_LISTED]
        for ed in edges:
            other = getattr(ed, other_end)
            line = "- " + self.unit_link(other, label=self.long_label(other))
            ev = ed.evidence or {}
            if ev.get("text"):
                src = ev.get("unit") or ed.source
                line += "：依据 " + self.unit_link(
                    src, ev.get("sentence"), label=sentence_name(ev.get("sentence"), src)
                )
                line += " “" + esc(shorten(str(ev["text"]), 90)) + "”"
            if ed.rule:
                line += page.mark("span", esc(f"（规则：{rule_zh(ed.rule)}）"), class_="meta")
            page.add(line)
        page.add("")

    def finding_md(self, page: Page, f: dict) -> str:
        kind = page.mark("span", esc(FINDING_LABELS.get(f["kind"], f["kind"])), class_="warn")
        row = f"指标“{f['row_span']}”" if f.get("row_span") else ""
        task = f"任务“{f['task_span']}”" if f.get("task_span") else "任务句中没有"
        where = self.unit_link(f["task_key"], f.get("sentence"), label=f.get("sentence") or f["task"])
        return f"{kind}：{esc(row)} / {esc(task)}（{where}）"

    def pager(self, page: Page, prev: tuple[str, str] | None, nxt: tuple[str, str] | None) -> None:
        left = self.link("← " + prev[0], prev[1]) if prev else ""
        right = self.link(nxt[0] + " →", nxt[1]) if nxt else ""
        page.para(page.mark("span", page.mark("span", left) + page.mark("span", right), class_="pager"))
