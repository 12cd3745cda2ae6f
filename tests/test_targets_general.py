"""Targets on any plan, not only the sample: Chinese and mixed numerals, forward targets
apart from results, baselines and facts, deadlines from the phrase or the plan's period, and
indicator-table rows (layouts of the dev corpus: Hubei, Jiading, Putuo)."""

from __future__ import annotations

import pytest

from kb.extract.deadlines import plan_period
from kb.extract.numerals import cn_value, fraction_percent, mixed_value
from kb.extract.targets import PlanContext, extract_targets, find_quantities, find_timeframes, row_targets
from kb.model import Sentence

P21 = (2021, 2025)


def _all(text: str, plan=None):
    return extract_targets(text, [Sentence(id="s1", text=text, start=0, end=len(text))], plan=plan)


def _targets(text: str, plan=None):
    return [t for t in _all(text, plan) if t.kind == "target"]


def _one(text: str, plan=None):
    ts = [t for t in _all(text, plan) if t.value is not None]
    assert len(ts) == 1, [(t.text, t.kind) for t in ts]
    return ts[0]


# ---------------------------------------------------------------- numerals


@pytest.mark.parametrize(
    "s,v", [("一万三千亿", 1.3e12), ("两千", 2000), ("十八", 18), ("三点五", 3.5), ("百", 100), ("一千五百", 1500)]
)
def test_cn_value(s, v):
    assert cn_value(s) == v


def test_tens_read_without_cn2an_are_cn2ans():
    """十四 (of 十四五) and the other tens have a short path of their own: the same values."""
    from cn2an import cn2an

    digits = ["", *"一二三四五六七八九"]
    for a in digits:
        for b in digits:
            s = f"{a}十{b}"
            cn_value.cache_clear()
            assert cn_value(s) == float(cn2an(s, "normal")), s


def test_mixed_and_fractions():
    assert mixed_value("1.4万亿") == 1.4e12
    assert fraction_percent("百分之二十") == 20
    assert abs(fraction_percent("三分之一") - 100 / 3) < 1e-9
    assert fraction_percent("千分之五") == 0.5


@pytest.mark.parametrize(
    "text,value,unit",
    [
        ("粮食产量保持在1.4万亿斤以上", 1.4e12, "斤"),
        ("粮食产量保持在一万三千亿斤以上", 1.3e12, "斤"),
        ("单位GDP能耗降低百分之二十", 20, "%"),
        ("覆盖三分之一的县", 100 / 3, "%"),
        ("新增公园绿地面积15万平方米", 150000, "平方米"),
        ("每个地市至少建设一所中等职业学校", 1, "所"),
    ],
)
def test_chinese_and_mixed_quantities(text, value, unit):
    [q] = find_quantities(text)
    assert abs(q.value - value) < 1e-6 * value and q.unit == unit


@pytest.mark.parametrize("text", ["“十四五”时期", "一个中国原则", "二十国集团", "千万家庭", "五个中心", "第116次会议"])
def test_wording_is_not_a_quantity(text):
    assert find_quantities(text) == []


# ---------------------------------------------------------------- deadlines


@pytest.mark.parametrize(
    "text,year",
    [
        ("到2027年，建成10个示范区", 2027),
        ("2025年底前完成80%", 2025),
        ("至2030年，河湖水面率提升至3.95%", 2030),
        ("到“十四五”末，覆盖60%以上", 2025),
        ("“十五五”时期新增30家", 2030),
        ("到本世纪中叶建成100个", 2050),
        ("2021年3月底前完成5个评估", 2021),
        ("到二〇三五年建成50个", 2035),
    ],
)
def test_deadline_from_the_phrase(text, year):
    t = _one(text, P21)
    assert (t.kind, t.deadline, t.deadline_inferred) == ("target", year, False)


def test_dated_commitment_months():
    [f] = [f for f in find_timeframes("2021年3月底前，试点城市政府进行评估总结") if f.kind == "deadline"]
    assert f.year == 2021 and f.text == "2021年3月底前"


def test_bare_date_is_not_a_target():
    assert _all("2019年1月24日", (2019, 2022)) == []
    assert _all("已经2026年7月7日区政府第116次常务会议审议通过", (2026, 2030)) == []


def test_start_year_is_not_a_deadline():
    t = _one("自2019年开始，在10个左右领域大力开展职业培训", (2019, 2022))
    assert (t.deadline, t.deadline_inferred) == (2022, True)


