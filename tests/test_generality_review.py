"""Generality review of the third-pass rules (issue 13): each rule on sentences in the styles of
plan types the annotated corpus does not hold (a State Council 意见, a provincial 行动计划, a city
health plan, an education plan, an ecology plan, a government work report), where it must fire and
on look-alikes where it must not. The sentences are written for this test (no plan of corpus/
holds them); the rules' own tests on real plan sentences are in test_third_pass.py and
test_acting.py. Everything runs through the real extract stage."""

from __future__ import annotations

import pytest
from test_acting import _mentions


def _actors(text: str) -> set[tuple[str, str]]:
    return {(m.entity, m.text) for m in _mentions(text) if m.entity.startswith("ACTOR:") and m.acting is not False}


def _level_governments(text: str) -> set[str]:
    return {m.text for m in _mentions(text) if m.entity.endswith("级人民政府") and m.acting is not False}


# ----------------------------------------------------------------- a level word as subject


def test_level_word_before_a_modal_and_its_verb_names_that_level():
    assert ("ACTOR:省级人民政府", "省级") in _actors("省级要加强统筹协调，市县要抓好落实。")


@pytest.mark.parametrize(
    "text",
    [
        "省级可用于统筹的资金规模不断扩大。",  # a relative clause: the level qualifies 资金
        "市级可达到的标准以上。",
        "县级以上人民政府应当加强领导。",  # 县级以上: the named governments, no level subject
        "省级要求的指标全部完成。",
    ],
)
def test_level_word_qualifying_a_noun_is_no_subject(text):
    assert not {w for w in _level_governments(text) if w in ("省级", "市级", "县级")}


# ----------------------------------------------------------------- issuers of cited titles


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("认真贯彻《浙江省关于加快推进生态文明建设的意见》。", "浙江省"),
        ("落实《海淀区关于支持科技创新的若干措施》。", "海淀区"),
    ],
)
def test_place_opening_a_cited_title_is_its_issuer(text, place):
    assert place in _level_governments(text)


@pytest.mark.parametrize(
    "text",
    [
        "落实《粤港澳大湾区关于…规划》。",  # a region, no government: 区 is a word of its own
        "落实《全市关于…的通知》。",  # a scope word
        "落实《本市关于…的通知》。",
        "落实《社区关于…》。",  # a common noun ending in a level character
        "依据《上海市城市总体规划（2017—2035年）》开展工作。",  # no 关于 document
    ],
)
def test_no_place_opening_a_title_is_no_issuer(text):
    assert not _level_governments(text)


def test_count_of_places_before_a_title_needs_the_places_named():
    """鄂豫皖三省《…》 (test_third_pass) names its issuers; a count alone, a scope or a batch does not."""
    for text in (
        "全市十区《分区规划》编制完成。",
        "完成三区《行动计划》编制。",
        "编制第二批十县《实施方案》。",
        "落实两区《关于…的意见》。",
    ):
        assert not _level_governments(text), text


# ----------------------------------------------------------------- levels closing a list


@pytest.mark.parametrize(
    "text",
    ["支持杭州、宁波、温州等市开展试点。", "推动遵义、毕节等市、县建立联动机制。", "由武汉、荆州等市负责组织实施。"],
)
def test_levels_closing_a_list_of_acting_places(text):
    assert "市" in _level_governments(text)


@pytest.mark.parametrize(
    "text",
    [
        "在杭州、宁波等市举办展会。",  # a setting
        "对武汉、荆州等市给予奖励。",  # a served party
        "推进北京、上海等市场化改革试点。",  # 市 inside a word
        "完善成都、德阳等县市区综合交通网络。",
    ],
)
def test_levels_closing_a_list_of_settings_or_served_places(text):
    assert not _level_governments(text)


# ----------------------------------------------------------------- measures named with their figure


@pytest.mark.parametrize(
    ("text", "cls"),
    [
        ("企业要提高资源利用效率达到国内领先水平。", "企业"),  # 效率 with no figure: 企业 acts
        ("鼓励企业提升能源利用效率达到国际先进水平。", "企业"),
        ("医疗机构应当提高检测频率，达到每周一次。", "医疗机构"),
    ],
)
def test_class_acting_on_a_rate_without_figure_acts(text, cls):
    assert any(t == cls for _e, t in _actors(text))


def test_class_defining_a_rate_with_its_figure_does_not_act():
    assert not [t for _e, t in _actors("医疗机构门诊预约率达到80%。") if t == "医疗机构"]


# ----------------------------------------------------------------- legal persons


def test_legal_persons_listed_as_parties_act():
    assert ("ACTOR:法人", "法人") in _actors("鼓励公民、法人和其他组织参与生态保护。")


@pytest.mark.parametrize("text", ["推进事业单位法人登记管理，完善法人治理结构。", "法人代表签字确认后报送。"])
def test_legal_person_in_a_procedure_or_office_is_no_party(text):
    assert not [t for _e, t in _actors(text) if t == "法人"]


# ----------------------------------------------------------------- bare state words


@pytest.mark.parametrize("text", ["项目建成后通过国家验收，按规定办理手续。", "完善中央与地方共同承担的财政投入机制。"])
def test_bare_state_word_acting(text):
    assert {e for e, _t in _actors(text)} & {"ACTOR:国家", "ACTOR:中央"}


@pytest.mark.parametrize(
    "text",
    [
        "建设国家公园体制试点，完善国家标准体系。",
        "争创国家级生态文明建设示范区。",
        "学习借鉴发达国家经验，加强与“一带一路”沿线国家合作交流。",
        "坚持党建引领，加强党员队伍建设，落实党组主体责任。",
        "积极争取中央预算内投资，用好国家补助资金。",
        "全面贯彻党的二十大精神，坚持党的全面领导。",
        "建立国家、省、市、县四级联动机制。",
    ],
)
def test_bare_state_word_as_qualifier_is_no_party(text):
    assert not {e for e, _t in _actors(text)} & {"ACTOR:国家", "ACTOR:中央", "ACTOR:中国共产党"}
