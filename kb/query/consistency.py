"""The consistency report behind `kb check --consistency`."""

from __future__ import annotations

from kb.model import KB


def consistency_report(kb: KB) -> list[dict]:
    """Indicator rows whose figures or wording differ from the task they restate (both texts)."""
    from kb.link.consistency import check

    if not any(e.type == "measures" for e in kb.edges):
        from kb.link import link

        link(kb)
    return check(kb)


def render_consistency(items: list[dict]) -> str:
    if not items:
        return "consistency: no differences between indicator rows and their tasks"
    lines = [f"consistency: {len(items)} difference(s)"]
    for c in items:
        lines.append(f"  {c['row']} vs {c['task']} ({c['sentence']}) [{c['kind']}] {c['message']}")
        lines.append(f"    row:  {c['row_text']}")
        lines.append(f"    task: {c['task_text']}")
    return "\n".join(lines)
