"""Options and output helpers shared by the commands."""

from __future__ import annotations

import json
from pathlib import Path

import click

from kb.model import KB

out_option = click.option(
    "--out",
    "--build",
    "out",
    default="build",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The build folder.",
)

json_option = click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")


def warn(message: str) -> None:
    """One line on stderr."""
    click.echo(message, err=True)


def dump(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def load_kb(out: Path) -> KB:
    """The knowledge base of the build at ``out`` (the bundled corpus is built first if there is none)."""
    from kb.query.load import load_kb as _load

    return _load(out, notify=warn)


def generation(out: Path) -> Path:
    """The generation folder of the build at ``out`` (built first if there is none)."""
    from kb.build import ensure_built

    return ensure_built(out, notify=warn)
