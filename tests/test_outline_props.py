"""Property test: random outlines rendered to text (own-line or run-in headings, restart or
continuous numbering, boxes, tables one cell per line or tab-separated, 责任单位 notes, optional
PDF-like hard wrapping with page numbers) are parsed back by reflow + parse_outline."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.parse.outline import check_lossless, parse_outline
from kb.parse.reflow import reflow

CN = [
    "",
    "一",
    "二",
    "三",
    "四",
    "五",
    "六",
    "七",
    "八",
    "九",
    "十",
    "十一",
    "十二",
    "十三",
    "十四",
    "十五",
    "十六",
    "十七",
    "十八",
    "十九",
    "二十",
    "二十一",
    "二十二",
    "二十三",
    "二十四",
    "二十五",
    "二十六",
    "二十七",
    "二十八",
    "二十九",
    "三十",
]
CIRC = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
WORDS = [
    "加强",
    "推进",
    "体系",
    "建设",
    "完善",
    "机制",
    "服务",
    "创新",
    "保障",
    "数字",
    "绿色",
    "城市",
    "乡村",
    "治理",
    "能力",
    "提升",
    "发展",
    "文化",
    "生态",
    "安全",
    "管理",
    "统筹",
    "协同",
    "质量",
]
SCHEMES = [
    ("cn", "pcn"),
    ("cn", "pcn", "ar"),
    ("cn", "ar"),
    ("chap", "sect", "cn"),
    ("part", "cn", "pcn"),
    ("cn", "pcn", "ar", "par"),
    ("chap", "cn", "pcn", "circ"),
]
UNITS = ["区发展改革委", "区建设管理委", "区水务局", "各街镇", "区财政局"]


def cn(n):
    if n < len(CN):
        return CN[n]
    t, u = divmod(n, 10)
    return ("" if t == 1 else CN[t]) + "十" + (CN[u] if u else "")


def plain(style, n):
    if style in ("part", "chap", "sect", "cn", "pcn"):
        c = cn(n)
        return {"part": f"第{c}部分", "chap": f"第{c}章", "sect": f"第{c}节", "cn": c, "pcn": f"（{c}）"}[style]
    return {"ar": str(n), "par": f"（{n}）", "circ": CIRC[(n - 1) % 20]}[style]


def label(style, n, sep):
    return plain(style, n) + {"cn": "、", "ar": sep}.get(style, "")


@st.composite
def docs(draw):
    pdf = draw(st.booleans())
    scheme = draw(st.sampled_from(SCHEMES))
    continuous = draw(st.booleans())
    blank = draw(st.booleans()) and not pdf
    sep = draw(st.sampled_from([".", "．", "、"]))
    rnd = draw(st.randoms(use_true_random=False))

    def words(a, b):
        return "".join(rnd.choice(WORDS) for _ in range(rnd.randint(a, b)))

    def body():
        n = rnd.randint(6, 12) if pdf else rnd.randint(2, 5)
        return "，".join(words(3, 6) for _ in range(n)) + "。"

    expected = []  # (style, label, title)
    paras = []  # (text, kind) kind: head/prose/cell
    counters = {}
    resp = []
    boxes, tables = [], []
    n_box = n_tab = 0

    def gen(level, budget):
        nonlocal n_box, n_tab
        style = scheme[level]
        key = style if continuous or level == 0 else (style, len(expected))
        count = rnd.randint(1, 3) if level else rnd.randint(2, 3)
        if pdf:
            count = rnd.randint(2, 3)
        for _ in range(count):
            k = counters.get(key, 0) + 1
            counters[key] = k
            if style == "circ" and k > 20:
                return
            title = words(2, 4)
            leaf = level == len(scheme) - 1
            runin = style not in ("part", "chap", "sect") and (
                level > 0 and not pdf and rnd.random() < 0.4 or (leaf and rnd.random() < 0.5)
            )
            lab = label(style, k, sep)
            expected.append((style, plain(style, k), title))
            note = ""
            if leaf and rnd.random() < 0.3:
                us = rnd.sample(UNITS, rnd.randint(1, 3))
                note = "（责任单位：" + "、".join(us) + "）"
                resp.append(us)
            if runin:
                paras.append((f"{lab}{title}。{body()}{note}", "head"))
            else:
                paras.append((f"{lab}{title}", "head"))
                if leaf or rnd.random() < 0.5:
                    paras.append((body() + note, "prose"))
                elif note:
                    paras.append((body() + note, "prose"))
            if not leaf and budget > 0:
                gen(level + 1, budget - 1)
        if level == 0:
            return
        if level == 1 and rnd.random() < 0.3:
            n_box += 1
            m = rnd.randint(1, 3)
            paras.append((f"专栏{n_box} {words(2, 3)}", "head"))
            for e in range(1, m + 1):
                paras.append((f"{e}.{words(2, 3)}工程：{body()}", "prose"))
            boxes.append(m)
            if blank:
                paras.append(("本专栏以外的说明" + body(), "prose"))
        elif level == 1 and not pdf and rnd.random() < 0.3:
            n_tab += 1
            rows = rnd.randint(2, 4)
            if rnd.random() < 0.5:
                paras.append((f"表{n_tab} {words(2, 3)}主要目标", "cell"))
                for c in ("序号", "指标名称", "目标值", "属性"):
                    paras.append((c, "cell"))
                for r in range(1, rows + 1):
                    for c in (str(r), words(2, 3), f"{rnd.randint(2, 99)}%", rnd.choice(["约束性", "预期性"])):
                        paras.append((c, "cell"))
                tables.append((f"表{n_tab}", rows))
            else:
                key = words(1, 1) + "提升"
                lines = [f"“十四五”时期“{key}”指标\t", "具体指标\t发展目标"]
                lines += [f"{r}.{words(2, 3)}\t到2025年达到{rnd.randint(2, 99)}万人。" for r in range(1, rows + 1)]
                paras.append(("\n".join(lines), "tab"))
                tables.append((f"I:{key}", rows))
            paras.append(("表外正文" + body(), "prose"))

    gen(0, len(scheme))
    title = words(2, 3) + "规划"
    out = [title]
    for text, _kind in paras:
        out.append(text)
    if pdf:
        lines = []
        for text in out:
            if len(text) <= 30:
                lines.append(text)
            else:
                lines += [text[i : i + 30] for i in range(0, len(text), 30)]
        page, final = 1, []
        header = rnd.choice([None, title + "（征求意见稿）"])
        for i, ln in enumerate(lines):
            final.append(ln)
            if i % 25 == 24:
                final.append(str(page))
                if header:
                    final.append(header)
                page += 1
        text = "\n".join(final) + "\n"
    else:
        text = ("\n\n" if blank else "\n").join(out) + "\n"
    return dict(text=text, expected=expected, scheme=scheme, resp=resp, boxes=boxes, tables=tables, pdf=pdf)


def expected_kinds(scheme):
    numbered = [s for s in scheme if s != "part"]
    kinds = {}
    for i, s in enumerate(scheme):
        if s == "part":
            kinds[s] = "part"
        elif s == numbered[0]:
            kinds[s] = "chapter"
        elif i < len(scheme) - 1:
            kinds[s] = "section"
        else:
            kinds[s] = "item"
    return kinds


@settings(derandomize=True, max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(docs())
def test_random_outlines(d):
    rf = reflow(d["text"])
    assert rf.pdf_like == d["pdf"]
    if not d["pdf"]:
        assert rf.text == d["text"] and not rf.repairs
    o = parse_outline(rf.text)
    check_lossless(o, rf.text)
    heads = [
        n
        for n in o.nodes
        if n.kind in ("part", "chapter", "section", "item") and not any(a.kind == "box" for a in o.ancestors(n))
    ]
    got = [(n.kind, n.label, n.title) for n in heads]
    kinds = expected_kinds(d["scheme"])
    used = {s for s, _, _ in d["expected"]}
    # a style that never got a child in this draw is a leaf (item), not a section
    want = []
    for s, lab, title in d["expected"]:
        want.append((s, lab, title))
    exp = []
    for s, lab, title in want:
        k = kinds[s]
        if k == "section":
            below = d["scheme"][d["scheme"].index(s) + 1]
            if below not in used:
                k = "item"
        exp.append((k, lab, title))
    assert got == exp, [(a, b) for a, b in zip(got, exp) if a != b][:3]
    # boxes and their entries
    boxes = o.of_kind("box")
    assert [len([c for c in o.children(b.id) if c.kind == "item"]) for b in boxes] == d["boxes"]
    # tables and rows
    tables = o.of_kind("table")
    assert [(t.id, len(o.children(t.id))) for t in tables] == d["tables"]
    # responsible units
    notes = [n for n in o.nodes if n.resp_notes]
    assert sum(n.resp_notes for n in notes) == len(d["resp"])
    got_units = [[u["name"] for u in n.responsible] for n in notes]
    assert got_units == d["resp"]
    for n in notes:
        assert n.responsible[0]["role"] == "lead"
    ids = [n.id for n in o.nodes]
    assert len(ids) == len(set(ids))
