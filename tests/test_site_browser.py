"""The site in a real browser (Debian's headless Chromium via Playwright), opened from disk.

Screenshots go to build/screenshots/ (not committed) for a human to look at.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_site import corpus_kb, hostile_kb, seed_kb

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parent.parent / "build" / "screenshots"

pytestmark = pytest.mark.skipif(
    not os.path.exists(CHROMIUM), reason="needs Debian's chromium (scripts/setup.sh --test)"
)


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        yield b
        b.close()


@pytest.fixture(scope="module")
def seed_site(tmp_path_factory):
    from kb.site.build import write_site

    folder = tmp_path_factory.mktemp("site") / "site"
    write_site(seed_kb(), folder)
    return folder


class Watched:
    """A page that records dialogs, page errors and requests leaving the file system."""

    def __init__(self, browser):
        self.ctx = browser.new_context(viewport={"width": 1100, "height": 900})
        self.page = self.ctx.new_page()
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.remote: list[str] = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: None if r.url.startswith("file://") else self.remote.append(r.url))

    def close(self):
        self.ctx.close()


@pytest.fixture
def watched(browser):
    w = Watched(browser)
    yield w
    w.close()
    assert not w.errors, w.errors
    assert not w.remote, w.remote


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def search_and_follow(w: Watched, site: Path, query: str, unit: str, shot_name: str) -> str:
    page = w.page
    page.goto((site / "index.html").as_uri())
    page.fill("#q", query)
    hit = page.locator(f'#results li[data-unit="{unit}"]')
    hit.wait_for(timeout=5000)
    shot(page, shot_name + "-results")
    page.locator(f'#results li[data-unit="{unit}"] a.rlink').click()
    page.wait_for_load_state()
    url = page.url
    page_file, _, anchor = url.partition("#")
    assert anchor, url
    target = page.locator(f"#{anchor}")
    assert target.count() == 1
    assert page.evaluate("document.querySelector(':target') && document.querySelector(':target').id") == anchor
    # the sentence is in view, not under the sticky header
    top, header_bottom, height = page.evaluate(
        "[document.querySelector(':target').getBoundingClientRect().top,"
        " document.querySelector('.top').getBoundingClientRect().bottom, window.innerHeight]"
    )
    assert header_bottom - 1 <= top < height, (top, header_bottom)
    shot(page, shot_name + "-anchor")
    return page_file.rsplit("/", 1)[-1] + "#" + anchor, target.inner_text()


def test_search_nongmingong_reaches_T17_sentence(watched, seed_site):
    where, text = search_and_follow(watched, seed_site, "农民工", "T17", "search-nongmingong")
    assert where.startswith("T17.html#s")
    assert "农民工" in text


def test_search_gonghuiyun_reaches_T29(watched, seed_site):
    where, text = search_and_follow(watched, seed_site, "工会云", "T29", "search-gonghuiyun")
    assert where.startswith("T29.html#s")
    assert "工会云" in text


def test_traditional_query_finds_simplified_text(watched, seed_site):
    page = watched.page
    page.goto((seed_site / "index.html").as_uri())
    page.fill("#q", "勞模")
    page.locator("#results li.result").first.wait_for(timeout=5000)
    marks = page.locator("#results mark").all_inner_texts()
    assert marks and set(marks) == {"劳模"}
    units = page.locator("#results li.result").evaluate_all("els => els.map(e => e.dataset.unit)")
    expected = [u["id"] for u in _units(seed_site) if "劳模" in u["text"]]
    assert sorted(units) == sorted(expected)
    shot(page, "search-traditional")
    page.locator("#results li.result a.snip").first.click()
    page.wait_for_load_state()
    anchor = page.url.partition("#")[2]
    assert "劳模" in page.locator(f"#{anchor}").inner_text()


def _units(site: Path) -> list[dict]:
    from test_site import read_index

    return [{"id": u[0], "text": u[3]} for shard in read_index(site)[1] for u in shard["units"]]


def test_browser_search_has_exact_recall(watched, seed_site):
    """For many substrings of the corpus, the browser finds exactly the units that contain them."""
    from kb.site.searchindex import normalize, t2s_table

    units = _units(seed_site)
    table = t2s_table()
    queries = set()
    for u in units:
        t = u["text"]
        for k in range(0, len(t), 37):
            queries.add(t[k : k + 1])
            queries.add(t[k : k + 3].strip())
            queries.add(t[k : k + 6].strip())
    queries.discard("")
    queries = sorted(queries)
    page = watched.page
    page.goto((seed_site / "index.html").as_uri())
    page.wait_for_function("window.kbSearch !== undefined")
    assert page.evaluate("window.kbSearch.load()") == len(units)
    got = page.evaluate(
        "qs => qs.map(q => window.kbSearch.search(q).map(r => window.kbSearch.unit(r.unit)[0]).sort())", queries
    )
    for q, ids in zip(queries, got):
        terms = normalize(q, table).split()
        want = sorted(u["id"] for u in units if all(t in normalize(u["text"], table) for t in terms))
        assert ids == want, q
    # the browser's normaliser is the Python one
    js = page.evaluate("ts => ts.map(t => window.kbSearch.norm(t))", [u["text"] for u in units] + ["勞模ＡＢＣ，（）"])
    assert js == [normalize(u["text"], table) for u in units] + [normalize("勞模ＡＢＣ，（）", table)]


def test_graph_node_links_to_task_page(watched, seed_site):
    page = watched.page
    page.goto((seed_site / "graph.html").as_uri())
    shot(page, "graph")
    node = page.locator('a.gnode[data-task="T17"]')
    assert node.count() == 1
    node.click()
    page.wait_for_load_state()
    assert page.url.endswith("/T17.html")
    assert "农民工" in page.locator("h1").inner_text()


def test_pages_render_chinese_and_have_no_errors(watched, seed_site):
    page = watched.page
    for name in ["index.html", "T17.html", "indicators.html", "targets.html", "entities.html"]:
        page.goto((seed_site / name).as_uri())
        assert page.evaluate("document.documentElement.lang") == "zh-CN"
        shot(page, "page-" + name.replace(".html", ""))
    ents = sorted(seed_site.glob("e-*.html"))
    if ents:
        page.goto(ents[0].as_uri())
        shot(page, "page-entity")
    # a narrow phone screen: no horizontal scrolling of the page body
    page.set_viewport_size({"width": 380, "height": 800})
    page.goto((seed_site / "T17.html").as_uri())
    shot(page, "phone-T17")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_hostile_corpus_executes_nothing(browser, tmp_path):
    from kb.site.build import write_site

    site = tmp_path / "site"
    write_site(hostile_kb(), site)
    w = Watched(browser)
    try:
        page = w.page
        for f in sorted(site.glob("*.html")):
            page.goto(f.as_uri())
            page.wait_for_load_state("load")
        page.goto((site / "index.html").as_uri())
        page.fill("#q", "<script>")
        page.locator("#results li.result").first.wait_for(timeout=5000)
        assert "<script>alert(1)</script>" in page.locator("#results").inner_text()
        page.fill("#q", "onerror")
        from playwright.sync_api import expect

        expect(page.locator("#results .rcount")).to_contain_text("onerror", timeout=5000)
        assert page.locator("#results li.result").count() >= 1
        shot(page, "hostile-search")
        first_task = sorted(site.glob("T*.html"))[0]
        page.goto(first_task.as_uri())
        body = page.locator("main").inner_text()
        assert "<script>alert(1)</script>" in body
        assert '"><img src=x onerror=alert(1)>' in body
        assert "**“十四五”**时期" in body and "[x](javascript:alert(1))" in body
        assert page.locator("main img").count() == 0
        assert page.locator("main script").count() == 0
        shot(page, "hostile-task")
        page.wait_for_timeout(200)
        assert w.dialogs == []
        assert not w.errors, w.errors
        assert not w.remote, w.remote
    finally:
        w.close()


def test_targets_table_sorts_by_clicking_a_header(watched, seed_site):
    page = watched.page
    page.goto((seed_site / "targets.html").as_uri())
    table = page.locator("main table").nth(1)
    keys = "t => Array.from(t.tBodies[0].rows).map(r => r.cells[{col}].querySelector('[data-sort]').getAttribute('data-sort'))"
    before = table.evaluate(keys.format(col=0))
    assert before == sorted(before)  # by deadline without any script
    table.locator("th button").nth(2).click()  # 数值
    values = table.evaluate(keys.format(col=2))
    assert values == sorted(values) and values != table.evaluate(keys.format(col=0))
    shot(page, "targets-sorted")


def test_search_works_when_served_too(watched, seed_site):
    """Over http://127.0.0.1 (what `kb serve` does) the same page searches; ?q= fills the box."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(seed_site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        page = watched.page
        page.goto(base + "index.html?q=" + "工会云")
        page.locator('#results li[data-unit="T29"]').wait_for(timeout=5000)
        assert page.input_value("#q") == "工会云"
        page.locator('#results li[data-unit="T29"] a.rlink').click()
        page.wait_for_load_state()
        assert page.url.startswith(base + "T29.html#s")
    finally:
        server.shutdown()
        server.server_close()
    # requests to our own server are local; anything else is left for the fixture to report
    watched.remote[:] = [u for u in watched.remote if not u.startswith(base)]


