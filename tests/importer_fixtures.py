"""Builders for the importer tests and scripts/bench_import.py: a plan text → a document model →
DOCX (python-docx, with Word list numbering), a gov.cn-style HTML page, a printable HTML page
(→ PDF by headless Chromium) and Markdown; and the comparison of an import with its source."""

from __future__ import annotations

import html as _html
import os
import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def corpus_dev() -> Path | None:
    cands = [
        os.environ.get("KB_CORPUS_DEV", ""),
        ROOT.parent / "shared" / "corpus-dev",
        ROOT.parent.parent / "shared" / "corpus-dev",
        "/work/shared/corpus-dev",
    ]
    for c in cands:
        if c and (Path(c) / "jiading-sponge-city-plan.txt").exists():
            return Path(c)
    return None


# the plans of the round-trip tests; table regions of the one-cell-per-line files are
# (first line, last line, columns), 1-based and inclusive
PLANS = {
    "acftu": ("corpus", "acftu-14th-fyp-part2.txt", []),
    "jiading": ("dev", "jiading-sponge-city-plan.txt", [(25, 126, 4), (144, 206, 4), (222, 244, 2), (298, 483, 5)]),
    "putuo": ("dev", "putuo-greening-15th-fyp.txt", [(23, 473, 8), (643, 839, 7)]),
}


def plan_path(name: str) -> Path | None:
    where, fname, _ = PLANS[name]
    if where == "corpus" or (ROOT / "corpus" / fname).exists():  # the dev plans ship in corpus/ too
        return ROOT / "corpus" / fname
    d = corpus_dev()
    return d / fname if d else None


# --- the model ----------------------------------------------------------------------------------

_H = [
    (1, re.compile(r"^第[一二三四五六七八九十]+部分")),
    (2, re.compile(r"^[一二三四五六七八九十]+、")),
    (3, re.compile(r"^（[一二三四五六七八九十]+）")),
    (4, re.compile(r"^[0-9]{1,2}[、.](?![0-9])")),
]


def classify(text: str):
    if len(text) <= 40 and "。" not in text and not text.endswith("；"):
        for level, rx in _H:
            if rx.match(text):
                return ("h", level, text)
    return ("p", text)


