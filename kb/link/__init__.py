"""The task graph: typed edges with evidence, computed from the model (never from the file).

``link(kb)`` fills ``kb.edges`` and ``IndicatorRow.tasks``. Every edge carries
``evidence = {"unit", "sentence", "text"}`` where ``text`` is a substring of that sentence's
text, so a reader can check it; inferred edges also carry ``rule`` (and ``weight``).

Edge types (DESIGN.md):

``contains``  document -> chapter -> task; document/chapter -> indicator row.
    Evidence is the child's first sentence (its title); for a chapter it is the heading, cited
    with the chapter id as the sentence.

``mentions``  task/row -> entity, one edge per (unit, entity), from ``Unit.mentions`` (the
    extraction stage). ``weight`` is the number of mentions; evidence is the first one.

``measures``  indicator row -> task, rule ``restates``. Each comma/semicolon clause of the
    row's target is compared with every task sentence by IDF-weighted character-bigram
    coverage (digits collapsed, so wording is compared and figures are checked separately).
    A clause links to the task of its best sentence when coverage >= MEASURE_MIN; a clause that
    scores that high against sentences of 3 or more tasks is boilerplate (“十四五”期间,
    到2025年底) and is skipped. Shared figures (value + unit, 万/亿 resolved) break ties.
    Example: 精准服务#5 “全国工会每年组织劳模、职工疗养达到500万人次” -> T19.s7
    (“…职工疗休养达到500万人次…”): the rows and tasks do not match word for word, which is
    why coverage, not equality, is used. A row whose clauses match nothing links to no task
    (素质提升#1, #3, #4: chapter 四 material); ``unmatched_rows`` lists them.

``depends_on``  task A -> task B (A relies on something B establishes). Rules:

    * establish (in B): the object of 建设/建立/健全/打造/制定/设立/组建/搭建/培育/构建/
      建成/创建/设置/孵化/开展/实施/举办, up to the end of the clause, split at 、 — e.g. T28
      “建设全国工会服务平台”, T14 “广泛开展…“阳光就业暖心行动”等活动”; or a nominal
      “加强/推进/… X建设”, e.g. T24 “加强专职集体协商指导员队伍建设” establishes
      专职集体协商指导员队伍.
    * key: a repeated key phrase (see related) inside the object, rare enough for its length:
      in at most 3 tasks with 3+ characters, or in up to a quarter of the tasks with 4+; not a
      generic phrase (GENERIC_KEYS) nor a generic head with a short modifier (保障体系,
      工会系统). A two-character key must occur in only 2 tasks, at least twice in B, and follow
      a use verb directly in A: T18 “深化普法宣传到基层活动” -> T25 “建设全国工会普法资源库”.
    * ``uses``: A's clause with the key has a use/extend verb (USE_VERBS: 依托/利用/通过/发挥/
      完善/加强/深化/落实/叫响/做实…). e.g. T35 “加强对社会化工会工作者、专职集体协商指导员
      等的统筹管理” -> T24; T22 “继续叫响做实…阳光就业…” -> T14.
    * ``builds-on``: A establishes something of its own with the key as a modifier (4+
      characters), e.g. T30 “参与举办国家网络安全宣传周” builds on T29's “…网络安全保护”
      (T29 “加强工会网络安全保障体系建设”). When the key is the core of A's own object, both tasks set the same thing
      up: that is parallel work, not a dependency, and no edge is made.
    * ``mentions``: A names the key without a use verb, e.g. T36 “…理顺产业工会与地方工会…”
      names 产业工会, whose 工作评价体系 T37 sets up.
    Each task keeps its DEPENDS_K strongest edges (by weight), so the graph grows linearly.
    One edge per ordered pair with the strongest evidence (rule, then longer, then rarer key);
    when both A -> B and B -> A were found, only the stronger direction is kept. ``weight`` =
    rule rank + IDF of the key. Evidence cites A's sentence and key; ``establishes`` cites B's.

``related``  task <-> task (stored once, earlier task as source), rule ``shared-terms``.
    Terms are the entities a task mentions (extraction stage) and its repeated key phrases:
    runs of 1-6 jieba words within a clause that do not start or end with a stop word, reduced
    to *closed* phrases (a phrase is dropped when a longer one occurs in exactly the same tasks).
    weight = sum over shared terms of IDF(term) * min(len, 6), where IDF = log(N / tasks with
    the term); terms in more than a third of the tasks are ignored. Each task keeps its
    RELATED_K best partners (an edge is kept if either end chose it). e.g. T22 and T14 share
    阳光就业 (2 of 24 tasks).
"""
from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from kb.link.text import (
    BigramIDF,
    PhraseTable,
    bigrams,
    clauses,
    figures,
    longest_common,
    unit_phrases,
)
from kb.model import KB, Document, Edge, Sentence, Unit

