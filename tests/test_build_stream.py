"""The streaming build (kb/build/stream.py, kb/build/graphjson.py): the parent keeps a few facts
per document and reads each one back from its cache entry; kb.json, graph.json and the index
must be byte for byte what the writers make from the whole model. Real plans: two whose
责任单位 notes give actor -> task links (the cross-document layer of the graph) and one without."""

from __future__ import annotations

import filecmp
import json
from pathlib import Path

import pytest

from kb.build import collect
from kb.build.graphjson import NotStreamable, document_part, write_graph_stream
from kb.build.kbjson import write_kb_json, write_kb_json_stream
from kb.graph.io import graph_to_data, to_networkx, write_graph
from kb.index.write import write_index
from kb.model import KB, Edge
from kb.query.graph import graph_with_evidence

ROOT = Path(__file__).resolve().parent.parent
PLANS = [
    ROOT / "corpus" / f"{n}.txt" for n in ("jiading-sponge-city-plan", "zero-waste-city-pilot", "acftu-14th-fyp-part2")
]


def _parts(models, multi: bool):
    return (document_part(d, es, multi) for d, es in models)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("stream")
    stats: dict = {}
    coll = collect(PLANS, cache=tmp / "cache", stats=stats)
    return tmp, coll, stats


def test_parent_holds_no_document_with_a_cache(built):
    _tmp, coll, _stats = built
    assert [h.models for h in coll.docs] == [None, None, None]
    assert all(h.tasks and h.size for h in coll.docs)
    assert any(e.type == "leads" for _d, es in coll.models() for e in es)


def test_kb_json_streamed_is_the_whole_models(built):
    tmp, coll, stats = built
    write_kb_json_stream(tmp / "a.json", coll, stats["cached"])
    write_kb_json(tmp / "b.json", coll.kb())
    assert (tmp / "a.json").read_bytes() == (tmp / "b.json").read_bytes()


def test_graph_streamed_is_the_whole_models(built):
    tmp, coll, _stats = built
    write_graph_stream(tmp / "a.graph.json", _parts(coll.models(), coll.multi), coll.entities, coll.unmatched())
    write_graph(coll.kb(), tmp / "b.graph.json")
    assert (tmp / "a.graph.json").read_bytes() == (tmp / "b.graph.json").read_bytes()
    assert not list(tmp.glob("*.tmp"))
    # in the compact form (runs of one unit's mentions as one item), which reads back to the graph
    text = (tmp / "a.graph.json").read_text(encoding="utf-8")
    assert '"mentions":[[' in text and '"related":[[' in text
    (tmp / "g").mkdir(exist_ok=True)
    (tmp / "g" / "graph.json").write_text(text, encoding="utf-8")
    write_kb_json(tmp / "g" / "kb.json", coll.kb())  # the links' evidence
    want = graph_to_data(to_networkx(coll.kb()))
    assert json.dumps(graph_to_data(graph_with_evidence(tmp / "g")), ensure_ascii=False) == json.dumps(
        want, ensure_ascii=False
    )


def test_index_from_lazy_documents_is_the_full_write(built):
    tmp, coll, stats = built
    write_index(KB(documents=coll.documents(), entities=coll.entities), tmp / "ia", prepared=stats["rows"])  # type: ignore[arg-type]
    write_index(coll.kb(), tmp / "ib")
    cmp = filecmp.dircmp(tmp / "ia", tmp / "ib")
    assert not cmp.left_only and not cmp.right_only
    assert all(filecmp.cmp(tmp / "ia" / f, tmp / "ib" / f, shallow=False) for f in cmp.common_files)


