"""Sentences: a unit's text cut after 。！？；; (never inside quotes or brackets), a task's title
taken from its first sentence, an indicator row's name as its first sentence; and the Chinese
numerals and numbering checks the parser shares."""

from __future__ import annotations

from kb.ids import FW_DIGITS
from kb.model import IndicatorRow, Sentence, Task

SENT_END = set("。！？；;!?")
CLOSERS = set("”’」』）)》】\"'")
OPEN_CLOSE = {"“": "”", "‘": "’", "「": "」", "『": "』", "（": "）", "(": ")", "《": "》", "【": "】"}
TITLE_MAX = 60


def cn_to_int(s: str) -> int | None:
    """Chinese or Arabic numeral to int: 十四 -> 14, 二十一 -> 21, 一百零五 -> 105, １４ -> 14."""
    s = s.translate(FW_DIGITS)
    if s.isdigit():
        return int(s)
    total, cur = 0, 0
    for ch in s:
        if ch in "零〇":
            cur = 0
        elif ch in "一二三四五六七八九":
            cur = "一二三四五六七八九".index(ch) + 1
        elif ch == "两":
            cur = 2
        elif ch == "十":
            total += (cur or 1) * 10
            cur = 0
        elif ch == "百":
            total += (cur or 1) * 100
            cur = 0
        else:
            return None
    return total + cur


def split_sentences(text: str, prefix: str, base: int = 0, start_index: int = 1) -> list[Sentence]:
    """Sentences of ``text``: split after 。！？；; (with any closing quotes), and at line ends,
    never inside quotes or brackets. A paragraph with unbalanced quotes is split ignoring them.
    Offsets are ``base`` + position in ``text``; leading white space is not part of a sentence."""
    out: list[Sentence] = []
    idx = start_index
    pos = 0
    for para in text.split("\n"):
        for a, b in _split_para(para):
            seg = para[a:b]
            lead = len(seg) - len(seg.lstrip())
            trail = len(seg) - len(seg.rstrip())
            if seg.strip():
                s, e = base + pos + a + lead, base + pos + b - trail
                out.append(Sentence(id=f"{prefix}.s{idx}", text=seg.strip(), start=s, end=e))
                idx += 1
        pos += len(para) + 1
    return out


def _split_para(para: str) -> list[tuple[int, int]]:
    cuts = _cuts(para, use_quotes=True)
    if cuts is None:
        cuts = _cuts(para, use_quotes=False)
    assert cuts is not None  # without quotes there is nothing left unbalanced
    spans, prev = [], 0
    for c in cuts:
        spans.append((prev, c))
        prev = c
    if prev < len(para):
        spans.append((prev, len(para)))
    return spans


def _cuts(para: str, use_quotes: bool) -> list[int] | None:
    stack: list[str] = []
    cuts: list[int] = []
    i, n = 0, len(para)
    while i < n:
        ch = para[i]
        if use_quotes and ch in OPEN_CLOSE:
            stack.append(OPEN_CLOSE[ch])
        elif use_quotes and stack and ch == stack[-1]:
            stack.pop()
        elif ch in SENT_END and not stack:
            j = i + 1
            while j < n and (para[j] in CLOSERS or para[j] in SENT_END):
                j += 1
            cuts.append(j)
            i = j
            continue
        i += 1
    if use_quotes and stack:
        return None
    return cuts


def numbering_problems(nums: list[int]) -> list[str]:
    out = []
    seen: set[int] = set()
    for a, b in zip(nums, nums[1:]):
        if b > a + 1:
            missing = f"{a + 1}" if b == a + 2 else f"{a + 1}–{b - 1}"
            out.append(f"task numbering gap: {a} is followed by {b} ({missing} missing)")
        elif b <= a and b != 1:
            out.append(f"task numbering goes back: {a} is followed by {b}")
    for n in nums:
        if n in seen:
            out.append(f"task number {n} is used more than once")
        seen.add(n)
    return out


def _title_and_sentences(task: Task) -> None:
    text = task.text
    sents = split_sentences(text, task.id)
    if sents:
        first = sents[0]
        cand = first.text.rstrip("。；;！？!?")
        if first.text.endswith("。") and 0 < len(cand) <= TITLE_MAX and first.start == 0:
            task.title = cand
    if not task.title:
        task.title = text.strip().split("\n")[0][:20]
    task.sentences = sents


def _row_sentences(row: IndicatorRow) -> None:
    name_end = row.text.index("\t") if "\t" in row.text else len(row.text)
    s1 = [Sentence(id=f"{row.id}.s1", text=row.text[:name_end].strip(), start=0, end=len(row.text[:name_end].rstrip()))]
    tail = row.text[name_end:]
    rest = split_sentences(tail, row.id, base=name_end, start_index=2)
    row.sentences = [s for s in s1 if s.text] + rest
    for i, s in enumerate(row.sentences, 1):
        s.id = f"{row.id}.s{i}"
