"""The general target rules of issue 13 item 3, each on real sentences of the dev corpus (two plans
where the corpus has the form twice): a single-year plan's period, the issuing year, ranges, figures
that describe a named thing, a clause's own past, review sections, 其中 sub-rows and 序号 numbers,
and a task-table row's cited source plan."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kb.extract.deadlines import cited_plan_end, issue_year, plan_period
from kb.extract.targets import extract_targets, find_quantities, section_context
from kb.model import Sentence

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def _text(plan: str) -> str:
    return (CORPUS / f"{plan}.txt").read_text(encoding="utf-8")


def _title(plan: str) -> str:
    return json.loads((CORPUS / f"{plan}.meta.json").read_text(encoding="utf-8")).get("title")


def _line(plan: str, n: int) -> str:
    return _text(plan).split("\n")[n - 1]


def _kinds(text: str, plan=None, context=None) -> dict[str, str]:
    sents, a = [], 0
    for k, part in enumerate(text.split("。")):
        if part:
            sents.append(Sentence(id=f"s{k}", text=part + "。", start=a, end=min(len(text), a + len(part) + 1)))
        a += len(part) + 1
    return {t.text: t.kind for t in extract_targets(text, sents, plan=plan, context=context) if t.value is not None}


# ---------------------------------------------------------------- the plan's own period


def test_single_year_plan_has_that_year_as_horizon():
    """moa-2026: an implementation opinion for 扎实做好2026年农业农村工作 has no period in its title."""
    plan = "moa-2026-rural-implementation"
    assert "做好2026年农业农村工作" in _text(plan)
    assert plan_period(_title(plan), _text(plan)) == (2026, 2026)
    # the same wording with another year and work says the same
    assert plan_period(None, "现就抓好2025年度全省文物安全工作提出以下意见。") == (2025, 2025)


@pytest.mark.parametrize(
    "plan,period",
    [
        ("digital-economy-14th-fyp", (2021, 2025)),
        ("hubei-cultural-relics-14th-fyp-pdf", (2021, 2025)),
        ("jiading-sponge-city-plan", (2024, 2030)),
        ("putuo-greening-15th-fyp", (2026, 2030)),
        ("vocational-education-reform", (2019, 2022)),
        ("zero-waste-city-pilot", (2018, 2020)),
    ],
)
def test_other_plans_keep_their_periods(plan, period):
    assert plan_period(_title(plan), _text(plan)) == period


def test_issue_year_is_the_documents_own():
    """jiading cites 沪住建规范联〔2023〕11号 inside a sentence before its own date line 2024年10月10日;
    vocational and zero-waste carry their own number on a line of its own."""
    assert "〔2023〕11号" in _text("jiading-sponge-city-plan")[:3000]
    assert issue_year(_text("jiading-sponge-city-plan")) == 2024
    assert issue_year(_text("vocational-education-reform")) == 2019
    assert issue_year(_text("zero-waste-city-pilot")) == 2018


# ---------------------------------------------------------------- figures


@pytest.mark.parametrize(
    "plan,line,fragment,value,unit",
    [
        ("hubei-cultural-relics-14th-fyp-pdf", 407, "3-5 项", 3, "项"),
        ("hubei-cultural-relics-14th-fyp-pdf", 815, "30-50 个", 30, "个"),
        ("jiading-sponge-city-plan", 280, "3-5年一遇", 3, "年一遇"),
        ("jiading-sponge-city-plan", 280, "50-100年一遇", 50, "年一遇"),
    ],
)
def test_range_gives_its_lower_bound(plan, line, fragment, value, unit):
    assert fragment in _line(plan, line)
    text = fragment.replace(" ", "")  # as PDF reflow repairs the stray space
    [q] = find_quantities(f"实施{text}课题")
    assert (q.text, q.value, q.unit) == (text, value, unit)


def test_size_of_a_named_thing_is_not_a_target():
    """The size in brackets after a name (jiading 远香湖南（4.73平方公里）, putuo 长风公园改造项目
    （35.63万平方米）) describes the thing; the 共计 sum beside it is the commitment."""
    j = _line("jiading-sponge-city-plan", 19)
    k = _kinds(j, (2024, 2030))
    assert k["4.73平方公里"] == k["10.46平方公里"] == "fact"
    assert k["15.19平方公里"] == k["11.73平方公里"] == k["52.12平方公里"] == "target"
    p = _line("putuo-greening-15th-fyp", 475)
    assert _kinds(p, (2026, 2030))["35.63万平方米"] == "fact"


def test_bracket_after_an_activity_or_a_count_is_the_amount():
    """The size rule is for areas and lengths after a name: after an activity the bracket holds
    its amount (绿道建设（50公里）), and a count in brackets is one too (新建学校（50所）)."""
    assert _kinds("实施绿道建设（50公里）。", (2026, 2030))["50公里"] == "target"
    assert _kinds("新建学校（50所）。", (2026, 2030))["50所"] == "target"


def test_standards_bases_and_durations_are_not_targets():
    """jiading 274: 按照…100年一遇…洪水标准 (a design standard); jiading 128: 按照100.9平方公里计
    (the basis of the shares); putuo 957: 24小时开放公厕 (a duration qualifying a noun) — while
    a duration a rule sets (vocational: 一般为6个月, 每年至少1个月) and 新建…3座 stay targets."""
    k = _kinds(_line("jiading-sponge-city-plan", 274), (2024, 2030))
    assert {k[x] for x in ("100年一遇", "50年一遇", "30年一遇", "20年一遇")} == {"fact"}
    assert _kinds(_line("jiading-sponge-city-plan", 128), (2024, 2030))["100.9平方公里"] == "fact"
    k = _kinds(_line("putuo-greening-15th-fyp", 957), (2026, 2030))
    assert (k["24小时"], k["3座"], k["40座"]) == ("fact", "target", "target")
    voc = _line("vocational-education-reform", 15) + _line("vocational-education-reform", 43)
    k = _kinds(voc, (2019, 2022))
    assert k.get("6个月") == k.get("1个月") == "target"


def test_standard_rule_needs_the_standard_to_close_the_clause():
    """acftu: 全国建设100家标准化工人文化宫 is a target (标准化 is no standard)."""
    line = next(ln for ln in _text("acftu-14th-fyp-part2").split("\n") if "100家标准化工人文化宫" in ln)
    assert _kinds(line, (2021, 2025))["100家"] == "target"


def test_clause_reporting_a_result_in_a_planning_sentence():
    """jiading 19: “十四五”达标计划：…共计25.2平方公里已完成… — 计划 plans ahead, but the
    figure's own clause reports what is done."""
    k = _kinds(_line("jiading-sponge-city-plan", 19), (2024, 2030))
    assert k["25.2平方公里"] == "result"


