"""Group words that are part of a name, not mentions of the group (tests/data/ANNOTATING.md:
"not inside names of bodies, programmes or activities"; the rules' words are data,
``name-head``/``compound-tail`` rows of ``kb/extract/lexicon/roles*.tsv``).

1. A group word followed, a few characters on and before any punctuation, by a word that
   closes a name (计划, 工程, 行动, 基地, 团队, 节 …), with no verb of taking part between
   (参与, 参加 …: 农民参与…行动 names the farmers): 职业院校教师素质提高计划, 中国农民丰收节,
   小农户增收行动, 退役军人教育培训集团, 农民运动讲习所旧址保护规划.
2. A group word inside a short quoted or titled name that is more than the word itself:
   “大国工匠进校园”, 《博物馆青少年教育项目库》 (but “农创客” alone is the group).
3. A ``compound-only`` head (人才) followed by a ``compound-tail`` word (培养): 人才培养 is the
   generic activity whatever kind qualifies it (高层次应用型人才培养体系).

Classes of economic units are groups where they are the served party, actors where they act
(ANNOTATING.md): a class listed under both types (ACTOR:中小企业 and its twin GROUP:中小企业)
is matched as both, and :func:`split_twins`/:func:`served_twins` keep the group mention only
where the actor mention is not acting and a ``served-marker`` (为, 面向, 服务, 帮助 …) governs
it: 帮助传统企业和中小企业实现数字化转型, 为出海企业保驾护航, 对头部生猪养殖企业实行备案. The
actor mention stays (``acting`` false), so ``kb mentions 中小企业`` finds every place.
The other way round, a class the lexicon lists as a group only (新型农业经营主体, 农民合作社,
国有农场; ``class GROUP:…`` in roles*.tsv) is an actor where it acts and is not supported
(:func:`group_proxies`, :func:`settle_proxies`): 推动新型农业经营主体率先按标生产,
引导农民合作社依法自愿组建联合社 (ACTOR), but 支持欠发达国有农场加快振兴 (GROUP).
"""

from __future__ import annotations

import re
from dataclasses import replace

from kb.extract.jiebatok import plain_tagger
from kb.extract.roles import SUPERVISED, clause_start

# what ends the phrase a group word may head or qualify
_BREAK = re.compile(r"[，,。；;：:、（()）《》“”\"！？!?…．.]")
_REACH = 14  # how far after the group word the head of a name may end
_QUOTES = {"“": "”", "《": "》", '"': '"', "「": "」"}
_QUOTE_MAX = 14
_SPACES = re.compile(r"\s+")


def _phrase_after(text: str, end: int) -> str:
    """The text after ``end`` up to the next punctuation, line breaks and spaces left out (PDF
    text breaks words), at most a little more than the reach."""
    window = text[end : end + _REACH * 2]
    m = _BREAK.search(window)
    run = window[: m.start()] if m else window
    return _SPACES.sub("", run)


def _head_end(run: str, heads: tuple[str, ...]) -> int:
    """Where the first name head in ``run`` ends (-1: none)."""
    return min((i + len(h) for h in heads for i in [run.find(h)] if i >= 0), default=-1)


def _in_name_phrase(run: str, heads: tuple[str, ...], verbs: tuple[str, ...]) -> bool:
    """Does a name head end within the reach in the group word's phrase (``run``, from
    :func:`_phrase_after`), with no verb of taking part before it (农民参与乡村建设行动 names
    the farmers, the actors of the 行动)?"""
    best = _head_end(run, heads)
    return 0 < best <= _REACH and not any(v in run[:best] for v in verbs)


def _in_body_name(run: str, heads: tuple[str, ...], verbs: tuple[str, ...]) -> bool:
    """Does an actor mention open the name of a base, programme or event (国家文物局重点科研基地,
    高等职业学校和专业建设计划): a name head ends its phrase within the reach, with only nouns
    and verbal nouns between (not 区水务局牵头实施…工程, 支持企业建设研发基地: the body acts)?"""
    from kb.extract.acting import _is_verb

    best = _head_end(run, heads)
    if not 0 < best <= _REACH or any(v in run[:best] for v in verbs):
        return False
    words = list(plain_tagger().cut(run[:best], HMM=False))
    # a verb, or a verbal noun right after the body, is its predicate (企业建设研发基地)
    return words[0].flag != "vn" and not any(_is_verb(w.flag) for w in words)


