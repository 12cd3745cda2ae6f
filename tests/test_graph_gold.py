"""depends_on against the hand-judged gold (tests/data/dependencies_gold.json, DEPENDENCIES.md),
scored by scripts/score_graph.py; the floors are what the rules reach today (precision first)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from kb.model import KB

ROOT = Path(__file__).resolve().parent.parent
GOLD = json.loads((ROOT / "tests" / "data" / "dependencies_gold.json").read_text(encoding="utf-8"))


def _score_module():
    spec = importlib.util.spec_from_file_location("score_graph", ROOT / "scripts" / "score_graph.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def kb(corpus_path):
    from kb.build import enrich_kb
    from kb.parse.text import parse_file

    return enrich_kb(KB(documents=[parse_file(corpus_path)]))


@pytest.fixture(scope="module")
def score(kb):
    return _score_module().score(kb, GOLD)


def test_precision_first(score):
    # 14 edges, all in the gold (an edge the gold has not judged counts as wrong here: judge it
    # by DEPENDENCIES.md and add it to the gold, or fix the rule)
    assert score["precision"] == 1.0, score["unjudged"]


def test_recall_floors(score):
    assert score["recall_clear"] == 1.0, score["missed"]
    # 14 of 25 (goal 0.5); the 11 missed rest on how the work is done, not on a thing the text names
    assert score["recall_all"] >= 0.56, score["missed"]


def test_no_known_non_dependency(score):
    assert score["not_dependency_hits"] == []


def test_all_measures_links_still_found(score):
    assert score["measures_found"] == score["measures_gold"] == 12, score["measures_missed"]


def test_every_edge_cites_both_phrases(kb):
    doc = kb.documents[0]
    for e in kb.edges:
        if e.type != "depends_on":
            continue
        ev, est = e.evidence, e.evidence["establishes"]
        assert e.rule and ev["name"] and est["name"]
        assert ev["text"] in next(s.text for s in doc.unit(e.source).sentences if s.id == ev["sentence"])
        assert est["text"] in next(s.text for s in doc.unit(e.target).sentences if s.id == est["sentence"])


def test_no_edge_from_topic_words_or_non_task_sections():
    from kb.link import link
    from kb.parse.text import parse_text

    plan = (
        "一、发展回顾\n\n1. 建成乡村振兴示范平台。\n\n"
        "二、重点任务\n\n"
        "2. 推进乡村振兴。建设重大科技基础设施,建立乡村振兴人才培养基地。\n\n"
        "3. 推进乡村振兴。完善农村基础设施,依托乡村振兴人才培养基地开展培训。\n\n"
        "4. 加快数字乡村建设。到2023年运用乡村振兴示范平台发布信息。\n\n"
        "5. 建设乡村振兴示范平台,2025年建成。\n"
    )
    kb = link(KB(documents=[parse_text(plan, doc_id="p")]))
    dep = {(e.source, e.target, e.rule) for e in kb.edges if e.type == "depends_on"}
    pairs = {(a, b) for a, b, _ in dep}
    assert ("T3", "T2", "uses") in dep  # a named base, used through 依托
    assert ("T3", "T2") in pairs and ("T2", "T3") not in pairs  # 基础设施 / 乡村振兴 are topic words
    assert not any(b == "T1" for _, b in pairs)  # a review section is not a task
    assert ("T4", "T5") not in pairs  # due 2023, before the platform is built (2025)


def _deps(plan: str) -> set[tuple[str, str, str]]:
    from kb.link import link
    from kb.parse.text import parse_text

    kb = link(KB(documents=[parse_text(plan, doc_id="p")]))
    return {(e.source, e.target, e.rule) for e in kb.edges if e.type == "depends_on"}


def test_work_of_a_team_or_resource_b_builds():
    plan = (
        "一、重点任务\n\n"
        "1. 加强调解。加强专职人民调解指导员队伍建设,建设全国普法资源库。\n\n"
        "2. 化解纠纷。指导企业依法开展人民调解,深化普法宣传活动。\n\n"
        "3. 服务群众。建设户外劳动者服务站点。\n\n"
        "4. 关爱劳动者。推进户外劳动者权益保障,开展服务工作。\n"
    )
    dep = _deps(plan)
    assert ("T2", "T1", "work-of") in dep  # 人民调解 is the instructors' work; 普法 the library's
    assert not any(b == "T3" for _, b, _r in dep)  # 户外劳动者 is a group served, not work
    assert not any(a == "T1" for a, _b, _r in dep)


def test_legal_basis_online_and_data_hubs():
    plan = (
        "一、重点任务\n\n"
        "1. 完善法规。推动制定《集体合同法》。\n\n"
        "2. 推进协商。确保企业签订集体合同率保持在80%以上。\n\n"
        "3. 建设平台。建设全国服务平台,打造网上服务应用。建立和完善数据资源管理体系。\n\n"
        "4. 扩大覆盖。推行网上申请入会,推动网站数据共享交换。\n\n"
        "5. 自建系统。建设会员信息数据平台,推行网上缴费,推动数据共享交换。\n"
    )
    dep = _deps(plan)
    assert ("T2", "T1", "legal-basis") in dep
    assert ("T4", "T3") in {(a, b) for a, b, _r in dep}
    assert not any(a == "T5" for a, _b, _r in dep)  # T5 builds its own data platform


def test_no_edge_for_a_restated_goal_or_a_project_detail():
    plan = (
        "一、重点任务\n\n"
        "1. 强化副中心。打造上海西部地区服务长三角的公共活动中心。\n\n"
        "2. 提升功能。推动真如城市副中心塑造“长三角公共活动中心”。\n"
    )
    assert not any(a == "T2" for a, _b, _r in _deps(plan))  # 塑造 sets the same thing up again