def test_review_section_is_not_made_forward_by_a_cue_word():
    """putuo 547 under 第一部分：发展基础 › “十四五”规划执行情况: 新建压缩站3座 … 围绕…三个目标 is a
    result; the same section heading in hubei (一、背景形势) and digital-economy (一、发展现状和形势)
    is a review too, while a task heading on 基础设施 is not."""
    ctx = section_context(
        "第一部分：发展基础 一、“十四五”规划执行情况 （三）多维共治，聚力提升环卫管理精细水平", (2026, 2030)
    )
    k = _kinds(_line("putuo-greening-15th-fyp", 547), context=ctx)
    assert k["3座"] == k["34座"] == "result"
    assert section_context("一、背景形势", (2021, 2025)).section_review
    assert section_context("一、发展现状和形势", (2021, 2025)).section_review
    assert not section_context("三、优化升级数字基础设施", (2021, 2025)).section_review
    # a forward date still makes a review section's sentence a target
    k = _kinds("到2030年，新建压缩站3座。", context=ctx)
    assert k["3座"] == "target"


# ---------------------------------------------------------------- tables


def test_cited_source_plan_gives_the_rows_deadline():
    """jiading annex rows cite 《嘉定区绿化市容“十四五”规划》, 《嘉定新城“十四五”规划建设行动方案》:
    figures the row does not date are that plan's (2025); a cited act without a period gives none,
    nor does a plan that ended before this one starts."""
    assert cited_plan_end("《嘉定区绿化市容\n“十四五”规划》", (2024, 2030)) == 2025
    assert cited_plan_end("《嘉定新城“十四五”规划\n建设行动方案》", (2024, 2030)) == 2025
    assert cited_plan_end("《上海市海绵城市规划建设管理办法》", (2024, 2030)) is None
    assert cited_plan_end("《绿化市容“十三五”规划》", (2024, 2030)) is None


def _build(plan: str, tmp_path):
    from kb.build import build

    build([CORPUS / f"{plan}.txt"], tmp_path / "b")
    return json.loads((tmp_path / "b" / "kb.json").read_text(encoding="utf-8"))["documents"][0]


