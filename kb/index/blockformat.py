"""The index's posting block layout and its writer (kb.index.codec reads the blocks): the
compact positions format, a block laid out column by column with byte planes, deflated, behind
a struct header holding its score frontier. Imports nothing beyond whoosh and the standard
library (kb.index.codec imports it when an index is opened)."""

from __future__ import annotations

import struct
import sys
import zlib
from array import array
from itertools import accumulate

from whoosh.codec import whoosh3
from whoosh.formats import Positions

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


# a block's header: its postings, last docnum, max length byte, the size of its score frontier,
# then the frontier's (weight, length byte) pairs
_HEAD = struct.Struct("<HIBB")
_PAIR = struct.Struct("<fB")
_ID = 1  # the positions format: each value's frequency, then all positions in one array


def _scaled(boost: float, nums) -> list[float]:
    """Each of nums times boost: with no boost, only converted (the same floats at half the
    cost of a multiplying method per posting)."""
    return list(map(float, nums)) if boost == 1.0 else list(map(boost.__mul__, nums))


def _narrow(nums) -> array:
    """Non-negative ints in an array of the narrowest width that holds the largest."""
    top = max(nums, default=0)
    return array("B" if top < 0x100 else "H" if top < 0x10000 else "I" if top < 0x100000000 else "Q", nums)


def _planes(a: array) -> bytes:
    """The typecode byte, then the array's little-endian bytes a byte plane at a time (every
    number's low byte, then every second byte...): the high bytes of small numbers are mostly
    zero and deflate to almost nothing, where interleaved they cost about as much as the low."""
    if not _LITTLE:
        a = array(a.typecode, a)
        a.byteswap()
    b = a.tobytes()
    w = a.itemsize
    return a.typecode.encode("ascii") + (b if w == 1 else b"".join(b[i::w] for i in range(w)))


class CompactPostingsWriter(whoosh3.W3PostingsWriter):
    """W3's postings writer with a block laid out column by column: the docnum deltas, the
    weights (left out when they are the values' frequencies times the field boost), then for the
    positions format every posting's frequency and one array of all its position deltas (one
    width for the block, not a length and a typecode byte per posting); each array by byte
    planes (:func:`_planes`), the block deflated raw. Its header is a fixed struct rather than
    W3's pickled tuple, and a term's postings start with no magic bytes: both cost more than the
    postings of a rare bigram."""

    _maxweight: float
    _minlength: int | None
    _maxlength: int
    _lengths: list[int]  # each posting's field length (0: none), for the block's score frontier

    def _new_block(self):
        super()._new_block()
        self._lengths = []

    def add_posting(self, id_, weight, vbytes, length=None):
        # W3's add_posting with its per-posting type assertions left out (a fifth of its cost)
        if len(self._ids) >= self._blocklimit:
            self._write_block()
        self._ids.append(id_)
        self._weights.append(weight)
        self._lengths.append(length or 0)
        if weight > self._maxweight:
            self._maxweight = weight
        if vbytes:
            self._values.append(vbytes)
        if length:
            if self._minlength is None or length < self._minlength:
                self._minlength = length
            if length > self._maxlength:
                self._maxlength = length

    def _values_bytes(self, values: list[bytes]) -> tuple[bytes, list[int] | None]:
        """The block's values and, for the positions format, their frequencies."""
        if not values:
            return b"\0", None
        if isinstance(self._format, CompactPositions):
            if all(v[0] == 0x42 for v in values):  # b"B": one byte per delta, the usual case
                freqs = [len(v) - 1 for v in values]
                deltas = array("B", b"".join([v[1:] for v in values]))
            else:
                deltas_l = [_unpack(v) for v in values]
                freqs = list(map(len, deltas_l))
                deltas = _narrow([x for d in deltas_l for x in d])
            return bytes([_ID]) + _planes(_narrow(freqs)) + _planes(deltas), freqs
        return b"\2" + _planes(_narrow([len(v) for v in values])) + b"".join(values), None

    def _write_block(self, last=False):
        self._terminfo.add_block(self)
        ids, weights, values = self._ids, self._weights, self._values
        deltas = [ids[0]] + [b - a for a, b in zip(ids, ids[1:])]
        vbytes, freqs = self._values_bytes(values)
        if freqs is not None:
            derived = array("f", _scaled(self._format.field_boost, freqs))
        elif values and len(values) == len(ids):
            derived = array("f", map(self._format.decode_weight, values))
        else:
            derived = None
        if derived is not None and len(values) == len(ids) and weights == derived:
            wbytes = b"\0"  # the weights are the values' (frequency x field boost): not stored twice
        elif all(w == weights[0] for w in weights):
            wbytes = b"\1" + array("f", weights[:1]).tobytes()  # one weight for all (most often 1.0)
        else:
            wbytes = b"\2" + weights.tobytes()
        raw = _planes(_narrow(deltas)) + wbytes + vbytes
        z = zlib.compressobj(self._compression or 1, zlib.DEFLATED, -15)  # raw: no header, no checksum
        packed = z.compress(raw) + z.flush()
        data = b"\1" + packed if len(packed) < len(raw) else b"\0" + raw
        front = score_frontier(weights, self._lengths)
        info = _HEAD.pack(len(ids), ids[-1], whoosh3.length_to_byte(self._maxlength), len(front))
        info += b"".join(_PAIR.pack(w, b) for w, b in front)
        n = len(info) + len(data)
        self._postfile.write_int(-n if last else n)
        self._postfile.write(info)
        self._postfile.write(data)
        self._blockcount += 1
        self._new_block()


def score_frontier(weights, lengths) -> list[tuple[float, int]]:
    """The (weight, length byte) pairs of a block's postings that no other posting dominates
    (as great a weight at as short a length), by decreasing weight: BM25F grows with the weight
    and shrinks with the length whatever the collection statistics, so the block's largest score
    is the largest of these pairs' scores, exactly, in any later state of the index. A reader
    skips a block whose largest score cannot enter the top k; the block's maximum weight at its
    minimum length (W3's bound) is far above it when those come from different postings."""
    shortest: dict[float, int] = {}
    for w, n in zip(weights, lengths):
        if n < shortest.get(w, n + 1):
            shortest[w] = n
    out: list[tuple[float, int]] = []
    for w in sorted(shortest, reverse=True):
        b = whoosh3.length_to_byte(shortest[w])
        if not out or b < out[-1][1]:
            out.append((w, b))
    return out
