"""What a build copies from the previous generation instead of writing it again.

A document's kb.json lines (its document line, its run of edge lines) and its share of graph.json
(its run of nodes, its run of links) depend on that document alone, on the code and on the
single/multi mode. When the previous generation was made by the same code from a document with
the same cache key and title (:func:`kb.build.reusable`), those byte runs are copied from its
files, by the kernel where it can (``os.copy_file_range``), at offsets the previous build noted
in its sidecars (kb.seek.json; graph.seek.json). The copy never looks at the bytes past the
document's head (its kb.json line's id, title and path; its graph node): a path shown relative to
another working directory is written anew there (:func:`headed`). Only changed documents and the
cross-document parts (entities, the graph's cross-document layer) are serialized again.
"""

from __future__ import annotations

import errno
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from kb.errors import KBError


@dataclass(frozen=True)
class Run:
    """``length`` bytes at ``offset`` of the previous generation's file, after ``head`` (bytes
    written in place of what came before ``offset``: a document's head with its new path)."""

    offset: int
    length: int
    head: bytes = b""

    @property
    def size(self) -> int:
        """Bytes it writes."""
        return len(self.head) + self.length


def headed(src: BinaryIO, run: Run, end: bytes, new: bytes) -> Run | None:
    """``run`` with what comes before the first ``end`` in it (a document's head) replaced by
    ``new``: itself when that is ``new`` already; None when no ``end`` is near its start."""
    from kb.index.stored import HEAD_MAX  # a longer head is written anew

    old = os.pread(src.fileno(), min(run.length, HEAD_MAX), run.offset)
    i = old.find(end)
    if i < 0:
        return None
    if old[:i] == new:
        return run
    return Run(run.offset + i, run.length - i, new)


def run_of(span) -> Run | None:
    return Run(span[0], span[1]) if span else None


# a file system or kernel that cannot copy between the two files in the kernel
_NO_KERNEL_COPY = {errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.EBADF}


def copy_run(src: BinaryIO, dst: BinaryIO, run: Run) -> None:
    """Append ``run`` of ``src`` to ``dst`` (a buffered file opened for writing)."""
    if run.head:
        dst.write(run.head)
    dst.flush()
    at = dst.tell()
    done = 0
    while done < run.length:
        n = _copy(src.fileno(), dst.fileno(), run.length - done, run.offset + done, at + done)
        if n <= 0:
            raise KBError(f"{src.name}: shorter than its sidecar says (the previous build changed; run kb build again)")
        done += n
    dst.seek(at + run.length)


def _copy(src: int, dst: int, count: int, src_at: int, dst_at: int) -> int:
    try:
        return os.copy_file_range(src, dst, count, src_at, dst_at)
    except AttributeError:  # not Linux
        pass
    except OSError as e:
        if e.errno not in _NO_KERNEL_COPY:
            raise
    data = os.pread(src, min(count, 1 << 22), src_at)
    return os.pwrite(dst, data, dst_at) if data else 0


def kb_runs(previous: Path | None, reuse: frozenset[str]) -> dict[str, tuple[Run, Run | None]]:
    """Document id -> the runs of its line and of its edge lines (None: it has none) in the
    previous kb.json, for the documents of ``reuse``; none when its sidecar does not describe it."""
    from kb.build.seek import open_seek

    seek = open_seek(previous) if previous is not None and reuse else None
    if seek is None:
        return {}
    return {d: (Run(*s), run_of(e)) for d, s, e in zip(seek.ids, seek.docs, seek.edges) if d in reuse}


GRAPH_SEEK_VERSION = 2


@dataclass
class GraphRuns:
    """What graph.json's sidecar says can be copied: document id -> the runs of its nodes and of
    its links (None: it has none); and the run of the nodes after the documents' (the entities'
    and the edge ends that are no node) with a digest of what they were written from."""

    docs: dict[str, tuple[Run, Run | None]]
    tail: tuple[str, Run] | None = None


def write_graph_seek(graph: Path, spans: list[list], tail: tuple[str, int, int] | None) -> None:
    """graph.seek.json beside ``graph``: per document [id, offset, bytes of its nodes, offset,
    bytes of its links (0 for none)], the tail of the nodes [digest, offset, bytes], with the size
    and modification time of the file they describe (a graph.json replaced by other means is not
    copied from)."""
    from kb.build.seek import seek_path

    st = os.stat(graph)
    data = {"graph_seek": GRAPH_SEEK_VERSION, "graph": [st.st_size, st.st_mtime_ns], "documents": spans, "tail": tail}
    tmp = seek_path(graph).with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    os.replace(tmp, seek_path(graph))


def graph_runs(graph: Path | None, reuse: frozenset[str]) -> GraphRuns:
    """The runs of ``graph`` of the documents of ``reuse``, and its tail; none when its sidecar
    does not describe it."""
    from kb.build.seek import seek_path

    if graph is None or not reuse:
        return GraphRuns({})
    try:
        st = os.stat(graph)
        data = json.loads(seek_path(graph).read_bytes())
        if data.get("graph_seek") != GRAPH_SEEK_VERSION or data.get("graph") != [st.st_size, st.st_mtime_ns]:
            return GraphRuns({})
        docs = {d: (Run(no, nl), Run(lo, ll) if ll else None) for d, no, nl, lo, ll in data["documents"] if d in reuse}
        tail = data.get("tail")
        return GraphRuns(docs, (tail[0], Run(tail[1], tail[2])) if tail else None)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError):
        return GraphRuns({})
