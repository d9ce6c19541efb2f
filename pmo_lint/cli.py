"""Command line: the click group, the command registry and ``main``. Every command lives in its own module
under ``pmo_lint.commands`` (which never imports this one); what they share is in ``commands.common`` and
``commands.params``.

A command's module is imported only when the command runs or ``--help`` lists it, and heavy modules
(engine → pydantic, jsonschema; git; mkdocs) are imported inside the commands, so ``pmo-lint --version``
and ``--help`` start as fast as a bare click program.
"""

from __future__ import annotations

import importlib
from collections.abc import MutableMapping, Sequence
from typing import Any

import click

from pmo_lint import __version__
from pmo_lint.commands.common import EXIT_OK, EXIT_USAGE

# one line per command module (each defines `command`, named as its module: `test_policies` is
# `test-policies`, a trailing underscore is dropped: `import_` is `import`); keep these modules import-light
COMMAND_MODULES: tuple[str, ...] = (
    "pmo_lint.commands.check",
    "pmo_lint.commands.explain",
    "pmo_lint.commands.export",
    "pmo_lint.commands.fix",
    "pmo_lint.commands.history",
    "pmo_lint.commands.impact",
    "pmo_lint.commands.import_",
    "pmo_lint.commands.init",
    "pmo_lint.commands.new",
    "pmo_lint.commands.rules",
    "pmo_lint.commands.schema",
    "pmo_lint.commands.site",
    "pmo_lint.commands.test_policies",
)


def command_name(module: str) -> str:
    """``pmo_lint.commands.test_policies`` → ``test-policies``: the name a command module's command has."""
    return module.rpartition(".")[2].rstrip("_").replace("_", "-")


class CommandGroup(click.Group):
    """A group that imports a command's module only when the command is asked for (click's lazy group).

    Running or listing resolves one name at a time; ``commands`` (click's attribute, for tests and tools)
    and the "did you mean" of an unknown name import every module.
    """

    def __init__(self, *args: Any, modules: Sequence[str] = (), **kwargs: Any) -> None:
        self.modules = {command_name(m): m for m in modules}
        self._loaded: dict[str, click.Command] = {}
        super().__init__(*args, **kwargs)

    @property
    def commands(self) -> MutableMapping[str, click.Command]:
        for name in self.modules:
            self._load(name)
        return self._loaded

    @commands.setter
    def commands(self, value: MutableMapping[str, click.Command]) -> None:
        self._loaded = dict(value)

    def _load(self, name: str) -> click.Command | None:
        if name not in self._loaded and name in self.modules:
            command: click.Command = importlib.import_module(self.modules[name]).command
            if command.name != name:  # the registry's promise (a test checks every module)
                raise RuntimeError(f"{self.modules[name]} defines {command.name!r}, not {name!r}")
            self._loaded[name] = command
        return self._loaded.get(name)

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        name = name or cmd.name
        if name is None:
            raise TypeError("Command has no name.")
        self._loaded[name] = cmd

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self._loaded, *self.modules})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._load(cmd_name)


def _version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(f"pmo-lint {__version__}")
        ctx.exit(0)


@click.group(
    cls=CommandGroup,
    modules=COMMAND_MODULES,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option(
    "--version", is_flag=True, expose_value=False, is_eager=True, callback=_version, help="Show the version and exit."
)
def cli() -> None:
    """pmo-lint: validate a PMO's portfolio-as-code and enforce its governance policies.

    Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage, configuration or input
    error, 3 internal error.
    """


def main(argv: Sequence[str] | None = None) -> int:
    try:
        rv = cli.main(args=list(argv) if argv is not None else None, prog_name="pmo-lint", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return EXIT_USAGE
    except click.exceptions.Abort:
        click.echo("pmo-lint: aborted", err=True)
        return 130
    return int(rv) if isinstance(rv, int) else EXIT_OK
