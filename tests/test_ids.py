from kb.ids import FW_DIGITS, parse_ident, qualify
from kb.parse.text import cn_to_int


def test_qualify():
    assert qualify("doc", "T1", True) == "doc/T1"
    assert qualify("doc", "T1", False) == "T1"


def test_parse_ident_tasks_rows_names():
    assert parse_ident("17").canonical == "T17"
    assert parse_ident(" t１７ ").canonical == "T17"
    assert parse_ident("T17_2").canonical == "T17_2"
    assert parse_ident("精准服务:１").canonical == "I:精准服务:1"
    assert parse_ident("I:精准服务:1").kind == "row"
    p = parse_ident("doc/T28")
    assert (p.doc, p.kind, p.canonical) == ("doc", "task", "T28")
    p = parse_ident("五")
    assert (p.kind, p.canonical) == ("name", "五")
    assert parse_ident("GROUP:农民工").kind == "name"
    assert parse_ident("  ").local == ""


def test_one_full_width_digit_table():
    assert "１４".translate(FW_DIGITS) == "14"
    assert cn_to_int("１４") == 14