def plan_model(path: Path, regions=()) -> list:
    """[("h", level, text) | ("p", text) | ("t", rows)]; the first text line is the title (level 0)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    at = {s: (e, nc) for s, e, nc in regions}
    model: list = []
    i, n = 0, len(lines)
    while i < n:
        if i + 1 in at:
            e, nc = at[i + 1]
            blocks, cur = [], []
            for t in lines[i:e] + [""]:
                if t.strip():
                    cur.append(t.strip())
                elif cur:
                    blocks.append("\n".join(cur))
                    cur = []
            rows = [blocks[k : k + nc] for k in range(0, len(blocks), nc)]
            rows[-1] += [""] * (nc - len(rows[-1]))
            model.append(("t", rows))
            i = e
            continue
        if "\t" in lines[i]:
            rows = []
            while i < n and "\t" in lines[i]:
                rows.append([c.strip() for c in lines[i].split("\t")])
                i += 1
            width = max(len(r) for r in rows)
            model.append(("t", [r + [""] * (width - len(r)) for r in rows]))
            continue
        t = lines[i].strip()
        if t:
            model.append(("h", 0, t) if not model else classify(t))
        i += 1
    return model


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", s)


def expected_items(model) -> list[tuple[str, str]]:
    out = []
    for el in model:
        if el[0] == "t":
            out.extend(("c", _norm(c)) for r in el[1] for c in r if _norm(c))
        else:
            out.append(("p", _norm(el[-1])))
    return out


def imported_items(text: str) -> list[tuple[str, str]]:
    out = []
    for line in text.split("\n"):
        if "\t" in line:
            out.extend(("c", _norm(c)) for c in line.split("\t") if _norm(c))
        elif _norm(line):
            out.append(("p", _norm(line)))
    return out


def first_difference(a: list, b: list) -> str:
    for k, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return (
                f"item {k}: expected {x[0]} {x[1][:60]!r}\n          got      {y[0]} {y[1][:60]!r}\n"
                f"before: {[t[:20] for _, t in a[max(0, k - 2) : k]]}"
            )
    return f"lengths differ: expected {len(a)}, got {len(b)}; extra: {(a[len(b) :] or b[len(a) :])[:3]}"


# --- DOCX ---------------------------------------------------------------------------------------

_CN = {c: i for i, c in enumerate("零一二三四五六七八九")}


def cn_int(s: str) -> int:
    if s == "十":
        return 10
    if "十" in s:
        a, _, b = s.partition("十")
        return (_CN[a] if a else 1) * 10 + (_CN[b] if b else 0)
    return _CN[s]


# list kinds used to number plan paragraphs with Word's automatic numbering
NUM_KINDS = [
    ("cn_dun", re.compile(r"^([一二三四五六七八九十]+)、"), "chineseCounting", "%1、", cn_int),
    ("cn_paren", re.compile(r"^（([一二三四五六七八九十]+)）"), "chineseCounting", "（%1）", cn_int),
    ("dec_dun", re.compile(r"^([0-9]{1,2})、"), "decimal", "%1、", int),
    ("dec_dot", re.compile(r"^([0-9]{1,2})\.(?![0-9])"), "decimal", "%1.", int),
]


class WordLists:
    """Adds abstract numbering definitions and numbering instances to a python-docx document."""

    def __init__(self, document):
        from docx.oxml.ns import qn

        self.qn = qn
        self.numbering = document.part.numbering_part.element
        nums = [int(x.get(qn("w:numId"))) for x in self.numbering.findall(qn("w:num"))]
        abstract = [int(x.get(qn("w:abstractNumId"))) for x in self.numbering.findall(qn("w:abstractNum"))]
        self.next_num = max(nums + [0]) + 1
        self.next_abstract = max(abstract + [0]) + 1

    def abstract(self, levels: list[tuple[str, str]], suff: str = "nothing") -> int:
        """levels: [(numFmt, lvlText)] for ilvl 0, 1, …"""
        from docx.oxml import parse_xml
        from docx.oxml.ns import nsdecls

        aid = self.next_abstract
        self.next_abstract += 1
        lvls = "".join(
            f'<w:lvl w:ilvl="{k}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:suff w:val="{suff}"/>'
            f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/></w:lvl>'
            for k, (fmt, text) in enumerate(levels)
        )
        el = parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{aid}">'
            f'<w:multiLevelType w:val="multilevel"/>{lvls}</w:abstractNum>'
        )
        first = self.numbering.find(self.qn("w:num"))
        if first is not None:
            first.addprevious(el)
        else:
            self.numbering.append(el)
        return aid

    def num(self, aid: int, start: int | None = None) -> int:
        from docx.oxml import parse_xml
        from docx.oxml.ns import nsdecls

        nid = self.next_num
        self.next_num += 1
        over = (
            f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{start}"/></w:lvlOverride>' if start is not None else ""
        )
        self.numbering.append(
            parse_xml(f'<w:num {nsdecls("w")} w:numId="{nid}"><w:abstractNumId w:val="{aid}"/>{over}</w:num>')
        )
        return nid

    @staticmethod
    def apply(paragraph, nid: int, ilvl: int = 0):
        numpr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        numpr.get_or_add_ilvl().val = ilvl
        numpr.get_or_add_numId().val = nid


def fill_cell(cell, text: str):
    lines = text.split("\n")
    cell.text = lines[0]
    for extra in lines[1:]:
        cell.add_paragraph(extra)


def add_table(document, rows):
    ncols = max(len(r) for r in rows)
    table = document.add_table(rows=len(rows), cols=ncols)
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        filled = [c for c in row if c.strip()]
        if ncols > 1 and len(filled) == 1 and row[0].strip() and not any(c.strip() for c in row[1:]):
            merged = table.cell(r, 0).merge(table.cell(r, ncols - 1))  # a title row across the table
            fill_cell(merged, row[0])
            continue
        for c, text in enumerate(row):
            if text:
                fill_cell(table.cell(r, c), text)
    return table


def to_docx(model, out: Path, auto_numbers: bool = True) -> Path:
    import docx

    document = docx.Document()
    lists = WordLists(document)
    kinds = {}
    if auto_numbers:
        for key, rx, fmt, text, conv in NUM_KINDS:
            kinds[key] = {"aid": lists.abstract([(fmt, text)]), "rx": rx, "conv": conv, "nid": None, "next": None}
    for el in model:
        if el[0] == "t":
            add_table(document, el[1])
            continue
        text = el[-1]
        numbered = None
        for k in kinds.values():
            m = k["rx"].match(text)
            if m:
                value = k["conv"](m.group(1))
                if k["nid"] is None or value != k["next"]:
                    k["nid"] = lists.num(k["aid"], start=value)
                k["next"] = value + 1
                numbered = (k["nid"], text[m.end() :].lstrip())
                break
        body = numbered[1] if numbered else text
        if el[0] == "h" and el[1] == 0:
            para = document.add_paragraph(body, style="Title")
        elif el[0] == "h":
            para = document.add_heading(body, level=el[1])
        else:
            para = document.add_paragraph(body)
        if numbered:
            lists.apply(para, numbered[0])
    document.save(out)
    return out


# --- HTML ---------------------------------------------------------------------------------------


def _e(s: str) -> str:
    return _html.escape(s, quote=True)


def _cell_html(text: str) -> str:
    return "<br>".join(_e(x) for x in text.split("\n"))


def table_html(rows) -> str:
    ncols = max(len(r) for r in rows)
    out = ['<table border="1" cellspacing="0" cellpadding="4" style="border-collapse:collapse">']
    for row in rows:
        if ncols > 1 and row[0].strip() and not any(c.strip() for c in row[1:]):
            out.append(f'<tr><td colspan="{ncols}">{_cell_html(row[0])}</td></tr>')
            continue
        out.append("<tr>" + "".join(f"<td>{_cell_html(c)}</td>" for c in row) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def body_html(model, with_title: bool) -> str:
    parts = []
    for el in model:
        if el[0] == "t":
            parts.append(table_html(el[1]))
        elif el[0] == "h" and el[1] == 0:
            if with_title:
                parts.append(f"<h1>{_e(el[2])}</h1>")
        elif el[0] == "h" and el[1] <= 2:
            parts.append(f"<h{el[1] + 1}>{_e(el[2])}</h{el[1] + 1}>")
        elif el[0] == "h":
            parts.append(f'<p style="text-indent:2em"><strong>{_e(el[2])}</strong></p>')
        else:
            parts.append(f'<p style="text-indent:2em">{_e(el[1])}</p>')
    return "\n".join(parts)


def model_title(model) -> str:
    return model[0][2] if model and model[0][0] == "h" and model[0][1] == 0 else ""


def govcn_page(body: str, title: str, issuer: str = "", doc_no: str = "", date: str = "", page_title: str = "") -> str:
    info = ""
    if title or issuer or doc_no or date:
        info = (
            '<div class="policyLibraryOverview_header"><table class="bd1">'
            f'<tr><td><b>标　　题：</b></td><td colspan="3">{_e(title)}</td></tr>'
            f"<tr><td><b>发文机关：</b></td><td>{_e(issuer)}</td><td><b>发文字号：</b></td><td>{_e(doc_no)}</td></tr>"
            f"<tr><td><b>成文日期：</b></td><td>{_e(date)}</td><td><b>发布日期：</b></td><td>{_e(date)}</td></tr>"
            "</table></div>"
        )
    h1 = f"<h1>{_e(title)}</h1>" if title else ""
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>{_e(page_title or title or "政策文件")}_中国政府网</title>
<meta name="ArticleTitle" content="{_e(title)}">
<meta name="ContentSource" content="{_e(issuer)}">
<style>body{{font-family:"Noto Sans CJK SC",sans-serif}} .share a{{margin:0 4px}}</style>
<script>var tracker = "统计脚本的文字不应出现在正文里";</script>
</head><body>
<div class="header"><div class="top_bar">无障碍 | 繁体 | English</div>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zhengce/">政策</a></li><li><a href="/xinwen/">新闻</a></li>
<li><a href="/fuwu/">服务</a></li><li><a href="/hudong/">互动</a></li><li><a href="/shuju/">数据</a></li></ul></div>
<div class="BreadcrumbNav">当前位置：<a href="/">首页</a> &gt; <a href="/zhengce/">政策</a> &gt; 政策文件库</div>
{info}
{h1}
<div class="pages_content" id="UCAP-CONTENT">
{body}
</div>
<div class="share"><span>分享到：</span><a class="wx">微信</a><a class="wb">微博</a><a class="print" href="javascript:print()">【打印本页】</a></div>
<div class="related"><h3>相关稿件</h3><ul><li><a href="#">相关政策解读：一图读懂新规划</a></li></ul></div>
<div class="footer"><p>主办单位：国务院办公厅　运行维护单位：中国政府网运行中心</p>
<p>版权所有：中国政府网　中文域名：中国政府网.政务</p></div>
<script>document.write("页脚脚本");</script>
</body></html>
"""


