"""The static site on the real corpus and on a hostile one: links, pages, safety, determinism.

The browser tests (tests/test_site_browser.py) import the KB builders from here.
"""

from __future__ import annotations

import functools
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from kb.model import KB, Edge, Entity, Mention, Target

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus" / "acftu-14th-fyp-part2.txt"

HOSTILE_TEXT = """“十四五”时期工会“<script>alert(1)</script>”指标\t
具体指标\t发展目标
1.<img src=x onerror=alert(1)>\t到2025年底,达到100家**以上**|x|。

五、<script>alert(1)</script>，"><img src=x onerror=alert(1)>

14. <script>alert(1)</script>。**“十四五”**时期 [x](javascript:alert(1)) a|b|c "><img src=x onerror=alert(1)> <a href="javascript:alert(1)">点我</a>;{@0}x{@/0} \\ &amp; &lt;b&gt; <!-- c -->。

15. 正常任务。农民工[链接](http://example.com)与`code`和# 标题以及> 引用。
"""
EVIL = "<script>alert(1)</script>"
EVIL_IMG = '"><img src=x onerror=alert(1)>'


@functools.lru_cache(maxsize=1)
def seed_kb() -> KB:
    from kb.build import make_kb

    return make_kb([CORPUS])


def hostile_kb() -> KB:
    """The hostile text parsed, plus entities, mentions, a target and an edge that carry it."""
    from kb.parse.text import parse_text

    doc = parse_text(HOSTILE_TEXT, doc_id="hostile", source="hostile<b>.txt", title=EVIL + "规划")
    t14, _t15 = doc.tasks[0], doc.tasks[1]
    s = t14.text.index(EVIL)
    sid = next(x.id for x in t14.sentences if x.start <= s < x.end)
    bad = Entity(
        id=f"GROUP:{EVIL}",
        type="GROUP",
        name=EVIL,
        aliases=[EVIL_IMG],
        broader=["ACTOR:javascript:alert(1)"],
        units=["T14"],
    )
    js = Entity(id="ACTOR:javascript:alert(1)", type="ACTOR", name="javascript:alert(1)", units=["T14"])
    t14.mentions = [
        Mention(entity=bad.id, text=EVIL, sentence=sid, start=s, end=s + len(EVIL), role=EVIL),
        Mention(entity=js.id, text="script", sentence=sid, start=s + 1, end=s + 7),
    ]
    t14.targets = [
        Target(text=EVIL, value=100.0, unit=EVIL_IMG, qualifier="**", period="[x](y)", deadline=2025, sentence=sid)
    ]
    edge = Edge(
        source="T15",
        target="T14",
        type="depends_on",
        evidence={"unit": "T15", "sentence": "T15.s2", "text": EVIL_IMG},
        rule=EVIL,
    )
    rel = Edge(source="T14", target="T15", type="related", weight=0.5, evidence={"text": EVIL})
    return KB(documents=[doc], entities=[bad, js], edges=[edge, rel])


# ---------------------------------------------------------------------- a small HTML reader


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.dup_ids: list[str] = []
        self.refs: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        d = dict(attrs)
        self.tags.append((tag, d))
        if "id" in d:
            if d["id"] in self.ids:
                self.dup_ids.append(d["id"])
            self.ids.add(d["id"])
        for a in ("href", "src", "action", "data", "poster", "srcset", "xlink:href"):
            if a in d and d[a] is not None:
                self.refs.append((tag, a, d[a]))


@functools.cache
def _parse(path: Path) -> _Collect:
    c = _Collect()
    c.feed(path.read_text(encoding="utf-8"))
    return c


def visible_text(html: str) -> str:
    """The text a reader sees in <main>, without the small sentence-number links."""
    import html as htmlmod

    body = html[html.index("<main>") : html.index("</main>")]
    body = re.sub(r'<a href="[^"]*" class="sa"[^>]*>[^<]*</a>', "", body)
    return htmlmod.unescape(re.sub(r"<[^>]+>", "", body))


