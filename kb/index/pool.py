"""An in-memory posting pool for whoosh's SegmentWriter that stays small and is written term by
term rather than posting by posting.

whoosh's PostingPool keeps one Python tuple per posting (field, term, docnum, weight, value:
about 230 bytes each, 1.5 million of them for 30 plans), sorts them all at the end, and its
writer then passes every posting through four Python calls (the field writer's ``add``, the
codec's ``add_posting`` with its length lookup). Here the postings of a term are appended to
typed arrays (docnum and weight) and a list of values, most of them shared objects (a value is
the encoded positions or frequency, and most postings hold one position or frequency 1), so
nothing needs sorting but the distinct terms; and a flush hands the codec's postings writer a
block of postings at a time (:func:`write_postings`). A SegmentWriter adds documents in docnum
order, so each term's postings arrive in order (checked; sorted if not). ``nbytes`` is what the
part writer watches to end a segment, which bounds a writer's memory whatever the collection
size.
"""

from __future__ import annotations

from array import array
from collections import Counter


class _Postings:
    __slots__ = ("docs", "weights", "values", "unordered")

    def __init__(self):
        self.docs = array("I")
        self.weights = array("f")
        self.values: list[bytes] = []  # empty for a format without values (whoosh's Existence)
        self.unordered = False  # a docnum came after a larger one (sorted when written)


class _Encoder:
    """A field format's posting values as whoosh's Positions and Frequency formats make them,
    with a table of the common ones (a single position, a frequency) by that number."""

    def __init__(self, fmt):
        from whoosh.formats import Frequency, Positions
        from whoosh.system import pack_uint

        if isinstance(fmt, Positions):
            self.encode, self.positions = fmt.encode, True
        elif isinstance(fmt, Frequency):
            self.encode, self.positions = pack_uint, False
        else:
            raise TypeError(f"no token postings for {type(fmt).__name__}")
        self.boost = fmt.field_boost
        self._table: list[bytes] = []

    def table(self, n: int) -> list[bytes]:
        """The value of position i (a Positions format) or of frequency i, for i < n at least."""
        t = self._table
        while len(t) < n:
            t.append(self.encode([len(t)] if self.positions else len(t)))
        return t


# A unit of more tokens than this has its repeated terms' positions gathered in one pass: found
# by list.index, each term costs the span of its occurrences, which over a long unit (a plan of
# one 2 MB line is one paragraph) adds up to tokens x distinct terms.
_INDEX_SCAN_MAX = 4096


def _positions(tokens: list[str], t: str, first: int, count: int) -> list[int]:
    out = [first]
    for _ in range(count - 1):
        out.append(tokens.index(t, out[-1] + 1))
    return out


