"""`kb mentions`, `kb targets`, `kb entities`, and the discovery report for `kb check --entities`.

These read build/kb.json only: no spaCy, no jieba, no lexicon files. Taxonomy expansion
(a query for 新就业形态劳动者 also returning units that name 快递员) happens here, at query time;
kb.json keeps what the text says.
"""

from __future__ import annotations

from typing import Optional

import click

from kb.commands.core import dump, load_kb, out_option
from kb.errors import KBError
from kb.model import KB, Entity, Mention, Unit
from kb.textsafe import echo, safe

# --------------------------------------------------------------------------- library


def _units(kb: KB):
    multi = len(kb.documents) > 1
    for d in kb.documents:
        for u in d.units():
            yield (f"{d.id}/{u.id}" if multi else u.id), u


def find_entity(kb: KB, term: str) -> Optional[Entity]:
    """The entity named ``term`` (canonical name, alias, or an id such as GROUP:农民工)."""
    found = [e for e in kb.entities if term in (e.id, e.name) or term in e.aliases]
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


def _row(uid: str, matches: list[dict]) -> dict:
    sents = []
    for m in matches:
        if m["sentence"] not in sents:
            sents.append(m["sentence"])
    row = {"unit": uid, "count": len(matches), "sentences": sents, "matches": matches}
    vias = sorted({m["via"] for m in matches if m.get("via")})
    if all(m.get("via") for m in matches):
        row["via"] = vias
    return row


def _mention_dict(m: Mention, via: Optional[str]) -> dict:
    d = {"text": m.text, "sentence": m.sentence, "start": m.start, "end": m.end, "role": m.role}
    if via:
        d["via"] = via
    return d


def entity_query(kb: KB, ent: Entity, term: str, exact: bool = False) -> list[dict]:
    """Units mentioning ``ent``. Exact: the mention's text contains the term as written.
    Otherwise also aliases and related wordings (via that wording), ellipses (各省、市级总工会
    for 省级总工会) and narrower entities (via 快递员)."""
    narrower = {} if exact else narrower_of(kb, ent.id)
    rows = []
    for uid, u in _units(kb):
        matches = []
        for m in u.mentions:
            if m.entity == ent.id:
                if term in m.text:
                    matches.append(_mention_dict(m, None))
                elif not exact:
                    matches.append(_mention_dict(m, m.text))
            elif m.entity in narrower:
                matches.append(_mention_dict(m, narrower[m.entity]))
        if matches:
            rows.append(_row(uid, matches))
    return rows


def target_query(kb: KB, q, exact: bool = False) -> list[dict]:
    from kb.extract.targets import target_matches

    rows = []
    for uid, u in _units(kb):
        matches = []
        for t in u.targets:
            if target_matches(q, t, literal=exact):
                d = {
                    "text": t.text,
                    "sentence": t.sentence,
                    "start": t.start,
                    "end": t.end,
                    "value": t.value,
                    "unit": t.unit,
                    "qualifier": t.qualifier,
                    "period": t.period,
                    "deadline": t.deadline,
                    "deadline_text": t.deadline_text,
                }
                if q.kind != "quantity" and t.deadline_text and q.text.lstrip("到") not in t.deadline_text:
                    d["via"] = t.deadline_text
                if q.kind == "quantity" and q.unit and t.unit != q.unit:
                    d["note"] = f"counted in {t.unit}"  # 500万人 also lists 500万人次
                matches.append(d)
        if matches:
            rows.append(_row(uid, matches))
    return rows


def literal_query(kb: KB, term: str) -> list[dict]:
    """A plain substring scan over unit texts (independent of the search index)."""
    rows = []
    for uid, u in _units(kb):
        pos, matches = u.text.find(term), []
        while pos >= 0:
            matches.append({"text": term, "sentence": _sentence_at(u, pos), "start": pos, "end": pos + len(term)})
            pos = u.text.find(term, pos + 1)
        if matches:
            rows.append(_row(uid, matches))
    return rows


def _sentence_at(u: Unit, pos: int) -> str:
    for s in u.sentences:
        if s.start <= pos < s.end:
            return s.id
    return u.sentences[-1].id if u.sentences else ""


def mentions(kb: KB, term: str, exact: bool = False) -> dict:
    """The answer of `kb mentions TERM` as the JSON shape of DESIGN.md (plus "kind" and
    per-match details)."""
    term = (term or "").strip()
    if not term:
        raise KBError("empty query: give a group, actor, programme, law, figure (80%) or date (2025年底)")
    ent = find_entity(kb, term)
    if ent is not None:
        rows = entity_query(kb, ent, term, exact)
        if ent.discovered and not rows:
            rows = literal_query(kb, term)
        return {"term": term, "entity": ent.id, "kind": "entity", "discovered": ent.discovered, "units": rows}
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
    return [] if res["kind"] == "literal" else [r["unit"] for r in res["units"]]


# --------------------------------------------------------------------------- commands


def _highlight(text: str, start: int, end: int, width: int = 24) -> str:
    a, b = max(0, start - width), min(len(text), end + width)
    return (
        ("…" if a else "")
        + safe(text[a:start])
        + click.style(safe(text[start:end]), bold=True, fg="red")
        + safe(text[end:b])
        + ("…" if b < len(text) else "")
    )


