"""Shared fixtures: the bundled corpus, the gold files (copies in tests/data), a parsed seed, the
seed built once per session; the hypothesis profile."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import settings

# derandomized under CI (the CI environment variable), so a failure there is reproducible and a
# run is not flaky; locally hypothesis keeps exploring new examples. HYPOTHESIS_PROFILE chooses
# one explicitly.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("dev")
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
CORPUS = ROOT / "corpus" / "acftu-14th-fyp-part2.txt"


@pytest.fixture(scope="session")
def corpus_path() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def seed_gold() -> dict:
    return json.loads((DATA / "seed_gold.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def mentions_gold() -> dict:
    return json.loads((DATA / "mentions_gold.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def seed_doc():
    from kb.parse.text import parse_file

    return parse_file(CORPUS)


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """The seed plan built once per session: kb.json, index/, graph.json, site/. Read it only;
    a test that rebuilds or writes into a build makes its own."""
    from kb.build import build

    out = tmp_path_factory.mktemp("seed") / "build"
    build([CORPUS], out)
    return out
