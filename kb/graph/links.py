"""The stored forms of links: a kb.json edge without what its other fields say (an evidence part
about the edge's source or target without its unit), a document's related edges as one run;
and graph.json's links, without their evidence, a run of one source's links of a type as one
item; and the reading back of both. Written and
read here so that the whole-model writers (kb.graph.io, kb.build.kbjson) and the streamed ones
(kb.build.graphjson, kb.build.kbjson) store links the same way."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

_EDGE_FIELDS = {"source", "target", "type", "evidence", "rule", "weight"}


def _short_sentence(sentence, unit: str):
    """``unit.s3`` as ``.s3``; None when the sentence cannot be stored shortened."""
    if not isinstance(sentence, str) or sentence.startswith("."):
        return None
    return sentence[len(unit) :] if sentence.startswith(unit + ".") else sentence


def _short_part(part: dict[str, Any], unit: str) -> dict[str, Any] | None:
    """An evidence part without its ``unit`` (first, and equal to ``unit``); None when it has
    none such, or its sentence could be misread."""
    if list(part)[:1] != ["unit"] or part["unit"] != unit:
        return None
    out = {k: v for k, v in part.items() if k != "unit"}
    if "sentence" in out:
        sentence = _short_sentence(out["sentence"], unit)
        if sentence is None:
            return None
        out["sentence"] = sentence
    return out


def stored_link(link: dict[str, Any], weight: float | None = 1.0) -> dict[str, Any]:
    """An edge's dict (kb.json) without what its other fields say; ``weight``: the weight left
    unsaid."""
    ev = link.get("evidence")
    if set(link) != _EDGE_FIELDS or not isinstance(ev, dict):
        return link
    short = _short_part(ev, link["source"])
    if short is None:
        return link
    for k, v in short.items():
        if isinstance(v, dict):  # the other end's part: about the link's target
            part = _short_part(v, link["target"])
            if part is None:
                return link
            short[k] = part
    out = {"source": link["source"], "target": link["target"], "type": link["type"], "ev": short}
    if link["rule"] is not None:
        out["rule"] = link["rule"]
    if link["weight"] != weight:
        out["weight"] = link["weight"]
    return out


def _long_part(part: dict[str, Any], unit: str) -> dict[str, Any]:
    out = {"unit": unit, **part}
    if isinstance(out.get("sentence"), str) and out["sentence"].startswith("."):
        out["sentence"] = unit + out["sentence"]
    return out


def loaded_link(e: dict[str, Any], weight: float | None = 1.0) -> dict[str, Any]:
    ev = _long_part(e["ev"], e["source"])
    for k, v in ev.items():
        # a part stored with its unit was written before parts were shortened: as it is
        if isinstance(v, dict) and "unit" not in v:
            ev[k] = _long_part(v, e["target"])
    link = {"source": e["source"], "target": e["target"], "type": e["type"]}
    return {**link, "evidence": ev, "rule": e.get("rule"), "weight": e.get("weight", weight)}


def graph_link(link: dict[str, Any]) -> dict[str, Any]:
    """graph.json's form of a link: its ends, its key when it is not the type, its type, a set
    rule and a weight other than 1.0; not its evidence, which kb.json holds (a related link's
    was half of graph.json): kb.query.graph reads it from there."""
    out = {"source": link["source"], "target": link["target"]}
    if link["key"] != link["type"]:
        out["key"] = link["key"]
    out["type"] = link["type"]
    if link["rule"] is not None:
        out["rule"] = link["rule"]
    if link["weight"] != 1.0:
        out["weight"] = link["weight"]
    return out


def stored_runs(links: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Consecutive links (:func:`graph_link`) of one source, type and rule, keyed by their type,
    as one item ``{"source", <type>: [target or [target, weight], ...], "rule"?}`` (a unit's
    mentions, a task's related tasks: the same ends and names repeated were most of graph.json),
    in their order; a run is given once the link after it (or the end) shows it complete, so
    that the build can write the links as they come (kb/build/graphjson.py). A run's ends are
    named once each per call (one document's links, or the cross-document layer's): first as
    the id, after that as its place among the ids named so far (:class:`_Names`), the first run
    item of a call marked ``"fresh"`` (the reader starts its list of ids again there)."""
    run: list[dict[str, Any]] = []
    names = _Names()
    for x in links:
        fits = "key" not in x and set(x) <= _RUN_FIELDS and x["type"] not in _RUN_FIELDS
        if run and not (fits and _same_run(run[0], x)):
            yield _run_item(run, names)
            run = []
        if fits:
            run.append(x)
        else:
            yield x
    if run:
        yield _run_item(run, names)


