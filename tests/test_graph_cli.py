"""`kb graph …` and `kb check --consistency` on a real build; graph.json, exports, consistency."""

from __future__ import annotations

import json
import subprocess
import sys

import networkx as nx
import pytest
from click.testing import CliRunner

from kb.cli import main
from kb.graph.io import GRAPH_FILE, export, flatten
from kb.query.graph import graph_with_evidence


@pytest.fixture(scope="module")
def G(built):
    return graph_with_evidence(built)


def run(*args):
    r = CliRunner().invoke(main, list(map(str, args)))
    return r.exit_code, r.output


def test_graph_json_matches_the_model(built, G):
    from kb.query.load import load_kb

    kb = load_kb(built)
    assert G.number_of_edges() == len(kb.edges)
    # graph.json stores links compactly; they read back to the model's edges, evidence included
    got = sorted((u, v, d["type"], json.dumps(d["evidence"]), d["rule"], d["weight"]) for u, v, d in G.edges(data=True))
    want = [
        (e.source, e.target, e.type, json.dumps(e.evidence), e.rule, 1.0 if e.weight is None else e.weight)
        for e in kb.edges
    ]
    assert got == sorted(want)
    assert {"task", "row", "chapter", "document"} <= {d["type"] for _, d in G.nodes(data=True)}
    data = json.loads((built / GRAPH_FILE).read_text(encoding="utf-8"))
    assert data["multigraph"] and data["directed"] and data["links"]


def test_graph_json_is_deterministic(tmp_path, corpus_path):
    from kb.build import make_kb
    from kb.graph.io import write_graph

    kb = make_kb([corpus_path])
    write_graph(kb, tmp_path / "a.json")
    write_graph(kb, tmp_path / "b.json")
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


