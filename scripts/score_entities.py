#!/usr/bin/env python3
"""Score actor and group mentions against the hand annotations in tests/data/entities/<plan>.json.

Each annotation is located in the plan's text by its ``context`` (in document order: the first
occurrence at or after the previous annotation, the annotated ``text`` inside it). A predicted
mention (from a build's kb.json; unit offsets mapped to the file by scripts/unitmap.py) matches
an annotation when their spans overlap and their types agree. Recall: annotations with a
matching prediction. Precision: predictions overlapping an annotation of their type (a second
prediction on the same annotation, 国务院 and 各部委 in 国务院各部委, is not a false positive).
Mentions marked ``acting: false`` (a class of institutions as an object, setting or
modifier: 服务企业, 职业院校教师; a group word inside a name: 教师素质提高计划) are not
predictions and are left out. Role accuracy: annotated actors with a role (lead/partner) whose best-overlapping prediction
has that role.

    python scripts/score_entities.py [--kb build/kb.json | --build] [--verbose] [PLAN ...]

Without --kb the plans are built into a temporary directory (``--build`` forces that).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import unitmap  # noqa: E402  (a sibling module of the scripts, not part of the package)

GOLD_DIR = ROOT / "tests" / "data" / "entities"
CORPUS = ROOT / "corpus"
TYPES = ("ACTOR", "GROUP")


def plans() -> list[str]:
    return sorted(p.stem for p in GOLD_DIR.glob("*.json"))


def load_gold(plan: str) -> tuple[str, list[dict]]:
    """The plan's text and its annotations, each with ``start``/``end`` in the text."""
    text = (CORPUS / f"{plan}.txt").read_text(encoding="utf-8")
    gold = json.loads((GOLD_DIR / f"{plan}.json").read_text(encoding="utf-8"))
    out, cur = [], 0
    for g in gold["mentions"]:
        ctx, t = g["context"], g["text"]
        ks = [k for k in range(len(ctx) - len(t) + 1) if ctx.startswith(t, k)]
        if not ks:
            raise ValueError(f"{plan}: text {t!r} not in its context {ctx!r}")
        cands = []
        for k in ks:  # the text may occur twice in its context: the earliest placement wins
            i = text.find(ctx, max(0, cur - k))
            while i >= 0 and i + k < cur:
                i = text.find(ctx, i + 1)
            if i >= 0:
                cands.append(i + k)
        if not cands:
            raise ValueError(f"{plan}: context {ctx!r} not found after offset {cur}")
        s = min(cands)
        out.append({**g, "start": s, "end": s + len(t)})
        cur = s + 1
    return text, out


def predicted(doc: dict, text: str) -> tuple[list[dict], int]:
    """ACTOR/GROUP mentions of the document at file offsets (unit offsets mapped through
    scripts/unitmap.py, which also aligns text that reflow changed); and the count of units that
    cannot be placed in the file (their mentions are not scored)."""
    items, lost = unitmap.placed_items(doc, text, "mentions")
    out = []
    for u, _table, m, sp in items:
        typ = m["entity"].split(":", 1)[0]
        # a class word marked not acting (服务企业, 职业院校教师) claims no acting party
        if typ in TYPES and m.get("acting") is not False:
            out.append({**m, "type": typ, "start": sp[0], "end": sp[1], "unit": u["id"]})
    return out, lost


def overlap(a: dict, b: dict) -> int:
    return min(a["end"], b["end"]) - max(a["start"], b["start"])


def score_plan(gold: list[dict], pred: list[dict]) -> dict:
    res: dict = {}
    for typ in TYPES:
        g = [x for x in gold if x["type"] == typ]
        p = [x for x in pred if x["type"] == typ]
        fn = [x for x in g if not any(overlap(x, y) > 0 for y in p)]
        fp = [y for y in p if not any(overlap(x, y) > 0 for x in g)]
        r = {
            "gold": len(g),
            "pred": len(p),
            "tp_gold": len(g) - len(fn),
            "tp_pred": len(p) - len(fp),
            "fn": fn,
            "fp": fp,
        }
        r["precision"] = r["tp_pred"] / len(p) if p else 1.0
        r["recall"] = r["tp_gold"] / len(g) if g else 1.0
        if typ == "ACTOR":
            n = ok = 0
            wrong = []
            for x in g:
                if not x.get("role"):
                    continue
                over = [y for y in p if overlap(x, y) > 0]
                if not over:
                    continue
                best = max(over, key=lambda y: overlap(x, y))
                n += 1
                if best.get("role") == x["role"]:
                    ok += 1
                else:
                    wrong.append((x, best.get("role")))
            r["role_n"], r["role_ok"], r["role_wrong"] = n, ok, wrong
            r["role_accuracy"] = ok / n if n else 1.0
        res[typ] = r
    return res


def build_plans(names: list[str], out: Path) -> Path:
    from kb.build import build

    build([CORPUS / f"{n}.txt" for n in names], out)
    return out / "kb.json"


def score_all(kb_json: Path | None = None, names: list[str] | None = None) -> dict:
    names = names or plans()
    if kb_json is None:
        tmp = Path(tempfile.mkdtemp(prefix="score-entities-"))
        kb_json = build_plans(names, tmp / "build")
    from kb.build.kbjson import read_kb_json
    from kb.model import kb_to_dict

    # through plankb's reader: kb.json stores the model compactly (a full export reads the same)
    docs = {d["id"]: d for d in kb_to_dict(read_kb_json(Path(kb_json)))["documents"]}
    out = {}
    for n in names:
        text, gold = load_gold(n)
        if n not in docs:
            raise SystemExit(f"{n} is not in {kb_json}")
        pred, lost = predicted(docs[n], text)
        out[n] = score_plan(gold, pred)
        out[n]["lost_units"] = lost
    return out


def _show(text: str, m: dict) -> str:
    a, b = max(0, m["start"] - 8), min(len(text), m["end"] + 8)
    return f"{m['text']} @{m['start']} …{text[a:b].replace(chr(10), '/')}…"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("plans", nargs="*")
    ap.add_argument("--kb", type=Path, help="a build's kb.json (default: build the plans)")
    ap.add_argument("--verbose", "-v", action="store_true", help="list false positives/negatives")
    a = ap.parse_args(argv)
    res = score_all(a.kb, a.plans or None)
    print(f"{'plan':34} {'type':5} {'P':>6} {'R':>6} {'gold':>5} {'pred':>5} {'role':>12}")
    for n, r in res.items():
        text = (CORPUS / f"{n}.txt").read_text(encoding="utf-8")
        for typ in TYPES:
            s = r[typ]
            role = f"{s['role_accuracy']:.3f} ({s['role_ok']}/{s['role_n']})" if typ == "ACTOR" else ""
            print(f"{n:34} {typ:5} {s['precision']:6.3f} {s['recall']:6.3f} {s['gold']:5} {s['pred']:5} {role:>12}")
        if a.verbose:
            for typ in TYPES:
                for m in r[typ]["fp"]:
                    print(f"  FP {typ} {m['entity']:28} {_show(text, m)}")
                for m in r[typ]["fn"]:
                    print(f"  FN {typ} {m['canonical']:28} {_show(text, m)}")
            for x, got in r["ACTOR"]["role_wrong"]:
                print(f"  ROLE {x['role']:8} got {got!s:12} {_show(text, x)}")
        if r["lost_units"]:
            print(f"  ({r['lost_units']} units not found in the text: their mentions are not scored)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
