"""The search index: written at build time, read by `kb search`.

One whoosh document per unit (task, indicator row, paragraph). Every text field is fed
pre-tokenized (tokens joined by U+001F and split back by a regex tokenizer), so the schema
stored in the index holds no custom analyzer and reading it needs neither jieba nor our code.

Fields, all over :mod:`kb.index.textnorm`-normalized text:
- ``bi``/``tbi``: character bigrams of text/title (plus an end mark) with sequential positions.
  A literal query of two or more characters is a phrase of its bigrams: it matches exactly the
  units that contain it (the recall guarantee); one character is a prefix query on the same
  field, so no unigram field is needed. ``cbi``: bigrams of the unit's chapter heading, a weak
  ranking signal and a way for a plain-language question to name a chapter.
- ``words``/``twords``: jieba words (search mode) computed here at build time; they rank hits
  (BM25F, title words boosted) and give the relaxed search for questions its vocabulary.
- ``enames``: names and aliases of the entities a unit mentions (boosted); ``ents``: their ids,
  for --group/--actor.

``search.json`` beside the index carries what the query side needs without jieba or kb.json:
the traditional->simplified character table, the word vocabulary, synonym groups (entity
names + aliases), chapters and entities.
"""
from __future__ import annotations

import functools
import json
import os
import re
import shutil
import sys
from pathlib import Path
from typing import Any, Iterable, Optional

from kb.errors import KBError
from kb.index.queryparse import Record
from kb.index import textnorm
from kb.index.textnorm import Normalizer, bigrams, find_all, merge_spans

SEP = "\x1f"  # textnorm maps U+001F to a space, so it never occurs inside a token
END = "\x1e"  # appended before taking bigrams, so the last character starts one; never in a query
META_FILE = "search.json"
META_VERSION = 2
KINDS = ("task", "indicator", "paragraph")
MAX_WORD = 8  # longest vocabulary word looked up in a query
MAX_QUERY = 2000  # characters; longer input is refused rather than silently cut
MAX_RANK_WORDS = 48  # ranking terms per query (a pasted paragraph holds hundreds of words)
MAX_PIECES = 24  # topic pieces of a relaxed query, and known words per piece


# --------------------------------------------------------------------------- whoosh, lazily


def _whoosh():
    """Import the parts of whoosh we use, keeping three of its import-time costs off the query
    path: ``whoosh.compat`` imports ``urllib.request`` (~14 ms) for a download helper we never
    call, ``whoosh.reading`` imports the ``cached_property`` backport, which imports
    ``asyncio`` (~20 ms; the standard library's ``functools.cached_property`` does the same
    job), and ``whoosh.query.terms`` imports English stemming tables (~4 ms).
    Stand-ins are placed only while whoosh is imported and only for modules not yet loaded,
    then removed, so later imports in this process get the real modules."""
    if "whoosh.index" in sys.modules and "whoosh.query" in sys.modules:
        return sys.modules["whoosh"]
    import types

    stubs = {}
    if "urllib.request" not in sys.modules:
        m = types.ModuleType("urllib.request")

        def urlretrieve(*a, **k):  # pragma: no cover - whoosh never calls it on our path
            import importlib

            sys.modules.pop("urllib.request", None)
            return importlib.import_module("urllib.request").urlretrieve(*a, **k)

        m.urlretrieve = urlretrieve
        stubs["urllib.request"] = m
    if "whoosh.lang.morph_en" not in sys.modules:
        # English stemming variations (~4 ms of regex tables) serve whoosh's Variations query only
        m = types.ModuleType("whoosh.lang.morph_en")

        def variations(word):  # pragma: no cover - we never build a Variations query
            import importlib

            sys.modules.pop("whoosh.lang.morph_en", None)
            return importlib.import_module("whoosh.lang.morph_en").variations(word)

        m.variations = variations
        stubs["whoosh.lang.morph_en"] = m
    if "cached_property" not in sys.modules:
        m = types.ModuleType("cached_property")
        m.cached_property = functools.cached_property
        stubs["cached_property"] = m
    sys.modules.update(stubs)
    try:
        import whoosh.index  # noqa: F401
        import whoosh.query  # noqa: F401
        import whoosh.searching  # noqa: F401
    finally:
        for name, mod in stubs.items():
            if sys.modules.get(name) is mod:
                del sys.modules[name]
    return sys.modules["whoosh"]