def test_rows_numbered_as_printed_with_sub_rows(tmp_path):
    """putuo-greening 表2: rows take their 序号 (1…14); the 其中 公园绿地 line is part of row 1 (same
    number), its merged 属性/单位 cells filled in, so it reads 17.5 万平方米 against 58.46."""
    doc = _build("putuo-greening-15th-fyp", tmp_path)
    tb = next(t for t in doc["indicator_tables"] if t["id"] == "表2")
    assert [r["index"] for r in tb["rows"]] == [1, 1, *range(2, 15)]
    sub = tb["rows"][1]
    assert sub["name"].startswith("其中")
    [t] = sub["targets"]
    assert (t["value"], t["unit"], t["baseline"], t["attribute"], t["deadline"]) == (
        175000,
        "平方米",
        584600,
        "约束性",
        2030,
    )
    # the annex task table of jiading has its 序号 too, and its row 7 takes the cited plan's end
    doc = _build("jiading-sponge-city-plan", tmp_path / "j")
    annex = next(t for t in doc["indicator_tables"] if t["header"][:1] == ["序号"])
    assert [r["index"] for r in annex["rows"]] == list(range(1, len(annex["rows"]) + 1))
    row7 = next(r for r in annex["rows"] if r["index"] == 7)
    assert {(t["deadline"], t["deadline_inferred"]) for t in row7["targets"]} == {(2025, True)}


def test_size_column_rule_spares_value_columns():
    """A name column 指标 and its value column 指标值 (or 指标值/近期规划（2030年）) are not an item
    and its size."""
    from kb.extract.targets import row_targets

    [t] = row_targets(["指标", "指标值", "属性"], ["绿地率（%）", "40", "约束性"], (2026, 2030))
    assert (t.value, t.unit, t.kind) == (40, "%", "target")
    h = ["指标", "单位", "指标值/现状（2025年）", "指标值/近期规划（2030年）"]
    [t] = row_targets(h, ["公园数量", "座", "59", "69"], (2026, 2030))
    assert (t.value, t.baseline) == (69, 59)


# ---------------------------------------------------------------- own texts in other plan styles
# The sentences, headings and tables below are our own, written in the styles of plans the corpus
# does not have (a provincial 行动计划 2024—2027, a 2025年工作要点, a 五年规划 indicator table); they
# probe the rules above for over- and under-firing on unseen plans.


def test_review_heading_is_a_noun_phrase_not_a_task():
    """Own headings: a heading that names the state of things reviews the past; a task heading
    opened by a verb (夯实…基础, 加强基础教育) or an aim (取得新成效) does not, whatever noun it ends in."""
    for h in (
        "一、发展基础",
        "第一章 发展基础和面临形势",
        "一、“十四五”时期发展成就",
        "二、工作进展",
        "一、现状与问题",
    ):
        assert section_context(h, (2026, 2030)).section_review, h
    for h in (
        "（三）夯实粮食安全基础",
        "三、主要任务 （二）加强基础教育",
        "二、重点任务 （一）推动农业生产取得新成效",
        "（二）筑牢安全发展基础",
        "四、强化基础保障",
        "（一）加快基础网络建设",
    ):
        assert not section_context(h, (2025, 2025)).section_review, h
    # under a task heading a figure without a date is the year's target, not a result
    ctx = section_context("二、重点任务 （一）推动农业生产取得新成效", (2025, 2025))
    assert _kinds("粮食产量稳定在1.3万亿斤以上，新建高标准农田300万亩。", context=ctx)["300万亩"] == "target"


def test_bracketed_size_is_an_amount_unless_the_parts_are_summed_listed_or_left_out():
    """Own sentences: a size in brackets after what a clause builds is its amount; it describes a
    part only when the sentence sums the parts (共计), lists several (X（a）、Y（b）) or leaves the
    thing out (不含)."""
    p = (2024, 2027)
    assert _kinds("改造提升老旧小区（120万平方米）。", p)["120万平方米"] == "target"
    assert _kinds("建设国家级湿地公园（5.2平方公里）。", p)["5.2平方公里"] == "target"
    k = _kinds("推进东区（3.1平方公里）、西区（2.4平方公里）海绵城市建设。", p)
    assert k["3.1平方公里"] == k["2.4平方公里"] == "fact"
    k = _kinds("推进东区（3.1平方公里）建设，共计新增绿地5平方公里。", p)
    assert (k["3.1平方公里"], k["5平方公里"]) == ("fact", "target")
    assert _kinds("新增绿地不含滨江公园（20公顷）。", p)["20公顷"] == "fact"


