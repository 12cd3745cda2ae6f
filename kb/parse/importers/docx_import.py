"""DOCX → text: body paragraphs and tables in document order, Word's automatic numbering printed.

Word's list numbering is read by :mod:`kb.parse.importers.docx_numbering`.
"""

from __future__ import annotations

from pathlib import Path

from kb.errors import KBError
from kb.parse.importers._common import Blocks, Imported, check_file, guess_meta, is_single_column
from kb.parse.importers.docx_numbering import Numbering, W, _tag, _val, format_number

__all__ = ["Numbering", "format_number", "import_docx"]


# --- reading ------------------------------------------------------------------------------------

_SKIP_IN_RUN = {"delText", "instrText", "delInstrText", "fldChar", "rPr", "lastRenderedPageBreak"}


class _Reader:
    def __init__(self, numbering: Numbering):
        self.num = numbering
        self.footnotes = 0
        self.endnotes = 0
        self.hidden = 0
        self.textboxes = 0
        self.comments = 0

    def paragraph_text(self, p_el) -> str:
        parts: list[str] = []
        self._collect(p_el, parts)
        text = "".join(parts)
        label = self.num.label(p_el)
        return label + text.lstrip(" \u3000") if label else text

    def _collect(self, el, parts: list[str]):
        for child in el:
            t = _tag(child)
            if t == "r":
                rpr = child.find(W + "rPr")
                if rpr is not None and (rpr.find(W + "vanish") is not None or rpr.find(W + "specVanish") is not None):
                    v = rpr.find(W + "vanish")
                    if v is None or _val(v) not in ("0", "false"):
                        self.hidden += 1
                        continue
                for rc in child:
                    rt = _tag(rc)
                    if rt == "t":
                        parts.append(rc.text or "")
                    elif rt in ("tab", "ptab"):
                        parts.append(" ")
                    elif rt in ("br", "cr"):
                        if _val(rc, "type") not in ("page", "column"):
                            parts.append("\n")
                    elif rt == "noBreakHyphen":
                        parts.append("-")
                    elif rt == "sym":
                        ch = _val(rc, "char")
                        try:
                            c = chr(int(ch, 16))
                            if not (0xF000 <= ord(c) <= 0xF0FF):
                                parts.append(c)
                        except (TypeError, ValueError):
                            pass
                    elif rt == "footnoteReference":
                        self.footnotes += 1
                    elif rt == "endnoteReference":
                        self.endnotes += 1
                    elif rt == "commentReference":
                        self.comments += 1
                    elif rt in ("drawing", "pict", "AlternateContent"):
                        if any(_tag(x) == "txbxContent" for x in rc.iter()):
                            self.textboxes += 1
            elif t in (
                "hyperlink",
                "ins",
                "smartTag",
                "fldSimple",
                "customXml",
                "sdtContent",
                "sdt",
                "moveTo",
                "bdo",
                "dir",
            ):
                self._collect(child, parts)
            # w:del, w:moveFrom, w:pPr, bookmarks, proofing marks: nothing printed

    def cell_text(self, tc) -> str:
        pieces = []
        for el in self._blocks_of(tc):
            if _tag(el) == "p":
                pieces.append(self.paragraph_text(el))
            elif _tag(el) == "tbl":
                for row in self.table_rows(el):
                    pieces.append(" ".join(c for c in row if c))
        return " ".join(p.replace("\n", " ").strip() for p in pieces if p.strip())

    def _blocks_of(self, el):
        for child in el:
            t = _tag(child)
            if t in ("p", "tbl"):
                yield child
            elif t in ("sdt", "sdtContent", "customXml", "ins", "moveTo"):
                yield from self._blocks_of(child)

    def table_rows(self, tbl) -> list[list[str]]:
        rows: list[list[str]] = []
        for tr in self._rows_of(tbl):
            row: list[str] = []
            trpr = tr.find(W + "trPr")
            before = trpr.find(W + "gridBefore") if trpr is not None else None
            if before is not None:
                row.extend([""] * int(_val(before) or 0))
            for tc in self._cells_of(tr):
                tcpr = tc.find(W + "tcPr")
                span = 1
                cont = False
                if tcpr is not None:
                    gs = tcpr.find(W + "gridSpan")
                    if gs is not None:
                        span = max(1, int(_val(gs) or 1))
                    vm = tcpr.find(W + "vMerge")
                    if vm is not None and _val(vm) in (None, "continue"):
                        cont = True
                    hm = tcpr.find(W + "hMerge")
                    if hm is not None and _val(hm) in (None, "continue"):
                        cont = True
                row.append("" if cont else self.cell_text(tc))
                row.extend([""] * (span - 1))
            rows.append(row)
        return rows

    def _rows_of(self, tbl):
        return self._children(tbl, "tr")

    def _cells_of(self, tr):
        return self._children(tr, "tc")

    def _children(self, el, tag: str):
        """``el``'s children with ``tag``, also those wrapped in content controls and revisions."""
        for child in el:
            t = _tag(child)
            if t == tag:
                yield child
            elif t in ("sdt", "sdtContent", "customXml", "ins"):
                yield from self._children(child, tag)


