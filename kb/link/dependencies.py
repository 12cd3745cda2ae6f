"""``depends_on`` edges: task A uses a specific thing that task B establishes (precision first).

An edge A -> B (A the user, B the provider) is made only when

1. B *establishes* a specific thing (:func:`established`): the object of an establishing verb
   (建设/建立/健全/完善/打造/制定/组建/搭建/设立/构建/编制/修订…) or of a nominal “加强/推进 X建设”
   that ends in a thing head (平台/系统/机制/制度/基金/队伍/标准/数据库/中心/网络…, HEADS) or
   is a quoted “…” / 《…》 name, and whose core (the name without its head and without scope
   words such as 全国/各级/工会系统) is long enough to be specific;
2. A *refers* to that same thing (:func:`find_reference`): its full name, its core, its quoted
   short form (“工会云”) or, for a 《办法》 that B runs, the title without its legal head
   (《工会劳动法律监督办法》 -> 工会劳动法律监督); a core of 4-5 characters counts only when no
   more than MAX_DF_SHORT tasks contain it (otherwise it is a topic word, not a name);
3. A does not set the same thing up itself (parallel work, not a dependency);
4. chronology holds: A's clause is not due earlier than B's establishing clause.

Two further rules read what B says about itself:

* ``serves``: B states that its output serves some work (“为加强工会精准服务、业务协同…提供技术
  和数据支撑”), and A plans that work (精准服务; 服务精准化 is the same two words swapped);
* ``support-layer``: B's title calls it the support layer (“…基础支撑体系”) and A, in the
  same chapter, builds a platform or system that runs on it.

Rules that read what the work needs (rank 1, after the naming rules):

* ``uses-head``: A names B's platform/team/station by its head after a use verb, with B's
  words before the head (依托…监管平台), and no other task's thing fits;
* ``work-of``: B builds a resource for some work (:func:`~kb.link.things.work_of`: a team,
  platform, station, library or base whose name, without scope words, adjectives and an agent
  suffix, is that work: 专职集体协商指导员队伍 -> 集体协商) and A carries the work out after a
  work verb (开展工资集体协商), not as the modifier of another thing, with no such resource of
  its own; work done by more than MAX_DF-1 tasks is the plan's topic;
* ``legal-basis``: B drafts 《X法/条例/办法》 and A carries out X (签订集体合同);
* ``by-law``: B drafts or revises 《X法》 (also 《X法》修订, the title before its verb) and A acts
  依法/依规 on X, named after 依法 in the same clause (依法规范建立工会组织 for 《工会法》);
* ``level-body``: B sets up a body (联合会/协会/联盟…) at some levels (区域性、行业性) and A carries
  out work at exactly those levels (推进行业性、区域性集体协商);
* ``online`` / ``data-hub``: A offers a service online (推行网上申请入会) or shares data
  (数据共享交换) and builds no platform / data system itself; B is the plan's single general
  online service platform or general data-resource system (of the kind of data A names).

Only task units count: tasks (or paragraphs) under a chapter whose title is a review, situation,
guiding-thought, principle, target or safeguard section (NON_TASK_CHAPTER) are skipped.
Every edge keeps ``rule`` and evidence: A's clause (unit, sentence, text) with ``name`` (what A
names) and ``establishes`` = B's establishing clause (unit, sentence, text) with the thing's
``name``.

What a task establishes (rule 1) is read in :mod:`kb.link.things`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from kb.link.common import _ev, _Ids
from kb.link.text import SubstringIndex, clauses
from kb.link.things import (
    _SUPPORT_TITLE,
    DOTS,
    ESTABLISH_VERBS,
    IT_HEADS,
    LONG_CORE,
    MAX_DF,
    RESOURCE_HEADS,
    RULE_RANK,
    USE_VERBS,
    Thing,
    _year,
    established,
    law_name,
    law_subject,
    task_units,
    work_of,
)
from kb.link.uses import (
    _DATA_KINDS,
    _acts_by_law,
    _data_hub,
    _data_work,
    _does_work,
    _level_work,
    _online_platform,
    _online_work,
    _plans_work,
    _serves,
    _title,
    _used_head,
    bare_core,
    body_levels,
    head_uses,
)
from kb.model import Document, Edge, Sentence, Unit


def _clause_at(text: str, i: int) -> str:
    for c, a, b in clauses(text):
        if a <= i < b:
            return c
    return text


@dataclass
class Reference:
    rule: str
    sentence: Sentence
    clause: str
    form: str


def _own(a_things: list[Thing], form: str, thing: Thing) -> bool:
    """A sets the same thing up itself: one of its own names ends in the form (same core)."""
    for t in a_things:
        if t.name.endswith(form) and t.head:
            return True  # A builds its own 现代职业教育体系 as B builds 职业教育体系
        if form in t.name and (t.core.endswith(form) or form.endswith(t.core) or t.name == thing.name):
            if not t.head or t.head == thing.head or form.endswith(t.head) or t.name.endswith(form):
                return True
    return False


def find_reference(a: Unit, a_things: list[Thing], thing: Thing, df: dict[str, int]) -> tuple[Optional[Reference], str]:
    """How unit ``a`` refers to ``thing``: a Reference, or None with the reason.

    A full name, a quoted short form, a 《title》 and the short form of a title B runs count
    wherever A writes them; a bare core (the name without its head) counts when it is long
    (LONG_CORE characters) or follows a use verb (依托/利用/通过…), and only when at most
    MAX_DF tasks contain it (more make it a topic word)."""
    tried = []
    for form, kind in thing.forms.items():
        n = df.get(form, 0)
        limit = MAX_DF if len(bare_core(thing)) > 4 else MAX_DF - 1
        if kind not in ("title", "title-short") and n > limit:
            if form in a.text:
                tried.append(f"{a.id} names “{form}”, but it is in {n} tasks: a topic word, not a name")
            else:
                tried.append(f"{a.id} does not name “{form}”")
            continue
        hit = None
        for s in a.sentences:
            i = s.text.find(form)
            if i >= 0 and not DOTS.search(s.text):
                hit = (s, i)
                break
        if hit is None:
            tried.append(f"{a.id} does not name “{form}”")
            continue
        s, i = hit
        clause = _clause_at(s.text, i)
        if _own(a_things, form, thing):
            return None, "; ".join([*tried, f"{a.id} sets up “{form}” itself (parallel work)"])
        before = clause[: clause.find(form)] if form in clause else ""
        after = s.text[i + len(form) : i + len(form) + 4]
        verbs = r"(?:" + ESTABLISH_VERBS + r"|编制|制订|形成|塑造)"
        if (
            re.search(verbs + r"(?:和完善|和健全)?(?:起|好)?$", before)
            or re.search(verbs + r"[^,，;；。]*的$", before)
            # 塑造“长三角公共活动中心”: the name closes the object of A's own establishing verb
            or (re.search(verbs + r"[^,，;；。、]{0,8}$", before) and re.match(r"[”」]?(?:[,，;；。]|$)", after))
            or after.startswith(("建设", "工程"))
        ):
            return None, "; ".join([*tried, f"{a.id} sets up “{form}” itself (parallel work, {s.id})"])
        used = any(v in before[-12:] for v in USE_VERBS)
        if (
            kind == "core"
            and not used
            and thing.head
            and not after.startswith(thing.head)
            and re.match(r"[\u4e00-\u9fff]", after)
            and not re.match(r"[等的和与及或]", after)
        ):
            tried.append(f"{a.id} uses “{form}” as the modifier of another thing (“{form}{after}…”, {s.id})")
            continue
        if kind == "core" and not used and len(form) < LONG_CORE:
            tried.append(f"{a.id} names only “{form}” ({s.id}), a short core without a use verb (依托/利用/通过…)")
            continue
        if kind == "generic-name" and not any(before.endswith(v) for v in USE_VERBS):
            tried.append(f"{a.id} names “{form}” ({s.id}) but not as the object of a use verb; the name is generic")
            continue
        rule = "uses" if used else ("same-name" if kind in ("name", "core") else "short-form")
        return Reference(rule, s, clause if form in clause else s.text, form), ""
    return None, "; ".join(tried) or "no form of the name to look for"


@dataclass
class Candidate:
    a: str
    b: str
    rule: str
    a_sentence: Sentence
    a_text: str
    a_name: str
    b_sentence: Sentence
    b_text: str
    b_name: str

    @property
    def rank(self):
        return (RULE_RANK[self.rule], len(self.a_name))


def analyse(doc: Document, units: list[Unit]):
    """Things established per unit, their document frequencies and the serves/support claims."""
    units, things, df, _index = _analyse(doc, units)
    return units, things, df


def _sentence_text(u: Unit) -> str:
    """The unit's sentences in one string (NUL between them, so no name spans two): a name
    occurs in this string exactly when it occurs in one of the sentences."""
    return "\x00".join(s.text for s in u.sentences)


def _analyse(doc: Document, units: list[Unit]):
    units = task_units(doc, units)
    things = {u.id: established(u) for u in units}
    # which units contain a name, by a bigram index rather than a scan of every unit per name
    # (a plan with thousands of tasks and thousands of names would be quadratic)
    in_text = SubstringIndex([u.text for u in units])
    df: dict[str, int] = {}
    for ts in things.values():
        for t in ts:
            for f in t.forms:  # noqa: B007
                if f not in df:
                    df[f] = len(in_text.containing(f))
    # each unit's sentences lie in its text (as the parser makes them): the sentence index then
    # narrows the text index's answers instead of making postings of its own
    # (at its offsets: a search of a huge unit's text for each of its sentences is quadratic)
    inside = all(u.text.startswith(s.text, s.start) or s.text in u.text for u in units for s in u.sentences)
    within = in_text if inside else None
    return units, things, df, SubstringIndex([_sentence_text(u) for u in units], within)


def candidates(doc: Document, units: list[Unit]) -> list[Candidate]:
    units, things, df, in_sentences = _analyse(doc, units)
    by_id = {u.id: u for u in units}
    ids = [u.id for u in units]
    by_chapter: dict[Optional[str], list[str]] = {}
    for u in units:
        by_chapter.setdefault(getattr(u, "chapter", None), []).append(u.id)
    best: dict[tuple[str, str], Candidate] = {}
    used_memo: dict[tuple[str, str, str], tuple | None] = {}
    uses_memo: dict[tuple[str, str], list] = {}
    cores: dict[str, str] = {}

    def used(a: str, y: Thing):
        # _used_head reads only the thing's head and core; the ambiguity check below asks it
        # again for every other task's things of one head, and A's uses of a head are read once
        # for all things of that head
        k = (a, y.head, y.core)
        if k not in used_memo:
            if (a, y.head) not in uses_memo:
                uses_memo[a, y.head] = head_uses(by_id[a], y.head)
            if y.core not in cores:
                cores[y.core] = bare_core(y)
            used_memo[k] = _used_head(uses_memo[a, y.head], cores[y.core])
        return used_memo[k]

    heads: dict[str, list[tuple[str, list[Thing]]]] = {}

    def with_head(head: str) -> list[tuple[str, list[Thing]]]:
        """Each task's things of ``head`` (tasks with none left out)."""
        if head not in heads:
            found = ((x, [y for y in xs if y.head == head]) for x, xs in things.items())
            heads[head] = [(x, ys) for x, ys in found if ys]
        return heads[head]

    def offer(c: Candidate):
        head = re.split(r"[:：。]", by_id[c.a].text, maxsplit=1)[0]
        if 6 <= len(head) <= 20 and re.search(r"(?:工程|项目|行动|计划|专项)$", head) and head in by_id[c.b].text:
            return  # A details a project B names (专栏 “X工程:…” for B's 实施X工程): it illustrates B
        by, ay = _year(c.b_sentence.text), _year(c.a_sentence.text)
        if ay and by and ay < by:
            return  # A is due before B has set the thing up
        k = (c.a, c.b)
        if k not in best or c.rank > best[k].rank:
            best[k] = c

    for b, ts in things.items():
        for t in ts:
            # only units whose sentences hold one of the thing's forms can refer to it (in the
            # order of the units, as a scan of them all would find them)
            # (a form in more tasks than the limit is a topic word and never refers)
            limit = MAX_DF if len(bare_core(t)) > 4 else MAX_DF - 1
            forms = [f for f, kind in t.forms.items() if kind in ("title", "title-short") or df.get(f, 0) <= limit]
            near = sorted({i for form in forms for i in in_sentences.containing(form)})
            for a in (ids[i] for i in near):
                if a == b:
                    continue
                ref, _why = find_reference(by_id[a], things[a], t, df)
                if ref:
                    offer(Candidate(a, b, ref.rule, ref.sentence, ref.clause, ref.form, t.sentence, t.clause, t.name))
        for t in ts:
            for rule in ("uses-head", "work-of", "legal-basis", "by-law"):
                # only tasks whose text holds the work (or the head) can do it: looked up in the
                # index, so a plan of thousands of tasks is not scanned once per thing
                if rule == "uses-head":
                    key = t.head
                    if key not in RESOURCE_HEADS + IT_HEADS:
                        continue  # no task uses it by its head (_used_head)
                elif rule == "by-law":
                    key = law_name(t)
                    if not key:
                        continue
                else:
                    key = work_of(t) if rule == "work-of" else law_subject(t)
                    if not key:
                        continue
                pool = [ids[i] for i in in_sentences.containing(key)] if len(key) >= 2 else list(by_id)
                done: dict[str, tuple] = {}
                for a in pool:
                    if a == b:
                        continue
                    if rule == "uses-head":
                        # (A's own thing of that name first would be the same answer: the use is
                        # memoized and rarer, so it is asked first)
                        found: tuple | None = used(a, t)
                        if found and _own(things[a], t.name, t):
                            found = None
                    elif rule == "by-law":
                        found = _acts_by_law(by_id[a], things[a], key)
                    else:
                        found = _does_work(by_id[a], things[a], key, t.head if rule == "work-of" else "")
                    if found:
                        done[a] = found
                        if len(done) > MAX_DF - 1:
                            break  # dropped below whatever the rest of the pool does
                if len(done) > MAX_DF - 1:
                    continue  # work that many tasks do is the plan's topic, not a use of B's resource
                for a, h in done.items():
                    if rule == "uses-head" and _fits_two(with_head(t.head), a, used):
                        continue  # the head fits things of two tasks: ambiguous
                    name = h[2] if rule == "uses-head" else key
                    offer(Candidate(a, b, rule, h[0], h[1], name, t.sentence, t.clause, t.name))
        for t in ts:
            levels = body_levels(t)
            if not levels:
                continue
            first = sorted(levels)[0]
            at_level = {}
            for a in (ids[i] for i in in_sentences.containing(first)):
                lw = _level_work(by_id[a], things[a], levels) if a != b else None
                if lw:
                    at_level[a] = lw
                    if len(at_level) > MAX_DF - 1:
                        break  # dropped below whatever the rest of the pool does
            if len(at_level) > MAX_DF - 1:
                continue  # work at that level in many tasks is the plan's topic
            for a, lw in at_level.items():
                offer(Candidate(a, b, "level-body", lw[0], lw[1], lw[2], t.sentence, t.clause, t.name))
        ub = by_id[b]
        for s, text, work in _serves(ub) if ts else ():
            # every way A can name the work has both its halves in one clause
            x, y = work[:2], work[2:]
            near = [i for i in in_sentences.containing(x) if y in in_sentences.texts[i]]
            hits = {a: _plans_work(by_id[a], work) for a in (ids[i] for i in near) if a != b}
            hits = {a: h for a, h in hits.items() if h}
            if len(hits) > MAX_DF - 1:
                continue  # work that many tasks name is the plan's topic, not a specific use
            for a, hit in hits.items():
                if hit:
                    offer(Candidate(a, b, "serves", hit[0], hit[1], work, s, text, work))
        if _SUPPORT_TITLE.search(_title(ub)):
            chapter = getattr(ub, "chapter", None)
            for a in by_chapter.get(chapter, []) if chapter is not None else ():
                if a == b:
                    continue
                own = [t for t in things[a] if t.head in IT_HEADS]
                if own:
                    t = own[0]
                    s0 = ub.sentences[0]
                    offer(Candidate(a, b, "support-layer", t.sentence, t.clause, t.name, s0, s0.text, s0.text))
    for rule, hub in (("online", _online_platform(things, by_id)), ("data-hub", _data_hub(things))):
        if hub is None:
            continue
        kind = "".join(_DATA_KINDS.findall(hub.core)) if rule == "data-hub" else ""
        for a, ua in by_id.items():
            if a == hub.unit:
                continue
            use = _data_work(ua, things[a], kind) if rule == "data-hub" else _online_work(ua, things[a])
            if use:
                offer(Candidate(a, hub.unit, rule, use[0], use[1], use[2], hub.sentence, hub.clause, hub.name))
    return [best[k] for k in sorted(best)]


