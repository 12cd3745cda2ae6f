"""Responsibility notes (责任单位/牵头单位…, ``（A牵头，B配合）``) and the unit names in them."""

from __future__ import annotations

import re

RESP_NOTE_RE = re.compile(
    r"[（(][ \u3000]*((?:责任单位|牵头单位|责任部门|牵头部门|主责单位|牵头考核单位|牵头)[：:][^（）()]*"
    r"(?:[（(][^（）()]*[）)][^（）()]*)*)[）)]"
    r"|[（(]([^（）()：:。]{2,120}?)牵头[，,、；;]?([^（）()：:。]{0,200}?)(?:配合|参与|负责)?[）)]"
)


# --------------------------------------------------------------------------- responsible units

_UNIT_SPLIT = re.compile(r"[、，,；;]")


_UNIT_TAIL = re.compile(r"等(?:相关|有关|其他)?(?:部门|单位)$")


def _split_units(s: str) -> list:
    """The names of a note; a closing 等相关部门 is not a name of its own (区绿化市容局等相关部门)."""
    names = (_UNIT_TAIL.sub("", u.strip(" \u3000。.")) for u in _UNIT_SPLIT.split(s))
    return [u for u in names if u]


_LEAD_LABEL = r"牵头单位|牵头部门|牵头考核单位|主责单位|牵头"
_PARTNER_LABEL = r"配合单位|协办单位|参与单位|配合部门|参与部门|协办部门"
_LABEL = re.compile(rf"({_LEAD_LABEL}|{_PARTNER_LABEL}|责任单位|责任部门)[：:]")


def _segments(spec: str) -> list[tuple[str, str]]:
    """(label kind, names) for each labelled part of a note: ``lead``, ``partner`` or ``resp``
    (责任单位, or no label at all)."""
    cuts = list(_LABEL.finditer(spec))
    out = [("resp", spec[: cuts[0].start()] if cuts else spec)]
    for i, m in enumerate(cuts):
        label = m.group(1)
        kind = (
            "lead" if re.fullmatch(_LEAD_LABEL, label) else "partner" if re.fullmatch(_PARTNER_LABEL, label) else "resp"
        )
        out.append((kind, spec[m.end() : cuts[i + 1].start() if i + 1 < len(cuts) else len(spec)]))
    return [(k, names) for k, names in out if names.strip(" \u3000。；;，,")]


def parse_units(spec: str) -> list:
    """``责任单位：A、B，C`` → A lead (the unit listed first), B and C partner; ``牵头单位：A、B；C``
    → A, B lead and C partner; ``牵头单位：A；配合单位：B`` (or ``责任单位：B``, as 湖北's notes
    write it) → A lead, B partner; ``责任单位：A；配合单位：B、C`` → A lead, B and C partner."""
    segs = _segments(spec.strip())
    named_lead = any(k == "lead" for k, _ in segs)
    labelled_rest = any(k != "lead" for k, _ in segs[1:])  # 牵头单位：A，B；配合单位：C — A and B lead
    out: list = []
    for kind, names in segs:
        groups = [g for g in re.split(r"[，,；;]", names) if g.strip(" \u3000。")]
        for gi, g in enumerate(groups):
            for u in _split_units(g):
                if kind == "lead":  # 牵头单位：A、B；C — the named leads, then partners
                    role = "lead" if gi == 0 or labelled_rest else "partner"
                elif kind == "resp" and not named_lead:  # 排在首位的为牵头单位
                    role = "partner" if any(o["role"] == "lead" for o in out) else "lead"
                else:
                    role = "partner"
                out.append({"name": u, "role": role})
    return out


# （A、B指导） / （A负责） / （A、B按职责分工负责） / （A指导，B参与）: the note of State Council
# task lists that names the bodies without 责任单位 or 牵头; read only when every name looks like
# a body (ends in 部, 委, 局, 行, 总社, 政府, 部门 …), so （以下简称…负责） prose is not a note.
DIRECTIVE_NOTE_RE = re.compile(
    r"[（(]([^（）()：:。，,；;]{2,200}?)(?:按职责分工|分别)?(?:指导|负责)"
    r"(?:[，,]([^（）()：:。，,；;]{2,200}?)(?:参与|配合))?[）)]"
)
_NOT_NAME = re.compile(r"[由在对将把向从的以]")  # a clause (（技工院校内由…负责）), not a list of names
_BODY_END = re.compile(r"(?:部|委|局|署|行|会|总社|社|院|办|厅|府|部门|单位|办公室|中心|集团|公司)$")


def _directive_units(s: str) -> list:
    units = _split_units(s)
    if units and all(len(u) <= 20 and _BODY_END.search(u) and not _NOT_NAME.search(u) for u in units):
        return units
    return []


def find_responsible(text: str) -> tuple:
    """(list of {name, role}, number of annotations, list of (start, end) note spans)."""
    units, count, spans = [], 0, []
    for m in RESP_NOTE_RE.finditer(text):
        if m.group(1):
            got = parse_units(m.group(1))
        else:
            got = [{"name": u, "role": "lead"} for u in _split_units(m.group(2))]
            got += [{"name": u, "role": "partner"} for u in _split_units(m.group(3) or "")]
        if got:
            units += got
            count += 1
            spans.append((m.start(), m.end()))
    for m in DIRECTIVE_NOTE_RE.finditer(text):
        if any(a <= m.start() < b for a, b in spans):
            continue
        lead = _directive_units(m.group(1))
        rest = _directive_units(m.group(2)) if m.group(2) else []
        if not lead or (m.group(2) and not rest):
            continue
        units += [{"name": u, "role": "lead" if i == 0 else "partner"} for i, u in enumerate(lead)]
        units += [{"name": u, "role": "partner"} for u in rest]
        count += 1
        spans.append((m.start(), m.end()))
    for m in re.finditer(
        r"(?:^|\n)[ \t\u3000]*((?:责任单位|牵头单位|责任部门|牵头部门|牵头考核单位)[：:][^\n]*)", text
    ):
        if any(a <= m.start(1) < b for a, b in spans):
            continue
        got = parse_units(m.group(1).rstrip("）)"))
        if got:
            units += got
            count += 1
            spans.append((m.start(1), m.end(1)))
    return units, count, spans
