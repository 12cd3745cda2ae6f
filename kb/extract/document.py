"""The extract stage: mentions of lexicon entities, roles, targets, and the entity list.

``enrich(kb)`` fills ``unit.mentions`` and ``unit.targets`` for every task, indicator row and
paragraph, and ``kb.entities`` (with the units that mention each entity, plus the broader
terms of the taxonomy so that ``kb mentions`` can expand a query without the lexicon).
Everything is sorted so that a build is byte-for-byte repeatable. Only this stage imports
spaCy (through :mod:`kb.extract.pipeline`).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from pathlib import Path

from kb.extract.lexicon import TYPES, Lexicon, load_lexicon
from kb.extract.roles import assign_roles
from kb.ids import qualify
from kb.model import KB, Entity, Mention, Unit

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


def _is_union(lex: Lexicon, eid: str) -> bool:
    seen, todo = set(), [eid]
    while todo:
        e = todo.pop()
        if e == "ACTOR:工会":
            return True
        if e in seen or e not in lex.entries:
            continue
        seen.add(e)
        todo.extend(lex.entries[e].broader)
    return False


def unit_mentions(unit: Unit, doc, lex: Lexicon) -> list[Mention]:
    hits = doc.user_data.get("hits", [])
    sentence_of = _sentence_finder(unit)
    ms = [
        Mention(entity=h.entity, text=h.surface, sentence=sentence_of(h.start), start=h.start, end=h.end) for h in hits
    ]
    ms.sort(key=lambda m: (m.start, -m.end, m.entity))
    assign_roles(unit.text, ms, lambda e: e.split(":", 1)[0], lambda e: _is_union(lex, e))
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
    from kb.extract.pipeline import get_nlp, lexicon_for, run

    nlp = get_nlp(lexicon_dir)
    lex = lexicon_for(lexicon_dir)
    for u in d.units():
        sdoc = run(nlp, u.text, u.sentences)
        u.mentions = unit_mentions(u, sdoc, lex)
        u.targets = sorted(sdoc.user_data["targets"], key=lambda t: (t.start, t.end))


def collect_entities(kb: KB, lexicon_dir: str | None = None, discovered: dict[str, list[dict]] | None = None) -> KB:
    """``kb.entities`` from the mentions already in the units. ``discovered``: document id ->
    :func:`kb.extract.discover.document_names`, where a build worker has found them already."""
    lex = load_lexicon(Path(lexicon_dir) if lexicon_dir else None)
    multi = len(kb.documents) > 1
    units_of: dict[str, list[str]] = {}
    for d in kb.documents:
        for u in d.units():
            uid = qualify(d.id, u.id, multi)
            for m in u.mentions:
                lst = units_of.setdefault(m.entity, [])
                if not lst or lst[-1] != uid:
                    lst.append(uid)
    kb.entities = build_entities(lex, units_of)
    from kb.extract.discover import discovered_entities

    kb.entities += discovered_entities(kb, lex, discovered)
    kb.entities.sort(key=lambda e: (e.discovered, TYPE_ORDER.get(e.type, 9), e.name))
    return kb


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
