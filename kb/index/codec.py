"""The index's on-disk posting format: whoosh's own (W3) codec with compact posting blocks.

Why: whoosh 2.7 pickles each block of postings with protocol 2, in which every per-posting
value (the positions of a bigram in a unit) becomes a ``_codecs.encode`` call on a latin-1
string, and its position lists are pickled lists of ints: about 11 bytes per bigram
occurrence, four fifths of the index. Here a block is three byte strings (document number
deltas, weights, values) packed as fixed-width arrays of the smallest width that holds them,
and positions are such an array too: zlib then brings the bigram field near 1.5 bytes per
occurrence, and reading a block is ``array.frombytes`` instead of unpickling 128 objects.

Everything else (term index, block info with the block-max statistics, stored fields, length
columns, segments) is W3's. The codec and format classes are pickled by name into the index
(the TOC and the schema), so this module is imported when an index is opened: it imports
nothing beyond whoosh, the standard library and kb.index.blockformat (the block layout and
its writer).
"""

from __future__ import annotations

import bisect
import marshal
import struct
import zlib
from array import array
from collections.abc import Sequence
from itertools import accumulate

from whoosh import columns
from whoosh.codec import whoosh3
from whoosh.formats import Frequency

from kb.index.blockformat import (
    _HEAD,
    _ID,
    _LITTLE,
    _PAIR,
    CompactPostingsWriter,
    _pack,
    _scaled,
    _unpack,
)
from kb.index.terms import TermTable


def _from_planes(b: bytes, pos: int, n: int) -> tuple[array, int]:
    """The ``n`` numbers kb.index.blockformat._planes wrote at ``pos`` of ``b``, and where they end."""
    a = array(chr(b[pos]))
    w = a.itemsize
    body: bytes | bytearray = b[pos + 1 : pos + 1 + n * w]
    if w > 1:
        buf = bytearray(n * w)
        for i in range(w):
            buf[i::w] = body[i * n : (i + 1) * n]
        body = buf
    a.frombytes(body)
    if not _LITTLE:
        a.byteswap()
    return a, pos + 1 + n * w


def position_deltas(valuestring: bytes) -> array:
    """The position deltas of a :class:`CompactPositions` value."""
    return _unpack(valuestring)


class _Values:
    """A block's values, each cut out of the block's bytes when asked for: a reader wants the
    positions of a few units of a block, or none (a doc set, weights). For the positions format
    a value is the array of its position deltas; for another format, its bytes."""

    __slots__ = ("vb", "pos", "count", "freqs", "_arr", "_starts")

    def __init__(self, vb: bytes, pos: int, count: int):
        self.vb, self.count = vb, count
        self._arr: array | None = None
        self._starts: list[int] | None = None
        self.freqs: array | None = None  # the positions format: each value's frequency
        if vb[pos] == _ID:
            self.freqs, self.pos = _from_planes(vb, pos + 1, count)
        else:
            lens, self.pos = _from_planes(vb, pos + 1, count)
            self._starts = list(accumulate(lens, initial=self.pos))

    def _layout(self) -> tuple[array | bytes, list[int]]:
        if self._starts is None:
            assert self.freqs is not None
            self._arr = _from_planes(self.vb, self.pos, sum(self.freqs))[0]
            self._starts = list(accumulate(self.freqs, initial=0))
        return (self._arr if self._arr is not None else self.vb), self._starts

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, j: int):
        arr, starts = self._layout()
        return arr[starts[j] : starts[j + 1]]

    def __iter__(self):
        arr, starts = self._layout()
        return map(arr.__getitem__, map(slice, starts, starts[1:]))


def _derived_weights(fmt, values: _Values) -> list[float] | None:
    """The weights of a block written without them (each the value's frequency times the field
    boost): the positions format keeps the frequencies; a Frequency value is the frequency as a
    big-endian uint32 (all of a block's values four bytes long: their lengths are then
    ``count`` bytes of 4, and no value needs cutting out). None for another format."""
    boost, vb, count = fmt.field_boost, values.vb, values.count
    if values.freqs is not None:
        return _scaled(boost, values.freqs)
    if isinstance(fmt, Frequency) and values._starts == list(range(values.pos, values.pos + 4 * count + 1, 4)):
        freqs = array("I")
        freqs.frombytes(vb[values.pos : values.pos + 4 * count])
        if _LITTLE:
            freqs.byteswap()
        return _scaled(boost, freqs)
    return None


