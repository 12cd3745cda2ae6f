"""An update copies each unchanged document's byte runs of kb.json and graph.json from the
previous generation (kb/build/reuse.py): the files must be byte for byte those of a build that
had nothing to copy from, after an edited, a removed, an added and a renamed plan; a document
with a new title, and any document after a change of code, are not copied. Real plans: two whose
责任单位 notes give actor -> task links (the graph's cross-document layer), one without, and a
plan of the development corpus."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import kb.build as kbb
from kb.build import build, reuse
from kb.build.seek import seek_path
from kb.store import resolve

ROOT = Path(__file__).resolve().parent.parent
DEV = Path("/work/shared/corpus-dev/hubei-cultural-relics-14th-fyp-pdf.txt")
PLANS = [
    ROOT / "corpus" / f"{n}.txt"
    for n in ("jiading-sponge-city-plan", "zero-waste-city-pilot", "putuo-spatial-near-term-plan")
]
OUTPUTS = ("kb.json", "graph.json", "kb.seek.json", "graph.seek.json")


def _outputs(gen: Path) -> dict[str, object]:
    """The files an update writes by copying; a sidecar without the size and time of its file."""
    out: dict[str, object] = {}
    for name in OUTPUTS:
        if name.endswith(".seek.json"):
            data = json.loads((gen / name).read_text(encoding="utf-8"))
            data.pop("kb" if name == "kb.seek.json" else "graph")
            out[name] = data
        else:
            out[name] = (gen / name).read_bytes()
    return out


def _tail(gen: Path) -> list:
    """graph.seek.json's record of the nodes after the documents': [digest, offset, bytes]."""
    return json.loads(seek_path(gen / "graph.json").read_text(encoding="utf-8"))["tail"]


@pytest.fixture
def src(tmp_path) -> Path:
    folder = tmp_path / "plans"
    folder.mkdir()
    for p in [*PLANS, *([DEV] if DEV.exists() else [])]:
        shutil.copy(p, folder / p.name)
    return folder


def _fresh(src: Path, tmp: Path) -> dict[str, object]:
    """A build of ``src`` with no previous generation to copy from (its parse cache is kept)."""
    out = tmp / "fresh"
    if out.is_symlink():
        out.unlink()
    build([src], out, site=False)
    return _outputs(resolve(out))


@pytest.fixture
def copies(monkeypatch) -> list[str]:
    """The files the build copied byte runs from."""
    seen: list[str] = []
    real = reuse.copy_run
    monkeypatch.setattr(reuse, "copy_run", lambda s, d, run: seen.append(Path(s.name).name) or real(s, d, run))
    for module in ("kb.build.kbjson", "kb.build.graphjson"):
        monkeypatch.setattr(f"{module}.copy_run", reuse.copy_run)
    return seen


def _edit(p: Path, old: str, new: str) -> None:
    text = p.read_text(encoding="utf-8")
    assert old in text
    p.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_update_copies_the_unchanged_documents_and_equals_a_fresh_build(src, tmp_path, copies):
    out = tmp_path / "build"
    build([src], out, site=False)
    assert not [c for c in copies if c in ("kb.json", "graph.json")]  # nothing to copy from yet
    n = len(list(src.glob("*.txt")))

    def update(expect_copied: int) -> bool:
        before = _tail(resolve(out))
        copies.clear()
        build([src], out, site=False)
        assert _outputs(resolve(out)) == _fresh(src, tmp_path)
        # each copied document: its line and its edge lines; its nodes and its links; and the
        # entities' nodes once when written from the same entities and ends as before
        same = _tail(resolve(out))[0] == before[0]
        assert copies.count("kb.json") == 2 * expect_copied
        assert copies.count("graph.json") == 2 * expect_copied + same
        return same

    # one sentence of one plan changed
    _edit(src / PLANS[1].name, "。", "，并加强统筹协调。")
    update(n - 1)
    # and a build with no cache at all (no entity lines kept from an earlier build) agrees
    build([src], tmp_path / "clean", site=False)
    assert _outputs(resolve(tmp_path / "clean")) == _outputs(resolve(out))
    # a plan removed (the rest keep their bytes: still a collection of several): its entities go
    (src / PLANS[2].name).unlink()
    assert not update(n - 1)
    # a plan added
    shutil.copy(PLANS[2], src / PLANS[2].name)
    update(n - 1)
    # a file renamed: its ids change with its name
    (src / PLANS[0].name).rename(src / "renamed-plan.txt")
    update(n - 1)
    # a new title from a meta file: its document line and its node change
    (src / "renamed-plan.meta.json").write_text(json.dumps({"title": "另一个标题"}), encoding="utf-8")
    update(n - 1)
    # nothing changed: everything copied
    assert update(n)


def test_another_code_version_copies_nothing(src, tmp_path, copies, monkeypatch):
    out = tmp_path / "build"
    build([src], out, site=False)
    monkeypatch.setattr(kbb, "_package_version", lambda: "another-version")
    copies.clear()
    build([src], out, site=False)
    assert not [c for c in copies if c in ("kb.json", "graph.json")]
    assert _outputs(resolve(out)) == _fresh(src, tmp_path)


def test_a_previous_file_that_its_sidecar_does_not_describe_is_not_copied(src, tmp_path, copies):
    """A kb.json or graph.json replaced by other means (its size or time no longer the ones its
    sidecar noted) is not copied from."""
    out = tmp_path / "build"
    build([src], out, site=False)
    for name in ("kb.json", "graph.json"):
        with open(resolve(out) / name, "ab") as f:
            f.write(b"\n")
    copies.clear()
    build([src], out, site=False)
    assert not [c for c in copies if c in ("kb.json", "graph.json")]
    assert _outputs(resolve(out)) == _fresh(src, tmp_path)
    assert seek_path(resolve(out) / "graph.json").exists()


def test_no_cache_takes_no_entity_line_from_an_earlier_build(src, tmp_path):
    """The entity lines kept for an update are an earlier build's work: --no-cache (use_cache=False)
    makes every line again, where a normal build takes them (here a kept line altered on purpose)."""
    import pickle

    out = tmp_path / "build"
    build([src], out, site=False)
    before = (resolve(out) / "kb.json").read_bytes()
    (memo,) = tmp_path.rglob("entities.lines")
    lines = pickle.loads(memo.read_bytes())
    key = next(iter(lines))
    lines[key] = lines[key].replace('"id":"', '"id":"altered-', 1)
    memo.write_bytes(pickle.dumps(lines))
    build([src], out, site=False, use_cache=False)
    assert (resolve(out) / "kb.json").read_bytes() == before
    memo.write_bytes(pickle.dumps(lines))
    build([src], out, site=False)
    assert b'"id":"altered-' in (resolve(out) / "kb.json").read_bytes()
