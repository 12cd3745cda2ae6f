"""``contains`` and ``mentions`` edges: the outline's nesting and the extraction's mentions."""

from __future__ import annotations

import re
from collections import defaultdict

from kb.link.common import _ev, _Ids, _sentence_with
from kb.model import Chapter, Document, Edge, Mention, Paragraph, Task


def _contains(ids: _Ids, doc: Document) -> list[Edge]:
    out = []
    chapters = {c.id: c for c in doc.chapters}
    for c in doc.chapters:
        parent = ids(doc, c.parent) if c.parent in chapters else doc.id
        text = c.title or c.label
        out.append(Edge(parent, ids(doc, c.id), "contains", _ev(ids, doc, c.id, c.id, text)))
    units: list[Task | Paragraph] = [*doc.tasks, *doc.paragraphs]
    for t in units:
        parent = ids(doc, t.chapter) if t.chapter in chapters else doc.id
        if t.sentences:
            s = t.sentences[0]
            out.append(Edge(parent, ids(doc, t.id), "contains", _ev(ids, doc, t.id, s.id, s.text)))
    for tb in doc.indicator_tables:
        parent = ids(doc, tb.chapter) if tb.chapter in chapters else doc.id
        for r in tb.rows:
            if r.sentences:
                s = r.sentences[0]
                out.append(Edge(parent, ids(doc, r.id), "contains", _ev(ids, doc, r.id, s.id, s.text)))
    return out


def _mentions(ids: _Ids, doc: Document) -> list[Edge]:
    out = []
    for u in doc.units():
        first: dict[str, Mention] = {}
        count: dict[str, int] = defaultdict(int)
        for m in u.mentions:
            count[m.entity] += 1
            first.setdefault(m.entity, m)
        for ent, m in first.items():
            s = next((s for s in u.sentences if s.id == m.sentence), None)
            if s is None or m.text not in s.text:
                s = _sentence_with(u, m.text)
            if s is None:
                continue  # a mention we cannot cite is not shown as an edge
            out.append(
                Edge(ids(doc, u.id), ent, "mentions", _ev(ids, doc, u.id, s.id, m.text), weight=float(count[ent]))
            )
    return out


# --------------------------------------------------------------------------- measures


# --------------------------------------------------------------------------- refers_to

_NUM = "0-9０-９一二三四五六七八九十百"
_BOX_REF = re.compile(rf"(?:详见|参见|见)专栏\s*([{_NUM}]+)")
_PART_REF = re.compile(rf"本(?:规划|方案|计划|意见)(?:的)?(第[{_NUM}]+(?:部分|章|节|条)|[（(][{_NUM}]+[）)])")
_PRIOR_REF = re.compile(r"(?:上述|前述)")
# 见 opening a reference, not the end of 意见 (填写征求意见表1份 names a form)
_TABLE_REF = re.compile(rf"(?:详见|参见|(?<!意)见)(附?表)\s*([{_NUM}]+)")


def _norm_num(s: str) -> str:
    return s.translate(str.maketrans("０１２３４５６７８９", "0123456789")).strip()


def _refers_to(ids: _Ids, doc: Document, units=None) -> list[Edge]:
    """``refers_to``: a unit that points at another part of the plan explicitly, when the target
    can be resolved: 见专栏N (the unit, chapter or table titled 专栏N), 见表N/见附表N (the table printed
    with that label), 本规划第X部分/章 (the chapter
    labelled X), 上述/前述 + a thing an earlier unit establishes (its name as written).
    Evidence cites the referring sentence and phrase; ``target_text`` is what was resolved."""
    from kb.link.dependencies import established

    out: list[Edge] = []
    units = list(units if units is not None else [*doc.tasks, *doc.paragraphs])
    boxes: dict[str, tuple[str, str]] = {}
    for u in units:
        m = re.match(rf"\s*专栏\s*([{_NUM}]+)", u.text)
        if m:
            boxes.setdefault(_norm_num(m.group(1)), (u.id, u.text.split("\n", 1)[0][:40]))
    for c in doc.chapters:
        m = re.match(rf"\s*专栏\s*([{_NUM}]+)", c.heading or c.title or "")
        if m:
            boxes.setdefault(_norm_num(m.group(1)), (c.id, c.title))
    for tb in doc.indicator_tables:
        m = re.search(rf"专栏\s*([{_NUM}]+)", tb.title or "")
        if m:
            boxes.setdefault(_norm_num(m.group(1)), (tb.id, tb.title))
    # tables by their printed label (表3, 附表1): the table's key, or its title's first word
    tables: dict[str, str] = {}
    for tb in doc.indicator_tables:
        for label in (tb.key, tb.id, tb.title or ""):
            m = re.match(rf"\s*(附?表)\s*([{_NUM}]+)", label)
            if m:
                tables.setdefault(m.group(1) + _norm_num(m.group(2)), tb.id)
                break
    chapters: dict[str, Chapter] = {}
    for c in doc.chapters:
        label = _norm_num(c.label)
        chapters.setdefault(label, c)
        chapters.setdefault(label.strip("第章部分（）()"), c)
    earlier: list[tuple[str, str]] = []  # (unit, thing name) in reading order
    # how many units ``earlier`` holds the things of: they are read at a 上述/前述, which most
    # plans rarely write, and reading what a unit establishes is the costly part
    read = 0
    seen: set[tuple[str, str]] = set()

    def add(u, s, phrase, target, target_text):
        if target == u.id or (u.id, target) in seen:
            return
        seen.add((u.id, target))
        out.append(
            Edge(
                ids(doc, u.id),
                ids(doc, target),
                "refers_to",
                _ev(ids, doc, u.id, s.id, phrase, target_text=target_text),
                rule="explicit-reference",
                weight=1.0,
            )
        )

    for k, u in enumerate(units):
        for s in u.sentences:
            for m in _BOX_REF.finditer(s.text):
                box = boxes.get(_norm_num(m.group(1)))
                if box:
                    add(u, s, m.group(0), box[0], box[1])
            for m in _TABLE_REF.finditer(s.text):
                tid = tables.get(m.group(1) + _norm_num(m.group(2)))
                if tid:
                    tb = next(t for t in doc.indicator_tables if t.id == tid)
                    add(u, s, m.group(0), tid, tb.title)
            for m in _PART_REF.finditer(s.text):
                key = _norm_num(m.group(1))
                ch = chapters.get(key) or chapters.get(key.strip("第章部分节条（）()"))
                if ch:
                    add(u, s, m.group(0), ch.id, ch.heading or ch.title)
            for m in _PRIOR_REF.finditer(s.text):
                for v in units[read:k]:
                    earlier.extend((v.id, t.name) for t in established(v) if len(t.name) >= 4)
                read = max(read, k)
                rest = s.text[m.end() : m.end() + 40]
                hit = max(
                    ((uid, name) for uid, name in earlier if uid != u.id and rest.startswith(name)),
                    key=lambda x: len(x[1]),
                    default=None,
                )
                if hit:
                    add(u, s, m.group(0) + hit[1], hit[0], hit[1])
    return out


