"""Search timings: cold `kb search` (a new process each run, as a user types it) beside the
floor of importing whoosh, warm in-process latency, and the import-time breakdown.

    python scripts/bench_search.py [--runs 11] [--build DIR] [--json]

``bench(...)`` returns the numbers as a dict, for scripts/bench.py.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("jieba", "spacy", "opencc", "networkx", "thinc")


def console_script() -> list[str]:
    """The installed `kb` script of this interpreter (not a pyenv shim, which adds its own
    start-up time); `python -m kb` when it is not installed."""
    cand = Path(sys.executable).parent / "kb"
    if cand.exists():
        return [str(cand)]
    return [sys.executable, "-m", "kb"]


def _medians_ms(cmds: dict[str, tuple[list[str], dict | None]], runs: int) -> dict[str, float]:
    """Median wall time of each command. Runs are interleaved (a, b, c, a, b, c, ...) so that a
    change in machine load hits every command alike and their differences stay meaningful."""
    times: dict[str, list[float]] = {k: [] for k in cmds}
    for _ in range(runs):
        for name, (cmd, env) in cmds.items():
            t = time.perf_counter()
            p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
            times[name].append((time.perf_counter() - t) * 1000)
            if p.returncode != 0:
                raise RuntimeError(f"{cmd} failed: {p.stderr.decode()[-500:]}")
    return {k: statistics.median(v) for k, v in times.items()}


def import_breakdown(cmd: list[str]) -> tuple[list[tuple[str, float]], list[str]]:
    """(top cumulative import times in ms, heavy modules imported) from ``python -X importtime``."""
    env = dict(os.environ, PYTHONPROFILEIMPORTTIME="1")
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, text=True)
    rows = []
    for line in p.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        parts = line.split("|")
        try:
            cum = int(parts[1])
        except ValueError:
            continue
        name = parts[2].rstrip()
        depth = (len(name) - len(name.lstrip())) // 2
        if depth <= 1:
            rows.append((name.strip(), cum / 1000))
    mods = [ln.split("|")[2].strip() for ln in p.stderr.splitlines() if ln.count("|") == 2]
    heavy = sorted({m for m in mods if m.split(".")[0] in HEAVY})
    rows.sort(key=lambda r: -r[1])
    return rows[:12], heavy


def bench(build: Path | None = None, runs: int = 11, query: str = "农民工") -> dict:
    runs = max(10, runs)
    tmp = None
    if build is None:
        tmp = tempfile.TemporaryDirectory()
        build = Path(tmp.name) / "build"
        from kb.build import build as do_build

        do_build((), build)
    from kb.index.search import search
    from kb.store import resolve

    kb = console_script()
    cmd = [*kb, "search", query, "--out", str(build)]
    py = sys.executable
    # With PYTHONDONTWRITEBYTECODE set (as on this machine) kb's own modules are compiled from
    # source on every run; an installed package has .pyc files. Measure that case too, with
    # the bytecode cache kept outside the source tree.
    pyc = tempfile.TemporaryDirectory()
    env_pyc = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env_pyc["PYTHONPYCACHEPREFIX"] = pyc.name
    cmds = {
        "cold": (cmd, None),
        "floor": ([py, "-c", "import whoosh.index"], None),
        "pass": ([py, "-c", "pass"], None),
        "cold_pyc": (cmd, env_pyc),
        "floor_pyc": ([py, "-c", "import whoosh.index"], env_pyc),
    }
    _medians_ms(cmds, 2)  # page cache, bytecode cache
    m = _medians_ms(cmds, runs)
    pyc.cleanup()
    gen = resolve(build)
    search(gen, query)
    warm = []
    for _ in range(max(50, runs)):
        t = time.perf_counter()
        search(gen, query)
        warm.append((time.perf_counter() - t) * 1000)
    top, heavy = import_breakdown(cmd)
    out = {
        "query": query,
        "runs": runs,
        "command": " ".join(kb),
        "cold_kb_search_ms": round(m["cold"], 1),
        "python_import_whoosh_index_ms": round(m["floor"], 1),
        "python_pass_ms": round(m["pass"], 1),
        "cold_kb_search_with_bytecode_ms": round(m["cold_pyc"], 1),
        "python_import_whoosh_index_with_bytecode_ms": round(m["floor_pyc"], 1),
        "dont_write_bytecode": bool(os.environ.get("PYTHONDONTWRITEBYTECODE")),
        "warm_search_ms": round(statistics.median(warm), 2),
        "heavy_modules_imported": heavy,
        "import_top_ms": [(n, round(ms, 1)) for n, ms in top],
    }
    if tmp:
        tmp.cleanup()
    return out


def main(argv=None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--build", type=Path)
    ap.add_argument("--query", default="农民工")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)
    r = bench(a.build, a.runs, a.query)
    if a.json:
        print(json.dumps(r, ensure_ascii=False, indent=1))
        return 0
    print(f"cold `kb search {r['query']}` ({r['command']}): median {r['cold_kb_search_ms']} ms over {r['runs']} runs")
    print(
        f"floor `python -c 'import whoosh.index'`: {r['python_import_whoosh_index_ms']} ms; `python -c pass`: {r['python_pass_ms']} ms"
    )
    print(
        f"with .pyc files for kb (PYTHONDONTWRITEBYTECODE unset, cache outside the tree): "
        f"cold {r['cold_kb_search_with_bytecode_ms']} ms, floor {r['python_import_whoosh_index_with_bytecode_ms']} ms"
    )
    print(f"warm search (in process, index open): {r['warm_search_ms']} ms")
    print(f"heavy modules imported: {', '.join(r['heavy_modules_imported']) or 'none'}")
    print("import time (cumulative, top level):")
    for n, ms in r["import_top_ms"]:
        print(f"  {ms:7.1f} ms  {n}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