def _in_event_name(run: str, lex) -> bool:
    """Is the group word part of the name of a day, week or month of an event (lexicon
    ``event-head``: 世界青年技能日, 职业教育活动周)? The head must be a word of its own within the
    reach, after a word that names the event (技能|日) and with no verb before it: not
    青年日益增多 (日益), 教师5年一周期 (周期), 员工日工资 (right after the group word)."""
    run = run[:_REACH]
    if not any(h in run for h in lex.event_heads):
        return False  # (most phrases: no word of theirs can be a head, they need no tagging)
    from kb.extract.acting import _is_verb

    for i, w in enumerate(plain_tagger().cut(run, HMM=False)):
        if w.word in lex.event_heads:
            return i > 0
        if _is_verb(w.flag) or w.word in lex.name_verbs:
            return False
    return False


def _in_quoted_name(text: str, start: int, end: int) -> bool:
    lo = max(0, start - _QUOTE_MAX)
    for i in range(start - 1, lo - 1, -1):
        c = text[i]
        if c in _QUOTES:
            close = text.find(_QUOTES[c], end, start + _QUOTE_MAX + 2)
            if close < 0:
                return False
            inner = re.sub(r"\s+", "", text[i + 1 : close])
            return inner != re.sub(r"\s+", "", text[start:end]) and not _BREAK.search(inner)
        if _BREAK.match(c):
            return False
    return False


def drop_in_names(text: str, mentions: list, lex) -> list:
    """``mentions`` with the group mentions that are part of a name (rules above) marked
    ``acting`` false: the name, not the group, is meant there. They stay, so that ``kb mentions
    农民工`` still finds the unit that names 农民工学历与能力提升行动计划; the scorers and the
    entity counts read the flag."""
    heads = tuple(sorted(lex.name_heads, key=len, reverse=True))
    verbs = tuple(sorted(lex.name_verbs))
    tails = tuple(sorted(lex.compound_tails))
    # an honorific title and the group words inside it (大国工匠, 工匠 in it) name no group
    titles = [(m.start, m.end) for m in mentions if m.entity in lex.honorifics]
    out = []
    for m in mentions:
        # the phrase after the mention, which the rules below read, made once
        run = _phrase_after(text, m.end) if m.entity.startswith(("GROUP:", "ACTOR:")) else ""
        if m.entity.startswith("GROUP:") and any(a <= m.start and m.end <= b for a, b in titles):
            m.acting = False
        elif m.entity.startswith("ACTOR:") and heads and _in_body_name(run, heads, verbs):
            m.acting = False
        elif m.entity.startswith("GROUP:") and (
            heads
            and _in_name_phrase(run, heads, verbs)
            or _in_quoted_name(text, m.start, m.end)
            or _in_event_name(run, lex)
            or m.entity in lex.compound_only
            and tails
            and text.startswith(tails, m.end)
        ):
            m.acting = False
        out.append(m)
    return out


# what joins the items of a list of groups (老年人、灵活就业、残疾人)
_LIST_JOIN = re.compile(r"^(?:、|和|及|与|以及|或)$")


def related_as_people(text: str, mentions: list, related: set[tuple[int, int, str]]) -> None:
    """A related wording (lexicon ``related``: 家政 for 家政服务人员, 灵活就业 for 灵活就业人员) is a
    field or a form of work, not the people, unless it is an item of a list of groups
    (帮扶老年人、灵活就业、残疾人等群体): elsewhere (托育、家政等民生领域,
    灵活就业的工伤保险制度) its mention is kept, for ``kb mentions``, with ``acting`` false."""
    if not related:
        return
    people = [m for m in mentions if m.entity.startswith("GROUP:") and (m.start, m.end, m.entity) not in related]
    ends, starts = {p.end for p in people}, {p.start for p in people}
    for m in mentions:
        if (m.start, m.end, m.entity) not in related:
            continue
        # a join word is one or two characters: only a group ending or starting that near can
        # be its neighbour in a list (looking no further keeps a long unit from costing
        # related x people slices of its text)
        listed = any(_LIST_JOIN.match(text[e : m.start]) for e in (m.start - 1, m.start - 2) if e in ends) or any(
            _LIST_JOIN.match(text[m.end : b]) for b in (m.end + 1, m.end + 2) if b in starts
        )
        if not listed:
            m.acting = False