def _schema():
    _whoosh()
    from whoosh.analysis import RegexTokenizer
    from whoosh.fields import ID, STORED, TEXT, Schema

    def toks(boost=1.0, phrase=False):
        return TEXT(analyzer=RegexTokenizer(r"[^\x1f]+"), phrase=phrase, field_boost=boost)

    return Schema(
        key=ID(stored=True, unique=True),
        doc=ID(stored=True),
        kind=ID(stored=True),
        chapter=ID(stored=True),
        bi=toks(1.0, phrase=True),
        tbi=toks(3.0, phrase=True),
        cbi=toks(0.5, phrase=True),
        words=toks(1.0),
        twords=toks(2.0),
        enames=toks(2.0),
        ents=toks(0.0),
        data=STORED(),
    )


# --------------------------------------------------------------------------- writing


def _sentences(u) -> list[dict]:
    """[{id, start, end}] with offsets into the unit text; the whole text when the parser gave
    no usable sentences."""
    out = []
    for s in u.sentences:
        if 0 <= s.start < s.end <= len(u.text) and u.text[s.start : s.end] == s.text:
            out.append({"id": s.id, "start": s.start, "end": s.end})
        else:
            i = u.text.find(s.text)
            if s.text and i >= 0:
                out.append({"id": s.id, "start": i, "end": i + len(s.text)})
    return out or [{"id": u.id, "start": 0, "end": len(u.text)}]


def _entity_words(kb, norm: Normalizer) -> tuple[str, ...]:
    """The words jieba must keep whole: every lexicon name and alias. They come from the
    lexicon, not from ``kb`` (whose discovered names change with the corpus), so that the words
    of a document, and so its cached rows and its segment in an incremental update, do not depend
    on which other documents are in the collection."""
    from kb.extract.lexicon import load_lexicon

    names = set()
    for e in load_lexicon().entries.values():
        for name in [e.name, *e.aliases]:
            n = norm(name).strip()
            if len(n) >= 2 and " " not in n:
                names.add(n)
    return tuple(sorted(names))


@functools.lru_cache(maxsize=4)
def _tokenizer_for(names: tuple[str, ...]):
    """A private jieba tokenizer (the global one may carry other helpers' words) that knows the
    entity names, so 外卖配送员 or 工会云 stay one word. Cached per word list: loading jieba's
    dictionary takes ~0.4 s and a process may build several times; the same words give the
    same tokenizer state."""
    from kb.extract.jiebatok import new_tokenizer

    tk = new_tokenizer()
    for n in names:
        tk.add_word(n, freq=None)
    return tk


_PUNCT_ONLY = re.compile(r"^[\W_]+$")


def _words(tk, text: str) -> list[str]:
    return [w for w in tk.lcut_for_search(text) if w.strip() and not _PUNCT_ONLY.match(w)]


PARALLEL_CHARS = 300_000  # below this, a worker process costs more than it saves
_worker_names: tuple[str, ...] = ()


def _init_worker(names: tuple[str, ...]) -> None:
    global _worker_names
    _worker_names = names


def _words_pairs(pairs: list[tuple[str, str]]) -> list[tuple[list[str], list[str]]]:
    tk = _tokenizer_for(_worker_names)
    return [(_words(tk, a), _words(tk, b)) for a, b in pairs]


def _all_words(pairs: list[tuple[str, str]], names: tuple[str, ...]):
    """(text words, title words) per unit, in order. On a large corpus jieba runs in other
    processes while this one feeds whoosh (the two halves of the indexing time overlap);
    results are identical either way."""
    import multiprocessing

    cpus = os.cpu_count() or 1
    small = sum(len(a) for a, _ in pairs) < PARALLEL_CHARS
    if small or cpus < 2 or multiprocessing.current_process().daemon:  # a daemon may not fork
        tk = _tokenizer_for(names)
        return ((_words(tk, a), _words(tk, b)) for a, b in pairs)
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(max_workers=max(1, cpus - 1), initializer=_init_worker, initargs=(names,))
    chunks = [pairs[i : i + 64] for i in range(0, len(pairs), 64)]
    results = pool.map(_words_pairs, chunks)  # submits everything now: workers fork before whoosh opens files

    def gen():
        try:
            for chunk in results:
                yield from chunk
        finally:
            pool.shutdown(cancel_futures=True)

    return gen()


def _synonym_groups(kb, norm: Normalizer) -> list[list[str]]:
    groups = []
    for e in kb.entities:
        names = []
        for n in [e.name, *e.aliases]:
            n = norm(n).strip()
            if len(n) >= 2 and n not in names:
                names.append(n)
        if len(names) >= 2:
            groups.append(names)
    return groups


@functools.lru_cache(maxsize=1)
def _t2s_table() -> tuple[str, str]:
    return textnorm.build_t2s_table()


# ----- per-document rows (the expensive, cacheable half of indexing)

