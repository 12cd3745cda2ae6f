"""The site's pages as an Obsidian-compatible vault: Markdown files linked by ``[[wikilinks]]``.

The pages are the same Markdown sources the HTML is rendered from (:func:`page_sources`); only
the marks change: a link becomes ``[[T17|17. 做好农民工维权服务工作]]`` (Obsidian resolves a link
by file name, so the anchor part is dropped), other marks keep just their text, and the SVG
drawing is left out (Obsidian draws its own graph from the links). Corpus text stays escaped.
"""

from __future__ import annotations

import re
from pathlib import Path

from kb.model import KB

_INNER = re.compile(r"\{@(\d+)\}((?:(?!\{@).)*?)\{@/\1\}", re.S)
_VOID = re.compile(r"\{@\d+/\}")
_LINK = re.compile(r"\{@a ([A-Za-z0-9_.#-]+)\}((?:(?!\{@).)*?)\{@/a\}", re.S)
_UNESC = re.compile(r"\\([!-/:-@\[-`{-~])")


def _label(md: str) -> str:
    """Wikilink alias text: the escaped Markdown made plain, minus what ends a wikilink."""
    text = _UNESC.sub(r"\1", md)
    # alias text is shown as is, so anything an app might read as HTML becomes full-width
    for a, b in (("|", "｜"), ("[", "［"), ("]", "］"), ("<", "＜"), (">", "＞"), ("\n", " ")):
        text = text.replace(a, b)
    return text


_UNSAFE = re.compile(r'[\\/:*?"<>|#^\[\]\x00-\x1f]')


def note_names(site) -> dict[str, str]:
    """HTML file name -> note name. Notes are named by id (``T17``, ``GROUP-农民工``,
    ``I-精准服务-1``) so Obsidian's own graph and search show readable names."""
    from kb.site.naming import chapter_file, entity_file

    pairs = [(info.file, key) for key, info in site.units.items()]
    pairs += [(chapter_file(k), k) for k in site.chapters]
    pairs += [(entity_file(e), e) for e in site.entities]
    names: dict[str, str] = {}
    used: set[str] = set()
    for fname, ident in pairs:
        name = _UNSAFE.sub("-", ident).strip(" .") or fname.removesuffix(".html")
        if name.lower() in used:  # two ids that differ only in unsafe characters
            name = fname.removesuffix(".html")
        used.add(name.lower())
        names[fname] = name
    return names


def to_obsidian(page, names: dict[str, str]) -> str:
    src = page.source()
    marks = page.marks
    src = _VOID.sub(" ", src)

    def wikilink(href: str, label_md: str) -> str:
        fname = href.split("#", 1)[0]
        return f"[[{names.get(fname, fname.removesuffix('.html'))}|{_label(label_md)}]]"

    def mark(m: re.Match) -> str:
        tag, attrs = marks[int(m.group(1))]
        attrs = dict(attrs)
        if attrs.get("class") == "sa":  # sentence permalinks: notes have no sentence anchors
            return ""
        href = attrs.get("href")
        if tag == "a" and href and not href.startswith("#"):
            return wikilink(href, m.group(2))
        return m.group(2)

    def link(m: re.Match) -> str:
        return wikilink(m.group(1), m.group(2))

    # innermost first: a sentence holds mention links, a text block holds sentences
    while True:
        new = _LINK.sub(link, _INNER.sub(mark, src))
        if new == src:
            break
        src = new
    # inside a table row the alias bar must be escaped, or it splits the cell
    return "\n".join(re.sub(r"\[\[([^\]|]*)\|", r"[[\1\\|", ln) if ln.startswith("|") else ln for ln in src.split("\n"))


def write_vault(kb: KB, folder: Path, graph=None) -> Path:
    """Write one ``.md`` note per site page into ``folder``."""
    import json

    from kb.site.build import page_sources
    from kb.site.pages import Site

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    from kb.site.render import reset_cache

    site = Site(kb)
    reset_cache()
    names = note_names(site)
    by_file = {}
    from kb.site.naming import entity_file

    for e in kb.entities:
        by_file[entity_file(e.id)] = e
    from kb.site.markdown import markdown_only

    with markdown_only():
        sources = page_sources(site, graph)
    for fname, _kind, _title, parts, _scripts in sources:
        body = "\n".join(to_obsidian(p, names) for p in parts if not isinstance(p, str))
        ent = by_file.get(fname)
        if ent is not None:  # JSON strings are valid YAML, whatever the corpus put in them
            body = f"---\naliases: {json.dumps([ent.name, *ent.aliases], ensure_ascii=False)}\n---\n\n" + body
        name = names.get(fname, fname.removesuffix(".html"))
        (folder / (name + ".md")).write_text(body, encoding="utf-8")
    return folder
