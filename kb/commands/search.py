"""`kb search`: ranked units with their best sentences highlighted.

Kept light: it imports kb.index.search (whoosh, lazily) and nothing that loads spaCy or jieba.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import click

from kb.commands.options import out_option, output_options, output_rows

# "indicator" is the old name of "row", still accepted
KINDS = ("task", "row", "paragraph", "indicator")
# C0/C1 controls and the bidirectional overrides that could make a line display as another
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# a query is a few words; thousands of terms make whoosh's query tree recurse past Python's limit
MAX_QUERY_CHARS = 2000
MAX_QUERY_WORDS = 200


def _clean(s: str) -> str:
    """Corpus text is data: no terminal control sequences reach the screen; a TAB (between an
    indicator row's name and target) prints as a space."""
    from kb.textsafe import safe

    return safe(s, one_line=True)


def use_color(stream=None) -> bool:
    stream = stream or sys.stdout
    return bool(getattr(stream, "isatty", lambda: False)()) and not os.environ.get("NO_COLOR")


def _generation(out: Path) -> Path:
    """The build generation, resolved once so that a concurrent rebuild cannot mix two
    versions. kb.build (and its imports, ~15 ms) is loaded only when there is no build yet."""
    from kb.store import KB_FILE, resolve

    gen = resolve(out)
    if (gen / KB_FILE).exists() and (gen / "index").is_dir():
        return gen
    from kb.commands.options import generation

    gen = generation(out)
    if not (gen / "index").is_dir():
        from kb.errors import KBError

        raise KBError(f"the build at {out} has no search index; rebuild it with: kb build --out {out}")
    return gen


# unknown "options" are words: `kb search 劳模 -工匠` excludes 工匠 without needing `--`
@click.command("search", context_settings={"ignore_unknown_options": True})
@click.argument("query", nargs=-1, type=click.UNPROCESSED)
@click.option(
    "-n", "--limit", "n", type=click.IntRange(min=1), default=10, show_default=True, help="Show at most this many hits."
)
@output_options
@click.option("--chapter", help="Only this chapter (五, C五, or a word of its title).")
@click.option("--kind", type=click.Choice(KINDS), help="Only tasks, indicator rows or paragraphs (indicator = row).")
@click.option("--group", help="Only units that mention this group (农民工, GROUP:女职工).")
@click.option("--actor", help="Only units that mention this actor (全总, 各级工会).")
@out_option
def search_cmd(*, query, n, fmt, chapter, kind, group, actor, out):
    """Search tasks, indicator rows and paragraphs for QUERY.

    \b
    A query is found literally (every unit containing it is returned); traditional
    characters, full-width letters and known synonyms (劳动模范 = 劳模) match too.
    Several words: units with all of them come first, then units with some.
    "a phrase with spaces", A OR B, -word / NOT word (exclude), title:word.
    A question in plain words that occurs nowhere literally is searched by its topic words.

    \b
    Examples:
      kb search 农民工
      kb search "集体协商 指导员"
      kb search 外卖骑手的权益怎么保障
      kb search 一函两书 --chapter 七 -n 5 --json
    """
    from kb.errors import KBError
    from kb.index.search import Sentence, search, snippet

    text = " ".join(query)
    if not text.strip():
        raise KBError("empty query (try: kb search 农民工)")
    if len(text) > MAX_QUERY_CHARS or len(text.split()) > MAX_QUERY_WORDS:
        raise KBError(
            f"query too long ({len(text)} characters, {len(text.split())} words; "
            f"at most {MAX_QUERY_CHARS} characters and {MAX_QUERY_WORDS} words)"
        )
    gen = _generation(out)
    res = search(gen, text, n=n, chapter=chapter, kind=kind, group=group, actor=actor)
    if fmt != "text":
        doc = res.to_json()
        rows = [{k: v for k, v in h.items() if k != "sentences"} for h in doc["hits"]]
        output_rows(rows, fmt, document=doc)
        return
    for note in res.notes:
        click.echo(f"kb: note: {_clean(note)}", err=True)
    if not res.hits:
        click.echo(f"kb: no unit matches “{_clean(text)}”", err=True)
        return
    color = use_color()
    left, right = ("\x1b[1m", "\x1b[0m") if color else ("【", "】")
    for h in res.hits:
        head = h.unit + (f"  {h.title}" if h.title else "")
        ct = h.chapter_title if len(h.chapter_title) <= 16 else h.chapter_title[:15] + "…"
        where = f"{h.chapter} {ct}".strip() if h.chapter else h.kind
        if h.path:  # the outline path, each step cut short: 二、重点任务 › （三）提升海绵城市… › 2.加强规划…
            where = " › ".join(p if len(p) <= 14 else p[:13] + "…" for p in h.path.split(" › "))
        click.echo(f"{_clean(head)}  [{_clean(where)}]  {h.score:.1f}")
        for s in h.sentences[:2]:
            line = snippet(Sentence(s.id, _clean(s.text), s.spans), left, right)
            # color=True: click would strip the codes itself when it guesses "not a terminal"
            click.echo(f"    {s.id}  {line}", color=color)
    shown = len(res.hits)
    more = f" (showing {shown}; -n {res.total} for all)" if res.total > shown else ""
    about = "about " if res.estimated else ""  # scaled from a sample: see kb.index.topk
    click.echo(f"{about}{res.total} unit(s){more}", err=True)
