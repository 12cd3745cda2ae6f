"""The index's layout: constants shared by the writer and the reader, and whoosh loaded lazily."""

from __future__ import annotations

import functools
import sys
import types

SEP = "\x1f"  # textnorm maps U+001F to a space, so it never occurs inside a token
END = "\x1e"  # appended before taking bigrams, so the last character starts one; never in a query
META_FILE = "search.json"
# 3: compact posting blocks and positions, block-compressed stored fields (kb.index.codec);
# 4: texts in kb.json; 5: posting blocks by columns and byte planes, struct block headers;
# 6: texts' offsets from the end of their document line's head (kb.index.stored) and each
# block's score frontier in its header (exact block-max bounds)
META_VERSION = 6
KINDS = ("task", "indicator", "paragraph")
MAX_WORD = 8  # longest vocabulary word looked up in a query
MAX_QUERY = 2000  # characters; longer input is refused rather than silently cut
MAX_RANK_WORDS = 48  # ranking terms per query (a pasted paragraph holds hundreds of words)
MAX_PIECES = 24  # topic pieces of a relaxed query, and known words per piece


# --------------------------------------------------------------------------- whoosh, lazily


def _forward(module: str, name: str):
    """A function standing in for ``module.name`` that imports the real module when called."""

    def call(*args, **kwargs):  # pragma: no cover - whoosh never calls these on our path
        import importlib

        return getattr(importlib.import_module(module), name)(*args, **kwargs)

    return call


def _stand_ins() -> dict[str, types.ModuleType]:
    """Stand-ins for modules whoosh imports but never uses on our path, each costing import time
    on every ``kb search``: ``urllib.request`` (~14 ms, via ``whoosh.compat``, for a download
    helper), ``html`` (~2 ms, for highlighting), the ``cached_property`` backport (its import of
    ``asyncio`` ~20 ms; the standard library's ``functools.cached_property`` does the same job),
    English stemming and phonetic tables (~6 ms, for analyzers and queries we do not use), the
    Levenshtein automata (fuzzy terms), and ``hashlib``, which loads OpenSSL (~3 ms) for the md5
    of whoosh's term tables: the built-in ``_md5`` gives the same digests."""
    forwards = {
        "urllib.request": "urlretrieve",
        "html": "escape",
        "whoosh.lang.morph_en": "variations",
        "whoosh.lang.porter": "stem",
        "whoosh.lang.dmetaphone": "double_metaphone",
        "whoosh.automata.lev": "levenshtein_automaton",
    }
    mods = {}
    for module, name in forwards.items():
        mods[module] = m = types.ModuleType(module)
        setattr(m, name, _forward(module, name))
    mods["cached_property"] = m = types.ModuleType("cached_property")
    setattr(m, "cached_property", functools.cached_property)  # noqa: B010 - mypy cannot know a stand-in's attributes
    try:
        from _md5 import md5
    except ImportError:  # a Python built without it: whoosh gets hashlib
        pass
    else:
        mods["hashlib"] = m = types.ModuleType("hashlib")
        setattr(m, "md5", md5)  # noqa: B010
    return mods


def _whoosh():
    """Import the parts of whoosh we use, without the import-time costs of :func:`_stand_ins`.
    Stand-ins are placed only while whoosh is imported and only for modules not yet loaded,
    then removed, so later imports in this process get the real modules."""
    if "whoosh.index" in sys.modules and "whoosh.query" in sys.modules:
        return sys.modules["whoosh"]
    stubs = {name: m for name, m in _stand_ins().items() if name not in sys.modules}
    sys.modules.update(stubs)
    try:
        import whoosh.codec.whoosh3  # noqa: F401 - the codec every segment reader uses
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

    from kb.index.blockformat import CompactPositions

    def toks(boost=1.0, phrase=False):
        f = TEXT(analyzer=RegexTokenizer(r"[^\x1f]+"), phrase=phrase, field_boost=boost)
        if phrase:  # the same positions, in a compact encoding (kb.index.codec)
            f.format = CompactPositions(field_boost=boost)
        return f

    return Schema(
        # not stored: ``data`` holds them, and hits read nothing else
        doc=ID,
        kind=ID,
        chapter=ID,
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
