"""whoosh's posting blocks read directly: a segment's length columns, a term's blocks (headers
first, postings when needed) and one leaf resolved for scoring unit by unit. Internals of
whoosh 2.7's W3 codec (block header tuple, per-document reader) with the blocks and positions
in the index's compact encoding (kb.index.codec); kb.index.postings builds on them."""

from __future__ import annotations

# imported once a searcher is open: whoosh is loaded by then
import bisect
import functools
from collections.abc import Sequence
from itertools import accumulate, repeat
from operator import getitem

from whoosh.codec.whoosh3 import _lenfield, byte_to_length
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound

from kb.index.blockformat import CompactPositions
from kb.index.codec import TermBlocks, block_ids, position_deltas, read_block


class _Tables(dict):
    """A term's score at each length byte, per weight (a unit's weight is one of a few values,
    so a posting costs two lookups, not the formula); made on first use of a weight."""

    def __init__(self, make):
        super().__init__()
        self.make = make

    def __missing__(self, tf) -> list[float]:
        got = self[tf] = self.make(tf)
        return got


@functools.lru_cache(maxsize=64)
def _norms(K1: float, B: float, avgfl: float) -> tuple[float, ...]:
    """BM25F's length normalization at each length byte: the same for every term of a field, so
    made once per field rather than per term (~50 terms in the first query of a process)."""
    return tuple(K1 * ((1 - B) + B * byte_to_length(b) / avgfl) for b in range(256))


def make_scorer(searcher, field: str, text: str) -> _Tables:
    """Score tables of a weight by length byte: whoosh's BM25F with the same statistics and
    operations, so the same floats."""
    w = searcher.weighting
    B = getattr(w, "_field_B", {}).get(field, w.B)
    K1 = w.K1
    idf = searcher.idf(field, text)
    avgfl = searcher.avg_field_length(field) or 1
    norm = _norms(K1, B, avgfl)
    k1p = K1 + 1

    def table(tf) -> list[float]:
        t = float(tf)
        return [idf * ((t * k1p) / (t + c)) for c in norm]

    return _Tables(table)


class _Seg:
    """One segment: its reader, the offset of its docnums, deleted docnums, lengths by field."""

    def __init__(self, reader, offset: int):
        self.r = reader
        self.offset = offset
        self.end = offset + reader.doc_count_all()
        self.deleted = set(reader._perdoc.deleted_docs()) if reader.has_deletions() else set()
        self._lens: dict[str, bytes] = {}
        self.decoded = 0  # postings of this segment decoded so far (the engine's memory budget)

    def lengths(self, field: str) -> bytes:
        """One length byte per docnum of the segment (0 for a unit without the field): padded
        to the segment's size, so a docnum indexes it without a bounds check."""
        got = self._lens.get(field)
        if got is None:
            name = _lenfield(field)
            perdoc = self.r._perdoc  # the per-document reader: the lengths column is not a schema field
            if perdoc.has_column(name):
                f, base, n = perdoc._get_column_file(name)
                got = bytes(f.get(base, n))
            else:
                got = b""
            self._lens[field] = got = got.ljust(self.end - self.offset, b"\0")
        return got


