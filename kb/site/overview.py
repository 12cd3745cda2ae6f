"""The overview pages: home, the entity list, the indicator tables, the targets and timeline.

A mixin of :class:`kb.site.pages.Site`, which provides the lookups (``units``, ``chapters``,
``link``, ``unit_link``...) these methods use.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from kb.site.base import FINDING_LABELS, SiteBase
from kb.site.fmt import bucket, bucket_order, bucket_order_key, chapter_label, deadline_text, fmt_value
from kb.site.markdown import Page, esc, link
from kb.site.naming import TYPE_LABELS, chapter_file, doc_file, entity_file, table_anchor


class OverviewPages(SiteBase):
    def most_named(self, doc) -> str | None:
        """The group or actor named in most of ``doc``'s units: a search example that fits the
        plan at hand, whatever its field."""
        units = {self.q(doc, u.id) for u in doc.units()}
        best = max(
            (e for e in self.entities.values() if e.type in ("GROUP", "ACTOR") and not e.discovered),
            key=lambda e: (sum(u in units for u in e.units), e.id),
            default=None,
        )
        return best.name if best is not None and any(u in units for u in best.units) else None

    def home(self) -> Page:
        page = Page()
        docs = self.kb.documents
        if len(docs) == 1:
            # one plan: the home page is the plan's page
            doc = docs[0]
            page.add("# " + esc(doc.title), "")
            self.doc_meta_line(page, doc)  # type: ignore[attr-defined]
            example = self.most_named(doc)
            hint = f"（如 {esc(example)}）" if example else ""
            page.para(f"在上方搜索框输入词语{hint}即可全文检索，离线可用。")
            self.plan_body(page, doc)  # type: ignore[attr-defined]
            self.browse(page)
            return page
        page.add("# 规划知识库", "")
        n_targets = sum(1 for _ in self.all_targets())
        self.meta(
            page,
            f"{len(docs)} 份规划",
            f"{len(self.tasks)} 项任务",
            f"{len(self.entities)} 个实体",
            f"{n_targets} 个量化目标",
        )
        page.para(
            "在上方搜索框输入词语即可检索全部规划的全文，离线可用。点击规划名称查看其目录、专栏、表格和解析说明。"
        )
        page.add("## 规划列表", "")
        # the issuing body, date and number when an importer found them (columns nobody has are left out)
        metas = [k for k in ("issuer", "date", "doc_number") if any((d.meta or {}).get(k) for d in docs)]
        heads = {"issuer": "发文机关", "date": "日期", "doc_number": "文号"}
        cols = ["规划", *(heads[k] for k in metas), "章", "任务", "表格", "专栏", "量化目标", "主体"]
        page.add("| " + " | ".join(cols) + " |", "|---" * len(cols) + "|")
        for doc in docs:
            c = self.counts(doc)  # type: ignore[attr-defined]
            m = doc.meta or {}
            page.add(
                "| "
                + " | ".join(
                    [
                        page.mark("span", link(esc(doc.title), self.plan_file(doc)), class_="plan"),  # type: ignore[attr-defined]
                        *(esc(m.get(k, "")) for k in metas),
                        str(c["chapters"]),
                        str(c["tasks"]),
                        str(c["tables"]),
                        str(c["boxes"]),
                        str(c["targets"]),
                        str(c["actors"]),
                    ]
                )
                + " |"
            )
        page.add("")
        self.browse(page)
        return page

    def browse(self, page: Page) -> None:
        page.add(
            "## 浏览",
            "",
            "- " + link("全部实体", "entities.html"),
            "- " + link("量化目标与时间线", "targets.html"),
            "- " + link("任务关系图", "graph.html"),
            "- " + link("指标表", "indicators.html"),
            "",
        )

    def entities_index(self) -> Page:
        page = Page()
        self.crumbs(page)
        page.add("# 实体", "")
        if not self.entities:
            page.para("本次构建没有抽取实体。")
            return page
        by_type: dict[str, list] = defaultdict(list)
        for e in self.kb.entities:
            by_type[e.type].append(e)
        for typ in sorted(by_type, key=lambda t: (list(TYPE_LABELS).index(t) if t in TYPE_LABELS else 9, t)):
            ents = sorted(by_type[typ], key=lambda e: (-len(e.units), e.name))
            page.add(f"## {esc(TYPE_LABELS.get(typ, typ))}（{len(ents)}）", "")
            page.add("、".join(self.link(e.name, entity_file(e.id)) + f" {len(e.units)}" for e in ents), "")
        return page

    def indicators(self) -> Page:
        page = Page()
        self.crumbs(page)
        page.add("# 指标", "")
        any_table = False
        for doc in self.kb.documents:
            for tb in doc.indicator_tables:
                any_table = True
                page.add("## " + page.mark("span", esc(tb.title), id=table_anchor(self.q(doc, tb.id))), "")
                where = []
                if tb.after and self.key(tb.after, doc):
                    where.append("位于 " + self.unit_link(tb.after, label=tb.after, doc=doc) + " 之后")
                elif tb.after is None:
                    where.append("位于正文开头")
                ck = self.chapter_key(doc, tb.chapter)
                if ck:
                    where.append(self.link(chapter_label(self.chapters[ck][1]), chapter_file(ck)))
                self.meta(page, esc(doc.title), *where)
                h = list(tb.header) + ["具体指标", "发展目标"][len(tb.header) :]
                page.add(f"| # | {esc(h[0])} | {esc(h[1])} | 衡量任务 | 提示 |", "|---|---|---|---|---|")
                for r in tb.rows:
                    rk = self.q(doc, r.id)
                    tasks = self.row_tasks(rk)
                    warn = row_warnings(self, rk, tasks)
                    page.add(
                        "| "
                        + " | ".join(
                            [
                                link(str(r.index), self.units[rk].file),
                                esc(r.name),
                                esc(r.target),
                                "、".join(self.unit_link(t, label=self.units[t].unit.id) for t in tasks),
                                page.mark("span", esc("；".join(warn)), class_="warn") if warn else "",
                            ]
                        )
                        + " |"
                    )
                page.add("")
                keys = [(r, self.q(doc, r.id)) for r in tb.rows]
                rows_with = [(r, rk) for r, rk in keys if self.findings.get(rk) or not self.row_tasks(rk)]
                if rows_with:
                    page.add("### 一致性提示", "")
                    for r, rk in rows_with:
                        page.add(f"- {self.unit_link(rk, label=f'{r.index}. {r.name}')}")
                        if not self.row_tasks(rk):
                            page.add("  - " + page.mark("span", "本文中未找到对应任务", class_="warn"))
                        for f in self.findings.get(rk, []):
                            page.add("  - " + self.finding_md(page, f))
                    page.add("")
        if not any_table:
            page.para("没有指标表。")
        return page

    def targets(self) -> Page:
        page = Page()
        self.crumbs(page)
        page.add("# 量化目标", "")
        items = sorted(self.all_targets(), key=lambda it: (bucket_order(it[1]), it[0].unit.span[0]))
        if not items:
            page.para("本次构建没有抽取量化目标。")
            return page
        self.timeline(page, items)
        if self.multi:  # the tables are per document: one table of every plan's targets would not load
            per_doc = Counter(info.doc.id for info, _ in items)
            page.add("", "## 各文件的目标", "", "| 文件 | 目标数 |", "|---|---|")
            for doc in self.kb.documents:
                page.add(f"| {link(esc(doc.title), doc_file('targets', doc.id))} | {per_doc.get(doc.id, 0)} |")
            page.add("")
            return page
        self.targets_list(page, items)
        return page

    def doc_targets(self, doc) -> Page:
        """The targets of one document (a multi-document site)."""
        page = Page()
        self.crumbs(page, ("量化目标", "targets.html"))
        page.add("# 量化目标 · " + esc(doc.title), "")
        items = [
            (self.units[k], t)
            for k in self.doc_units.get(doc.id, [])
            for t in self.units[k].unit.targets
            if t.value is not None
        ]
        items.sort(key=lambda it: (bucket_order(it[1]), it[0].unit.span[0]))
        if not items:
            page.para("本文件没有抽取到量化目标。")
            return page
        self.targets_list(page, items)
        return page

    def timeline(self, page: Page, items) -> None:
        counts = Counter(bucket(t) for _, t in items)
        buckets = sorted(set(counts) | {str(y) for y in range(2021, 2026)} | {"每年", "期间"}, key=bucket_order_key)
        page.add("## 时间线", "", "| 时限 | 数量 | |", "|---|---|---|")
        top = max(counts.values())
        for b in buckets:
            n = counts.get(b, 0)
            w = 0 if n == 0 else max(1, round(10 * n / top))
            page.add(f"| {esc(b)} | {n} | {page.mark('span', '', class_=f'bar w{w}')} |")

    def targets_list(self, page: Page, items) -> None:
        page.add("", "## 全部目标", "", "点击表头可排序；默认按时限排列。", "")
        page.add("| 时限 | 目标 | 数值 | 单位 | 限定 | 所在单元 |", "|---|---|---|---|---|---|")
        for info, t in items:
            page.add(
                "| "
                + " | ".join(
                    [
                        page.mark(
                            "span",
                            esc(deadline_text(t) + ("（推定）" if t.deadline_inferred and deadline_text(t) else "")),
                            data_sort=f"{bucket_order(t):04d}",
                        ),
                        esc(t.text),
                        page.mark(
                            "span", fmt_value(t.value), data_sort=f"{t.value:020.4f}" if t.value is not None else "~"
                        ),
                        esc(t.unit or ""),
                        esc(t.qualifier or ""),
                        self.unit_link(info.key, t.sentence, label=info.unit.id),
                    ]
                )
                + " |"
            )
        page.add("")


def consistency_findings(site) -> dict[str, list[dict]]:
    """Row key -> findings of :func:`kb.link.consistency.check` (rows against the tasks they restate)."""
    try:
        from kb.link.consistency import check
    except ImportError:  # a tree without the graph stage: rows are shown without findings
        return {}
    docs = {d.id: d for d in site.kb.documents}
    out: dict[str, list[dict]] = defaultdict(list)
    for f in check(site.kb):
        doc = docs.get(f.get("document", ""))
        k = site.key(f["row"], doc)
        if k:
            out[k].append({**f, "task_key": site.key(f["task"], doc) or f["task"]})
    return out


def row_warnings(site, row_key: str, tasks: list[str]) -> list[str]:
    """Short notes for the table cell: no task found, or the kinds of differences found."""
    if not tasks:
        return ["本文中未找到对应任务"]
    kinds = Counter(f["kind"] for f in site.findings.get(row_key, []))
    return [f"{FINDING_LABELS.get(k, k)} ×{n}" for k, n in sorted(kinds.items())]
