"""Exact doc sets and BM25F scores read straight from whoosh's posting blocks.

whoosh's matchers cost ~15 µs of Python per posting and per scored unit (matcher trees, a
column read per field length, span objects for every phrase check); at 1,000 plans a common
word matches 15,000 units. Here a posting list is read block by block (one unpickle per 128
postings), a field's lengths column is read once as bytes, and a phrase is checked on decoded
positions only for the units that hold all its bigrams. Scores use whoosh's own BM25F formula,
statistics and operation order, so they equal what its collector gives to the last bit.

Only Term and Phrase leaves under And / Or / AndMaybe are handled; any other query (Prefix, for
a one-character search) goes to whoosh (:class:`Unsupported`).
"""

from __future__ import annotations


class Unsupported(Exception):
    """A query shape this module does not evaluate; the caller uses whoosh for it."""


class _Seg:
    """One segment: its reader, the offset of its docnums, deleted docnums, lengths by field."""

    def __init__(self, reader, offset: int):
        self.r = reader
        self.offset = offset
        self.deleted = set(reader.deleted_docs()) if reader.has_deletions() else set()
        self._lens: dict[str, bytes] = {}

    def lengths(self, field: str) -> bytes:
        got = self._lens.get(field)
        if got is None:
            from whoosh.codec.whoosh3 import _lenfield

            name = _lenfield(field)
            perdoc = self.r._perdoc  # the per-document reader: the lengths column is not a schema field
            if perdoc.has_column(name):
                f, base, n = perdoc._get_column_file(name)
                got = bytes(f.get(base, n))
            else:
                got = b""
            self._lens[field] = got
        return got


class _Postings:
    """One term's postings in one segment: (local docnum, weight, value) by block, decoded
    lazily; a block whose docnum range holds no wanted unit is never unpickled."""

    def __init__(self, seg: _Seg, field: str, text: bytes):
        self.seg = seg
        self.blocks: list = []  # (first possible docnum, last docnum, loader or inline data)
        from whoosh.codec.whoosh3 import W3LeafMatcher
        from whoosh.reading import TermNotFound

        try:
            m = seg.r.postings(field, text)
        except TermNotFound:  # not in this segment
            return

        if not isinstance(m, W3LeafMatcher):  # inlined: a few postings kept in the term info
            ids, ws, vs = [], [], []
            while m.is_active():
                ids.append(m.id())
                ws.append(m.weight())
                vs.append(m.value())
                m.next()
            if ids:
                self.blocks.append((ids[0], ids[-1], (ids, ws, vs)))
            return
        lo = 0
        while True:
            self.blocks.append((lo, m._maxid, (m, m._dataoffset, m._nextoffset)))
            lo = m._maxid + 1
            if m._lastblock:
                break
            m._goto(m._nextoffset)

    @staticmethod
    def _load(ref):
        if isinstance(ref[0], list):
            return ref
        import zlib
        from pickle import loads

        from whoosh.util.numlists import delta_decode

        m, start, end = ref
        b = m._postfile.get(start, end - start)
        ids, ws, vs = loads(zlib.decompress(b) if m._compression else b)
        ids = list(delta_decode(ids)) if not m._byteids else list(ids)
        n = len(ids)
        if ws is None:
            ws = [1.0] * n
        elif isinstance(ws, float):
            ws = [ws] * n
        if vs is None or not isinstance(vs, (list, tuple)):
            vs = [None] * n
        return ids, ws, vs

    def read(self, wanted: set[int] | None = None):
        """(local docnum, weight, value) of every posting, or of the blocks holding a unit of
        ``wanted`` (local docnums; the caller filters further)."""
        if wanted is not None:
            want = sorted(wanted)
        import bisect

        for lo, hi, ref in self.blocks:
            if wanted is not None:
                i = bisect.bisect_left(want, lo)
                if i == len(want) or want[i] > hi:
                    continue
            ids, ws, vs = self._load(ref)
            yield from zip(ids, ws, vs)


