"""Quantities, time frames and targets in plan text, by rule (no spaCy, no jieba).

Other modules reuse the number parser (``parse_number``) and the query parser
(``parse_query``), and ``kb mentions`` must not load spaCy, so everything here is plain ``re``.

A *quantity* is a number with a counting unit (``20万人次``, ``30亿元``, ``80%``); a *time
frame* is a deadline (``到2025年底``, ``“十四五”末``, ``2021年``), a span (``“十四五”期间``)
or a rate (``每年``, ``年均``). A *target* is a quantity with the time frame of its sentence,
or, in a sentence that has a deadline but no quantity, the deadline alone (value ``None``):
``到2025年底普遍实现基层工会按期换届选举`` is a commitment with a date even without a number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Optional

from kb.extract.deadlines import fyp_years  # noqa: F401 (re-exported)
from kb.extract.numerals import cn_value, cn_year, fraction_percent, mixed_value
from kb.model import Sentence, Target

_FW_DIGITS = str.maketrans("０１２３４５６７８９．％", "0123456789.%")

CN_NUM_CHARS = "零〇一二两三四五六七八九十百千万亿"
_CN_DIGIT_CHARS = "一二两三四五六七八九"

# longest first: 人次 before 人, 个百分点 before 个, 平方千米 before 千米
UNITS = sorted(
    "人次 人 名 家 个 户 元 % ‰ 次 项 所 座 场 期 支 件 篇 部 台 套 本 册 处 间 张 吨 公里 千米 "
    "平方米 平方千米 平方公里 立方米 亩 公顷 斤 公斤 千克 千瓦 千瓦时 辆 条 个月 小时 倍 个百分点 百分点 "
    "万人次 万人".split(),
    key=len,
    reverse=True,
)
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
_TIME_RES = [
    ("date", re.compile(rf"(?P<y>{_Y})年\d{{1,2}}月\d{{1,2}}日")),
    ("base", re.compile(rf"(?:比|较|相比|与|同)(?P<y>{_Y})年(?:底|末)?|以(?P<y2>{_Y})年为基(?:期|准|数)?(?:年)?")),
    ("start", re.compile(rf"(?:从|自|自从)(?P<y>{_Y})年(?:起|开始|始)?|(?P<y2>{_Y})年(?:起|开始)")),
    ("since", re.compile(rf"(?P<y>{_Y})年(?:以来|来)")),
    (
        "deadline",
        re.compile(
            rf"{_LEAD}(?:(?P<y>{_Y})|(?P<cy>{_CY}))年(?:(?P<mon>\d{{1,2}})月(?:份)?)?"
            r"(?P<end>底前|末前|年底前|年底|底|末|前|上半年|下半年|以前|之前)?(?P<end2>前|以前|之前)?"
        ),
    ),
    ("century", re.compile(r"(?P<lead>力争到|到|至|在)?本世纪(?P<when>中叶|末)")),
    ("fyp", re.compile(_FYP + r"(?P<when>期间|时期|末|期末|初|以来|规划期|目标)")),
    ("rate", re.compile(r"每年度|每年|年均|每季度|每月|每(?:\d+|[两三四五六七八九十])年")),
]
_RANGE_RE = re.compile(rf"(?P<a>{_Y})\s*年?\s*[-—–~至到]\s*(?P<b>{_Y})年")


def to_halfwidth(s: str) -> str:
    return s.translate(_FW_DIGITS)


def cn_number(s: str) -> Optional[float]:
    """Value of a Chinese numeral such as 一, 十八, 百, 一千五百, 三万, 一万三千亿; None if not one."""
    return cn_value(s)


def parse_number(s: str) -> Optional[float]:
    """``4.5万`` -> 45000, ``30亿`` -> 3e9, ``1.4万亿`` -> 1.4e12, ``百`` -> 100, ``80`` -> 80."""
    return mixed_value(to_halfwidth(s.strip()).replace(" ", ""))


@dataclass
class Quantity:
    start: int
    end: int  # end of number + unit + trailing qualifier
    text: str
    value: float
    unit: Optional[str]
    qualifier: Optional[str]
    chinese: bool = False


@dataclass
class TimeFrame:
    start: int
    end: int
    text: str
    kind: str  # deadline | span | rate | start | base | since | date
    year: Optional[int] = None  # deadline year (end of a span)
    period: Optional[str] = None  # 每年 for rates, the span text for spans
    lead: bool = False  # worded as an end point: 到/至/力争…, …底/末/前


def _pick_qualifier(found: Iterable[str | None]) -> Optional[str]:
    qs = [_QUAL_NORMAL.get(q, q) for q in found if q]
    return min(qs, key=lambda q: _QUAL_RANK.get(q, 99)) if qs else None


def _pre_qualifier(text: str, start: int) -> tuple[Optional[str], int]:
    for q in PRE_QUALIFIERS:
        if text.endswith(q, 0, start):
            return q, start - len(q)
    return None, start


def _post_qualifier(text: str, end: int) -> tuple[Optional[str], int]:
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
    for m in _RANGE_RE.finditer(t):
        out.append(
            TimeFrame(
                m.start(), m.end(), text[m.start() : m.end()], "span", int(m.group("b")), text[m.start() : m.end()]
            )
        )
        taken.append((m.start(), m.end()))
    for kind, rx in _TIME_RES:
        for m in rx.finditer(t):
            s, e = m.start(), m.end()
            if any(a <= s < b or a < e <= b for a, b in taken):
                continue
            if kind in ("date", "base", "start", "since"):
                if s > 0 and t[s - 1].isdigit():
                    continue
                y = m.group("y") or (m.groupdict().get("y2"))
                out.append(TimeFrame(s, e, text[s:e], kind, int(y)))
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


# verbs and helpers that sit between a counted thing and its number: 工作室达到500家, 保持在80%
_BEFORE_STRIP = [
    "动态保持在",
    "保持在",
    "稳定在",
    "总数",
    "达到",
    "达",
    "覆盖",
    "不少于",
    "至少有",
    "至少",
    "逾",
    "超过",
    "培训",
    "组织",
    "重点",
    "每年",
    "年均",
    "其中",
]
_CLAUSE_BREAK = re.compile(r"[,，;；。、:：!?！？()（）]")
_AFTER_STOP = re.compile(r"完成|提升|实现|参与|开展|的综合|的标准化|具有|生活暂时|为重点|为")


def _subject(text: str, q: Quantity, frames: Sequence[TimeFrame]) -> Optional[str]:
    """What is counted: the words after the number when a verb comes before it (建设100家工人
    文化宫), else the words before it (创新工作室达到500家). A heuristic, shown to readers."""
    left = text[: q.start]
    for lead in PRE_QUALIFIERS:
        if left.endswith(lead):
            left = left[: -len(lead)]
            break
    cut = max((m.end() for m in _CLAUSE_BREAK.finditer(left)), default=0)
    for f in frames:  # a time expression opening the clause is not the subject
        if f.kind != "rate" and cut <= f.start <= cut + 2 and f.end <= q.start:
            cut = max(cut, f.end)
    before = left[cut:]
    m = _CLAUSE_BREAK.search(text, q.end)
    after = text[q.end : m.start() if m else len(text)]
    after = after[1:] if after.startswith("的") else after
    stop = _AFTER_STOP.search(after)
    if stop:
        after = after[: stop.start()]
    verb_before = re.search(
        r"(建设|帮助|培育|推树|孵化|完成|保障|解决|慰问|走访|选树|宣传|新组建|新发展|发展|培训|筹集|覆盖)$", before
    )
    after = after.rstrip("的").strip()
    if (verb_before or before.endswith("的") or len(before.strip()) <= 1) and after:
        return after
    stripped = before
    changed = True
    while changed:
        changed = False
        for w in _BEFORE_STRIP:
            if stripped.endswith(w) and len(stripped) > len(w):
                stripped, changed = stripped[: -len(w)], True
    for w in ("全国", "以", "力争", "确保"):
        if stripped.startswith(w) and len(stripped) > len(w) + 1:
            stripped = stripped[len(w) :]
    return (stripped or after).strip() or None


# a sentence that reports what was done: 过去五年…, 已建成…, 累计…, 截至2020年底…, …以来
_PAST_CUE = re.compile(
    r"过去|回顾|已经|已[达建完实累超形取有覆提增]|累计|截至|截止|同比|比上年|较上年|去年|上年度|"
    r"[一二两三四五六七八九十]年来|近[一二两三四五六七八九十]年来|以来|[提增降下]\w?了|完成了|达到了|实现了|取得了"
)
# a review paragraph's opening: the sentences after it report results until a forward cue
_REVIEW_OPEN = re.compile(r"^\W{0,2}(?:过去|回顾|[一二两三四五六七八九十]年来|近[一二两三四五六七八九十]年)")
_FUTURE_CUE = re.compile(
    r"力争|确保|目标|预期|争取|预计|将(?!近)|计划|今后|未来|规划期|今年|明年|下一步|(?<![主重需必首纲摘概只])要(?!求)"
)
# what a quantity's own clause says about it
_FACT_BEFORE = re.compile(r"(?:拥有|现有|共有|全国有|全省有|全市有|全区有|总人口|人口)(?:超过|约|近|逾|达)?$")
_BASE_AFTER = re.compile(r"^[^,，;；。]{0,40}?(?:的基础上|基础上)")
_FROM = re.compile(r"(?:从|由)$")
_TO = re.compile(
    r"(?:提高|增加|增长|提升|扩大|降低|下降|减少|降|升|缩小|压减|压缩|调整|缩短|延长|上升|跃升|扩展|拓展|达)?(?:到|至)"
)


@dataclass
class PlanContext:
    """What a unit's targets need from the document: its period, and the deadline of the
    enclosing section (a heading's 到2025年) when there is one."""

    period: Optional[tuple[int, int]] = None
    section_deadline: Optional[int] = None
    section_review: bool = False  # under 发展现状 / 主要成就 / 发展基础: figures are results


_REVIEW_HEADING = re.compile(r"现状|发展基础|基础|成就|成效|回顾|进展|形势|完成情况")


def section_context(heading: str, period: Optional[tuple[int, int]] = None) -> PlanContext:
    """The context of the units under ``heading``: its forward deadline (主要目标：到2025年…)
    and whether it reviews the past (发展现状, “十三五”时期主要成就)."""
    now = period[0] if period else None
    frames = [f for f in find_timeframes(heading) if f.kind in ("deadline", "span") and not _is_past(f, now)]
    review = bool(_REVIEW_HEADING.search(heading)) and not _FUTURE_CUE.search(heading)
    return PlanContext(period=period, section_deadline=frames[-1].year if frames else None, section_review=review)


def _is_past(f: TimeFrame, now: Optional[int]) -> bool:
    """Is a dated frame behind the plan: 2020年 / “十三五”期间 / 截至2020年底 in a 2021 plan."""
    if f.kind == "since":
        return True
    if now is None or f.year is None:
        return f.text.startswith(("截至", "截止"))
    return f.year < now


def _kind_of(st: str, q: Quantity, past_sentence: bool, forward_frame: bool) -> str:
    left = st[: q.start]
    for lead in PRE_QUALIFIERS:
        if left.endswith(lead):
            left = left[: -len(lead)]
            break
    if _BASE_AFTER.match(st[q.end :]):
        return "baseline"
    if not forward_frame and (
        _FACT_BEFORE.search(left)
        or (q.unit == "人" and "亿" in q.text and not _FUTURE_CUE.search(st))
        or (q.unit == "人" and st[q.end : q.end + 1] in ("口", "民"))
    ):
        return "fact"
    return "result" if past_sentence else "target"


def extract_targets(
    text: str,
    sentences: Sequence[Sentence],
    plan: Optional[tuple[int, int]] = None,
    context: Optional[PlanContext] = None,
) -> list[Target]:
    """Targets of one unit, each with a ``kind``: target (forward), result (done: a review
    sentence, a year before the plan), baseline (the level a 在…的基础上 builds on) or fact
    (a size: 14亿人, 全国有…). ``从X提高到Y`` gives one target Y with baseline X.

    A quantity takes the forward deadline or span nearest before it in its sentence (else the
    first after it) and the rate (每年/年均/每5年) before it, unless a deadline comes between.
    Without one in its sentence it takes, marked ``deadline_inferred``, the last deadline of an
    earlier sentence of the unit, else the section's, else the end of the plan's period
    (``plan`` = (start, end), see :func:`kb.extract.deadlines.plan_period`). Years that are not
    deadlines (从2019年起, 比2020年, 2012年以来, a date) never give one; 比2020年 is the
    ``baseline_year``."""
    ctx = context or PlanContext(period=plan)
    if plan and not ctx.period:
        ctx.period = plan
    now = ctx.period[0] if ctx.period else None
    plan_end = ctx.period[1] if ctx.period else None
    out: list[Target] = []
    if not sentences:
        sentences = [Sentence(id="", text=text, start=0, end=len(text))]
    carried: Optional[TimeFrame] = None
    review = ctx.section_review
    for s in sentences:
        st = text[s.start : s.end]
        qs = find_quantities(st)
        frames = find_timeframes(st)
        dated = [f for f in frames if f.kind in ("deadline", "span")]
        forward = [f for f in dated if not _is_past(f, now)]
        past = [f for f in frames if f.kind in ("deadline", "span", "since") and _is_past(f, now)]
        rates = [f for f in frames if f.kind == "rate"]
        bases = [f for f in frames if f.kind == "base"]
        future_cue = bool(_FUTURE_CUE.search(st)) or any(f.lead for f in forward)
        if _REVIEW_OPEN.search(st):
            review = True
        elif (future_cue or forward) and not ctx.section_review:
            review = False
        past_sentence = not future_cue and (review or bool(_PAST_CUE.search(st)))
        # 从10万元提高到15万元: the 10万元 is the baseline of the 15万元
        baseline_of: dict[int, float] = {}
        dropped: set[int] = set()
        for i in range(len(qs) - 1):
            a, b = qs[i], qs[i + 1]
            if _FROM.search(st[: a.start]) and _TO.fullmatch(st[a.end : b.start]):
                baseline_of[i + 1] = a.value
                dropped.add(i)
        for i, q in enumerate(qs):
            if i in dropped:
                continue
            before = [f for f in forward if f.end <= q.start]
            after = [f for f in forward if f.start >= q.end]
            when = before[-1] if before else (after[0] if after else None)
            # a rate holds until a new deadline starts another clause of the plan:
            # 每年培训5000人次,到2023年底覆盖90%: the 90% is not yearly
            rate = [f for f in rates if f.end <= q.start and not any(f.end <= d.start < q.start for d in dated)]
            # 2020年粮食产量达到…, “十三五”期间建成…: a past year before the figure dates it; a
            # rate is compared with the past (高于“十三五”时期), not dated by it
            own_past = [f for f in past if f.end <= q.start] and not rate
            kind = _kind_of(st, q, past_sentence or (when is None and bool(own_past) and not future_cue), bool(when))
            base = [f for f in bases if f.end <= q.start]
            inferred = False
            deadline, deadline_text = (when.year, when.text) if when else (None, None)
            if when is None and kind == "target":
                inferred = True
                if carried is not None and not rate:
                    deadline = carried.year
                elif ctx.section_deadline is not None and not rate:
                    deadline = ctx.section_deadline
                else:
                    deadline = plan_end
                if deadline is None:
                    inferred = False
            if kind != "target" and when is None:
                deadline = None
            period = rate[-1].period if rate else (when.period if when and when.kind == "span" else None)
            out.append(
                Target(
                    text=q.text,
                    value=q.value,
                    unit=q.unit,
                    qualifier=q.qualifier,
                    period=period,
                    deadline=deadline,
                    sentence=s.id,
                    start=s.start + q.start,
                    end=s.start + q.end,
                    subject=_subject(st, q, frames),
                    deadline_text=deadline_text,
                    kind=kind,
                    baseline=baseline_of.get(i),
                    baseline_year=base[-1].year if base else None,
                    deadline_inferred=inferred,
                )
            )
        if not qs and not past_sentence:
            for f in forward:
                out.append(
                    Target(
                        text=f.text,
                        value=None,
                        unit=None,
                        qualifier=None,
                        period=f.period if f.kind == "span" else None,
                        deadline=f.year,
                        sentence=s.id,
                        start=s.start + f.start,
                        end=s.start + f.end,
                        subject=None,
                        deadline_text=f.text,
                    )
                )
        leads = [f for f in forward if f.kind == "deadline" and f.lead]
        if leads:
            carried = leads[-1]
    return out


# ---------------------------------------------------------------------------- queries


@dataclass
class TargetQuery:
    kind: str  # quantity | deadline | span
    value: Optional[float] = None
    unit: Optional[str] = None
    qualifier: Optional[str] = None
    year: Optional[int] = None
    text: str = ""


def parse_query(term: str) -> Optional[TargetQuery]:
    """Read a ``kb mentions`` term as a figure (``80%``, ``500万人``, ``百人以上``) or a time
    frame (``2025年底``, ``“十四五”末``); None when it is neither."""
    t = to_halfwidth(term.strip())
    frames = find_timeframes(t)
    if len(frames) == 1 and frames[0].start <= 1 and frames[0].end == len(t) and frames[0].kind != "rate":
        f = frames[0]
        return TargetQuery(kind=f.kind, year=f.year, text=term.strip())
    m = re.fullmatch(r"(?:19|20)\d\d年?", t)
    if m:
        return TargetQuery(kind="deadline", year=int(t[:4]), text=term.strip())
    qs = [q for q in find_quantities(t)]
    if not qs:
        m = re.fullmatch(
            rf"(?P<pre>{'|'.join(PRE_QUALIFIERS)})?(?P<num>[{CN_NUM_CHARS}]+)(?P<unit>{'|'.join(_CN_UNITS)})"
            rf"(?P<post>{'|'.join(POST_QUALIFIERS)})?",
            t,
        )
        if m and cn_number(m.group("num")) is not None:
            return TargetQuery(
                kind="quantity",
                value=cn_number(m.group("num")),
                unit=m.group("unit"),
                qualifier=_pick_qualifier([m.group("post"), m.group("pre")]),
                text=term.strip(),
            )
        return None
    q = qs[0]
    pre, s = _pre_qualifier(t, q.start)
    if len(qs) != 1 or s != 0 or q.end != len(t):
        return None
    return TargetQuery(kind="quantity", value=q.value, unit=q.unit, qualifier=q.qualifier, text=term.strip())


def target_matches(q: TargetQuery, tg: Target, literal: bool = False) -> bool:
    """Does a stored target answer the query? A figure matches the same value with the same
    unit, or a unit that extends it (500万人 also finds 500万人次, which is how a reader scans
    figures); a qualifier in the query must be the target's. A time frame matches deadlines of
    that year (spans only when the query is a span); ``literal`` asks for the same wording."""
    if q.kind == "quantity":
        if tg.value is None or q.value is None or abs(tg.value - q.value) > 1e-9 * max(1.0, abs(q.value)):
            return False
        if q.unit and not (tg.unit or "").startswith(q.unit):
            return False
        if q.qualifier and q.qualifier != tg.qualifier and not (q.qualifier == "达到" and tg.qualifier is None):
            return False
        return True
    if tg.deadline_text is None:
        return False
    if literal:
        return to_halfwidth(q.text).lstrip("到至") in to_halfwidth(tg.deadline_text)
    frame = find_timeframes(tg.deadline_text)
    if not frame or tg.deadline != q.year:
        return False
    # “十四五”期间 (a span) and 到2025年底 (an end point) both end in 2025 but say different things
    return frame[0].kind == ("span" if q.kind == "span" else "deadline")


# ---------------------------------------------------------------------------- indicator tables

_NAME_COL = re.compile(r"^(?:主要)?指标(?:名称|项|内容)?$|^名称$|^项目$")
_SKIP_COL = re.compile(r"序号|类别|类目|板块|领域|分类|备注|说明|责任|牵头|完成情况")
_ATTR_COL = re.compile(r"属性|类型|性质")
_RATE_COL = re.compile(r"年均|每年")
_BASE_COL = re.compile(r"现状|基期|基准|基数|基础")
_TARGET_COL = re.compile(r"目标|规划|预期值|指标值")
_CELL_QUAL = [("≥", "不低于"), (">=", "不低于"), ("≤", "不超过"), ("<=", "不超过"), (">", "超过"), ("<", "低于")]
_HEADER_UNIT = re.compile(r"[（(]\s*([^（()）]{1,12}?)\s*[)）]\s*$")


def _header_year(h: str) -> Optional[int]:
    h = to_halfwidth(re.sub(r"\s+", "", h))
    years = [int(y) for y in re.findall(r"(?:19|20)\d\d", h)]
    if years:
        return years[-1]
    m = re.search(_FYP, h)
    if m:
        span = fyp_years(m.group("fyp"))
        return span[1] if span else None
    return None


def _cell_value(cell: str, unit: Optional[str]) -> tuple[Optional[float], Optional[str], Optional[str]]:
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
        q = qs[0]
        pre = re.search(r"(超|超过|不低于|不少于|达到)$", c[: q.start])
        return (
            q.value,
            q.unit or unit,
            q.qualifier
            or (
                pre.group(1).replace("超", "超过", 1)
                if pre and pre.group(1) == "超"
                else (pre.group(1) if pre else qual)
            ),
        )
    return None, unit, qual


def row_targets(
    header: Sequence[str], cells: Sequence[str], plan_period: Optional[tuple[int, int]] = None
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
    row_year: Optional[int] = None
    values: list[tuple[str, Optional[int], str]] = []  # (role, year, cell)
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
                if later and (start is None or any(_header_year(x) >= start for x in later)):
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
