#!/usr/bin/env python3
"""Import speed per page for each format (DOCX, HTML, Markdown, PDF) on files generated from real
plans: the bundled sample and, when found, the corpus-dev plans. PDFs are printed by headless
Chromium (skipped without it); a "page" is a page of that PDF (for the other formats the same
content's PDF page count, or 1,000 characters a page when there is no PDF).

    python scripts/bench_import.py [--runs 3] [--plans acftu,jiading,putuo] [--repeat 1]

--repeat N concatenates the plan N times to measure a longer document."""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from importer_fixtures import PLANS, chromium, plan_model, plan_path, write_all  # noqa: E402

from kb.parse.importers import import_file  # noqa: E402


def measure(plans: list[str], runs: int = 3, repeat: int = 1) -> list[tuple[str, str, int, int, float]]:
    """(plan, format, bytes, pages, best seconds) for each plan and format."""
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        for name in plans:
            path = plan_path(name)
            if path is None or not path.exists():
                print(f"skip {name}: source not found", file=sys.stderr)
                continue
            model = plan_model(path, PLANS[name][2])
            model = model + [el for _ in range(repeat - 1) for el in model[1:]]
            files = write_all(model, Path(tmp) / name, name)
            chars = sum(len(el[-1]) if el[0] != "t" else sum(len(c) for r in el[1] for c in r) for el in model)
            pages = None
            if "pdf" in files:
                import pdfplumber

                with pdfplumber.open(files["pdf"]) as pdf:
                    pages = len(pdf.pages)
            for fmt in ("docx", "html", "md", "pdf"):
                if fmt not in files:
                    continue
                best = float("inf")
                for _ in range(runs):
                    t0 = time.perf_counter()
                    import_file(files[fmt])
                    best = min(best, time.perf_counter() - t0)
                n = pages or max(1, round(chars / 1000))
                rows.append((name, fmt, files[fmt].stat().st_size, n, best))
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3, help="imports per file; the best time is kept")
    ap.add_argument("--plans", default=",".join(PLANS))
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args(argv)
    rows = measure(args.plans.split(","), args.runs, args.repeat)
    if not chromium():
        print("note: chromium not found, no PDF row", file=sys.stderr)
    print(f"{'plan':<10}{'format':<8}{'KB':>8}{'pages':>7}{'seconds':>10}{'ms/page':>10}")
    for name, fmt, size, n, sec in rows:
        print(f"{name:<10}{fmt:<8}{size / 1024:>8.0f}{n:>7}{sec:>10.3f}{sec * 1000 / n:>10.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