def check_links(site: Path) -> list[str]:
    """Every internal href/src names a file of the site and, with #anchor, an element id in it."""
    problems = []
    pages = sorted(site.rglob("*.html"))
    assert pages
    for page in pages:
        if _parse(page).dup_ids:
            problems.append(f"{page.name}: repeated ids {_parse(page).dup_ids[:3]}")
        for _tag, attr, value in _parse(page).refs:
            parts = urlsplit(value)
            if parts.scheme or parts.netloc or value.startswith("//"):
                problems.append(f"{page.name}: external {attr}={value!r}")
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if not target.is_file() or site.resolve() not in target.parents:
                problems.append(f"{page.name}: {attr}={value!r} names no file")
                continue
            if parts.fragment and target.suffix == ".html" and parts.fragment not in _parse(target).ids:
                problems.append(f"{page.name}: {value!r}: no id {parts.fragment!r} in {target.name}")
    for css in site.rglob("*.css"):
        for m in re.finditer(r"url\(([^)]*)\)|@import", css.read_text(encoding="utf-8")):
            problems.append(f"{css.name}: references {m.group(0)!r}")
    for js in site.rglob("*.js"):
        src = js.read_text(encoding="utf-8")
        if (
            js.name != "search-index.js"
            and js.parent.name != "search"
            and re.search(r"fetch\(|XMLHttpRequest|https?://|import\(", src)
        ):
            problems.append(f"{js.name}: may load something")
    return problems


# ---------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def seed_site(tmp_path_factory):
    from kb.site.build import write_site

    folder = tmp_path_factory.mktemp("site") / "site"
    write_site(seed_kb(), folder)
    return folder


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    from kb.site.build import write_site

    folder = tmp_path_factory.mktemp("hostile") / "site"
    write_site(hostile_kb(), folder)
    return folder


# ---------------------------------------------------------------------- tests


def test_every_internal_link_resolves_and_nothing_is_external(seed_site):
    assert check_links(seed_site) == []


def test_hostile_site_links_resolve_too(hostile_site):
    assert check_links(hostile_site) == []


def test_every_task_row_entity_and_chapter_has_a_page(seed_site, seed_gold):
    from kb.site.naming import chapter_file, entity_file
    from kb.site.pages import Site

    kb = seed_kb()
    site = Site(kb)
    doc = kb.documents[0]
    assert doc.tasks and len(doc.tasks) == len(seed_gold["tasks"])
    for t in doc.tasks:
        page = seed_site / f"{t.id}.html"
        assert page.is_file(), t.id
        ids = _parse(page).ids
        for s in t.sentences:  # T17.s3 -> T17.html#s3
            assert s.id.split(".")[-1] in ids, s.id
    rows = [r for tb in doc.indicator_tables for r in tb.rows]
    assert rows and len(rows) == sum(len(t["rows"]) for t in seed_gold["indicator_tables"])
    for r in rows:
        page = seed_site / site.units[r.id].file
        assert page.is_file() and r.name in page.read_text(encoding="utf-8")
    for c in doc.chapters:
        assert (seed_site / chapter_file(c.id)).is_file()
    for e in kb.entities:
        assert (seed_site / entity_file(e.id)).is_file(), e.id
    for name in ["index.html", "indicators.html", "targets.html", "graph.html", "entities.html"]:
        assert (seed_site / name).is_file()


def test_entity_pages_list_exactly_the_units_that_mention_them(seed_site):
    """The backlinks of an entity page are Entity.units, the list `kb mentions` answers from."""
    from kb.site.naming import entity_file

    kb = seed_kb()
    if not kb.entities:
        pytest.skip("extraction has not produced entities in this tree yet")
    for e in kb.entities:
        tags = _parse(seed_site / entity_file(e.id)).tags
        listed = [d["data-unit"] for t, d in tags if d.get("class") == "backlink"]
        assert listed == list(dict.fromkeys(e.units)), e.id


