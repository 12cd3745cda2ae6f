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


@contextlib.contextmanager
def atomic_build(out: Path) -> Iterator[Path]:
    """Yield an empty folder to write a build into; on success make it ``out``."""
    out = Path(out)
    gens = gens_dir(out)
    name = time.strftime("%Y%m%d-%H%M%S") + f"-{os.getpid()}-{time.monotonic_ns() % 10**6:06d}"
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
        # an old plain folder (or one a user made): move it aside, it cannot be replaced atomically
        aside = gens_dir(out) / ("legacy-" + time.strftime("%Y%m%d-%H%M%S"))
        os.rename(out, aside)
    os.replace(link_tmp, out)


def _prune(gens: Path, keep: set[str]) -> None:
    done = sorted(p for p in gens.iterdir() if p.is_dir() and p.name[:1].isdigit() and not p.name.endswith(".partial"))
    for old in done[:-KEEP_GENERATIONS]:
        if os.path.realpath(old) not in keep:
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
