"""Importers (kb.parse.importers): DOCX, HTML, PDF and Markdown → the parser's plain text.

Every fixture is built here: DOCX by python-docx (with Word list numbering), HTML as a gov.cn-style
page, PDF printed from HTML by headless Chromium, Markdown from the same model. The round-trip
tests generate each format from real plans and compare the imported lines with the source."""

from __future__ import annotations

import io
import logging
import os
import zipfile
from pathlib import Path

import pytest
from importer_fixtures import (
    PLANS,
    WordLists,
    chromium,
    expected_items,
    first_difference,
    govcn_page,
    html_to_pdf,
    imported_items,
    plan_model,
    plan_path,
    table_html,
    write_all,
)

from kb.errors import KBError
from kb.parse.importers import Imported, import_file

logging.getLogger("pdfminer").setLevel(logging.ERROR)
needs_chromium = pytest.mark.skipif(
    chromium() is None, reason="headless Chromium (Debian's chromium) is not installed; PDF fixtures are printed by it"
)


def lines(imp: Imported) -> list[str]:
    return [ln for ln in imp.text.split("\n") if ln.strip()]


# --- DOCX ---------------------------------------------------------------------------------------


def build_small_docx(path: Path) -> Path:
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    d = docx.Document()
    d.core_properties.title = "core title (not used when a Title paragraph exists)"
    d.add_paragraph("示范区绿色发展三年行动方案", style="Title")
    d.add_paragraph("示政发〔2024〕7号")
    lists = WordLists(d)
    multi = lists.abstract([("chineseCounting", "%1、"), ("chineseCounting", "（%2）"), ("decimal", "%3.")])
    nid = lists.num(multi)
    tian = lists.num(lists.abstract([("ideographTraditional", "%1.")]))
    thousand = lists.num(lists.abstract([("chineseCountingThousand", "第%1条")]), start=11)

    def item(text, level, style=None, num=nid):
        p = d.add_heading(text, level=level + 1) if style == "h" else d.add_paragraph(text)
        WordLists.apply(p, num, level)
        return p

    item("总体要求", 0, "h")
    item("指导思想", 1, "h")
    item("基本原则", 1, "h")
    item("坚持绿色发展。", 2)
    item("坚持系统治理。", 2)
    item("重点任务", 0, "h")
    item("推进节能降碳", 1, "h")
    item("实施重点工程。", 2)
    d.add_paragraph("一、手写编号的标题")  # a literal number stays as typed
    p2 = d.add_paragraph("带脚注的段落。")
    p2._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:footnoteReference w:id="1"/></w:r>'))
    item("甲项内容", 0, num=tian)
    item("乙项内容", 0, num=tian)
    item("第十一条内容", 0, num=thousand)
    # a 5-column indicator table with a merged title row and a vertical merge
    t = d.add_table(rows=5, cols=5)
    t.style = "Table Grid"
    title = t.cell(0, 0).merge(t.cell(0, 4))
    title.text = "表1 主要指标"
    for c, h in enumerate(["类别", "指标", "2023年", "2026年", "属性"]):
        t.cell(1, c).text = h
    for c, v in enumerate(["生态", "森林覆盖率（%）", "18.5", "19.0", "约束性"]):
        t.cell(2, c).text = v
    for c, v in enumerate(["", "空气优良天数比例（%）", "85", "88", "预期性"]):
        if v:
            t.cell(3, c).text = v
    t.cell(2, 0).merge(t.cell(3, 0))
    for c, v in enumerate(["能源", "单位GDP能耗下降（%）", "—", "〔13.5〕", "约束性"]):
        t.cell(4, c).text = v
    # a 专栏 box: a one-cell table
    box = d.add_table(rows=1, cols=1)
    cell = box.cell(0, 0)
    cell.text = "专栏1 重点工程"
    cell.add_paragraph("1.生态修复工程。修复湿地500公顷。")
    cell.add_paragraph("2.节能改造工程。改造公共建筑100万平方米。")
    d.add_paragraph("示范区管委会")
    d.add_paragraph("2024年3月8日")
    d.save(path)
    return path


