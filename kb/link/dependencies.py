"""``depends_on`` edges: task A relies on something task B establishes (see kb.link's docstring)."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass

from kb.link.common import _ev, _Ids
from kb.link.text import PhraseTable, clauses
from kb.model import Document, Edge, Sentence, Unit

DEPENDS_K = 8  # the seed's busiest task relies on 7
GENERIC_KEYS = frozenset(
    [
        "全国工会",
        "各级工会",
        "工会组织",
        "基层工会",
        "工会工作",
        "工作机制",
        "制度机制",
        "服务职工",
        "长效机制",
        "体系建设",
        "职工群众",
        "工会干部",
        "社会资源",
        "全覆盖",
    ]
)
ESTABLISH_VERBS = "建设|建立|健全|打造|制定|设立|组建|搭建|培育|构建|建成|创建|设置|孵化|开展|实施|举办"
USE_VERBS = (
    "依托",
    "利用",
    "通过",
    "发挥",
    "完善",
    "加强",
    "深化",
    "用好",
    "落实",
    "推广",
    "对接",
    "衔接",
    "统筹",
    "管理",
    "参与",
    "配合",
    "叫响",
    "做实",
    "做强",
    "开展",
)
_EST_RE = re.compile(
    r"(?:" + ESTABLISH_VERBS + r")(?:(?:和|并|与)?(?:完善|健全|推进|规范|壮大|孵化))?"
    r"(?!和谐)([^,，;；。]{2,60})"
)
_EST_NOMINAL_RE = re.compile(
    r"(?:加强|推进|推动|促进|深化|加快|规范|强化|完善|开展|做好)"
    r"([^,，;；。]{2,40}?)(?:的)?建设(?=[,，;；。、]|$|工作|质量)"
)
RULE_RANK = {"uses": 3, "builds-on": 3, "mentions": 2}
# heads that make a key generic when little stands before them: 保障体系, 工会系统, 法律服务
GENERIC_HEADS = (
    "体系",
    "机制",
    "制度",
    "平台",
    "系统",
    "网络",
    "服务",
    "工作",
    "建设",
    "法规",
    "政策",
    "队伍",
    "活动",
    "项目",
    "能力",
    "水平",
    "格局",
    "阵地",
    "站点",
    "意见",
    "办法",
)


@dataclass
class Established:
    unit: str
    sentence: Sentence
    obj: str  # the object as written (a substring of the sentence)


def established(u: Unit) -> list[Established]:
    """What a unit sets up: objects of establishing verbs, and nominal “加强… X建设”."""
    out = []
    for s in u.sentences:
        for m in _EST_RE.finditer(s.text):
            for item in m.group(1).split("、"):
                item = item.strip()
                if len(item) >= 2:
                    out.append(Established(u.id, s, item))
        for m in _EST_NOMINAL_RE.finditer(s.text):
            for item in m.group(1).split("、"):
                if len(item) >= 2:
                    out.append(Established(u.id, s, item))
    return out


def _key_ok(p: str, df: int, n: int, salient: bool = False) -> bool:
    if p in GENERIC_KEYS or df < 2:
        return False
    if len(p) == 2:
        return df == 2 and salient
    head = next((h for h in GENERIC_HEADS if p.endswith(h)), None)
    if head and len(p) - len(head) < 3:
        return False
    if df <= 3:
        return len(p) >= 3
    return len(p) >= 4 and df <= max(4, n // 4)


def _core(obj: str) -> str:
    """The object without a trailing generic head (评议职工之家制度 -> 评议职工之家)."""
    for h in GENERIC_HEADS:
        if obj.endswith(h) and len(obj) > len(h):
            return obj[: -len(h)]
    return obj


def _clause_of(text: str, start: int) -> str:
    for c, a, b in clauses(text):
        if a <= start < b:
            return c
    return text


def _usage(ua: Unit, key: str, own_objects: list[str]):
    s = next((s for s in ua.sentences if key in s.text), None)
    if s is None:
        return None
    clause = _clause_of(s.text, s.text.index(key))
    own = [o for o in own_objects if key in o]
    if own and any(_core(o).endswith(key) for o in own):
        return None  # A sets up the same thing itself: parallel, not a dependency
    if own:
        return ("builds-on", s) if len(key) >= 4 else None
    if len(key) == 2:
        # a two-character key counts only right after a use verb (深化普法宣传)
        at = clause.find(key)
        if any(v in clause[max(0, at - 2 - len(v)) : at] for v in USE_VERBS):
            return ("uses", s)
        return None
    return ("uses" if any(v in clause for v in USE_VERBS) else "mentions", s)


def _depends_on(ids: _Ids, doc: Document, units: list[Unit], table: PhraseTable) -> list[Edge]:
    est = {u.id: established(u) for u in units}
    by_id = {u.id: u for u in units}
    own_objects = {uid: [e.obj for e in es] for uid, es in est.items()}
    usage: dict[tuple[str, str], tuple | None] = {}

    def use_of(a: str, key: str):
        """How unit ``a`` uses ``key``: (rule, sentence) or None; cached, it does not depend on B."""
        if (a, key) not in usage:
            usage[(a, key)] = _usage(by_id[a], key, own_objects[a])
        return usage[(a, key)]

    best: dict[tuple[str, str], tuple] = {}
    for b, items in est.items():
        text_b = by_id[b].text
        for e in items:
            subs = {e.obj[i:j] for i in range(len(e.obj)) for j in range(i + 2, len(e.obj) + 1)}
            keys = sorted(
                p for p in subs if p in table.units and _key_ok(p, table.df(p), table.n, text_b.count(p) >= 2)
            )
            for key in keys:
                for a in sorted(table.units[key]):
                    if a == b:
                        continue
                    found = use_of(a, key)
                    if found is None:
                        continue
                    rule, s = found
                    strength = (RULE_RANK[rule], len(key), -table.df(key))
                    cand = (strength, key, s, e, rule)
                    if (a, b) not in best or cand[0] > best[(a, b)][0]:
                        best[(a, b)] = cand
    out = []
    for (a, b), (strength, key, s, e, rule) in sorted(best.items()):
        rev = best.get((b, a))
        if rev and (rev[0], b) > (strength, a):
            continue  # the other direction is better supported
        w = RULE_RANK[rule] + math.log(table.n / table.df(key))
        out.append(
            Edge(
                ids(doc, a),
                ids(doc, b),
                "depends_on",
                _ev(
                    ids,
                    doc,
                    a,
                    s.id,
                    key,
                    establishes={"unit": ids(doc, b), "sentence": ids(doc, e.sentence.id), "text": e.obj},
                ),
                rule=rule,
                weight=round(w, 3),
            )
        )
    # at most DEPENDS_K per task, the best supported: on long plans whose tasks share many
    # phrases the pairs grow with the square of the tasks (20 synthetic plans gave 40,000 edges)
    by_source: dict[str, list[Edge]] = defaultdict(list)
    for edge in out:
        by_source[edge.source].append(edge)
    keep = {
        id(e) for es in by_source.values() for e in sorted(es, key=lambda e: (-(e.weight or 0), e.target))[:DEPENDS_K]
    }
    return [e for e in out if id(e) in keep]
