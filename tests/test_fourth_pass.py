"""Fourth pass on actor mentions (issue 13; tests/data/ANNOTATING.md): levels and places as
parties — the places of a list closed by 等 and level words that act (等市、县开展…), a count of
places issuing a cited title together (鄂豫皖三省《…》), and a partner after 与 with its own
modifiers (与长江沿线省市的交流合作). The constructions occur in the hubei plan of corpus/; the
look-alikes that must not change come from the other plans (checked by ``_in_corpus``), through
the real extract stage."""

from __future__ import annotations

import pytest
from test_acting import _acting, _in_corpus, _mentions


def _levels(text: str) -> set[tuple[str, str]]:
    return {(m.entity, m.text) for m in _mentions(text) if m.entity.endswith("级人民政府")}


def test_level_words_closing_a_list_of_places_that_act_name_their_governments():
    text = "支持革命文物资源富集的武汉、荆州、大悟、红安等市、县开展革命文物保护地方性法规立法"
    assert _in_corpus(text)
    assert _levels(text) == {("ACTOR:市级人民政府", "市"), ("ACTOR:县级人民政府", "县")}


@pytest.mark.parametrize(
    "text",
    [
        "重点支持红安、洪湖、监利、随县、鹤峰等市县革命类纪念馆提升陈列展览",  # hubei: a noun follows
        "争议仲裁等市场运营体系",  # digital economy: 市 inside 市场
        "排水泵站等市政基础设施应因地制宜",  # jiading: 市 inside 市政
        "重要商圈等区域，完成",  # putuo greening: 区 inside 区域
        "外环高速抬升等市属重大项目",  # putuo spatial: 市属 qualifies
    ],
)
def test_level_character_after_a_list_that_does_not_act_names_no_government(text):
    assert _in_corpus(text)
    assert not _levels(text)


def test_count_of_places_before_a_cited_title_names_its_issuers():
    text = "按照鄂豫皖三省《大别山区革命文物保护战略规划》"
    assert _in_corpus(text)
    assert _levels(text) == {("ACTOR:省级人民政府", "鄂豫皖三省")}  # 按照 is no part of the name


@pytest.mark.parametrize(
    "text",
    [
        "打造全省《博物馆青少年教育项目库》",  # hubei: a scope, no count of places
        "为贯彻落实《国务院办公厅关于推进海绵城市建设",  # jiading: a named issuer
    ],
)
def test_scope_or_named_issuer_before_a_title_is_no_counted_issuer(text):
    assert _in_corpus(text)
    assert not _levels(text)


def test_partner_after_with_and_its_own_modifiers_acts():
    """与长江沿线|省市的交流合作 (hubei): the provinces and cities along the river are partners,
    as 与高校合作 is; 交流 is joint action."""
    text = "做好与长江沿线省市的交流合作"
    assert _in_corpus(text)
    assert _acting(text, "沿线省市") is True


@pytest.mark.parametrize(
    ("text", "word", "acting"),
    [
        ("实现与社会资本风险共担、收益共享", "社会资本", False),  # zero-waste: another's partner
        ("支持企业与院校共建一批", "院校", True),  # digital economy: 与 at once
        ("探索建立文博单位与企业共同开发", "企业", True),  # hubei
    ],
)
def test_partner_rules_at_once_after_with_are_unchanged(text, word, acting):
    assert _in_corpus(text)
    assert _acting(text, word) is acting


def test_legal_persons_asked_to_act_are_a_party():
    """法人 beside 自然人 and 非法人组织 after 鼓励 (hubei) acts; 非法人组织 is its own class, not
    法人 again."""
    text = "鼓励自然人、法人或者非法人组织通过捐赠、社会募集等方式"
    assert _in_corpus(text)
    assert [m.text for m in _mentions(text) if m.entity == "ACTOR:法人"] == ["法人"]
    assert _acting(text, "法人") is True


@pytest.mark.parametrize(
    "text",
    [
        "组织开展文物行政执法人员法律法规",  # hubei: 执法|人员
        "依法推进法人财产确权",  # hubei: a legal term
        "分类推进国有、非国有博物馆理事会制度建设和法人治理结构改革",  # hubei: corporate governance
    ],
)
def test_legal_person_inside_a_term_is_no_mention(text):
    assert _in_corpus(text)
    assert not [m for m in _mentions(text) if m.entity == "ACTOR:法人"]


def test_legal_persons_in_a_list_of_risks_do_not_act():
    """自然灾害、法人违法等风险挑战 (hubei): 违法 heads a noun phrase closed by 等, a kind of risk."""
    text = "自然灾害、法人违法等风险挑战更为复杂"
    assert _in_corpus(text)
    assert _acting(text, "法人") is False
