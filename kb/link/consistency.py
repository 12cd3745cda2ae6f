"""Indicator rows against the tasks they restate: figures, units, periods and wording.

Works on the ``measures`` edges of a linked KB (``kb.link.link``): for each clause of a row
that was matched to a task sentence, the two texts are compared side by side. Findings:

* ``figure``  a figure in the row (value + unit) that the task's sentence does not have;
* ``unit``    the same value with a different unit (500万人 vs 500万人次);
* ``period``  a time frame in the row that the sentence does not state (每年 = 年均 count as one);
* ``wording`` a change of term where the two clauses are aligned: one character inserted inside
  a word (row 疗养 vs task 疗休养) or a word replaced by another (家庭 vs 职工), with one character
  of context each side. Added words (活动), function words (的), punctuation, figures and moved
  clauses are not findings, and clauses sharing less than MIN_ALIGN of their characters are
  reworded throughout, so no wording finding is made for them.
Each finding carries both full clauses (``row_text``, ``task_text``).
"""

from __future__ import annotations

import difflib
from typing import Any

from kb.link.text import clauses, figures, period_key, periods
from kb.model import KB, Document

CONTEXT = 1  # characters of unchanged text shown around a wording drift
MAX_DRIFT = 12  # longer differences are rewordings of the clause, not drifts worth listing


def _sentence(doc: Document, uid: str, sid: str):
    u = doc.unit(uid)
    if u is None:
        return None
    return next((s for s in u.sentences if s.id == sid), None)


# (document id, content hash) -> findings, as a build worker computed them (a cache: the
# findings depend on the document's text alone, and matching rows again costs ~0.1 s a plan)
_KNOWN: dict[tuple[str, str], list[dict[str, Any]]] = {}


def check(kb: KB) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for doc in kb.documents:
        out.extend(check_document(doc))
    return out


def check_document(doc: Document) -> list[dict[str, Any]]:
    known = _KNOWN.get((doc.id, doc.sha256)) if doc.sha256 else None
    if known is not None:
        return [dict(f) for f in known]
    from kb.link.measures import match_rows

    out: list[dict[str, Any]] = []
    for row_id, matches in sorted(match_rows(doc).items(), key=lambda kv: kv[0]):
        row = doc.unit(row_id)
        for m in matches:
            out.extend(_compare(doc, row, m))
    return out


def remember(doc: Document, findings: list[dict[str, Any]]) -> None:
    """Record the findings of ``doc`` made elsewhere (by the build's worker, or its cache)."""
    if doc.sha256:
        _KNOWN[(doc.id, doc.sha256)] = findings


def _window(sentence: str, clause: str) -> tuple[int, int]:
    """The stretch of the sentence that the clause restates."""
    sm = difflib.SequenceMatcher(None, clause, sentence, autojunk=False)
    blocks = [b for b in sm.get_matching_blocks() if b.size >= 2]
    if not blocks:
        return 0, len(sentence)
    return blocks[0].b, blocks[-1].b + blocks[-1].size


def _compare(doc: Document, row, m) -> list[dict[str, Any]]:
    s = m.sentence
    a, b = _window(s.text, m.clause)
    # the task clause(s) covering the matched window, so figures elsewhere in the sentence do not mask
    spans = [(cs, ce) for _, cs, ce in clauses(s.text) if ce > a and cs < b]
    task_part = s.text[spans[0][0] : spans[-1][1]] if spans else s.text[a:b]
    base = {
        "document": doc.id,
        "row": row.id,
        "row_name": row.name,
        "task": m.task,
        "sentence": s.id,
        "row_text": m.clause,
        "task_text": task_part,
    }
    found = []
    tfigs = figures(task_part)
    tkeys = {f.key for f in tfigs}
    for f in figures(m.clause):
        if f.key in tkeys:
            continue
        same_value = [g for g in tfigs if g.value == f.value and g.unit != f.unit]
        if same_value:
            found.append(
                {
                    **base,
                    "kind": "unit",
                    "row_span": f.text,
                    "task_span": same_value[0].text,
                    "message": f"row has {f.text}, task has {same_value[0].text}",
                }
            )
        else:
            found.append(
                {
                    **base,
                    "kind": "figure",
                    "row_span": f.text,
                    "task_span": None,
                    "message": f"row figure {f.text} is not in the task's sentence {s.id}",
                }
            )
    tperiods = {period_key(p) for p, _, _ in periods(s.text)}
    for p, _, _ in periods(m.clause):
        if period_key(p) not in tperiods:
            found.append(
                {
                    **base,
                    "kind": "period",
                    "row_span": p,
                    "task_span": None,
                    "message": f"row says {p}; the task's sentence {s.id} gives no such time frame",
                }
            )
    found.extend(_wording(base, m.clause, s.text[a:b]))
    for item in found:
        item["message"] = (
            f"{item['row']} ({item['row_name']}) vs {item['task']} ({item['sentence']}), {item['kind']}: "
            f"{item['message']} | row: {item['row_text']} | task: {item['task_text']}"
        )
    return found


