"""A level word as the subject of a modal verb names the governments of that level
(tests/data/ANNOTATING.md: generic doers count where they act): 县级可根据帮扶任务合理确定…,
县级可实行差别化要求 — the county-level governments may decide. The level word alone is no
name (县级博物馆, 按市级要求完成: a qualifier, or the level's requirements), so it is a mention only
where it opens its clause and a modal (可, 要, 应 …) follows it as a word of its own, then a verb
or preposition (可|根据, 要|加强). The words and the entity of each level are lexicon data
(``level-subject`` rows of roles*.tsv)."""

from __future__ import annotations

import re
from collections.abc import Callable

from kb.extract.jiebatok import plain_tagger
from kb.model import Mention

# modal verbs of duty or permission: grammar of the language, not vocabulary
_MODALS = ("可", "可以", "要", "应", "应当", "须", "必须", "需")
# what ends the clause before a subject
_CLAUSE_END = "，,。；;：:！？!?\n"


def _relative(words: list[tuple[str, str]]) -> bool:
    """Do the modal and its verb open a relative clause (省级可用于统筹的资金, 市级可达到的标准)?
    Its 的 comes right after the verb or after one more word that is no preposition; the level
    word then qualifies the noun, it is no subject (县级可根据本地的实际 has a preposition)."""
    if words[2][1] == "p":
        return False
    nxt = [w for w, _f in words[3:5]]
    return bool(nxt) and (nxt[0] == "的" or len(nxt) > 1 and nxt[1] == "的" and words[3][1] != "p")


def level_mentions(text: str, mentions: list, sentence_of: Callable[[int], str], lex) -> list[Mention]:
    """Actor mentions of the level words of ``lex.level_subjects`` that are the subject of a modal
    verb, at places no other mention covers."""
    if not lex.level_subjects:
        return []
    from kb.extract.acting import _is_verb

    taken = [(m.start, m.end) for m in mentions]
    out = []
    for word, eid in sorted(lex.level_subjects.items()):
        at = text.find(word)
        while at >= 0:
            end = at + len(word)
            opens = at == 0 or text[at - 1] in _CLAUSE_END
            free = not any(a < end and at < b for a, b in taken)
            if opens and free:
                words = [(w.word, w.flag) for w in plain_tagger().cut(text[at : at + 12], HMM=False)]
                if (
                    len(words) > 2
                    and words[0][0] == word
                    and words[1][0] in _MODALS
                    and (_is_verb(words[2][1]) or words[2][1] == "p")
                    and not _relative(words)
                ):
                    out.append(Mention(entity=eid, text=word, sentence=sentence_of(at), start=at, end=end))
            at = text.find(word, end)
    return out


# a title opened by the name of its issuer and 关于 (《普陀区关于进一步规范设摊经营活动的实施方案》)
_ISSUED = re.compile(r"《([^《》“”\"、，,。；;：:\s]{2,10}?)关于")


def _place(name: str) -> bool:
    """Is ``name`` a place's, whose level character ends it as part of a proper word (普陀区,
    浙江省, 大悟县: tagged a place or, mistakenly, a person's name)? Not a common noun that ends
    in a level character (社区, 市区, 大湾|区) nor a scope (全市, 本市: lexicon classnames ``scope``)."""
    from kb.extract.classnames import rules as class_rules

    if name in class_rules().scopes:
        return False
    words = list(plain_tagger().cut(name, HMM=False))
    last = words[-1] if words else None
    return last is not None and len(last.word) > 1 and last.flag not in ("n", "r", "m")


def issuer_mentions(text: str, mentions: list, sentence_of: Callable[[int], str], lex) -> list[Mention]:
    """The government named by a place that issues a cited document (ANNOTATING.md: the issuer
    named in a document's title acts): 《普陀区关于…》 is issued by the district government, an
    actor mention of the generic government of the place's level (lexicon ``issuer-level``: the
    last character of the place's name). A named body (《国务院办公厅关于…》) is the lexicon's."""
    if not lex.issuer_levels:
        return []
    taken = [(m.start, m.end) for m in mentions]
    out = []
    for m in _ISSUED.finditer(text):
        name, at = m.group(1), m.start(1)
        eid = lex.issuer_levels.get(name[-1])
        if eid and _place(name) and not any(a < at + len(name) and at < b for a, b in taken):
            out.append(Mention(entity=eid, text=name, sentence=sentence_of(at), start=at, end=at + len(name)))
    return out


