"""The data model of a plan knowledge base: plain dataclasses, and their JSON form.

The JSON written to ``build/kb.json`` follows ``docs/design.md`` (schema 1). Every stage after the
parser (extract, index, graph, site) reads these objects or that JSON; none re-parses text.

Units are the things a user cites: tasks (``T17``), indicator rows (``I:精准服务:1``) and
untitled prose paragraphs (``P3``, text between a heading and the first numbered task, or a
plan without numbered tasks). All three share the :class:`Unit` fields, so extraction, search
and the site treat them alike.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from functools import cache
from sys import intern
from typing import Any, Optional

from kb.kinds import MentionKinds, compact_mention, compact_target, entity_fields, mention_dict, target_fields
from kb.sentences import compact_sentences, sentence_dicts

SCHEMA_VERSION = 1  # the model's JSON form (kb export --format json)
# build/kb.json's storage form (:func:`document_to_dict`'s compact form): 2 since mentions refer
# to a per-document table of entities and roles, 3 since targets leave out what their unit gives
# and related edges are stored a run of one document's at a time (kb.graph.links), 4 since units
# leave out the title, cells and path their text and a table of paths give (kb.kinds); the reader
# also reads 1 (a full export or an older build), 2 and 3; older code says to rebuild
STORED_SCHEMA = 4
READABLE_SCHEMAS = (SCHEMA_VERSION, 2, 3, STORED_SCHEMA)


@dataclass(slots=True)
class Sentence:
    id: str  # "T17.s3"
    text: str
    start: int  # character offsets into the unit's text
    end: int


@dataclass(slots=True)
class Mention:
    entity: str  # "GROUP:农民工"
    text: str  # the words as written
    sentence: str
    start: int  # offsets into the unit's text
    end: int
    role: Optional[str] = None  # lead / partner / supervised / beneficiary (actors, groups)
    via: Optional[str] = None  # set when found through a narrower term: "GROUP:快递员"
    # for a class of institutions (企业, 学校 …): is it the acting party here (企业参与办学) or an
    # object, setting or modifier (服务企业, 企业环境信用评价)? None for named bodies and groups,
    # but false for a group word inside a name (教师素质提高计划: kb/extract/groupnames.py)
    acting: Optional[bool] = None


@dataclass(slots=True)
class Target:
    text: str
    value: Optional[float]
    unit: Optional[str]
    qualifier: Optional[str]
    period: Optional[str]
    deadline: Optional[int]
    sentence: str
    start: int = 0
    end: int = 0
    subject: Optional[str] = None
    deadline_text: Optional[str] = None
    # kind: target (forward), result (achieved / past), baseline (a current level), fact (size, population)
    kind: str = "target"
    baseline: Optional[float] = None  # the starting value of 从X提高到Y, or of an indicator row
    baseline_year: Optional[int] = None  # 比2020年…, the 现状（2025年） column
    deadline_inferred: bool = False  # deadline from the section or the plan's period, not the phrase
    attribute: Optional[str] = None  # 约束性 / 预期性 of an indicator row


@dataclass
class Unit:
    id: str
    text: str
    sentences: list[Sentence] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    # [start, end) of the unit's text in the document's normalized text; not exported
    span: tuple[int, int] = (0, 0)
    line: int = 0  # 1-based line in the source file where the unit starts; not exported
    # where the unit sits in the outline, for display: "二、行动步骤 › （三）… › 7."
    path: str = ""
    # from 责任单位/牵头单位 notes and task-division tables: [{"name": …, "role": "lead"|"partner"}]
    responsible: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Task(Unit):
    number: int = 0
    chapter: Optional[str] = None  # "C五"
    title: str = ""
    label: str = ""  # the item marker as written: "14. ", "１４．", "（一）"


@dataclass
class Paragraph(Unit):
    chapter: Optional[str] = None


@dataclass
class IndicatorRow(Unit):
    index: int = 0
    name: str = ""
    target: str = ""  # the 发展目标 cell as written; ``text`` is name + TAB + target
    tasks: list[str] = field(default_factory=list)  # tasks the row restates (filled by graph)


@dataclass
class IndicatorTable:
    id: str  # "I:精准服务"
    key: str  # "精准服务"
    title: str
    after: Optional[str]  # id of the task the table follows; None when it opens the text
    chapter: Optional[str]
    header: list[str]
    rows: list[IndicatorRow] = field(default_factory=list)
    line: int = 0


@dataclass
class Chapter:
    """A section heading at any level (篇, 章, 节, 一、, （一） used as a heading)."""

    id: str  # "C五"; nested levels: "C第一章/C一" is not used: ids stay flat and unique
    label: str  # "五", "第一章"
    title: str
    level: int = 1
    parent: Optional[str] = None
    tasks: list[str] = field(default_factory=list)
    heading: str = ""  # the heading line as written
    line: int = 0
    # entities the heading line names (四、全面深化公众参与…): no unit holds that line, so its
    # mentions live here, offsets into ``heading`` and ``sentence`` the chapter's id
    mentions: list[Mention] = field(default_factory=list)


@dataclass
class Block:
    """One piece of the document's layout, in reading order. Blocks tile the normalized
    text exactly: ``"".join(text[b.start:b.end] for b in blocks) == text`` (lossless)."""

    kind: str  # blank | heading | task | paragraph | table_title | table_header | table_row
    ref: Optional[str]  # id of the unit / chapter / table it belongs to
    start: int
    end: int


@dataclass(slots=True)
class OutlineNode:
    """One node of the document's outline (the contract of ``kb export``'s ``outline``; see
    kb/parse/outline.py for how kinds, levels and ids are decided). ``text`` is the node's own
    text: its heading and body, not its children's; the nodes tile the normalized text."""

    id: str
    kind: str  # part chapter section item box table row paragraph front back
    level: int  # depth in the tree, top-level nodes 1
    label: str  # the numbering as printed, without its trailing 、/./．: 一 （三） 1 专栏3 表3
    title: str
    parent: str | None
    text: str
    responsible: list[dict[str, str]] = field(default_factory=list)
    cells: list[str] = field(default_factory=list)  # rows only
    header: list[str] = field(default_factory=list)  # tables only
    path: str = ""
    unit: str | None = None  # the unit (task, row, paragraph) that holds this node's body, if any
    line: int = 0