# --------------------------------------------------------------------------- leads, supports, illustrates


def _responsible(ids: _Ids, doc: Document) -> list[Edge]:
    """``leads`` / ``supports``: actor -> task, from the 责任单位/牵头单位 notes (the actor mentions
    the extraction made of them carry the role); evidence is the note's sentence and the name."""
    out: list[Edge] = []
    for u in doc.units():
        if not u.responsible:
            continue
        noted = {(r.get("name"), r.get("role")) for r in u.responsible}
        seen: set[tuple[str, str]] = set()
        for m in u.mentions:
            if (m.text, m.role) not in noted or (m.entity, m.role or "") in seen:
                continue
            seen.add((m.entity, m.role or ""))
            s = next((s for s in u.sentences if s.id == m.sentence), None) or _sentence_with(u, m.text)
            if s is None:
                continue
            kind = "leads" if m.role == "lead" else "supports"
            out.append(
                Edge(m.entity, ids(doc, u.id), kind, _ev(ids, doc, u.id, s.id, m.text), rule="responsibility-note")
            )
    return out


def _box_owner(box, by_id):
    """The outline node a box belongs to. A box printed at the end of a chapter sits after the
    chapter's last item, so the outline nests it there; when its title names an enclosing
    section instead (专栏1 构筑文物安全防护体系 under 三、构筑文物安全防护体系 › 8.完善安全应急管理),
    that section is its owner. Otherwise the node it is nested in."""
    title = re.sub(r"^专栏\s*[0-9０-９一二三四五六七八九十]*[:：、.\s]*", "", box.title or "").strip()
    node = by_id.get(box.parent)
    first = node
    while node is not None and len(title) >= 4:
        own = re.split(r"[，,：:；;]", node.title or "", maxsplit=1)[0].strip()
        if len(own) >= 4 and (title.startswith(own) or own.startswith(title)):
            return node
        node = by_id.get(node.parent)
    return first


def _illustrates(ids: _Ids, doc: Document) -> list[Edge]:
    """``illustrates``: a 专栏 box -> the task (or chapter) it sits in, from the outline, or the
    enclosing section its title names (:func:`_box_owner`)."""
    by_id = {n.id: n for n in doc.outline}
    units = {u.id: u for u in doc.units()}
    chapters = {c.id for c in doc.chapters}
    out: list[Edge] = []
    for n in doc.outline:
        if n.kind != "box" or n.parent is None:
            continue
        # a section is represented by its lead-in paragraph when it has one (the drawing's node)
        parent = _box_owner(n, by_id)
        target = parent.unit if parent is not None and parent.unit in units else (parent.id if parent else n.parent)
        source = n.unit or n.id
        if target not in units and target not in chapters:
            continue
        u = units.get(source)
        s = u.sentences[0] if u is not None and u.sentences else None
        text = s.text if s is not None else (n.title or n.label)
        out.append(
            Edge(
                ids(doc, source),
                ids(doc, target),
                "illustrates",
                _ev(ids, doc, source, s.id if s else source, text),
                rule="box-in-outline",
            )
        )
    return out