# ------------------------------------------------------------ several documents: sharded, lazy

ROOT = Path(__file__).resolve().parent.parent
ONLY_IN_SECOND = "鲲鹏驿站"  # written into the second plan only


@pytest.fixture(scope="module")
def three_doc_site(tmp_path_factory):
    """Three small synthetic plans; the second one gets a sentence no other plan has."""
    import subprocess
    import sys

    from kb.build import make_kb
    from kb.site.build import write_site

    base = tmp_path_factory.mktemp("three")
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "make_corpus.py"),
            "3",
            "--seed",
            "3",
            "--chars",
            "1500-3000",
            "--out",
            str(base / "plans"),
        ],
        check=True,
        capture_output=True,
    )
    files = sorted((base / "plans").glob("*.txt"))
    assert len(files) == 3
    text = files[1].read_text(encoding="utf-8")
    i = text.index("1. ")
    j = text.index("。", i) + 1
    files[1].write_text(
        text[:j] + f"在产业园区建设{ONLY_IN_SECOND}，为新就业形态劳动者提供服务。" + text[j:], encoding="utf-8"
    )
    kb = make_kb(files)
    site = write_site(kb, base / "site")
    return kb, site


def _scripts(urls: list[str]) -> list[str]:
    """The scripts among requested file:// addresses, as paths under assets/."""
    return [u.split("/assets/", 1)[1] for u in urls if u.endswith(".js") and "/assets/" in u]


