"""Flat lists of table cells (one per line/paragraph) grouped into header, columns and rows."""

from __future__ import annotations

import re
from collections import Counter
from typing import Optional

# --------------------------------------------------------------------------- tables

_NUM_CELL = re.compile(r"^[≥≤<>＞＜约~\-+]?[ ]?[0-9０-９][0-9０-９.,，%％ ]*[%％]?$")
_SEQ_CELL = re.compile(r"^[0-9]{1,3}$")
_YEAR_CELL = re.compile(r"^[0-9]{4}[ ]?年")


def _cell_kind(c: str) -> str:
    c = c.strip()
    if _NUM_CELL.match(c) or c in ("/", "-", "—", "－", "——"):
        return "num"
    if len(c) > 24 or c.endswith("。"):
        return "long"
    return "short"


def _group_cells(cells: list, header_names: Optional[list] = None) -> Optional[tuple]:
    """Split a flat list of cells (one per line/paragraph) into (header cells, columns, rows).
    Rows are keyed by a 序号 sequence (1, 2, 3…), else by year cells, else the column count is
    the one that makes the columns most homogeneous."""
    n = len(cells)
    if n < 4:
        return None
    # a 序号 sequence
    ints: dict[int, list[int]] = {}
    for k, c in enumerate(cells):
        if _SEQ_CELL.match(c.strip()):
            ints.setdefault(int(c.strip()), []).append(k)
    seq: list[int] = []
    want, prev = 1, -2
    while want in ints:
        cands = [k for k in ints[want] if k >= prev + 2]
        if not cands:
            break
        cand = cands[0]
        if seq:
            gaps = sorted(b - a for a, b in zip(seq, seq[1:])) or [max(2, seq[0])]
            stride = gaps[len(gaps) // 2]
            nxt = [k for k in ints.get(want + 1, []) if k >= cand + 2]
            limit = nxt[-1] if nxt else n
            near = [k for k in cands if k < limit]
            if near:
                cand = min(near, key=lambda k: (abs((k - prev) - stride), k))
        seq.append(cand)
        prev = cand
        want += 1
    if len(seq) >= 2 and seq[0] >= 2:
        hdr_guess = cells[: seq[0]]
        p = 0
        for k, c in enumerate(hdr_guess):
            if re.sub(r"\s", "", c) in ("序号", "编号", "序"):
                p = k
                break
        h = seq[0] - p
        header = cells[:h]
        segs = []
        bounds = seq + [n]
        for a, b in zip(bounds, bounds[1:]):
            segs.append(list(cells[a:b]))
        # cells before the first key that are not header (merged category of the first row)
        lead = list(cells[h : seq[0]])
        lens = Counter(len(s) for s in segs[:-1]) or Counter(len(s) for s in segs)
        base = lens.most_common(1)[0][0]
        rows = []
        carry = lead
        for si, sg in enumerate(segs):
            if p > 0 and si + 1 < len(segs) and len(sg) > base:
                extra = len(sg) - base
                if extra <= p and all(_cell_kind(c) != "num" for c in sg[-extra:]):
                    nxt = sg[-extra:]
                    sg = sg[:-extra]
                else:
                    nxt = []
            else:
                nxt = []
            row = carry + sg
            full = len(carry) + base if p > 0 else max((m for m in lens if m <= len(header)), default=base)
            if len(row) >= full + 2 and (p > 0 or len(row) >= base + 3):
                rows.append(row[:full])
                rows.append(row[full:])
            else:
                rows.append(row)
            carry = nxt
        ncols = base + p if p > 0 else max((m for m in lens if m <= len(header)), default=base)
        return header, ncols, rows
    # year keys in the first column
    years = [k for k, c in enumerate(cells) if _YEAR_CELL.match(c.strip())]
    if len(years) >= 2 and years[0] >= 2:
        h = years[0]
        body = cells[h:]
        best: tuple[float, int, list] | None = None
        for nc in range(2, min(h, 10) + 1):
            rows, row, started_key = [], [], False
            for c in body:
                if not row:
                    row, started_key = [c], bool(_YEAR_CELL.match(c.strip()))
                    continue
                if not started_key and _YEAR_CELL.match(c.strip()):
                    rows.append(row)
                    row, started_key = [c], True
                    continue
                row.append(c)
                if len(row) == nc:
                    rows.append(row)
                    row = []
            if row:
                rows.append(row)
            score: float = sum(1 for r in rows if _YEAR_CELL.match(r[0].strip()) and len(r) == nc) * nc
            score -= sum(1 for r in rows if not _YEAR_CELL.match(r[0].strip()) and len(r) >= nc)
            if best is None or score >= best[0]:
                best = (score, nc, rows)
        assert best is not None  # h >= 2: at least one column count was scored
        return cells[:h], best[1], best[2]
    # no keys: the column count that makes the columns most homogeneous
    best = None
    for nc in range(2, min(8, n // 2) + 1):
        if (n % nc) and (n - nc) % nc:
            continue
        body = cells[nc:]
        rows = [body[k : k + nc] for k in range(0, len(body), nc)]
        if len(rows) < 1:
            continue
        score = 0.0
        for col in range(nc):
            kinds = Counter(_cell_kind(r[col]) for r in rows if col < len(r))
            score += kinds.most_common(1)[0][1] / max(1, len(rows))
        hdr_ok = all(_cell_kind(c) == "short" for c in cells[:nc])
        score = score / nc + (0.5 if hdr_ok else 0) + (0.2 if n % nc == 0 else 0)
        if best is None or score > best[0] + 1e-9:
            best = (score, nc, rows)
    if best is None or best[0] < 1.2:
        return None
    return cells[: best[1]], best[1], best[2]


def _shape(c: str) -> str:
    """What kind of value a cell holds: a percentage, a number, or text."""
    c = c.strip()
    if re.fullmatch(r"[<>≥≤约]?\s*[0-9０-９.．]+\s*[%％]", c):
        return "pct"
    if re.fullmatch(r"[<>≥≤约]?\s*[0-9０-９.．]+", c):
        return "num"
    return "text"


def _spanning_cell(upper: list, span: int, rows: list | None) -> int:
    """Which upper header cell spans the ``span`` sub-columns: the one whose data columns hold
    figures of the same kind in most rows (片区/总计 under 面积 are both areas, not an area and a
    percentage); the last by default."""
    last = len(upper) - 1
    if not rows:
        return last
    full = [r for r in rows if len(r) == len(upper) - 1 + span]
    if not full:
        return last

    def alike(i: int) -> int:
        # figures of one kind (two areas, two percentages): text cells say nothing of the spanning
        return sum(1 for r in full if len(shapes := {_shape(c) for c in r[i : i + span]}) == 1 and "text" not in shapes)

    best = max(range(len(upper)), key=lambda i: (alike(i), i))
    return best if alike(best) > alike(last) else last


def _column_names(hdr: list, ncols: int, rows: list | None = None) -> list:
    hdr = [re.sub(r"\s*\n\s*", "", c).strip() for c in hdr]
    if len(hdr) <= ncols:
        return hdr + [""] * (ncols - len(hdr))
    extra = len(hdr) - ncols
    # one spanning cell in the upper row, whose sub-columns are the trailing cells
    for span in range(2, ncols + 1):
        n_upper = ncols - span + 1
        lower = hdr[n_upper:]
        if len(lower) % span == 0:
            layers = [lower[k : k + span] for k in range(0, len(lower), span)]
            subs = ["".join(layer[j] for layer in layers) for j in range(span)]
            upper = hdr[:n_upper]
            at = _spanning_cell(upper, span, rows)
            return upper[:at] + [f"{upper[at]}/{s}" for s in subs] + upper[at + 1 :]
    return hdr[: ncols - 1] + ["/".join(hdr[ncols - 1 :])] if extra else hdr
