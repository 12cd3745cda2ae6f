"""A unit's text as Markdown: sentence anchors, entity mentions, highlighted hits.

Mentions may nest (困难职工 ⊃ 职工) or even cross. The text is cut at every mention and
sentence boundary; each piece becomes one link to the *innermost* mention covering it, so both
困难职工 (from 困难) and 职工 are reachable, and a depth class draws the outer mention's extra
underline. Nothing is dropped, unlike displaCy's ``ent`` style, and no stray spaces appear.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence

from kb.model import Mention, Unit
from kb.site.markdown import Page, esc, html_esc, html_tag
from kb.site.naming import sentence_anchor, type_class

HrefFor = Callable[[str], str | None]


def plain_md(page: Page, text: str) -> str:
    if "\t" not in text:
        return esc(text)
    return page.mark("span", " ", class_="tab").join(esc(p) for p in text.split("\t"))


class MentionIndex:
    """A unit's usable mentions (in range, no duplicates), sorted, for quick range queries."""

    def __init__(self, mentions: Sequence[Mention], n: int):
        seen = set()
        ms = []
        for m in mentions:
            key = (m.entity, m.start, m.end)
            if 0 <= m.start < m.end <= n and key not in seen:
                seen.add(key)
                ms.append(m)
        ms.sort(key=lambda m: (m.start, m.end, m.entity))
        self.mentions = ms
        self.starts = [m.start for m in ms]
        self.longest = max((m.end - m.start for m in ms), default=0)
        # what the index was made for (the cache in _index checks them)
        self.n, self.count = n, len(mentions)

    def overlapping(self, lo: int, hi: int) -> list[Mention]:
        a = bisect_left(self.starts, lo - self.longest)
        b = bisect_left(self.starts, hi)
        return [m for m in self.mentions[a:b] if m.end > lo]


_INDEX: dict[int, tuple[Sequence[Mention], MentionIndex]] = {}


def _index(mentions: Sequence[Mention], n: int) -> MentionIndex:
    # keyed by the list object (kept alive in the value, so its id cannot be reused)
    hit = _INDEX.get(id(mentions))
    if hit is not None and hit[0] is mentions and hit[1].n == n and hit[1].count == len(mentions):
        return hit[1]
    ix = MentionIndex(mentions, n)
    if len(_INDEX) > 100_000:
        _INDEX.clear()
    _INDEX[id(mentions)] = (mentions, ix)
    return ix


def reset_cache() -> None:
    _INDEX.clear()


def plain_html(text: str) -> str:
    if "\t" not in text:
        return html_esc(text)
    return '<span class="tab"> </span>'.join(html_esc(p) for p in text.split("\t"))


def _pieces(
    text: str,
    mentions: Sequence[Mention],
    lo: int,
    hi: int,
    *,
    href_for: HrefFor,
    names: dict[str, str],
    hl: str | None,
):
    """``text[lo:hi]`` cut at mention bounds: (segment, None, None) for plain text, else
    (segment, tag, attributes) for the element that marks it (the innermost mention links)."""
    ms = _index(mentions, len(text)).overlapping(lo, hi)
    cuts = sorted({lo, hi, *(max(m.start, lo) for m in ms), *(min(m.end, hi) for m in ms)})
    # a sweep over the cuts: the mentions covering a piece are those open at its start (a scan
    # of every mention for every piece was quadratic in a unit of one long sentence)
    by_start = sorted(ms, key=lambda m: max(m.start, lo))
    nxt = 0
    active: list[Mention] = []
    for a, b in zip(cuts, cuts[1:]):
        seg = text[a:b]
        while nxt < len(by_start) and max(by_start[nxt].start, lo) <= a:
            active.append(by_start[nxt])
            nxt += 1
        if active:
            active = [m for m in active if m.end >= b]
        cover = list(active)
        if not cover:
            yield seg, None, None
            continue
        cover.sort(key=lambda m: (-(m.end - m.start), m.entity))
        inner = cover[-1]
        ents = list(dict.fromkeys(m.entity for m in cover))
        cls = f"m {type_class(inner.entity)}"
        if len(cover) > 1:
            cls += f" n{min(len(cover), 3)}"
        if hl is not None and hl in ents:
            cls += " hl"
        # the tooltip only where it says more than the marked text (a nested or shortened
        # mention): on every mention it was a fifth of a unit page; the link names the entity
        title: str | None = " ⊃ ".join(names.get(e, e) for e in ents)
        if title == seg:
            title = None
        href = href_for(inner.entity)
        if href:
            yield seg, "a", {"href": href, "class_": cls, "title": title}
        else:
            yield seg, "span", {"class_": cls, "title": title}


