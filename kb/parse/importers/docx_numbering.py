"""Word's automatic list numbering (numbering.xml): number formats and per-list counters."""

from __future__ import annotations

import re

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _tag(el) -> str:
    t = el.tag
    return t[len(W) :] if isinstance(t, str) and t.startswith(W) else ""


def _val(el, name="val"):
    return None if el is None else el.get(W + name)


# --- number formats -----------------------------------------------------------------------------

_CN = "〇一二三四五六七八九"
_CN_COUNT = "零一二三四五六七八九"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"


def _cn_counting(n: int, digits: str = _CN_COUNT, ten="十", hundred="百", thousand="千") -> str:
    if n <= 0:
        return str(n)
    if n >= 10000:
        return str(n)
    out = []
    units = [(1000, thousand), (100, hundred), (10, ten)]
    rest = n
    zero = False
    for size, name in units:
        q, rest = divmod(rest, size)
        if q:
            if zero:
                out.append(digits[0])
                zero = False
            if not (size == 10 and q == 1 and not out):
                out.append(digits[q])
            out.append(name)
        elif out:
            zero = True
    if rest:
        if zero:
            out.append(digits[0])
        out.append(digits[rest])
    return "".join(out)


def _letters(n: int, upper: bool) -> str:
    if n <= 0:
        return str(n)
    c = chr(ord("A" if upper else "a") + (n - 1) % 26)
    return c * ((n - 1) // 26 + 1)


def _roman(n: int) -> str:
    if not 0 < n < 4000:
        return str(n)
    vals = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ]
    out = []
    for v, s in vals:
        while n >= v:
            out.append(s)
            n -= v
    return "".join(out)


def format_number(n: int, fmt: str) -> str:
    """One level's counter in Word's ``w:numFmt``."""
    fmt = fmt or "decimal"
    if fmt in ("decimal", "decimalHalfWidth", "ordinal", "cardinalText", "ordinalText", "hex"):
        return str(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "decimalFullWidth" or fmt == "decimalFullWidth2":
        return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in str(n))
    if fmt in (
        "chineseCounting",
        "chineseCountingThousand",
        "japaneseCounting",
        "taiwaneseCounting",
        "koreanCounting",
        "taiwaneseCountingThousand",
        "koreanDigital2",
    ):
        return _cn_counting(n)
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"):
        return "".join(_CN[int(c)] for c in str(n))
    if fmt in ("chineseLegalSimplified", "japaneseLegal"):
        return _cn_counting(n, _CN_LEGAL, "拾", "佰", "仟")
    if fmt == "ideographTraditional":
        return "甲乙丙丁戊己庚辛壬癸"[(n - 1) % 10] if n > 0 else str(n)
    if fmt == "ideographZodiac":
        return "子丑寅卯辰巳午未申酉戌亥"[(n - 1) % 12] if n > 0 else str(n)
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese", "ideographEnclosedCircle"):
        return chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n)
    if fmt == "decimalEnclosedParen":
        return chr(0x2474 + n - 1) if 1 <= n <= 20 else f"({n})"
    if fmt == "decimalEnclosedFullstop":
        return chr(0x2488 + n - 1) if 1 <= n <= 20 else f"{n}."
    if fmt == "upperLetter":
        return _letters(n, True)
    if fmt == "lowerLetter":
        return _letters(n, False)
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt in ("bullet", "none"):
        return ""
    return str(n)


