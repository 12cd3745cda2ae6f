"""`kb mentions`, `kb targets`, `kb entities`: the commands over kb/query/mentions.py."""

from __future__ import annotations

import click

from kb.commands.options import echo, load_kb, out_option, output_options, output_rows
from kb.errors import KBError
from kb.model import KB
from kb.query.mentions import headings_of, mentions, naming, narrower_of, target_record, units_of
from kb.textsafe import safe

# kb targets: the columns of the default (text) output, after a header line
TARGET_TEXT_COLUMNS = ["id", "text", "value", "unit", "qualifier", "period", "deadline", "subject"]
ENTITY_COLUMNS = ["id", "name", "type", "count", "aliases", "broader", "discovered"]


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
    help="Show what the plan asks of an actor in each mention: lead / partner / supervised, or "
    "'not acting' for a class of institutions named as an object, setting or modifier (服务企业).",
)
@output_options
@out_option
def mentions_cmd(term, exact, show_role, fmt, out):
    """Which tasks and indicator rows mention TERM: a group (农民工), an actor (人社部门), a
    programme, a law, a figure (80%, 500万人) or a date (2025年底, “十四五”末).

    Groups and actors also match their narrower terms (新就业形态劳动者 finds units naming
    快递员, marked "via 快递员"); --exact turns that off. Chapter headings that name a group or
    an actor (五、完善技术技能人才保障政策) are listed after the units."""
    if not (term or "").strip():
        raise KBError("empty query: give a group, actor, programme, law, figure (80%) or date (2025年底)")
    kb = load_kb(out, edges=False)
    res = mentions(kb, term, exact)
    if fmt != "text":
        # csv/tsv: one row per match, led by the unit (or heading) id
        rows = [{"id": r["id"], **m} for r in [*res["units"], *res.get("headings", [])] for m in r["matches"]]
        output_rows(rows, fmt, document=res)
        return
    # an entity's rows come from the documents that name it (or its narrower ones): only those read
    docs = naming(kb, {res["entity"], *narrower_of(kb, res["entity"])}) if res["kind"] == "entity" else None
    texts = _texts(kb, docs)
    if docs is not None and any(r["id"] not in texts for r in [*res["units"], *res.get("headings", [])]):
        texts = _texts(kb, None)  # a discovered name's rows from a literal search: anywhere
    if res["kind"] == "literal":
        echo(f"no mention of {term}; literal search found {len(res['units'])} units")
    else:
        what = res["entity"] or f"target {term}"
        total = sum(r["count"] for r in res["units"])
        note = " (discovered, not in the lexicon)" if res.get("discovered") else ""
        heads = f", and named in {len(res['headings'])} headings" if res.get("headings") else ""
        echo(f"{what}{note}: {total} mentions in {len(res['units'])} units{heads}")
    roles: dict[str, int] = {}
    for r in [*res["units"], *res.get("headings", [])]:
        text = texts[r["id"]]
        path = r.get("path") or ""
        where = "" if path in ("", r["id"].rsplit("/", 1)[-1]) else "  " + _short_path(path)
        click.echo(f"  {safe(r['id'])}{safe(where)}")
        for m in r["matches"]:
            extra = f" (via {m['via']})" if m.get("via") else ""
            extra += f" ({m['note']})" if m.get("note") else ""
            if m.get("acting") is False and (res.get("entity") or "").startswith("GROUP:"):
                extra += " (inside a name)"  # 武汉农民运动讲习所: kept for the reader, not a mention of the group
            if show_role:
                role = m.get("role") or "-"
                if m.get("acting") is False:  # a class word as object, setting or modifier
                    role = "not acting"
                roles[role] = roles.get(role, 0) + 1
                extra += f" [{role}]"
            # the id and sentence id come from the corpus too; the highlight is ours, so it is
            # added after the text was made safe
            click.echo(f"    {safe(m['sentence']):<18} {_highlight(text, m['start'], m['end'])}{safe(extra)}")
    if show_role and roles:
        echo("roles: " + ", ".join(f"{k} {v}" for k, v in sorted(roles.items())))


