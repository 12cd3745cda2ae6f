"""Search results: hits with their best sentences and the clause marked, as data and JSON."""

from __future__ import annotations

from kb.index.queryparse import Record
from kb.index.schema import KINDS

SHOWN_KIND = {"indicator": "row"}
STORED_KIND = {"row": "indicator"}
SHOWN_KINDS = tuple(SHOWN_KIND.get(k, k) for k in KINDS)


class Sentence(Record):
    __slots__ = ("id", "text", "spans")

    def __init__(self, id: str, text: str, spans: list[tuple[int, int]]):
        self.id, self.text = id, text
        self.spans = spans  # highlighted [start, end) offsets into text


class Hit(Record):
    __slots__ = (
        "unit",
        "score",
        "kind",
        "title",
        "chapter",
        "chapter_title",
        "doc",
        "sentences",
        "matched",
        "tier",
        "path",
    )

    def __init__(self, *, unit, score, kind, title, chapter, chapter_title, doc, sentences, matched, tier=0, path=""):
        self.unit: str = unit
        self.score: float = score
        self.kind: str = kind
        self.title: str = title
        self.chapter: str | None = chapter
        self.chapter_title: str = chapter_title
        self.doc: str = doc
        self.sentences: list[Sentence] = sentences  # best first; at most three
        self.matched: list[str] = matched  # the normalized strings found in the unit
        self.tier: int = tier  # 0 all terms, 1 some terms, 2 relaxed (topic words of a question)
        self.path: str = path  # where the unit sits in its plan: 二、行动步骤 › （三）… › 7.

    @property
    def sentence(self) -> str | None:
        return self.sentences[0].id if self.sentences else None

    def snippet(self, left: str = "【", right: str = "】", width: int = 90) -> str:
        return snippet(self.sentences[0], left, right, width) if self.sentences else ""


class SearchResult(Record):
    __slots__ = ("query", "hits", "total", "estimated", "mode", "notes", "variants")

    def __init__(self, query: str):
        self.query = query
        self.hits: list[Hit] = []
        self.total = 0  # hits before the -n cut
        self.estimated = False  # total scaled from a sample (a phrase in thousands of units)
        self.mode = "exact"  # exact | partial | relaxed | none
        self.notes: list[str] = []
        # normalized strings searched for each positive clause (the term and its declared variants)
        self.variants: list[list[str]] = []

    def to_json(self) -> dict:
        doc = {"query": self.query, "mode": self.mode, "total": self.total}
        if self.estimated:  # only then: an exact total keeps the shape it always had
            doc["total_estimated"] = True
        return doc | {
            "notes": self.notes,
            "variants": self.variants,
            "hits": [
                {
                    "id": h.unit,
                    "score": round(h.score, 4),
                    "snippet": h.snippet(),
                    "sentence": h.sentence,
                    "title": h.title,
                    "kind": h.kind,
                    "chapter": h.chapter,
                    "chapter_title": h.chapter_title,
                    "path": h.path,
                    "matched": h.matched,
                    "sentences": [
                        {"id": s.id, "text": s.text, "spans": [list(x) for x in s.spans]} for s in h.sentences
                    ],
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
