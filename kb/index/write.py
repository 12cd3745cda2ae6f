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

import json
import os
import shutil
from pathlib import Path

from kb.ids import qualify
from kb.index.rows import (
    DOCVOCAB_DIR,
    MAX_SEGMENTS,
    ROWS_VERSION,
    SEGMENT_BYTES,
    STATE_FILE,
    _all_words,
    _doc_rows,
    _doc_vocab,
    _dumps,
    _entity_words,
    _names_key,
    _prepared_words,
    _read_vocab,
    _sentences,
    _synonym_groups,
    _t2s_table,
    _tokenizer_for,
    _vocab_file,
    _words,
    _write_new,
    _write_vocab,
)
from kb.index.schema import END, META_FILE, META_VERSION, _schema, _whoosh
from kb.index.storage import add_document, exclusive_storage, link_or_copy, segment_writer
from kb.index.stored import Locator, Source, same_lines
from kb.index.textnorm import Normalizer, bigrams


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


def _prepare_incremental(previous: Path, folder: Path, key: str, multi: bool, reuse: set[str], sources):
    """Check the previous index and hard-link its files into ``folder``. Returns (previous vocab,
    kept document ids, {dropped document id: its vocab counts}); the dropped documents are those
    of the previous index that are changed or removed, or whose kb.json line (where the previous
    index found their texts; ``sources``: the old and the new kb.json) is not the same. Raises _Fallback when the
    previous index cannot be used."""
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
        if meta.get("source"):  # texts found in the previous kb.json: only where lines are the same
            old, src = sources
            if old is None or old.stamp() != meta["source"].get("kb"):
                old = None  # not the kb.json the previous index read: keep no document
            kept = {d for d in kept if same_lines(old, src, d)}
        if not kept:
            # nothing to keep (new code, other texts): a full write, split into parts written in
            # parallel, holds a part's postings at a time; one incremental writer would hold all
            raise _Fallback("no document kept")
        dropped = {d: _read_vocab(_vocab_file(previous, d)) for d in docs if d not in kept}
        folder.mkdir(parents=True, exist_ok=True)
        _clear(folder)
        (folder / DOCVOCAB_DIR).mkdir()
        for p in previous.iterdir():
            if p.is_file() and p.name.startswith(("MAIN_", "_MAIN_")) and p.name != "MAIN_WRITELOCK":
                link_or_copy(p, folder / p.name)
        for d in kept:
            link_or_copy(_vocab_file(previous, d), _vocab_file(folder, d))
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


def write_index(
    kb,
    folder: Path,
    *,
    previous: Path | None = None,
    reuse: frozenset[str] = frozenset(),
    prepared: dict[str, dict] | None = None,
    source=None,
    previous_source=None,
) -> Path:
    """Write the whoosh index and ``search.json`` for ``kb`` into ``folder`` (created).

    Incremental: ``previous`` is the index folder of the previous generation and ``reuse`` the
    ids of the documents unchanged since (same code version and the same single/multi-document
    mode are the caller's promise). The previous files are hard-linked here, the units of the
    other documents (changed, added, removed) are deleted or added, and old segments are not
    rewritten. Anything unusable about ``previous`` (missing, damaged, another tokenizer
    dictionary) gives a full write. The index finds the same units as a full write would, and
    search.json is the same (vocab counts are summed from per-document files).

    ``prepared``: document id -> :func:`index_rows` of that document (a cache); rows that do not
    fit (other names, content or mode) are recomputed. The output is the same either way.

    ``source``: the generation's kb.json as opened by kb.build.seek.open_seek, where the units'
    texts are found instead of being stored again (kb.index.stored); without it they are stored.
    ``previous_source``: the previous generation's, where ``previous`` found them."""
    folder = Path(folder)
    norm = Normalizer(_t2s_table())
    names = _entity_words(kb, norm)
    key = _names_key(names)
    multi = len(kb.documents) > 1
    src = Source(source) if source else None
    old = Source(previous_source) if previous_source else None
    if previous is not None:
        ids = set(_ids(kb.documents))
        try:
            inc = _prepare_incremental(previous, folder, key, multi, set(reuse) & ids, (old, src))
            return _write(kb, folder, norm, names=names, key=key, multi=multi, prepared=prepared, src=src, inc=inc)
        except _Fallback:
            pass
    folder.mkdir(parents=True, exist_ok=True)
    _clear(folder)
    return _write(kb, folder, norm, names=names, key=key, multi=multi, prepared=prepared, src=src, inc=None)


