"""kb.extract.localnames on its own: local departments by pattern (no jieba, no spaCy)."""

from __future__ import annotations

import pytest

from kb.extract.localnames import PATTERNS_FILE, LocalNames, Pattern, load_local_names, local_actor, parse_patterns


@pytest.mark.parametrize(
    "name,canonical",
    [
        ("省发改委", "省发展改革委"),
        ("市发展改革委", "市发展改革委"),
        ("区建设管理委", "区建设管理委"),
        ("市人社局", "市人力资源社会保障局"),
        ("省人力资源和社会保障厅", "省人力资源社会保障厅"),
        ("省经信厅", "省经济和信息化厅"),
        ("县住建局", "县住房城乡建设局"),
        ("市文旅局", "市文化和旅游局"),
        ("区绿化市容局", "区绿化市容局"),
        ("市规划和自然资源局", "市规划资源局"),
        ("市卫健委", "市卫生健康委"),
        ("自治区财政厅", "自治区财政厅"),
        ("上海市发改委", "上海市发展改革委"),
        ("浦东新区建设和管理委员会", "浦东新区建设管理委"),
    ],
)
def test_local_actor(name, canonical):
    assert local_actor(name) == canonical


@pytest.mark.parametrize("name", ["发改委", "国家发展改革委", "区财政厅", "财政局", "", "省", "市场监管总局"])
def test_not_a_local_actor(name):
    assert local_actor(name) is None


def test_find_spans_and_entities():
    ln = load_local_names()
    text = "省发改委、自治区财政厅和区市场监管局,国家发改委"
    got = [(x.text, x.canonical, x.entity) for x in ln.find(text)]
    assert got == [
        ("省发改委", "省发展改革委", "ACTOR:发展改革部门"),
        ("自治区财政厅", "自治区财政厅", "ACTOR:财政部门"),
        ("区市场监管局", "区市场监管局", "ACTOR:市场监管部门"),
    ]
    [x] = ln.find("市市场监管局")
    assert (x.start, x.stem_start, x.end) == (0, 1, 6)


def test_explicit_prefix_list_and_bad_row(tmp_path):
    from kb.errors import KBError

    p = tmp_path / "actors.patterns.tsv"
    p.write_text("# comment\n镇|乡\t党委\t党委\tnote\n", encoding="utf-8")
    ln = LocalNames(parse_patterns(p))
    assert ln.patterns == [Pattern(("镇", "乡"), "党委", "党委", "", "note")]
    assert ln.local_actor("乡党委") == "乡党委" and ln.local_actor("县党委") is None
    p.write_text("各级\t\t发改委\n", encoding="utf-8")
    with pytest.raises(KBError):
        parse_patterns(p)


def test_bundled_patterns_parse():
    assert len(parse_patterns(PATTERNS_FILE)) > 50
    assert LocalNames([]).find("省发改委") == []
