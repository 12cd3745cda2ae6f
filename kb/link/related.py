"""``related`` edges: a similarity between tasks that share rare phrases (not a dependency)."""

from __future__ import annotations

import math
from collections import defaultdict

from kb.link.common import _ev, _Ids
from kb.link.text import PhraseTable
from kb.model import Document, Edge, Unit

RELATED_K = 6
RELATED_MAX_DF = 1 / 3
# and never in more tasks than this: a pair table over a term in N tasks is N² work, so on a plan
# of thousands of tasks a third of them is too many (plans of up to 600 tasks are not affected)
RELATED_MAX_TASKS = 200


def related_weight(n: int, df: int, text: str) -> float:
    return math.log(n / df) * min(len(text), 6)


def unit_terms(units: list[Unit], table: PhraseTable):
    """term -> {unit: (sentence id, text)} and the entity terms' names."""
    # entities first so a phrase equal to a name is not counted twice
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
    return terms, names


def best_pairs(units: list[Unit], terms: dict, names: dict[str, str]):
    """The pairs each task keeps (its RELATED_K best partners) with their weights, and a function
    giving a pair's shared terms as (weight, term)."""
    n = len(units)
    max_df = max(2, min(int(n * RELATED_MAX_DF), RELATED_MAX_TASKS))
    order = {u.id: i for i, u in enumerate(units)}
    # the terms that count (in 2 to max_df tasks), in the order of ``terms``, with their weight
    counted: list[tuple[str, float, list[str]]] = []
    for term, occ in terms.items():
        df = len(occ)
        if df < 2 or df > max_df:
            continue
        text = names.get(term, term[2:])
        counted.append((term, related_weight(n, df, text), sorted(occ, key=order.__getitem__)))
    of_unit: dict[str, list[int]] = defaultdict(list)  # unit -> its counted terms, in order
    for j, (_, _, us) in enumerate(counted):
        for uid in us:
            of_unit[uid].append(j)
    # Each task's scores against the others, one task at a time (a table of every pair held the
    # whole plan's pairs at once); a pair's weight adds its shared terms in the order of
    # ``terms`` from either end, so both ends see the same score.
    keep: dict[tuple[str, str], float] = {}
    for u in units:
        acc: dict[str, float] = defaultdict(float)
        for j in of_unit.get(u.id, ()):
            _, w, us = counted[j]
            for other in us:
                if other != u.id:
                    acc[other] += w
        mine = [(sc, (u.id, o) if order[u.id] < order[o] else (o, u.id)) for o, sc in acc.items()]
        mine.sort(key=lambda x: (-x[0], order[x[1][0]], order[x[1][1]]))
        for sc, k in mine[:RELATED_K]:
            keep[k] = sc

    def shared_terms(a: str, b: str) -> list[tuple[float, str]]:
        theirs = set(of_unit[b])
        return [(counted[j][1], counted[j][0]) for j in of_unit[a] if j in theirs]

    return keep, shared_terms


def _related(ids: _Ids, doc: Document, units: list[Unit], table: PhraseTable) -> list[Edge]:
    terms, names = unit_terms(units, table)
    order = {u.id: i for i, u in enumerate(units)}
    keep, shared_terms = best_pairs(units, terms, names)
    score = keep
    out = []
    by_id = {u.id: u for u in units}
    for a, b in sorted(keep, key=lambda k: (order[k[0]], order[k[1]])):
        shared = sorted(shared_terms(a, b), key=lambda x: (-x[0], x[1]))
        w, top = shared[0]
        sid_a, text_a = terms[top][a]
        sid_b, text_b = terms[top][b]
        s_a = next((s for s in by_id[a].sentences if s.id == sid_a), None)
        if s_a is None or text_a not in s_a.text:
            continue
        out.append(
            Edge(
                ids(doc, a),
                ids(doc, b),
                "related",
                _ev(
                    ids,
                    doc,
                    a,
                    sid_a,
                    text_a,
                    other={"unit": ids(doc, b), "sentence": ids(doc, sid_b), "text": text_b},
                    shared=[names.get(t, t[2:]) for _, t in shared[:8]],
                ),
                rule="shared-terms",
                weight=round(score[(a, b)], 3),
            )
        )
    return out
