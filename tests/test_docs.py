"""The documentation matches the code: docs/cli.md is generated from the click commands and
up to date, it names every command and option, and every `kb …` line in README.md is a real
command with real options."""

from __future__ import annotations

import importlib.util
import re
import shlex
from pathlib import Path

import click
import pytest

from kb.cli import main as kb_main

ROOT = Path(__file__).resolve().parent.parent
CLI_MD = ROOT / "docs" / "cli.md"
README = ROOT / "README.md"


def _generator():
    spec = importlib.util.spec_from_file_location("gen_cli_docs", ROOT / "scripts" / "gen_cli_docs.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _commands():
    """(path, command) for `kb` and every subcommand, walked here, apart from the generator."""
    out = []

    def visit(cmd, ctx, path):
        out.append((path, cmd))
        if isinstance(cmd, click.Group):
            names = cmd.list_commands(ctx)
            assert names, f"{path} has no subcommands"
            for name in names:
                sub = cmd.get_command(ctx, name)
                assert sub is not None, f"{path} lists {name!r} but cannot load it"
                if not sub.hidden:
                    visit(sub, click.Context(sub, info_name=name, parent=ctx), f"{path} {name}")

    visit(kb_main, click.Context(kb_main, info_name="kb"), "kb")
    return out


COMMANDS = _commands()


def test_cli_md_is_up_to_date():
    expected = _generator().render()
    assert CLI_MD.exists(), "docs/cli.md is missing: run python scripts/gen_cli_docs.py"
    assert CLI_MD.read_text(encoding="utf-8") == expected, (
        "docs/cli.md is out of date: run python scripts/gen_cli_docs.py"
    )


def test_generator_check_mode(tmp_path, monkeypatch):
    gen = _generator()
    assert gen.main(["--check"]) == 0
    stale = tmp_path / "cli.md"
    stale.write_text("# stale\n", encoding="utf-8")
    monkeypatch.setattr(gen, "DOC", stale)
    monkeypatch.setattr(gen, "ROOT", tmp_path)
    assert gen.main(["--check"]) == 1


def test_the_tree_is_not_trivial():
    paths = {p for p, _ in COMMANDS}
    for p in ("kb build", "kb search", "kb show", "kb graph", "kb graph deps", "kb mentions"):
        assert p in paths


@pytest.mark.parametrize("path,cmd", COMMANDS, ids=[p for p, _ in COMMANDS])
def test_cli_md_names_every_command_and_option(path, cmd):
    text = CLI_MD.read_text(encoding="utf-8")
    sections = re.split(r"(?m)^## ", text)
    section = next((s for s in sections if s.split("\n", 1)[0].strip() == path), None)
    assert section is not None, f"docs/cli.md has no section for `{path}`"
    for p in cmd.params:
        if isinstance(p, click.Option) and not p.hidden:
            for flag in [*p.opts, *p.secondary_opts]:
                if flag.startswith("--"):
                    assert f"`{flag}`" in section, f"docs/cli.md: `{path}` lacks option {flag}"


# --------------------------------------------------------------------------- README


def _readme_command_lines() -> list[str]:
    """`kb …` command lines of README.md: `$ kb …` lines of console blocks (a trailing
    `# comment` dropped, `a | b` read as two commands) and inline code spans `kb …`."""
    text = README.read_text(encoding="utf-8")
    lines = []
    for block in re.findall(r"```console\n(.*?)```", text, re.S):
        for ln in block.splitlines():
            ln = ln.strip()
            if not ln.startswith("$ "):
                continue
            ln = re.split(r"\s+#\s", ln[2:], maxsplit=1)[0]
            lines += [seg.strip() for seg in re.split(r"\s\|\s", ln)]
    prose = re.sub(r"```.*?```", "", text, flags=re.S)
    lines += [m for m in re.findall(r"`(kb [^`]+)`", prose)]
    return [ln for ln in lines if ln.startswith("kb ")]


def _resolve(tokens: list[str]):
    """The command the tokens name, and the tokens after its name."""
    cmd, ctx, i = kb_main, click.Context(kb_main, info_name="kb"), 1
    while isinstance(cmd, click.Group) and i < len(tokens):
        sub = cmd.get_command(ctx, tokens[i])
        if sub is None:
            raise AssertionError(f"no command `{' '.join(tokens[: i + 1])}`")
        cmd, ctx, i = sub, click.Context(sub, info_name=tokens[i], parent=ctx), i + 1
    return cmd, tokens[i:]


def _check_line(line: str) -> None:
    # [-j 2], [CORPUS...]: optional parts as written in the README
    tokens = [t.strip("[]") for t in shlex.split(line)]
    tokens = [t for t in tokens if t and t not in ("...", "…")]
    cmd, rest = _resolve(tokens)
    opts = {o: p for p in cmd.params if isinstance(p, click.Option) for o in [*p.opts, *p.secondary_opts]}
    opts.update({o: None for o in ("-h", "--help")})
    i = 0
    while i < len(rest):
        tok = rest[i]
        i += 1
        if not tok.startswith("-") or tok == "-" or re.fullmatch(r"-\d.*", tok):
            continue
        name, eq, value = tok.partition("=")
        assert name in opts, (
            f"README: `{line}`: `{name}` is not an option of `{cmd.name}` (it has {', '.join(sorted(opts))})"
        )
        p = opts[name]
        if p is None or p.is_flag or p.count:
            continue
        if not eq:
            if i >= len(rest):
                raise AssertionError(f"README: `{line}`: `{name}` needs a value")
            value, i = rest[i], i + 1
        if isinstance(p.type, click.Choice):
            choices = [str(c) for c in p.type.choices]
            fold = (lambda s: s.lower()) if not p.type.case_sensitive else (lambda s: s)
            for v in value.split("|"):  # `--format json|csv|markdown`: any of these
                assert fold(v) in map(fold, choices), f"README: `{line}`: {name} {v!r} is not one of {choices}"


README_LINES = _readme_command_lines()


def test_readme_shows_kb_commands():
    assert len(README_LINES) >= 10


@pytest.mark.parametrize("line", README_LINES)
def test_readme_command_lines_are_real(line):
    _check_line(line)


@pytest.mark.parametrize(
    "line,problem",
    [
        ("kb frobnicate 17", "no command"),
        ("kb search 农民工 --no-such-flag", "not an option"),
        ("kb graph export --format pdf", "not one of"),
        ("kb graph nosuch 3", "no command"),
    ],
)
def test_readme_checker_catches_mistakes(line, problem):
    with pytest.raises(AssertionError, match=problem):
        _check_line(line)
