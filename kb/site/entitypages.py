"""The entity pages of the site: one page per entity (aliases, taxonomy, roles, the units
mentioning it and those naming only a narrower term) and, with several documents, one entity
page per document.

A mixin of :class:`kb.site.pages.Site`, which provides the lookups (``units``, ``entities``,
``names``, ``narrower``, ``key``, ``link``, ``unit_link``, ``sentence_link`` …).
"""

from __future__ import annotations

from collections import Counter, defaultdict

from kb.model import Document, Mention
from kb.site.base import SiteBase
from kb.site.fmt import chapter_label, clause
from kb.site.markdown import Page, esc, link
from kb.site.naming import TYPE_LABELS, doc_file, entity_anchor, entity_file, type_class
from kb.site.render import text_md

ROLE_LABELS = {"lead": "牵头", "partner": "配合", "supervised": "被督促", "beneficiary": "受益"}
MAX_CLAUSES = 3
# with several documents an entity page lists, per document, the count and the first few units;
# the document's own entity page ("ents-<doc>.html") lists them all
MAX_PER_DOC = 5


class EntityPages(SiteBase):
    """Entity pages; mixed into :class:`kb.site.pages.Site`."""

    def entity_page(self, eid: str) -> Page:
        e = self.entities[eid]
        page = Page()
        self.crumbs(page, ("实体", "entities.html"))
        page.add("# " + esc(e.name), "")
        self.meta(
            page,
            esc(TYPE_LABELS.get(e.type, e.type)),
            esc(e.id),
            f"{len(e.units)} 个单元提及",
            "模式发现" if e.discovered else "",
        )
        if e.aliases:
            page.add("## 别名", "", "、".join(esc(a) for a in e.aliases), "")
        broader = [b for b in e.broader]
        narrower = sorted(self.narrower.get(eid, []))
        if broader or narrower:
            page.add("## 上下位", "")
            if broader:
                page.add("- 上位：" + "、".join(self.link(self.names.get(b, b), self.entity_href(b)) for b in broader))
            if narrower:
                page.add("- 下位：" + "、".join(self.link(self.names.get(n, n), self.entity_href(n)) for n in narrower))
            page.add("")
        roles: Counter[str] = Counter()
        for ref in e.units:
            info = self.units.get(self.key(ref) or "")
            if info:
                roles.update(m.role for m in info.unit.mentions if m.entity == eid and m.role)
        if roles:
            page.add(
                "## 角色", "", "、".join(f"{esc(ROLE_LABELS.get(r, r))} ×{n}" for r, n in sorted(roles.items())), ""
            )
        self.duties(page, eid)
        page.add("## 提及的单元", "")
        if not e.units:
            page.add("（无）")
        if self.multi:
            self.grouped_backlinks(page, eid, list(dict.fromkeys(e.units)), "backlink", anchor=True)
        else:
            for ref in e.units:
                self.backlink(page, ref, {eid}, "backlink")
        page.add("")
        heads = self.entity_headings.get(eid, [])
        if heads:  # a chapter whose heading line names it (五、完善技术技能人才保障政策)
            page.add("## 提及的章节标题", "")
            for k in heads:
                page.add("- " + self.link(chapter_label(self.chapters[k][1]), self.chapter_href(k)))
            page.add("")
        # what `kb mentions` adds by default: units naming only a narrower term (快递员 for 新就业形态劳动者)
        below = self.descendants(eid)
        direct = {self.key(r) or r for r in e.units}
        via: dict[str, set[str]] = defaultdict(set)
        for n in below:
            for ref in self.entities[n].units:
                k = self.key(ref) or ref
                if k not in direct:
                    via[k].add(n)
        if via and self.multi:
            page.add("## 经由下位词提及", "")
            self.grouped_backlinks(
                page, eid, sorted(via, key=lambda k: (self.order.get(k, 1 << 30), k)), "backlink-via", anchor=False
            )
            page.add("")
        elif via:
            page.add("## 经由下位词提及", "")
            for k in sorted(via, key=lambda k: (self.order.get(k, 1 << 30), k)):
                self.backlink(
                    page,
                    k,
                    via[k],
                    "backlink-via",
                    note="（" + "、".join(self.names.get(n, n) for n in sorted(via[k])) + "）",
                )
            page.add("")
        return page

    def duties(self, page: Page, eid: str) -> None:
        """What the actor leads (牵头) and supports (配合), per plan, from the leads/supports edges."""
        pairs = self.actor_units.get(eid)  # type: ignore[attr-defined]
        if not pairs:
            return
        page.add("## 责任分工", "")
        n_lead = sum(1 for t, _ in pairs if t == "leads")
        page.para(f"牵头 {n_lead} 项，配合 {len(pairs) - n_lead} 项（据各规划的责任单位注明）。")
        by_doc: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for typ, k in pairs:
            by_doc[self.units[k].doc.id].append((typ, k))
        for doc in self.kb.documents:
            items = by_doc.get(doc.id)
            if not items:
                continue
            if self.multi:
                page.add("### " + link(esc(doc.title), self.plan_file(doc)), "")  # type: ignore[attr-defined]
            for typ, label in (("leads", "牵头"), ("supports", "配合")):
                ks = sorted({k for t, k in items if t == typ}, key=lambda k: self.order.get(k, 1 << 30))
                if not ks:
                    continue
                page.add(f"- {label}（{len(ks)}）：")
                for k in ks:
                    page.add(
                        "  - "
                        + page.mark(
                            "span", self.unit_link(k, label=self.long_label(k)), class_=f"duty-{typ}", data_unit=k
                        )
                    )
            page.add("")

    def grouped_backlinks(self, page: Page, eid: str, refs: list[str], cls: str, anchor: bool) -> None:
        """Units grouped by document: a count and the first :data:`MAX_PER_DOC` units each,
        linked to the document's entity page for the rest (clauses are on the unit pages)."""
        by_doc: dict[str, list[str]] = defaultdict(list)
        loose = []
        for ref in refs:
            info = self.units.get(self.key(ref) or "")
            if info is None:
                loose.append(ref)
            else:
                by_doc[info.doc.id].append(ref)
        for doc in self.kb.documents:
            items = by_doc.get(doc.id)
            if not items:
                continue
            href = doc_file("ents", doc.id) + (f"#{entity_anchor(eid)}" if anchor else "")
            shown = "、".join(self.backlink_item(page, ref, cls) for ref in items[:MAX_PER_DOC])
            more = page.mark("span", esc(f" 等 {len(items)} 个"), class_="meta") if len(items) > MAX_PER_DOC else ""
            page.add(f"- {link(esc(doc.title), href)}（{len(items)}）：{shown}{more}")
        for ref in loose:
            page.add("- " + page.mark("span", esc(ref), class_=cls, data_unit=ref))

    def backlink_item(self, page: Page, ref: str, cls: str) -> str:
        k = self.key(ref) or ref
        info = self.units.get(k)
        href = self.unit_href(k)
        if info is None or href is None:
            return page.mark("span", esc(ref), class_=cls, data_unit=ref)
        # the link itself carries the backlink's attributes: a document's entity page lists
        # tens of thousands of them in a large collection
        return page.mark("a", esc(info.unit.id), href=href, class_=cls, data_unit=ref, title=info.label)

    def doc_entities(self, doc: Document) -> Page:
        """Every entity one document mentions, with all its units there (a multi-document site)."""
        page = Page()
        self.crumbs(page, ("实体", "entities.html"))
        page.add("# 实体 · " + esc(doc.title), "")
        mine = self.doc_entity_units.get(doc.id, {})
        if not mine:
            page.para("本文件没有抽取到实体。")
            return page
        self.meta(page, f"{len(mine)} 个实体")
        for e in self.kb.entities:
            refs = mine.get(e.id)
            if not refs:
                continue
            head = page.mark(
                "span", self.link(e.name, entity_file(e.id)), id=entity_anchor(e.id), class_=f"key {type_class(e.id)}"
            )
            page.add(f"## {head}（{len(refs)}）", "")
            # the entity is named once, on the list, not on each of its (often hundreds of) units
            items = "、".join(self.backlink_item(page, ref, "backlink") for ref in refs)
            page.add(page.mark("span", items, class_="backlinks", data_of=e.id), "")
        return page

    def descendants(self, eid: str) -> list[str]:
        out: list[str] = []
        todo = list(self.narrower.get(eid, []))
        while todo:
            n = todo.pop(0)
            if n not in out and n != eid and n in self.entities:
                out.append(n)
                todo.extend(self.narrower.get(n, []))
        return out

    def backlink(self, page: Page, ref: str, eids: set[str], cls: str, note: str = "") -> None:
        """A list item for a unit that mentions ``eids``, with each clause that does."""
        uid = self.key(ref) or ref
        info = self.units.get(uid)
        page.add(
            "- "
            + page.mark(
                "span",
                page.mark("span", esc(ref), class_="rid")
                + " "
                + self.unit_link(uid)
                + (page.mark("span", esc(note), class_="meta") if note else ""),
                class_=cls,
                data_unit=ref,
            )
        )
        if info is None:
            return
        u = info.unit
        spans: dict[tuple[int, int], Mention] = {}
        for m in sorted((m for m in u.mentions if m.entity in eids), key=lambda m: m.start):
            spans.setdefault(clause(u.text, m.start, m.end), m)
        for (lo, hi), m in list(spans.items())[:MAX_CLAUSES]:
            body = text_md(page, u.text, u.mentions, lo, hi, href_for=self.entity_href, names=self.names, hl=m.entity)
            page.add("  - " + self.sentence_link(uid, m.sentence) + "：" + body)
        if len(spans) > MAX_CLAUSES:
            page.add("  - " + page.mark("span", f"另有 {len(spans) - MAX_CLAUSES} 处", class_="meta"))
