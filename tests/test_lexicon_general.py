"""The general lexicon (actors.gov, actors.general, groups.general, stop.tsv) on short
real-looking sentences, through the real extraction pipeline: each false match seen on real
plans is absent and the true mention next to it is present."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.extract.lexicon import LEXICON_DIR, TYPES, load_lexicon, type_files


@pytest.fixture(scope="module")
def nlp():
    from kb.extract.pipeline import get_nlp

    return get_nlp()


def found(nlp, text: str) -> set[tuple[str, str]]:
    """(entity, text as written) of every mention the pipeline finds in ``text``."""
    from kb.extract.pipeline import run

    return {(h.entity, h.surface) for h in run(nlp, text).user_data["hits"]}


def entities(nlp, text: str) -> set[str]:
    return {e for e, _ in found(nlp, text)}


# --------------------------------------------------------------------------- false matches


def test_farmers_not_inside_migrant_workers(nlp):
    assert ("GROUP:农民", "农民") in found(nlp, "促进农民增收,拓宽农民增收渠道。")
    got = entities(nlp, "保障农民工工资支付,关爱新生代农民工和农民工子女。")
    assert "GROUP:农民" not in got and "GROUP:农民工" in got
    got = entities(nlp, "培育家庭农场和农民合作社。")
    assert "GROUP:农民" not in got and "GROUP:农民合作社" in got


@pytest.mark.parametrize("phrase", ["各国政府", "数字政府", "法治政府", "外国政府"])
def test_government_not_inside_concepts(nlp, phrase):
    text = f"加快建设{phrase},地方政府要落实主体责任。"
    got = found(nlp, text)
    start = text.index(phrase)
    assert not [h for h in _hits(nlp, text) if h.entity == "ACTOR:政府" and start <= h.start < start + len(phrase)]
    assert ("ACTOR:地方政府", "地方政府") in got


def _hits(nlp, text):
    from kb.extract.pipeline import run

    return run(nlp, text).user_data["hits"]


def test_local_government_is_narrower_not_an_alias():
    lex = load_lexicon()
    assert "地方政府" not in lex.entries["ACTOR:政府"].aliases
    assert lex.entries["ACTOR:地方政府"].broader == ["ACTOR:政府"]


def test_domestic_workers_not_inside_state_power(nlp):
    # 家政 (a related wording of 家政服务人员) cuts through 国家|政权: word bounds drop it
    assert "GROUP:家政服务人员" not in entities(nlp, "坚决维护国家政权安全和制度安全。")
    assert "GROUP:家政服务人员" not in entities(nlp, "认真落实国家政策。")
    assert ("GROUP:家政服务人员", "家政") in found(nlp, "推动家政服务业提质扩容。")


def test_couriers_not_in_parcel_packaging(nlp):
    assert "GROUP:快递员" not in entities(nlp, "推进快递包装绿色转型。")
    assert "GROUP:快递员" in entities(nlp, "维护快递员合法权益,规范快递行业用工。")


def test_craftsmen_not_in_craftsmanship(nlp):
    assert "GROUP:工匠" not in entities(nlp, "大力弘扬劳模精神、劳动精神、工匠精神。")
    assert "GROUP:工匠" in entities(nlp, "培养更多高技能人才和大国工匠。")


def test_central_committee_not_via_county_party_committee():
    from kb.build import make_kb  # noqa: F401 (the real build)
    from kb.query.mentions import mentioned_units, mentions

    kb = _kb("县级党委要把工会工作纳入重要议事日程。", "贯彻落实中共中央决策部署。")
    assert mentioned_units(mentions(kb, "中共中央")) == ["T2"]
    assert mentioned_units(mentions(kb, "党委")) == ["T1", "T2"]  # 中共中央 is a 党委


def _kb(*tasks: str):
    import tempfile

    from kb.build import make_kb

    body = "一、总体要求\n\n" + "\n\n".join(f"{i}. 任务{i}。{t}" for i, t in enumerate(tasks, 1)) + "\n"
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "plan.txt"
        p.write_text(body, encoding="utf-8")
        return make_kb([p])


def test_ministry_not_inside_department(nlp):
    got = entities(nlp, "教育部门、财政部门和人社部门要加强协作。")
    assert {"ACTOR:教育部门", "ACTOR:财政部门", "ACTOR:人社部门"} <= got
    assert not got & {"ACTOR:教育部", "ACTOR:财政部", "ACTOR:人力资源和社会保障部"}
    got = entities(nlp, "教育部、财政部、人力资源社会保障部按职责分工负责。")
    assert {"ACTOR:教育部", "ACTOR:财政部", "ACTOR:人力资源和社会保障部"} <= got


def test_local_commission_is_not_the_national_one(nlp):
    got = found(nlp, "国家发展改革委会同有关部门;上海市发改委、区人社局负责落实。")
    assert ("ACTOR:国家发展和改革委员会", "国家发展改革委") in got
    # the local body itself, under its generic 部门 (so a query for 发展改革部门 finds it too)
    assert ("ACTOR:市发展改革委", "市发改委") in got and ("ACTOR:区人力资源社会保障局", "区人社局") in got
    assert ("ACTOR:国家发展和改革委员会", "发改委") not in got
    assert "ACTOR:国务院国资委" not in entities(nlp, "省国资委指导省属企业。")


@pytest.mark.parametrize(
    "text,absent,present",
    [
        ("开展群众性体育活动,夯实群众基础。", "GROUP:群众", None),
        # 人民群众 is the people of the slogans (every annotated plan leaves it out: hubei
        # 惠及人民群众, putuo-spatial, digital); a concrete 群众 is a group (putuo 围绕群众实际需求)
        ("维护人民群众切身利益。", "GROUP:群众", None),
        ("围绕群众实际需求和区域特点。", None, "GROUP:群众"),
        ("发挥妇女联合会作用,保障妇女权益。", None, "GROUP:妇女"),
        ("加快培养技术技能人才。", "GROUP:高技能人才", "GROUP:技术技能人才"),
        ("发展乡镇企业。", "ACTOR:乡镇人民政府", None),
    ],
)
def test_other_stops(nlp, text, absent, present):
    got = entities(nlp, text)
    if absent:
        assert absent not in got
    if present:
        assert present in got


def test_union_federation_stays_single():
    lex = load_lexicon()
    assert lex.find("全国总工会").id == "ACTOR:全总"
    assert lex.find("农民工").id == "GROUP:农民工"


# --------------------------------------------------------------------------- the files


def test_every_surface_names_one_entity():
    """One entity a surface, except the twins of a class of economic units (ACTOR:企业 and
    GROUP:企业, the served reading kb/extract/groupnames.py keeps only where it is served)."""
    lex = load_lexicon()
    seen: dict[str, str] = {}
    for e in lex.entries.values():
        for s in (e.name, *e.aliases):
            first = seen.setdefault(s, e.id)
            twins = {first, e.id} == {"ACTOR:" + e.name, "GROUP:" + e.name}
            assert first == e.id or twins, f"{s}: {seen[s]} and {e.id}"
    assert lex.find("中小企业").id == "ACTOR:中小企业"


def test_domain_files_are_loaded():
    names = {p.name for t in TYPES for p in type_files(LEXICON_DIR, t)}
    assert {
        "actors.union.tsv",
        "actors.gov.tsv",
        "actors.general.tsv",
        "groups.union.tsv",
        "groups.general.tsv",
    } <= names
    assert "actors.patterns.tsv" not in names
    lex = load_lexicon()
    assert lex.entries["ACTOR:国家发展和改革委员会"].broader == ["ACTOR:国务院部门", "ACTOR:发展改革部门"]
    assert "GROUP:小农户" in lex.entries and lex.entries["GROUP:小农户"].broader == ["GROUP:农户"]
    assert lex.entries["GROUP:农业企业"].broader == ["GROUP:新型农业经营主体", "ACTOR:企业"]


def test_duplicate_id_across_files_is_refused(tmp_path):
    from kb.errors import KBError

    (tmp_path / "groups.a.tsv").write_text("农民\t\t\t\t\n", encoding="utf-8")
    (tmp_path / "groups.b.tsv").write_text("农民\t\t\t\t\n", encoding="utf-8")
    with pytest.raises(KBError, match="listed twice"):
        load_lexicon(tmp_path)


# --------------------------------------------------------------------------- from the annotated plans
# (tests/data/entities, scripts/score_entities.py): general gaps the real plans showed


def test_supply_and_marketing_cooperative_short_form(nlp):
    assert "ACTOR:中华全国供销合作总社" in entities(nlp, "商务部指导，供销合作总社参与。")


def test_statutory_department_wordings(nlp):
    got = entities(nlp, "教育行政部门、人力资源社会保障行政部门在职责范围内分别负责。")
    assert {"ACTOR:教育部门", "ACTOR:人社部门"} <= got
    assert "ACTOR:行业主管部门" in entities(nlp, "各相关行业管理部门依职责进行审查。")


def test_general_acting_bodies(nlp):
    got = entities(nlp, "鼓励企业和社会力量参与，鼓励金融机构加大支持，支持第三方机构开展评估。")
    assert {"ACTOR:社会力量", "ACTOR:金融机构", "ACTOR:第三方机构"} <= got
    assert "ACTOR:建设单位" in entities(nlp, "就建设单位报批的项目设计方案征询意见。")
    assert "ACTOR:公共机构" in entities(nlp, "推动公共机构无纸化办公。")
    got = entities(nlp, "鼓励生产企业与销售商合作，发挥大型零售商带动作用。")
    assert {"ACTOR:销售商", "ACTOR:零售商"} <= got


def test_vocational_bodies(nlp):
    got = entities(nlp, "将符合条件的技师学院纳入高等学校序列，技工院校内由人社部门负责。")
    assert {"ACTOR:技师学院", "ACTOR:技工院校"} <= got
    assert "ACTOR:培训评价组织" in entities(nlp, "通过职业教育培训评价组织等参与实施。")


def test_party_organisations(nlp):
    got = found(nlp, "发挥党组织作用，加强基层党组织建设。")
    assert ("ACTOR:党组织", "党组织") in got and ("ACTOR:基层党组织", "基层党组织") in got


def test_public_and_soldiers(nlp):
    assert "GROUP:公众" in entities(nlp, "鼓励公众参与，充分发挥社会公众监督作用。")
    assert "GROUP:公众" not in entities(nlp, "通过公众号等网络平台宣传。")
    got = entities(nlp, "面向现役军人的教育培训，促进退役军人特别是退役士兵就业。")
    assert {"GROUP:现役军人", "GROUP:退役军人", "GROUP:退役士兵"} <= got


def test_directive_notes_give_roles():
    from kb.parse.outline.responsible import find_responsible

    units = find_responsible("完善标准体系。（市场监管总局、工业和信息化部负责）推广技术。")[0]
    assert units == [{"name": "市场监管总局", "role": "lead"}, {"name": "工业和信息化部", "role": "partner"}]
    units = find_responsible("（商务部指导，供销合作总社参与）")[0]
    assert [u["role"] for u in units] == ["lead", "partner"]
    # a clause in brackets is not a note
    assert find_responsible("（技工院校内由人力资源社会保障行政部门负责）")[0] == []


def test_actor_before_huitong_is_lead():
    from kb.extract.roles import actor_role

    text = "生态环境部会同有关部门组织评估"
    assert actor_role(text, 0, False, None, 5) == "lead"
    assert actor_role(text, 7, False, None, 11) == "partner"
    # 由 X 负责 names X as the one responsible: lead (tests/data/ANNOTATING.md: X负责 → lead)
    text = "由区建设管理委负责统筹"
    assert actor_role(text, 1, False, None, 7) == "lead"


# --------------------------------------------------------------------------- 2026-11-30 additions
# real wordings of the dev plans (vocational, zero-waste, digital economy, rural, hubei)


def test_education_and_employment_groups(nlp):
    assert ("GROUP:毕业生", "毕业生") in found(nlp, "扩大对初中毕业生实行中高职贯通培养的招生规模")
    assert "GROUP:高校毕业生" in entities(nlp, "对取得职业技能等级证书的离校未就业高校毕业生")
    assert ("GROUP:劳动力", "劳动力") in found(nlp, "使绝大多数城乡新增劳动力接受高中阶段教育")
    assert ("GROUP:研究生", "研究生") in found(nlp, "加强专业学位硕士研究生培养")
    assert ("GROUP:农村实用人才", "农村实用人才") in found(nlp, "培养以新型职业农民为主体的农村实用人才")


def test_bare_talent_only_as_a_compound_head():
    """ANNOTATING.md leaves the generic 人才 out, but its kinds are groups: 人才 counts as the
    head of a compound (hubei 文博人才, rural 涉农专业人才), not alone (vocational 有力的人才和智力支撑,
    制度保障与人才支持)."""
    from kb.extract.document import enrich_document
    from kb.parse.text import parse_text

    def talent(text):
        doc = parse_text("一、任务\n\n" + text + "\n", doc_id="t")
        enrich_document(doc)
        return [m.text for u in doc.units() for m in u.mentions if m.entity == "GROUP:人才"]

    assert talent("建立文博人才资源数据库。加强涉农专业人才定向培养。") == ["人才", "人才"]
    assert talent("为促进经济社会发展提供了有力的人才和智力支撑。提供制度保障与人才支持。") == []


def test_generic_bodies_of_state_council_documents(nlp):
    text = "各省、自治区、直辖市人民政府，国务院各部委、各直属机构："
    assert {"ACTOR:省级人民政府", "ACTOR:国务院直属机构"} <= entities(nlp, text)
    # 直辖市 are province-level: their governments are not city governments
    assert "ACTOR:市级人民政府" not in entities(nlp, text)
    assert "ACTOR:市级人民政府" in entities(nlp, "各市人民政府要加强组织领导")
    assert "ACTOR:领导小组" in entities(nlp, "落实中央教育工作领导小组各项要求")
    assert "ACTOR:联席会议" in entities(nlp, "联席会议统筹协调全国职业教育工作")
    assert "ACTOR:政府部门" in entities(nlp, "行政部门要简政放权并履行好监管职责")


def test_border_region_committee_is_no_district_committee(nlp):
    # hubei: a revolutionary-era body; the district committee of a real district is one
    assert "ACTOR:县级党委" not in entities(nlp, "做好中共豫鄂边区委员会旧址保护")
    assert "ACTOR:县级党委" in entities(nlp, "中共嘉定区委员会办公室")


def test_students_union_and_courier_industry_stops(nlp):
    assert "GROUP:学生" not in entities(nlp, "带动学校工会、共青团等群团组织和学生会组织建设")
    assert "GROUP:快递员" not in entities(nlp, "加快推进快递业绿色包装应用")


def test_addressee_line_is_a_unit():
    """The addressees of a notice are actors the document asks to act: their line is a unit
    (vocational, zero-waste and digital economy open with the same one; jiading with its own)."""
    from kb.build import make_kb

    root = Path(__file__).resolve().parent.parent / "corpus"
    kb = make_kb([root / "zero-waste-city-pilot.txt", root / "jiading-sponge-city-plan.txt"])
    for d in kb.documents:
        first = next(p for p in d.paragraphs if p.text.rstrip().endswith("："))
        assert sum(m.entity.startswith("ACTOR:") for m in first.mentions) >= 2


def test_issuer_lines_are_units():
    """The title line of a notice names its issuer (国务院办公厅关于印发…, 农业农村部关于落实
    《中共中央国务院关于…》), the signature line before the date names it again, and a cover line
    may be one body's name (湖北省文物局): these lines are units and their bodies actors; the
    plan's own title and the date are not units."""
    from kb.build import make_kb

    root = Path(__file__).resolve().parent.parent / "corpus"
    kb = make_kb(
        [
            root / "zero-waste-city-pilot.txt",
            root / "moa-2026-rural-implementation.txt",
            root / "hubei-cultural-relics-14th-fyp-pdf.txt",
            root / "putuo-greening-15th-fyp.txt",
        ]
    )
    docs = {d.id: d for d in kb.documents}

    def actors(doc_id: str, line: str) -> set[str]:
        units = [p for p in docs[doc_id].paragraphs if p.text.strip() == line]
        assert units, (doc_id, line)
        return {m.entity for m in units[0].mentions if m.entity.startswith("ACTOR:")}

    assert "ACTOR:国务院办公厅" in actors("zero-waste-city-pilot", "国务院办公厅")
    title = next(p for p in docs["zero-waste-city-pilot"].paragraphs if p.text.startswith("国务院办公厅关于"))
    assert any(m.entity == "ACTOR:国务院办公厅" for m in title.mentions)
    moa = docs["moa-2026-rural-implementation"].paragraphs[0]
    assert moa.text.startswith("农业农村部关于落实")
    assert {"ACTOR:农业农村部", "ACTOR:中共中央", "ACTOR:国务院"} <= {m.entity for m in moa.mentions}
    assert actors("hubei-cultural-relics-14th-fyp-pdf", "湖北省文物局")
    assert actors("putuo-greening-15th-fyp", "上海市普陀区绿化和市容管理局")
    for doc_id in ("zero-waste-city-pilot", "putuo-greening-15th-fyp", "hubei-cultural-relics-14th-fyp-pdf"):
        d = docs[doc_id]  # (moa's title is its notice line, with the issuer)
        assert not any(p.text.strip() in (d.title, "2026年7月20日", "2018年12月29日") for p in d.paragraphs)


