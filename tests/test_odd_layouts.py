"""Hand-written plan texts with awkward layouts: each must parse, stay lossless, and be read right."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.errors import KBError
from kb.parse.normalize import decode
from kb.parse.text import check_lossless, parse_file, parse_text

PLAN = """一、加强职工服务

1. 做好农民工工作。推动解决拖欠农民工工资问题。

2. 提升女职工服务。推动建立女职工休息室。
"""


def parse_bytes(tmp_path, raw: bytes, name="plan.txt"):
    p = tmp_path / name
    p.write_bytes(raw)
    doc = parse_file(p)
    check_lossless(doc)
    return doc


def test_crlf_line_ends(tmp_path):
    doc = parse_bytes(tmp_path, PLAN.replace("\n", "\r\n").encode("utf-8"))
    assert [t.title for t in doc.tasks] == ["做好农民工工作", "提升女职工服务"]
    assert "\r" not in doc.text


def test_lone_cr_line_ends(tmp_path):
    doc = parse_bytes(tmp_path, PLAN.replace("\n", "\r").encode("utf-8"))
    assert len(doc.tasks) == 2


def test_utf8_bom(tmp_path):
    doc = parse_bytes(tmp_path, b"\xef\xbb\xbf" + PLAN.encode("utf-8"))
    assert doc.chapters[0].label == "一" and doc.encoding == "utf-8"
    assert "\ufeff" not in doc.text


@pytest.mark.parametrize("codec", ["gb18030", "gbk"])
def test_gb_encodings_are_detected(tmp_path, codec):
    doc = parse_bytes(tmp_path, PLAN.encode(codec))
    assert doc.encoding in ("gbk", "gb18030")
    assert doc.tasks[0].title == "做好农民工工作"


def test_gb18030_only_characters_report_gb18030(tmp_path):
    # 𠀀 (U+20000) exists in GB18030 but not in GBK
    doc = parse_bytes(tmp_path, (PLAN + "3. 推进𠀀工作。内容。\n").encode("gb18030"))
    assert doc.encoding == "gb18030"
    assert doc.tasks[-1].number == 3


def test_utf16_with_bom(tmp_path):
    doc = parse_bytes(tmp_path, PLAN.encode("utf-16"))
    assert len(doc.tasks) == 2


def test_full_width_item_numbers():
    doc = parse_text("一、总体要求\n\n１４．维护职工权益。推动落实。\n\n１５．提升服务。加强建设。")
    check_lossless(doc)
    assert [(t.id, t.number, t.label, t.title) for t in doc.tasks] == [
        ("T14", 14, "１４", "维护职工权益"),
        ("T15", 15, "１５", "提升服务"),
    ]


def test_table_with_missing_header():
    text = (
        "“十四五”时期工会“示范”指标\n1.职工书屋\t到2025年底,达到1.6万家。\n2.培训\t每年培训20万人次。\n\n"
        "一、总体要求\n\n1. 做好工作。内容。"
    )
    doc = parse_text(text)
    check_lossless(doc)
    tb = doc.indicator_tables[0]
    assert tb.id == "I:示范" and tb.header == [] and [r.name for r in tb.rows] == ["职工书屋", "培训"]
    assert tb.rows[0].target == "到2025年底,达到1.6万家。"  # 1.6 is not a row number
    assert any("no header row" in n for n in doc.notes)


def test_document_without_chapters_or_tasks_keeps_every_paragraph():
    text = "关于加强职工服务的意见\n\n各级工会要加强服务。推动落实。\n\n要做好农民工工作,确保权益。"
    doc = parse_text(text)
    check_lossless(doc)
    assert doc.title == "关于加强职工服务的意见"
    assert [p.text for p in doc.paragraphs if p.id.startswith("P")] == [
        "各级工会要加强服务。推动落实。",
        "要做好农民工工作,确保权益。",
    ]
    assert "no chapter headings found" in doc.notes


def test_page_break_inside_a_quote_is_joined():
    text = "一、服务\n\n1. 打造品牌。开展“送温暖\n\n活动”等工作,推动落实。\n\n2. 下一项。内容。"
    doc = parse_text(text)
    check_lossless(doc)
    assert doc.tasks[0].text == "打造品牌。开展“送温暖活动”等工作,推动落实。"
    assert [s.text for s in doc.tasks[0].sentences] == ["打造品牌。", "开展“送温暖活动”等工作,推动落实。"]


def test_task_number_gap_and_repeat_are_reported():
    doc = parse_text("一、甲\n\n1. 甲。内容。\n\n2. 乙。内容。\n\n5. 丙。内容。\n\n5. 丁。内容。")
    check_lossless(doc)
    # a repeated number makes the numbering not unique: ids become paths (chapter 一, item 5), and
    # the second 5 is told apart by #2
    assert [t.id for t in doc.tasks] == ["T一1", "T一2", "T一5", "T一5#2"]
    assert any("gap" in n and "5 after 2" in n for n in doc.notes)
    assert any("repeat" in n and "5" in n for n in doc.notes)


def test_nested_sections_form_a_tree():
    text = (
        "第一章 总体要求\n\n第一节 指导思想\n\n一、基本原则\n\n（一）坚持党的领导\n\n"
        "1. 做好工作。内容。\n\n第二章 主要任务\n\n2. 推进改革。内容。"
    )
    doc = parse_text(text)
    check_lossless(doc)
    by = {c.id: c for c in doc.chapters}
    assert by["S第一章第一节"].parent == "C第一章"
    assert by["S第一章第一节一"].parent == "S第一章第一节"
    assert by["S第一章第一节一（一）"].parent == "S第一章第一节一"
    assert doc.tasks[0].chapter == "S第一章第一节一（一）" and doc.tasks[1].chapter == "C第二章"
    assert [n.kind for n in doc.outline] == ["chapter", "section", "section", "section", "item", "chapter", "item"]


def test_prose_after_a_task_belongs_to_it():
    doc = parse_text("一、甲\n\n1. 做好工作。内容。\n\n补充一段,继续说明。\n\n2. 乙。内容。")
    check_lossless(doc)
    assert doc.tasks[0].text == "做好工作。内容。\n\n补充一段,继续说明。"
    assert [s.text for s in doc.tasks[0].sentences][-1] == "补充一段,继续说明。"


def test_noise_markers_of_several_shapes_are_removed():
    text = "（下转第3版）\n一、甲\n\n1. 做好工作。内容（紧接第１版）继续。\n【上接第二版】"
    doc = parse_text(text)
    check_lossless(doc)
    assert "版" not in doc.text
    assert doc.tasks[0].text == "做好工作。内容继续。"


def test_heading_is_never_glued_to_a_following_paragraph():
    doc = parse_text("五、高举旗帜，增强获得感\n\n各级工会要加强服务,推动落实。")
    assert doc.chapters[0].title == "高举旗帜，增强获得感"
    assert doc.paragraphs[0].text == "各级工会要加强服务,推动落实。"


def test_script_text_is_kept_as_data():
    doc = parse_text("一、甲\n\n1. <script>alert(1)</script>。内容。")
    check_lossless(doc)
    assert doc.tasks[0].title == "<script>alert(1)</script>"


@pytest.mark.parametrize(
    "raw,msg",
    [
        (b"", "empty file"),
        (b"   \n\n ", "no text"),
        (b"\x00\x01\x02binary\x00", "binary"),
        (b"%PDF-1.7\n...", "PDF"),
        (b"PK\x03\x04....", "DOCX"),
        (b"\xff\xfe\x00", "UTF-16"),
        (bytes([0x81, 0x20, 0xFF, 0xFE, 0x80]) * 3, "not UTF-8"),
    ],
)
def test_bad_bytes_raise_one_clear_error(raw, msg):
    with pytest.raises(KBError) as e:
        text, enc, bom = decode(raw, "x.txt")
    assert msg in str(e.value) and str(e.value).startswith("x.txt:")
    assert "\n" not in str(e.value)


# --------------------------------------------------------------------------- property

_pieces = st.sampled_from(
    [
        "一、",
        "二十、",
        "第一章",
        "第二节",
        "（一）",
        "14. ",
        "１５．",
        "3、",
        "1.6万家",
        "具体指标\t发展目标",
        "“十四五”时期工会“精准服务”指标",
        "\t",
        "\n",
        "\n\n",
        "\r\n",
        "。",
        "；",
        ";",
        "“",
        "”",
        "(",
        ")",
        "《",
        "》",
        "（上接第2版）",
        "职工",
        "农民工",
        "2025年",
        "80%",
        " ",
        "\ufeff",
        "，",
        ",",
    ]
)
_texts = st.lists(st.one_of(_pieces, st.text(max_size=6)), max_size=40).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_texts)
def test_parser_never_raises_and_stays_lossless(text):
    doc = parse_text(text)
    check_lossless(doc)
    ids = [u.id for u in doc.units()]
    assert len(ids) == len(set(ids))
