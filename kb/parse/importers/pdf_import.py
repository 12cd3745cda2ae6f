"""PDF → text: lines in reading order, page numbers and running headers/footers removed, paragraphs
rejoined across hard line breaks and page breaks, ruled tables as TAB rows."""

from __future__ import annotations

import logging
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from kb.errors import KBError
from kb.parse.importers._common import (
    Blocks,
    Imported,
    check_file,
    clean_line,
    fix_chars,
    guess_meta,
    join_wrapped,
    starts_heading,
)

MAX_PAGES = 300
TERMINAL = set("。！？；!?;：:…")
CLOSERS = set("”’」』）)》】")
PAGE_NUMBER = re.compile(
    r"^(?:[-—–－_~·•\s]*[0-9０-９]{1,4}[-—–－_~·•\s]*"
    r"|第\s*[0-9０-９]{1,4}\s*页(?:\s*[,，/]?\s*共\s*[0-9０-９]{1,4}\s*页)?"
    r"|[0-9０-９]{1,4}\s*/\s*[0-9０-９]{1,4}"
    r"|(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?)$",
    re.I,
)


@dataclass
class Line:
    page: int
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


@dataclass
class Table:
    page: int
    top: float
    rows: list[list[str]] = field(default_factory=list)


def _is_password_error(e: BaseException | None) -> bool:
    seen = 0
    while e is not None and seen < 5:
        name = type(e).__name__
        if "Password" in name or "Encrypt" in name or "password" in str(e).lower():
            return True
        inner = [a for a in getattr(e, "args", ()) if isinstance(a, BaseException)]
        e = inner[0] if inner else (e.__cause__ or e.__context__)
        seen += 1
    return False


def _open(p: Path):
    try:
        import pdfplumber
    except ImportError:  # pragma: no cover - a dependency
        raise KBError(f"{p}: reading .pdf needs pdfplumber (pip install pdfplumber)") from None
    with open(p, "rb") as f:
        head = f.read(1024)
    if b"%PDF-" not in head:
        raise KBError(f"{p}: not a PDF file (no %PDF header)")
    try:
        pdf = pdfplumber.open(str(p))
        n = len(pdf.pages)
    except Exception as e:
        if _is_password_error(e):
            raise KBError(f"{p}: encrypted PDF (it needs a password to open); decrypt it first") from None
        raise KBError(f"{p}: not a readable PDF ({type(e).__name__}: {str(e)[:80] or 'corrupt'})") from None
    return pdf, n


def _cell(s) -> str:
    if not s:
        return ""
    out = ""
    for piece in str(s).split("\n"):
        out = join_wrapped(out, piece.strip())
    return clean_line(out)


def _inside(obj, box) -> bool:
    cx = (obj["x0"] + obj["x1"]) / 2
    cy = (obj["top"] + obj["bottom"]) / 2
    return box[0] - 1 <= cx <= box[2] + 1 and box[1] - 1 <= cy <= box[3] + 1


def _read_page(page, i: int) -> tuple[list[Line], list[Table], int]:
    page = page.dedupe_chars()
    nchars = sum(1 for c in page.chars if c["text"].strip())
    tables: list[Table] = []
    boxes = []
    if nchars:
        try:
            found = page.find_tables()
        except Exception:
            found = []
        for t in found:
            rows = [[_cell(c) for c in r] for r in t.extract()]
            rows = [r for r in rows if any(r)]
            if not rows or max(len(r) for r in rows) <= 1:
                continue  # a one-column box (专栏): its text stays in the prose
            boxes.append(t.bbox)
            tables.append(Table(page=i, top=t.bbox[1], rows=rows))
    prose = (
        page.filter(lambda o: not (o.get("object_type") == "char" and any(_inside(o, b) for b in boxes)))
        if boxes
        else page
    )
    lines = []
    for ln in prose.extract_text_lines(strip=True, return_chars=True):
        text = fix_chars(ln["text"])
        if not text.strip():
            continue
        sizes = [c["size"] for c in ln["chars"] if c["text"].strip()] or [10.0]
        lines.append(Line(i, text, ln["x0"], ln["x1"], ln["top"], ln["bottom"], statistics.median(sizes)))
    lines.sort(key=lambda ln: (round(ln.top), ln.x0))
    return lines, tables, nchars


_FW_DIGITS = {0xFF10 + i: str(i) for i in range(10)}


# a running line told apart from a page number by its words: this many letters or CJK characters
_WORDS = re.compile(r"[^\W\d_]")
_MIN_WORDS = 4


def _key(text: str) -> str:
    return re.sub(r"[0-9０-９]+", "#", re.sub(r"\s+", "", text))


