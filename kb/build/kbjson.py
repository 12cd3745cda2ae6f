"""kb.json: one document, entity or edge a line, streamed."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from kb.build.cache import _cached_document_line, _dump
from kb.model import KB


def write_kb_json(path: Path, kb: KB, cached: Sequence[tuple[Path, int] | None] = ()) -> None:
    """kb.json, written a document, an entity or an edge a line: compact, valid JSON, greppable,
    and streamed instead of held as one string. ``cached``: per document, a cache entry whose
    first line is that document's line, copied instead of serialized again."""
    from kb.model import SCHEMA_VERSION, document_to_dict, flat_dict

    def doc_lines():
        for i, d in enumerate(kb.documents):
            entry = cached[i] if i < len(cached) else None
            line = _cached_document_line(entry, d) if entry else None
            yield line if line is not None else _dump(document_to_dict(d))

    def items(f, name: str, lines, last: bool = False) -> None:
        f.write(f'"{name}":[')
        for i, line in enumerate(lines):
            f.write(("\n" if i == 0 else ",\n") + line)
        f.write("\n]" + ("}\n" if last else ",\n"))

    with open(path, "w", encoding="utf-8") as f:
        f.write(f'{{"schema":{SCHEMA_VERSION},\n')
        items(f, "documents", doc_lines())
        items(f, "entities", (_dump(flat_dict(e)) for e in kb.entities))
        items(f, "edges", (_dump(flat_dict(e)) for e in kb.edges), last=True)
