"""Classes of institutions (企业, 学校, 金融机构, 政府 …) as acting parties or not
(kb/extract/acting.py, rules in kb/extract/lexicon/roles.general.tsv), and the roles read from
running text (kb/extract/roles.py): real sentences from several plans of corpus/, through the
real extraction of a parsed document."""

from __future__ import annotations

from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def _mentions(text: str):
    from kb.extract.document import enrich_document
    from kb.parse.text import parse_text

    doc = parse_text("一、任务\n\n" + text + "\n", doc_id="t")
    enrich_document(doc)
    return [m for u in doc.units() for m in u.mentions]


def _acting(text: str, word: str, nth: int = 0):
    ms = [m for m in _mentions(text) if m.text == word and m.entity.startswith("ACTOR:")]
    return ms[nth].acting


def _in_corpus(sentence: str) -> bool:
    """Is the sentence in a plan of corpus/ (line breaks and spaces of PDF text ignored)?"""
    return any(sentence in "".join(p.read_text(encoding="utf-8").split()) for p in CORPUS.glob("*.txt"))


ACTING = [
    ("鼓励金融机构在风险可控前提下", "金融机构"),  # zero-waste
    ("鼓励银行业金融机构创新产品和服务", "金融机构"),  # digital economy
    ("鼓励和引导金融机构开发更多中长期信贷产品", "金融机构"),  # rural (moa)
    ("企业参与职业教育的积极性有较大提升", "企业"),  # vocational
    ("引导企业牵头组建创新联合体", "企业"),  # rural (moa)
    ("就建设单位报批的项目设计方案征询区", "建设单位"),  # jiading
    ("学校依据目录灵活自主设置专业", "学校"),  # vocational
    ("鼓励学校、党校（行政学院", "学校"),  # hubei
    ("鼓励企事业单位、居住区等逐步打", "企事业单位"),  # putuo greening
    ("具体分配由学校按规定自行处理", "学校"),  # vocational: 由 marks the agent
    ("发挥中等职业学校作用，帮助部分学业困难学生", "职业学校"),  # vocational: 发挥X作用
    ("发挥数字经济领军企业的引领带动作用", "企业"),  # digital economy: X的 after 发挥
    # items of a division-of-labour slogan (agent-word): 政府主导、企业协作; 企业主体、农户参与
    ("政府主导、企业协作、社区发动", "企业"),  # putuo greening
    ("政府主导、企业协作、社区发动", "政府"),
    ("建立政府引导、企业主体、农户参与", "企业"),  # zero-waste
    ("加强与大专院校、科研院所合作", "科研院所"),  # hubei: the partner of a joint action
    ("探索建立文博单位与企业共同开发文创产品", "企业"),  # hubei
    # a collective wording before a duty is the assigned party (ANNOTATING.md)
    ("压实各级相关单位主体责任", "各级相关单位"),  # putuo greening
    ("明晰主管部门、监管机构职责", "主管部门"),  # digital economy
    ("落实政府责任", "政府"),  # hubei: the annotation counts it (the duty of government)
    ("鼓励有条件的地方编制分行业", "有条件的地方"),  # moa
    ("指导各地做好物资储备和技术", "各地"),  # moa
    ("鼓励市场力量挖掘商业数据价值", "市场力量"),  # digital economy
    ("积极探索平台企业与产业园区联合运营模式", "产业园区"),  # digital economy: joint action
    # look-alikes of the possessed-head rule: a verb of its own, a trigger before it
    ("企业参与职业教育的积极性有较大提升", "企业"),  # vocational
    ("职业院校在校生取得职业技能等级证书和企业提升人力资源水平提供", "企业"),  # vocational
    ("发挥高校和地方两方面优势", "高校"),  # hubei: 发挥X优势 (优势 is no possessed head)
    # look-alike of the name rule: verbs between the class and the head (基地)
    ("鼓励博物馆与高等院校、中小学校合作建立教学实践基地", "中小学校"),  # hubei
]
NOT_ACTING = [
    ("面向学校、社区、家庭、企业开展生", "学校"),  # zero-waste: a setting
    ("面向学校、社区、家庭、企业开展生", "企业"),
    ("为出海企业保驾护航", "企业"),  # digital economy: the served party
    ("培育具有国际竞争力的农业企业。", "企业"),  # rural: an object
    ("实施职业院校教师素质提高计划", "职业院校"),  # vocational: a modifier
    ("明确平台企业主体责任和义务", "平台企业"),  # digital economy: a class, not a collective wording
    ("帮助传统企业和中小企业实现数字化转型", "中小企业"),  # digital economy: the served party
    ("增强政府数字化治理能力", "政府"),  # digital economy: a modifier
    ("加强职业院校（含技工院校）数字技术技能类", "职业院校"),  # digital economy: past the parenthesis
    ("引育一批硬核科技企业", "企业"),  # putuo spatial: an object
    ("实施好中等职业学校“文明风采”活动", "职业学校"),  # vocational: past the quoted name, a modifier
    ("清运企业“托底驳运”模式", "企业"),  # putuo greening
    ("院校内实施的职业技能等级证书", "院校"),  # vocational: a setting
    ("强化工程渣土专营企业监管", "企业"),  # putuo greening: a modifier
    ("公共文物保护经费列入政府财政预算", "政府"),  # hubei: a modifier
    # the possessor of an attribute (possessed-head: 效率, 能力, 水平, 效能, 行为, 资源)
    ("提升企业整体运行效率和产业链上下游协同效率", "企业"),  # digital economy
    ("提升各地执法能力", "各地"),  # hubei
    ("提升文博单位安全防范水平", "文博单位"),  # hubei
    ("提升农业农村领域政府债券使用效能", "政府"),  # moa
    ("收取费用或干预企业办学行为", "企业"),  # vocational
    ('充分挖掘利用各地"土特产"资源', "各地"),  # moa: past a straight-quoted name
    # a scope parenthesis takes the decision of the class before it
    ("加强职业院校（含技工院校）数字技术技能类", "技工院校"),  # digital economy
    # a setting after a one-character marker that is a word of its own
    ("推进展览进学校、进社区、进乡村、进企业", "学校"),  # hubei
    ("推进展览进学校、进社区、进乡村、进企业", "企业"),
    ("体系覆盖各级各类医疗机构。", "医疗机构"),  # zero-waste: the object of 覆盖
    ("建立全省文物领域专家智库。", "智库"),  # hubei: the object of 建立
    ("加强和规范文物行业协会建设与管理。", "行业协会"),  # hubei: 建设与管理 is no predicate
    # 组织 inside the name 培训评价组织 is no trigger that cancels 对
    ("对培训评价组织行为和职业院校培训质量进行监测", "职业院校"),  # vocational
    # a class opening the name of a programme or base
    ("启动实施中国特色高水平高等职业学校和专业建设计划", "职业学校"),  # vocational
]