def test_deadline_inferred_from_plan_and_earlier_sentence():
    t = _one("建设50所高水平学校", (2024, 2027))
    assert (t.deadline, t.deadline_inferred) == (2027, True)
    text = "到2022年，建成50所学校。推动建设300个实训基地。"
    sents = [Sentence("s1", "", 0, 13), Sentence("s2", "", 13, len(text))]
    ts = extract_targets(text, sents, plan=(2019, 2025))
    assert [(t.value, t.deadline, t.deadline_inferred) for t in ts] == [(50, 2022, False), (300, 2022, True)]
    [t] = extract_targets("建设50所学校", [], context=PlanContext(period=(2021, 2025), section_deadline=2023))
    assert (t.deadline, t.deadline_inferred) == (2023, True)


def test_annual_rate_keeps_period_and_plan_end():
    t = _one("全社会研发经费投入年均增长7%以上，投入强度高于“十三五”时期实际", P21)
    assert (t.kind, t.period, t.deadline, t.deadline_inferred) == ("target", "每年", 2025, True)


@pytest.mark.parametrize(
    "title,period",
    [
        ("普陀区国土空间近期规划（2026-2030年）", (2026, 2030)),
        ("某市数字经济发展行动计划（2024—2027年）", (2024, 2027)),
        ("“十四五”数字经济发展规划", (2021, 2025)),
        ("湖北省文物事业发展“十四五 ”规划", (2021, 2025)),
        ("普陀区绿化建设和市容景观提升“十五五”规划", (2026, 2030)),
    ],
)
def test_plan_period_from_title(title, period):
    assert plan_period(title, "") == period


def test_plan_period_from_text():
    text = "国务院关于印发某方案的通知\n国发〔2019〕4号\n\n具体指标：到2022年，建设50所学校。"
    assert plan_period(None, text) == (2019, 2022)
    assert plan_period("关于加强某工作的意见", "加强某工作。") is None


# ---------------------------------------------------------------- results, baselines, facts


@pytest.mark.parametrize(
    "text",
    [
        "过去五年，累计新增城镇就业6000万人",
        "“十三五”期间，建成高标准农田8亿亩",
        "截至2020年底，建成5万个基层站点",
        "2020年粮食产量达到1.34万亿斤",
        "我国已建成全球最大的5G网络，5G基站达到70万个",
    ],
)
def test_review_sentences_are_results(text):
    assert _targets(text, P21) == []
    assert {t.kind for t in _all(text, P21) if t.value is not None} == {"result"}


def test_review_paragraph_carries_to_next_sentences():
    text = "过去一年，经济运行稳中有进。城镇新增就业1186万人。今年要新增就业1100万人以上。"
    a, b = text.index("城镇"), text.index("今年")
    sents = [Sentence("s1", "", 0, a), Sentence("s2", "", a, b), Sentence("s3", "", b, len(text))]
    ts = extract_targets(text, sents, plan=(2021, 2021))
    assert [(t.text, t.kind) for t in ts if t.value] == [("1186万人", "result"), ("1100万人以上", "target")]


def test_forward_year_in_an_older_plan_is_a_target():
    t = _one("2020年初步建成300个示范性职业教育集团", (2019, 2022))
    assert (t.kind, t.deadline, t.deadline_inferred) == ("target", 2020, False)


def test_comparison_year_is_a_baseline_not_a_deadline():
    t = _one("单位国内生产总值能耗比2020年下降13.5%", P21)
    assert (t.kind, t.baseline_year, t.deadline, t.deadline_inferred) == ("target", 2020, 2025, True)


@pytest.mark.parametrize(
    "text,value,base",
    [
        ("将个人所得税起征点从10万元提高到15万元", 1.5e5, 1e5),
        ("森林覆盖率由23%增加到24.1%", 24.1, 23),
        ("平均交通时间从40分钟缩短至30小时", 30, 40),
    ],
)
def test_from_to_gives_one_target_with_baseline(text, value, base):
    ts = [t for t in _all(text, P21) if t.value is not None]
    if "分钟" in text:  # 分钟 is no unit: only the 30小时 counts
        assert [(t.value, t.baseline) for t in ts] == [(value, None)]
        return
    assert [(t.value, t.baseline, t.kind) for t in ts] == [(value, base, "target")]


def test_existing_level_is_a_baseline():
    t = _one("在继续巩固落实好生均财政拨款水平达到12000元的基础上，逐步提高拨款水平", (2019, 2022))
    assert t.kind == "baseline"