def _strip_margins(pages: list[list[Line]], heights: list[float]) -> tuple[int, int, list[str]]:
    """Remove page numbers and running headers/footers in place; return the counts and examples.

    Only the outermost lines of a page are looked at (a second one only once the first was
    removed). A running line comes back at the same height on most pages, verbatim or with a
    number that grows with the page."""
    n = len(pages)
    sizes = [ln.size for pg in pages for ln in pg]
    body_size = statistics.median(sizes) if sizes else 0.0

    def edges(lines, h):
        # the outermost line, and the one inside it when it is set apart by its size (a body line
        # that merely recurs, such as a paragraph's last line, is never a running header)
        top = [
            ln
            for k, ln in enumerate(lines[:2])
            if ln.top < 0.15 * h and (k == 0 or abs(ln.size - body_size) > 0.5 or PAGE_NUMBER.match(ln.text.strip()))
        ]
        bottom = [
            ln
            for k, ln in enumerate(reversed(lines[-2:]))
            if ln.bottom > 0.85 * h and (k == 0 or abs(ln.size - body_size) > 0.5 or PAGE_NUMBER.match(ln.text.strip()))
        ]
        return top, bottom

    def pos(ln: Line) -> int:
        return round(ln.top / 4)

    exact: Counter = Counter()
    numbered: dict[tuple, list[tuple[int, list[int]]]] = {}
    for idx, (lines, h) in enumerate(zip(pages, heights)):
        seen = set()
        for side in edges(lines, h):
            for ln in side:
                raw = re.sub(r"\s+", "", ln.text)
                if (raw, pos(ln)) in seen:
                    continue
                seen.add((raw, pos(ln)))
                exact[(raw, pos(ln))] += 1
                nums = [int(x) for x in re.findall(r"[0-9]+", raw.translate(_FW_DIGITS))]
                if nums:
                    numbered.setdefault((_key(ln.text), pos(ln)), []).append((idx, nums))
    need = max(2, (n + 1) // 2)
    running = {k for k, c in exact.items() if c >= need and n >= 2}
    for key, occ in numbered.items():
        if len(occ) < need or n < 2:
            continue
        if len(_WORDS.findall(key[0])) >= _MIN_WORDS:
            # the same words with other numbers: a printed date and time that ticked over while the
            # pages were printed ("7:40 PM" on some pages, "7:41 PM" on the rest), an issue date
            running.add(key)
            continue
        width = min(len(nums) for _, nums in occ)
        for j in range(width):
            offsets = Counter(nums[j] - idx for idx, nums in occ)
            if offsets.most_common(1)[0][1] >= need:
                running.add(key)
                break

    removed_pn = removed_run = 0
    examples: list[str] = []
    for idx, (lines, h) in enumerate(zip(pages, heights)):
        drop = set()
        for side in edges(lines, h):
            for ln in side:
                t = ln.text.strip()
                raw = re.sub(r"\s+", "", t)
                if PAGE_NUMBER.match(t):
                    removed_pn += 1
                elif (raw, pos(ln)) in running or (_key(t), pos(ln)) in running:
                    removed_run += 1
                    if len(examples) < 2 and t not in examples:
                        examples.append(t)
                else:
                    break  # the next line inwards is body text
                drop.add(id(ln))
        pages[idx] = [ln for ln in lines if id(ln) not in drop]
    return removed_pn, removed_run, examples


def _mode_bucket(values: list[float], width: float = 1.0) -> float | None:
    if not values:
        return None
    c = Counter(round(v / width) for v in values)
    return c.most_common(1)[0][0] * width


class _Flow:
    """Decides where a paragraph ends between two consecutive prose lines."""

    def __init__(self, lines: list[Line]):
        body = [ln for ln in lines if len(ln.text) >= 2]
        self.size = statistics.median([ln.size for ln in body]) if body else 10.0
        xs = sorted(ln.x0 for ln in body)
        self.left = xs[0] if xs else 0.0
        if xs:
            c = Counter(round(x) for x in xs)
            floor = max(2, len(xs) // 20)
            for x in sorted(c):
                if c[x] >= floor:
                    self.left = float(x)
                    break
        x1s = sorted(ln.x1 for ln in body)
        self.right = x1s[int(len(x1s) * 0.95)] if x1s else 0.0
        ratios: list[float] = []
        for a, b in zip(lines, lines[1:]):
            if a.page == b.page and abs(a.size - b.size) < 0.5 and b.top > a.top:
                ratios.append((b.top - a.top) / a.size)
        self.pitch: float | None = None
        if ratios:
            rc = Counter(round(r, 1) for r in ratios)
            floor = max(2, len(ratios) // 10)
            for r in sorted(rc):
                if rc[r] >= floor:
                    self.pitch = r
                    break
        self.gap_doc = False
        if self.pitch:
            pitch = self.pitch
            self.gap_doc = sum(1 for r in ratios if r > pitch * 1.3) >= 2
        indented = sum(1 for ln in body if 1.5 * ln.size <= ln.x0 - self.left <= 2.6 * ln.size)
        self.indent_doc = indented >= max(3, len(body) // 20)

    def breaks(self, a: Line, b: Line) -> bool:
        if starts_heading(b.text):
            return True
        if abs(a.size - b.size) > 0.12 * max(a.size, b.size):
            return True
        if b.x0 > self.left + 1.2 * b.size:
            return True  # first-line indent, or a centred line
        if a.x1 < self.right - 3 * a.size:
            return True  # a short line ends its paragraph
        last = a.text.rstrip()[-1:]
        if a.page == b.page and self.pitch:
            if (b.top - a.top) / a.size > self.pitch * 1.3:
                return True
            if self.gap_doc:
                return False
        if self.indent_doc and a.page == b.page:
            return False
        stripped = a.text.rstrip()
        while stripped and stripped[-1] in CLOSERS:
            stripped = stripped[:-1]
        return bool(stripped) and (stripped[-1] in TERMINAL or last in TERMINAL)


def import_pdf(path) -> Imported:
    p = check_file(path)
    for name in ("pdfminer", "pdfplumber"):
        logging.getLogger(name).setLevel(logging.ERROR)
    pdf, n = _open(p)
    try:
        return _read(p, pdf, n)
    except KBError:
        raise
    except Exception as e:
        if _is_password_error(e):
            raise KBError(f"{p}: encrypted PDF (it needs a password to open); decrypt it first") from None
        raise KBError(f"{p}: cannot read this PDF ({type(e).__name__}: {str(e)[:80]})") from None
    finally:
        pdf.close()


def _read(p: Path, pdf, n: int) -> Imported:
    if n == 0:
        raise KBError(f"{p}: the PDF has no pages")
    if n > MAX_PAGES:
        raise KBError(f"{p}: {n} pages is more than the {MAX_PAGES} allowed for one plan; split it")
    pages: list[list[Line]] = []
    heights: list[float] = []
    tables: list[Table] = []
    total_chars = 0
    images = 0
    for i, page in enumerate(pdf.pages):
        lines, tbls, nchars = _read_page(page, i)
        total_chars += nchars
        images += len(page.images)
        pages.append(lines)
        heights.append(float(page.height))
        tables.extend(tbls)
        page.flush_cache() if hasattr(page, "flush_cache") else None
    if total_chars < 5 * n:
        why = "no text layer (scanned PDF); OCR is not supported" if images or total_chars == 0 else "almost no text"
        raise KBError(f"{p}: {why}")
    pn, run, examples = _strip_margins(pages, heights)
    lines = [ln for pg in pages for ln in pg]
    flow = _Flow(lines)

    # merge prose lines and tables into one reading-order stream
    items: list = []
    by_page: dict[int, list] = {}
    for ln in lines:
        by_page.setdefault(ln.page, []).append((ln.top, 0, ln))
    for t in tables:
        by_page.setdefault(t.page, []).append((t.top, 1, t))
    for i in sorted(by_page):
        items.extend(x[2] for x in sorted(by_page[i], key=lambda x: (x[0], x[1])))

    out = Blocks()
    cur: Line | None = None
    text = ""
    joins = 0
    for it in items:
        if isinstance(it, Table):
            if cur is not None:
                out.para(text)
                cur, text = None, ""
            out.table(it.rows)
            continue
        if cur is not None and not flow.breaks(cur, it):
            text = join_wrapped(text, it.text.strip())
            joins += 1
        else:
            if cur is not None:
                out.para(text)
            text = it.text.strip()
        cur = it
    if cur is not None:
        out.para(text)
    if not out.blocks:
        raise KBError(f"{p}: no text found in the PDF")

    notes = [
        f"pdf: {n} pages, {len(lines)} text lines rejoined into {len(out.blocks) - out.tables} paragraphs "
        f"({joins} line breaks removed)"
    ]
    if out.tables:
        notes.append(
            f"{out.tables} ruled tables ({out.table_rows} rows) as TAB-separated rows; merged cells left empty"
        )
    if pn:
        notes.append(f"{pn} page-number lines removed")
    if run:
        notes.append(f"{run} running header/footer lines removed (e.g. {examples[0]!r})")
    if pdf.doc.encryption is not None if hasattr(pdf, "doc") else False:
        notes.append("the PDF is encrypted with an empty user password (permissions only); text read")
    if images:
        notes.append(f"{images} images ignored (no OCR)")

    meta: dict = {}
    info = pdf.metadata or {}
    title = info.get("Title")
    if isinstance(title, bytes):
        title = title.decode("utf-8", "ignore")
    if isinstance(title, str):
        title = re.sub(r"^Microsoft Word\s*-\s*", "", title).strip()
        title = re.sub(r"\.(docx?|wps|pdf)$", "", title, flags=re.I)
        if title and not re.fullmatch(r"[\w\-. ]+", title, flags=re.A):  # a file name or 'untitled' is no title
            meta["title"] = clean_line(title)
    meta = guess_meta(out.lines(), meta)
    return Imported(text=out.text(), meta=meta, notes=notes, format="pdf")
