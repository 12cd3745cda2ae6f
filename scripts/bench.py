#!/usr/bin/env python3
"""Benchmark plankb and write docs/benchmarks.md.

    python scripts/bench.py            # seed, 100 and 1,000 synthetic plans, >= 5 runs each
    python scripts/bench.py --quick    # seed and 10 plans, one run each (about a minute)
    python scripts/bench.py --quick --peers   # and ripgrep / SQLite FTS5 on the same units
    python scripts/bench.py --peers --build DIR   # only the peer comparison, on an existing build
    python scripts/bench.py --sizes 1,100 --runs 3
    python scripts/bench.py --stress   # one build each of a 7.9 MB plan and a 2 MB single line

``--stress`` runs only the two stress inputs (each once, `kb build --no-cache --timings` in a new
folder), prints their wall time, peak RSS and stage times, and rewrites the stress section of
docs/benchmarks.md (the rest of the report is kept as it is).

Size 1 is the bundled seed plan; larger sizes are plans from scripts/make_corpus.py (seed 1).
For each size the table gives the median and the min-max of the runs:

* the build by stage, timed in this process through the library functions (normalize, parse,
  extract, link, kb.json, index, graph, site); a stage whose module does not exist yet is n/a;
* the full build as a user runs it (the installed ``kb build`` in a fresh folder, ``--no-cache``),
  with its peak RSS from ``wait4``; and a rebuild after one plan changed (incremental);
* cold ``kb search`` of the first query of bench_queries.json (the console script, a new process each time) beside the floor
  ``python -c "import whoosh.index"`` measured in the same loop;
* warm query latency through ``kb.index.search.search`` in one process (p50 / p95 over a query mix);
* the index and whole-build sizes on disk.

``--peers`` exports the units of the largest size's build (one text file per unit, and one
SQLite table) and times, on the literal queries of ``PEER_QUERIES``: ripgrep (``rg -l -F``, a new
process per query, over the text files), SQLite FTS5 with the trigram tokenizer (build; cold = a
new ``python -c`` process that opens the database and counts; warm = in process), beside cold
``kb search`` and warm ``kb.index.search.search`` on the same build; the table goes into its own
section of docs/benchmarks.md.

A measurement is repeated until it has ``--runs`` results or its time budget is spent (then
fewer runs are shown, with their count). Nothing here is a test: the figures are for people.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "acftu-14th-fyp-part2.txt"
REPORT = ROOT / "docs" / "benchmarks.md"
# the queries fit the benchmark's corpora (the seed and plans generated from it): data, not code
_Q = json.loads((ROOT / "scripts" / "bench_queries.json").read_text(encoding="utf-8"))
QUERIES: list[str] = _Q["queries"]
PEER_QUERIES: list[str] = _Q["peer_queries"]  # literal: rg -F, FTS5 trigram / LIKE for 1-2 characters
COLD = QUERIES[0]  # the query timed in a new process
OUTPUT_RATIO = "output ÷ input (the build without its site ÷ the plans' bytes)"
GOALS = {  # from issues 7 and 17: (size, metric, limit, unit)
    "seed": [("full build", 2.0, "s"), ("cold kb search", 0.120, "s")],
    "1000": [
        ("full build", 60.0, "s"),
        ("incremental (1 plan changed)", 3.0, "s"),
        ("peak RSS of the build", 600.0, "MB"),
        (OUTPUT_RATIO, 5.0, "×"),
        ("cold kb search", 0.250, "s"),
        ("warm query p95", 0.050, "s"),
    ],
}

sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))


# --------------------------------------------------------------------------- helpers


class Series:
    """Repeated measurements of one quantity."""

    def __init__(self, unit: str = "s"):
        self.values: list[float] = []
        self.unit = unit
        self.note = ""

    def add(self, v: float) -> None:
        self.values.append(v)

    def cell(self) -> str:
        if self.note and not self.values:
            return self.note
        if not self.values:
            return "n/a"
        med, lo, hi = statistics.median(self.values), min(self.values), max(self.values)
        f = _fmt(self.unit)
        s = f(med) if len(self.values) == 1 else f"{f(med)} ({f(lo)}–{f(hi)})"
        if len(self.values) < 5:
            s += f" n={len(self.values)}"
        return s + (f" {self.note}" if self.note else "")

    def median(self) -> float | None:
        return statistics.median(self.values) if self.values else None


def _fmt(unit: str) -> Callable[[float], str]:
    if unit == "s":
        return lambda v: f"{v * 1000:.2f} ms" if v < 0.01 else f"{v * 1000:.0f} ms" if v < 1 else f"{v:.2f} s"
    if unit == "MB":
        return lambda v: f"{v:.0f} MB"
    if unit == "×":
        return lambda v: f"{v:.1f}×"
    return lambda v: f"{v:g} {unit}"


def repeat(fn: Callable[[], None], runs: int, budget: float) -> None:
    """Call fn up to ``runs`` times, stopping early once ``budget`` seconds are spent."""
    t0 = time.perf_counter()
    for _i in range(runs):
        fn()
        if time.perf_counter() - t0 > budget:
            break


def optional(modname: str, attr: str):
    try:
        return getattr(importlib.import_module(modname), attr)
    except Exception:  # a stage not written yet, or broken mid-edit: the cell says n/a
        return None


def kb_command() -> list[str]:
    """The installed console script itself (not a pyenv shim, which adds its own start-up)."""
    cand = Path(sys.executable).parent / "kb"
    if cand.exists():
        return [str(cand)]
    found = shutil.which("kb")
    return [found] if found else [sys.executable, "-m", "kb"]


def child_env() -> dict[str, str]:
    """The environment of every timed command: Python's bytecode cache on, as in a user's install
    (pip compiles the dependencies when it installs them; :func:`compile_kb` does plankb's own).
    A shell that sets PYTHONDONTWRITEBYTECODE would otherwise make each cold start recompile
    plankb's modules, timing the compiler instead of the program."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def compile_kb() -> None:
    """plankb's bytecode, written before anything is timed (git-ignored __pycache__ folders)."""
    import compileall

    compileall.compile_dir(str(ROOT / "kb"), quiet=1)


def run_child(cmd: list[str], out: list | None = None, **kw) -> tuple[float, float, int, str]:
    """Run a command; wall seconds, peak RSS in MB (this child only), exit code, stderr tail.
    ``out``: a list that receives the command's standard output."""
    kw.setdefault("env", child_env())
    t0 = time.perf_counter()
    p = subprocess.Popen(
        cmd, stdout=subprocess.PIPE if out is not None else subprocess.DEVNULL, stderr=subprocess.PIPE, **kw
    )
    if out is not None:
        # the build prints little; read stdout first, then stderr (notes are few with -q)
        out.append(p.stdout.read().decode("utf-8", "replace") if p.stdout else "")
    err = p.stderr.read() if p.stderr else b""
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss is in KiB on Linux
    return wall, usage.ru_maxrss / 1024, p.returncode, err.decode("utf-8", "replace").strip()[-300:]


def du(path: Path) -> float:
    if not path.exists():
        return float("nan")
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def build_flags() -> list[str]:
    help_text = subprocess.run(kb_command() + ["build", "--help"], capture_output=True, text=True).stdout
    flags = []
    if "--no-cache" in help_text:
        flags.append("--no-cache")
    if "--quiet" in help_text:
        flags.append("-q")
    if "--jobs" in help_text:
        flags += ["-j", str(len(os.sched_getaffinity(0)))]
    if "--timings" in help_text:
        flags.append("--timings")
    return flags


def build_stages(stdout: str) -> dict[str, float]:
    """The stage times `kb build --timings` prints: ``  parse+extract 3.10 s, index 1.20 s``."""
    import re

    found: dict[str, float] = {}
    for line in stdout.splitlines():
        for name, secs in re.findall(r"([\w.+-]+) (\d+(?:\.\d+)?) s(?:,|$)", line.strip()):
            found[name] = float(secs)
    return found


# --------------------------------------------------------------------------- one size

_WARMED: list[bool] = []
STAGES = ["normalize", "parse", "extract", "link", "kb.json", "index", "graph", "site"]


def in_process_stages(
    files: list[Path], work: Path, rows: dict[str, Series], runs: int, budget: float, warm: dict[str, float]
) -> None:
    from kb.model import KB, kb_to_dict
    from kb.parse.normalize import read_file
    from kb.parse.text import parse_text, slug

    enrich = optional("kb.extract.document", "enrich")
    link = optional("kb.link", "link")
    write_index = optional("kb.index.write", "write_index")
    write_graph = optional("kb.link", "write_graph")
    write_site = optional("kb.site", "write_site")
    write_json = optional("kb.store", "write_json")
    fns = {"extract": enrich, "link": link, "index": write_index, "graph": write_graph, "site": write_site}

    def once(record: bool = True):
        out = Path(tempfile.mkdtemp(dir=work))
        t = time.perf_counter()
        norms = [read_file(f) for f in files]
        rows["normalize"].add(time.perf_counter() - t)
        t = time.perf_counter()
        docs = [
            parse_text(n.text, doc_id=slug(f.stem), source=str(f), encoding=n.encoding, norm=n)
            for f, n in zip(files, norms)
        ]
        rows["parse"].add(time.perf_counter() - t)
        kb = KB(documents=docs)
        for stage in STAGES[2:]:
            fn = fns.get(stage)
            if stage == "kb.json":
                t = time.perf_counter()
                data = kb_to_dict(kb)
                if write_json:
                    write_json(out / "kb.json", data)
                rows[stage].add(time.perf_counter() - t)
                continue
            if fn is None:
                continue
            t = time.perf_counter()
            try:
                if stage in ("extract", "link"):
                    fn(kb)
                elif stage == "index":
                    fn(kb, out / "index")
                elif stage == "graph":
                    fn(kb, out / "graph.json")
                else:
                    fn(kb, out / "site")
            except Exception as e:  # report, do not hide the other stages' figures
                rows[stage].note = f"error: {type(e).__name__}: {str(e)[:60]}"
                fns[stage] = None
                continue
            rows[stage].add(time.perf_counter() - t)
            print(f"  {stage}: {rows[stage].values[-1]:.2f} s", file=sys.stderr, flush=True)
        shutil.rmtree(out, ignore_errors=True)

    for stage in STAGES:
        if stage in fns and fns[stage] is None:
            rows[stage].note = "n/a"
    # the first run in this process pays for imports and model loading (spaCy, jieba, lexicons):
    # it is shown on its own, and later sizes start warm
    if not _WARMED:
        t = time.perf_counter()
        once()
        warm["first run, all stages (imports, models)"] = time.perf_counter() - t
        for r in rows.values():
            r.values.clear()
        _WARMED.append(True)
    repeat(once, runs, budget)


IN_PROCESS_MAX = 100  # above this, stages come from the real build only (serial is too slow)


def measure_size(
    label: str, files: list[Path], corpus_arg: Path, work: Path, runs: int, budget: float, cold_runs: int
) -> dict[str, Series]:
    rows: dict[str, Series] = {f"stage: {s}": Series() for s in STAGES}
    stage_rows = {s: rows[f"stage: {s}"] for s in STAGES}
    if len(files) <= IN_PROCESS_MAX:
        print(f"[{label}] in-process stages", file=sys.stderr)
        first: dict[str, float] = {}
        in_process_stages(files, work, stage_rows, runs, budget, first)
        for k, v in first.items():
            rows[f"stage: {k}"] = Series()
            rows[f"stage: {k}"].add(v)
    else:
        for r in stage_rows.values():
            r.note = f"not run (> {IN_PROCESS_MAX} plans: see kb build stages)"

    full, rss, incr = Series(), Series("MB"), Series()
    rows["full build (kb build, fresh folder)"] = full
    rows["peak RSS of the build"] = rss
    rows["incremental (1 plan changed)"] = incr
    kb = kb_command()
    flags = build_flags()
    last_out: list[Path] = []

    def timed_build(out: Path, build_flags_: list[str], label: str):
        """Run `kb build` into ``out``; the stage times it prints go to the rows ``label: stage``."""
        printed: list[str] = []
        res = run_child(kb + ["build", str(corpus_arg), "--out", str(out)] + build_flags_, out=printed)
        for stage, secs in build_stages(printed[0] if printed else "").items():
            rows.setdefault(f"{label}: {stage}", Series()).add(secs)
        return res

    def full_once():
        out = Path(tempfile.mkdtemp(dir=work)) / "build"
        wall, mb, rc, err = timed_build(out, flags, "kb build stage")
        if rc != 0:
            full.note = f"failed (exit {rc}): {err.splitlines()[-1] if err else ''}"[:120]
            raise RuntimeError(full.note)
        full.add(wall)
        rss.add(mb)
        if last_out:
            shutil.rmtree(last_out[0].parent, ignore_errors=True)
            last_out.clear()
        last_out.append(out)

    print(f"[{label}] full builds ({' '.join(flags)})", file=sys.stderr)
    try:
        repeat(full_once, runs, budget)
    except RuntimeError:
        pass
    if not last_out:
        for k in ("incremental (1 plan changed)", "cold kb search", "warm query p50", "warm query p95"):
            rows.setdefault(k, Series()).note = "no build"
        return rows
    out = last_out[0]

    # incremental: one plan edited, then the same build command into the same folder
    victim = files[len(files) // 2]
    original = victim.read_bytes()
    inc_flags = [f for f in flags if f != "--no-cache"]
    k = [0]

    def incr_once():
        k[0] += 1
        victim.write_bytes(original + f"\n\n补充说明第{k[0]}条,持续推进。".encode())
        wall, _, rc, err = timed_build(out, inc_flags, "incremental stage")
        if rc != 0:
            incr.note = f"failed (exit {rc})"
            raise RuntimeError(err)
        incr.add(wall)

    print(f"[{label}] incremental builds", file=sys.stderr)
    # no priming: a --no-cache build refreshes the per-document cache
    try:
        repeat(incr_once, runs, budget)
    except RuntimeError:
        pass
    finally:
        victim.write_bytes(original)

    cold, floor = Series(), Series()
    rows[f"cold kb search {COLD}"] = cold
    rows['floor: python -c "import whoosh.index"'] = floor
    from kb.cli import COMMANDS

    if "search" in COMMANDS:
        print(f"[{label}] cold searches", file=sys.stderr)
        probe = run_child(kb + ["search", COLD, "--out", str(out)])
        if probe[2] != 0:
            cold.note = f"failed (exit {probe[2]}): {probe[3][-80:]}"
        for _ in range(cold_runs):  # interleaved, so both see the same machine state
            if not cold.note:
                cold.add(run_child(kb + ["search", COLD, "--out", str(out)])[0])
            floor.add(run_child([sys.executable, "-c", "import whoosh.index"])[0])
    else:
        cold.note = "n/a (no kb search yet)"

    p50, p95 = Series(), Series()
    rows["warm query p50"] = p50
    rows["warm query p95"] = p95
    search = optional("kb.index.search", "search")
    if search is not None:
        from kb.store import resolve

        gen = resolve(out)
        try:
            for q in QUERIES:  # warm-up: open the index, load caches
                search(gen, q)
            lat = []
            t_end = time.perf_counter() + min(budget, 120.0)
            for k in range(max(3, cold_runs)):  # rounds of the query mix, at least 3, then while time allows
                if k >= 3 and time.perf_counter() > t_end:
                    break
                for q in QUERIES:
                    t = time.perf_counter()
                    search(gen, q)
                    lat.append(time.perf_counter() - t)
            lat.sort()
            p50.add(lat[len(lat) // 2])
            p95.add(lat[min(len(lat) - 1, int(len(lat) * 0.95))])
            p50.note = p95.note = f"({len(lat)} queries)"
        except Exception as e:
            p50.note = p95.note = f"error: {type(e).__name__}: {str(e)[:60]}"
    else:
        p50.note = p95.note = "n/a"

    isz, bsz = Series("MB"), Series("MB")
    rows["index size"] = isz
    rows["build size (kb.json, index, graph, site)"] = bsz
    from kb.store import resolve

    gen = resolve(out)
    if (gen / "index").exists():
        isz.add(du(gen / "index") / 2**20)
    else:
        isz.note = "n/a"
    bsz.add(du(gen) / 2**20)
    ratio = Series("×")
    rows[OUTPUT_RATIO] = ratio
    # the site is left out: its pages are a rendering, and `--no-site` builds have none
    ratio.add((du(gen) - (du(gen / "site") if (gen / "site").exists() else 0)) / sum(f.stat().st_size for f in files))
    for hook in AFTER_BUILD:
        hook(label, out)
    shutil.rmtree(out.parent, ignore_errors=True)
    return rows


AFTER_BUILD: list[Callable[[str, Path], None]] = []  # called with (size label, build folder)


# --------------------------------------------------------------------------- report


def machine() -> dict[str, str]:
    mem = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = (
        subprocess.run(
            ["git", "-C", str(ROOT), "describe", "--always", "--dirty"], capture_output=True, text=True
        ).stdout.strip()
        or "?"
    )
    return {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{os.cpu_count()} cores (nproc), {mem} memory, {cpu}",
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "commit": commit,
    }


def table(labels: list[str], results: list[dict[str, Series]]) -> str:
    keys: list[str] = []
    for r in results:
        keys += [k for k in r if k not in keys]
    head = "| measurement | " + " | ".join(labels) + " |"
    sep = "|---|" + "---|" * len(labels)
    lines = [head, sep]
    for k in keys:
        lines.append(f"| {k} | " + " | ".join(r[k].cell() if k in r else "—" for r in results) + " |")
    return "\n".join(lines)


def goals(labels: list[str], results: list[dict[str, Series]]) -> str:
    keymap = {"full build": "full build (kb build, fresh folder)", "cold kb search": f"cold kb search {COLD}"}
    out = ["| size | goal | measured (median) | verdict |", "|---|---|---|---|"]
    for size, items in GOALS.items():
        col = "seed" if size == "seed" else f"{size} plans"
        if col not in labels:
            continue
        r = results[labels.index(col)]
        for name, limit, unit in items:
            s = r.get(keymap.get(name, name))
            med = s.median() if s else None
            f = _fmt(unit)
            if med is None:
                out.append(f"| {col} | {name} ≤ {f(limit)} | {s.cell() if s else 'n/a'} | not measured |")
            elif med <= limit:
                out.append(f"| {col} | {name} ≤ {f(limit)} | {f(med)} | met |")
            else:
                out.append(
                    f"| {col} | {name} ≤ {f(limit)} | {f(med)} | missed by {med / limit:.{2 if med / limit < 1.1 else 1}f}× |"
                )
    return "\n".join(out)


def write_report(path: Path, info: dict, args, labels, results, plans_info: str, elapsed: float) -> str:
    text = f"""<!-- generated by scripts/bench.py: do not edit by hand; rerun the script to regenerate -->
# Benchmarks

Generated by `python scripts/bench.py{" --quick" if args.quick else ""}{" --peers" if args.peers else ""}{" --sizes " + args.sizes if args.sizes_given else ""}`
on {info["date"]} ({elapsed / 60:.1f} minutes).

- machine: {info["machine"]}
- {info["system"]}, Python {info["python"]}, plankb at `{info["commit"]}`
- corpora: {plans_info}
- cells: median (min–max) over the runs; `n=` marks fewer than 5 runs (time budget or `--quick`)
- "stage:" rows are timed in one process through the library functions, serially, on freshly
  parsed documents (up to 100 plans); "kb build stage:" rows are what the real build printed
  (`--timings`; parse+extract includes linking, run per document in the worker processes);
  the full build is the installed `kb build` in a new folder, as a user runs it; every timed
  command runs with Python's bytecode cache on, as an installed program does

{table(labels, results)}

## Goals of issues 7 and 17

{goals(labels, results)}
"""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    # the stress and peers sections are kept (--stress and --peers write them)
    for begin, end in ((PEERS_BEGIN, PEERS_END), (STRESS_BEGIN, STRESS_END), (IMPORTS_BEGIN, IMPORTS_END)):
        if begin in old and end in old:
            text = text.rstrip("\n") + "\n\n" + old[old.index(begin) : old.index(end) + len(end)] + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return text


# --------------------------------------------------------------------------- stress

STRESS_BEGIN = "<!-- stress: begin -->"
STRESS_END = "<!-- stress: end -->"


def stress_inputs(work: Path) -> list[tuple[str, Path]]:
    """A 7.9 MB plan (the seed repeated, just under the 8 MB limit) and a 2 MB file of one line
    (the seed with its line breaks removed, repeated)."""
    seed = SEED.read_text(encoding="utf-8")
    big = work / "plan-7.9mb.txt"
    target = int(7.9 * 2**20)
    unit = (seed.rstrip("\n") + "\n\n").encode("utf-8")
    big.write_bytes((unit * (target // len(unit) + 1))[:target].rsplit(b"\n", 1)[0] + b"\n")
    line = work / "one-line-2mb.txt"
    flat = seed.replace("\n", "").encode("utf-8")
    data = (flat * (2 * 2**20 // len(flat) + 1))[: 2 * 2**20]
    line.write_bytes(data.decode("utf-8", "ignore").encode("utf-8"))
    return [("7.9 MB plan", big), ("2 MB single line", line)]


def run_stress(report: Path) -> str:
    rows = []
    with tempfile.TemporaryDirectory(prefix="kb-stress-") as tmp:
        work = Path(tmp)
        for label, path in stress_inputs(work):
            out: list[str] = []
            # this checkout's kb (python -m kb from ROOT), whichever one is installed
            cmd = [
                sys.executable,
                "-m",
                "kb",
                "build",
                str(path),
                "--out",
                str(work / f"build-{path.stem}"),
                "--no-cache",
                "--timings",
                "-q",
                "-j",
                "1",
            ]
            wall, rss, code, err = run_child(cmd, out, cwd=ROOT)
            stages = build_stages(out[0] if out else "")
            cells = ", ".join(f"{k} {v:.1f} s" for k, v in stages.items()) or (err or "-")
            status = "ok" if code == 0 else f"exit {code}"
            rows.append(
                f"| {label} | {path.stat().st_size / 2**20:.1f} MB | {wall:.1f} s | {rss:.0f} MB | {status} | {cells} |"
            )
            print(rows[-1], file=sys.stderr)
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    section = "\n".join(
        [
            STRESS_BEGIN,
            "## Stress inputs",
            "",
            f"Generated by `python scripts/bench.py --stress` on {stamp} ({len(os.sched_getaffinity(0))} cores).",
            "One `kb build FILE --no-cache -j 1` each in a new folder; peak RSS from `wait4`.",
            "",
            "| input | size | wall time | peak RSS | result | stages |",
            "|---|---|---|---|---|---|",
            *rows,
            STRESS_END,
        ]
    )
    text = report.read_text(encoding="utf-8") if report.exists() else ""
    if STRESS_BEGIN in text and STRESS_END in text:
        a = text.index(STRESS_BEGIN)
        b = text.index(STRESS_END) + len(STRESS_END)
        text = text[:a] + section + text[b:]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    report.write_text(text, encoding="utf-8")
    return section


# --------------------------------------------------------------------------- peers

PEERS_BEGIN = "<!-- peers: begin -->"
PEERS_END = "<!-- peers: end -->"


def export_units(gen: Path, work: Path) -> tuple[Path, Path, int]:
    """Every indexed unit's text: one file per unit under work/units, and a SQLite FTS5 trigram
    table in work/units.db (its build time is measured by :func:`run_peers`)."""
    from kb.index.search import open_index
    from kb.index.stored import text_of

    idx = open_index(gen)
    folder = work / "units"
    folder.mkdir(parents=True, exist_ok=True)
    texts = []
    with idx.ix.searcher() as s:
        for fields in s.all_stored_fields():
            texts.append((fields["data"]["unit"], text_of(idx, fields["data"])))
    for i, (_, text) in enumerate(texts):
        (folder / f"{i:07d}.txt").write_text(text, encoding="utf-8")
    return folder, work / "units.db", len(texts)


def sqlite_build(db: Path, folder: Path) -> None:
    import sqlite3

    if db.exists():
        db.unlink()
    con = sqlite3.connect(str(db))
    con.execute("CREATE VIRTUAL TABLE units USING fts5(text, tokenize='trigram')")
    con.executemany(
        "INSERT INTO units(text) VALUES (?)", ((f.read_text(encoding="utf-8"),) for f in sorted(folder.iterdir()))
    )
    con.commit()
    con.close()


SQLITE_COUNT = """
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
q = sys.argv[2]
if len(q) >= 3:
    n = con.execute("SELECT count(*) FROM units WHERE units MATCH ?", ('"' + q.replace('"', '""') + '"',)).fetchone()[0]
else:  # the trigram index cannot answer 1-2 characters: a scan
    n = con.execute("SELECT count(*) FROM units WHERE instr(text, ?) > 0", (q,)).fetchone()[0]
print(n)
"""


def run_peers(build: Path, label: str, runs: int) -> str:
    """Time ripgrep and SQLite FTS5 beside plankb on the units of one build; the report section."""
    import sqlite3

    from kb.index.search import search
    from kb.store import resolve

    gen = resolve(build)
    rows: list[tuple[str, str, Series, str]] = []  # (tool, measurement, series, note)
    with tempfile.TemporaryDirectory(prefix="kb-peers-") as tmp:
        work = Path(tmp)
        folder, db, nunits = export_units(gen, work)
        counts: dict[str, dict[str, int]] = {"kb search": {}, "rg": {}, "sqlite": {}}

        # plankb: cold (new process, the installed console script) and warm (in process)
        kb = kb_command()
        cold_kb, warm50, warm95 = Series(), Series(), Series()
        for q in PEER_QUERIES:
            counts["kb search"][q] = search(gen, q).total
        lat = []
        for _ in range(max(3, runs)):
            for q in PEER_QUERIES:
                t = time.perf_counter()
                search(gen, q)
                lat.append(time.perf_counter() - t)
        lat.sort()
        warm50.add(lat[len(lat) // 2])
        warm95.add(lat[min(len(lat) - 1, int(len(lat) * 0.95))])
        for _ in range(runs):
            for q in PEER_QUERIES:
                cold_kb.add(run_child(kb + ["search", q, "--out", str(build)])[0])
        rows += [
            ("plankb", "cold `kb search` (new process)", cold_kb, ""),
            ("plankb", "warm search p50 (in process)", warm50, f"{len(lat)} queries"),
            ("plankb", "warm search p95 (in process)", warm95, ""),
        ]

        # ripgrep, cold: a new process per query over the unit files (page cache warm)
        rg = shutil.which("rg")
        cold_rg = Series()
        if rg:
            for q in PEER_QUERIES:
                out = subprocess.run(
                    [rg, "-l", "-F", "--no-messages", q, str(folder)], capture_output=True, text=True
                ).stdout
                counts["rg"][q] = len(out.splitlines())
            for _ in range(runs):
                for q in PEER_QUERIES:
                    cold_rg.add(run_child([rg, "-l", "-F", q, str(folder)])[0])
        else:
            cold_rg.note = "skipped: rg not installed (Debian package ripgrep)"
        rows.append(("ripgrep", "cold `rg -l -F` (new process)", cold_rg, ""))

        # SQLite FTS5 trigram
        sb, sc, s50, s95 = Series(), Series(), Series(), Series()
        t = time.perf_counter()
        sqlite_build(db, folder)
        sb.add(time.perf_counter() - t)
        for q in PEER_QUERIES:
            counts["sqlite"][q] = int(
                subprocess.run(
                    [sys.executable, "-c", SQLITE_COUNT, str(db), q], capture_output=True, text=True
                ).stdout.strip()
                or -1
            )
        for _ in range(runs):
            for q in PEER_QUERIES:
                sc.add(run_child([sys.executable, "-c", SQLITE_COUNT, str(db), q])[0])
        con = sqlite3.connect(str(db))
        lat = []
        for _ in range(max(3, runs)):
            for q in PEER_QUERIES:
                t = time.perf_counter()
                if len(q) >= 3:
                    con.execute("SELECT rowid FROM units WHERE units MATCH ?", (f'"{q}"',)).fetchall()
                else:
                    con.execute("SELECT rowid FROM units WHERE instr(text, ?) > 0", (q,)).fetchall()
                lat.append(time.perf_counter() - t)
        con.close()
        lat.sort()
        s50.add(lat[len(lat) // 2])
        s95.add(lat[min(len(lat) - 1, int(len(lat) * 0.95))])
        rows += [
            ("SQLite FTS5 trigram", "build (create + insert all units)", sb, f"{du(db) / 2**20:.1f} MB"),
            ("SQLite FTS5 trigram", "cold (new `python -c`: open, count)", sc, ""),
            ("SQLite FTS5 trigram", "warm p50 (in process)", s50, ""),
            ("SQLite FTS5 trigram", "warm p95 (in process)", s95, ""),
        ]

        def ratio(mine: Series, peer: Series) -> str:
            a, b = mine.median(), peer.median()
            return f"{a / b:.1f}×" if a and b else "—"

        vs = {
            "cold `rg -l -F` (new process)": cold_kb,
            "cold (new `python -c`: open, count)": cold_kb,
            "warm p50 (in process)": warm50,
            "warm p95 (in process)": warm95,
        }
        lines = [
            "| tool | measurement | median (min–max) per query | plankb | plankb ÷ peer | note |",
            "|---|---|---|---|---|---|",
        ]
        for tool, what, series, note in rows:
            mine = vs.get(what)
            lines.append(
                f"| {tool} | {what} | {series.cell()} | {mine.cell() if mine else ''} | "
                f"{ratio(mine, series) if mine else ''} | {note} |"
            )
        agree = [q for q in PEER_QUERIES if len({c[q] for c in counts.values() if q in c}) == 1]
        differ = [
            f"{q} (kb {counts['kb search'].get(q)}, rg {counts['rg'].get(q, '—')}, sqlite {counts['sqlite'].get(q)})"
            for q in PEER_QUERIES
            if q not in agree
        ]
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return "\n".join(
        [
            PEERS_BEGIN,
            "## Peers: ripgrep and SQLite FTS5 on the same units",
            "",
            f"Generated by `python scripts/bench.py --peers` on {stamp} ({len(os.sched_getaffinity(0))} cores), "
            f"on the {nunits:,} units of the {label} build (one text file per unit; one FTS5 row per unit).",
            f"Queries: {' '.join(PEER_QUERIES)} (literal; each timed {runs}× per cold row). Cold = a new process per "
            "query with the page cache warm; `kb search` starts Python and imports whoosh, ripgrep does not, and the "
            "SQLite cold row starts Python too. Peers find bytes; plankb also normalizes (traditional/simplified, "
            "full-width), ranks, tiers and builds snippets, so it does more per query.",
            "",
            *lines,
            "",
            f"Match counts agree on {len(agree)} of {len(PEER_QUERIES)} queries"
            + (
                f"; differ: {'; '.join(differ)} (plankb normalizes the text; rg/SQLite match raw bytes)"
                if differ
                else "."
            ),
            PEERS_END,
        ]
    )


def write_peers(report: Path, section: str) -> None:
    text = report.read_text(encoding="utf-8") if report.exists() else ""
    if PEERS_BEGIN in text and PEERS_END in text:
        a, b = text.index(PEERS_BEGIN), text.index(PEERS_END) + len(PEERS_END)
        text = text[:a] + section + text[b:]
    elif STRESS_BEGIN in text:
        a = text.index(STRESS_BEGIN)
        text = text[:a] + section + "\n\n" + text[a:]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    report.write_text(text, encoding="utf-8")


IMPORTS_BEGIN = "<!-- imports: begin -->"
IMPORTS_END = "<!-- imports: end -->"


def run_imports(report: Path) -> str:
    """Import speed per page of each format, on three real plans generated as DOCX, HTML, PDF
    (printed by headless Chromium) and Markdown; written into the report's imports section."""
    import bench_import

    rows = bench_import.measure(["acftu", "jiading", "putuo"], runs=3)
    lines = [
        IMPORTS_BEGIN,
        "## Import speed (scripts/bench.py --imports)",
        "",
        "The same plan generated in each format (tests/importer_fixtures.py); a page is a page of its",
        "PDF. Best of 3 imports; the text parse afterwards is not included.",
        "",
        "| plan | format | KB | pages | seconds | ms/page |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for name, fmt, size, n, sec in rows:
        lines.append(f"| {name} | {fmt} | {size / 1024:.0f} | {n} | {sec:.3f} | {sec * 1000 / n:.1f} |")
    lines.append(IMPORTS_END)
    section = "\n".join(lines)
    text = report.read_text(encoding="utf-8") if report.exists() else ""
    if IMPORTS_BEGIN in text and IMPORTS_END in text:
        a, b = text.index(IMPORTS_BEGIN), text.index(IMPORTS_END) + len(IMPORTS_END)
        text = text[:a] + section + text[b:]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    report.write_text(text, encoding="utf-8")
    return section


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--stress",
        action="store_true",
        help="only the stress inputs (7.9 MB plan, 2 MB single line): time and peak RSS",
    )
    ap.add_argument("--quick", action="store_true", help="seed + 10 plans, one run each (about a minute)")
    ap.add_argument(
        "--peers",
        action="store_true",
        help="also time ripgrep and SQLite FTS5 trigram on the units of the largest size",
    )
    ap.add_argument("--build", type=Path, help="with --peers: compare on this existing build only, nothing else")
    ap.add_argument("--sizes", help="comma-separated corpus sizes; 1 = the seed plan (default 1,100,1000)")
    ap.add_argument("--runs", type=int, help="runs per measurement (default 5, --quick 2)")
    ap.add_argument(
        "--budget", type=float, help="seconds per measurement before it stops repeating (default 600, --quick 45)"
    )
    ap.add_argument("--out", type=Path, default=REPORT, help="the report to write")
    ap.add_argument("--imports", action="store_true", help="only the import speed per page of each format")
    args = ap.parse_args(argv)
    compile_kb()
    if args.imports:
        print(run_imports(args.out))
        return 0
    if args.stress:
        print(run_stress(args.out))
        return 0
    if args.peers and args.build:
        section = run_peers(args.build, str(args.build), args.runs or 3)
        write_peers(args.out, section)
        print(section)
        return 0
    args.sizes_given = args.sizes is not None
    sizes = [int(s) for s in (args.sizes or ("1,10" if args.quick else "1,100,1000")).split(",")]
    runs = args.runs or (1 if args.quick else 5)
    budget = args.budget or (15.0 if args.quick else 600.0)
    cold_runs = 5 if args.quick else 20
    peers: list[str] = []
    if args.peers:
        biggest = f"{max(sizes)} plans" if max(sizes) > 1 else "seed"

        def peer_hook(label: str, out: Path) -> None:
            if label == biggest:
                print(f"[{label}] peers", file=sys.stderr)
                peers.append(run_peers(out, label, 2 if args.quick else 5))

        AFTER_BUILD.append(peer_hook)

    import make_corpus

    t0 = time.perf_counter()
    labels, results, plans = [], [], []
    with tempfile.TemporaryDirectory(prefix="kb-bench-") as tmp:
        work = Path(tmp)
        for n in sizes:
            if n == 1:
                # a folder of its own, so the incremental rebuild can edit the file
                arg = work / "seed"
                arg.mkdir()
                shutil.copy(SEED, arg / SEED.name)
                files, label = [arg / SEED.name], "seed"
                plans.append(f"seed = {SEED.relative_to(ROOT)} ({len(SEED.read_text(encoding='utf-8')):,} characters)")
            else:
                corpus = work / f"plans-{n}"
                m = make_corpus.write_corpus(n, 1, corpus)
                files = sorted(corpus.glob("*.txt"))
                arg, label = corpus, f"{n} plans"
                chars = sum(d["characters"] for d in m["documents"])
                plans.append(f"{n} plans = `make_corpus.py {n} --seed 1` ({chars:,} characters)")
            labels.append(label)
            results.append(measure_size(label, files, arg, work, runs, budget, cold_runs))
            print(table(labels, results), file=sys.stderr)
    info = machine()
    text = write_report(args.out, info, args, labels, results, "; ".join(plans), time.perf_counter() - t0)
    if peers:
        write_peers(args.out, peers[0])
        text = args.out.read_text(encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
