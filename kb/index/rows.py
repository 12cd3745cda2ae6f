"""What the writer indexes: per-unit rows, jieba words and vocabularies (build time only)."""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kb.index import textnorm
from kb.index.schema import MAX_WORD
from kb.index.textnorm import Normalizer


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
# a part writer ends its segment and starts another when its posting pool (kb.index.pool) passes
# this: the writer's memory is bounded whatever the collection's size (a pool of this estimate
# is about 150 MB of process memory)
SEGMENT_BYTES = 128 * 1024 * 1024


def index_names(kb) -> tuple[str, ...]:
    """The extra words of the jieba dictionary used for ``words`` (entity names and aliases of
    ``kb``). They are global: :func:`index_rows` needs them, and rows made with other names
    are not used."""
    return _entity_words(kb, Normalizer(_t2s_table()))


def _names_key(names: Iterable[str]) -> str:
    import hashlib

    return hashlib.sha256("\n".join(names).encode("utf-8")).hexdigest()[:16]


def _doc_rows(d) -> list[tuple[Any, str, str | None, str]]:
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
    return {"v": ROWS_VERSION, "names": _names_key(names), "multi": bool(multi), "sha": doc.sha256, "units": units}


def _prepared_words(prepared, d, units, multi: bool, key: str):
    """The (text words, title words) of each unit of ``d`` from prepared rows, or None."""
    rows = prepared.get(d.id) if prepared else None
    if rows is None or not _usable_rows(rows, d, units, multi, key):
        return None
    return [(w, t) for _id, w, t in rows["units"]]


def _usable_rows(rows, d, units, multi: bool, key: str) -> bool:
    try:
        return (
            rows["v"] == ROWS_VERSION
            and rows["names"] == key
            and rows["multi"] == multi
            and rows["sha"] == d.sha256
            and [r[0] for r in rows["units"]] == [u.id for u, *_ in units]
        )
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
    return folder / DOCVOCAB_DIR / (hashlib.sha256(doc_id.encode("utf-8")).hexdigest()[:24] + ".json.z")


def _write_vocab(path: Path, vocab: dict[str, int]) -> None:
    """Deflated: the word lists are a fifth of the input text's size as JSON, a third of that
    deflated (read back only by an incremental update)."""
    import zlib

    _write_new(path, zlib.compress(_dumps(dict(sorted(vocab.items()))).encode("utf-8"), 6))


def _read_vocab(path: Path) -> dict[str, int]:
    import zlib

    return json.loads(zlib.decompress(path.read_bytes()).decode("utf-8"))


def _write_new(path: Path, data: str | bytes) -> None:
    """Write a file that must be a new inode: never truncate a file that may be hard-linked
    from the previous generation."""
    tmp = path.with_name(path.name + ".tmp")
    if isinstance(data, bytes):
        tmp.write_bytes(data)
    else:
        tmp.write_text(data, encoding="utf-8")
    os.replace(tmp, path)


def _dumps(x) -> str:
    return json.dumps(x, ensure_ascii=False, separators=(",", ":"))


# ----- the hard-linked previous generation
