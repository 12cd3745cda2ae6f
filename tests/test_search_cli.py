"""`kb search` through click: output formats, hostile input, cold-start imports, generations."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.cli import main

ROOT = Path(__file__).resolve().parent.parent


def run(built, *args, env=None):
    """--out first: a query such as "--" must not swallow it."""
    r = CliRunner().invoke(main, ["search", "--out", str(built), *args], env=env)
    assert r.exception is None or isinstance(r.exception, SystemExit), r.output
    assert "Traceback" not in r.output
    return r


def test_plain_output_marks_matches(built):
    r = run(built, "农民工")
    assert r.exit_code == 0
    lines = r.stdout.splitlines()
    top = json.loads(run(built, "农民工", "--json").stdout)["hits"][0]
    assert lines[0].startswith(top["id"] + " ")
    assert f"{top['id']}.s" in lines[1] and "【农民工】" in lines[1]
    assert "\x1b[" not in r.stdout  # not a terminal


def test_json_shape(built):
    r = run(built, "一函两书", "--chapter", "七", "-n", "5", "--json")
    d = json.loads(r.stdout)
    assert d["query"] == "一函两书"
    h = d["hits"][0]
    assert {"id", "score", "snippet", "sentence"} <= set(h)
    # the top hit contains the query literally, in the sentence it names, in the chapter asked for
    assert h["sentence"].startswith(h["id"] + ".s") and "【一函两书】" in h["snippet"]
    assert h["chapter"] == "C七" and h["matched"] == ["一函两书"]
    assert all(x["chapter"] == "C七" for x in d["hits"])


def test_words_without_quotes_are_several_terms(built):
    a = json.loads(run(built, "集体协商", "指导员", "--json").stdout)
    b = json.loads(run(built, "集体协商 指导员", "--json").stdout)
    assert [h["id"] for h in a["hits"]] == [h["id"] for h in b["hits"]]


def test_notes_go_to_stderr(built):
    r = run(built, "外卖骑手的权益怎么保障")
    assert r.exit_code == 0
    top = json.loads(run(built, "外卖骑手的权益怎么保障", "--json").stdout)["hits"][0]["id"]
    assert r.stdout.splitlines()[0].startswith(top + " ")
    assert "kb: note:" in r.stderr and "kb: note:" not in r.stdout


def test_colour_only_on_a_terminal(built, monkeypatch):
    from kb.commands import search as cmd

    monkeypatch.setattr(cmd, "use_color", lambda stream=None: True)
    r = run(built, "农民工")
    assert "\x1b[1m农民工\x1b[0m" in r.stdout and "【" not in r.stdout
    monkeypatch.undo()

    class Tty:
        def isatty(self):
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert cmd.use_color(Tty())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not cmd.use_color(Tty())


HOSTILE = [
    '"',
    '""',
    '"""',
    "'",
    "AND",
    "OR",
    "NOT",
    "AND OR NOT",
    "a AND",
    "OR b",
    "劳模 OR",
    "NOT 劳模",
    "*",
    "?",
    "*:*",
    "text:",
    "title:",
    "foo:bar",
    'title:""',
    "(",
    ")",
    "((劳模",
    "[",
    "{",
    "\\",
    "%",
    "%s%n",
    "{0}",
    "-",
    "--",
    "- -",
    "-劳模",
    "劳" * 1000,
    "劳模" * 3000,
    "😀",
    "🙂农民工",
    "<script>alert(1)</script>",
    "",
    " ",
    "\t",
    "\x00",
    "\x1b[31m红",
    "\u200b",
    "\ufeff",
    "𠀀",
    "ＡＮＤ",
    "../../etc/passwd",
    "C:\\",
    "' OR 1=1 --",
    "\n\n",
    '劳模"',
    'title:"劳模',
]