@click.command("mentions")
@click.argument("term", required=False, default="")
@click.option("--exact", is_flag=True, help="Only mentions written as TERM (no aliases, no narrower terms).")
@click.option(
    "--role",
    "show_role",
    is_flag=True,
    help="Show what the plan asks of an actor in each mention: lead / partner / supervised.",
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@out_option
def mentions_cmd(term, exact, show_role, as_json, out):
    """Which tasks and indicator rows mention TERM: a group (农民工), an actor (人社部门), a
    programme, a law, a figure (80%, 500万人) or a date (2025年底, “十四五”末).

    Groups and actors also match their narrower terms (新就业形态劳动者 finds units naming
    快递员, marked "via 快递员"); --exact turns that off."""
    if not (term or "").strip():
        raise KBError("empty query: give a group, actor, programme, law, figure (80%) or date (2025年底)")
    kb = load_kb(out)
    res = mentions(kb, term, exact)
    if as_json:
        dump(res)
        return
    units = {uid: u for uid, u in _units(kb)}
    if res["kind"] == "literal":
        echo(f"no mention of {term}; literal search found {len(res['units'])} units")
    else:
        what = res["entity"] or f"target {term}"
        total = sum(r["count"] for r in res["units"])
        note = " (discovered, not in the lexicon)" if res.get("discovered") else ""
        echo(f"{what}{note}: {total} mentions in {len(res['units'])} units")
    roles: dict[str, int] = {}
    for r in res["units"]:
        u = units[r["unit"]]
        for m in r["matches"]:
            extra = f" (via {m['via']})" if m.get("via") else ""
            extra += f" ({m['note']})" if m.get("note") else ""
            if show_role:
                role = m.get("role") or "-"
                roles[role] = roles.get(role, 0) + 1
                extra += f" [{role}]"
            echo(f"  {r['unit']:<14} {m['sentence']:<18} {_highlight(u.text, m['start'], m['end'])}{extra}")
    if show_role and roles:
        echo("roles: " + ", ".join(f"{k} {v}" for k, v in sorted(roles.items())))


def _target_rows(kb: KB, period, deadline, unit) -> list[dict]:
    rows = []
    for uid, u in _units(kb):
        for t in u.targets:
            if t.value is None and (period or unit):
                continue
            if period and t.period != period and not (period == "每年" and t.period in ("年均",)):
                continue
            if deadline is not None and t.deadline != deadline:
                continue
            if unit and t.unit != unit:
                continue
            rows.append(
                {
                    "unit": uid,
                    "sentence": t.sentence,
                    "text": t.text,
                    "value": t.value,
                    "unit_of_measure": t.unit,
                    "qualifier": t.qualifier,
                    "period": t.period,
                    "deadline": t.deadline,
                    "deadline_text": t.deadline_text,
                    "subject": t.subject,
                }
            )
    return rows


@click.command("targets")
@click.option("--period", help="Only targets with this rate or span: 每年, “十四五”期间.")
@click.option("--deadline", type=int, help="Only targets due in this year (到2025年底 -> 2025).")
@click.option("--unit", "unit_", help="Only targets counted in this unit: 人次, 家, %.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@out_option
def targets_cmd(period, deadline, unit_, as_json, out):
    """Every quantitative target (and dated commitment) in the plan, parsed: value, unit,
    qualifier, rate, deadline and what is counted."""
    kb = load_kb(out)
    rows = _target_rows(kb, period, deadline, unit_)
    if as_json:
        dump({"filters": {"period": period, "deadline": deadline, "unit": unit_}, "targets": rows})
        return
    for r in rows:
        val = "" if r["value"] is None else (str(int(r["value"])) if r["value"] == int(r["value"]) else str(r["value"]))
        echo(
            "\t".join(
                [
                    r["unit"],
                    r["text"],
                    val,
                    r["unit_of_measure"] or "",
                    r["qualifier"] or "",
                    r["period"] or "",
                    str(r["deadline"] or ""),
                    r["subject"] or "",
                ]
            )
        )
    click.echo(f"{len(rows)} targets", err=True)


@click.command("entities")
@click.option(
    "--type",
    "type_",
    type=click.Choice(["GROUP", "ACTOR", "PROGRAMME", "LAW"], case_sensitive=False),
    help="Only entities of this type.",
)
@click.option("--discovered", is_flag=True, help="Also list names found by pattern rules, not in the lexicon.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@out_option
def entities_cmd(type_, discovered, as_json, out):
    """The entity list with the number of units mentioning each."""
    kb = load_kb(out)
    ents = [e for e in kb.entities if (not type_ or e.type == type_.upper()) and (discovered or not e.discovered)]
    if as_json:
        from dataclasses import asdict

        dump({"entities": [dict(asdict(e), count=len(e.units)) for e in ents]})
        return
    for e in sorted(ents, key=lambda e: (-len(e.units), e.id)):
        broader = ",".join(b.split(":", 1)[1] for b in e.broader)
        flag = " (discovered)" if e.discovered else ""
        echo(f"{len(e.units):>3}  {e.id}{flag}" + (f"  < {broader}" if broader else ""))


def discovery_report(doc) -> list[dict]:
    """Names found by pattern rules and not in the lexicon, with contexts, for
    `kb check --entities` (build time: uses jieba)."""
    from kb.extract.discover import discover

    return discover(doc)
