"""kb.extract.targets: numbers, quantities, time frames and targets, on plain strings and on the
indicator rows of the seed gold (every quantity of every row)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kb.extract.targets import extract_targets, find_quantities, find_timeframes, fyp_years, parse_number, parse_query
from kb.model import Sentence


def _row_text(row: dict) -> str:
    return row["name"] + "\t" + row["target"]


def _targets(text: str):
    return [
        t for t in extract_targets(text, [Sentence(id="s1", text=text, start=0, end=len(text))]) if t.value is not None
    ]


@pytest.mark.parametrize(
    "s,v",
    [
        ("4.5万", 45000),
        ("30亿", 3e9),
        ("1.6万", 16000),
        ("8000万", 8e7),
        ("百", 100),
        ("一", 1),
        ("十八", 18),
        ("一千五百", 1500),
        ("三万", 30000),
        ("80", 80),
        ("２０万", 200000),
    ],
)
def test_parse_number(s, v):
    assert parse_number(s) == v


def test_fyp_years():
    assert fyp_years("十四") == (2021, 2025)
    assert fyp_years("十三") == (2016, 2020)
    assert fyp_years("十五") == (2026, 2030)


def test_every_indicator_row_quantity(seed_gold):
    """Value, unit and qualifier of each quantity in the seed's indicator rows. The gold lists
    bounds only (以上, 左右, 逾, 不少于, 至少); 达到 (reach) is kept as a qualifier here when no
    bound is given, so it stands for the gold's empty list."""
    n = 0
    for table in seed_gold["indicator_tables"]:
        for row in table["rows"]:
            got = _targets(_row_text(row))
            want = row["quantities_detail"]
            assert len(got) == len(want), (table["short"], row["index"], [t.text for t in got])
            for t, w in zip(got, want):
                assert t.value == w["value"], (row["name"], t.text)
                assert t.unit == w["unit"], (row["name"], t.text)
                q = w["qualifier"][0] if w["qualifier"] else None
                assert t.qualifier == q or (q is None and t.qualifier == "达到"), (row["name"], t.text, t.qualifier)
                assert w["raw"] in t.text
                n += 1
    assert n == sum(len(r["quantities_detail"]) for t in seed_gold["indicator_tables"] for r in t["rows"]) == 28


def test_row_deadlines(seed_gold):
    """Every deadline the gold lists for a row is a time frame of that row."""
    for table in seed_gold["indicator_tables"]:
        for row in table["rows"]:
            frames = [f.text for f in find_timeframes(_row_text(row)) if f.kind != "rate"]
            assert frames == row["deadlines_all"], (row["name"], frames)


def test_two_deadlines_in_one_row(seed_gold):
    row = seed_gold["indicator_tables"][1]["rows"][1]  # 精准服务#2
    ts = _targets(_row_text(row))
    assert [t.deadline for t in ts] == [2021, 2021, 2021, 2025]


def test_substring_traps():
    """5万户以上 inside 15万户以上, 5万人 inside 4.5万人: only the whole numbers are quantities."""
    qs = find_quantities("每年保障5万户以上深度困难职工家庭生活,解决15万户以上相对困难职工家庭")
    assert [(q.value, q.qualifier) for q in qs] == [(50000, "以上"), (150000, "以上")]
    qs = find_quantities("全国社会化工会工作者总数稳定在4.5万人左右")
    assert [(q.value, q.unit) for q in qs] == [(45000, "人")]
    qs = find_quantities("组织劳模、职工疗休养达到500万人次,走访慰问各类职工500万人以上")
    assert [(q.value, q.unit, q.qualifier) for q in qs] == [(5e6, "人次", "达到"), (5e6, "人", "以上")]


@pytest.mark.parametrize(
    "text",
    [
        "“十四五”时期",
        "“五个坚决”要求",
        "二十国集团劳动会议",
        "党的十八大以来",
        "三孩生育政策",
        "“九二共识”",
        "第三轮全国工会对口援疆援藏",
        "坚持一个中国原则",
        "建设一支队伍",
        "培育一批服务项目",
        "乡镇(街道)一村(社区)一企业",
        "2021年完成",
        "“八五”普法规划",
    ],
)
def test_numerals_in_names_are_not_quantities(text):
    assert find_quantities(text) == []


def test_chinese_numeral_quantities():
    assert [
        (q.value, q.unit, q.qualifier) for q in find_quantities("各省级总工会至少有一家具有区位优势的疗休养院")
    ] == [(1, "家", "至少")]
    assert [(q.value, q.unit, q.qualifier) for q in find_quantities("已建工会的百人以上企业")] == [(100, "人", "以上")]


def test_period_and_subject():
    [t] = _targets("年均培训家政服务人员20万人次")
    assert t.period == "每年" and t.subject and "家政服务人员" in t.subject
    [t] = _targets("“十四五”期间,全国建设100家标准化工人文化宫")
    assert t.period == "“十四五”期间" and t.deadline == 2025 and t.subject == "标准化工人文化宫"
    [t] = _targets("各级工会每年筹集送温暖资金30亿元以上")
    assert (t.value, t.unit, t.qualifier, t.period) == (3e9, "元", "以上", "每年")


def test_time_frames():
    fs = find_timeframes("力争到“十四五”末,全国新组建基层工会组织60万个以上")
    assert [(f.kind, f.year) for f in fs] == [("deadline", 2025)]
    fs = find_timeframes("到2025年底覆盖60%以上的重点企业;2021年完成20家")
    assert [(f.text, f.year) for f in fs] == [("到2025年底", 2025), ("2021年", 2021)]
    assert [f.kind for f in find_timeframes("每年帮助30万名职工,年均培训")] == ["rate", "rate"]


def test_dated_commitment_without_number():
    ts = extract_targets("到2025年底普遍实现基层工会按期换届选举。", [Sentence("s1", "", 0, 21)])
    assert [(t.value, t.deadline, t.deadline_text) for t in ts] == [(None, 2025, "到2025年底")]


@pytest.mark.parametrize(
    "q,kind,value,unit,qual,year",
    [
        ("80%", "quantity", 80, "%", None, None),
        ("500万人", "quantity", 5e6, "人", None, None),
        ("5万户以上", "quantity", 5e4, "户", "以上", None),
        ("百人以上", "quantity", 100, "人", "以上", None),
        ("一家", "quantity", 1, "家", None, None),
        ("2025年底", "deadline", None, None, None, 2025),
        ("“十四五”末", "deadline", None, None, None, 2025),
        ("“十四五”期间", "span", None, None, None, 2025),
        ("2021年", "deadline", None, None, None, 2021),
    ],
)
def test_parse_query(q, kind, value, unit, qual, year):
    p = parse_query(q)
    assert (p.kind, p.value, p.unit, p.qualifier, p.year) == (kind, value, unit, qual, year)


@pytest.mark.parametrize("q", ["农民工", "工会", "", "十四五"])
def test_parse_query_not_a_target(q):
    assert parse_query(q) is None


def test_importable_without_spacy():
    code = "import sys, kb.extract.targets; assert 'spacy' not in sys.modules and 'jieba' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_wan_after_a_multiplier_gives_a_value():
    """Regression: 1万万人 (万 after 万) gave value=None though Quantity.value is a float."""
    from kb.extract.targets import find_quantities

    (q,) = find_quantities("1万万人")
    assert q.value == 100_000_000 and q.unit == "人"
    assert [x.value for x in find_quantities("5000万人次")] == [50_000_000]
    assert all(isinstance(x.value, float) for x in find_quantities("1万万人、3千万人、4.5万人"))
