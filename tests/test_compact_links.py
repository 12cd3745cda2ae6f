"""kb.json stores an edge without what its other fields say: the unit of an evidence part that is
the edge's source (or, for a nested part, its target), a sentence of that unit as ``.s3``;
graph.json stores the links without their evidence (kb.json's), a run of one unit's mentions as
one item. Whatever the evidence holds, reading gives back exactly the edges written; evidence that
does not fit the short form (a part about a third unit, a sentence that already starts with a
dot) is stored whole."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from kb.build.kbjson import read_kb_json, write_kb_json
from kb.graph.io import graph_to_data, to_networkx, write_graph
from kb.model import KB, Edge
from kb.query.graph import graph_with_evidence

NODES = ["T1", "T2", "d/T3", "GROUP:a"]


@st.composite
def _part(draw, source: str, target: str, depth: int) -> dict:
    """An evidence part: mostly the shapes the linker writes (its unit first, one of the link's
    ends; a sentence of that unit), sometimes not."""
    unit = draw(st.sampled_from([source, source, target, "C9", None]))
    u = unit or source
    part = {} if unit is None else {"unit": unit}
    keys = draw(st.lists(st.sampled_from(["sentence", "text", "name", "other", "shared"]), unique=True))
    if draw(st.booleans()):
        keys = ["sentence", "text"]  # a plain mention
    for k in keys:
        if k == "sentence":
            part[k] = draw(st.sampled_from([f"{u}.s1", f"{u}.s2", f"{target}.s1", ".s1", "s1", u, None]))
        elif k == "other" and depth:
            part[k] = draw(_part(target, source, depth - 1))
        elif k == "shared":
            part[k] = draw(st.lists(st.text(max_size=2), max_size=2))
        else:
            part[k] = draw(st.text(max_size=3))
    return part


@st.composite
def _edge(draw) -> Edge:
    source, target = draw(st.sampled_from(NODES)), draw(st.sampled_from(NODES))
    return Edge(
        source,
        target,
        draw(st.sampled_from(["mentions", "mentions", "related", "depends_on"])),
        draw(_part(source, target, 1)),
        draw(st.sampled_from([None, "r"])),
        draw(st.sampled_from([None, None, 1.0, 0.5, 2.0, 1])),
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(_edge(), max_size=12))
def test_links_read_back_exactly(tmp_path_factory, edges):
    kb = KB(edges=edges)
    out = tmp_path_factory.mktemp("links")
    write_graph(kb, out / "graph.json")
    write_kb_json(out / "kb.json", kb)
    assert read_kb_json(out / "kb.json").edges == edges
    want = json.dumps(graph_to_data(to_networkx(kb)), ensure_ascii=False)
    assert json.dumps(graph_to_data(graph_with_evidence(out)), ensure_ascii=False) == want
    assert "evidence" not in (out / "graph.json").read_text(encoding="utf-8")


def test_a_part_about_a_third_unit_is_stored_whole(tmp_path):
    """The nested part names a unit that is neither end: no end can give it back."""
    ev = {"unit": "T1", "sentence": "T1.s2", "text": "x", "other": {"unit": "T3", "sentence": "T3.s1"}}
    write_kb_json(tmp_path / "kb.json", KB(edges=[Edge("T1", "T2", "related", ev)]))
    [link] = json.loads((tmp_path / "kb.json").read_text(encoding="utf-8"))["edges"]
    assert link["evidence"] == ev and "ev" not in link
    ev2 = {**ev, "other": {"unit": "T2", "sentence": "T2.s1"}}  # about the target: shortened
    write_kb_json(tmp_path / "kb.json", KB(edges=[Edge("T1", "T2", "related", ev2)]))
    [link] = json.loads((tmp_path / "kb.json").read_text(encoding="utf-8"))["edges"]
    assert link["ev"] == {"sentence": ".s2", "text": "x", "other": {"sentence": ".s1"}}


@st.composite
def _related(draw) -> Edge:
    """A related edge as the linker writes it (its first shared term quoted in both units), or
    one detail off: another quote, a sentence not of its unit or not numbered canonically, ends
    of two documents, a weight of another type."""
    source, target = draw(st.sampled_from([("d/T1", "d/T2"), ("T1", "T2"), ("d/T1", "e/T2"), ("d/T1", "d/a/T2")]))
    shared = draw(st.lists(st.sampled_from(["协商", "职工", "工会", 'x"y']), min_size=1, max_size=4))
    text = draw(st.sampled_from([shared[0], shared[0], "别的"]))
    s1 = draw(st.sampled_from([f"{source}.s1", f"{source}.s12", f"{source}.s01", f"{target}.s1", f"{source}.s"]))
    s2 = draw(st.sampled_from([f"{target}.s3", f"{target}.s3", f"{source}.s3"]))
    ev = {"unit": source, "sentence": s1, "text": text}
    ev["other"] = {"unit": target, "sentence": s2, "text": draw(st.sampled_from([text, text, "他"]))}
    ev["shared"] = shared
    return Edge(
        source,
        target,
        "related",
        ev,
        draw(st.sampled_from(["shared-terms", None])),
        draw(st.sampled_from([51.85, 2, None])),
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_related(), _edge()), max_size=12))
def test_related_runs_read_back_exactly(tmp_path_factory, edges):
    kb = KB(edges=edges)
    out = tmp_path_factory.mktemp("related")
    write_kb_json(out / "kb.json", kb)
    assert read_kb_json(out / "kb.json").edges == edges


def test_related_edges_of_a_plan_are_one_item_with_their_terms_once(tmp_path):
    """Two real plans: each one's related edges are (nearly all) one run whose terms are each
    written once, and they read back to the edges of the model."""
    from pathlib import Path

    from kb.build import collect

    root = Path(__file__).resolve().parent.parent / "corpus"
    plans = [root / "acftu-14th-fyp-part2.txt", root / "zero-waste-city-pilot.txt"]
    kb = collect(plans, cache=tmp_path / "cache").kb()
    write_kb_json(tmp_path / "kb.json", kb)
    data = json.loads((tmp_path / "kb.json").read_text(encoding="utf-8"))
    runs = [e for e in data["edges"] if "related_of" in e]
    assert [r["related_of"] for r in runs] == ["acftu-14th-fyp-part2/", "zero-waste-city-pilot/"]
    assert all(len(r["terms"]) == len(set(r["terms"])) for r in runs)
    related = [e for e in kb.edges if e.type == "related"]
    alone = [e for e in data["edges"] if e.get("type") == "related"]
    assert sum(len(x[1]) for r in runs for x in r["links"]) + len(alone) == len(related)
    assert len(alone) < len(related) / 10
    assert read_kb_json(tmp_path / "kb.json").edges == kb.edges
