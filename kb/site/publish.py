"""Writing the site (or the Obsidian vault) atomically into a folder."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from kb.errors import KBError
from kb.model import KB


def is_site(folder: Path) -> bool:
    return (folder / "index.html").is_file() and (folder / "assets" / "search-index.js").is_file()


def is_vault(folder: Path) -> bool:
    return (folder / "index.md").is_file() and (folder / "entities.md").is_file()


def write_site_atomic(kb: KB, out: Path, vault: bool = False) -> Path:
    """Write the site (or the Obsidian vault) beside ``out`` and swap it in, so a reader never
    sees half of it. An existing folder is replaced only when it is empty or one we wrote."""
    from kb.site.build import write_site
    from kb.site.vault import write_vault

    out = Path(out)
    ours = is_vault if vault else is_site
    if out.exists() and not out.is_symlink():
        if not out.is_dir():
            raise KBError(f"{out}: exists and is not a folder")
        if any(out.iterdir()) and not ours(out):
            what = "vault" if vault else "site"
            raise KBError(f"{out}: folder exists and is not a plankb {what}; refusing to replace it")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise KBError(f"cannot create {out.parent}: {e.strerror}") from None
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        (write_vault if vault else write_site)(kb, tmp)
        if out.is_symlink():
            out.unlink()  # rename() cannot put a folder over a symbolic link
            os.rename(tmp, out)
        elif out.exists():
            aside = out.parent / f".{out.name}.old-{os.getpid()}"
            os.rename(out, aside)
            os.rename(tmp, out)
            shutil.rmtree(aside, ignore_errors=True)
        else:
            os.rename(tmp, out)
    except OSError as e:
        raise KBError(f"cannot write the site to {out}: {e.strerror or e}") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out
