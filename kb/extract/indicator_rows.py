"""Targets of indicator-table rows (:func:`row_targets`): name, unit, attribute, baseline, target and
rate columns."""

from __future__ import annotations

import re
from collections.abc import Sequence

from kb.extract.deadlines import fyp_years
from kb.extract.lexicon import alternation, word_lists
from kb.extract.quantities import _ARABIC, _FYP, _MULT, UNITS, find_quantities, parse_number, to_halfwidth
from kb.model import Target

# ---------------------------------------------------------------------------- indicator tables

_NAME_COL = re.compile(r"^(?:主要)?指标(?:名称|项|内容)?$|^名称$|^项目$")
_SKIP_COL = re.compile(r"序号|类别|类目|板块|领域|分类|备注|说明|责任|牵头|完成情况")
_ATTR_COL = re.compile(r"属性|类型|性质")
_RATE_COL = re.compile(r"年均|每年")
_BASE_COL = re.compile(r"现状|基期|基准|基数|基础")
_TARGET_COL = re.compile(r"目标|规划|预期值|指标值")
_CELL_QUAL = [("≥", "不低于"), (">=", "不低于"), ("≤", "不超过"), ("<=", "不超过"), (">", "超过"), ("<", "低于")]
_HEADER_UNIT = re.compile(r"[（(]\s*([^（()）]{1,12}?)\s*[)）]")
# counters that name what is counted, so that a name ending in one gives the unit (公布…名录批次)
_LISTS = word_lists("targets")
_COUNTERS = _LISTS["counter"]
_UNIT_PART = re.compile(
    "(?:千万|百万|万亿|万|亿|千)?(?:"
    + "|".join(re.escape(u) for u in sorted({*UNITS, *_COUNTERS}, key=len, reverse=True))
    + ")"
)
_MULT_OF = {"千万": 1e7, "百万": 1e6, "万亿": 1e12, "万": 1e4, "亿": 1e8, "千": 1e3}
# a column that totals the table's items or gives a share, as against the size of each row's item
_TOTAL = re.compile(alternation(_LISTS["total-column"]))


def _unit_like(s: str) -> bool:
    """Is bracketed text a unit (%, 万人次, 千米/平方千米, 个/每年), not a remark (含临展, 标准、导则等)?"""
    parts = [p for p in re.split(r"[/每]", re.sub(r"\s+", "", s)) if p]
    return bool(parts) and all(_UNIT_PART.fullmatch(p) or p in ("%", "‰", "年") for p in parts)


def _bracket_unit(text: str) -> str | None:
    for m in reversed(list(_HEADER_UNIT.finditer(re.sub(r"\s+", "", text)))):
        if _unit_like(m.group(1)):
            return m.group(1)
    return None


def base_unit(value: float | None, unit: str | None) -> tuple[float | None, str | None]:
    """(value, unit) with a multiplier taken out of the unit: 4000 万人次 -> 40000000 人次, as the
    prose reads 5000万人 (so that a table row and a sentence with the same figure agree)."""
    if value is None or not unit:
        return value, unit
    for m, f in _MULT_OF.items():
        rest = unit[len(m) :]
        if unit.startswith(m) and rest and rest[0] not in "/每" and _unit_like(rest):
            return float(f"{value * f:.12g}"), rest
    return value, unit


def _header_year(h: str) -> int | None:
    h = to_halfwidth(re.sub(r"\s+", "", h))
    years = [int(y) for y in re.findall(r"(?:19|20)\d\d", h)]
    if years:
        return years[-1]
    m = re.search(_FYP, h)
    if m:
        span = fyp_years(m.group("fyp"))
        return span[1] if span else None
    return None


def _cell_value(cell: str, unit: str | None) -> tuple[float | None, str | None, str | None]:
    """(value, unit, qualifier) of a table cell: 53.74, ≥ 80, 4.1左右, 96.15%, 5分钟覆盖区超80%;
    (None, …) for /, 动态调整, 完成市考核要求."""
    c = to_halfwidth(re.sub(r"\s+", "", cell))
    qual = None
    for sym, q in _CELL_QUAL:
        if c.startswith(sym):
            qual, c = q, c[len(sym) :]
            break
    m = re.fullmatch(rf"(?:({_ARABIC})[-—–~～])?({_ARABIC})\s*({_MULT})\s*(%|‰)?(左右|以上|以下|以内)?", c)
    if m and m.group(1) and all(re.fullmatch(r"(?:19|20)\d\d", g) for g in m.group(1, 2)):
        return None, None, None  # 2026-2028: a period (建设年限), not a figure
    if m:  # a range (3-5) gives its lower bound, as in the prose
        v = parse_number((m.group(1) or m.group(2)) + m.group(3))
        return v, (m.group(4) or unit), (m.group(5) or qual)
    qs = find_quantities(c)
    # a cell that is a sentence (a task table's 重点内容) is read as prose, not as one figure
    if len(qs) == 1 and not re.search(r"[。；;，,]", c) and len(c) <= 30:
        qty = qs[0]
        pre = re.search(r"(超|超过|不低于|不少于|达到)$", c[: qty.start])
        return (
            qty.value,
            qty.unit or unit,
            qty.qualifier
            or (
                pre.group(1).replace("超", "超过", 1)
                if pre and pre.group(1) == "超"
                else (pre.group(1) if pre else qual)
            ),
        )
    return None, unit, qual


