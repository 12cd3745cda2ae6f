"""Quantities, time frames and targets in plan text, by rule (no spaCy, no jieba).

Other modules reuse the number parser (``parse_number``) and the query parser
(``parse_query``), and ``kb mentions`` must not load spaCy, so everything here is plain ``re``.

A *quantity* is a number with a counting unit (``20万人次``, ``30亿元``, ``80%``); a *time
frame* is a deadline (``到2025年底``, ``“十四五”末``, ``2021年``), a span (``“十四五”期间``)
or a rate (``每年``, ``年均``). A *target* is a quantity with the time frame of its sentence,
or, in a sentence that has a deadline but no quantity, the deadline alone (value ``None``):
``到2025年底普遍实现基层工会按期换届选举`` is a commitment with a date even without a number.

The quantity and time-frame finders are in :mod:`kb.extract.quantities`, the targets of
indicator-table rows in :mod:`kb.extract.indicator_rows`; both are re-exported here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Optional

from kb.extract.deadlines import fyp_years
from kb.extract.indicator_rows import row_targets
from kb.extract.lexicon import alternation, word_lists
from kb.extract.quantities import (
    _CN_UNITS,
    CN_NUM_CHARS,
    POST_QUALIFIERS,
    PRE_QUALIFIERS,
    UNITS,
    Quantity,
    TimeFrame,
    _pick_qualifier,
    _pre_qualifier,
    cn_number,
    find_quantities,
    find_timeframes,
    parse_number,
    to_halfwidth,
)
from kb.model import Sentence, Target

__all__ = [
    "CN_NUM_CHARS",
    "UNITS",
    "PlanContext",
    "Quantity",
    "TargetQuery",
    "TimeFrame",
    "cn_number",
    "extract_targets",
    "find_quantities",
    "find_timeframes",
    "fyp_years",
    "parse_number",
    "parse_query",
    "row_targets",
    "section_context",
    "target_matches",
    "to_halfwidth",
]


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
# the modal adverbs of commitment (grammar, not a domain list, so they stay in code)
_STRONG_FUTURE = re.compile(r"力争|确保|争取|预计|今后|未来|下一步|将(?!近)")
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


_W = word_lists("targets")
# a heading that names the state of things (一、发展基础, 发展现状和形势, “十四五”规划执行情况) reviews
# the past: a review noun ends one of its phrases (a second noun may be joined: 现状与问题); a
# phrase opened by a verb is a task (夯实粮食安全基础, 加强基础教育, 优化升级数字基础设施 — the noun
# does not end it), and a review noun after an aim mark is an aim (取得新成效)
_REVIEW_END = re.compile(rf"(?:{alternation(_W['review-noun'])})(?:[和与及、][\u4e00-\u9fff]{{1,6}})?$")
_AIM_MARK = re.compile(rf"(?:{alternation(_W['aim-mark'])})$")
_HEADING_VERB = re.compile(rf"^(?:{alternation(_W['heading-verb'])})")
_HEADING_NUMBER = re.compile(r"^[\s第一二三四五六七八九十百零〇0-9０-９.．、()（）篇章节部分]*[：:、.．\s]*")


def _reviews(heading: str) -> bool:
    """Does one of the heading's phrases name the state of things rather than a task?"""
    for part in re.split(r"\s+", heading.strip()):
        for phrase in re.split(r"[，,：:；;。]", _HEADING_NUMBER.sub("", part)):
            phrase = phrase.strip('“”"　 ')
            m = _REVIEW_END.search(phrase)
            if m and not _HEADING_VERB.match(phrase) and not _AIM_MARK.search(phrase[: m.start()]):
                return True
    return False


def section_context(heading: str, period: Optional[tuple[int, int]] = None) -> PlanContext:
    """The context of the units under ``heading``: its forward deadline (主要目标：到2025年…)
    and whether it reviews the past (发展现状, “十三五”时期主要成就)."""
    now = period[0] if period else None
    frames = [f for f in find_timeframes(heading) if f.kind in ("deadline", "span") and not _is_past(f, now)]
    review = _reviews(heading) and not _FUTURE_CUE.search(heading)
    return PlanContext(period=period, section_deadline=frames[-1].year if frames else None, section_review=review)


def _is_past(f: TimeFrame, now: Optional[int]) -> bool:
    """Is a dated frame behind the plan: 2020年 / “十三五”期间 / 截至2020年底 in a 2021 plan."""
    if f.kind == "since":
        return True
    if now is None or f.year is None:
        return f.text.startswith(("截至", "截止"))
    return f.year < now


