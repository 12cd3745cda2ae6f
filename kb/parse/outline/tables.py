"""Tables in the text: tab-separated, one cell per line/paragraph, PDF-flattened; their rows."""

from __future__ import annotations

import re
from collections import Counter
from typing import Optional

from kb.ids import FW_DIGITS
from kb.parse.outline.cells import _column_names, _group_cells
from kb.parse.outline.headings import (
    ANNEX_RE,
    BACK_LINE_RE,
    BOX_RE,
    FIG_RE,
    NOTE_RE,
    QUOTED_RE,
    TABLE_CAP_RE,
    _heading,
    _is_toc_line,
    _title_like,
)
from kb.parse.outline.responsible import parse_units


def _caption_above_tabs(L, k) -> bool:
    """An indicator-table title (…指标 / …表) with tab-separated rows after a blank line."""
    s = L[k].s
    if not (_title_like(s) and len(s) <= 50 and re.search(r"(指标|表)[ \t\u3000]*$", s)):
        return False
    j = k + 1
    while j < len(L) and not L[j].text.strip():
        j += 1
    return j < len(L) and j - k <= 3 and "\t" in L[j].text.strip()


def _table_after(b, L, k, blank_sep, caption) -> Optional[dict]:
    """The table under the caption at line k: cells one per line/paragraph, or tab-separated rows
    after a blank line (how Word, web and PDF imports lay a caption paragraph above a table)."""
    t = _try_table(b, k + 1, blank_sep, caption=caption)
    if t is None:
        j = k + 1
        while j < len(L) and not L[j].text.strip():
            j += 1
        t = _tab_table(L, j) if j < len(L) and j - k <= 3 and "\t" in L[j].text.strip() else None
        if t and t["first"] != j:  # the line after the blank is itself a caption: not ours
            t = None
    return t


def _annex_ok(s: str) -> bool:
    m = ANNEX_RE.match(s)
    if not m:
        return False
    rest = m.group(2)
    return len(rest) <= 60 and "。" not in rest and (("：" in s or ":" in s) or not rest or m.group(1) != "附件")


def _ind_key(title: str) -> Optional[str]:
    if not re.search(r"指标[ \t\u3000]*$", title):
        return None
    qs = [q for q in QUOTED_RE.findall(title) if not re.fullmatch(r"十[一二三四五六七八九]五", q.strip())]
    return qs[-1].strip() if qs else None


def _blank_separated(L) -> bool:
    nonblank = [k for k in range(len(L)) if L[k].s]
    if not nonblank:
        return False
    followed = sum(1 for k in nonblank if k + 1 < len(L) and not L[k + 1].s)
    return followed >= 0.5 * len(nonblank)


MAX_CELL = 2000


def _ncells(line: str) -> int:
    return len([c for c in line.split("\t") if c.strip()])


def _tab_table(L, k) -> Optional[dict]:
    """A tab-separated table starting at line k: optional caption, header, rows ``N.name<TAB>…``."""
    j = k
    cap = None
    cells0 = [c.strip() for c in L[k].text.split("\t") if c.strip()]
    if len(cells0) <= 1:
        cap = cells0[0] if cells0 else L[k].s
        j = k + 1
    rows_lines = []
    while True:
        while j < len(L) and "\t" in L[j].text.strip() and _ncells(L[j].text) >= 2:
            rows_lines.append(j)
            j += 1
        # a table broken by a page (a PDF import) goes on after blank lines with rows of its width
        g = j
        while g < len(L) and not L[g].text.strip():
            g += 1
        width = max((_ncells(L[r].text) for r in rows_lines), default=0)
        if (
            not rows_lines
            or g == j
            or g >= len(L)
            or "\t" not in L[g].text.strip()
            or not 2 <= _ncells(L[g].text) <= width
            or width - _ncells(L[g].text) > 2
        ):
            break
        j = g
    if not rows_lines:
        return None
    header = []
    hcells = [c.strip() for c in L[rows_lines[0]].text.split("\t") if c.strip()]
    if not re.match(r"^[0-9０-９]", hcells[0]) and all(len(c) <= 16 for c in hcells):
        header = hcells
        body = rows_lines[1:]
    else:
        body = rows_lines
    if not body and not header:
        return None
    rows = [[c.strip() for c in L[r].text.split("\t") if c.strip()] for r in body]
    rows = _merged_first_cells(rows, max((len(r) for r in rows), default=0))
    # a lone tabbed line with neither header nor caption, or a "cell" as long as a page, is prose
    # that happens to hold a tab, not a table
    if (not header and cap is None and len(rows) < 2) or any(len(c) > MAX_CELL for r in rows for c in r):
        return None
    key = _ind_key(cap) if cap else None
    m = TABLE_CAP_RE.match(cap or "")
    label = re.sub(r"[ \u3000]", "", m.group(1)) if m else ""
    title = (m.group(3).strip() if m else (cap or "")).strip()
    return {
        "first": k,
        "end": j,
        "columns": header,
        "rows": rows,
        "row_lines": body,
        "key": key,
        "label": label,
        "title": title,
    }