class BlockParts:
    """One posting block as kb.index.blockformat.CompactPostingsWriter wrote it, inflated: its docnum deltas
    read, its weights and values where they start."""

    __slots__ = ("raw", "deltas", "rest")

    def __init__(self, data: bytes, count: int):
        self.raw = raw = zlib.decompress(data[1:], -15) if data[0] else data[1:]
        self.deltas, self.rest = _from_planes(raw, 0, count)


_LEN = struct.Struct("!i")  # a block's byte length, negative for a term's last (whoosh's write_int)


class Frontiers(Sequence):
    """The score frontier of each block of a term, each decoded when first asked for: a term
    read for its doc set or its whole score map never needs them, and decoding all of them took
    most of the time of reading a term's headers."""

    __slots__ = ("buf", "spans", "got", "missing")

    def __init__(self, buf: bytes, spans: list[tuple[int, int]]):
        self.buf, self.spans = buf, spans  # where each frontier's pairs are in buf
        self.got: list = [None] * len(spans)
        self.missing = len(spans)  # frontiers not decoded yet

    def __len__(self) -> int:
        return len(self.spans)

    def __getitem__(self, i):  # ints only: slices are never taken
        got = self.got[i]
        if got is None:
            a, b = self.spans[i]
            got = self.got[i] = list(_PAIR.iter_unpack(self.buf[a:b]))
            self.missing -= 1
        return got

    def __iter__(self):
        # every block's (a term's block maxima): all decoded, then iterated without a call per block
        if self.missing:
            for i in range(len(self.spans)):
                self[i]
        return iter(self.got)


class TermBlocks:
    """A term's posting blocks in one segment, read from the postings file in one piece and their
    headers parsed from it: ``his`` the last docnum of each block, ``fronts`` its score frontier,
    ``spans`` (start, end, postings) of its data in ``buf``.

    Why one read: walking the blocks through the file costs three positional reads per block
    (length, header, frontier; whoosh's seek and read in Python each time), ~8,000 of them in the
    first query of a process at 1,000 plans; the term's bytes are read whole once instead (a few
    hundred KB for the commonest bigram) and kept, so a block's postings are cut out of memory."""

    __slots__ = ("buf", "his", "fronts", "spans")

    def __init__(self, buf: bytes):
        self.buf = buf
        self.his: list[int] = []
        self.spans: list[tuple[int, int, int]] = []
        fronts: list[tuple[int, int]] = []
        pos, last = 0, False
        while not last:
            (length,) = _LEN.unpack_from(buf, pos)
            last = length < 0
            end = pos + 4 + abs(length)
            count, maxid, _mx, n = _HEAD.unpack_from(buf, pos + 4)
            at = pos + 4 + _HEAD.size
            start = at + n * _PAIR.size
            self.his.append(maxid)
            fronts.append((at, start))
            self.spans.append((start, end, count))
            pos = end
        self.fronts = Frontiers(buf, fronts)

    def parts(self, i: int) -> BlockParts:
        start, end, count = self.spans[i]
        return BlockParts(self.buf[start:end], count)


def block_ids(parts: BlockParts) -> list[int]:
    """The docnums of a block (a doc set needs nothing else of it)."""
    return list(accumulate(parts.deltas))


def read_block(parts: BlockParts, count: int, fmt, ids: list[int] | None = None):
    """(docnums, weights, values) of a block's :class:`BlockParts` (``count`` postings, ``fmt``
    the field's format; ``ids`` its :func:`block_ids` when already read), all at once: what
    :class:`CompactLeafMatcher` reads piece by piece."""
    raw, pos = parts.raw, parts.rest
    ids = ids if ids is not None else block_ids(parts)
    kind = raw[pos]
    vpos = pos + 1 + (0, 4, 4 * count)[kind]
    values: _Values | list = _Values(raw, vpos, count) if raw[vpos] else [None] * count
    if kind == 0:
        derived = _derived_weights(fmt, values) if isinstance(values, _Values) else None
        weights = derived or [fmt.decode_weight(_value_bytes(v)) for v in values]
    else:
        w = array("f")
        w.frombytes(raw[pos + 1 : vpos])
        weights = list(w) if len(w) == count else list(w) * count
    return ids, weights, values