# a figure that only describes something named rather than committing an amount: the size in
# brackets of a part that the sentence sums (远香湖南（4.73平方公里）、…，共计15.19平方公里) or leaves
# out (不含长风公园改造项目（35.63万平方米）) or lists with others (X（3.92平方公里）、Y（3.66平方公里）), a design standard (按照…50年一遇洪水标准), the basis of
# a share (按照100.9平方公里计), a duration that qualifies a noun (24小时开放公厕). A bracketed size
# that is neither summed nor left out is the amount of its clause (改造提升老旧小区（120万平方米）).
# The word lists are data (kb/extract/lexicon/targets.tsv).
_NAMED_SIZE = re.compile(r"[\w”》）)]\s*[（(]$")
_SIZE_UNITS = _W["size-unit"]
_BRACKET_SIZE = re.compile(rf"[（(]\s*\d+(?:\.\d+)?\s*(?:万|千)?(?:{alternation(_SIZE_UNITS)})\s*[）)]")
_PART_SUM = re.compile(alternation(_W["part-sum"]))
_PART_EXCLUDED = re.compile(alternation(_W["part-excluded"]))
# the standard closes its clause (…50年一遇洪水标准，); 标准化工人文化宫 is no standard
_STANDARD_AFTER = re.compile(rf"^[^,，;；。:：]{{0,16}}?(?:{alternation(_W['standard'])})(?=[,，;；。、）)]|$)")
_REACH = re.compile(alternation(_W["reach-verb"]))
_BASIS = re.compile(r"按照?[^,，;；。]{0,6}$")
_DURATION_UNITS = _W["duration-unit"]
_DURATION_HEAD = re.compile(rf"(?:{alternation(_W['duration-head'])})$")
# what a quantity's own clause says: 共计25.2平方公里已完成 reports a result even in a sentence
# that also plans ahead (“十四五”达标计划：…). 已 + a verb of completion is the grammar of the
# perfective aspect, not a domain word list, so it stays here.
_CLAUSE_PAST = re.compile(r"已(?:经)?(?:完成|建成|实现|达到|达|累计|超过|覆盖|形成|取得|开展)|累计完成|完成了|建成了")


def _clause(st: str, q: Quantity) -> str:
    a = max((m.end() for m in re.finditer(r"[,，;；。!?！？]", st[: q.start])), default=0)
    m = re.search(r"[,，;；。!?！？]", st[q.end :])
    return st[a : q.end + (m.start() if m else len(st) - q.end)]


def _describes(st: str, q: Quantity) -> bool:
    """Does the figure describe a named thing (its size, a standard, a basis, a duration) rather
    than commit an amount?"""
    after = st[q.end :]
    clause = _clause(st, q)
    if (
        _NAMED_SIZE.search(st[: q.start])
        and after[:1] in ("）", ")")
        and q.unit in _SIZE_UNITS
        and (
            _PART_SUM.search(after)
            or _PART_EXCLUDED.search(clause[: max(0, clause.find(q.text))])
            or len(_BRACKET_SIZE.findall(st)) >= 2  # parts listed with their sizes: X（a）、Y（b）
        )
    ):
        return True
    std = _STANDARD_AFTER.match(after)
    if std and not _REACH.search(std.group()):
        return True
    if _BASIS.search(st[: q.start]) and re.match(r"^\s*(?:计算|计)", after):
        return True
    if q.unit in _DURATION_UNITS and not q.qualifier and not _DURATION_HEAD.search(st[: q.start]):
        # 24小时开放…: a modifier, not an amount; 72小时内响应 is a limit (内/以内: within, grammar)
        return bool(re.match(r"^[\u4e00-\u9fff]", after)) and not re.match(r"^以?内", after)
    return False


def _kind_of(st: str, q: Quantity, past_sentence: bool, forward_frame: bool, when: Optional[TimeFrame] = None) -> str:
    left = st[: q.start]
    for lead in PRE_QUALIFIERS:
        if left.endswith(lead):
            left = left[: -len(lead)]
            break
    if _BASE_AFTER.match(st[q.end :]):
        return "baseline"
    if _describes(st, q):
        return "fact"
    # the report follows the figure (共计25.2平方公里已完成) or reaches it (已达到80%); 改造已建成的
    # 50座 is a commitment on existing things
    clause = _clause(st, q)
    tail = clause[clause.rfind(q.text) + len(q.text) :] if q.text in clause else ""
    # 已 + a verb of completion before the figure in its clause (已达到80%, 已建成5G基站8万个), not
    # as a modifier (改造已建成的50座泵站)
    reached = re.search(
        r"已(?:经)?(?:达到|达|超过|累计|建成|完成)[^的,，;；。]{0,12}$", clause[: max(0, clause.rfind(q.text))]
    )
    # a forward date in a later clause (…已建成8万个，到2027年达到18万个) dates that clause, not this one
    later = when is not None and when.start >= q.end + len(tail)
    if (_CLAUSE_PAST.search(tail) or reached) and not _FUTURE_CUE.search(clause) and (not forward_frame or later):
        return "result"
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
        if ctx.section_review and not forward and not _STRONG_FUTURE.search(st):
            # under 发展基础/“十四五”规划执行情况 a word such as 目标 (围绕三个目标) does not make a
            # sentence forward; a date after the plan's start or 力争/确保/将 does
            past_sentence = True
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
            kind = _kind_of(
                st, q, past_sentence or (when is None and bool(own_past) and not future_cue), bool(when), when=when
            )
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
            elif kind == "result" and when is not None and when.start >= q.end:
                deadline, deadline_text = None, None  # a later clause's date is not this result's
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
