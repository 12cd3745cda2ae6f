"""Text features the graph stage reads from the model's sentences: figures, clauses, character
bigrams and repeated key phrases.

These work on ``Sentence.text`` as the parser left it (the graph never goes back to the file).
They do not need the extraction stage, so indicator rows can be linked to tasks and dependencies
found even when no entities were extracted.
"""

from __future__ import annotations

import math
import operator
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

# --------------------------------------------------------------------------- figures

# Counted nouns a plan's targets use. Longest first so that 人次 wins over 人.
_UNITS = "人次|万人次|%|％|户|家|个|名|元|人|项|所|期|次|天|篇|场|座|条|支|批|公里|千米|平方米|亩|吨"
_FIG_RE = re.compile(
    r"(?<![\d.０-９])(\d+(?:\.\d+)?)\s*(万|亿)?\s*(" + _UNITS + r")"
    r"(以上|左右|以下|以内|多)?"
)
_QUAL_BEFORE = ("不少于", "不低于", "至少", "达到", "超过", "逾", "约", "近")
_SCALE = {"万": 1e4, "亿": 1e8, None: 1.0}


@dataclass(frozen=True)
class Figure:
    value: float  # 万/亿 resolved: 30万名 -> 300000
    unit: str  # 人次, %, 家 ...
    qualifier: str | None  # 以上, 左右, 不少于 ...
    text: str
    start: int
    end: int

    @property
    def key(self) -> tuple[float, str]:
        return (self.value, self.unit)


def figures(text: str) -> list[Figure]:
    """Numbers with a counted unit. ``5万户`` inside ``15万户`` is not a match: the number must
    not continue a longer one (digits or a decimal point before it)."""
    out = []
    for m in _FIG_RE.finditer(text):
        unit = m.group(3).replace("％", "%")
        value = round(float(m.group(1)) * _SCALE[m.group(2)], 6)
        qual = m.group(4)
        if not qual:
            before = text[max(0, m.start() - 3) : m.start()]
            qual = next((q for q in _QUAL_BEFORE if before.endswith(q)), None)
        out.append(Figure(value, unit, qual, m.group(0), m.start(), m.end()))
    return out


# --------------------------------------------------------------------------- periods

_PERIOD_RE = re.compile(r"每年|年均|每季度|每月|“十四五”期间|“十四五”末|十四五期间|到20\d\d年底?|20\d\d年(?:底|前)?")


def periods(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(0), m.start(), m.end()) for m in _PERIOD_RE.finditer(text)]


def period_key(p: str) -> str:
    """Two wordings of one time frame compare equal (每年 = 年均, 到2025年底 = 2025年底)."""
    if p in ("每年", "年均"):
        return "per-year"
    m = re.search(r"(20\d\d)", p)
    if m:
        return m.group(1)
    if "十四五" in p:
        return "14th-plan"
    return p


# --------------------------------------------------------------------------- clauses, bigrams

_CLAUSE_SPLIT = re.compile(r"[,，;；。！？!?\t]")
_NOT_CONTENT = set(',，;；。、“”"()（）《》:：\t ·—-')


@lru_cache(maxsize=1 << 14)
def clauses(text: str) -> tuple[tuple[str, int, int], ...]:
    """Comma/semicolon clauses with offsets into ``text``. Cached: each edge rule splits the
    same sentences again (twenty thousand calls for three plans, a tenth of linking)."""
    out, start = [], 0
    for m in _CLAUSE_SPLIT.finditer(text + "。"):
        if m.start() > start and text[start : m.start()].strip():
            out.append((text[start : m.start()], start, m.start()))
        start = m.end()
    return tuple(out)


_NUMBER = re.compile(r"\d+(?:\.\d+)?")
# the runs of two or more content characters (a bigram lies inside one)
_CONTENT_RUN = re.compile("[^" + re.escape("".join(sorted(_NOT_CONTENT | {"#"}))) + "]{2,}")


def bigrams(text: str) -> set[str]:
    """Content character bigrams; digits collapse to one symbol so a figure counts once and the
    wording around it is what is compared."""
    out: set[str] = set()
    for run in _CONTENT_RUN.findall(_NUMBER.sub("#", text)):
        out.update(map(operator.add, run, run[1:]))
    return out