class Engine:
    """Doc sets and top-k scores of simple whoosh queries on one searcher (global docnums)."""

    def __init__(self, searcher):
        self.s = searcher
        subs = searcher.leaf_searchers() if not searcher.is_atomic() else [(searcher, 0)]
        self.segs = [_Seg(sub.reader(), off) for sub, off in subs]
        self._post: dict = {}
        self._docs: dict = {}
        self._scores: dict = {}

    # ------------------------------------------------------------------ reading

    def _postings(self, field: str, text: str) -> list[_Postings]:
        key = (field, text)
        got = self._post.get(key)
        if got is None:
            b = self.s.schema[field].to_bytes(text)
            got = self._post[key] = [_Postings(g, field, b) for g in self.segs]
        return got

    def _term(self, field: str, text: str, wanted: set[int] | None = None):
        """(global docnum, weight, value) of a term's live postings (optionally only those in
        ``wanted``)."""
        for p in self._postings(field, text):
            off, dead = p.seg.offset, p.seg.deleted
            local = None if wanted is None else {d - off for d in wanted if off <= d < off + p.seg.r.doc_count_all()}
            if local is not None and not local:
                continue
            for d, w, v in p.read(local):
                if d in dead or (local is not None and d not in local):
                    continue
                yield d + off, w, v

    def _phrase_docs(self, field: str, words: list[str], wanted: set[int] | None) -> set[int]:
        """Units whose ``field`` holds the bigrams ``words`` at consecutive positions."""
        from whoosh.formats import Positions

        decode = Positions.decode_positions
        fmt = self.s.schema[field].format
        first: dict[int, object] | None = None
        rest: list[dict[int, object]] = []
        # the rarest bigram first: it bounds the units whose other postings are decoded
        order = sorted(set(words), key=lambda w: self.s.doc_frequency(field, w))
        for w in order:
            got = {d: v for d, _w, v in self._term(field, w, wanted)}
            wanted = set(got) if wanted is None else wanted & got.keys()
            if not wanted:
                return set()
            rest.append(got)
        first = rest[0]
        by_word = dict(zip(order, rest))
        out = set()
        for d in wanted:
            starts = None
            for i, w in enumerate(words):
                poss = {p - i for p in decode(fmt, by_word[w][d])}
                starts = poss if starts is None else starts & poss
                if not starts:
                    break
            if starts:
                out.add(d)
        del first
        return out

    # ------------------------------------------------------------------ doc sets

    def docs(self, q) -> set[int]:
        """The live units matching q (Term, Phrase, And, Or; others through whoosh)."""
        got = self._docs.get(q)
        if got is not None:
            return got
        from whoosh.query import And, Or, Phrase, Term

        if isinstance(q, Term):
            got = {d for d, _w, _v in self._term(q.fieldname, q.text)}
        elif isinstance(q, Phrase):
            got = self._phrase_docs(q.fieldname, list(q.words), None)
        elif isinstance(q, Or):
            got = set().union(*(self.docs(x) for x in q.subqueries)) if q.subqueries else set()
        elif isinstance(q, And) and q.subqueries:
            got = set.intersection(*(self.docs(x) for x in q.subqueries))
        else:
            got = set(self.s.docs_for_query(q))
        self._docs[q] = got
        return got

    # ------------------------------------------------------------------ scores

    def leaves(self, q) -> list:
        """The Term and Phrase queries whose scores whoosh adds up for a unit that q matches:
        And, Or and AndMaybe sum the scores of their matching parts; And and Or drop a part
        equal to an earlier one at the same level (whoosh's normalize())."""
        from whoosh.query import And, AndMaybe, Or, Phrase, Term

        if isinstance(q, (Term, Phrase)):
            if q.boost != 1.0:
                raise Unsupported(q)
            return [q]
        if isinstance(q, AndMaybe):
            return self.leaves(q.a) + self.leaves(q.b)
        if type(q) in (And, Or) and q.boost == 1.0:
            flat: list = []
            for x in q.subqueries:
                flat += list(x.subqueries) if type(x) is type(q) else [x]
            seen: list = []
            for x in flat:
                if x not in seen:
                    seen.append(x)
            return [leaf for x in seen for leaf in self.leaves(x)]
        raise Unsupported(q)

    def _term_scores(self, field: str, text: str, within: set[int]) -> dict[int, float]:
        """BM25F of a term for the units of ``within`` that hold it (whoosh's formula)."""
        from whoosh.codec.whoosh3 import byte_to_length

        w = self.s.weighting
        B = getattr(w, "_field_B", {}).get(field, w.B)
        K1 = w.K1
        idf = self.s.idf(field, text)
        avgfl = self.s.avg_field_length(field) or 1
        norm = [K1 * ((1 - B) + B * byte_to_length(b) / avgfl) for b in range(256)]
        k1p = K1 + 1
        out: dict[int, float] = {}
        for p in self._postings(field, text):
            off = p.seg.offset
            lens = p.seg.lengths(field)
            n = len(lens)
            local = {d - off for d in within if off <= d < off + p.seg.r.doc_count_all()}
            if not local:
                continue
            for d, tf, _v in p.read(local):
                if d in local:
                    tf = float(tf)
                    out[d + off] = idf * ((tf * k1p) / (tf + norm[lens[d] if d < n else 0]))
        return out

    def _leaf_scores(self, q, within: set[int]) -> dict[int, float]:
        from whoosh.query import Phrase

        key = (q, id(within))
        if isinstance(q, Phrase):
            ok = self._phrase_docs(q.fieldname, list(q.words), within)
            parts = [self._term_scores(q.fieldname, w, ok) for w in q.words]
            out = {}
            for d in ok:
                sc = 0.0
                for i, part in enumerate(parts):
                    sc = part[d] if i == 0 else sc + part[d]
                out[d] = sc
            return out
        del key
        return self._term_scores(q.fieldname, q.text, within)

    def scores(self, q, within: set[int]) -> dict[int, float]:
        """whoosh's score of every unit of ``within`` (all of which q matches)."""
        total: dict[int, float] = {}
        for leaf in self.leaves(q):
            for d, sc in self._leaf_scores(leaf, within).items():
                total[d] = total[d] + sc if d in total else sc
        return total

    def top(self, q, within: set[int], k: int | None) -> list[tuple[float, int]]:
        """(score, docnum), best first, ties in document order; the best k (all with None)."""
        got = self.scores(q, within)
        ranked = sorted(got.items(), key=lambda x: (-x[1], x[0]))
        if k is not None:
            ranked = ranked[:k]
        return [(sc, d) for d, sc in ranked]
