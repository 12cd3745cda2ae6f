"""After the pass: node kinds, parents, levels, spans, ids and display paths."""

from __future__ import annotations

from collections import Counter
from typing import Any

from kb.parse.outline.model import Node, _Builder
from kb.parse.outline.responsible import find_responsible


def _finish(b: _Builder, styles_used: dict):
    nodes = b.nodes
    text = b.text
    # spans: each node runs to the next node's start; the first starts at 0
    nodes.sort(key=lambda n: n.start)
    if nodes:
        if nodes[0].start != 0:
            nodes[0].start = 0
        for a, c in zip(nodes, nodes[1:]):
            a.end = c.start
        nodes[-1].end = len(text)
    elif text:
        only: Any = Node(
            id="", kind="paragraph", level=1, label="", title=text.strip()[:30], parent=None, start=0, end=len(text)
        )
        only._parent_obj = None
        nodes.append(only)
    # kinds of numbered headings
    ranks = sorted(r for s, r in styles_used.items() if s != "part")
    has_child = set()
    for n in nodes:
        if n.kind == "heading":
            p = n._parent_obj
            while p is not None and p.kind != "heading":
                p = p._parent_obj
            if p is not None:
                has_child.add(p.style)
    for n in nodes:
        if n.kind != "heading":
            continue
        if n.style == "part":
            n.kind = "part"
        elif ranks and n._rank == ranks[0]:
            n.kind = "chapter"
        elif n.style in has_child:
            n.kind = "section"
        else:
            n.kind = "item"
    # the chapter style must not be the same as the leaf style when only one style exists
    # levels
    for n in nodes:
        p = n._parent_obj
        n.parent = p.id if p is not None and p.id else None
    for n in nodes:
        p = n._parent_obj
        n.level = (p.level + 1) if p is not None else 1
    # responsible units
    for n in nodes:
        if n.kind == "row":
            continue
        seg = text[n.start : n.end]
        units, count, _ = find_responsible(seg)
        if units:
            n.responsible = units
            n.resp_notes = count
    # ids
    items = [n for n in nodes if n.kind == "item" and not getattr(n, "_in_box", False)]
    leaf_nums = [n.number for n in items if n.style == _leaf_style(items)]
    unique_leaf = (
        len(leaf_nums) == len(set(leaf_nums)) and bool(leaf_nums) and not (_leaf_style(items) or "").startswith("ar2")
    )
    counters: Counter = Counter()
    seen: Counter = Counter()
    for n in nodes:
        n.id = _make_id(n, counters, unique_leaf, _leaf_style(items))
        seen[n.id] += 1
        if seen[n.id] > 1:
            b.notes.append(f"id {n.id} repeats; made {n.id}#{seen[n.id]}")
            n.id = f"{n.id}#{seen[n.id]}"
    for n in nodes:
        p = n._parent_obj
        n.parent = p.id if p is not None else None
    # display paths
    for n in nodes:
        p = n._parent_obj
        me = _display(n)
        n.path = (p.path + " › " + me) if p is not None else me
    for n in nodes:
        for attr in ("_parent_obj", "_rank", "_toc", "_in_box", "_key", "_inbox"):
            if hasattr(n, attr):
                try:
                    delattr(n, attr)
                except AttributeError:
                    pass


def _leaf_style(items):
    c = Counter(n.style for n in items)
    return c.most_common(1)[0][0] if c else None


def _label_path(n) -> str:
    parts = []
    p = n
    while p is not None:
        if p.kind in ("part", "chapter", "section", "item") and p.label and not getattr(p, "_in_box", False):
            parts.append(p.label + ("." if p.kind == "part" else ""))
        p = p._parent_obj
    return "".join(reversed(parts))


def _make_id(n, counters, unique_leaf, leaf_style) -> str:
    k = n.kind
    if k == "part":
        return "B" + n.label
    if k == "chapter":
        return "C" + _label_path(n)
    if k == "section":
        return "S" + _label_path(n)
    if k == "item":
        if getattr(n, "_in_box", False):
            return f"{n._parent_obj.id}:{n.number}"
        p = n._parent_obj
        if p is not None and p.kind == "item":
            return p.id + n.label
        if unique_leaf and n.style == leaf_style:
            return f"T{n.number}"
        return "T" + _label_path(n)
    if k == "box":
        return n.label or f"专栏@{counters.update(['box']) or counters['box']}"
    if k == "table":
        if getattr(n, "_inbox", False):
            return f"{n._parent_obj.id}:表"
        key = getattr(n, "_key", None)
        if key:
            return f"I:{key}"
        if n.label and n.label.startswith("表"):
            return n.label
        counters.update(["table"])
        return f"表@{counters['table']}"
    if k == "row":
        p = n._parent_obj
        counters.update([("row", id(p))])
        return f"{p.id}:{counters[('row', id(p))]}"
    prefix = {"paragraph": "P", "front": "F", "back": "Z"}[k]
    counters.update([k])
    return f"{prefix}{counters[k]}"


def _display(n) -> str:
    if n.kind in ("part", "chapter", "section", "item"):
        lab = n.label
        if n.style == "cn":
            lab += "、"
        elif n.style in ("ar", "entry") and not lab.startswith(("（", "(")):
            lab += "."
        return f"{lab}{n.title}" if n.title else lab
    if n.kind in ("box", "table"):
        return f"{n.label} {n.title}".strip()
    if n.kind == "row":
        return n.id.rsplit(":", 1)[-1]
    return n.id
