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
    (src / "plan-new.txt").write_text(
        corpus_path.read_text(encoding="utf-8").replace("农民工", "务工人员"), encoding="utf-8"
    )
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


def test_leaving_one_plan_turns_ids_bare_and_matches_a_clean_build(tmp_path, corpus_path):
    # with two documents every id carries "doc/"; with one left the ids are bare again, so the
    # cached (prefixed) entry of the survivor must not be reused
    src = _corpus(tmp_path / "c", corpus_path, 2)
    out = tmp_path / "build"
    build([src], out)
    assert '"source":"plan-00/T14"' in (out / "kb.json").read_text(encoding="utf-8")
    (src / "plan-00.txt").unlink()
    rep = build([src], out)
    assert (rep.removed, rep.processed) == (["plan-00"], 1)
    text = (out / "kb.json").read_text(encoding="utf-8")
    assert '"source":"T14"' in text and "plan-01/" not in text
    build([src], tmp_path / "clean", use_cache=False)
    assert text.encode("utf-8") == (tmp_path / "clean" / "kb.json").read_bytes()


def test_kb_json_holds_a_document_an_entity_or_an_edge_a_line(tmp_path, corpus_path):
    import json

    src = _corpus(tmp_path / "c", corpus_path, 2)
    build([src], tmp_path / "b")
    raw = (tmp_path / "b" / "kb.json").read_text(encoding="utf-8")
    data = json.loads(raw)
    lines = raw.splitlines()
    doc_lines = [ln for ln in lines if ln.startswith('{"id":"plan-')]
    assert [json.loads(ln.rstrip(","))["id"] for ln in doc_lines] == ["plan-00", "plan-01"]
    assert len(lines) == 3 * 2 + len(data["documents"]) + len(data["entities"]) + len(data["edges"]) + 1


def test_a_broken_cache_entry_is_made_again(tmp_path, corpus_path):
    src = _corpus(tmp_path / "c", corpus_path, 2)
    out = tmp_path / "build"
    build([src], out)
    good = (out / "kb.json").read_bytes()
    entries = sorted((tmp_path / ".build.gens" / "cache").rglob("*.json"))
    assert len(entries) == 2
    # an entry is the JSON (the truth) and a pickle of its models (the fast path)
    entries[0].write_text(entries[0].read_text(encoding="utf-8")[:1000], encoding="utf-8")
    rep = build([src], out)
    assert rep.processed == 0  # the models came from the pickle…
    assert (out / "kb.json").read_bytes() == good  # …and the cut line was not copied into kb.json
    entries[0].write_text(entries[0].read_text(encoding="utf-8")[:1000], encoding="utf-8")
    pickled = entries[0].with_suffix(".pkl")
    pickled.write_bytes(pickled.read_bytes()[:500])
    rep = build([src], out)
    assert rep.processed == 1  # both cut: made again
    assert (out / "kb.json").read_bytes() == good


def test_reusable_names_the_documents_whose_outputs_are_still_right(tmp_path, corpus_path, monkeypatch):
    import kb.build as kbb
    from kb.store import resolve

    src = _corpus(tmp_path / "c", corpus_path, 3)
    out = tmp_path / "build"
    build([src], out)
    prev = resolve(out)
    p = src / "plan-01.txt"
    p.write_text(p.read_text(encoding="utf-8").replace("女职工", "女性职工"), encoding="utf-8")
    stats: dict = {}
    kbb.make_kb(kbb.collect_corpus([src]), stats=stats)
    assert kbb.reusable(prev, stats["keys"]) == {"plan-00", "plan-02"}
    assert kbb.reusable(None, stats["keys"]) == frozenset()
    monkeypatch.setattr(kbb, "_package_version", lambda: "another-version")
    assert kbb.reusable(prev, stats["keys"]) == frozenset()


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_an_incremental_build_links_unchanged_pages_and_equals_a_clean_build(tmp_path, corpus_path):
    import os

    from kb.store import resolve

    src = _corpus(tmp_path / "c", corpus_path, 3)
    out = tmp_path / "build"
    build([src], out)
    first = resolve(out)
    before = _files(first / "site")
    p = src / "plan-01.txt"
    p.write_text(p.read_text(encoding="utf-8").replace("女职工", "女性职工"), encoding="utf-8")
    build([src], out)
    second = resolve(out)
    assert second != first and _files(first / "site") == before  # the old generation is untouched
    build([src], tmp_path / "clean", use_cache=False)
    assert _files(second / "site") == _files(tmp_path / "clean" / "site")
    same = [f for f in before if (first / "site" / f).stat().st_ino == (second / "site" / f).stat().st_ino]
    assert same, "no page of the unchanged plans was linked from the previous build"
    assert all(os.stat(second / "site" / f).st_nlink >= 2 for f in same)
    # collection pages too, where their parts did not change (entities the edit does not touch)
    entity_pages = [f for f in before if f.startswith("e-")]
    linked = [f for f in entity_pages if f in same]
    assert linked and len(linked) < len(entity_pages)
    new_text = "女性职工".encode()
    assert any(new_text in v for v in _files(second / "site").values())
    assert not any(new_text in (second / "site" / f).read_bytes() for f in same)


