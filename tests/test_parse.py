"""The parser on the real corpus, checked against the hand-made gold (tests/data/seed_gold.json)."""

from __future__ import annotations

import pytest

from kb.parse.text import check_lossless, cn_to_int, split_sentences


def test_six_chapters_with_exact_labels_titles_and_tasks(seed_doc, seed_gold):
    got = [(c.label, c.title, [int(t[1:]) for t in c.tasks]) for c in seed_doc.chapters]
    want = [(c["label"], c["title"], c["tasks"]) for c in seed_gold["chapters"]]
    assert got == want


def test_tasks_14_to_37_titles_chapters_and_edges_of_text(seed_doc, seed_gold):
    tasks = {t.number: t for t in seed_doc.tasks}
    assert sorted(tasks) == [g["number"] for g in seed_gold["tasks"]] == list(range(14, 38))
    for g in seed_gold["tasks"]:
        t = tasks[g["number"]]
        assert t.title == g["title"]
        assert t.chapter == "C" + g["chapter"]
        body = t.text[len(t.title) + 1 :]
        assert t.text.startswith(g["title"] + "。")
        assert body.startswith(g["starts_with"]), t.id
        assert body.endswith(g["ends_with"]), t.id
        assert len(body) == g["body_chars"], t.id
        assert t.line == g["first_line"]


def test_sentence_counts_follow_the_full_stops(seed_doc, seed_gold):
    # gold counts 。 in the body; our sentences also end at ; so count those ending in 。
    for g in seed_gold["tasks"]:
        t = next(x for x in seed_doc.tasks if x.number == g["number"])
        full_stops = [s for s in t.sentences[1:] if s.text.endswith("。")]
        assert len(full_stops) == g["sentences"], t.id
        assert t.sentences[0].text == g["title"] + "。"


def test_every_indicator_table_with_all_rows(seed_doc, seed_gold):
    assert [t.key for t in seed_doc.indicator_tables] == [g["short"] for g in seed_gold["indicator_tables"]]
    for tb, g in zip(seed_doc.indicator_tables, seed_gold["indicator_tables"]):
        assert tb.title == g["title"]
        assert tb.header == g["header"]
        assert tb.after == (f"T{g['after_task']}" if g["after_task"] else None)
        assert [(r.index, r.name, r.target) for r in tb.rows] == [
            (r["index"], r["name"], r["target"]) for r in g["rows"]
        ]
        assert [r.line for r in tb.rows] == [r["line"] for r in g["rows"]]


def test_first_table_closes_the_missing_part_and_is_noted(seed_doc):
    first = seed_doc.indicator_tables[0]
    assert first.id == "I:素质提升" and first.chapter is None and first.after is None
    assert any("I:素质提升" in n and "not in this text" in n for n in seed_doc.notes)
    assert any("tasks 1–13 are not in this text" in n for n in seed_doc.notes)


def test_all_three_page_breaks_joined(seed_doc, seed_gold):
    units = {u.id: u for u in seed_doc.units()}
    for pb in seed_gold["page_breaks"]:
        t = units[f"T{pb['task']}"]
        assert pb["joined_context"] in t.text
        assert pb["before"] + pb["after"] in t.text
        assert "\n" not in t.text
    assert len([n for n in seed_doc.notes if n.startswith("page break joined")]) == 3


def test_no_noise_marker_left_in_any_unit(seed_doc, seed_gold):
    for u in seed_doc.units():
        for marker in seed_gold["noise"]:
            assert marker not in u.text
    for c in seed_doc.chapters:
        assert "版）" not in c.title


def test_corpus_is_lossless(seed_doc, corpus_path):
    check_lossless(seed_doc)
    raw = corpus_path.read_text(encoding="utf-8")
    # the normalized text is the source minus the noise marker and the 3 × "\n\n" of the joins
    assert len(seed_doc.text) == len(raw) - len("（上接第2版）") - 3 * 2
    assert seed_doc.text == raw.replace("（上接第2版）", "").replace(
        "职业培训机\n\n构建设", "职业培训机构建设"
    ).replace("劳动法律监督工\n\n作", "劳动法律监督工作").replace("西方国家工\n\n会的", "西方国家工会的")


def test_sentences_never_split_inside_quotes_or_brackets(seed_doc):
    for u in seed_doc.units():
        for s in u.sentences:
            assert s.text.count("“") == s.text.count("”"), s.id
            assert s.text.count("(") == s.text.count(")"), s.id
            assert s.text.count("《") == s.text.count("》"), s.id


@pytest.mark.parametrize(
    "text,n", [("十四", 14), ("二十", 20), ("二十一", 21), ("一百零五", 105), ("１４", 14), ("十", 10)]
)
def test_chinese_numerals(text, n):
    assert cn_to_int(text) == n


def test_split_sentences_keeps_quotes_whole():
    s = split_sentences("开展“送温暖。活动”;推进工作。剩下", "X")
    assert [x.text for x in s] == ["开展“送温暖。活动”;", "推进工作。", "剩下"]


def test_unbalanced_quote_falls_back_to_plain_splitting():
    s = split_sentences("开展“送温暖活动。推进工作。", "X")
    assert [x.text for x in s] == ["开展“送温暖活动。", "推进工作。"]