# second pass on class words (issue #13): each rule on sentences of several plans, with the
# look-alike that must keep its reading
ACTING_2 = [
    ("在政府指导下组建国家职业教育指导咨询委员会", "政府"),  # vocational: 在X指导下 (agent)
    ("将粮食、大豆和油料生产目标任务下达各省份", "各省份"),  # moa: the recipient of 将…下达
    ("推进企业主导的产学研深度融合", "企业"),  # moa: X主导的 (agent-word + 的)
    # look-alikes: a partner of joint action; 会同 is no 同 of its own
    ("加强与大专院校、科研院所合作", "科研院所"),  # hubei
    ("生态环境部会同有关部门组织开展“无废城市”建设试点", "有关部门"),  # zero-waste
    ("鼓励和引导金融机构开发更多中长期信贷产品", "金融机构"),  # moa: a trigger, no counted object
    ("培育一批服务项目,引导企业改善职工", "企业"),  # union sample: the counted object ends at the comma
]

NOT_ACTING_2 = [
    ("实现与社会资本风险共担、收益共享", "社会资本"),  # zero-waste: another's partner
    ("创建与学校教学相结合的博物馆", "学校"),  # hubei
    ("住房总建筑面积中政府、机构和企业持有的租赁住房比例", "政府"),  # putuo spatial: a measure
    ("住房总建筑面积中政府、机构和企业持有的租赁住房比例", "企业"),
    # a counted object of an object verb, however long its modifiers
    ("培育一批固体废物产生量小、循环利用率高的示范企业", "企业"),  # zero-waste
    ("加快培育一批“专精特新”中小企业和制造业单项冠军企业", "企业"),  # digital economy
    ("培育一批新型消费示范城市和领先企业", "企业"),  # digital economy
    ("行业协会要积极配合政府", "政府"),  # vocational: the party helped (配合)
    # mechanisms and kinds named after a class (modifier-word)
    ("通过政府购买服务等方式", "政府"),  # vocational
    ("增加政府绿色采购中循环利用产品种类", "政府"),  # zero-waste
    ("建立产教融合型企业认证制度", "企业"),  # vocational
    ("鼓励发展新型研发机构、企业创新联合体等新型创新主体", "企业"),  # digital economy
    ("探索建立新业态企业劳动保障信用评价", "企业"),  # digital economy
    # look-alikes: a marker's own object after 将 (纳入), 在 alone (a setting)
    ("在职业院校落地实施", "职业院校"),  # vocational
]