def test_three_documents_have_one_shard_each(three_doc_site):
    from test_site import read_index

    kb, site = three_doc_site
    manifest, shards = read_index(site)
    assert len(shards) == 3 == len({src for _, src in manifest["shards"]})
    holders = [k for k, sh in enumerate(shards) if any(ONLY_IN_SECOND in u[3] for u in sh["units"])]
    assert holders == [1]
    # each shard holds its own document's units only
    assert sum(len(sh["units"]) for sh in shards) == sum(1 for d in kb.documents for _ in d.units())


def test_no_page_loads_the_index_before_the_box_is_used(watched, three_doc_site):
    kb, site = three_doc_site
    page = watched.page
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    for name in ["index.html", "targets.html", sorted(site.glob("*--T*.html"))[0].name]:
        requested.clear()
        page.goto((site / name).as_uri())
        page.wait_for_load_state("load")
        page.wait_for_timeout(100)
        scripts = _scripts(requested)
        assert "search.js" in scripts and not [s for s in scripts if "search-index" in s or s.startswith("search/")], (
            scripts
        )
        assert page.locator("script[data-kb-index]").count() == 0
        assert page.evaluate("window.KB_INDEX === undefined && window.KB_SHARDS === undefined")
    # the "/" shortcut focuses the box, and focusing it loads the manifest and every shard
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"
    # (wait_for_function would poll with eval, which the page's CSP refuses)
    for _ in range(100):
        if page.evaluate("window.kbSearch.loaded()"):
            break
        page.wait_for_timeout(50)
    assert page.evaluate("window.kbSearch.loaded() && window.kbSearch.size()") > 0
    scripts = _scripts(requested)
    assert "search-index.js" in scripts
    assert sorted(s for s in scripts if s.startswith("search/")) == sorted(
        f"search/{p.name}" for p in (site / "assets" / "search").glob("*.js")
    )


def test_term_of_the_second_document_is_found_and_links_to_its_page(watched, three_doc_site):
    kb, site = three_doc_site
    second = kb.documents[1]
    page = watched.page
    page.goto((site / "index.html").as_uri())
    page.fill("#q", ONLY_IN_SECOND)  # typing before anything is loaded
    page.locator("#results li.result").first.wait_for(timeout=5000)
    units = page.locator("#results li.result").evaluate_all("els => els.map(e => e.dataset.unit)")
    assert len(units) == 1 and units[0].startswith(second.id + "/"), units
    assert page.locator("#results mark").all_inner_texts() == [ONLY_IN_SECOND]
    shot(page, "three-docs-search")
    page.locator("#results li.result a.rlink").click()
    page.wait_for_load_state()
    file, _, anchor = page.url.rpartition("/")[2].partition("#")
    assert file.startswith(second.id) and anchor
    assert ONLY_IN_SECOND in page.locator(f"#{anchor}").inner_text()
    assert second.source and second.source in page.locator("footer").inner_text()


