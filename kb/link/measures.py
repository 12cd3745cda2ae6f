"""``measures`` edges: an indicator row restates a task (see kb.link's docstring)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from kb.link.common import _ev, _Ids, _task_units
from kb.link.text import BigramIDF, bigrams, clauses, figures, longest_common
from kb.model import Document, Edge, Sentence

MEASURE_MIN = 0.6  # clause coverage for a row -> task link (true links score >= 0.86 on the seed)
BOILERPLATE_TASKS = 3


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
    """Row id -> the clause matches that link it to tasks (best sentence per clause). The edges
    and the consistency check of a document both ask: the last answer is kept, under all that
    it reads (the rows' and the tasks' sentences), and handed out as it is (callers only read)."""
    global _last
    rows = [r for tb in doc.indicator_tables for r in tb.rows]
    if not rows:
        return {}  # no row to link: the tasks' bigrams are not needed
    tasks = _task_units(doc)
    key = (
        [(r.id, r.name, [(s.id, s.text) for s in r.sentences]) for r in rows],
        [(t.id, [(s.id, s.text) for s in t.sentences]) for t in tasks],
    )
    if _last is None or _last[0] != key:
        _last = (key, _match_rows(rows, tasks))
    return _last[1]


_last: tuple[tuple, dict[str, list[ClauseMatch]]] | None = None


def _match_rows(rows, tasks) -> dict[str, list[ClauseMatch]]:
    sents = [(t, s) for t in tasks for s in t.sentences]
    sent_figs = {s.id: {f.key for f in figures(s.text)} for _, s in sents}
    sent_bg = {s.id: bigrams(s.text) for _, s in sents}
    idf = BigramIDF(sets=(sent_bg[s.id] for _, s in sents))  # each sentence's bigrams made once
    # bigram -> sentences holding it: a clause is scored only against sentences it shares
    # words with (comparing every clause with every sentence was quadratic on long plans)
    postings: dict[str, list[int]] = defaultdict(list)
    for i, (_, s) in enumerate(sents):
        for b in sent_bg[s.id]:
            postings[b].append(i)
    out: dict[str, list[ClauseMatch]] = {}
    for r in rows:
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
    # Rarest bigrams first: a sentence that holds none of the first ones can reach at most the
    # weight of the rest, so once that is below the threshold the common bigrams (whose
    # postings are long on a large plan) need not be walked; every sentence that can reach
    # MEASURE_MIN holds one of the first ones (a small margin keeps float rounding out of it).
    # The exact coverage of the sentences reached is computed below.
    ranked = sorted(cb, key=idf.idf, reverse=True)
    rest = sum(idf.idf(b) for b in ranked)
    need = MEASURE_MIN * tot - 1e-6
    reached: set[int] = set()
    for b in ranked:
        if rest < need:
            break
        rest -= idf.idf(b)
        reached.update(postings.get(b, ()))
    candidates = sorted(reached)
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
                if m.task not in best or (m.score, len(m.shared_figures)) > (
                    best[m.task].score,
                    len(best[m.task].shared_figures),
                ):
                    best[m.task] = m
            r.tasks = list(order)  # local ids: a row and its tasks are in one document
            for t in order:
                m = best[t]
                common = longest_common(m.clause, m.sentence.text)
                out.append(
                    Edge(
                        ids(doc, r.id),
                        ids(doc, t),
                        "measures",
                        _ev(
                            ids,
                            doc,
                            t,
                            m.sentence.id,
                            common,
                            row={"unit": ids(doc, r.id), "sentence": ids(doc, m.row_sentence), "text": m.clause},
                            figures=m.shared_figures,
                        ),
                        rule="restates",
                        weight=m.score,
                    )
                )
    return out