def _fits_two(things: list[tuple[str, list[Thing]]], a: str, used) -> bool:
    """Does A's use of a head fit ``things`` (each task's things of that head) of two or more
    other tasks? (Stops at the second.)"""
    n = 0
    for x, xs in things:
        if x != a and any(used(a, y) for y in xs):
            n += 1
            if n > 1:
                return True
    return False


def _depends_on(ids: _Ids, doc: Document, units: list[Unit], table=None) -> list[Edge]:
    out = []
    for c in candidates(doc, units):
        out.append(
            Edge(
                ids(doc, c.a),
                ids(doc, c.b),
                "depends_on",
                _ev(
                    ids,
                    doc,
                    c.a,
                    c.a_sentence.id,
                    c.a_text,
                    name=c.a_name,
                    establishes={
                        "unit": ids(doc, c.b),
                        "sentence": ids(doc, c.b_sentence.id),
                        "text": c.b_text,
                        "name": c.b_name,
                    },
                ),
                rule=c.rule,
                weight=float(RULE_RANK[c.rule]),
            )
        )
    return out


def explain(doc: Document, units: list[Unit], a: str, b: str) -> dict:
    """Why task ``a`` depends on task ``b``, or why it does not: the rules tried, what B
    establishes and whether A names it."""
    all_ids = {u.id for u in units}
    units_t, things, df = analyse(doc, units)
    by_id = {u.id: u for u in units_t}
    out: dict = {"from": a, "to": b, "edge": None, "establishes": [], "checks": []}
    for x in (a, b):
        if x not in all_ids:
            out["checks"].append(f"{x} is not a task unit")
        elif x not in by_id:
            out["checks"].append(f"{x} is under a chapter that is not a task section (review, goals, safeguards…)")
    if out["checks"]:
        return out
    edge = next((c for c in candidates(doc, units) if (c.a, c.b) == (a, b)), None)
    if edge:
        out["edge"] = {
            "rule": edge.rule,
            "uses": {"sentence": edge.a_sentence.id, "text": edge.a_text, "name": edge.a_name},
            "establishes": {"sentence": edge.b_sentence.id, "text": edge.b_text, "name": edge.b_name},
        }
    for t in things[b]:
        ref, why = find_reference(by_id[a], things[a], t, df)
        item = {"name": t.name, "sentence": t.sentence.id, "text": t.clause, "forms": t.forms}
        if ref:
            item["named_by_a"] = {"rule": ref.rule, "sentence": ref.sentence.id, "text": ref.clause, "form": ref.form}
            ay, by = _year(ref.sentence.text), _year(t.sentence.text)
            if ay and by and ay < by:
                item["chronology"] = f"{a} is due {ay}, before {b} sets it up ({by})"
        else:
            item["not_named"] = why
        out["establishes"].append(item)
    for t in things[b]:
        # the rules that read what A does with B's thing (work done with a resource, a law acted on)
        for rule, key, found in (
            ("work-of", work_of(t), lambda k, t=t: _does_work(by_id[a], things[a], k, t.head)),
            ("legal-basis", law_subject(t), lambda k: _does_work(by_id[a], things[a], k)),
            ("by-law", law_name(t), lambda k: _acts_by_law(by_id[a], things[a], k)),
        ):
            if key:
                hit = found(key)
                out["checks"].append(
                    f"{rule}: {b}'s “{t.name}” is for “{key}”; "
                    + (f"{a} does it ({hit[0].id}: “{hit[1]}”)" if hit else f"{a} does not do it")
                )
        levels = body_levels(t)
        if levels:
            lw = _level_work(by_id[a], things[a], levels)
            out["checks"].append(
                f"level-body: {b}'s “{t.name}” works at {'、'.join(sorted(levels))}; "
                + (f"{a} works at those levels ({lw[0].id}: “{lw[2]}”)" if lw else f"{a} does no work at those levels")
            )
    serves = _serves(by_id[b])
    if serves:
        for s, _text, work in serves:
            hit = _plans_work(by_id[a], work)
            out["checks"].append(
                f"serves: {b} ({s.id}) says its output serves “{work}”; "
                + (f"{a} plans it ({hit[0].id}: “{hit[1]}”)" if hit else f"{a} does not plan it")
            )
    else:
        out["checks"].append(f"serves: {b} does not say its output serves other work (为…提供支撑)")
    if _SUPPORT_TITLE.search(_title(by_id[b])):
        out["checks"].append(f"support-layer: {b} calls itself a support layer (“{_title(by_id[b])}”)")
    if not things[b]:
        out["checks"].append(f"{b} establishes nothing specific (no named platform, system, mechanism, fund…)")
    return out
