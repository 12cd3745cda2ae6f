"""Numbering labels and line classes: Chinese numerals, heading styles, the line patterns
(box, table caption, 目录, back matter…) and the title of a heading."""

from __future__ import annotations

import re

from kb.parse.outline.responsible import RESP_NOTE_RE
from kb.parse.sentences import cn_to_int  # the one reading of Chinese numerals  # noqa: F401

CN_DIGITS = "一二三四五六七八九十百零〇两"


# --------------------------------------------------------------------------- numbers


CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_N = rf"[{CN_DIGITS}0-9０-９]+"
_SP = r"[ \t\u3000]*"

# (style, rank, regex with groups: label, number, rest)
HEADING_RES = [
    ("part", 0, re.compile(rf"^{_SP}(第({_N})(?:篇|部分))[ \u3000：:]*(.*)$")),
    ("chap", 1, re.compile(rf"^{_SP}(第({_N})章)[ \u3000：:]*(.*)$")),
    ("sect", 2, re.compile(rf"^{_SP}(第({_N})节)[ \u3000：:]*(.*)$")),
    ("cn", 3, re.compile(rf"^{_SP}(([{CN_DIGITS}]+)[、.．﹒])(?![0-9])[ \u3000]*(.*)$")),
    ("pcn", 4, re.compile(rf"^{_SP}([（(]([{CN_DIGITS}]+)[）)])[ \u3000]*(.*)$")),
    ("ar2", 6, re.compile(r"^[ \t\u3000]*(([0-9]{1,2}(?:[.．][0-9]{1,2}){1,3})[.．]?)(?![0-9%％])[ \u3000]*(.*)$")),
    ("ar", 5, re.compile(r"^[ \t\u3000]*(([0-9０-９]{1,3})[.．﹒、])(?![0-9０-９])[ \u3000]*(.*)$")),
    ("par", 8, re.compile(r"^[ \t\u3000]*([（(]([0-9０-９]{1,2})[）)])[ \u3000]*(.*)$")),
    ("circ", 9, re.compile(rf"^[ \t\u3000]*(([{CIRCLED}]))[ \u3000]*(.*)$")),
]
# how a note names a numbering style: as a reader sees it printed
STYLE_NAMES = {
    "part": "第X部分/篇",
    "chap": "第X章",
    "sect": "第X节",
    "cn": "一、",
    "pcn": "（一）",
    "ar2": "1.1",
    "ar": "1.",
    "par": "(1)",
    "circ": "①",
}
UNIT_START = set("万亿千百元%％倍个项家人年月日号米公吨亩度")

BOX_RE = re.compile(r"^[ \t\u3000]*(专栏[ \u3000]*([0-9０-９]+|[一二三四五六七八九十]+))[ \u3000：:]*(.*)$")
TABLE_CAP_RE = re.compile(r"^[ \t\u3000]*((?:附表|表)[ \u3000]*([0-9０-９]+(?:[-－—.][0-9]+)?))[ \u3000：:]+(.*)$")
ANNEX_RE = re.compile(r"^[ \t\u3000]*(附件[0-9０-９一二三四五六七八九十]*)[ \u3000]*[：:]?[ \u3000]*(.*)$")
TOC_LINE_RE = re.compile(r"(?:[.．…·•。]\s*){4,}\s*[0-9]{1,3}\s*$")
TOC_HEAD_RE = re.compile(r"^[ \t\u3000]*目[ \t\u3000]*录[ \t\u3000]*$")
BACK_LINE_RE = re.compile(r"^[ \t\u3000]*(抄送|抄报|印发|主送)[：:]|印发[ \t\u3000]*$")
BACK_HEAD_RE = re.compile(r"^[ \t\u3000]*(结[ \u3000]*语|名词解释|附[ \u3000]*录|后[ \u3000]*记)[ \t\u3000：:]*$")
RESP_LINE_RE = re.compile(r"^[ \t\u3000]*(?:责任单位|牵头单位|责任部门|牵头部门|牵头考核单位)[：:]")
DATE_LINE_RE = re.compile(
    r"^[ \t\u3000]*[0-9０-９〇一二三四五六七八九零]{4}[ \u3000]*年[ \u3000]*[0-9０-９一二三四五六七八九十]{1,2}[ \u3000]*月[ \u3000]*[0-9０-９一二三四五六七八九十]{1,3}[ \u3000]*日[ \t\u3000]*$"
)
DOCNO_RE = re.compile(r"〔[0-9]{4}〕[0-9]+号|\[[0-9]{4}\][0-9]+号")
FIG_RE = re.compile(r"^[ \t\u3000]*图[ \u3000]*[0-9０-９]+")
NOTE_RE = re.compile(r"^[ \t\u3000]*(注|备注|说明|资料来源|数据来源)[ \u3000]*[：:]")
QUOTED_RE = re.compile(r"[“\"]([^”\"]{1,20})[”\"]")

