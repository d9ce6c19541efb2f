"""The shape of the house (STYLE.md): each layer imports only layers below it, and each library quirk
lives in one place. Imports are read with ``ast`` (also those inside functions); imports under
``if TYPE_CHECKING:`` are for type checkers only and are not counted."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "pmo_lint"

# layer of each top-level module or sub-package, bottom first; a module imports its own layer or lower ones
# (model ← loader ← facts/schema ← rules ← engine ← reporters ← cli; site beside cli). Modules the table
# does not name sit where their imports put them.
RANK: dict[str, int] = {
    "errors": 0,
    "diagnostics": 0,
    "resources": 0,
    "cache": 0,
    "paths": 0,  # the repository boundary (imports errors only)
    "options": 0,
    "__init__": 0,
    "model": 1,
    "loader": 2,
    "config": 3,
    "facts": 3,
    "schema": 3,
    "scaffold": 3,
    "rules": 4,
    "engine": 5,
    "incremental": 5,
    "gitmode": 5,
    "fixer": 5,
    "reporters": 6,
    "output": 6,  # the writer of what reporters render
    "site": 7,
    "cli": 8,
    "commands": 8,
    "__main__": 8,
}
# the lowest layers are narrower than "anything below" (STYLE.md's table)
ONLY: dict[str, set[str]] = {
    "errors": {"errors"},
    "diagnostics": {"diagnostics", "errors"},
    "model": {"model", "errors", "diagnostics"},
    "loader": {"loader", "model", "diagnostics", "errors"},
    "facts": {"facts", "model", "diagnostics", "errors"},
    "schema": {"schema", "loader", "model", "diagnostics", "errors"},
}
# third-party packages quarantined in one place each (a path prefix under pmo_lint/)
QUARANTINE: dict[str, tuple[str, ...]] = {
    "ruamel": ("loader/",),
    "git": ("loader/",),
    "yaml": ("loader/",),
    "jsonschema": ("schema/",),
    "pydantic": ("model/", "schema/"),
    "mkdocs": ("site/mkdocs_plugin.py",),
    "material": ("site/mkdocs_plugin.py",),
    "click": ("cli.py", "commands/"),
}
EXIT_ALLOWED = ("cli.py", "__main__.py")


@dataclass(frozen=True)
class Import:
    rel: str  # module file, relative to pmo_lint/
    line: int
    name: str  # absolute dotted name


def _layer(dotted: str) -> str:
    parts = dotted.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    return skip


def _imports(path: Path, source: str | None = None) -> list[Import]:
    rel = path.relative_to(PACKAGE).as_posix()
    tree = ast.parse(path.read_text(encoding="utf-8") if source is None else source, filename=str(path))
    skip = _type_checking_nodes(tree)
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    out: list[Import] = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            out.extend(Import(rel, node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            out.append(Import(rel, node.lineno, name))
    return out


MODULES = sorted(PACKAGE.rglob("*.py"))
ALL_IMPORTS = [imp for path in MODULES for imp in _imports(path)]


def test_every_layer_is_placed() -> None:
    layers = {_layer(_module_name(p)) for p in MODULES}
    assert layers <= set(RANK), f"place new modules in RANK: {sorted(layers - set(RANK))}"


def test_layers_import_only_downwards() -> None:
    bad = []
    for imp in ALL_IMPORTS:
        if not imp.name.startswith("pmo_lint"):
            continue
        src = _layer(_module_name(PACKAGE / imp.rel))
        dst = _layer(imp.name)
        if src == dst:
            continue
        allowed = dst in ONLY[src] if src in ONLY else RANK[dst] <= RANK[src]  # peers of one layer may share
        if not allowed:
            bad.append(f"pmo_lint/{imp.rel}:{imp.line}: {src} imports {imp.name}")
    assert bad == [], "\n".join(bad)


def test_libraries_stay_in_their_adapter() -> None:
    bad = []
    for imp in ALL_IMPORTS:
        top = imp.name.split(".")[0]
        if top in QUARANTINE and not imp.rel.startswith(QUARANTINE[top]):
            bad.append(f"pmo_lint/{imp.rel}:{imp.line}: imports {imp.name} (allowed only in {QUARANTINE[top]})")
    assert bad == [], "\n".join(bad)


def _exits(path: Path) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            text = ast.unparse(node.func)
            if text in ("sys.exit", "exit", "quit", "os._exit"):
                lines.append(node.lineno)
        elif isinstance(node, ast.Raise) and node.exc is not None and "SystemExit" in ast.unparse(node.exc):
            lines.append(node.lineno)
    return lines


def test_no_exit_below_the_cli() -> None:
    bad = [
        f"pmo_lint/{p.relative_to(PACKAGE).as_posix()}:{line}"
        for p in MODULES
        if p.relative_to(PACKAGE).as_posix() not in EXIT_ALLOWED
        for line in _exits(p)
    ]
    assert bad == [], "exit only in cli.py and __main__.py: " + ", ".join(bad)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import click\n", "click"),
        ("from ..engine import run\n", "pmo_lint.engine"),
        ("from . import kinds\n", "pmo_lint.model"),
        ("def f():\n    import jsonschema\n", "jsonschema"),
        ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import git\n", "typing"),
    ],
)
def test_the_import_reader_sees_what_it_must(source: str, expected: str) -> None:
    # a reader that missed relative or function-level imports would let every check above pass
    names = [i.name for i in _imports(PACKAGE / "model" / "probe.py", source)]
    assert expected in names
    assert "git" not in names  # type-only imports are not counted