def test_a_duration_within_is_a_limit_not_a_modifier():
    """Own sentences: 72小时内响应 commits a limit; 24小时自助图书馆 is a kind of library."""
    assert _kinds("群众诉求实现72小时内响应。", (2025, 2025))["72小时"] == "target"
    k = _kinds("建成24小时自助图书馆30个。", (2025, 2025))
    assert (k["24小时"], k["30个"]) == ("fact", "target")


def test_a_result_clause_before_a_later_forward_date():
    """Own sentence: the 已建成 clause reports a result; the forward date of the next clause dates
    the 18万个 only. The 已建成的 modifier of an object stays a commitment."""
    text = "截至2023年底，全省已建成5G基站8万个，到2027年力争达到18万个。"
    sents = [Sentence(id="s", text=text, start=0, end=len(text))]
    got = {t.text: (t.kind, t.deadline) for t in extract_targets(text, sents, plan=(2024, 2027))}
    assert got == {"8万个": ("result", None), "18万个": ("target", 2027)}
    assert _kinds("全省5G基站已达8万个。", (2024, 2027))["8万个"] == "result"
    assert _kinds("到2027年，全省新建5G基站10万个。", (2024, 2027))["10万个"] == "target"


def test_single_year_plan_wording_in_other_documents():
    """Own preambles: a 工作要点 for one year has that year; a range of years (做好2024年至2027年…)
    and a multi-year plan whose goal line looks further ahead are no single year."""
    assert plan_period(None, "为扎实做好2025年全省文物工作，现提出如下要点。") == (2025, 2025)
    assert plan_period(None, "总结2023年工作、部署2024年重点工作，现提出以下意见。") == (2024, 2024)
    assert plan_period(None, "为做好2024年至2027年全省5G建设工作，制定本行动计划。") != (2024, 2024)
    text = "各市人民政府：\n为巩固2025年度相关工作成效，现就做好2025年度5G建设工作提出如下意见。\n主要目标：到2027年，全省5G基站达到18万个。"
    assert plan_period(None, text)[1] == 2027


def test_table_cells_in_other_indicator_tables():
    """Own rows of a 五年规划 table: a cell takes its column's unit (年均增长（%）) before the row's
    (地区生产总值（亿元）); a year range (建设年限 2026-2028) is no figure; a range (10-12) gives its
    lower bound in base units."""
    from kb.extract.targets import row_targets

    h = ["类别", "指标", "2025年", "2030年", "年均增长（%）", "属性"]
    ts = row_targets(h, ["经济", "地区生产总值（亿元）", "5000", "7000", "7", "预期性"], (2026, 2030))
    assert [(t.value, t.unit) for t in ts] == [(7000e8, "元"), (7, "%")]
    assert row_targets(["工程", "建设年限"], ["某某水库", "2026-2028"], (2026, 2030)) == []
    [t] = row_targets(["指标", "2023年", "2027年"], ["新建5G基站（万个）", "8", "10-12"], (2024, 2027))
    assert (t.value, t.unit, t.baseline, t.deadline) == (100000, "个", 80000, 2027)


def test_sub_row_fills_the_value_columns_wherever_they_stand():
    """Own table: 属性 is the last column, so the 其中 line's two figures go to 2025年/2030年 (where
    the row above has its figures), not to the last two columns; rows are named by their 指标
    cell, not by their 序号."""
    from kb.extract.document import enrich_document
    from kb.parse.text import parse_text

    text = (
        "一、主要指标\n\n表1 主要指标\n\n序号\t指标\t单位\t2025年\t2030年\t属性\n"
        "1\t新建绿地\t万平方米\t50\t80\t约束性\n\t其中：口袋公园\t10\t20\n2\t森林覆盖率\t%\t20\t22\t约束性\n\n"
        "二、重点任务\n\n1. 建设绿地。到2030年新建绿地80万平方米。\n"
    )
    d = parse_text(text, doc_id="p")
    enrich_document(d)
    rows = d.indicator_tables[0].rows
    assert [(r.index, r.name) for r in rows] == [(1, "新建绿地"), (1, "其中：口袋公园"), (2, "森林覆盖率")]
    [t] = rows[1].targets
    assert (t.value, t.unit, t.baseline, t.attribute) == (200000, "平方米", 100000, "约束性")


def test_range_with_its_own_multiplier():
    """Own text: 3万-5万人 writes the multiplier at both ends; its lower bound is 30000, once."""
    assert [(q.text, q.value, q.unit) for q in find_quantities("每年培训3万-5万人次")] == [
        ("3万-5万人次", 30000, "人次")
    ]
    assert [q.value for q in find_quantities("每年培训3-5万人次")] == [30000]
