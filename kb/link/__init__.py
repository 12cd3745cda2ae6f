"""The task graph: typed edges with evidence, computed from the model (never from the file).

``link(kb)`` fills ``kb.edges`` and ``IndicatorRow.tasks``. Every edge carries
``evidence = {"unit", "sentence", "text"}`` where ``text`` is a substring of that sentence's
text, so a reader can check it; inferred edges also carry ``rule`` (and ``weight``).

Edge types (docs/design.md):

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

from collections.abc import Iterable

from kb.link.common import _Ids, _task_units
from kb.link.dependencies import _depends_on
from kb.link.measures import _measures
from kb.link.related import _related
from kb.link.structure import _contains, _mentions
from kb.link.text import PhraseTable, unit_phrases
from kb.model import KB, Document, Edge

EDGE_TYPES = ("contains", "measures", "depends_on", "mentions", "related")


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


def unmatched_rows(kb: KB) -> list[str]:
    ids = _Ids(len(kb.documents) > 1)
    return [ids(d, r.id) for d in kb.documents for t in d.indicator_tables for r in t.rows if not r.tasks]


def links_of(kb: KB, types: Iterable[str]) -> list[Edge]:
    ts = set(types)
    return [e for e in kb.edges if e.type in ts]
