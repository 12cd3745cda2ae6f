"""The ``kb`` command: a thin shell over the library.

Commands live in ``kb/commands/*.py`` and are imported only when called, so ``kb search``
pays for whoosh and nothing else (no spaCy, no jieba dictionary).
"""

from __future__ import annotations

import importlib
import sys

import click

from kb.errors import KBError
from kb.textsafe import fix_surrogates

# command name -> "module:attribute"; the help text comes from the command itself
COMMANDS = {
    "mentions": "kb.commands.mentions:mentions_cmd",
    "targets": "kb.commands.mentions:targets_cmd",
    "entities": "kb.commands.mentions:entities_cmd",
    "build": "kb.commands.core:build_cmd",
    "show": "kb.commands.core:show_cmd",
    "check": "kb.commands.core:check_cmd",
    "export": "kb.commands.core:export_cmd",
    "search": "kb.commands.search:search_cmd",
    "graph": "kb.commands.graph:graph_cmd",
    "site": "kb.commands.site:site_cmd",
    "serve": "kb.commands.site:serve_cmd",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx):
        return sorted(COMMANDS)

    def get_command(self, ctx, name):
        target = COMMANDS.get(name)
        if target is None:
            return None
        mod, attr = target.split(":")
        return getattr(importlib.import_module(mod), attr)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        """Click's own main, with its errors in our format: a usage error is one
        ``kb: error: …`` line (exit 2) instead of click's usage, hint and ``Error:`` lines."""
        if args is None:
            args = sys.argv[1:]
        args = _clean_args(list(args))
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            code = rv if isinstance(rv, int) else 0
        except click.UsageError as e:
            hint = (
                f" (see: kb {e.ctx.command_path.split(' ', 1)[1]} --help)"
                if e.ctx and " " in e.ctx.command_path
                else " (see: kb --help)"
            )
            click.echo(f"kb: error: {fix_surrogates(e.format_message())}{hint}", err=True)
            code = 2
        except click.ClickException as e:
            click.echo(f"kb: error: {fix_surrogates(e.format_message())}", err=True)
            code = e.exit_code
        except click.exceptions.Exit as e:
            code = e.exit_code
        except click.Abort:
            click.echo("kb: interrupted", err=True)
            code = 130
        if not standalone_mode:
            return code
        sys.exit(code)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KBError as e:
            click.echo(f"kb: error: {fix_surrogates(str(e))}", err=True)
            ctx.exit(2)
        except RecursionError:
            click.echo("kb: error: input nested or repeated too deeply to process", err=True)
            ctx.exit(2)
        except KeyboardInterrupt:
            click.echo("kb: interrupted; the last complete build is unchanged", err=True)
            ctx.exit(130)
        except BrokenPipeError:
            # `kb search ... | head`: the reader left; not an error of ours
            sys.stderr.close()
            ctx.exit(0)


# commands whose arguments are words, not file names: an argument with bytes that are not
# UTF-8 (kept as surrogates by Python) becomes U+FFFD, so nothing downstream (whoosh, the JSON
# output) meets a string that cannot be encoded
_WORD_COMMANDS = {"search", "show", "mentions", "targets", "entities", "graph"}


def _clean_args(args: list[str]) -> list[str]:
    if args and args[0] in _WORD_COMMANDS:
        return [fix_surrogates(a) if isinstance(a, str) else a for a in args]
    return args


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="plankb", prog_name="kb")
def main():
    """plankb: a knowledge base for Chinese plan documents (规划、纲要、行动方案).

    Start with `kb build` (the bundled corpus), then `kb search 农民工` or `kb show 17`.
    """