SENT_END = "。！？"
TITLE_STOP = "。；：！？:;"
OPEN, CLOSE = "（(“《【「", "）)”》】」"


# --------------------------------------------------------------------------- lines


class _Line:
    __slots__ = ("i", "start", "end", "text", "s")

    def __init__(self, i, start, end, text):
        self.i, self.start, self.end, self.text = i, start, end, text
        self.s = text.strip(" \t\u3000\r")


def _lines(text: str) -> list:
    out, pos = [], 0
    for i, raw in enumerate(text.split("\n")):
        out.append(_Line(i, pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return out


def _heading(s: str):
    """(style, rank, label, number, rest) for a line that starts with a numbering label, else None."""
    for style, rank, rx in HEADING_RES:
        m = rx.match(s)
        if not m:
            continue
        label, num, rest = m.group(1), m.group(2), m.group(3)
        if style == "ar2":
            parts = re.split(r"[.．]", num)
            if not rest or rest[0] in UNIT_START or rest[0].isdigit():
                continue
            rank = 5 + len(parts) - 1
            return style + str(len(parts)), rank, label.rstrip(".．"), int(parts[-1]), rest
        n = cn_to_int(num) if style != "circ" else CIRCLED.index(num) + 1
        if n is None or n == 0:
            continue
        if style == "ar":  # up to three digits (the regex): a plan may number 315 tasks straight through
            if not rest:
                continue
        if style in ("cn", "pcn") and rest[:1] in ("是",):
            continue
        if not rest.strip() and style not in ("part", "chap", "sect"):
            continue
        if rest[:1] and rest[0] in "）)”》】，。、；：,.;:":
            continue
        return style, rank, label, n, rest
    return None


def _strip_label_punct(label: str) -> str:
    return label.rstrip("、.．﹒ ")


def _split_title(rest: str) -> tuple:
    """(title, runin) — a run-in heading's title ends at the first 。/；/：; an own-line heading's
    title is the whole rest without final punctuation and without a responsibility note."""
    rest_nonote = RESP_NOTE_RE.sub("", rest).rstrip(" \u3000")
    depth = 0
    for k, ch in enumerate(rest_nonote):
        if ch in OPEN:
            depth += 1
        elif ch in CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0 and ch in TITLE_STOP:
            if (
                ch in ":;"
                and k + 1 < len(rest_nonote)
                and rest_nonote[k + 1].isdigit()
                and k
                and rest_nonote[k - 1].isdigit()
            ):
                continue
            after = rest_nonote[k + 1 :].strip(" \u3000")
            title = rest_nonote[:k].rstrip(" \u3000")
            return title, bool(after)
    return rest_nonote.rstrip(" \u3000。；;：:"), False


def _is_toc_line(s: str) -> bool:
    return bool(TOC_LINE_RE.search(s))


def _title_like(s: str) -> bool:
    if not s or len(s) > 60 or DATE_LINE_RE.match(s) or DOCNO_RE.search(s):
        return False
    if any(c in s for c in "。；;") or s[-1] in "：:，,、":
        return False
    if s[0] in "（(" and s[-1] in "）)":
        return False
    return True
