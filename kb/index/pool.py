"""An in-memory posting pool for whoosh's SegmentWriter that stays small.

whoosh's PostingPool keeps one Python tuple per posting (field, term, docnum, weight, value:
about 230 bytes each, 1.5 million of them for 30 plans), sorts them all at the end, and when
its size estimate passes ``limitmb`` pickles sorted runs to disk and merges them. Here the
postings of a term are appended to typed arrays (about 12 bytes plus the value each), so
nothing needs sorting but the distinct terms: a SegmentWriter adds documents in docnum order,
so each term's postings arrive in order (checked; sorted if not). ``nbytes`` is what the part
writer watches to end a segment, which bounds a writer's memory whatever the collection size.
"""

from __future__ import annotations

from array import array


class _Postings:
    __slots__ = ("docs", "weights", "ends", "values")

    def __init__(self):
        self.docs = array("I")
        self.weights = array("f")
        self.ends = array("I")  # end offset of each posting's value in ``values``
        self.values = bytearray()


class CompactPool:
    def __init__(self, tempstore=None):
        self.tempstore = tempstore  # the writer replaces it; nothing is written there
        self.terms: dict[tuple[str, bytes], _Postings] = {}
        self.nbytes = 0

    def add(self, item) -> None:
        fieldname, tbytes, docnum, weight, vbytes = item
        p = self.terms.get((fieldname, tbytes))
        if p is None:
            p = self.terms[(fieldname, tbytes)] = _Postings()
            self.nbytes += 200 + len(tbytes)  # the key, the record and four small arrays
        p.docs.append(docnum)
        p.weights.append(weight)
        if vbytes:
            p.values += vbytes
        p.ends.append(len(p.values))
        self.nbytes += 12 + len(vbytes or b"")

    def iter_postings(self):
        for key in sorted(self.terms):
            fieldname, tbytes = key
            p = self.terms.pop(key)  # freed as it is written
            docs, weights, ends, values = p.docs, p.weights, p.ends, bytes(p.values)
            order: range | list[int] = range(len(docs))
            if any(b <= a for a, b in zip(docs, docs[1:])):
                order = sorted(order, key=docs.__getitem__)
            for i in order:
                start = ends[i - 1] if i else 0
                yield fieldname, tbytes, docs[i], weights[i], values[start : ends[i]]
        self.nbytes = 0

    def cleanup(self) -> None:
        self.terms.clear()
        self.nbytes = 0
