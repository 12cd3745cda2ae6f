"""A general outline parser for Chinese plan documents (规划、实施方案、工作方案、实施意见).

:func:`parse_outline` reads already-normalized text (LF line ends; run :func:`kb.parse.reflow.reflow`
first on PDF / Word / web extractions) and returns an :class:`Outline`: a flat list of
:class:`Node` in reading order whose own spans tile the text exactly (lossless), plus ``notes``
(numbering gaps and repeats, things not understood).

Heading styles and their rank (a lower rank encloses a higher one):
``第X篇``/``第X部分`` (part) < ``第X章`` < ``第X节`` < ``一、`` < ``（一）`` < ``1.``/``1、``
< ``1.1`` < ``1.1.1`` < ``(1)`` < ``①``. Which kind a style gets is decided per document:
parts are 篇/部分; the highest remaining style used is ``chapter``; a style that has another
numbered style beneath it anywhere in the document is ``section``; the lowest (leaf) style is
``item`` (styles below it, if any, are also items, with a higher level). A heading either stands
on its own line or runs into its paragraph (``（三）加强…。正文…``). A numbered line is accepted
as a heading only at a line start, outside tables and boxes, and when its number starts or
continues a sequence of its style (small gaps and repeats are accepted and noted).

Other nodes: ``box`` (``专栏N 标题`` with its numbered entries as ``item`` children, or with a
``table`` child when the box is a table), ``table`` (tab-separated, one cell per line/paragraph,
or PDF-flattened with space-separated cells) with ``row`` children, ``paragraph`` (prose that
returns to a parent level, e.g. after a table or box, and preamble prose), ``front`` (title
lines, issuing notice, document number, date, signature, 目录) and ``back`` (附件 captions, 结语,
名词解释, 抄送/印发 lines).

Id scheme (stable, readable, unique):

* chapter ``C五``; under parts ``C第一部分.一``; a part ``第一部分`` → ``B第一部分``
* section ``S二（三）`` (labels of the numbered ancestors, brackets kept), under parts
  ``S第一部分.二（三）``
* item: when every leaf item number is unique in the document (continuous numbering)
  ``T{n}`` (Arabic n: ``T17``, ``T20`` for （二十）); otherwise the path of labels
  ``T二（三）2``; items below items append their label to the parent's id
* box ``专栏3``, its entries ``专栏3:1``
* table ``表3`` (rows ``表3:1``); an indicator table whose title ends in 指标 and quotes a key
  word ``I:精准服务`` (rows ``I:精准服务:1``); a box that is a table ``专栏1:表`` (rows
  ``专栏1:表:1``); other tables ``表@{n}``
* paragraph ``P1, P2…``, front ``F1…``, back ``Z1…``

Should two ids still collide, ``#2``, ``#3``… is appended and a note is written.
Every node also has ``path``, a display string such as ``二、行动步骤 › （三）… › 7.``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Optional

CN_DIGITS = "一二三四五六七八九十百零〇两"

KINDS = ("part", "chapter", "section", "item", "box", "table", "row", "paragraph", "front", "back")


@dataclass
class Node:
    id: str
    kind: str
    level: int
    label: str
    title: str
    parent: Optional[str]
    start: int
    end: int
    responsible: list = field(default_factory=list)
    cells: list = field(default_factory=list)
    number: Optional[int] = None
    style: str = ""
    path: str = ""
    header: list = field(default_factory=list)
    runin: bool = False
    resp_notes: int = 0  # how many 责任单位-style annotations were read in this node's text

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Outline:
    nodes: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    def get(self, node_id: str) -> Optional[Node]:
        for n in self.nodes:
            if n.id == node_id:
                return n
        return None

    def children(self, node_id: Optional[str]) -> list:
        return [n for n in self.nodes if n.parent == node_id]

    def of_kind(self, *kinds: str) -> list:
        return [n for n in self.nodes if n.kind in kinds]

    def node_at(self, offset: int) -> Optional[Node]:
        """The node whose own span holds ``offset``."""
        for n in self.nodes:
            if n.start <= offset < n.end:
                return n
        return self.nodes[-1] if self.nodes and offset == self.nodes[-1].end else None

    def ancestors(self, node: Node) -> list:
        out, by_id = [], {n.id: n for n in self.nodes}
        while node.parent is not None:
            node = by_id[node.parent]
            out.append(node)
        return out

    def to_dict(self) -> dict:
        return {"nodes": [n.to_dict() for n in self.nodes], "notes": list(self.notes)}


def check_lossless(outline: Outline, text: str) -> None:
    """Raise ValueError unless the nodes' own spans tile ``text`` exactly."""
    pos = 0
    for n in sorted(outline.nodes, key=lambda n: (n.start, n.end)):
        if n.start != pos or n.end < n.start:
            raise ValueError(f"node {n.id} spans {n.start}..{n.end}, expected a start at {pos}")
        pos = n.end
    if pos != len(text):
        raise ValueError(f"nodes end at {pos}, text has {len(text)} characters")


# --------------------------------------------------------------------------- numbers


def cn_to_int(s: str) -> Optional[int]:
    s = s.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if s.isdigit():
        return int(s)
    total, cur = 0, 0
    for ch in s:
        if ch in "零〇":
            cur = 0
        elif ch in "一二三四五六七八九":
            cur = "一二三四五六七八九".index(ch) + 1
        elif ch == "两":
            cur = 2
        elif ch == "十":
            total += (cur or 1) * 10
            cur = 0
        elif ch == "百":
            total += (cur or 1) * 100
            cur = 0
        else:
            return None
    return total + cur


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

