"""HTML → text: the article body of a gov.cn-style page, without navigation, share buttons or footer."""

from __future__ import annotations

import re
from pathlib import Path

from kb.errors import KBError
from kb.parse.importers._common import (
    Blocks,
    Imported,
    check_file,
    cjk_count,
    clean_line,
    doc_number,
    guess_meta,
    is_single_column,
    iso_date,
    read_bytes,
)

# article containers used by gov.cn and the provincial / municipal site generators (TRS, UCAP, …)
BODY_SELECTORS = [
    "#UCAP-CONTENT",
    ".pages_content",
    ".TRS_Editor",
    ".TRS_UEDITOR",
    "#zoom",
    ".zoom",
    ".article-content",
    ".article_content",
    ".articleContent",
    "#articleContent",
    ".view.TRS_UEDITOR",
    ".xxgk_content",
    ".content_text",
    ".con_text",
    "#content_text",
    ".article",
    "article",
    "#content",
    ".content",
    "main",
]
DROP_TAGS = (
    "script, style, noscript, iframe, nav, header, footer, form, button, select, input, textarea, "
    "object, embed, svg, canvas, template, map, audio, video"
)
JUNK = re.compile(
    r"share|bdshare|fenxiang|bshare|jiathis|print|toolbar|tool-bar|breadcrumb|crumb|"
    r"position|location|nav|menu|footer|top-bar|topbar|related|xgwj|pager|"
    r"pagination|qrcode|erweima|ewm|fontsize|font-size|zihao|comment|sidebar|side-bar|"
    r"advert|banner|(?<![a-z])ad(?![a-z])",
    re.I,
)
BLOCK = {
    "p",
    "div",
    "section",
    "article",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "dd",
    "dt",
    "dl",
    "blockquote",
    "center",
    "pre",
    "tr",
    "ul",
    "ol",
    "address",
    "figure",
    "figcaption",
    "caption",
    "main",
    "aside",
    "hr",
    "tbody",
    "thead",
    "tfoot",
    "fieldset",
    "legend",
    "details",
    "summary",
}
_META_LABELS = {
    "title": ("标题", "名称", "文件名称", "标 题", "名 称"),
    "issuer": ("发文机关", "发布机构", "发文单位", "发布单位", "制发机关", "来源", "信息来源"),
    "doc_number": ("发文字号", "文号", "发文号"),
    "date": ("成文日期", "发文日期", "印发日期", "签发日期"),
    "published": ("发布日期", "公开日期", "发布时间"),
}


def _parser(html: str):
    try:
        from selectolax.lexbor import LexborHTMLParser
    except ImportError:  # older selectolax
        from selectolax.parser import HTMLParser  # type: ignore[attr-defined]

        return HTMLParser(html)
    return LexborHTMLParser(html)


