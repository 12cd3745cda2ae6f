"""Mention, target and literal queries over a loaded knowledge base (`kb mentions`), and the
discovery report for `kb check --entities`.

These read build/kb.json only: no spaCy, no jieba, no lexicon files. Taxonomy expansion
(a query for 新就业形态劳动者 also returning units that name 快递员) happens here, at query time;
kb.json keeps what the text says.
"""

from __future__ import annotations

from collections.abc import Sequence

from kb.errors import KBError
from kb.ids import qualify
from kb.model import KB, Document, Entity, Mention, Unit


def units_of(kb: KB, docs: Sequence[Document] | None = None):
    """(qualified unit id, unit) for every unit of every document (of ``docs`` when given)."""
    multi = len(kb.documents) > 1
    for d in kb.documents if docs is None else docs:
        for u in d.units():
            yield qualify(d.id, u.id, multi), u


def headings_of(kb: KB, docs: Sequence[Document] | None = None):
    """(qualified chapter id, chapter) for every heading of every document: a heading line is
    no unit's text, its mentions are the chapter's."""
    multi = len(kb.documents) > 1
    for d in kb.documents if docs is None else docs:
        for c in d.chapters:
            yield qualify(d.id, c.id, multi), c


def naming(kb: KB, entity_ids: set[str]) -> Sequence[Document] | None:
    """The documents whose units or headings may mention one of ``entity_ids``: those the
    build's sidecar names (kb.build.seek), else None (all)."""
    from kb.build.seek import SeekDocuments

    return kb.documents.naming(entity_ids) if isinstance(kb.documents, SeekDocuments) else None


def find_entity(kb: KB, term: str) -> Entity | None:
    """The entity named ``term`` (canonical name, alias, or an id such as GROUP:农民工)."""
    found = [e for e in kb.entities if term in (e.id, e.name) or term in e.aliases]
    if not found:
        # a local body as users write it: 区发改委 is 区发展改革委 (kb/extract/lexicon/actors.patterns.tsv)
        from kb.extract.localnames import local_actor

        canon = local_actor(term)
        found = [e for e in kb.entities if canon and canon in (e.name, *e.aliases)]
    found.sort(key=lambda e: (e.discovered, term not in (e.id, e.name), e.id))
    return found[0] if found else None


def narrower_of(kb: KB, eid: str) -> dict[str, str]:
    """Every entity under ``eid`` in the taxonomy -> the name to show in "via ..."."""
    children: dict[str, list[str]] = {}
    for e in kb.entities:
        for b in e.broader:
            children.setdefault(b, []).append(e.id)
    out: dict[str, str] = {}
    todo = list(children.get(eid, []))
    while todo:
        c = todo.pop(0)
        if c in out or c == eid:
            continue
        out[c] = c.split(":", 1)[1]
        todo.extend(children.get(c, []))
    return out


def _row(uid: str, matches: list[dict], where: Unit | None = None) -> dict:
    """A unit's (or heading's) answer: its id, where it sits in the outline (``path``: 二、… ›
    （三）… › 7.…) and its task title, so that a reader sees which clause it is without
    looking it up, then the matches."""
    sents = []
    for m in matches:
        if m["sentence"] not in sents:
            sents.append(m["sentence"])
    row = {"id": uid, "count": len(matches), "sentences": sents, "matches": matches}
    if where is not None:
        row["path"] = where.path
        row["title"] = getattr(where, "title", "") or None
    vias = sorted({m["via"] for m in matches if m.get("via")})
    if all(m.get("via") for m in matches):
        row["via"] = vias
    return row


def _mention_dict(m: Mention, via: str | None) -> dict:
    d = {"text": m.text, "sentence": m.sentence, "start": m.start, "end": m.end, "role": m.role}
    if via:
        d["via"] = via
    if m.acting is not None:
        d["acting"] = m.acting
    return d


def entity_query(kb: KB, ent: Entity, term: str, exact: bool = False) -> list[dict]:
    """Units mentioning ``ent``. Exact: the mention's text contains the term as written.
    Otherwise also aliases and related wordings (via that wording), ellipses (各省、市级总工会
    for 省级总工会) and narrower entities (via 快递员)."""
    narrower = {} if exact else narrower_of(kb, ent.id)
    rows = []
    for uid, u in units_of(kb, naming(kb, {ent.id, *narrower})):
        matches = _entity_matches(u.mentions, ent, term, narrower, exact)
        if matches:
            rows.append(_row(uid, matches, u))
    return rows