def test_docx_numbering_tables_boxes(tmp_path):
    imp = import_file(build_small_docx(tmp_path / "plan.docx"))
    assert imp.format == "docx"
    got = lines(imp)
    assert got[:13] == [
        "示范区绿色发展三年行动方案",
        "示政发〔2024〕7号",
        "一、总体要求",
        "（一）指导思想",
        "（二）基本原则",
        "1.坚持绿色发展。",
        "2.坚持系统治理。",
        "二、重点任务",
        "（一）推进节能降碳",
        "1.实施重点工程。",
        "一、手写编号的标题",
        "带脚注的段落。",
        "甲.甲项内容",
    ]
    assert got[13:15] == ["乙.乙项内容", "第十一条第十一条内容"]
    rows = [ln.split("\t") for ln in got if "\t" in ln]
    assert rows == [
        ["表1 主要指标", "", "", "", ""],
        ["类别", "指标", "2023年", "2026年", "属性"],
        ["生态", "森林覆盖率（%）", "18.5", "19.0", "约束性"],
        ["", "空气优良天数比例（%）", "85", "88", "预期性"],
        ["能源", "单位GDP能耗下降（%）", "—", "〔13.5〕", "约束性"],
    ]
    assert got[-5:] == [
        "专栏1 重点工程",
        "1.生态修复工程。修复湿地500公顷。",
        "2.节能改造工程。改造公共建筑100万平方米。",
        "示范区管委会",
        "2024年3月8日",
    ]
    assert imp.meta == {
        "title": "示范区绿色发展三年行动方案",
        "doc_number": "示政发〔2024〕7号",
        "date": "2024-03-08",
        "issuer": "示范区管委会",
    }
    notes = " ".join(imp.notes)
    assert "footnote" in notes and "1 tables" in notes and "专栏" in notes


def test_docx_number_formats():
    from kb.parse.importers.docx_import import format_number as f

    assert [f(n, "chineseCounting") for n in (1, 10, 11, 20, 21, 100, 101)] == [
        "一",
        "十",
        "十一",
        "二十",
        "二十一",
        "一百",
        "一百零一",
    ]
    assert f(12, "chineseCountingThousand") == "十二"
    assert [f(n, "ideographTraditional") for n in (1, 4, 10)] == ["甲", "丁", "癸"]
    assert f(7, "decimal") == "7" and f(3, "decimalEnclosedCircle") == "③" and f(4, "upperRoman") == "IV"
    assert f(2, "decimalFullWidth") == "２" and f(28, "lowerLetter") == "bb"


# --- HTML ---------------------------------------------------------------------------------------

GOV_BODY = """
<p style="text-indent:2em">各省、自治区、直辖市人民政府，国务院各部委、各直属机构：</p>
<p style="text-indent:2em">现将《示例发展规划》印发给你们，请认真贯彻执行。</p>
<p style="text-align:right">国务院<br>2021年12月12日</p>
<p style="text-indent:2em">（此件公开发布）</p>
<p><strong>一、发展现状</strong></p>
<p>　　“十三五”时期，我国<b>数字经济</b>发展取得显著成效。<a href="#">相关链接</a>文字继续。</p>
<p><strong>（一）主要指标</strong></p>
<table border="1"><tbody>
<tr><td colspan="4">表1 “十四五”数字经济发展主要指标</td></tr>
<tr><td>指标</td><td>2020年</td><td>2025年</td><td>属性</td></tr>
<tr><td>数字经济核心产业增加值占GDP比重（%）</td><td>7.8</td><td>10</td><td rowspan="2">预期性</td></tr>
<tr><td>IPv6活跃用户数（亿户）</td><td>4.6</td><td>8</td></tr>
</tbody></table>
<table border="1"><tr><td><p>专栏1 数字基础设施优化升级工程</p><p>1.高速宽带网络建设。</p></td></tr></table>
<ol start="3"><li>第三项任务。</li><li>第四项任务。</li></ol>
<div class="bdshare_t">分享到：微博 微信</div>
"""


