"""`kb mentions`, `kb targets`, `kb entities` through the command line, on a real build."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from kb.cli import main


@pytest.fixture()
def out(built):
    """The seed build of conftest.py."""
    return built


def run(out, *args):
    return CliRunner().invoke(main, [*args, "--out", str(out)])


def test_mentions_json_shape(out, mentions_gold):
    r = run(out, "mentions", "农民工", "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["term"] == "农民工" and data["entity"] == "GROUP:农民工"
    assert [u["id"] for u in data["units"]] == ["I:素质提升:2", "T17", "T22", "T36"] or {
        u["id"] for u in data["units"]
    } == {"T17", "T22", "T36", "I:素质提升:2"}
    by_unit = {u["id"]: u for u in data["units"]}
    assert by_unit["T17"]["count"] == mentions_gold["groups"]["农民工"]["exact_counts"]["17"]
    assert all(set(u) >= {"id", "count", "sentences"} for u in data["units"])
    assert by_unit["T17"]["sentences"][0].startswith("T17.s")


def test_mentions_text_output_highlights_and_via(out):
    r = run(out, "mentions", "新就业形态劳动者")
    assert r.exit_code == 0
    assert "via 快递员" in r.output and "T36" in r.output and "T16" in r.output


def test_mentions_role(out):
    r = run(out, "mentions", "人社部门", "--role")
    assert r.exit_code == 0 and "[partner]" in r.output and "roles: partner 1" in r.output


def test_mentions_deadline_and_figure(out, mentions_gold):
    r = json.loads(run(out, "mentions", "2025年底", "--json").output)
    want = mentions_gold["targets"]["到2025年底"]["semantic"]
    assert len(r["units"]) == len(want)
    r = json.loads(run(out, "mentions", "80%", "--json").output)
    assert {u["id"] for u in r["units"]} == {"T24", "I:依法维权:1"}


def test_unknown_term_falls_back_to_literal(out):
    r = run(out, "mentions", "不存在的词")
    assert r.exit_code == 0
    assert r.output.strip() == "no mention of 不存在的词; literal search found 0 units"
    r = run(out, "mentions", "联合国")
    assert r.exit_code == 0 and "no mention of 联合国; literal search found 1 units" in r.output
    r = run(out, "mentions", "劳动关系", "--json")
    data = json.loads(r.output)
    assert data["entity"] is None and data["kind"] == "literal" and len(data["units"]) > 3


@pytest.mark.parametrize("term", ["", "   "])
def test_empty_query_exits_2(out, term):
    r = run(out, "mentions", term)
    assert r.exit_code == 2 and "kb: error: empty query" in r.output


def test_targets_deadline(out, mentions_gold):
    r = run(out, "targets", "--deadline", "2025", "--dated", "--json")  # dated commitments too
    assert r.exit_code == 0
    rows = json.loads(r.output)["targets"]
    assert rows and all(t["deadline"] == 2025 for t in rows)
    units = {t["id"] for t in rows if t["deadline_text"] and "2025年底" in t["deadline_text"]}
    gold = {
        f"T{u}" if isinstance(u, int) else "I:{}:{}".format(*u.split("#"))
        for u in mentions_gold["targets"]["到2025年底"]["exact"]
    }
    assert units == gold


def test_targets_filters(out):
    rows = json.loads(run(out, "targets", "--period", "每年", "--unit", "人次", "--json").output)["targets"]
    assert rows and all(t["unit"] == "人次" and t["period"] == "每年" for t in rows)
    assert {t["value"] for t in rows} >= {200000, 5000000, 100}
    r = run(out, "targets")
    assert r.exit_code == 0 and "30亿元以上" in r.output


def test_entities(out):
    r = run(out, "entities", "--type", "GROUP", "--json")
    data = json.loads(r.output)["entities"]
    assert data and all(e["type"] == "GROUP" and not e["discovered"] for e in data)
    assert {"GROUP:农民工", "GROUP:女职工"} <= {e["id"] for e in data}
    r = run(out, "entities", "--discovered")
    assert r.exit_code == 0 and "(discovered)" in r.output


def test_mentions_does_not_load_spacy_or_jieba(out):
    code = (
        "import sys\nfrom click.testing import CliRunner\nfrom kb.cli import main\n"
        f"r = CliRunner().invoke(main, ['mentions', '农民工', '--out', {str(out)!r}])\n"
        "assert r.exit_code == 0, r.output\n"
        "bad = [m for m in ('spacy', 'jieba') if m in sys.modules]\nassert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_targets_csv_and_tsv_have_a_header_and_the_json_rows(out):
    import csv
    import io

    rows = json.loads(run(out, "targets", "--json").output)["targets"]
    r = run(out, "targets", "--csv")
    table = list(csv.reader(io.StringIO(r.stdout)))
    assert table[0][:5] == ["id", "sentence", "text", "value", "unit"]
    assert len(table) == 1 + len(rows)
    assert [t[0] for t in table[1:]] == [t["id"] for t in rows]
    tsv = run(out, "targets", "--tsv").stdout.splitlines()
    assert tsv[0].split("\t") == table[0] and len(tsv) == len(table)


def test_targets_text_has_a_header_line(out):
    lines = run(out, "targets").stdout.splitlines()
    assert lines[0].split("\t") == ["id", "text", "value", "unit", "qualifier", "period", "deadline", "subject"]
    assert len(lines) == 1 + len(json.loads(run(out, "targets", "--json").output)["targets"])


def test_the_same_keys_across_commands(out):
    """The cited unit is `id`, a target's measurement unit is `unit`, in mentions and targets."""
    m = json.loads(run(out, "mentions", "2025年底", "--json").output)
    t = json.loads(run(out, "targets", "--json").output)["targets"]
    assert m["units"] and all("id" in r for r in m["units"])
    assert all("unit" in x for r in m["units"] for x in r["matches"])
    assert {r["id"] for r in m["units"]} <= {r["id"] for r in t}
    assert all("unit" in r and "unit_of_measure" not in r for r in t)


def test_mentions_and_entities_csv(out):
    import csv
    import io

    data = json.loads(run(out, "mentions", "农民工", "--json").output)
    table = list(csv.DictReader(io.StringIO(run(out, "mentions", "农民工", "--csv").stdout)))
    assert len(table) == sum(len(r["matches"]) for r in data["units"])
    assert {r["id"] for r in table} == {r["id"] for r in data["units"]}
    ents = json.loads(run(out, "entities", "--json").output)["entities"]
    table = list(csv.DictReader(io.StringIO(run(out, "entities", "--csv").stdout)))
    assert [r["id"] for r in table] == [e["id"] for e in ents]
    assert [int(r["count"]) for r in table] == [e["count"] for e in ents]


def test_mentions_give_each_unit_its_place_in_the_outline(out):
    """A reader sees which clause answers without looking it up: the task's title and its
    outline path (the same path `kb show` prints), in the JSON and in the text output."""
    from kb.query.load import load_kb

    kb = load_kb(out)
    tasks = {t.id: t for d in kb.documents for t in d.tasks}
    data = json.loads(run(out, "mentions", "农民工", "--json").output)
    rows = [u for u in data["units"] if u["id"] in tasks]
    assert rows
    for u in rows:
        assert u["title"] == tasks[u["id"]].title and u["title"]
        assert u["path"] == tasks[u["id"]].path and u["path"].endswith(u["title"])
    text = run(out, "mentions", "农民工").output
    first = rows[0]
    assert f"  {first['id']}  " in text and first["path"].split(" › ")[0][:13] in text
