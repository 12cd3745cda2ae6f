"""Load the entity lexicon (``kb/extract/lexicon/*.tsv``): canonical names, aliases, taxonomy, related
wordings, and the stop phrases in which a contained name is not a mention.

Every ``TYPE*.tsv`` file holds entities of one type (``actors.union.tsv``, ``actors.gov.tsv`` ->
ACTOR), one domain a file; ``*.patterns.tsv`` files are rules, not entities (see
:mod:`kb.extract.localnames`). An entity id is ``TYPE:name`` whatever file lists it, and may be
listed once only."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from kb.errors import KBError
from kb.extract.localnames import LocalNames, parse_patterns

LEXICON_DIR = Path(__file__).resolve().parent
TYPE_PREFIX = {"GROUP": "groups", "ACTOR": "actors", "PROGRAMME": "programmes", "LAW": "laws"}
TYPES = tuple(TYPE_PREFIX)
PATTERN_SUFFIX = ".patterns.tsv"


def type_files(folder: Path, typ: str) -> list[Path]:
    """The files of one entity type: ``actors.tsv`` first (if any), then ``actors*.tsv`` by
    name, rule files (``*.patterns.tsv``) left out."""
    prefix = TYPE_PREFIX[typ]
    files = [p for p in folder.glob(f"{prefix}*.tsv") if not p.name.endswith(PATTERN_SUFFIX)]
    return sorted(files, key=lambda p: (p.name != f"{prefix}.tsv", p.name))


def stop_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("stop*.tsv"), key=lambda p: (p.name != "stop.tsv", p.name))


@dataclass
class LexEntry:
    id: str
    type: str
    name: str
    aliases: list[str] = field(default_factory=list)
    broader: list[str] = field(default_factory=list)  # entity ids
    related: list[str] = field(default_factory=list)
    note: str = ""


@dataclass
class Lexicon:
    entries: dict[str, LexEntry] = field(default_factory=dict)
    stops: list[tuple[str, str]] = field(default_factory=list)  # (phrase, blocked name)
    local: Optional[LocalNames] = None  # local departments by pattern (actors.patterns.tsv)
    # roots of the systems whose bodies are the doers when named as the subject (roles*.tsv:
    # a union plan's 各级工会 act themselves, they are not supervised); a domain's data, not code
    self_acting: set[str] = field(default_factory=set)
    # classes of institutions (企业, 学校, 金融机构 …): a mention of one is an acting party only
    # in an acting context (kb/extract/acting.py); ``class`` rules cover the narrower terms too,
    # ``class-only`` rules the entity alone (政府, but not 省级人民政府 under it)
    classes: set[str] = field(default_factory=set)
    classes_only: set[str] = field(default_factory=set)
    # words before a class mention that make it an object or a setting (面向, 服务, 培育 …)
    object_markers: set[str] = field(default_factory=set)
    object_verbs: set[str] = field(default_factory=set)
    # words right after a class mention that make it a modifier (高校相关专业教师)
    modifier_words: set[str] = field(default_factory=set)
    # words before a class mention that ask it to act (带动中小企业参与), besides roles.SUPERVISED
    triggers: set[str] = field(default_factory=set)
    # words right before a class mention that make it the agent (由学校…处理, 发挥企业…作用)
    agent_markers: set[str] = field(default_factory=set)
    # words right after a class mention, ending a slogan's item, that make it the agent
    # (政府主导、企业主体、社会参与)
    agent_words: set[str] = field(default_factory=set)
    # words of joint action after 与/同 + a class mention, which make it an acting partner
    cooperation_words: set[str] = field(default_factory=set)
    # generic collective wordings (各地, 有关部门, 主管部门, 政府 …) and the words of duty after
    # them that make them the assigned party (压实各级相关单位主体责任, 明晰主管部门…职责)
    # words of guidance in the frame 在X(的)指导下 that make X the agent (在政府指导下组建…)
    guidance_words: set[str] = field(default_factory=set)
    # heads of a measure (比例, 比重): a class that is the subject of a clause qualifying one
    # (政府、机构和企业持有的租赁住房比例) is part of an indicator's definition, not acting
    measure_heads: set[str] = field(default_factory=set)
    collective: set[str] = field(default_factory=set)
    assigned_words: set[str] = field(default_factory=set)
    # entities that name a group only as the head of a compound (文博人才, 科技人才), not alone
    # (人才培养, 有力的人才支撑): ANNOTATING.md leaves the bare generic word out
    compound_only: set[str] = field(default_factory=set)
    # words that close a name a group word may stand in (计划, 工程, 基地 …: 教师素质提高计划),
    # and words after a compound-only head that make it the generic activity (人才培养);
    # kb/extract/groupnames.py
    name_heads: set[str] = field(default_factory=set)
    compound_tails: set[str] = field(default_factory=set)
    # words that make a class mention after them a served party (为, 面向, 服务, 帮助 …): object
    # markers for acting, and the condition of a group twin (kb/extract/groupnames.py)
    served_markers: set[str] = field(default_factory=set)
    name_verbs: set[str] = field(default_factory=set)
    # one-character heads of the names of days, weeks and months of an event (世界青年技能日,
    # 活动周): a group word before one, as a word of its own, is part of the event's name
    event_heads: set[str] = field(default_factory=set)
    # qualifiers that make no kind of a compound-only head after a verb (招录专业人才)
    generic_qualifiers: set[str] = field(default_factory=set)  # 参与, 参加 …: a group word before one acts
    # attributes a class mention may own (能力, 水平 …): the possessor is a modifier (acting.py)
    possessed_heads: set[str] = field(default_factory=set)
    # a level word (县级, 省级) -> the generic government of that level, which it names where it
    # is the subject of a modal verb (县级可根据帮扶任务…: kb/extract/levelnames.py)
    level_subjects: dict[str, str] = field(default_factory=dict)
    # the last character of a place's name (区, 市, 省) -> the government of that level, which a
    # document title issued under the place's name names (《普陀区关于…》)
    issuer_levels: dict[str, str] = field(default_factory=dict)
    # verbs of fostering whose uncounted object is the served party (培育壮大…领军企业)
    cultivate_verbs: set[str] = field(default_factory=set)
    # verbs of forming whose object, a group-only class, is the unit set up (组建农民合作社)
    form_verbs: set[str] = field(default_factory=set)
    # honorific titles (大国工匠): ANNOTATING.md counts no group in them, nor the word inside
    honorifics: set[str] = field(default_factory=set)

    def is_class(self, eid: str) -> bool:
        """Is ``eid`` a class of institutions (itself, or narrower than a ``class`` root)?"""
        return eid in self.classes_only or self._reaches(eid, self.classes)

    def acts_itself(self, eid: str) -> bool:
        """Is ``eid`` (or a broader term of it) one of the self-acting roots?"""
        return self._reaches(eid, self.self_acting)

    def _reaches(self, eid: str, roots: set[str]) -> bool:
        """Is ``eid`` or one of its broader terms (transitively) in ``roots``?"""
        seen, todo = set(), [eid]
        while todo:
            e = todo.pop()
            if e in roots:
                return True
            if e in seen or e not in self.entries:
                continue
            seen.add(e)
            todo.extend(self.entries[e].broader)
        return False

    def surfaces(self) -> dict[str, list[tuple[str, str]]]:
        """surface form -> [(entity id, kind)], kind = name | alias | related."""
        out: dict[str, list[tuple[str, str]]] = {}
        for e in self.entries.values():
            for s, kind in [(e.name, "name"), *((a, "alias") for a in e.aliases), *((r, "related") for r in e.related)]:
                if s:
                    out.setdefault(s, [])
                    if (e.id, kind) not in out[s]:
                        out[s].append((e.id, kind))
        return out

    def find(self, term: str) -> Optional[LexEntry]:
        """The entry named ``term``; of twins (企业: an ACTOR class and its GROUP reading where
        served, kb/extract/groupnames.py) the actor."""
        found = [e for e in self.entries.values() if term == e.name or term in e.aliases]
        return next((e for e in found if e.type == "ACTOR"), found[0] if found else None)

    def words(self) -> list[str]:
        """Names and aliases, for the word segmenter's dictionary."""
        return sorted({s for e in self.entries.values() for s in (e.name, *e.aliases) if s})