# level words of their own closing a list of places by 等 (武汉、荆州、大悟、红安等|市、县|开展…): the
# level characters, joined by 、 or written together (市县); what they are is lexicon data
_LISTED_LEVELS = re.compile(r"等(([^\W\d_])(?:、?([^\W\d_]))?)")
# a count of places of one level right before a cited title (鄂豫皖三省《…》): the issuers together
_COUNTED_ISSUERS = re.compile(r"([^\s《》“”\"、，,。；;：:0-9]{1,6}?[两二三四五六七八九十])([^\W\d_])《")
_COUNTED_REACH = 9  # the longest match: six characters, the count, the level and 《


def _counted_issuers(text: str):
    """The matches of _COUNTED_ISSUERS, as ``finditer`` gives them, searched only in the few
    characters before each 《 (every match ends with one): trying the pattern at every position
    of a unit was most of the rule's cost."""
    last = 0
    p = text.find("《")
    while p >= 0:
        # a match ending at an earlier 《 was found there, so the first one here ends at this one
        m = _COUNTED_ISSUERS.search(text, max(last, p + 1 - _COUNTED_REACH), p + 1)
        if m:
            yield m
            last = m.end()
        p = text.find("《", p + 1)


def _setting(text: str, at: int, lex) -> bool:
    """Is the list ending at ``at`` governed by a marker of a setting or a served party (在杭州、
    宁波等市举办, 对武汉、荆州等市给予; lexicon ``object-marker``) within its clause? The places
    are then where or for whom something is done, not who does it (由…等市负责 acts)."""
    from kb.extract.acting import _governed

    left = text[:at]
    cut = max(left.rfind(c) for c in _CLAUSE_END)
    return _governed(left[cut + 1 :], lex.object_markers, gap=len(left) - cut)


def listed_level_mentions(text: str, mentions: list, sentence_of: Callable[[int], str], lex) -> list[Mention]:
    """The governments of the places a list names, where level words close it after 等 and a
    verb follows as a word of its own: 支持…武汉、荆州、大悟、红安等市、县开展…立法 — the cities and
    counties act (ANNOTATING.md: generic doers count where they act). One mention per level word
    (lexicon ``issuer-level``: 市, 县 …); 等市县革命类纪念馆 (a noun after it) and 等市场, 等市政,
    等区域 (the character inside a word) are not."""
    if not lex.issuer_levels:
        return []
    from kb.extract.acting import _is_verb

    taken = [(m.start, m.end) for m in mentions]
    out = []
    for m in _LISTED_LEVELS.finditer(text):
        chars = [(m.start(i), m.group(i)) for i in (2, 3) if m.group(i)]
        if not all(c in lex.issuer_levels for _at, c in chars):
            chars = chars[:1] if chars[0][1] in lex.issuer_levels else []
        if not chars:
            continue
        start, end = chars[0][0], chars[-1][0] + 1
        # the level words fill their span as words of their own (市|、|县, 市县; not 市场, 区域),
        # and a verb follows them
        pos, nxt = start, None
        for w in plain_tagger().cut(text[start : end + 8], HMM=False):
            if pos >= end:
                nxt = w.flag
                break
            pos += len(w.word)
        if pos != end or nxt is None or not _is_verb(nxt):
            continue
        if _setting(text, m.start(), lex):
            continue
        if any(a < end and start < b for a, b in taken):
            continue
        for at, c in chars:
            out.append(Mention(entity=lex.issuer_levels[c], text=c, sentence=sentence_of(at), start=at, end=at + 1))
    return out


def counted_issuer_mentions(text: str, mentions: list, sentence_of: Callable[[int], str], lex) -> list[Mention]:
    """The governments that together issue a cited document, named by a count of places of one
    level right before its title: 按照鄂豫皖三省《大别山区革命文物保护战略规划》 — the three
    provinces (ANNOTATING.md: the issuer named with a cited document acts). The level character
    (lexicon ``issuer-level``) gives the entity."""
    if not lex.issuer_levels:
        return []
    from kb.extract.acting import _is_verb

    taken = [(m.start, m.end) for m in mentions]
    out = []
    for m in _counted_issuers(text):
        eid = lex.issuer_levels.get(m.group(2))
        at, end = m.start(1), m.end(2)
        # the places' names only: the verb or preposition the phrase follows is cut off (按照|鄂豫皖)
        pos, names = at, []
        for w in plain_tagger().cut(text[at : end - 2], HMM=False):
            pos += len(w.word)
            names.append(w)
            if _is_verb(w.flag) or w.flag[:1] in ("c", "u"):
                at, names = pos, []
        # the places are named (鄂豫皖, 京津冀), not counted or scoped (三区, 第二批十县, 全市十区)
        from kb.extract.classnames import rules as class_rules

        named = bool(names) and not any(w.flag == "m" or w.word in class_rules().scopes for w in names)
        if eid and named and not any(a < end and at < b for a, b in taken):
            out.append(Mention(entity=eid, text=text[at:end], sentence=sentence_of(at), start=at, end=end))
    return out