class BigramIDF:
    def __init__(self, texts: Iterable[str] = (), sets: Iterable[set[str]] = ()):
        """Over ``texts``, or over the :func:`bigrams` of texts a caller already has (``sets``)."""
        self.df: Counter[str] = Counter()
        self.n = 0
        for bs in (*(bigrams(t) for t in texts), *sets):
            self.n += 1
            self.df.update(bs)

    def idf(self, b: str) -> float:
        return math.log((self.n + 1) / (self.df.get(b, 0) + 1))

    def weight(self, bs: Iterable[str]) -> float:
        return sum(self.idf(b) for b in bs)

    def coverage(self, part: str, whole: str) -> float:
        """Share of ``part``'s information (IDF-weighted bigrams) found in ``whole``."""
        pb = bigrams(part)
        tot = self.weight(pb)
        return self.weight(pb & bigrams(whole)) / tot if tot else 0.0


def longest_common(a: str, b: str) -> str:
    """The longest common substring (first found); small inputs only (clause × sentence)."""
    best, best_end = 0, 0
    prev = [0] * (len(b) + 1)
    for i in range(1, len(a) + 1):
        cur = [0] * (len(b) + 1)
        ai = a[i - 1]
        for j in range(1, len(b) + 1):
            if ai == b[j - 1]:
                cur[j] = prev[j - 1] + 1
                if cur[j] > best:
                    best, best_end = cur[j], i
        prev = cur
    return a[best_end - best : best_end]


# --------------------------------------------------------------------------- key phrases

# Words that cannot begin or end a key phrase: function words, adverbs and the plan's generic
# action verbs. Nouns such as 体系/制度/组织 are kept: rarity (IDF) decides whether they matter.
EDGE_STOP = frozenset(
    """
的 地 得 和 与 及 以及 或 或者 等 对 在 为 以 把 将 了 是 中 上 下 有 并 从 向 由 其 之 着 到 于 使 让 同 跟
各 各类 各级 一批 一支 一个 一些 更多 更加 以上 全面 不断 进一步 积极 深入 大力 切实 努力 力争 认真 广泛
推动 推进 加强 开展 建设 建立 健全 完善 深化 提升 实现 促进 发挥 落实 做好 做实 参与 加大 坚持 探索 创新
强化 加快 提高 构建 打造 培育 实施 支持 引导 规范 有关 相关 主动 充分 持续 继续 普遍 工作 活动 作用 能力
水平 问题 方面 形式 方式 基础 重点 进行 不 要 好 新 大 强 多 具有
""".split()
)
_PHRASE_OK = re.compile(r"[\u4e00-\u9fffA-Za-z]+")
_PHRASE_SPLIT = re.compile(r"[,，;；。、“”\"()（）《》:：\s！？!?·]+")
MAX_TOKENS = 6


def _tokenizer():
    from kb.extract.jiebatok import shared_plain

    return shared_plain().lcut


def _pieces(words: list[str]) -> Iterable[list[str]]:
    """The words of a sentence, grouped by the clauses (pieces between :data:`_PHRASE_SPLIT`'s
    marks) they are in. jieba cuts the runs of Chinese, Latin letters and digits on their own
    and gives any other character as a word of its own (white space too, or ``\r\n``), so the
    words of the sentence are those of each piece cut alone, and the marks are words."""
    piece: list[str] = []
    for w in words:
        if _PHRASE_SPLIT.fullmatch(w):
            yield piece
            piece = []
        else:
            piece.append(w)
    yield piece


class _PieceMemo(dict):
    """Piece (its words) -> its phrases in the order :func:`unit_phrases` meets them. A phrase
    depends on the words of its piece alone, and the same pieces (加强组织领导) come back in a
    plan's tasks; emptied when it grows past a bound (a huge collection in one process)."""

    LIMIT = 50_000

    def __missing__(self, toks: tuple[str, ...]) -> tuple[str, ...]:
        if len(self) >= self.LIMIT:
            self.clear()
        got = self[toks] = tuple(_piece_phrases(toks))
        return got


