"""Loading the knowledge base of a build folder (building the bundled corpus first if there is none)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kb.model import KB


def load_kb(out: Path, notify: Callable[[str], None] | None = None, edges: bool = True, mentions: bool = True) -> KB:
    """The knowledge base of the build at ``out``. ``notify`` is told when there is no build
    yet and the bundled corpus is built first; ``edges``, ``mentions``: False when the caller
    needs none (mentions: of the documents' units and headings)."""
    from kb.build import ensure_built
    from kb.build.kbjson import read_kb_json
    from kb.store import KB_FILE

    return read_kb_json(ensure_built(out, notify=notify) / KB_FILE, edges=edges, mentions=mentions)


def edges_touching(out: Path, kb: KB, ids: set[str]) -> list:
    """The edges from or to ``ids`` of the build at ``out`` whose model ``kb`` was loaded
    without edges (kb show: parsing every edge of a thousand plans for one unit's took seconds)."""
    from kb.build import ensure_built
    from kb.build.kbjson import edges_touching as touching
    from kb.store import KB_FILE

    return touching(ensure_built(out) / KB_FILE, kb, ids) if ids else []
