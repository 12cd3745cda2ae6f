""":func:`parse_outline`: the pass over the lines that builds the nodes."""

from __future__ import annotations

import re
from typing import Any

from kb.parse.outline.headings import (
    ANNEX_RE,
    BACK_HEAD_RE,
    BACK_LINE_RE,
    BOX_RE,
    FIG_RE,
    NOTE_RE,
    STYLE_NAMES,
    TABLE_CAP_RE,
    TOC_HEAD_RE,
    _heading,
    _is_toc_line,
    _split_title,
    _strip_label_punct,
    _title_like,
)
from kb.parse.outline.ids import _finish
from kb.parse.outline.model import Outline, _Builder
from kb.parse.outline.prose import split_prose
from kb.parse.outline.tables import (
    _annex_ok,
    _blank_separated,
    _caption_above_tabs,
    _emit_rows,
    _ind_key,
    _tab_table,
    _table_after,
    _try_table,
)


def parse_outline(text: str) -> Outline:
    """Parse normalized plan text into an :class:`Outline` (see the module docstring)."""
    b = _Builder(text)
    L = b.L
    nL = len(L)
    blank_sep = _blank_separated(L)

    # ---- 1. the first body heading, the front matter before it
    toc: set[int] = set()
    k = 0
    while k < nL:
        s = L[k].s
        if TOC_HEAD_RE.match(s):
            j = k + 1
            while j < nL and (not L[j].s or _is_toc_line(L[j].s)):
                j += 1
            toc.update(range(k, j))
            k = j
            continue
        if _is_toc_line(s):
            toc.add(k)
        k += 1
    first_h = None
    first_num = None
    for k in range(nL):
        if k in toc or not L[k].s:
            continue
        h = _heading(L[k].s)
        if h and h[0] in ("part", "chap", "sect", "cn"):
            first_h = k
            break
        if (
            BOX_RE.match(L[k].s)
            or TABLE_CAP_RE.match(L[k].s)
            or "\t" in L[k].text.strip()
            or (k + 1 < nL and "\t" in L[k + 1].text.strip() and _title_like(L[k].s))
            or _caption_above_tabs(L, k)
        ):
            first_h = k
            break
        if h and first_num is None:
            first_num = k
    if first_h is None:
        first_h = first_num
    if first_h is None:
        first_h = 0
        for k in range(nL):
            if L[k].s and k not in toc:
                first_h = k
                break
    pre = [k for k in range(first_h) if L[k].s]
    title_idx = None
    for k in reversed(pre):
        if k in toc:
            title_idx = k
            break
        if _title_like(L[k].s):
            title_idx = k
            break
    front_end = title_idx if title_idx is not None else -1
    # a salutation directly after the title
    if title_idx is not None:
        j = title_idx + 1
        while j < first_h and not L[j].s:
            j += 1
        if j < first_h and L[j].s[-1] in "：:" and len(L[j].s) <= 200 and "。" not in L[j].s:
            front_end = j

    # ---- 2. the pass over the lines
    styles_used: dict = {}
    heads: list = []  # (node, rank)
    stack: list = []  # (rank, node)
    last_num: dict = {}
    last_local: dict = {}
    last_label: dict = {}
    # the node being filled; nodes carry the builder's own attributes (_parent_obj, _toc, _key…)
    # until _finish removes them
    cur: Any = None
    mode = None  # None | "para-needed"
    k = 0

    def parent_node():
        return stack[-1][1] if stack else None

    def begin_para(start):
        nonlocal cur
        par = parent_node()
        cur = b.add("paragraph", start, parent=par.id if par else None)
        cur._parent_obj = par
        return cur

    def new(kind, start, label="", title="", parent_obj=None, **kw):
        nonlocal cur
        node: Any = b.add(kind, start, label=label, title=title, parent=None, **kw)
        node._parent_obj = parent_obj
        cur = node
        return node

    box = None  # (node, entry_style, count)
    while k < nL:
        ln = L[k]
        s = ln.s
        if not s:
            k += 1
            continue
        # front matter
        if k <= front_end or k in toc and k < first_h:
            if k in toc:
                if not (cur is not None and cur.kind == "front" and getattr(cur, "_toc", False)):
                    new("front", ln.start, title="目录")
                    cur._toc = True
            else:
                new("front", ln.start, title=s)
            k += 1
            continue
        if k < first_h:
            begin_para(ln.start)
            cur.title = s[:30]
            k += 1
            continue
        if k in toc:
            if not (cur is not None and cur.kind == "front" and getattr(cur, "_toc", False)):
                new("front", ln.start, title="目录")
                cur._toc = True
            k += 1
            continue

        # inside a box: numbered entries
        if box is not None:
            bnode, estyle, count = box
            h = _heading(s)
            if (
                h
                and (estyle is None or h[0] == estyle)
                and h[3] == count + 1
                and h[0] not in ("part", "chap", "sect", "cn")
            ):
                title, runin = _split_title(h[4])
                e = new(
                    "item",
                    ln.start,
                    label=_strip_label_punct(h[2]),
                    title=title,
                    parent_obj=bnode,
                    number=h[3],
                    style="entry",
                    runin=runin,
                )
                e._in_box = True
                box = (bnode, h[0], count + 1)
                k += 1
                continue
            prev_blank = k > 0 and not L[k - 1].s
            if (
                h
                or BOX_RE.match(s)
                or TABLE_CAP_RE.match(s)
                or ANNEX_RE.match(s)
                and _annex_ok(s)
                or (prev_blank and count > 0 and not blank_sep)
                or NOTE_RE.match(s)
                or BACK_LINE_RE.search(s)
                or BACK_HEAD_RE.match(s)
            ):
                box = None
                mode = "para-needed"
            else:
                k += 1
                continue

        # back matter
        if BACK_LINE_RE.search(s) or BACK_HEAD_RE.match(s):
            new("back", ln.start, title=s)
            stack.clear()
            mode = None
            k += 1
            continue
        m = ANNEX_RE.match(s)
        if m and _annex_ok(s):
            z = new("back", ln.start, label=m.group(1), title=m.group(2).strip())
            stack.clear()
            t = _table_after(b, L, k, blank_sep, z.title)
            if t:
                tnode = new(
                    "table", L[t["first"]].start, label=m.group(1), title=z.title, parent_obj=z, header=t["columns"]
                )
                _emit_rows(b, t, tnode, L)
                cur = b.nodes[-1]
                k = t["end"]
                mode = "para-needed"
                continue
            mode = None
            k += 1
            continue
        # tab-separated table
        if "\t" in ln.text.strip() or (k + 1 < nL and "\t" in L[k + 1].text.strip() and _title_like(s)):
            t = _tab_table(L, k)
            if t:
                par = parent_node()
                tnode = new("table", ln.start, label=t["label"], title=t["title"], parent_obj=par, header=t["columns"])
                tnode._key = t.get("key")
                _emit_rows(b, t, tnode, L)
                cur = b.nodes[-1]
                k = t["end"]
                mode = "para-needed"
                continue
        # box
        m = BOX_RE.match(s)
        if m:
            par = parent_node()
            label = re.sub(r"[ \u3000]", "", m.group(1))
            title = m.group(3).strip(" \u3000：:")
            bnode = new("box", ln.start, label=label, title=title, parent_obj=par)
            t = _try_table(b, k + 1, blank_sep, caption=title)
            if t:
                tnode = new(
                    "table",
                    L[t["first"]].start,
                    label=label,
                    title=f"{label} {title}",
                    parent_obj=bnode,
                    header=t["columns"],
                )
                tnode._inbox = True
                _emit_rows(b, t, tnode, L)
                cur = b.nodes[-1]
                k = t["end"]
                mode = "para-needed"
                continue
            box = (bnode, None, 0)
            k += 1
            continue
        # captioned table (表N …), or an indicator-table title followed by a table
        m = TABLE_CAP_RE.match(s)
        cap_like = m or (_title_like(s) and len(s) <= 50 and re.search(r"(指标|表)[ \t\u3000]*$", s))
        if cap_like:
            t = _table_after(b, L, k, blank_sep, s)
            if t:
                par = parent_node()
                label = re.sub(r"[ \u3000]", "", m.group(1)) if m else ""
                title = m.group(3).strip() if m else s
                tnode = new("table", ln.start, label=label, title=title, parent_obj=par, header=t["columns"])
                tnode._key = _ind_key(title) if not m else None
                _emit_rows(b, t, tnode, L)
                cur = b.nodes[-1]
                k = t["end"]
                mode = "para-needed"
                continue
        # headings
        h = _heading(s)
        if h and not (FIG_RE.match(s)):
            style, rank, label, num, rest = h
            ok, note = _accept(style, num, rank, stack, last_num, last_local)
            if ok and style.startswith("ar2"):
                # 1.1-style numbers must hang under their prefix (an enclosing 1. / 1.1 heading, or
                # a sibling with the same prefix): "4.1左右" at a line start is not a heading
                prefix = label.rstrip(".．").rsplit(".", 1)[0].rsplit("．", 1)[0]
                labels = {nd.label for _, nd in stack if nd.style.startswith("ar")}
                sib = last_label.get(style)
                ok = (
                    prefix in labels
                    or (sib is not None and sib.rsplit(".", 1)[0] == prefix)
                    or (num == 1 and not any(nd.style.startswith("ar") for _, nd in stack))
                )
                if not ok:
                    b.notes.append(f"line {k + 1}: numbered line not taken as a heading ({label})")
            if ok:
                last_label[style] = _strip_label_punct(label)
            if note:
                b.notes.append(f"line {k + 1}: {note}")
            if ok:
                while stack and stack[-1][0] >= rank:
                    stack.pop()
                par = parent_node()
                title, runin = _split_title(rest)
                if style in ("part", "chap", "sect"):
                    title = rest.strip(" \u3000：:")
                    runin = False
                node = new(
                    "heading",
                    ln.start,
                    label=_strip_label_punct(label),
                    title=title,
                    parent_obj=par,
                    number=num,
                    style=style,
                    runin=runin,
                )
                node._rank = rank
                stack.append((rank, node))
                styles_used.setdefault(style, rank)
                heads.append(node)
                last_num[style] = num
                last_local[(style, id(par))] = num
                mode = None
                k += 1
                continue
        if NOTE_RE.match(s) or FIG_RE.match(s):
            begin_para(ln.start)
            cur.title = s[:30]
            mode = None
            k += 1
            continue
        # prose
        if cur is None or mode == "para-needed" or cur.kind in ("front", "back") and cur.kind != "back":
            begin_para(ln.start)
            cur.title = s[:30]
            mode = None
        k += 1

    # ---- 3. kinds, parents, levels, ids
    _finish(b, styles_used)
    out = Outline(nodes=b.nodes, notes=b.notes)
    split_prose(out, text)
    return out


def _accept(style, num, rank, stack, last_num, last_local):
    par = None
    for r, node in reversed(stack):
        if r < rank:
            par = node
            break
    loc = last_local.get((style, id(par)), 0)
    glob = last_num.get(style, 0)
    if num == 1 or num == loc + 1 or num == glob + 1:
        return True, None
    if glob == 0 and num <= 50:
        return True, f"numbering of the {STYLE_NAMES.get(style, style)} headings starts at {num}"
    base = max(loc, glob)
    if 0 < num - base <= 3:
        return True, f"numbering gap: {STYLE_NAMES.get(style, style)} heading {num} after {base}"
    if num == loc or num == glob:
        return True, f"numbering repeat: {STYLE_NAMES.get(style, style)} heading {num}"
    if style in ("part", "chap", "sect", "cn") and num - loc <= 3 and num > loc:
        return True, f"numbering gap: {STYLE_NAMES.get(style, style)} heading {num}"
    return False, f"numbered line not taken as a heading ({style} {num}, last {base})"
