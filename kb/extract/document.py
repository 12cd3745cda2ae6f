"""The extract stage: mentions of lexicon entities, roles, targets, and the entity list.

``enrich(kb)`` fills ``unit.mentions`` and ``unit.targets`` for every task, indicator row and
paragraph, and ``kb.entities`` (with the units that mention each entity, plus the broader
terms of the taxonomy so that ``kb mentions`` can expand a query without the lexicon).
Everything is sorted so that a build is byte-for-byte repeatable. The build runs the pipeline's
components on plain text (:mod:`kb.extract.analyse`), without spaCy.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kb.extract.acting import mark_acting
from kb.extract.bareparties import bare_party_mentions
from kb.extract.classnames import class_mentions, confirm_head_classes
from kb.extract.classnames import rules as class_rules
from kb.extract.groupnames import (
    drop_bare_heads,
    drop_formed,
    drop_in_names,
    group_proxies,
    related_as_people,
    served_twins,
    settle_proxies,
    split_twins,
)
from kb.extract.levelnames import counted_issuer_mentions, issuer_mentions, level_mentions, listed_level_mentions
from kb.extract.lexicon import TYPES, Lexicon, alternation, load_lexicon, word_lists
from kb.extract.orgnames import inside_modifiers, org_mentions
from kb.extract.roles import assign_roles
from kb.ids import qualify
from kb.model import KB, Chapter, Entity, Mention, Sentence, Unit

TYPE_ORDER = {t: i for i, t in enumerate(TYPES)}


def _sentence_finder(unit: Unit):
    """pos -> id of the sentence holding it; sentences are in order and do not overlap, so a
    bisect keeps a huge unit linear."""
    sents = unit.sentences
    starts = [s.start for s in sents]

    def find(pos: int) -> str:
        if not sents:
            return ""
        i = bisect.bisect_right(starts, pos) - 1
        if i >= 0 and sents[i].start <= pos < sents[i].end:
            return sents[i].id
        # between sentences (the TAB of a row): the next one
        return sents[i + 1].id if i + 1 < len(sents) else sents[-1].id

    return find


def unit_mentions(unit: Unit, hits: list, lex: Lexicon) -> list[Mention]:
    """The mentions of a unit from its lexicon hits (:func:`kb.extract.analyse.analyse`; the
    spaCy pipeline keeps the same hits in ``doc.user_data["hits"]``)."""
    sentence_of = _sentence_finder(unit)
    ms = [
        Mention(entity=h.entity, text=h.surface, sentence=sentence_of(h.start), start=h.start, end=h.end) for h in hits
    ]
    ms.sort(key=lambda m: (m.start, -m.end, m.entity))
    orgs, institutions = org_mentions(unit.text, ms, sentence_of)
    orgs += level_mentions(unit.text, ms + orgs, sentence_of, lex)
    orgs += issuer_mentions(unit.text, ms + orgs, sentence_of, lex)
    orgs += counted_issuer_mentions(unit.text, ms + orgs, sentence_of, lex)
    orgs += listed_level_mentions(unit.text, ms + orgs, sentence_of, lex)
    ms = sorted(ms + orgs, key=lambda m: (m.start, -m.end, m.entity))
    related_as_people(unit.text, ms, {(h.start, h.end, h.entity) for h in hits if h.kind == "related"})
    ms = drop_bare_heads(unit.text, ms, lex.compound_only, generic=frozenset(lex.generic_qualifiers))
    ms = drop_in_names(unit.text, ms, lex)
    drop_formed(unit.text, ms, lex)
    ms, twins = split_twins(ms, lex)
    proxies = group_proxies(ms, lex)
    if proxies:
        ms = sorted(ms + proxies, key=lambda m: (m.start, -m.end, m.entity))
    assign_roles(unit.text, ms, lambda e: e.split(":", 1)[0], lex.acts_itself)
    proxied = {p.entity for p in proxies}
    mark_acting(unit.text, ms, lambda e: e in proxied or e in institutions or lex.is_class(e), lex)
    # classes named by an institution's head and its qualifiers (县级国有博物馆): added after the
    # general acting rules so that they do not join the chains those rules read, and decided by
    # their own stricter rule
    classes, class_ids = class_mentions(unit.text, ms, sentence_of)
    if classes:
        ms = sorted(ms + classes, key=lambda m: (m.start, -m.end, m.entity))
        confirm_head_classes(unit.text, ms, class_ids, class_rules().between, lex)
    # the State, the centre and the Party named by a bare word where the grammar makes it a party
    # (按照国家公布的名录): after the acting rules, which read classes only
    bare = bare_party_mentions(unit.text, ms, sentence_of, lex)
    if bare:
        ms = sorted(ms + bare, key=lambda m: (m.start, -m.end, m.entity))
    inside_modifiers(ms)
    ms = settle_proxies(unit.text, ms, proxies, lex)
    twins = served_twins(unit.text, ms, twins, lex)
    if twins:
        ms = sorted(ms + twins, key=lambda m: (m.start, -m.end, m.entity))
    return ms


def enrich(kb: KB, lexicon_dir: str | None = None) -> KB:
    """The whole stage. Documents whose units already carry mentions or targets (enriched by
    ``enrich_document`` in a worker process) are not processed again."""
    for d in kb.documents:
        if not any(u.mentions or u.targets for u in d.units()):
            enrich_document(d, lexicon_dir)
    return collect_entities(kb, lexicon_dir)


def enrich_document(d, lexicon_dir: str | None = None) -> None:
    """Mentions and targets of one document (depends on that document and the lexicon only)."""
    from kb.extract.analyse import analyse, lexicon_for
    from kb.extract.deadlines import plan_period
    from kb.extract.targets import PlanContext

    lex = lexicon_for(lexicon_dir)
    period = plan_period(d.title, d.text or "\n".join(u.text for u in d.units()))
    contexts = _section_contexts(d, period)
    tables = _row_cells(d)
    for u in d.units():
        ctx = contexts.get(getattr(u, "chapter", None) or "") or PlanContext(period=period)
        if u.id in tables:
            ctx = _cited_source_context(ctx, *tables[u.id])
        found = analyse(u.text, u.sentences, plan_context=ctx, lexicon_dir=lexicon_dir)
        u.mentions = unit_mentions(u, found.hits, lex)
        if u.responsible:
            u.mentions = responsible_mentions(u, u.mentions, lex)
        u.targets = sorted(found.targets, key=lambda t: (t.start, t.end))
        if u.id in tables:
            header, cells = tables[u.id]
            # a row is read by its columns; only a row with a sentence cell (a task table's
            # 重点内容) is also read as prose when its columns give no figure
            sentence = any(len(c) > 30 or "。" in c for c in cells)
            u.targets = _table_row_targets(u, header, cells, period) or (u.targets if sentence else [])
    for c in d.chapters:
        c.mentions = heading_mentions(c, lex, lexicon_dir)


def heading_mentions(c: Chapter, lex: Lexicon, lexicon_dir: str | None = None) -> list[Mention]:
    """The mentions of a heading line (四、全面深化公众参与和社会宣传), read as a one-sentence
    text by the same rules as a unit's. No unit holds that line (a chapter's lead-in prose starts
    below it), so without this a chapter naming a group is lost. Its figures are not targets: a
    heading names a theme, the units below it state what is to be reached."""
    from kb.extract.analyse import analyse

    if not c.heading:
        return []
    line = Unit(id=c.id, text=c.heading, sentences=[Sentence(id=c.id, text=c.heading, start=0, end=len(c.heading))])
    return unit_mentions(line, analyse(line.text, line.sentences, lexicon_dir=lexicon_dir).hits, lex)


def _section_contexts(d, period):
    """Chapter id -> the context of its units: the deadline a heading states (主要目标：到2025年)
    and whether it reviews the past (发展现状), read through the enclosing headings."""
    from kb.extract.targets import section_context

    by_id = {c.id: c for c in d.chapters}
    out = {}
    for c in d.chapters:
        heads, x = [], c
        while x is not None:
            heads.append(x.heading or x.title)
            x = by_id.get(x.parent) if x.parent else None
        out[c.id] = section_context(" ".join(reversed(heads)), period)
    for tb in d.indicator_tables:  # rows take their table's chapter
        for r in tb.rows:
            if tb.chapter in out:
                out[r.id] = out[tb.chapter]
    return out


_SOURCE_COL = re.compile(alternation(word_lists("targets")["source-column"]))


def _cited_source_context(ctx, header, cells):
    """A task table row that names its source plan (参考文件: 《…“十四五”规划》) takes that plan's
    end as the deadline of figures it does not date, as a unit takes its section's."""
    from dataclasses import replace

    from kb.extract.deadlines import cited_plan_end

    for h, c in zip(header, cells):
        if _SOURCE_COL.search(h):
            end = cited_plan_end(c, ctx.period)
            if end is not None:
                return replace(ctx, section_deadline=end)
    return ctx


