"""Options and output helpers shared by the commands."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kb.textsafe import fix_surrogates, safe

if TYPE_CHECKING:  # `kb search` imports this module and must not pay for the model's classes
    from kb.build.kbjson import Part
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


def echo(message: str = "", **kw) -> None:
    """``click.echo`` of text that may hold corpus text, through :func:`kb.textsafe.safe`."""
    click.echo(safe(message) if isinstance(message, str) else message, **kw)


def warn(message: str) -> None:
    """One line on stderr."""
    click.echo(message, err=True)


def dump(data) -> None:
    # JSON escapes control characters itself; lone surrogates from undecodable arguments are not
    # valid UTF-8 and become U+FFFD
    click.echo(fix_surrogates(json.dumps(data, ensure_ascii=False, indent=2)))


def load_kb(out: Path, edges: bool = True, part: Part | None = None) -> KB:
    """The knowledge base of the build at ``out`` (the bundled corpus is built first if there is
    none); ``edges``: False for a command that reads none (a third of kb.json left unparsed);
    ``part``: the part of each document it prints (kb.build.kbjson.read_kb_json)."""
    from kb.query.load import load_kb as _load

    return _load(out, notify=warn, edges=edges, part=part)


def generation(out: Path) -> Path:
    """The generation folder of the build at ``out`` (built first if there is none)."""
    from kb.build import ensure_built

    return ensure_built(out, notify=warn)


build_option = click.option(
    "--build",
    "build_dir",
    default="build",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The build folder whose knowledge base the site shows.",
)

FORMATS = ("text", "json", "csv", "tsv")


def output_options(f):
    """``--json``, ``--csv``, ``--tsv``: the output format, passed as ``fmt`` ("text" when none is given)."""
    f = click.option("--tsv", "fmt", flag_value="tsv", help="Tab-separated rows with a header row.")(f)
    f = click.option("--csv", "fmt", flag_value="csv", help="Comma-separated rows with a header row.")(f)
    f = click.option("--json", "fmt", flag_value="json", help="Machine-readable output.")(f)
    f = click.option("--text", "fmt", flag_value="text", default=True, hidden=True)(f)
    return f


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v == int(v):
        return str(int(v))
    if isinstance(v, (list, tuple)):
        return ";".join(_cell(x) if not isinstance(x, (dict, list)) else json.dumps(x, ensure_ascii=False) for x in v)
    if isinstance(v, dict):
        return json.dumps(v, ensure_ascii=False)
    return str(v)


def output_rows(rows: list[dict], fmt: str, *, columns: list[str] | None = None, document=None) -> None:
    """Print ``rows`` as JSON (``document`` when given, the whole answer, else the rows), or CSV
    or TSV with a header row (``columns``, default: every key in first-seen order). Lists are
    joined with ";", objects written as JSON; tabs and newlines inside a TSV cell become spaces."""
    if fmt == "json":
        dump(rows if document is None else document)
        return
    if fmt not in ("csv", "tsv"):
        raise ValueError(f"output_rows: unknown format {fmt!r}")
    cols = columns or list(dict.fromkeys(k for r in rows for k in r))
    table = [cols] + [[_cell(r.get(c)) for c in cols] for r in rows]
    if fmt == "csv":
        import csv
        import io

        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(table)
        click.echo(safe(buf.getvalue()), nl=False)
    else:
        for line in table:
            click.echo(safe("\t".join(c.replace("\t", " ").replace("\n", " ") for c in line)))