ROWS_VERSION = 1
STATE_FILE = "state.json"  # what an incremental update must match: tokenizer names, mode
DOCVOCAB_DIR = "docvocab"  # per-document vocabulary counts, so an update never re-segments a reused document
MAX_SEGMENTS = 10  # an incremental update folds the smallest segments into its new one above this
LIMIT_MB = 512  # whoosh's posting buffer: the default (128) spills a 30-plan corpus to sorted runs on disk


def index_names(kb) -> tuple[str, ...]:
    """The extra words of the jieba dictionary used for ``words`` (entity names and aliases of
    ``kb``). They are global: :func:`index_rows` needs them, and rows made with other names
    are not used."""
    return _entity_words(kb, Normalizer(_t2s_table()))


def _names_key(names: Iterable[str]) -> str:
    import hashlib

    return hashlib.sha256("\n".join(names).encode("utf-8")).hexdigest()[:16]


def _doc_rows(d) -> list[tuple[Any, str, Optional[str], str]]:
    """(unit, kind, chapter id, title) for every unit of one document."""
    table_of = {r.id: t for t in d.indicator_tables for r in t.rows}
    out = []
    for u in d.units():
        cls = type(u).__name__
        if cls == "Task":
            out.append((u, "task", u.chapter, u.title))
        elif cls == "IndicatorRow":
            t = table_of.get(u.id)
            out.append((u, "indicator", (t.chapter if t else None), u.name))
        else:
            out.append((u, "paragraph", getattr(u, "chapter", None), ""))
    return out


def index_rows(doc, multi: bool, names: Iterable[str] = ()) -> dict:
    """What :func:`write_index` needs of one document that costs time to compute: the jieba
    words (text and title) of each unit. JSON-serialisable, for a per-document cache; safe to
    call in a worker process. ``names``: :func:`index_names` of the knowledge base (rows made
    with other names, for another document content or another mode are ignored, not trusted).
    Bigrams, stored data and entity names are cheap or global and are made by write_index."""
    names = tuple(names)
    norm = Normalizer(_t2s_table())
    tk = _tokenizer_for(names)
    units = [[u.id, _words(tk, norm(u.text)), _words(tk, norm(title))] for u, _k, _c, title in _doc_rows(doc)]
    return {"v": ROWS_VERSION, "names": _names_key(names), "multi": bool(multi), "sha": doc.sha256,
            "units": units}


def _prepared_words(prepared, d, units, multi: bool, key: str):
    """The (text words, title words) of each unit of ``d`` from prepared rows, or None."""
    rows = prepared.get(d.id) if prepared else None
    if rows is None or not _usable_rows(rows, d, units, multi, key):
        return None
    return [(w, t) for _id, w, t in rows["units"]]


def _usable_rows(rows, d, units, multi: bool, key: str) -> bool:
    try:
        return (rows["v"] == ROWS_VERSION and rows["names"] == key and rows["multi"] == multi
                and rows["sha"] == d.sha256 and [r[0] for r in rows["units"]] == [u.id for u, *_ in units])
    except (KeyError, TypeError, IndexError):
        return False


def _doc_vocab(words_of: list[tuple[list[str], list[str]]]) -> dict[str, int]:
    """Word -> number of units (of one document) containing it: what search.json's vocab sums."""
    vocab: dict[str, int] = {}
    for words, twords in words_of:
        for x in set(words) | set(twords):
            if 2 <= len(x) <= MAX_WORD:
                vocab[x] = vocab.get(x, 0) + 1
    return vocab


def _vocab_file(folder: Path, doc_id: str) -> Path:
    import hashlib

    # document ids are file stems and may hold anything a file name may; a digest never clashes
    return folder / DOCVOCAB_DIR / (hashlib.sha256(doc_id.encode("utf-8")).hexdigest()[:24] + ".json")


