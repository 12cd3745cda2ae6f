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

The parts: :mod:`.model` (nodes, outline), :mod:`.headings` (numbering labels, line patterns),
:mod:`.responsible` (责任单位 notes), :mod:`.cells` and :mod:`.tables` (tables), :mod:`.parser`
(the pass over the lines) and :mod:`.ids` (kinds, levels, ids, paths).
"""

from __future__ import annotations

from kb.parse.outline.headings import (
    ANNEX_RE,
    BACK_HEAD_RE,
    BACK_LINE_RE,
    BOX_RE,
    CIRCLED,
    CLOSE,
    CN_DIGITS,
    DATE_LINE_RE,
    DOCNO_RE,
    FIG_RE,
    HEADING_RES,
    NOTE_RE,
    OPEN,
    QUOTED_RE,
    RESP_LINE_RE,
    SENT_END,
    STYLE_NAMES,
    TABLE_CAP_RE,
    TITLE_STOP,
    TOC_HEAD_RE,
    TOC_LINE_RE,
    UNIT_START,
    _heading,
    cn_to_int,
)
from kb.parse.outline.model import KINDS, Node, Outline, check_lossless
from kb.parse.outline.parser import parse_outline
from kb.parse.outline.responsible import RESP_NOTE_RE, find_responsible, parse_units

__all__ = [
    "ANNEX_RE",
    "BACK_HEAD_RE",
    "BACK_LINE_RE",
    "BOX_RE",
    "CIRCLED",
    "CLOSE",
    "CN_DIGITS",
    "DATE_LINE_RE",
    "DOCNO_RE",
    "FIG_RE",
    "HEADING_RES",
    "KINDS",
    "NOTE_RE",
    "Node",
    "OPEN",
    "Outline",
    "QUOTED_RE",
    "RESP_LINE_RE",
    "RESP_NOTE_RE",
    "SENT_END",
    "STYLE_NAMES",
    "TABLE_CAP_RE",
    "TITLE_STOP",
    "TOC_HEAD_RE",
    "TOC_LINE_RE",
    "UNIT_START",
    "_heading",
    "check_lossless",
    "cn_to_int",
    "find_responsible",
    "parse_outline",
    "parse_units",
]