SPLIT_CHARS = 400_000  # a full write of more text is split into segments written in parallel
MAX_PARTS = 6  # segments of a split full write (a function of the corpus only, never of the machine)


def _split(docs):
    """Contiguous runs of documents of about equal text size, one segment each. Document order
    is kept (segment after segment), so docnums, and with them the order of tied hits, are
    those of a single segment; BM25 statistics are sums over segments, the same numbers."""
    sizes = getattr(docs, "sizes", None) or [sum(len(u.text) for u in d.units()) for d in docs]
    total = sum(sizes)
    n = min(MAX_PARTS, len(docs), total // SPLIT_CHARS)
    if n < 2:
        return [docs]
    starts = [0]
    acc = 0
    for i, size in enumerate(sizes):
        if i > starts[-1] and len(starts) < n and acc >= total * len(starts) / n:
            starts.append(i)
        acc += size
    return [docs[a:b] for a, b in zip(starts, [*starts[1:], len(docs)])]


# A build passes its documents as a lazy sequence (kb.build.stream.LazyDocuments) that loads each
# one when reached and knows their ids, sizes and chapters without loading them; any list works.


def _ids(docs) -> list[str]:
    ids = getattr(docs, "ids", None)
    return ids if ids is not None else [d.id for d in docs]


def _without(docs, ids: set[str]):
    return docs.without(ids) if hasattr(docs, "without") else [d for d in docs if d.id not in ids]


def _chapters_of(docs):
    if hasattr(docs, "chapters") and callable(docs.chapters):
        return docs.chapters()
    return ((d.id, [(c.id, c.label, c.title) for c in d.chapters]) for d in docs)


_PART_JOB: dict | None = None  # what forked part writers read (set before the fork, not pickled)


def _write_part(i: int):
    """Write part ``i`` of a split full write as segments of its own (in a worker process, or
    in this one); returns (the whoosh segments, {document id: vocab counts})."""
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
    tmp = storage.temp_storage(f"part{i}.tmp")

    def new_writer():
        w = segment_writer(SegmentWriter, ix, _lk=False)
        w._tempstorage = w.pool.tempstore = tmp
        return w

    w = new_writer()
    segs = []
    try:
        vocabs = {}
        for d in docs:
            if w.pool.nbytes > SEGMENT_BYTES:  # bounds this process's memory: a new segment
                segs.append(w._finalize_segment())
                w = new_writer()
            units = _doc_rows(d)
            vocabs[d.id] = _add_doc(w, folder, d, units, _doc_words(d, units, job), job)
        segs.append(w._finalize_segment())
    finally:
        tmp.destroy()
    return segs, vocabs


def _doc_words(d, units, ctx: dict) -> list[tuple[list[str], list[str]]]:
    """(text words, title words) of each unit of ``d``: its prepared rows, or, where they do not
    fit, jieba's words made here."""
    dwords = _prepared_words(ctx["prepared"], d, units, ctx["multi"], ctx["key"])
    if dwords is None:
        tk, norm = _tokenizer_for(ctx["names"]), ctx["norm"]
        dwords = [(_words(tk, norm(u.text)), _words(tk, norm(title))) for u, _k, _c, title in units]
    return dwords


def _add_doc(w, folder: Path, d, units, dwords, ctx: dict) -> dict[str, int]:
    """Add one document's units; write and return its vocabulary counts."""
    dv = _doc_vocab(dwords)
    _write_vocab(_vocab_file(folder, d.id), dv)
    chap_titles = {c.id: c.title for c in d.chapters}
    loc = Locator(ctx["src"].line(d.id) if ctx["src"] else None)
    for (u, kind, chap, title), (words, twords) in zip(units, dwords):
        _add_unit(
            w,
            d,
            u,
            kind=kind,
            chap=chap,
            title=title,
            words=words,
            twords=twords,
            norm=ctx["norm"],
            multi=ctx["multi"],
            ent_by_id=ctx["ent_by_id"],
            chap_titles=chap_titles,
            loc=loc,
        )
    return dv


def _write_parts(ctx: dict) -> list:
    """Run the part writers, in worker processes when there are CPUs for them; segments in
    part order."""
    import multiprocessing

    global _PART_JOB
    n = len(ctx["parts"])
    procs = min(n, os.cpu_count() or 1)
    _PART_JOB = dict(ctx)
    try:
        if procs < 2 or multiprocessing.current_process().daemon:
            return [_write_part(i) for i in range(n)]
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=procs, mp_context=multiprocessing.get_context("fork")) as pool:
            return list(pool.map(_write_part, range(n)))
    finally:
        _PART_JOB = None


