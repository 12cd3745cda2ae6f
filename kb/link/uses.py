"""How task A uses what task B sets up, beyond naming it: doing the work B's resource is for, using its
head noun after a use verb, working online or sharing data on the plan's one platform or data hub, and the
work B says its output serves (the rules of kb/link/dependencies.py)."""

from __future__ import annotations

import re
from functools import lru_cache

from kb.extract.lexicon import alternation, word_lists
from kb.link.text import clauses
from kb.link.things import (
    _SERVES_RE,
    DOTS,
    ESTABLISH_VERBS,
    GENERIC_MODS,
    HEADS,
    IT_HEADS,
    RESOURCE_HEADS,
    USE_VERBS,
    WORK_VERBS,
    Thing,
    _strip_scope,
    law_name,
    work_of,
)
from kb.model import Sentence, Unit


def _does_work(a: Unit, a_things: list[Thing], work: str, head: str = "") -> tuple[Sentence, str] | None:
    """A carries out ``work`` (a work verb at most 6 characters before it in one clause:
    开展工资集体协商, 深化普法宣传), or does it at a resource of B's kind (``head``: 教师…在企业或
    实训基地实训), and sets up no resource of its own for the same work."""
    hit = _work_done(a, work, head)
    if hit and any(work_of(t) == work for t in a_things):
        return None  # A builds its own 普法资源库: parallel work (asked after the rarer hit)
    return hit


@lru_cache(maxsize=1024)
def _work_patterns(work: str, head: str) -> tuple[re.Pattern | None, re.Pattern]:
    """The work done at a resource of kind ``head`` (在 + a place ending in the head + the work)
    and the work after a work verb; built once per work, not once per unit asked."""
    at = (
        re.compile(r"在[^,，;；。在]{0,12}?" + re.escape(head) + r"(?:开展|进行|参加)?" + re.escape(work))
        if head
        else None
    )
    done = re.compile(
        r"(?:"
        + WORK_VERBS
        + r"|签订|订立|执行|依据|依照)([^,，;；。的《]{0,6}?)"
        + re.escape(work)
        + r"(?!建设|工程|》)"
    )
    return at, done


def _work_done(a: Unit, work: str, head: str) -> tuple[Sentence, str] | None:
    at, pat = _work_patterns(work, head)
    if at is not None:
        for s in a.sentences:
            if work not in s.text:
                continue  # (most sentences: the clauses need not be searched)
            for c, _a, _b in clauses(s.text):
                if at.search(c) and not DOTS.search(s.text):
                    return s, c
    for s in a.sentences:
        if work not in s.text or DOTS.search(s.text):
            continue
        for c, _a, _b in clauses(s.text):
            m = pat.search(c)
            if m and not re.search(ESTABLISH_VERBS, m.group(1)):
                after = c[m.end() :]
                if not after or re.match(
                    r"[等的和与及或、(（率]|宣传|活动|工作|行动|教育|培训|服务|[^\u4e00-\u9fff]", after
                ):
                    return s, c  # not the modifier of another thing (劳动关系法律保障体系)
    return None


# the levels a body or a piece of work is organised at (an industry-wide body, area-wide work)
_L = word_lists("links")  # the word lists are data: kb/extract/lexicon/links.tsv
_LEVEL = rf"(?:{alternation(_L['level'])})"  # levels, not modes of cooperation (跨区域)
_LEVELS = re.compile(_LEVEL + r"(?:[、和与及]" + _LEVEL + r")*")
BODY_HEADS = _L["body-head"]
_BODY_WORK = re.compile("|".join(BODY_HEADS) + r"|组织|机构|建设")  # work that is a body's making


def body_levels(t: Thing) -> frozenset[str]:
    """The levels of a body B sets up, as its establishing clause writes them before the name
    (切实加强区域性、行业性工会联合会建设 -> 区域性, 行业性); empty for anything else."""
    if t.head not in BODY_HEADS:
        return frozenset()
    i = t.clause.find(t.name)
    if i < 0:
        return frozenset()
    for m in _LEVELS.finditer(t.clause):
        if i <= m.end() <= i + len(t.name) - len(t.head) and m.start() <= i + 3:
            return frozenset(re.findall(_LEVEL, m.group(0)))
    return frozenset()


