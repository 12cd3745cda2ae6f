"""`kb site` (write the static site of the current build) and `kb serve` (serve it locally)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from kb.commands.options import build_option, load_kb, warn
from kb.errors import KBError
from kb.site.publish import is_site, write_site_atomic


def _site_dir_options(f):
    """``--site-dir`` and its deprecated old name ``--out`` (which everywhere else means the build folder)."""

    def deprecated(ctx, param, value):
        if value is not None:
            warn(f"kb: warning: `kb {ctx.info_name} --out` is deprecated, use --site-dir")
        return value

    f = click.option(
        "--out",
        "old_out",
        default=None,
        hidden=True,
        expose_value=True,
        callback=deprecated,
        type=click.Path(file_okay=False, path_type=Path),
    )(f)
    return click.option(
        "--site-dir",
        "site_dir",
        default=None,
        type=click.Path(file_okay=False, path_type=Path),
        help="The site folder  [default: BUILD/site]",
    )(f)


@click.command("site")
@_site_dir_options
@click.option(
    "--vault",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Also write the pages as an Obsidian vault (Markdown notes with [[wikilinks]]) here.",
)
@build_option
def site_cmd(site_dir, old_out, vault, build_dir):
    """Write the static site (HTML, offline search, task graph) for the current build.

    Open SITE_DIR/index.html in a browser straight from disk; no server or network is needed.
    """
    kb = load_kb(build_dir)
    out = site_dir or old_out or (build_dir / "site")
    write_site_atomic(kb, out)
    n = sum(1 for p in Path(out).glob("*.html"))
    click.echo(f"site: {n} pages in {out}; open {Path(out).absolute() / 'index.html'}")
    if vault:
        write_site_atomic(kb, vault, vault=True)
        n = sum(1 for p in Path(vault).glob("*.md"))
        click.echo(f"vault: {n} notes in {vault}; open the folder as a vault in Obsidian")


@click.command("serve")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@_site_dir_options
@build_option
def serve_cmd(port, site_dir, old_out, build_dir):
    """Serve the static site on http://127.0.0.1:PORT/ (local only; Ctrl-C stops)."""
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    out = site_dir or old_out or (build_dir / "site")
    if not is_site(Path(out)):
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

    state: dict[str, Any] = {"root": None, "mark": None}
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
