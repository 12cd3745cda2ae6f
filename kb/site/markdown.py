"""Page bodies are written as Markdown and rendered by markdown-it-py with raw HTML disabled.

Corpus text is data: :func:`esc` backslash-escapes every ASCII punctuation mark, so ``**``,
``[x](y)``, ``|``, ``<script>`` and ``#`` in the corpus show literally, and CommonMark's
emphasis rules (which refuse ``**“十四五”**时期``) never come into play. Markup the corpus
cannot express in Markdown (sentence anchors, entity highlights, ``<mark>``) goes through
*marks*: ``{@7}…{@/7}`` in the source names element 7 of a side table, and an inline rule
turns it into an open/close token whose attributes the renderer escapes. Corpus text cannot
forge a mark because its ``{`` arrives escaped.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

_ASCII_PUNCT = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_MARK = re.compile(r"\{@(/?)(\d+)(/?)\}")
# a link whose target is one of our own ASCII file names carries it inline: {@a T17.html#s3}…{@/a}
_LINK = re.compile(r"\{@a ([A-Za-z0-9_.#-]+)\}|\{@/a\}")
_HREF = re.compile(r"[A-Za-z0-9_.#-]+")


_ESC = str.maketrans({**{c: "\\" + c for c in _ASCII_PUNCT}, "\n": " ", "\r": " "})


def esc(text: str) -> str:
    """Markdown source that renders as exactly ``text`` (inline, on one line)."""
    # callers never start a Markdown line with corpus text that may begin with blanks (it
    # follows a mark, a list marker or a heading marker), so no indented code block can start
    return text.translate(_ESC)


def link(label_md: str, href: str) -> str:
    """A link to a page of the site; cheaper to parse than Markdown's ``[label](href)``."""
    if not _HREF.fullmatch(href):
        raise ValueError(f"not a site-internal href: {href!r}")
    return f"{{@a {href}}}{label_md}{{@/a}}"


_HTML_ESC = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": " ", "\r": " "})


def html_esc(text: str) -> str:
    """``text`` as HTML text or attribute value, escaped as markdown-it escapes it."""
    return text.translate(_HTML_ESC)


def html_tag(tag: str, inner: str, **attrs: str | None) -> str:
    """``<tag attrs>inner</tag>`` with escaped attribute values; ``inner`` is HTML already."""
    a = "".join(f' {k.rstrip("_").replace("_", "-")}="{html_esc(str(v))}"' for k, v in attrs.items() if v is not None)
    return f"<{tag}{a}>{inner}</{tag}>"


RAW_HTML = True  # see :func:`markdown_only`


class markdown_only:
    """Within this context, pages keep every piece as Markdown marks (for the Obsidian vault)
    instead of carrying pre-rendered HTML pieces (the fast path of the site)."""

    def __enter__(self):
        global RAW_HTML
        self.saved, RAW_HTML = RAW_HTML, False

    def __exit__(self, *exc):
        global RAW_HTML
        RAW_HTML = self.saved


class Page:
    """Markdown source of one page plus its side table of marks."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.marks: list[tuple[str | None, object]] = []
        # corpus text with many marks (a unit's text) may come as HTML built by
        # :func:`html_tag`/:func:`html_esc`: parsing thousands of marks is the slow part
        self.raw_html = RAW_HTML

    def raw(self, html: str) -> str:
        """A piece of HTML made only with :func:`html_esc` and :func:`html_tag`."""
        k = len(self.marks)
        self.marks.append((None, html))
        return f"{{@{k}/}}"

    def mark(self, tag: str, inner: str = "", **attrs: str | None) -> str:
        """``inner`` (Markdown) wrapped in ``<tag attrs>``; ``class_`` gives ``class``."""
        k = len(self.marks)
        self.marks.append((tag, [(a.rstrip("_").replace("_", "-"), str(v)) for a, v in attrs.items() if v is not None]))
        return f"{{@{k}}}{inner}{{@/{k}}}"

    def void(self, tag: str, **attrs: str | None) -> str:
        k = len(self.marks)
        self.marks.append((tag, [(a.rstrip("_").replace("_", "-"), str(v)) for a, v in attrs.items() if v is not None]))
        return f"{{@{k}/}}"

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    def para(self, text: str) -> None:
        self.lines.extend([text, ""])

    def source(self) -> str:
        return "\n".join(self.lines) + "\n"

    def render(self) -> str:
        return md().render(self.source(), {"marks": self.marks})


def _mark_rule(state, silent: bool) -> bool:
    if not state.src.startswith("{@", state.pos):
        return False
    m = _LINK.match(state.src, state.pos)
    if m:
        if not silent:
            if m.group(1):
                state.push("kb_link_open", "a", 1).attrSet("href", m.group(1))
            else:
                state.push("kb_link_close", "a", -1)
        state.pos = m.end()
        return True
    m = _MARK.match(state.src, state.pos)
    marks = state.env.get("marks") if isinstance(state.env, dict) else None
    if not m or marks is None or int(m.group(2)) >= len(marks):
        return False
    if not silent:
        tag, attrs = marks[int(m.group(2))]
        if tag is None:
            state.push("kb_raw", "", 0).content = attrs
        elif m.group(1):
            state.push("kb_mark_close", tag, -1)
        else:
            tok = state.push("kb_mark_void" if m.group(3) else "kb_mark_open", tag, 0 if m.group(3) else 1)
            for name, value in attrs:
                tok.attrSet(name, value)
    state.pos = m.end()
    return True


_MD: MarkdownIt | None = None


def md() -> MarkdownIt:
    global _MD
    if _MD is None:
        m = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
        m.enable("table")
        # constructs page bodies never use; corpus text reaches them only escaped anyway
        m.disable(
            [
                "image",
                "autolink",
                "html_inline",
                "entity",
                "backticks",
                "emphasis",
                "html_block",
                "code",
                "fence",
                "hr",
                "lheading",
                "reference",
            ]
        )
        m.inline.ruler.before("escape", "kb_mark", _mark_rule)
        m.add_render_rule("kb_raw", lambda self, tokens, idx, options, env: tokens[idx].content)
        _MD = m
    return _MD