def _cells_from(L, k, blank_sep) -> list:
    """Cells (text, first line index) from line k on, one per paragraph, until something that
    cannot be a table cell."""
    cells = []
    j = k
    n = len(L)
    while j < n and not L[j].s:
        j += 1
    # cells are blank-line separated here when the first cell is followed by a blank line
    sep_blank = j + 1 < n and not L[j + 1].s
    while j < n:
        if not L[j].s:
            j += 1
            continue
        s = L[j].s
        if _stop_cell(s):
            break
        if sep_blank:
            a = j
            parts = []
            while j < n and L[j].s and (j == a or not _stop_cell(L[j].s)):
                parts.append(L[j].s)
                j += 1
            cells.append(("\n".join(parts), a, j))
        else:
            cells.append((s, j, j + 1))
            j += 1
    return cells


def _stop_cell(s: str) -> bool:
    if (
        "\t" in s
        or NOTE_RE.match(s)
        or FIG_RE.match(s)
        or BOX_RE.match(s)
        or TABLE_CAP_RE.match(s)
        or _is_toc_line(s)
        or BACK_LINE_RE.search(s)
    ):
        return True
    if ANNEX_RE.match(s) and _annex_ok(s) and ("：" in s or ":" in s):
        return True
    h = _heading(s)
    if h and h[0] != "circ" and not h[0].startswith("ar2"):
        return True
    return False


def _try_table(b, k, blank_sep, caption="") -> Optional[dict]:
    L = b.L
    j = k
    while j < len(L) and not L[j].s:
        j += 1
    if j >= len(L):
        return None
    s = L[j].s
    # PDF-flattened: a header of space-separated short cells
    toks = s.split()
    if (
        2 <= len(toks) <= 10
        and all(len(t) <= 12 for t in toks)
        and not any(c in s for c in "。，；")
        and not _heading(s)
    ):
        t = _flat_table(L, j)
        if t:
            return t
    cells = _cells_from(L, j, blank_sep)
    if len(cells) < 4:
        return None
    texts = [c[0] for c in cells]
    # a repeated header is dropped
    got = _group_cells(texts)
    if not got:
        return None
    hdr, ncols, rows = got
    if ncols < 2 or not rows:
        return None
    hn = len(hdr)
    # remove repeated header cells from rows
    clean, rep = [], 0
    flat_hdr = [re.sub(r"\s", "", c) for c in hdr]
    for r in rows:
        rr = [re.sub(r"\s", "", c) for c in r]
        if rr == flat_hdr or (len(rr) >= len(flat_hdr) and rr[: len(flat_hdr)] == flat_hdr and len(flat_hdr) >= 2):
            rep += 1
            r = r[len(flat_hdr) :]
            if not r:
                continue
        # a repeated header glued to the end of a row
        for cut in range(1, len(rr)):
            if len(rr) - cut == len(flat_hdr) and rr[cut:] == flat_hdr:
                r = r[:cut]
                rep += 1
                break
        clean.append(r)
    rows = clean
    # map rows back to cell spans
    row_spans = []
    flat = texts
    ci = hn
    for r in rows:
        # find the row's first cell at or after ci
        while ci < len(flat) and flat[ci] != r[0]:
            ci += 1
        a = cells[min(ci, len(cells) - 1)][1]
        row_spans.append(a)
        ci += len(r)
    return {
        "first": cells[0][1],
        "end": cells[-1][2],
        "columns": _column_names(hdr, ncols, rows),
        "rows": _merged_first_cells(rows, ncols),
        "row_lines": row_spans,
        "repeat": rep,
    }


