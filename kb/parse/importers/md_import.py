"""Markdown → text: headings and paragraphs as lines, list items with their printed number, pipe
tables as TAB rows, emphasis and link marks removed."""

from __future__ import annotations

import re

from kb.errors import KBError
from kb.parse.importers._common import Blocks, Imported, check_file, guess_meta, join_wrapped, read_bytes
from kb.parse.normalize import decode

_FRONT = re.compile(r"\A---\s*\n(.*?)\n(?:---|\.\.\.)\s*\n", re.S)


def _inline(tok) -> str:
    out = ""
    for c in tok.children or []:
        t = c.type
        if t in ("text", "code_inline"):
            out += c.content
        elif t == "softbreak":
            out = join_wrapped(out, "")
            out += "\x00"  # joined below, once the next piece is known
        elif t == "hardbreak":
            out += "\n"
        elif t == "html_inline":
            if re.match(r"<br\s*/?>", c.content, re.I):
                out += "\n"
        elif t == "image":
            continue
    pieces = out.split("\x00")
    text = pieces[0]
    for piece in pieces[1:]:
        text = join_wrapped(text.rstrip(" "), piece.lstrip(" "))
    return text


def import_md(path) -> Imported:
    p = check_file(path)
    raw = read_bytes(p)
    if b"\x00" in raw[:4096] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise KBError(f"{p}: not a text file (binary content)")
    text, _enc, _bom = decode(raw, str(p))
    meta: dict = {}
    m = _FRONT.match(text)
    if m:
        for line in m.group(1).splitlines():
            k, _, v = line.partition(":")
            k, v = k.strip().lower(), v.strip().strip("'\"")
            if k in ("title", "issuer", "doc_number", "date") and v:
                meta[k] = v
        text = text[m.end() :]
    try:
        from markdown_it import MarkdownIt

        md = MarkdownIt("commonmark").enable("table").disable("html_block", ignoreInvalid=True)
        tokens = md.parse(text)
    except Exception as e:
        raise KBError(f"{p}: cannot parse the Markdown ({type(e).__name__})") from None

    out = Blocks()
    lists: list[list] = []  # stack of [ordered, next number, markup]
    prefix = ""
    rows: list[list[str]] | None = None
    row: list[str] = []
    headings = 0
    items = 0
    for tok in tokens:
        t = tok.type
        if t == "heading_open":
            headings += 1
        elif t in ("bullet_list_open", "ordered_list_open"):
            start = int(tok.attrGet("start") or 1) if t == "ordered_list_open" else 0
            lists.append([t == "ordered_list_open", start, tok.markup or "."])
        elif t in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif t == "list_item_open":
            items += 1
            ordered, n, markup = lists[-1]
            if ordered:
                num = tok.info if tok.info else str(n)
                prefix = f"{num}{markup} "
                lists[-1][1] = int(num) + 1 if num.isdigit() else n + 1
            else:
                prefix = ""
        elif t == "table_open":
            rows = []
        elif t == "table_close":
            out.table(rows or [])
            rows = None
        elif t == "tr_open":
            row = []
        elif t == "tr_close" and rows is not None:
            rows.append(row)
        elif t == "inline":
            s = _inline(tok)
            if rows is not None:
                row.append(s.replace("\n", " "))
            else:
                out.para(prefix + s)
                prefix = ""
        elif t in ("fence", "code_block"):
            for line in tok.content.splitlines():
                out.para(line)
        elif t == "html_block":
            out.para(re.sub(r"<[^>]+>", "", tok.content))
    if prefix:
        out.para(prefix)
    if not out.blocks:
        raise KBError(f"{p}: the Markdown file has no text")
    notes = [f"md: {headings} headings, {len(out.blocks)} blocks"]
    if items:
        notes.append(f"{items} list items kept with their printed numbers")
    if out.tables:
        notes.append(f"{out.tables} tables ({out.table_rows} rows) as TAB-separated rows")
    if m:
        notes.append("front matter read as metadata")
    meta = guess_meta(out.lines(), meta)
    return Imported(text=out.text(), meta=meta, notes=notes, format="md")