@pytest.mark.parametrize("text,word", ACTING + ACTING_2)
def test_acting_party(text, word):
    assert _in_corpus(text)
    assert _acting(text, word) is True


# (the second pass's 企业 sentences name the class twice: the last one is meant)
@pytest.mark.parametrize(
    "text,word,nth", [(t, w, 0) for t, w in NOT_ACTING] + [(t, w, -1 if w == "企业" else 0) for t, w in NOT_ACTING_2]
)
def test_object_setting_or_modifier(text, word, nth):
    assert _in_corpus(text)
    assert _acting(text, word, nth=nth) is False


def test_class_inside_a_group_or_body_name_is_a_modifier():
    # vocational: 高校 inside 高校毕业生 (a group); hubei: 中小学 inside the title of a document
    assert _acting("在职务职级晋升等方面与普通高校毕业生享受同等待遇", "高校") is False


def test_named_body_opening_the_name_of_a_base_is_not_a_party():
    # hubei: the base is named after the body that accredits it; jiading: the body acts
    text = "出土木漆器保护国家文物局重点科研基地、湖北省文物保护科研机构"
    assert _in_corpus(text)
    assert _acting(text, "国家文物局") is False
    ms = _mentions("区水务局牵头实施海绵城市建设工程。")
    assert [m.acting for m in ms if m.text == "区水务局"] == [None]


def test_named_bodies_carry_no_acting_flag():
    ms = _mentions("生态环境部会同有关部门组织开展“无废城市”建设试点。")
    assert ms and all(m.acting is None for m in ms if m.entity == "ACTOR:生态环境部")


def test_kept_as_mentions_either_way():
    """Marking a class word as not acting does not drop it: search and the site still link it."""
    ms = _mentions("面向学校、社区、家庭、企业开展生态文明教育。")
    assert {m.entity for m in ms} >= {"ACTOR:学校", "ACTOR:企业"}


@pytest.mark.parametrize(
    "text,word,role",
    [
        # vocational: two bodies, then a comma, then 分别负责 (the same subject)
        ("国务院人力资源社会保障行政部门、教育行政部门在职责范围内，分别负责有关证书的实施。", "教育行政部门", "lead"),
        # vocational: 国务院 + 教育行政部门 written as one name, 牵头 later in the clause
        ("国务院教育行政部门依照职业标准牵头组织开发教学等相关标准。", "教育行政部门", "lead"),
        # vocational: 由X负责 names X as responsible
        ("技工院校内由人力资源社会保障行政部门负责实施。", "人力资源社会保障行政部门", "lead"),
        # digital economy: three subjects, 要会同: each leads
        ("国家发展改革委、中央网信办、工业和信息化部要会同有关部门加强调查研究。", "国家发展改革委", "lead"),
        ("国家发展改革委、中央网信办、工业和信息化部要会同有关部门加强调查研究。", "工业和信息化部", "lead"),
        # zero-waste: X会同Y
        ("生态环境部会同有关部门组织专家评审通过后实施。", "有关部门", "partner"),
        # vocational: a new subject after the comma leads, the first does not
        (
            "国务院人力资源社会保障行政部门组织制定职业标准，国务院教育行政部门依照职业标准牵头组织开发教学标准。",
            "人力资源社会保障行政部门",
            None,
        ),
    ],
)
def test_roles_in_running_text(text, word, role):
    ms = [m for m in _mentions(text) if m.text == word]
    assert ms and ms[0].role == role