def test_an_incremental_index_finds_what_a_clean_build_finds(tmp_path, corpus_path):
    from kb.index.search import search
    from kb.store import resolve

    src = _corpus(tmp_path / "c", corpus_path, 3)
    out = tmp_path / "build"
    build([src], out)
    p = src / "plan-01.txt"
    p.write_text(p.read_text(encoding="utf-8").replace("女职工", "女性职工"), encoding="utf-8")
    rep = build([src], out)
    assert rep.processed == 1
    clean = tmp_path / "clean"
    build([src], clean, use_cache=False)

    def hits(folder, q):
        return sorted(h.unit for h in search(resolve(folder), q, n=None).hits)

    only_new = hits(out, "女性职工")
    assert only_new and all(u.startswith("plan-01/") for u in only_new)
    for q in ["女性职工", "女职工", "农民工", "职工书屋", "2026年", "工会 -农民工"]:
        assert hits(out, q) == hits(clean, q), q


def test_a_moved_folder_or_a_new_title_uses_the_cache_and_shows_the_new_path(tmp_path, corpus_path):
    import json
    import shutil

    src = _corpus(tmp_path / "c", corpus_path, 2)
    out = tmp_path / "build"
    build([src], out)
    moved = tmp_path / "moved"
    shutil.move(str(src), moved)
    (moved / "plan-01.meta.json").write_text('{"title": "新标题规划"}', encoding="utf-8")
    rep = build([moved], out)
    assert rep.processed == 0  # neither the path nor the title is part of the cached work
    docs = {d["id"]: d for d in json.loads((out / "kb.json").read_text(encoding="utf-8"))["documents"]}
    assert all("moved" in d["source"] for d in docs.values())
    assert docs["plan-01"]["title"] == "新标题规划"
    build([moved], tmp_path / "clean", use_cache=False)
    assert (out / "kb.json").read_bytes() == (tmp_path / "clean" / "kb.json").read_bytes()
    assert _files(out / "site") == _files(tmp_path / "clean" / "site")


def test_a_killed_builds_partial_generation_is_cleared_by_the_next_build(tmp_path, corpus_path):
    import os
    import subprocess
    import sys

    src = _corpus(tmp_path / "c", corpus_path, 1)
    out = tmp_path / "build"
    build([src], out)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(gone.stdout)
    gens = tmp_path / ".build.gens"
    stale = gens / f"20260101-000000-{dead_pid}-000001.partial"
    running = gens / f"20260101-000000-{os.getpid()}-000002.partial"
    for p in (stale, running):
        (p / "index").mkdir(parents=True)
    build([src], out)
    assert not stale.exists()  # its writer is dead
    assert running.exists()  # its writer (this process) may still be writing


def test_consistency_findings_from_the_cache_equal_fresh_ones(tmp_path, corpus_path):
    import kb.build as kbb
    import kb.link.consistency as cons
    from kb.model import KB
    from kb.parse.text import parse_file

    src = _corpus(tmp_path / "c", corpus_path, 2)
    cache = tmp_path / "cache"
    kbb.make_kb(kbb.collect_corpus([src]), cache=cache)  # fills the cache
    cons._KNOWN.clear()
    cached = kbb.make_kb(kbb.collect_corpus([src]), cache=cache, stats=(st := {}))
    assert st["processed"] == 0 and len(cons._KNOWN) == 2  # the findings came with the cache
    from_cache = cons.check(cached)
    cons._KNOWN.clear()
    fresh = kbb.enrich_kb(KB(documents=[parse_file(f) for f in kbb.collect_corpus([src])]))
    assert from_cache == cons.check(fresh) and from_cache  # the seed has known drifts (疗养 vs 疗休养)


def test_site_pages_written_by_worker_processes_are_the_same_bytes(tmp_path, corpus_path, monkeypatch):
    import kb.site.build

    src = _corpus(tmp_path / "c", corpus_path, 3)
    build([src], tmp_path / "serial")
    monkeypatch.setattr(kb.site.build, "PARALLEL_UNITS", 0)  # fork page writers even for three plans
    build([src], tmp_path / "forked", use_cache=False)
    assert _files(tmp_path / "forked" / "site") == _files(tmp_path / "serial" / "site")


def test_the_cache_drops_entries_of_edited_plans_once_they_outnumber_the_live_ones(tmp_path, corpus_path):
    src = _corpus(tmp_path / "c", corpus_path, 2)
    out = tmp_path / "build"
    build([src], out)
    entries = lambda: sorted((tmp_path / ".build.gens" / "cache").rglob("*.json"))  # noqa: E731
    p = src / "plan-00.txt"
    text = p.read_text(encoding="utf-8")
    for year in ("2031年", "2032年"):
        p.write_text(text.replace("2025年", year), encoding="utf-8")
        build([src], out)
    assert len(entries()) == 4  # 2 live, 2 stale: not more stale than live yet
    p.write_text(text.replace("2025年", "2033年"), encoding="utf-8")
    build([src], out)
    assert len(entries()) == 2  # 3 stale > 2 live: dropped
    assert build([src], out).processed == 0


