"""Whatever file a user feeds `kb build`, it either builds (anything odd shows in `kb check`) or
fails with one `kb: error:` line and exit 2 -- never a traceback, and never a half-written build:
the previous build stays byte-identical.

The files are written by the tests, mostly from the real seed plan re-encoded or re-laid out.
"""

from __future__ import annotations

import errno
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.cli import main
from kb.errors import KBError
from kb.model import KB, kb_from_dict, kb_to_dict
from kb.parse.normalize import decode, normalize_text
from kb.parse.text import check_lossless, parse_text

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "acftu-14th-fyp-part2.txt"
SEED_TEXT = SEED.read_text(encoding="utf-8")
FUZZ_EXAMPLES = int(os.environ.get("KB_FUZZ_EXAMPLES", "2000"))


def kb(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def kb_exe() -> list[str]:
    exe = shutil.which("kb")
    return [exe] if exe else [sys.executable, "-m", "kb"]


def assert_one_line_error(r, *needles):
    assert r.exit_code == 2, (r.exit_code, r.output, r.exception)
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kb: error: "), r.output
    assert "Traceback" not in r.output
    for n in needles:
        assert n in lines[0], (n, lines[0])


class Snapshot:
    """What a reader of the build folder sees; a failed build must leave all of it as it was."""

    def __init__(self, out: Path):
        self.out = out
        self.target = os.readlink(out)
        self.kb_json = (out / "kb.json").read_bytes()
        self.partials = self._partials()

    def _partials(self) -> set[str]:
        gens = self.out.parent / f".{self.out.name}.gens"
        return {p.name for p in gens.iterdir() if p.name.endswith(".partial")}

    def assert_unchanged(self, killed: bool = False):
        assert os.readlink(self.out) == self.target
        assert (self.out / "kb.json").read_bytes() == self.kb_json
        if not killed:  # a killed build cannot clean up; its leftover is pruned by a later build
            assert self._partials() <= self.partials


@pytest.fixture(scope="module")
def previous(tmp_path_factory):
    """A complete build of the seed plan, the one every failing build must leave alone."""
    out = tmp_path_factory.mktemp("prev") / "build"
    r = kb("build", SEED, "--out", out)
    assert r.exit_code == 0, r.output
    return out


@pytest.fixture(scope="module")
def reference(previous):
    return built_doc(previous)


def units_of(doc: dict) -> list:
    """The parsed content of a document, without what depends on the file's bytes or name."""
    return [
        [(t["id"], t["title"], t["text"], [s["text"] for s in t["sentences"]]) for t in doc["tasks"]],
        [(tb["id"], [(r["name"], r["target"]) for r in tb["rows"]]) for tb in doc["indicator_tables"]],
        [(c["id"], c["title"]) for c in doc["chapters"]],
    ]


def built_doc(out: Path) -> dict:
    """The build's first document as `kb export --format json` gives it (kb.json stores it compactly)."""
    from kb.query.load import load_kb

    return kb_to_dict(load_kb(out))["documents"][0]


# --------------------------------------------------------------------------- files that build


@pytest.mark.parametrize(
    "codec,name", [("gbk", "gbk"), ("gb18030", "gbk"), ("utf-16", "utf-16"), ("utf-8-sig", "utf-8")]
)
def test_other_encodings_build_the_same_plan(tmp_path, reference, codec, name):
    # plain GB18030 text that GBK can also decode is reported as gbk (the narrower name)
    f = tmp_path / "acftu-14th-fyp-part2.txt"
    f.write_bytes(SEED_TEXT.encode(codec))
    r = kb("build", f, "--out", tmp_path / "build")
    assert r.exit_code == 0, r.output
    doc = built_doc(tmp_path / "build")
    assert units_of(doc) == units_of(reference)
    assert doc["encoding"] == name
    c = kb("check", f)
    assert c.exit_code == 0 and f": {name}, 11718 characters" in c.output


def test_gb18030_with_characters_outside_gbk(tmp_path):
    f = tmp_path / "plan.txt"
    # 𠀀 (U+20000) exists in GB18030 only
    f.write_bytes(SEED_TEXT.replace("农民工", "农民工𠀀", 1).encode("gb18030"))
    r = kb("build", f, "--out", tmp_path / "build")
    assert r.exit_code == 0, r.output
    doc = built_doc(tmp_path / "build")
    assert doc["encoding"] == "gb18030" and "农民工𠀀" in json.dumps(doc, ensure_ascii=False)


def test_mixed_line_ends_build_the_same_plan(tmp_path, reference):
    lines = SEED_TEXT.split("\n")
    ends = ["\r\n", "\n", "\r\n", "\r"]
    text = "".join(ln + ends[i % 4] for i, ln in enumerate(lines[:-1])) + lines[-1]
    f = tmp_path / "acftu-14th-fyp-part2.txt"
    f.write_bytes(text.encode("utf-8"))
    r = kb("build", f, "--out", tmp_path / "build")
    assert r.exit_code == 0, r.output
    doc = built_doc(tmp_path / "build")
    assert units_of(doc) == units_of(reference)
    assert not any("\r" in t["text"] for t in doc["tasks"])
    # the notes (page-break joins report source lines) still name the right lines
    assert doc["notes"] == reference["notes"]


def test_plan_without_headings_builds_as_paragraphs(tmp_path):
    # the seed's prose only: no chapter lines, no item numbers, no tables
    paras = []
    for ln in SEED_TEXT.split("\n"):
        s = ln.strip()
        if not s or "\t" in s or s.endswith("指标") or "版）" in s or "、" in s[:3]:
            continue
        paras.append(s.split(". ", 1)[-1])
    f = tmp_path / "prose.txt"
    f.write_text("\n\n".join(paras[:8]), encoding="utf-8")
    r = kb("build", f, "--out", tmp_path / "build")
    assert r.exit_code == 0, r.output
    doc = built_doc(tmp_path / "build")
    assert doc["tasks"] == [] and doc["chapters"] == []
    # every word is kept; the page-break pieces of task 19 (机|构建设) are joined into one paragraph
    assert "".join(p["text"] for p in doc["paragraphs"]) == "".join(paras[:8])
    assert len(doc["paragraphs"]) == 7
    c = kb("check", f)
    assert c.exit_code == 0
    assert "note: no chapter headings found" in c.output
    assert "note: no numbered tasks found" in c.output


HANG_GUARD_S = 900  # not a speed goal (those live in scripts/bench.py): only stops a hung build


@pytest.mark.slow
def test_one_line_of_two_megabytes_builds(tmp_path, previous):
    body = SEED_TEXT.replace("\n", "")
    text = body * (2_000_000 // len(body.encode("utf-8")) + 1)
    text = text.encode("utf-8")[:2_000_000].decode("utf-8", "ignore")
    assert "\n" not in text and len(text.encode("utf-8")) > 1_990_000
    f = tmp_path / "line.txt"
    f.write_text(text, encoding="utf-8")
    c = kb("check", f)  # the parser alone is fast on it
    assert c.exit_code == 0 and "no numbered tasks found" in c.output
    p = subprocess.run(
        kb_exe() + ["build", str(f), "--out", str(previous), "-q"], capture_output=True, text=True, timeout=HANG_GUARD_S
    )
    assert "Traceback" not in p.stderr
    assert p.returncode == 0, p.stderr
    doc = built_doc(previous)
    got = "".join(u["text"] for u in doc["paragraphs"])
    want = text.replace("（上接第2版）", "").strip()
    # compare without letting pytest diff two 2 MB strings (that alone takes hours)
    same = got == want
    first = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
    assert same, f"the paragraph text differs from the line from character {first}"


# --------------------------------------------------------------------------- files that fail cleanly


def _docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document><w:body><w:p>一、甲</w:p></w:body></w:document>")
    return buf.getvalue()


BAD_FILES = {
    "pdf": (lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "PDF"),
    "docx": (_docx, "DOCX"),
    "empty": (lambda: b"", "empty file"),
    "blank": (lambda: b"\n \r\n\t\n", "no text"),
    "nul": (lambda: SEED_TEXT[:3000].encode("utf-8") + b"\x00" + SEED_TEXT[3000:].encode("utf-8"), "binary"),
    "latin1-garbage": (lambda: bytes(range(128, 256)) * 40, ""),
}


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_builds_the_same_plan(tmp_path, codec):
    f = tmp_path / "plan.txt"
    f.write_bytes(SEED_TEXT.encode(codec))
    c = kb("check", f)
    assert c.exit_code == 0 and f": {codec} (no BOM)," in c.output and "24 tasks (14–37)" in c.output


def test_binary_with_nul_bytes_of_even_length_is_still_refused(tmp_path):
    f = tmp_path / "blob.txt"
    f.write_bytes(bytes(range(256)) * 64)
    assert_one_line_error(kb("check", f), "binary", f.name)


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_bad_file_fails_in_one_line_and_keeps_the_previous_build(tmp_path, previous, kind):
    make, needle = BAD_FILES[kind]
    f = tmp_path / f"{kind}.txt"
    f.write_bytes(make())
    snap = Snapshot(previous)
    r = kb("build", f, "--out", previous)
    assert_one_line_error(r, needle, f.name)
    snap.assert_unchanged()
    c = kb("check", f)
    assert_one_line_error(c, needle, f.name)


def test_one_bad_file_among_good_ones_fails_the_whole_build(tmp_path, previous):
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(SEED, folder / "a-seed.txt")
    (folder / "b-report.txt").write_bytes(BAD_FILES["pdf"][0]())
    snap = Snapshot(previous)
    r = kb("build", folder, "--out", previous)
    assert_one_line_error(r, "b-report.txt", "PDF")
    snap.assert_unchanged()


def test_real_subprocess_bad_file_is_one_line_on_stderr(tmp_path, previous):
    f = tmp_path / "scan.txt"
    f.write_bytes(BAD_FILES["pdf"][0]())
    snap = Snapshot(previous)
    p = subprocess.run(kb_exe() + ["build", str(f), "--out", str(previous)], capture_output=True, text=True)
    assert p.returncode == 2
    assert p.stdout == ""
    assert p.stderr.count("\n") == 1 and p.stderr.startswith("kb: error: ") and "PDF" in p.stderr
    snap.assert_unchanged()
    e = subprocess.run(
        kb_exe() + ["build", str(tmp_path / "nothing.txt"), "--out", str(previous)], capture_output=True, text=True
    )
    assert e.returncode == 2 and e.stderr.startswith("kb: error: ") and "Traceback" not in e.stderr
    snap.assert_unchanged()


# --------------------------------------------------------------------------- the world changes under the build


def test_file_removed_after_listing_fails_cleanly(tmp_path, previous, monkeypatch):
    import kb.build as kbb

    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(SEED, folder / "a.txt")
    shutil.copy(SEED, folder / "b.txt")
    real = kbb.collect  # what the build calls with the listed files (make_kb wraps it too)

    def delete_then_collect(files, *a, **kw):
        (folder / "b.txt").unlink(missing_ok=True)  # listed, then gone before it is read
        return real(files, *a, **kw)

    monkeypatch.setattr(kbb, "collect", delete_then_collect)
    snap = Snapshot(previous)
    r = kb("build", folder, "--out", previous)
    assert_one_line_error(r, "b.txt")
    snap.assert_unchanged()


def test_file_removed_between_hashing_and_parsing_fails_cleanly(tmp_path, previous, monkeypatch):
    import kb.parse.text as kbp

    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(SEED, folder / "a.txt")
    shutil.copy(SEED, folder / "b.txt")
    real = kbp.parse_file

    def parse_then_delete_next(path, *a, **kw):
        doc = real(path, *a, **kw)
        (folder / "b.txt").unlink(missing_ok=True)  # the file parsed next disappears
        return doc

    monkeypatch.setattr(kbp, "parse_file", parse_then_delete_next)
    snap = Snapshot(previous)
    r = kb("build", folder, "--out", previous, "--no-cache", "-j", "1")
    assert_one_line_error(r, "b.txt")
    snap.assert_unchanged()


def test_file_edited_during_a_build_does_not_poison_the_cache(tmp_path, monkeypatch):
    import kb.parse.text as kbp

    folder = tmp_path / "corpus"
    folder.mkdir()
    f = folder / "plan.txt"
    edited = SEED_TEXT.replace("做好农民工维权服务工作", "做好快递员维权服务工作")
    f.write_text(SEED_TEXT, encoding="utf-8")
    real = kbp.parse_file

    def edit_then_parse(path, *a, **kw):
        Path(path).write_text(edited, encoding="utf-8")  # the user saves while the build runs
        return real(path, *a, **kw)

    monkeypatch.setattr(kbp, "parse_file", edit_then_parse)
    kb("build", folder, "--out", tmp_path / "build", "-j", "1")
    monkeypatch.setattr(kbp, "parse_file", real)
    f.write_text(SEED_TEXT, encoding="utf-8")  # and then undoes the edit
    r = kb("build", folder, "--out", tmp_path / "build", "-j", "1")
    assert r.exit_code == 0, r.output
    doc = built_doc(tmp_path / "build")
    assert "做好农民工维权服务工作" in [t["title"] for t in doc["tasks"]]


def _deny_writes_in(monkeypatch, folder: Path):
    """Make every new entry directly inside ``folder`` fail as it would in a folder without
    write permission (root ignores chmod, so the tests that run as root need this)."""
    folder = Path(os.path.realpath(folder))

    def guarded(fn, *which):
        def wrapper(*args, **kw):
            for i in which:
                p = args[i] if i < len(args) else None
                if p is not None and Path(os.path.realpath(os.path.dirname(os.path.abspath(p)))) == folder:
                    raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(p))
            return fn(*args, **kw)

        return wrapper

    monkeypatch.setattr(os, "mkdir", guarded(os.mkdir, 0))
    monkeypatch.setattr(os, "symlink", guarded(os.symlink, 1))
    monkeypatch.setattr(os, "rename", guarded(os.rename, 1))
    monkeypatch.setattr(os, "replace", guarded(os.replace, 1))


def test_read_only_parent_without_a_previous_build_fails_cleanly(tmp_path, monkeypatch):
    parent = tmp_path / "ro"
    parent.mkdir()
    _deny_writes_in(monkeypatch, parent)
    r = kb("build", SEED, "--out", parent / "build")
    assert_one_line_error(r, "ermission denied")
    assert list(parent.iterdir()) == []


def test_read_only_parent_with_a_previous_build_fails_cleanly(tmp_path, monkeypatch):
    out = tmp_path / "ro" / "build"
    assert kb("build", SEED, "--out", out).exit_code == 0
    snap = Snapshot(out)
    _deny_writes_in(monkeypatch, out.parent)
    r = kb("build", SEED, "--out", out)
    assert_one_line_error(r, "ermission denied")
    snap.assert_unchanged()


def test_disk_full_while_writing_fails_cleanly(previous, monkeypatch):
    real = Path.write_text

    def full(self, *a, **kw):
        if any(part.endswith(".partial") for part in self.parts):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return real(self, *a, **kw)

    monkeypatch.setattr(Path, "write_text", full)
    snap = Snapshot(previous)
    r = kb("build", SEED, "--out", previous, "--no-cache")
    assert_one_line_error(r, "No space left")
    snap.assert_unchanged()


@pytest.mark.skipif(
    os.geteuid() == 0,
    reason="root ignores folder permissions (CI runs as root); the monkeypatched tests above cover this case",
)
def test_read_only_parent_with_chmod(tmp_path):
    out = tmp_path / "ro" / "build"
    assert kb("build", SEED, "--out", out).exit_code == 0
    snap = Snapshot(out)
    os.chmod(out.parent, 0o555)
    try:
        r = kb("build", SEED, "--out", out)
    finally:
        os.chmod(out.parent, 0o755)
    assert_one_line_error(r)
    snap.assert_unchanged()


# --------------------------------------------------------------------------- a 20 MB file


def test_a_twenty_megabyte_file_is_refused_in_one_line(tmp_path, previous):
    # one plan is 10–200 k characters; 20 MB is a concatenation (or not a plan) and is refused
    # before it is read, quickly and with the previous build intact
    f = tmp_path / "huge.txt"
    unit = SEED_TEXT.encode("utf-8")
    with open(f, "wb") as out:
        while out.tell() < 20 * 2**20:
            out.write(unit + b"\n\n")
    snap = Snapshot(previous)
    p = subprocess.run(
        kb_exe() + ["build", str(f), "--out", str(previous), "-q"], capture_output=True, text=True, timeout=HANG_GUARD_S
    )
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert p.stderr.count("\n") == 1 and p.stderr.startswith("kb: error: ")
    assert "MB is more than the 8 MB allowed for one plan" in p.stderr and "KB_MAX_FILE_MB" in p.stderr
    snap.assert_unchanged()
    r = kb("check", f)
    assert r.exit_code == 2 and "KB_MAX_FILE_MB" in r.output


def test_the_file_size_limit_is_configurable(tmp_path, monkeypatch):
    f = tmp_path / "p.txt"
    f.write_text(SEED_TEXT, encoding="utf-8")
    monkeypatch.setenv("KB_MAX_FILE_MB", "0.01")
    r = kb("check", f)
    assert r.exit_code == 2 and "more than the 0 MB allowed" in r.output
    monkeypatch.setenv("KB_MAX_FILE_MB", "lots")
    r = kb("check", f)
    assert r.exit_code == 2 and "KB_MAX_FILE_MB='lots' is not a number" in r.output
    monkeypatch.setenv("KB_MAX_FILE_MB", "1")
    assert kb("check", f).exit_code == 0


# --------------------------------------------------------------------------- fuzz

_pieces = st.sampled_from(
    [
        "一、",
        "十二、",
        "第三章 ",
        "（二）",
        "7. ",
        "１２．",
        "3、",
        "1.6万家",
        "2025年底",
        "80%以上",
        "具体指标\t发展目标",
        "“十四五”时期工会“精准服务”指标",
        "1.职工书屋\t达到1万家。",
        "\t",
        "\n",
        "\n\n",
        "\r\n",
        "\r",
        "。",
        "；",
        ";",
        "，",
        ",",
        "“",
        "”",
        "(",
        ")",
        "（",
        "）",
        "《工会法》",
        "（上接第2版）",
        "（下转第3版）",
        "职工",
        "农民工",
        "机\n\n构",
        "\ufeff",
        " ",
        "　",
        "\u00b7",
        "\x0c",
    ]
)
_texts = st.lists(st.one_of(_pieces, st.text(max_size=5)), max_size=50).map("".join)


@settings(
    max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(_texts)
def test_fuzz_normalize_parse_kb_json_round_trip(text):
    norm = normalize_text(text)
    doc = parse_text(norm.text, doc_id="fuzz", source="fuzz.txt", norm=norm)
    check_lossless(doc)
    first = json.dumps(kb_to_dict(KB(documents=[doc])), ensure_ascii=False, sort_keys=True)
    again = json.dumps(kb_to_dict(kb_from_dict(json.loads(first))), ensure_ascii=False, sort_keys=True)
    assert again == first


_raw = st.one_of(
    st.binary(max_size=200),
    st.tuples(_texts, st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "gb18030", "gbk"])).map(
        lambda tc: tc[0].encode(tc[1], errors="replace")
    ),
)


@settings(max_examples=max(100, FUZZ_EXAMPLES // 4), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_raw)
def test_fuzz_any_bytes_decode_or_fail_with_one_line(raw):
    try:
        text, enc, bom = decode(raw, "f.txt")
    except KBError as e:
        msg = str(e)
        assert msg.startswith("f.txt: ") and "\n" not in msg
        return
    norm = normalize_text(text, enc, bom)
    check_lossless(parse_text(norm.text, norm=norm))