_LEVEL_WORK = re.compile(r"(?:" + WORK_VERBS + r")(" + _LEVELS.pattern + r")([\u4e00-\u9fff]{2,10})")


def _level_work(a: Unit, a_things: list[Thing], levels: frozenset[str]) -> tuple[Sentence, str, str] | None:
    """A carries out work at exactly the levels of B's body (大力推进行业性、区域性集体协商 for
    区域性、行业性工会联合会): the body is the party such work needs. Not when A sets up a body at
    those levels itself, nor when A's object is itself a body (…调解组织建设)."""
    if any(body_levels(t) == levels for t in a_things):
        return None
    pat = _LEVEL_WORK
    for s in a.sentences:
        if DOTS.search(s.text):
            continue
        for c, _a, _b in clauses(s.text):
            for m in pat.finditer(c):
                work = m.group(2)
                if frozenset(re.findall(_LEVEL, m.group(1))) != levels:
                    continue
                if _BODY_WORK.search(work):
                    continue
                return s, c, m.group(0)
    return None


_BY_LAW = re.compile(alternation(_L["by-law"]))


def _acts_by_law(a: Unit, a_things: list[Thing], subject: str) -> tuple[Sentence, str] | None:
    """A acts by law on what a law names: 依法/依规 and, later in the same clause, the law's
    subject (依法纠正…撤并工会组织 for 《工会法》); A drafts no law on that subject itself.
    The subject must follow: 港澳工会依法开展… acts as a body under its own law."""
    for s in a.sentences:
        if subject not in s.text or DOTS.search(s.text):
            continue
        for c, _a, _b in clauses(s.text):
            m = _BY_LAW.search(c)
            if m and subject in c[m.end() :] and "《" not in c:
                # (asked after the rarer hit)
                return None if any(law_name(t) == subject for t in a_things) else (s, c)
    return None


@lru_cache(maxsize=256)
def _use_pattern(head: str) -> re.Pattern:
    """A use verb, a few words and ``head`` (built once per head, not once per unit and thing)."""
    return re.compile(r"(?:" + "|".join(USE_VERBS) + r")([^,，;；。、和及与等]{1,12}?)" + re.escape(head))


def head_uses(a: Unit, head: str) -> list[tuple[Sentence, str, str, str]]:
    """Where A names a thing by its head noun after a use verb (依托考古工作站开展…, 用好执法队伍):
    (sentence, clause, phrase, A's words before the head without scope words and generic
    modifiers). Read once per unit and head: every thing of that head is matched against it."""
    if head not in RESOURCE_HEADS + IT_HEADS:
        return []
    pat = _use_pattern(head)
    out = []
    for s in a.sentences:
        if head not in s.text or DOTS.search(s.text):
            continue
        for c, _a, _b in clauses(s.text):
            for m in pat.finditer(c):
                out.append((s, c, m.group(0), GENERIC_MODS.sub("", _strip_scope(m.group(1)))))
    return out


def bare_core(thing: Thing) -> str:
    """The thing's core without scope words and generic modifiers (what a use must share)."""
    return GENERIC_MODS.sub("", _strip_scope(thing.core))