def test_hostile_entity_page_lists_its_units(hostile_site):
    from kb.site.naming import entity_file

    kb = hostile_kb()
    for e in kb.entities:
        tags = _parse(hostile_site / entity_file(e.id)).tags
        assert [d["data-unit"] for t, d in tags if d.get("class") == "backlink"] == e.units


def test_hostile_text_is_escaped_everywhere(hostile_site):
    for page in sorted(hostile_site.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        c = _parse(page)
        assert [t for t, _ in c.tags if t in ("img", "iframe", "object", "embed")] == [], page.name
        scripts = [d.get("src") for t, d in c.tags if t == "script"]
        assert all(s and s.startswith("assets/") for s in scripts), (page.name, scripts)
        for tag, d in c.tags:
            for k, v in d.items():
                assert not k.startswith("on"), (page.name, tag, k)
                if k in ("href", "src"):
                    assert "javascript" not in (v or "").lower(), (page.name, v)
        assert "<script>alert" not in html and "<img src=x" not in html, page.name
        assert '<a href="javascript' not in html
    task = visible_text((hostile_site / "T14.html").read_text(encoding="utf-8"))
    # Markdown syntax and HTML in the corpus show literally, every character of it
    assert hostile_kb().documents[0].tasks[0].text in task
    assert "**“十四五”**时期 [x](javascript:alert(1)) a|b|c" in task
    t15 = visible_text((hostile_site / "T15.html").read_text(encoding="utf-8"))
    assert "[链接](http://example.com)与`code`和# 标题以及> 引用" in t15
    index_js = (hostile_site / "assets" / "search-index.js").read_text(encoding="utf-8")
    assert index_js.startswith("/*") and "window.KB_INDEX = {" in index_js
    shards = sorted((hostile_site / "assets" / "search").glob("*.js"))
    assert len(shards) == 1
    shard = shards[0].read_text(encoding="utf-8")
    assert shard.startswith("/*") and "(window.KB_SHARDS = window.KB_SHARDS || {})[" in shard
    assert read_index(hostile_site)[1][0]["units"]  # data only: the payload is plain JSON


def test_every_page_has_lang_csp_and_one_stylesheet(seed_site):
    for page in sorted(seed_site.glob("*.html")):
        html = page.read_text(encoding="utf-8")
        assert '<html lang="zh-CN">' in html
        assert "Content-Security-Policy" in html and "default-src 'none'" in html
        links = [d for t, d in _parse(page).tags if t == "link" and d.get("rel") == "stylesheet"]
        assert [d["href"] for d in links] == ["assets/site.css"]
    css = (seed_site / "assets" / "site.css").read_text(encoding="utf-8")
    assert "Noto Sans CJK SC" in css and "PingFang SC" in css and "@media print" in css


def test_commonmark_traps(seed_site):
    """Emphasis next to Chinese quotes is not attempted: the text keeps its characters; ids are ASCII."""
    for page in seed_site.rglob("*"):
        assert page.name.isascii(), page.name
    for page in sorted(seed_site.glob("*.html")):
        for _tag, d in _parse(page).tags:
            if "id" in d:
                assert d["id"].isascii(), (page.name, d["id"])
    text = visible_text((seed_site / "T14.html").read_text(encoding="utf-8"))
    assert "“京津冀冀跨区域招聘”" in text  # as written, typo kept


def test_task_pages_have_previous_and_next(seed_site):
    doc = seed_kb().documents[0]
    ids = [t.id for t in doc.tasks]
    for i, tid in enumerate(ids):
        refs = [v for _, a, v in _parse(seed_site / f"{tid}.html").refs if a == "href"]
        if i:
            assert f"{ids[i - 1]}.html" in refs
        if i + 1 < len(ids):
            assert f"{ids[i + 1]}.html" in refs


def test_task_text_is_shown_in_full(seed_site):
    """Each task page holds its whole text: sentence spans concatenate to Task.text."""
    for t in seed_kb().documents[0].tasks:
        src = (seed_site / f"{t.id}.html").read_text(encoding="utf-8")
        body = src[src.index('<span class="utext">') :]
        body = body[: body.index("</p>")]
        assert visible_text("<main>" + body + "</main>") == t.text, t.id


def test_rebuild_is_byte_identical(tmp_path):
    from kb.site.build import write_site

    a, b = tmp_path / "a", tmp_path / "b"
    write_site(seed_kb(), a)
    write_site(seed_kb(), b)
    fa = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    fb = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert fa == fb
    for rel in fa:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


def test_graph_page_is_a_static_svg_linking_tasks(seed_site):
    html = (seed_site / "graph.html").read_text(encoding="utf-8")
    assert "<svg" in html and "</svg>" in html
    tags = _parse(seed_site / "graph.html").tags
    nodes = [d["href"] for t, d in tags if t == "a" and "gnode" in (d.get("class") or "")]
    assert sorted(nodes) == sorted(f"{t.id}.html" for t in seed_kb().documents[0].tasks)
    assert "依赖" in html and "相关" in html  # legend


def read_index(site: Path) -> tuple[dict, list[dict]]:
    """The manifest and the shards (in its order) of a written site."""
    import json

    def data(path):
        src = path.read_text(encoding="utf-8")
        return json.loads(
            src[src.index("] = ") + 4 if "KB_SHARDS" in src else src.index("=") + 1 :].strip().rstrip(";")
        )

    manifest = data(site / "assets" / "search-index.js")
    return manifest, [data(site / "assets" / src) for _, src in manifest["shards"]]


def test_search_index_holds_every_unit_once(seed_site):
    from kb.site.searchindex import normalize, t2s_table

    manifest, shards = read_index(seed_site)
    assert len(shards) == 1 and manifest["shards"][0][1].startswith("search/")
    data = shards[0]
    table = t2s_table()
    assert table.get("勞") == "劳" and manifest["t2s"] == "".join(a + b for a, b in sorted(table.items()))
    for u in data["units"]:
        assert len(normalize(u[3], table)) == len(u[3])  # offsets in the normalised text hold
    assert set(data) == {"v", "units"}  # no postings: search.js scans the texts
    ids = [u[0] for u in data["units"]]
    kb = seed_kb()
    units = [u.id for d in kb.documents for u in d.units()]
    assert sorted(ids) == sorted(units)  # one entry per unit, tasks and indicator rows alike


def test_site_has_a_page_per_unit_and_chapter(tmp_path):
    """Every task, chapter and indicator table of the seed gets its page (timing lives in scripts/bench.py)."""
    from kb.site.build import write_site

    kb = seed_kb()
    write_site(kb, tmp_path / "site")
    names = {p.name for p in (tmp_path / "site").rglob("*.html")}
    doc = kb.documents[0]
    assert all(f"{t.id}.html" in names for t in doc.tasks), sorted(names)[:20]


def test_two_documents_keep_their_own_pages(tmp_path):
    """Task ids repeat across documents (both have T14): pages are per document, links resolve."""
    from kb.build import make_kb
    from kb.site.build import write_site

    other = tmp_path / "hostile.txt"
    other.write_text(HOSTILE_TEXT, encoding="utf-8")
    kb = make_kb([CORPUS, other])
    site = tmp_path / "site"
    write_site(kb, site)
    assert check_links(site) == []
    for doc in kb.documents:
        for t in doc.tasks:
            page = site / f"{doc.id}--{t.id}.html"
            assert page.is_file(), page.name
            assert t.title in visible_text(page.read_text(encoding="utf-8"))
    from kb.site.entitypages import MAX_PER_DOC
    from kb.site.naming import doc_file, entity_file

    # with several documents an entity page groups its units by document (the first few of
    # each); each document's entity page lists them all
    listed_in_doc: dict[str, list[str]] = {}
    for doc in kb.documents:
        of = None  # the entity of the list the backlinks are in
        for _t, d in _parse(site / doc_file("ents", doc.id)).tags:
            if d.get("class") == "backlinks":
                of = d["data-of"]
            elif d.get("class") == "backlink":
                listed_in_doc.setdefault(of, []).append(d["data-unit"])
    for e in kb.entities:
        units = list(dict.fromkeys(e.units))
        assert listed_in_doc.get(e.id, []) == units, e.id
        tags = _parse(site / entity_file(e.id)).tags
        shown = [d["data-unit"] for t, d in tags if d.get("class") == "backlink"]
        for doc in kb.documents:
            mine = [u for u in units if u.startswith(doc.id + "/")]
            assert [u for u in shown if u.startswith(doc.id + "/")] == mine[:MAX_PER_DOC], e.id
    for doc in kb.documents:  # one task graph per document
        tags = _parse(site / f"graph-{doc.id}.html").tags
        nodes = [d["href"] for t, d in tags if t == "a" and "gnode" in (d.get("class") or "")]
        assert nodes == [f"{doc.id}--{t.id}.html" for t in doc.tasks]


def test_plan_without_numbered_tasks_is_shown_as_paragraphs(tmp_path):
    from kb.parse.text import parse_text
    from kb.site.build import write_site

    doc = parse_text(
        "关于做好工作的通知\n\n一、总体要求\n\n坚持以人民为中心。做好农民工工作。\n\n"
        "二、主要任务\n\n加强领导;落实责任。\n",
        doc_id="plain",
        source="plain.txt",
    )
    assert doc.paragraphs and not doc.tasks
    site = tmp_path / "site"
    write_site(KB(documents=[doc]), site)
    assert check_links(site) == []
    from kb.site.naming import chapter_file, unit_file

    for p in doc.paragraphs:
        text = visible_text((site / unit_file(p.id, "paragraph")).read_text(encoding="utf-8"))
        assert p.text in text

    ch = visible_text((site / chapter_file(doc.chapters[0].id)).read_text(encoding="utf-8"))
    assert doc.paragraphs[0].text in ch


def test_hostile_vault_keeps_text_escaped_and_links_resolving(tmp_path):
    from kb.site.vault import write_vault

    vault = write_vault(hostile_kb(), tmp_path / "vault")
    notes = {p.stem: p.read_text(encoding="utf-8") for p in vault.glob("*.md")}
    for name, text in notes.items():
        body = text.split("\n---\n", 1)[1] if text.startswith("---\n") else text
        for target in re.findall(r"\[\[([^\]|\\]+)", body):
            assert target in notes, (name, target)
        assert not re.search(r"(?<!\\)<", body), name


def test_entity_pages_hold_what_kb_mentions_answers(seed_site):
    """Direct mentions (Entity.units) plus, as `kb mentions` expands by default, the units that
    name only a narrower term."""
    mod = pytest.importorskip("kb.query.mentions")
    from kb.site.naming import entity_file

    kb = seed_kb()
    for e in kb.entities:
        tags = _parse(seed_site / entity_file(e.id)).tags
        shown = {d["data-unit"] for t, d in tags if d.get("class") in ("backlink", "backlink-via")}
        answered = {r["id"] for r in mod.entity_query(kb, e, e.name)}
        assert answered <= shown, (e.id, answered - shown)


def test_site_does_not_depend_on_hash_seed(tmp_path):
    """Two processes with different PYTHONHASHSEED write the same bytes (no set-order leaks)."""
    import json
    import os
    import subprocess
    import sys

    from kb.model import kb_to_dict

    (tmp_path / "kb.json").write_text(json.dumps(kb_to_dict(seed_kb()), ensure_ascii=False), encoding="utf-8")
    code = (
        "import json, sys; from pathlib import Path; from kb.model import kb_from_dict; "
        "from kb.site.build import write_site; "
        "write_site(kb_from_dict(json.loads(Path(sys.argv[1]).read_text(encoding='utf-8'))), Path(sys.argv[2]))"
    )
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [sys.executable, "-c", code, str(tmp_path / "kb.json"), str(tmp_path / seed)], check=True, env=env, cwd=ROOT
        )
    # and the site `kb build` writes from memory equals the one `kb site` writes from kb.json
    from kb.site.build import write_site

    write_site(seed_kb(), tmp_path / "mem")
    a = tmp_path / "1"
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    for other in (tmp_path / "2", tmp_path / "mem"):
        assert files == sorted(p.relative_to(other) for p in other.rglob("*") if p.is_file())
        for rel in files:
            assert (a / rel).read_bytes() == (other / rel).read_bytes(), (other.name, rel)


