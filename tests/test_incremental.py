"""Incremental and parallel builds give the same bytes as a clean serial build."""
from __future__ import annotations

from pathlib import Path

from kb.build import build


def _corpus(folder: Path, corpus_path: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = corpus_path.read_text(encoding="utf-8")
    for i in range(n):
        # vary each copy so documents differ in content, not just in name
        (folder / f"plan-{i:02d}.txt").write_text(text.replace("2025年", f"{2025 + i}年"), encoding="utf-8")
    return folder


def test_parallel_build_is_byte_identical_to_serial(tmp_path, corpus_path):
    src = _corpus(tmp_path / "c", corpus_path, 4)
    serial = build([src], tmp_path / "s", jobs=1, use_cache=False)
    par = build([src], tmp_path / "p", jobs=2, use_cache=False)
    assert (tmp_path / "s" / "kb.json").read_bytes() == (tmp_path / "p" / "kb.json").read_bytes()
    assert serial.processed == par.processed == 4


def test_adding_one_plan_processes_only_that_plan(tmp_path, corpus_path):
    src = _corpus(tmp_path / "c", corpus_path, 3)
    out = tmp_path / "build"
    first = build([src], out)
    assert (len(first.added), first.processed) == (3, 3)
    (src / "plan-new.txt").write_text(corpus_path.read_text(encoding="utf-8").replace("农民工", "务工人员"),
                                      encoding="utf-8")
    second = build([src], out)
    assert (second.added, second.changed, second.unchanged, second.processed) == (["plan-new"], [], 3, 1)
    (src / "plan-00.txt").unlink()
    third = build([src], out)
    assert (third.removed, third.processed, third.unchanged) == (["plan-00"], 0, 3)
    clean = tmp_path / "clean"
    build([src], clean, use_cache=False)
    assert (out / "kb.json").read_bytes() == (clean / "kb.json").read_bytes()


def test_a_changed_plan_is_reprocessed(tmp_path, corpus_path):
    src = _corpus(tmp_path / "c", corpus_path, 2)
    out = tmp_path / "build"
    build([src], out)
    p = src / "plan-01.txt"
    p.write_text(p.read_text(encoding="utf-8").replace("女职工", "女性职工"), encoding="utf-8")
    rep = build([src], out)
    assert (rep.changed, rep.processed, rep.unchanged) == (["plan-01"], 1, 1)
    assert "女性职工" in (out / "kb.json").read_text(encoding="utf-8")
