"""From the outline to the citable units of a Document.

The outline (kb/parse/outline.py) says what every stretch of text is; this module turns it into
the units the later stages read, so extraction, search, the graph and the site need not know
about heading styles:

- an ``item`` (a numbered task at the outline's leaf level, a 专栏 entry, or a sub-item), and a
  ``section`` with no numbered node below it, become a :class:`Task` whose text is the node's
  own text without its printed number (``14. `` or ``（三）``);
- a ``row`` becomes an :class:`IndicatorRow` of its ``table``'s :class:`IndicatorTable`;
- the body of a part, chapter or section that has children (its lead-in prose after the
  heading line) becomes a :class:`Paragraph` ``<node id>.p``; boxes, paragraphs, front and back
  matter become paragraphs under their own ids;
- parts, chapters and sections with children are the document's :class:`Chapter` list.

The blocks (one per outline node) still tile the normalized text, so ``check_lossless`` holds.
"""

from __future__ import annotations

import re

from kb.model import (
    Block,
    Chapter,
    Document,
    IndicatorRow,
    IndicatorTable,
    OutlineNode,
    Paragraph,
    Task,
    Unit,
)
from kb.parse.normalize import Normalized
from kb.parse.outline import Node, Outline, parse_outline
from kb.parse.reflow import Reflowed, reflow

HEADING_KINDS = ("part", "chapter", "section")
_SEQ_CELL = re.compile(r"[0-9０-９]{1,3}")
ROW_NUMBER = re.compile(r"^([0-9０-９]{1,3})\s*[.．、](?![0-9０-９])\s*")
LABEL_TAIL = "、.．﹒:："
SPACES = " \t\u3000\xa0"
FW = str.maketrans("０１２３４５６７８９", "0123456789")
BLOCK_KIND = {
    "part": "heading",
    "chapter": "heading",
    "section": "heading",
    "item": "task",
    "box": "paragraph",
    "table": "table_title",
    "row": "table_row",
    "paragraph": "paragraph",
    "front": "paragraph",
    "back": "paragraph",
}


class _Lines:
    """Offsets of the repaired text -> 1-based lines of the source file (through the reflow's
    map to normalized lines, then the normalizer's map to source lines)."""

    def __init__(self, norm: Normalized, rf: Reflowed):
        self.norm, self.rf = norm, rf
        self.starts = [0]
        for i, ch in enumerate(norm.text):
            if ch == "\n":
                self.starts.append(i + 1)

    def __call__(self, offset: int) -> int:
        if not self.rf.repairs:
            return self.norm.line_of(offset)
        nl = self.rf.line_of(offset)
        return self.norm.line_of(self.starts[min(max(nl, 1), len(self.starts)) - 1])


def outline_document(doc: Document, norm: Normalized) -> Outline:
    """Fill ``doc`` (text, outline, chapters, units, blocks, notes) from normalized text."""
    rf = reflow(norm.text)
    doc.text = text = rf.text
    ol = parse_outline(text)
    line_of = _Lines(norm, rf)
    _Units(doc, ol, line_of).run()
    _notes(doc, ol, norm, rf)
    return ol


def _body_span(text: str, n: Node, skip_label: bool) -> tuple[int, int]:
    """The node's own text without leading/trailing white space and, if asked, without its
    printed number: the unit's span."""
    a, b = n.start, n.end
    while a < b and text[a].isspace():
        a += 1
    if skip_label and n.label and text.startswith(n.label, a):
        a += len(n.label)
        if a < b and text[a] in LABEL_TAIL:
            a += 1
        while a < b and text[a].isspace():
            a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


