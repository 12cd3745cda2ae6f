"""Chinese for the pages: parse notes (written in English by ``kb check`` and the importers),
edge types and rule names, target kinds.

Each note pattern maps to one Chinese sentence that says the same thing; the quoted pieces
(line numbers, table ids, text around a page break) are kept as they were. A note that matches
no pattern is shown as “（未翻译）” plus its text, so nothing is lost — tests check that every
note of the bundled corpus is translated.
"""

from __future__ import annotations

import re

from kb.parse.outline import STYLE_NAMES

EDGE_TYPES = {
    "depends_on": "依赖",
    "contains": "包含",
    "measures": "衡量",
    "refers_to": "引用",
    "illustrates": "说明",
    "leads": "牵头",
    "supports": "配合",
    "related": "相关",
    "mentions": "提及",
}

RULES = {
    "uses": "使用",
    "same-name": "同名",
    "short-form": "简称",
    "serves": "服务于",
    "support-layer": "支撑层",
    "responsibility-note": "责任单位",
    "box-in-outline": "专栏所在",
    "restates": "复述",
    "explicit-reference": "明确引用",
    "shared-terms": "共同词语",
    "work-of": "为其工作而建",
    "legal-basis": "法规依据",
    "by-law": "依法（所修法律）",
    "level-body": "同层级组织",
    "online": "线上平台",
    "data-hub": "数据共享平台",
    "uses-head": "依托（简称）",
}

TARGET_KINDS = {"target": "目标", "result": "已完成", "baseline": "基期", "fact": "现状"}


_REPAIRS = {
    "pdf-line-join": "PDF 断行合并",
    "page-number": "页码行删除",
    "running-header": "页眉页脚删除",
    "toc": "目录删除",
    "stray-space": "多余空格删除",
}


def _style(s: str) -> str:
    return STYLE_NAMES.get(s, s)  # a style code as printed; printed names stay as they are


