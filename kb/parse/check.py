"""What `kb check` reports about one parsed file."""

from __future__ import annotations

from typing import Any

from kb.model import Document
from kb.parse.sentences import numbering_problems

OUTLINE_KINDS = ("part", "chapter", "section", "item", "box", "table", "row", "paragraph", "front", "back")


def check_document(doc: Document) -> dict[str, Any]:
    nums = [t.number for t in doc.tasks]
    rows = sum(len(t.rows) for t in doc.indicator_tables)
    # numbering runs through the plan only where the tasks are T<n>; where it restarts under each
    # heading, the outline's own notes (gaps and repeats per level) say what is odd
    continuous = bool(doc.tasks) and all(t.id == f"T{t.number}" for t in doc.tasks)
    problems = numbering_problems(nums) if continuous else []
    for tb in doc.indicator_tables:
        if not tb.header:
            problems.append(f"table {tb.id} has no header row")
        idx = [r.index for r in tb.rows]
        if tb.id.startswith("I:") and idx != list(range(1, len(idx) + 1)):
            problems.append(f"indicator table {tb.id} rows are numbered {idx}")
    for t in doc.tasks:
        if not t.sentences:
            problems.append(f"{t.id} has no text")
    return {
        "id": doc.id,
        "source": doc.source,
        "encoding": doc.encoding,
        "characters": len(doc.text),
        "chapters": sum(1 for n in doc.outline if n.kind == "chapter") or len(doc.chapters),
        "outline": {k: sum(1 for n in doc.outline if n.kind == k) for k in OUTLINE_KINDS},
        "tasks": len(doc.tasks),
        "task_numbers": f"{nums[0]}–{nums[-1]}" if nums else None,
        "sentences": sum(len(u.sentences) for u in doc.units()),
        "paragraphs": len(doc.paragraphs),
        "indicator_tables": [
            {"id": t.id, "rows": len(t.rows), "after": t.after, "line": t.line} for t in doc.indicator_tables
        ],
        "indicator_rows": rows,
        "notes": list(doc.notes),
        "problems": problems,
    }


def render_report(rep: dict[str, Any]) -> str:
    out = [
        f"{rep['source']}: {rep['encoding']}, {rep['characters']} characters",
        f"  {rep['chapters']} chapters, {rep['tasks']} tasks"
        + (f" ({rep['task_numbers']})" if rep["task_numbers"] else "")
        + f", {rep['sentences']} sentences, {rep['paragraphs']} paragraphs, "
        f"{len(rep['indicator_tables'])} tables with {rep['indicator_rows']} rows",
    ]
    if rep.get("outline"):
        out.append("  outline: " + ", ".join(f"{v} {k}" for k, v in rep["outline"].items() if v))
    for t in rep["indicator_tables"]:
        out.append(
            f"  table {t['id']}: {t['rows']} rows, line {t['line']}"
            + (f", after {t['after']}" if t["after"] else ", before any task")
        )
    for n in rep["notes"]:
        out.append(f"  note: {n}")
    for p in rep["problems"]:
        out.append(f"  problem: {p}")
    if not rep["problems"]:
        out.append("  no problems found")
    for d in rep.get("discovered", []):
        out.append(
            f"  discovered {d.get('type', '?')}: {d.get('name', d)}"
            + (f" ({d['count']}×)" if d.get("count") else "")
            + (f" e.g. {d['context']}" if d.get("context") else "")
        )
    for c in rep.get("consistency", []):
        out.append(f"  consistency: {c.get('message') or c}")
    return "\n".join(out)