class _Postings:
    """One term's postings in one segment, block by block: each block's docnum range and its
    score frontier (kb.index.blockformat.score_frontier) come from its small header; its postings
    (local docnum, weight, value) are decoded on first use and kept."""

    def __init__(self, seg: _Seg, field: str, text: bytes):
        self.seg = seg
        self.los: list[int] = []  # first possible docnum of each block
        self.his: list[int] = []  # last docnum of each block
        self.fronts: Sequence[list[tuple[float, int]]] = []  # (weight, length byte) pairs of each block
        self._blocks: TermBlocks | None = None
        self._fmt = seg.r.schema[field].format
        self._data: list = []
        self._ids: list = []  # (docnums, undecoded parts) of a block read for its docnums only
        self._maxes: tuple[_Tables, list[float]] | None = None  # (tables, block_maxes with them)
        try:
            raw = seg.r._terms.postings_bytes(field, text)  # the segment's TermTable (kb.index.codec)
        except TermNotFound:  # not in this segment
            return
        if raw is not None:
            tb = self._blocks = TermBlocks(raw)
            self.his, self.fronts = tb.his, tb.fronts
            self.los = [0] + [h + 1 for h in tb.his[:-1]]
            self._data = [None] * len(tb.his)
            self._ids = [None] * len(tb.his)
            return
        # inlined: a few postings kept in the term info. A segment with deleted units (an
        # incremental build) has whoosh wrap the matcher to skip them; the readers here drop
        # them themselves (seg.deleted)
        m = seg.r.postings(field, text)
        if isinstance(m, FilterMatcher):
            m = m.child
        ids, ws, vs = [], [], []
        deltas = isinstance(m.format, CompactPositions)
        while m.is_active():
            ids.append(m.id())
            ws.append(m.weight())
            vs.append(position_deltas(m.value()) if deltas else m.value())  # as a block gives it
            m.next()
        if ids:
            lens = seg.lengths(field)
            self.los, self.his = [ids[0]], [ids[-1]]
            self.fronts = [[(w, lens[d]) for d, w in zip(ids, ws)]]
            self._data, self._ids = [(ids, ws, vs)], [None]
            seg.decoded += len(ids)

    def _parts(self, i: int):
        assert self._blocks is not None  # inlined postings are decoded from the start
        return self._blocks.parts(i)

    def ids(self, i: int) -> list[int]:
        """The local docnums of block i: a doc set reads no weight or value (a phrase's
        candidates are the docnums of all its bigrams), so the rest waits for :meth:`block`."""
        got = self._data[i]
        if got is not None:
            return got[0]
        got = self._ids[i]
        if got is None:
            parts = self._parts(i)
            got = self._ids[i] = (block_ids(parts), parts)
            self.seg.decoded += len(got[0])
        return got[0]

    def block(self, i: int):
        """(ids, weights, values) of block i."""
        got = self._data[i]
        if got is None:
            assert self._blocks is not None
            count = self._blocks.spans[i][2]
            half = self._ids[i]
            if half is None:
                got = read_block(self._parts(i), count, self._fmt)
                self.seg.decoded += len(got[0])
            else:
                got = read_block(half[1], count, self._fmt, half[0])
                self._ids[i] = None
            self._data[i] = got
        return got

    def locate(self, d: int) -> tuple[int, int] | None:
        """(block, index in it) of local docnum d's posting, or None."""
        i = bisect.bisect_left(self.his, d)
        if i == len(self.his) or self.los[i] > d:
            return None
        ids = self.block(i)[0]
        j = bisect.bisect_left(ids, d)
        if j == len(ids) or ids[j] != d:
            return None
        return i, j

    def lookup(self, d: int):
        """(weight, value) of local docnum d's posting, or None."""
        at = self.locate(d)
        if at is None:
            return None
        _ids, ws, vs = self.block(at[0])
        return ws[at[1]], vs[at[1]]

    def find(self, d: int) -> int:
        """The block that would hold local docnum d, or -1."""

        i = bisect.bisect_left(self.his, d)
        return i if i < len(self.his) and self.los[i] <= d else -1

    def add_scores(self, out: dict[int, float], tables: _Tables, field: str, blocks: list[int] | None = None) -> None:
        """Put the score of every live posting (of ``blocks``, default all) into ``out`` by
        global docnum, block by block without a Python step per posting."""
        off, lens, rows = self.seg.offset, self.seg.lengths(field), tables.__getitem__
        for i in range(len(self.his)) if blocks is None else blocks:
            ids, ws, _vs = self.block(i)
            scores = map(getitem, map(rows, ws), map(lens.__getitem__, ids))
            out.update(zip(map(off.__add__, ids), scores) if off else zip(ids, scores))
        for d in self.seg.deleted:
            out.pop(d + off, None)

    def block_maxes(self, tables: _Tables) -> list[float]:
        """The largest score of each block (its frontier's largest); kept, as every leaf of
        every query asks again."""
        if self._maxes is None or self._maxes[0] is not tables:
            self._maxes = (tables, [max(tables[w][b] for w, b in front) for front in self.fronts])
        return self._maxes[1]

    def add_block_bounds(self, out: dict[int, float], tables: _Tables, field: str, local: list[int]) -> None:
        """For each local docnum of ``local`` (sorted) inside a block's range: the block's
        maximum weight scored at the unit's own length, or the block's largest score when lower
        (block headers only, no postings read)."""
        off, lens = self.seg.offset, self.seg.lengths(field)
        for lo, hi, front, top in zip(self.los, self.his, self.fronts, self.block_maxes(tables)):
            a, b = bisect.bisect_left(local, lo), bisect.bisect_right(local, hi)
            if a == b:
                continue
            got = map(min, map(tables[front[0][0]].__getitem__, map(lens.__getitem__, local[a:b])), repeat(top))
            out.update(zip(map(off.__add__, local[a:b]), got))

    def blocks_for(self, wanted: set[int] | None) -> list[int]:
        """The blocks that may hold a unit of ``wanted`` (local docnums; every block for None)."""
        if wanted is None:
            return list(range(len(self.his)))

        want = sorted(wanted)
        out = []
        for i, (lo, hi) in enumerate(zip(self.los, self.his)):
            j = bisect.bisect_left(want, lo)
            if j < len(want) and want[j] <= hi:
                out.append(i)
        return out


def consecutive(values: list) -> bool:
    """Whether the positions values of a unit (arrays of position deltas, kb.index.codec), one
    per bigram of a phrase, hold positions p, p + 1, ... in turn: the phrase is there."""
    if len(values) == 2 and len(values[0]) == 1 and len(values[1]) == 1:
        return values[1][0] == values[0][0] + 1  # a three-character string found once: no sets
    starts = set(accumulate(values[0]))
    for i, x in enumerate(values[1:], 1):
        starts.intersection_update(map((-i).__add__, accumulate(x)))
        if not starts:
            return False
    return True


class _LeafView:
    """One Term or Phrase leaf resolved for scoring unit by unit: its bigrams' postings per
    segment, score tables and length columns, and its match set when already known."""

    __slots__ = ("posts", "tables", "lens", "known")

    def __init__(self, posts, tables, lens, known):
        self.posts: list[list[_Postings]] = posts  # by word, then segment
        self.tables = tables
        self.lens: list[bytes] = lens  # by segment
        self.known: set[int] | None = known

    def score(self, seg: int, d: int) -> float | None:
        """The leaf's score for unit d (in segment number ``seg``), or None if it misses d."""
        if self.known is not None and d not in self.known:
            return None
        got = []
        local = d - self.posts[0][seg].seg.offset
        for by_seg in self.posts:
            p = by_seg[seg]
            at = p.locate(local)
            if at is None:
                return None
            got.append(p.block(at[0]) + at[1:])  # (ids, weights, values, index)
        if len(got) > 1 and self.known is None and not consecutive([vs[j] for _ids, _ws, vs, j in got]):
            return None
        lb = self.lens[seg][local]
        sc = 0.0
        for i, ((_ids, ws, _vs, j), table) in enumerate(zip(got, self.tables)):
            one = table[ws[j]][lb]
            sc = one if i == 0 else sc + one
        return sc
