"""The stored forms of links: a kb.json edge without what its other fields say (an evidence part
about the edge's source or target without its unit), and graph.json's links, without their
evidence, a run of one unit's mentions as one item; and the reading back of both. Written and
read here so that the whole-model writers (kb.graph.io, kb.build.kbjson) and the streamed ones
(kb.build.graphjson, kb.build.kbjson) store links the same way."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
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
    """Consecutive mention links of one unit (:func:`graph_link`) as one item ``{"source": unit,
    "mentions": [entity or [entity, weight], ...]}``, in their order; a run is given once the
    link after it (or the end) shows it complete, so that the build can write the links as they
    come (kb/build/graphjson.py)."""
    run: dict[str, Any] | None = None
    for x in links:
        fits = x.get("type") == "mentions" and set(x) <= {"source", "target", "type", "weight"}
        if run is not None and not (fits and run["source"] == x["source"]):
            yield run
            run = None
        if not fits:
            yield x
            continue
        if run is None:
            run = {"source": x["source"], "mentions": []}
        run["mentions"].append([x["target"], x["weight"]] if "weight" in x else x["target"])
    if run is not None:
        yield run


def loaded_runs(links: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for e in links:
        if "mentions" not in e or "target" in e:
            yield e
            continue
        for item in e["mentions"]:
            if isinstance(item, str):
                yield {"source": e["source"], "target": item, "type": "mentions"}
            else:
                yield {"source": e["source"], "target": item[0], "type": "mentions", "weight": item[1]}