def _occurrences(tokens: list[str]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for i, t in enumerate(tokens):
        got = out.get(t)
        if got is None:
            out[t] = [i]
        else:
            got.append(i)
    return out


class CompactPool:
    def __init__(self, tempstore=None):
        self.tempstore = tempstore  # the writer replaces it; nothing is written there
        self.fields: dict[str, dict[str, _Postings]] = {}
        self.nbytes = 0
        self._encoders: dict[str, _Encoder] = {}

    def _terms(self, fieldname: str) -> dict[str, _Postings]:
        got = self.fields.get(fieldname)
        if got is None:
            got = self.fields[fieldname] = {}
        return got

    def add_tokens(self, fieldname: str, fmt, docnum: int, tokens: list[str]) -> int:
        """Add one document's postings of a field given as its token list, as whoosh makes them
        (positions 0, 1, ..., weight frequency x field boost; whoosh's ``entoken``) but with the
        per-token work done by C loops (Counter, dict, list.index); returns the field length
        (the number of tokens). Documents come in docnum order."""
        enc = self._encoders.get(fieldname)
        if enc is None:
            enc = self._encoders[fieldname] = _Encoder(fmt)
        n = len(tokens)
        counts = Counter(tokens)
        table = enc.table(n + 1)
        # each term's first position: a later (smaller) index overwrites an earlier one
        first = dict(zip(reversed(tokens), range(n - 1, -1, -1))) if enc.positions else None
        terms = self._terms(fieldname)
        boost = enc.boost
        every: dict[str, list[int]] | None = None  # a long unit's positions, made when first needed
        for t, c in counts.items():
            p = terms.get(t)
            if p is None:
                p = terms[t] = _Postings()
                self.nbytes += 200 + len(t) * 3  # the key, the record and its arrays
            p.docs.append(docnum)
            p.weights.append(c * boost)
            if first is None:
                p.values.append(table[c])
            elif c == 1:
                p.values.append(table[first[t]])
            else:
                if n <= _INDEX_SCAN_MAX:
                    at = _positions(tokens, t, first[t], c)
                else:
                    every = every if every is not None else _occurrences(tokens)
                    at = every[t]
                p.values.append(enc.encode(at))
                self.nbytes += 40  # a value of its own (the others are shared)
        self.nbytes += 16 * len(counts)
        return n

    def add(self, item) -> None:
        """whoosh's interface, one posting at a time: the ID fields of a new document, and the
        postings of a segment folded into a new one (``add_reader``)."""
        fieldname, tbytes, docnum, weight, vbytes = item
        terms = self._terms(fieldname)
        t = tbytes.decode("utf-8")  # every field of the index holds text; written back as UTF-8
        p = terms.get(t)
        if p is None:
            p = terms[t] = _Postings()
            self.nbytes += 200 + len(tbytes)
        if p.docs and docnum <= p.docs[-1]:
            p.unordered = True
        p.docs.append(docnum)
        p.weights.append(weight)
        if vbytes:
            p.values.append(vbytes)
        self.nbytes += 16 + len(vbytes or b"")

    def write(self, fieldwriter, schema, lengths) -> None:
        """Write every term, in (field, term) order, through whoosh's field writer; the pool is
        emptied as it goes. ``lengths``: the segment's field lengths (kb.index.storage)."""
        from whoosh.codec.whoosh3 import W3TermInfo
        from whoosh.system import pack_ushort

        for fieldname in sorted(self.fields):
            terms = self.fields.pop(fieldname)
            fieldwriter.start_field(fieldname, schema[fieldname])
            col = lengths.column(fieldname)
            pw, fmt, add = fieldwriter._postwriter, fieldwriter._format, fieldwriter._tindex.add
            field_key = pack_ushort(fieldwriter._fieldid)
            # code point order is UTF-8 byte order: the order whoosh's term index needs. The loop
            # is the field writer's start_term/finish_term (W3FieldWriter) inlined: it runs once
            # per term, a few hundred thousand times in a large segment
            for t in sorted(terms):
                pw.start_postings(fmt, W3TermInfo())
                write_postings(pw, terms.pop(t), col)
                add(field_key + t.encode("utf-8"), pw.finish_postings().to_bytes())
            fieldwriter.finish_field()
        self.nbytes = 0

    def cleanup(self) -> None:
        self.fields.clear()
        self.nbytes = 0


def write_postings(pw, p: _Postings, col: list[int]) -> None:
    """One term's postings into the codec's postings writer ``pw`` (between its start and finish),
    a block at a time: each block's buffers and statistics are set as ``add_posting`` would have
    set them posting by posting (the lengths are those whoosh's writer looks up, ``col``), then
    written by the codec's own block writer, so the bytes are the same."""
    docs, weights, values = p.docs, p.weights, p.values
    if p.unordered:
        order = sorted(range(len(docs)), key=docs.__getitem__)
        docs = array("I", map(docs.__getitem__, order))
        weights = array("f", map(weights.__getitem__, order))
        values = list(map(values.__getitem__, order)) if values else values
    limit = pw._blocklimit
    for a in range(0, len(docs), limit):
        if a:
            pw._write_block()
        ids = docs[a : a + limit]
        pw._ids = ids
        pw._weights = ws = weights[a : a + limit]
        pw._values = values[a : a + limit]
        top = max(ws)
        pw._maxweight = top if top > 0 else 0  # add_posting keeps its initial 0 unless a weight passes it
        pw._lengths = all_lens = list(map(col.__getitem__, ids))
        lens = [n for n in all_lens if n]
        pw._minlength = min(lens) if lens else None
        pw._maxlength = max(lens) if lens else 0
