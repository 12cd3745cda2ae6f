"""Chinese and mixed numerals: 一万三千亿, 1.4万亿, 百分之二十, 三分之一, 二〇三五 (as a year).

The conversion of a Chinese numeral is ``cn2an``'s (normal mode). ``cn2an`` costs about 0.6 s
to import (it reads its YAML configuration), so it is imported on the first Chinese numeral that
the small fast path below cannot read, and every answer is cached.
"""

from __future__ import annotations

import re
from functools import lru_cache

CN_DIGITS = "〇零一二两三四五六七八九"
CN_NUM_CHARS = CN_DIGITS + "十百千万亿点"
_SMALL = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}

_TENS = re.compile("([一二三四五六七八九])?十([一二三四五六七八九])?")
_cn2an = None


def _converter():
    global _cn2an
    if _cn2an is None:
        from cn2an import cn2an as conv  # noqa: PLC0415 (lazy: 0.6 s import)

        _cn2an = conv
    return _cn2an


@lru_cache(maxsize=4096)
def cn_value(s: str) -> float | None:
    """Value of a Chinese numeral: 一 -> 1, 十八 -> 18, 一万三千亿 -> 1.3e12, 三点五 -> 3.5, 两千 -> 2000;
    None if ``s`` is not one."""
    if not s or any(c not in CN_NUM_CHARS for c in s):
        return None
    if len(s) == 1 and s in _SMALL:
        return float(_SMALL[s])
    tens = _TENS.fullmatch(s)
    if tens:  # 十四 (of 十四五), 二十, 三十五: the commonest, read without cn2an's import
        a, b = tens.groups()
        return float(_SMALL[a or "一"] * 10 + _SMALL[b or "零"])
    if s[0] in "十百千万亿" and s[0] != "十":
        s = "一" + s  # 百 -> 一百, 千人 -> 一千
    try:
        return float(_converter()(s, "normal"))
    except (ValueError, KeyError, IndexError, TypeError):
        return None


def cn_year(s: str) -> int | None:
    """二〇三五 / 二零二五 -> 2035 / 2025 (digit by digit, as years are written)."""
    if len(s) != 4 or any(c not in _SMALL for c in s):
        return None
    y = int("".join(str(_SMALL[c]) for c in s))
    return y if 1900 <= y <= 2199 else None


_MULTS = {"千": 1e3, "百": 1e2, "万": 1e4, "亿": 1e8}
_MIXED = re.compile(r"(\d+(?:\.\d+)?)((?:千|百)?(?:万|亿)*|千|百)")


def mixed_value(s: str) -> float | None:
    """``1.4万亿`` -> 1.4e12, ``4.5万`` -> 45000, ``30亿`` -> 3e9, ``80`` -> 80; else the Chinese value."""
    m = _MIXED.fullmatch(s)
    if m:
        v = float(m.group(1))
        for ch in m.group(2):
            v *= _MULTS[ch]
        return float(f"{v:.12g}")  # 4.6亿 is 460000000, not 459999999.99999994
    return cn_value(s)


_FRACTION = re.compile(rf"(?P<den>[{CN_NUM_CHARS}]+|\d+)分之(?P<num>[{CN_NUM_CHARS}]+|\d+(?:\.\d+)?)")


def fraction_percent(s: str) -> float | None:
    """百分之二十 -> 20, 三分之一 -> 33.33…, 千分之五 -> 0.5 (in per cent); 一半 -> 50."""
    if s == "一半":
        return 50.0
    m = _FRACTION.fullmatch(s)
    if not m:
        return None
    den, num = mixed_value(m.group("den")), mixed_value(m.group("num"))
    if not den or num is None:
        return None
    return num / den * 100.0
