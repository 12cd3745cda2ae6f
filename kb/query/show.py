"""What `kb show` prints: one object of the knowledge base with its context, as data and as text."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from kb.model import KB, Chapter, Entity, IndicatorRow, IndicatorTable, Paragraph, Task, Unit
from kb.query.lookup import Hit


def edge_ids(hit: Hit) -> set[str]:
    """The ids whose edges :func:`describe` lists for ``hit`` (a task's or a row's own)."""
    if not isinstance(hit.obj, Task | IndicatorRow):
        return set()
    return {hit.obj.id} | ({f"{hit.doc.id}/{hit.obj.id}"} if hit.doc else set())


def _edges(kb: KB, uid: str, doc_id: str | None) -> dict[str, list[dict]]:
    keys = {uid} | ({f"{doc_id}/{uid}"} if doc_id else set())
    out = [asdict(e) for e in kb.edges if e.source in keys and e.type != "contains"]
    inc = [asdict(e) for e in kb.edges if e.target in keys and e.type != "contains"]
    return {"out": out, "in": inc}


def _unit(u: Unit) -> dict[str, Any]:
    return {
        "id": u.id,
        "text": u.text,
        "line": u.line,
        "path": u.path,
        "responsible": [dict(r) for r in u.responsible],
        "sentences": [asdict(s) for s in u.sentences],
        "mentions": [asdict(m) for m in u.mentions],
        "targets": [asdict(t) for t in u.targets],
    }


def describe(kb: KB, hit: Hit) -> dict[str, Any]:
    doc, obj = hit.doc, hit.obj
    base: dict[str, Any] = {"kind": hit.kind, "document": doc.id if doc else None}
    if isinstance(obj, Task):
        ch = next((c for c in doc.chapters if c.id == obj.chapter), None) if doc else None
        rows = [r.id for t in doc.indicator_tables for r in t.rows if obj.id in r.tasks] if doc else []
        ids = [t.id for t in doc.tasks] if doc else []
        i = ids.index(obj.id)
        base.update(_unit(obj))
        base.update(
            {
                "number": obj.number,
                "title": obj.title,
                "label": obj.label,
                "chapter": {"id": ch.id, "label": ch.label, "title": ch.title} if ch else None,
                "measured_by": rows,
                "previous": ids[i - 1] if i > 0 else None,
                "next": ids[i + 1] if i + 1 < len(ids) else None,
                "edges": _edges(kb, obj.id, doc.id if doc else None),
            }
        )
    elif isinstance(obj, IndicatorRow):
        assert doc is not None  # units and chapters are found in a document
        table = next(t for t in doc.indicator_tables if obj in t.rows)
        base.update(_unit(obj))
        base.update(
            {
                "table": {"id": table.id, "title": table.title, "after": table.after},
                "index": obj.index,
                "name": obj.name,
                "target": obj.target,
                "tasks": obj.tasks,
                "edges": _edges(kb, obj.id, doc.id),
            }
        )
    elif isinstance(obj, Paragraph):
        base.update(_unit(obj))
        base["chapter"] = obj.chapter
    elif isinstance(obj, Chapter):
        assert doc is not None
        tasks = {t.id: t for t in doc.tasks}
        base.update(
            {
                "id": obj.id,
                "label": obj.label,
                "title": obj.title,
                "level": obj.level,
                "parent": obj.parent,
                "line": obj.line,
                "tasks": [{"id": t, "title": tasks[t].title} for t in obj.tasks],
            }
        )
    elif isinstance(obj, IndicatorTable):
        base.update(
            {
                "id": obj.id,
                "title": obj.title,
                "after": obj.after,
                "chapter": obj.chapter,
                "header": obj.header,
                "rows": [
                    {"id": r.id, "index": r.index, "name": r.name, "target": r.target, "tasks": r.tasks}
                    for r in obj.rows
                ],
            }
        )
    elif isinstance(obj, Entity):
        base.update(asdict(obj))
    return base


def printed(label: str) -> str:
    """A label as the plan prints it: 五 -> 五、, 3 -> 3., （三） and 第一章 and 专栏3 as they are."""
    if not label or label[-1] in "）)" or label.startswith(("第", "专栏", "表", "附件")):
        return label
    return label + ("." if label[-1].isdigit() or label[-1] in "０１２３４５６７８９" else "、")


ROLE_NAMES = {"lead": "牵头", "partner": "配合"}


def render_text(d: dict[str, Any]) -> str:
    kind = d["kind"]
    lines: list[str] = []
    add = lines.append
    if kind == "task":
        ch = d["chapter"]
        add(f"{d['id']}  {d['title']}")
        if ch:
            add(f"chapter {printed(ch['label'])}{ch['title']}  ({ch['id']})")
        if d.get("path"):
            add(f"path {d['path']}")
        add(f"{d['document']}, line {d['line']}")
        if d.get("responsible"):
            add(
                "责任单位: "
                + "、".join(f"{r['name']}（{ROLE_NAMES.get(r['role'], r['role'])}）" for r in d["responsible"])
            )
    elif kind == "row":
        add(f"{d['id']}  {d['name']}")
        add(
            f"table {d['table']['title'] or d['table']['id']}"
            + (f" (after {d['table']['after']})" if d["table"]["after"] else "")
        )
        if d["tasks"]:
            add("restates: " + ", ".join(d["tasks"]))
    elif kind == "paragraph":
        add(f"{d['id']}  (paragraph" + (f" in {d['chapter']}" if d.get("chapter") else "") + ")")
    elif kind == "chapter":
        add(f"{d['id']}  {printed(d['label'])}{d['title']}")
        for t in d["tasks"]:
            add(f"  {t['id']:<5} {t['title']}")
        return "\n".join(lines)
    elif kind == "table":
        add(f"{d['id']}  {d['title']}")
        for r in d["rows"]:
            add(f"  {r['index']}. {r['name']}\t{r['target']}")
        return "\n".join(lines)
    elif kind == "entity":
        add(f"{d['id']}  ({d['type']})")
        if d.get("aliases"):
            add("aliases: " + "、".join(d["aliases"]))
        if d.get("broader"):
            add("broader: " + ", ".join(d["broader"]))
        add("units: " + ", ".join(d.get("units", [])))
        return "\n".join(lines)
    add("")
    for s in d.get("sentences", []):
        add(f"  [{s['id']}] {s['text']}")
    if d.get("targets"):
        add("")
        add("targets:")
        for t in d["targets"]:
            bits = [t["text"]]
            if t.get("value") is not None:
                bits.append(f"value={t['value']:g} {t.get('unit') or ''}".rstrip())
            if t.get("period"):
                bits.append(f"period={t['period']}")
            if t.get("deadline"):
                bits.append(f"deadline={t['deadline']}")
            add(f"  [{t['sentence']}] " + "  ".join(bits))
    if d.get("mentions"):
        seen: dict[str, int] = {}
        for m in d["mentions"]:
            seen[m["entity"]] = seen.get(m["entity"], 0) + 1
        add("")
        add("mentions: " + ", ".join(f"{k}×{v}" if v > 1 else k for k, v in seen.items()))
    if d.get("measured_by"):
        add("measured by: " + ", ".join(d["measured_by"]))
    edges = d.get("edges") or {}
    for direction, label in (("out", "→"), ("in", "←")):
        for e in edges.get(direction, []):
            other = e["target"] if direction == "out" else e["source"]
            ev = (e.get("evidence") or {}).get("text", "")
            add(f"  {label} {e['type']} {other}" + (f": {ev}" if ev else ""))
    if kind == "task" and (d.get("previous") or d.get("next")):
        add("")
        add(f"previous: {d.get('previous') or '-'}   next: {d.get('next') or '-'}")
    return "\n".join(lines)