@pytest.mark.parametrize("fmt,reader", [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_graphml_gexf_round_trip(G, tmp_path, fmt, reader):
    p = tmp_path / f"g.{fmt}"
    export(G, fmt, p)
    H = reader(p)
    assert H.number_of_nodes() == G.number_of_nodes()
    assert H.number_of_edges() == G.number_of_edges()
    # list attributes survive as JSON strings, not dropped
    row = next(n for n, d in G.nodes(data=True) if d.get("type") == "row" and d.get("tasks"))
    assert json.loads(H.nodes[row]["tasks"]) == G.nodes[row]["tasks"]


def test_flatten_serializes_lists_and_none():
    g = nx.MultiDiGraph()
    g.add_node("a", tags=["x", "y"], chapter=None, n=1)
    g.add_node("b", tags=[], chapter="C五", n=2)
    g.add_edge("a", "b", type="related", evidence={"unit": "a"}, rule=None, weight=1.0)
    h = flatten(g, gexf=True)
    assert h.nodes["a"]["tags"] == '["x", "y"]' and h.nodes["a"]["chapter"] == "null"
    ((_, _, d),) = h.edges(data=True)
    assert d["relation"] == "related" and "type" not in d and d["rule"] == "null"
    assert json.loads(d["evidence"]) == {"unit": "a"}


@pytest.mark.filterwarnings("ignore")
def test_dot_export_parses(G):
    pydot = pytest.importorskip("pydot")
    (dot,) = pydot.graph_from_dot_data(export(G, "dot", None))
    assert len(dot.get_edges()) == G.number_of_edges()


def test_deps_path_measures_central(built):
    code, out = run("graph", "deps", "24", "--json", "--out", built)
    assert code == 0
    d = json.loads(out)
    assert d["node"] == "T24" and d["relied_on_by"]
    for e in d["relied_on_by"]:
        assert e["target"] == "T24" and e["evidence"]["text"]
    code, out = run("graph", "path", "35", "24", "--out", built)
    assert code == 0 and "T35" in out and "T24" in out
    code, out = run("graph", "measures", "19", "--json", "--out", built)
    m = json.loads(out)
    assert code == 0 and any(r["row"] == "I:精准服务:5" for r in m["rows"])
    code, out = run("graph", "measures", "素质提升:1", "--out", built)
    assert code == 0 and "no task restates it" in out
    code, out = run("graph", "central", "-n", "3", "--json", "--out", built)
    c = json.loads(out)
    assert code == 0 and len(c["ranking"]) == 3 and "PageRank" in c["method"]


def test_path_between_unconnected_nodes_says_so(built):
    # a row is linked to tasks by measures only, which a task path does not follow
    code, out = run("graph", "path", "素质提升:1", "14", "--out", built)
    assert code == 0 and "no path" in out


def test_path_unconnected_tasks(tmp_path):
    from kb.build import build

    src = tmp_path / "two.txt"
    src.write_text("一、甲\n\n1. 修建水库。完成大坝加固。\n\n2. 举办书法展览。组织青少年参观。\n", encoding="utf-8")
    build([src], tmp_path / "b")
    code, out = run("graph", "path", "1", "2", "--out", tmp_path / "b")
    assert code == 0 and "no path between T1 and T2" in out


def test_unknown_ids_exit_2(built):
    for args in (("deps", "999"), ("path", "14", "T999"), ("measures", "nonsense:9")):
        code, out = run("graph", *args, "--out", built)
        assert code == 2 and out.startswith("kb: error:") and len(out.strip().splitlines()) == 1


def test_export_to_file(built, tmp_path):
    code, out = run("graph", "export", "--format", "gexf", "-o", tmp_path / "g.gexf", "--out", built)
    assert code == 0 and (tmp_path / "g.gexf").stat().st_size > 0


def test_graph_commands_do_not_import_spacy_or_jieba(built):
    code = (
        "import sys\n"
        "from kb.cli import main\n"
        "for args in (['graph','deps','28'], ['graph','path','14','36'], ['graph','central'],"
        " ['graph','measures','20'], ['graph','export','--format','gexf']):\n"
        "    try:\n"
        f"        main(args + ['--out', {str(built)!r}], standalone_mode=False)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "bad = [m for m in ('spacy', 'jieba') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_consistency_report_lists_liaoyang_row(built, corpus_path):
    from kb.build import make_kb
    from kb.query.consistency import consistency_report

    items = consistency_report(make_kb([corpus_path]))
    hits = [c for c in items if c["row"] == "I:精准服务:5" and c["task"] == "T19" and c["kind"] == "wording"]
    assert hits
    c = hits[0]
    assert "疗养" in c["row_span"] and "疗休养" in c["task_span"]
    assert "500万人次" in c["row_text"] and "500万人次" in c["task_text"]
    assert c["row_text"] in c["message"] and c["task_text"] in c["message"]
    # every finding cites a measures link and shows both texts
    assert all(c["row_text"] and c["task_text"] for c in items)


def test_check_consistency_cli(corpus_path):
    code, out = run("check", corpus_path, "--consistency", "--json")
    assert code == 0
    rep = json.loads(out)
    assert any(c["row"] == "I:精准服务:5" and "疗休养" in c["task_text"] for c in rep["consistency"])


def test_graph_why_explains_an_edge_and_its_absence(built):
    code, out = run("graph", "why", "35", "24", "--out", built)
    assert code == 0 and "T35 depends on T24" in out and "专职集体协商指导员" in out
    code, out = run("graph", "why", "35", "24", "--json", "--out", built)
    d = json.loads(out)
    assert d["edge"]["rule"] and d["edge"]["uses"]["sentence"].startswith("T35.")
    assert d["edge"]["establishes"]["sentence"].startswith("T24.")
    # a known non-dependency (gold): 22 keeps the 阳光就业 brand, 14 runs the 阳光就业 activity
    code, out = run("graph", "why", "22", "14", "--json", "--out", built)
    d = json.loads(out)
    assert d["edge"] is None and d["establishes"] and all("forms" in t for t in d["establishes"])
    assert any("serves" in c for c in d["checks"])
    code, out = run("graph", "deps", "24", "--out", built)
    assert "uses:" in out and "established:" in out


def test_why_unknown_id_exits_2(built):
    code, out = run("graph", "why", "35", "999", "--out", built)
    assert code == 2 and out.startswith("kb: error:")


def test_graph_listings_as_csv(built):
    import csv
    import io

    def graph(*args):
        r = CliRunner().invoke(main, ["graph", *args, "--out", str(built)])
        assert r.exit_code == 0, r.output
        return r.stdout

    c = json.loads(graph("central", "-n", "5", "--json"))
    table = list(csv.DictReader(io.StringIO(graph("central", "-n", "5", "--csv"))))
    assert [r["id"] for r in table] == [r["node"] for r in c["ranking"]]
    d = json.loads(graph("deps", "28", "--json"))
    table = list(csv.DictReader(io.StringIO(graph("deps", "28", "--csv"))))
    assert len(table) == len(d["relies_on"]) + len(d["relied_on_by"]) + len(d["related"])
    assert {r["id"] for r in table if r["direction"] == "relies_on"} == {e["target"] for e in d["relies_on"]}
