"""`kb search`: open the index, parse and run a query, rank and tier the hits (query time: no jieba)."""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Iterable
from pathlib import Path

from kb.errors import KBError
from kb.index import stored, textnorm

# the index stores an indicator row's kind as "indicator"; everything users see calls it "row"
# (as kb show and the graph do), and "indicator" is still accepted as input
from kb.index.hits import SHOWN_KIND, SHOWN_KINDS, STORED_KIND, Hit, SearchResult, Sentence, snippet  # noqa: F401
from kb.index.meta import Meta
from kb.index.queryparse import Record
from kb.index.schema import KINDS, MAX_PIECES, MAX_QUERY, MAX_RANK_WORDS, MAX_WORD, META_FILE, META_VERSION, _whoosh
from kb.index.textnorm import Normalizer, bigrams, find_all, merge_spans
from kb.index.topk import _safe_top, _TopK  # noqa: F401


class _Index:
    """An opened index and its search.json; cached per generation folder (immutable)."""

    def __init__(self, folder: Path):
        meta_path = folder / META_FILE
        try:
            meta = Meta(meta_path.read_bytes())
            for key in ("version", "t2s", "vocab", "synonyms", "chapters"):
                meta.get(key)
        except FileNotFoundError:
            raise KBError(f"no search index in {folder.parent} (run: kb build)") from None
        except (OSError, ValueError) as e:
            raise KBError(f"cannot read {meta_path}: {e}") from None
        if meta.get("version") != META_VERSION:
            raise KBError(f"{meta_path}: index format {meta.get('version')!r}; rebuild with: kb build")
        _whoosh()
        import whoosh.index

        try:
            self.ix = whoosh.index.open_dir(str(folder))
        except Exception as e:  # whoosh raises several unrelated types for a damaged index
            raise KBError(f"cannot open the search index in {folder}: {e}; rebuild with: kb build") from None
        self.norm = Normalizer(tuple(meta.get("t2s") or ("", "")))
        self.vocab: dict[str, int] = meta.get("vocab", {})
        self.chapters: list[dict] = meta.get("chapters", [])
        self.meta_path = meta_path
        self.lock = threading.Lock()
        self._session: tuple | None = None
        self._meta = meta  # the entities (most of the file) are parsed when --group/--actor asks
        syn: dict[str, list[str]] = {}
        for g in meta.get("synonyms", []):
            for n in g:
                syn.setdefault(n, [])
                syn[n].extend(x for x in g if x != n and x not in syn[n])
        # longest names first: 外卖骑手 is replaced before a shorter name inside it
        self.synonyms = dict(sorted(syn.items(), key=lambda kv: (-len(kv[0]), kv[0])))

    def session(self):
        """(searcher, top-k ranker), kept open between the searches of one process: the index
        folder never changes (a build writes a new generation), so the posting blocks decoded
        for one query serve the next. Call with ``lock`` held."""
        if self._session is None:
            s = self.ix.searcher()
            self._session = (s, _TopK(s))
        s, ts = self._session
        ts.begin()
        return s, ts

    @functools.cached_property
    def entities(self) -> list[dict]:
        try:
            return self._meta.get("entities", [])
        except ValueError as e:
            raise KBError(f"cannot read {self.meta_path}: {e}") from None

    def variants(self, s: str, limit: int = 0) -> list[str]:
        """s and the strings a synonym group makes of it: each name or alias found inside s is
        replaced by the other members of its group (劳动模范 -> 劳模). A long string (a pasted
        sentence) gets few: each variant is one more phrase of hundreds of bigrams."""
        limit = limit or (12 if len(s) <= 40 else 3)
        out = [s]
        for name, others in self.synonyms.items():
            if name in s:
                for o in others:
                    if name in o:  # 职工 -> 职工群众 inside 职工书屋 makes nonsense, never a new hit
                        continue
                    v = s.replace(name, o)
                    if v not in out:
                        out.append(v)
                        if len(out) >= limit:
                            return out
        return out

    def rarest(self, words: Iterable[str], k: int = 0) -> list[str]:
        """The k (default MAX_RANK_WORDS) words with the fewest units, in first-seen order."""
        uniq = list(dict.fromkeys(words))
        k = k or MAX_RANK_WORDS
        if len(uniq) <= k:
            return uniq
        keep = set(sorted(uniq, key=lambda w: (self.vocab.get(w, 0), -len(w), w))[:k])
        return [w for w in uniq if w in keep]

    def words_in(self, s: str) -> list[str]:
        """Vocabulary words occurring in s (every position, every length; search mode)."""
        out = []
        for i in range(len(s)):
            for j in range(i + 2, min(len(s), i + MAX_WORD) + 1):
                w = s[i:j]
                if w in self.vocab and w not in out:
                    out.append(w)
        return out


