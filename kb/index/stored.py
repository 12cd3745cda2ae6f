"""Unit texts of the index read from kb.json rather than stored twice.

A hit shows sentences of its unit's text; the text is most of the index's stored fields (4.9 of
31 MB at 100 plans) and is already in kb.json, written beside the index in the same generation.
So the writer stores, for each unit, where its text lies in its document's kb.json line (the
byte offset and length of the JSON string, relative to the end of the line's head: its id, title
and path), and search.json records where each head ends and kb.json's size (checked when read)
and modification time. A unit whose text is not found there (an index written without kb.json,
as tests do) keeps its text inline.

Relative offsets survive an incremental update: an old segment is reused only for documents
whose kb.json line after its head is byte for byte the same in both generations
(:func:`same_lines`), so a document shown at another path (a build from another working
directory) keeps its entries.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from kb.errors import KBError

# what ends a document's head in its kb.json line (a JSON string cannot hold it raw)
HEAD_END = b',"sha256":'
HEAD_MAX = 8192  # a head read at most (a longer one is read with the line)


def head_end(line: bytes) -> int:
    """Where the head of a document's kb.json line ends (0 for a line without one)."""
    return max(line.find(HEAD_END), 0)


class Source:
    """A generation's kb.json, read a document line at a time through its kb.seek.json (a
    kb.build.seek.Seek, opened by the build: kb.index does not import kb.build)."""

    def __init__(self, seek):
        self.seek = seek
        self.at = {d: span for d, span in zip(seek.ids, seek.docs)}

    def line(self, doc_id: str) -> bytes | None:
        span = self.at.get(doc_id)
        return self.seek.read(span) if span else None

    def body(self, doc_id: str) -> bytes | None:
        """The document's line after its head."""
        line = self.line(doc_id)
        return line[head_end(line) :] if line is not None else None

    def meta(self, folder: Path) -> dict:
        """What search.json (in ``folder``) records of it; :func:`text_of` reads it back."""
        return {
            "path": os.path.relpath(self.seek.path, folder),
            "kb": self.stamp(),
            "lines": {d: span[0] + self._head(span) for d, span in self.at.items()},
        }

    def _head(self, span) -> int:
        start = self.seek.read((span[0], min(span[1], HEAD_MAX)))
        return head_end(start if HEAD_END in start else self.seek.read(span))

    def stamp(self) -> list[int]:
        st = os.stat(self.seek.path)
        return [st.st_size, st.st_mtime_ns]


def same_lines(a: Source | None, b: Source | None, doc_id: str) -> bool:
    """Whether a document's kb.json line is the same in two generations (both readable)."""
    if a is None or b is None:
        return False
    la = a.body(doc_id)
    return la is not None and la == b.body(doc_id)


class Locator:
    """Finds each unit's text in its document's line, in unit order from where the last was
    found (units are written in about that order), else from the line's start."""

    def __init__(self, line: bytes | None):
        self.line = line
        self.pos = self.base = head_end(line) if line is not None else 0

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
        return [i - self.base, len(needle)]


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