def test_html_govcn_page(tmp_path):
    page = govcn_page(
        GOV_BODY, "国务院关于印发示例发展规划的通知", issuer="国务院", doc_no="国发〔2021〕29号", date="2021年12月12日"
    )
    path = tmp_path / "content_5667817.htm"
    path.write_text(page, encoding="utf-8")
    imp = import_file(path)
    got = lines(imp)
    assert got[0] == "国务院关于印发示例发展规划的通知"
    assert got[1:8] == [
        "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：",
        "现将《示例发展规划》印发给你们，请认真贯彻执行。",
        "国务院",
        "2021年12月12日",
        "（此件公开发布）",
        "一、发展现状",
        "“十三五”时期，我国数字经济发展取得显著成效。相关链接文字继续。",
    ]
    assert "（一）主要指标" in got
    assert [ln.split("\t") for ln in got if "\t" in ln] == [
        ["表1 “十四五”数字经济发展主要指标", "", "", ""],
        ["指标", "2020年", "2025年", "属性"],
        ["数字经济核心产业增加值占GDP比重（%）", "7.8", "10", "预期性"],
        ["IPv6活跃用户数（亿户）", "4.6", "8", ""],
    ]
    assert got[-4:] == ["专栏1 数字基础设施优化升级工程", "1.高速宽带网络建设。", "3. 第三项任务。", "4. 第四项任务。"]
    text = imp.text
    for junk in ("首页", "分享到", "微博", "主办单位", "版权所有", "统计脚本", "页脚脚本", "相关稿件", "当前位置"):
        assert junk not in text, junk
    assert imp.meta["title"] == "国务院关于印发示例发展规划的通知"
    assert imp.meta["issuer"] == "国务院" and imp.meta["doc_number"] == "国发〔2021〕29号"
    assert imp.meta["date"] == "2021-12-12"


def test_html_without_known_container_and_gbk(tmp_path):
    html = (
        "<html><head><meta charset=gb2312><title>某区实施方案_某区人民政府</title></head><body>"
        "<div class=top><a>首页</a><a>政务公开</a></div>"
        "<div class=wrap><div class=left>栏目导航 信息公开 政策解读</div>"
        "<div class=main_text><p>某区实施方案</p><p>为贯彻落实有关部署，制定本方案。</p>"
        "<p>一、工作目标</p><p>到2025年，全区建成海绵城市示范区。</p></div></div></body></html>"
    )
    path = tmp_path / "page.html"
    path.write_bytes(html.encode("gb18030"))
    imp = import_file(path)
    assert lines(imp) == [
        "某区实施方案",
        "为贯彻落实有关部署，制定本方案。",
        "一、工作目标",
        "到2025年，全区建成海绵城市示范区。",
    ]
    assert imp.meta["title"] == "某区实施方案"
    assert "most CJK" in imp.notes[0]


# --- PDF ----------------------------------------------------------------------------------------


@needs_chromium
def test_pdf_printed_page(tmp_path):
    fields = ["工业", "建筑", "交通", "农业", "商贸", "公共机构", "能源", "水利"]
    items = [
        f"{k}.第{k}项措施。推动{fields[k % 8]}领域节能降碳和绿色转型，完善相关政策体系{k * 7}条，"
        f"加快形成绿色低碳的生产方式和生活方式，到2025年{fields[(k + 3) % 8]}可再生能源消费比重提高{k}个百分点。"
        for k in range(1, 41)
    ]
    paras = "".join(f"<p>{t}</p>" for t in items)
    rows = [
        ["指标", "2020年", "2025年", "属性"],
        ["森林覆盖率（%）", "18.5", "19.0", "约束性"],
        ["可再生能源消费比重（%）", "15.9", "20", "预期性"],
    ]
    html = (
        f'<html lang="zh-CN"><head><meta charset="utf-8"><title>示例规划</title><style>'
        f"table{{border-collapse:collapse}} td{{border:1px solid #000}}</style></head><body>"
        f"<h1>某市绿色发展规划</h1><h2>一、发展目标</h2>{table_html(rows)}<h2>二、主要任务</h2>{paras}"
        f"<p>某市人民政府</p><p>2023年5月6日</p></body></html>"
    )
    src = tmp_path / "plan.html"
    src.write_text(html, encoding="utf-8")
    imp = import_file(html_to_pdf(src, tmp_path / "plan.pdf"))
    assert imp.format == "pdf"
    got = lines(imp)
    assert got[:2] == ["某市绿色发展规划", "一、发展目标"]
    assert got[2:5] == ["\t".join(r) for r in rows]
    assert got[5] == "二、主要任务"
    assert got[6:46] == items
    assert got[46:] == ["某市人民政府", "2023年5月6日"]
    notes = " ".join(imp.notes)
    assert "running header/footer" in notes and "1 ruled tables" in notes
    assert "file://" not in imp.text and "示例规划" not in imp.text  # Chromium's header and footer
    assert imp.meta["date"] == "2023-05-06" and imp.meta["issuer"] == "某市人民政府"