RESP_NOTE_RE = re.compile(
    r"[（(][ \u3000]*((?:责任单位|牵头单位|责任部门|牵头部门|主责单位|牵头考核单位|牵头)[：:][^（）()]*"
    r"(?:[（(][^（）()]*[）)][^（）()]*)*)[）)]"
    r"|[（(]([^（）()：:。]{2,120}?)牵头[，,、；;]?([^（）()：:。]{0,200}?)(?:配合|参与|负责)?[）)]"
)


# --------------------------------------------------------------------------- responsible units

_UNIT_SPLIT = re.compile(r"[、，,；;]")


_UNIT_TAIL = re.compile(r"等(?:相关|有关|其他)?(?:部门|单位)$")


def _split_units(s: str) -> list:
    """The names of a note; a closing 等相关部门 is not a name of its own (区绿化市容局等相关部门)."""
    names = (_UNIT_TAIL.sub("", u.strip(" \u3000。.")) for u in _UNIT_SPLIT.split(s))
    return [u for u in names if u]


def parse_units(spec: str) -> list:
    """``A、B，C`` → A, B lead (first ，/；-group) and C partner; ``A、B`` → A lead, B partner;
    ``牵头单位：A；配合单位：B`` → A lead, B partner."""
    spec = spec.strip()
    out: list = []
    m = re.search(r"(?:配合单位|协办单位|参与单位|配合部门|责任单位)[：:](.*)$", spec)
    lead_m = re.match(
        r"^(?:牵头单位|牵头部门|牵头考核单位|主责单位|牵头)[：:](.*?)(?:[；;，,](?=(?:配合|协办|参与|责任)(?:单位|部门)[：:])|$)",
        spec,
    )
    if lead_m and m and m.start() > lead_m.start():
        for u in _split_units(lead_m.group(1)):
            out.append({"name": u, "role": "lead"})
        for u in _split_units(m.group(1)):
            out.append({"name": u, "role": "partner"})
        return out
    spec = re.sub(r"^(?:责任单位|牵头单位|责任部门|牵头部门|主责单位|牵头考核单位)[：:]", "", spec)
    groups = [g for g in re.split(r"[，,；;]", spec) if g.strip(" \u3000。")]
    if len(groups) > 1:
        for gi, g in enumerate(groups):
            for u in _split_units(g):
                out.append({"name": u, "role": "lead" if gi == 0 else "partner"})
    else:
        for ui, u in enumerate(_split_units(spec)):
            out.append({"name": u, "role": "lead" if ui == 0 else "partner"})
    return out


def find_responsible(text: str) -> tuple:
    """(list of {name, role}, number of annotations, list of (start, end) note spans)."""
    units, count, spans = [], 0, []
    for m in RESP_NOTE_RE.finditer(text):
        if m.group(1):
            got = parse_units(m.group(1))
        else:
            got = [{"name": u, "role": "lead"} for u in _split_units(m.group(2))]
            got += [{"name": u, "role": "partner"} for u in _split_units(m.group(3) or "")]
        if got:
            units += got
            count += 1
            spans.append((m.start(), m.end()))
    for m in re.finditer(
        r"(?:^|\n)[ \t\u3000]*((?:责任单位|牵头单位|责任部门|牵头部门|牵头考核单位)[：:][^\n]*)", text
    ):
        if any(a <= m.start(1) < b for a, b in spans):
            continue
        got = parse_units(m.group(1).rstrip("）)"))
        if got:
            units += got
            count += 1
            spans.append((m.start(1), m.end(1)))
    return units, count, spans


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
            n = int(parts[-1])
            return style + str(len(parts)), rank, label.rstrip(".．"), n, rest
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


# --------------------------------------------------------------------------- tables

_NUM_CELL = re.compile(r"^[≥≤<>＞＜约~\-+]?[ ]?[0-9０-９][0-9０-９.,，%％ ]*[%％]?$")
_SEQ_CELL = re.compile(r"^[0-9]{1,3}$")
_YEAR_CELL = re.compile(r"^[0-9]{4}[ ]?年")


def _cell_kind(c: str) -> str:
    c = c.strip()
    if _NUM_CELL.match(c) or c in ("/", "-", "—", "－", "——"):
        return "num"
    if len(c) > 24 or c.endswith("。"):
        return "long"
    return "short"


