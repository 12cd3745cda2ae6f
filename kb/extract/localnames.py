"""Local counterparts of State Council departments, by pattern rather than enumeration.

``kb/extract/lexicon/actors.patterns.tsv`` rows are ``prefix-class<TAB>department stem<TAB>canonical
stem<TAB>note``: a level word (省, 自治区, 市, 区, 县, ...) followed by a stem names a local body
(省发改委, 上海市人社局, 浦东新区建设管理委). :func:`local_actor` gives the canonical name of
such a name (省发改委 -> 省发展改革委, 市人社局 -> 市人力资源社会保障局); :func:`find_local`
finds them in a text for the matcher, which reads them as the generic entity named in the note
(``ACTOR:发展改革部门``) and not as the national body whose short form is the stem (发改委).
Plain Python, no jieba or spaCy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kb.errors import KBError

PATTERNS_FILE = Path(__file__).resolve().parent / "lexicon" / "actors.patterns.tsv"
PREFIX_CLASSES = {
    "省级": ("省", "自治区"),
    "市县级": ("市", "区", "县", "州", "盟", "旗"),
}
PREFIX_CLASSES["各级"] = PREFIX_CLASSES["省级"] + PREFIX_CLASSES["市县级"]
_ENTITY = re.compile(r"^(ACTOR:\S+)")


@dataclass(frozen=True)
class Pattern:
    prefixes: tuple[str, ...]
    stem: str
    canonical: str
    entity: str = ""  # generic lexicon entity ("ACTOR:发展改革部门"), or ""
    note: str = ""


@dataclass(frozen=True)
class LocalName:
    start: int  # of the level word (省 in 省发改委)
    stem_start: int
    end: int
    text: str
    canonical: str  # 省发展改革委
    entity: str


def parse_patterns(path: Path) -> list[Pattern]:
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = (line.split("\t") + [""] * 4)[:4]
        cls, stem, canon, note = (c.strip() for c in cells)
        if cls in PREFIX_CLASSES:
            prefixes = PREFIX_CLASSES[cls]
        else:
            prefixes = tuple(p for p in cls.split("|") if p)
        if not prefixes or not stem or not canon:
            raise KBError(f"{path}:{n}: expected 'prefix-class<TAB>stem<TAB>canonical stem<TAB>note'")
        m = _ENTITY.match(note)
        out.append(Pattern(prefixes, stem, canon, m.group(1) if m else "", note))
    return out


class LocalNames:
    def __init__(self, patterns: list[Pattern]):
        self.patterns = patterns
        self.by_stem: dict[str, list[Pattern]] = {}
        for p in patterns:
            self.by_stem.setdefault(p.stem, []).append(p)
        prefixes = sorted({x for p in patterns for x in p.prefixes}, key=lambda x: (-len(x), x))
        stems = sorted(self.by_stem, key=lambda x: (-len(x), x))
        # a level word then a stem; the lookahead lets 市 in 市市场监管局 be both prefix and the
        # start of the next candidate
        self.regex = (
            re.compile(f"(?=({'|'.join(map(re.escape, prefixes))})({'|'.join(map(re.escape, stems))}))")
            if patterns
            else None
        )

    def _pattern(self, text_before: str, stem: str) -> tuple[str, Pattern] | None:
        """The pattern for ``stem`` whose level word ends ``text_before`` (longest level word
        first: 自治区 before 区)."""
        for p in self.by_stem.get(stem, ()):
            for pre in sorted(p.prefixes, key=len, reverse=True):
                if text_before.endswith(pre):
                    return pre, p
        return None

    def local_actor(self, name: str) -> str | None:
        """Canonical form of a local body's name, or None when ``name`` is not one:
        省发改委 -> 省发展改革委; 上海市人社局 -> 上海市人力资源社会保障局; 发改委 -> None
        (national); 区财政厅 -> None (a 厅 is provincial)."""
        name = (name or "").strip()
        for stem in sorted(self.by_stem, key=len, reverse=True):
            if name.endswith(stem) and len(name) > len(stem):
                head = name[: -len(stem)]
                found = self._pattern(head, stem)
                if found:
                    return head + found[1].canonical
        return None

    def find(self, text: str) -> list[LocalName]:
        """Level word + stem in ``text`` (the level word only: a place name before it, as in
        上海市, is not part of the span)."""
        if not self.regex:
            return []
        out = []
        for m in self.regex.finditer(text):
            pre_end = m.end(1)
            # the longest stem at this position that has a pattern for the level word found
            for stem in sorted((s for s in self.by_stem if text.startswith(s, pre_end)), key=len, reverse=True):
                found = self._pattern(text[m.start(1) : pre_end], stem)
                if found:
                    pre, p = found
                    start = pre_end - len(pre)
                    end = pre_end + len(stem)
                    out.append(LocalName(start, pre_end, end, text[start:end], pre + p.canonical, p.entity))
                    break
        # 自治区 and 区 both start a candidate ending at the same place: keep the longer
        best: dict[int, LocalName] = {}
        for ln in out:
            if ln.end not in best or ln.start < best[ln.end].start:
                best[ln.end] = ln
        return sorted(best.values(), key=lambda x: x.start)


@lru_cache(maxsize=4)
def load_local_names(path: str | None = None) -> LocalNames:
    p = Path(path) if path else PATTERNS_FILE
    return LocalNames(parse_patterns(p) if p.exists() else [])


def local_actor(name: str) -> str | None:
    """Canonical name of a local department (省发改委 -> 省发展改革委), None if ``name`` is not
    one, with the patterns of ``kb/extract/lexicon/actors.patterns.tsv``."""
    return load_local_names().local_actor(name)