# ---------------------------------------------------------------------- the whole bundled corpus


@functools.lru_cache(maxsize=1)
def corpus_kb() -> KB:
    from kb.build import make_kb

    return make_kb(sorted((ROOT / "corpus").glob("*.txt")))


@pytest.fixture(scope="module")
def corpus_site(tmp_path_factory):
    from kb.site.build import write_site

    folder = tmp_path_factory.mktemp("corpus") / "site"
    write_site(corpus_kb(), folder)
    return folder


def _page_with_h1(site: Path, glob: str, h1: str) -> str:
    for p in sorted(site.glob(glob)):
        html = p.read_text(encoding="utf-8")
        if f"<h1>{h1}" in html:
            return html
    raise AssertionError(f"no {glob} page titled {h1}")


def test_corpus_site_links_resolve(corpus_site):
    assert check_links(corpus_site) == []


def test_home_lists_the_nine_plans_with_their_pages(corpus_site):
    kb = corpus_kb()
    assert len(kb.documents) == 9
    home = (corpus_site / "index.html").read_text(encoding="utf-8")
    plans = re.findall(r'<span class="plan"><a href="(plan-[^"]+\.html)">([^<]+)</a>', home)
    assert len(plans) == 9
    assert {t for _, t in plans} == {d.title.replace("&", "&amp;") for d in kb.documents}
    # the home page no longer carries every plan's table of contents
    assert "<h2>解析说明</h2>" not in home and "<h2>目录</h2>" not in home
    hubei = (corpus_site / "plan-hubei-cultural-relics-14th-fyp-pdf.html").read_text(encoding="utf-8")
    text = visible_text(hubei)
    assert "目录" in text and "专栏3 加大文物保护力度" in text and "解析说明" in text
    # the tree nests: the box sits under item 16 which sits under chapter 五
    body = hubei[hubei.index("<h2>目录</h2>") :]
    i5, i16, b3 = body.index("五、加大文物保护力度"), body.index("16.加强可移动文物保护"), body.index("专栏3 加大")
    assert i5 < i16 < b3