def test_generic_local_doers_and_levels(nlp):
    """Generic doers and local levels of State Council, ministry, provincial and district
    documents (sentences from several plans of corpus/)."""
    assert "ACTOR:各省" in entities(nlp, "将粮食生产目标任务下达各省份，强化省级党委和政府责任")  # moa
    assert "ACTOR:有条件的地方" in entities(nlp, "鼓励有条件的县市和国有农场整建制推进")  # moa
    assert "ACTOR:有关省市" in entities(nlp, "会同有关省市做好三峡库区考古")  # hubei
    assert "ACTOR:下级人民政府" in entities(nlp, "纳入对所属相关部门和下一级人民政府的年度综合考核")  # hubei
    assert "ACTOR:各市州" in entities(nlp, "支持设区的市州出台文物保护专项")  # hubei
    assert "ACTOR:有关单位" in entities(nlp, "各相关单位：")  # putuo notices
    assert {"ACTOR:省级党委", "ACTOR:省级人民政府"} <= entities(nlp, "在省委省政府的坚强领导下")  # hubei
    assert {"ACTOR:县级党委", "ACTOR:县级人民政府"} <= entities(nlp, "为深入落实区委区政府关于")  # putuo spatial
    assert "ACTOR:人民政府办公室" in entities(nlp, "上海市嘉定区人民政府办公室关于转发")  # jiading
    assert "ACTOR:中央网络安全和信息化委员会办公室" in entities(nlp, "国家发展改革委、中央网信办、工业和信息化部")
    moa = "新疆生产建设兵团农业农村局，部机关各司局、派出机构、各直属单位："  # a ministry's addressees
    assert {"ACTOR:新疆生产建设兵团", "ACTOR:派出机构", "ACTOR:直属单位"} <= entities(nlp, moa)
    assert {"ACTOR:村民议事会", "ACTOR:红白理事会"} <= entities(nlp, "发挥村规民约和村民议事会、红白理事会等作用")
    assert "ACTOR:东南亚国家联盟" in entities(nlp, "拓展与东盟、欧盟的数字经济合作伙伴关系")  # digital economy
    # not inside other words
    assert "ACTOR:各地" not in entities(nlp, "各地块控制指标")  # jiading
    assert "ACTOR:各地区各部门" in entities(nlp, "各地区各部门")
    assert "ACTOR:地方" in entities(nlp, "指导地方按规定落实好土地")  # moa
    for text in (
        "教育费附加和地方教育附加",
        "制定相关地方性法规",
        "极大地方便群众生活",
    ):  # vocational, zero-waste, digital
        assert "ACTOR:地方" not in entities(nlp, text), text


def test_short_forms_not_inside_other_words(nlp):
    """全总 (the ACFTU) is not in 安全总体 (hubei); the media as a party are not 全媒体/新媒体, a
    channel (hubei); 非法人组织 is a party of civil law (hubei)."""
    assert "ACTOR:全总" not in entities(nlp, "文物安全总体平稳")
    assert "ACTOR:媒体" not in entities(nlp, "开展荆楚文物全媒体传播精品推介，运用新媒体")
    assert "ACTOR:媒体" in entities(nlp, "鼓励和引导全省文博单位加强与媒体合作")
    assert "ACTOR:非法人组织" in entities(nlp, "鼓励自然人、法人或者非法人组织通过捐赠")