def test_without_a_cache_the_models_are_held(built, tmp_path):
    _tmp, coll, _stats = built
    bare = collect(PLANS[1:2], cache=None)
    assert bare.docs[0].models is not None
    write_graph_stream(tmp_path / "a.json", _parts(bare.models(), bare.multi), bare.entities, bare.unmatched())
    write_graph(bare.kb(), tmp_path / "b.json")
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def test_a_link_from_another_documents_node_is_not_streamed(built, tmp_path):
    """Such a link would belong among the other document's links: the build writes the graph
    from the whole model instead (kb.build._write_graph)."""
    from kb.build import _write_graph

    _tmp, coll, _stats = built
    (d0, e0), (d1, _e1) = coll.load(0), coll.load(1)
    odd = Edge(source=f"{d1.id}/{d1.tasks[0].id}", target=f"{d0.id}/{d0.tasks[0].id}", type="related", evidence={})
    models = [(d0, [*e0, odd]), *(coll.load(i) for i in range(1, len(coll.docs)))]
    with pytest.raises(NotStreamable):
        write_graph_stream(tmp_path / "a.json", _parts(models, coll.multi), coll.entities, coll.unmatched())
    kb = KB(documents=[d for d, _ in models], entities=coll.entities, edges=[e for _, es in models for e in es])
    write_graph(kb, tmp_path / "b.json")
    coll.docs[0].models = models[0]  # the collection now holds the odd link
    try:
        _write_graph(coll, tmp_path / "c.json")
    finally:
        coll.docs[0].models = None
    assert (tmp_path / "c.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def test_an_update_reads_each_documents_output_from_the_cache(built, tmp_path, monkeypatch):
    """A second build of the same files keeps its facts of each document, its kb.json edge lines
    and its part of graph.json beside the cache entry, and writes the same files from them
    without loading any document's model; a side file cut short is made again."""
    from kb.build import _write_graph
    from kb.build.cache import _sidecar
    from kb.build.stream import Collection

    tmp, coll, stats = built
    write_kb_json_stream(tmp_path / "kb1.json", coll, stats["cached"])
    _write_graph(coll, tmp_path / "g1.json")
    again_stats: dict = {}
    again = collect(PLANS, cache=tmp / "cache", stats=again_stats)
    assert [(h.id, h.chapters, h.unmatched, h.size, h.edges) for h in again.docs] == [
        (h.id, h.chapters, h.unmatched, h.size, h.edges) for h in coll.docs
    ]
    assert again.entities == coll.entities
    assert (again.holders, again.naming) == (coll.holders, coll.naming)
    _sidecar(again.cache, again.docs[1].key, ".kbe").write_text('{"source":', encoding="utf-8")  # no line end
    loaded: list[int] = []
    real = Collection.load
    monkeypatch.setattr(Collection, "load", lambda self, i: loaded.append(i) or real(self, i))
    write_kb_json_stream(tmp_path / "kb2.json", again, again_stats["cached"])
    _write_graph(again, tmp_path / "g2.json")
    assert loaded == [1]
    assert (tmp_path / "kb2.json").read_bytes() == (tmp_path / "kb1.json").read_bytes()
    assert (tmp_path / "g2.json").read_bytes() == (tmp_path / "g1.json").read_bytes()
    write_graph(coll.kb(), tmp_path / "g3.json")
    assert (tmp_path / "g2.json").read_bytes() == (tmp_path / "g3.json").read_bytes()


def test_kb_json_read_without_its_edges(built, tmp_path):
    """kb mentions and targets read kb.json's documents and entities only; a full export (which
    has no line-per-item layout) is read whole."""
    from kb.build.kbjson import read_kb_json
    from kb.model import kb_to_dict

    tmp, coll, stats = built
    write_kb_json_stream(tmp_path / "kb.json", coll, stats["cached"])
    whole, bare = read_kb_json(tmp_path / "kb.json"), read_kb_json(tmp_path / "kb.json", edges=False)
    assert whole.edges and not bare.edges
    # read through kb.seek.json, written beside it: each document parsed from its own line
    assert (list(bare.documents), bare.entities) == (whole.documents, whole.entities)
    (tmp_path / "export.json").write_text(json.dumps(kb_to_dict(whole), ensure_ascii=False, indent=1), encoding="utf-8")
    assert read_kb_json(tmp_path / "export.json", edges=False).edges == whole.edges


@pytest.mark.parametrize("plans", [PLANS, PLANS[2:]], ids=["three", "one"])
def test_kb_show_reads_only_the_edges_of_its_unit(plans, tmp_path):
    """kb show parses only the kb.json lines naming its unit (and the mentions of its document):
    the same edges, in the same order, as the whole file's; an entity's edges likewise."""
    from kb.build.kbjson import edges_touching, read_kb_json

    coll = collect(plans, cache=tmp_path / "cache")
    write_kb_json_stream(tmp_path / "kb.json", coll)
    whole, bare = read_kb_json(tmp_path / "kb.json"), read_kb_json(tmp_path / "kb.json", edges=False)
    d = whole.documents[-1]
    unit = f"{d.id}/{d.tasks[3].id}" if coll.multi else d.tasks[3].id
    entity = next(m.entity for u in d.units() for m in u.mentions)
    for ids in ({unit}, {d.tasks[3].id, unit}, {entity}, {unit, entity}):
        want = [e for e in whole.edges if e.source in ids or e.target in ids]
        assert any(e.type == "mentions" for e in want)
        assert entity in ids or any(e.type != "mentions" for e in want)
        assert edges_touching(tmp_path / "kb.json", bare, ids) == want, ids
