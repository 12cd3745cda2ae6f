"""Group mentions on any plan (tests/data/ANNOTATING.md, Groups): the common target groups of
policy, group words inside names and slogans left out, and classes of economic units as groups
where they are served and actors where they act. Every sentence is quoted from a plan in
corpus/ (digital economy, vocational, rural, hubei, putuo, zero-waste) and run through the real
extract stage (kb/extract/document.py)."""

from __future__ import annotations

import pytest


def mentions(text: str) -> list:
    from kb.extract.document import enrich_document
    from kb.parse.text import parse_text

    doc = parse_text("一、任务\n\n" + text + "\n", doc_id="t")
    enrich_document(doc)
    return [m for u in doc.units() for m in u.mentions]


def groups(text: str) -> set[tuple[str, str]]:
    """The group mentions that denote the group (a word inside a name is marked ``acting``
    false: kept for ``kb mentions``, not a mention of the group; the scorer reads it so)."""
    return {(m.entity, m.text) for m in mentions(text) if m.entity.startswith("GROUP:") and m.acting is not False}


# --------------------------------------------------------------------------- vocabulary


@pytest.mark.parametrize(
    "text, expected",
    [
        # digital economy
        ("强化行业自律，保护平台从业人员和消费者合法权益。", {"GROUP:平台从业人员", "GROUP:消费者"}),
        (
            "健全完善针对未成年人、老年人等各类特殊群体的网络保护机制。",
            {"GROUP:未成年人", "GROUP:老年人", "GROUP:特殊群体"},
        ),
        ("提高老年人、残障人士等运用数字技术的能力。", {"GROUP:老年人", "GROUP:残疾人"}),
        # rural
        ("合理确定防止返贫致贫对象认定标准，规范标准。", {"GROUP:防止返贫致贫对象"}),
        ("提升乡村治理人才能力素质。", {"GROUP:人才"}),
        # vocational
        ("院校内培训可面向社会人群，院校外培训也可以由职业院校承担。", {"GROUP:社会人群"}),
    ],
)
def test_common_target_groups(text, expected):
    assert expected <= {e for e, _ in groups(text)}


def test_subscriber_statistics_are_not_users():
    """digital economy: 宽带用户普及率 counts lines; 保障用户隐私 names the users."""
    assert not groups("宽带用户普及率明显提高，光纤用户占比超过94%。")
    assert ("GROUP:用户", "用户") in groups("在确保数据安全、保障用户隐私的前提下，调动行业协会参与。")


# --------------------------------------------------------------------------- slogans and names


def test_slogans_of_the_people_are_not_groups():
    """hubei 惠及人民群众, putuo 提升群众获得感 are slogans; putuo 围绕群众实际需求 serves them."""
    assert not groups("推动文物保护成果更多惠及人民群众。")
    assert not groups("特色彰显、共建共享，提升群众获得感。")
    assert ("GROUP:群众", "群众") in groups("围绕群众实际需求和区域特点布局。")


@pytest.mark.parametrize(
    "text, word",
    [
        ("实施职业院校教师素质提高计划，建设一批教师培养培训基地。", "教师"),  # vocational
        ("办好中国农民丰收节。", "农民"),  # rural
        ("开展新型农业经营主体提质增效带动小农户增收行动。", "小农户"),  # rural
        ("持续推进“百万学生走进博物馆”、“博物馆进校园”活动。", "学生"),  # hubei
    ],
)
def test_group_words_inside_names(text, word):
    assert not [g for g in groups(text) if g[1] == word]
    assert [m for m in mentions(text) if m.text == word and m.acting is False]


def test_group_word_taking_part_in_a_programme_stays():
    """The verb of taking part makes the group the party, not part of the name."""
    assert ("GROUP:农民", "农民") in groups("引导农民参与乡村建设行动。")


def test_generic_talent_training_is_not_a_group():
    """vocational 高层次应用型人才培养体系: the generic activity; 乡村治理人才 (rural) is a class."""
    assert not [g for g in groups("完善高层次应用型人才培养体系。") if g[0] == "GROUP:人才"]


# --------------------------------------------------------------------------- served or acting


