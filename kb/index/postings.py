"""Exact doc sets and BM25F scores read straight from whoosh's posting blocks.

whoosh's matchers cost ~15 µs of Python per posting and per scored unit (matcher trees, a
column read per field length, span objects for every phrase check); at 1,000 plans a common
word matches 15,000 units. Here a posting list is read block by block (one decode per 128
postings), a field's lengths column is read once as bytes, and a phrase is checked on decoded
positions only for the units that hold all its bigrams. Scores use whoosh's own BM25F formula,
statistics and operation order, so they equal what its collector gives to the last bit.

Only Term and Phrase leaves under And / Or / AndMaybe are handled; any other query (Prefix, for
a one-character search) goes to whoosh (:class:`Unsupported`).
"""

from __future__ import annotations

# imported by kb.index.topk once a searcher is open: whoosh is loaded by then
import bisect
import heapq
from itertools import compress, repeat
from operator import add, ge, neg, not_

from whoosh.query import And, AndMaybe, Or, Phrase, Term

from kb.index.blocks import _LeafView, _Postings, _Seg, _Tables, consecutive, make_scorer
from kb.index.codec import values_at


class Unsupported(Exception):
    """A query shape this module does not evaluate; the caller uses whoosh for it."""


class Engine:
    """Doc sets and top-k scores of simple whoosh queries on one searcher (global docnums)."""

    def __init__(self, searcher):
        self.s = searcher
        subs = searcher.leaf_searchers() if not searcher.is_atomic() else [(searcher, 0)]
        self.segs = [_Seg(sub.reader(), off) for sub, off in subs]
        self._post: dict = {}
        self._docs: dict = {}
        self._split: dict = {}
        self._offsets = [g.offset for g in self.segs]
        self._scorers: dict = {}
        self._maps: dict = {}
        self._dfs: dict = {}
        self.evaluated = 0  # units scored exactly by top() (for tests and profiles)

    # postings kept decoded between searches of one process (~100 bytes each): a few
    # million at most, then the caches start again
    MAX_KEPT = 2_000_000

    def begin(self) -> None:
        self._split.clear()
        # (a term's score map, when made, holds one entry per posting counted here)
        if sum(g.decoded for g in self.segs) > self.MAX_KEPT:
            for g in self.segs:
                g.decoded = 0
            self._post.clear()
            self._maps.clear()
            self._docs.clear()
            self._scorers.clear()
            self._dfs.clear()

    # ------------------------------------------------------------------ reading

    def _local(self, docs: set[int], seg: _Seg) -> set[int]:
        """The units of ``docs`` in segment ``seg``, as its local docnums (the split of a set
        is kept while the set lives: every leaf of a query asks for the same one)."""
        got = self._split.get(id(docs))
        if got is None or got[0] is not docs:
            srt = sorted(docs)
            parts = {}
            for g in self.segs:
                a, b = bisect.bisect_left(srt, g.offset), bisect.bisect_left(srt, g.end)
                parts[g.offset] = set(map((-g.offset).__add__, srt[a:b]))
            got = self._split[id(docs)] = (docs, parts)
        return got[1][seg.offset]

    def _postings(self, field: str, text: str) -> list[_Postings]:
        key = (field, text)
        got = self._post.get(key)
        if got is None:
            b = self.s.schema[field].to_bytes(text)
            got = self._post[key] = [_Postings(g, field, b) for g in self.segs]
        return got

    def _df(self, field: str, text: str) -> int:
        got = self._dfs.get((field, text))  # kept: whoosh asks every segment's term table
        if got is None:
            got = self._dfs[field, text] = self.s.doc_frequency(field, text)
        return got

    def _ids(self, field: str, text: str) -> set[int]:
        """The live units holding a term (docnums only: no value is looked at)."""
        out: set[int] = set()
        for p in self._postings(field, text):
            off = p.seg.offset
            for i in range(len(p.his)):
                out.update(map(off.__add__, p.ids(i)) if off else p.ids(i))
            out.difference_update(d + off for d in p.seg.deleted)
        return out

    @staticmethod
    def literal(q) -> bool:
        """q is a Term, a Phrase or an Or of them (a clause and its variants)."""
        if isinstance(q, Or):
            return all(type(x) in (Term, Phrase) and x.boost == 1.0 for x in q.subqueries)
        return type(q) in (Term, Phrase)

    def candidates(self, q) -> set[int]:
        """The units that may match a :meth:`literal` q: those holding a term, or every bigram of
        a phrase with the positions unchecked (a superset that costs no phrase check)."""
        if isinstance(q, Or):
            return set().union(*(self.candidates(x) for x in q.subqueries))
        if isinstance(q, Term):
            return self.docs(q)
        got = self._docs.get(("candidates", q))
        if got is None:
            # the rarest bigram first (term table only): one found nowhere (a synonym variant
            # absent from this collection) ends it before the others' postings are read
            first, *rest = sorted(set(q.words), key=lambda w: self._df(q.fieldname, w))
            got = self._ids(q.fieldname, first)
            for w in rest:
                got = got & self._ids(q.fieldname, w) if got else got
            self._docs["candidates", q] = got
        return got

    def check(self, q, within: set[int]) -> set[int]:
        """The units of ``within`` that a :meth:`literal` q matches (phrase positions are
        checked there only)."""
        if isinstance(q, Or):
            return set().union(*(self.check(x, within) for x in q.subqueries))
        known = self._docs.get(q)
        if known is not None or isinstance(q, Term):
            return within & (known if known is not None else self.docs(q))
        return self._phrase_docs(q.fieldname, list(q.words), within)

    def _term(self, field: str, text: str, wanted: set[int] | None = None) -> dict[int, bytes]:
        """{global docnum: value} of a term's live postings (only those in ``wanted``, when
        given)."""
        out: dict[int, bytes] = {}
        for p in self._postings(field, text):
            off, dead = p.seg.offset, p.seg.deleted
            local = None if wanted is None else self._local(wanted, p.seg)
            if local is not None and not local:
                continue
            blocks = p.blocks_for(local)
            if local is not None and len(local) < 16 * len(blocks):
                # a few units per block (a sample): each looked up, not every posting compared
                for d in local:
                    got = p.lookup(d) if d not in dead else None
                    if got is not None:
                        out[d + off] = got[1]
                continue
            keep = local - dead if local is not None else None
            for i in blocks:
                ids, _ws, vs = p.block(i)
                if keep is None and not dead:
                    out.update(zip(map(off.__add__, ids), vs))
                    continue
                # the postings of live units (of ``wanted``) picked without a Python step per
                # posting: only their values are cut out of the block
                sel = map(keep.__contains__, ids) if keep is not None else map(not_, map(dead.__contains__, ids))
                js = list(compress(range(len(ids)), sel))
                out.update(zip(map(off.__add__, map(ids.__getitem__, js)), values_at(vs, js)))
        return out

    def _phrase_docs(self, field: str, words: list[str], wanted: set[int] | None) -> set[int]:
        """Units whose ``field`` holds the bigrams ``words`` at consecutive positions (of
        ``wanted`` only, when given)."""
        # the rarest bigram first: it bounds the units whose other postings are read
        order = sorted(set(words), key=lambda w: self._df(field, w))
        vals: dict[str, dict[int, bytes]] = {}
        for w in order:
            got = self._term(field, w, wanted)
            wanted = set(got) if wanted is None else wanted & got.keys()
            if not wanted:
                return set()
            vals[w] = got
        if wanted is None or len(words) == 1:
            return wanted or set()
        cols = [vals[w] for w in words]
        return {d for d in wanted if consecutive([col[d] for col in cols])}

    # ------------------------------------------------------------------ doc sets

    def docs(self, q) -> set[int]:
        """The live units matching q (Term, Phrase, And, Or; others through whoosh)."""
        got = self._docs.get(q)
        if got is not None:
            return got

        if isinstance(q, Term):
            got = set(self._term(q.fieldname, q.text))
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

    def _scorer(self, field: str, text: str) -> _Tables:
        """A term's :func:`make_scorer`, kept."""
        got = self._scorers.get((field, text))
        if got is None:
            got = self._scorers[field, text] = make_scorer(self.s, field, text)
        return got

    def _score_map(self, field: str, text: str) -> dict[int, float]:
        """{global docnum: BM25F} of every live posting of a term, block by block without a
        Python step per posting (a term's scores do not depend on the query: kept like its
        postings)."""
        got = self._maps.get((field, text))
        if got is not None:
            return got
        tables = self._scorer(field, text)
        out: dict[int, float] = {}
        for p in self._postings(field, text):
            p.add_scores(out, tables, field)
        self._maps[field, text] = out
        return out

    def _term_scores(self, field: str, text: str, within: set[int]) -> dict[int, float]:
        """BM25F of a term for the units of ``within`` that hold it: the term's whole
        :meth:`_score_map` when kept or when ``within`` is a fair share of its postings, else the
        scores of the blocks that may hold a unit of ``within``. Either way the map holds other
        units too: callers look up units of ``within`` only (cutting the map down would cost
        a Python step per unit)."""
        full = self._maps.get((field, text))
        if full is None and len(within) * 4 >= self._df(field, text):
            full = self._score_map(field, text)
        if full is not None:
            return full
        tables = self._scorer(field, text)
        out: dict[int, float] = {}
        for p in self._postings(field, text):
            local = self._local(within, p.seg)
            if local:
                p.add_scores(out, tables, field, p.blocks_for(local))
        return out

    def _leaf_scores(self, q, within: set[int]) -> dict[int, float]:
        """The leaf's score for each unit of ``within`` it matches (and perhaps for others:
        see :meth:`_term_scores`)."""
        if not isinstance(q, Phrase):
            return self._term_scores(q.fieldname, q.text, within)
        okset = self.check(q, within)
        ok = list(okset)
        parts = [self._term_scores(q.fieldname, w, okset) for w in q.words]
        sums = map(parts[0].__getitem__, ok)
        for part in parts[1:]:  # bigram by bigram, as whoosh adds them up
            sums = map(add, sums, map(part.__getitem__, ok))
        return dict(zip(ok, sums))

    def _view(self, q) -> _LeafView:
        words = list(q.words) if isinstance(q, Phrase) else [q.text]
        return _LeafView(
            [self._postings(q.fieldname, w) for w in words],
            [self._scorer(q.fieldname, w) for w in words],
            [g.lengths(q.fieldname) for g in self.segs],
            self._docs.get(q),
        )

    def _bounds(self, q, within: set[int]) -> dict[int, float]:
        """An upper bound of the leaf's score for each unit of ``within`` it may match; a phrase
        adds its bigrams' bounds (equal to its score where its positions match)."""
        words = list(q.words) if isinstance(q, Phrase) else [q.text]
        out: dict[int, float] = {}
        for i, w in enumerate(words):
            got = self._word_bounds(q.fieldname, w, within)
            if i == 0:
                out = got
            else:  # every bigram must be there (the maps may hold other units: see _term_scores)
                out = {d: out[d] + got[d] for d in out.keys() & got.keys()}
        return out

    def _word_bounds(self, field: str, w: str, within: set[int]) -> dict[int, float]:
        """The term's exact scores when its score map is at hand or cheap to make (a tight
        bound: units are then scored in nearly their final order), else its block bounds."""
        if (field, w) in self._maps or self._df(field, w) <= 4 * len(within):
            return self._term_scores(field, w, within)
        tables, got = self._scorer(field, w), dict[int, float]()
        for p in self._postings(field, w):
            p.add_block_bounds(got, tables, field, sorted(self._local(within, p.seg)))
        return got

    def _reach(self, leaves, late, units: list[int], exact: list[float], low: float) -> set[int]:
        """The units (sorted, with their exact parts) whose exact part plus the deferred leaves'
        block bounds reaches ``low``. The docnums of a segment are cut where any deferred
        bigram's block ends; on each piece a leaf can give at most its block's largest score
        (the block's score frontier, kb.index.codec; a phrase at most the sum over its bigrams)."""
        terms = []
        for i in late:
            q = leaves[i]
            for w in list(q.words) if isinstance(q, Phrase) else [q.text]:
                terms.append((self._postings(q.fieldname, w), self._scorer(q.fieldname, w)))
        top_exact = max(exact, default=0.0)
        out: set[int] = set()
        for k, g in enumerate(self.segs):
            start, end = bisect.bisect_left(units, g.offset), bisect.bisect_left(units, g.end)
            if start == end:
                continue
            last = units[end - 1] - g.offset
            blocks = []
            for posts, tables in terms:
                p = posts[k]
                blocks.append((p.his, p.block_maxes(tables)))
            cuts = sorted({h for his, _ in blocks for h in his} | {last})
            at = [0] * len(blocks)
            lo = 0
            for hi in cuts:
                bound = 0.0
                for j, (his, bs) in enumerate(blocks):
                    while at[j] < len(his) and his[at[j]] < lo:
                        at[j] += 1
                    if at[j] < len(his):
                        bound += bs[at[j]]
                if bound + top_exact >= low:
                    a = bisect.bisect_left(units, lo + g.offset, start, end)
                    b = bisect.bisect_right(units, hi + g.offset, start, end)
                    out.update(compress(units[a:b], map(ge, map(add, repeat(bound), exact[a:b]), repeat(low))))
                lo = hi + 1
                if lo > last:
                    break
        return out

    def _leaf_max(self, q) -> float:
        """The largest score the leaf can give any unit (block headers only)."""
        words = list(q.words) if isinstance(q, Phrase) else [q.text]
        total = 0.0
        for w in words:
            tables = self._scorer(q.fieldname, w)
            total += max((m for p in self._postings(q.fieldname, w) for m in p.block_maxes(tables)), default=0.0)
        return total

    def cost(self, q) -> int:
        # a phrase is checked from its rarest bigram on
        words = list(q.words) if isinstance(q, Phrase) else [q.text]
        return min(self._df(q.fieldname, w) for w in words)

    def scores(self, q, within: set[int]) -> dict[int, float]:
        """whoosh's score of every unit of ``within`` (all of which q matches)."""
        leaves = self.leaves(q)
        per = [self._leaf_scores(leaf, within) for leaf in leaves]
        return {d: self._sum(per, d) for d in within}

    @staticmethod
    def _sum(per: list[dict[int, float]], d: int) -> float:
        # leaf by leaf in query order, as whoosh adds them up
        total = 0.0
        first = True
        for part in per:
            sc = part.get(d)
            if sc is not None:
                total = sc if first else total + sc
                first = False
        return total

    @staticmethod
    def _ordered_sums(per: list[dict[int, float]], units: list[int], unitset: set[int]) -> list[float]:
        """Each unit's parts (``units`` sorted, ``unitset`` the same units) added leaf by leaf in
        query order: a leaf without a part for a unit adds nothing, the same float as
        :meth:`_sum`. A part with many units is added over all units without a Python step per
        unit; a part with few units (a title word) on its own units only."""
        sums = [0.0] * len(units)
        for part in per:
            if len(part) * 4 < len(units):
                for d in part.keys() & unitset:
                    sums[bisect.bisect_left(units, d)] += part[d]
            elif part:
                sums = list(map(add, sums, map(part.get, units, repeat(0.0))))
        return sums

    def top(self, q, within: set[int], k: int | None, loose: bool = False) -> list[tuple[float, int]]:
        """(score, docnum), best first, ties in document order; the best k (all with None).

        Not every unit is scored: the leaves with short posting lists (title words, a rare
        phrase) are scored for every unit; a leaf whose list is long (a common word of the
        text) only gets an upper bound per unit from its block headers. Units are then taken
        by decreasing bound (exact part plus bounds) and scored exactly until the k-th best
        exact score is above the next unit's bound: no unit left can enter the top k.

        ``loose``: ``within`` are the :meth:`candidates` of the :meth:`literal` clause q (or
        ``AndMaybe(clause, ranking)``); a unit is checked only when scored, and dropped if no
        leaf of the clause matches it."""
        clause = q.a if isinstance(q, AndMaybe) else q
        if loose and (k is None or len(within) <= k):
            within, loose = self.check(clause, within), False
        if k is None or len(within) <= k:
            ranked = sorted(self.scores(q, within).items(), key=lambda x: (-x[1], x[0]))
            ranked = ranked if k is None else ranked[:k]
            return [(sc, d) for d, sc in ranked]

        leaves = self.leaves(q)
        # a leaf is deferred (its blocks read only for the units that need it) when scoring it
        # for every unit reads more than its share of postings: a quarter of the match set for a
        # phrase (positions are checked too), twice it for a term (a posting costs less to read
        # than a unit to bound, and a common word bounds loosely: thousands scored one by one)
        deferred = [self.cost(x) > (2 * len(within) if isinstance(x, Term) else len(within) // 4) for x in leaves]
        required = range(len(self.leaves(clause)) if loose else 0)  # the clause's leaves come first
        late = [i for i, dfr in enumerate(deferred) if dfr]
        per: list[dict[int, float]] = [{} if dfr else self._leaf_scores(x, within) for x, dfr in zip(leaves, deferred)]
        # the part of the score from the leaves not deferred, for every unit (0.0 where none
        # matches): summed leaf by leaf over the sorted units without a Python step per unit
        units = sorted(within)
        exact = self._ordered_sums([{} if dfr else part for part, dfr in zip(per, deferred)], units, within)
        best: list[tuple[float, int]] = []  # min-heap of (score, -docnum)
        done: set[int] = set()
        views = {i: self._view(leaves[i]) for i in late}

        def floor() -> float | None:
            # margin: bounds and exact scores add the same parts in another order
            return best[0][0] - 1e-9 * max(1.0, abs(best[0][0])) if len(best) >= k else None

        def consider(d: int, bound: float, bounds: list[float | None]) -> None:
            """Score d exactly, leaf by leaf, unless its bound falls below the k-th best."""
            done.add(d)
            low = floor()
            seg = bisect.bisect_right(self._offsets, d) - 1
            for i, b in zip(late, bounds):
                if b is None:
                    continue  # the leaf cannot match d
                got = views[i].score(seg, d)
                if got is not None:
                    per[i][d] = got
                bound += (got or 0.0) - b
                if low is not None and bound < low:
                    return  # d cannot enter; the leaves left are not needed
            if required and not any(d in per[i] for i in required):
                return  # a candidate the clause does not match after all
            self.evaluated += 1
            item = (self._sum(per, d), -d)
            if len(best) < k:
                heapq.heappush(best, item)
            elif item > best[0]:
                heapq.heapreplace(best, item)

        # a first k-th best from the units best on the exact part (or the first units)
        seeds = [d for _, d in heapq.nsmallest(k, zip(map(neg, exact), units))]
        inf = float("inf")
        for d in seeds:
            consider(d, inf, [inf] * len(late))
        # units whose exact part plus the leaves' largest possible scores can reach it
        most = sum(self._leaf_max(leaves[i]) for i in late)
        low = floor()
        if low is None:
            cand = within - done
        elif most >= low:  # the same, range by range, with each block's largest score
            cand = self._reach(leaves, late, units, exact, low) - done
        else:
            cand = set(compress(units, map(ge, map(add, exact, repeat(most)), repeat(low)))) - done
        bounds = {i: self._bounds(leaves[i], cand) for i in late}
        order = sorted(cand)
        ub = self._ordered_sums([bounds.get(i, part) for i, part in enumerate(per)], order, cand)
        for neg_ub, d in sorted(zip(map(neg, ub), order)):
            # exact, no margin: ub adds its parts in the order of _sum, each at least the exact
            # part (float addition rounds monotonically), so a unit whose bound is below the
            # k-th best, or equal and later in document order, cannot enter; near-duplicate
            # units tie with the k-th best by the thousand and are left here unscored
            if len(best) >= k and (-neg_ub, -d) < best[0]:
                break
            consider(d, -neg_ub, [bounds[i].get(d) for i in late])
        return [(sc, -nd) for sc, nd in sorted(best, reverse=True)]
