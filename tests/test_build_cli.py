"""`kb build` is deterministic and atomic; `kb show` / `kb check` / `kb export` answer or fail cleanly."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.build import build
from kb.cli import main
from kb.errors import KBError


def run(*args, out=None):
    argv = list(args) + (["--out", str(out)] if out else [])
    return CliRunner().invoke(main, argv, catch_exceptions=False)


def test_build_twice_is_byte_identical(tmp_path, corpus_path):
    a, b = tmp_path / "a", tmp_path / "b"
    build([corpus_path], a)
    build([corpus_path], b)
    assert (a / "kb.json").read_bytes() == (b / "kb.json").read_bytes()
    build([corpus_path], a)  # rebuilding in place gives the same bytes too
    assert (a / "kb.json").read_bytes() == (b / "kb.json").read_bytes()


def test_kb_json_has_the_design_shape(built):
    # the design's shape is the export's; build/kb.json stores the same model compactly
    r = run("export", "--format", "json", out=built)
    assert r.exit_code == 0
    d = json.loads(r.output)
    assert d["schema"] == 1
    doc = d["documents"][0]
    assert doc["id"] == "acftu-14th-fyp-part2" and len(doc["sha256"]) == 64
    t17 = next(t for t in doc["tasks"] if t["id"] == "T17")
    assert t17["chapter"] == "C五" and t17["number"] == 17 and t17["title"] == "做好农民工维权服务工作"
    s = t17["sentences"][1]
    assert t17["text"][s["start"] : s["end"]] == s["text"] and s["id"] == "T17.s2"
    assert [t["id"] for t in doc["indicator_tables"]] == ["I:素质提升", "I:精准服务", "I:依法维权"]
    assert doc["indicator_tables"][1]["rows"][0]["id"] == "I:精准服务:1"
    for key in ("entities", "edges"):
        assert isinstance(d[key], list)


def test_a_crash_inside_the_writer_leaves_the_previous_build(tmp_path, corpus_path, monkeypatch):
    out = tmp_path / "build"
    build([corpus_path], out)
    before = (out / "kb.json").read_bytes()
    import kb.build as kbb

    def boom(path, data):
        Path(path).write_text('{"half": ', encoding="utf-8")
        raise KeyboardInterrupt  # as if Ctrl-C came while writing

    monkeypatch.setattr(kbb, "write_json", boom)
    with pytest.raises(KeyboardInterrupt):
        kbb.build([corpus_path], out)
    assert (out / "kb.json").read_bytes() == before
    gens = out.parent / ".build.gens"
    assert not [p for p in gens.iterdir() if p.name.endswith(".partial")]


def test_a_folder_that_is_not_a_build_is_left_alone(tmp_path, corpus_path):
    """A user's own folder named as --out is refused, never moved or replaced."""
    out = tmp_path / "build"
    out.mkdir()
    (out / "old.txt").write_text("x")
    with pytest.raises(KBError, match="not a plankb build"):
        build([corpus_path], out)
    assert not out.is_symlink() and (out / "old.txt").read_text() == "x"


def test_show_task(built):
    r = run("show", "17", out=built)
    assert r.exit_code == 0
    assert "T17  做好农民工维权服务工作" in r.output
    assert "[T17.s2] 建立健全工会系统欠薪报告制度" in r.output
    assert "chapter 五、高举维护职工合法权益旗帜" in r.output
    assert run("show", "T17", out=built).output == r.output
    assert run("show", "１７", out=built).output == r.output


def test_show_indicator_row_and_chapter(built):
    r = run("show", "精准服务:1", out=built)
    assert r.exit_code == 0 and "I:精准服务:1  解困脱困长效机制" in r.output
    assert "每年保障5万户以上深度困难职工家庭生活" in r.output
    assert run("show", "I:精准服务:1", out=built).output == r.output
    c = run("show", "五", out=built)
    assert c.exit_code == 0 and "T14" in c.output and "T18" in c.output and "T19" not in c.output


def test_show_json(built):
    r = run("show", "17", "--json", out=built)
    d = json.loads(r.output)
    assert d["id"] == "T17" and d["kind"] == "task" and d["previous"] == "T16" and d["next"] == "T18"


@pytest.mark.parametrize("ident", ["99", "T99", "精准服务:99", "nothing", "十一"])
def test_show_unknown_id_is_one_line_and_exit_2(built, ident):
    r = CliRunner().invoke(main, ["show", ident, "--out", str(built)])
    assert r.exit_code == 2
    assert r.output.strip().startswith("kb: error:") and len(r.output.strip().splitlines()) == 1
    assert "Traceback" not in r.output


def test_check_reports_structure_and_joins(corpus_path):
    r = run("check", str(corpus_path))
    assert r.exit_code == 0
    assert "utf-8, 11718 characters" in r.output
    assert "6 chapters, 24 tasks (14–37)" in r.output
    assert "3 tables with 14 rows" in r.output
    assert "page break joined: …院校和职业培训机|构建设。推动职工… (lines 25–27)" in r.output
    assert "layout noise removed: （上接第2版） (line 3)" in r.output
    d = json.loads(run("check", str(corpus_path), "--json").output)
    assert d["tasks"] == 24 and d["problems"] == []