def values_at(values, js: list[int]):
    """The values at indexes ``js`` of a :func:`read_block` block's values, without a Python
    step per value (a phrase check wants the positions of some units of many blocks)."""
    if not isinstance(values, _Values):
        return map(values.__getitem__, js)
    arr, starts = values._layout()
    return map(arr.__getitem__, map(slice, map(starts.__getitem__, js), map(starts.__getitem__, map((1).__add__, js))))


def _value_bytes(v) -> bytes:
    """A value as whoosh's format decodes it: a positions value's deltas packed again."""
    return _pack(v) if isinstance(v, array) else v


class CompactLeafMatcher(whoosh3.W3LeafMatcher):
    """W3's leaf matcher over kb.index.blockformat.CompactPostingsWriter blocks (no magic bytes, a struct
    header); values handed to whoosh are encoded as its formats decode them."""

    def _read_header(self):
        self._baseoffset = self._startoffset

    def _goto(self, position):
        f = self._postfile
        self._data = self._ids = self._weights = self._values = None
        self._i = 0
        length = f.get_int(position)
        if length < 0:
            self._lastblock = True
            length = -length
        self._nextoffset = position + 4 + length
        self._blocklength, self._maxid, mx, n = _HEAD.unpack(f.get(position + 4, _HEAD.size))
        at = position + 4 + _HEAD.size
        self.frontier = list(_PAIR.iter_unpack(f.get(at, n * _PAIR.size)))
        self._dataoffset = at + n * _PAIR.size
        self._compression = 1
        self._maxweight = self.frontier[0][0]
        self._minlength = whoosh3.byte_to_length(self.frontier[-1][1])
        self._maxlength = whoosh3.byte_to_length(mx)

    def _block(self):
        """(docnums, weights, values) of the current block, read on first use."""
        if self._data is None:
            b = self._postfile.get(self._dataoffset, self._nextoffset - self._dataoffset)
            self._data = read_block(BlockParts(b, self._blocklength), self._blocklength, self.format)
        return self._data

    def _read_ids(self):
        self._ids = tuple(self._block()[0])

    def _read_weights(self):
        self._weights = array("f", self._block()[1])

    def _read_values(self):
        self._values = tuple(map(_value_bytes, self._block()[2]))


# ----- stored fields in compressed blocks

BLOCK_DOCS = 32  # units per stored-field block: a hit decompresses at most this many
BLOCK_RAW = 32 * 1024  # or fewer, when their pickles reach this many bytes
_COUNT = struct.Struct("<Q")


def _le(a: array) -> bytes:
    if not _LITTLE:
        a = array(a.typecode, a)
        a.byteswap()
    return a.tobytes()


def _from_le(typecode: str, b: bytes) -> array:
    a = array(typecode)
    a.frombytes(b)
    if not _LITTLE:
        a.byteswap()
    return a