@pytest.mark.parametrize("q", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_queries(built, q):
    r = run(built, q)
    assert r.exit_code in (0, 2), (q, r.exit_code, r.output)
    if r.exit_code == 2:
        assert r.stderr.strip(), q  # a message, not silence
        assert "rror" in r.stderr.strip().splitlines()[-1]  # kb: error: … or click's Error: …
    else:
        assert r.stdout or r.stderr  # hits, or a "no unit matches" line
    rj = run(built, "--json", q)
    assert rj.exit_code in (0, 2)
    if rj.exit_code == 0:
        json.loads(rj.stdout)


def test_dash_words_are_exclusions(built):
    a = json.loads(run(built, "--json", "劳模", "-工匠").stdout)
    b = json.loads(run(built, "--json", "劳模", "NOT", "工匠").stdout)
    assert a["hits"] and [h["id"] for h in a["hits"]] == [h["id"] for h in b["hits"]]
    assert all("工匠" not in h["snippet"] for h in a["hits"])


def test_bad_options_are_one_line_errors(built):
    for args in (
        ["劳模", "--chapter", "十一"],
        ["劳模", "--kind", "table"],
        ["劳模", "-n", "0"],
        ["劳模", "--group", "宇航员"],
    ):
        r = run(built, *args)
        assert r.exit_code == 2, args
        assert "rror" in r.stderr


def test_build_without_index_is_a_message(tmp_path):
    out = tmp_path / "old"
    out.mkdir()
    (out / "kb.json").write_text("{}", encoding="utf-8")
    r = CliRunner().invoke(main, ["search", "--out", str(out), "农民工"])
    assert r.exit_code == 2 and "no search index" in r.stderr and "Traceback" not in r.output


def test_cold_search_imports_neither_spacy_nor_jieba(built):
    env = dict(os.environ, PYTHONPROFILEIMPORTTIME="1")
    p = subprocess.run(
        [sys.executable, "-m", "kb", "search", "农民工", "--out", str(built)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert p.returncode == 0, p.stderr[-2000:]
    mods = {ln.split("|")[-1].strip() for ln in p.stderr.splitlines() if ln.startswith("import time:")}
    assert "whoosh.index" in mods
    heavy = {m for m in mods if m.split(".")[0] in ("spacy", "jieba", "opencc", "thinc", "networkx")}
    assert not heavy, heavy
    # the stand-ins used while whoosh loads are gone afterwards
    q = (
        "import sys; from kb.index.schema import _whoosh; _whoosh(); import urllib.request, cached_property;"
        "import whoosh.lang.morph_en as m; from whoosh.query.terms import variations;"
        "import html, hashlib, whoosh.lang.porter as p; from whoosh.analysis import StemFilter, Token;"
        "from whoosh.filedb.filetables import md5; from whoosh.compat import htmlescape;"
        "print(hasattr(urllib.request, 'Request') and hasattr(m, 'variations') and 'ran' in variations('run')"
        " and hasattr(html, 'unescape') and hasattr(hashlib, 'sha256') and md5(b'x').digest() =="
        " hashlib.md5(b'x').digest() and htmlescape('<') == '&lt;' and p.stem('cats') == 'cat'"
        " and [t.text for t in StemFilter()([Token(text='cats')])] == ['cat'])"
    )
    assert subprocess.run([sys.executable, "-c", q], capture_output=True, text=True, cwd=ROOT).stdout.strip() == "True"


def test_old_generation_keeps_answering(tmp_path):
    """A reader that resolved the generation before a rebuild still reads one whole version."""
    from kb.build import build
    from kb.index.search import search
    from kb.store import resolve

    built = tmp_path / "build"
    build((), built)
    g1 = resolve(built)
    before = [h.unit for h in search(g1, "农民工").hits]
    build((), built)
    assert resolve(built) != g1
    assert [h.unit for h in search(g1, "农民工").hits] == before


def test_indicator_rows_are_kind_row_and_indicator_is_still_accepted(built):
    a = json.loads(run(built, "职工", "--kind", "row", "-n", "50", "--json").stdout)
    b = json.loads(run(built, "职工", "--kind", "indicator", "-n", "50", "--json").stdout)
    assert a["hits"] and a == b
    assert all(h["kind"] == "row" and h["id"].startswith("I:") for h in a["hits"])


def test_search_tsv(built):
    data = json.loads(run(built, "农民工", "--json").stdout)
    lines = run(built, "农民工", "--tsv").stdout.splitlines()
    assert lines[0].split("\t")[:2] == ["id", "score"]
    assert [x.split("\t")[0] for x in lines[1:]] == [h["id"] for h in data["hits"]]
