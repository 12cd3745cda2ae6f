"""The ``kb`` command: a thin shell over the library.

Commands live in ``kb/commands/*.py`` and are imported only when called, so ``kb search``
pays for whoosh and nothing else (no spaCy, no jieba dictionary).
"""

from __future__ import annotations

import importlib
import sys

import click

from kb.errors import KBError

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

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KBError as e:
            click.echo(f"kb: error: {e}", err=True)
            ctx.exit(2)
        except KeyboardInterrupt:
            click.echo("kb: interrupted; the last complete build is unchanged", err=True)
            ctx.exit(130)
        except BrokenPipeError:
            # `kb search ... | head`: the reader left; not an error of ours
            sys.stderr.close()
            ctx.exit(0)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="plankb", prog_name="kb")
def main():
    """plankb: a knowledge base for Chinese plan documents (规划、纲要、行动方案).

    Start with `kb build` (the bundled corpus), then `kb search 农民工` or `kb show 17`.
    """
