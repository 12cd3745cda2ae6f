#!/usr/bin/env python3
"""Score the targets of a build (kb.json) against the hand annotations in tests/data/targets/<plan>.json.

The plans are built through the real pipeline (import, reflow, outline, extract) into a temporary
folder, or a build's kb.json is read (``--kb``; to score an older revision, build with its
checkout and pass that kb.json). Gold and build meet on character offsets of the corpus file the
annotator read: a gold target's ``line`` and ``text`` give its span(s) in that line; a unit's
offsets are mapped to the file through scripts/unitmap.py (verbatim, or aligned character by
character where reflow changed the text, as for a PDF's).

A predicted target is one of kind ``target`` with a value. It matches a gold target when their
file spans overlap and the values are equal (a multiplier in the unit taken out: 4000 万人次 =
40000000 人次); its deadline is right when the year and the
inferred flag are both the gold's. A plan's indicator table (``table`` in the JSON, lines
``first_line``–``last_line``) is scored on the build's table rows that lie in those lines: gold
row n (the row's position in the table, its printed 序号) matches a target of the n-th row
with the gold's value (its ``sub_rows``, 其中 lines, are rows of the same number); the row's
fields are right when deadline, inferred flag, unit, baseline and attribute (预期性/约束性) all
are. A figure the annotator listed both as prose and as a table
row (a cell that is a sentence of its own) may match both. Targets of rows that no gold table
covers are scored as prose.

    python scripts/score_targets.py [--kb build/kb.json] [--verbose] [PLAN ...]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import unitmap  # noqa: E402  (a sibling module of the scripts, not part of the package)

GOLD_DIR = ROOT / "tests" / "data" / "targets"
CORPUS = ROOT / "corpus"


def plans() -> list[str]:
    return sorted(p.stem for p in GOLD_DIR.glob("*.json"))


def load_gold(plan: str) -> dict:
    return json.loads((GOLD_DIR / f"{plan}.json").read_text(encoding="utf-8"))


def _close(a, b) -> bool:
    return a is not None and b is not None and abs(a - b) <= 1e-6 * max(1.0, abs(b))


_MULT = {"万亿": 1e12, "千万": 1e7, "百万": 1e6, "万": 1e4, "亿": 1e8}


def norm(value, unit):
    """(value, unit) with a multiplier written in the unit taken out: 4000 万人次 is 40000000 人次,
    35 万平方米 is 350000 平方米 — the same figure however a table or a sentence writes it."""
    if value is None or not unit:
        return value, unit
    for m, f in _MULT.items():
        if unit.startswith(m) and len(unit) > len(m):
            return value * f, unit[len(m) :]
    return value, unit


def _same(p: dict, g: dict) -> bool:
    """Same figure: equal values once a multiplier in either unit is taken out."""
    pv, pu = norm(p.get("value"), p.get("unit"))
    gv, gu = norm(g.get("value"), g.get("unit"))
    return _close(pv, gv) or _close(p.get("value"), g.get("value"))


def predicted(doc: dict, text: str) -> tuple[list[dict], int]:
    """The document's forward targets with a value, at file offsets (``start``/``end``), each with
    its unit id, its table id and row position (None outside tables); and the count of units that
    could not be placed in the file."""
    items, lost = unitmap.placed_items(doc, text, "targets")
    out = [
        {
            **t,
            "start": sp[0],
            "end": sp[1],
            "unit_id": u["id"],
            "table": table["id"] if table else None,
            "row": u.get("index") if table else None,
        }
        for u, table, t, sp in items
        if t.get("kind", "target") == "target" and t.get("value") is not None
    ]
    return out, lost


def _gold_spans(g: dict, text: str, starts: list[int]) -> list[tuple[int, int]]:
    a, b = starts[g["line"] - 1], starts[g["line"]] - 1
    line = text[a:b]
    return [(a + m.start(), a + m.start() + len(g["text"])) for m in re.finditer(re.escape(g["text"]), line)]


def _line_of(starts: list[int], off: int) -> int:
    lo, hi = 0, len(starts) - 1
    while lo < hi:  # the last line start <= off
        mid = (lo + hi + 1) // 2
        if starts[mid] <= off:
            lo = mid
        else:
            hi = mid - 1
    return lo + 1


def _deadline_ok(t: dict, g: dict) -> bool:
    return t.get("deadline") == g["deadline"] and bool(t.get("deadline_inferred")) == bool(g["deadline_inferred"])


def _score_table(
    tab: dict, pred: list[dict], starts: list[int], prose: set[int], log: list[str]
) -> tuple[dict, set[int]]:
    """The gold table against the rows of the build's tables within its lines (``prose``: the
    predictions already matched to prose gold targets, not extras here); the ids of the
    predictions of those rows."""
    lo, hi = starts[tab["first_line"] - 1], starts[tab["last_line"]]
    tables = {p["table"] for p in pred if p["table"] and lo <= p["start"] < hi}
    rows = [p for p in pred if p["table"] in tables]
    tp = fn = ok = 0
    used: set[int] = set()
    # a row's 其中 sub-rows are scored as rows of the same number (their fields are the row's
    # where the sub-row does not give its own)
    gold = [
        x
        for g in tab["targets"]
        for x in [g] + [{**g, **sub, "row": g["row"], "sub": True} for sub in g.get("sub_rows", [])]
    ]
    for g in sorted(gold, key=lambda g: (g["row"], bool(g.get("sub")))):
        n = g["row"]
        m = [p for p in rows if p["row"] == n and id(p) not in used and _same(p, g)]
        if not m:
            fn += 1
            log.append(f"  table missed row {n} {g['name']} {g['value']}{g['unit']}")
            continue
        t = m[0]
        used.add(id(t))
        tp += 1
        tb = norm(t.get("baseline"), t.get("unit"))[0]
        gb = norm(g.get("baseline"), g["unit"])[0]
        good = (
            _deadline_ok(t, g)
            and norm(1.0, t.get("unit"))[1] == norm(1.0, g["unit"])[1]
            and (tb == gb or _close(tb, gb))
            and t.get("attribute") == g.get("attribute")
        )
        ok += good
        if not good:
            got = (t.get("deadline"), t.get("deadline_inferred"), t.get("unit"), t.get("baseline"), t.get("attribute"))
            want = (g["deadline"], g["deadline_inferred"], g["unit"], g.get("baseline"), g.get("attribute"))
            log.append(f"  table row {n} fields {got} want {want}")
    extra = [p for p in rows if id(p) not in used and id(p) not in prose]
    for p in extra:
        log.append(f"  table extra row {p['row']} {p['text']} {p['value']}{p.get('unit') or ''}")
    res = {"tp": tp, "fp": len(extra), "fn": fn, "deadline_ok": ok, "rows": len({p["row"] for p in rows})}
    return res, {id(p) for p in rows}


def score_plan(gold: dict, doc: dict, text: str) -> dict:
    starts = unitmap.line_starts(text)
    pred, lost = predicted(doc, text)
    log: list[str] = []
    tp = fn = dl_ok = 0
    used: set[int] = set()
    for g in gold["targets"]:
        spans = _gold_spans(g, text, starts)
        hit = None
        for p in pred:
            if id(p) in used or not _same(p, g):
                continue
            if any(p["start"] < b and a < p["end"] for a, b in spans):
                hit = p
                break
        if hit is None:
            fn += 1
            log.append(f"  missed {g['line']} {g['text']} {g['value']}{g['unit']} {g['deadline']}")
            continue
        used.add(id(hit))
        tp += 1
        if _deadline_ok(hit, g):
            dl_ok += 1
        else:
            log.append(
                f"  deadline {g['line']} {g['text']} want {g['deadline']} {g['deadline_inferred']}"
                f" got {hit.get('deadline')} {hit.get('deadline_inferred')}"
            )
    res: dict = {"lost_units": lost, "log": log}
    in_table: set[int] = set()
    if gold.get("table"):
        res["table"], in_table = _score_table(gold["table"], pred, starts, used, log)
    extra = [p for p in pred if id(p) not in used and id(p) not in in_table]
    for p in extra:
        line = _line_of(starts, p["start"])
        log.append(f"  extra {line} {p['text']} {p['value']}{p.get('unit') or ''} {p.get('deadline')}")
    res.update({"tp": tp, "fp": len(extra), "fn": fn, "deadline_ok": dl_ok})
    return res


def prf(r: dict) -> tuple[float, float, float]:
    p = r["tp"] / (r["tp"] + r["fp"]) if r["tp"] + r["fp"] else 1.0
    rc = r["tp"] / (r["tp"] + r["fn"]) if r["tp"] + r["fn"] else 1.0
    d = r["deadline_ok"] / r["tp"] if r["tp"] else 1.0
    return p, rc, d


def build_plans(names: list[str], out: Path) -> Path:
    from kb.build import build

    build([CORPUS / load_gold(n)["file"] for n in names], out)
    return out / "kb.json"


def score_all(kb_json: Path | None = None, names: list[str] | None = None) -> dict[str, dict]:
    names = names or plans()
    if kb_json is None:
        kb_json = build_plans(names, Path(tempfile.mkdtemp(prefix="score-targets-")) / "build")
    from kb.build.kbjson import read_kb_json
    from kb.model import kb_to_dict

    # through plankb's reader: kb.json stores targets compactly (a full export reads the same)
    docs = {d["id"]: d for d in kb_to_dict(read_kb_json(Path(kb_json)))["documents"]}
    out = {}
    for n in names:
        gold = load_gold(n)
        doc_id = Path(gold["file"]).stem
        if doc_id not in docs:
            raise SystemExit(f"{doc_id} is not in {kb_json}")
        text = (CORPUS / gold["file"]).read_text(encoding="utf-8")
        out[n] = score_plan(gold, docs[doc_id], text)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("plans", nargs="*")
    ap.add_argument("--kb", type=Path, help="a build's kb.json (default: build the annotated plans)")
    ap.add_argument("--verbose", "-v", action="store_true", help="list misses, extras and wrong deadlines")
    a = ap.parse_args(argv)
    for plan, r in score_all(a.kb, a.plans or None).items():
        p, rc, d = prf(r)
        print(
            f"{plan:32s} precision {p:.3f} recall {rc:.3f} deadlines {d:.3f}  (tp {r['tp']}, fp {r['fp']}, fn {r['fn']})"
        )
        if "table" in r:
            t = r["table"]
            p, rc, d = prf(t)
            print(
                f"{'  table':32s} precision {p:.3f} recall {rc:.3f} fields {d:.3f}"
                f"  (tp {t['tp']}, fp {t['fp']}, fn {t['fn']}, rows with a target {t['rows']})"
            )
        if r["lost_units"]:
            print(f"  ({r['lost_units']} units not placed in the file: their targets are not scored)")
        if a.verbose:
            for line in r["log"]:
                print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