def test_results_across_shards_keep_document_order(watched, three_doc_site):
    """Exact recall over three shards, ranked by hits then document order then unit order."""
    from test_site import read_index

    from kb.site.searchindex import normalize, t2s_table

    kb, site = three_doc_site
    table = t2s_table()
    units = [u for sh in read_index(site)[1] for u in sh["units"]]
    page = watched.page
    page.goto((site / "index.html").as_uri())
    assert page.evaluate("window.kbSearch.load()") == len(units)
    for q in ["工会", "农民工", "劳动者 服务", "职工", "的"]:
        terms = normalize(q, table).split()
        want = []
        for i, u in enumerate(units):
            text = normalize(u[3], table)
            if all(t in text for t in terms):
                hits = sum(text.count(t) if len(t) == 1 else _overlapping(text, t) for t in terms)
                label = normalize(u[2], table)
                want.append((-(hits + (5 if any(t in label for t in terms) else 0)), i, u[0]))
        got = page.evaluate("q => window.kbSearch.search(q).map(r => window.kbSearch.unit(r.unit)[0])", q)
        assert got == [w[2] for w in sorted(want)], q
        assert len({u.split("/")[0] for u in got}) > 1 or q == "劳动者 服务"


def _overlapping(text: str, term: str) -> int:
    n, k = 0, text.find(term)
    while k >= 0:
        n, k = n + 1, text.find(term, k + 1)
    return n


# ---------------------------------------------------------------------- the nine bundled plans


@pytest.fixture(scope="module")
def corpus_site(tmp_path_factory):
    from kb.site.build import write_site

    folder = tmp_path_factory.mktemp("corpus") / "site"
    write_site(corpus_kb(), folder)
    return folder


def test_home_to_plan_to_box_to_task(watched, corpus_site):
    page = watched.page
    page.set_viewport_size({"width": 1200, "height": 1400})
    page.goto((corpus_site / "index.html").as_uri())
    assert page.locator("span.plan a").count() == 9
    shot(page, "corpus-home")
    page.locator("span.plan a", has_text="湖北省文物事业发展").click()
    page.wait_for_load_state()
    assert page.url.endswith("plan-hubei-cultural-relics-14th-fyp-pdf.html")
    assert page.locator("h2", has_text="目录").count() == 1
    shot(page, "corpus-plan-hubei")
    page.locator("main a", has_text="专栏3 加大文物保护力度").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "专栏3 加大文物保护力度"
    crumbs = page.locator(".crumbs").inner_text()
    assert "五、加大文物保护力度" in crumbs and "16.加强可移动文物保护" in crumbs
    shot(page, "corpus-box")
    page.locator("main h3 a", has_text="世界文化遗产申报工程").click()
    page.wait_for_load_state()
    assert "专栏3" in page.locator(".crumbs").inner_text()
    shot(page, "corpus-box-entry")


def test_table_actor_and_graph_pages_render(watched, corpus_site):
    page = watched.page
    page.set_viewport_size({"width": 1200, "height": 1400})
    page.goto((corpus_site / "plan-jiading-sponge-city-plan.html").as_uri())
    shot(page, "corpus-plan-jiading")
    page.locator("main a", has_text="表1 嘉定区海绵城市达标评估推进计划表").first.click()
    page.wait_for_load_state()
    assert page.locator("main table tbody tr").count() == 10
    shot(page, "corpus-table")
    page.goto((corpus_site / "plan-jiading-sponge-city-plan.html").as_uri())
    page.locator("main a", has_text="2.加强规划指标衔接").first.click()
    page.wait_for_load_state()
    assert page.locator("h2", has_text="责任单位").count() == 1
    shot(page, "corpus-task-responsible")
    page.locator("main a", has_text="区规划资源局").first.click()
    page.wait_for_load_state()
    # one 牵头 entry per task the body leads, as the 责任单位 notes give them
    leads = {e.target for e in corpus_kb().edges if e.type == "leads" and e.source == "ACTOR:区规划资源局"}
    assert leads and page.locator("span.duty-leads").count() == len(leads)
    shot(page, "corpus-actor")
    page.goto((corpus_site / "graph-hubei-cultural-relics-14th-fyp-pdf.html").as_uri())
    assert page.locator("svg path.e-illustrates").count() >= 6  # the boxes of sections with a lead-in
    shot(page, "corpus-graph-hubei")
