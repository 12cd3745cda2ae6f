"""Where a build's units lie in the corpus file they came from: the scorers' shared map from a
unit's character offsets (kb.json) to character offsets of the file the annotator read.

A unit's text is the file's text after normalization and reflow. For most plans it occurs in the
file verbatim; for text extracted from PDF (hard line breaks, page numbers and stray spaces
removed) it does not, so the unit is aligned to the file character by character from the unit's
source ``line``: each character of the unit is matched to the next equal character of the file,
skipping what reflow removed (line breaks, spaces, page numbers, running headers).
"""

from __future__ import annotations

from collections.abc import Iterator

# how far ahead (in file characters) a unit character is looked for before it is given up as
# changed by normalization: a removed page footer plus running header fit in it
WINDOW = 120


def line_starts(text: str) -> list[int]:
    """Offset of each line of ``text`` (index 0 = line 1), plus the end."""
    out = [0]
    for ln in text.split("\n"):
        out.append(out[-1] + len(ln) + 1)
    return out


def units(doc: dict) -> Iterator[tuple[dict, dict | None]]:
    """Every unit of a kb.json document with its indicator table (None for tasks and prose), then
    every heading line: a chapter's ``heading`` is no unit's text, and its mentions (offsets into
    that line) are the chapter's, so it is placed as a unit whose text is the line."""
    for u in doc.get("tasks") or []:
        yield u, None
    for u in doc.get("paragraphs") or []:
        yield u, None
    for t in doc.get("indicator_tables") or []:
        for r in t.get("rows") or []:
            yield r, t
    for c in doc.get("chapters") or []:
        if c.get("heading"):
            yield {**c, "text": c["heading"], "targets": []}, None  # a heading states no target


def align(unit_text: str, text: str, start: int) -> list[int] | None:
    """File offset of every character of ``unit_text`` (-1 where it was not found), searching
    ``text`` from ``start``; None when the unit cannot be placed (fewer than nine in ten of its
    visible characters found)."""
    i = text.find(unit_text, start)
    if i < 0 and start:
        i = text.find(unit_text)
    if i >= 0:
        return list(range(i, i + len(unit_text)))
    out: list[int] = []
    pos, found, visible = start, 0, 0
    for ch in unit_text:
        if ch.isspace():
            out.append(pos if pos < len(text) and text[pos] == ch else -1)
            if out[-1] >= 0:
                pos += 1
            continue
        visible += 1
        j = text.find(ch, pos, pos + WINDOW)
        if j < 0:
            out.append(-1)
            continue
        out.append(j)
        found += 1
        pos = j + 1
    if visible and found < 0.9 * visible:
        return None
    return out


def span(offsets: list[int], a: int, b: int) -> tuple[int, int] | None:
    """File span of the unit characters ``a:b``, from the first and last character placed."""
    placed = [o for o in offsets[a:b] if o >= 0]
    if not placed:
        return None
    return placed[0], placed[-1] + 1


def placed_units(doc: dict, text: str) -> Iterator[tuple[dict, dict | None, list[int] | None]]:
    """Every unit with its table and its character map into ``text`` (None: not placed)."""
    starts = line_starts(text)
    for u, table in units(doc):
        ut = u.get("text") or ""
        line = u.get("line") or 1
        start = starts[min(max(line - 1, 0), len(starts) - 1)]
        yield u, table, (align(ut, text, start) if ut else None)


def placed_items(doc: dict, text: str, field: str) -> tuple[list[tuple[dict, dict | None, dict, tuple[int, int]]], int]:
    """The items of every unit's ``field`` (mentions, targets) with their span in ``text``, each
    as (unit, table, item, span); and the count of units that could not be placed (their items
    are left out)."""
    out, lost = [], 0
    for u, table, off in placed_units(doc, text):
        if off is None:
            lost += 1
            continue
        for it in u.get(field) or []:
            sp = span(off, it["start"], it["end"])
            if sp is not None:
                out.append((u, table, it, sp))
    return out, lost
