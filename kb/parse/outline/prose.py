"""Prose nodes: one per blank-line-separated paragraph (a search hit and a citation name one
paragraph, not a page of them); a short unpunctuated first line that opens the text is its title."""

from __future__ import annotations

from kb.parse.outline.model import Node, Outline

PROSE_PREFIX = {"paragraph": "P", "front": "F", "back": "Z"}


def split_prose(ol: Outline, text: str) -> None:
    """One prose node per blank-line-separated paragraph (a search hit and a citation name one
    paragraph, not a page of them); a short first line without punctuation that opens the text
    is the title (front matter). Prose ids are renumbered in reading order."""
    out: list[Node] = []
    for n in ol.nodes:
        if n.kind not in PROSE_PREFIX:
            out.append(n)
            continue
        a = n.start
        while True:
            cut = text.find("\n\n", a, n.end)
            while cut >= 0 and cut + 2 < n.end and text[cut + 2] == "\n":
                cut += 1
            if cut < 0 or not text[cut : n.end].strip() or not text[a:cut].strip():
                out.append(Node(**{**n.__dict__, "start": a, "end": n.end}))
                break
            out.append(Node(**{**n.__dict__, "start": a, "end": cut + 2}))
            a = cut + 2
    first = next((n for n in out if text[n.start : n.end].strip()), None)
    if first is not None and first.kind == "paragraph":
        line = text[first.start : first.end].strip()
        if "\n" not in line and len(line) <= 60 and not any(c in line for c in "。，,；;：:"):
            first.kind = "front"
    count: dict[str, int] = {}
    for n in out:
        if n.kind in PROSE_PREFIX:
            k = PROSE_PREFIX[n.kind]
            count[k] = count.get(k, 0) + 1
            n.id = f"{k}{count[k]}"
    ol.nodes = out