@functools.lru_cache(maxsize=8)
def _open_cached(folder: str, stamp: float) -> _Index:
    return _Index(Path(folder))


def open_index(gen_folder: Path) -> _Index:
    gen = Path(gen_folder)
    folder = gen / "index" if (gen / "index").is_dir() else gen
    try:
        stamp = os.stat(folder / META_FILE).st_mtime
    except OSError:
        raise KBError(f"no search index in {gen} (run: kb build)") from None
    return _open_cached(str(folder), stamp)


# --------------------------------------------------------------------------- queries


def _match(s: str, title: bool = False, fld: str = ""):
    """The whoosh query that matches exactly the units whose normalized text (title, with
    ``title``; another bigram field by name) contains s."""
    from whoosh.query import Phrase, Prefix, Term

    fld = fld or ("tbi" if title else "bi")
    if len(s) == 1:
        return Prefix(fld, s)  # every bigram starting with s; END makes the last character one
    grams = bigrams(s)
    if len(grams) == 1:
        return Term(fld, grams[0])
    return Phrase(fld, grams)


def _rank(idx: _Index, strings: list[str]):
    """Optional clauses that order hits: words (the rarest MAX_RANK_WORDS of them, so a pasted
    paragraph stays fast), title words, entity names, title phrases."""
    from whoosh.query import Term

    parts = []
    for w in idx.rarest(w for s in strings for w in idx.words_in(s)):
        parts.append(Term("words", w))
        parts.append(Term("twords", w))
    for s in strings:
        parts.append(Term("enames", s))
        if 2 <= len(s) <= 40:
            parts.append(_match(s, title=True))
            parts.append(_match(s, fld="cbi"))
    return parts


def _resolve_chapter(idx: _Index, chapter: str) -> str:
    c = chapter.strip()
    for key in ("id", "label"):
        for ch in idx.chapters:
            if ch[key] == c or ch[key] == "C" + c:
                return ch["id"]
    found = [ch for ch in idx.chapters if c and c in ch["title"]]
    if len(found) == 1:
        return found[0]["id"]
    labels = ", ".join(ch["label"] for ch in idx.chapters) or "none"
    why = "matches several chapter titles" if found else "is not a chapter"
    raise KBError(f"--chapter {chapter!r} {why} (chapters: {labels})")


def _resolve_entities(idx: _Index, etype: str, name: str) -> list[str]:
    opt = f"--{etype.lower()}"
    pool = [e for e in idx.entities if e["type"] == etype]
    if not pool:
        raise KBError(f"{opt} needs {etype} entities, and this build has none (extraction did not run)")
    n = idx.norm(name.strip())
    hit = [e for e in pool if n in (idx.norm(e["id"]), idx.norm(e["name"]), *map(idx.norm, e["aliases"]))]
    if not hit:
        close = [e["name"] for e in pool if n and (n in idx.norm(e["name"]) or idx.norm(e["name"]) in n)]
        more = f"; did you mean: {', '.join(close[:5])}" if close else ""
        raise KBError(f"{opt} {name!r}: no such {etype.lower()}{more}")
    ids = {e["id"] for e in hit}
    # narrower entities count too: --group 农民工 includes units that mention only 快递员
    grew = True
    while grew:
        grew = False
        for e in pool:
            if e["id"] not in ids and ids.intersection(e.get("broader", [])):
                ids.add(e["id"])
                grew = True
    return sorted(ids)


def _filter(idx: _Index, chapter, kind, group, actor, doc=None):
    from whoosh.query import And, Or, Term

    parts = []
    if doc:
        parts.append(Term("doc", doc))
    if kind:
        stored = STORED_KIND.get(kind, kind)
        if stored not in KINDS:
            raise KBError(f"--kind {kind!r}: choose one of {', '.join(SHOWN_KINDS)}")
        parts.append(Term("kind", stored))
    if chapter:
        parts.append(Term("chapter", _resolve_chapter(idx, chapter)))
    for etype, name in (("GROUP", group), ("ACTOR", actor)):
        if name:
            parts.append(Or([Term("ents", i) for i in _resolve_entities(idx, etype, name)]))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else And(parts)


