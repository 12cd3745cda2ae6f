"""The word lists of discovery (kb/extract/discover.py), read from the lexicon's discover*.tsv:
person and body heads, the modifiers that may or may not start or extend a compound; and the
title patterns of laws."""

from __future__ import annotations

import re
from pathlib import Path

# the word lists are data: kb/extract/lexicon/discover.tsv (general) and discover.<domain>.tsv
# (a domain's own people, bodies and facilities), rows ``list<TAB>word``
LISTS_DIR = Path(__file__).resolve().parent / "lexicon"


def _load() -> dict[str, list[str]]:
    lists: dict[str, list[str]] = {}
    for f in sorted(LISTS_DIR.glob("discover*.tsv")):
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                name, word = line.split("\t")[:2]
                lists.setdefault(name, []).append(word)
    return lists


_L = _load()
GROUP_HEADS = tuple(_L.get("group-head", ()))  # a person head: X职工, X人员, X员
ACTOR_HEADS = tuple(_L.get("actor-head", ()))  # a body head: X部门, X委员会, X企业
STANDALONE_HEADS = set(_L.get("standalone-head", ()))  # heads that name an entity on their own
BODY_PEOPLE = set(_L.get("body-people", ()))  # a body's people: after a body name it stays weak
_MOD_TAGS = set(_L.get("mod-tag", ()))  # POS tags a modifier may carry
_BAD_MODS = set(_L.get("bad-modifier", ()))  # nouns/adjectives that do not name a kind of person or body
_ALLOWED_VERBS = set(_L.get("allowed-verb", ()))  # verbs that may qualify a person (配送, 网约)
_LONGER_NAME = set(_L.get("longer-name", ()))  # after a head: the first half of a longer name
_ACTIVITY = set(_L.get("activity", ()))  # activity nouns after a name (…机构建设)
_BAD_START = set(_L.get("bad-start", ()))  # words that may qualify a name but not open one
_PERSON_R = set(_L.get("person-scope", ()))  # scope words before a person head (各级, 各地)
_LAW_END = re.compile(r"(法|条例|办法|规定|意见|决定|纲要|规划|通知|细则|准则|指引|方案|章程|函|指南|导则|手册|预案)$")
# a title's trailing bracket (（试行）, （2016-2035）, （2025-2035年）) is not its last word
_TITLE_TAIL = re.compile(r"[（(][^（）()]*[）)]$")
# evidence that a quoted phrase names a programme: its own last word (“职工暖心工程”,
# “光盘行动”) or the word right after the quote (“东数西算”工程, “美丽街区”建设)
PROGRAMME_ENDS = tuple(_L.get("programme-end", ()))
PROGRAMME_NEXT = tuple(_L.get("programme-next", ()))
NOT_A_BODY = tuple(_L.get("not-a-body", ()))  # names ending like a body that denote something else
ORGAN_SUFFIX = tuple(_L.get("organ-suffix", ()))  # 国务院|X: X is a body under it (国资委, 办公厅)
_PLAN_NUMBER = re.compile(r"^[一二三四五六七八九十百零两]+[五]?$|^[一二三四五六七八九十]+[个大小新]")
