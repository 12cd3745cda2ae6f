"""Importers: plan documents published as DOCX, HTML, PDF or Markdown → the plain text the parser reads.

``import_file(path)`` picks the importer by the file's suffix and returns an :class:`Imported`:

* ``text`` — one paragraph per line (a blank line between paragraphs), headings on their own lines
  with their printed numbering (Word's automatic numbering is rendered as printed), each table row
  on one line with its cells separated by TAB (a merged cell's text appears once, the cells it
  covers are left empty; a one-column table such as a 专栏 box becomes its paragraphs);
* ``meta`` — what could be found of ``title``, ``issuer``, ``doc_number`` (``国发〔2021〕29号``)
  and ``date`` (ISO ``YYYY-MM-DD``);
* ``notes`` — what the importer did (pages read, tables found, headers/footers removed, footnotes
  dropped …), for a report to the user;
* ``format`` — ``docx``, ``html``, ``pdf`` or ``md``.

A ``.txt`` file is the parser's own input: ``import_file`` returns ``None`` for it. Every failure
(missing, too large, empty, corrupt, encrypted, scanned) is a :class:`kb.errors.KBError` with one
clear message naming the file.
"""

from __future__ import annotations

from pathlib import Path

from kb.errors import KBError
from kb.parse.importers._common import Imported, check_file

SUFFIXES = {
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".shtml": "html",
    ".pdf": "pdf",
    ".md": "md",
    ".markdown": "md",
}
TEXT_SUFFIXES = {".txt", ".text"}

__all__ = ["Imported", "import_file", "SUFFIXES", "supported"]


def supported(path) -> bool:
    """True when ``import_file`` has an importer for this file's suffix."""
    return Path(path).suffix.lower() in SUFFIXES


def import_file(path) -> Imported | None:
    """Import one plan document; ``None`` for plain text (the caller reads it as it is)."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return None
    fmt = SUFFIXES.get(suffix)
    if fmt is None:
        if suffix == ".doc":
            raise KBError(f"{p}: a .doc file (Word 97–2003) cannot be read; save it as .docx")
        known = ", ".join(sorted(set(SUFFIXES) | TEXT_SUFFIXES))
        raise KBError(f"{p}: unknown file type {suffix or '(no suffix)'!r}; known: {known}")
    check_file(p)
    if fmt == "docx":
        from kb.parse.importers.docx_import import import_docx as fn
    elif fmt == "html":
        from kb.parse.importers.html_import import import_html as fn
    elif fmt == "pdf":
        from kb.parse.importers.pdf_import import import_pdf as fn
    else:
        from kb.parse.importers.md_import import import_md as fn
    return fn(p)