class BlockColumn(columns.Column):
    """Variable-length values deflated a block of consecutive documents at a time.

    W3 deflates each unit's stored fields alone: a unit is a few hundred characters, too little
    for zlib to find the repeats (the phrases a plan uses again and again), and the stored text
    took more bytes than the input. Neighbouring units of one plan compress together about
    three times smaller. Layout: the blocks (each the marshalled value lengths and values,
    deflated), the offset of each block and of their end (8 bytes each), the first docnum of
    each block (4 bytes each), the number of blocks (8 bytes)."""

    def writer(self, dbfile):
        return self.Writer(dbfile)

    def reader(self, dbfile, basepos, length, doccount):
        return self.Reader(dbfile, basepos, length, doccount)

    class Writer(columns.ColumnWriter):
        def __init__(self, dbfile):
            self._dbfile = dbfile
            self._start = dbfile.tell()
            self._offsets = array("Q")
            self._firsts = array("I")
            self._values: list[bytes] = []
            self._raw = 0
            self._next = 0  # the next docnum

        def add(self, docnum, v):
            while self._next < docnum:  # documents with no value
                self._put(b"")
            self._put(v)

        def _put(self, v: bytes) -> None:
            self._values.append(v)
            self._raw += len(v)
            self._next += 1
            if len(self._values) >= BLOCK_DOCS or self._raw >= BLOCK_RAW:
                self._emit()

        def _emit(self) -> None:
            if not self._values:
                return
            self._firsts.append(self._next - len(self._values))
            self._offsets.append(self._dbfile.tell() - self._start)
            body = marshal.dumps((_pack([len(v) for v in self._values]), b"".join(self._values)))
            self._dbfile.write(zlib.compress(body, 6))
            self._values, self._raw = [], 0

        def finish(self, doccount):
            self._emit()
            n = len(self._firsts)
            self._offsets.append(self._dbfile.tell() - self._start)
            self._dbfile.write(_le(self._offsets) + _le(self._firsts) + _COUNT.pack(n))

    class Reader(columns.ColumnReader):
        def __init__(self, dbfile, basepos, length, doccount):
            columns.ColumnReader.__init__(self, dbfile, basepos, length, doccount)
            (n,) = _COUNT.unpack(dbfile.get(basepos + length - 8, 8))
            tail = dbfile.get(basepos + length - 8 - (n + 1) * 8 - n * 4, (n + 1) * 8 + n * 4)
            self._offsets = _from_le("Q", tail[: (n + 1) * 8])
            self._firsts = _from_le("I", tail[(n + 1) * 8 :])
            self._cached: tuple[int, list[bytes]] = (-1, [])  # the last block read

        def _block(self, i: int) -> list[bytes]:
            if self._cached[0] != i:
                a, b = self._offsets[i], self._offsets[i + 1]
                lens_b, values = marshal.loads(zlib.decompress(self._dbfile.get(self._basepos + a, b - a)))
                out, pos = [], 0
                for n in _unpack(lens_b):
                    out.append(values[pos : pos + n])
                    pos += n
                self._cached = (i, out)
            return self._cached[1]

        def __getitem__(self, docnum):
            i = bisect.bisect_right(self._firsts, docnum) - 1
            if i < 0:
                return b""
            block = self._block(i)
            k = docnum - self._firsts[i]
            return block[k] if k < len(block) else b""

        def __iter__(self):
            for docnum in range(self._doccount):
                yield self[docnum]


STORED_COLUMN = columns.PickleColumn(BlockColumn())


class BlockStoredWriter(whoosh3.W3PerDocWriter):
    def _create_column(self, fieldname, column):
        super()._create_column(fieldname, STORED_COLUMN if fieldname == "_stored" else column)


class BlockStoredReader(whoosh3.W3PerDocReader):
    def stored_fields(self, docnum):
        reader = self._cached_reader("_stored", STORED_COLUMN)
        return (reader[docnum] if reader is not None else None) or {}


class CompactCodec(whoosh3.W3Codec):
    """W3 with kb.index.blockformat.CompactPostingsWriter blocks and stored fields in :class:`BlockColumn`
    (term vectors, which we do not use, keep W3's)."""

    def per_document_writer(self, storage, segment):
        return BlockStoredWriter(self, storage, segment)

    def per_document_reader(self, storage, segment):
        return BlockStoredReader(storage, segment)

    def terms_reader(self, storage, segment):
        name = segment.make_filename(self.TERMS_EXT)
        posts = segment.open_file(storage, self.POSTS_EXT)
        return TermTable(self, storage.open_file(name), storage.file_length(name), posts)

    def postings_writer(self, dbfile, byteids=False):
        if byteids:
            return super().postings_writer(dbfile, byteids=True)
        return CompactPostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        if terminfo.is_inlined():
            return super().postings_reader(dbfile, terminfo, format_, term=term, scorer=scorer)
        offset, length = terminfo.extent()
        return CompactLeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)