def _piece_phrases(toks: tuple[str, ...]) -> Iterable[str]:
    if sum(map(len, toks)) < 2:
        return
    # a run holding 的 or a word of other characters (digits, %) is no phrase, nor is any
    # longer run through it: the runs from a word grow one word at a time and stop there
    ends = [t != "的" and _PHRASE_OK.fullmatch(t) is not None for t in toks]
    for i, first in enumerate(toks):
        if first in EDGE_STOP:
            continue
        p = ""
        for j in range(i, min(len(toks), i + MAX_TOKENS)):
            if not ends[j]:
                break
            p += toks[j]
            if toks[j] not in EDGE_STOP and len(p) >= 2:
                yield p


_PHRASES = _PieceMemo()


def unit_phrases(sentences) -> dict[str, str]:
    """Candidate key phrases of one unit: runs of 1-6 words inside a clause that neither start
    nor end with a stop word -> id of the first sentence that contains it."""
    cut = _tokenizer()
    out: dict[str, str] = {}
    for s in sentences:
        for toks in _pieces(cut(s.text)):  # one cut per sentence, not per clause
            for p in _PHRASES[tuple(toks)]:
                if p not in out:
                    out[p] = s.id
    return out


class PhraseTable:
    """Phrases repeated across units, reduced to *closed* ones: a phrase is dropped when a longer
    phrase containing it occurs in exactly the same units (it says nothing more)."""

    def __init__(self, per_unit: dict[str, dict[str, str]]):
        self.per_unit = per_unit
        self.n = len(per_unit)
        occ: dict[str, set[str]] = defaultdict(set)
        for uid, ps in per_unit.items():
            for p in ps:
                occ[p].add(uid)
        shared = {p: us for p, us in occ.items() if len(us) >= 2}
        open_: set[str] = set()
        # the shared phrases inside each one, found by one Aho-Corasick pass over it instead of
        # a look-up of each of its substrings
        import ahocorasick

        auto = ahocorasick.Automaton()
        for p in shared:
            auto.add_word(p, p)
        if shared:
            auto.make_automaton()
        for q, us in shared.items():
            for _, sub in auto.iter(q):
                if sub != q and shared[sub] == us:
                    open_.add(sub)
        self.units = {p: us for p, us in shared.items() if p not in open_}

    def df(self, p: str) -> int:
        return len(self.units.get(p, ()))

    def idf(self, p: str) -> float:
        return math.log(self.n / max(1, self.df(p)))

    def sentence(self, uid: str, p: str) -> str | None:
        return self.per_unit.get(uid, {}).get(p)


class SubstringIndex:
    """Which of a list of texts contain a string, without scanning them all: a character-bigram
    inverted index narrows the texts to those holding the string's rarest bigram, and ``in``
    confirms. ``containing(s)`` gives the indices in ascending order, exactly the texts where
    ``s in text``; the answers are cached (the same names are looked up many times).

    ``within``: an index whose text ``i`` holds every NUL-separated piece of ``texts[i]`` (a
    unit's text and its sentences joined by NUL): a string without NUL found in ``texts[i]`` is
    in that text too, so that index's answer, confirmed by ``in``, is exact, and no postings of
    this one's own need be made."""

    def __init__(self, texts: list[str], within: SubstringIndex | None = None):
        self.texts = texts
        self.within = within
        post: dict[str, list[int]] = defaultdict(list)
        for i, t in enumerate(texts if within is None else ()):
            for g in {t[j : j + 2] for j in range(len(t) - 1)}:
                post[g].append(i)
        self.post = post
        self._cache: dict[str, list[int]] = {}

    def containing(self, s: str) -> list[int]:
        hit = self._cache.get(s)
        if hit is None:
            pool: list[int] | range
            if len(s) < 2 or self.within is not None and "\x00" in s:
                pool = range(len(self.texts))
            elif self.within is not None:
                pool = self.within.containing(s)
            else:
                lists: list[list[int]] = [self.post.get(s[j : j + 2], []) for j in range(len(s) - 1)]
                pool = min(lists, key=len)
            hit = [i for i in pool if s in self.texts[i]]
            self._cache[s] = hit
        return hit
