"""A segment's term table with each term's info kept once read.

Why: a query reads every term of every segment three times over (its document frequency for the
idf, again for the count of units holding it, then its postings' extent), each time hashing the
key and reading the table's slots from the file; on the first query of a process at 1,000 plans
that was a tenth of the time. The info is the same bytes each time (a segment never changes)."""

from __future__ import annotations

from whoosh.codec import whoosh3
from whoosh.reading import TermNotFound


class TermTable(whoosh3.W3TermsReader):
    # (field, term) infos kept per segment (~200 bytes each), then the cache starts again
    MAX_KEPT = 100_000

    def __init__(self, codec, dbfile, length, postfile):
        super().__init__(codec, dbfile, length, postfile)
        self._infos: dict[tuple[str, bytes], whoosh3.W3TermInfo | None] = {}

    def _info(self, fieldname: str, tbytes: bytes) -> whoosh3.W3TermInfo | None:
        key = (fieldname, tbytes)
        try:
            return self._infos[key]
        except KeyError:
            pass
        if len(self._infos) >= self.MAX_KEPT:
            self._infos.clear()
        try:
            got = super().term_info(fieldname, tbytes)
        except TermNotFound:
            got = None
        self._infos[key] = got
        return got

    def term_info(self, fieldname, tbytes):
        got = self._info(fieldname, tbytes)
        if got is None:
            raise TermNotFound(f"No term {fieldname}:{tbytes!r}")
        return got

    # a missing term is a KeyError here, as in W3 (the segment reader answers 0 for it)
    def frequency(self, fieldname, tbytes):
        got = self._info(fieldname, tbytes)
        if got is None:
            raise KeyError((fieldname, tbytes))
        return got.weight()

    def doc_frequency(self, fieldname, tbytes):
        got = self._info(fieldname, tbytes)
        if got is None:
            raise KeyError((fieldname, tbytes))
        return got.doc_frequency()

    def postings_bytes(self, fieldname: str, tbytes: bytes) -> bytes | None:
        """All of a term's posting blocks as written (one read), or None for postings inlined in
        the term info; TermNotFound for a term not in the segment."""
        info = self.term_info(fieldname, tbytes)
        if info.is_inlined():
            return None
        offset, length = info.extent()
        # W3TermInfo.from_bytes leaves the length as struct.unpack's 1-tuple
        return self._postfile.get(offset, length[0] if isinstance(length, tuple) else length)