PRINT_CSS = """
body { font-family: "Noto Sans CJK SC", sans-serif; font-size: 12pt; }
table { border-collapse: collapse; width: 100%; }
td, th { border: 1px solid #000; padding: 3px; font-size: 10.5pt; vertical-align: top; }
tr { break-inside: avoid; }
"""


def print_page(model) -> str:
    return (
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{_e(model_title(model) or "规划")}'
        f"</title><style>{PRINT_CSS}</style></head><body>\n{body_html(model, with_title=True)}\n</body></html>"
    )


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def html_to_pdf(html_path: Path, pdf_path: Path, timeout: int = 180) -> Path:
    exe = chromium()
    if not exe:
        raise RuntimeError("chromium not found")
    cmd = [
        exe,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        f"--user-data-dir={pdf_path.parent / '.chromium-profile'}",
        f"--print-to-pdf={pdf_path}",
        html_path.resolve().as_uri(),
    ]
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=timeout, check=False)
    if not pdf_path.exists() or pdf_path.stat().st_size == 0:
        raise RuntimeError(f"chromium wrote no PDF for {html_path}")
    return pdf_path


# --- Markdown -----------------------------------------------------------------------------------

_MD_ESC = re.compile(r"([\\`*_\[\]<>|~#])")


def _md(s: str) -> str:
    return _MD_ESC.sub(r"\\\1", s)