def _used_head(uses: list[tuple[Sentence, str, str, str]], core: str) -> tuple[Sentence, str, str] | None:
    """The first of A's ``uses`` of a head (:func:`head_uses`) with B's own words before the
    head (``core``: :func:`bare_core` of B's thing): (sentence, clause, phrase)."""
    for s, c, phrase, x in uses:
        if len(x) >= 2 and _shared(x, core) >= max(2, (len(x) + 1) // 2):
            return s, c, phrase
    return None


def _shared(x: str, y: str) -> int:
    """Length of the longest common substring of x and y."""
    best = 0
    for i in range(len(x)):
        for j in range(i + best + 1, len(x) + 1):
            if x[i:j] in y:
                best = j - i
            else:
                break
    return best


_ONLINE = re.compile(
    r"(?:" + WORK_VERBS + r"|实行|实现|提供|办理)(?:网上|线上|在线)(?!网下|线下)([\u4e00-\u9fff]{2,8})"
)
_ONLINE_B = re.compile(r"网上|线上|在线|互联网")


def _online_work(a: Unit, a_things: list[Thing]) -> tuple[Sentence, str, str] | None:
    """A offers a service online (推行网上申请入会) and builds no platform or system of its own."""
    if any(t.head in IT_HEADS for t in a_things):
        return None
    for s in a.sentences:
        for c, _a, _b in clauses(s.text):
            for m in _ONLINE.finditer(c):
                phrase = m.group(0)
                if not any(h in m.group(1) for h in HEADS if len(h) > 1) and not re.search(
                    r"交流|学习|课程|营销|交易", phrase
                ):
                    return s, c, phrase
    return None


def _online_platform(things: dict[str, list[Thing]], by_id: dict[str, Unit]) -> Thing | None:
    """The plan's one general online service platform: a platform or system with no specific
    core (全国工会服务平台) whose establishing sentence or task title says it serves online."""
    found = [
        t
        for b, ts in things.items()
        for t in ts
        if t.head in IT_HEADS
        and list(t.forms.values()) == ["generic-name"]
        and (_ONLINE_B.search(t.sentence.text) or _ONLINE_B.search(_title(by_id[b])))
    ]
    return found[0] if len({t.unit for t in found}) == 1 else None


_DATA_WORK = re.compile(
    r"数据[^,，;；。、和与及]{0,4}?(?:共享|交换|汇聚|开放|对接)|(?:共享|交换|汇聚|开放|对接)[^,，;；。、和与及]{0,4}?数据"
)
_DATA_HUB_WORDS = re.compile(r"大数据|数据|资源|信息|共享|交换|开放|汇聚|整合|管理")
_DATA_KINDS = re.compile(r"公共|政务|基础")  # a hub for one kind of data serves only work on that kind


def _data_work(a: Unit, a_things: list[Thing], kind: str = "") -> tuple[Sentence, str, str] | None:
    """A shares or exchanges data (推动工会网站数据共享交换) and builds no data system of its own;
    for a hub of one kind of data (公共数据资源体系), A's clause names that kind (公共数据)."""
    if any("数据" in t.name and t.head in IT_HEADS + ("体系", "中心", "数据库") for t in a_things):
        return None
    for s in a.sentences:
        for c, _a, _b in clauses(s.text):
            m = _DATA_WORK.search(c)
            if m and kind and kind + "数据" not in s.text:
                continue
            if m and not re.search(ESTABLISH_VERBS, c[: m.start()][-6:]):
                return s, c, m.group(0)
    return None


def _data_hub(things: dict[str, list[Thing]]) -> Thing | None:
    """The plan's one general data-resource system: a system or platform whose core says only
    data/resources (工会数据资源管理体系, 公共数据资源体系), set up by a single task."""
    found = []
    for ts in things.values():
        for t in ts:
            core = _strip_scope(t.name[: len(t.name) - len(t.head)]) if t.head else ""
            if (
                t.head in IT_HEADS + ("体系", "中心")
                and "数据" in core
                and not _DATA_KINDS.sub("", _DATA_HUB_WORDS.sub("", core))
            ):
                found.append(t)
    return found[0] if len({t.unit for t in found}) == 1 else None


def _serves(u: Unit) -> list[tuple[Sentence, str, str]]:
    """What B says its output serves: (sentence, clause, work) for each listed work."""
    out = []
    for s in u.sentences:
        for m in _SERVES_RE.finditer(s.text):
            if "了" in m.group(0):
                continue  # 为…提供了…支撑: a review of what was done, not an output
            for w in re.split(r"、|和|及", m.group(1)):
                w = _strip_scope(w.strip())
                if len(w) >= 4 and not w.endswith(("业", "领域", "行业", "地区")):  # a sector is a target, not work
                    out.append((s, s.text[m.start() : m.end()], w))
    return out


def _plans_work(a: Unit, work: str) -> tuple[Sentence, str] | None:
    """A's clause naming ``work``: as written, or its two halves swapped or split (精准服务 ~ 服务精准化)."""
    x, y = work[:2], work[2:]
    for s in a.sentences:
        for c, _a, _b in clauses(s.text):
            if work in c or (len(work) == 4 and (y + x in c)):
                return s, c
            if len(work) == 4 and x in c and y in c and 0 < c.find(y) - c.find(x) <= 8:
                return s, c
    return None


def _title(u: Unit) -> str:
    return u.sentences[0].text if u.sentences else ""
