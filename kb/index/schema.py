"""The index's layout: constants shared by the writer and the reader, and whoosh loaded lazily."""

from __future__ import annotations

import functools
import sys

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

        setattr(m, "urlretrieve", urlretrieve)  # noqa: B010 - a stub module: mypy cannot know its attributes
        stubs["urllib.request"] = m
    if "whoosh.lang.morph_en" not in sys.modules:
        # English stemming variations (~4 ms of regex tables) serve whoosh's Variations query only
        m = types.ModuleType("whoosh.lang.morph_en")

        def variations(word):  # pragma: no cover - we never build a Variations query
            import importlib

            sys.modules.pop("whoosh.lang.morph_en", None)
            return importlib.import_module("whoosh.lang.morph_en").variations(word)

        setattr(m, "variations", variations)  # noqa: B010
        stubs["whoosh.lang.morph_en"] = m
    if "cached_property" not in sys.modules:
        m = types.ModuleType("cached_property")
        setattr(m, "cached_property", functools.cached_property)  # noqa: B010
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
