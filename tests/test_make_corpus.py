"""scripts/make_corpus.py: deterministic, and every plan it writes parses losslessly into what the
generator meant (its manifest), so scale benchmarks and crash tests build realistic input."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from kb.parse.text import check_lossless, parse_file

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "make_corpus.py"


def load_generator():
    spec = importlib.util.spec_from_file_location("make_corpus", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["make_corpus"] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def gen():
    return load_generator()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("synthetic")
    r = subprocess.run(
        [sys.executable, str(SCRIPT), "24", "--seed", "7", "--out", str(out)], capture_output=True, text=True
    )
    assert r.returncode == 0, r.stderr
    return out


def _sha(parts) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def test_same_n_and_seed_give_the_same_bytes(corpus, tmp_path):
    again = tmp_path / "again"
    subprocess.run(
        [sys.executable, str(SCRIPT), "24", "--seed", "7", "--out", str(again)], check=True, capture_output=True
    )
    names = sorted(p.name for p in corpus.iterdir())
    assert names == sorted(p.name for p in again.iterdir())
    assert len(names) == 25  # 24 plans + manifest.json
    for n in names:
        assert (corpus / n).read_bytes() == (again / n).read_bytes(), n


def test_another_seed_gives_other_plans(gen):
    a = [d for _, d, _ in gen.generate(3, 1)]
    b = [d for _, d, _ in gen.generate(3, 2)]
    assert all(x != y for x, y in zip(a, b))


def test_plan_k_does_not_depend_on_n(gen):
    small = list(gen.generate(2, 5))
    large = list(gen.generate(12, 5))
    # names are zero-padded to at least 4 digits, so both runs name plan 2 alike
    assert small[1][:2] == large[1][:2]


def test_rerun_with_smaller_n_leaves_no_stale_plans(gen, tmp_path):
    gen.write_corpus(5, 1, tmp_path)
    gen.write_corpus(2, 1, tmp_path)
    assert sorted(p.name for p in tmp_path.glob("*.txt")) == ["plan-0001.txt", "plan-0002.txt"]


def test_every_plan_parses_losslessly_into_what_the_generator_meant(corpus):
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["n"] == 24 and len(manifest["documents"]) == 24
    kinds = {"continuation": 0, "tables": 0, "page_breaks": 0, "noise_markers": 0}
    for e in manifest["documents"]:
        doc = parse_file(corpus / e["file"])
        check_lossless(doc)
        assert doc.id == e["id"]
        if e["title"]:
            assert doc.title == e["title"]
        got = {
            "chapters": len(doc.chapters),
            "tasks": len(doc.tasks),
            "first_task": doc.tasks[0].number,
            "tables": [{"key": t.key, "rows": len(t.rows)} for t in doc.indicator_tables],
            "rows": sum(len(t.rows) for t in doc.indicator_tables),
            "paragraphs": len(doc.paragraphs),
            "page_breaks": sum(n.startswith("page break joined") for n in doc.notes),
            "noise_markers": sum(n.startswith("layout noise removed") for n in doc.notes),
            # the joined page-break pieces read exactly as the task was written before the cut
            "titles_sha256": _sha(t.title for t in doc.tasks),
            "task_texts_sha256": _sha(t.text for t in doc.tasks),
            "row_texts_sha256": _sha(r.text for t in doc.indicator_tables for r in t.rows),
        }
        assert got == {k: e[k] for k in got}, e["file"]
        numbers = [t.number for t in doc.tasks]
        assert numbers == list(range(e["first_task"], e["first_task"] + len(numbers)))
        assert all(t.header == ["具体指标", "发展目标"] for t in doc.indicator_tables)
        kinds["continuation"] += e["continuation"]
        kinds["tables"] += len(e["tables"])
        kinds["page_breaks"] += e["page_breaks"]
        kinds["noise_markers"] += e["noise_markers"]
    # the sample exercises every layout feature, not only the easy ones
    assert all(v > 0 for v in kinds.values()), kinds


def test_sizes_span_the_range_with_a_mean_near_30k(gen):
    sizes = [e["characters"] for _, _, e in gen.generate(150, 11)]
    assert min(sizes) >= gen.MIN_CHARS and max(sizes) <= gen.MAX_CHARS
    assert 24_000 <= sum(sizes) / len(sizes) <= 36_000
    assert max(sizes) > 3 * min(sizes)


def test_plans_are_not_copies_of_one_text(gen):
    docs = [d.decode("utf-8") for _, d, _ in gen.generate(20, 4)]
    vocab = [set(d[i : i + 4] for i in range(len(d) - 3)) for d in docs]
    union = set().union(*vocab)
    # perturbed numbers, groups, places and programme names add 4-grams the seed does not have
    seed = gen.SEED_FILE.read_text(encoding="utf-8")
    seed_grams = set(seed[i : i + 4] for i in range(len(seed) - 3))
    assert len(union - seed_grams) > 0.3 * len(seed_grams)
    assert len({hashlib.sha256(d.encode()).hexdigest() for d in docs}) == 20