class Numbering:
    """Word's list numbering: counters per abstract list, restarts by ``startOverride``."""

    def __init__(self, numbering_el, styles_el):
        self.abstract: dict[str, dict[int, dict]] = {}
        self.nums: dict[str, tuple[str, dict[int, int], dict[int, dict]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.started: set[tuple[str, int]] = set()
        self.style_numpr: dict[str, tuple[str | None, int | None]] = {}
        self.style_based: dict[str, str] = {}
        self.bullets = 0
        self.labelled = 0
        if numbering_el is not None:
            for an in numbering_el.findall(W + "abstractNum"):
                self.abstract[_val(an, "abstractNumId")] = {
                    int(_val(lvl, "ilvl") or 0): self._level(lvl) for lvl in an.findall(W + "lvl")
                }
            for num in numbering_el.findall(W + "num"):
                aid = _val(num.find(W + "abstractNumId"))
                starts, lvls = {}, {}
                for ov in num.findall(W + "lvlOverride"):
                    ilvl = int(_val(ov, "ilvl") or 0)
                    so = ov.find(W + "startOverride")
                    if so is not None:
                        starts[ilvl] = int(_val(so) or 1)
                    lvl = ov.find(W + "lvl")
                    if lvl is not None:
                        lvls[ilvl] = self._level(lvl)
                self.nums[_val(num, "numId")] = (aid, starts, lvls)
        if styles_el is not None:
            for st in styles_el.findall(W + "style"):
                sid = _val(st, "styleId")
                based = st.find(W + "basedOn")
                if based is not None:
                    self.style_based[sid] = _val(based)
                numpr = st.find(f"{W}pPr/{W}numPr")
                if numpr is not None:
                    nid = _val(numpr.find(W + "numId"))
                    il = _val(numpr.find(W + "ilvl"))
                    self.style_numpr[sid] = (nid, int(il) if il is not None else None)

    @staticmethod
    def _level(lvl) -> dict:
        start = lvl.find(W + "start")
        fmt = lvl.find(W + "numFmt")
        text = lvl.find(W + "lvlText")
        restart = lvl.find(W + "lvlRestart")
        suff = lvl.find(W + "suff")
        return {
            "start": int(_val(start) or 1) if start is not None else 1,
            "fmt": _val(fmt) or "decimal",
            "text": _val(text) if text is not None else None,
            "legal": lvl.find(W + "isLgl") is not None,
            "restart": int(_val(restart)) if restart is not None else None,
            "suff": _val(suff) or "tab",
        }

    def _levels(self, num_id: str) -> tuple[str, dict[int, dict], dict[int, int]] | None:
        if num_id not in self.nums:
            return None
        aid, starts, over = self.nums[num_id]
        levels = dict(self.abstract.get(aid, {}))
        levels.update(over)
        return aid, levels, starts

    def paragraph_numpr(self, p_el) -> tuple[str | None, int]:
        ppr = p_el.find(W + "pPr")
        num_id, ilvl = None, None
        if ppr is not None:
            numpr = ppr.find(W + "numPr")
            if numpr is not None:
                num_id = _val(numpr.find(W + "numId"))
                il = _val(numpr.find(W + "ilvl"))
                ilvl = int(il) if il is not None else None
            if num_id is None:
                style = _val(ppr.find(W + "pStyle"))
                seen = set()
                while style and style not in seen:
                    seen.add(style)
                    if style in self.style_numpr:
                        sn, sl = self.style_numpr[style]
                        num_id = sn
                        if ilvl is None:
                            ilvl = sl
                        break
                    style = self.style_based.get(style)
        return num_id, ilvl or 0

    def label(self, p_el) -> str:
        """The printed number of a paragraph, '' when it has none."""
        num_id, ilvl = self.paragraph_numpr(p_el)
        if not num_id or num_id == "0":
            return ""
        got = self._levels(num_id)
        if got is None:
            return ""
        aid, levels, starts = got
        lvl = levels.get(ilvl)
        if lvl is None:
            return ""
        counters = self.counters.setdefault(aid, {})
        if ilvl in starts and (num_id, ilvl) not in self.started:
            self.started.add((num_id, ilvl))
            counters[ilvl] = starts[ilvl] - 1
        counters[ilvl] = counters.get(ilvl, lvl["start"] - 1) + 1
        self.labelled += 1
        for deeper in list(counters):  # a level restarts after any higher level is used
            if deeper > ilvl:
                restart = levels.get(deeper, {}).get("restart")
                if restart is None or (restart != 0 and ilvl < restart):
                    del counters[deeper]
        if lvl["fmt"] == "bullet":
            self.bullets += 1
            return ""
        pattern = lvl["text"]
        if pattern is None:
            pattern = f"%{ilvl + 1}."

        def sub(m):
            k = int(m.group(1)) - 1
            other = levels.get(k, {"start": 1, "fmt": "decimal"})
            n = counters.get(k, other["start"])
            fmt = "decimal" if (lvl["legal"] and k != ilvl) else other["fmt"]
            return format_number(n, fmt)

        text = re.sub(r"%([1-9])", sub, pattern)
        if not text:
            return ""
        if lvl["suff"] in ("tab", "space") and text[-1].isascii():
            text += " "
        return text
