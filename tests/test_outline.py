"""kb.parse.outline / kb.parse.reflow against the real plans of corpus-dev (gold.json) and the sample plan."""

import json
import re
from functools import cache
from pathlib import Path

import pytest

from kb.parse.normalize import read_file
from kb.parse.outline import check_lossless, find_responsible, parse_outline, parse_units
from kb.parse.reflow import reflow

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "corpus"  # the dev plans ship in corpus/ (byte-identical to ../shared/corpus-dev/)
SEED = ROOT / "corpus"
SEED_GOLD = ROOT / "tests" / "data" / "seed_gold.json"
# the structural gold of ../shared/corpus-dev/gold.json, copied so the tests never skip
GOLD = json.loads((ROOT / "tests" / "data" / "corpus_dev_gold.json").read_text("utf-8"))

needs_dev = pytest.mark.skipif(not GOLD, reason="no gold")  # never skips: both ship in the repository
needs_seed = pytest.mark.skipif(not SEED_GOLD.exists(), reason="seed gold not available")
FILES = [g["file"] for g in GOLD]


def nospace(s: str) -> str:
    return re.sub(r"\s", "", s)


@cache
def load(name: str):
    raw = (DEV / name).read_text("utf-8")
    rf = reflow(raw)
    outline = parse_outline(rf.text)
    return raw, rf, outline


def o_text(name):
    return load(name)[1].text


def gold(name):
    return next(g for g in GOLD if g["file"] == name)


def in_box(o, n):
    return any(a.kind == "box" for a in o.ancestors(n))


def numbered(o):
    return [n for n in o.nodes if n.kind in ("section", "item") and not in_box(o, n)]


def item_style(o):
    """The style of the first numbered level under chapters (gold's "items")."""
    chapters = {n.id for n in o.nodes if n.kind == "chapter"}
    styles = [n.style for n in numbered(o) if n.parent in chapters]
    return max(set(styles), key=styles.count) if styles else None


def find(text: str, needle: str):
    """Offset of ``needle`` in ``text`` ignoring white space (reflow removes stray spaces)."""
    i = text.find(needle)
    if i >= 0:
        return i
    idx = [k for k, c in enumerate(text) if not c.isspace()]
    flat = "".join(text[k] for k in idx)
    j = flat.find(nospace(needle))
    return idx[j] if j >= 0 else -1


@needs_dev
@pytest.mark.parametrize("name", FILES)
def test_lossless_and_reflow(name):
    raw, rf, o = load(name)
    check_lossless(o, rf.text)
    if rf.pdf_like:
        kinds = {r.kind for r in rf.repairs}
        assert {"pdf-line-join", "page-number", "stray-space", "toc"} <= kinds
        # every removed character is accounted for: same text once spaces, page numbers and
        # line breaks are taken away
        dropped = {r.line for r in rf.repairs if r.kind in ("page-number", "running-header") and r.detail == ""}
        kept = "".join(ln for i, ln in enumerate(raw.split("\n"), 1) if i not in dropped)
        glued = [r.removed for r in rf.repairs if r.kind == "page-number" and r.detail]
        assert len(nospace(kept)) - sum(map(len, glued)) == len(nospace(rf.text))
        assert rf.line_of(parse_outline(rf.text).get("C一").start) > 70
    else:
        assert rf.text == raw and rf.repairs == []
        assert rf.line_of(len(raw)) == raw.count("\n") + 1


@needs_dev
@pytest.mark.parametrize("name", FILES)
def test_chapters_and_parts(name):
    _, _, o = load(name)
    g = gold(name)
    got = [(n.label + "、", nospace(n.title)) for n in o.nodes if n.kind == "chapter"]
    assert got == [(c["label"], nospace(c["title"])) for c in g["chapters"]]
    parts = [(n.label, n.title) for n in o.nodes if n.kind == "part"]
    assert parts == [(p["label"], p["title"]) for p in g["parts"]]
    if g["parts"]:
        by_id = {n.id: n for n in o.nodes}
        assert [by_id[n.parent].label for n in o.nodes if n.kind == "chapter"] == [c["part"] for c in g["chapters"]]


@needs_dev
@pytest.mark.parametrize("name", FILES)
def test_items_and_tasks(name):
    _, _, o = load(name)
    g = gold(name)
    st = item_style(o)
    items = [n for n in numbered(o) if n.style == st]
    assert len(items) == g["items"]
    item_ids = {n.id for n in items}
    tasks = [n for n in numbered(o) if n.parent in item_ids]
    assert len(tasks) == g["tasks"]
    ids = [n.id for n in o.nodes]
    assert len(ids) == len(set(ids))


@needs_dev
@pytest.mark.parametrize("name", FILES)
def test_tables(name):
    _, _, o = load(name)
    g = gold(name)
    tables = o.of_kind("table")
    assert len(tables) == len(g["tables"])
    for t, gt in zip(tables, g["tables"]):
        assert nospace(gt["title"]).endswith(nospace(t.title)) or nospace(t.title).endswith(nospace(gt["title"]))
        rows = [n for n in o.nodes if n.parent == t.id and n.kind == "row"]
        assert len(rows) == gt["rows"], t.title
        assert len(t.header) == len(gt["columns"]), t.title
        # two-row headers too: the spanning cell is found from the data (上/下 names)
        assert [nospace(c) for c in t.header] == [nospace(c) for c in gt["columns"]]