def import_docx(path) -> Imported:
    p = check_file(path)
    try:
        import docx  # python-docx
        from docx.opc.constants import RELATIONSHIP_TYPE as RT
    except ImportError:  # pragma: no cover - a dependency
        raise KBError(f"{p}: reading .docx needs python-docx (pip install python-docx)") from None
    try:
        document = docx.Document(str(p))
    except Exception as e:  # zip, XML or package errors all mean the same to the user
        raise KBError(f"{p}: not a readable .docx file ({type(e).__name__}: {str(e)[:80] or 'corrupt'})") from None
    try:
        return _read(p, document, RT)
    except KBError:
        raise
    except Exception as e:
        raise KBError(f"{p}: cannot read this .docx file ({type(e).__name__}: {str(e)[:80]})") from None


def _read(p: Path, document, RT) -> Imported:
    try:
        numbering_el = document.part.part_related_by(RT.NUMBERING).element
    except (KeyError, NotImplementedError, AttributeError):
        numbering_el = None
    try:
        styles_el = document.part.part_related_by(RT.STYLES).element
    except (KeyError, NotImplementedError, AttributeError):
        styles_el = None
    numbering = Numbering(numbering_el, styles_el)
    reader = _Reader(numbering)
    style_names = {}
    if styles_el is not None:
        for st in styles_el.findall(W + "style"):
            name = st.find(W + "name")
            style_names[_val(st, "styleId")] = (_val(name) or "") if name is not None else ""

    out = Blocks()
    title_para = None
    headings = 0
    boxes = 0

    def walk(container):
        nonlocal title_para, headings, boxes
        for el in reader._blocks_of(container):
            if _tag(el) == "p":
                ppr = el.find(W + "pPr")
                style = _val(ppr.find(W + "pStyle")) if ppr is not None else None
                sname = style_names.get(style, style or "").lower()
                text = reader.paragraph_text(el)
                if not text.strip():
                    continue
                if sname == "title" or sname.startswith("title"):
                    title_para = title_para or text.strip()
                elif sname.startswith("heading") or sname.startswith("标题"):
                    headings += 1
                out.para(text)
            else:
                rows = reader.table_rows(el)
                if is_single_column(rows):
                    boxes += 1
                    for tr in reader._rows_of(el):
                        for tc in reader._cells_of(tr):
                            walk(tc)
                else:
                    out.table(rows)

    walk(document.element.body)
    if not out.blocks:
        raise KBError(f"{p}: the .docx file has no text")

    notes = [f"docx: {len(out.blocks)} blocks, {headings} headings (heading styles)"]
    if numbering.labelled:
        notes.append(f"{numbering.labelled} paragraphs numbered by Word's list numbering; numbers rendered as printed")
    if out.tables:
        notes.append(f"{out.tables} tables ({out.table_rows} rows) as TAB-separated rows; merged cells left empty")
    if boxes:
        notes.append(f"{boxes} one-column tables (专栏 boxes) read as paragraphs")
    if reader.footnotes or reader.endnotes:
        notes.append(
            f"{reader.footnotes + reader.endnotes} footnote/endnote references dropped "
            f"(the notes' text is not imported)"
        )
    if reader.hidden:
        notes.append(f"{reader.hidden} hidden runs dropped")
    if reader.textboxes:
        notes.append(f"{reader.textboxes} text boxes or drawings skipped")
    if reader.comments:
        notes.append(f"{reader.comments} comments dropped")
    if numbering.bullets:
        notes.append(f"{numbering.bullets} bullet marks dropped")

    cp = document.core_properties
    meta = {}
    if title_para:
        meta["title"] = title_para
    elif (cp.title or "").strip():
        meta["title"] = cp.title.strip()
    meta = guess_meta(out.lines(), meta)
    return Imported(text=out.text(), meta=meta, notes=notes, format="docx")