def row_targets(
    header: Sequence[str], cells: Sequence[str], plan_period: tuple[int, int] | None = None
) -> list[Target]:
    """Targets of one indicator-table row. ``header``: the column names (a two-row header joined
    as 指标值/近期规划（2030年） or given as 近期规划（2030年）); ``cells``: the row's cells, aligned
    with the header. Understood: the indicator's name (指标/指标名称/指标项), 单位 (or a unit in
    the name's brackets: 覆盖率（%）), 属性/类型 (约束性/预期性 -> ``attribute``), value columns by
    year or role: baseline (现状, 基期, 2020年 before the plan, “十四五”现状 in a later plan), target
    (目标值, “十五五”目标, 近期规划（2030年）, 2025年 in a “十四五” plan), 年均增长 (a rate: period
    每年, deadline the plan's end, inferred), and a 年份 column (each row's own year). A target
    column with a year before the plan (the “十四五”目标值 of a “十五五” plan's review table)
    gives results. Returns one Target per numeric target or rate cell."""
    start, end = plan_period if plan_period else (None, None)
    cells = list(cells) + [""] * (len(header) - len(cells))
    name = unit = attr = name_col = None
    row_year: int | None = None
    values: list[tuple[str, int | None, str, str]] = []  # (role, year, cell, column name)
    for h, c in zip(header, cells):
        hn = re.sub(r"\s+", "", h)
        c = c.strip()
        if _NAME_COL.search(hn.split("/")[-1]) and name is None:
            name, name_col = c, hn
        elif hn == "单位" or hn.endswith("/单位"):
            unit = c or None
        elif _ATTR_COL.search(hn) and re.search(r"约束|预期", c):
            attr = re.sub(r"\s+", "", c)
        elif hn in ("年份", "年度", "时间"):
            row_year = _header_year(c)
        elif _SKIP_COL.search(hn):
            continue
        else:
            year = _header_year(hn)
            if _RATE_COL.search(hn):
                role = "rate"
            elif _BASE_COL.search(hn):
                role = "base"
            elif _TARGET_COL.search(hn) or year is not None or row_year is not None:
                role = "target"
            else:
                role = "target" if _cell_value(c, None)[0] is not None else "other"
            if role == "target" and year is not None:
                # a year column before the plan, or before a later column, is the baseline; when
                # no column reaches the plan's period the table reports results
                later = [
                    x
                    for x in header
                    if x != h and not _BASE_COL.search(x) and not _RATE_COL.search(x) and (_header_year(x) or 0) > year
                ]
                if later and (start is None or any((_header_year(x) or 0) >= start for x in later)):
                    role = "base"
                elif start is not None and year < start:
                    role = "result"
            values.append((role, year, c, hn))
    if name is None:  # first text cell that is neither a number nor an attribute
        name, name_col = next(
            (
                (c, re.sub(r"\s+", "", h))
                for h, c in zip(header, cells)
                if c
                and re.sub(r"\s+", "", h) not in ("年份", "年度", "时间")
                and not _SKIP_COL.search(h)
                and _cell_value(c, None)[0] is None
                and not re.search(r"约束|预期", c)
            ),
            (None, None),
        )
    if unit is None and name:
        unit = _bracket_unit(name) or next((c for c in _COUNTERS if name.endswith(c)), None)
    base = [(y, base_unit(*_cell_value(c, unit)[:2])[0]) for role, y, c, _ in values if role == "base"]
    base = [(y, v) for y, v in base if v is not None]
    out: list[Target] = []
    for role, year, c, col in values:
        if role not in ("target", "result", "rate"):
            continue
        # a column that extends the name column's header (达标区域 -> 达标区域面积) gives the size
        # of the row's own item (the zone assessed), not an amount committed; a total of the
        # items (…/总计) is one
        if (
            name_col
            and col.split("/")[0].startswith(name_col)
            and col != name_col
            and not _TOTAL.search(col)
            and not _TARGET_COL.search(col)  # 指标 | 指标值: the value column of the indicator
            and not _BASE_COL.search(col)
            and _header_year(col) is None
        ):
            continue
        # the cell's own unit (96%), else its column's (年均增长（%）), else the row's (地区生产总值（亿元）)
        v, u, q = _cell_value(c, None)
        if v is None:
            continue
        v, u = base_unit(v, u or _bracket_unit(col) or unit)
        deadline = row_year if row_year is not None else year
        inferred = False
        if role == "rate" or deadline is None:
            deadline, inferred = end, end is not None
        kind = "target"
        if role == "result" or (row_year is not None and start is not None and row_year < start):
            kind = "result"
        out.append(
            Target(
                text=c,
                value=v,
                unit=u,
                qualifier=q,
                period="每年" if role == "rate" else None,
                deadline=deadline,
                sentence="",
                subject=name,
                kind=kind,
                baseline=base[-1][1] if base and role != "rate" else None,
                baseline_year=base[-1][0] if base and role != "rate" else None,
                deadline_inferred=inferred,
                attribute=attr,
            )
        )
    return out