def _twin(eid: str, lex) -> str | None:
    """GROUP:X -> ACTOR:X when the lexicon lists both."""
    if not eid.startswith("GROUP:"):
        return None
    other = "ACTOR:" + eid.split(":", 1)[1]
    return other if other in lex.entries else None


def split_twins(mentions: list, lex) -> tuple[list, list]:
    """(the mentions without the group twins of actor classes, those twins)."""
    keep: list = []
    twins: list = []
    for m in mentions:
        (twins if _twin(m.entity, lex) else keep).append(m)
    return keep, twins


_SERVED_LEFT = 40  # how much of its clause before a class mention is read
_SERVED_GAP = 16  # how far before it the marker may stand (面向学校、社区、家庭、企业)


def _words(text: str) -> list[str]:

    return [w.word for w in plain_tagger().cut(text, HMM=False)]


def _served(left: str, markers: tuple[str, ...]) -> bool:
    """Does a served marker stand close before the end of ``left``, as a word that governs what
    follows (not a noun closing a list item: 技术服务、社会培训、自办企业), with no trigger of
    acting after it (帮助企业 but 为…鼓励企业…)?"""
    best, pos = -1, 0
    for w in _words(left):  # a whole word (服务 in 服务中心 is none)
        pos += len(w)
        if w in markers and len(left) - pos <= _SERVED_GAP:
            best = pos
    if best < 0 or left[best : best + 1] in ("、", "和", "及", "与", "等"):
        return False
    return not any(t in left[best:] for t in SUPERVISED)


# a count before the object: the verb brings new units into being (培育一批…骨干企业, 培育数以万计的
# …企业), it does not serve a class; grammar, not vocabulary
_COUNT = re.compile(r"(?:一批|一大批|若干|一些|一系列|数以[十百千万]+计|第[^，,。；;：:]{1,4}批)")


def _cultivated(left: str, lex) -> bool:
    """Is the class the existing units a verb of fostering (lexicon ``cultivate-verb``: 培育壮大,
    打造, 认定) strengthens or recognises — the served party (培育壮大农业科技领军企业, 全产业链
    打造"链主"企业)? Not a counted object, which the verb brings into being (培育一批绿色设计示范
    企业, 打造一批…骨干企业; a recognised batch, 认定第九批…, is served), nor a class that a
    trigger after the verb asks to act."""
    if not lex.cultivate_verbs:
        return False
    best, pos = -1, 0
    for w in _words(left):
        pos += len(w)
        if w in lex.cultivate_verbs and len(left) - pos <= _SERVED_GAP:
            best = pos
    if best < 0:
        return False
    rest = left[best:]
    if any(t in rest for t in SUPERVISED) or re.search(r"[、，,；;]", rest):
        return False
    count = _COUNT.search(rest)
    return count is None or count.group(0).startswith("第")


def served_twins(text: str, mentions: list, twins: list, lex) -> list:
    """The twins whose actor mention (same span, acting decided) is a served party."""
    if not twins:
        return []
    actor_at = {(m.start, m.end, m.entity): m for m in mentions}
    # a class word inside a longer actor name that has no group reading (企业 in 企业事业单位)
    # is part of that name
    closed = [
        (m.start, m.end)
        for m in mentions
        if m.entity.startswith("ACTOR:") and "GROUP:" + m.entity.split(":", 1)[1] not in lex.entries
    ]
    markers = tuple(sorted(lex.served_markers))
    out = []
    for t in twins:
        a = actor_at.get((t.start, t.end, _twin(t.entity, lex)))
        if a is None or a.acting is not False:
            continue
        if any(x <= t.start and t.end <= y and (x, y) != (t.start, t.end) for x, y in closed):
            continue
        lo = max(0, t.start - _SERVED_LEFT)
        left = text[max(lo, clause_start(text[lo : t.start], t.start - lo) + lo) : t.start]
        if _served(left, markers) or _cultivated(left, lex):
            t.role = "beneficiary"
            out.append(t)
    return out


_FORM_GAP = 8  # how far before a class its forming verb may stand (组建|区域性|农民合作社)


