"""The files of a build: the plan files named or found in the folders named, their ids (from
the file names) and the optional ``<name>.meta.json`` beside each."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from kb.errors import KBError

PACKAGE_ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_CORPUS = PACKAGE_ROOT / "corpus"

CORPUS_SUFFIXES = {".txt", ".docx", ".html", ".htm", ".pdf", ".md"}
NOT_PLANS = {"README", "CHANGELOG", "LICENSE", "NOTES"}  # a folder's own notes, not plans


def collect_corpus(paths: Sequence[Path]) -> list[Path]:
    """The files named, or the plan files (.txt, .docx, .html, .pdf, .md) inside the folders named; sorted for a deterministic build.
    Every file is checked (a regular file, within the size limit) before anything reads it."""
    from kb.parse.normalize import check_input_file

    if not paths:
        paths = [DEFAULT_CORPUS]
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(
                f
                for f in p.iterdir()
                if f.suffix.lower() in CORPUS_SUFFIXES
                and not f.name.startswith(".")
                and f.stem.upper() not in NOT_PLANS
            )
            if not found:
                raise KBError(f"{p}: no plan files in this folder (.txt, .docx, .html, .pdf, .md)")
            files.extend(found)
        else:
            files.append(p)
    limit = None
    for f in files:
        limit = check_input_file(f, limit)
    return files


def _meta_title(path: Path) -> str | None:
    """An optional ``<name>.meta.json`` beside a corpus file gives what the text itself may lack
    (a newspaper page has no title line): ``{"title": "..."}``."""
    meta = Path(path).with_suffix(".meta.json")
    if not meta.exists():
        return None
    from kb.parse.normalize import read_capped

    raw = read_capped(meta, 2**20)  # a regular file of at most 1 MB
    try:
        data = json.loads(raw.decode("utf-8-sig"))  # a BOM (Windows Notepad) is fine
    except UnicodeDecodeError as e:
        raise KBError(f"{meta}: not UTF-8 ({e.reason} at byte {e.start})") from None
    except ValueError as e:
        raise KBError(f"{meta}: not valid JSON ({e})") from None
    except RecursionError:
        raise KBError(f"{meta}: not valid JSON (nested too deeply)") from None
    if not isinstance(data, dict):
        raise KBError(f'{meta}: expected a JSON object such as {{"title": "..."}}')
    title = data.get("title")
    if isinstance(title, str):
        try:
            title.encode("utf-8")
        except UnicodeEncodeError:
            raise KBError(f"{meta}: the title holds an invalid character (a lone surrogate \\u escape)") from None
    return title.strip() if isinstance(title, str) and title.strip() else None


def _check_file_ids(ids, files) -> None:
    seen: dict[str, Path] = {}
    for i, f in zip(ids, files):
        if i in seen:
            raise KBError(f"{f}: document id {i!r} clashes with {seen[i]}; rename one file")
        seen[i] = f


def _check_ids(docs, files) -> None:
    seen: dict[str, Path] = {}
    for d, f in zip(docs, files):
        if d.id in seen:
            raise KBError(f"{f}: document id {d.id!r} clashes with {seen[d.id]}; rename one file")
        seen[d.id] = f


def _file_id(path: Path) -> str:
    from kb.parse.text import slug

    return slug(Path(path).stem)
