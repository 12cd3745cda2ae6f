"""search.json as the reader sees it: its top-level values parsed in file order, and its bytes
decoded only as far as the values asked for.

Why: the entity list (read by --group/--actor only) is most of the file (3.4 of 3.7 MB at 1,000
plans) and comes after what every query needs (vocabulary, synonyms, chapters, the kb.json line
offsets); decoding all of it as UTF-8 took longer than the rest of opening the index."""

from __future__ import annotations

import codecs
import json

# bytes decoded at first, doubled each time a value runs past the decoded text
FIRST_CHUNK = 1 << 18


class Meta:
    """The top-level values of a JSON object, parsed on demand (``get``)."""

    def __init__(self, raw: bytes):
        self._raw = raw
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self._text = ""
        self._read = 0  # bytes of raw decoded into _text
        self._values: dict = {}
        self._pos = 0  # in _text: after the last value parsed
        self._done = False
        self._more(FIRST_CHUNK)
        if not self._text.lstrip().startswith("{"):
            raise ValueError("search.json is not a JSON object")

    def _more(self, n: int) -> bool:
        """Decode the next n bytes; False when everything is decoded already."""
        if self._read >= len(self._raw):
            return False
        chunk = self._raw[self._read : self._read + n]
        self._read += len(chunk)
        self._text += self._decoder.decode(chunk, final=self._read >= len(self._raw))
        return True

    def get(self, key: str, default=None):
        while key not in self._values and not self._done:
            try:
                self._next()
            except ValueError:
                # a value cut off by the end of the decoded text; a real error once all is decoded
                if not self._more(max(FIRST_CHUNK, self._read)):
                    raise
        return self._values.get(key, default)

    def _next(self) -> None:
        """Parse the next name and value (or the closing brace) after _pos."""
        dec = json.JSONDecoder()
        t = self._text
        i = self._skip(self._pos)
        if t[i] in "{,":
            i = self._skip(i + 1)
        if t[i] == "}":
            self._done = True
            return
        name, i = dec.raw_decode(t, i)
        i = self._skip(i)
        if t[i] != ":":
            raise ValueError(f"search.json: ':' expected at {i}")
        value, i = dec.raw_decode(t, self._skip(i + 1))
        # a number may continue past the decoded text: it ends only where something follows it
        self._skip(i)
        self._values[name] = value
        self._pos = i

    def _skip(self, i: int) -> int:
        t = self._text
        while i < len(t) and t[i] in " \t\r\n":
            i += 1
        if i >= len(t):
            raise ValueError("search.json ends early")
        return i