def test_pdf_header_clock_ticking_while_printing():
    """A browser prints the time in each page's header; a slow print job crosses a minute, so the
    header reads "7:40 PM" on some pages and "7:41 PM" on the rest: both are the running header
    (this broke the PDF round trip under load). Body lines at the page top stay."""
    from kb.parse.importers.pdf_import import Line, _strip_margins

    body = [
        ln
        for ln in (Path(__file__).resolve().parent.parent / "corpus" / "acftu-14th-fyp-part2.txt")
        .read_text("utf-8")
        .splitlines()
        if ln
    ][:40]
    pages, n = [], 9
    for i in range(n):
        clock = "7:40" if i < 4 else "7:41"
        lines = [Line(i, f"11/30/26, {clock} PM 某市绿色发展规划", 20, 500, 16, 24, 8.0)]
        lines += [Line(i, body[i * 4 + k], 72, 520, 60 + 30 * k, 72 + 30 * k, 12.0) for k in range(4)]
        lines.append(Line(i, f"file:///tmp/plan.html {i + 1}/{n}", 20, 500, 769, 777, 8.0))
        pages.append(lines)
    _pn, run, _ex = _strip_margins(pages, [792.0] * n)
    assert run == 2 * n
    assert [ln.text for pg in pages for ln in pg] == [body[i * 4 + k] for i in range(n) for k in range(4)]


# --- Markdown -----------------------------------------------------------------------------------


def test_markdown(tmp_path):
    md = (
        "---\ntitle: 某县实施方案\n---\n# 某县**乡村振兴**实施方案\n\n为推进乡村振兴，*制定*本方案。\n\n## 一、总体要求\n\n"
        "3. 第三项。\n4. 第四项，[链接](http://x)文字。\n\n- 要点甲\n- 要点乙\n\n"
        "| 指标 | 2025年 |\n|---|---|\n| 粮食产量（万吨） | 12 |\n| 农村居民收入（元） | `25000` |\n\n"
        "第一段第一行\n第一段第二行\n"
    )
    path = tmp_path / "plan.md"
    path.write_text(md, encoding="utf-8")
    imp = import_file(path)
    assert lines(imp) == [
        "某县乡村振兴实施方案",
        "为推进乡村振兴，制定本方案。",
        "一、总体要求",
        "3. 第三项。",
        "4. 第四项，链接文字。",
        "要点甲",
        "要点乙",
        "指标\t2025年",
        "粮食产量（万吨）\t12",
        "农村居民收入（元）\t25000",
        "第一段第一行第一段第二行",
    ]
    assert imp.meta["title"] == "某县实施方案" and imp.format == "md"


# --- real plans, every format ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    cache: dict = {}

    def get(name: str, fmt: str):
        path = plan_path(name)
        if path is None or not path.exists():
            pytest.skip(f"{PLANS[name][1]} not found (the shared corpus-dev folder is not here)")
        if fmt == "pdf" and chromium() is None:
            pytest.skip("headless Chromium is not installed; PDF fixtures are printed by it")
        if name not in cache:
            model = plan_model(path, PLANS[name][2])
            cache[name] = (model, write_all(model, tmp_path_factory.mktemp(name), name))
        return cache[name]

    return get


@pytest.mark.parametrize("fmt", ["docx", "html", "md", "pdf"])
@pytest.mark.parametrize("name", list(PLANS))
def test_real_plan_round_trip(generated, name, fmt):
    model, files = generated(name, fmt)
    imp = import_file(files[fmt])
    expected, got = expected_items(model), imported_items(imp.text)
    assert got == expected, first_difference(expected, got)
    assert sum(1 for el in model if el[0] == "t") <= sum(1 for ln in imp.text.split("\n\n") if "\t" in ln)
    # the parser reads the import as it reads the source text
    from kb.parse.text import parse_file, parse_text

    src, doc = parse_file(plan_path(name)), parse_text(imp.text)
    shape = lambda d: (len(d.chapters), len(d.tasks), len(d.indicator_tables))  # noqa: E731
    assert shape(doc) == shape(src)


