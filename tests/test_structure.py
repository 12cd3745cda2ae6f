"""Structure rules for kb/: no import cycles, no printing outside the commands, small modules,
short positional parameter lists."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
KB = ROOT / "kb"
MAX_LINES = 500
MAX_POSITIONAL = 6
# being replaced by kb/parse/outline.py
SIZE_EXEMPT: set[str] = set()
# being replaced by kb/parse/outline.py (its _heading takes 7)
POSITIONAL_EXEMPT: set[str] = set()
# the command-line layer: the only modules that may print
PRINTING_ALLOWED = ("kb/commands/", "kb/cli.py", "kb/__main__.py")


def _modules() -> dict[str, Path]:
    mods = {}
    for p in sorted(KB.rglob("*.py")):
        parts = list(p.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        mods[".".join(parts)] = p
    return mods


def _rel(p: Path) -> str:
    return p.relative_to(ROOT).as_posix()


def _imports(name: str, path: Path, mods: dict[str, Path]) -> set[str]:
    """The kb modules ``name`` imports, at module level or inside functions."""
    is_pkg = path.name == "__init__.py"
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name in mods)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_pkg else name.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for a in node.names:
                sub = f"{target}.{a.name}"
                if sub in mods:
                    out.add(sub)
                elif target in mods:
                    out.add(target)
    out.discard(name)
    return out


def import_graph() -> dict[str, set[str]]:
    mods = _modules()
    return {name: _imports(name, path, mods) for name, path in mods.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` (a list of nodes, the first repeated at the end), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(n: str) -> list[str] | None:
        state[n] = 1
        stack.append(n)
        for m in sorted(graph.get(n, ())):
            if state.get(m) == 1:
                return stack[stack.index(m) :] + [m]
            if m not in state:
                found = visit(m)
                if found:
                    return found
        stack.pop()
        state[n] = 2
        return None

    for n in sorted(graph):
        if n not in state:
            found = visit(n)
            if found:
                return found
    return None


def test_cycle_finder_finds_cycles():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle_between_modules():
    """Function-level imports count too: a lazy import hides a cycle, it does not remove it."""
    assert _cycle(import_graph()) is None, " -> ".join(_cycle(import_graph()) or [])


def test_no_import_cycle_between_subpackages():
    def top(m: str) -> str:
        return ".".join(m.split(".")[:2])

    graph: dict[str, set[str]] = {}
    for m, deps in import_graph().items():
        graph.setdefault(top(m), set()).update(top(d) for d in deps if top(d) != top(m))
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


def _calls_print(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Name) and f.id == "print":
                lines.append(node.lineno)
            elif isinstance(f, ast.Attribute) and f.attr in ("echo", "secho") and getattr(f.value, "id", "") == "click":
                lines.append(node.lineno)
    return lines


def test_library_modules_do_not_print():
    bad = []
    for p in _modules().values():
        rel = _rel(p)
        if rel.startswith(PRINTING_ALLOWED):
            continue
        bad += [f"{rel}:{n}" for n in _calls_print(ast.parse(p.read_text(encoding="utf-8")))]
    assert not bad, "library code prints (return the text, or take a callback): " + ", ".join(bad)


def test_print_detector():
    assert _calls_print(ast.parse("import click\nclick.echo('x')\nprint(1)\nx.echo(2)")) == [2, 3]


def test_modules_are_small():
    sizes = {_rel(p): len(p.read_text(encoding="utf-8").splitlines()) for p in _modules().values()}
    big = {p: n for p, n in sizes.items() if n >= MAX_LINES and p not in SIZE_EXEMPT}
    assert not big, big


def _too_many_positional(tree: ast.AST) -> list[str]:
    bad = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            a = node.args
            names = [x.arg for x in a.posonlyargs + a.args if x.arg not in ("self", "cls")]
            if len(names) > MAX_POSITIONAL:
                bad.append(f"{getattr(node, 'name', 'lambda')}:{node.lineno} ({len(names)})")
    return bad


@pytest.mark.parametrize("src, n", [("def f(a, b, *, c, d, e, f, g, h): pass", 0), ("def f(a,b,c,d,e,f,g): pass", 1)])
def test_positional_detector(src, n):
    assert len(_too_many_positional(ast.parse(src))) == n


def test_functions_take_few_positional_parameters():
    bad = []
    for p in _modules().values():
        if _rel(p) in POSITIONAL_EXEMPT:
            continue
        bad += [f"{_rel(p)}:{b}" for b in _too_many_positional(ast.parse(p.read_text(encoding="utf-8")))]
    assert not bad, bad