def _group_cells(cells: list, header_names: Optional[list] = None) -> Optional[tuple]:
    """Split a flat list of cells (one per line/paragraph) into (header cells, columns, rows).
    Rows are keyed by a 序号 sequence (1, 2, 3…), else by year cells, else the column count is
    the one that makes the columns most homogeneous."""
    n = len(cells)
    if n < 4:
        return None
    # a 序号 sequence
    ints = {}
    for k, c in enumerate(cells):
        if _SEQ_CELL.match(c.strip()):
            ints.setdefault(int(c.strip()), []).append(k)
    seq, want, prev = [], 1, -2
    while want in ints:
        cands = [k for k in ints[want] if k >= prev + 2]
        if not cands:
            break
        cand = cands[0]
        if seq:
            gaps = sorted(b - a for a, b in zip(seq, seq[1:])) or [max(2, seq[0])]
            stride = gaps[len(gaps) // 2]
            nxt = [k for k in ints.get(want + 1, []) if k >= cand + 2]
            limit = nxt[-1] if nxt else n
            near = [k for k in cands if k < limit]
            if near:
                cand = min(near, key=lambda k: (abs((k - prev) - stride), k))
        seq.append(cand)
        prev = cand
        want += 1
    if len(seq) >= 2 and seq[0] >= 2:
        hdr_guess = cells[: seq[0]]
        p = 0
        for k, c in enumerate(hdr_guess):
            if re.sub(r"\s", "", c) in ("序号", "编号", "序"):
                p = k
                break
        h = seq[0] - p
        header = cells[:h]
        segs = []
        bounds = seq + [n]
        for a, b in zip(bounds, bounds[1:]):
            segs.append(list(cells[a:b]))
        # cells before the first key that are not header (merged category of the first row)
        lead = list(cells[h : seq[0]])
        lens = Counter(len(s) for s in segs[:-1]) or Counter(len(s) for s in segs)
        base = lens.most_common(1)[0][0]
        rows = []
        carry = lead
        for si, sg in enumerate(segs):
            if p > 0 and si + 1 < len(segs) and len(sg) > base:
                extra = len(sg) - base
                if extra <= p and all(_cell_kind(c) != "num" for c in sg[-extra:]):
                    nxt = sg[-extra:]
                    sg = sg[:-extra]
                else:
                    nxt = []
            else:
                nxt = []
            row = carry + sg
            full = len(carry) + base if p > 0 else max((m for m in lens if m <= len(header)), default=base)
            if len(row) >= full + 2 and (p > 0 or len(row) >= base + 3):
                rows.append(row[:full])
                rows.append(row[full:])
            else:
                rows.append(row)
            carry = nxt
        ncols = base + p if p > 0 else max((m for m in lens if m <= len(header)), default=base)
        return header, ncols, rows
    # year keys in the first column
    years = [k for k, c in enumerate(cells) if _YEAR_CELL.match(c.strip())]
    if len(years) >= 2 and years[0] >= 2:
        h = years[0]
        body = cells[h:]
        best = None
        for nc in range(2, min(h, 10) + 1):
            rows, row, started_key = [], [], False
            for c in body:
                if not row:
                    row, started_key = [c], bool(_YEAR_CELL.match(c.strip()))
                    continue
                if not started_key and _YEAR_CELL.match(c.strip()):
                    rows.append(row)
                    row, started_key = [c], True
                    continue
                row.append(c)
                if len(row) == nc:
                    rows.append(row)
                    row = []
            if row:
                rows.append(row)
            score = sum(1 for r in rows if _YEAR_CELL.match(r[0].strip()) and len(r) == nc) * nc
            score -= sum(1 for r in rows if not _YEAR_CELL.match(r[0].strip()) and len(r) >= nc)
            if best is None or score >= best[0]:
                best = (score, nc, rows)
        return cells[:h], best[1], best[2]
    # no keys: the column count that makes the columns most homogeneous
    best = None
    for nc in range(2, min(8, n // 2) + 1):
        if (n % nc) and (n - nc) % nc:
            continue
        body = cells[nc:]
        rows = [body[k : k + nc] for k in range(0, len(body), nc)]
        if len(rows) < 1:
            continue
        score = 0.0
        for col in range(nc):
            kinds = Counter(_cell_kind(r[col]) for r in rows if col < len(r))
            score += kinds.most_common(1)[0][1] / max(1, len(rows))
        hdr_ok = all(_cell_kind(c) == "short" for c in cells[:nc])
        score = score / nc + (0.5 if hdr_ok else 0) + (0.2 if n % nc == 0 else 0)
        if best is None or score > best[0] + 1e-9:
            best = (score, nc, rows)
    if best is None or best[0] < 1.2:
        return None
    return cells[: best[1]], best[1], best[2]


def _column_names(hdr: list, ncols: int) -> list:
    hdr = [re.sub(r"\s*\n\s*", "", c).strip() for c in hdr]
    if len(hdr) <= ncols:
        return hdr + [""] * (ncols - len(hdr))
    extra = len(hdr) - ncols
    # assume one spanning cell: the last upper cell, whose sub-columns are the trailing cells
    for span in range(2, ncols + 1):
        upper = ncols - span + 1
        lower = hdr[upper:]
        if len(lower) % span == 0:
            layers = [lower[k : k + span] for k in range(0, len(lower), span)]
            top = hdr[upper - 1]
            subs = ["".join(layer[j] for layer in layers) for j in range(span)]
            return hdr[: upper - 1] + [f"{top}/{s}" for s in subs]
    return hdr[: ncols - 1] + ["/".join(hdr[ncols - 1 :])] if extra else hdr


# --------------------------------------------------------------------------- parser


class _Builder:
    def __init__(self, text: str):
        self.text = text
        self.L = _lines(text)
        self.nodes: list = []
        self.notes: list = []
        self.counters = Counter()

    def add(self, kind, start, label="", title="", parent=None, **kw) -> Node:
        node = Node(id="", kind=kind, level=0, label=label, title=title, parent=parent, start=start, end=start, **kw)
        self.nodes.append(node)
        return node


def parse_outline(text: str) -> Outline:
    """Parse normalized plan text into an :class:`Outline` (see the module docstring)."""
    b = _Builder(text)
    L = b.L
    nL = len(L)
    blank_sep = _blank_separated(L)

    # ---- 1. the first body heading, the front matter before it
    toc = set()
    k = 0
    while k < nL:
        s = L[k].s
        if TOC_HEAD_RE.match(s):
            j = k + 1
            while j < nL and (not L[j].s or _is_toc_line(L[j].s)):
                j += 1
            toc.update(range(k, j))
            k = j
            continue
        if _is_toc_line(s):
            toc.add(k)
        k += 1
    first_h = None
    first_num = None
    for k in range(nL):
        if k in toc or not L[k].s:
            continue
        h = _heading(L[k].s)
        if h and h[0] in ("part", "chap", "sect", "cn"):
            first_h = k
            break
        if (
            BOX_RE.match(L[k].s)
            or TABLE_CAP_RE.match(L[k].s)
            or "\t" in L[k].text.strip()
            or (k + 1 < nL and "\t" in L[k + 1].text.strip() and _title_like(L[k].s))
            or _caption_above_tabs(L, k)
        ):
            first_h = k
            break
        if h and first_num is None:
            first_num = k
    if first_h is None:
        first_h = first_num
    if first_h is None:
        first_h = 0
        for k in range(nL):
            if L[k].s and k not in toc:
                first_h = k
                break
    pre = [k for k in range(first_h) if L[k].s]
    title_idx = None
    for k in reversed(pre):
        if k in toc:
            title_idx = k
            break
        if _title_like(L[k].s):
            title_idx = k
            break
    front_end = title_idx if title_idx is not None else -1
    # a salutation directly after the title
    if title_idx is not None:
        j = title_idx + 1
        while j < first_h and not L[j].s:
            j += 1
        if j < first_h and L[j].s[-1] in "：:" and len(L[j].s) <= 200 and "。" not in L[j].s:
            front_end = j

    # ---- 2. the pass over the lines
    styles_used: dict = {}
    heads: list = []  # (node, rank)
    stack: list = []  # (rank, node)
    last_num: dict = {}
    last_local: dict = {}
    last_label: dict = {}
    cur: Optional[Node] = None
    mode = None  # None | "para-needed"
    k = 0

    def parent_node():
        return stack[-1][1] if stack else None

    def begin_para(start):
        nonlocal cur
        par = parent_node()
        cur = b.add("paragraph", start, parent=par.id if par else None)
        cur._parent_obj = par
        return cur

    def new(kind, start, label="", title="", parent_obj=None, **kw):
        nonlocal cur
        node = b.add(kind, start, label=label, title=title, parent=None, **kw)
        node._parent_obj = parent_obj
        cur = node
        return node

    box = None  # (node, entry_style, count)
    while k < nL:
        ln = L[k]
        s = ln.s
        if not s:
            k += 1
            continue
        # front matter
        if k <= front_end or k in toc and k < first_h:
            if k in toc:
                if not (cur is not None and cur.kind == "front" and getattr(cur, "_toc", False)):
                    new("front", ln.start, title="目录")
                    cur._toc = True
            else:
                new("front", ln.start, title=s)
            k += 1
            continue
        if k < first_h:
            begin_para(ln.start)
            cur.title = s[:30]
            k += 1
            continue
        if k in toc:
            if not (cur is not None and cur.kind == "front" and getattr(cur, "_toc", False)):
                new("front", ln.start, title="目录")
                cur._toc = True
            k += 1
            continue

        # inside a box: numbered entries
        if box is not None:
            bnode, estyle, count = box
            h = _heading(s)
            if (
                h
                and (estyle is None or h[0] == estyle)
                and h[3] == count + 1
                and h[0] not in ("part", "chap", "sect", "cn")
            ):
                title, runin = _split_title(h[4])
                e = new(
                    "item",
                    ln.start,
                    label=_strip_label_punct(h[2]),
                    title=title,
                    parent_obj=bnode,
                    number=h[3],
                    style="entry",
                    runin=runin,
                )
                e._in_box = True
                box = (bnode, h[0], count + 1)
                k += 1
                continue
            prev_blank = k > 0 and not L[k - 1].s
            if (
                h
                or BOX_RE.match(s)
                or TABLE_CAP_RE.match(s)
                or ANNEX_RE.match(s)
                and _annex_ok(s)
                or (prev_blank and count > 0 and not blank_sep)
                or NOTE_RE.match(s)
                or BACK_LINE_RE.search(s)
                or BACK_HEAD_RE.match(s)
            ):
                box = None
                mode = "para-needed"
            else:
                k += 1
                continue

        # back matter
        if BACK_LINE_RE.search(s) or BACK_HEAD_RE.match(s):
            new("back", ln.start, title=s)
            stack.clear()
            mode = None
            k += 1
            continue
        m = ANNEX_RE.match(s)
        if m and _annex_ok(s):
            z = new("back", ln.start, label=m.group(1), title=m.group(2).strip())
            stack.clear()
            t = _table_after(b, L, k, blank_sep, z.title)
            if t:
                tnode = new(
                    "table", L[t["first"]].start, label=m.group(1), title=z.title, parent_obj=z, header=t["columns"]
                )
                _emit_rows(b, t, tnode, L)
                cur = b.nodes[-1]
                k = t["end"]
                mode = "para-needed"
                continue
            mode = None
            k += 1
            continue
        # tab-separated table
        if "\t" in ln.text.strip() or (k + 1 < nL and "\t" in L[k + 1].text.strip() and _title_like(s)):
            t = _tab_table(L, k)
            if t:
                par = parent_node()
                tnode = new("table", ln.start, label=t["label"], title=t["title"], parent_obj=par, header=t["columns"])
                tnode._key = t.get("key")
                _emit_rows(b, t, tnode, L)
                cur = b.nodes[-1]
                k = t["end"]
                mode = "para-needed"
                continue
        # box
        m = BOX_RE.match(s)
        if m:
            par = parent_node()
            label = re.sub(r"[ \u3000]", "", m.group(1))
            title = m.group(3).strip(" \u3000：:")
            bnode = new("box", ln.start, label=label, title=title, parent_obj=par)
            t = _try_table(b, k + 1, blank_sep, caption=title)
            if t:
                tnode = new(
                    "table",
                    L[t["first"]].start,
                    label=label,
                    title=f"{label} {title}",
                    parent_obj=bnode,
                    header=t["columns"],
                )
                tnode._inbox = True
                _emit_rows(b, t, tnode, L)
                cur = b.nodes[-1]
                k = t["end"]
                mode = "para-needed"
                continue
            box = (bnode, None, 0)
            k += 1
            continue
        # captioned table (表N …), or an indicator-table title followed by a table
        m = TABLE_CAP_RE.match(s)
        cap_like = m or (_title_like(s) and len(s) <= 50 and re.search(r"(指标|表)[ \t\u3000]*$", s))
        if cap_like:
            t = _table_after(b, L, k, blank_sep, s)
            if t:
                par = parent_node()
                label = re.sub(r"[ \u3000]", "", m.group(1)) if m else ""
                title = m.group(3).strip() if m else s
                tnode = new("table", ln.start, label=label, title=title, parent_obj=par, header=t["columns"])
                tnode._key = _ind_key(title) if not m else None
                _emit_rows(b, t, tnode, L)
                cur = b.nodes[-1]
                k = t["end"]
                mode = "para-needed"
                continue
        # headings
        h = _heading(s)
        if h and not (FIG_RE.match(s)):
            style, rank, label, num, rest = h
            ok, note = _accept(style, num, rank, stack, last_num, last_local)
            if ok and style.startswith("ar2"):
                # 1.1-style numbers must hang under their prefix (an enclosing 1. / 1.1 heading, or
                # a sibling with the same prefix): "4.1左右" at a line start is not a heading
                prefix = label.rstrip(".．").rsplit(".", 1)[0].rsplit("．", 1)[0]
                labels = {nd.label for _, nd in stack if nd.style.startswith("ar")}
                sib = last_label.get(style)
                ok = (
                    prefix in labels
                    or (sib is not None and sib.rsplit(".", 1)[0] == prefix)
                    or (num == 1 and not any(nd.style.startswith("ar") for _, nd in stack))
                )
                if not ok:
                    b.notes.append(f"line {k + 1}: numbered line not taken as a heading ({label})")
            if ok:
                last_label[style] = _strip_label_punct(label)
            if note:
                b.notes.append(f"line {k + 1}: {note}")
            if ok:
                while stack and stack[-1][0] >= rank:
                    stack.pop()
                par = parent_node()
                title, runin = _split_title(rest)
                if style in ("part", "chap", "sect"):
                    title = rest.strip(" \u3000：:")
                    runin = False
                node = new(
                    "heading",
                    ln.start,
                    label=_strip_label_punct(label),
                    title=title,
                    parent_obj=par,
                    number=num,
                    style=style,
                    runin=runin,
                )
                node._rank = rank
                stack.append((rank, node))
                styles_used.setdefault(style, rank)
                heads.append(node)
                last_num[style] = num
                last_local[(style, id(par))] = num
                mode = None
                k += 1
                continue
        if NOTE_RE.match(s) or FIG_RE.match(s):
            begin_para(ln.start)
            cur.title = s[:30]
            mode = None
            k += 1
            continue
        # prose
        if cur is None or mode == "para-needed" or cur.kind in ("front", "back") and cur.kind != "back":
            begin_para(ln.start)
            cur.title = s[:30]
            mode = None
        k += 1

    # ---- 3. kinds, parents, levels, ids
    _finish(b, styles_used)
    out = Outline(nodes=b.nodes, notes=b.notes)
    return out


def _caption_above_tabs(L, k) -> bool:
    """An indicator-table title (…指标 / …表) with tab-separated rows after a blank line."""
    s = L[k].s
    if not (_title_like(s) and len(s) <= 50 and re.search(r"(指标|表)[ \t\u3000]*$", s)):
        return False
    j = k + 1
    while j < len(L) and not L[j].text.strip():
        j += 1
    return j < len(L) and j - k <= 3 and "\t" in L[j].text.strip()


def _table_after(b, L, k, blank_sep, caption) -> Optional[dict]:
    """The table under the caption at line k: cells one per line/paragraph, or tab-separated rows
    after a blank line (how Word, web and PDF imports lay a caption paragraph above a table)."""
    t = _try_table(b, k + 1, blank_sep, caption=caption)
    if t is None:
        j = k + 1
        while j < len(L) and not L[j].text.strip():
            j += 1
        t = _tab_table(L, j) if j < len(L) and j - k <= 3 and "\t" in L[j].text.strip() else None
        if t and t["first"] != j:  # the line after the blank is itself a caption: not ours
            t = None
    return t


def _annex_ok(s: str) -> bool:
    m = ANNEX_RE.match(s)
    if not m:
        return False
    rest = m.group(2)
    return len(rest) <= 60 and "。" not in rest and (("：" in s or ":" in s) or not rest or m.group(1) != "附件")


def _ind_key(title: str) -> Optional[str]:
    if not re.search(r"指标[ \t\u3000]*$", title):
        return None
    qs = [q for q in QUOTED_RE.findall(title) if not re.fullmatch(r"十[一二三四五六七八九]五", q.strip())]
    return qs[-1].strip() if qs else None


def _blank_separated(L) -> bool:
    nonblank = [k for k in range(len(L)) if L[k].s]
    if not nonblank:
        return False
    followed = sum(1 for k in nonblank if k + 1 < len(L) and not L[k + 1].s)
    return followed >= 0.5 * len(nonblank)


def _accept(style, num, rank, stack, last_num, last_local):
    par = None
    for r, node in reversed(stack):
        if r < rank:
            par = node
            break
    loc = last_local.get((style, id(par)), 0)
    glob = last_num.get(style, 0)
    if num == 1 or num == loc + 1 or num == glob + 1:
        return True, None
    if glob == 0 and num <= 50:
        return True, f"numbering of the {STYLE_NAMES.get(style, style)} headings starts at {num}"
    base = max(loc, glob)
    if 0 < num - base <= 3:
        return True, f"numbering gap: {STYLE_NAMES.get(style, style)} heading {num} after {base}"
    if num == loc or num == glob:
        return True, f"numbering repeat: {STYLE_NAMES.get(style, style)} heading {num}"
    if style in ("part", "chap", "sect", "cn") and num - loc <= 3 and num > loc:
        return True, f"numbering gap: {STYLE_NAMES.get(style, style)} heading {num}"
    return False, f"numbered line not taken as a heading ({style} {num}, last {base})"


MAX_CELL = 2000


def _ncells(line: str) -> int:
    return len([c for c in line.split("\t") if c.strip()])


def _tab_table(L, k) -> Optional[dict]:
    """A tab-separated table starting at line k: optional caption, header, rows ``N.name<TAB>…``."""
    j = k
    cap = None
    first = L[k]
    cells0 = [c.strip() for c in L[k].text.split("\t") if c.strip()]
    if len(cells0) <= 1:
        cap = cells0[0] if cells0 else L[k].s
        j = k + 1
    rows_lines = []
    while True:
        while j < len(L) and "\t" in L[j].text.strip() and _ncells(L[j].text) >= 2:
            rows_lines.append(j)
            j += 1
        # a table broken by a page (a PDF import) goes on after blank lines with rows of its width
        g = j
        while g < len(L) and not L[g].text.strip():
            g += 1
        width = max((_ncells(L[r].text) for r in rows_lines), default=0)
        if (
            not rows_lines
            or g == j
            or g >= len(L)
            or "\t" not in L[g].text.strip()
            or not 2 <= _ncells(L[g].text) <= width
            or width - _ncells(L[g].text) > 2
        ):
            break
        j = g
    if not rows_lines:
        return None
    header = []
    hcells = [c.strip() for c in L[rows_lines[0]].text.split("\t") if c.strip()]
    if not re.match(r"^[0-9０-９]", hcells[0]) and all(len(c) <= 16 for c in hcells):
        header = hcells
        body = rows_lines[1:]
    else:
        body = rows_lines
    if not body and not header:
        return None
    rows = [[c.strip() for c in L[r].text.split("\t") if c.strip()] for r in body]
    # a lone tabbed line with neither header nor caption, or a "cell" as long as a page, is prose
    # that happens to hold a tab, not a table
    if (not header and cap is None and len(rows) < 2) or any(len(c) > MAX_CELL for r in rows for c in r):
        return None
    key = _ind_key(cap) if cap else None
    m = TABLE_CAP_RE.match(cap or "")
    label = re.sub(r"[ \u3000]", "", m.group(1)) if m else ""
    title = (m.group(3).strip() if m else (cap or "")).strip()
    return {
        "first": k,
        "end": j,
        "columns": header,
        "rows": rows,
        "row_lines": body,
        "key": key,
        "label": label,
        "title": title,
    }


def _cells_from(L, k, blank_sep) -> list:
    """Cells (text, first line index) from line k on, one per paragraph, until something that
    cannot be a table cell."""
    cells = []
    j = k
    n = len(L)
    while j < n and not L[j].s:
        j += 1
    # cells are blank-line separated here when the first cell is followed by a blank line
    sep_blank = j + 1 < n and not L[j + 1].s
    while j < n:
        if not L[j].s:
            j += 1
            continue
        s = L[j].s
        if _stop_cell(s):
            break
        if sep_blank:
            a = j
            parts = []
            while j < n and L[j].s and (j == a or not _stop_cell(L[j].s)):
                parts.append(L[j].s)
                j += 1
            cells.append(("\n".join(parts), a, j))
        else:
            cells.append((s, j, j + 1))
            j += 1
    return cells


def _stop_cell(s: str) -> bool:
    if (
        "\t" in s
        or NOTE_RE.match(s)
        or FIG_RE.match(s)
        or BOX_RE.match(s)
        or TABLE_CAP_RE.match(s)
        or _is_toc_line(s)
        or BACK_LINE_RE.search(s)
    ):
        return True
    if ANNEX_RE.match(s) and _annex_ok(s) and ("：" in s or ":" in s):
        return True
    h = _heading(s)
    if h and h[0] != "circ" and not h[0].startswith("ar2"):
        return True
    return False


def _try_table(b, k, blank_sep, caption="") -> Optional[dict]:
    L = b.L
    j = k
    while j < len(L) and not L[j].s:
        j += 1
    if j >= len(L):
        return None
    s = L[j].s
    # PDF-flattened: a header of space-separated short cells
    toks = s.split()
    if (
        2 <= len(toks) <= 10
        and all(len(t) <= 12 for t in toks)
        and not any(c in s for c in "。，；")
        and not _heading(s)
    ):
        t = _flat_table(L, j)
        if t:
            return t
    cells = _cells_from(L, j, blank_sep)
    if len(cells) < 4:
        return None
    texts = [c[0] for c in cells]
    # a repeated header is dropped
    got = _group_cells(texts)
    if not got:
        return None
    hdr, ncols, rows = got
    if ncols < 2 or not rows:
        return None
    hn = len(hdr)
    # remove repeated header cells from rows
    clean, rep = [], 0
    flat_hdr = [re.sub(r"\s", "", c) for c in hdr]
    for r in rows:
        rr = [re.sub(r"\s", "", c) for c in r]
        if rr == flat_hdr or (len(rr) >= len(flat_hdr) and rr[: len(flat_hdr)] == flat_hdr and len(flat_hdr) >= 2):
            rep += 1
            r = r[len(flat_hdr) :]
            if not r:
                continue
        # a repeated header glued to the end of a row
        for cut in range(1, len(rr)):
            if len(rr) - cut == len(flat_hdr) and rr[cut:] == flat_hdr:
                r = r[:cut]
                rep += 1
                break
        clean.append(r)
    rows = clean
    # map rows back to cell spans
    idx = {}
    pos = 0
    row_spans = []
    flat = texts
    ci = hn
    for r in rows:
        # find the row's first cell at or after ci
        while ci < len(flat) and flat[ci] != r[0]:
            ci += 1
        a = cells[min(ci, len(cells) - 1)][1]
        row_spans.append(a)
        ci += len(r)
    return {
        "first": cells[0][1],
        "end": cells[-1][2],
        "columns": _column_names(hdr, ncols),
        "rows": [[c for c in r] for r in rows],
        "row_lines": row_spans,
        "repeat": rep,
    }


def _flat_table(L, j) -> Optional[dict]:
    """A PDF-flattened table: header line of space-separated names, then rows whose last line
    ends in a repeated attribute word (约束性/预期性 …) or a value; names may wrap over lines."""
    header = L[j].s.split()
    # merge a number and a following 年 etc. ("2025 年")
    merged = []
    for t in header:
        if merged and re.fullmatch(r"[年月日%％）)]+", t):
            merged[-1] += " " + t
        else:
            merged.append(t)
    header = merged
    lines = []
    k = j + 1
    while k < len(L):
        s = L[k].s
        if not s:
            k += 1
            continue
        if _stop_cell(s) or "。" in s or len(s) > 40:
            break
        lines.append(k)
        k += 1
    if len(lines) < 2:
        return None
    valre = re.compile(r"^([≥≤<>＞＜]|[0-9][0-9.\-–~%]*|[0-9.]+[-–~][0-9.]+)$")

    def closes(x):
        tk = L[x].s.split()
        return len(tk) >= 2 and valre.match(tk[-2]) and not valre.match(tk[-1])

    lasts = Counter(L[x].s.split()[-1] for x in lines if closes(x))
    terms = {t for t, c in lasts.items() if c >= 2}
    if not terms:
        return None
    rows, row_lines, acc = [], [], []
    for x in lines:
        acc.append(x)
        toks = L[x].s.split()
        if closes(x) and toks[-1] in terms:
            text_lines = [L[y].s for y in acc]
            tk = " ".join(text_lines).split()
            attr = tk[-1]
            vals = []
            q = len(tk) - 2
            while q >= 0 and valre.match(tk[q]):
                vals.insert(0, tk[q])
                q -= 1
            name_lines = list(text_lines)
            # a short first line without spaces before a wrapped or complete row: a category cell
            if len(acc) > 1 and len(name_lines[0]) <= 6 and " " not in name_lines[0]:
                name_lines = name_lines[1:]
            name = " ".join(name_lines)
            name = name[: len(name) - len(" ".join([*vals, attr]))].strip() if name.endswith(attr) else name
            if len(name_lines) > 1:
                name = "".join(name.split(" ")) if not re.search(r"[A-Za-z0-9] [A-Za-z0-9]", name) else name
            cells = [name, " ".join(vals), attr]
            rows.append(cells)
            row_lines.append(acc[0])
            acc = []
    if len(rows) < 2:
        return None
    end_line = (row_lines and lines[lines.index(row_lines[-1]) :]) and lines[-1] + 1
    if acc:  # trailing lines that close no row stay outside the table
        end_line = acc[0]
    return {"first": j, "end": end_line, "columns": header, "rows": rows, "row_lines": row_lines}


def _emit_rows(b, t, tnode, L):
    for r, line_idx in zip(t["rows"], t["row_lines"]):
        row = b.add("row", L[line_idx].start, title=(r[0] if r else "")[:40], cells=list(r))
        row._parent_obj = tnode
        row.header = []
        if t.get("columns"):
            for ci, col in enumerate(t["columns"]):
                if re.search(r"责任单位|牵头单位|责任部门|牵头部门|配合单位", col) and ci < len(r):
                    row.responsible = parse_units(r[ci].replace("\n", ""))
    if t.get("repeat"):
        b.notes.append(f"table {tnode.title}: header repeated {t['repeat']} time(s)")


def _finish(b: _Builder, styles_used: dict):
    nodes = b.nodes
    text = b.text
    # spans: each node runs to the next node's start; the first starts at 0
    nodes.sort(key=lambda n: n.start)
    if nodes:
        if nodes[0].start != 0:
            nodes[0].start = 0
        for a, c in zip(nodes, nodes[1:]):
            a.end = c.start
        nodes[-1].end = len(text)
    elif text:
        n = Node(
            id="", kind="paragraph", level=1, label="", title=text.strip()[:30], parent=None, start=0, end=len(text)
        )
        n._parent_obj = None
        nodes.append(n)
    # kinds of numbered headings
    ranks = sorted(r for s, r in styles_used.items() if s != "part")
    has_child = set()
    for n in nodes:
        if n.kind == "heading":
            p = n._parent_obj
            while p is not None and p.kind != "heading":
                p = p._parent_obj
            if p is not None:
                has_child.add(p.style)
    leaf_rank = None
    for n in nodes:
        if n.kind != "heading":
            continue
        if n.style == "part":
            n.kind = "part"
        elif ranks and n._rank == ranks[0]:
            n.kind = "chapter"
        elif n.style in has_child:
            n.kind = "section"
        else:
            n.kind = "item"
    # the chapter style must not be the same as the leaf style when only one style exists
    # levels
    for n in nodes:
        p = n._parent_obj
        n.parent = p.id if p is not None and p.id else None
    for n in nodes:
        p = n._parent_obj
        n.level = (p.level + 1) if p is not None else 1
    # responsible units
    for n in nodes:
        if n.kind == "row":
            continue
        seg = text[n.start : n.end]
        units, count, _ = find_responsible(seg)
        if units:
            n.responsible = units
            n.resp_notes = count
    # ids
    items = [n for n in nodes if n.kind == "item" and not getattr(n, "_in_box", False)]
    leaf_nums = [n.number for n in items if n.style == _leaf_style(items)]
    unique_leaf = (
        len(leaf_nums) == len(set(leaf_nums)) and bool(leaf_nums) and not (_leaf_style(items) or "").startswith("ar2")
    )
    counters = Counter()
    seen = Counter()
    for n in nodes:
        n.id = _make_id(n, counters, unique_leaf, _leaf_style(items))
        seen[n.id] += 1
        if seen[n.id] > 1:
            b.notes.append(f"id {n.id} repeats; made {n.id}#{seen[n.id]}")
            n.id = f"{n.id}#{seen[n.id]}"
    for n in nodes:
        p = n._parent_obj
        n.parent = p.id if p is not None else None
    # display paths
    for n in nodes:
        p = n._parent_obj
        me = _display(n)
        n.path = (p.path + " › " + me) if p is not None else me
    for n in nodes:
        for attr in ("_parent_obj", "_rank", "_toc", "_in_box", "_key", "_inbox"):
            if hasattr(n, attr):
                try:
                    delattr(n, attr)
                except AttributeError:
                    pass


def _leaf_style(items):
    c = Counter(n.style for n in items)
    return c.most_common(1)[0][0] if c else None


def _label_path(n) -> str:
    parts = []
    p = n
    while p is not None:
        if p.kind in ("part", "chapter", "section", "item") and p.label and not getattr(p, "_in_box", False):
            parts.append(p.label + ("." if p.kind == "part" else ""))
        p = p._parent_obj
    return "".join(reversed(parts))


def _make_id(n, counters, unique_leaf, leaf_style) -> str:
    k = n.kind
    if k == "part":
        return "B" + n.label
    if k == "chapter":
        return "C" + _label_path(n)
    if k == "section":
        return "S" + _label_path(n)
    if k == "item":
        if getattr(n, "_in_box", False):
            return f"{n._parent_obj.id}:{n.number}"
        p = n._parent_obj
        if p is not None and p.kind == "item":
            return p.id + n.label
        if unique_leaf and n.style == leaf_style:
            return f"T{n.number}"
        return "T" + _label_path(n)
    if k == "box":
        return n.label or f"专栏@{counters.update(['box']) or counters['box']}"
    if k == "table":
        if getattr(n, "_inbox", False):
            return f"{n._parent_obj.id}:表"
        key = getattr(n, "_key", None)
        if key:
            return f"I:{key}"
        if n.label and n.label.startswith("表"):
            return n.label
        counters.update(["table"])
        return f"表@{counters['table']}"
    if k == "row":
        p = n._parent_obj
        counters.update([("row", id(p))])
        return f"{p.id}:{counters[('row', id(p))]}"
    prefix = {"paragraph": "P", "front": "F", "back": "Z"}[k]
    counters.update([k])
    return f"{prefix}{counters[k]}"


def _display(n) -> str:
    if n.kind in ("part", "chapter", "section", "item"):
        lab = n.label
        if n.style == "cn":
            lab += "、"
        elif n.style in ("ar", "entry") and not lab.startswith(("（", "(")):
            lab += "."
        return f"{lab}{n.title}" if n.title else lab
    if n.kind in ("box", "table"):
        return f"{n.label} {n.title}".strip()
    if n.kind == "row":
        return n.id.rsplit(":", 1)[-1]
    return n.id