def test_an_update_writes_the_sidecar_of_its_own_kb_json(tmp_path, corpus_path):
    """kb.seek.json (the byte offsets `kb show` and `kb mentions` read kb.json by) is made again
    with kb.json when a plan is added or edited: it matches a clean build's, and the answers read
    through it are those read from the whole file."""
    import json

    from click.testing import CliRunner

    from kb.build.seek import open_seek, seek_path
    from kb.cli import main
    from kb.store import resolve

    src = _corpus(tmp_path / "c", corpus_path, 2)
    out = tmp_path / "build"
    build([src], out, site=False)
    (src / "plan-new.txt").write_text(
        corpus_path.read_text(encoding="utf-8").replace("农民工", "务工人员"), encoding="utf-8"
    )
    p = src / "plan-01.txt"
    p.write_text(p.read_text(encoding="utf-8").replace("女职工", "女性职工"), encoding="utf-8")
    assert build([src], out, site=False).processed == 2
    clean = tmp_path / "clean"
    build([src], clean, use_cache=False, site=False)

    def sidecar(b: Path) -> dict:
        data = json.loads(seek_path(resolve(b) / "kb.json").read_text(encoding="utf-8"))
        assert data.pop("kb")[0] == (resolve(b) / "kb.json").stat().st_size
        return data

    assert open_seek(resolve(out) / "kb.json") is not None
    assert sidecar(out) == sidecar(clean)
    assert sidecar(out)["mentions"]["GROUP:农民工"] == [0, 1]  # plan-new names 务工人员 instead
    cmds = [["show", "plan-01/T17", "--json"], ["mentions", "女职工", "--json"], ["mentions", "农民工"]]
    fast = [CliRunner().invoke(main, [*c, "--out", str(out)]).output for c in cmds]
    seek_path(resolve(out) / "kb.json").unlink()
    assert [CliRunner().invoke(main, [*c, "--out", str(out)]).output for c in cmds] == fast
    assert '"plan-01/T17"' in fast[0] and "plan-new" in fast[1]


def test_a_build_from_another_directory_copies_every_output_and_shows_the_paths_from_there(
    tmp_path, corpus_path, monkeypatch
):
    """A plan's path is shown relative to the working directory; the same collection built from
    another one reads no model and indexes no unit again: only the shown paths change, and the
    result is what a clean build from there gives."""
    import json

    from click.testing import CliRunner

    import kb.build.stream as stream
    import kb.index.write as iw
    from kb.cli import main
    from kb.store import resolve

    _corpus(tmp_path / "work" / "c", corpus_path, 3)
    out = tmp_path / "build"
    monkeypatch.chdir(tmp_path / "work")
    build([Path("c")], out, site=False)
    monkeypatch.chdir(tmp_path)
    loads, units = [], []
    monkeypatch.setattr(stream.Collection, "load", lambda self, i: loads.append(i))
    monkeypatch.setattr(iw, "_add_unit", lambda *a, **k: units.append(a))
    assert build([Path("work/c")], out, site=False).processed == 0
    assert loads == units == []
    monkeypatch.undo()
    monkeypatch.chdir(tmp_path)
    clean = tmp_path / "clean"
    build([Path("work/c")], clean, use_cache=False, site=False)
    for f in ("kb.json", "graph.json"):
        assert (resolve(out) / f).read_bytes() == (resolve(clean) / f).read_bytes(), f
    docs = json.loads((out / "kb.json").read_text(encoding="utf-8"))["documents"]
    assert [d["source"] for d in docs] == [f"work/c/plan-0{i}.txt" for i in range(3)]
    cmds = [["search", "农民工", "--json", "-n", "50"], ["search", "女职工 工会", "--json"], ["show", "plan-01/T3"]]
    for c in cmds:  # the hits' texts are read from kb.json at the offsets the kept entries hold
        assert (
            CliRunner().invoke(main, [*c, "--out", str(out)]).output
            == CliRunner().invoke(main, [*c, "--out", str(clean)]).output
        )


def _mark(job: tuple[Path, int]) -> int:
    folder, i = job
    (folder / str(i)).touch()
    return i


def test_parallel_workers_run_only_a_few_documents_ahead_of_the_parent(tmp_path):
    """Each result is a whole document's parts: the parent must not have the workers make (and
    then hold) the collection's results while it folds in the first ones."""
    import time

    from kb.build.workers import _AHEAD, run_ordered

    jobs, n = 2, 40
    results = run_ordered(_mark, [(tmp_path, i) for i in range(n)], jobs)
    assert next(results) == 0
    time.sleep(0.5)  # the workers would reach the end of a queue of everything by now
    assert len(list(tmp_path.iterdir())) <= jobs * (_AHEAD + 1) + 1
    assert list(results) == list(range(1, n))  # in order, none lost, past the tasks in flight
    assert len(list(tmp_path.iterdir())) == n
