"""Parse a plan: read the file (plain text, or DOCX, HTML, PDF and Markdown through
kb.parse.importers), normalize it, and build its outline and units (kb.parse.document). The
layout blocks tile the normalized text exactly, so nothing is lost (:func:`check_lossless`).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from kb.model import Document
from kb.parse.normalize import Normalized, normalize_text, read_file
from kb.parse.sentences import TITLE_MAX, cn_to_int, split_sentences

__all__ = ["check_lossless", "cn_to_int", "display_path", "parse_file", "parse_text", "slug", "split_sentences"]


def parse_text(
    text: str,
    doc_id: str = "doc",
    source: str = "",
    encoding: str = "utf-8",
    title: str | None = None,
    norm: Normalized | None = None,
) -> Document:
    """Parse decoded plan text (it is normalized first unless ``norm`` is given)."""
    if norm is None:
        norm = normalize_text(text, encoding)
    t = norm.text
    doc = Document(
        id=doc_id,
        title=title or doc_id,
        source=source,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        encoding=norm.encoding,
        text=t,
    )
    from kb.parse.document import outline_document

    outline_document(doc, norm)
    doc.meta.update(front_meta(doc))
    if title is None:
        front = next((n for n in doc.outline if n.kind == "front" and n.text.strip()), None)
        first = front.text.strip().split("\n")[0].strip() if front else ""
        if first and len(first) <= TITLE_MAX and not any(c in first for c in "。，,；;"):
            doc.title = first
    return doc


DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,10}〔(?:19|20)\d{2}〕\d{1,4}号")
DATE = re.compile(r"((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日")


def front_meta(doc: Document) -> dict[str, str]:
    """The document number (国发〔2021〕29号) and the date printed in the front matter (a notice's
    header and signature), when the text has them."""
    meta: dict[str, str] = {}
    for n in doc.outline:
        if n.kind != "front":
            continue
        m = DOC_NUMBER.search(n.text)
        if m and "doc_number" not in meta:
            meta["doc_number"] = m.group(0)
        d = DATE.search(n.text)
        if d and "date" not in meta and d.end() - d.start() == len(n.text.strip()):
            meta["date"] = f"{int(d.group(1)):04d}-{int(d.group(2)):02d}-{int(d.group(3)):02d}"
    return meta


def parse_file(path, doc_id: str | None = None) -> Document:
    """Parse a plan file: plain text, or DOCX, HTML, PDF and Markdown through kb.parse.importers (the
    same outline whichever format the plan was published in)."""
    from kb.parse.importers import SUFFIXES, import_file

    p = Path(path)
    imported = import_file(p) if p.suffix.lower() in SUFFIXES else None
    if imported is None:
        norm = read_file(p)
        title = None
    else:
        norm = normalize_text(imported.text, f"{imported.format} (imported)")
        norm.sha256 = hashlib.sha256(p.read_bytes()).hexdigest()
        title = imported.meta.get("title") or None
    doc = parse_text(
        norm.text,
        doc_id=doc_id or slug(p.stem),
        source=display_path(p),
        encoding=norm.encoding,
        norm=norm,
        title=title,
    )
    doc.sha256 = norm.sha256
    if imported is not None:
        doc.meta.update({k: v for k, v in imported.meta.items() if isinstance(v, str) and v})
        doc.notes[:0] = [f"imported from {imported.format.upper()}: {n}" for n in imported.notes]
    return doc


def display_path(p: Path) -> str:
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


def slug(name: str) -> str:
    s = re.sub(r"\s+", "-", name.strip())
    s = re.sub(r"[^\w\-.]", "", s)
    return s or "doc"


def check_lossless(doc: Document) -> None:
    """Raise AssertionError unless the layout blocks tile the normalized text exactly and every
    unit's text is the slice its span names."""
    pos = 0
    for b in doc.blocks:
        assert b.start == pos, f"gap or overlap at {pos}: block {b}"
        pos = b.end
    assert pos == len(doc.text), f"blocks end at {pos}, text has {len(doc.text)} characters"
    for u in doc.units():
        assert doc.text[u.span[0] : u.span[1]] == u.text, f"{u.id}: text is not its span"
        for s in u.sentences:
            assert u.text[s.start : s.end] == s.text, f"{s.id}: sentence is not its span"