@dataclass
class Document:
    id: str
    title: str
    source: str
    sha256: str
    encoding: str = "utf-8"
    notes: list[str] = field(default_factory=list)
    chapters: list[Chapter] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    indicator_tables: list[IndicatorTable] = field(default_factory=list)
    outline: list[OutlineNode] = field(default_factory=list)
    # what an importer found on the page: issuer, doc_number (国发〔2021〕29号), date
    meta: dict[str, str] = field(default_factory=dict)
    # not exported: the normalized text and its layout, for the lossless check and kb check
    text: str = ""
    blocks: list[Block] = field(default_factory=list)

    def units(self) -> Iterator[Unit]:
        """Tasks, indicator rows and paragraphs in document order."""
        allu: list[Unit] = [*self.tasks, *self.paragraphs]
        for t in self.indicator_tables:
            allu.extend(t.rows)
        return iter(sorted(allu, key=lambda u: u.span[0]))

    def unit(self, uid: str) -> Optional[Unit]:
        for u in self.units():
            if u.id == uid:
                return u
        return None


@dataclass
class Entity:
    id: str  # "GROUP:农民工"
    type: str
    name: str
    aliases: list[str] = field(default_factory=list)
    broader: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    discovered: bool = False  # found by a pattern rule, not in the lexicon


@dataclass(slots=True)
class Edge:
    source: str
    target: str
    type: str
    evidence: dict[str, Any] = field(default_factory=dict)
    rule: Optional[str] = None
    weight: Optional[float] = None


