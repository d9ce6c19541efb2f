"""The command registry: every command in its own module under pmo_lint/commands, none importing the CLI."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import click
import pytest

from pmo_lint.cli import COMMAND_MODULES, cli, command_name
from tests.conftest import ROOT

COMMANDS = ROOT / "pmo_lint" / "commands"


def _imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):  # function-level imports too
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
    return names


def _defines_command(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(isinstance(n, ast.FunctionDef) and n.name == "command" for n in tree.body)


def test_each_registered_module_defines_the_command_it_is_named_after() -> None:
    for module in COMMAND_MODULES:
        command = importlib.import_module(module).command
        assert isinstance(command, click.Command), module
        assert command.name == command_name(module), module


def test_every_command_module_is_registered() -> None:
    found = {f"pmo_lint.commands.{p.stem}" for p in COMMANDS.glob("*.py") if _defines_command(p)}
    assert found, "the AST reader found no command at all"
    assert found == set(COMMAND_MODULES)


def test_the_cli_module_defines_no_command() -> None:
    # cli.py is the group, the registry and main: a command decorated there would bypass the registry
    tree = ast.parse((ROOT / "pmo_lint" / "cli.py").read_text(encoding="utf-8"))
    decorators = [ast.unparse(d) for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) for d in n.decorator_list]
    assert [d for d in decorators if ".command" in d or d.startswith("click.argument")] == []


def test_no_command_module_imports_the_cli() -> None:
    offenders = [
        p.name for p in COMMANDS.glob("*.py") if any(n.split(".")[:2] == ["pmo_lint", "cli"] for n in _imported(p))
    ]
    assert offenders == []


def test_the_import_reader_sees_function_level_imports(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from pmo_lint.cli import main\n", encoding="utf-8")
    assert "pmo_lint.cli" in _imported(probe)


def test_command_names_follow_the_module_names() -> None:
    assert command_name("pmo_lint.commands.test_policies") == "test-policies"
    assert command_name("pmo_lint.commands.import_") == "import"
    assert cli.list_commands(click.Context(cli)) == sorted(command_name(m) for m in COMMAND_MODULES)


def test_an_unknown_command_is_a_usage_error() -> None:
    from pmo_lint.cli import main

    assert main(["no-such-command"]) == 2


def test_click_commands_attribute_lists_every_command() -> None:
    # tools and tests read `cli.commands` (click's attribute): lazily loaded commands must be in it
    assert sorted(cli.commands) == sorted(command_name(m) for m in COMMAND_MODULES)


def test_a_misspelt_command_suggests_the_lazily_loaded_one(capsys: pytest.CaptureFixture[str]) -> None:
    from pmo_lint.cli import main

    assert main(["chek"]) == 2
    err = capsys.readouterr().err
    assert "No such command 'chek'" in err and "'check'" in err