def _write_new(path: Path, text: str) -> None:
    """Write a file that must be a new inode: never truncate a file that may be hard-linked
    from the previous generation."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _dumps(x) -> str:
    return json.dumps(x, ensure_ascii=False, separators=(",", ":"))


# ----- the hard-linked previous generation


def _safe_storage(folder: Path):
    """A whoosh FileStorage that creates every file exclusively (O_EXCL).

    Why hard links to the previous generation are safe: whoosh never changes a segment file
    after writing it. Segment files (.trm .pst .col) are written once, by ``create_file`` under
    a fresh random segment id, and only read afterwards (``open_file`` is "rb"; mmaps are
    read-only). Deletions are not written into segment files either: they live in the pickled
    segment list of the TOC, and a commit writes the next TOC generation (``_MAIN_<n+1>.toc``)
    to a temporary name and renames it; old TOCs and unused segments are removed with
    ``os.remove``, which drops our directory entry and leaves the other link alone. The write
    lock (opened O_WRONLY without truncation, never written) and our own search.json/state.json
    are not linked at all. The one way whoosh could write into an existing inode is
    ``create_file`` (open "wb") on a name that already exists (a segment id clash); with this
    storage that raises instead, and write_index falls back to a full write."""
    from whoosh.filedb.filestore import FileStorage

    class _ExclusiveStorage(FileStorage):
        def create_file(self, name, excl=False, mode="wb", **kwargs):
            return super().create_file(name, excl=True, mode=mode, **kwargs)

    return _ExclusiveStorage(str(folder))


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


class _Fallback(Exception):
    """The previous index cannot be reused: write in full."""


def _clear(folder: Path) -> None:
    """Remove what an index write puts in ``folder`` (unlinking: a hard-linked file's other
    name keeps its bytes); anything else there is left alone."""
    for p in folder.iterdir():
        if p.name == DOCVOCAB_DIR or p.suffix == ".tmp":
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p)
            else:
                p.unlink()
        elif p.name.startswith(("MAIN_", "_MAIN_")) or p.name in (META_FILE, STATE_FILE):
            p.unlink()


def _prepare_incremental(previous: Path, folder: Path, key: str, multi: bool, reuse: set[str]):
    """Check the previous index and hard-link its files into ``folder``. Returns (previous vocab,
    kept document ids, {dropped document id: its vocab counts}); the dropped documents are those
    of the previous index that are changed or removed. Raises _Fallback when the previous index
    cannot be used."""
    previous = Path(previous)
    try:
        if not previous.is_dir() or (folder.exists() and os.path.samefile(previous, folder)):
            raise _Fallback("no previous index")
        meta = json.loads((previous / META_FILE).read_text(encoding="utf-8"))
        state = json.loads((previous / STATE_FILE).read_text(encoding="utf-8"))
        if not isinstance(meta, dict) or not isinstance(state, dict) or meta.get("version") != META_VERSION:
            raise _Fallback("another index format")
        if state.get("rows") != ROWS_VERSION or state.get("names") != key or state.get("multi") != multi:
            raise _Fallback("another tokenizer dictionary or mode")  # reused words would not be a full build's
        docs, vocab = meta.get("documents"), meta.get("vocab")
        if not isinstance(docs, list) or not isinstance(vocab, dict):
            raise _Fallback("incomplete search.json")
        kept = reuse & set(docs)
        dropped = {d: json.loads(_vocab_file(previous, d).read_text(encoding="utf-8")) for d in docs if d not in kept}
        folder.mkdir(parents=True, exist_ok=True)
        _clear(folder)
        (folder / DOCVOCAB_DIR).mkdir()
        for p in previous.iterdir():
            if p.is_file() and p.name.startswith(("MAIN_", "_MAIN_")) and p.name != "MAIN_WRITELOCK":
                _link_or_copy(p, folder / p.name)
        for d in kept:
            _link_or_copy(_vocab_file(previous, d), _vocab_file(folder, d))
    except (OSError, ValueError, TypeError, AttributeError) as e:
        raise _Fallback(str(e)) from None
    return vocab, kept, dropped


def _merge_policy(writer, segments):
    """Keep old segments as they are (their files are shared with the previous generation),
    except: a segment whose units were all deleted is dropped unread; a segment with more
    deleted than live units is folded into the new segment (its statistics would mislead BM25
    and the space is wasted); and above MAX_SEGMENTS the smallest are folded in too, so the
    count stays bounded. Folding copies postings (whoosh add_reader) without re-analysing."""
    from whoosh.reading import SegmentReader

    live = [s for s in segments if s.doc_count() > 0]
    fold = [s for s in live if s.deleted_count() > s.doc_count()]
    keep = [s for s in live if s not in fold]
    while len(keep) + 1 > MAX_SEGMENTS:
        smallest = min(range(len(keep)), key=lambda i: (keep[i].doc_count(), i))
        fold.append(keep.pop(smallest))
    for s in fold:
        r = SegmentReader(writer.storage, writer.schema, s)
        try:
            writer.add_reader(r)
        finally:
            r.close()
    return keep


# ----- writing


def write_index(kb, folder: Path, *, previous: Optional[Path] = None, reuse: frozenset[str] = frozenset(),
                prepared: Optional[dict[str, dict]] = None) -> Path:
    """Write the whoosh index and ``search.json`` for ``kb`` into ``folder`` (created).

    Incremental: ``previous`` is the index folder of the previous generation and ``reuse`` the
    ids of the documents unchanged since (same code version and the same single/multi-document
    mode are the caller's promise). The previous files are hard-linked here, the units of the
    other documents (changed, added, removed) are deleted or added, and old segments are not
    rewritten. Anything unusable about ``previous`` (missing, damaged, another tokenizer
    dictionary) gives a full write. The index finds the same units as a full write would, and
    search.json is the same (vocab counts are summed from per-document files).

    ``prepared``: document id -> :func:`index_rows` of that document (a cache); rows that do not
    fit (other names, content or mode) are recomputed. The output is the same either way."""
    folder = Path(folder)
    norm = Normalizer(_t2s_table())
    names = _entity_words(kb, norm)
    key = _names_key(names)
    multi = len(kb.documents) > 1
    if previous is not None:
        ids = {d.id for d in kb.documents}
        try:
            inc = _prepare_incremental(previous, folder, key, multi, set(reuse) & ids)
            return _write(kb, folder, norm, names, key, multi, prepared, inc)
        except _Fallback:
            pass
    folder.mkdir(parents=True, exist_ok=True)
    _clear(folder)
    return _write(kb, folder, norm, names, key, multi, prepared, None)


SPLIT_CHARS = 400_000  # a full write of more text is split into segments written in parallel
MAX_PARTS = 6  # segments of a split full write (a function of the corpus only, never of the machine)


def _split(docs: list) -> list[list]:
    """Contiguous runs of documents of about equal text size, one segment each. Document order
    is kept (segment after segment), so docnums, and with them the order of tied hits, are
    those of a single segment; BM25 statistics are sums over segments, the same numbers."""
    sizes = [sum(len(u.text) for u in d.units()) for d in docs]
    total = sum(sizes)
    n = min(MAX_PARTS, len(docs), total // SPLIT_CHARS)
    if n < 2:
        return [docs]
    parts: list[list] = [[]]
    acc = 0
    for d, size in zip(docs, sizes):
        if parts[-1] and len(parts) < n and acc >= total * len(parts) / n:
            parts.append([])
        parts[-1].append(d)
        acc += size
    return parts


_PART_JOB: Optional[dict] = None  # what forked part writers read (set before the fork, not pickled)


def _write_part(i: int):
    """Write part ``i`` of a split full write as a segment of its own (in a worker process, or
    in this one); returns (the whoosh segment, {document id: vocab counts})."""
    import random

    from whoosh.filedb.filestore import FileStorage
    from whoosh.writing import SegmentWriter

    job = _PART_JOB
    assert job is not None
    folder, docs = job["folder"], job["parts"][i]
    random.seed(0x6B62 + 1 + i)  # this part's segment id, reproducible and unlike the others'
    storage = FileStorage(str(folder))
    ix = storage.open_index()
    # no lock: the parent holds the index's write lock for the whole write, as whoosh's own
    # multiprocess writer does; and a temporary folder of this part's own (whoosh would share
    # "MAIN.tmp" between the processes, and remove it when the first one finishes)
    w = SegmentWriter(ix, _lk=False, compound=False, limitmb=job["limitmb"])
    tmp = storage.temp_storage(f"part{i}.tmp")
    w._tempstorage = w.pool.tempstore = tmp
    _fast_lengths(w)
    try:
        tk = None
        vocabs = {}
        for d in docs:
            dwords = job["words_of"].get(d.id)
            if dwords is None:
                dwords = _prepared_words(job["prepared"], d, job["units_of"][d.id], job["multi"], job["key"])
            if dwords is None:
                tk = tk or _tokenizer_for(job["names"])
                norm = job["norm"]
                dwords = [(_words(tk, norm(u.text)), _words(tk, norm(title))) for u, _k, _c, title in job["units_of"][d.id]]
            vocabs[d.id] = _add_doc(w, folder, d, job["units_of"][d.id], dwords, job)
        seg = w._finalize_segment()
    finally:
        tmp.destroy()
    return seg, vocabs


def _add_doc(w, folder: Path, d, units, dwords, ctx: dict) -> dict[str, int]:
    """Add one document's units; write and return its vocabulary counts."""
    dv = _doc_vocab(dwords)
    _write_new(_vocab_file(folder, d.id), _dumps(dict(sorted(dv.items()))))
    for (u, kind, chap, title), (words, twords) in zip(units, dwords):
        _add_unit(w, d, u, kind, chap, title, words, twords, ctx["norm"], ctx["multi"], ctx["ent_by_id"],
                  ctx["chap_titles"])
    return dv


def _write_parts(ctx: dict) -> list:
    """Run the part writers, in worker processes when there are CPUs for them; segments in
    part order."""
    import multiprocessing

    global _PART_JOB
    n = len(ctx["parts"])
    procs = min(n, os.cpu_count() or 1)
    _PART_JOB = dict(ctx, limitmb=max(32, LIMIT_MB // procs))
    try:
        if procs < 2 or multiprocessing.current_process().daemon:
            return [_write_part(i) for i in range(n)]
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=procs, mp_context=multiprocessing.get_context("fork")) as pool:
            return list(pool.map(_write_part, range(n)))
    finally:
        _PART_JOB = None


def _write(kb, folder: Path, norm: Normalizer, names, key: str, multi: bool, prepared, inc) -> Path:
    """Full write (``inc`` None) into an empty folder, or an update of the linked previous
    index (``inc`` from :func:`_prepare_incremental`)."""
    import random

    _whoosh()
    import whoosh.index

    vocab, kept, dropped = (dict(inc[0]), inc[1], inc[2]) if inc else ({}, set(), {})
    for dv in dropped.values():  # changed or removed documents: their units' words go
        for x, c in dv.items():
            n = vocab.get(x, 0) - c
            if n > 0:
                vocab[x] = n
            else:
                vocab.pop(x, None)
    todo = [d for d in kb.documents if d.id not in kept]
    units_of = {d.id: _doc_rows(d) for d in todo}
    parts = _split(todo) if inc is None else [todo]
    prepared = prepared or {}
    words_of: dict[str, list] = {}
    need: list[tuple[str, str]] = []
    # a split write reads each document's rows in its part's process, as it adds the document:
    # the words of a thousand plans are never all in memory at once
    for d in todo if len(parts) == 1 else ():
        dwords = _prepared_words(prepared, d, units_of[d.id], multi, key)
        if dwords is not None:
            words_of[d.id] = dwords
        else:
            need.extend((norm(u.text), norm(title)) for u, _k, _c, title in units_of[d.id])
    ctx = {"folder": folder, "parts": parts, "units_of": units_of, "words_of": words_of, "names": names,
           "prepared": prepared, "key": key,
           "norm": norm, "multi": multi, "ent_by_id": {e.id: e for e in kb.entities},
           "chap_titles": {(d.id, c.id): c.title for d in kb.documents for c in d.chapters}}
    (folder / DOCVOCAB_DIR).mkdir(exist_ok=True)
    words_iter = _all_words(need, names) if need else iter(())

    state = random.getstate()
    try:
        if inc is None:
            # whoosh names segments with the global random generator; seed it (and restore it)
            # so the same corpus gives the same index bytes
            random.seed(0x6B62)
            ix = whoosh.index.create_in(str(folder), _schema())
        else:
            ix = _safe_storage(folder).open_index()
            # a seed of its own, derived from the old segments: the new segment id must not be one
            # of theirs (the full write's seed would give the first segment's id again)
            random.seed(_names_key(["incremental", str(ix.latest_generation()),
                                    *sorted(s.segid for s in ix._segments())]))
        w = ix.writer(compound=False, limitmb=LIMIT_MB)  # compound files record mtimes: not reproducible
        _fast_lengths(w)
        try:
            for did in sorted(dropped):
                w.delete_by_term("doc", did)
            if len(parts) > 1:
                done = _write_parts(ctx)
                for _seg, vocabs in done:
                    for dv in vocabs.values():
                        for x, c in dv.items():
                            vocab[x] = vocab.get(x, 0) + c
                # this writer added nothing: the TOC lists the parts' segments, in order
                w.commit(mergetype=lambda _w, segments: segments + [seg for seg, _v in done])
            else:
                for d in todo:
                    dwords = words_of[d.id] if d.id in words_of else [next(words_iter) for _ in units_of[d.id]]
                    for x, c in _add_doc(w, folder, d, units_of[d.id], dwords, ctx).items():
                        vocab[x] = vocab.get(x, 0) + c
                w.commit() if inc is None else w.commit(mergetype=_merge_policy)
        except BaseException:
            if not w.is_closed:
                w.cancel()
            raise
    except FileExistsError as e:  # an exclusive create met an old file: never write through a link
        raise _Fallback(str(e)) from None
    except Exception as e:
        if inc is None:
            raise
        raise _Fallback(str(e)) from None  # a damaged previous index: write in full
    finally:
        if hasattr(words_iter, "close"):
            words_iter.close()  # stops the worker processes if indexing failed half-way
        random.setstate(state)
    _write_new(folder / STATE_FILE, _dumps({"rows": ROWS_VERSION, "names": key, "multi": multi}))
    _write_new(folder / META_FILE, _dumps(_meta(kb, norm, vocab)))
    return folder


class _Lengths:
    """The new segment's field lengths, read once per field: whoosh looks one up for every
    posting while writing the term index (1.3 million lookups for 30 plans, a fifth of the
    indexing time); the values are the same."""

    def __init__(self, pdr):
        self.pdr = pdr
        self.cols: dict[str, list[int]] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        col = self.cols.get(fieldname)
        if col is None:
            col = self.cols[fieldname] = [self.pdr.doc_field_length(i, fieldname, 0)
                                          for i in range(self.pdr.doc_count_all())]
        return col[docnum]

    def close(self) -> None:
        self.pdr.close()


def _fast_lengths(w) -> None:
    """Give the writer's flush the cached lengths (an instance attribute: nothing is pickled)."""
    orig = w.per_document_reader
    w.per_document_reader = lambda: _Lengths(orig())


def _add_unit(w, d, u, kind, chap, title, words, twords, norm, multi, ent_by_id, chap_titles) -> None:
    ntext, ntitle = norm(u.text), norm(title)
    nchap = norm(chap_titles.get((d.id, chap), "")) if chap else ""
    eids = sorted({m.entity for m in u.mentions})
    enames = sorted({norm(n) for i in eids if i in ent_by_id for n in [ent_by_id[i].name, *ent_by_id[i].aliases]})
    data = {
        "unit": f"{d.id}/{u.id}" if multi else u.id,
        "id": u.id,
        "doc": d.id,
        "kind": kind,
        "title": title,
        "chapter": chap,
        "text": u.text,
        "sentences": _sentences(u),
    }
    w.add_document(
        key=f"{d.id}/{u.id}",
        doc=d.id,
        kind=kind,
        chapter=chap or "",
        # token lists, not SEP-joined strings: whoosh makes the same postings from a list (positions
        # 0, 1, ..., boost 1, as the regex tokenizer of the schema gives) without tokenizing again
        bi=bigrams(ntext + END),
        tbi=bigrams(ntitle + END),
        cbi=bigrams(nchap + END),
        words=list(words),
        twords=list(twords),
        enames=[n for n in enames if n],
        ents=eids,
        data=data,
    )


def _meta(kb, norm: Normalizer, vocab: dict[str, int]) -> dict:
    chapters: dict[str, dict] = {}
    for d in kb.documents:
        for c in d.chapters:
            chapters.setdefault(c.id, {"id": c.id, "label": c.label, "title": c.title, "docs": []})
            chapters[c.id]["docs"].append(d.id)
    return {
        "version": META_VERSION,
        "t2s": list(_t2s_table()),
        "vocab": dict(sorted(vocab.items())),
        "synonyms": _synonym_groups(kb, norm),
        "chapters": list(chapters.values()),
        "entities": [
            {"id": e.id, "type": e.type, "name": e.name, "aliases": list(e.aliases), "broader": list(e.broader)}
            for e in kb.entities
        ],
        "documents": [d.id for d in kb.documents],
    }


# --------------------------------------------------------------------------- reading


class Sentence(Record):
    __slots__ = ("id", "text", "spans")

    def __init__(self, id: str, text: str, spans: list[tuple[int, int]]):
        self.id, self.text = id, text
        self.spans = spans  # highlighted [start, end) offsets into text


class Hit(Record):
    __slots__ = ("unit", "score", "kind", "title", "chapter", "chapter_title", "doc", "sentences",
                 "matched", "tier")

    def __init__(self, unit, score, kind, title, chapter, chapter_title, doc, sentences, matched, tier=0):
        self.unit: str = unit
        self.score: float = score
        self.kind: str = kind
        self.title: str = title
        self.chapter: Optional[str] = chapter
        self.chapter_title: str = chapter_title
        self.doc: str = doc
        self.sentences: list[Sentence] = sentences  # best first; at most three
        self.matched: list[str] = matched  # the normalized strings found in the unit
        self.tier: int = tier  # 0 all terms, 1 some terms, 2 relaxed (topic words of a question)

    @property
    def sentence(self) -> Optional[str]:
        return self.sentences[0].id if self.sentences else None

    def snippet(self, left: str = "【", right: str = "】", width: int = 90) -> str:
        return snippet(self.sentences[0], left, right, width) if self.sentences else ""


class SearchResult(Record):
    __slots__ = ("query", "hits", "total", "mode", "notes", "variants")

    def __init__(self, query: str):
        self.query = query
        self.hits: list[Hit] = []
        self.total = 0  # hits before the -n cut
        self.mode = "exact"  # exact | partial | relaxed | none
        self.notes: list[str] = []
        # normalized strings searched for each positive clause (the term and its declared variants)
        self.variants: list[list[str]] = []

    def to_json(self) -> dict:
        return {
            "query": self.query,
            "mode": self.mode,
            "total": self.total,
            "notes": self.notes,
            "variants": self.variants,
            "hits": [
                {
                    "unit": h.unit,
                    "score": round(h.score, 4),
                    "snippet": h.snippet(),
                    "sentence": h.sentence,
                    "title": h.title,
                    "kind": h.kind,
                    "chapter": h.chapter,
                    "chapter_title": h.chapter_title,
                    "matched": h.matched,
                    "sentences": [{"id": s.id, "text": s.text, "spans": [list(x) for x in s.spans]} for s in h.sentences],
                }
                for h in self.hits
            ],
        }


def snippet(s: Sentence, left: str, right: str, width: int = 90) -> str:
    """The sentence with its spans marked; long sentences are cut around the first span."""
    text, spans = s.text, s.spans
    a, b = 0, len(text)
    if len(text) > width and spans:
        first = spans[0][0]
        a = max(0, min(first - width // 3, len(text) - width))
        b = min(len(text), a + width)
    out = ["…" if a > 0 else ""]
    pos = a
    for x, y in spans:
        x, y = max(x, a), min(y, b)
        if x >= y:
            continue
        out += [text[pos:x], left, text[x:y], right]
        pos = y
    out.append(text[pos:b])
    if b < len(text):
        out.append("…")
    return "".join(out)


class _Index:
    """An opened index and its search.json; cached per generation folder (immutable)."""

    def __init__(self, folder: Path):
        meta_path = folder / META_FILE
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
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
        self.entities: list[dict] = meta.get("entities", [])
        syn: dict[str, list[str]] = {}
        for g in meta.get("synonyms", []):
            for n in g:
                syn.setdefault(n, [])
                syn[n].extend(x for x in g if x != n and x not in syn[n])
        # longest names first: 外卖骑手 is replaced before a shorter name inside it
        self.synonyms = dict(sorted(syn.items(), key=lambda kv: (-len(kv[0]), kv[0])))

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


def _filter(idx: _Index, chapter, kind, group, actor):
    from whoosh.query import And, Or, Term

    parts = []
    if kind:
        if kind not in KINDS:
            raise KBError(f"--kind {kind!r}: choose one of {', '.join(KINDS)}")
        parts.append(Term("kind", kind))
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
    n: Optional[int] = 10,
    chapter: Optional[str] = None,
    kind: Optional[str] = None,
    group: Optional[str] = None,
    actor: Optional[str] = None,
) -> SearchResult:
    """Search one build generation (a folder holding ``index/``; resolve it once, see
    :func:`kb.store.resolve`). ``n=None`` returns every hit.

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
    filt = _filter(idx, chapter, kind, group, actor)

    _whoosh()
    from whoosh.query import And, AndMaybe, AndNot, Or

    rank = Or(_rank(idx, [v for c in pos for v in c.variants]))
    negq = Or([c.query() for c in neg]) if neg else None

    with idx.ix.searcher() as s:

        def run(required) -> dict[int, float]:
            q = AndMaybe(required, rank)
            if negq is not None:
                q = AndNot(q, negq)
            return {h.docnum: h.score for h in s.search(q, limit=None, filter=filt)}

        def docs(q) -> set[int]:
            return set(s.docs_for_query(q))

        scored: list[tuple[int, float, int]] = []  # (tier, -score, docnum) after coordination
        found = run(And([c.query() for c in pos]) if len(pos) > 1 else pos[0].query())
        scored += [(0, -sc, d) for d, sc in found.items()]
        pieces_of: list[list[str]] = [c.variants for c in pos]
        mode = "exact" if found else "none"
        if len(pos) > 1:
            some = {d: sc for d, sc in run(Or([c.query() for c in pos])).items() if d not in found}
            if some:
                res.notes.append(f"{len(found)} unit(s) contain every term; {len(some)} more contain some of them")
                sets = [docs(c.query()) for c in pos]
                scored += [(1, -_coord(sc, d, sets), d) for d, sc in some.items()]
                mode = mode if found else "partial"
        if not scored and not any(t.quoted for c in parsed.positive for t in c.alternatives):
            pieces, note = _relaxed_pieces(idx, pos)
            # a piece may also name the chapter (智慧工会 is the heading of chapter 八 only)
            relaxed = run(Or([q for alts in pieces for q in _piece_queries(alts)])) if pieces else {}
            if relaxed:
                sets = [docs(Or(_piece_queries(alts))) for alts in pieces]
                scored += [(2, -_coord(sc, d, sets), d) for d, sc in relaxed.items()]
                pieces_of, mode = pieces, "relaxed"
                res.notes.append(note)
            else:
                lit = " ".join(v for c in pos for v, _ in c.alts[:1])
                res.notes.append(f"no unit contains “{lit}”, nor any of its words")
        res.mode = mode
        res.total = len(scored)
        # stored fields are read for the hits shown only
        keyed = sorted(scored)  # ties in document order (docnums follow it)
        if n is not None:
            keyed = keyed[: max(0, n)]
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
    text = d["text"]
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
        unit=d["unit"], score=float(score), kind=d["kind"], title=d["title"], chapter=chap,
        chapter_title=ctitle, doc=d["doc"], sentences=best, matched=matched, tier=tier,
    )