EDGE_TYPES = ("contains", "measures", "depends_on", "mentions", "related")
MEASURE_MIN = 0.6  # clause coverage for a row -> task link (true links score >= 0.86 on the seed)
BOILERPLATE_TASKS = 3
RELATED_K = 6
DEPENDS_K = 8  # the seed's busiest task relies on 7
RELATED_MAX_DF = 1 / 3
GENERIC_KEYS = frozenset(["全国工会", "各级工会", "工会组织", "基层工会", "工会工作", "工作机制", "制度机制", "服务职工", "长效机制", "体系建设", "职工群众", "工会干部", "社会资源", "全覆盖"])
ESTABLISH_VERBS = "建设|建立|健全|打造|制定|设立|组建|搭建|培育|构建|建成|创建|设置|孵化|开展|实施|举办"
USE_VERBS = ("依托", "利用", "通过", "发挥", "完善", "加强", "深化", "用好", "落实", "推广", "对接", "衔接",
             "统筹", "管理", "参与", "配合", "叫响", "做实", "做强", "开展")
_EST_RE = re.compile(r"(?:" + ESTABLISH_VERBS + r")(?:(?:和|并|与)?(?:完善|健全|推进|规范|壮大|孵化))?"
                     r"(?!和谐)([^,，;；。]{2,60})")
_EST_NOMINAL_RE = re.compile(r"(?:加强|推进|推动|促进|深化|加快|规范|强化|完善|开展|做好)"
                             r"([^,，;；。]{2,40}?)(?:的)?建设(?=[,，;；。、]|$|工作|质量)")
RULE_RANK = {"uses": 3, "builds-on": 3, "mentions": 2}
# heads that make a key generic when little stands before them: 保障体系, 工会系统, 法律服务
GENERIC_HEADS = ("体系", "机制", "制度", "平台", "系统", "网络", "服务", "工作", "建设", "法规", "政策", "队伍",
                 "活动", "项目", "能力", "水平", "格局", "阵地", "站点", "意见", "办法")


# --------------------------------------------------------------------------- ids


@dataclass
class _Ids:
    """Bare ids for a one-document KB; ``doc/`` prefixed ids when there are several."""

    multi: bool

    def __call__(self, doc: Document, local: str) -> str:
        return f"{doc.id}/{local}" if self.multi else local


def _ev(ids: _Ids, doc: Document, unit: str, sentence: str, text: str, **extra) -> dict:
    ev = {"unit": ids(doc, unit), "sentence": ids(doc, sentence), "text": text}
    ev.update(extra)
    return ev


def _sentence_with(u: Unit, text: str) -> Sentence | None:
    return next((s for s in u.sentences if text and text in s.text), None)


# --------------------------------------------------------------------------- link


def link(kb: KB) -> KB:
    """Replace the graph's edges in ``kb`` (idempotent) and fill ``IndicatorRow.tasks``."""
    multi = len(kb.documents) > 1
    edges: list[Edge] = [e for e in kb.edges if e.type not in EDGE_TYPES]
    for doc in kb.documents:
        edges += link_document(doc, multi)
    kb.edges = edges
    return kb


