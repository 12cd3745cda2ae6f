"""`kb site` (write the static site of the current build) and `kb serve` (serve it locally)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import click

from kb.errors import KBError

build_option = click.option(
    "--build",
    "build_dir",
    default="build",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The build folder whose knowledge base the site shows.",
)


def _is_site(folder: Path) -> bool:
    return (folder / "index.html").is_file() and (folder / "assets" / "search-index.js").is_file()


def _is_vault(folder: Path) -> bool:
    return (folder / "index.md").is_file() and (folder / "entities.md").is_file()


def write_site_atomic(kb, out: Path, vault: bool = False) -> Path:
    """Write the site (or the Obsidian vault) beside ``out`` and swap it in, so a reader never
    sees half of it. An existing folder is replaced only when it is empty or one we wrote."""
    from kb.site.build import write_site
    from kb.site.vault import write_vault

    out = Path(out)
    ours = _is_vault if vault else _is_site
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


@click.command("site")
@click.option(
    "--out",
    "out",
    default=None,
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to write the site  [default: BUILD/site]",
)
@click.option(
    "--vault",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Also write the pages as an Obsidian vault (Markdown notes with [[wikilinks]]) here.",
)
@build_option
def site_cmd(out, vault, build_dir):
    """Write the static site (HTML, offline search, task graph) for the current build.

    Open OUT/index.html in a browser straight from disk; no server or network is needed.
    """
    from kb.commands.core import load_kb

    kb = load_kb(build_dir)
    out = out or (build_dir / "site")
    write_site_atomic(kb, out)
    n = sum(1 for p in Path(out).glob("*.html"))
    click.echo(f"site: {n} pages in {out}; open {Path(out).absolute() / 'index.html'}")
    if vault:
        write_site_atomic(kb, vault, vault=True)
        n = sum(1 for p in Path(vault).glob("*.md"))
        click.echo(f"vault: {n} notes in {vault}; open the folder as a vault in Obsidian")


@click.command("serve")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--out",
    "out",
    default=None,
    type=click.Path(file_okay=False, path_type=Path),
    help="The site folder  [default: BUILD/site]",
)
@build_option
def serve_cmd(port, out, build_dir):
    """Serve the static site on http://127.0.0.1:PORT/ (local only; Ctrl-C stops)."""
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    out = out or (build_dir / "site")
    if not _is_site(Path(out)):
        from kb.commands.core import load_kb

        click.echo(f"kb: no site in {out}; writing it first", err=True)
        write_site_atomic(load_kb(build_dir), out)
    from kb.store import generation_of, hold, release

    class Handler(SimpleHTTPRequestHandler):
        extensions_map = {
            **SimpleHTTPRequestHandler.extensions_map,
            ".html": "text/html; charset=utf-8",
            ".js": "text/javascript; charset=utf-8",
            ".css": "text/css; charset=utf-8",
        }

    state = {"root": None, "mark": None}
    lock = threading.Lock()

    def current_root() -> str:
        """The site folder as of now: ``build`` is a link that each rebuild swaps, so it is resolved
        for every request; the generation served is marked held, so a rebuild never prunes it."""
        root = os.path.realpath(out)
        with lock:
            if root != state["root"]:
                gen = generation_of(Path(root))
                old = state["mark"]
                state["mark"] = hold(gen) if gen is not None else None
                release(old if old != state["mark"] else None)
                state["root"] = root
        return root

    def handler(*args, **kwargs):
        return Handler(*args, directory=current_root(), **kwargs)

    root = current_root()
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as e:
        release(state["mark"])
        raise KBError(f"cannot listen on 127.0.0.1:{port}: {e.strerror}") from None
    try:
        with server:
            click.echo(f"serving {out} ({root}) at http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C stops)")
            try:
                server.serve_forever()
            except KeyboardInterrupt:
                click.echo("stopped")
    finally:
        release(state["mark"])
