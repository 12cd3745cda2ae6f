"""Named organisations the lexicon does not list, recognised by the structure of their names.

A name of an organisation is a proper prefix, more nouns, and a suffix of the lexicon's
``orgnames.tsv`` (湖北省|文物考古研究所, 国家|职业教育指导咨询委员会, 武汉市中山舰|博物馆): the
prefix is a place, an organisation or a proper name by its jieba tag (ns, nt, nz …) or a level
word (省, 国家 …, list ``name-start``). Without one it is a class, not a name (国有博物馆, 行业协会,
全省博物馆), and so is a name holding a grade (国家一级博物馆, 革命类纪念馆: ``grade-char``).
Two names sharing one body suffix are both found (嘉定工业区、菊园新区管委会).

The kind of the suffix says where the name is a party: a ``body-suffix`` (委员会, 联席会议,
协调机制 …) names a body that is a party wherever it is named; an ``institution-suffix``
(博物馆, 大学, 中心 …) one that is often a place or an object (建设省博物馆), so its mentions go
through the acting rules of :mod:`kb.extract.acting` like a class of institutions. A name right
before a noun qualifies it (联席会议制度, 委员会旧址): the mention is kept with ``acting`` false,
and so are the lexicon names inside it (国务院 in 国务院…联席会议制度).

PDF text breaks names with spaces and line breaks (湖北 省文物考古研究所): the names are read
on the text without white space between Chinese characters, the surface is kept as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

from kb.extract.discover_rules import _ALLOWED_VERBS, _BAD_MODS, _BAD_START, _PERSON_R
from kb.extract.jiebatok import plain_tagger
from kb.extract.lexicon import word_lists

_MAX_NAME = 24  # characters: longer runs of nouns are phrases, not names
_STOP_CHARS = re.compile(r"[\s，,。；;：:、（()）《》“”\"！？!?…．.]")


@dataclass(frozen=True)
class Rules:
    body: tuple[str, ...]
    institution: tuple[str, ...]
    starts: frozenset[str]
    name_tags: frozenset[str]
    proper_tags: frozenset[str]
    grade: tuple[str, ...]
    joiners: frozenset[str]
    proper_words: frozenset[str]
    party_verbs: frozenset[str]

    # made once per Rules (they are read for every word of every unit)
    @cached_property
    def suffixes(self) -> tuple[str, ...]:
        return tuple(sorted(self.body + self.institution, key=len, reverse=True))

    @cached_property
    def by_length(self) -> tuple[tuple[int, frozenset[str]], ...]:
        """The suffixes as sets per length, longest first: the suffix a word ends with is found
        with one set look-up per length (4) instead of one ``endswith`` per suffix (27)."""
        lengths = sorted({len(w) for w in self.suffixes if w}, reverse=True)
        return tuple((n, frozenset(w for w in self.suffixes if len(w) == n)) for n in lengths)

    @cached_property
    def any_suffix(self) -> re.Pattern:
        return re.compile("|".join(re.escape(w) for w in self.suffixes if w) or "(?!)")


@dataclass(frozen=True)
class OrgName:
    start: int  # offsets into the original text
    end: int
    name: str  # without white space
    kind: str  # body | institution
    modifier: bool  # right before a noun it qualifies (联席会议制度)


@lru_cache(maxsize=1)
def rules() -> Rules:
    w = word_lists("orgnames")
    return Rules(
        body=w.get("body-suffix", ()),
        institution=w.get("institution-suffix", ()),
        starts=frozenset(w.get("name-start", ())),
        name_tags=frozenset(w.get("name-tag", ())),
        proper_tags=frozenset(w.get("proper-tag", ())),
        grade=w.get("grade-word", ()),
        joiners=frozenset(w.get("name-joiner", ())),
        proper_words=frozenset(w.get("proper-word", ())),
        party_verbs=frozenset(w.get("party-verb", ())),
    )


# a run of white space with a Chinese character on each side (\s is str.isspace, as in re's
# Unicode matching)
_BREAK = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")


def compact(text: str) -> tuple[str, list[int]]:
    """``text`` without the white space between two Chinese characters (a PDF's breaks inside
    words), and the original offset of each character kept."""
    out: list[str] = []
    where: list[int] = []
    pos = 0
    for m in _BREAK.finditer(text):
        out.append(text[pos : m.start()])
        where.extend(range(pos, m.start()))
        pos = m.end()
    if not pos:
        return text, list(range(len(text)))
    out.append(text[pos:])
    where.extend(range(pos, len(text)))
    return "".join(out), where


def _tag(word: str) -> str:
    """The tag of ``word`` read alone (武汉 of 武汉大学: ns; 信息 of 信息中心: n)."""
    got = list(plain_tagger().cut(word, HMM=False))
    return got[0].flag if len(got) == 1 else ""


def _suffix(word_end: str, r: Rules) -> str | None:
    """The longest suffix ``word_end`` ends with (two suffixes of one length cannot both end it)."""
    for n, sufs in r.by_length:
        if n <= len(word_end) and word_end[-n:] in sufs:
            return word_end[-n:]
    return None


def _suffix_at(text: str, end: int, r: Rules) -> str | None:
    """:func:`_suffix` of ``text[:end]``, without the copy."""
    for n, sufs in r.by_length:
        if n <= end and text[end - n : end] in sufs:
            return text[end - n : end]
    return None


def _name_blocks(r: Rules):
    """Which blocks of a text (jieba's list, Chinese blocks at odd places) the rules read: those
    holding a suffix, and a block joined by 、 to one they read (the names sharing a suffix
    of :func:`_shared_suffix`); the prefix of a name never crosses punctuation (``_in_name``)."""

    def wanted(blocks: list[str]) -> list[bool]:
        keep = [False] * len(blocks)
        for i in range(len(blocks) - 2, 0, -2):  # re.split with one group: an odd count
            keep[i] = bool(r.any_suffix.search(blocks[i])) or (
                i + 2 < len(blocks) and "、" in blocks[i + 1] and keep[i + 2]
            )
        return keep

    return wanted


def _in_name(tok: tuple[str, str], r: Rules) -> bool:
    w, flag = tok
    if _STOP_CHARS.search(w) or w in _BAD_START or w in _PERSON_R:
        return False
    return flag in r.name_tags or flag.startswith("v") and w in _ALLOWED_VERBS


def _no_opening(tok: tuple[str, str]) -> bool:
    w, flag = tok
    return flag in ("v", "vn", "l", "d") or w in _BAD_MODS or any(w.startswith(b) for b in _BAD_MODS if len(b) > 1)


def _proper(toks: list[tuple[str, str]], r: Rules) -> bool:
    """Does the prefix name something proper: its first word a level word, or any word a place,
    an organisation or a proper name?"""
    if not toks:
        return False
    first = toks[0][0]
    if first in r.starts or any(first.startswith(x) for x in r.starts if len(x) > 1):
        return True  # 国家|职业教育…, 世界遗产|组织
    return any(f in r.proper_tags and len(w) > 1 or w in r.proper_words for w, f in toks)


def _prefix_start(toks: list[tuple[str, str]], k: int, r: Rules) -> int:
    """Index of the first word of the name whose suffix starts in word ``k``: the words before
    it that may be part of a name, back to a verb, a particle, punctuation or another name."""
    j = k
    while j > 0 and _in_name(toks[j - 1], r) and not _suffix(toks[j - 1][0], r):
        j -= 1  # back to a word that is no part of a name, or that ends one (湖北省博物馆|世界…)
    if j > 1 and toks[j - 1][0] in r.joiners and _in_name(toks[j - 2], r) and not _suffix(toks[j - 2][0], r):
        # 住房和城乡建设管理委员会: 和 joins two nouns of one name, when the part before ends no name
        i = j - 1
        while i > 0 and _in_name(toks[i - 1], r) and not _suffix(toks[i - 1][0], r):
            i -= 1
        if _proper(toks[i:j], r):
            j = i
    while j < k and _no_opening(toks[j]):
        j += 1  # a verb the tagger reads as a noun does not open a name (建设|湖北考古博物馆)
    return j


_QUOTED = re.compile(r"“[^“”]{1,30}”")


def _quoted(flat: str, start: int, end: int) -> bool:
    lo = max(0, start - 30)
    return any(m.start() + lo < start and end < m.end() + lo for m in _QUOTED.finditer(flat[lo : end + 30]))


@dataclass
class _Cut:
    """The text's words with their tags, their offsets in the compacted text and each compacted
    character's offset in the text as written."""

    toks: list[tuple[str, str]]
    offs: list[int]
    where: list[int]


def find_orgs(text: str, r: Rules | None = None) -> list[OrgName]:
    """The named organisations in ``text`` (rules above)."""
    r = r or rules()
    if not r.suffixes or not any(s in text for s in r.suffixes) and not any(c.isspace() for c in text):
        return []
    flat, where = compact(text)
    if not any(s in flat for s in r.suffixes):
        return []
    toks = [(t.word, t.flag) for t in plain_tagger().cut_blocks(flat, _name_blocks(r), HMM=False)]
    offs, pos = [], 0
    for w, _ in toks:
        offs.append(pos)
        pos += len(w)
    out: list[OrgName] = []
    for i, (w, _f) in enumerate(toks):
        end = offs[i] + len(w)
        suf = _suffix_at(flat, end, r)
        if suf is None:
            continue
        k = i  # the word where the suffix starts (部际|协调|机制 spans words)
        while offs[k] > end - len(suf):
            k -= 1
        j = _prefix_start(toks, k, r)
        start = offs[j]
        name = flat[start:end]
        prefix = toks[j:k]
        if offs[k] < end - len(suf):
            # the word holding the suffix starts the name or carries more of it (湖北省博物馆,
            # 交流|信息中心): its tag names the prefix only when it is a place's
            head = flat[offs[k] : end - len(suf)]
            proper = toks[k][1] in r.proper_tags and _tag(head) in r.proper_tags
            prefix = prefix + [(head, "ns" if proper else "n")]
        if (
            len(name) > _MAX_NAME
            or name == suf
            or not _proper(prefix, r)
            or any(g in name[: -len(suf)] for g in r.grade)
        ):
            continue
        nxt = toks[i + 1] if i + 1 < len(toks) else ("", "")
        after = toks[i + 2] if i + 2 < len(toks) else ("", "")
        if w == suf and _f.startswith("v") and nxt[1][:1] in ("v", "n"):
            continue  # the suffix is the verb of its clause: 行政部门组织制定, 定期组织检查
        if _quoted(flat, start, end):
            continue  # a name in quotes is a thing named (共建“长江文明考古研究院”), not a party
        kind = "body" if suf in r.body else "institution"
        # a noun after it that it qualifies (联席会议制度, 委员会旧址, 博物馆公共服务导则), not a
        # verbal noun the tagger gives an adverb before a verb (委员会定期听取)
        modifier = (
            len(nxt[0]) > 1
            and nxt[1] in r.name_tags
            and not _suffix(nxt[0], r)
            and nxt[0] not in r.party_verbs
            and not (nxt[1] == "vn" and after[1].startswith("v"))
        )
        out.append(OrgName(where[start], where[end - 1] + 1, name, kind, modifier))
        if kind == "body":
            out += _shared_suffix(_Cut(toks, offs, where), j, suf, r)
    return out


def _shared_suffix(cut: _Cut, j: int, suf: str, r: Rules) -> list[OrgName]:
    """Names before a body's name, joined by 、, that end in no suffix of their own: they share
    the body's suffix (嘉定工业区、菊园新区管委会 names 嘉定工业区管委会 too)."""
    toks, offs, where = cut.toks, cut.offs, cut.where
    out = []
    while j > 1 and toks[j - 1][0] == "、":
        k = j - 1
        i = k
        while i > 0 and _in_name(toks[i - 1], r):
            i -= 1
        part = toks[i:k]
        words = "".join(w for w, _ in part)
        if not part or _suffix(words, r) or not _proper(part, r) or len(words) + len(suf) > _MAX_NAME:
            break
        out.append(OrgName(where[offs[i]], where[offs[k] - 1] + 1, words + suf, "body", False))
        j = i
    return out


def org_mentions(text: str, mentions: list, sentence_of) -> tuple[list, set[str]]:
    """Mentions of the named organisations of ``text`` that no lexicon name covers exactly, and
    the entity ids of the institutions among them (for the acting rules, as classes)."""
    from kb.model import Mention

    have = {(m.start, m.end) for m in mentions if m.entity.startswith("ACTOR:")}
    out, institutions = [], set()
    for o in find_orgs(text):
        if (o.start, o.end) in have:
            continue
        have.add((o.start, o.end))
        eid = "ACTOR:" + o.name
        m = Mention(entity=eid, text=text[o.start : o.end], sentence=sentence_of(o.start), start=o.start, end=o.end)
        if o.modifier:
            m.acting = False
        elif o.kind == "institution":
            institutions.add(eid)
        out.append(m)
    return out, institutions


def inside_modifiers(mentions: list) -> None:
    """Actor mentions inside a named organisation that qualifies a noun (国务院 in 国务院…联席会议
    制度) name that name's part, not a party: ``acting`` false, in place."""
    spans = [(m.start, m.end) for m in mentions if m.acting is False and m.entity.startswith("ACTOR:")]
    for m in mentions:
        if m.entity.startswith("ACTOR:") and any(
            a <= m.start and m.end <= b and (a, b) != (m.start, m.end) for a, b in spans
        ):
            m.acting = False