def _decode(raw: bytes, p: Path) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace")
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return raw.decode("utf-16", errors="replace")
    head = raw[:4096].decode("ascii", errors="ignore")
    m = re.search(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", head, re.I)
    declared = m.group(1).lower() if m else ""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if declared in ("gb2312", "gbk", "gb18030", "x-gbk", "euc-cn", "") or declared.startswith("gb"):
        return raw.decode("gb18030", errors="replace")
    if declared == "big5":
        return raw.decode("big5", errors="replace")
    try:
        return raw.decode(declared, errors="replace")
    except LookupError:
        return raw.decode("gb18030", errors="replace")


def _attrs(node) -> str:
    a = node.attributes or {}
    return f"{a.get('id') or ''} {a.get('class') or ''}"


class _Writer:
    """Walks an element and writes lines: block elements and <br> end a line, tables become rows."""

    def __init__(self):
        self.out = Blocks()
        self.cur: list[str] = []
        self.boxes = 0
        self.dropped = 0

    def flush(self):
        if self.cur:
            text = "".join(self.cur)
            self.cur = []
            self.out.para(text)

    def walk(self, node, ol_state=None):
        for child in node.iter(include_text=True):
            tag = child.tag
            if tag == "-text":
                t = child.text(deep=False) or ""
                t = re.sub(r"[ \t\r\n\f]+", " ", t)
                self.cur.append(t)
                continue
            if tag in ("-comment", "!doctype") or not isinstance(tag, str) or tag.startswith("-"):
                continue
            if tag in ("script", "style", "noscript", "template", "button", "select", "input", "textarea"):
                continue
            if tag != "table" and JUNK.search(_attrs(child)) and cjk_count(child.text() or "") < 200:
                self.dropped += 1
                continue
            style = ((child.attributes or {}).get("style") or "").replace(" ", "").lower()
            if "display:none" in style or "visibility:hidden" in style:
                continue
            if tag == "br":
                self.cur.append("\n")
            elif tag == "table":
                self.flush()
                self.table(child)
            elif tag in ("ol", "ul"):
                self.flush()
                self.list(child)
            elif tag in BLOCK:
                self.flush()
                self.walk(child)
                self.flush()
            elif tag == "img":
                continue
            else:
                self.walk(child)

    def list(self, node):
        a = node.attributes or {}
        ordered = node.tag == "ol"
        try:
            n = int(a.get("start") or 1)
        except ValueError:
            n = 1
        kind = a.get("type") or "1"
        for li in node.iter():
            if li.tag != "li":
                self.walk_one(li)
                continue
            la = li.attributes or {}
            if ordered and la.get("value"):
                try:
                    n = int(la["value"])
                except ValueError:
                    pass
            if ordered:
                from kb.parse.importers.docx_import import format_number

                fmt = {
                    "1": "decimal",
                    "a": "lowerLetter",
                    "A": "upperLetter",
                    "i": "lowerRoman",
                    "I": "upperRoman",
                }.get(kind, "decimal")
                self.cur.append(f"{format_number(n, fmt)}. ")
                n += 1
            self.walk(li)
            self.flush()

    def walk_one(self, node):
        self.flush()
        self.walk(node)
        self.flush()

    def table(self, node):
        rows = _table_rows(node)
        if is_single_column(rows):
            self.boxes += 1
            for cell in node.css("td, th"):
                if _own_table(cell, node):
                    self.walk_one(cell)
        else:
            self.out.table(rows)


def _own_table(cell, table) -> bool:
    p = cell.parent
    while p is not None and p.tag != "table":
        p = p.parent
    return p is not None and p.mem_id == table.mem_id


def _cell_text(cell) -> str:
    w = _Writer()
    w.walk(cell)
    w.flush()
    return " ".join(w.out.lines()).replace("\t", " ")


def _table_rows(table) -> list[list[str]]:
    rows: list[list[str]] = []
    pending: dict[int, int] = {}  # column → rows still covered by a rowspan from above
    for tr in table.css("tr"):
        # rows of nested tables belong to their own table
        p = tr.parent
        while p is not None and p.tag != "table":
            p = p.parent
        if p is None or p.mem_id != table.mem_id:
            continue
        row: list[str] = []
        col = 0

        def skip_covered():
            nonlocal col
            while pending.get(col, 0) > 0:
                row.append("")
                pending[col] -= 1
                col += 1

        for cell in tr.iter():
            if cell.tag not in ("td", "th"):
                continue
            skip_covered()
            a = cell.attributes or {}
            try:
                cs = max(1, min(50, int(a.get("colspan") or 1)))
            except ValueError:
                cs = 1
            try:
                rs = max(1, min(500, int(a.get("rowspan") or 1)))
            except ValueError:
                rs = 1
            row.append(_cell_text(cell))
            row.extend([""] * (cs - 1))
            for c in range(col, col + cs):
                if rs > 1:
                    pending[c] = rs - 1
            col += cs
        skip_covered()
        rows.append(row)
    return rows


def _find_body(tree):
    for sel in BODY_SELECTORS:
        try:
            nodes = tree.css(sel)
        except Exception:
            continue
        best = max(nodes, key=lambda n: cjk_count(n.text() or ""), default=None)
        if best is not None and cjk_count(best.text() or "") >= 20:
            return best, sel
    # the element whose own paragraphs hold the most CJK text
    best, best_score = None, 0
    for node in tree.css("div, td, section, article, main, body"):
        if JUNK.search(_attrs(node)):
            continue
        score = 0
        for child in node.iter(include_text=True):
            if child.tag == "-text":
                score += cjk_count(child.text(deep=False) or "")
            elif child.tag in (
                "p",
                "h1",
                "h2",
                "h3",
                "h4",
                "h5",
                "h6",
                "span",
                "font",
                "strong",
                "b",
                "table",
                "center",
                "br",
                "ol",
                "ul",
                "blockquote",
            ):
                score += cjk_count(child.text() or "")
        if score > best_score:
            best, best_score = node, score
    return best, "most CJK text"


def _label_value(tree) -> dict:
    """Metadata from an info table: cells such as 发文字号：｜国发〔2021〕29号."""
    found: dict = {}
    for node in tree.css("td, th, li, span, p, div, dt, b, strong, label"):
        own = clean_line(node.text() or "")
        if not own or len(own) > 60:
            continue
        key = own.replace(" ", "").replace("\u3000", "")
        for field_name, labels in _META_LABELS.items():
            if field_name in found:
                continue
            for lab in labels:
                lab = lab.replace(" ", "")
                if key.startswith(lab + "：") or key.startswith(lab + ":"):
                    val = key[len(lab) + 1 :].strip()
                    if val:
                        found[field_name] = val
                    else:
                        nxt = node.next
                        while nxt is not None and nxt.tag == "-text" and not (nxt.text(deep=False) or "").strip():
                            nxt = nxt.next
                        if nxt is not None:
                            v = clean_line(nxt.text() or "")
                            if v and len(v) <= 100:
                                found[field_name] = v
                    break
                if key == lab:
                    nxt = node.next
                    while nxt is not None and nxt.tag == "-text" and not (nxt.text(deep=False) or "").strip():
                        nxt = nxt.next
                    if nxt is not None:
                        v = clean_line(nxt.text() or "").lstrip("：:")
                        if v and len(v) <= 100:
                            found[field_name] = v
                    break
    return found


def import_html(path) -> Imported:
    p = check_file(path)
    raw = read_bytes(p)
    html = _decode(raw, p)
    if "\x00" in html[:1000]:
        raise KBError(f"{p}: not an HTML file (binary content)")
    try:
        tree = _parser(html)
    except Exception as e:
        raise KBError(f"{p}: cannot parse the HTML ({type(e).__name__})") from None
    if tree.body is None or cjk_count(tree.body.text() or "") + len((tree.body.text() or "").strip()) == 0:
        raise KBError(f"{p}: the HTML page has no body text")

    meta: dict = {}
    for name, key in (
        ("ArticleTitle", "title"),
        ("ContentSource", "issuer"),
        ("PubDate", "published"),
        ("firstpublishedtime", "published"),
        ("dc.title", "title"),
        ("og:title", "title"),
    ):
        node = tree.css_first(f'meta[name="{name}"], meta[property="{name}"]')
        if node is not None and (node.attributes or {}).get("content"):
            meta.setdefault(key, clean_line(node.attributes["content"]))
    info = _label_value(tree)
    for k, v in info.items():
        if k == "title":
            meta["title"] = v  # the info table's 标题 is the full official title
        else:
            meta.setdefault(k, v)
    if "doc_number" in meta:
        meta["doc_number"] = doc_number(meta["doc_number"]) or meta["doc_number"]
    for k in ("date", "published"):
        if k in meta:
            meta[k] = iso_date(meta[k]) or meta[k]
    h1 = tree.css_first("h1")
    h1_text = clean_line(h1.text() or "") if h1 is not None else ""
    if not meta.get("title"):
        t = tree.css_first("title")
        if h1_text:
            meta["title"] = h1_text
        elif t is not None and clean_line(t.text() or ""):
            meta["title"] = re.split(r"\s*[_|｜]\s*", clean_line(t.text()))[0]

    for node in tree.css(DROP_TAGS):
        node.decompose()
    body, how = _find_body(tree)
    if body is None:
        raise KBError(f"{p}: no article text found in the HTML page")
    w = _Writer()
    w.walk_one(body)
    if not w.out.blocks:
        raise KBError(f"{p}: the HTML page has no article text")
    notes = [f"html: article body found by {how}; {len(w.out.blocks)} blocks"]
    # the article title printed above the body (the info table's 标题 or the page's <h1>)
    heading = info.get("title") or (h1_text if cjk_count(h1_text) >= 4 else "")
    first = "".join(w.out.lines()[:3]).replace(" ", "")
    if heading and heading.replace(" ", "") not in first:
        w.out.blocks.insert(0, [heading])
        notes.append("the page title (outside the article body) put as the first line")
    if w.out.tables:
        notes.append(
            f"{w.out.tables} tables ({w.out.table_rows} rows) as TAB-separated rows; "
            f"cells covered by colspan/rowspan left empty"
        )
    if w.boxes:
        notes.append(f"{w.boxes} one-column tables (专栏 boxes) read as paragraphs")
    if w.dropped:
        notes.append(f"{w.dropped} share/navigation/footer elements inside the body dropped")
    meta = guess_meta(w.out.lines(), meta)
    if meta.get("published") and not meta.get("date"):
        meta["date"] = meta["published"]
    return Imported(text=w.out.text(), meta=meta, notes=notes, format="html")