class _Clause(Record):
    __slots__ = ("alts", "variants")

    def __init__(self, alts: list[tuple[str, bool]], variants: list[str]):
        self.alts = alts  # (normalized string, title only)
        self.variants = variants

    def match_queries(self) -> list:
        """(whoosh query, None) per alternative: the units containing that string."""
        return [(_match(v, title), None) for v, title in self.alts]

    def query(self):
        from whoosh.query import Or

        qs = [_match(v, title) for v, title in self.alts]
        return qs[0] if len(qs) == 1 else Or(qs)


def _clauses(idx: _Index, clauses) -> list[_Clause]:
    out = []
    for c in clauses:
        alts, variants = [], []
        for t in c.alternatives:
            s = idx.norm(t.text)
            if not t.quoted:
                s = s.strip()
            for v in idx.variants(s):
                alts.append((v, t.field == "title"))
                variants.append(v)
        out.append(_Clause(alts, variants))
    return out


def search(
    gen_folder: Path,
    query: str,
    *,
    n: int | None = 10,
    chapter: str | None = None,
    kind: str | None = None,
    group: str | None = None,
    actor: str | None = None,
    doc: str | None = None,
) -> SearchResult:
    """Search one build generation (a folder holding ``index/``; resolve it once, see
    :func:`kb.store.resolve`). ``n=None`` returns every hit; ``doc`` keeps one document's units.

    Top-k: which units match is decided exactly, by doc sets, and only the units that can reach
    the first ``n`` are scored (see :class:`_TopK`). ``total`` is exact, except for a phrase
    held by thousands of units: then it is estimated from a sample (``estimated`` is set).

    Tiers: units containing every positive clause (0); with several clauses, units containing
    some (1); when nothing contains the query literally and it is not quoted, units containing
    its topic pieces (2, a question in plain words). Within a tier: BM25F, and for tiers 1-2 a
    soft coordination factor."""
    from kb.index.queryparse import parse

    if query is None or not query.strip():
        raise KBError("empty query (try: kb search 农民工)")
    if len(query) > MAX_QUERY:
        raise KBError(f"query too long ({len(query)} characters; the limit is {MAX_QUERY})")
    idx = open_index(gen_folder)
    parsed = parse(query)
    res = SearchResult(query=query)
    if parsed.note:
        res.notes.append(parsed.note)
    if not parsed.positive:
        raise KBError("empty query (try: kb search 农民工)" + (f"; {parsed.note}" if parsed.note else ""))
    pos = _clauses(idx, parsed.positive)
    neg = _clauses(idx, parsed.negative)
    res.variants = [c.variants for c in pos]
    filt = _filter(idx, chapter, kind, group, actor, doc)

    _whoosh()
    from whoosh.query import And, AndMaybe, Or

    rank_parts = _rank(idx, [v for c in pos for v in c.variants])
    quoted = any(t.quoted for c in parsed.positive for t in c.alternatives)

    with idx.lock:
        s, ts = idx.session()
        # the units allowed at all: --kind/--chapter/--group/--actor, minus the excluded terms
        allowed: set[int] | None = ts.docs(filt) if filt is not None else None
        excluded: set[int] = set()
        for c in neg:
            excluded |= ts.union([m for m, _ in c.match_queries()])

        def allow(docs: set[int]) -> set[int]:
            docs = docs - excluded if excluded else docs
            return docs & allowed if allowed is not None else docs

        want = None if n is None else max(0, n)
        keyed: list[tuple[int, float, int]] = []  # (tier, -score, docnum), best first
        pieces_of: list[list[str]] = [c.variants for c in pos]

        def need() -> int | None:
            return None if want is None else want - len(keyed)

        if len(pos) == 1:
            # one clause: the phrase matcher checks and scores in one pass, the top-k heap keeps
            # the best and counts every match (exact total, no second pass for the count)
            rank_q = Or(rank_parts) if rank_parts else None
            total, res.estimated, top = ts.count_top(pos[0].query(), rank_q, allowed, excluded, want)
            keyed += [(0, -sc, d) for sc, d in top]
            csets = []
            every_n = total
        else:
            # exact sets (the literal phrase check runs once per alternative, no scoring)
            csets = [ts.union([m for m, _ in c.match_queries()]) for c in pos]
            every = allow(set.intersection(*csets))
            total = every_n = len(every)
            if every and (want is None or want > 0):
                req = [ts.scoring(c.match_queries(), every) for c in pos]
                q = And(req)
                rank = ts.rank(rank_parts)
                q = AndMaybe(q, rank) if rank is not None else q
                keyed += [(0, -sc, d) for sc, d in ts.top(q, every, need())]
        mode = "exact" if every_n else "none"
        if len(pos) > 1:
            some = allow(set.union(*csets)) - every
            if some:
                res.notes.append(f"{every_n} unit(s) contain every term; {len(some)} more contain some of them")
                total += len(some)
                mode = mode if every_n else "partial"
                k = need()
                if k is None or k > 0:

                    def q1(grp):
                        return Or([ts.scoring(c.match_queries(), grp) for c in pos])

                    keyed += ts.coordinated(1, q1, csets, some, rank_parts, k)
        if not total and not quoted:
            pieces, note = _relaxed_pieces(idx, pos)
            # a piece may also name the chapter (智慧工会 is the heading of chapter 八 only)
            psets = [ts.union(_piece_queries(alts)) for alts in pieces]
            relaxed = allow(set.union(*psets)) if psets else set()
            if relaxed:
                total = len(relaxed)
                k = need()
                if k is None or k > 0:

                    def q2(grp):
                        return Or([q for alts in pieces for q in _piece_queries(alts)])

                    keyed += ts.coordinated(2, q2, psets, relaxed, rank_parts, k)
                pieces_of, mode = pieces, "relaxed"
                res.notes.append(note)
            else:
                lit = " ".join(v for c in pos for v, _ in c.alts[:1])
                res.notes.append(f"no unit contains “{lit}”, nor any of its words")
        res.mode = mode
        res.total = total
        if want is not None:
            keyed = keyed[:want]
        # stored fields are read for the hits shown only
        highlight = [p for alts in pieces_of for p in alts]
        res.hits = [_hit(idx, s.stored_fields(d)["data"], -neg_sc, tier, highlight) for tier, neg_sc, d in keyed]
    return res