def test_person_in_charge_is_not_a_lead():
    ms = [m for m in _mentions("各有关部门主要负责人要亲自抓。") if m.entity.startswith("ACTOR:")]
    assert ms and all(m.role != "lead" for m in ms)


def test_mentions_query_shows_acting(tmp_path):
    """`kb mentions 企业 --role` (its JSON) carries ``acting`` for each mention of the class."""
    from kb.build import make_kb
    from kb.query.mentions import mentions

    plan = tmp_path / "plan.txt"
    # zero-waste (面向…企业: a setting) and vocational (企业参与: acting)
    plan.write_text(
        "一、任务\n\n面向学校、社区、家庭、企业开展生态文明教育。推动企业深度参与协同育人。\n", encoding="utf-8"
    )
    res = mentions(make_kb([plan]), "企业")
    flags = [m.get("acting") for u in res["units"] for m in u["matches"]]
    assert flags == [False, True]


def test_kind_after_a_list_of_named_bodies_is_not_another_party():
    # vocational: 学校工会、共青团等群团组织; jiading: 区绿化市容局等相关部门
    assert _acting("带动学校工会、共青团等群团组织和学生会组织建设", "群团组织") is False
    assert _acting("（责任单位：区建设管理委、区绿化市容局等相关部门）", "相关部门") is False
    # but 有关部门 on its own acts (zero-waste: 会同有关部门组织…)
    assert _acting("生态环境部会同有关部门组织专家评审。", "有关部门") is True


def test_partner_and_measure_rules_need_their_frames():
    """The rules read their own frames only: 企业持有的数据 (no measure), 引导企业与高校合作 (joint
    action), 把…纳入各地考核 (the marker's object, not a recipient)."""
    from kb.extract.acting import _assigned_recipient, _defines_measure, _other_partner
    from kb.extract.pipeline import lexicon_for

    lex = lexicon_for()
    assert _defines_measure("企业持有的租赁住房比例", 2, lex)
    assert not _defines_measure("企业持有的数据资源", 2, lex)
    assert not _defines_measure("企业主导的产学研深度融合", 2, lex)
    assert _other_partner("实现与", "社会资本风险共担", 4, lex)
    assert not _other_partner("加强与", "科研院所合作", 4, lex)
    assert not _other_partner("生态环境部会同", "有关部门组织", 4, lex)
    assert _assigned_recipient("将生产目标任务下达", ["ACTOR:各省"], lex)
    assert not _assigned_recipient("将文物安全纳入", ["ACTOR:各地"], lex)
    assert not _assigned_recipient("将生产目标任务下达", ["ACTOR:企业"], lex)


def test_subordinate_bodies_as_a_collective_class():
    """下属机构 (vocational: 相关下属机构要优化服务) acts where a verb of its own follows; as the
    object of 对 (constructed look-alike, the only corpus use is the acting one) it does not."""
    text = "相关下属机构要优化服务"
    assert _in_corpus(text)
    assert _acting(text, "下属机构") is True
    assert _acting("加强对下属机构的监督管理", "下属机构") is False


def test_maintenance_companies_are_a_class_of_enterprises():
    """养护公司 (putuo greening: 指导养护公司招录专业人才) is narrower than 企业, so the class rules
    decide it: acting after 指导, not as the object of 对 (constructed look-alike)."""
    text = "指导养护公司招录专业人才"
    assert _in_corpus(text)
    assert _acting(text, "养护公司") is True
    assert _acting("加强对养护公司的考核", "养护公司") is False


def test_rural_service_classes_act_in_a_list_asked_to_take_part():
    """科技特派员 and 社会化服务主体 (moa) are classes: acting in a list after 鼓励 with 等参与,
    an object after 培育一批 or 面向 (constructed look-alikes)."""
    text = "鼓励科技特派员、科技小院、产业专家团、社会化服务主体等参与先进农业技术推广"
    assert _in_corpus(text)
    assert _acting(text, "科技特派员") is True
    assert _acting(text, "社会化服务主体") is True
    assert _acting("培育一批社会化服务主体。", "社会化服务主体") is False
    assert _acting("面向科技特派员开展培训", "科技特派员") is False


