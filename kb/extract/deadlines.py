"""A plan's own period, from its title or text: （2026-2030年）, 2024—2027年, “十四五”, 到2022年.

``plan_period(title, text)`` gives (start, end) or None. The end is the deadline of a target that
names none; the start separates forward targets from results (``2020年达到…`` in a 2021 plan).
"""

from __future__ import annotations

import re

from kb.extract.lexicon import alternation, word_lists
from kb.extract.numerals import cn_value, cn_year

_FW = str.maketrans("０１２３４５６７８９", "0123456789")
_Y = r"(?:19|20)\d\d"
_RANGE = re.compile(rf"(?P<a>{_Y})\s*年?\s*(?:[-—–~～至到]|——)\s*(?P<b>{_Y})\s*年")
_FYP = re.compile(r"[“\"]?\s*(?P<n>十[一二三四五六七八九]?|[一二三四五六七八九])\s*五\s*[”\"]?")
_YEAR_TITLE = re.compile(rf"(?P<y>{_Y})\s*年(?:度)?")
# the document's own number or date stands on a line of its own (国发〔2019〕4号, 2024年10月10日);
# a number inside a sentence belongs to a cited document (…规范联〔2023〕11号）…) and comes last
_ISSUE = [
    re.compile(rf"^\s*\S{{0,12}}[〔\[](?P<y>{_Y})[〕\]]\s*\d{{1,5}}\s*号\s*$", re.M),
    re.compile(rf"^\s*(?P<y>{_Y})年\d{{1,2}}月\d{{1,2}}日\s*$", re.M),
    re.compile(rf"〔(?P<y>{_Y})〕"),
    re.compile(rf"\[(?P<y>{_Y})\]"),
]
# a plan for one year's work says so in its preamble: 扎实做好2026年农业农村工作, 抓好2025年度…工作
# (the verbs are data: kb/extract/lexicon/targets.tsv, list one-year-verb); a range (做好2024年至
# 2027年…工作) is no single year
_ONE_YEAR = re.compile(
    rf"(?:{alternation(word_lists('targets')['one-year-verb'])})\s*(?P<y>{_Y})\s*年度?(?![至到\-—–~～]|\s*{_Y})"
    r"[^，。；\n]{0,20}?工作"
)
_PLAN_TERM = re.compile(
    rf"规划(?:期|期限|年限|范围)[为是至到:：]*\s*(?P<a>{_Y})?\s*年?\s*[-—–~至到]*\s*(?P<b>{_Y})\s*年"
)
_GOAL_LINE = re.compile(rf"(?:目标|指标)[^\n]{{0,40}}?(?:到|至|力争到)\s*(?P<y>{_Y})\s*年")


def fyp_years(label: str) -> tuple[int, int] | None:
    """Years of the N-th five-year plan (“十四五” -> 2021..2025). The count restarted after the
    1963-65 adjustment years, so the 3rd plan and later start at 1956 + 5(N-1)."""
    n = cn_value(label)
    if n is None or n < 1:
        return None
    n = int(n)
    start = 1953 + 5 * (n - 1) if n <= 2 else 1956 + 5 * (n - 1)
    return start, start + 4


def issue_year(text: str) -> int | None:
    """The year of the document number (国发〔2019〕4号) or of a date line (2019年1月24日)."""
    head = text[:3000].translate(_FW)
    for rx in _ISSUE:
        m = rx.search(head)
        if m:
            return int(m.group("y"))
    m = _ISSUE[1].search(text[-2000:].translate(_FW))
    return int(m.group("y")) if m else None


def _from_title(title: str) -> tuple[int, int] | None:
    t = re.sub(r"\s+", "", title.translate(_FW))
    m = _RANGE.search(t)
    if m and int(m.group("a")) <= int(m.group("b")):
        return int(m.group("a")), int(m.group("b"))
    for m in _FYP.finditer(t):
        if t.startswith("规划", m.end()) or t.startswith("时期", m.end()) or "规划" in t or "计划" in t:
            years = fyp_years(m.group("n"))
            if years and years[0] >= 1953:
                return years
    m = _YEAR_TITLE.search(t)
    if m and re.search(r"(?:计划|要点|方案|安排|目标|清单|行动|报告)", t):
        y = int(m.group("y"))
        return y, y
    return None


def plan_period(title: str | None, text: str = "") -> tuple[int, int] | None:
    """(start, end) of the plan: from the title's range or five-year plan, else from the first
    title-like lines of the text, else from a stated 规划期/规划期限, else the one year whose work
    the preamble sets out (做好2026年…工作: a single-year plan), else from the first ``到YYYY年``
    in a goal line (目标/指标), starting in the year the document was issued."""
    if title:
        p = _from_title(title)
        if p:
            return p
    lines = [ln.strip() for ln in text[:3000].splitlines() if ln.strip()]
    for ln in lines[:12]:
        if len(ln) <= 80 and re.search(r"规划|计划|方案|纲要|要点|意见|行动", ln):
            p = _from_title(ln)
            if p:
                return p
    t = text.translate(_FW)
    issued = issue_year(t)
    m = _PLAN_TERM.search(t)
    if m:
        end = int(m.group("b"))
        start = int(m.group("a")) if m.group("a") else (issued or end)
        return min(start, end), end
    m = _ONE_YEAR.search(t[:3000])
    goal = _GOAL_LINE.search(t)
    if m and not (goal and int(goal.group("y")) > int(m.group("y"))):
        # a goal line further ahead (目标：到2027年…) makes it a multi-year plan that also names a year's work
        y = int(m.group("y"))
        return y, y
    m = _GOAL_LINE.search(t)
    if m:
        end = int(m.group("y"))
        start = issued or end
        if start <= end:
            return start, end
    return None


_CITED = re.compile(r"《([^《》]{2,60})》")


def cited_plan_end(cell: str, period: tuple[int, int] | None = None) -> int | None:
    """The end of the period of a plan cited as a row's source (参考文件/依据: 《嘉定区绿化市容
    “十四五”规划》 -> 2025): the row's figures are that plan's, due when it ends. None when the
    cell cites no plan with a period, or one that ended before this plan starts."""
    ends = [p[1] for m in _CITED.finditer(cell.replace("\n", "")) if (p := _from_title(m.group(1)))]
    if not ends or (period and max(ends) < period[0]):
        return None
    return max(ends)


def chinese_year(s: str) -> int | None:
    return cn_year(s)