def _rows(path: Path):
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        yield n, line.split("\t")


def _split(cell: str) -> list[str]:
    return [x.strip() for x in cell.split("|") if x.strip()]


def load_lexicon(folder: Optional[Path] = None, types=TYPES) -> Lexicon:
    folder = Path(folder) if folder else LEXICON_DIR
    lex = Lexicon()
    pending: list[tuple[LexEntry, list[str], str]] = []
    where_of: dict[str, str] = {}
    for typ, path in ((t, p) for t in types for p in type_files(folder, t)):
        for n, cells in _rows(path):
            cells = (cells + [""] * 5)[:5]
            name = cells[0].strip()
            if not name:
                raise KBError(f"{path}:{n}: empty entity name")
            e = LexEntry(
                id=f"{typ}:{name}",
                type=typ,
                name=name,
                aliases=_split(cells[1]),
                related=_split(cells[3]),
                note=cells[4].strip(),
            )
            if e.id in lex.entries:
                raise KBError(f"{path}:{n}: {e.id} is listed twice (also in {where_of[e.id]})")
            lex.entries[e.id] = e
            where_of[e.id] = f"{path.name}:{n}"
            pending.append((e, _split(cells[2]), f"{path}:{n}"))
    for e, broader, where in pending:
        for b in broader:
            bid = b if ":" in b and b.split(":", 1)[0] in TYPES else f"{e.type}:{b}"
            if bid not in lex.entries:
                if ":" in b or types != TYPES:
                    continue  # a broader term of a type not loaded (tests load one type alone)
                raise KBError(f"{where}: broader term {b!r} is not in the lexicon")
            e.broader.append(bid)
    for stop in stop_files(folder):
        for n, cells in _rows(stop):
            if len(cells) < 2 or cells[1].strip() not in cells[0]:
                raise KBError(f"{stop}:{n}: expected 'phrase<TAB>name inside the phrase'")
            lex.stops.append((cells[0].strip(), cells[1].strip()))
    rule_sets = {
        "self-acting": lex.self_acting,
        "class": lex.classes,
        "class-only": lex.classes_only,
        "object-marker": lex.object_markers,
        "object-verb": lex.object_verbs,
        "modifier-word": lex.modifier_words,
        "trigger": lex.triggers,
        "agent-marker": lex.agent_markers,
        "agent-word": lex.agent_words,
        "cooperation-word": lex.cooperation_words,
        "guidance-word": lex.guidance_words,
        "measure-head": lex.measure_heads,
        "collective": lex.collective,
        "assigned-word": lex.assigned_words,
        "compound-only": lex.compound_only,
        "name-head": lex.name_heads,
        "compound-tail": lex.compound_tails,
        "name-verb": lex.name_verbs,
        "event-head": lex.event_heads,
        "served-marker": lex.served_markers,
        "generic-qualifier": lex.generic_qualifiers,
        "honorific": lex.honorifics,
        "possessed-head": lex.possessed_heads,
        "cultivate-verb": lex.cultivate_verbs,
        "form-verb": lex.form_verbs,
    }
    for roles in sorted(folder.glob("roles*.tsv")):
        for n, cells in _rows(roles):
            kind = cells[0].strip()
            pairs = {"level-subject": lex.level_subjects, "issuer-level": lex.issuer_levels}
            if kind in pairs and len(cells) > 2 and cells[2].strip().startswith("ACTOR:"):
                pairs[kind][cells[1].strip()] = cells[2].strip()
                continue
            if len(cells) < 2 or kind not in rule_sets or not cells[1].strip():
                raise KBError(f"{roles}:{n}: expected '{'|'.join(rule_sets)}<TAB>entity id or word'")
            rule_sets[kind].add(cells[1].strip())
    lex.object_markers |= lex.served_markers
    for eid in sorted(
        lex.classes
        | lex.classes_only
        | lex.collective
        | lex.honorifics
        | set(lex.level_subjects.values())
        | set(lex.issuer_levels.values())
    ):
        if types == TYPES and eid not in lex.entries:
            raise KBError(f"roles*.tsv: class {eid} is not in the lexicon")
    patterns = folder / f"{TYPE_PREFIX['ACTOR']}{PATTERN_SUFFIX}"
    if "ACTOR" in types and patterns.exists():
        lex.local = LocalNames(parse_patterns(patterns))
        for pat in lex.local.patterns:
            if pat.entity and pat.entity not in lex.entries:
                raise KBError(f"{patterns}: {pat.stem}: {pat.entity} is not in the lexicon")
    return lex


def word_lists(name: str, folder: Optional[Path] = None) -> dict[str, tuple[str, ...]]:
    """The rule word lists of ``<name>.tsv`` and its domain files ``<name>.<domain>.tsv``
    (``links.tsv``, ``links.union.tsv``): rows ``list<TAB>word[<TAB>note]``, ``#`` comments; list
    name -> its words in file order (the general file first, then the domain files by name)."""
    base = Path(folder) if folder else LEXICON_DIR
    lists: dict[str, list[str]] = {}
    for path in [base / f"{name}.tsv", *sorted(base.glob(f"{name}.*.tsv"))]:
        for n, cells in _rows(path):
            if len(cells) < 2 or not cells[0].strip() or not cells[1].strip():
                raise KBError(f"{path}:{n}: expected 'list<TAB>word'")
            lists.setdefault(cells[0].strip(), []).append(cells[1].strip())
    return {k: tuple(v) for k, v in lists.items()}


def alternation(words) -> str:
    """A regex alternation of ``words``, longest first (so 不少于 is tried before 不少)."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
