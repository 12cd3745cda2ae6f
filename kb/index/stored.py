"""Unit texts of the index read from kb.json rather than stored twice.

A hit shows sentences of its unit's text; the text is most of the index's stored fields (4.9 of
31 MB at 100 plans) and is already in kb.json, written beside the index in the same generation.
So the writer stores, for each unit, where its text lies in its document's kb.json line (the
byte offset and length of the JSON string, relative to the line), and search.json records the
line offsets and kb.json's size (checked when read) and modification time. A unit whose text
is not found there (an index written without kb.json, as tests do) keeps its text inline.

Relative offsets survive an incremental update: an old segment is reused only for documents
whose kb.json line is byte for byte the same in both generations (:func:`same_lines`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from kb.errors import KBError


class Source:
    """A generation's kb.json, read a document line at a time through its kb.seek.json (a
    kb.build.seek.Seek, opened by the build: kb.index does not import kb.build)."""

    def __init__(self, seek):
        self.seek = seek
        self.at = {d: span for d, span in zip(seek.ids, seek.docs)}

    def line(self, doc_id: str) -> bytes | None:
        span = self.at.get(doc_id)
        return self.seek.read(span) if span else None

    def meta(self, folder: Path) -> dict:
        """What search.json (in ``folder``) records of it; :func:`text_of` reads it back."""
        return {
            "path": os.path.relpath(self.seek.path, folder),
            "kb": self.stamp(),
            "lines": {d: span[0] for d, span in self.at.items()},
        }

    def stamp(self) -> list[int]:
        st = os.stat(self.seek.path)
        return [st.st_size, st.st_mtime_ns]


def same_lines(a: Source | None, b: Source | None, doc_id: str) -> bool:
    """Whether a document's kb.json line is the same in two generations (both readable)."""
    if a is None or b is None:
        return False
    la = a.line(doc_id)
    return la is not None and la == b.line(doc_id)


class Locator:
    """Finds each unit's text in its document's line, in unit order from where the last was
    found (units are written in about that order), else from the line's start."""

    def __init__(self, line: bytes | None):
        self.line = line
        self.pos = 0

    def find(self, text: str) -> list[int] | None:
        if self.line is None:
            return None
        needle = json.dumps(text, ensure_ascii=False).encode("utf-8")
        i = self.line.find(needle, self.pos)
        if i < 0:
            i = self.line.find(needle)
        if i < 0:
            return None
        self.pos = i + len(needle)
        # any occurrence of these exact bytes decodes to the text, wherever it is in the line
        return [i, len(needle)]


# ----- reading (kb search)

_OPEN: dict[str, tuple[Path, dict]] = {}  # search.json path -> (kb.json, line offsets), checked


def text_of(idx, data: dict) -> str:
    """The text of a hit's stored ``data``: inline, or read from kb.json where the writer found it.
    ``idx``: the opened index (its search.json)."""
    if "text" in data:
        return data["text"]
    kb_path, lines = _source(idx)
    start, n = data["at"]
    with open(kb_path, "rb") as f:
        f.seek(lines[data["doc"]] + start)
        raw = f.read(n)
    try:
        text = json.loads(raw)
    except ValueError:
        text = None
    if not isinstance(text, str):
        raise KBError(f"{kb_path} does not match its search index (run: kb build)")
    return text


def _source(idx) -> tuple[Path, dict]:
    key = str(idx.meta_path)
    got = _OPEN.get(key)
    if got is None:
        src = idx._meta.get("source") or {}  # the lazily parsed search.json
        kb_path = idx.meta_path.parent / src.get("path", "kb.json")
        try:
            st = os.stat(kb_path)
        except OSError:
            st = None
        # the size only: a copied build (cp -r, an unpacked archive) keeps its bytes, not its
        # times, and a rebuild writes kb.json and the index together in a new generation
        if st is None or not src.get("kb") or src["kb"][0] != st.st_size:
            raise KBError(f"{kb_path} does not match its search index (run: kb build)")
        got = _OPEN[key] = (kb_path, src.get("lines", {}))
    return got
