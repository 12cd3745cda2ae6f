"""Classes of institutions named by a head word and its qualifiers: 县级国有博物馆, 国家一、二级
博物馆, 国家三级以上博物馆, 革命类纪念馆, 未定级博物馆, and the bare head itself (鼓励具备条件的
博物馆错峰延时开放, 推动全省博物馆积极参与).

:mod:`kb.extract.orgnames` finds the *named* institutions (湖北省博物馆) and leaves out those that
hold a grade or lack a proper prefix: these are classes, and a class is a party only where it
acts (tests/data/ANNOTATING.md). So the mentions found here go through the acting rules of
:mod:`kb.extract.acting` like 学校 or 企业: 鼓励国有博物馆建立理事会 (acting) but 建设博物馆,
博物馆建设, 博物馆之城 (an object or a modifier).

The words are lexicon data (``classnames.tsv``): the heads (博物馆, 图书馆 …), the levels of
government a grade opens with (国家, 地市 …), the marks of a grade or a kind (级, 类, 型), and the
qualifiers of ownership and standing (国有, 重点, 未定级 …). A qualifier run is read back from
the head; a scope word before it (全省, 我省, 各) is not part of the class's name. A bare head
right after a noun is a kind named by a compound (数字博物馆, 专题博物馆, 遗址博物馆): the thing
built or shown, not a class of institutions that acts, so it is left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kb.extract.acting import _JOINED, _RELATIVE_END, _after_kind, _is_verb, _possessed, first_words
from kb.extract.jiebatok import plain_tagger
from kb.extract.lexicon import alternation, word_lists
from kb.extract.orgnames import compact
from kb.extract.roles import SUPERVISED, clause_start

# the grades of the State's museum system (一级 … 三级) and their ranges (一、二级): numerals, not
# words, so they are grammar of the pattern
_NUMERALS = "[一二三四五六七八九十](?:、[一二三四五六七八九十])*"
# jieba tags of a word that makes a compound with the head (数字|博物馆, 专题|博物馆)
_NOUN_TAGS = ("n", "nz", "vn", "j", "l", "nr", "nt", "ns", "an", "b")


@dataclass(frozen=True)
class ClassRules:
    heads: tuple[str, ...]
    scopes: frozenset[str]
    levels: frozenset[str]
    run: re.Pattern  # the qualifiers right before a head, read back to their start

    @property
    def between(self) -> frozenset[str]:
        """Words that may stand between a trigger and the class it asks to act: scope words and
        a level alone (鹤峰等市县|革命类纪念馆); not a compound's first part, as a level is after a
        place (湖北省|博物馆 is a name)."""
        return self.scopes | self.levels


@dataclass(frozen=True)
class ClassName:
    start: int  # offsets into the original text
    end: int
    name: str  # without white space


@lru_cache(maxsize=1)
def rules() -> ClassRules:
    w = word_lists("classnames")
    level = alternation(w.get("level", ()))
    grade = alternation(w.get("grade-mark", ()))
    kind = alternation(w.get("kind-mark", ()))
    rng = alternation(w.get("grade-range", ()))
    qual = alternation(w.get("qualifier", ()))
    unit = (
        f"(?:(?:{level})?{_NUMERALS}(?:{grade})(?:{rng})?"  # 国家一级, 国家三级以上, 一、二级
        f"|(?:{level})(?:{grade})"  # 县级, 地市级, 国家级
        f"|{qual}"  # 国有, 重点
        f"|[\u4e00-\u9fff]{{1,2}}(?:{kind}))"  # 革命类, 综合型
    )
    return ClassRules(
        heads=tuple(sorted(w.get("head", ()), key=len, reverse=True)),
        scopes=frozenset(w.get("scope", ())),
        levels=frozenset(w.get("level", ())),
        run=re.compile(f"(?:{unit})+$"),
    )


def _compound(before: str, r: ClassRules) -> bool:
    """Does the word right before a bare head make a compound with it (数字|博物馆), rather than
    scope it (全省, 各) or stand outside it (的, a verb: 鼓励|博物馆)?"""
    if not before or not "\u4e00" <= before[-1] <= "\u9fff":
        return False
    if any(before.endswith(s) for s in r.scopes):
        return False
    words = list(plain_tagger().cut(before[-8:], HMM=False))
    return bool(words) and words[-1].flag in _NOUN_TAGS


def find_classes(text: str, r: ClassRules | None = None) -> list[ClassName]:
    """The qualified and bare class names of ``text`` (rules above)."""
    r = r or rules()
    if not r.heads or not any(h in text for h in r.heads) and not any(c.isspace() for c in text):
        return []
    flat, where = compact(text)
    out: list[ClassName] = []
    for head in r.heads:
        for m in re.finditer(re.escape(head), flat):
            s, e = m.start(), m.end()
            if any(o.start <= where[s] < o.end for o in out):
                continue  # inside a longer head found before
            left = flat[max(0, s - 16) : s]
            q = r.run.search(left)
            start = s - (len(left) - q.start()) if q else s
            if _compound(flat[max(0, start - 8) : start], r) and not q:
                continue
            out.append(ClassName(where[start], where[e - 1] + 1, flat[start:e]))
    return sorted(out, key=lambda c: c.start)


def class_mentions(text: str, mentions: list, sentence_of) -> tuple[list, set[str]]:
    """Mentions of the classes of ``text`` that no actor mention overlaps (a named museum, 湖北省
    博物馆, is one body), and their entity ids (classes, for the acting rules)."""
    from kb.model import Mention

    taken = [(m.start, m.end) for m in mentions if m.entity.startswith("ACTOR:")]
    out, ids = [], set()
    for c in find_classes(text):
        if any(a < c.end and c.start < b for a, b in taken):
            continue
        eid = "ACTOR:" + c.name
        out.append(
            Mention(entity=eid, text=text[c.start : c.end], sentence=sentence_of(c.start), start=c.start, end=c.end)
        )
        ids.add(eid)
    return out, ids


# --------------------------------------------------------------------------- acting


def confirm_head_classes(text: str, mentions: list, ids: set[str], scopes: frozenset[str], lex) -> None:
    """Classes named by an institution's head word (博物馆, 图书馆 and their qualified forms:
    kb/extract/classnames.py) are far more often the thing built, shown or developed (建设博物馆,
    博物馆建设, 推动博物馆高质量发展) than a party, and the part-of-speech tags around them do not
    tell the two apart. So the general rules' "acting" stands only where a supervision trigger
    asks the class itself to act: 鼓励有条件的国有博物馆…建立, 推动全省博物馆积极参与, 支持
    国家三级以上博物馆设立 — the trigger in the same clause, nothing between them but a relative
    clause closed by 的, places closed by 等 or scope words (全省, 我省), no other party in that
    relative clause (推动其他部门和军队管理的博物馆: the bodies that run it act), and no attribute
    or noun phrase the class merely qualifies after it (推动博物馆教育资源开发). A class after
    等 closing a list of named institutions names their kind, not another party. In place."""
    heads = sorted((m for m in mentions if m.entity in ids), key=lambda m: m.start)
    actors = [m for m in mentions if m.entity.startswith("ACTOR:") and m.entity not in ids]
    prev: tuple[int, bool] | None = None  # the end of the last head class and its decision
    for m in heads:
        if prev is not None and _JOINED.match(text[prev[0] : m.start]) and text[prev[0] : m.start]:
            m.acting = prev[1]  # a chain: 国有博物馆和非国有博物馆 share one decision
        elif prev is not None and prev[1] and _parallel(text, prev[0], m.start):
            # with no trigger of its own, only a plain verb (设立) makes it act: 博物馆建设滞后
            rest = re.sub(r"\s+", "", text[m.end : m.end + 40])
            first = first_words(rest)[:1]
            m.acting = bool(first) and _is_verb(first[0][1])
        else:
            m.acting = _asked_to_act(text, m, actors, scopes, lex)
        prev = (m.end, bool(m.acting))


def _parallel(text: str, prev_end: int, start: int) -> bool:
    """Does the class open the clause right after the one of a class asked to act, a parallel
    clause under the same trigger (支持国家一级博物馆建设青少年活动中心，国家二、三级博物馆设立
    青少年活动室)?"""
    between = text[prev_end:start]
    lo = clause_start(text, start)
    return (
        prev_end <= lo
        and not text[lo:start].strip()
        and sum(c in "，,；;" for c in between) == 1
        and "。" not in between
    )


def _predicate_after(text: str, end: int, lex) -> bool:
    """Does a predicate of the class's own follow it: a verb (设立, 开展), a verbal noun with its
    object (建设|新馆, 对口|帮扶), an idiom (积极参与) or a noun-tagged word before a verb
    (利用 is tagged a noun)? Not a verbal noun that closes the phrase (博物馆高质量|发展: the
    development of the class) nor a noun it qualifies (博物馆|教育资源)."""
    rest = re.sub(r"\s+", "", text[end : end + 40])  # PDF text breaks lines inside words
    kind = _after_kind(rest, 0, first_words, lex)
    words = first_words(rest)
    if kind == "acting" or words and words[0][1] == "i":
        return True
    if len(words) < 2:
        return False
    first, second = words[0][1], words[1][1]
    if first == "vn":
        return second.startswith("n") or _is_verb(second)
    return first in ("n", "l") and _is_verb(second)


def _asked_to_act(text: str, m, actors: list, scopes: frozenset[str], lex) -> bool:
    if m.start > 0 and text[m.start - 1] == "等" and any(a.end == m.start - 1 for a in actors):
        return False  # A、B等革命类纪念馆: the kind of the institutions listed
    lo = clause_start(text, m.start)
    left = text[lo : m.start]
    words = (*SUPERVISED, *lex.triggers)
    at = max((left.rfind(t) + len(t) for t in words if t in left), default=-1)
    if at < 0:
        return False
    gap = re.sub(r"\s+", "", left[at:])
    cut = max(gap.rfind(w) for w in _RELATIVE_END)
    if cut >= 0:
        if any(lo + at <= a.start and a.end <= m.start for a in actors):
            return False  # a party in the relative clause runs it: 其他部门和军队管理的博物馆
        gap = gap[cut + 1 :]
    for s in sorted(scopes, key=len, reverse=True):
        gap = gap.replace(s, "")
    if gap:
        return False  # another word between: the object of a verb (参与博物馆建设)
    if _possessed(text, m.end, lex):
        return False  # 推动博物馆治理水平现代化
    return _predicate_after(text, m.end, lex)