def link_document(doc: Document, multi: bool) -> list[Edge]:
    """The edges of one document (every edge stays inside its document, or points at a global
    entity id), so a build can link each document in a worker and cache the result. ``multi``:
    the KB has several documents, so ids carry the ``doc/`` prefix."""
    ids = _Ids(multi)
    edges = _contains(ids, doc) + _mentions(ids, doc) + _measures(ids, doc)
    units = _task_units(doc)
    if len(units) >= 2:
        table = PhraseTable({u.id: unit_phrases(u.sentences) for u in units})
        edges += _depends_on(ids, doc, units, table)
        edges += _related(ids, doc, units, table)
    return edges


def _task_units(doc: Document) -> list[Unit]:
    """Tasks, or prose paragraphs for a plan without numbered tasks."""
    return list(doc.tasks) if doc.tasks else list(doc.paragraphs)


def unmatched_rows(kb: KB) -> list[str]:
    ids = _Ids(len(kb.documents) > 1)
    return [ids(d, r.id) for d in kb.documents for t in d.indicator_tables for r in t.rows if not r.tasks]


# --------------------------------------------------------------------------- contains, mentions


def _contains(ids: _Ids, doc: Document) -> list[Edge]:
    out = []
    chapters = {c.id: c for c in doc.chapters}
    for c in doc.chapters:
        parent = ids(doc, c.parent) if c.parent in chapters else doc.id
        text = c.title or c.label
        out.append(Edge(parent, ids(doc, c.id), "contains",
                        _ev(ids, doc, c.id, c.id, text)))
    for t in [*doc.tasks, *doc.paragraphs]:
        parent = ids(doc, t.chapter) if t.chapter in chapters else doc.id
        if t.sentences:
            s = t.sentences[0]
            out.append(Edge(parent, ids(doc, t.id), "contains", _ev(ids, doc, t.id, s.id, s.text)))
    for tb in doc.indicator_tables:
        parent = ids(doc, tb.chapter) if tb.chapter in chapters else doc.id
        for r in tb.rows:
            if r.sentences:
                s = r.sentences[0]
                out.append(Edge(parent, ids(doc, r.id), "contains", _ev(ids, doc, r.id, s.id, s.text)))
    return out


def _mentions(ids: _Ids, doc: Document) -> list[Edge]:
    out = []
    for u in doc.units():
        first: dict[str, object] = {}
        count: dict[str, int] = defaultdict(int)
        for m in u.mentions:
            count[m.entity] += 1
            first.setdefault(m.entity, m)
        for ent, m in first.items():
            s = next((s for s in u.sentences if s.id == m.sentence), None)
            if s is None or m.text not in s.text:
                s = _sentence_with(u, m.text)
            if s is None:
                continue  # a mention we cannot cite is not shown as an edge
            out.append(Edge(ids(doc, u.id), ent, "mentions", _ev(ids, doc, u.id, s.id, m.text),
                            weight=float(count[ent])))
    return out


# --------------------------------------------------------------------------- measures


@dataclass
class ClauseMatch:
    row: str
    clause: str
    row_sentence: str
    task: str
    sentence: Sentence
    score: float
    shared_figures: list[str] = field(default_factory=list)


