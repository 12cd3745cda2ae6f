"""Labels and formats shared by the pages: task/row/chapter labels, numbers, deadlines, clauses."""

from __future__ import annotations

from kb.model import Chapter, IndicatorRow, IndicatorTable, Task

_CLAUSE_END = set("，,；;：:。！？!?")


def task_label(t: Task) -> str:
    lab = (t.label or (f"{t.number}. " if t.number else "")).strip()
    if lab.isdigit():  # the outline keeps labels without their trailing "."
        lab += "."
    return f"{lab} {t.title}".strip() if lab else (t.title or t.id)


def row_label(tb: IndicatorTable, r: IndicatorRow) -> str:
    return f"{tb.key}指标 {r.index}. {r.name}"


def chapter_label(c: Chapter) -> str:
    return (c.heading or f"{c.label}、{c.title}").strip()


def fmt_value(v: float | None) -> str:
    if v is None:
        return ""
    return f"{int(v):,}" if float(v).is_integer() else f"{v:,.4g}"


def bucket(t) -> str:
    if t.deadline:
        return str(t.deadline)
    p = t.period or ""
    if "每年" in p or "年均" in p or "annual" in p:
        return "每年"
    if p:
        return "期间"
    return "未注明"


def bucket_order_key(b: str) -> tuple[int, str]:
    if b.isdigit():
        return (int(b), b)
    return ({"每年": 3000, "期间": 3001}.get(b, 3002), b)


def bucket_order(t) -> int:
    return bucket_order_key(bucket(t))[0]


def deadline_text(t) -> str:
    if t.deadline_text:
        return t.deadline_text
    if t.deadline:
        return f"{t.deadline}年"
    return t.period or ""


def clause(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause around ``text[start:end]``: between the nearest clause punctuation marks."""
    lo = start
    while lo > 0 and text[lo - 1] not in _CLAUSE_END:
        lo -= 1
    hi = end
    while hi < len(text) and text[hi] not in _CLAUSE_END:
        hi += 1
    if hi < len(text):
        hi += 1  # keep the mark that ends it
    return lo, hi


def shorten(s: str, n: int) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"