@dataclass
class KB:
    documents: list[Document] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)


# --------------------------------------------------------------------------- JSON


@cache
def _field_names(cls) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def flat_dict(obj: Any) -> dict[str, Any]:
    """``asdict`` for the model's leaf classes, whose fields hold JSON values only: lists are
    copied, nothing is deep-copied (asdict's recursion was a tenth of a build worker's time)."""
    cls: type = type(obj)
    return {k: (v[:] if isinstance(v, list) else v) for k in _field_names(cls) for v in [getattr(obj, k)]}


def _unit_dict(u: Unit, extra_first: dict[str, Any], kinds: MentionKinds | None) -> dict[str, Any]:
    d: dict[str, Any] = {"id": u.id, **extra_first, "text": u.text, "line": u.line, "path": u.path}
    d["responsible"] = [dict(r) for r in u.responsible]
    if kinds is not None:
        d["sentences"] = compact_sentences(u)
        at = _SentenceAt([(x.start, x.end, x.id) for x in u.sentences])
        d["mentions"] = [compact_mention(m, u.text, at, kinds) for m in u.mentions]
        d["targets"] = [compact_target(t, u.text, at) for t in u.targets]
    else:
        d["sentences"] = [flat_dict(s) for s in u.sentences]
        d["mentions"] = [flat_dict(m) for m in u.mentions]
        d["targets"] = [flat_dict(t) for t in u.targets]
    return d


# The compact form (build/kb.json, the build cache) leaves out what the unit's text and offsets
# say (a sentence's text and id, a mention's words and sentence, unset roles), when exactly derivable.


class _SentenceAt:
    """The id of the sentence holding a character offset of the unit's text (sentences are in
    order and do not overlap), by bisection: a single-line plan is one unit of thousands of
    sentences and mentions."""

    def __init__(self, spans: list[tuple[int, int, str]]):
        self.spans = spans
        self.starts = [a for a, _, _ in spans]

    def __call__(self, offset: int) -> str | None:
        i = bisect_right(self.starts, offset) - 1
        return self.spans[i][2] if i >= 0 and offset < self.spans[i][1] else None


def _first_units(units) -> dict[str, tuple[str, str, str | None, int]]:
    """Unit id -> (text, path, title: a task's title or a row's name, line), the first unit of an
    id winning (``units``: objects or dicts in the order tasks, paragraphs, rows), for an outline
    node's ``unit``."""
    out: dict[str, tuple[str, str, str | None, int]] = {}
    for u in units:
        if isinstance(u, Unit):
            title = u.title if isinstance(u, Task) else u.name if isinstance(u, IndicatorRow) else None
            out.setdefault(u.id, (u.text, u.path, title, u.line))
        else:
            out.setdefault(u["id"], (u["text"], u.get("path", ""), u.get("title", u.get("name")), u.get("line", 0)))
    return out


_EMPTY_OUTLINE_LISTS = ("responsible", "cells", "header")


def _outline_dicts(doc: Document, compact: bool) -> list[dict[str, Any]]:
    """The outline nodes; compact: a node whose text holds its unit's text stores only what is
    around it (``around``: [before, after]), and no path, title or line when they are the unit's
    (the outline was a third copy of every plan's text in kb.json)."""
    nodes = [flat_dict(n) for n in doc.outline]
    if not compact:
        return nodes
    units = _first_units([*doc.tasks, *doc.paragraphs, *(r for t in doc.indicator_tables for r in t.rows)])
    for n in nodes:
        text, path, title, line = units.get(n["unit"], ("", None, None, None))  # a unit id is never None
        i = n["text"].find(text) if text else -1
        if i >= 0:
            n["around"] = [n["text"][:i], n["text"][i + len(text) :]]
            del n["text"]
        if path is not None and n["path"] == path:
            del n["path"]
        if title is not None and n["title"] == title:
            del n["title"]  # an item's title is its task's, a row's its name
        if line is not None and n["line"] == line:
            del n["line"]
        for k in _EMPTY_OUTLINE_LISTS:
            if not n[k]:
                del n[k]  # most nodes have none: read back as the field's default
    return nodes