def drop_formed(text: str, mentions: list, lex) -> None:
    """A class of economic units listed as a group only (农民合作社) that is the object of a verb of
    forming (lexicon ``form-verb``: 组建, 成立 …) is the unit being set up, neither a served party
    nor a doer (支持家庭农场组建农民合作社: the farms are the supported group): its mention is kept
    with ``acting`` false. Not where a trigger after the verb asks the class to act. In place."""
    if not lex.form_verbs:
        return
    for m in mentions:
        if not m.entity.startswith("GROUP:") or m.acting is False or not lex.is_class(m.entity):
            continue
        lo = max(0, m.start - _SERVED_LEFT)
        left = text[max(lo, clause_start(text[lo : m.start], m.start - lo) + lo) : m.start]
        best, pos = -1, 0
        for w in _words(left):
            pos += len(w)
            if w in lex.form_verbs and len(left) - pos <= _FORM_GAP:
                best = pos
        if best >= 0 and not _BREAK.search(left[best:]) and not any(t in left[best:] for t in SUPERVISED):
            m.acting = False


def group_proxies(mentions: list, lex) -> list:
    """An actor mention (not in the lexicon) at the place of each group mention of a class of
    economic units the lexicon lists as a group only, for the acting rules to decide."""
    out = []
    for m in mentions:
        if m.entity.startswith("GROUP:") and m.acting is not False and lex.is_class(m.entity):
            actor = "ACTOR:" + m.entity.split(":", 1)[1]
            if actor not in lex.entries:
                out.append(replace(m, entity=actor, role=None))
    return out


def settle_proxies(text: str, mentions: list, proxies: list, lex) -> list:
    """The mentions with each proxied group mention replaced by its actor proxy where that acts
    and no served marker or 支持 governs it; the other proxies dropped."""
    if not proxies:
        return mentions
    markers = tuple(sorted(lex.served_markers | {"支持"}))
    ids = {id(p) for p in proxies}
    acting: set[tuple[int, int, str]] = set()
    for p in proxies:
        lo = max(0, p.start - _SERVED_LEFT)
        left = text[max(lo, clause_start(text[lo : p.start], p.start - lo) + lo) : p.start]
        if p.acting is True and not _served(left, markers):
            acting.add((p.start, p.end, p.entity.split(":", 1)[1]))
    out = []
    for m in mentions:
        key = (m.start, m.end, m.entity.split(":", 1)[1])
        if id(m) in ids:
            if key in acting:
                out.append(m)
        elif not (m.entity.startswith("GROUP:") and key in acting):
            out.append(m)
    return out


def _after_main_verb(before: list[tuple[str, str]]) -> bool:
    """Does the qualifier (the last word) follow the clause's verb or punctuation (招录|专业), not a
    verb that itself qualifies after another (加强|涉农|专业: 涉农专业人才 is a kind)?"""
    if len(before) < 2:
        return True
    if before[-2][1][:1] in ("p", "x"):
        return True
    return before[-2][1][:1] == "v" and not (len(before) > 2 and before[-3][1][:1] == "v")


def drop_bare_heads(
    text: str, mentions: list, compound_only: set[str], tag=None, generic: frozenset = frozenset()
) -> list:
    """The mentions without those of ``compound_only`` entities written alone: 人才 counts as
    the head of 文博人才, 科技人才, 海外人才 or 乡村治理人才 (the word before it a noun,
    distinguishing or place word, or a verb after a noun), not in 人才培养 or 有力的人才 (a verb
    alone, 的 or punctuation before it)."""
    if not compound_only or not any(m.entity in compound_only for m in mentions):
        return mentions

    cut = tag or (lambda s: [(w.word, w.flag) for w in plain_tagger().cut(s, HMM=False)])
    out = []
    for m in mentions:
        if m.entity in compound_only and m.text == m.entity.split(":", 1)[1]:
            before = cut(text[max(0, m.start - 6) : m.start])
            flag = before[-1][1] if before else ""
            # a noun and the verb it qualifies make a field (乡村|治理人才), a verb alone its
            # object (培养人才); place words qualify (海外人才)
            field_verb = flag.startswith("v") and len(before) > 1 and before[-2][1][:1] in ("n", "s", "j")
            if not (flag.startswith("n") or flag in ("b", "j", "vn", "an", "s") or field_verb):
                continue
            if generic and before[-1][0] in generic and _after_main_verb(before):
                continue  # a generic qualifier after a verb (招录专业人才, 提供优质人才资源)
        out.append(m)
    return out