def to_markdown(model) -> str:
    out = []
    for el in model:
        if el[0] == "t":
            rows = el[1]
            ncols = max(len(r) for r in rows)
            cells = lambda r: "| " + " | ".join(_md(c.replace("\n", " ")) for c in r + [""] * (ncols - len(r))) + " |"
            out.append("\n".join([cells(rows[0]), "|" + "---|" * ncols] + [cells(r) for r in rows[1:]]))
        elif el[0] == "h":
            out.append("#" * (el[1] + 1) + " " + _md(el[2]))
        else:
            out.append(_md(el[1]))
    return "\n\n".join(out) + "\n"


def write_all(model, d: Path, name: str, pdf: bool = True) -> dict[str, Path]:
    """Write the four formats of one model into d; the PDF only when chromium is here."""
    d.mkdir(parents=True, exist_ok=True)
    files = {"docx": to_docx(model, d / f"{name}.docx")}
    (d / f"{name}.html").write_text(
        govcn_page(body_html(model, with_title=False), model_title(model)), encoding="utf-8"
    )
    files["html"] = d / f"{name}.html"
    (d / f"{name}.md").write_text(to_markdown(model), encoding="utf-8")
    files["md"] = d / f"{name}.md"
    if pdf and chromium():
        src = d / f"{name}.print.html"
        src.write_text(print_page(model), encoding="utf-8")
        files["pdf"] = html_to_pdf(src, d / f"{name}.pdf")
    return files


def outline_model(path: Path) -> list:
    """The model of a plan as the text parser understood it: its outline's lines as headings and
    paragraphs, and every table it found as a real table (caption line, header row, data rows),
    so each format can be generated from one source and its outline compared with the text's."""
    from kb.parse.text import parse_file

    doc = parse_file(path)
    model: list = []
    rows: dict[str, list] = {}
    for n in doc.outline:
        if n.kind == "row" and n.parent:
            cells = list(n.cells)
            if n.label and cells:  # the printed row number: "1.劳模选树管理"
                cells[0] = f"{n.label}.{cells[0]}"
            rows.setdefault(n.parent, []).append(cells)
    for n in doc.outline:
        if n.kind == "row":
            continue
        if n.kind == "table":
            lines = [ln.strip() for ln in n.text.split("\n") if ln.strip()]
            if lines and (n.label or n.title) and n.title.replace(" ", "") in lines[0].replace(" ", ""):
                model.append(("p", lines[0]))
            width = max([len(n.header)] + [len(r) for r in rows.get(n.id, [])])
            table = ([list(n.header) + [""] * (width - len(n.header))] if n.header else []) + [
                r + [""] * (width - len(r)) for r in rows.get(n.id, [])
            ]
            if table:
                model.append(("t", table))
            continue
        for ln in n.text.split("\n"):
            t = ln.strip()
            if t:
                model.append(("h", 0, t) if not model else classify(t))
    return model