def test_breadcrumbs_follow_the_outline(corpus_site):
    html = _page_with_h1(corpus_site, "*.html", "2. 加强规划指标衔接")
    crumbs = re.search(r'<span class="crumbs">(.*?)</span>', html).group(1)
    names = [re.sub(r"<[^>]+>", "", c) for c in crumbs.split(" › ")]
    assert names[0] == "首页"
    assert names[1] == "嘉定区系统化全域推进海绵城市建设的实施方案"
    assert names[2] == "二、重点任务"
    assert names[3].startswith("（一）完善海绵城市规划")
    box = _page_with_h1(corpus_site, "box-*.html", "专栏3 加大文物保护力度")
    crumbs = re.search(r'<span class="crumbs">(.*?)</span>', box).group(1)
    assert "五、加大文物保护力度" in crumbs and "16.加强可移动文物保护" in crumbs
    # a box entry's page: the box is its parent
    entry = _page_with_h1(corpus_site, "*.html", "1. 世界文化遗产申报工程")
    assert "专栏3 加大文物保护力度" in re.search(r'<span class="crumbs">(.*?)</span>', entry).group(1)


def test_table_page_renders_header_and_cells(corpus_site):
    html = _page_with_h1(corpus_site, "tbl-*.html", "表1 嘉定区海绵城市达标评估推进计划表")
    table = html[html.index("<table>") : html.index("</table>")]
    heads = re.findall(r"<th>([^<]*)</th>", table)
    assert heads[:3] == ["行", "年份", "达标区域"]
    assert "<td>远香湖南</td>" in table and "<td>90%</td>" in table
    # every row links to its row page, which exists
    rows = re.findall(r'<td><a href="(row-[0-9a-f]+\.html)">', table)
    assert len(rows) == 10
    assert all((corpus_site / r).exists() for r in rows)