def _write(kb, folder: Path, norm: Normalizer, *, names, key: str, multi: bool, prepared, src, inc) -> Path:
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
    todo = _without(kb.documents, kept)
    parts = _split(todo) if inc is None else [todo]
    # Without prepared rows (a write outside a build) a single write has jieba's words of all its
    # units made first, by worker processes while this one feeds whoosh. Otherwise each document's
    # rows are read as it is added (in its part's process for a split write), a document whose
    # rows do not fit has its words made then, and no document is loaded twice: the words of a
    # thousand plans are never all in memory at once, and neither are the documents.
    need = [
        (norm(u.text), norm(t))
        for d in (todo if not prepared and len(parts) == 1 else ())
        for u, _k, _c, t in _doc_rows(d)
    ]
    prepared = prepared or {}
    ctx = {
        "folder": folder,
        "parts": parts,
        "names": names,
        "prepared": prepared,
        "key": key,
        "norm": norm,
        "multi": multi,
        "ent_by_id": {e.id: e for e in kb.entities},
        "src": src,
    }
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
            ix = exclusive_storage(folder).open_index()
            # a seed of its own, derived from the old segments: the new segment id must not be one
            # of theirs (the full write's seed would give the first segment's id again)
            random.seed(
                _names_key(["incremental", str(ix.latest_generation()), *sorted(s.segid for s in ix._segments())])
            )
        w = segment_writer(ix.writer)
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
                w.commit(mergetype=lambda _w, segments: segments + [seg for segs, _v in done for seg in segs])
            else:
                for d in todo:
                    units = _doc_rows(d)
                    dwords = [next(words_iter) for _ in units] if need else _doc_words(d, units, ctx)
                    for x, c in _add_doc(w, folder, d, units, dwords, ctx).items():
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
    _write_new(folder / META_FILE, _dumps(_meta(kb, norm, vocab, src.meta(folder) if src else None)))
    return folder


def _add_unit(w, d, u, *, kind, chap, title, words, twords, norm, multi, ent_by_id, chap_titles, loc) -> None:
    ntext, ntitle = norm(u.text), norm(title)
    nchap = norm(chap_titles.get(chap, "")) if chap else ""
    eids = sorted({m.entity for m in u.mentions})
    enames = sorted({norm(n) for i in eids if i in ent_by_id for n in [ent_by_id[i].name, *ent_by_id[i].aliases]})
    data = {
        "unit": qualify(d.id, u.id, multi),
        "id": u.id,
        "doc": d.id,
        "kind": kind,
        "title": title,
        "chapter": chap,
        "path": u.path,
        "sentences": _sentences(u),
    }
    at = loc.find(u.text)
    if at:
        data["at"] = at  # where kb.json has the text (kb.index.stored)
    else:
        data["text"] = u.text
    add_document(
        w,
        dict(
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
        ),
    )


def _meta(kb, norm: Normalizer, vocab: dict[str, int], source: dict | None) -> dict:
    chapters: dict[str, dict] = {}
    for doc_id, chs in _chapters_of(kb.documents):
        for cid, label, title in chs:
            chapters.setdefault(cid, {"id": cid, "label": label, "title": title, "docs": []})
            chapters[cid]["docs"].append(doc_id)
    return {
        "version": META_VERSION,
        "t2s": list(_t2s_table()),
        "vocab": dict(sorted(vocab.items())),
        "synonyms": _synonym_groups(kb, norm),
        "chapters": list(chapters.values()),
        "source": source,  # before the entities: a query reads it, and search.json only that far
        "entities": [
            {"id": e.id, "type": e.type, "name": e.name, "aliases": list(e.aliases), "broader": list(e.broader)}
            for e in kb.entities
        ],
        "documents": _ids(kb.documents),
    }


# --------------------------------------------------------------------------- reading