@pytest.mark.parametrize(
    "text, entity",
    [
        ("帮助传统企业和中小企业实现数字化转型。", "GROUP:中小企业"),  # digital economy
        ("防范经贸法律风险，为出海企业保驾护航。", "GROUP:企业"),  # digital economy
        ("学校积极为企业提供所需的课程、师资等资源。", "GROUP:企业"),  # vocational
        ("推动土地弹性年限出让转变，降低企业初期用地成本。", "GROUP:企业"),  # putuo spatial
    ],
)
def test_served_economic_units_are_groups(text, entity):
    ms = mentions(text)
    assert entity in {m.entity for m in ms}
    # the actor mention stays at the same place, not acting, so `kb mentions 中小企业` finds it
    twin = "ACTOR:" + entity.split(":", 1)[1]
    assert [m.acting for m in ms if m.entity == twin] and all(m.acting is False for m in ms if m.entity == twin)


@pytest.mark.parametrize(
    "text",
    [
        "鼓励生产企业与销售商合作，优化物流配送。",  # zero-waste: acting
        "将固体废物产生、利用处置企业纳入企业环境信用评价范围。",  # zero-waste: a setting
    ],
)
def test_acting_or_modifier_economic_units_are_no_groups(text):
    assert not [m for m in mentions(text) if m.entity in ("GROUP:企业", "GROUP:中小企业")]


def test_group_classes_that_act_are_actors():
    """rural: 推动新型农业经营主体率先按标生产 and 引导农民合作社依法自愿组建联合社 (acting, ANNOTATING.md
    ACTOR); 支持欠发达国有农场加快振兴 and 支持家庭农场… (supported: GROUP)."""
    ms = {(m.entity, m.text) for m in mentions("推动新型农业经营主体率先按标生产。")}
    assert ("ACTOR:新型农业经营主体", "新型农业经营主体") in ms and (
        "GROUP:新型农业经营主体",
        "新型农业经营主体",
    ) not in ms
    assert ("GROUP:国有农场", "国有农场") in groups("支持欠发达国有农场加快振兴。")
    ms = {(m.entity, m.start) for m in mentions("支持家庭农场组建农民合作社，引导农民合作社依法自愿组建联合社。")}
    assert ("GROUP:家庭农场", 2) in ms
    acting = [s for e, s in ms if e == "ACTOR:农民合作社"]
    assert acting and all(s > 14 for s in acting)


def test_generic_qualifier_of_talent():
    """putuo 养护公司招录专业人才 (generic, left out) against rural 加强涉农专业人才定向培养 (a kind)."""
    assert not [g for g in groups("指导养护公司招录专业人才，定期组织综合培训。") if g[0] == "GROUP:人才"]
    assert ("GROUP:人才", "人才") in groups("加强涉农专业人才定向培养。")


def test_intra_city_delivery_is_no_courier():
    """zero-waste: 同城快递 is a service; the courier's sector word does not name couriers there."""
    assert not groups("到2020年，基本实现同城快递环境友好型包装材料全面应用。")


@pytest.mark.parametrize(
    "text",
    [
        # ACFTU: 为 of 以…为 (as), and 企业 inside the name 企业事业单位
        "进一步健全以职工代表大会为基本形式的企业事业单位民主管理制度体系。",
        # ACFTU: 服务 inside the noun 服务中心 governs nothing
        "职工服务中心和职工生活幸福型企业建设。",
    ],
)
def test_no_served_reading_without_a_governing_word(text):
    assert not [m for m in mentions(text) if m.entity == "GROUP:企业"]


def test_name_broken_by_a_line_break_in_a_table_cell():
    """hubei (PDF): the indicator row 博物馆志\\n愿者数量 names the volunteers."""
    from kb.extract.pipeline import get_nlp, run

    text = "全省文物开放单位、博物馆志\n愿者数量 10000 预期性"
    hits = [(h.entity, h.surface) for h in run(get_nlp(), text).user_data["hits"]]
    assert ("GROUP:志愿者", "志\n愿者") in hits
    assert not [h for h in run(get_nlp(), "博物馆\n志愿者").user_data["hits"] if "\n" in h.surface]