def match_rows(doc: Document) -> dict[str, list[ClauseMatch]]:
    """Row id -> the clause matches that link it to tasks (best sentence per clause)."""
    sents = [(t, s) for t in _task_units(doc) for s in t.sentences]
    idf = BigramIDF(s.text for _, s in sents)
    sent_figs = {s.id: {f.key for f in figures(s.text)} for _, s in sents}
    sent_bg = {s.id: bigrams(s.text) for _, s in sents}
    # bigram -> sentences holding it: a clause is scored only against sentences it shares
    # words with (comparing every clause with every sentence was quadratic on long plans)
    postings: dict[str, list[int]] = defaultdict(list)
    for i, (_, s) in enumerate(sents):
        for b in sent_bg[s.id]:
            postings[b].append(i)
    out: dict[str, list[ClauseMatch]] = {}
    for tb in doc.indicator_tables:
        for r in tb.rows:
            found: list[ClauseMatch] = []
            for rs in r.sentences:
                if rs.text == r.name and len(r.sentences) > 1:
                    continue  # the row's name is a label, its target cell is what is restated
                for ctext, _, _ in clauses(rs.text):
                    m = _match_clause(ctext, sents, idf, sent_figs, sent_bg, postings)
                    if m:
                        found.append(ClauseMatch(r.id, ctext, rs.id, m[0].id, m[1], m[2], m[3]))
            out[r.id] = found
    return out


def _match_clause(ctext, sents, idf: BigramIDF, sent_figs, sent_bg, postings):
    cb = bigrams(ctext)
    if len(cb) < 4:
        return None  # too short to say anything (到2025年底, “十四五”期间)
    tot = idf.weight(cb)
    if not tot:
        return None
    cfigs = {f.key: f.text for f in figures(ctext)}
    acc: dict[int, float] = defaultdict(float)
    for b in cb:
        w = idf.idf(b)
        for i in postings.get(b, ()):
            acc[i] += w
    # a small margin so float summation order never drops a sentence at the threshold; the
    # exact coverage is computed below as before
    candidates = sorted(i for i, w in acc.items() if w / tot >= MEASURE_MIN - 1e-9)
    scored = []
    for t, s in (sents[i] for i in candidates):
        cov = idf.weight(cb & sent_bg[s.id]) / tot
        if cov < MEASURE_MIN:
            continue
        shared = [txt for k, txt in cfigs.items() if k in sent_figs[s.id]]
        scored.append((cov + 0.05 * len(shared), cov, t, s, shared))
    if not scored:
        return None
    if len({t.id for _, _, t, _, _ in scored}) >= BOILERPLATE_TASKS:
        return None
    scored.sort(key=lambda x: (-x[0], x[3].id))
    _, cov, t, s, shared = scored[0]
    return t, s, round(cov, 3), shared


def _measures(ids: _Ids, doc: Document) -> list[Edge]:
    out = []
    matches = match_rows(doc)
    for tb in doc.indicator_tables:
        for r in tb.rows:
            best: dict[str, ClauseMatch] = {}
            order: list[str] = []
            for m in matches.get(r.id, []):
                if m.task not in best:
                    order.append(m.task)
                if m.task not in best or (m.score, len(m.shared_figures)) > (best[m.task].score,
                                                                           len(best[m.task].shared_figures)):
                    best[m.task] = m
            r.tasks = list(order)  # local ids: a row and its tasks are in one document
            for t in order:
                m = best[t]
                common = longest_common(m.clause, m.sentence.text)
                out.append(Edge(ids(doc, r.id), ids(doc, t), "measures",
                                _ev(ids, doc, t, m.sentence.id, common,
                                    row={"unit": ids(doc, r.id), "sentence": ids(doc, m.row_sentence),
                                         "text": m.clause},
                                    figures=m.shared_figures),
                                rule="restates", weight=m.score))
    return out


# --------------------------------------------------------------------------- depends_on


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
        if any(v in clause[max(0, at - 2 - len(v)):at] for v in USE_VERBS):
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
            keys = {e.obj[i:j] for i in range(len(e.obj)) for j in range(i + 2, len(e.obj) + 1)}
            keys = sorted(p for p in keys if p in table.units
                          and _key_ok(p, table.df(p), table.n, text_b.count(p) >= 2))
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
        out.append(Edge(ids(doc, a), ids(doc, b), "depends_on",
                        _ev(ids, doc, a, s.id, key,
                            establishes={"unit": ids(doc, b), "sentence": ids(doc, e.sentence.id),
                                         "text": e.obj}),
                        rule=rule, weight=round(w, 3)))
    # at most DEPENDS_K per task, the best supported: on long plans whose tasks share many
    # phrases the pairs grow with the square of the tasks (20 synthetic plans gave 40,000 edges)
    by_source: dict[str, list[Edge]] = defaultdict(list)
    for e in out:
        by_source[e.source].append(e)
    keep = {id(e) for es in by_source.values()
            for e in sorted(es, key=lambda e: (-(e.weight or 0), e.target))[:DEPENDS_K]}
    return [e for e in out if id(e) in keep]