def _piece_queries(alts: list[str]) -> list:
    qs = [_match(a) for a in alts]
    if len(alts[0]) >= 2:
        qs.append(_match(alts[0], fld="cbi"))
    return qs


def _coord(score: float, doc: int, sets: list[set[int]]) -> float:
    """A unit matching more of the clauses gains, but a rare word (BM25) can still beat several
    common ones (哪些任务涉及女职工: 女职工 outweighs 任务)."""
    covered = sum(1 for st in sets if doc in st)
    return score * (1 + covered) / (1 + len(sets))


def _relaxed_pieces(idx: _Index, pos: list[_Clause]) -> tuple[list[list[str]], str]:
    """Nothing contains the query literally: its topic pieces instead. Question words and
    particles go; each piece is searched with its synonyms and the known words inside it
    (外卖骑手 -> 外卖配送员, 外卖), and a unit with any of them covers the piece."""
    pieces: list[list[str]] = []
    for c in pos:
        for v, _title in c.alts[:1]:
            for p in (textnorm.question_pieces(v, known=idx.vocab.__contains__) or [v])[:MAX_PIECES]:
                alts = idx.variants(p)
                alts += [w for w in idx.rarest(idx.words_in(p), MAX_PIECES) if w not in alts]
                pieces.append(alts)
    shown = " ".join("/".join(a[:3]) for a in pieces)
    lit = " ".join(v for c in pos for v, _ in c.alts[:1])
    return pieces, f"no unit contains “{lit}” literally; showing units with some of: {shown}"


def _hit(idx: _Index, d: dict, score: float, tier: int, highlight: list[str]) -> Hit:
    text = stored.text_of(idx, d)
    ntext = idx.norm(text)
    spans_all: list[tuple[int, int]] = []
    matched = []
    for h in dict.fromkeys(highlight):
        occ = list(find_all(ntext, h))
        if occ:
            matched.append(h)
            spans_all.extend(occ)
    spans_all = merge_spans(spans_all)
    sents = []
    for i, s in enumerate(d["sentences"]):
        a, b = s["start"], s["end"]
        sp = [(max(x, a) - a, min(y, b) - a) for x, y in spans_all if x < b and y > a]
        nt = ntext[a:b]
        distinct = sum(1 for m in matched if m in nt)
        sents.append(((-distinct, -sum(y - x for x, y in sp), i), Sentence(s["id"], text[a:b], sp)))
    # best sentences: those matching the most distinct strings, then the most text, then order
    best = [st for _, st in sorted(sents, key=lambda x: x[0]) if st.spans][:3] or [sents[0][1]]
    chap = d.get("chapter")
    ctitle = next((c["title"] for c in idx.chapters if c["id"] == chap), "")
    return Hit(
        unit=d["unit"],
        score=float(score),
        kind=SHOWN_KIND.get(d["kind"], d["kind"]),
        title=d["title"],
        chapter=chap,
        chapter_title=ctitle,
        doc=d["doc"],
        sentences=best,
        matched=matched,
        tier=tier,
        path=d.get("path", ""),
    )
