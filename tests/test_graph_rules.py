"""The general depends_on / illustrates / consistency rules on sentences taken from several real
plans of corpus/ (each sentence is quoted as the plan prints it; the comment names the plan), and
on whole corpus plans. Every rule is checked both ways: the edge it must make and the look-alike
it must not."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.model import KB

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def _deps(*tasks: str) -> set[tuple[str, str, str]]:
    from kb.link import link
    from kb.parse.text import parse_text

    plan = "一、重点任务\n\n" + "\n\n".join(f"{i}. {t}" for i, t in enumerate(tasks, 1)) + "\n"
    kb = link(KB(documents=[parse_text(plan, doc_id="p")]))
    return {(e.source, e.target, e.rule) for e in kb.edges if e.type == "depends_on"}


def test_a_title_before_its_drafting_verb_is_established():
    from kb.link.things import established
    from kb.parse.text import parse_text

    doc = parse_text(
        "一、重点任务\n\n"
        # acftu-14th-fyp-part2 T23
        "1. 加大劳动法律法规源头参与力度。推动和参与《工会法》修订完善,推动制定《集体合同法》。\n\n"
        # putuo-greening-15th-fyp 第五部分 二（二）1
        "2. 强化户外设施管理。持续推进《普陀区户外广告设施设置实施方案》修编工作。\n\n"
        # hubei-cultural-relics-14th-fyp-pdf T8: a plan cited, not drafted
        "3. 完善安全应急管理。贯彻落实《湖北省文物安全应急预案》要求。\n",
        doc_id="p",
    )
    names = {t.id: {x.name for x in established(t)} for t in doc.tasks}
    assert {"《工会法》", "《集体合同法》"} <= names["T1"]
    assert "《普陀区户外广告设施设置实施方案》" in names["T2"]
    assert not names["T3"]


def test_by_law_a_task_acting_by_law_on_what_the_law_names():
    dep = _deps(
        # acftu-14th-fyp-part2 T23, T36, T32
        "加大劳动法律法规源头参与力度。推动和参与《工会法》修订完善。",
        "改进完善工会组织体系。依法纠正国有企业改革改制中随意撤并工会组织和工作机构、弱化工会组织地位作用问题。",
        "加强交流合作。支持港澳工会依法开展内地服务工作。",
        # zero-waste-city-pilot 四（三）: acts by law, but no task drafts a law on it
        "强化监管。依法严厉打击各类固体废物非法转移、倾倒行为。",
    )
    assert ("T2", "T1", "by-law") in dep
    assert not any(a == "T3" for a, _b, _r in dep)  # 港澳工会 act before 依法: a body under its own law
    assert not any(a == "T4" for a, _b, _r in dep)


def test_level_body_work_at_exactly_the_levels_of_a_body():
    dep = _deps(
        # acftu-14th-fyp-part2 T36, T24
        "改进完善工会组织体系。切实加强区域性、行业性工会联合会建设。",
        "推动完善构建和谐劳动关系制度机制。大力推进行业性、区域性集体协商。",
        "深化创建活动。推动区域性创建活动由工业园区向企业比较集中的乡镇(街道)、村(社区)拓展。",
        # hubei-cultural-relics-14th-fyp-pdf T14, T11: a centre is not a body; 连片保护 is not its work
        "加强基层保护。支持有条件的地市级博物馆建设区域性文物科技保护中心。",
        "加大文物保护力度。注重整体保护，推动区域性文物资源集中连片保护。",
    )
    assert ("T2", "T1", "level-body") in dep
    assert not any(a == "T3" for a, _b, _r in dep)  # one level of the two: not the same party
    assert not any(b == "T4" for _a, b, _r in dep)


def test_work_done_at_a_resource_b_builds():
    dep = _deps(
        # vocational-education-reform T11, T12
        "打造一批高水平实训基地。建设若干具有辐射引领作用的高水平专业化产教融合实训基地。",
        "多措并举打造“双师型”教师队伍。职业院校、应用型本科高校教师每年至少1个月在企业或实训基地实训。",
        # putuo-greening-15th-fyp: a base for other work (研学), visited for 实训 by nobody
        "推进生态研学。合作设立生态研学基地。",
    )
    assert ("T2", "T1", "work-of") in dep
    assert not any(b == "T3" for _a, b, _r in dep)


@pytest.fixture(scope="module")
def corpus_kbs():
    from kb.build import enrich_kb
    from kb.parse.text import parse_file

    names = ("hubei-cultural-relics-14th-fyp-pdf", "putuo-spatial-near-term-plan", "jiading-sponge-city-plan")
    return {n: enrich_kb(KB(documents=[parse_file(CORPUS / f"{n}.txt")])) for n in names}


def test_a_box_that_names_its_section_illustrates_the_section(corpus_kbs):
    kb = corpus_kbs["hubei-cultural-relics-14th-fyp-pdf"]
    doc = kb.documents[0]
    titles = {c.id: c.title for c in doc.chapters}
    edges = [e for e in kb.edges if e.type == "illustrates"]
    assert len(edges) == 7  # 专栏1-7, each printed after the last item of its chapter
    for e in edges:
        chapter = e.target.removesuffix(".p")
        box = next(n for n in doc.outline if n.id == e.source)
        # 专栏6 讲好荆楚故事 belongs to 八、讲好荆楚故事，让文物活起来, not to its last item 28
        assert chapter in titles and titles[chapter].startswith(box.title.split(" ", 1)[-1]), (e.source, e.target)
    # a box that names no enclosing section stays with the node it is nested in (the goals' lead-in)
    spatial = corpus_kbs["putuo-spatial-near-term-plan"]
    assert [(e.source, e.target) for e in spatial.edges if e.type == "illustrates"] == [("专栏1", "C一.p")]


def test_consistency_reports_whole_terms_not_diff_fragments(corpus_kbs):
    from kb.link.consistency import check

    found = [(c["row_span"], c["task_span"]) for c in check(corpus_kbs["jiading-sponge-city-plan"])]
    # 各行业主管部门 vs 各相关行业管理部门: one changed term; the added 相关 and the stretch's ends are not findings
    assert found == [("行业主管部门", "行业管理部门")]


def test_see_table_n_refers_to_the_table(corpus_kbs):
    from kb.graph.io import to_networkx

    kb = corpus_kbs["jiading-sponge-city-plan"]
    refs = {(e.source, e.target, e.evidence["text"]) for e in kb.edges if e.type == "refers_to"}
    # “…达标评估计划见表1”, “…系统方案编制计划见表2”, “…重点建设任务见表3”
    assert refs == {("C一.p", "表1", "见表1"), ("T二（一）3", "表2", "见表2"), ("T二（二）5", "表3", "见表3")}
    G = to_networkx(kb)
    assert G.nodes["表2"]["type"] == "table" and G.nodes["表2"]["label"] == "嘉定区海绵城市系统方案编制计划表"
    # the hubei plan prints no 见表: its indicator table is referred to by nobody
    assert not [e for e in corpus_kbs["hubei-cultural-relics-14th-fyp-pdf"].edges if e.type == "refers_to"]


# ---------------------------------------------------------------- own texts in other plan styles
# Our own sentences, in the wording of plans the corpus does not have (a provincial safety plan,
# a planning-bureau work plan, a chamber-of-commerce task), probing the rules above on unseen plans.


def test_a_title_as_the_basis_of_the_work_is_not_drafted():
    """Own tasks: 根据《X法》编制本规划 and 按照《X规划》编制要求 take the title as the basis, and
    《X意见》出台后 is a time; only 推动《X条例》修订 drafts X."""
    from kb.link.things import established
    from kb.parse.text import parse_text

    doc = parse_text(
        "一、重点任务\n\n1. 编制规划。根据《中华人民共和国城乡规划法》编制本规划。\n\n"
        "2. 编制方案。按照《国土空间总体规划》编制要求，开展详细规划编制。\n\n"
        "3. 修订条例。推动《江苏省安全生产条例》修订。\n\n4. 抓好落实。《关于加快发展的意见》出台后抓好落实。\n",
        doc_id="p",
    )
    names = {t.id: {x.name for x in established(t)} for t in doc.tasks}
    assert names == {"T1": set(), "T2": set(), "T3": {"《江苏省安全生产条例》"}, "T4": set()}


def test_by_law_and_level_body_in_other_domains():
    """Own tasks: the by-law and level-body rules are not the union plan's: a revised 《安全生产法》
    and 依法加强安全生产执法; 行业性、区域性商会联盟 and 行业性、区域性人民调解 — while cooperation
    across regions (跨区域) is no level."""
    dep = _deps(
        "完善法规。推动《安全生产法》修订。",
        "强化监管。依法加强安全生产执法检查。",
        "健全组织。组建行业性、区域性商会联盟。",
        "化解纠纷。开展行业性、区域性人民调解。",
        "推进协作。推动跨区域、行业性合作。",
    )
    assert {("T2", "T1", "by-law"), ("T4", "T3", "level-body")} <= dep
    assert not any(a == "T5" for a, _b, _r in dep)


def test_see_table_is_not_the_end_of_yijian():
    """Own sentences: 见表2 refers to a table, 征求意见表2份 names a form."""
    from kb.link.structure import _TABLE_REF

    assert [m.group(0) for m in _TABLE_REF.finditer("编制计划见表2，详见附表1。")] == ["见表2", "详见附表1"]
    assert not _TABLE_REF.search("各区填写征求意见表2份。")
