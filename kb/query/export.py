"""Exports of the model for other tools: CSV (one row per unit) and a Markdown outline."""

from __future__ import annotations

import csv
import io

from kb.model import KB, IndicatorRow, Paragraph, Task


def to_csv(kb: KB) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["document", "id", "kind", "chapter", "number", "title", "text", "entities", "targets"])
    for d in kb.documents:
        for u in d.units():
            kind = "task" if isinstance(u, Task) else "row" if isinstance(u, IndicatorRow) else "paragraph"
            chapter = getattr(u, "chapter", None) or ""
            number = u.number if isinstance(u, Task) else u.index if isinstance(u, IndicatorRow) else ""
            title = u.title if isinstance(u, Task) else u.name if isinstance(u, IndicatorRow) else ""
            ents = ";".join(sorted({m.entity for m in u.mentions}))
            tg = ";".join(t.text for t in u.targets)
            w.writerow([d.id, u.id, kind, chapter, number, title, u.text, ents, tg])
    return buf.getvalue()


def _md_escape(s: str) -> str:
    # the corpus is data: keep Markdown syntax in it literal
    out = []
    for ch in s:
        if ch in "\\`*_{}[]<>()#+-.!|~":
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def to_markdown(kb: KB) -> str:
    lines: list[str] = []
    for d in kb.documents:
        lines.append(f"# {_md_escape(d.title)}")
        lines.append("")
        for n in d.notes:
            lines.append(f"> {_md_escape(n)}")
        lines.append("")
        chapters = {c.id: c for c in d.chapters}
        current = object()
        for u in d.units():
            ch = getattr(u, "chapter", None)
            if isinstance(u, IndicatorRow):
                table = next(t for t in d.indicator_tables if u in t.rows)
                if u.index == table.rows[0].index and u is table.rows[0]:
                    lines += [
                        "",
                        f"### {_md_escape(table.title or table.id)}",
                        "",
                        "| # | 具体指标 | 发展目标 |",
                        "|---|---|---|",
                    ]
                lines.append(f"| {u.index} | {_md_escape(u.name)} | {_md_escape(u.target)} |")
                continue
            if ch != current and ch in chapters:
                c = chapters[ch]
                lines += ["", f"## {_md_escape(c.label)}、{_md_escape(c.title)}", ""]
                current = ch
            if isinstance(u, Task):
                lines += ["", f"**{u.number}\\. {_md_escape(u.title)}** ({u.id})", ""]
                body = u.text[len(u.sentences[0].text) :] if u.sentences and u.title else u.text
                lines.append(_md_escape(body.strip()))
            elif isinstance(u, Paragraph):
                lines += ["", _md_escape(u.text.strip())]
        lines.append("")
    return "\n".join(lines) + "\n"
