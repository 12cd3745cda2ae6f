"""The same plan published as DOCX, a web page, a PDF or Markdown gives the same outline as its
text: node kinds, ids, labels, titles, table cells and 责任单位. Each format is generated here
from the text's own outline (tests/importer_fixtures.py), then imported and parsed."""

from __future__ import annotations

import re

import pytest
from importer_fixtures import chromium, outline_model, plan_path, write_all

from kb.parse.text import parse_file

PLANS = ["acftu", "jiading", "putuo"]
FORMATS = ["docx", "html", "md", "pdf"]


def shape(doc) -> list[tuple]:
    """The outline as a reader sees it; prose nodes are compared by their text elsewhere."""
    squash = lambda s: re.sub(r"\s+", "", s)  # noqa: E731
    out = []
    for n in doc.outline:
        if n.kind in ("front", "back", "paragraph"):
            continue
        cells = tuple(squash(c) for c in n.cells if squash(c))
        resp = tuple((r["name"], r["role"]) for r in n.responsible)
        out.append((n.kind, n.id, n.label, squash(n.title), cells, resp))
    return out


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    made: dict = {}

    def get(name: str) -> dict:
        path = plan_path(name)
        if path is None or not path.exists():
            pytest.skip(f"{name}: the shared corpus-dev folder is not here")
        if name not in made:
            made[name] = (path, write_all(outline_model(path), tmp_path_factory.mktemp(name), name))
        return made[name]

    return get


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", PLANS)
def test_every_format_gives_the_texts_outline(generated, name, fmt):
    if fmt == "pdf" and chromium() is None:
        pytest.skip("headless Chromium is not installed; the PDFs are printed by it")
    path, files = generated(name)
    want, got = shape(parse_file(path)), shape(parse_file(files[fmt]))
    first = next((i for i, (a, b) in enumerate(zip(want, got)) if a != b), None)
    assert got == want, f"{len(want)} vs {len(got)} nodes; first difference at {first}: " + (
        f"{want[first]} != {got[first]}" if first is not None else ""
    )
    assert sum(1 for n in want if n[0] == "item") > 20 and any(n[0] == "row" for n in want)