def _merged_first_cells(rows: list, ncols: int) -> list:
    """A short row whose first cell is not of the first column's kind continues a merged first
    cell (a 年份 spanning two rows in Word): its cells start in the second column."""
    full = [r for r in rows if len(r) == ncols]
    first = {_kind(r[0]) for r in full}
    out = []
    for r in rows:
        if 1 <= len(r) < ncols and len(full) >= 2 and len(first) == 1 and _kind(r[0]) not in first:
            r = [""] + list(r)
        out.append(list(r))
    return out


def _kind(c: str) -> str:
    c = re.sub(r"\s", "", c)
    if re.fullmatch(r"(19|20)\d{2}年?(?:[-—－至~]+(19|20)\d{2}年?)?", c):
        return "year"
    if re.fullmatch(r"[0-9０-９]+[.、．]?", c):
        return "number"
    return "text"


def _flat_table(L, j) -> Optional[dict]:
    """A PDF-flattened table: header line of space-separated names, then rows whose last line
    ends in a repeated attribute word (约束性/预期性 …) or a value; names may wrap over lines."""
    header = L[j].s.split()
    # merge a number and a following 年 etc. ("2025 年")
    merged: list[str] = []
    for t in header:
        if merged and re.fullmatch(r"[年月日%％）)]+", t):
            merged[-1] += " " + t
        else:
            merged.append(t)
    header = merged
    lines = []
    k = j + 1
    while k < len(L):
        s = L[k].s
        if not s:
            k += 1
            continue
        if _stop_cell(s) or "。" in s or len(s) > 40:
            break
        lines.append(k)
        k += 1
    if len(lines) < 2:
        return None
    valre = re.compile(r"^([≥≤<>＞＜]|[0-9][0-9.\-–~%]*|[0-9.]+[-–~][0-9.]+)$")

    def closes(x):
        tk = L[x].s.split()
        return len(tk) >= 2 and valre.match(tk[-2]) and not valre.match(tk[-1])

    lasts = Counter(L[x].s.split()[-1] for x in lines if closes(x))
    terms = {t for t, c in lasts.items() if c >= 2}
    if not terms:
        return None
    rows, row_lines, acc = [], [], []
    for x in lines:
        acc.append(x)
        toks = L[x].s.split()
        if closes(x) and toks[-1] in terms:
            text_lines = [L[y].s for y in acc]
            tk = " ".join(text_lines).split()
            attr = tk[-1]
            vals: list[str] = []
            q = len(tk) - 2
            while q >= 0 and valre.match(tk[q]):
                vals.insert(0, tk[q])
                q -= 1
            name_lines = list(text_lines)
            # a short first line without spaces before a wrapped or complete row: a category cell
            if len(acc) > 1 and len(name_lines[0]) <= 6 and " " not in name_lines[0]:
                name_lines = name_lines[1:]
            name = " ".join(name_lines)
            name = name[: len(name) - len(" ".join([*vals, attr]))].strip() if name.endswith(attr) else name
            if len(name_lines) > 1:
                name = "".join(name.split(" ")) if not re.search(r"[A-Za-z0-9] [A-Za-z0-9]", name) else name
            cells = [name, " ".join(vals), attr]
            rows.append(cells)
            row_lines.append(acc[0])
            acc = []
    if len(rows) < 2:
        return None
    end_line = (row_lines and lines[lines.index(row_lines[-1]) :]) and lines[-1] + 1
    if acc:  # trailing lines that close no row stay outside the table
        end_line = acc[0]
    return {"first": j, "end": end_line, "columns": header, "rows": rows, "row_lines": row_lines}