def test_actor_page_lists_what_it_leads(corpus_site):
    html = _page_with_h1(corpus_site, "e-*.html", "区建设管理委")
    assert "<h2>责任分工</h2>" in html
    leads = re.findall(r'<span class="duty-leads" data-unit="([^"]+)">', html)
    assert "jiading-sponge-city-plan/T二（一）1" in leads
    assert len(leads) >= 10
    # and the task page names it as 牵头, linked back
    task = _page_with_h1(corpus_site, "*.html", "1. 强化规划管控")
    assert "<h2>责任单位</h2>" in task
    assert re.search(r"牵头：<a href=\"e-[0-9a-f]+\.html\">区建设管理委</a>", task)


def test_related_tasks_can_be_told_apart(corpus_site):
    html = _page_with_h1(corpus_site, "*.html", "2. 加强规划指标衔接")
    rel = html[html.index("<h2>相关任务</h2>") :]
    items = re.findall(r"<li><a [^>]*>([^<]+)</a>", rel)
    assert items and all(" › " in i for i in items)
    assert len(set(items)) == len(items)


def test_targets_table_has_kinds_and_no_valueless_rows(corpus_site):
    for p in sorted(corpus_site.glob("*.html")):
        html = p.read_text(encoding="utf-8")
        if "<h2>量化目标</h2>" not in html or "<th>类型</th>" not in html:
            continue
        table = html[html.index("<h2>量化目标</h2>") :]
        table = table[: table.index("</table>")]
        for row in re.findall(r"<tr>(.*?)</tr>", table)[1:]:
            cells = re.findall(r"<td>(.*?)</td>", row)
            assert cells[0] in ("目标", "基期", "已完成", "现状"), row
            assert cells[2] != "", row  # a value
        break
    else:
        raise AssertionError("no unit page with a targets table")


