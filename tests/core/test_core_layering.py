"""The shape of the house (STYLE.md, docs/architecture.md): each layer imports only layers below it (peers
only where named), no module takes part in an import cycle, and each library quirk lives in one place.
Imports are read with ``ast`` (also those inside functions, and modules named for ``importlib``); imports
under ``if TYPE_CHECKING:`` are for type checkers only and are not counted."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "pmo_lint"

# layer of each top-level module or sub-package, bottom first; a module imports lower layers, and a layer
# of the same rank only where PEERS names the pair. Modules the table does not name fail the first test.
RANK: dict[str, int] = {
    "errors": 0,
    "diagnostics": 0,
    "resources": 0,
    "paths": 0,  # the repository boundary (imports errors only)
    "options": 0,  # the typed interface of a run (imports diagnostics; the rest for type checkers only)
    "__init__": 0,
    "model": 1,
    "loader": 2,
    "config": 3,
    "facts": 3,
    "schema": 3,
    "scaffold": 3,
    "rules": 4,
    "outcome": 5,  # the per-file stage: below both the cache and the engine
    "cache": 6,
    "engine": 7,
    "run": 8,  # the one entry: check(options, inputs) -> Run
    "gitmode": 9,
    "fixer": 9,
    "reporters": 10,
    "output": 10,  # the writer of what reporters render
    "impact": 10,  # the change-impact preview: two checked portfolios compared (PR mode's reading, reporters' Markdown)
    "site": 11,
    "register": 11,  # import and export of spreadsheets
    "commands": 12,
    "cli": 13,  # the group registers the commands; no command imports it
    "__main__": 14,
}
# imports between different layers of one rank, each by name (anything else of the same rank is refused)
PEERS: set[tuple[str, str]] = {
    ("paths", "errors"),
    ("options", "diagnostics"),
    ("register", "site"),  # the export's health column is the site's computed health
    ("impact", "reporters"),  # the impact's Markdown is the reporters' (one escaping, one table shape)
}
# the lowest layers are narrower than "anything below" (STYLE.md's table)
ONLY: dict[str, set[str]] = {
    "errors": {"errors"},
    "diagnostics": {"diagnostics", "errors"},
    "model": {"model", "errors", "diagnostics"},
    "loader": {"loader", "model", "diagnostics", "errors"},
    "facts": {"facts", "model", "diagnostics", "errors"},
    "schema": {"schema", "loader", "model", "diagnostics", "errors"},
    # reporters read the Result and nothing of the rules, the engine or the commands
    "reporters": {"reporters", "diagnostics", "errors", "__init__"},
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
    "openpyxl": ("register/workbook.py",),
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
        allowed = dst in ONLY[src] if src in ONLY else RANK[dst] < RANK[src] or (src, dst) in PEERS
        if not allowed:
            bad.append(f"pmo_lint/{imp.rel}:{imp.line}: {src} imports {imp.name}")
    assert bad == [], "\n".join(bad)


def test_every_listed_peer_import_exists() -> None:
    # a stale entry would let a future peer import in unnoticed
    used = {
        (_layer(_module_name(PACKAGE / imp.rel)), _layer(imp.name))
        for imp in ALL_IMPORTS
        if imp.name.startswith("pmo_lint")
    }
    assert PEERS - used == set()


def _graph() -> dict[str, set[str]]:
    """Module → the modules it imports (at any depth of the code, importlib registrations included)."""
    names = {_module_name(p) for p in MODULES}
    graph: dict[str, set[str]] = {}
    for path in MODULES:
        here = _module_name(path)
        wanted = [*_imported_names(path), *_registered(path)]
        found = {_known_prefix(name, names) for name in wanted}
        graph[here] = {n for n in found if n and n != here}
        for prefix in _registered(path):  # a registry names its modules by a common prefix
            graph[here].update(n for n in names if n.startswith(prefix + ".") and n != here)
    return graph


def _imported_names(path: Path) -> list[str]:
    """Every module an import may load: ``from pkg import x`` may load ``pkg`` and ``pkg.x``."""
    out: list[str] = []
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_nodes(tree)
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            out.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, node.module] if node.module else parts)
            else:
                base = node.module or ""
            out.append(base)
            out.extend(f"{base}.{alias.name}" for alias in node.names)
    return out


def _known_prefix(name: str, names: set[str]) -> str:
    while name and name not in names:  # "pkg.module.attr" -> "pkg.module"
        name = name.rpartition(".")[0]
    return name


def _registered(path: Path) -> list[str]:
    """Modules named as strings for ``importlib.import_module`` (a registry): whole names, or the
    constant prefix of an f-string such as ``f"pmo_lint.reporters.{name}"``."""
    source = path.read_text(encoding="utf-8")
    if "import_module" not in source:
        return []
    out: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if node.value.startswith("pmo_lint.") and node.value.replace(".", "").replace("_", "").isalnum():
                out.append(node.value)
        elif isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
            prefix = str(node.values[0].value)
            if prefix.startswith("pmo_lint.") and prefix.endswith("."):
                out.append(prefix.rstrip("."))
    return out


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles() -> None:
    assert _cycles(_graph()) == []


def test_the_cycle_finder_finds_cycles() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


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
