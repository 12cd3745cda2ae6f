"""A `kb build` killed with SIGKILL at any moment leaves the last complete build in place: kb.json
byte-identical, `kb search` answering from it, and the next `kb build` completes.

Real processes on a synthetic corpus of small plans (scripts/make_corpus.py); the kill times are
drawn with a fixed seed as fractions of how long a complete build took on this machine, so they
fall in start-up, per-document work and writing alike.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
KILLS = 3
NEW_TERM = "蓝鲸驿站"  # appears nowhere in the seed or the generator's vocabulary


def kb_exe() -> list[str]:
    exe = shutil.which("kb")
    return [exe] if exe else [sys.executable, "-m", "kb"]


def has_search() -> bool:
    from kb.cli import COMMANDS

    return "search" in COMMANDS


def build_cmd(corpus: Path, out: Path, *extra: str) -> list[str]:
    return kb_exe() + ["build", str(corpus), "--out", str(out), "-q", "-j", "2", *extra]


def search(out: Path, query: str) -> dict:
    p = subprocess.run(
        kb_exe() + ["search", query, "--json", "--out", str(out)], capture_output=True, text=True, timeout=60
    )
    assert p.returncode == 0 and "Traceback" not in p.stderr, p.stderr
    return json.loads(p.stdout)


@pytest.fixture()
def corpus(tmp_path):
    folder = tmp_path / "plans"
    r = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "make_corpus.py"),
            "24",
            "--seed",
            "5",
            "--chars",
            "1500-3000",
            "--out",
            str(folder),
        ],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    (folder / "manifest.json").unlink()
    return folder


@pytest.mark.slow  # five real builds: ~30 s on 2 idle cores
def test_sigkill_during_build_keeps_the_last_complete_build(tmp_path, corpus):
    out = tmp_path / "build"
    t0 = time.perf_counter()
    first = subprocess.run(build_cmd(corpus, out), capture_output=True, text=True, timeout=300)
    duration = time.perf_counter() - t0
    assert first.returncode == 0, first.stderr
    target = os.readlink(out)
    good = (out / "kb.json").read_bytes()
    answer = search(out, "农民工") if has_search() else None
    if answer is not None:
        assert answer["hits"]

    # the next build has something new to write, so a torn result would show
    victim = sorted(corpus.glob("*.txt"))[7]
    victim.write_bytes(victim.read_bytes() + f"\n\n推动建设{NEW_TERM}服务网络,实现重点行业全覆盖。".encode())

    rng = random.Random(20261127)
    gens = out.parent / f".{out.name}.gens"
    # one kill at a random moment of the whole build, the others once it has started writing
    # the new generation (kb.json, index, graph, site), where a torn build would come from
    points = [("time", rng.uniform(0.1, 0.6))] + [("writing", rng.uniform(0.0, 0.8)) for _ in range(KILLS - 1)]
    killed = 0
    for how, x in points:
        before = {q.name for q in gens.iterdir()}
        # --no-cache: every killed build does the whole work again
        p = subprocess.Popen(
            build_cmd(corpus, out, "--no-cache"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        if how == "time":
            time.sleep(x * duration)
        else:
            deadline = time.monotonic() + 300
            while (
                p.poll() is None
                and time.monotonic() < deadline
                and not any(q.name.endswith(".partial") and q.name not in before for q in gens.iterdir())
            ):
                time.sleep(0.01)
            time.sleep(x)
        if p.poll() is None:
            killed += 1
            os.killpg(p.pid, signal.SIGKILL)  # the build and its worker processes, as a crash would
        p.wait()
        assert os.readlink(out) == target or p.returncode == 0, f"killed ({how} {x:.2f}): the link moved"
        if p.returncode == 0:
            continue  # it finished before the kill; the next round tries again
        assert (out / "kb.json").read_bytes() == good, f"killed ({how} {x:.2f}): kb.json changed"
        if answer is not None:
            assert search(out, "农民工") == answer
            assert search(out, NEW_TERM)["hits"] == []
    assert killed >= KILLS - 1, f"only {killed} of {KILLS} builds were still running when killed"

    last = subprocess.run(build_cmd(corpus, out), capture_output=True, text=True, timeout=300)
    assert last.returncode == 0 and "Traceback" not in last.stderr, last.stderr
    data = json.loads((out / "kb.json").read_text(encoding="utf-8"))
    assert len(data["documents"]) == 24
    assert NEW_TERM in (out / "kb.json").read_text(encoding="utf-8")
    if answer is not None:
        hits = search(out, NEW_TERM)["hits"]
        assert hits and hits[0]["id"].startswith(victim.stem + "/")


@pytest.mark.slow  # five incremental builds of a small corpus while searches run: ~40 s
def test_searches_during_incremental_builds_see_one_consistent_version(tmp_path, corpus):
    """Incremental builds hard-link the previous generation's index files and site pages; a
    search running meanwhile must still answer from one whole generation: the index and the
    kb.json it reads agree on which version of the edited plan they hold."""
    import threading

    from kb.index.search import search as lib_search
    from kb.store import resolve

    if not has_search():
        pytest.skip("no search yet")
    out = tmp_path / "build"
    assert subprocess.run(build_cmd(corpus, out), capture_output=True).returncode == 0
    victim = sorted(corpus.glob("*.txt"))[3]
    base = victim.read_bytes()
    terms = ["蓝鲸驿站", "白鹭书院"]
    errors: list[str] = []
    done = threading.Event()

    def builds():
        try:
            for i in range(5):
                term = terms[i % 2]
                victim.write_bytes(base + f"\n\n推动建设{term}服务网络。".encode())
                p = subprocess.run(build_cmd(corpus, out), capture_output=True, text=True, timeout=300)
                if p.returncode != 0:
                    errors.append(p.stderr)
        finally:
            done.set()

    t = threading.Thread(target=builds)
    t.start()
    seen = set()
    checks = 0
    while not done.is_set() or checks == 0:
        gen = resolve(out)
        found = {term: bool(lib_search(gen, term, n=None).hits) for term in terms}
        text = (gen / "kb.json").read_text(encoding="utf-8")
        for term in terms:
            assert found[term] == (term in text), f"{gen.name}: index and kb.json disagree on {term}"
        assert sum(found.values()) <= 1
        seen.add(tuple(sorted(found.items())))
        checks += 1
    t.join()
    assert not errors, errors[0]
    assert checks >= 5 and len(seen) >= 2  # the searches did see the builds change the plan
    final = resolve(out)
    assert lib_search(final, terms[0], n=None).hits and not lib_search(final, terms[1], n=None).hits