# (pattern, Chinese template): the template is formatted with the match's groups
NOTE_PATTERNS: list[tuple[re.Pattern[str], object]] = [
    (
        re.compile(r"continues from an earlier part: tasks 1–(\d+) are not in this text"),
        lambda m: f"本文接续前一部分：第 1–{m[1]} 项任务不在本文中",
    ),
    (
        re.compile(r"numbering of the (.+?) headings starts at (\d+)"),
        lambda m: f"{_style(m[1])} 级标题的编号从 {m[2]} 开始",
    ),
    (
        re.compile(r"numbering gap: (.+?) heading (\d+) after (\d+)"),
        lambda m: f"编号跳号：{_style(m[1])} 级标题 {m[3]} 之后是 {m[2]}",
    ),
    (re.compile(r"numbering gap: (.+?) heading (\d+)"), lambda m: f"编号跳号：{_style(m[1])} 级标题 {m[2]}"),
    (re.compile(r"numbering repeat: (.+?) heading (\d+)"), lambda m: f"编号重复：{_style(m[1])} 级标题 {m[2]}"),
    (
        re.compile(r"numbered line not taken as a heading \((\S+) (\d+), last (\d+)\)"),
        lambda m: f"带编号的行未作为标题（{_style(m[1])} {m[2]}，上一个是 {m[3]}）",
    ),
    (
        re.compile(r"numbered line not taken as a heading \((.+)\)"),
        lambda m: f"带编号的行未作为标题（{m[1]}）",
    ),
    (
        re.compile(r"task numbering gap: (\d+) is followed by (\d+) \((.+) missing\)"),
        lambda m: f"任务编号跳号：{m[1]} 之后是 {m[2]}（缺 {m[3]}）",
    ),
    (
        re.compile(r"task numbering goes back: (\d+) is followed by (\d+)"),
        lambda m: f"任务编号回退：{m[1]} 之后是 {m[2]}",
    ),
    (re.compile(r"task number (\d+) is used more than once"), lambda m: f"任务编号 {m[1]} 出现多次"),
    (
        re.compile(
            r"indicator table (.+) comes before the first heading \((.+)\): "
            r"it closes a part that is not in this text, so it is attached to no chapter"
        ),
        lambda m: f"指标表 {m[1]} 位于第一个标题（{m[2]}）之前：它属于不在本文中的前一部分，因此不归入任何章",
    ),
    (re.compile(r"table (.+) has no header row"), lambda m: f"表格 {m[1]} 没有表头行"),
    (re.compile(r"table (.+) has no rows"), lambda m: f"表格 {m[1]} 没有数据行"),
    (
        re.compile(r"table (.+): header repeated (\d+) time\(s\)"),
        lambda m: f"表格 {m[1]}：表头重复出现 {m[2]} 次（已去除）",
    ),
    (re.compile(r"id (\S+) repeats; made (\S+)"), lambda m: f"编号 {m[1]} 重复，改为 {m[2]}"),
    (
        re.compile(r"traditional characters converted to simplified: (\d+) characters"),
        lambda m: f"繁体字已转换为简体字：{m[1]} 个字",
    ),
    (
        re.compile(r"layout noise removed: (.+) \(line (\d+)\)"),
        lambda m: f"删除版面杂项：{m[1]}（第 {m[2]} 行）",
    ),
    (
        re.compile(r"page break joined: (.+) \(lines (\d+)–(\d+)\)"),
        lambda m: f"跨页断开处已接合：{m[1]}（第 {m[2]}–{m[3]} 行）",
    ),
    (
        re.compile(r"layout repaired: (\S+) ×(\d+)"),
        lambda m: f"版面修复：{_REPAIRS.get(m[1], m[1])} ×{m[2]}",
    ),
    (re.compile(r"no chapter headings found"), lambda m: "未找到章标题"),
    (
        re.compile(r"no numbered tasks found: the text is kept as paragraphs"),
        lambda m: "未找到带编号的任务：正文按段落保留",
    ),
    (
        re.compile(r"the page title \(outside the article body\) put as the first line"),
        lambda m: "网页标题（正文之外）放在第一行",
    ),
    (
        re.compile(r"(\d+) tables \((\d+) rows\) as TAB-separated rows; cells covered by colspan/rowspan left empty"),
        lambda m: f"{m[1]} 个表格（{m[2]} 行）按制表符分隔读入；跨行跨列覆盖的单元格留空",
    ),
    (
        re.compile(r"(\d+) tables \((\d+) rows\) as TAB-separated rows; merged cells left empty"),
        lambda m: f"{m[1]} 个表格（{m[2]} 行）按制表符分隔读入；合并单元格留空",
    ),
    (
        re.compile(r"(\d+) ruled tables \((\d+) rows\) as TAB-separated rows; merged cells left empty"),
        lambda m: f"{m[1]} 个带框线的表格（{m[2]} 行）按制表符分隔读入；合并单元格留空",
    ),
    (
        re.compile(r"(\d+) tables \((\d+) rows\) as TAB-separated rows"),
        lambda m: f"{m[1]} 个表格（{m[2]} 行）按制表符分隔读入",
    ),
    (
        re.compile(r"(\d+) one-column tables \(专栏 boxes\) read as paragraphs"),
        lambda m: f"{m[1]} 个单列表格（专栏）按段落读入",
    ),
    (
        re.compile(r"(\d+) share/navigation/footer elements inside the body dropped"),
        lambda m: f"删除正文内的分享、导航、页脚元素 {m[1]} 个",
    ),
    (
        re.compile(r"pdf: (\d+) pages, (\d+) text lines rejoined into (\d+) paragraphs \((\d+) line breaks removed\)"),
        lambda m: f"PDF：{m[1]} 页，{m[2]} 行文字合并为 {m[3]} 段（删除 {m[4]} 处换行）",
    ),
    (re.compile(r"(\d+) page-number lines removed"), lambda m: f"删除页码行 {m[1]} 行"),
    (
        re.compile(r"(\d+) running header/footer lines removed \(e\.g\. (.+)\)"),
        lambda m: f"删除页眉页脚 {m[1]} 行（如 {m[2]}）",
    ),
    (
        re.compile(r"the PDF is encrypted with an empty user password \(permissions only\); text read"),
        lambda m: "PDF 以空用户密码加密（仅限权限），文字已读取",
    ),
    (re.compile(r"(\d+) images ignored \(no OCR\)"), lambda m: f"忽略图片 {m[1]} 张（不做文字识别）"),
    (re.compile(r"(\d+) list items kept with their printed numbers"), lambda m: f"{m[1]} 个列表项保留原编号"),
    (re.compile(r"front matter read as metadata"), lambda m: "文件头信息读作元数据"),
    (
        re.compile(r"(\d+) paragraphs numbered by Word's list numbering; numbers rendered as printed"),
        lambda m: f"{m[1]} 个段落由 Word 自动编号，编号按打印样式写出",
    ),
    (
        re.compile(r"(\d+) footnote/endnote references dropped \(the notes' text is not imported\)"),
        lambda m: f"删除脚注、尾注引用 {m[1]} 处（注释文字未导入）",
    ),
    (re.compile(r"(\d+) hidden runs dropped"), lambda m: f"删除隐藏文字 {m[1]} 处"),
    (re.compile(r"(\d+) text boxes or drawings skipped"), lambda m: f"跳过文本框或绘图 {m[1]} 个"),
    (re.compile(r"(\d+) comments dropped"), lambda m: f"删除批注 {m[1]} 条"),
    (re.compile(r"(\d+) bullet marks dropped"), lambda m: f"删除项目符号 {m[1]} 个"),
]

_LINE = re.compile(r"line (\d+): (.+)")


def note_zh(note: str) -> str:
    """A parse note in Chinese (faithful to the English; unknown notes are marked, not dropped)."""
    m = _LINE.fullmatch(note)
    if m:
        return f"第 {m[1]} 行：" + note_zh(m[2])
    for pat, fn in NOTE_PATTERNS:
        mm = pat.fullmatch(note)
        if mm:
            return fn(mm)  # type: ignore[operator]
    return "（未翻译）" + note


def edge_zh(typ: str) -> str:
    return EDGE_TYPES.get(typ, typ)


def rule_zh(rule: str | None) -> str:
    if not rule:
        return ""
    return RULES.get(rule, rule)
