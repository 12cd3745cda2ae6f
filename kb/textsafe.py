"""Corpus text is data: what a command prints must not drive the terminal.

:func:`safe` is the one output sanitizer every command uses for text it prints (``kb search``,
``kb show``, ``kb mentions`` …): C0/C1 control characters (ESC starts cursor moves, ``ESC]0;``
sets the window title), DEL and the bidirectional overrides that could make a line display as
another become U+FFFD. Newlines (and, unless ``one_line``, tabs) are kept. A plain function, so
any emitter can call it; it never touches ``--json`` output, where ``json.dumps`` escapes them.
"""

from __future__ import annotations

import re

# C0 but TAB and LF, DEL, C1, and the bidi embeddings/overrides/isolates
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def safe(s: str, one_line: bool = False) -> str:
    """``s`` with terminal control sequences neutralized; ``one_line``: TAB and LF print as a space."""
    if one_line:
        s = s.replace("\t", " ").replace("\n", " ")
    s = _UNSAFE.sub("\ufffd", s)
    return fix_surrogates(s)


def fix_surrogates(s: str) -> str:
    """Lone surrogates (bytes a command line could not decode, kept by ``surrogateescape``) as
    U+FFFD, so that the output is valid UTF-8."""
    try:
        s.encode("utf-8")
        return s
    except UnicodeEncodeError:
        pass
    try:
        return s.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a surrogate that is not an escaped byte (\ud800)
        return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in s)