# --------------------------------------------------------------------------- related


def related_weight(n: int, df: int, text: str) -> float:
    return math.log(n / df) * min(len(text), 6)


def _related(ids: _Ids, doc: Document, units: list[Unit], table: PhraseTable) -> list[Edge]:
    n = len(units)
    max_df = max(2, int(n * RELATED_MAX_DF))
    # term -> {unit: (sentence id, text)}; entities first so a phrase equal to a name is not counted twice
    terms: dict[str, dict[str, tuple[str, str]]] = defaultdict(dict)
    names: dict[str, str] = {}
    for u in units:
        for m in u.mentions:
            terms["E:" + m.entity].setdefault(u.id, (m.sentence, m.text))
            names["E:" + m.entity] = m.text
    named = set(names.values())
    for p, us in table.units.items():
        if p in named:
            continue
        for uid in us:
            sid = table.sentence(uid, p)
            if sid:
                terms["P:" + p][uid] = (sid, p)
    pair_terms: dict[tuple[str, str], list[tuple[float, str]]] = defaultdict(list)
    order = {u.id: i for i, u in enumerate(units)}
    for term, occ in terms.items():
        df = len(occ)
        if df < 2 or df > max_df:
            continue
        text = names.get(term, term[2:])
        w = related_weight(n, df, text)
        us = sorted(occ, key=order.get)
        for i, a in enumerate(us):
            for b in us[i + 1:]:
                pair_terms[(a, b)].append((w, term))
    score = {k: sum(w for w, _ in v) for k, v in pair_terms.items()}
    per_unit: dict[str, list] = defaultdict(list)
    for k, sc in score.items():
        per_unit[k[0]].append((sc, k))
        per_unit[k[1]].append((sc, k))
    keep: set[tuple[str, str]] = set()
    for u in units:
        mine = per_unit.get(u.id, [])
        mine.sort(key=lambda x: (-x[0], order[x[1][0]], order[x[1][1]]))
        keep.update(k for _, k in mine[:RELATED_K])
    out = []
    by_id = {u.id: u for u in units}
    for a, b in sorted(keep, key=lambda k: (order[k[0]], order[k[1]])):
        shared = sorted(pair_terms[(a, b)], key=lambda x: (-x[0], x[1]))
        w, top = shared[0]
        sid_a, text_a = terms[top][a]
        sid_b, text_b = terms[top][b]
        s_a = next((s for s in by_id[a].sentences if s.id == sid_a), None)
        if s_a is None or text_a not in s_a.text:
            continue
        out.append(Edge(ids(doc, a), ids(doc, b), "related",
                        _ev(ids, doc, a, sid_a, text_a,
                            other={"unit": ids(doc, b), "sentence": ids(doc, sid_b), "text": text_b},
                            shared=[names.get(t, t[2:]) for _, t in shared[:8]]),
                        rule="shared-terms", weight=round(score[(a, b)], 3)))
    return out


def links_of(kb: KB, types: Iterable[str]) -> list[Edge]:
    ts = set(types)
    return [e for e in kb.edges if e.type in ts]


# the query/export half lives in kb.graph.io (networkx is imported there, lazily)
def write_graph(kb: KB, path) -> None:
    from kb.graph.io import write_graph as _w

    _w(kb, path)


def load_graph(gen_folder):
    from kb.graph.io import load_graph as _l

    return _l(gen_folder)