_RUN_FIELDS = {"source", "target", "type", "rule", "weight", "fresh"}


class _Names:
    """The ids a call of :func:`stored_runs` has named: an id met again is its place (an
    entity's id or a unit's, 10-30 bytes, becomes 1-3 digits)."""

    def __init__(self) -> None:
        self.at: dict[str, int] = {}

    def __call__(self, name: str) -> str | int:
        if name in self.at:
            return self.at[name]
        self.at[name] = len(self.at)
        return name


def _same_run(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return a["source"] == b["source"] and a["type"] == b["type"] and a.get("rule") == b.get("rule")


def _run_item(run: list[dict[str, Any]], names: _Names) -> dict[str, Any]:
    head = run[0]  # a run of one too: shorter than the link
    fresh = not names.at
    item = {
        "source": names(head["source"]),
        head["type"]: [[names(x["target"]), x["weight"]] if "weight" in x else names(x["target"]) for x in run],
    }
    if "rule" in head:
        item["rule"] = head["rule"]
    if fresh:
        item["fresh"] = 1
    return item


def loaded_runs(links: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """The links of graph.json's items, a run (:func:`stored_runs`) as its links."""
    names: list[str] = []

    def name(x: str | int) -> str:
        if isinstance(x, int):
            return names[x]
        names.append(x)  # graph.json of schema 3 names every id in full: a list never read
        return x

    for e in links:
        if "target" in e:
            yield e
            continue
        if "fresh" in e:
            names = []
        kind = next(k for k in e if k not in ("source", "rule", "fresh"))
        head = {"type": kind, "rule": e["rule"]} if "rule" in e else {"type": kind}
        source = name(e["source"])
        for item in e[kind]:
            if isinstance(item, list):
                yield {"source": source, "target": name(item[0]), **head, "weight": item[1]}
            else:
                yield {"source": source, "target": name(item), **head}


# kb.json's related edges, a run of one document's at a time: a related edge quotes a term both
# units share and, as its evidence, up to eight of their shared terms, which recur across a
# plan's edges (they were a sixth of kb.json); the evidence's unit, text and sentences are said
# by its ends, its first shared term and two sentence numbers. An edge of another shape is
# stored alone (:func:`stored_link`).
_RELATED_KEYS = (["unit", "sentence", "text", "other", "shared"], ["unit", "sentence", "text"])


def _related_link(prefix: str, source: str, rule, terms: list[str], entry: list) -> dict[str, Any]:
    """The edge dict of a run's ``entry``: [target, weight, source sentence number, target
    sentence number, shared terms by their place in the run's ``terms``], and the words quoted
    in the source and the target when they are not the first shared term (another form of it)."""
    s, t = prefix + source, prefix + entry[0]
    shared = [terms[i] for i in entry[4]]
    text_s, text_t = entry[5:7] if len(entry) > 5 else (shared[0], shared[0])
    other = {"unit": t, "sentence": f"{t}.s{entry[3]}", "text": text_t}
    ev = {"unit": s, "sentence": f"{s}.s{entry[2]}", "text": text_s, "other": other, "shared": shared}
    return {"source": s, "target": t, "type": "related", "evidence": ev, "rule": rule, "weight": entry[1]}


def _number(sentence, unit: str) -> int | None:
    """n of the sentence id ``{unit}.s{n}``, None for any other."""
    n = sentence[len(unit) + 2 :] if isinstance(sentence, str) and sentence.startswith(unit + ".s") else ""
    return int(n) if n.isascii() and n.isdigit() and str(int(n)) == n else None


def _run_entry(link: dict[str, Any]) -> tuple[str, str, list, list[str]] | None:
    """(document prefix, source, entry with its shared terms as words) of a related edge the run
    form gives back exactly, else None."""
    if link.get("type") != "related" or set(link) != _EDGE_FIELDS:
        return None
    s, t, ev = link["source"], link["target"], link["evidence"]
    if not (isinstance(s, str) and isinstance(t, str) and isinstance(ev, dict) and isinstance(ev.get("other"), dict)):
        return None
    if [list(ev), list(ev["other"])] != list(_RELATED_KEYS):
        return None
    prefix = s[: s.rfind("/") + 1]
    shared = ev["shared"]
    sa, sb = _number(ev["sentence"], s), _number(ev["other"]["sentence"], t)
    if not t.startswith(prefix) or sa is None or sb is None or not isinstance(shared, list) or not shared:
        return None
    if not all(isinstance(x, str) for x in shared):
        return None
    entry = [t[len(prefix) :], link["weight"], sa, sb, list(range(len(shared)))]
    if not ev["text"] == ev["other"]["text"] == shared[0]:
        entry += [ev["text"], ev["other"]["text"]]
    if _related_link(prefix, s[len(prefix) :], link["rule"], shared, entry) != link:
        return None
    return prefix, s[len(prefix) :], entry, shared


def stored_links(links: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """kb.json's items of edge dicts: consecutive related edges of one document (and rule) as one
    item ``{"related_of": document prefix, "rule", "terms": [term, ...], "links": [[source,
    [entry, ...]], ...]}`` (:func:`_related_link`), any other edge by :func:`stored_link`."""
    run: dict[str, Any] | None = None
    at: dict[str, int] = {}  # the run's terms -> their place
    for link in links:
        got = _run_entry(link)
        if run is not None and (got is None or (got[0], link["rule"]) != (run["related_of"], run["rule"])):
            yield run
            run = None
        if got is None:
            yield stored_link(link, weight=None)
            continue
        prefix, source, entry, shared = got
        if run is None:
            run, at = {"related_of": prefix, "rule": link["rule"], "terms": [], "links": []}, {}
        for k, term in enumerate(shared):
            if term not in at:
                at[term] = len(run["terms"])
                run["terms"].append(term)
            entry[4][k] = at[term]
        if not run["links"] or run["links"][-1][0] != source:
            run["links"].append([source, []])
        run["links"][-1][1].append(entry)
    if run is not None:
        yield run


def loaded_related(item: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The edge dicts of a run item of :func:`stored_links`."""
    for source, entries in item["links"]:
        for entry in entries:
            yield _related_link(item["related_of"], source, item["rule"], item["terms"], entry)


# graph.json stores a node without what the reader gives back from its other fields and the
# document it is listed under (the last document node before it): a task's label ("12. " and its
# title) and an entity's (its name), a document's node's ``document``, and its id as ``in``, the
# part after the document's id and "/" (tasks' labels and titles and their documents' ids were
# half of the nodes' bytes). A node that would not come back exactly is stored whole.
IN_DOCUMENT = ("chapter", "task", "paragraph", "table", "row")
_LABELS: dict[str, Callable[[dict[str, Any]], str]] = {
    "task": lambda n: f"{n['number']}. {n['title']}",
    "entity": lambda n: n["name"],
}


def stored_node(node: str, attrs: dict[str, Any], doc: str | None) -> dict[str, Any]:
    """graph.json's item of ``node``, listed under the document ``doc``."""
    t = attrs.get("type")
    out: dict[str, Any] = {"id": node}
    if t in IN_DOCUMENT and doc is not None and node.startswith(doc + "/"):
        out = {"in": node[len(doc) + 1 :]}
    out.update(attrs)
    rule = _LABELS.get(t)  # type: ignore[arg-type]
    if rule is not None and "label" in out and _has_fields(out) and rule(out) == out["label"]:
        del out["label"]
    if t in IN_DOCUMENT and doc is not None and out.get("document") == doc:
        del out["document"]
    back = loaded_node(out, doc)
    if back != (node, attrs) or list(back[1]) != list(attrs):  # the attributes' order too
        return {"id": node, **attrs}
    return out


def _has_fields(n: dict[str, Any]) -> bool:
    try:
        return isinstance(_LABELS[n["type"]](n), str)
    except (KeyError, TypeError):
        return False


def loaded_node(item: dict[str, Any], doc: str | None) -> tuple[str, dict[str, Any]]:
    """(node id, attributes) of a graph.json item (:func:`stored_node`)."""
    attrs = dict(item)
    node = f"{doc}/{attrs.pop('in')}" if "in" in attrs else attrs.pop("id")
    t = attrs.get("type")
    if "label" not in attrs and t in _LABELS:
        attrs = {"type": t, "label": _LABELS[t](attrs), **attrs}
    if t in IN_DOCUMENT and "document" not in attrs:
        attrs["document"] = doc
    return node, attrs


def stored_nodes(nodes: Iterable[tuple[str, dict[str, Any]]]) -> Iterator[dict[str, Any]]:
    """graph.json's items of ``nodes`` in order, each under the last document node before it."""
    doc = None
    for node, attrs in nodes:
        if attrs.get("type") == "document":
            doc = node
        yield stored_node(node, attrs, doc)