def _texts(kb: KB, docs) -> dict[str, str]:
    texts = {uid: u.text for uid, u in units_of(kb, docs)}
    texts.update((cid, c.heading) for cid, c in headings_of(kb, docs))
    return texts


def _short_path(path: str) -> str:
    """The outline path with each step cut short, as `kb search` prints it."""
    return " › ".join(p if len(p) <= 14 else p[:13] + "…" for p in path.split(" › "))


def _target_rows(kb: KB, period, deadline, unit, kinds=("target",), dated=False) -> list[dict]:
    rows = []
    for uid, u in units_of(kb):
        for t in u.targets:
            if t.kind not in kinds and "all" not in kinds:
                continue
            if t.value is None and (period or unit or not dated):
                continue
            if period and t.period != period and not (period == "每年" and t.period in ("年均",)):
                continue
            if deadline is not None and t.deadline != deadline:
                continue
            if unit and t.unit != unit:
                continue
            rows.append({"id": uid, **target_record(t)})
    return rows


@click.command("targets")
@click.option("--period", help="Only targets with this rate or span: 每年, “十四五”期间.")
@click.option("--deadline", type=int, help="Only targets due in this year (到2025年底 -> 2025).")
@click.option("--unit", "unit_", help="Only targets counted in this unit: 人次, 家, %.")
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(["target", "result", "baseline", "fact", "all"]),
    default=("target",),
    show_default=True,
    help="Forward targets, or also past results, baselines and plain facts the text states.",
)
@click.option("--dated", is_flag=True, help="Also dated commitments without a figure (到2025年底 …).")
@output_options
@out_option
def targets_cmd(fmt, out, **filters):
    """Every quantitative target in the plans, parsed: value, unit, qualifier, rate, deadline
    (``deadline_inferred`` when it comes from the section or the plan's period), baseline and
    属性 of table rows. Past results and baselines are told apart and left out unless asked."""
    period, deadline, unit_ = filters["period"], filters["deadline"], filters["unit_"]
    kinds, dated = filters["kinds"], filters["dated"]
    from kb.build.kbjson import targets_part

    kb = load_kb(out, edges=False, part=targets_part)
    rows = _target_rows(kb, period, deadline, unit_, kinds, dated)
    if fmt == "text":
        output_rows(rows, "tsv", columns=TARGET_TEXT_COLUMNS)
        echo(f"{len(rows)} targets", err=True)
    else:
        filters = {"period": period, "deadline": deadline, "unit": unit_, "kind": list(kinds), "dated": dated}
        output_rows(rows, fmt, document={"filters": filters, "targets": rows})


@click.command("entities")
@click.option(
    "--type",
    "type_",
    type=click.Choice(["GROUP", "ACTOR", "PROGRAMME", "LAW"], case_sensitive=False),
    help="Only entities of this type.",
)
@click.option("--discovered", is_flag=True, help="Also list names found by pattern rules, not in the lexicon.")
@output_options
@out_option
def entities_cmd(type_, discovered, fmt, out):
    """The entity list with the number of units mentioning each."""
    kb = load_kb(out, edges=False)
    ents = [e for e in kb.entities if (not type_ or e.type == type_.upper()) and (discovered or not e.discovered)]
    if fmt != "text":
        from dataclasses import asdict

        rows = [dict(asdict(e), count=len(e.units)) for e in ents]
        output_rows(rows, fmt, columns=ENTITY_COLUMNS, document={"entities": rows})
        return
    for e in sorted(ents, key=lambda e: (-len(e.units), e.id)):
        broader = ",".join(b.split(":", 1)[1] for b in e.broader)
        flag = " (discovered)" if e.discovered else ""
        echo(f"{len(e.units):>3}  {e.id}{flag}" + (f"  < {broader}" if broader else ""))