ROW_NUMBER = re.compile(r"^([0-9０-９]{1,3})\s*[.．、](?![0-9０-９])\s*")


_SEQ_COL = re.compile(r"^(?:序号|编号|序)$")
_NAME_COL = re.compile(r"指标|名称|项目")
_SUB_ROW = re.compile(r"^\s*其中")
# (序号, 指标/名称/项目 and 其中 are the layout words of a Chinese table, not a domain's vocabulary)
_FIGURE_CELL = re.compile(r"[\d.,%≥≤<>/～~-]*\s*(?:以上|左右)?")


def _sub_row(cells: list, prev: list, columns: list) -> list:
    """A 其中 line under a row (其中 公园绿地 58.46 17.5) prints only its name and figures: the
    cells it leaves out are the merged cells of the row above (category, 属性, 单位); its
    figures fill the columns where that row has its last figures, its name the row's name column;
    it has no 序号 or category."""
    names = [c for c in cells if not _FIGURE_CELL.fullmatch(c.strip())]
    figures = [c for c in cells if c.strip() and _FIGURE_CELL.fullmatch(c.strip())]
    if len(prev) != len(columns) or len(names) != 1 or not figures or len(figures) >= len(columns):
        return cells
    at = next((k for k, c in enumerate(columns) if _NAME_COL.search(c)), None)
    if at is None or at >= len(columns) - len(figures):
        return cells
    # the figures go where the row above has its figures (the value columns, wherever they stand:
    # before or after 属性/单位); the other cells after the name are the merged cells of that row
    slots = [k for k in range(at + 1, len(columns)) if _FIGURE_CELL.fullmatch(prev[k].strip() or "x")]
    if len(slots) < len(figures):
        return cells
    # cells before the name (category, 序号) are printed once for the row above: left empty
    out = [""] * at + list(prev[at:])
    out[at] = names[0]
    for k, f in zip(slots[len(slots) - len(figures) :], figures):
        out[k] = f
    return out


def _printed_number(cells: list, columns: list) -> Optional[int]:
    """The row's number in a 序号 column (the first cells: a merged category may come first)."""
    if not any(_SEQ_COL.match(re.sub(r"\s", "", c)) for c in columns):
        return None
    for c in cells[:2]:
        if re.fullmatch(r"[0-9０-９]{1,3}", c.strip()):
            return int(c.strip().translate(FW_DIGITS))
    return None


def _emit_rows(b, t, tnode, L):
    columns = t.get("columns") or []
    prev: list = []
    last_number: Optional[int] = None
    for r, line_idx in zip(t["rows"], t["row_lines"]):
        cells = list(r)
        sub = bool(columns and cells and _SUB_ROW.match(next((c for c in cells if c.strip()), "")))
        if sub and len(cells) < len(columns):
            cells = _sub_row(cells, prev, columns)
        # a row's printed number (1.劳模选树管理) is its label, not part of its first cell
        m = ROW_NUMBER.match(cells[0]) if cells else None
        label = ""
        if m:
            label, cells[0] = m.group(1), cells[0][m.end() :]
        first = next((c for c in cells if c.strip()), "")
        row = b.add("row", L[line_idx].start, label=label, title=first[:40], cells=cells)
        if m:
            row.number = int(label.translate(FW_DIGITS))
        elif columns:
            # the 序号 cell numbers the row as printed; a 其中 sub-row is part of the row above
            row.number = last_number if sub else _printed_number(cells, columns)
        last_number = row.number if row.number is not None else last_number
        prev = cells
        row._parent_obj = tnode
        row.header = []
        if t.get("columns"):
            for ci, col in enumerate(t["columns"]):
                if re.search(r"责任单位|牵头单位|责任部门|牵头部门|配合单位", col) and ci < len(r):
                    row.responsible = parse_units(r[ci].replace("\n", ""))
    if t.get("repeat"):
        b.notes.append(f"table {tnode.title}: header repeated {t['repeat']} time(s)")
