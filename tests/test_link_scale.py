"""The linkers' shortcuts for large plans (bigram indexes, one task at a time, rare bigrams first)
give exactly what the plain scans of every pair give, on a plan of several plans' tasks."""

from __future__ import annotations

import random
from collections import defaultdict
from pathlib import Path

import pytest

from kb.link import measures
from kb.link.common import _task_units
from kb.link.dependencies import (
    MAX_DF,
    Candidate,
    _plans_work,
    _serves,
    _year,
    candidates,
    established,
    find_reference,
    task_units,
)
from kb.link.related import RELATED_K, RELATED_MAX_DF, RELATED_MAX_TASKS, best_pairs, related_weight, unit_terms
from kb.link.text import PhraseTable, SubstringIndex, bigrams, figures, unit_phrases

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def big_doc():
    """The bundled plans in one file: a few hundred tasks, repeated names and phrases."""
    from kb.extract.document import enrich_document
    from kb.parse.text import parse_text

    text = "\n\n".join(f.read_text(encoding="utf-8") for f in sorted((ROOT / "corpus").glob("*.txt")))
    doc = parse_text(text, doc_id="big")
    enrich_document(doc)
    return doc


def test_substring_index_is_a_scan():
    rng = random.Random(7)
    texts = ["".join(rng.choice("建设平台机制工会服务") for _ in range(rng.randint(0, 30))) for _ in range(200)]
    idx = SubstringIndex(texts)
    for _ in range(300):
        t = rng.choice(texts)
        i = rng.randint(0, len(t))
        s = t[i : i + rng.randint(0, 5)] if rng.random() < 0.7 else "".join(rng.choice("建设平台") for _ in range(3))
        assert idx.containing(s) == [k for k, x in enumerate(texts) if s in x]


def _candidates_by_scan(doc, units):
    """depends_on candidates as they were found before: every thing against every task (the
    support-layer rule is left out: it only ever looked at one chapter)."""
    units = task_units(doc, units)
    things = {u.id: established(u) for u in units}
    df: dict[str, int] = {}
    for ts in things.values():
        for t in ts:
            for f in t.forms:
                if f not in df:
                    df[f] = sum(1 for u in units if f in u.text)
    by_id = {u.id: u for u in units}
    best: dict = {}

    def offer(c):
        by, ay = _year(c.b_sentence.text), _year(c.a_sentence.text)
        if ay and by and ay < by:
            return
        k = (c.a, c.b)
        if k not in best or c.rank > best[k].rank:
            best[k] = c

    for b, ts in things.items():
        for t in ts:
            for a, ua in by_id.items():
                if a != b:
                    ref, _ = find_reference(ua, things[a], t, df)
                    if ref:
                        offer(
                            Candidate(a, b, ref.rule, ref.sentence, ref.clause, ref.form, t.sentence, t.clause, t.name)
                        )
        ub = by_id[b]
        for s, text, work in _serves(ub) if ts else ():
            hits = {a: _plans_work(ua, work) for a, ua in by_id.items() if a != b}
            hits = {a: h for a, h in hits.items() if h}
            if len(hits) <= MAX_DF - 1:
                for a, hit in hits.items():
                    offer(Candidate(a, b, "serves", hit[0], hit[1], work, s, text, work))
    return best


def _key(c):
    return (c.a, c.b, c.rule, c.a_sentence.id, c.a_text, c.a_name, c.b_sentence.id, c.b_text, c.b_name)


def test_dependencies_are_those_of_a_scan(big_doc):
    units = _task_units(big_doc)
    assert len(units) > 200
    # the rules the scan below implements (the naming rules and serves); the later rules
    # (work-of, legal-basis, online, data-hub, uses-head) have their own tests
    scanned = {"uses", "same-name", "short-form", "serves"}
    got = {(c.a, c.b): c for c in candidates(big_doc, units) if c.rule in scanned}
    want = {k: c for k, c in _candidates_by_scan(big_doc, units).items() if k in got or c.rule in scanned}
    assert got, "the plan has depends_on candidates"
    assert {k: _key(c) for k, c in got.items()} == {k: _key(c) for k, c in want.items()}


def test_related_pairs_are_those_of_every_pair(big_doc):
    units = _task_units(big_doc)
    terms, names = unit_terms(units, PhraseTable({u.id: unit_phrases(u.sentences) for u in units}))
    keep, shared = best_pairs(units, terms, names)
    # the table of every pair, as the pairs were scored before
    n = len(units)
    max_df = max(2, min(int(n * RELATED_MAX_DF), RELATED_MAX_TASKS))
    order = {u.id: i for i, u in enumerate(units)}
    pair_terms: dict = defaultdict(list)
    for term, occ in terms.items():
        if 2 <= len(occ) <= max_df:
            w = related_weight(n, len(occ), names.get(term, term[2:]))
            ordered = sorted(occ, key=order.__getitem__)
            for i, a in enumerate(ordered):
                for b in ordered[i + 1 :]:
                    pair_terms[(a, b)].append((w, term))
    score = {k: sum(w for w, _ in v) for k, v in pair_terms.items()}
    per_unit: dict = defaultdict(list)
    for k, sc in score.items():
        per_unit[k[0]].append((sc, k))
        per_unit[k[1]].append((sc, k))
    want = set()
    for u in units:
        mine = sorted(per_unit.get(u.id, []), key=lambda x: (-x[0], order[x[1][0]], order[x[1][1]]))
        want.update(k for _, k in mine[:RELATED_K])
    assert keep and set(keep) == want
    for k in want:
        assert keep[k] == score[k]  # the same float, summed in the same order
        assert shared(*k) == pair_terms[k]


def _match_by_scan(ctext, sents, idf, sent_figs, sent_bg, postings):
    """measures' clause match with every posting walked (as before the rare-bigrams-first cut)."""
    cb = bigrams(ctext)
    if len(cb) < 4:
        return None
    tot = idf.weight(cb)
    if not tot:
        return None
    cfigs = {f.key: f.text for f in figures(ctext)}
    acc: dict = defaultdict(float)
    for b in cb:
        for i in postings.get(b, ()):
            acc[i] += idf.idf(b)
    scored = []
    for i in sorted(i for i, w in acc.items() if w / tot >= measures.MEASURE_MIN - 1e-9):
        t, s = sents[i]
        cov = idf.weight(cb & sent_bg[s.id]) / tot
        if cov >= measures.MEASURE_MIN:
            shared = [txt for k, txt in cfigs.items() if k in sent_figs[s.id]]
            scored.append((cov + 0.05 * len(shared), cov, t, s, shared))
    if not scored or len({t.id for _, _, t, _, _ in scored}) >= measures.BOILERPLATE_TASKS:
        return None
    scored.sort(key=lambda x: (-x[0], x[3].id))
    _, cov, t, s, shared = scored[0]
    return t, s, round(cov, 3), shared


def test_measures_are_those_of_every_posting(big_doc, monkeypatch):
    got = measures.match_rows(big_doc)
    monkeypatch.setattr(measures, "_match_clause", _match_by_scan)
    want = measures.match_rows(big_doc)
    assert any(got.values())
    assert got == want