@needs_dev
@pytest.mark.parametrize("name", FILES)
def test_boxes(name):
    _, _, o = load(name)
    g = gold(name)
    boxes = o.of_kind("box")
    assert [nospace(b.label + b.title) for b in boxes] == [nospace(b["title"]) for b in g["boxes"]]
    for b, gb in zip(boxes, g["boxes"]):
        entries = [n for n in o.nodes if n.parent == b.id and n.kind == "item"]
        for t in (n for n in o.nodes if n.parent == b.id and n.kind == "table"):
            entries += [n for n in o.nodes if n.parent == t.id]
        assert len(entries) == gb["entries"]


@needs_dev
@pytest.mark.parametrize("name", FILES)
def test_responsible(name):
    _, _, o = load(name)
    g = gold(name)
    # gold counts 责任单位/牵头单位 notes; "（A牵头，B参与）" notes are read too but not counted there
    count = 0
    for n in o.nodes:
        if n.kind != "row":
            seg = o_text(name)[n.start : n.end]
            count += sum(1 for a, b in find_responsible(seg)[2] if re.search(r"单位|部门", seg[a:b]))
    assert count == g["responsible_units"]
    for n in o.nodes:
        for u in n.responsible:
            assert set(u) == {"name", "role"} and u["role"] in ("lead", "partner") and u["name"]


@needs_dev
@pytest.mark.parametrize("name", FILES)
def test_facts(name):
    _, rf, o = load(name)
    g = gold(name)
    st = item_style(o)
    bad = []
    for f in g["facts"]:
        off = find(rf.text, f["text"])
        assert off >= 0, f["text"]
        n = o.node_at(off)
        chain = [n] + o.ancestors(n)
        ok = {
            "item": lambda: any(a.kind in ("item", "section") and a.style == st for a in chain),
            "task": lambda: n.kind == "item" and n.style != st,
            "box": lambda: any(a.kind == "box" for a in chain),
            "table_row": lambda: n.kind == "row",
            "responsible": lambda: bool(n.responsible),
            "target": lambda: True,
        }[f["kind"]]()
        if not ok:
            bad.append((f["kind"], f["text"], n.kind, n.id))
    assert not bad


@needs_dev
def test_jiading_responsible_roles():
    _, _, o = load("jiading-sponge-city-plan.txt")
    n = next(n for n in o.nodes if n.kind == "item" and n.title.startswith("建立完善城乡公园体系"))
    assert n.responsible[0]["role"] == "lead"
    rows = [n for n in o.nodes if n.kind == "row" and n.responsible]
    assert len(rows) == 12


def test_parse_units():
    # the unit listed first leads; a named 牵头 group leads as a whole
    assert parse_units("A、B，C") == [
        {"name": "A", "role": "lead"},
        {"name": "B", "role": "partner"},
        {"name": "C", "role": "partner"},
    ]
    assert parse_units("牵头单位：A、B；C") == [
        {"name": "A", "role": "lead"},
        {"name": "B", "role": "lead"},
        {"name": "C", "role": "partner"},
    ]
    assert parse_units("A、B") == [{"name": "A", "role": "lead"}, {"name": "B", "role": "partner"}]
    assert parse_units("牵头单位：甲；配合单位：乙、丙") == [
        {"name": "甲", "role": "lead"},
        {"name": "乙", "role": "partner"},
        {"name": "丙", "role": "partner"},
    ]


def test_parse_units_of_every_labelled_part():
    # a 责任单位 part followed by a 配合单位 part (ASCII punctuation, as web pages print it): the
    # label of the second part is no unit name
    assert parse_units("责任单位:区商务委;配合单位:区科委、区财政局") == [
        {"name": "区商务委", "role": "lead"},
        {"name": "区科委", "role": "partner"},
        {"name": "区财政局", "role": "partner"},
    ]
    # 牵头单位 then 责任单位 (provincial task lists): the 责任单位 take part
    assert parse_units("牵头单位:省发展改革委;责任单位:省编办、省国土资源厅") == [
        {"name": "省发展改革委", "role": "lead"},
        {"name": "省编办", "role": "partner"},
        {"name": "省国土资源厅", "role": "partner"},
    ]
    assert parse_units("牵头部门：甲，乙；参与部门：丙") == [
        {"name": "甲", "role": "lead"},
        {"name": "乙", "role": "lead"},
        {"name": "丙", "role": "partner"},
    ]
    assert all(
        "单位" not in u["name"] and "部门" not in u["name"]
        for u in parse_units("责任单位：甲；协办单位：乙；参与部门：丙")
    )


