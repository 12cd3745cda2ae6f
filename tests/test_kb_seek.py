"""kb.seek.json (kb/build/seek.py): `kb show`, `kb mentions`, `kb targets` and `kb entities`
read only the kb.json lines they need through the sidecar the build writes beside kb.json, and
answer byte for byte as when they read the whole file. Built from the bundled corpus (9 real
plans: tasks, indicator rows, tables, paragraphs, discovered names)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.build.seek import open_seek, seek_path
from kb.cli import main
from kb.store import KB_FILE, resolve

ROOT = Path(__file__).resolve().parent.parent


def run(out: Path, *args: str) -> str:
    r = CliRunner().invoke(main, [*args, "--out", str(out)])
    return f"{r.exit_code}\n{r.output}"


def queries(out: Path) -> list[tuple[str, ...]]:
    """Commands over several kinds of ids and terms, drawn from the build itself."""
    kb = json.loads((resolve(out) / KB_FILE).read_text(encoding="utf-8"))
    cmds: list[tuple[str, ...]] = [("targets", "--json"), ("entities", "--json"), ("show", "T1"), ("show", "五")]
    for d in kb["documents"]:
        local = [t["id"] for t in d.get("tasks", [])[:2]] + [p["id"] for p in d.get("paragraphs", [])[:1]]
        local += [c["id"] for c in d.get("chapters", [])[:2]]
        for t in d.get("indicator_tables", [])[:1]:
            local += [t["id"], *(r["id"] for r in t.get("rows", [])[:2])]
        for x in local:
            cmds += [("show", f"{d['id']}/{x}", "--json"), ("show", f"{d['id']}/{x}")]
        cmds.append(("show", f"{d['id']}/（一）"))  # a label as printed
    cmds.append(("show", "no-such-plan/T1"))
    by_type: dict[str, list[dict]] = {}
    for e in kb["entities"]:
        by_type.setdefault(f"{e['type']}{e.get('discovered', False)}", []).append(e)
    for es in by_type.values():
        for e in es[:3]:
            cmds += [("show", e["id"], "--json"), ("mentions", e["name"]), ("mentions", e["name"], "--json")]
    cmds += [("mentions", "农民工", "--exact", "--json"), ("mentions", "2025年底", "--json"), ("mentions", "海绵")]
    return cmds


def answers(out: Path, cmds) -> list[str]:
    return [run(out, *c) for c in cmds]


def without_sidecar(out: Path, cmds) -> list[str]:
    side = seek_path(resolve(out) / KB_FILE)
    os.rename(side, side.with_suffix(".away"))
    try:
        assert open_seek(resolve(out) / KB_FILE) is None
        return answers(out, cmds)
    finally:
        os.rename(side.with_suffix(".away"), side)


@pytest.fixture(scope="module")
def corpus_build(tmp_path_factory) -> Path:
    from kb.build import build

    out = tmp_path_factory.mktemp("seek") / "build"
    build([ROOT / "corpus"], out, site=False)
    return out


def test_answers_with_the_sidecar_equal_those_from_the_whole_file(corpus_build):
    assert open_seek(resolve(corpus_build) / KB_FILE) is not None
    cmds = queries(corpus_build)
    assert len(cmds) > 100
    fast, slow = answers(corpus_build, cmds), without_sidecar(corpus_build, cmds)
    for c, a, b in zip(cmds, fast, slow):
        assert a == b, c
    assert sum(a.startswith("0\n") for a in fast) > 90  # mostly answers, not errors


def test_show_parses_only_its_own_documents_line(corpus_build, monkeypatch):
    from kb.build import seek

    read: list[int] = []
    real = seek.Seek.read
    monkeypatch.setattr(seek.Seek, "read", lambda self, span: read.append(span[1]) or real(self, span))
    kb = json.loads((resolve(corpus_build) / KB_FILE).read_text(encoding="utf-8"))
    d = kb["documents"][3]
    assert run(corpus_build, "show", f"{d['id']}/{d['tasks'][0]['id']}", "--json").startswith("0\n")
    # its line, the entities and its edges: nothing of the other documents
    sk = open_seek(resolve(corpus_build) / KB_FILE)
    assert sk is not None and sk.entities is not None
    i = sk.ids.index(d["id"])
    assert sorted(read) == sorted([sk.docs[i][1], sk.entities[1], sk.edges[i][1]])  # type: ignore[index]


def test_a_sidecar_of_another_kb_json_is_ignored(corpus_build, tmp_path):
    """kb.json replaced by other means (same generation, new bytes): read whole, as before."""
    gen = tmp_path / "gen"
    shutil.copytree(resolve(corpus_build), gen, ignore=shutil.ignore_patterns("index"))
    kb_path = gen / KB_FILE
    assert open_seek(kb_path) is not None
    kb_path.write_bytes(kb_path.read_bytes().replace(b'{"schema":1,\n', b'{"schema":1, \n', 1))
    assert open_seek(kb_path) is None
    seek_path(kb_path).write_text("{not json", encoding="utf-8")
    assert open_seek(kb_path) is None