def test_real_plan_docx_uses_word_numbering(generated):
    model, files = generated("putuo", "docx")
    import docx

    numbered = sum(
        1 for p in docx.Document(files["docx"]).paragraphs if p._p.pPr is not None and p._p.pPr.numPr is not None
    )
    assert numbered > 50  # the headings' numbers come from numPr, not from the text
    assert any("numbered by Word" in n for n in import_file(files["docx"]).notes)


# --- bad input ------------------------------------------------------------------------------------


def _raises(path, *words):
    with pytest.raises(KBError) as e:
        import_file(path)
    msg = str(e.value)
    assert str(path) in msg and "\n" not in msg
    for w in words:
        assert w in msg, msg
    return msg


@pytest.mark.parametrize("suffix", [".docx", ".html", ".pdf", ".md"])
def test_empty_missing_folder_and_too_big(tmp_path, suffix, monkeypatch):
    empty = tmp_path / f"empty{suffix}"
    empty.write_bytes(b"")
    _raises(empty, "empty")
    _raises(tmp_path / f"missing{suffix}", "no such file")
    folder = tmp_path / f"folder{suffix}"
    folder.mkdir()
    _raises(folder, "folder")
    big = tmp_path / f"big{suffix}"
    big.write_bytes(b"x" * 3000)
    monkeypatch.setenv("KB_MAX_FILE_MB", "0.001")
    _raises(big, "MB")


def test_corrupt_docx(tmp_path):
    bad = tmp_path / "random.docx"
    bad.write_bytes(os.urandom(4096))
    _raises(bad, "not a readable .docx")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "not a word document")
    (tmp_path / "zip.docx").write_bytes(buf.getvalue())
    _raises(tmp_path / "zip.docx", "not a readable .docx")
    (tmp_path / "plain.docx").write_text("一、这是文本文件", encoding="utf-8")
    _raises(tmp_path / "plain.docx", ".docx")


def test_html_without_body(tmp_path):
    p = tmp_path / "nobody.html"
    p.write_text("<html><head><title>只有标题</title><script>var a='脚本';</script></head></html>", encoding="utf-8")
    _raises(p, "no body text")
    p2 = tmp_path / "nav-only.html"
    p2.write_text("<html><body><nav>首页 新闻</nav><script>x()</script></body></html>", encoding="utf-8")
    _raises(p2, "HTML")


def test_bad_pdfs(tmp_path):
    from PIL import Image, ImageDraw

    pypdf = pytest.importorskip("pypdf", reason="pypdf writes the encrypted and oversized fixtures")

    img = Image.new("RGB", (400, 200), "white")
    ImageDraw.Draw(img).text((20, 80), "scanned page, no text layer", fill="black")
    scanned = tmp_path / "scanned.pdf"
    img.save(scanned, "PDF", resolution=72)
    _raises(scanned, "no text layer (scanned PDF); OCR is not supported")

    w = pypdf.PdfWriter()
    w.add_blank_page(width=200, height=200)
    w.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    enc = tmp_path / "encrypted.pdf"
    with open(enc, "wb") as f:
        w.write(f)
    _raises(enc, "encrypted")

    w = pypdf.PdfWriter()
    for _ in range(301):
        w.add_blank_page(width=100, height=100)
    many = tmp_path / "many.pdf"
    with open(many, "wb") as f:
        w.write(f)
    _raises(many, "301 pages", "300")

    trunc = tmp_path / "truncated.pdf"
    trunc.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n" + os.urandom(500))
    _raises(trunc, "PDF")
    (tmp_path / "notpdf.pdf").write_bytes(b"GIF89a" + os.urandom(200))
    _raises(tmp_path / "notpdf.pdf", "not a PDF")


def test_suffix_dispatch(tmp_path):
    t = tmp_path / "plan.txt"
    t.write_text("一、总体要求\n", encoding="utf-8")
    assert import_file(t) is None
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    _raises(tmp_path / "old.doc", ".docx")
    (tmp_path / "x.rtf").write_text("{\\rtf1}", encoding="utf-8")
    _raises(tmp_path / "x.rtf", "unknown file type")