def test_check_reports_gbk_and_gaps(tmp_path):
    p = tmp_path / "gbk.txt"
    p.write_bytes("一、甲\n\n1. 做好工作。内容。\n\n3. 乙。内容。".encode("gbk"))
    r = run("check", str(p))
    assert r.exit_code == 0 and ": gbk," in r.output
    assert "problem: task numbering gap: 1 is followed by 3 (2 missing)" in r.output


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "setup,msg",
    [
        (lambda d: d / "missing.txt", "no such file"),
        (lambda d: (d / "empty").mkdir() or d / "empty", "no plan files"),
        (lambda d: _write(d / "e.txt", b""), "empty file"),
        (lambda d: _write(d / "b.txt", b"\x00\x01PNG\x00\x00"), "binary"),
        (lambda d: _write(d / "p.txt", b"%PDF-1.5 ..."), "PDF"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, setup, msg):
    path = setup(tmp_path)
    for cmd in (["check", str(path)], ["build", str(path), "--out", str(tmp_path / "out")]):
        r = CliRunner().invoke(main, cmd)
        assert r.exit_code == 2, r.output
        lines = r.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("kb: error:") and msg in lines[0]
    assert not (tmp_path / "out").exists()


def test_export_json_is_the_model_the_build_made_and_csv_has_every_unit(built, corpus_path):
    from kb.build import make_kb
    from kb.model import kb_to_dict

    r = run("export", "--format", "json", out=built)
    made = json.loads(json.dumps(kb_to_dict(make_kb([corpus_path])), ensure_ascii=False))
    assert json.loads(r.output) == made
    assert (built / "kb.json").stat().st_size < len(r.output.encode())  # stored compactly
    import csv
    import io

    c = list(csv.reader(io.StringIO(run("export", "--format", "csv", out=built).output)))
    docs = made["documents"]
    units = [
        u["id"]
        for d in docs
        for u in [*d["tasks"], *(r for t in d["indicator_tables"] for r in t["rows"]), *d.get("paragraphs", [])]
    ]
    assert c[0][:3] == ["document", "id", "kind"] and len(c) == 1 + len(units)
    assert sorted(row[1] for row in c[1:]) == sorted(units)


def test_export_markdown_escapes_markup(built):
    md = run("export", "--format", "markdown", out=built).output
    assert "## 五、高举维护职工合法权益旗帜" in md and "**17\\. 做好农民工维权服务工作** (T17)" in md


def test_a_command_builds_the_bundled_corpus_when_no_kb_exists(tmp_path, monkeypatch):
    """The default ./build is made from the bundled plans on first use; a --build folder that
    does not exist is an error (a typo must not answer from the bundled plans)."""
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(main, ["show", "acftu-14th-fyp-part2/17"])
    assert r.exit_code == 0 and "T17" in r.output
    assert (tmp_path / "build" / "kb.json").exists()
    r = CliRunner().invoke(main, ["show", "17", "--out", str(tmp_path / "fresh")])
    assert r.exit_code == 2 and "no build at" in r.output


def test_installed_console_script_as_a_real_subprocess(built):
    exe = shutil.which("kb")
    cmd = [exe] if exe else [sys.executable, "-m", "kb"]
    ok = subprocess.run(cmd + ["show", "17", "--out", str(built)], capture_output=True, text=True)
    assert ok.returncode == 0 and "做好农民工维权服务工作" in ok.stdout
    row = subprocess.run(cmd + ["show", "精准服务:1", "--out", str(built)], capture_output=True, text=True)
    assert row.returncode == 0 and "解困脱困长效机制" in row.stdout
    bad = subprocess.run(cmd + ["show", "99", "--out", str(built)], capture_output=True, text=True)
    assert (
        bad.returncode == 2
        and bad.stderr.strip() == "kb: error: no task, indicator row, chapter or entity with id '99'"
    )
    assert "Traceback" not in bad.stderr
    mod = subprocess.run(
        [sys.executable, "-m", "kb", "show", "17", "--out", str(built)], capture_output=True, text=True
    )
    assert mod.returncode == 0 and mod.stdout == ok.stdout


def test_meta_sidecar_gives_the_title_and_bad_meta_is_one_line(tmp_path):
    (tmp_path / "p.txt").write_text("一、甲\n\n1. 做好工作。内容。", encoding="utf-8")
    (tmp_path / "p.meta.json").write_text('{"title": "示例规划"}', encoding="utf-8")
    build([tmp_path], tmp_path / "out")
    d = json.loads((tmp_path / "out" / "kb.json").read_text(encoding="utf-8"))
    assert d["documents"][0]["title"] == "示例规划"
    (tmp_path / "p.meta.json").write_text('{"title": ', encoding="utf-8")
    r = CliRunner().invoke(main, ["build", str(tmp_path), "--out", str(tmp_path / "out")])
    assert r.exit_code == 2 and "p.meta.json: not valid JSON" in r.output
    assert json.loads((tmp_path / "out" / "kb.json").read_text(encoding="utf-8")) == d
