"""Quantities (a number with a counting unit) and time frames (deadlines, spans, rates) in plan text,
by rule (plain ``re``)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from kb.extract.deadlines import fyp_years
from kb.extract.lexicon import word_lists
from kb.extract.numerals import cn_value, cn_year, fraction_percent, mixed_value

_FW_DIGITS = str.maketrans("０１２３４５６７８９．％", "0123456789.%")
_FULLWIDTH = re.compile("[０-９．％]")

CN_NUM_CHARS = "零〇一二两三四五六七八九十百千万亿"
_CN_DIGIT_CHARS = "一二两三四五六七八九"

# longest first: 人次 before 人, 个百分点 before 个, 平方千米 before 千米 (the list is data:
# kb/extract/lexicon/targets.tsv, list ``unit``)
UNITS = sorted(word_lists("targets")["unit"], key=len, reverse=True)
# counting units a bare Chinese numeral may take next to a qualifier; 支/批/个 are left out on
# purpose: 一支队伍, 一批项目 and 一个中国原则 are wording, not quantities
_CN_UNITS = ["人次", "人", "名", "家", "户", "元", "%", "所"]

PRE_QUALIFIERS = ["不少于", "不低于", "不超过", "不高于", "至少有", "至少", "超过", "逾", "约", "近", "达到", "达"]
POST_QUALIFIERS = ["以上", "左右", "以内", "以下", "上下"]
# when a number has several, the bound matters more than "reach": 达到500家左右 -> 左右
_QUAL_RANK = {
    q: i
    for i, q in enumerate(
        [
            "以上",
            "左右",
            "以内",
            "以下",
            "上下",
            "不少于",
            "不低于",
            "不超过",
            "不高于",
            "至少",
            "超过",
            "逾",
            "约",
            "近",
            "余",
            "多",
            "达到",
        ]
    )
}
_QUAL_NORMAL = {"至少有": "至少", "达": "达到"}

_ARABIC = r"\d+(?:\.\d+)?"
# the lower end of a range written before a figure: 3-5项, 30—50个, 3～5年一遇 (its value is the
# lower bound, the commitment the plan cannot miss)
_RANGE_LOW = re.compile(r"(?<![\d.])(?P<low>\d+(?:\.\d+)?)(?P<lm>千万|百万|万亿|万|亿|千)?\s*[-—–~～]\s*$")
_LOW_MULT = {"千万": 1e7, "百万": 1e6, "万亿": 1e12, "万": 1e4, "亿": 1e8, "千": 1e3}
_MULT = r"(?:千万|百万|万亿|万|亿|千)?"
_UNIT_RE = "|".join(re.escape(u) for u in UNITS)
_QTY_RE = re.compile(
    rf"(?P<num>{_ARABIC})(?P<approx1>[余多])?(?P<mult>{_MULT})(?P<approx2>[余多])?(?P<unit>{_UNIT_RE})?"
)
_CN_RUN = f"[{CN_NUM_CHARS}点]+"
# 一万三千亿斤 (any unit), 百人 / 一家 (a counting unit, only next to a qualifier)
_CN_QTY_RE = re.compile(rf"(?P<num>{_CN_RUN})(?P<unit>{_UNIT_RE})")
# 百分之二十, 三分之一, 千分之五; 一半 (next to a bound or a verb of change)
_FRACTION_RE = re.compile(rf"(?:{_CN_RUN}|\d+)分之(?:{_CN_RUN}|{_ARABIC})|一半")
_HALF_VERB = re.compile(r"(?:减少|降低|压减|缩减|下降|减半|提高|增加|超过|占)[\u4e00-\u9fff]{0,6}$")
# a bound a few characters before a Chinese count: 至少建设一所
_NEAR_BOUND = re.compile(r"(?:至少|不少于|不低于|不超过|超过)[\u4e00-\u9fff]{0,2}$")

# time frames
_Y = r"(?:19|20)\d\d"
_CY = r"[〇零一二三四五六七八九]{4}"
_FYP = r"[“\"]?(?P<fyp>十[一二三四五六七八九]?|[一二三四五六七八九])五[”\"]?"
_LEAD = r"(?P<lead>力争到|力争在|力争|截止到|截至|截止|到|至|在|于)?"
# (kind, words one of which every match holds, pattern): most sentences hold none of a pattern's
# words, and a test for them is much cheaper than the pattern's scan
_TIME_RES = [
    ("date", ("年",), re.compile(rf"(?P<y>{_Y})年\d{{1,2}}月\d{{1,2}}日")),
    (
        "base",
        ("年",),
        re.compile(rf"(?:比|较|相比|与|同)(?P<y>{_Y})年(?:底|末)?|以(?P<y2>{_Y})年为基(?:期|准|数)?(?:年)?"),
    ),
    ("start", ("年",), re.compile(rf"(?:从|自|自从)(?P<y>{_Y})年(?:起|开始|始)?|(?P<y2>{_Y})年(?:起|开始)")),
    ("since", ("年",), re.compile(rf"(?P<y>{_Y})年(?:以来|来)")),
    (
        "deadline",
        ("年",),
        re.compile(
            rf"{_LEAD}(?:(?P<y>{_Y})|(?P<cy>{_CY}))年(?:(?P<mon>\d{{1,2}})月(?:份)?)?"
            r"(?P<end>底前|末前|年底前|年底|底|末|前|上半年|下半年|以前|之前)?(?P<end2>前|以前|之前)?"
        ),
    ),
    ("century", ("世纪",), re.compile(r"(?P<lead>力争到|到|至|在)?本世纪(?P<when>中叶|末)")),
    ("fyp", ("五",), re.compile(_FYP + r"(?P<when>期间|时期|末|期末|初|以来|规划期|目标)")),
    ("rate", ("每", "年均"), re.compile(r"每年度|每年|年均|每季度|每月|每(?:\d+|[两三四五六七八九十])年")),
]
_RANGE_RE = re.compile(rf"(?P<a>{_Y})\s*年?\s*[-—–~至到]\s*(?P<b>{_Y})年")


def to_halfwidth(s: str) -> str:
    # (translate looks every character up: most text has no full-width figure to change)
    return s.translate(_FW_DIGITS) if _FULLWIDTH.search(s) else s


def cn_number(s: str) -> float | None:
    """Value of a Chinese numeral such as 一, 十八, 百, 一千五百, 三万, 一万三千亿; None if not one."""
    return cn_value(s)


def parse_number(s: str) -> float | None:
    """``4.5万`` -> 45000, ``30亿`` -> 3e9, ``1.4万亿`` -> 1.4e12, ``百`` -> 100, ``80`` -> 80."""
    return mixed_value(to_halfwidth(s.strip()).replace(" ", ""))


@dataclass
class Quantity:
    start: int
    end: int  # end of number + unit + trailing qualifier
    text: str
    value: float
    unit: str | None
    qualifier: str | None
    chinese: bool = False


@dataclass
class TimeFrame:
    start: int
    end: int
    text: str
    kind: str  # deadline | span | rate | start | base | since | date
    year: int | None = None  # deadline year (end of a span)
    period: str | None = None  # 每年 for rates, the span text for spans
    lead: bool = False  # worded as an end point: 到/至/力争…, …底/末/前


def _pick_qualifier(found: Iterable[str | None]) -> str | None:
    qs = [_QUAL_NORMAL.get(q, q) for q in found if q]
    return min(qs, key=lambda q: _QUAL_RANK.get(q, 99)) if qs else None


def _pre_qualifier(text: str, start: int) -> tuple[str | None, int]:
    for q in PRE_QUALIFIERS:
        if text.endswith(q, 0, start):
            return q, start - len(q)
    return None, start


def _post_qualifier(text: str, end: int) -> tuple[str | None, int]:
    for q in POST_QUALIFIERS:
        if text.startswith(q, end):
            return q, end + len(q)
    return None, end


def _is_year(text: str, m: re.Match) -> bool:
    num = m.group("num")
    return (
        re.fullmatch(r"(?:19|20)\d\d", num) is not None and not m.group("unit") and text.startswith("年", m.end("num"))
    )


def find_quantities(text: str) -> list[Quantity]:
    """Counted quantities in ``text``, in order. Years, ordinals (第3), decimals cut out of a
    longer number (the 5 of 4.5万) and numbers without unit or multiplier are not quantities.
    A Chinese numeral counts when it is a large number with a unit (一万三千亿斤), a fraction
    (百分之二十, 三分之一), or a count next to a qualifier (至少有一家, 百人以上), since elsewhere it
    is part of a name (“十四五”, 二十国集团, 三孩, 一个中国原则)."""
    t = to_halfwidth(text)
    out: list[Quantity] = []
    for m in _QTY_RE.finditer(t):
        s = m.start()
        if s > 0 and (t[s - 1].isdigit() or t[s - 1] in ".第" or t[s - 1].isascii() and t[s - 1].isalpha()):
            continue
        if _is_year(t, m) or not (m.group("unit") or m.group("mult")):
            continue
        unit = m.group("unit")
        mult = m.group("mult")
        value = parse_number(m.group("num") + (mult or ""))
        if unit in ("万人次", "万人"):  # the regex put 万 in the unit: 5000万人, 1万万人 (a 万 after a multiplier)
            mult, unit = (mult or "") + "万", unit[1:]
            value = None if value is None else value * 10_000
        if value is None:
            continue
        if unit in ("%", "‰") and mult:
            continue
        end = m.end()
        low = _RANGE_LOW.search(t, max(0, s - 12), s)
        if low and t[low.start() - 1 : low.start()] != "第":
            # the multiplier of the upper end holds for both (3-5万人 is 30000 to 50000) unless the
            # lower end writes its own (3万-5万人)
            lv = float(low.group("low"))
            lv = lv * _LOW_MULT[low.group("lm")] if low.group("lm") else value * lv / float(m.group("num"))
            if lv < value:
                value, s = float(f"{lv:.12g}"), low.start()
                # the lower end read on its own (3万, no unit) is part of this range
                out = [q for q in out if q.end <= s or q.unit is not None]
        pre, _ = _pre_qualifier(t, s)
        post, end = _post_qualifier(t, end)
        approx = m.group("approx1") or m.group("approx2")
        out.append(Quantity(s, end, text[s:end], value, unit, _pick_qualifier([post, pre, approx])))
    taken = [(q.start, q.end) for q in out]
    for m in _FRACTION_RE.finditer(t):
        s, end = m.start(), m.end()
        if any(a < end and s < b for a, b in taken):
            continue
        pre, _ = _pre_qualifier(t, s)
        post, end = _post_qualifier(t, end)
        if m.group() == "一半" and not (pre or post or _HALF_VERB.search(t[:s])):
            continue
        value = fraction_percent(m.group())
        if value is None:
            continue
        out.append(Quantity(s, end, text[s:end], value, "%", _pick_qualifier([post, pre]), True))
        taken.append((s, end))
    for m in _CN_QTY_RE.finditer(t):
        s, end = m.start(), m.end()
        num = m.group("num")
        if num.startswith("点") or num.endswith("点") or any(a < end and s < b for a, b in taken):
            continue
        # a numeral run glued to the word before (第三, 十八大) is not a count
        if s > 0 and (t[s - 1] in CN_NUM_CHARS + "第." or t[s - 1].isdigit()):
            continue
        pre, _ = _pre_qualifier(t, s)
        post, end = _post_qualifier(t, end)
        big = ("万" in num or "亿" in num) and any(c in _CN_DIGIT_CHARS for c in num)
        if not big:
            if m.group("unit") not in _CN_UNITS:
                continue
            near = _NEAR_BOUND.search(t[:s])
            if not (pre or post or near) or pre in ("达到", "达", "约", "近"):
                continue
            if near and not pre:
                pre = next((q for q in PRE_QUALIFIERS if near.group().startswith(q)), None)
        value = cn_value(num)
        if value is None:
            continue
        out.append(Quantity(s, end, text[s:end], value, m.group("unit"), _pick_qualifier([post, pre]), True))
    out.sort(key=lambda q: q.start)
    return out


def find_timeframes(text: str) -> list[TimeFrame]:
    """Deadlines (到2025年底, 2021年3月底前, 到二〇三五年, “十四五”末, 到本世纪中叶), spans
    (“十五五”时期, 2021—2025年), rates (每年, 年均, 每5年) and the years that are not deadlines:
    a start (从2019年起), a base of comparison (比2020年), a past since (2012年以来), a date."""
    t = to_halfwidth(text)
    out: list[TimeFrame] = []
    taken: list[tuple[int, int]] = []
    for m in _RANGE_RE.finditer(t) if "年" in t else ():
        out.append(
            TimeFrame(
                m.start(), m.end(), text[m.start() : m.end()], "span", int(m.group("b")), text[m.start() : m.end()]
            )
        )
        taken.append((m.start(), m.end()))
    for kind, needs, rx in _TIME_RES:
        if not any(w in t for w in needs):
            continue
        for m in rx.finditer(t):
            s, e = m.start(), m.end()
            if any(a <= s < b or a < e <= b for a, b in taken):
                continue
            if kind in ("date", "base", "start", "since"):
                if s > 0 and t[s - 1].isdigit():
                    continue
                y = m.group("y") or (m.groupdict().get("y2"))
                out.append(TimeFrame(s, e, text[s:e], kind, int(cast(str, y))))
            elif kind == "deadline":
                if s > 0 and t[s - 1].isdigit():
                    continue
                year = int(m.group("y")) if m.group("y") else cn_year(m.group("cy"))
                if year is None:
                    continue
                lead = m.group("lead")
                if lead in ("在", "于"):  # 在2025年 is a plain year: keep the 在 out of the text
                    s, lead = s + len(lead), None
                ends = m.group("end") or m.group("end2")
                out.append(
                    TimeFrame(s, e, text[s:e], "deadline", year, lead=bool(lead) or bool(ends and "上" not in ends))
                )
            elif kind == "century":
                year = 2050 if m.group("when") == "中叶" else 2100
                out.append(TimeFrame(s, e, text[s:e], "deadline", year, lead=True))
            elif kind == "fyp":
                years = fyp_years(m.group("fyp"))
                if not years:
                    continue
                when = m.group("when")
                if when in ("末", "期末"):
                    # 到“十四五”末: take the 到 with it, as for 到2025年底
                    for lead in ("力争到", "到", "至"):
                        if t.endswith(lead, 0, s):
                            s -= len(lead)
                            break
                    out.append(TimeFrame(s, e, text[s:e], "deadline", years[1], lead=True))
                elif when == "初":
                    out.append(TimeFrame(s, e, text[s:e], "deadline", years[0], lead=True))
                elif when == "以来":
                    out.append(TimeFrame(s, e, text[s:e], "since", years[0]))
                else:
                    out.append(TimeFrame(s, e, text[s:e], "span", years[1], text[s:e]))
            else:
                g = m.group()
                period = "每年" if g in ("年均", "每年度") else g
                out.append(TimeFrame(s, e, text[s:e], "rate", None, period))
            taken.append((s, e))
    out.sort(key=lambda f: f.start)
    return out
