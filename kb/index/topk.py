"""Top-k collection over whoosh matchers: the best k units scored, the rest only counted."""

from __future__ import annotations


def _safe_top(k: int):
    """whoosh's top-k collector without its score-driven matcher replacement: once the heap is
    full whoosh rewrites AndMaybe/Union matchers by their maximum scores (``replace(minscore)``),
    and that drops units that belong in the top k (建设 on corpus/ lost its best three). The
    replacement with minimum 0, which only prunes exhausted sub-matchers, is kept (it is what
    keeps a union of 96 ranking terms cheap); so is the heap. Block-max skipping needs the
    minimum score too, so it is off: the ranking clause's bounds are too loose to skip anyway."""
    from whoosh import collectors

    class SafeTop(collectors.TopCollector):
        def _collect(self, global_docnum, score):
            r = super()._collect(global_docnum, score)
            self.minscore = None
            return r

    return SafeTop(limit=k, usequality=False)


# a phrase's count is exact up to this many units holding all its bigrams; above it the count is
# scaled from an even sample of SAMPLE of them (about 1.5% off at most, in the usual case)
EXACT_COUNT = 4096
SAMPLE = 1024


class _TopK:
    """Top-k ranking on one searcher. Which units match is decided by exact doc sets (read from
    the posting blocks, the literal phrase check on positions, no scoring: see
    :mod:`kb.index.postings`); scores are whoosh's BM25F, computed from the same blocks for the
    units of the match set only, without whoosh's matcher trees. A query shape the posting
    reader does not handle (a one-character Prefix) is scored by whoosh's collector."""

    def __init__(self, searcher):
        from kb.index.postings import Engine

        self.s = searcher
        self.e = Engine(searcher)

    def begin(self) -> None:
        """A new search: forget the previous one's sets, keep the decoded postings (within a
        memory budget)."""
        self.e.begin()

    def docs(self, q) -> set[int]:
        return self.e.docs(q)

    def union(self, qs) -> set[int]:
        out: set[int] = set()
        for q in qs:
            out |= self.docs(q)
        return out

    def scoring(self, alts: list, within: set[int]):
        from whoosh.query import Or

        qs = [m for m, _ in alts]
        return qs[0] if len(qs) == 1 else Or(qs)

    def rank(self, parts: list):
        from whoosh.query import Or

        return Or(parts) if parts else None

    def count_top(self, q, rank, allow, restrict, k):
        """(number of units matching q, whether that number is an estimate, best k as (score,
        docnum) of q ranked by rank). The number is exact unless q is a phrase found in more
        than EXACT_COUNT units and only the top k are asked for: its positions are then checked
        on an even sample of the units holding all its bigrams (the count is scaled from it)
        and on the units that can enter the top k, not on every unit."""
        from whoosh.query import AndMaybe, Phrase

        def narrow(docs: set[int]) -> set[int]:
            docs = docs - restrict if restrict else docs
            return docs & allow if allow is not None else docs

        e = self.e
        # the rarest bigram of each alternative bounds its candidates: a rare clause stays exact
        alts = getattr(q, "subqueries", [q])
        wide = bool(k) and e.literal(q) and any(isinstance(x, Phrase) for x in alts)
        wide = wide and sum(e.cost(x) for x in alts) > EXACT_COUNT
        if wide:
            docs = narrow(e.candidates(q))
            wide = len(docs) > EXACT_COUNT
            if not wide:  # a few candidates: all checked, the count is exact
                docs = e.check(q, docs)
        else:
            docs = narrow(self.docs(q))
        total = len(docs)
        if wide:
            srt = sorted(docs)
            sample = set(srt[:: -(-len(srt) // SAMPLE)])
            total = round(len(docs) * len(e.check(q, sample)) / len(sample))
        if k == 0 or not docs:
            return total, wide, []
        top = self.top(AndMaybe(q, rank) if rank is not None else q, docs, k, loose=wide)
        if wide and len(top) < k:  # every candidate was checked: these are all the matches
            return len(top), False, top
        return max(total, len(top)), wide, top

    def top(self, q, within: set[int], k: int | None, loose: bool = False) -> list[tuple[float, int]]:
        """(score, docnum) of the best k units of ``within`` (all with k None), best first and
        ties in document order (``loose``: see :meth:`Engine.top`; whoosh checks the phrase
        itself)."""
        if not within or k == 0:
            return []
        from kb.index.postings import Unsupported

        try:
            return self.e.top(q, within, k, loose)
        except Unsupported:
            pass
        from whoosh import collectors

        top = collectors.UnlimitedCollector() if k is None else _safe_top(k)
        wrapped = collectors.FilterCollector(top, allow=within)
        self.s.search_with_collector(q, wrapped)
        return [(h.score, h.docnum) for h in wrapped.results()]

    def coordinated(self, tier, make, sets, docs, rank_parts, k):
        """Units of ``docs`` by BM25F times the coordination factor of :func:`_coord`: the
        factor is the same for every unit covering as many of ``sets``, so each group of equal
        coverage is ranked top-k on its own and the groups are merged."""
        from whoosh.query import AndMaybe

        groups: dict[int, set[int]] = {}
        for d in docs:
            groups.setdefault(sum(1 for st in sets if d in st), set()).add(d)
        out = []
        for covered, grp in groups.items():
            q = make(grp)
            rank = self.rank(rank_parts)
            q = AndMaybe(q, rank) if rank is not None else q
            out += [(tier, -(sc * (1 + covered) / (1 + len(sets))), d) for sc, d in self.top(q, grp, k)]
        out.sort()
        return out if k is None else out[:k]
