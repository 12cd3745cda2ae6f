"""The graph pages of the site: one drawing per plan (and an index of them), with the dependency and
structure tables under it."""

from __future__ import annotations

MAX_GRAPH_ROWS = 1000  # rows of the dependency table under one drawing


def graph_file(site, doc) -> str:
    from kb.site.naming import plain_doc, short_hash

    if doc is None:
        return "graph.html"
    return f"graph-{plain_doc(doc.id) or short_hash(doc.id)}.html"


def graph_index(site):
    from kb.site.markdown import Page, esc, link

    page = Page()
    site.crumbs(page)
    page.add("# 任务关系图", "", "每份文件一张图：", "")
    for doc in site.kb.documents:
        page.add(f"- {link(esc(doc.title), graph_file(site, doc))}（{len(doc.tasks)} 项任务）")
    page.add("")
    return page


def _chapter_file(cid: str) -> str:
    from kb.site.naming import chapter_file

    return chapter_file(cid)


def graph_page(site, counts, styles, doc=None):
    """The graph page's Markdown before and after the drawing (of ``doc``, or the only one)."""
    from kb.site.markdown import Page, esc
    from kb.site.zh import edge_zh, rule_zh

    head = Page()
    site.crumbs(head, *([("任务关系图", "graph.html")] if doc is not None else []))
    head.add("# 任务关系图" + (" · " + esc(doc.title) if doc is not None else ""), "")
    head.para("每个圆点是一项任务（按章分列），点击进入任务页；把指针停在边上可看到依据。边的类型：")
    for typ, (label, _) in styles.items():
        head.add(f"- {head.mark('span', esc(label), class_=f'key e-key-{typ}')}：{counts.get(typ, 0)} 条")
    head.add("")
    tail = Page()
    edges = site.edges if doc is None else site.doc_edges.get(doc.id, [])
    deps = [e for e in edges if e.type == "depends_on"]
    if not deps:
        tail.para("本次构建还没有任务之间的依赖关系。")
    else:
        tail.add("## 依赖关系列表", "")
        deps = sorted(deps, key=lambda e: (site.order.get(e.source, 0), site.order.get(e.target, 0)))
        if len(deps) > MAX_GRAPH_ROWS:
            tail.para(f"共 {len(deps)} 条，列出前 {MAX_GRAPH_ROWS} 条；全部见 kb graph deps 或 graph.json。")
            deps = deps[:MAX_GRAPH_ROWS]
        tail.add("| 任务 | 依赖于 | 规则 | 使用之处 | 建立之处 |", "|---|---|---|---|---|")
        for e in deps:
            ev = e.evidence or {}
            est = ev.get("establishes") or {}
            where = (
                site.unit_link(ev.get("unit") or e.source, ev.get("sentence"), label=str(ev.get("text", "")))
                if ev.get("text")
                else ""
            )
            made = (
                site.unit_link(est.get("unit") or e.target, est.get("sentence"), label=str(est.get("text", "")))
                if est.get("text")
                else ""
            )
            tail.add(
                f"| {site.unit_link(e.source, label=site.long_label(e.source))} "
                f"| {site.unit_link(e.target, label=site.long_label(e.target))} "
                f"| {esc(rule_zh(e.rule))} | {where} | {made} |"
            )
        tail.add("")
    struct = [e for e in edges if e.type in ("refers_to", "illustrates")]
    if struct:
        struct = sorted(struct, key=lambda e: (site.order.get(e.source, 0), site.order.get(e.target, 0)))
        tail.add("## 结构关系（引用、说明）", "")
        tail.add("| 来源 | 关系 | 指向 | 规则 |", "|---|---|---|---|")
        for e in struct[:MAX_GRAPH_ROWS]:
            tail.add(
                f"| {site.unit_link(e.source, label=site.long_label(e.source))} | {esc(edge_zh(e.type))} "
                f"| {site.unit_link(e.target, label=site.long_label(e.target))} | {esc(rule_zh(e.rule))} |"
            )
        tail.add("")
    rel = [e for e in edges if e.type == "related" and e.source in site.units and e.target in site.units]
    if rel:
        from kb.site.graphsvg import RELATED_PER_NODE

        best: dict[str, list] = {}
        for i, e in enumerate(rel):
            for n in (e.source, e.target):
                best.setdefault(n, []).append((-(e.weight or 0.0), i))
        chosen = sorted(
            {i for ranks in best.values() for _, i in sorted(ranks)[:RELATED_PER_NODE]},
            key=lambda i: (site.order.get(rel[i].source, 0), site.order.get(rel[i].target, 0)),
        )[:MAX_GRAPH_ROWS]
        tail.add("## 相关任务（相似度，不是依赖）", "")
        tail.para(f"两项任务共享少见的实体或词语；每项任务列出最强的 {RELATED_PER_NODE} 条，图中不画。")
        tail.add("| 任务 | 任务 | 共享 |", "|---|---|---|")
        for i in chosen:
            e = rel[i]
            shared = "、".join((e.evidence or {}).get("shared", [])[:5])
            tail.add(
                f"| {site.unit_link(e.source, label=site.long_label(e.source))} "
                f"| {site.unit_link(e.target, label=site.long_label(e.target))} | {esc(shared)} |"
            )
        tail.add("")
    return head, tail
