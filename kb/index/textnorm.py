"""Normalization for matching: one character in, one character out.

Search compares normalized query text with normalized unit text. Every mapping here is a
context-free single-character substitution, so ``normalize(text)[i:j] == normalize(text[i:j])``:
a substring of a unit is still a substring after normalization (exact recall holds) and offsets
found in normalized text point at the same characters of the original (highlighting needs no
offset map).

What is folded:
- full-width ASCII forms (Ａ１，（％) to ASCII, the ideographic space and every other
  whitespace character to one ASCII space, ASCII letters to lower case;
- traditional to simplified characters, through a character table taken from OpenCC's ``t2s``
  data. OpenCC's own converter works on phrases (context-dependent), which would break the
  substring property above, so only its single-character decisions are used. The table is built
  once at index time (:func:`build_t2s_table`, ~70 ms) and stored in the build as two strings;
  the query side loads it in well under a millisecond and never imports ``opencc``.

This module imports nothing heavy; ``opencc`` is imported only inside :func:`build_t2s_table`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# CJK blocks whose characters OpenCC may map (BMP unified + ext A + compatibility, ext B)
_CJK_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2A6DF))

# Question words and particles a plain-language question adds around its topic. They are dropped
# only when the literal question finds nothing (see kb.index.write); longest first so 为什么 wins over 什么.
QUESTION_WORDS = (
    "为什么",
    "怎么样",
    "怎么办",
    "怎样",
    "怎么",
    "如何",
    "哪些",
    "哪个",
    "哪里",
    "多少",
    "什么",
    "是否",
    "有没有",
    "有哪些",
    "是什么",
    "请问",
    "关于",
    "吗",
    "呢",
    "吧",
    "么",
)
# Function characters that carry no topic; split points in a plain-language question.
FILLER_CHARS = "的了和与及或在对把被是有哪谁？?！!，,。、；;：:"


# every code point for which str.isspace() is true (Unicode 15); kept literal to keep import cheap
_SPACES = (
    0x09,
    0x0A,
    0x0B,
    0x0C,
    0x0D,
    0x1C,
    0x1D,
    0x1E,
    0x1F,
    0x20,
    0x85,
    0xA0,
    0x1680,
    *range(0x2000, 0x200B),
    0x2028,
    0x2029,
    0x202F,
    0x205F,
    0x3000,
)


def _base_table() -> dict[int, int]:
    table: dict[int, int] = {}
    for cp in range(0xFF01, 0xFF5F):  # full-width ASCII block
        table[cp] = cp - 0xFEE0
    for cp in _SPACES:
        table[cp] = 0x20
    for cp in range(ord("A"), ord("Z") + 1):
        table[cp] = cp + 32
    for cp in range(0xFF21, 0xFF3B):  # full-width capitals end as lower-case ASCII
        table[cp] = cp - 0xFEE0 + 32
    return table


_BASE = _base_table()
_BASE_SRC = "".join(map(chr, _BASE))
_BASE_DST = "".join(map(chr, _BASE.values()))


def build_t2s_table() -> tuple[str, str]:
    """(traditional, simplified): two equal-length strings of the characters OpenCC's ``t2s``
    changes when converted one at a time, chains resolved (薴->苧->苎 gives 薴->苎), so that
    normalizing twice changes nothing. Deterministic for a given OpenCC version."""
    try:
        import opencc
    except ImportError:  # search still works; only traditional queries lose their folding
        return "", ""
    conv = opencc.OpenCC("t2s")
    chars = [chr(cp) for a, b in _CJK_RANGES for cp in range(a, b + 1)]
    # one convert call over newline-separated characters: no phrase can span two of them
    out = conv.convert("\n".join(chars)).split("\n")
    if len(out) != len(chars):
        raise RuntimeError("OpenCC changed the number of lines while converting single characters")
    table = {a: b for a, b in zip(chars, out) if a != b and len(b) == 1}
    src, dst = [], []
    for a, b in table.items():
        seen = {a}
        while b in table and b not in seen:
            seen.add(b)
            b = table[b]
        src.append(a)
        dst.append(chr(_BASE.get(ord(b), ord(b))))
    return "".join(src), "".join(dst)


class Normalizer:
    """``normalize(s)`` folds width, case, whitespace and (given a table from
    :func:`build_t2s_table`) traditional characters. Construction is one ``str.maketrans``
    call (~0.3 ms), as it runs on every cold `kb search`."""

    def __init__(self, t2s: tuple[str, str] = ("", "")):
        src, dst = t2s
        if len(src) != len(dst):
            raise ValueError("t2s table: the two strings differ in length")
        self._table = str.maketrans(_BASE_SRC + src, _BASE_DST + dst)

    def __call__(self, s: str) -> str:
        return s.translate(self._table)

    normalize = __call__


def bigrams(s: str) -> list[str]:
    """Overlapping character pairs, one per position: 'abcd' -> ab, bc, cd."""
    return [s[i : i + 2] for i in range(len(s) - 1)]


def find_all(haystack: str, needle: str) -> Iterable[tuple[int, int]]:
    """Every (start, end) of needle in haystack, overlapping occurrences included."""
    if not needle:
        return
    i = haystack.find(needle)
    while i >= 0:
        yield i, i + len(needle)
        i = haystack.find(needle, i + 1)


_QUESTION_RE = re.compile("|".join(map(re.escape, QUESTION_WORDS)))


# everyday words that contain a filler character and must not be cut there
COMMON_WORDS = frozenset(
    "涉及 以及 及时 有关 有效 有力 没有 所有 具有 拥有 对于 针对 面对 了解 除了 为了 在于 存在 现在 "
    "实在 在内 是否 还是 就是 或者 目的 的确 和谐 总和 与会 参与 给与 于是 被动 谁的".split()
)


def question_pieces(s: str, known=None) -> list[str]:
    """The topic pieces of a plain-language question: question words and filler characters
    become split points, except inside a word the caller knows (``known(word) -> bool``, the
    index vocabulary) or an everyday word. '外卖骑手的权益怎么保障' -> ['外卖骑手', '权益', '保障']."""
    s = _QUESTION_RE.sub(" ", s)
    keep = [False] * len(s)
    for i in range(len(s)):
        for j in range(i + 2, min(len(s), i + 6) + 1):
            w = s[i:j]
            if w in COMMON_WORDS or (known is not None and known(w)):
                for k in range(i, j):
                    keep[k] = True
    s = "".join(" " if c in FILLER_CHARS and not keep[i] else c for i, c in enumerate(s))
    return [p for p in s.split() if p]


def looks_like_question(s: str) -> bool:
    return bool(_QUESTION_RE.search(s)) or s.rstrip().endswith(("?", "？"))


def merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            if b > out[-1][1]:
                out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out