def _row_cells(d) -> dict:
    """Row unit id -> (header, cells) for tables of three columns or more (name, unit, values,
    属性…): their targets come from the columns, not from reading the row as a sentence."""
    header_of = {n.id: n.header for n in d.outline if n.kind == "table"}
    return {
        n.unit: (header_of[n.parent], n.cells)
        for n in d.outline
        if n.kind == "row" and n.unit and len(header_of.get(n.parent or "", [])) >= 3 and n.cells
    }


def _table_row_targets(u: Unit, header, cells, period):
    from kb.extract.targets import row_targets

    out = []
    for t in row_targets(header, cells, period):
        at = u.text.find(t.text) if t.text else -1
        if at >= 0:
            t.start, t.end = at, at + len(t.text)
        t.sentence = t.sentence or (u.sentences[0].id if u.sentences else "")
        out.append(t)
    return out


def responsible_actor(name: str, lex: Lexicon) -> tuple[str, list[str]]:
    """The entity id of a unit named in a 责任单位 note, and its broader terms: a lexicon entry
    when the name or an alias is one (发改委 -> 国家发展改革委), a local department in its
    canonical form by pattern (区发改委 -> 区发展改革委, under 发展改革部门), else the name as
    written (各街镇)."""
    e = lex.find(name)
    if e is not None and e.type == "ACTOR":
        return e.id, list(e.broader)
    local = lex.local
    canon = local.local_actor(name) if local is not None else None
    if canon:
        found = local.find(name) if local is not None else []
        broader = [f.entity for f in found[-1:] if f.entity and f.entity in lex.entries]
        e = lex.find(canon)
        return (e.id, list(e.broader)) if e is not None else (f"ACTOR:{canon}", broader)
    return f"ACTOR:{name}", []


