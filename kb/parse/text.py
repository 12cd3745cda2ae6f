"""Segment a normalized plan text into chapters, numbered tasks, sentences and indicator tables.

The parser reads line by line. Each line is a heading (篇/章/节, ``一、``, ``（一）``), a numbered
task item (``14. ``, ``１４．``, ``1、``), a line of an indicator table (title ending in 指标,
``具体指标<TAB>发展目标`` header, ``N.name<TAB>target`` rows), or prose. Prose after a task is
part of that task; prose elsewhere becomes a paragraph unit. The layout blocks tile the
normalized text exactly, so nothing is lost (:func:`check_lossless`).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Optional

from kb.ids import FW_DIGITS
from kb.model import Block, Chapter, Document, IndicatorRow, IndicatorTable, Paragraph, Sentence, Task, Unit
from kb.parse.normalize import Normalized, normalize_text, read_file

CN_NUM = "一二三四五六七八九十百零〇两"

SECTION_RE = re.compile(rf"^第([{CN_NUM}0-9０-９]+)([篇章节])\s*(.*)$")
CHAPTER_RE = re.compile(rf"^([{CN_NUM}]+)[、．]\s*(.*)$")
SUBSECTION_RE = re.compile(rf"^[（(]([{CN_NUM}]+)[）)]\s*(.*)$")
ITEM_RE = re.compile(r"^([0-9０-９]{1,3})\s*[.．、](?![0-9０-９])\s*(.*)$")
ROW_RE = re.compile(r"^([0-9０-９]{1,3})\s*[.．、](?![0-9０-９])\s*([^\t]*)\t+(.*)$")
QUOTED_RE = re.compile(r"“([^”]{1,20})”")

LEVELS = {"篇": 1, "章": 2, "节": 3}
CHAPTER_LEVEL = 4
SUBSECTION_LEVEL = 5

SENT_END = set("。！？；;!?")
CLOSERS = set("”’」』）)》】\"'")
OPEN_CLOSE = {"“": "”", "‘": "’", "「": "」", "『": "』", "（": "）", "(": ")", "《": "》", "【": "】"}
TITLE_MAX = 60


def cn_to_int(s: str) -> Optional[int]:
    """Chinese or Arabic numeral to int: 十四 -> 14, 二十一 -> 21, 一百零五 -> 105, １４ -> 14."""
    s = s.translate(FW_DIGITS)
    if s.isdigit():
        return int(s)
    total, cur = 0, 0
    for ch in s:
        if ch in "零〇":
            cur = 0
        elif ch in "一二三四五六七八九":
            cur = "一二三四五六七八九".index(ch) + 1
        elif ch == "两":
            cur = 2
        elif ch == "十":
            total += (cur or 1) * 10
            cur = 0
        elif ch == "百":
            total += (cur or 1) * 100
            cur = 0
        else:
            return None
    return total + cur


# --------------------------------------------------------------------------- sentences


def split_sentences(text: str, prefix: str, base: int = 0, start_index: int = 1) -> list[Sentence]:
    """Sentences of ``text``: split after 。！？；; (with any closing quotes), and at line ends,
    never inside quotes or brackets. A paragraph with unbalanced quotes is split ignoring them.
    Offsets are ``base`` + position in ``text``; leading white space is not part of a sentence."""
    out: list[Sentence] = []
    idx = start_index
    pos = 0
    for para in text.split("\n"):
        for a, b in _split_para(para):
            seg = para[a:b]
            lead = len(seg) - len(seg.lstrip())
            trail = len(seg) - len(seg.rstrip())
            if seg.strip():
                s, e = base + pos + a + lead, base + pos + b - trail
                out.append(Sentence(id=f"{prefix}.s{idx}", text=seg.strip(), start=s, end=e))
                idx += 1
        pos += len(para) + 1
    return out


def _split_para(para: str) -> list[tuple[int, int]]:
    cuts = _cuts(para, use_quotes=True)
    if cuts is None:
        cuts = _cuts(para, use_quotes=False)
    assert cuts is not None  # without quotes there is nothing left unbalanced
    spans, prev = [], 0
    for c in cuts:
        spans.append((prev, c))
        prev = c
    if prev < len(para):
        spans.append((prev, len(para)))
    return spans


def _cuts(para: str, use_quotes: bool) -> Optional[list[int]]:
    stack: list[str] = []
    cuts: list[int] = []
    i, n = 0, len(para)
    while i < n:
        ch = para[i]
        if use_quotes and ch in OPEN_CLOSE:
            stack.append(OPEN_CLOSE[ch])
        elif use_quotes and stack and ch == stack[-1]:
            stack.pop()
        elif ch in SENT_END and not stack:
            j = i + 1
            while j < n and (para[j] in CLOSERS or para[j] in SENT_END):
                j += 1
            cuts.append(j)
            i = j
            continue
        i += 1
    if use_quotes and stack:
        return None
    return cuts


# --------------------------------------------------------------------------- lines


class _Line:
    __slots__ = ("start", "end", "text", "kind", "m")

    def __init__(self, start: int, end: int, text: str):
        self.start, self.end, self.text = start, end, text
        self.kind = ""
        self.m: Optional[re.Match] = None


def _lines(text: str) -> list[_Line]:
    out, pos = [], 0
    for raw in text.split("\n"):
        out.append(_Line(pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return out


def _is_table_title(s: str) -> bool:
    s = s.strip()
    return bool(s) and s.endswith("指标") and len(s) <= 60 and "。" not in s and "\t" not in s


def _is_table_header(s: str) -> bool:
    cells = [c.strip() for c in s.strip().split("\t") if c.strip()]
    return (
        len(cells) >= 2
        and not ITEM_RE.match(s.strip())
        and all(len(c) <= 12 for c in cells)
        and not any(ch in s for ch in "。，,；;")
    )


def _heading_like(rest: str) -> bool:
    """A 一、 or （一） line is a heading when it is short and carries no body sentence."""
    r = rest.strip()
    body = r.rstrip("。")
    return len(r) <= TITLE_MAX and "。" not in body


# --------------------------------------------------------------------------- parse


def parse_text(
    text: str,
    doc_id: str = "doc",
    source: str = "",
    encoding: str = "utf-8",
    title: Optional[str] = None,
    norm: Optional[Normalized] = None,
) -> Document:
    """Parse decoded plan text (it is normalized first unless ``norm`` is given)."""
    if norm is None:
        norm = normalize_text(text, encoding)
    t = norm.text
    doc = Document(
        id=doc_id,
        title=title or doc_id,
        source=source,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        encoding=norm.encoding,
        text=t,
    )
    from kb.parse.document import outline_document

    outline_document(doc, norm)
    if title is None:
        front = next((n for n in doc.outline if n.kind == "front" and n.text.strip()), None)
        first = front.text.strip().split("\n")[0].strip() if front else ""
        if first and len(first) <= TITLE_MAX and not any(c in first for c in "。，,；;"):
            doc.title = first
    return doc


def parse_file(path, doc_id: Optional[str] = None) -> Document:
    """Parse a plan file: plain text, or DOCX, HTML, PDF and Markdown through kb.importers (the
    same outline whichever format the plan was published in)."""
    from kb.importers import SUFFIXES, import_file

    p = Path(path)
    imported = import_file(p) if p.suffix.lower() in SUFFIXES else None
    if imported is None:
        norm = read_file(p)
        title = None
    else:
        norm = normalize_text(imported.text, f"{imported.format} (imported)")
        norm.sha256 = hashlib.sha256(p.read_bytes()).hexdigest()
        title = imported.meta.get("title") or None
    doc = parse_text(
        norm.text,
        doc_id=doc_id or slug(p.stem),
        source=display_path(p),
        encoding=norm.encoding,
        norm=norm,
        title=title,
    )
    doc.sha256 = norm.sha256
    if imported is not None:
        doc.meta = {k: v for k, v in imported.meta.items() if isinstance(v, str) and v}
        doc.notes[:0] = [f"imported from {imported.format.upper()}: {n}" for n in imported.notes]
    return doc


def display_path(p: Path) -> str:
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


def slug(name: str) -> str:
    s = re.sub(r"\s+", "-", name.strip())
    s = re.sub(r"[^\w\-.]", "", s)
    return s or "doc"


class _Parser:
    def __init__(self, doc: Document, norm: Normalized):
        self.doc, self.norm = doc, norm
        self.blocks: list[Block] = []
        self.stack: list[Chapter] = []  # open headings, outermost first
        self.owner: Optional[Unit] = None  # unit that prose continues
        self.table: Optional[IndicatorTable] = None
        self.ids: set[str] = set()
        self.task_numbers: list[int] = []
        self.p_count = 0

    # -- helpers
    def chapter_id(self) -> Optional[str]:
        return self.stack[-1].id if self.stack else None

    def block(self, kind: str, ref: Optional[str], start: int, end: int) -> None:
        if end > start:
            self.blocks.append(Block(kind, ref, start, end))

    def unique(self, base: str) -> str:
        uid, k = base, 2
        while uid in self.ids:
            uid = f"{base}_{k}"
            k += 1
        self.ids.add(uid)
        return uid

    # -- main loop
    def run(self) -> None:
        t = self.doc.text
        lines = _lines(t)
        arabic_tasks = any(ITEM_RE.match(ln.text.strip()) and not ROW_RE.match(ln.text.strip()) for ln in lines)
        pos = 0  # everything before pos is covered by blocks
        first_content = True
        for ln in lines:
            s = ln.text.strip()
            if not s:
                continue
            lead = len(ln.text) - len(ln.text.lstrip())
            cs, ce = ln.start + lead, ln.start + len(ln.text.rstrip())
            if cs > pos:
                self._gap(pos, cs)
            pos = self._line(ln, s, cs, ce, arabic_tasks, first_content)
            first_content = False
        if pos < len(t):
            self._gap(pos, len(t))
        self._finish()

    def _gap(self, a: int, b: int) -> None:
        """White space between content; it stays inside a unit that continues across it."""
        self.block("blank", None, a, b)

    def _line(self, ln: _Line, s: str, cs: int, ce: int, arabic_tasks: bool, first: bool) -> int:
        t = self.doc.text
        # indicator tables ------------------------------------------------------------
        if self.table is not None:
            m = ROW_RE.match(s)
            if m:
                self._row(m, cs, ce)
                return ce
            if _is_table_header(s) and not self.table.rows and not self.table.header:
                self.table.header = [c.strip() for c in s.split("\t") if c.strip()]
                self.block("table_header", self.table.id, cs, ce)
                return ce
            self.table = None
        if _is_table_title(s):
            self._table(s, cs, ce, ln)
            return ce
        if _is_table_header(s) and ("具体指标" in s or "指标" in s.split("\t")[0]):
            self._table(None, cs, ce, ln, header=[c.strip() for c in s.split("\t") if c.strip()])
            return ce
        # headings -----------------------------------------------------------------------
        m = SECTION_RE.match(s)
        if m and len(s) <= TITLE_MAX + 6 and "。" not in s.rstrip("。"):
            self._heading(f"第{m.group(1)}{m.group(2)}", m.group(3), LEVELS[m.group(2)], s, cs, ce, ln)
            return ce
        m = CHAPTER_RE.match(s)
        if m and _heading_like(m.group(2)):
            self._heading(m.group(1), m.group(2), CHAPTER_LEVEL, s, cs, ce, ln)
            return ce
        m = SUBSECTION_RE.match(s)
        if m and _heading_like(m.group(2)):
            self._heading(f"（{m.group(1)}）", m.group(2), SUBSECTION_LEVEL, s, cs, ce, ln)
            return ce
        # tasks ----------------------------------------------------------------------------
        m = ITEM_RE.match(s)
        if m:
            self._task(int(m.group(1).translate(FW_DIGITS)), s, m, cs, ce, ln)
            return ce
        if m is None and not arabic_tasks:
            m2 = SUBSECTION_RE.match(s)
            if m2:
                n = cn_to_int(m2.group(1))
                if n is not None:
                    self._task(n, s, m2, cs, ce, ln)
                    return ce
        # document title ---------------------------------------------------------------
        if first and len(s) <= TITLE_MAX and not any(c in s for c in "。，,；;"):
            self.doc.title = s
            self.block("title", None, cs, ce)
            return ce
        # prose ------------------------------------------------------------------------------
        if isinstance(self.owner, Task):
            u = self.owner
            u.span = (u.span[0], ce)
            u.text = t[u.span[0] : ce]
            # the white space between the two pieces is inside the unit now
            if self.blocks and self.blocks[-1].kind == "blank" and self.blocks[-1].start >= u.span[0]:
                self.blocks[-1].ref = u.id
            self.block(self._kind(u), u.id, cs, ce)
            return ce
        self.p_count += 1
        pid = self.unique(f"P{self.p_count}")
        p = Paragraph(id=pid, text=t[cs:ce], span=(cs, ce), line=self.norm.line_of(cs), chapter=self.chapter_id())
        self.doc.paragraphs.append(p)
        self.owner = p
        self.block("paragraph", pid, cs, ce)
        return ce

    @staticmethod
    def _kind(u: Unit) -> str:
        return "task" if isinstance(u, Task) else "paragraph"

    def _heading(self, label: str, title: str, level: int, s: str, cs: int, ce: int, ln: _Line) -> None:
        while self.stack and self.stack[-1].level >= level:
            self.stack.pop()
        parent = self.stack[-1] if self.stack else None
        base = f"C{label}"
        if base in self.ids and parent is not None:
            base = f"{parent.id}-{label}"
        cid = self.unique(base)
        ch = Chapter(
            id=cid,
            label=label,
            title=title.strip().rstrip("。"),
            level=level,
            parent=parent.id if parent else None,
            heading=s,
            line=self.norm.line_of(cs),
        )
        self.doc.chapters.append(ch)
        self.stack.append(ch)
        self.owner = None
        self.block("heading", cid, cs, ce)

    def _task(self, number: int, s: str, m: re.Match, cs: int, ce: int, ln: _Line) -> None:
        t = self.doc.text
        body_start = cs + (m.start(2) if m.group(2) else len(s))
        tid = self.unique(f"T{number}")
        task = Task(
            id=tid,
            number=number,
            chapter=self.chapter_id(),
            label=t[cs:body_start],
            text=t[body_start:ce],
            span=(body_start, ce),
            line=self.norm.line_of(cs),
        )
        self.doc.tasks.append(task)
        self.task_numbers.append(number)
        if self.stack:
            self.stack[-1].tasks.append(tid)
        self.owner = task
        self.block("task", tid, cs, ce)

    def _table(self, title: Optional[str], cs: int, ce: int, ln: _Line, header=None) -> None:
        key = None
        if title:
            quoted = [q for q in QUOTED_RE.findall(title) if q != "十四五"]
            key = quoted[-1] if quoted else re.sub(r"指标$", "", title.strip()) or None
        if not key:
            key = f"表{len(self.doc.indicator_tables) + 1}"
        tid = self.unique(f"I:{key}")
        after = self.doc.tasks[-1].id if self.doc.tasks else None
        tb = IndicatorTable(
            id=tid,
            key=tid[2:],
            title=title.strip() if title else "",
            after=after,
            chapter=self.chapter_id(),
            header=header or [],
            line=self.norm.line_of(cs),
        )
        self.doc.indicator_tables.append(tb)
        self.table = tb
        self.owner = None
        self.block("table_title" if title else "table_header", tid, cs, ce)

    def _row(self, m: re.Match, cs: int, ce: int) -> None:
        t = self.doc.text
        tb = self.table
        assert tb is not None
        index = int(m.group(1).translate(FW_DIGITS))
        body_start = cs + m.start(2)
        rid = self.unique(f"{tb.id}:{index}")
        name = m.group(2).strip()
        target = m.group(3).strip()
        row = IndicatorRow(
            id=rid,
            index=index,
            name=name,
            target=target,
            text=t[body_start:ce],
            span=(body_start, ce),
            line=self.norm.line_of(cs),
        )
        tb.rows.append(row)
        self.owner = None  # prose after a table is not part of its last row
        self.block("table_row", rid, cs, ce)

    # -- after the last line
    def _finish(self) -> None:
        doc = self.doc
        for task in doc.tasks:
            _title_and_sentences(task)
        for p in doc.paragraphs:
            p.sentences = split_sentences(p.text, p.id)
        for tb in doc.indicator_tables:
            for r in tb.rows:
                _row_sentences(r)
        doc.blocks = self.blocks
        self._notes()

    def _notes(self) -> None:
        doc, norm = self.doc, self.norm
        nums = self.task_numbers
        if nums and nums[0] > 1:
            doc.notes.append(f"continues from an earlier part: tasks 1–{nums[0] - 1} are not in this text")
        top = [c for c in doc.chapters if c.level == CHAPTER_LEVEL and c.parent is None]
        if top:
            first = cn_to_int(top[0].label)
            if first and first > 1:
                doc.notes.append(f"starts at chapter {top[0].label}: the chapters before it are not in this text")
        for gap in numbering_problems(nums):
            doc.notes.append(gap)
        for tb in doc.indicator_tables:
            if tb.chapter is None and doc.chapters and tb.line < doc.chapters[0].line:
                doc.notes.append(
                    f"indicator table {tb.id} comes before the first heading ({doc.chapters[0].label}): "
                    "it closes a part that is not in this text, so it is attached to no chapter"
                )
            if not tb.header:
                doc.notes.append(f"indicator table {tb.id} has no header row (具体指标/发展目标)")
            if not tb.rows:
                doc.notes.append(f"indicator table {tb.id} has no rows")
        for nz in norm.noise:
            doc.notes.append(f"layout noise removed: {nz.marker} (line {nz.line})")
        for j in norm.joins:
            doc.notes.append(f"page break joined: …{j.before}|{j.after}… (lines {j.line_before}–{j.line_after})")
        if not doc.chapters:
            doc.notes.append("no chapter headings found")
        if not doc.tasks:
            doc.notes.append("no numbered tasks found: the text is kept as paragraphs")


def numbering_problems(nums: list[int]) -> list[str]:
    out = []
    seen: set[int] = set()
    for a, b in zip(nums, nums[1:]):
        if b > a + 1:
            missing = f"{a + 1}" if b == a + 2 else f"{a + 1}–{b - 1}"
            out.append(f"task numbering gap: {a} is followed by {b} ({missing} missing)")
        elif b <= a and b != 1:
            out.append(f"task numbering goes back: {a} is followed by {b}")
    for n in nums:
        if n in seen:
            out.append(f"task number {n} is used more than once")
        seen.add(n)
    return out


def _title_and_sentences(task: Task) -> None:
    text = task.text
    sents = split_sentences(text, task.id)
    if sents:
        first = sents[0]
        cand = first.text.rstrip("。；;！？!?")
        if first.text.endswith("。") and 0 < len(cand) <= TITLE_MAX and first.start == 0:
            task.title = cand
    if not task.title:
        task.title = text.strip().split("\n")[0][:20]
    task.sentences = sents


def _row_sentences(row: IndicatorRow) -> None:
    name_end = row.text.index("\t") if "\t" in row.text else len(row.text)
    s1 = [Sentence(id=f"{row.id}.s1", text=row.text[:name_end].strip(), start=0, end=len(row.text[:name_end].rstrip()))]
    tail = row.text[name_end:]
    rest = split_sentences(tail, row.id, base=name_end, start_index=2)
    row.sentences = [s for s in s1 if s.text] + rest
    for i, s in enumerate(row.sentences, 1):
        s.id = f"{row.id}.s{i}"


def check_lossless(doc: Document) -> None:
    """Raise AssertionError unless the layout blocks tile the normalized text exactly and every
    unit's text is the slice its span names."""
    pos = 0
    for b in doc.blocks:
        assert b.start == pos, f"gap or overlap at {pos}: block {b}"
        pos = b.end
    assert pos == len(doc.text), f"blocks end at {pos}, text has {len(doc.text)} characters"
    for u in doc.units():
        assert doc.text[u.span[0] : u.span[1]] == u.text, f"{u.id}: text is not its span"
        for s in u.sentences:
            assert u.text[s.start : s.end] == s.text, f"{s.id}: sentence is not its span"
