"""Find lexicon names in text on CHARACTER offsets, keeping overlapping and nested hits.

Why not token matching: with jieba's words an entity ruler cannot see a name nested inside a
longer word (职工 in 困难职工, 工会 in 工会组织), and ``doc.char_span`` either refuses such a
span or widens it to the whole word. An Aho-Corasick pass over characters finds every
occurrence; word boundaries are used afterwards only to settle two hits that cross each other
(联合国 vs 国务院 in 联合国务院国资委: jieba reads 联合|国务院|国资委, so 联合国 is the one that
cuts through a word and is dropped). A related wording (家政 for 家政服务人员), which is not in the
segmenter's dictionary, must not cut through words either: 家政 in 国家|政权 is dropped (names
are kept whole by the segmenter, so only related wordings are checked, and only units that
have one are segmented).

A name broken by a line break that PDF text keeps inside a table cell (博物馆志\n愿者) is found
too, with the break in its surface.

Local departments (市发改委, 区人社局) are found by pattern (:mod:`kb.extract.localnames`): the
national body whose short form is the stem (发改委) is not meant; the generic entity the pattern
names (发展改革部门) is.
"""

from __future__ import annotations

from dataclasses import dataclass

import ahocorasick

from kb.extract.lexicon import Lexicon

LEVELS = "省市县区乡镇州"
# 法 opening a longer word (法律, 法规, 法治, 法院): 工会法律援助 does not name the 工会法;
# 部 opening one (部门, 部署, 部分): 教育部门 does not name the 教育部
_WORD_TAILS = {("LAW:", "法"): "律规治院庭官学定务典理人制", ("ACTOR:", "部"): "门署分"}
_ELLIPSIS_JOINERS = "、和及与"
_BREAK_WINDOW = 16  # characters either side of a line break that a broken name may take


