"""The per-document build cache under ``.build.gens/cache/``: entries keyed by a file's bytes, the
single/multi mode and the code version; JSON lines plus pickled models."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import pickle
import shutil
from collections.abc import Sequence
from pathlib import Path

from kb.index.stored import HEAD_END


@functools.cache
def _code_version() -> str:
    """Cached documents are valid only for the code and lexicon that made them."""
    pkg = Path(__file__).resolve().parent.parent
    per_doc = [
        p
        for p in pkg.rglob("*")
        if p.is_file()
        and p.suffix in (".py", ".tsv")
        and "__pycache__" not in p.parts
        and p.relative_to(pkg).parts[0] not in ("site", "commands")
    ]
    return _hash_files(sorted(per_doc), pkg)


@functools.cache
def _package_version() -> str:
    """Index entries and site pages linked from a previous build are valid only for the same
    package, templates and scripts included."""
    pkg = Path(__file__).resolve().parent.parent
    return _hash_files(sorted(p for p in pkg.rglob("*") if p.is_file() and "__pycache__" not in p.parts), pkg)


def _hash_files(paths, root: Path) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(str(p.relative_to(root)).encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def _cache_path(cache: Path, sha: str) -> Path:
    return cache / _code_version() / f"{sha}.json"


def _dump(x) -> str:
    return json.dumps(x, ensure_ascii=False, separators=(",", ":"))


def _cache_get(cache: Path, key: str) -> dict | None:
    """A cache entry is three lines: the document exactly as kb.json holds it (so kb.json can be
    written from the file without serializing it again); its edges and discovered names; its
    index rows (read only when the index needs them: see :class:`_CachedRows`)."""
    p = _cache_path(cache, key)
    try:
        with open(p, encoding="utf-8") as f:
            head, rest, rows = f.readline(), f.readline(), f.readline()
        if not rows.endswith("\n"):
            return None  # cut short
        part = json.loads(rest)
        part["document"] = json.loads(head)
        part["line_len"] = len(head) - 1
    except (OSError, ValueError):
        return None
    return part


class _CachedRows:
    """Document id -> its index rows, read from the cache entry when asked (holding the jieba
    words of a thousand plans in memory at once would take a gigabyte); rows of documents whose
    entry could not be written are held here."""

    def __init__(self, paths: dict[str, Path | None], held: dict[str, dict]):
        self.paths, self.held = paths, held

    def get(self, doc_id: str, default=None):
        if doc_id in self.held:
            return self.held[doc_id]
        p = self.paths.get(doc_id)
        if p is None:
            return default
        try:
            with open(p, encoding="utf-8") as f:
                f.readline()
                f.readline()
                return json.loads(f.readline())
        except (OSError, ValueError):
            return default  # write_index then computes the words itself


def _cached_document_line(entry: tuple[Path, int], doc) -> str | None:
    """The document's kb.json line from its cache entry, with its current title and path (the
    line starts ``{"id":…,"title":…,"source":…,"sha256":``; a JSON string cannot hold the raw
    text ``,"sha256":``, so the first one ends the three)."""
    path, length = entry
    try:
        with open(path, encoding="utf-8") as f:
            line = f.readline()
    except (OSError, ValueError):
        return None  # removed meanwhile (another code version's build prunes old entries)
    if len(line) != length + 1 or not line.endswith("\n"):
        return None  # cut short or replaced: serialize the model instead
    line = line[:-1]
    if not line.startswith('{"id":' + _dump(doc.id) + ","):
        return None
    i = line.find(HEAD_END.decode())
    if i < 0:
        return None
    return document_head(doc) + line[i:]


def document_head(doc) -> str:
    """The start of a document's kb.json line, up to :data:`kb.index.stored.HEAD_END`."""
    return f'{{"id":{_dump(doc.id)},"title":{_dump(doc.title)},"source":{_dump(doc.source)}'


def _models_get(cache: Path, key: str):
    """The models of a cached document (document, edges, discovered names, findings, and the
    length of its kb.json line in the entry, to tell a cut entry from a whole one), pickled
    beside its JSON entry: loading a thousand plans from JSON and building the dataclasses again
    takes about three times as long."""
    models = _pickle_get(_cache_path(cache, key).with_suffix(".pkl"))
    return models if isinstance(models, tuple) and len(models) == 5 else None