FUNCTION_CHARS = set("的地得了和与及或等之其")
MIN_ALIGN = 0.6  # below this share of common characters the two clauses are worded differently throughout


def _term_change(r: str, t: str) -> bool:
    """A real change of term at one place: 疗养 -> 疗休养 (one character inside a word), 家庭 -> 职工
    (a word replaced by a word); not an added word (活动), a function word (的), punctuation,
    figures or a moved clause."""
    if any(not ("\u4e00" <= ch <= "\u9fff") for ch in r + t):
        return False  # punctuation, digits, brackets: a clause added, moved or cut
    if not r or not t:
        added = r or t
        return len(added) == 1 and added not in FUNCTION_CHARS
    return max(len(r), len(t)) <= 3 and not (set(r + t) <= FUNCTION_CHARS)


def _edits(opcodes) -> list[tuple[str, int, int, int, int]]:
    """The diff's edits, with edits one unchanged character apart merged into one: 主管 -> 管理
    comes out of the diff as “delete 主, keep 管, insert 理”, fragments of one replaced word."""
    out: list[list] = []
    gap = None
    for op, i1, i2, j1, j2 in opcodes:
        if op == "equal":
            gap = (i2 - i1) if out else None
            continue
        if out and gap is not None and gap <= 1:
            last = out[-1]
            out[-1] = ["replace", last[1], i2, last[3], j2]
        else:
            out.append([op, i1, i2, j1, j2])
        gap = 0
    return [(str(e[0]), e[1], e[2], e[3], e[4]) for e in out]


def _wording(base: dict, row_text: str, task_text: str) -> list[dict[str, Any]]:
    """Wording drifts that change a term, each shown with one word of context; nothing when the
    two clauses are not aligned (the same words in another order give diff fragments, not drifts)."""
    out: list[dict[str, Any]] = []
    sm = difflib.SequenceMatcher(None, row_text, task_text, autojunk=False)
    common = sum(b.size for b in sm.get_matching_blocks())
    if common < MIN_ALIGN * max(len(row_text), len(task_text)):
        return out
    for op, i1, i2, j1, j2 in _edits(sm.get_opcodes()):
        r, t = row_text[i1:i2], task_text[j1:j2]
        if op != "replace" and (i1 == 0 or j1 == 0 or i2 == len(row_text) or j2 == len(task_text)):
            continue  # a word more or less at either end is where the task's stretch was cut
        if not _term_change(r, t):
            continue
        # context: the neighbouring characters, so the term reads whole (疗养 vs 疗休养)
        k = CONTEXT if op != "replace" else CONTEXT + 1  # a replaced word: 致困家庭生活 vs 致困职工生活
        ri1, ri2 = max(0, i1 - k), min(len(row_text), i2 + k)
        tj1, tj2 = max(0, j1 - k), min(len(task_text), j2 + k)
        rs, ts = row_text[ri1:ri2], task_text[tj1:tj2]
        out.append(
            {
                **base,
                "kind": "wording",
                "row_span": rs,
                "task_span": ts,
                "change": "term",
                "message": f"row “{rs}” vs task “{ts}”",
            }
        )
    return out