@pytest.mark.parametrize("text", ["我国14亿人民团结奋斗", "我国有14亿人口", "全国有3000家国家级企业技术中心"])
def test_size_and_population_are_facts(text):
    assert _targets(text, P21) == []


# ---------------------------------------------------------------- indicator tables (corpus-dev layouts)


def _fields(t):
    return (
        t.value,
        t.unit,
        t.qualifier,
        t.deadline,
        t.deadline_inferred,
        t.kind,
        t.baseline,
        t.baseline_year,
        t.attribute,
    )


def test_row_hubei_indicator_2025_attribute():
    """hubei-cultural-relics PDF: 指标 / 2025 年 / 属性, lines 164 and 205."""
    h = ["指标", "2025 年", "属性"]
    [t] = row_targets(h, ["湖北省文物保护单位增加数量", "≥ 50", "约束性"], P21)
    assert _fields(t) == (50, None, "不低于", 2025, False, "target", None, None, "约束性")
    assert t.subject == "湖北省文物保护单位增加数量"
    [t] = row_targets(h, ["县级博物馆覆盖率（ %）", "100", "约束性"], P21)
    assert (t.value, t.unit, t.attribute) == (100, "%", "约束性")


def test_row_putuo_spatial_box1():
    """putuo-spatial 专栏1: 2-row header 指标值 / 现状（2025年）, 近期规划（2030年）."""
    h = ["指标类别", "序号", "指标项", "单位", "类型", "指标值/现状（2025年）", "指标值/近期规划（2030年）"]
    [t] = row_targets(h, ["发展规模", "1", "建设用地总规模", "平方千米", "约束性", "53.75", "53.74"], (2026, 2030))
    assert _fields(t) == (53.74, "平方千米", None, 2030, False, "target", 53.75, 2025, "约束性")
    [t] = row_targets(h, ["", "19", "满足消防响应时间", "分钟", "约束性", "/", "5分钟覆盖区超80%"], (2026, 2030))
    assert (t.value, t.unit, t.qualifier, t.baseline) == (80, "%", "超过", None)
    [t] = row_targets(h, ["", "23", "研发经费比例", "%", "预期性", "3.7", "4.1左右"], (2026, 2030))
    assert (t.value, t.qualifier) == (4.1, "左右")
    assert row_targets(h, ["", "5", "住宅用地面积", "平方千米", "预期性", "20.26", "动态调整"], (2026, 2030)) == []


def test_row_putuo_greening_tables():
    """putuo-greening 表2 (“十四五”现状 / “十五五”目标) and 表1 (the “十四五” review table)."""
    h2 = ["板块", "序号", "指标名称", "属性", "单位", "“十四五”现状", "“十五五”目标"]
    [t] = row_targets(h2, ["绿化", "1", "新建绿地", "约束性", "万平方米", "90.87", "35"], (2026, 2030))
    # 万平方米 is read as 平方米, as the prose reads 35万平方米: the row and its task agree
    assert _fields(t) == (350000, "平方米", None, 2030, False, "target", 908700, 2025, "约束性")
    h1 = ["序号", "类目", "指标名称", "单位", "“十四五”目标值", "2025年", "指标类型", "完成情况"]
    ts = row_targets(h1, ["1", "绿地", "新建绿地", "万平方米", "100", "120", "约束性", "完成"], (2026, 2030))
    assert ts and {t.kind for t in ts} == {"result"}


def test_row_jiading_year_column():
    """jiading 表1/表2 (rows keyed by 年份): the row's year is its deadline; a column that extends
    the name column's header (达标区域 -> 达标区域面积/片区) is the size of the row's own zone,
    not an amount committed, while its 总计 and the share are targets."""
    h1 = ["年份", "达标区域", "达标区域面积（平方公里）/片区", "达标区域面积（平方公里）/总计", "达标区域总面积占比"]
    ts = row_targets(h1, ["2020年-2023年", "嘉定新城中心城区、嘉北公园一期", "25.20", "25.20", "25%"], (2024, 2030))
    assert [(t.value, t.deadline, t.kind) for t in ts] == [(25.2, 2023, "result"), (25, 2023, "result")]
    ts = row_targets(h1, ["2024年", "远香湖南", "4.73", "40.39", "40%"], (2024, 2030))
    assert [(t.value, t.unit, t.deadline, t.deadline_inferred, t.kind) for t in ts] == [
        (40.39, "平方公里", 2024, False, "target"),
        (40, "%", 2024, False, "target"),
    ]
    h2 = ["年份", "系统方案编制区域", "系统方案编制区域面积（平方公里）", "达标评估计划"]
    assert row_targets(h2, ["2024年", "马陆社区", "4.42", "2028年"], (2024, 2030)) == []


