#!/usr/bin/env python3
"""Top lines of a cProfile of one `kb search`, as markdown (for docs/profile-search.md).

python -m cProfile -o /tmp/p.out -m kb search 集体协商 指导员 --build /tmp/b300
python scripts/profile_search.py /tmp/p.out "label" [--lines 15]
"""

from __future__ import annotations

import io
import pstats
import sys


def summary(path: str, label: str, lines: int = 15) -> str:
    out = io.StringIO()
    st = pstats.Stats(path, stream=out)
    st.sort_stats("tottime").print_stats(lines)
    text = out.getvalue()
    body = text[text.index("   ncalls") :] if "   ncalls" in text else text
    total = f"{st.total_tt:.3f} s total, {st.total_calls:,} calls"
    return f"### {label}\n\n{total}; top {lines} by own time:\n\n```\n{body.rstrip()}\n```\n"


if __name__ == "__main__":
    args = sys.argv[1:]
    n = 15
    if "--lines" in args:
        i = args.index("--lines")
        n = int(args[i + 1])
        del args[i : i + 2]
    print(summary(args[0], args[1] if len(args) > 1 else args[0], n))
