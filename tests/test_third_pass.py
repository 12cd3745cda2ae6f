"""Third pass on actor and group mentions (issue 13; tests/data/ANNOTATING.md): level words as
the subject of a modal verb, the issuer of a cited title, a collective owning a joint action, a
measure named with its figure, an attribute with its own predicate, a set phrase closing a clause
asked of a class; fostered classes of economic units as served groups, and a group-only class being
formed. Each rule on real sentences of several plans of corpus/ (checked by ``_in_corpus``) with the
look-alikes that must not change, through the real extract stage."""

from __future__ import annotations

import pytest
from test_acting import _acting, _in_corpus, _mentions


def _actors(text: str) -> set[tuple[str, str]]:
    return {(m.entity, m.text) for m in _mentions(text) if m.entity.startswith("ACTOR:") and m.acting is not False}


def _groups(text: str) -> set[tuple[str, str]]:
    return {(m.entity, m.text) for m in _mentions(text) if m.entity.startswith("GROUP:") and m.acting is not False}


# ----------------------------------------------------------------- level words and issuers


@pytest.mark.parametrize("text", ["县级可根据帮扶任务合理安排资金", "县级可实行差别化要求"])  # moa
def test_level_word_as_the_subject_of_a_modal_names_that_level(text):
    assert _in_corpus(text)
    assert ("ACTOR:县级人民政府", "县级") in _actors(text)


@pytest.mark.parametrize(
    "text",
    [
        "按市级要求完成修编工作",  # jiading: 要求 is a word of its own, not the modal 要
        "将县级工人文化宫打造成",  # ACFTU: a qualifier inside its clause
        "25年底实现县级以上工会职工服务",  # ACFTU: not opening its clause
    ],
)
def test_level_word_as_a_qualifier_names_no_government(text):
    assert _in_corpus(text)
    assert not [m for m in _mentions(text) if m.entity.endswith("级人民政府")]


def test_place_issuing_a_cited_title_is_its_government():
    """putuo greening: 《普陀区关于…》 names the district government (county level); a named body
    (jiading 《国务院办公厅关于…》, moa 《中共中央、国务院关于…》) is the lexicon's mention alone."""
    text = "制定《普陀区关于进一步规范设摊经营活动的实施方案（试行）》"
    assert _in_corpus(text)
    assert ("ACTOR:县级人民政府", "普陀区") in _actors(text)
    for other in ("为贯彻落实《国务院办公厅关于推进海绵城市建设", "现就落实《中共中央、国务院关于锚定农业农村现代"):
        assert _in_corpus(other)
        assert not [m for m in _mentions(other) if m.entity.endswith("级人民政府")]


# ----------------------------------------------------------------- acting rules


def test_collective_owning_a_joint_action_acts():
    """putuo greening 加强各部门的协同工作 (the departments coordinate); the attribute of a
    collective (hubei 提升各地执法能力) stays a possessor."""
    text = "需加强各部门的协同工作"
    assert _in_corpus(text)
    assert _acting(text, "各部门") is True
    assert _in_corpus("提升各地执法能力")
    assert _acting("提升各地执法能力", "各地") is False


def test_class_in_the_name_of_a_measure_with_its_figure_is_not_acting():
    """putuo greening: 收运企业、收运价格“双公示”上墙率99% is a rate of display; moa 推动新型农业
    经营主体率先按标生产 (率先, no figure) still acts."""
    text = "收运企业、收运价格“双公示”上墙率99%"
    assert _in_corpus(text)
    assert _acting(text, "企业") is False
    other = "推动新型农业经营主体率先按标生产"
    assert _in_corpus(other)
    assert ("ACTOR:新型农业经营主体", "新型农业经营主体") in _actors(other)


def test_attribute_with_its_own_predicate_is_possessed():
    """putuo greening 企业参与渠道有限 (the channels are limited); vocational 企业参与职业教育的
    积极性有较大提升 and digital economy 鼓励…企业… keep acting where a verb of their own has an object."""
    text = "企业参与渠道有限"
    assert _in_corpus(text)
    assert _acting(text, "企业") is False
    other = "企业参与职业教育的积极性有较大提升"
    assert _in_corpus(other)
    assert _acting(other, "企业") is True


def test_set_phrase_closing_a_clause_asked_of_a_class():
    """moa 指导有条件的地方结合实际， (what the places are guided to do) acts; a set phrase the class
    qualifies, a head noun after it (vocational 牢牢把握学校意识形态工作领导权), does not."""
    text = "指导有条件的地方结合实际，"
    assert _in_corpus(text)
    assert _acting(text, "有条件的地方") is True
    other = "牢牢把握学校意识形态工作领导权，"
    assert _in_corpus(other.rstrip("，"))
    assert _acting(other, "学校") is False


# ----------------------------------------------------------------- groups


@pytest.mark.parametrize(
    "text",
    [
        "培育壮大农业科技领军企业，",  # moa
        '全产业链打造"链主"企业。',  # moa
    ],
)
def test_fostered_economic_units_are_served_groups(text):
    assert _in_corpus(text.rstrip("，。"))
    assert ("GROUP:企业", "企业") in _groups(text)


@pytest.mark.parametrize(
    "text",
    [
        "培育一批固体废物资源化利用骨干企业。",  # zero-waste: counted, brought into being
        "培育一批绿色设计示范企业；",  # zero-waste
        "培育壮大一批跨境电商龙头企业、海外仓领军企业",  # digital economy
        "培育数以万计的产教融合型企业，",  # vocational
        "培育大中小企业和社会开发者开放",  # digital economy: the class acts
    ],
)
def test_counted_or_acting_fostered_units_are_no_groups(text):
    assert _in_corpus(text.rstrip("，。；"))
    assert not [g for g in _groups(text) if g[0] in ("GROUP:企业", "GROUP:中小企业")]


def test_recognised_national_leading_enterprises():
    """moa 认定第九批国家重点龙头企业 (a recognised batch: served), a narrower term of 农业产业化龙头企业."""
    text = "认定第九批国家重点龙头企业。"
    assert _in_corpus(text.rstrip("。"))
    assert ("GROUP:农业产业化国家重点龙头企业", "国家重点龙头企业") in _groups(text)


def test_group_class_being_formed_is_no_group():
    """moa 支持家庭农场组建农民合作社: the farms are supported, the cooperatives are set up; 引导农民
    合作社依法自愿组建联合社 (the cooperatives act) and 支持欠发达国有农场加快振兴 are unchanged."""
    text = "支持家庭农场组建农民合作社，引导农民合作社依法自愿组建联合社。"
    assert _in_corpus(text.rstrip("。"))
    gs = [(m.entity, m.start) for m in _mentions(text) if m.entity.startswith("GROUP:") and m.acting is not False]
    assert ("GROUP:家庭农场", 2) in gs
    assert not [g for g in gs if g[0] == "GROUP:农民合作社"]
    assert ("ACTOR:农民合作社", "农民合作社") in _actors(text)
    assert ("GROUP:国有农场", "国有农场") in _groups("支持欠发达国有农场加快振兴。")
