"""Roles of mentions from the words governing them in their clause (plain rules).

- ``partner``: the plan works *with* the actor (配合/联合/会同/协同/与/同 … actor).
- ``supervised``: the plan acts *on* it (督促/指导/推动/引导/鼓励/支持/要求 … actor).
- ``lead``: a body of a self-acting system (lexicon roles*.tsv) that is itself the doer.
- ``beneficiary``: every group mention: the plan serves the groups it names.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable

PARTNER = ("配合", "联合", "会同", "协同", "携手", "加强与", "加强同", "与", "同")
SUPERVISED = ("督促", "指导", "推动", "引导", "鼓励", "支持", "要求", "促进", "帮助", "组织", "吸引")
MAX_NAME = 40  # no actor name in any lexicon is longer
_CLAUSE = re.compile(r"[,，;；。:：!?！？]")
# words that may sit between a trigger and its actor: 推动各地工会, 指导推动快递…, 配合有关部门
_GAP = re.compile(r"^(?:各|有关|相关|推动|引导|和|、|支持|各类|广大|具备条件的|符合条件的|有条件的)*$")


_CLAUSE_CHARS = frozenset(",，;；。:：!?！？")


def clause_start(text: str, pos: int) -> int:
    # walk back to the clause mark: clauses are short, so this stays linear in the text even
    # for a unit of a million characters (a forward scan from 0 per mention was quadratic)
    i = pos
    while i > 0 and text[i - 1] not in _CLAUSE_CHARS:
        i -= 1
    return i


# the actor is the doer when the verb of leading follows it at once (生态环境部会同有关部门…,
# 区建设管理委负责统筹…, 国务院教育行政部门牵头…)
_LEAD_AFTER = ("会同", "牵头", "负责")
# an auxiliary between the actor and its verb of leading (工业和信息化部要会同有关部门…)
_AUX = ("要", "应当", "应", "将", "须", "需")


# the subject of its clause: nothing before it but 由/各/其他 or a time phrase
_SUBJECT_LEFT = re.compile(r"^(?:由|各|其他|同时|并|“[^”]*”期间|到\d{4}年底?)*$")
# how far after the subject its 负责/牵头 may stand (国务院教育行政部门依照职业标准牵头组织…;
# A、B在职责范围内，分别负责…)
_LEAD_REACH = 40


def _subject(left: str) -> bool:
    return bool(_SUBJECT_LEFT.match(left))


def _leads_later(text: str, end: int) -> bool:
    """Does 负责, 牵头 or 会同 (not 负责人, the person in charge) follow the actor in its sentence,
    before a full stop or semicolon, within _LEAD_REACH characters?"""
    seg = text[end : end + _LEAD_REACH]
    for stop in "。；;":
        seg = seg.split(stop, 1)[0]
    # past a comma the clause may carry on with the same subject (A、B在职责范围内，分别负责…)
    # but not with a new one (A组织制定标准，B牵头…)
    first, *rest = re.split(r"[，,]", seg)
    return _says_lead(first) or any(_CONTINUED.match(part) for part in rest)


_CONTINUED = re.compile(r"^(?:分别|共同|各自|具体|按职责|主要)?(?:负责|牵头)(?!人)")


def _says_lead(seg: str) -> bool:
    for w in ("负责", "牵头", "会同"):  # (A、B、C要会同有关部门…: each of the subjects leads)
        i = seg.find(w)
        while i >= 0:
            if not seg.startswith("负责人", i) and not seg[:i].endswith(("要求", "对")):
                return True
            i = seg.find(w, i + 1)
    return False


def actor_role(
    text: str, start: int, acts_itself: bool, prev_role: str | None = None, end: int | None = None
) -> str | None:
    """Role of the actor mention at ``start``. ``prev_role`` is the role of the actor just
    before it when the two are joined by 、 or 和 (推动平台企业、关联企业: both supervised)."""
    cs = clause_start(text, start)
    left = text[cs:start]
    if end is not None and not left.endswith(("、", "和", "及", "与")):
        aux = next((a for a in _AUX if text.startswith(a, end)), "")
        if text.startswith(_LEAD_AFTER, end + len(aux)):
            return "lead"  # 由X负责 too: X is the one responsible (ANNOTATING.md)
        if _subject(left) and _leads_later(text, end):
            return "lead"
    if left.endswith(("、", "和", "及")) and prev_role:
        return prev_role
    for words, role in ((PARTNER, "partner"), (SUPERVISED, "supervised")):
        for w in words:
            i = left.rfind(w)
            if i >= 0 and _GAP.match(left[i + len(w) :]):
                if w in ("与", "同", "和") and i == 0:
                    continue  # a clause opening with 与 is a list, not a partner
                return role
    if acts_itself:
        # the doer: the clause opens with it (after a time phrase or 由/各)
        head = re.sub(r"^(?:“[^”]*”期间|到\d{4}年底|力争|由|其中|同时|并|鼓励|进一步)+", "", left)
        if head == "" or head in ("各", "全国"):
            return "lead"
    return None


def assign_roles(text: str, mentions: list, type_of: Callable[[str], str], acts_itself: Callable[[str], bool]) -> None:
    """Fill ``role`` on mention objects (sorted by start) in place."""
    prev_end, prev_role = -10, None
    name_start, name_end = -1, -1
    for m in mentions:
        typ = type_of(m.entity)
        if typ == "GROUP":
            m.role = "beneficiary"
        elif typ == "ACTOR":
            # two names written as one (国务院|教育行政部门): the clause is read from the first
            if m.start != name_end or m.start <= name_start:
                name_start = m.start
            name_end = max(name_end, m.end) if m.start <= name_end else m.end
            joined = 0 < m.start - prev_end <= 1
            m.role = actor_role(text, name_start, acts_itself(m.entity), prev_role if joined else None, m.end)
            if m.role:
                prev_end, prev_role = max(prev_end, m.end), m.role
            continue
        else:
            m.role = None
    # a name inside a longer actor name shares its role (工会 in 各地工会); mentions are sorted
    # by start, so the enclosing name is among the few that start at most MAX_NAME before it
    starts = [m.start for m in mentions]
    for _i, m in enumerate(mentions):
        if m.role is None and type_of(m.entity) == "ACTOR":
            lo = bisect.bisect_left(starts, m.start - MAX_NAME)
            hi = bisect.bisect_right(starts, m.start)
            outer = [
                o
                for o in mentions[lo:hi]
                if o is not m and o.role and type_of(o.entity) == "ACTOR" and o.start <= m.start and m.end <= o.end
            ]
            if outer:
                m.role = outer[0].role
