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

``depends_on``  task A -> task B: A uses a specific thing B establishes, and the text names it
    (kb.link.dependencies has the rules; precision first, no per-plan word lists):

    * B establishes a thing: the object of 建设/建立/健全/完善/打造/制定/组建/搭建/设立/构建/编制…
      (as a verb, not 海绵城市建设) or of “加强/推进 X建设”, ending in a thing head (平台/系统/机制/
      制度/基金/队伍/标准/数据库/中心/网络…) or a quoted “…”/《…》 name, with a modifier that is
      specific after scope words (全国/各级/工会系统) and generic adjectives (常态化/现代化/工作…) go.
    * A refers to it: its full name, a quoted short form (全总“工会云” -> 工会云), a 《办法》 B runs
      by its short form (T15 “工会劳动法律监督” -> T24 “落实《工会劳动法律监督办法》”), or a long
      core (T35 “…专职集体协商指导员等的统筹管理” -> T24 “加强专职集体协商指导员队伍建设”); a
      short core or a generic name only after a use verb (依托/利用/通过/基于/借助/运用/发挥…). A name
      in more than MAX_DF tasks is a topic word. When A sets the same thing up itself (建设 X, X建设
      工程), the two are parallel work: no edge. Rules ``uses`` / ``same-name`` / ``short-form``.
    * ``serves``: B says its output serves work A plans (T27 “为加强工会精准服务…提供技术和数据
      支撑” -> T21 “以精准服务为导向”, T28 “推行网上普惠服务精准化”); sectors are not work.
    * ``support-layer``: B's title calls it the support layer (T29 “…工会网信基础支撑体系”); tasks
      of its chapter that build a platform or system (T27, T28) depend on it.
    * ``uses-head``: A names B's platform/team/station by its head after a use verb, with B's own
      words before the head (依托…监管平台); skipped when the head fits things of two tasks.
    * ``work-of``: B builds a resource for some work (a team, platform, station, library, base:
      T24 “专职集体协商指导员队伍” is for 集体协商, T25 “普法资源库” for 普法, T21 “帮扶工作智能化
      平台” for 帮扶) and A carries that work out after a work verb (T14 “开展工资集体协商”, T18
      “深化普法宣传”), not as the modifier of another thing, without a resource of its own for it;
      work that more than MAX_DF-1 tasks do is the plan's topic. Groups served (户外劳动者) and
      generic work (服务, 管理) are not work.
    * ``legal-basis``: B drafts a law or regulation (推动制定《集体合同法》) and A carries out what it
      governs (T24 “签订集体合同率”), same work-verb test.
    * ``by-law``: B drafts or revises a law (推动和参与《工会法》修订完善) and A acts 依法/依规 on what
      it names, written after 依法 (T36 “依法规范建立工会组织”; not T32 “港澳工会依法开展…”, a body
      acting under its own law).
    * ``level-body``: B sets up a body at some levels (T36 “区域性、行业性工会联合会”) and A carries
      out work at exactly those levels (T24 “大力推进行业性、区域性集体协商”): the body is the party
      such work needs.
    * ``work-of`` also counts work done at a resource of B's kind (vocational T12 “教师…在企业或
      实训基地实训” -> T11 “打造一批高水平实训基地”).
    * ``online`` / ``data-hub``: the plan has one general online service platform (T28 “全国工会
      服务平台”, its sentence or title says 网上/互联网) or one general data-resource system (T27
      “工会数据资源管理体系”; a kind of data such as 公共数据 limits it to work on that kind); a
      task that offers a service online (T36 “推行网上申请入会”) or shares data (T30 “推动工会网站
      数据共享交换”) and builds no platform/data system of its own depends on it.
    * Only task units: units under review/形势/指导思想/基本原则/目标/保障措施 chapters, and prose
      before the first chapter, are skipped. Chronology: a clause due in an earlier year than B's
      establishing clause does not depend on it. Two-way pairs stand when they rest on different
      outputs. Evidence: A's clause (unit, sentence, text, ``name``) and ``establishes`` = B's
      establishing clause (unit, sentence, text, ``name``). ``kb graph why A B`` replays the rules.

``refers_to``  unit -> unit/chapter/table, rule ``explicit-reference``: 见专栏N, 见表N/见附表N (the
    table printed with that label: jiading C一.p “…达标评估计划见表1” -> 表1), 本规划第X部分/章,
    上述/前述 + a thing an earlier unit establishes, made only when the target resolves.

``related``  task <-> task (stored once, earlier task as source), rule ``shared-terms``.
    Terms are the entities a task mentions (extraction stage) and its repeated key phrases:
    runs of 1-6 jieba words within a clause that do not start or end with a stop word, reduced
    to *closed* phrases (a phrase is dropped when a longer one occurs in exactly the same tasks).
    weight = sum over shared terms of IDF(term) * min(len, 6), where IDF = log(N / tasks with
    the term); terms in more than a third of the tasks (or in more than RELATED_MAX_TASKS = 200
    of them, on plans of thousands of tasks) are ignored. Each task keeps its
    RELATED_K best partners (an edge is kept if either end chose it). e.g. T22 and T14 share
    阳光就业 (2 of 24 tasks).
"""

from __future__ import annotations

from collections.abc import Iterable

from kb.link.common import _Ids, _task_units
from kb.link.dependencies import _depends_on
from kb.link.measures import _measures
from kb.link.related import _related
from kb.link.structure import _contains, _illustrates, _mentions, _refers_to, _responsible
from kb.link.text import PhraseTable, unit_phrases
from kb.model import KB, Document, Edge

EDGE_TYPES = (
    "contains",
    "measures",
    "depends_on",
    "refers_to",
    "illustrates",
    "leads",
    "supports",
    "mentions",
    "related",
)


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
    edges = _contains(ids, doc) + _mentions(ids, doc) + _measures(ids, doc) + _refers_to(ids, doc)
    edges += _illustrates(ids, doc) + _responsible(ids, doc)
    units = _task_units(doc)
    if len(units) >= 2:
        table = PhraseTable({u.id: unit_phrases(u.sentences) for u in units})
        edges += _depends_on(ids, doc, units)
        edges += _related(ids, doc, units, table)
    return edges


def mention_edges(doc: Document, multi: bool) -> list[Edge]:
    """The ``mentions`` edges of one document, as :func:`link_document` makes them (kb.json keeps
    them as one reference per document and its reader makes them again from the units)."""
    return _mentions(_Ids(multi), doc)


def contains_edges(doc: Document, multi: bool) -> list[Edge]:
    """The ``contains`` edges of one document, as :func:`link_document` makes them (kept in
    kb.json as :func:`mention_edges` are)."""
    return _contains(_Ids(multi), doc)


def unmatched_rows(kb: KB) -> list[str]:
    ids = _Ids(len(kb.documents) > 1)
    return [ids(d, r.id) for d in kb.documents for t in d.indicator_tables for r in t.rows if not r.tasks]


def links_of(kb: KB, types: Iterable[str]) -> list[Edge]:
    ts = set(types)
    return [e for e in kb.edges if e.type in ts]