def responsible_mentions(u: Unit, ms: list[Mention], lex: Lexicon) -> list[Mention]:
    """Each unit of the 责任单位/牵头单位 notes as an actor mention with its role (lead for the
    first or the 牵头 group, partner for the rest), at its place in the note; a lexicon hit on
    the same words (the generic 发展改革部门 under 区发改委) gives way to it."""
    sentence_of = _sentence_finder(u)
    out: list[Mention] = []
    pos = len(u.text)
    for r in reversed(u.responsible):  # notes close a task: look for the names from the end
        name = r.get("name", "").strip()
        at = u.text.rfind(name, 0, pos) if name else -1
        if at < 0:
            at = u.text.rfind(name) if name else -1
        if at < 0:
            continue
        pos = at
        eid, _ = responsible_actor(name, lex)
        out.append(
            Mention(entity=eid, text=name, sentence=sentence_of(at), start=at, end=at + len(name), role=r.get("role"))
        )
    spans = [(m.start, m.end) for m in out]
    kept = [m for m in ms if not any(a <= m.start and m.end <= b for a, b in spans)]
    merged = kept + out
    merged.sort(key=lambda m: (m.start, -m.end, m.entity))
    return merged


def collect_entities(kb: KB, lexicon_dir: str | None = None, discovered: dict[str, list[dict]] | None = None) -> KB:
    """``kb.entities`` from the mentions already in the units. ``discovered``: document id ->
    :func:`kb.extract.discover.document_names`, where a build worker has found them already."""
    from kb.extract.discover import document_names

    lex = load_lexicon(Path(lexicon_dir) if lexicon_dir else None)
    multi = len(kb.documents) > 1
    uses = EntityUses()
    for d in kb.documents:
        names = discovered[d.id] if discovered and d.id in discovered else document_names(d, lex)
        uses.add(entity_uses(d, multi, lex), d.id, names)
    kb.entities = entities_of(lex, uses, multi)
    return kb