class _Units:
    def __init__(self, doc: Document, ol: Outline, line_of: _Lines):
        self.doc, self.ol, self.line_of = doc, ol, line_of
        self.by_id = {n.id: n for n in ol.nodes}
        self.has_children = {n.parent for n in ol.nodes if n.parent and n.kind in ("item", "section")}
        self.tables: dict[str, IndicatorTable] = {}
        self.chapter_of: dict[str, str | None] = {}
        self.last_task: str | None = None

    def enclosing_chapter(self, n: Node) -> str | None:
        p = n.parent
        while p is not None:
            pn = self.by_id[p]
            if pn.kind in HEADING_KINDS and pn.id in self.chapters:
                return pn.id
            p = pn.parent
        return None

    def run(self) -> None:
        doc, text = self.doc, self.doc.text
        self.chapters: dict[str, Chapter] = {}
        for n in self.ol.nodes:
            if n.kind in HEADING_KINDS and (n.kind != "section" or n.id in self.has_children):
                heading = text[n.start : n.end].strip().split("\n")[0]
                self.chapters[n.id] = Chapter(
                    id=n.id, label=n.label, title=n.title, level=n.level, heading=heading, line=self.line_of(n.start)
                )
        for c in self.chapters.values():
            c.parent = self.enclosing_chapter(self.by_id[c.id])
        doc.chapters = list(self.chapters.values())
        self.issuer_lines = _issuer_lines(self.ol.nodes, text)
        for n in self.ol.nodes:
            unit = self.unit_for(n)
            onode = OutlineNode(
                id=n.id,
                kind=n.kind,
                level=n.level,
                label=n.label,
                title=n.title,
                parent=n.parent,
                text=text[n.start : n.end],
                responsible=[dict(r) for r in n.responsible],
                cells=list(n.cells),
                header=list(n.header),
                path=n.path,
                unit=unit.id if unit is not None else None,
                line=self.line_of(n.start),
            )
            doc.outline.append(onode)
            if n.end > n.start:
                doc.blocks.append(Block(BLOCK_KIND.get(n.kind, "paragraph"), onode.unit or n.id, n.start, n.end))

    def _span_unit(self, n: Node, skip_label: bool) -> tuple[int, int] | None:
        a, b = _body_span(self.doc.text, n, skip_label)
        return (a, b) if b > a else None

    def unit_for(self, n: Node) -> Unit | None:
        from kb.parse.sentences import _row_sentences, _title_and_sentences, split_sentences

        doc, text = self.doc, self.doc.text
        path, resp = n.path, [dict(r) for r in n.responsible]
        if n.kind == "item" or (n.kind == "section" and n.id not in self.has_children):
            span = self._span_unit(n, skip_label=True)
            if span is None:
                return None
            t = Task(
                id=n.id,
                text=text[span[0] : span[1]],
                span=span,
                line=self.line_of(n.start),
                number=n.number or 0,
                chapter=self.enclosing_chapter(n),
                title=n.title,
                label=n.label,
                path=path,
                responsible=resp,
            )
            _title_and_sentences(t)
            doc.tasks.append(t)
            self.last_task = t.id
            if t.chapter in self.chapters:
                self.chapters[t.chapter].tasks.append(t.id)
            return t
        if n.kind == "table":
            key = n.id[2:] if n.id.startswith("I:") else (n.label or n.id)
            tb = IndicatorTable(
                id=n.id,
                key=key,
                title=n.title,
                after=self.last_task,
                chapter=self.enclosing_chapter(n),
                header=list(n.header),
                line=self.line_of(n.start),
            )
            self.tables[n.id] = tb
            doc.indicator_tables.append(tb)
            return None
        if n.kind == "row":
            row_table = self.tables.get(n.parent or "")
            span = self._span_unit(n, skip_label=bool(n.label))
            if span is not None and n.label:  # the number may follow a 序号 cell's tab
                m = ROW_NUMBER.match(text[span[0] : span[1]])
                span = (span[0] + m.end(), span[1]) if m else span
            if row_table is None or span is None:
                return None
            cells = list(n.cells)
            r = IndicatorRow(
                id=n.id,
                text=text[span[0] : span[1]],
                span=span,
                line=self.line_of(n.start),
                index=n.number or len(row_table.rows) + 1,
                # the first text cell: a 序号 cell (1, 2…) numbers the row, it does not name it
                name=next((c for c in cells if c.strip() and not _SEQ_CELL.fullmatch(c.strip())), "")
                or next((c for c in cells if c.strip()), ""),
                target="\t".join(cells[1:]),
                path=path,
                responsible=resp,
            )
            _row_sentences(r)
            row_table.rows.append(r)
            return r
        # prose: the lead-in of a heading with children, a box, a paragraph, front or back matter
        if n.kind in HEADING_KINDS:
            first_nl = text.find("\n", n.start, n.end)
            if first_nl < 0:
                return None
            a, b = _body_span(text, Node(**{**n.__dict__, "start": first_nl + 1, "label": ""}), False)
            if b <= a:
                return None
            pid, chapter = f"{n.id}.p", n.id if n.id in self.chapters else self.enclosing_chapter(n)
        else:
            span = self._span_unit(n, skip_label=False)
            if span is None:
                return None
            one_line = text[span[0] : span[1]]
            if (
                n.kind == "front"
                and "\n" not in one_line
                and "。" not in one_line
                and not _addressees(one_line)
                and n.id not in self.issuer_lines
            ):
                return None  # a title, a document number, a date: the document's, not a citable unit
            (a, b), pid, chapter = span, n.id, self.enclosing_chapter(n)
        p = Paragraph(
            id=pid, text=text[a:b], span=(a, b), line=self.line_of(a), chapter=chapter, path=path, responsible=resp
        )
        p.sentences = split_sentences(p.text, p.id)
        doc.paragraphs.append(p)
        return p


