"""Loading the knowledge base of a build folder (building the bundled corpus first if there is none)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kb.model import KB

if TYPE_CHECKING:
    from kb.build.kbjson import Part


def load_kb(out: Path, notify: Callable[[str], None] | None = None, edges: bool = True, part: Part | None = None) -> KB:
    """The knowledge base of the build at ``out``. ``notify`` is told when there is no build
    yet and the bundled corpus is built first; ``edges``: False when the caller needs none;
    ``part``: the part of each document it needs (kb.build.kbjson.read_kb_json)."""
    from kb.build import ensure_built
    from kb.build.kbjson import read_kb_json
    from kb.store import KB_FILE

    return read_kb_json(ensure_built(out, notify=notify) / KB_FILE, edges=edges, part=part)


def edges_touching(out: Path, kb: KB, ids: set[str]) -> list:
    """The edges from or to ``ids`` of the build at ``out`` whose model ``kb`` was loaded
    without edges (kb show: parsing every edge of a thousand plans for one unit's took seconds)."""
    from kb.build import ensure_built
    from kb.build.kbjson import edges_touching as touching
    from kb.store import KB_FILE

    return touching(ensure_built(out) / KB_FILE, kb, ids) if ids else []
