"""Named organisations recognised by the structure of their names (kb/extract/orgnames.py, words
in kb/extract/lexicon/orgnames.tsv): real sentences from several plans of corpus/, the
look-alikes that must not match, and sentences in the style of other plans."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.extract.orgnames import compact, find_orgs

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def _in_corpus(sentence: str) -> bool:
    """Is the sentence in a plan of corpus/ (line breaks and spaces of PDF text ignored)?"""
    return any(sentence in "".join(p.read_text(encoding="utf-8").split()) for p in CORPUS.glob("*.txt"))


def _names(text: str) -> list[str]:
    return [o.name for o in find_orgs(text)]


FOUND = [
    # hubei (PDF text): universities, museums, centres, a world body
    ("与武汉大学、湖北大学等", ["武汉大学", "湖北大学"]),
    (
        "支持省文物事业发展中心、省博物馆、省文物交流信息中心、荆州文物保护中心加强科研成果转化",
        ["省文物事业发展中心", "省博物馆", "省文物交流信息中心", "荆州文物保护中心"],
    ),
    ("发挥湖北省文物考古研究所、武当山、辛亥革命博物馆等海峡两岸交流", ["湖北省文物考古研究所", "辛亥革命博物馆"]),
    ("争取新西兰奥克兰中国文化中心支持", ["新西兰奥克兰中国文化中心"]),
    ("妥善应对世界遗产组织对武当山古建筑群", ["世界遗产组织"]),
    # vocational: national bodies opened by a level word
    ("支持组建国家职业教育指导咨询委员会。", ["国家职业教育指导咨询委员会"]),
    ("中华职业教育社等团体和社会各方", ["中华职业教育社"]),
    ("国务院教育督导委员会定期听取职业教育", ["国务院教育督导委员会"]),
    # digital economy: a body of several departments
    ("建立数字经济发展部际协调机制，加强形势研判", ["数字经济发展部际协调机制"]),
    # jiading: the issuer of a cited notice, 和 inside one name
    ("《上海市住房和城乡建设管理委员会关于开展", ["上海市住房和城乡建设管理委员会"]),
]


@pytest.mark.parametrize("text,names", FOUND)
def test_named_organisations(text, names):
    assert _in_corpus(text)
    assert _names(text) == names


NOT_NAMES = [
    "推动全省博物馆积极参与",  # hubei: a scope word and a class
    "鼓励有条件的国有博物馆和非国有博物馆建立",  # hubei: qualified classes, no proper prefix
    "发挥武汉革命博物馆、武汉市中山舰博物馆等革命类国家一级博物馆",  # hubei: graded classes
    "实施湖北省博物馆世界一流博物馆创建工程",  # hubei: a rank, not a second name
    "共建“长江文明考古研究院”",  # hubei: a thing to be set up, quoted
    "大力发展数字博物馆",  # hubei: verbs do not open a name
    "国务院人力资源社会保障行政部门组织制定职业标准",  # vocational: 组织 is the verb
    "调动行业协会、科研院所、企业等多方参与",  # digital economy: classes
    "支持家庭农场组建农民合作社",  # moa: a class of farmers' units
    "门组建协调小组和专家委员会，建立工作协调机",  # zero-waste: a committee with no proper name
]


@pytest.mark.parametrize("text", NOT_NAMES)
def test_not_named_organisations(text):
    assert _in_corpus(text)
    names = _names(text)
    if "湖北省博物馆世界" in text or "中山舰" in text:
        # the proper names in these sentences are found, the classes around them are not
        assert all("一流" not in n and "一级" not in n and "革命类" not in n for n in names)
    else:
        assert names == []


def test_shared_suffix_of_coordinated_names():
    # jiading: two bodies sharing one suffix; the first written without it
    text = "嘉定工业区、菊园新区管委会："
    assert _in_corpus(text)
    got = {(o.name, text[o.start : o.end]) for o in find_orgs(text)}
    assert got == {("菊园新区管委会", "菊园新区管委会"), ("嘉定工业区管委会", "嘉定工业区")}
    # a place before an institution does not take its suffix (hubei: 武当山 is a site)
    assert "武当山博物馆" not in _names("发挥湖北省文物考古研究所、武当山、辛亥革命博物馆等海峡两岸交流")


def test_name_before_a_noun_is_a_modifier():
    text = "完善国务院职业教育工作部际联席会议制度。"  # vocational
    assert _in_corpus(text)
    (o,) = find_orgs(text)
    assert o.name == "国务院职业教育工作部际联席会议" and o.modifier
    (o,) = find_orgs("国务院职业教育工作部际联席会议由教育、人力资源社会保障")
    assert not o.modifier


def test_pdf_breaks_inside_names():
    text = "发挥 湖北 省文物考古研究所、武当山"
    (o,) = find_orgs(text)
    assert o.name == "湖北省文物考古研究所" and text[o.start : o.end] == "湖北 省文物考古研究所"
    flat, where = compact("世界遗\n产组织")
    assert flat == "世界遗产组织" and where[3] == 4


OTHER_STYLES = [
    # a municipal plan, a provincial notice, a university cooperation clause
    ("由北京市环境保护科学研究院牵头编制", ["北京市环境保护科学研究院"]),
    ("浙江大学与杭州市农业科学研究院合作开展", ["浙江大学", "杭州市农业科学研究院"]),
    ("省教育委员会会同省财政厅制定", ["省教育委员会"]),
]


@pytest.mark.parametrize("text,names", OTHER_STYLES)
def test_other_plan_styles(text, names):
    assert _names(text) == names
    assert not any(o.modifier for o in find_orgs(text))  # 会同 is the body's verb


# an abbreviation (研发, jieba's tag j) is no proper name: these are kinds of centres being set up
OTHER_LOOK_ALIKES = [
    "加强高等学校科研能力建设",
    "支持社会组织参与",
    "推进政务服务中心标准化建设",
    "支持跨国公司设立研发中心，鼓励区内企业拓展海外业务",
    "鼓励企业建设研发中心",
    "建设区域性文物科技研发中心",
]


@pytest.mark.parametrize("text", OTHER_LOOK_ALIKES)
def test_other_look_alikes(text):
    assert _names(text) == []


def _mentions(text: str):
    from kb.extract.document import enrich_document
    from kb.parse.text import parse_text

    doc = parse_text("一、任务\n\n" + text + "\n", doc_id="t")
    enrich_document(doc)
    return [m for u in doc.units() for m in u.mentions]


@pytest.mark.parametrize(
    "text,name,acting",
    [
        # hubei: an institution supported to act is a party; one to be built is an object
        ("支持湖北省博物馆、辛亥革命武昌起义纪念馆、武汉市中山舰博物馆等发挥资源优势", "湖北省博物馆", None),
        ("建设湖北考古博物馆。", "湖北考古博物馆", False),
        # hubei: a list closed by 等一批 gives examples of what is supported (acting.py)
        ("张之洞与武汉博物馆、中南民族大学民族学博物馆等一批立足行业特点", "民族学博物馆", False),
        # vocational: a body is a party wherever named; as a modifier it is not, nor is the
        # lexicon name inside it
        ("听取国家职业教育指导咨询委员会等方面的意见建议", "国家职业教育指导咨询委员会", None),
        ("完善国务院职业教育工作部际联席会议制度。", "国务院职业教育工作部际联席会议", False),
        ("完善国务院职业教育工作部际联席会议制度。", "国务院", False),
    ],
)
def test_mentions_in_extraction(text, name, acting):
    assert _in_corpus(text.rstrip("。"))
    # digital economy: 多方 after 等 is the parties listed, who act
    if name == "国务院":
        assert _acting_of("调动行业协会、科研院所、企业等多方参与数据价值开发", "企业") is True
    ms = [m for m in _mentions(text) if m.text == name and m.entity.startswith("ACTOR:")]
    assert ms, name
    got = ms[0].acting
    assert (got is not False) if acting is None else got is acting


def _acting_of(text: str, name: str):
    return next(m.acting for m in _mentions(text) if m.text == name and m.entity.startswith("ACTOR:"))