def entity_uses(d, multi: bool, lex: Lexicon) -> tuple[list[tuple[str, str | None]], dict[str, str]]:
    """What the entity list needs of one document, so a build need not hold every document:
    (entity id, qualified unit id) in order, each unit once per entity, and (entity id, None)
    for an entity a heading names (kept, but a heading is not a unit: not listed); and the text
    -> id of the actors the lexicon does not list (see :func:`responsible_entities`)."""
    pairs: list[tuple[str, str | None]] = []
    last: dict[str, str] = {}
    actors: dict[str, str] = {}
    for u in d.units():
        uid = qualify(d.id, u.id, multi)
        for m in u.mentions:
            if last.get(m.entity) != uid:
                last[m.entity] = uid
                pairs.append((m.entity, uid))
            if m.entity.startswith("ACTOR:") and m.entity not in lex.entries:
                actors[m.text] = m.entity
    for c in d.chapters:
        for m in c.mentions:
            pairs.append((m.entity, None))
            if m.entity.startswith("ACTOR:") and m.entity not in lex.entries:
                actors[m.text] = m.entity
    return pairs, actors


@dataclass
class EntityUses:
    """What the entity list needs of a collection, folded a document at a time in document order
    (a build then need not hold every document's uses): entity id -> its units in order (a
    heading's entity with none), the text -> id of actors the lexicon does not list (the last one
    met wins) and each document's discovered names."""

    units_of: dict[str, list[str]] = field(default_factory=dict)
    actors: dict[str, str] = field(default_factory=dict)
    found: list[tuple[str, list[dict]]] = field(default_factory=list)

    def add(self, uses, doc_id: str, names: list[dict]) -> None:
        """``uses``: the document's :func:`entity_uses`; ``names``: its discovered names."""
        pairs, actors = uses
        for eid, uid in pairs:
            lst = self.units_of.setdefault(eid, [])
            if uid is not None and (not lst or lst[-1] != uid):
                lst.append(uid)
        self.actors.update(actors)
        self.found.append((doc_id, names))


def entities_of(lex: Lexicon, uses: EntityUses, multi: bool) -> list[Entity]:
    """The entity list from a collection's :class:`EntityUses`."""
    from kb.extract.discover import merge_discovered

    entities = build_entities(lex, uses.units_of)
    entities += responsible_entities(uses.actors, lex, uses.units_of)
    known = {e.id for e in entities}
    entities += [e for e in merge_discovered(uses.found, multi) if e.id not in known]
    entities.sort(key=lambda e: (e.discovered, TYPE_ORDER.get(e.type, 9), e.name))
    return entities


def responsible_entities(names: dict[str, str], lex: Lexicon, units_of: dict[str, list[str]]) -> list[Entity]:
    """Actors the lexicon does not list, named in 责任单位 notes or found by the local-body patterns
    (区建设管理委, 区发展改革委, 各街镇): entities of their own, under the generic body of their
    pattern when there is one. ``names``: their text -> entity id (the last one met wins)."""
    out: list[Entity] = []
    for text, eid in sorted(names.items(), key=lambda kv: kv[1]):
        if eid in lex.entries or any(e.id == eid for e in out):
            continue
        _, broader = responsible_actor(text, lex)
        out.append(
            Entity(
                id=eid,
                type="ACTOR",
                name=eid.split(":", 1)[1],
                aliases=sorted({text} - {eid[6:]}),
                broader=broader,
                units=list(units_of.get(eid, [])),
            )
        )
    return out


def _ancestors(lex: Lexicon, ids: Iterable[str]) -> set[str]:
    out, todo = set(), list(ids)
    while todo:
        e = todo.pop()
        if e in out or e not in lex.entries:
            continue
        out.add(e)
        todo.extend(lex.entries[e].broader)
    return out


def build_entities(lex: Lexicon, units_of: dict[str, list[str]]) -> list[Entity]:
    """Entities mentioned at least once, and their broader terms (so the taxonomy is complete
    in kb.json even where a broader term itself is never written)."""
    keep = _ancestors(lex, units_of)
    out = []
    for eid in sorted(keep):
        e = lex.entries[eid]
        out.append(
            Entity(
                id=eid,
                type=e.type,
                name=e.name,
                aliases=list(e.aliases),
                broader=list(e.broader),
                units=list(units_of.get(eid, [])),
            )
        )
    return out
