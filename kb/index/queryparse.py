"""The `kb search` query language, parsed without whoosh's parser (which would tokenize Chinese
with its English analyzer and raise or silently drop terms on malformed input).

    农民工                  one literal term (a phrase: its characters in this order)
    集体协商 指导员          several terms; units with all of them first, then units with some
    "中共中央 国务院"        a quoted phrase may contain spaces
    劳模 OR 工匠            either term (one clause)
    劳模 -工匠, NOT 工匠     exclude units containing 工匠
    title:维权              match in task titles / row names only
    AND                     accepted between terms; it is the default anyway

Anything else is literal text: parentheses, %, *, colons in Chinese text. A malformed query
(unbalanced quote, operator with nothing on one side, unknown or empty ``field:``) is never an
error: it is searched as literal words and :attr:`Parsed.note` says so.
"""

from __future__ import annotations

import re

FIELDS = {"text", "title"}
_FIELD_RE = re.compile(r"^([A-Za-z_]+):(.*)$", re.S)


class QuerySyntaxError(ValueError):
    pass


class Record:
    """A tiny record type: ``dataclasses`` costs ~1 ms of import time per class, and this module
    is on the cold path of every `kb search`."""

    __slots__: tuple[str, ...] = ()

    def __eq__(self, other):
        return type(self) is type(other) and all(getattr(self, k) == getattr(other, k) for k in self.__slots__)

    def __repr__(self):
        return f"{type(self).__name__}({', '.join(f'{k}={getattr(self, k)!r}' for k in self.__slots__)})"


class Term(Record):
    __slots__ = ("text", "field", "quoted")

    def __init__(self, text: str, field: str = "text", quoted: bool = False):
        self.text, self.field, self.quoted = text, field, quoted


class Clause(Record):
    __slots__ = ("alternatives", "negate")

    def __init__(self, alternatives: list[Term], negate: bool = False):
        self.alternatives, self.negate = alternatives, negate


class Parsed(Record):
    __slots__ = ("clauses", "note", "literal")

    def __init__(self, clauses: list[Clause] | None = None, note: str = "", literal: bool = False):
        self.clauses = clauses if clauses is not None else []
        self.note = note  # set when the query was not understood and was searched literally
        self.literal = literal

    @property
    def positive(self) -> list[Clause]:
        return [c for c in self.clauses if not c.negate]

    @property
    def negative(self) -> list[Clause]:
        return [c for c in self.clauses if c.negate]


def _lex(q: str) -> list[tuple[str, str, bool]]:
    """(prefix, text, quoted) triples; a quoted token may carry a prefix (``-"..."``,
    ``title:"..."``). Raises on an unbalanced quote."""
    out: list[tuple[str, str, bool]] = []
    i, n = 0, len(q)
    buf = ""
    while i < n:
        c = q[i]
        if c == '"':
            j = q.find('"', i + 1)
            if j < 0:
                raise QuerySyntaxError('unbalanced "')
            out.append((buf, q[i + 1 : j], True))
            buf = ""
            i = j + 1
            if i < n and not q[i].isspace():
                raise QuerySyntaxError("text right after a closing quote")
            continue
        if c.isspace():
            if buf:
                out.append(("", buf, False))
                buf = ""
        else:
            buf += c
        i += 1
    if buf:
        out.append(("", buf, False))
    return out


def _term(prefix: str, text: str, quoted: bool) -> tuple[Term, bool]:
    """(term, negated) from one token."""
    if not quoted:
        prefix, text = "", text
        if text.startswith("-") and len(text) > 1:
            prefix, text = "-", text[1:]
        m = _FIELD_RE.match(text)
        if m:
            prefix, text = prefix + m.group(1) + ":", m.group(2)
    negate = prefix.startswith("-")
    head = prefix[1:] if negate else prefix
    fld = "text"
    if head:
        if not head.endswith(":"):
            raise QuerySyntaxError(f"unexpected {head!r} before a quote")
        fld = head[:-1].lower()
        if fld not in FIELDS:
            raise QuerySyntaxError(f"unknown field {head!r} (fields: {', '.join(sorted(FIELDS))})")
    if not text.strip():
        raise QuerySyntaxError("empty term" + (f" after {head!r}" if head else ""))
    return Term(text, fld, quoted), negate


def parse(q: str) -> Parsed:
    """Parse; on a syntax error fall back to literal words (never raises for non-empty input)."""
    try:
        return _parse(q)
    except QuerySyntaxError as e:
        words = [w for w in q.replace('"', " ").split() if w]
        shown = " ".join(words)
        return Parsed(
            clauses=[Clause([Term(w)]) for w in words],
            note=f"query syntax not understood ({e}); searched literally for: {shown}",
            literal=True,
        )


def _parse(q: str) -> Parsed:
    toks = _lex(q)
    clauses: list[Clause] = []
    pending_not = False
    pending_or = False
    for prefix, tok, quoted in toks:
        if not quoted and tok in ("AND", "OR", "NOT"):
            if tok == "NOT":
                if pending_not or pending_or:
                    raise QuerySyntaxError("NOT after another operator")
                pending_not = True
            elif tok == "OR":
                if not clauses or pending_or or pending_not or clauses[-1].negate:
                    raise QuerySyntaxError("OR needs a term on each side")
                pending_or = True
            else:  # AND
                if not clauses or pending_or or pending_not:
                    raise QuerySyntaxError("AND needs a term on each side")
            continue
        term, neg = _term(prefix, tok, quoted)
        neg = neg or pending_not
        if pending_or:
            if neg:
                raise QuerySyntaxError("cannot OR an excluded term")
            clauses[-1].alternatives.append(term)
        else:
            clauses.append(Clause([term], negate=neg))
        pending_not = pending_or = False
    if pending_not or pending_or:
        raise QuerySyntaxError("operator at the end of the query")
    if toks and toks[-1] == ("", "AND", False):
        raise QuerySyntaxError("AND at the end of the query")
    if clauses and not any(not c.negate for c in clauses):
        raise QuerySyntaxError("only excluded terms")
    return Parsed(clauses=clauses)
