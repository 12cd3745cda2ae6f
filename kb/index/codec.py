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
nothing beyond whoosh and the standard library.
"""

from __future__ import annotations

import bisect
import marshal
import operator
import struct
import sys
import zlib
from array import array
from itertools import accumulate

from whoosh import columns
from whoosh.codec import whoosh3
from whoosh.formats import Frequency, Positions

_LITTLE = sys.byteorder == "little"


def _pack(nums) -> bytes:
    """Non-negative ints as one typecode byte and a little-endian array of the narrowest
    width that holds the largest."""
    top = max(nums, default=0)
    tc = "B" if top < 0x100 else "H" if top < 0x10000 else "I" if top < 0x100000000 else "Q"
    a = array(tc, nums)
    if not _LITTLE:
        a.byteswap()
    return tc.encode("ascii") + a.tobytes()


def _unpack(b: bytes) -> array:
    a = array(chr(b[0]))
    a.frombytes(b[1:])
    if not _LITTLE:
        a.byteswap()
    return a


class CompactPositions(Positions):
    """whoosh's Positions format with the position deltas stored by :func:`_pack`
    (the same positions, frequencies and weights)."""

    def encode(self, poslist):
        base = 0
        deltas = []
        for p in poslist:
            deltas.append(p - base)
            base = p
        return _pack(deltas)

    def decode_positions(self, valuestring):
        return list(accumulate(_unpack(valuestring)))

    def decode_frequency(self, valuestring):
        return (len(valuestring) - 1) // array(chr(valuestring[0])).itemsize

    def decode_weight(self, valuestring):
        return self.decode_frequency(valuestring) * self.field_boost


class CompactPostingsWriter(whoosh3.W3PostingsWriter):
    _maxweight: float
    _minlength: int | None
    _maxlength: int

    def add_posting(self, id_, weight, vbytes, length=None):
        # W3's add_posting with its per-posting type assertions left out (a fifth of its cost)
        if len(self._ids) >= self._blocklimit:
            self._write_block()
        self._ids.append(id_)
        self._weights.append(weight)
        if weight > self._maxweight:
            self._maxweight = weight
        if vbytes:
            self._values.append(vbytes)
        if length:
            if self._minlength is None or length < self._minlength:
                self._minlength = length
            if length > self._maxlength:
                self._maxlength = length

    def _write_block(self, last=False):
        if not self._blockcount:
            self._postfile.write(whoosh3.WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        ids, weights, values = self._ids, self._weights, self._values
        deltas = [ids[0]] + [b - a for a, b in zip(ids, ids[1:])]
        if values and len(values) == len(ids) and weights == array("f", map(self._format.decode_weight, values)):
            wbytes = b""  # the weights are the values' (frequency x field boost): not stored twice
        elif all(w == weights[0] for w in weights):
            wbytes = array("f", weights[:1]).tobytes()  # one weight for all (most often 1.0)
        else:
            wbytes = weights.tobytes()
        vbytes = _pack([len(v) for v in values]) + b"".join(values) if values else b""
        data = zlib.compress(marshal.dumps((_pack(deltas), wbytes, vbytes)), self._compression or 1)
        info = whoosh3.dumps(
            (
                len(ids),
                ids[-1],
                self._maxweight,
                1,
                whoosh3.length_to_byte(self._minlength),
                whoosh3.length_to_byte(self._maxlength),
            ),
            2,
        )
        n = len(info) + len(data)
        self._postfile.write_int(-n if last else n)
        self._postfile.write(info)
        self._postfile.write(data)
        self._blockcount += 1
        self._new_block()


def position_deltas(valuestring: bytes) -> array:
    """The position deltas of a :class:`CompactPositions` value (for readers that add them up
    themselves, kb.index.blocks)."""
    return _unpack(valuestring)


def _value_ends(vb: bytes, count: int) -> list[int]:
    """A block's values are one length per posting (packed), then the values back to back:
    where each value starts, and where the last ends."""
    lens = array(chr(vb[0]))
    pos = 1 + count * lens.itemsize
    lens.frombytes(vb[1:pos])
    if not _LITTLE:
        lens.byteswap()
    return list(accumulate(lens, initial=pos))


class _Values:
    """A block's values, each cut out of the block's bytes when asked for: a reader wants the
    positions of a few units of a block, or none (a doc set, weights); where each value starts
    is worked out on first use."""

    __slots__ = ("vb", "count", "_ends")

    def __init__(self, vb: bytes, count: int):
        self.vb, self.count = vb, count
        self._ends: list[int] | None = None

    @property
    def ends(self) -> list[int]:
        if self._ends is None:
            self._ends = _value_ends(self.vb, self.count)
        return self._ends

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, j: int) -> bytes:
        ends = self.ends
        return self.vb[ends[j] : ends[j + 1]]

    def __iter__(self):
        vb, ends = self.vb, self.ends
        a = ends[0]
        for b in ends[1:]:
            yield vb[a:b]
            a = b


_ITEMSIZE = {ord(tc): array(tc).itemsize for tc in "BHIQ"}


def _derived_weights(fmt, values: _Values) -> list[float] | None:
    """The weights of a block written without them (each the value's frequency times the field
    boost), from the values' sizes rather than value by value: a :class:`CompactPositions`
    value holds one position per item after its typecode byte; a Frequency value is the
    frequency as a big-endian uint32 (all of a block's values four bytes long: their lengths
    are then ``count`` bytes of 4, and no value needs cutting out). None for another format."""
    boost, vb, count = fmt.field_boost, values.vb, values.count
    if isinstance(fmt, CompactPositions):
        ends = values.ends
        starts = ends[:-1]
        lens = map(operator.sub, ends[1:], starts)
        typecodes = bytes(map(vb.__getitem__, starts))
        if typecodes.count(b"B") == len(typecodes):  # one byte per position, the usual case
            return _scaled(boost, map((-1).__add__, lens))
        return [(n - 1) // _ITEMSIZE[tc] * boost for n, tc in zip(lens, typecodes)]
    if isinstance(fmt, Frequency) and vb[: count + 1] == b"B" + b"\x04" * count:
        freqs = array("I")
        freqs.frombytes(vb[count + 1 :])
        if _LITTLE:
            freqs.byteswap()
        return _scaled(boost, freqs)
    return None


def _scaled(boost: float, nums) -> list[float]:
    """Each of nums times boost: with no boost, only converted (the same floats at half the
    cost of a multiplying method per posting)."""
    return list(map(float, nums)) if boost == 1.0 else list(map(boost.__mul__, nums))


def block_parts(raw: bytes) -> tuple[bytes, bytes, bytes]:
    """The three byte strings (docnum deltas, weights, values) of one posting block as
    :class:`CompactPostingsWriter` wrote it."""
    return marshal.loads(zlib.decompress(raw))


def block_ids(parts: tuple[bytes, bytes, bytes]) -> list[int]:
    """The docnums of a block (a doc set needs nothing else of it)."""
    return list(accumulate(_unpack(parts[0])))


def read_block(parts: tuple[bytes, bytes, bytes], count: int, fmt, ids: list[int] | None = None):
    """(docnums, weights, values) of a block's :func:`block_parts` (``count`` postings, ``fmt``
    the field's format; ``ids`` its :func:`block_ids` when already read), all at once: what
    :class:`CompactLeafMatcher` reads piece by piece."""
    _ids_b, w_b, v_b = parts
    ids = ids if ids is not None else block_ids(parts)
    values: _Values | list = _Values(v_b, count) if v_b else [None] * count
    if not w_b:
        derived = _derived_weights(fmt, values) if isinstance(values, _Values) else None
        weights = derived or [fmt.decode_weight(v) for v in values]
    else:
        w = array("f")
        w.frombytes(w_b)
        weights = list(w) if len(w) == count else list(w) * count
    return ids, weights, values


class CompactLeafMatcher(whoosh3.W3LeafMatcher):
    def _read_data(self):
        b = self._postfile.get(self._dataoffset, self._nextoffset - self._dataoffset)
        self._data = marshal.loads(zlib.decompress(b))

    def _read_ids(self):
        if self._data is None:
            self._read_data()
        self._ids = tuple(accumulate(_unpack(self._data[0])))

    def _read_weights(self):
        if self._data is None:
            self._read_data()
        w = array("f")
        if not self._data[1]:
            if self._values is None:
                self._read_values()
            w.extend(map(self.format.decode_weight, self._values))
            self._weights = w
            return
        w.frombytes(self._data[1])
        self._weights = w if len(w) == self._blocklength else w * self._blocklength

    def _read_values(self):
        if self._data is None:
            self._read_data()
        vb = self._data[2]
        self._values = tuple(_Values(vb, self._blocklength)) if vb else (None,) * self._blocklength


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
    """W3 with :class:`CompactPostingsWriter` blocks and stored fields in :class:`BlockColumn`
    (term vectors, which we do not use, keep W3's)."""

    def per_document_writer(self, storage, segment):
        return BlockStoredWriter(self, storage, segment)

    def per_document_reader(self, storage, segment):
        return BlockStoredReader(storage, segment)

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