def _outline_node(n: dict[str, Any], units: dict[str, tuple[str, str, str | None, int]]) -> OutlineNode:
    text, path, title, line = units.get(n.get("unit") or "", ("", "", None, 0))
    extra: dict[str, Any] = {}
    if "around" in n:
        extra["text"] = n["around"][0] + text + n["around"][1]
    if n.get("unit") in units:  # what compact _outline_dicts left out, its unit gives
        for k, v in (("path", path), ("title", title), ("line", line)):
            if k not in n:
                extra[k] = v
    return _init(OutlineNode, n, **extra)


def _chapter_dict(c: Chapter, kinds: MentionKinds | None) -> dict[str, Any]:
    d = flat_dict(c)
    if kinds is not None:
        at = _SentenceAt([(0, len(c.heading) + 1, c.id)])
        d["mentions"] = [compact_mention(m, c.heading, at, kinds) for m in c.mentions]
    else:
        d["mentions"] = [flat_dict(m) for m in c.mentions]
    return d


def _chapter(d: dict[str, Any], kinds: list) -> Chapter:
    # the heading line is the chapter's one sentence: a mention's sentence is the chapter's id
    at = _SentenceAt([(0, len(d.get("heading", "")) + 1, d["id"])])
    return _init(Chapter, d, mentions=[_mention(m, d.get("heading", ""), at, kinds) for m in d.get("mentions", [])])


def document_to_dict(doc: Document, compact: bool = False) -> dict[str, Any]:
    """The document's JSON form; ``compact``: the storage form of build/kb.json (see
    :func:`kb.sentences.compact_sentences`, :class:`kb.kinds.MentionKinds`), which :func:`document_from_dict` reads
    back to the same model."""
    kinds = MentionKinds() if compact else None
    d = {
        "id": doc.id,
        "title": doc.title,
        "source": doc.source,
        "sha256": doc.sha256,
        "encoding": doc.encoding,
        "notes": list(doc.notes),
        "chapters": [_chapter_dict(c, kinds) for c in doc.chapters],
        "tasks": [
            _unit_dict(t, {"number": t.number, "chapter": t.chapter, "title": t.title, "label": t.label}, kinds)
            for t in doc.tasks
        ],
        "paragraphs": [_unit_dict(p, {"chapter": p.chapter}, kinds) for p in doc.paragraphs],
        "indicator_tables": [
            {
                "id": tb.id,
                "key": tb.key,
                "title": tb.title,
                "after": tb.after,
                "chapter": tb.chapter,
                "header": list(tb.header),
                "line": tb.line,
                "rows": [
                    _unit_dict(r, {"index": r.index, "name": r.name, "target": r.target, "tasks": list(r.tasks)}, kinds)
                    for r in tb.rows
                ],
            }
            for tb in doc.indicator_tables
        ],
        "outline": _outline_dicts(doc, compact),
        "meta": dict(doc.meta),
    }
    if kinds is not None:
        from kb.kinds import compact_units_of

        compact_units_of(d, kinds)
    return d


def kb_to_dict(kb: KB) -> dict[str, Any]:
    """The full model (kb export --format json)."""
    return {
        "schema": SCHEMA_VERSION,
        "documents": [document_to_dict(d) for d in kb.documents],
        "entities": [flat_dict(e) for e in kb.entities],
        "edges": [flat_dict(e) for e in kb.edges],
    }


def _init(cls, d: dict[str, Any], **override):
    names = _field_names(cls)  # cached: a thousand plans make millions of these objects
    kw = {k: v for k, v in d.items() if k in names}
    kw.update(override)
    return cls(**kw)