def test_row_size_column_other_plans():
    """The size rule needs the name column's header to be extended; indicator tables whose value
    columns are named for themselves (putuo-spatial 专栏1, a 2020/2025 table) keep every value."""
    h = ["指标类别", "序号", "指标项", "单位", "类型", "指标值/现状（2025年）", "指标值/近期规划（2030年）"]
    assert len(row_targets(h, ["", "2", "城乡建设用地规模", "平方千米", "约束性", "40.1", "39.8"], (2026, 2030))) == 1
    h = ["项目名称", "项目名称规模（公顷）", "合计（公顷）"]
    assert [t.value for t in row_targets(h, ["某公园", "12", "30"], (2026, 2030))] == [30]


def test_row_units_from_name():
    """hubei 表: the unit is the name's bracket when it is a unit (（万人次） -> 人次, the value
    in base units), not a remark (（含临展）, （标准、导则等）); a name ending in a counter
    (…名录批次) gives it; a range cell (3-5) its lower bound."""
    h = ["指标", "2025 年", "属性"]
    [t] = row_targets(h, ["博物馆年接待观众数量（万人次）", "4000", "预期性"], P21)
    assert (t.value, t.unit, t.deadline, t.deadline_inferred) == (40_000_000, "人次", 2025, False)
    [t] = row_targets(h, ["博物馆年度举办陈列展览数量（含临展）", "≥ 2000", "预期性"], P21)
    assert (t.value, t.unit, t.qualifier) == (2000, None, "不低于")
    [t] = row_targets(h, ["出台地方性专项法规、省级文物事业管理规章（标准、导则等）", "≥ 5", "预期性"], P21)
    assert t.unit is None
    [t] = row_targets(h, ["公布革命文物名录批次", "≥ 2", "预期性"], P21)
    assert t.unit == "批次"
    [t] = row_targets(h, ["新增考古发掘、文物保护等国家级奖项", "3-5", "预期性"], P21)
    assert t.value == 3
    # putuo-spatial: a compound unit in brackets stays whole
    [t] = row_targets(["指标项", "2030年"], ["路网密度（千米/平方千米）", "6.5"], (2026, 2030))
    assert t.unit == "千米/平方千米"


def test_row_sentence_cell_is_prose():
    """A task table's 重点内容 cell is a sentence: it is not read as one figure (jiading annex,
    rows 5 and 12), so the unit's prose targets (with their own 到2025年) are kept."""
    h = ["序号", "任务类型", "重点内容", "责任单位", "参考文件"]
    cell = "重点结合嘉定区特色，因地制宜开展海绵校园建设。到2025年，各级各类学校22所，均需落实海绵城市建设。"
    assert row_targets(h, ["5", "海绵型地块", cell, "区建设管理委", "《行动方案》"], (2024, 2030)) == []
    [t] = _targets(cell, (2024, 2030))
    assert (t.value, t.deadline, t.deadline_inferred) == (22, 2025, False)


def test_row_baseline_year_and_annual_growth():
    h = ["指标", "2020年", "2025年", "年均增长", "属性"]
    ts = row_targets(h, ["研发经费投入强度（%）", "2.4", "3.0", "7%以上", "预期性"], P21)
    assert [(t.value, t.period, t.deadline, t.deadline_inferred, t.baseline, t.baseline_year) for t in ts] == [
        (3.0, None, 2025, False, 2.4, 2020),
        (7, "每年", 2025, True, None, None),
    ]
    [t] = row_targets(["指标名称", "单位", "目标值", "属性"], ["新增就业", "万人", "50", "预期性"], P21)
    assert (t.deadline, t.deadline_inferred) == (2025, True)


def test_section_context_review_and_deadline():
    from kb.extract.targets import section_context

    ctx = section_context("（一）发展现状。", P21)
    text = "信息基础设施全球领先。宽带用户普及率明显提高，光纤用户占比超过94%。"
    assert [t.kind for t in extract_targets(text, [], context=ctx) if t.value] == ["result"]
    ctx = section_context("二、主要目标：到2023年", P21)
    [t] = extract_targets("建设50所学校", [], context=ctx)
    assert (t.deadline, t.deadline_inferred, t.kind) == (2023, True, "target")
