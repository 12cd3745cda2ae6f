"""Reliability: stale cache ids, inputs checked before reading, --out refusals, serve across
rebuilds, one-line errors instead of tracebacks, Big5, terminal escapes, small leaks."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "acftu-14th-fyp-part2.txt"

PLAN = (
    "一、加强职工技能培训\n\n"
    "1. 开展职工技能培训。到2025年底，每年帮助30万名职工提升技能，推动农民工参加培训。\n\n"
    "2. 建设职工书屋。各级工会加强职工书屋建设，服务新就业形态劳动者。\n"
)


def run(*args, env=None):
    r = CliRunner().invoke(main, list(args), env=env)
    return r


def one_error(r) -> str:
    out = r.output
    assert r.exit_code == 2, (r.exit_code, out, r.exception)
    assert "Traceback" not in out
    lines = [ln for ln in out.splitlines() if ln.startswith("kb: error:")]
    assert len(lines) == 1, out
    return lines[0]


@pytest.fixture()
def cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def build(*args):
    return run("build", *args, "-j", "1", "--no-site", "-q")


# --------------------------------------------------------------------------- 1 cache ids


def test_rename_takes_id_from_current_path(cwd):
    Path("plan.txt").write_text(PLAN, encoding="utf-8")
    Path("other.txt").write_text(PLAN.replace("30万", "40万"), encoding="utf-8")
    assert build("plan.txt", "other.txt").exit_code == 0
    os.rename("plan.txt", "renamed.txt")
    r = build("renamed.txt", "other.txt")
    assert r.exit_code == 0, r.output
    assert "1 added, 0 changed, 1 removed, 1 unchanged" in r.output
    kb = json.loads(Path("build/kb.json").read_text(encoding="utf-8"))
    ids = {d["id"]: d for d in kb["documents"]}
    assert set(ids) == {"renamed", "other"}
    units = json.dumps(ids["renamed"], ensure_ascii=False)
    assert '"plan/' not in units and "renamed/" in json.dumps(kb["edges"] + [ids["renamed"]], ensure_ascii=False)


def test_same_bytes_under_two_names_build_again(cwd):
    Path("a.txt").write_text(PLAN, encoding="utf-8")
    Path("b.txt").write_text(PLAN, encoding="utf-8")
    for _ in range(3):
        r = build("a.txt", "b.txt")
        assert r.exit_code == 0, r.output
    kb = json.loads(Path("build/kb.json").read_text(encoding="utf-8"))
    assert [d["id"] for d in kb["documents"]] == ["a", "b"]


# --------------------------------------------------------------------------- 2 linear pieces


def test_pieces_sweep_matches_naive_cover():
    import random

    from kb.model import Mention
    from kb.site import render

    rnd = random.Random(3)
    text = "职工" * 400
    ms = []
    for i in range(300):
        a = rnd.randrange(0, 790)
        ms.append(Mention(entity=f"GROUP:x{i % 7}", text="", sentence="", start=a, end=a + rnd.randrange(1, 9)))
    for lo, hi in [(0, 800), (13, 401), (500, 510)]:
        got = list(render._pieces(text, ms, lo, hi, href_for=lambda e: "#" + e, names={}, hl=None))
        ix = render.MentionIndex(ms, len(text)).overlapping(lo, hi)
        cuts = sorted({lo, hi, *(max(m.start, lo) for m in ix), *(min(m.end, hi) for m in ix)})
        assert [g[0] for g in got] == [text[a:b] for a, b in zip(cuts, cuts[1:])]
        for (_seg, tag, attrs), (a, b) in zip(got, zip(cuts, cuts[1:])):
            cover = [m for m in ix if m.start <= a and m.end >= b]
            assert (tag is None) == (not cover)
            if cover:
                cover.sort(key=lambda m: (-(m.end - m.start), m.entity))
                assert attrs["href"] == "#" + cover[-1].entity  # the innermost mention links


# --------------------------------------------------------------------------- 3 checked inputs


def test_inputs_checked_before_reading(cwd):
    with open("sparse.txt", "wb") as f:
        f.truncate(2 * 2**30)
    os.symlink("/dev/zero", "zero.txt")
    os.mkfifo("fifo.txt")
    for name in ("sparse.txt", "zero.txt", "fifo.txt"):
        t0 = time.monotonic()
        line = one_error(build(name))
        assert time.monotonic() - t0 < 10 and name in line
    d = Path("folder")
    d.mkdir()
    Path("folder/ok.txt").write_text(PLAN, encoding="utf-8")
    os.mkfifo("folder/pipe.txt")
    assert "not a regular file" in one_error(build("folder"))


# --------------------------------------------------------------------------- 4 serve


def test_serve_follows_rebuilds_and_keeps_its_generation(cwd):
    from kb.build import build as kb_build

    Path("plan.txt").write_text(PLAN, encoding="utf-8")
    kb_build([Path("plan.txt")], Path("out"))
    p = subprocess.Popen(
        [sys.executable, "-m", "kb", "serve", "--port", "0", "--build", "out"],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        port = re.search(r"127\.0\.0\.1:(\d+)/", p.stdout.readline()).group(1)

        def page() -> str:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html", timeout=10) as f:
                return f.read().decode("utf-8")

        assert "职工书屋" in page()
        first = os.path.realpath("out")
        for word in ("图书角", "阅览室"):
            Path("plan.txt").write_text(PLAN.replace("职工书屋", word), encoding="utf-8")
            kb_build([Path("plan.txt")], Path("out"))
            assert word in page()  # the current build, not the one it started with
        assert not os.path.exists(first)  # a generation no server holds is pruned
        held = os.path.realpath("out")
        assert list(Path(held).glob(".held-*"))
        for word in ("活动室", "文化宫", "会所"):
            Path("plan.txt").write_text(PLAN.replace("职工书屋", word), encoding="utf-8")
            kb_build([Path("plan.txt")], Path("out"), site=False)
        assert os.path.isdir(held)  # held by the running server: never pruned
    finally:
        p.terminate()
        p.wait(10)


def test_generations_sort_in_build_order_within_one_second(cwd):
    """The pruner keeps the newest generations by name: builds a few milliseconds apart (one
    process, the same second) must sort in the order they were made."""
    from kb.store import atomic_build

    made = []
    for _ in range(5):
        with atomic_build(Path("out")) as tmp:
            (tmp / "kb.json").write_text("{}", encoding="utf-8")
            made.append(tmp.name.removesuffix(".partial"))
    assert made == sorted(made)
    assert os.path.realpath("out").endswith(made[-1])


# --------------------------------------------------------------------------- 5 --out


def test_out_refuses_foreign_folder_and_dot(cwd):
    Path("plan.txt").write_text(PLAN, encoding="utf-8")
    Path("mydocs").mkdir()
    Path("mydocs/thesis.docx").write_text("mine")
    assert "not a plankb build" in one_error(build("plan.txt", "--out", "mydocs"))
    assert Path("mydocs/thesis.docx").exists() and not Path(".mydocs.gens").exists()
    for bad in (".", ""):
        one_error(build("plan.txt", "--out", bad))
    assert not list(Path(".").glob("..*"))


# --------------------------------------------------------------------------- 6, 9 one-line errors


@pytest.fixture(scope="module")
def seed_build(tmp_path_factory):
    from kb.build import build as kb_build

    out = tmp_path_factory.mktemp("seed") / "build"
    kb_build([SEED], out, site=False)
    return out


def test_meta_json_errors_and_bom(cwd):
    Path("p.txt").write_text(PLAN, encoding="utf-8")
    Path("p.meta.json").write_text('{"title": "\\ud800"}', encoding="utf-8")
    assert "p.meta.json" in one_error(build("p.txt"))
    Path("p.meta.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert "p.meta.json" in one_error(build("p.txt"))
    Path("p.meta.json").write_bytes(b"\xef\xbb\xbf" + json.dumps({"title": "带BOM的标题"}).encode())
    assert build("p.txt").exit_code == 0
    assert "带BOM的标题" in Path("build/kb.json").read_text(encoding="utf-8")


@pytest.mark.parametrize("value", ["inf", "nan", "1e400", "-1"])
def test_max_file_mb_bad_values(cwd, value):
    Path("p.txt").write_text(PLAN, encoding="utf-8")
    assert "KB_MAX_FILE_MB" in one_error(
        build("p.txt", env=None)
        if False
        else run("build", "p.txt", "-j", "1", "--no-site", env={"KB_MAX_FILE_MB": value})
    )


def test_export_output_errors(seed_build, tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    targets = ["/nonexistent/x.json", ".", "", "/dev/full"]
    if os.geteuid() != 0:
        targets.append(str(ro / "x.json"))
    for target in targets:
        one_error(run("export", "--build", str(seed_build), "-o", target))


def test_search_bad_bytes_and_long_queries(seed_build):
    b = str(seed_build)
    r = run("search", "\udcff", "--build", b, "--json")
    assert r.exit_code == 0 and "Traceback" not in r.output
    r.output.encode("utf-8")
    json.loads(r.output)
    for q in ["".join(chr(0x4E00 + 7 * i) for i in range(980)), " ".join(chr(0x4E00 + 7 * i) for i in range(980))]:
        r = run("search", q, "--build", b)
        assert r.exit_code in (0, 2) and "Traceback" not in r.output


def test_mistyped_build_folder_is_an_error(seed_build, cwd):
    line = one_error(run("show", "17", "--build", "biuld"))
    assert "no build at biuld (run: kb build --out biuld)" in line
    assert not Path("biuld").exists()
    one_error(run("search", "农民工", "--build", "biuld"))


def test_usage_errors_are_one_line():
    for args in (["show"], ["search", "x", "--limit", "zero"], ["nosuch"], ["build", "--jobs", "-3"]):
        r = run(*args)
        assert "Error:" not in r.output
        one_error(r)


def test_cache_write_failure_leaves_no_tmp(tmp_path, monkeypatch):
    from kb.build import cache

    def boom(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cache.os, "replace", boom)
    assert cache._cache_put(tmp_path, "k", {"document": {"id": "x"}, "edges": []}) is None
    cache._models_put(tmp_path, "k", (1, 2, 3, 4, 5))
    assert not list(tmp_path.rglob("*.tmp"))


def test_page_names_unique_ignoring_case():
    from kb.site.naming import doc_file, unit_file
    from kb.site.searchindex import shard_file

    names = [unit_file("A/T14", "task"), unit_file("a/T14", "task")]
    assert len({n.lower() for n in names}) == 2
    assert doc_file("ents", "A").lower() != doc_file("ents", "a").lower()
    assert shard_file("Plan").lower() != shard_file("plan").lower()
    assert unit_file("T17", "task") == "T17.html" and unit_file("plan-0001/T3", "task") == "plan-0001--T3.html"


# --------------------------------------------------------------------------- 7 Big5

TRAD = (
    "第一章 總體要求\n\n"
    "一、指導思想\n\n"
    "1. 堅持以人民為中心的發展思想。推動工會工作高品質發展，維護職工合法權益，促進社會和諧穩定。\n\n"
    "2. 加強職工技能培訓。到2025年底，每年幫助30萬名職工提升技能，推動農民工參加職業培訓。\n"
)


def test_big5_text_is_decoded(tmp_path):
    from kb.parse.normalize import read_file

    p = tmp_path / "trad.txt"
    p.write_bytes(TRAD.encode("big5"))
    norm = read_file(p)
    # decoded as Big5, then read in simplified characters (kb/parse/normalize.py: to_simplified)
    assert norm.encoding.startswith("big5") and "维护职工合法权益" in norm.text and norm.t2s > 0
    g = tmp_path / "simp.txt"
    g.write_bytes(PLAN.encode("gbk"))
    assert read_file(g).encoding == "gbk" and read_file(g).text.startswith("一、加强职工技能培训")


# --------------------------------------------------------------------------- 8 escapes


def test_escape_codes_do_not_reach_the_terminal(cwd):
    more = "".join(
        f"\n{i}. 加强第{i}项工作。各级工会推动职工参与民主管理，做好困难职工帮扶工作，维护职工合法权益。\n"
        for i in range(3, 9)
    )
    evil = PLAN.replace("推动农民工", "推动\x1b[1A\x1b[2K\x1b]0;owned\x07农民工") + more
    Path("evil.txt").write_text(evil, encoding="utf-8")
    assert build("evil.txt").exit_code == 0
    for args in (["show", "1"], ["mentions", "农民工"], ["targets"], ["search", "农民工"]):
        r = run(*args)
        assert r.exit_code == 0, (args, r.output)
        assert "\x1b" not in r.output and "\x07" not in r.output, args


# --------------------------------------------------------------------------- fuzz

_word = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        ["17", "T17", "农民工", "C五", "GROUP:农民工", "--json", "-n", "5", "--exact", "\udcff", "\udcfe\udc80"]
    ),
    st.text(alphabet="([{“《", min_size=50, max_size=3000),
    st.integers(min_value=0, max_value=5000).map(lambda n: "职" * n),
)
_cmd = st.sampled_from([["search"], ["show"], ["mentions"], ["targets"], ["entities"], ["graph", "deps"]])


@settings(derandomize=True, max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(cmd=_cmd, words=st.lists(_word, max_size=4), as_json=st.booleans())
def test_cli_fuzz(seed_build, cmd, words, as_json):
    args = cmd + words + ["--build", str(seed_build)] + (["--json"] if as_json else [])
    r = CliRunner().invoke(main, args)
    assert r.exit_code in (0, 2), (args, r.output, r.exception)
    assert "Traceback" not in r.output
    if as_json and r.exit_code == 0 and "--json" not in words:
        data = r.stdout_bytes.decode("utf-8")
        json.loads(data)
