"""`kb site` and `kb serve` over a build folder."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_site import seed_kb

from kb.cli import main
from kb.model import kb_to_dict


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory) -> Path:
    """A build folder holding the seed's kb.json (what `kb build` writes first)."""
    out = tmp_path_factory.mktemp("b") / "build"
    out.mkdir()
    (out / "kb.json").write_text(json.dumps(kb_to_dict(seed_kb()), ensure_ascii=False), encoding="utf-8")
    return out


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_kb_site_writes_the_site_of_the_build(build_dir, tmp_path):
    out = tmp_path / "site"
    r = run("site", "--build", str(build_dir), "--site-dir", str(out))
    assert r.exit_code == 0, r.output
    assert (out / "index.html").is_file() and (out / "T17.html").is_file()
    first = (out / "T17.html").read_bytes()
    # again over the old site: replaced whole, same bytes, no temporary folders left behind
    r = run("site", "--build", str(build_dir), "--site-dir", str(out))
    assert r.exit_code == 0, r.output
    assert (out / "T17.html").read_bytes() == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_kb_site_default_is_inside_the_build(build_dir):
    r = run("site", "--build", str(build_dir))
    assert r.exit_code == 0, r.output
    assert (build_dir / "site" / "index.html").is_file()


def test_kb_site_refuses_to_replace_a_foreign_folder(build_dir, tmp_path):
    foreign = tmp_path / "docs"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    r = CliRunner().invoke(main, ["site", "--build", str(build_dir), "--site-dir", str(foreign)])
    assert r.exit_code == 2
    assert r.output.count("\n") == 1 and r.output.startswith("kb: error:")
    assert (foreign / "notes.txt").read_text() == "mine"


def test_kb_serve_serves_the_site_on_localhost(build_dir, tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kb",
            "serve",
            "--port",
            str(port),
            "--build",
            str(build_dir),
            "--site-dir",
            str(tmp_path / "site"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.time() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/T17.html", timeout=2) as resp:
                    body = resp.read().decode("utf-8")
                    assert resp.headers["Content-Type"].startswith("text/html")
                break
            except OSError:
                if time.time() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.2)
        assert "农民工" in body
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_kb_site_vault_writes_linked_markdown_notes(build_dir, tmp_path):
    import re

    vault = tmp_path / "vault"
    r = run("site", "--build", str(build_dir), "--site-dir", str(tmp_path / "site"), "--vault", str(vault))
    assert r.exit_code == 0, r.output
    notes = {p.stem: p.read_text(encoding="utf-8") for p in vault.glob("*.md")}
    assert "T17" in notes and "index" in notes
    # every wikilink names a note of the vault
    for name, text in notes.items():
        for target in re.findall(r"\[\[([^\]|\\]+)", text):
            assert target in notes, (name, target)
    kb = seed_kb()
    assert len([n for n in notes if re.fullmatch(r"T\d+", n)]) == len(kb.documents[0].tasks)
    for e in kb.entities:
        assert any(n.endswith(e.name) for n in notes), e.id


def test_kb_site_out_is_a_deprecated_name_of_site_dir(build_dir, tmp_path):
    from click.testing import CliRunner

    from kb.cli import main

    r = CliRunner().invoke(main, ["site", "--build", str(build_dir), "--out", str(tmp_path / "s")])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "s" / "index.html").is_file()
    assert "deprecated" in r.stderr and "--site-dir" in r.stderr and "deprecated" not in r.stdout