def _mention(m: dict[str, Any] | list, text: str, at: _SentenceAt, kinds: list) -> Mention:
    # the same few names, ids and roles recur in every unit: one string each, not one per mention
    # (a thousand plans hold millions of mentions)
    if isinstance(m, list):  # the compact form (:func:`kb.kinds.compact_mention`)
        m = mention_dict(m, kinds)
    words = m["text"] if "text" in m else text[m["start"] : m["end"]]
    sentence = m["sentence"] if "sentence" in m else at(m["start"])
    if sentence is None:
        raise ValueError(f"a mention at offset {m['start']} lies in no sentence")
    return Mention(
        entity=intern(m["entity"]),
        text=intern(words),
        sentence=intern(sentence),
        start=m["start"],
        end=m["end"],
        role=m.get("role") and intern(m["role"]),
        via=m.get("via") and intern(m["via"]),
        acting=m.get("acting"),
    )


def edge_from_dict(e: dict[str, Any]) -> Edge:
    ev = e.get("evidence") or {}
    for k in ("unit", "sentence"):
        if isinstance(ev.get(k), str):
            ev[k] = intern(ev[k])
    return Edge(
        source=intern(e["source"]),
        target=intern(e["target"]),
        type=intern(e["type"]),
        evidence=ev,
        rule=e.get("rule") and intern(e["rule"]),
        weight=e.get("weight"),
    )


def _unit_kwargs(d: dict[str, Any], kinds: list) -> dict[str, Any]:
    text, sentences = d["text"], d.get("sentences", [])
    if sentences and not isinstance(sentences[0], dict):
        sentences = sentence_dicts(d["id"], sentences)
    at = _SentenceAt([(x["start"], x["end"], x["id"]) for x in sentences])
    return {
        "sentences": [
            _init(Sentence, s) if "text" in s else _init(Sentence, s, text=text[s["start"] : s["end"]])
            for s in sentences
        ],
        "mentions": [_mention(m, text, at, kinds) for m in d.get("mentions", [])],
        "targets": [Target(**target_fields(Target, t, text, at)) for t in d.get("targets", [])],
    }


def document_from_dict(d: dict[str, Any]) -> Document:
    from kb.kinds import stored_units

    units = _first_units(stored_units(d))  # in the order tasks, paragraphs, rows
    doc = _init(Document, d, chapters=[], tasks=[], paragraphs=[], indicator_tables=[], outline=[])
    doc.outline = [_outline_node(n, units) for n in d.get("outline", [])]
    kinds = d.get("kinds", [])
    doc.chapters = [_chapter(c, kinds) for c in d.get("chapters", [])]
    doc.tasks = [_init(Task, t, **_unit_kwargs(t, kinds)) for t in d.get("tasks", [])]
    doc.paragraphs = [_init(Paragraph, p, **_unit_kwargs(p, kinds)) for p in d.get("paragraphs", [])]
    for td in d.get("indicator_tables", []):
        tb = _init(IndicatorTable, td, rows=[])
        tb.rows = [_init(IndicatorRow, r, **_unit_kwargs(r, kinds)) for r in td.get("rows", [])]
        doc.indicator_tables.append(tb)
    # spans are not exported; keep document order usable through line numbers
    order = 0
    for u in sorted(
        [*doc.tasks, *doc.paragraphs, *(r for t in doc.indicator_tables for r in t.rows)], key=lambda u: (u.line, u.id)
    ):
        u.span = (order, order)
        order += 1
    return doc


def kb_from_dict(d: dict[str, Any]) -> KB:
    if d.get("schema") not in READABLE_SCHEMAS:
        raise ValueError(f"unsupported kb.json schema {d.get('schema')!r} (expected {STORED_SCHEMA})")
    return KB(
        documents=[document_from_dict(x) for x in d.get("documents", [])],
        entities=[_init(Entity, entity_fields(e)) for e in d.get("entities", [])],
        edges=[edge_from_dict(e) for e in d.get("edges", [])],
    )
