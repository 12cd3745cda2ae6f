"""Shared fixtures: the bundled corpus, the gold files (copies in tests/data), a parsed seed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

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
