"""Layout repair for text extracted from PDF / Word / web pages, run BEFORE outlining.

:func:`reflow` returns a :class:`Reflowed` with the repaired ``text``, the list of ``repairs``
(every change is reported, with its 1-based source line and the removed/changed text) and
:meth:`Reflowed.line_of` mapping an offset of the repaired text back to a source line.

Repairs (only when the text looks PDF-wrapped: many non-blank lines of similar display width
that end mid-sentence, few blank lines):

* ``page-number``: a line that is only a page number (``12``, ``- 12 -``, ``— 12 —``,
  ``第12页``) is removed; the numbers must be small and rise through the document. A page number
  glued to the start of a line (``12待观众…``) is removed when it is the next expected number.
* ``running-header``: a short line repeated on three or more pages is removed.
* ``pdf-line-join``: a line that fills the page width and does not end a sentence is joined with
  the next line (across removed page numbers/headers), unless the next line starts a heading,
  a box, a table caption or a 目录 line.
* ``stray-space``: spaces inside CJK text are removed in joined prose and in heading lines
  (``十四五 ”``, ``2025 年``, ``文 物 保 护 单 位``); spaces in short lines that are not headings
  (flattened table rows, where spaces separate cells) are kept except in letter-spaced runs and
  next to CJK quotes/brackets.
* ``toc``: a 目录 (table of contents with dot leaders and page numbers) is kept as it is and
  reported, so that the outline treats it as front matter; it never takes part in joins.

Text that is not PDF-like (one paragraph per line, blank lines between paragraphs, ideographic
indentation) is returned unchanged with no repairs, so reflow is safe on every input.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field

from kb.parse.outline import BOX_RE, TABLE_CAP_RE, TOC_HEAD_RE, TOC_LINE_RE, _heading


@dataclass
class Repair:
    kind: str  # pdf-line-join | page-number | running-header | toc | stray-space
    line: int  # 1-based source line
    removed: str = ""  # the removed text ("\n" for a join)
    detail: str = ""


@dataclass
class Reflowed:
    text: str
    repairs: list = field(default_factory=list)
    pdf_like: bool = False
    _starts: list = field(default_factory=list, repr=False)  # offsets in text where a source line's content starts
    _lines: list = field(default_factory=list, repr=False)

    def line_of(self, offset: int) -> int:
        """The 1-based source line of an offset in the repaired text."""
        if not self._starts:
            return 1 + self.text.count("\n", 0, max(0, offset))
        i = bisect.bisect_right(self._starts, offset) - 1
        return self._lines[max(i, 0)]


def _width(s: str) -> int:
    return sum(1 if ord(c) < 0x1100 else 2 for c in s if c != " ")


def _is_cjk(c: str) -> bool:
    o = ord(c)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF


_CJK_PUNCT = set("，。、；：？！“”‘’（）《》【】…—·")
_PAGE_RE = re.compile(r"^[ \t\u3000]*(?:[-—－–]\s*)?(?:第\s*)?([0-9]{1,3})(?:\s*页)?(?:\s*[-—－–])?[ \t\u3000]*$")
_SENT_END = set("。！？：:；;")


def _toc_lines(lines: list) -> set:
    out: set[int] = set()
    k = 0
    while k < len(lines):
        if TOC_HEAD_RE.match(lines[k]):
            j = k + 1
            while j < len(lines) and (not lines[j].strip() or TOC_LINE_RE.search(lines[j])):
                j += 1
            out.update(range(k, j))
            k = j
            continue
        if TOC_LINE_RE.search(lines[k]):
            out.add(k)
        k += 1
    return out


def _pdf_like(lines: list, toc: set) -> tuple:
    body = [(k, ln) for k, ln in enumerate(lines) if ln.strip() and k not in toc]
    if len(body) < 20:
        return False, 0
    blank = sum(1 for ln in lines if not ln.strip())
    if blank > 0.15 * len(body):
        return False, 0
    widths = Counter(_width(ln.strip()) for _, ln in body if _width(ln.strip()) >= 30)
    if not widths:
        return False, 0
    # the page width: the most common width band of long lines
    best_w, best_c = 0, 0
    for w in widths:
        c = sum(v for x, v in widths.items() if w - 4 <= x <= w)
        if c > best_c or (c == best_c and w > best_w):
            best_w, best_c = w, c
    if best_w > 100:
        return False, 0
    full_mid = sum(
        1 for _, ln in body if best_w - 6 <= _width(ln.strip()) <= best_w + 4 and ln.strip()[-1] not in "。！？"
    )
    return full_mid >= 10 and full_mid >= 0.3 * len(body), best_w


def _starts_block(s: str) -> bool:
    s = s.strip()
    return bool(
        _heading(s) or BOX_RE.match(s) or TABLE_CAP_RE.match(s) or TOC_LINE_RE.search(s) or TOC_HEAD_RE.match(s)
    )


def _fix_spaces(s: str, prose: bool) -> tuple:
    """(new text, list of removed-space positions) for one line or joined paragraph."""
    out = []
    removed = 0
    n = len(s)
    i = 0
    # letter-spaced runs: 3+ single CJK chars separated by single spaces
    s2 = re.sub(
        r"(?<![^\s])((?:[\u4e00-\u9fff] ){2,}[\u4e00-\u9fff])(?!\S)|((?:[\u4e00-\u9fff] ){3,}[\u4e00-\u9fff])",
        lambda m: m.group(0).replace(" ", ""),
        s,
    )
    removed += len(s) - len(s2)
    s = s2
    n = len(s)
    while i < n:
        c = s[i]
        if c == " ":
            j = i
            while j < n and s[j] == " ":
                j += 1
            a = s[i - 1] if i else ""
            z = s[j] if j < n else ""
            drop = False
            if a and z:
                if prose:
                    drop = not (a.isascii() and a.isalnum() and z.isascii() and z.isalnum())
                else:
                    drop = (
                        (a in "“（《【" or z in "”）》】，。、；：")
                        or (z in "“" and _is_cjk(a))
                        or (a in "”" and _is_cjk(z))
                    )
            if drop:
                removed += j - i
                i = j
                continue
            out.append(s[i:j])
            i = j
            continue
        out.append(c)
        i += 1
    return "".join(out), removed


def reflow(text: str) -> Reflowed:
    lines = text.split("\n")
    toc = _toc_lines(lines)
    pdf, width = _pdf_like(lines, toc)
    if not pdf:
        r = Reflowed(text=text)
        pos = 0
        for i, ln in enumerate(lines):
            r._starts.append(pos)
            r._lines.append(i + 1)
            pos += len(ln) + 1
        return r
    repairs = []
    for k in sorted(toc):
        if TOC_HEAD_RE.match(lines[k]):
            n_toc = sum(1 for x in toc if x > k)
            repairs.append(Repair("toc", k + 1, "", f"table of contents kept as front matter ({n_toc} lines)"))
    drop = set()
    # page numbers: rising small numbers on their own lines
    last = 0
    for k, ln in enumerate(lines):
        if k in toc:
            continue
        m = _PAGE_RE.match(ln)
        if m and ln.strip():
            v = int(m.group(1))
            if last < v <= last + 3 or (last == 0 and v <= 5):
                drop.add(k)
                repairs.append(Repair("page-number", k + 1, ln))
                last = v
    # running headers / footers: short identical lines repeated next to page breaks 3+ times
    pn = sorted(drop)

    def near_page(k):
        i = bisect.bisect_left(pn, k - 2)
        return i < len(pn) and abs(pn[i] - k) <= 2 or k <= 1

    cnt = Counter(
        ln.strip() for k, ln in enumerate(lines) if ln.strip() and k not in toc and k not in drop and near_page(k)
    )
    for k, ln in enumerate(lines):
        s = ln.strip()
        if (
            s
            and k not in toc
            and k not in drop
            and cnt[s] >= 3
            and near_page(k)
            and _width(s) <= 60
            and not _heading(s)
            and not re.search(r"[。，；：]", s)
            and s[0] not in "）)”》"
            and len(s) >= 4
        ):
            drop.add(k)
            repairs.append(Repair("running-header", k + 1, ln))
    # a page number glued to a line start: the next expected number
    pages = sorted(int(m.group(1)) for k in drop if (m := _PAGE_RE.match(lines[k])))
    glued = {}
    expected = set(p + 1 for p in pages) - set(pages)
    for k, ln in enumerate(lines):
        if k in toc or k in drop:
            continue
        m = re.match(r"^([0-9]{1,3})(?=[\u4e00-\u9fff“（])", ln)
        if (
            m
            and int(m.group(1)) in expected
            and ln[m.end()] not in "年月日万亿元个项家人次倍米亩"
            and k > 0
            and lines[k - 1].strip()
            and lines[k - 1].strip()[-1] not in "。！？"
        ):
            glued[k] = m.group(1)
            expected.discard(int(m.group(1)))
            repairs.append(Repair("page-number", k + 1, m.group(1), "glued to the line start"))
    # join full-width lines that do not end a sentence
    keep = [k for k in range(len(lines)) if k not in drop]
    out_parts = []  # (text, source line) pieces; "\n" separators included as text
    starts, srcl = [], []
    pos = 0
    para: list[tuple[int, str]] = []  # (line index, text)

    def flush():
        nonlocal pos
        if not para:
            return
        joined = len(para) > 1
        is_head = bool(_starts_block(para[0][1]))
        pieces = []
        for idx, (k, t) in enumerate(para):
            if k in toc:
                pieces.append((k, t))
                continue
            if idx == 0 and not joined and not is_head:
                new, rem = _fix_spaces(t, prose=False)
            else:
                new, rem = _fix_spaces(t, prose=True)
            if rem:
                repairs.append(Repair("stray-space", k + 1, t, f"{rem} space(s) removed"))
            pieces.append((k, new))
        for idx, (k, t) in enumerate(pieces):
            if idx > 0:
                repairs.append(Repair("pdf-line-join", k + 1, "\n", f"joined to line {pieces[idx - 1][0] + 1}"))
            starts.append(pos)
            srcl.append(k + 1)
            out_parts.append(t)
            pos += len(t)
        para.clear()

    first = True
    for k in keep:
        ln = lines[k]
        if k in glued:
            ln = ln[len(glued[k]) :]
        s = ln.strip()
        if para:
            prev_k, prev = para[-1]
            ps = prev.strip()
            full = width - 9 <= _width(ps) <= width + 6
            # a narrower column (a 专栏 box's frame): a line cut mid-word, a character on each side
            boxed = (
                _width(ps) >= width * 0.6
                and re.match(r"[\u4e00-\u9fff]", ps[-1:]) is not None
                and re.match(r"[\u4e00-\u9fff]", s[:1]) is not None
                and " " not in ps.strip()
            )
            full = full or boxed
            head_only = len(para) == 1 and _starts_block(ps) and not re.search(r"[，。；：:]", ps)
            can = (
                full
                and not head_only
                and ps
                and ps[-1] not in "。！？"
                and s
                and prev_k not in toc
                and k not in toc
                and not _starts_block(s)
                and not _PAGE_RE.match(ln)
            )
            if can:
                para.append((k, ln.strip() if para else ln))
                continue
            flush()
            # the separator: one "\n" per source line break between kept lines (dropped lines vanish)
            out_parts.append("\n")
            pos += 1
        elif not first:
            out_parts.append("\n")
            pos += 1
        first = False
        para.append((k, ln))
    flush()
    # dropped lines at the very end / start
    r = Reflowed(text="".join(out_parts), repairs=sorted(repairs, key=lambda r: r.line), pdf_like=True)
    r._starts, r._lines = starts, srcl
    return r
