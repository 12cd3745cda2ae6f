"""Loading the knowledge base of a build folder (building the bundled corpus first if there is none)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kb.errors import KBError
from kb.model import KB


def load_kb(out: Path, notify: Callable[[str], None] | None = None) -> KB:
    """The knowledge base of the build at ``out``. ``notify`` is told when there is no build
    yet and the bundled corpus is built first."""
    from kb.build import ensure_built
    from kb.model import kb_from_dict
    from kb.store import KB_FILE, read_json

    gen = ensure_built(out, notify=notify)
    try:
        return kb_from_dict(read_json(gen / KB_FILE, "knowledge base"))
    except ValueError as e:  # a kb.json of another schema version
        raise KBError(f"{gen / KB_FILE}: {e} (run: kb build)") from None