NOT_ACTING_3 = [
    # a list closed by 等 + a counted phrase, however long its items (hubei: 三国吴都博物馆 is seven
    # characters): the examples of that phrase, not parties
    (
        "重点支持三峡移民博物馆、南水北调博物馆、三国吴都博物馆、长江文明馆、张之洞与武汉博物馆、"
        "中南民族大学民族学博物馆等一批立足行业特点",
        "南水北调博物馆",
    ),
    ("健全以政府公共财政投入为主", "政府"),  # hubei: an organisation-tagged noun is no adverbial
    ("研判文博单位面临的洪涝", "文博单位"),  # hubei: 面临 (modifier-word): the class undergoes
    ("支持高校考古相关专业", "高校"),  # hubei: a verbal noun + 相关: the field of 专业
]
ACTING_3 = [
    # look-alikes: a list closed by 等 + its predicate; a noun-tagged adverbial (深度, tagged a place)
    ("支持地方政府、金融机构等共同参与", "金融机构"),  # constructed
    ("推动企业深度参与协同育人", "企业"),  # vocational
]


@pytest.mark.parametrize("text,word", NOT_ACTING_3)
def test_not_acting_third_pass(text, word):
    assert _in_corpus(text)
    assert _acting(text, word) is False


@pytest.mark.parametrize("text,word", ACTING_3)
def test_acting_third_pass(text, word):
    assert _in_corpus(text) or "共同参与" in text  # the list look-alike is constructed
    assert _acting(text, word) is True


def test_possessed_attribute_headed_by_a_verbal_noun():
    """推动博物馆治理水平现代化 (hubei): the attribute 水平 closes the phrase with the verbal noun
    that heads it, the class is its possessor; 企业提升管理水平提供 (a verb after) is not."""
    from kb.extract.acting import _possessed
    from kb.extract.pipeline import lexicon_for

    lex = lexicon_for()
    assert _in_corpus("推动博物馆治理水平现代化")
    assert _possessed("博物馆治理水平现代化，", 3, lex)
    assert not _possessed("企业提升人力资源水平提供服务", 2, lex)


def _bare(text: str) -> list[str]:
    return [m.text for m in _mentions(text) if m.entity in ("ACTOR:国家", "ACTOR:中央", "ACTOR:中国共产党")]


BARE_PARTY = [
    "文物保护整体通过国家验收",  # hubei: the agent of a verb closing the phrase (one jieba word)
    "按照国家公布的革命文物保护利用片区",  # hubei: the agent of a relative clause
    "推进中央与地方共建国家级博物馆",  # hubei: a party of a joint action
    "发挥党在文物工作中总揽全局",  # hubei: the agent of 发挥…作用
]
NOT_BARE_PARTY = [
    "与共建“一带一路”国家开展跨境光缆建设合作",  # digital economy: foreign countries
    "世界主要国家均高度重视发展数字经济",  # digital economy: a qualifier before it
    "深入推进国家育种联合攻关",  # moa: a programme's name
    "符合国家和地方环境保护标准的",  # zero-waste: a qualifier of 标准
    "不断巩固党执掌的阶级基础",  # union sample: no 发挥 frame
    "坚持和加强党对“三农”工作的全面领导",  # moa: 党的领导, abstract (ANNOTATING.md)
    "深入贯彻党的二十大和二十届历次全会精神",  # moa: an event
    "运行开放国家考古遗址公园",  # hubei: a qualifier
    "落实中央环保督察整改",  # putuo greening
]


@pytest.mark.parametrize("text", BARE_PARTY)
def test_bare_state_and_party_words_as_parties(text):
    assert _in_corpus(text)
    assert len(_bare(text)) == 1


@pytest.mark.parametrize("text", NOT_BARE_PARTY)
def test_bare_state_and_party_words_as_qualifiers(text):
    assert _in_corpus(text.replace("“", '"').replace("”", '"')) or _in_corpus(text)
    assert _bare(text) == []