def test_small_outline_and_runin():
    text = (
        "某某规划\n\n一、总体要求\n\n（一）指导思想。坚持…。\n\n1.加强统筹。正文。（责任单位：甲局、乙局，丙）\n\n"
        "2.强化保障\n\n正文二。\n\n二、保障措施\n\n（一）加强领导。正文。\n\n1.落实责任。正文。\n"
    )
    o = parse_outline(text)
    check_lossless(o, text)
    kinds = [(n.kind, n.label, n.title) for n in o.nodes if n.kind not in ("front", "paragraph")]
    assert kinds == [
        ("chapter", "一", "总体要求"),
        ("section", "（一）", "指导思想"),
        ("item", "1", "加强统筹"),
        ("item", "2", "强化保障"),
        ("chapter", "二", "保障措施"),
        ("section", "（一）", "加强领导"),
        ("item", "1", "落实责任"),
    ]
    t = o.get("T一（一）1")
    assert t.runin and t.responsible[0] == {"name": "甲局", "role": "lead"} and t.resp_notes == 1
    assert o.get("T一（一）2").level == 3 and o.get("S一（一）").parent == "C一"


def test_not_headings():
    text = "一、目标\n\n到2025年，达到1.5万亩。\n2025.目标年\n1.5万亩为基数\n"
    o = parse_outline(text)
    assert [n.kind for n in o.nodes if n.kind in ("item", "section")] == []


@needs_seed
def test_sample_plan():
    g = json.loads(SEED_GOLD.read_text("utf-8"))
    path = SEED / "acftu-14th-fyp-part2.txt"
    text = read_file(path).text
    rf = reflow(text)
    assert rf.text == text
    o = parse_outline(text)
    check_lossless(o, text)
    chapters = [n for n in o.nodes if n.kind == "chapter"]
    assert [(c.label, c.title) for c in chapters] == [(c["label"], c["title"]) for c in g["chapters"]]
    tasks = [n for n in o.nodes if n.kind == "item"]
    assert [t.number for t in tasks] == [t["number"] for t in g["tasks"]]
    assert [t.title for t in tasks] == [t["title"] for t in g["tasks"]]
    by_id = {n.id: n for n in o.nodes}
    for t in g["tasks"]:
        n = by_id[f"T{t['number']}"]
        assert by_id[n.parent].label == t["chapter"]
    assert "C五" in by_id and by_id["T17"].title == "做好农民工维权服务工作"
    tables = o.of_kind("table")
    assert [t.id for t in tables] == ["I:" + t["short"] for t in g["indicator_tables"]]
    assert sum(len(o.children(t.id)) for t in tables) == 14
    row = by_id["I:精准服务:1"]
    assert row.cells[0].endswith("解困脱困长效机制") and tables[0].header == ["具体指标", "发展目标"]


def test_dotted_numbers_and_decimals():
    text = "一、总则\n1.1 目的\n正文。\n1.2 范围\n正文。\n4.1左右的增长。\n1.2.1 细则\n正文。\n二、任务\n2.1 任务一\n正文。\n"
    o = parse_outline(text)
    check_lossless(o, text)
    got = [(n.kind, n.label, n.parent) for n in o.nodes if n.kind != "front"]
    assert got == [
        ("chapter", "一", None),
        ("section", "1.1", "C一"),
        ("section", "1.2", "C一"),
        ("item", "1.2.1", "S一1.2"),
        ("chapter", "二", None),
        ("section", "2.1", "C二"),
    ]
    assert any("4.1" in note for note in o.notes)


def test_one_cell_per_line_table_without_blank_lines():
    text = (
        "一、目标\n表1 主要指标表\n序号\n指标\n2025年\n属性\n1\n公园数量\n69\n预期性\n2\n绿化覆盖率\n31.5%\n约束性\n"
        "（一）任务。正文。\n"
    )
    o = parse_outline(text)
    check_lossless(o, text)
    t = o.get("表1")
    assert t.header == ["序号", "指标", "2025年", "属性"] and t.parent == "C一"
    assert [r.cells for r in o.children("表1")] == [
        ["1", "公园数量", "69", "预期性"],
        ["2", "绿化覆盖率", "31.5%", "约束性"],
    ]
    assert o.get("T1").title == "任务"  # leaf numbers unique in the document: T{n}


@pytest.mark.parametrize("name", FILES)
def test_the_build_keeps_the_gold_checked_outline(name):
    """The whole parse stage (normalize, reflow, outline, units) keeps the outline checked above:
    same headings, items, boxes, tables and rows, with the same ids, labels and titles."""
    from kb.parse.text import parse_file

    _, _, o = load(name)
    doc = parse_file(DEV / name)
    structural = ("part", "chapter", "section", "item", "box", "table", "row")
    want = [(n.kind, n.id, n.label, n.title) for n in o.nodes if n.kind in structural]
    got = [(n.kind, n.id, n.label, n.title) for n in doc.outline if n.kind in structural]
    assert got == want
    units = {u.id for u in doc.units()}
    leaf_items = [n for n in doc.outline if n.kind == "item"]
    assert leaf_items and all(n.unit in units for n in leaf_items if n.text.strip())
