"""Targets of indicator-table rows (:func:`row_targets`): name, unit, attribute, baseline, target and
rate columns."""

from __future__ import annotations

import re
from collections.abc import Sequence

from kb.extract.deadlines import fyp_years
from kb.extract.quantities import _ARABIC, _FYP, _MULT, find_quantities, parse_number, to_halfwidth
from kb.model import Target

# ---------------------------------------------------------------------------- indicator tables

_NAME_COL = re.compile(r"^(?:主要)?指标(?:名称|项|内容)?$|^名称$|^项目$")
_SKIP_COL = re.compile(r"序号|类别|类目|板块|领域|分类|备注|说明|责任|牵头|完成情况")
_ATTR_COL = re.compile(r"属性|类型|性质")
_RATE_COL = re.compile(r"年均|每年")
_BASE_COL = re.compile(r"现状|基期|基准|基数|基础")
_TARGET_COL = re.compile(r"目标|规划|预期值|指标值")
_CELL_QUAL = [("≥", "不低于"), (">=", "不低于"), ("≤", "不超过"), ("<=", "不超过"), (">", "超过"), ("<", "低于")]
_HEADER_UNIT = re.compile(r"[（(]\s*([^（()）]{1,12}?)\s*[)）]\s*$")


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
    m = re.fullmatch(rf"({_ARABIC})\s*({_MULT})\s*(%|‰)?(左右|以上|以下|以内)?", c)
    if m:
        v = parse_number(m.group(1) + m.group(2))
        return v, (m.group(3) or unit), (m.group(4) or qual)
    qs = find_quantities(c)
    if len(qs) == 1:
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
    name = unit = attr = None
    row_year: int | None = None
    values: list[tuple[str, int | None, str]] = []  # (role, year, cell)
    for h, c in zip(header, cells):
        hn = re.sub(r"\s+", "", h)
        c = c.strip()
        if _NAME_COL.search(hn.split("/")[-1]) and name is None:
            name = c
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
            values.append((role, year, c))
    if name is None:  # first text cell that is neither a number nor an attribute
        name = next(
            (
                c
                for h, c in zip(header, cells)
                if c
                and re.sub(r"\s+", "", h) not in ("年份", "年度", "时间")
                and not _SKIP_COL.search(h)
                and _cell_value(c, None)[0] is None
                and not re.search(r"约束|预期", c)
            ),
            None,
        )
    if unit is None and name:
        m = _HEADER_UNIT.search(name)
        if m and len(m.group(1)) <= 6:
            unit = m.group(1).strip()
    base = [(y, _cell_value(c, unit)[0]) for role, y, c in values if role == "base"]
    base = [(y, v) for y, v in base if v is not None]
    out: list[Target] = []
    for role, year, c in values:
        if role not in ("target", "result", "rate"):
            continue
        v, u, q = _cell_value(c, unit)
        if v is None:
            continue
        col_unit = None
        if u is None:
            hm = None
            for h, cc in zip(header, cells):
                if cc.strip() == c:
                    hm = _HEADER_UNIT.search(re.sub(r"\s+", "", h))
            col_unit = hm.group(1) if hm else None
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
                unit=u or col_unit,
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
