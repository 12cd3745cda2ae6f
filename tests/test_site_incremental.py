"""The site written incrementally by document: pages owned by an unchanged document are
hard-linked from the previous build, and the result equals a full build byte for byte."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _digest(folder: Path) -> dict[str, str]:
    return {k: hashlib.sha256(v).hexdigest() for k, v in _files(folder).items()}


@pytest.fixture(scope="module")
def corpora(tmp_path_factory):
    """Four synthetic plans, and the same four with one task of the second plan rewritten."""
    from kb.build import make_kb

    base = tmp_path_factory.mktemp("plans")
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_corpus.py"), "4", "--seed", "3", "--out", str(base)],
        check=True,
        capture_output=True,
    )
    files = sorted(base.glob("*.txt"))
    assert len(files) == 4
    kb1 = make_kb(files)
    victim = files[1]  # changed in place: the documents keep their source paths
    text = victim.read_text(encoding="utf-8")
    # a new sentence in the first numbered task: new text, new mentions, maybe new targets
    i = text.index("1. ")
    j = text.index("。", i) + 1
    victim.write_text(text[:j] + "到2025年，农民工入会人数达到1000万人。" + text[j:], encoding="utf-8")
    kb2 = make_kb(files)
    return kb1, kb2


def _count_renders(monkeypatch) -> list:
    import kb.site.build as site_mod

    seen: list = []
    orig = site_mod._Renderer.finish

    def finish(self, spec, parts):
        seen.append((spec.owner, spec.fname))
        return orig(self, spec, parts)

    monkeypatch.setattr(site_mod._Renderer, "finish", finish)
    return seen


def test_incremental_site_equals_full_site(corpora, tmp_path, monkeypatch):
    from kb.site.build import write_site

    kb1, kb2 = corpora
    assert [d.id for d in kb1.documents] == [d.id for d in kb2.documents]
    same = frozenset(a.id for a, b in zip(kb1.documents, kb2.documents) if a.sha256 == b.sha256)
    changed = {d.id for d in kb1.documents} - same
    assert len(changed) == 1
    prev = write_site(kb1, tmp_path / "gen1" / "site")
    before = _digest(prev)
    full = write_site(kb2, tmp_path / "full" / "site")
    seen = _count_renders(monkeypatch)
    inc = write_site(kb2, tmp_path / "gen2" / "site", previous=prev, reuse=same)
    a, b = _files(full), _files(inc)
    assert sorted(a) == sorted(b)
    assert [k for k in a if a[k] != b[k]] == []
    assert _digest(prev) == before  # the previous generation is untouched
    owners = {o for o, _ in seen}
    assert owners <= {None} | changed  # only the changed document's pages (and shared ones)
    assert changed <= owners
    # every page of an unchanged document is a hard link into the previous generation
    from kb.site.build import document_specs
    from kb.site.pages import Site
    from kb.site.searchindex import shard_file

    site = Site(kb2)
    for doc in kb2.documents:
        shard = "assets/" + shard_file(doc.id)
        assert shard in a
        for fname in [spec.fname for spec in document_specs(site, doc)] + [shard]:
            linked = (inc / fname).stat().st_ino == (prev / fname).stat().st_ino
            assert linked == (doc.id in same), fname
    # one shard per document, nothing else under assets/search/
    assert sorted(k for k in a if k.startswith("assets/search/")) == sorted(
        "assets/" + shard_file(d.id) for d in kb2.documents
    )
    # the changed document's shard holds its new sentence; the previous one does not
    (victim,) = changed
    assert "农民工入会人数达到1000万人" in (inc / "assets" / shard_file(victim)).read_text(encoding="utf-8")
    assert "农民工入会人数达到1000万人" not in (prev / "assets" / shard_file(victim)).read_text(encoding="utf-8")


def test_owned_pages_do_not_depend_on_other_documents(corpora):
    """A document's pages rendered in a KB of its own plus others equal those rendered in a
    KB where the other documents differ (here: one is changed, one is missing)."""
    from kb.model import KB
    from kb.site.build import document_pages

    kb1, kb2 = corpora
    d0 = kb1.documents[0]
    a = document_pages(kb1, d0)
    b = document_pages(
        KB(documents=[kb2.documents[1], d0, kb2.documents[2]], entities=kb2.entities, edges=kb2.edges), d0
    )
    assert a and a == b


def test_shards_do_not_depend_on_other_documents(corpora):
    """A document's search shard is the same whatever the other documents are (its units are
    numbered inside it, the normalisation table is the same for every corpus)."""
    from kb.model import KB
    from kb.site.build import doc_search_entries
    from kb.site.pages import Site
    from kb.site.searchindex import build_shard, shard_key

    kb1, kb2 = corpora
    d0 = kb1.documents[0]

    def shard(kb):
        return build_shard(shard_key(d0.id), doc_search_entries(Site(kb), d0))

    a = shard(kb1)
    b = shard(KB(documents=[kb2.documents[1], d0, kb2.documents[2]], entities=kb2.entities, edges=kb2.edges))
    assert a == b and d0.tasks[0].text[:20] in a


def test_missing_previous_means_full_write(corpora, tmp_path, monkeypatch):
    from kb.site.build import write_site

    kb1, _ = corpora
    seen = _count_renders(monkeypatch)
    out = write_site(
        kb1, tmp_path / "site", previous=tmp_path / "nowhere", reuse=frozenset(d.id for d in kb1.documents)
    )
    assert {o for o, _ in seen} == {None} | {d.id for d in kb1.documents}
    assert (out / "index.html").is_file()


def test_document_pages_match_the_written_site(corpora, tmp_path):
    from kb.site.build import document_pages, write_site
    from kb.site.pages import Site

    kb1, _ = corpora
    out = write_site(kb1, tmp_path / "site")
    site = Site(kb1)
    doc = kb1.documents[2]
    pages = document_pages(site, doc)
    assert any(n.startswith("graph-") for n in pages)
    for name, html in pages.items():
        assert (out / name).read_text(encoding="utf-8") == html, name
