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

from kb.model import Sentence, Target

_FW_DIGITS = str.maketrans("０１２３４５６７８９．％", "0123456789.%")

_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}
CN_NUM_CHARS = "零〇一二两三四五六七八九十百千万亿"

# longest first: 人次 before 人, 个百分点 before 个
UNITS = sorted(
    "人次 人 名 家 个 户 元 % ‰ 次 项 所 座 场 期 支 件 篇 部 台 套 本 册 处 间 张 吨 公里 千米 "
    "平方米 亩 小时 倍 个百分点 百分点 万人次 万人".split(),
    key=len,
    reverse=True,
)
# counting units a bare Chinese numeral may take; 支/批/个 are left out on purpose: 一支队伍,
# 一批项目 and 一个中国原则 are wording, not quantities
_CN_UNITS = ["人次", "人", "名", "家", "户", "元", "%"]

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
_CN_QTY_RE = re.compile(rf"(?P<num>[{CN_NUM_CHARS}]+)(?P<unit>{'|'.join(map(re.escape, _CN_UNITS))})")

# time frames
_FYP = r"[“\"]?(?P<fyp>十[一二三四五六七八九]?|[一二三四五六七八九])五[”\"]?"
_TIME_RES = [
    ("deadline", re.compile(r"(?:到|至|截至|截止到|截止|力争到)?(?P<y>(?:19|20)\d\d)年(?P<end>底|末|前|年底)?")),
    ("fyp", re.compile(_FYP + r"(?P<when>期间|时期|末|期末|初|以来)")),
    ("rate", re.compile(r"每年度|每年|年均|每季度|每月")),
]
_RANGE_RE = re.compile(r"(?P<a>(?:19|20)\d\d)\s*[-—–~至到]\s*(?P<b>(?:19|20)\d\d)年")


def to_halfwidth(s: str) -> str:
    return s.translate(_FW_DIGITS)


def cn_number(s: str) -> Optional[float]:
    """Value of a Chinese numeral such as 一, 十八, 百, 一千五百, 三万; None if not one."""
    if not s or any(c not in CN_NUM_CHARS for c in s):
        return None
    total, section, digit = 0, 0, None
    for ch in s:
        if ch in _CN_DIGIT:
            digit = _CN_DIGIT[ch]
        elif ch in _CN_UNIT:
            section += (digit if digit is not None else 1) * _CN_UNIT[ch]
            digit = None
        else:  # 万 / 亿 close a section
            section += digit or 0
            total = (total + section) * _CN_BIG[ch] if ch == "亿" else total + section * _CN_BIG[ch]
            section, digit = 0, None
    return float(total + section + (digit or 0))


def parse_number(s: str) -> Optional[float]:
    """``4.5万`` -> 45000, ``30亿`` -> 3e9, ``百`` -> 100, ``80`` -> 80; None when not a number."""
    s = to_halfwidth(s.strip())
    m = re.fullmatch(rf"({_ARABIC})\s*({_MULT})", s)
    if m:
        v = float(m.group(1))
        for ch in m.group(2):
            v *= {"千": 1000, "百": 100, "万": 10_000, "亿": 100_000_000}[ch]
        return v
    return cn_number(s)


def fyp_years(label: str) -> Optional[tuple[int, int]]:
    """Years of the N-th five-year plan (“十四五” -> 2021..2025). The count restarted after the
    1963-65 adjustment years, so the 3rd plan and later start at 1956 + 5(N-1)."""
    n = cn_number(label)
    if n is None or n < 1:
        return None
    n = int(n)
    start = 1953 + 5 * (n - 1) if n <= 2 else 1956 + 5 * (n - 1)
    return start, start + 4


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
    kind: str  # deadline | span | rate
    year: Optional[int] = None  # deadline year (end of a span)
    period: Optional[str] = None  # 每年 for rates, the span text for spans


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
    A Chinese numeral counts only next to a qualifier (至少有一家, 百人以上), since elsewhere it is
    part of a name (“十四五”, 二十国集团, 三孩, 一个中国原则)."""
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
    for m in _CN_QTY_RE.finditer(t):
        s, end = m.start(), m.end()
        num = m.group("num")
        # a numeral run glued to the word before (第三, 十八大) is not a count
        if s > 0 and (t[s - 1] in CN_NUM_CHARS + "第." or t[s - 1].isdigit()):
            continue
        pre, _ = _pre_qualifier(t, s)
        post, end = _post_qualifier(t, end)
        if not (pre or post) or pre in ("达到", "达", "约", "近"):
            continue
        value = cn_number(num)
        if value is None:
            continue
        out.append(Quantity(s, end, text[s:end], value, m.group("unit"), _pick_qualifier([post, pre]), True))
    out.sort(key=lambda q: q.start)
    return out


def find_timeframes(text: str) -> list[TimeFrame]:
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
            if any(a <= s < b for a, b in taken):
                continue
            if kind == "deadline":
                if s > 0 and t[s - 1].isdigit():
                    continue
                out.append(TimeFrame(s, e, text[s:e], "deadline", int(m.group("y"))))
            elif kind == "fyp":
                years = fyp_years(m.group("fyp"))
                if not years:
                    continue
                if m.group("when") in ("末", "期末"):
                    # 到“十四五”末: take the 到 with it, as for 到2025年底
                    for lead in ("力争到", "到", "至"):
                        if t.endswith(lead, 0, s):
                            s -= len(lead)
                            break
                    out.append(TimeFrame(s, e, text[s:e], "deadline", years[1]))
                elif m.group("when") == "初":
                    out.append(TimeFrame(s, e, text[s:e], "deadline", years[0]))
                else:
                    out.append(TimeFrame(s, e, text[s:e], "span", years[1], text[s:e]))
            else:
                out.append(
                    TimeFrame(s, e, text[s:e], "rate", None, "每年" if m.group() in ("年均", "每年度") else m.group())
                )
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


def extract_targets(text: str, sentences: Sequence[Sentence]) -> list[Target]:
    """Targets of one unit. Each quantity takes the deadline or span nearest before it in its
    sentence (else the first after it) and the rate (每年/年均) before it in its sentence, unless
    a deadline comes between them."""
    out: list[Target] = []
    if not sentences:
        sentences = [Sentence(id="", text=text, start=0, end=len(text))]
    for s in sentences:
        st = text[s.start : s.end]
        qs = find_quantities(st)
        frames = find_timeframes(st)
        dated = [f for f in frames if f.kind in ("deadline", "span")]
        rates = [f for f in frames if f.kind == "rate"]
        for q in qs:
            before = [f for f in dated if f.end <= q.start]
            after = [f for f in dated if f.start >= q.end]
            when = before[-1] if before else (after[0] if after else None)
            # a rate holds until a new deadline starts another clause of the plan:
            # 每年培训5000人次,到2023年底覆盖90%: the 90% is not yearly
            rate = [f for f in rates if f.end <= q.start and not any(f.end <= d.start < q.start for d in dated)]
            period = "每年" if rate else (when.period if when and when.kind == "span" else None)
            out.append(
                Target(
                    text=q.text,
                    value=q.value,
                    unit=q.unit,
                    qualifier=q.qualifier,
                    period=period,
                    deadline=when.year if when else None,
                    sentence=s.id,
                    start=s.start + q.start,
                    end=s.start + q.end,
                    subject=_subject(st, q, frames),
                    deadline_text=when.text if when else None,
                )
            )
        if not qs:
            for f in dated:
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