def _cjk(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff"


@dataclass
class Hit:
    start: int
    end: int
    surface: str  # the text as written
    entity: str
    kind: str  # name | alias | related | ellipsis | local (a local department by pattern)

    @property
    def key(self):
        return (self.start, self.end, self.entity)


def _inside_longer_word(text: str, h: Hit) -> bool:
    if h.end >= len(text):
        return False
    tails: str | None = _WORD_TAILS.get((h.entity[: h.entity.index(":") + 1], h.surface[-1]))
    return tails is not None and text[h.end] in tails


class _Alignment:
    """Whether a hit is aligned with the words: ``words`` are (start, end) spans of the whole
    text, or a function of a hit's (start, end) giving the spans of the words around it (cutting
    the whole text was most of the matcher's time, when only a few hits need words)."""

    def __init__(self, words):
        self.words = words
        self.index = None if callable(words) else _word_index(words)

    def __call__(self, h: Hit) -> bool:
        return _aligned(h, *(self.index or _word_index(self.words(h.start, h.end))))


def _aligned(h: Hit, starts: set, ends: set, word_of: dict) -> bool:
    if word_of.get(h.start) is not None and word_of.get(h.start) == word_of.get(h.end - 1):
        return True  # inside one word: a nested name, kept
    return h.start in starts and h.end in ends


def _word_index(words):
    starts = {a for a, _ in words}
    ends = {b for _, b in words}
    word_of = {}
    for i, (a, b) in enumerate(words):
        for k in range(a, b):
            word_of[k] = i
    return starts, ends, word_of


def _any_crossing(ordered: list[Hit]) -> bool:
    for x, a in enumerate(ordered):
        for b in ordered[x + 1 :]:
            if b.start >= a.end:
                break
            if b.end > a.end and b.start > a.start:
                return True
    return False


class Matcher:
    def __init__(self, lex: Lexicon):
        self.lex = lex
        self.surfaces = lex.surfaces()
        self.auto = ahocorasick.Automaton()
        for s, _ents in self.surfaces.items():
            self.auto.add_word(s, ("S", s))
        self.stop_by_phrase: dict[str, list[str]] = {}
        for phrase, blocked in lex.stops:
            self.stop_by_phrase.setdefault(phrase, []).append(blocked)
        for phrase in self.stop_by_phrase:
            if phrase not in self.surfaces:
                self.auto.add_word(phrase, ("P", phrase))
        self.has_words = len(self.auto) > 0
        if self.has_words:
            self.auto.make_automaton()

    def raw_hits(self, text: str) -> tuple[list[Hit], list[tuple[int, str]]]:
        hits: list[Hit] = []
        stops: list[tuple[int, str]] = []
        if not self.has_words:
            return hits, stops
        for end_idx, (_, s) in self.auto.iter(text):
            start = end_idx - len(s) + 1
            if s in self.stop_by_phrase:
                stops.append((start, s))
            for ent, kind in self.surfaces.get(s, ()):
                hits.append(Hit(start, end_idx + 1, s, ent, kind))
        return hits, stops

    def find(self, text: str, words=None) -> list[Hit]:
        """Mentions in ``text``; ``words`` are (start, end) word spans from a segmenter, or a
        function of (start, end) returning the spans of the words around that stretch of the text
        (called only for the hits whose words matter: two crossing hits, a related wording)."""
        hits, stops = self.raw_hits(text)
        if "\n" in text:
            hits += self._across_breaks(text)
        hits = self._drop_stopped(hits, stops)
        hits = [h for h in hits if not _inside_longer_word(text, h)]
        hits = self._local_names(text, hits)
        if any(h.kind == "related" for h in hits):
            hits = self._drop_cutting_related(hits, words)
        hits = self._settle_crossings(hits, words)
        hits = self._drop_nested_same(hits)
        hits += self._ellipses(text, hits)
        hits.sort(key=lambda h: (h.start, -h.end, h.entity))
        return hits

    def _across_breaks(self, text: str) -> list[Hit]:
        """Names broken by a line break that PDF text keeps inside a table cell (博物馆志\n愿者):
        the characters either side of each break between two Chinese characters, joined, are
        matched again; a hit that spans the join is kept, its surface as written."""
        out: list[Hit] = []
        i = text.find("\n")
        while i >= 0:
            if 0 < i < len(text) - 1 and _cjk(text[i - 1]) and _cjk(text[i + 1]):
                lo, hi = max(0, i - _BREAK_WINDOW), min(len(text), i + 1 + _BREAK_WINDOW)
                joined = text[lo:i] + text[i + 1 : hi]
                cut = i - lo  # the join: a hit spans it when it starts before and ends after
                for end_idx, (kind_s, s) in self.auto.iter(joined):
                    start = end_idx - len(s) + 1
                    if kind_s != "S" or not (start < cut <= end_idx):
                        continue
                    a, b = lo + start, lo + end_idx + 2  # the break adds one character
                    for ent, kind in self.surfaces.get(s, ()):
                        if kind != "related":
                            out.append(Hit(a, b, text[a:b], ent, kind))
            i = text.find("\n", i + 1)
        return out

    def _local_names(self, text: str, hits: list[Hit]) -> list[Hit]:
        """市发改委: drop the national body read from the stem (发改委), add the generic entity
        of the pattern (发展改革部门) over the whole local name."""
        local = self.lex.local
        if local is None:
            return hits
        found = local.find(text)
        if not found:
            return hits
        stems = {(ln.stem_start, ln.end): ln.entity for ln in found}
        out = [
            h
            for h in hits
            if not (h.entity.startswith("ACTOR:") and (h.start, h.end) in stems and h.entity != stems[(h.start, h.end)])
        ]
        # the body itself (区发展改革委, an entity of its own under the pattern's generic
        # 发展改革部门), so that `kb mentions 区发改委` finds the text as well as the 责任单位 notes
        out += [Hit(ln.start, ln.end, ln.text, f"ACTOR:{ln.canonical}", "local") for ln in found]
        return out

    @staticmethod
    def _drop_cutting_related(hits: list[Hit], words) -> list[Hit]:
        """A related wording that cuts through words (家政 in 国家|政权) is not one."""
        if not words:
            return hits
        aligned = _Alignment(words)
        return [h for h in hits if h.kind != "related" or aligned(h)]

    def _drop_stopped(self, hits: list[Hit], stops: list[tuple[int, str]]) -> list[Hit]:
        blocked: set[tuple[int, str]] = set()
        for pstart, phrase in stops:
            for name in self.stop_by_phrase[phrase]:
                i = phrase.find(name)
                while i >= 0:
                    blocked.add((pstart + i, name))
                    i = phrase.find(name, i + 1)
        return [h for h in hits if (h.start, h.surface) not in blocked]

    @staticmethod
    def _settle_crossings(hits: list[Hit], words) -> list[Hit]:
        if not _any_crossing(sorted(hits, key=lambda h: h.start)) or not words:
            return hits
        aligned = _Alignment(words)
        drop: set[int] = set()
        spans = sorted(range(len(hits)), key=lambda i: hits[i].start)
        for x in range(len(spans)):
            a = hits[spans[x]]
            for y in range(x + 1, len(spans)):
                b = hits[spans[y]]
                if b.start >= a.end:
                    break
                if a.start < b.start < a.end < b.end:  # they cross
                    ka, kb_ = aligned(a), aligned(b)
                    if ka and not kb_:
                        drop.add(spans[y])
                    elif kb_ and not ka:
                        drop.add(spans[x])
        return [h for i, h in enumerate(hits) if i not in drop]

    @staticmethod
    def _drop_nested_same(hits: list[Hit]) -> list[Hit]:
        """A hit inside a longer hit of the same entity is the same mention (灵活就业 inside
        灵活就业人员, 工会 inside the alias 工会组织)."""
        by_ent: dict[str, list[Hit]] = {}
        for h in hits:
            by_ent.setdefault(h.entity, []).append(h)
        nested: set[int] = set()
        for group in by_ent.values():
            # sorted by start, longer first: a hit is inside a longer one of the same entity
            # exactly when an earlier span (not its own) reaches at least as far (one sweep,
            # where comparing every pair was quadratic on long units)
            group = sorted(group, key=lambda h: (h.start, -h.end))
            reach, i = -1, 0
            while i < len(group):
                j = i
                while j < len(group) and (group[j].start, group[j].end) == (group[i].start, group[i].end):
                    j += 1
                if reach >= group[i].end:
                    nested.update(id(h) for h in group[i:j])
                reach = max(reach, group[i].end)
                i = j
        out = []
        seen = set()
        for h in hits:
            if h.key in seen or id(h) in nested:
                continue
            seen.add(h.key)
            out.append(h)
        return out

    def _ellipses(self, text: str, hits: list[Hit]) -> list[Hit]:
        """各省、市级总工会 names 省级总工会 too: a level word joined by 、 to a name that starts
        with another level word stands for the same name at that level."""
        out = []
        for h in hits:
            if h.kind == "related" or h.surface[0] not in LEVELS:
                continue
            i = h.start
            while i >= 2 and text[i - 1] in _ELLIPSIS_JOINERS and text[i - 2] in LEVELS:
                cand = text[i - 2] + h.surface[1:]
                for ent, kind in self.surfaces.get(cand, ()):
                    if kind != "related":
                        out.append(Hit(i - 2, h.end, text[i - 2 : h.end], ent, "ellipsis"))
                i -= 2
        return out
