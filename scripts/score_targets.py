#!/usr/bin/env python3
"""Score target extraction against the hand annotations in tests/data/targets/<plan>.json.

Each annotated plan's text (from corpus/, where the dev plans ship, or
$PLANKB_CORPUS_DEV) is read line by line: a line is one unit, split into sentences at 。；！？.
The plan's period comes from ``plan_period(None, text)``. A predicted target (kind "target",
with a value) matches a gold one on the same line when their spans overlap and the values are
equal; its deadline is right when the year and the inferred flag are both the gold's. The
indicator table of a plan (``table`` in the JSON) is rebuilt from its one-cell-per-line layout
and scored through ``row_targets`` (match: same row and value; deadline and baseline checked).

    python scripts/score_targets.py [--verbose] [--before REV]

``--before REV`` scores the extractor of git revision REV instead (its ``extract_targets``
takes no plan; everything it returns counts as a target).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
GOLD_DIR = ROOT / "tests" / "data" / "targets"
# the dev plans ship in corpus/ (byte-identical to ../shared/corpus-dev/)
CORPUS_DEV = Path(os.environ.get("PLANKB_CORPUS_DEV") or Path(__file__).resolve().parent.parent / "corpus")
# a heading line: 一、… / （一）… / 第X部分, short, without a full stop inside
_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|第[一二三四五六七八九十]+[部章节篇])[^。]{0,40}$"
)
_SENT = re.compile(r"[^。；;！？!?]*[。；;！？!?]?")


def _sentences(line: str):
    from kb.model import Sentence

    out = []
    for i, m in enumerate(_SENT.finditer(line)):
        if m.group().strip():
            out.append(Sentence(id=f"s{i}", text=m.group(), start=m.start(), end=m.end()))
    return out


def _old_module(rev: str):
    src = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{rev}:kb/extract/targets.py"], capture_output=True, text=True, check=True
    ).stdout
    tmp = Path(tempfile.mkdtemp()) / "old_targets.py"
    tmp.write_text(src, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("old_targets", tmp)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["old_targets"] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


def predict(text: str, before=None) -> dict[int, list]:
    """line number -> predicted forward targets with a value."""
    from kb.extract.deadlines import plan_period
    from kb.extract.targets import PlanContext, extract_targets, section_context

    period = plan_period(None, text)
    ctx = PlanContext(period=period)
    out: dict[int, list] = {}
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        if _HEADING.match(line.strip()):  # the units below take the heading's deadline / review
            ctx = section_context(line.strip(), period)
        sents = _sentences(line)
        if before is not None:
            got = before.extract_targets(line, sents)
        else:
            got = extract_targets(line, sents, context=ctx)
        got = [t for t in got if t.value is not None and getattr(t, "kind", "target") == "target"]
        if got:
            out[n] = got
    return out


def _close(a, b) -> bool:
    return a is not None and b is not None and abs(a - b) <= 1e-6 * max(1.0, abs(b))


def table_rows(lines: list[str], first: int, last: int, header_len: int) -> list[list[str]]:
    """Rows of a one-cell-per-line table whose rows start at a 序号 cell: cells from the 序号
    to the next row, with the category cell (a text line right before the 序号) put in front."""
    cells = [ln.strip() for ln in lines[first - 1 : last] if ln.strip()]
    starts: list[int] = []
    for i, c in enumerate(cells):  # 序号 cells: 1, 2, 3… in order, each followed by a name
        if c == str(len(starts) + 1) and i + 1 < len(cells) and not re.fullmatch(r"[\d./≥%]+", cells[i + 1]):
            starts.append(i)
    rows = []
    for k, i in enumerate(starts):
        j = starts[k + 1] if k + 1 < len(starts) else len(cells)
        body = cells[i:j]
        n_body = header_len - 1
        row = [cells[i - 1] if len(cells[i - 1]) > 1 and not re.search(r"\d", cells[i - 1]) else ""] + body[:n_body]
        rows.append(row)
    return rows


def score_plan(gold: dict, before=None, verbose: bool = False) -> dict:
    text = (CORPUS_DEV / gold["file"]).read_text(encoding="utf-8")
    lines = text.split("\n")
    pred = predict(text, before)
    tp = fp = fn = dl_ok = 0
    used: set[int] = set()
    for g in gold["targets"]:
        line = lines[g["line"] - 1]
        occ = [(m.start(), m.start() + len(g["text"])) for m in re.finditer(re.escape(g["text"]), line)]
        hit = None
        for t in pred.get(g["line"], []):
            if id(t) in used or not _close(t.value, g["value"]):
                continue
            if any(t.start < b and a < t.end for a, b in occ):
                hit = t
                break
        if hit is None:
            fn += 1
            if verbose:
                print("  missed", g["line"], g["text"], g["value"], g["unit"], g["deadline"])
            continue
        used.add(id(hit))
        tp += 1
        if hit.deadline == g["deadline"] and bool(getattr(hit, "deadline_inferred", False)) == g["deadline_inferred"]:
            dl_ok += 1
        elif verbose:
            print(
                "  deadline",
                g["line"],
                g["text"],
                "want",
                g["deadline"],
                g["deadline_inferred"],
                "got",
                hit.deadline,
                getattr(hit, "deadline_inferred", None),
            )
    for n, ts in pred.items():
        for t in ts:
            if id(t) not in used:
                fp += 1
                if verbose:
                    print("  extra", n, t.text, t.value, t.unit, t.deadline)
    res = {"tp": tp, "fp": fp, "fn": fn, "deadline_ok": dl_ok}
    tab = gold.get("table")
    if tab and before is None:
        from kb.extract.deadlines import plan_period
        from kb.extract.targets import row_targets

        period = plan_period(None, text)
        rows = table_rows(lines, tab["first_line"], tab["last_line"], len(tab["header"]))
        want = {g["row"]: g for g in tab["targets"]}
        ttp = tfp = tfn = tok = 0
        for i, row in enumerate(rows, 1):
            got = [t for t in row_targets(tab["header"], row, period) if t.kind == "target"]
            g = want.get(i)
            if g is None:
                tfp += len(got)
                continue
            m = [t for t in got if _close(t.value, g["value"])]
            if not m:
                tfn += 1
                if verbose:
                    print("  table missed", i, row)
                continue
            ttp += 1
            tfp += len(got) - 1
            t = m[0]
            ok = (
                t.deadline == g["deadline"]
                and t.deadline_inferred == g["deadline_inferred"]
                and (t.baseline == g["baseline"] or _close(t.baseline, g["baseline"]))
                and t.attribute == g["attribute"]
                and t.unit == g["unit"]
            )
            tok += ok
            if not ok and verbose:
                print("  table row", i, (t.deadline, t.baseline, t.attribute, t.unit), g)
        tfn += len(set(want) - set(range(1, len(rows) + 1)))
        res["table"] = {"tp": ttp, "fp": tfp, "fn": tfn, "deadline_ok": tok, "rows": len(rows)}
    return res


def prf(r: dict) -> tuple[float, float, float]:
    p = r["tp"] / (r["tp"] + r["fp"]) if r["tp"] + r["fp"] else 1.0
    rc = r["tp"] / (r["tp"] + r["fn"]) if r["tp"] + r["fn"] else 1.0
    d = r["deadline_ok"] / r["tp"] if r["tp"] else 1.0
    return p, rc, d


def score_all(before=None, verbose: bool = False) -> dict[str, dict]:
    out = {}
    for f in sorted(GOLD_DIR.glob("*.json")):
        gold = json.loads(f.read_text(encoding="utf-8"))
        if verbose:
            print(f.stem)
        out[f.stem] = score_plan(gold, before, verbose)
    return out


def main(argv: list[str]) -> int:
    verbose = "--verbose" in argv
    before = None
    if "--before" in argv:
        before = _old_module(argv[argv.index("--before") + 1])
    for plan, r in score_all(before, verbose).items():
        p, rc, d = prf(r)
        print(
            f"{plan:32s} precision {p:.3f} recall {rc:.3f} deadlines {d:.3f}  (tp {r['tp']}, fp {r['fp']}, fn {r['fn']})"
        )
        if "table" in r:
            p, rc, d = prf(r["table"])
            t = r["table"]
            print(
                f"{'  table':32s} precision {p:.3f} recall {rc:.3f} fields {d:.3f}  (tp {t['tp']}, fp {t['fp']}, fn {t['fn']}, rows {t['rows']})"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