ENGLISH_NOTE = re.compile(
    r"page break joined|layout repaired|layout noise|numbering of the|indicator table|has no header"
    r"|continues from an earlier part|header repeated|（未翻译）"
)


def test_notes_are_shown_in_chinese(corpus_site):
    from kb.site.zh import note_zh

    for d in corpus_kb().documents:
        for n in d.notes:
            assert not note_zh(n).startswith("（未翻译）"), n
    seen = 0
    for p in sorted(corpus_site.glob("*.html")):
        text = visible_text(p.read_text(encoding="utf-8"))
        assert not ENGLISH_NOTE.search(text), (p.name, ENGLISH_NOTE.search(text).group(0))
        seen += "解析说明" in text
    assert seen >= 3
    acftu = visible_text((corpus_site / "plan-acftu-14th-fyp-part2.html").read_text(encoding="utf-8"))
    assert "本文接续前一部分：第 1–13 项任务不在本文中" in acftu
    assert "一、 级标题的编号从 5 开始" in acftu
    assert "跨页断开处已接合" in acftu


def test_edge_rules_are_in_chinese(corpus_site):
    graph = visible_text((corpus_site / "graph-acftu-14th-fyp-part2.html").read_text(encoding="utf-8"))
    for en in ("short-form", "serves", "support-layer", "same-name", "depends_on"):
        assert en not in graph
    assert "简称" in graph and "服务于" in graph
    hubei = (corpus_site / "graph-hubei-cultural-relics-14th-fyp-pdf.html").read_text(encoding="utf-8")
    # each box whose section has a lead-in paragraph is drawn (专栏7 belongs to 九、保障措施, a
    # chapter without one: listed under 结构关系, not drawn), plus the legend's sample
    drawn = [
        e
        for e in corpus_kb().edges
        if e.type == "illustrates" and e.source.startswith("hubei") and not re.search(r"/C[^/.]+$", e.target)
    ]
    assert len(drawn) == 6
    assert hubei.count('class="e-illustrates"') >= len(drawn) + 1
    assert "结构关系" in visible_text(hubei)