def _models_put(cache: Path, key: str, models: tuple) -> bool:
    """Whether the models are now in the cache (a build that could not store them holds them)."""
    return _pickle_put(_cache_path(cache, key).with_suffix(".pkl"), models)


# Beside a document's entry, what the build makes of it and would otherwise make again from its
# models on every build: the facts it keeps of it (``.held``: kb.build.stream.Held), its kb.json
# edge lines (``.kbe``) and its part of graph.json (``.graph``). An update that changes one plan
# of a thousand then reads these instead of unpickling and serializing every plan's model.
SIDECARS = (".pkl", ".held", ".kbe", ".graph")


def _sidecar(cache: Path, key: str, suffix: str) -> Path:
    return _cache_path(cache, key).with_suffix(suffix)


def _pickle_get(path: Path, count: int | None = None):
    """The object pickled at ``path``, or with ``count`` a tuple of the first ``count`` objects of
    a file of several (a reader that needs the first only reads no further); None if unreadable."""
    try:
        with open(path, "rb") as f:
            if count is None:
                return pickle.load(f)
            return tuple(pickle.load(f) for _ in range(count))
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError, TypeError):
        return None


def _text_get(path: Path) -> str | None:
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, ValueError):
        return None
    return text[:-1] if text.endswith("\n") else None  # cut short: made again


def _text_put(path: Path, text: str) -> None:
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        with _removed_on_failure(tmp):
            tmp.write_text(text + "\n", encoding="utf-8")
            os.replace(tmp, path)
    except OSError:
        pass  # the cache only saves time


def _pickle_put(p: Path, models, *more) -> bool:
    """Pickle ``models`` (and ``more`` after it, each on its own: see :func:`_pickle_get`)."""
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        tmp = p.with_suffix(f".{os.getpid()}.tmp")
        with _removed_on_failure(tmp):
            with open(tmp, "wb") as f:
                for x in (models, *more):
                    pickle.dump(x, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, p)
    except (OSError, pickle.PicklingError, RecursionError):
        return False
    return True


@contextlib.contextmanager
def _removed_on_failure(tmp: Path):
    """A temporary file that a failed write (disk full, read-only cache) must not leave behind."""
    try:
        yield
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def _stale_tmp(folder: Path) -> None:
    """``*.PID.tmp`` files of cache writers that died (killed mid-write)."""
    from kb.store import _alive

    for t in folder.glob("*.tmp"):
        pid = t.suffixes[-2][1:] if len(t.suffixes) >= 2 else ""
        if not (pid.isdigit() and _alive(int(pid))):
            with contextlib.suppress(OSError):
                t.unlink()


def _prune_cache(used: Sequence[tuple[Path, int] | None]) -> None:
    """Drop the entries of documents no longer in the collection (edited or removed) once they
    outnumber the live ones, so the cache stays within twice the collection's size."""
    paths = [u[0] for u in used if u is not None]
    live = {p.stem for p in paths}
    folder = next((p.parent for p in paths), None)
    if folder is None or not folder.is_dir():
        return
    _stale_tmp(folder)
    stale = [p for p in folder.glob("*.json") if p.stem not in live]
    if len(stale) > len(live):
        for p in stale:
            for q in (p, *(p.with_suffix(x) for x in SIDECARS)):
                with contextlib.suppress(OSError):
                    q.unlink()


def _cache_put(cache: Path, key: str, part: dict) -> int | None:
    """Write an entry; returns the length of its document line (None if it could not be written)."""
    p = _cache_path(cache, key)
    try:
        if not p.parent.exists():
            # entries made by other code versions can never be read again
            if cache.exists():
                for old in cache.iterdir():
                    shutil.rmtree(old, ignore_errors=True)
            p.parent.mkdir(parents=True, exist_ok=True)
        tmp = p.with_suffix(f".{os.getpid()}.tmp")
        rest = {k: v for k, v in part.items() if k not in ("document", "index_rows")}
        head = _dump(part["document"])
        with _removed_on_failure(tmp):
            tmp.write_text(head + "\n" + _dump(rest) + "\n" + _dump(part.get("index_rows")) + "\n", encoding="utf-8")
            os.replace(tmp, p)
        return len(head)
    except OSError:
        return None  # the cache only saves time; a build without it is still right