def heading_query(kb: KB, ent: Entity, term: str, exact: bool = False) -> list[dict]:
    """Headings naming ``ent`` (五、完善技术技能人才保障政策), matched as :func:`entity_query`
    matches units; offsets are into the chapter's ``heading`` line."""
    narrower = {} if exact else narrower_of(kb, ent.id)
    rows = []
    for cid, c in headings_of(kb, naming(kb, {ent.id, *narrower})):
        matches = _entity_matches(c.mentions, ent, term, narrower, exact)
        if matches:
            row = _row(cid, matches)
            row["path"], row["title"] = c.heading.strip(), c.title
            rows.append(row)
    return rows


def _entity_matches(ms: list[Mention], ent: Entity, term: str, narrower: dict[str, str], exact: bool) -> list[dict]:
    matches = []
    for m in ms:
        if m.entity == ent.id:
            if term in m.text:
                matches.append(_mention_dict(m, None))
            elif not exact:
                matches.append(_mention_dict(m, m.text))
        elif m.entity in narrower:
            matches.append(_mention_dict(m, narrower[m.entity]))
    return matches


def target_query(kb: KB, q, exact: bool = False) -> list[dict]:
    from kb.extract.targets import target_matches

    rows = []
    for uid, u in units_of(kb):
        matches = []
        for t in u.targets:
            if target_matches(q, t, literal=exact):
                d = target_record(t)
                d.update({"start": t.start, "end": t.end})
                if q.kind != "quantity" and t.deadline_text and q.text.lstrip("到") not in t.deadline_text:
                    d["via"] = t.deadline_text
                if q.kind == "quantity" and q.unit and t.unit != q.unit:
                    d["note"] = f"counted in {t.unit}"  # 500万人 also lists 500万人次
                matches.append(d)
        if matches:
            rows.append(_row(uid, matches, u))
    return rows


def literal_query(kb: KB, term: str) -> list[dict]:
    """A plain substring scan over unit texts (independent of the search index)."""
    rows = []
    for uid, u in units_of(kb):
        pos, matches = u.text.find(term), []
        while pos >= 0:
            matches.append({"text": term, "sentence": _sentence_at(u, pos), "start": pos, "end": pos + len(term)})
            pos = u.text.find(term, pos + 1)
        if matches:
            rows.append(_row(uid, matches, u))
    return rows


def _sentence_at(u: Unit, pos: int) -> str:
    for s in u.sentences:
        if s.start <= pos < s.end:
            return s.id
    return u.sentences[-1].id if u.sentences else ""


def mentions(kb: KB, term: str, exact: bool = False) -> dict:
    """The answer of `kb mentions TERM` (its --json output): ``{"term", "entity" (id or None),
    "kind": entity | target | literal, "units": [{"id", "count", "sentences", "matches",
    "via"?}]}``, plus "discovered" and "headings" (the chapters whose heading line names it, rows
    as in "units", offsets into the heading) for an entity and the parsed "query" for a target;
    each match has text, sentence, start, end and, as it applies, role, via, value, unit, qualifier …"""
    term = (term or "").strip()
    if not term:
        raise KBError("empty query: give a group, actor, programme, law, figure (80%) or date (2025年底)")
    ent = find_entity(kb, term)
    if ent is not None:
        rows = entity_query(kb, ent, term, exact)
        if ent.discovered and not rows:
            rows = literal_query(kb, term)
        return {
            "term": term,
            "entity": ent.id,
            "kind": "entity",
            "discovered": ent.discovered,
            "units": rows,
            "headings": heading_query(kb, ent, term, exact),
        }
    from kb.extract.targets import parse_query

    q = parse_query(term)
    if q is not None:
        return {
            "term": term,
            "entity": None,
            "kind": "target",
            "query": {"kind": q.kind, "value": q.value, "unit": q.unit, "qualifier": q.qualifier, "year": q.year},
            "units": target_query(kb, q, exact),
        }
    return {"term": term, "entity": None, "kind": "literal", "units": literal_query(kb, term)}


def mentioned_units(res: dict) -> list[str]:
    """Units that mention the term (a literal fallback finds strings, not mentions)."""
    return [] if res["kind"] == "literal" else [r["id"] for r in res["units"]]


def discovery_report(doc) -> list[dict]:
    """Names found by pattern rules and not in the lexicon, with contexts, for
    `kb check --entities` (build time: uses jieba)."""
    from kb.extract.discover import discover

    return discover(doc)


def target_record(t) -> dict:
    """A target as the commands print it (`kb mentions 2025年底`, `kb targets`): the same keys in both."""
    return {
        "sentence": t.sentence,
        "text": t.text,
        "value": t.value,
        "unit": t.unit,
        "qualifier": t.qualifier,
        "period": t.period,
        "deadline": t.deadline,
        "deadline_text": t.deadline_text,
        "deadline_inferred": t.deadline_inferred,
        "subject": t.subject,
        "kind": t.kind,
        "baseline": t.baseline,
        "baseline_year": t.baseline_year,
        "attribute": t.attribute,
    }
