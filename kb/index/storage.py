"""Adaptations of whoosh's writer for kb/index/write.py: a storage that never writes into an
existing file (so a new index generation may hard-link the previous one's segments), and a
leaner document add and segment flush over our posting pool (kb.index.pool)."""

from __future__ import annotations

import functools
import os
import shutil
from pathlib import Path


def exclusive_storage(folder: Path):
    """A whoosh FileStorage that creates every file exclusively (O_EXCL).

    Why hard links to the previous generation are safe: whoosh never changes a segment file
    after writing it. Segment files (.trm .pst .col) are written once, by ``create_file`` under
    a fresh random segment id, and only read afterwards (``open_file`` is "rb"; mmaps are
    read-only). Deletions are not written into segment files either: they live in the pickled
    segment list of the TOC, and a commit writes the next TOC generation (``_MAIN_<n+1>.toc``)
    to a temporary name and renames it; old TOCs and unused segments are removed with
    ``os.remove``, which drops our directory entry and leaves the other link alone. The write
    lock (opened O_WRONLY without truncation, never written) and our own search.json/state.json
    are not linked at all. The one way whoosh could write into an existing inode is
    ``create_file`` (open "wb") on a name that already exists (a segment id clash); with this
    storage that raises instead, and write_index falls back to a full write."""
    from whoosh.filedb.filestore import FileStorage

    class _ExclusiveStorage(FileStorage):
        def create_file(self, name, excl=False, mode="wb", **kwargs):
            return super().create_file(name, excl=True, mode=mode, **kwargs)

    return _ExclusiveStorage(str(folder))


def link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


class _Lengths:
    """The new segment's field lengths, read once per field: whoosh looks one up for every
    posting while writing the term index (1.3 million lookups for 30 plans, a fifth of the
    indexing time); the values are the same."""

    def __init__(self, pdr):
        self.pdr = pdr
        self.cols: dict[str, list[int]] = {}

    def column(self, fieldname: str) -> list[int]:
        """The length of the field in each document, by docnum (as whoosh reads it back)."""
        col = self.cols.get(fieldname)
        if col is None:
            col = self.cols[fieldname] = [
                self.pdr.doc_field_length(i, fieldname, 0) for i in range(self.pdr.doc_count_all())
            ]
        return col

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        return self.column(fieldname)[docnum]

    def close(self) -> None:
        self.pdr.close()


def _flush(w) -> None:
    """The writer's segment flush (whoosh's ``_flush_segment``) with the postings written term by
    term from our pool (:meth:`kb.index.pool.CompactPool.write`)."""
    w.perdocwriter.close()
    lengths = _Lengths(w.per_document_reader())
    try:
        w.pool.write(w.fieldwriter, w.schema, lengths)
        w.fieldwriter.close()
    finally:
        lengths.close()


def add_document(w, fields: dict) -> None:
    """whoosh's ``SegmentWriter.add_document`` for our fields, a unit's token lists going to the
    pool a term at a time (:meth:`kb.index.pool.CompactPool.add_tokens`) rather than through
    whoosh's per-token analysis. The same postings, lengths and stored fields: a list value is
    what whoosh indexes as tokens at positions 0, 1, ... with boost 1; a string value (the ID
    fields) takes whoosh's own path. No per-document or per-field boosts, vectors or columns
    (the schema has none)."""
    perdoc, pool, docnum = w.perdocwriter, w.pool, w.docnum
    perdoc.start_doc(docnum)
    try:
        for name in sorted(fields):
            field = w.schema[name]
            value = fields[name]
            length = 0
            if field.indexed and isinstance(value, list):
                n = pool.add_tokens(name, field.format, docnum, value)
                length = n if field.scorable else 0
            elif field.indexed:
                for tbytes, _freq, weight, vbytes in field.index(value):
                    pool.add((name, tbytes, docnum, weight, vbytes))  # ID fields: not scorable
            perdoc.add_field(name, field, value if field.stored else None, length)
    except Exception:
        perdoc.cancel_doc()
        raise
    perdoc.finish_doc()
    w._added = True
    w.docnum += 1


@functools.lru_cache(maxsize=1)
def _term_index_class():
    """whoosh's term index writer (OrderedHashWriter with MD5 hashes) adding a term with one file
    write and no ``tell`` calls, keeping the file position itself: the same bytes, for a fraction
    of the cost of a call made once per term."""
    from hashlib import md5

    from whoosh.filedb.filetables import OrderedHashWriter, _lengths

    class _TermIndex(OrderedHashWriter):
        pos: int  # where the next record goes (set when a writer's class is changed to this one)
        lastkey: bytes

        def add(self, key: bytes, value: bytes) -> None:
            if key <= self.lastkey:
                raise ValueError(f"Keys must increase: {self.lastkey!r}..{key!r}")
            pos = self.pos
            record = _lengths.pack(len(key), len(value)) + key + value
            self.dbfile.write(record)
            self.pos = pos + len(record)
            self.index.append(pos)
            h = int.from_bytes(md5(key, usedforsecurity=False).digest()[12:], "big")  # whoosh's md5_hash
            self.buckets[h & 255].append((h, pos))
            self.lastkey = key

    return _TermIndex


def _fast_term_index(tindex) -> None:
    from whoosh.filedb.filetables import OrderedHashWriter

    if type(tindex) is OrderedHashWriter and tindex.hashtype == 0:  # what W3's field writer makes
        tindex.__class__ = _term_index_class()
        tindex.pos = tindex.dbfile.tell()


def segment_writer(make, *args, **kwargs):
    """A whoosh segment writer (``make``: ``ix.writer`` or ``SegmentWriter``) with our codec,
    our posting pool and its flush. Not compound: compound files record mtimes, and the same
    corpus must give the same index bytes."""
    from kb.index.codec import CompactCodec
    from kb.index.pool import CompactPool

    w = make(*args, codec=CompactCodec(), compound=False, **kwargs)
    w.pool = CompactPool(w._tempstorage)
    _fast_term_index(w.fieldwriter._tindex)
    # an instance attribute: whoosh's writer calls it when it ends a segment (nothing is pickled)
    w._flush_segment = lambda: _flush(w)
    return w