def text_md(
    page: Page,
    text: str,
    mentions: Sequence[Mention],
    lo: int,
    hi: int,
    *,
    href_for: HrefFor,
    names: dict[str, str],
    hl: str | None = None,
) -> str:
    """Markdown for ``text[lo:hi]`` with its mentions marked."""
    if page.raw_html:
        return page.raw(text_html(text, mentions, lo, hi, href_for=href_for, names=names, hl=hl))
    return "".join(
        plain_md(page, seg) if tag is None else page.mark(tag, plain_md(page, seg), **attrs)
        for seg, tag, attrs in _pieces(text, mentions, lo, hi, href_for=href_for, names=names, hl=hl)
    )


def text_html(
    text: str,
    mentions: Sequence[Mention],
    lo: int,
    hi: int,
    *,
    href_for: HrefFor,
    names: dict[str, str],
    hl: str | None = None,
) -> str:
    """:func:`text_md` as HTML: the same elements, built directly."""
    return "".join(
        plain_html(seg) if tag is None else html_tag(tag, plain_html(seg), **attrs)
        for seg, tag, attrs in _pieces(text, mentions, lo, hi, href_for=href_for, names=names, hl=hl)
    )


def _unit_spans(unit: Unit):
    """The unit's text in reading order: (lo, hi, None) for text outside any sentence, else
    (lo, hi, (sentence id, anchor, its number as shown))."""
    text = unit.text
    sents = sorted((s for s in unit.sentences if 0 <= s.start < s.end <= len(text)), key=lambda s: s.start)
    pos = 0
    for i, s in enumerate(sents, 1):
        start = max(s.start, pos)
        if start >= s.end:
            continue
        if start > pos:
            yield pos, start, None
        anchor = sentence_anchor(unit.id, s.id)
        num = anchor[1:] if anchor[:1] == "s" and anchor[1:].isdigit() else str(i)
        yield start, s.end, (s.id, anchor, num)
        pos = s.end
    if pos < len(text):
        yield pos, len(text), None


def unit_md(page: Page, unit: Unit, href_for: HrefFor, names: dict[str, str], elsewhere: str | None = None) -> str:
    """The whole unit text, each sentence a ``<span id="s3">`` with a small link to itself.
    With ``elsewhere`` (the unit's own page, when it is quoted on another page) the sentences
    get no ids, which would repeat there, and their links point to that page."""
    if page.raw_html:
        return page.raw(unit_html(unit, href_for, names, elsewhere))
    parts = []
    for lo, hi, sent in _unit_spans(unit):
        body = text_md(page, unit.text, unit.mentions, lo, hi, href_for=href_for, names=names)
        if sent is None:
            parts.append(body)
            continue
        sid, anchor, num = sent
        link = page.mark("a", num, href=(elsewhere or "") + "#" + anchor, class_="sa", title=f"本句链接 {sid}")
        parts.append(page.mark("span", link + body, id=None if elsewhere else anchor, class_="s"))
    return page.mark("span", "".join(parts), class_="utext")


def unit_html(unit: Unit, href_for: HrefFor, names: dict[str, str], elsewhere: str | None = None) -> str:
    """:func:`unit_md` as HTML."""
    parts = []
    for lo, hi, sent in _unit_spans(unit):
        body = text_html(unit.text, unit.mentions, lo, hi, href_for=href_for, names=names)
        if sent is None:
            parts.append(body)
            continue
        sid, anchor, num = sent
        link = html_tag("a", html_esc(num), href=(elsewhere or "") + "#" + anchor, class_="sa", title=f"本句链接 {sid}")
        parts.append(html_tag("span", link + body, id=None if elsewhere else anchor, class_="s"))
    return html_tag("span", "".join(parts), class_="utext")