# Sentences written here in the wording of social-assistance, health, employment and pastoral
# plans (none of these groups is in corpus/, so the texts are generated): each group is found
# under its name or alias, and the value or body named with it is not.
@pytest.mark.parametrize(
    "text, expected, absent",
    [
        (
            "将特困供养人员、最低生活保障对象纳入救助范围，做好失能老年人和独居老人关爱服务。",
            {"GROUP:特困人员", "GROUP:低保对象", "GROUP:失能老人", "GROUP:独居老人"},
            set(),
        ),
        ("加强孕产妇和婴幼儿健康管理，减轻患者就医负担。", {"GROUP:孕产妇", "GROUP:婴幼儿", "GROUP:患者"}, set()),
        (
            "支持农牧民增收，做好就业困难人员和失业人员帮扶。",
            {"GROUP:农牧民", "GROUP:就业困难人员", "GROUP:失业人员"},
            set(),
        ),
        ("弘扬企业家精神，支持博士后科研工作站建设。", set(), {"GROUP:企业家", "GROUP:博士后"}),
        (
            "吸引留学生和海外侨胞回国创业，关心医护人员和乡村医生。",
            {"GROUP:留学生", "GROUP:华侨", "GROUP:医务人员", "GROUP:乡村医生"},
            set(),
        ),
    ],
)
def test_groups_of_other_sectors(text, expected, absent):
    found = {e for e, _ in groups(text)}
    assert expected <= found and not (absent & found)


def test_related_wording_is_the_people_only_in_a_list_of_groups():
    # digital economy: 家政 (for 家政服务人员) names a field, 灵活就业 a form of work
    assert groups("儿童福利、托育、家政等民生领域") == {("GROUP:儿童", "儿童")}
    assert not groups("完善灵活就业的工伤保险制度。")
    # the union sample: an item of a list of groups is the people
    found = groups("最大限度地把农民工、灵活就业、新就业形态劳动者组织到工会中来。")
    assert ("GROUP:灵活就业人员", "灵活就业") in found


def test_honorific_title_is_no_group():
    # vocational (ANNOTATING.md: not honorifics), twice; the union sample's 工匠人才 is the group
    assert not groups("教育结构和培养大国工匠、能工巧匠的重要")
    assert groups("宣传展示大国工匠、能工巧匠和高素质劳动者") == {("GROUP:劳动者", "劳动者")}
    assert ("GROUP:工匠", "工匠人才") in groups("全国示范性劳模和工匠人才创新工作")


def test_groups_of_rural_and_heritage_policy():
    # hubei; moa (养殖场户 is a class of farms: where it acts it is an actor, not the group)
    assert ("GROUP:考古人员", "考古人员") in groups("关切一线考古人员，落实野外津贴补助")
    assert ("GROUP:乡土文化能人", "乡土文化能人") in groups("大力培育乡土文化能人。")
    acting = mentions("推动中小养殖场户建设完善畜禽粪污、水产养殖尾水处理设施")
    assert ("ACTOR:养殖场户", True) in {(m.entity, m.acting) for m in acting}
    assert not groups("推动中小养殖场户建设完善畜禽粪污、水产养殖尾水处理设施")


def test_group_word_inside_the_name_of_an_event_day_or_week():
    """event-head (日, 周) closes the name of an event when it is a word of its own after a word
    naming the event: 世界青年技能日 (vocational). Look-alikes keep the group: 周 inside another
    word (教师5年一周期, vocational; 青年日益…), or right after the group word (职工日工资)."""
    text = "办好职业教育活动周和世界青年技能日宣传活动"
    assert "".join(text.split()) in "".join(_corpus_text().split())
    assert not [g for g in groups(text) if g[1] == "青年"]
    assert ("GROUP:教师", "教师") in groups("落实教师5年一周期的全员轮训")
    assert ("GROUP:青年", "青年") in groups("青年日益成为创新创业的主力")
    assert ("GROUP:职工", "职工") in groups("提高职工日工资标准")


def _corpus_text() -> str:
    from pathlib import Path

    corpus = Path(__file__).resolve().parent.parent / "corpus"
    return "".join(p.read_text(encoding="utf-8") for p in corpus.glob("*.txt"))