_ISSUER_TITLE = re.compile(r"^[^《“\s]{2,40}?关于")
# a line that is one body's name: it ends as the names of bodies end (湖北省文化和旅游厅, 湖北省文物局,
# 上海市普陀区绿化和市容管理局, 国务院办公厅), as an issuer printed on a cover page
_BODY_LINE = re.compile(r"^[^\s，。、：:；《》“”]{2,30}(?:厅|局|委|委员会|部|院|办公室|人民政府|政府)$")
_DATE_LINE = re.compile(
    r"^\s*(?:\d{4}|[〇○零一二三四五六七八九]{4})年[\d一二三四五六七八九十]{1,2}月[\d一二三四五六七八九十]{1,3}日\s*$"
)


def _issuer_lines(nodes: list[Node], text: str) -> set[str]:
    """Front and back lines that name who issues the document, units of their own (their
    mentions are actors): the title line of a notice naming its issuer (国务院关于印发…的通知,
    农业农村部关于落实《…》的实施意见), a cover line that is one body's name (湖北省文物局), and
    the signature line, a short line right before the date (国务院 / 2019年1月24日)."""
    out: set[str] = set()
    for i, n in enumerate(nodes):
        if n.kind not in ("front", "back"):
            continue
        line = text[n.start : n.end].strip()
        if "\n" in line or not line:
            continue
        if n.kind == "front" and (_ISSUER_TITLE.match(line) or _BODY_LINE.match(line)):
            out.add(n.id)
        nxt = nodes[i + 1] if i + 1 < len(nodes) else None
        if (
            nxt is not None
            and len(line) <= 40
            and not re.search(r"[。，、：:；]", line)
            and _DATE_LINE.match(text[nxt.start : nxt.end])
        ):
            out.add(n.id)
    return out


def _addressees(line: str) -> bool:
    """The addressee line of a notice (各省、自治区、直辖市人民政府，国务院各部委、各直属机构：):
    the bodies the document asks to act, a unit of its own (its mentions are actors)."""
    return line.rstrip().endswith(("：", ":")) and len(line.strip()) > 2


def _notes(doc: Document, ol: Outline, norm: Normalized, rf: Reflowed) -> None:
    from kb.parse.sentences import numbering_problems

    notes = doc.notes
    t_ids = [t for t in doc.tasks if t.id == f"T{t.number}"]
    if t_ids and len(t_ids) == len(doc.tasks):
        nums = [t.number for t in doc.tasks]
        if nums[0] > 1:
            notes.append(f"continues from an earlier part: tasks 1–{nums[0] - 1} are not in this text")
        notes.extend(numbering_problems(nums))
    notes.extend(ol.notes)
    for tb in doc.indicator_tables:
        if tb.chapter is None and doc.chapters and tb.line < doc.chapters[0].line:
            notes.append(
                f"indicator table {tb.id} comes before the first heading ({doc.chapters[0].label}): "
                "it closes a part that is not in this text, so it is attached to no chapter"
            )
        if not tb.header:
            notes.append(f"table {tb.id} has no header row")
        if not tb.rows:
            notes.append(f"table {tb.id} has no rows")
    if norm.t2s:
        notes.append(f"traditional characters converted to simplified: {norm.t2s} characters")
    for nz in norm.noise:
        notes.append(f"layout noise removed: {nz.marker} (line {nz.line})")
    for j in norm.joins:
        notes.append(f"page break joined: …{j.before}|{j.after}… (lines {j.line_before}–{j.line_after})")
    kinds: dict[str, int] = {}
    for r in rf.repairs:
        kinds[r.kind] = kinds.get(r.kind, 0) + 1
    for k, c in sorted(kinds.items()):
        notes.append(f"layout repaired: {k} ×{c}")
    if not doc.chapters:
        notes.append("no chapter headings found")
    if not doc.tasks:
        notes.append("no numbered tasks found: the text is kept as paragraphs")
