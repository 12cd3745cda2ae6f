"""Where a build lives, and how it is replaced atomically.

``build`` (or whatever ``--out`` names) is a symbolic link to one generation folder under
``.<name>.gens/`` beside it. A build writes a new generation and then swaps the link with
``os.replace``, which is atomic: a crash or Ctrl-C at any point leaves the old link, so readers
always see a complete build. Readers resolve the link once and read everything from that
generation, so a search running while a build swaps answers from one consistent version.
The previous generation is kept (a reader may still hold it); older ones are removed.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

from kb.errors import KBError

KB_FILE = "kb.json"
KEEP_GENERATIONS = 2


def gens_dir(out: Path) -> Path:
    return out.parent / f".{out.name}.gens"


_WRITE_ERRORS = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT}


def check_out(out: Path) -> None:
    """Refuse, before any work, a ``--out`` that cannot be a build: ``.``, ``..``, an empty name,
    a file, or a folder with content that is not a plankb build (it would be moved aside)."""
    out = Path(out)
    if str(out) in ("", ".", "..") or out.name in ("", ".", ".."):
        raise KBError(f"--out {str(out)!r}: give a folder name for the build, such as --out build")
    if out.is_symlink() or not out.exists():
        return
    if not out.is_dir():
        raise KBError(f"{out}: exists and is not a folder; choose another --out")
    try:
        empty = not any(out.iterdir())
    except OSError as e:
        raise KBError(f"{out}: cannot read ({e.strerror})") from None
    if not empty and not (out / KB_FILE).is_file():
        raise KBError(f"{out}: folder exists and is not a plankb build; refusing to replace it (choose another --out)")


@contextlib.contextmanager
def atomic_build(out: Path) -> Iterator[Path]:
    """Yield an empty folder to write a build into; on success make it ``out``."""
    out = Path(out)
    check_out(out)
    gens = gens_dir(out)
    # generations are ordered by name (the pruner keeps the newest): the nanoseconds within the
    # second keep two builds of one process in the same second in order (a remainder of the
    # monotonic clock did not: the older one could sort last and outlive its successor)
    now = time.time_ns()
    name = time.strftime("%Y%m%d-%H%M%S", time.localtime(now // 10**9)) + f"-{os.getpid()}-{now % 10**9:09d}"
    tmp = gens / (name + ".partial")
    try:
        gens.mkdir(parents=True, exist_ok=True)
        tmp.mkdir()
    except OSError as e:
        raise KBError(f"cannot write the build next to {out}: {e.strerror} ({gens})") from None
    try:
        yield tmp
        final = gens / name
        os.rename(tmp, final)
        publish(out, final)
    except OSError as e:
        shutil.rmtree(tmp, ignore_errors=True)
        if e.errno in _WRITE_ERRORS:
            raise KBError(f"cannot write the build at {out}: {e.strerror}; the previous build is unchanged") from None
        raise
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _prune(gens, keep={os.path.realpath(out)})


def publish(out: Path, generation: Path) -> None:
    rel = os.path.relpath(generation, out.parent)
    link_tmp = out.parent / f".{out.name}.link-{os.getpid()}"
    with contextlib.suppress(FileNotFoundError):
        link_tmp.unlink()
    os.symlink(rel, link_tmp)
    if out.exists() and not out.is_symlink():
        check_out(out)  # only an empty folder or an old plain-folder build is moved aside
        # an old plain-folder build: move it aside, it cannot be replaced atomically
        aside = gens_dir(out) / ("legacy-" + time.strftime("%Y%m%d-%H%M%S"))
        os.rename(out, aside)
    os.replace(link_tmp, out)


HOLD_PREFIX = ".held-"


def generation_of(path: Path) -> Path | None:
    """The generation folder that ``path`` (resolved) lies in, if any."""
    p = Path(os.path.realpath(path))
    for q in (p, *p.parents):
        if q.parent.name.startswith(".") and q.parent.name.endswith(".gens") and q.name[:1].isdigit():
            return q
    return None


def hold(generation: Path, pid: int | None = None) -> Path | None:
    """Mark ``generation`` as in use by this process (`kb serve`): the pruner keeps it while the
    process lives. Returns the mark, to :func:`release` it."""
    mark = Path(generation) / f"{HOLD_PREFIX}{pid or os.getpid()}"
    try:
        mark.touch()
    except OSError:
        return None
    return mark


def release(mark: Path | None) -> None:
    if mark is not None:
        with contextlib.suppress(OSError):
            mark.unlink()


def _held(gen: Path) -> bool:
    held = False
    for mark in gen.glob(HOLD_PREFIX + "*"):
        pid = mark.name[len(HOLD_PREFIX) :]
        if pid.isdigit() and _alive(int(pid)):
            held = True
        else:
            with contextlib.suppress(OSError):
                mark.unlink()  # its server is gone
    return held


def _prune(gens: Path, keep: set[str]) -> None:
    done = sorted(p for p in gens.iterdir() if p.is_dir() and p.name[:1].isdigit() and not p.name.endswith(".partial"))
    for old in done[:-KEEP_GENERATIONS]:
        if os.path.realpath(old) not in keep and not _held(old):
            shutil.rmtree(old, ignore_errors=True)
    for partial in gens.glob("*.partial"):
        # left by a build that was killed (SIGKILL, power loss); one still running keeps its own
        if not _alive(_writer_pid(partial.name)):
            shutil.rmtree(partial, ignore_errors=True)


def _writer_pid(name: str) -> int:
    """The pid in a generation name ``YYYYmmdd-HHMMSS-<pid>-<n>.partial`` (0 if unreadable)."""
    parts = name.split("-")
    return int(parts[2]) if len(parts) >= 4 and parts[2].isdigit() else 0


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def resolve(out: Path) -> Path:
    """The generation folder a reader should use (resolved once)."""
    return Path(os.path.realpath(out))


def write_output(path: Path, text: str) -> None:
    """Write an exported file (`kb export -o`); every failure is one KBError line."""
    path = Path(path)
    if str(path) in ("", "."):
        raise KBError("-o needs a file name")
    try:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    except IsADirectoryError:
        raise KBError(f"cannot write {path}: it is a folder; give a file name") from None
    except OSError as e:
        raise KBError(f"cannot write {path}: {e.strerror or e}") from None


def write_json(path: Path, data) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False)
    path.write_text(text + "\n", encoding="utf-8")


def read_json(path: Path, what: str):
    """A JSON file of a build; a missing or broken one is a KBError naming ``what`` it is."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KBError(f"no {what} at {path} (run: kb build)") from None
    except (OSError, ValueError) as e:
        raise KBError(f"cannot read {path}: {e} (run: kb build)") from None
