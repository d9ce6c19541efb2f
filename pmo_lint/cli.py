"""Command line. Click functions only fill typed options; the work happens in ``execute_*``.

Heavy modules (engine → pydantic, jsonschema; git; mkdocs) are imported inside commands, so
``pmo-lint --version`` and ``--help`` start as fast as a bare click program.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import traceback
from collections.abc import Callable, Sequence
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from pmo_lint import __version__
from pmo_lint.errors import PmoLintError

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
F = TypeVar("F", bound=Callable[..., Any])


_OS_REASONS = {
    errno.ELOOP: "a symbolic link that loops (it points back to itself)",
    errno.ENAMETOOLONG: "the name is too long for the file system",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EISDIR: "is a folder, not a file",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.ENOENT: "no such file or folder",
    errno.ENXIO: "is a FIFO or device with nothing at the other end",
}


def os_error_text(exc: OSError, path: object = None) -> str:
    """``projects/x.yaml: a symbolic link that loops`` from an OSError, in words a user can act on."""
    reason = _OS_REASONS.get(exc.errno or 0) or exc.strerror or str(exc)
    where = path if path is not None else exc.filename
    return f"{os.fsdecode(where)}: {reason}" if isinstance(where, (str, bytes, os.PathLike)) else reason


def check_named_path(path: Path) -> None:
    """Refuse a path named on the command line that no command can use: a looping symbolic link, a name
    too long, a folder on the way that cannot be entered. A path that does not exist yet is left to the
    command (output folders are created)."""
    from pmo_lint.errors import UsageError

    try:
        info = os.lstat(path)
        if info.st_mode & 0o170000 == 0o120000:  # a symbolic link: where does it lead?
            path.stat()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise UsageError(os_error_text(exc, path)) from None
    except ValueError:  # a NUL byte in the name
        raise UsageError(f"{path!r}: not a usable file name") from None


def _named_paths(kwargs: dict[str, Any]) -> list[Path]:
    out: list[Path] = []
    for value in kwargs.values():
        if isinstance(value, Path):
            out.append(value)
        elif isinstance(value, tuple):
            out.extend(v for v in value if isinstance(v, Path))
    return out


def handle_errors(func: F) -> F:
    """The one place that maps exceptions to exit codes (pre-commit's error_handler habit).

    Every path a command takes (a click ``Path`` argument or option) is checked first, so a looping
    symbolic link or an over-long name is an input error (exit 2) in every command, not a crash.
    """

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> int:
        show_tb = bool(kwargs.pop("traceback", False)) or os.environ.get("PMO_LINT_TRACEBACK") == "1"
        try:
            for path in _named_paths(kwargs):
                check_named_path(path)
            code: int = func(*args, **kwargs)
            return code
        except PmoLintError as exc:
            click.echo(f"pmo-lint: error: {exc}", err=True)
            return exc.exit_code
        except KeyboardInterrupt:
            click.echo("pmo-lint: interrupted", err=True)
            return 130
        except click.exceptions.Abort:  # Ctrl-C or Ctrl-D at a prompt
            click.echo("pmo-lint: aborted", err=True)
            return 130
        except BrokenPipeError:
            return EXIT_OK
        except OSError as exc:  # the file system refused a path the user gave: input, not a bug
            if show_tb:
                traceback.print_exc()
            click.echo(f"pmo-lint: error: {os_error_text(exc)}", err=True)
            return EXIT_USAGE
        except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback unless asked
            loop = "Symlink loop from "  # Path.resolve() on a looping link, before Python 3.13
            if isinstance(exc, RuntimeError) and str(exc).startswith(loop):
                click.echo(f"pmo-lint: error: {str(exc)[len(loop) :]}: {_OS_REASONS[errno.ELOOP]}", err=True)
                return EXIT_USAGE
            if show_tb:
                traceback.print_exc()
            else:
                click.echo(
                    f"pmo-lint: internal error: {type(exc).__name__}: {exc}\n"
                    "This is a bug in pmo-lint. Rerun with --traceback and report it.",
                    err=True,
                )
            return EXIT_INTERNAL

    return wrapper  # type: ignore[return-value]


traceback_option = click.option("--traceback", is_flag=True, help="Show the Python traceback of an internal error.")


def _version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(f"pmo-lint {__version__}")
        ctx.exit(0)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--version", is_flag=True, expose_value=False, is_eager=True, callback=_version, help="Show the version and exit."
)
def cli() -> None:
    """pmo-lint: validate a PMO's portfolio-as-code and enforce its governance policies.

    Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage, configuration or input
    error, 3 internal error.
    """


def _parse_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    from pmo_lint.errors import UsageError

    # raised inside the command, so it must be our UsageError (exit 2), not click's (which the handler sees as a bug)
    try:
        if len(value) == 10 and value[4] == value[7] == "-" and value.replace("-", "").isdigit():
            return dt.date.fromisoformat(value)
    except ValueError:
        pass
    raise UsageError(f"{value!r} is not a date; use YYYY-MM-DD")


def _split(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(part.strip() for v in values for part in v.split(",") if part.strip())


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="Use this configuration file.")
@click.option("--select", multiple=True, help="Only these rules (codes, prefixes, ids or packs; comma-separated).")
@click.option("--ignore", multiple=True, help="Skip these rules (codes, prefixes, ids or packs).")
@click.option("--extend-select", multiple=True, help="Add rules to the selection.")
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info"]),
    default=None,
    help="Lowest severity that fails the run (default: error, or fail-on in the config).",
)
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="Date that time-based rules use (default: today).")
@click.option(
    "--format",
    "formats",
    multiple=True,
    default=(),
    help="Output format: text, json, sarif, junit, github, gitlab, markdown, or auto (github under GitHub Actions, "
    "else text); FORMAT=FILE writes to a file. Repeatable: --format text --format sarif=out.sarif.",
)
@click.option("--statistics", is_flag=True, help="In text output, show counts per rule instead of each finding.")
@click.option("--no-cache", is_flag=True, help="Do not read or write the per-file cache.")
@click.option("--fix", is_flag=True, help="Apply the safe fixes first (as `pmo-lint fix` does), then report the rest.")
@click.option(
    "--base",
    metavar="REF",
    help="PR mode: compare with the merge base of REF and HEAD; mark findings new or existing and run the "
    "change-control rules. `auto` reads GITHUB_BASE_REF or CI_MERGE_REQUEST_DIFF_BASE_SHA.",
)
@click.option(
    "--new-only", is_flag=True, help="Report and fail only on findings new since the base (implies --base auto)."
)
@traceback_option
@handle_errors
def check(
    paths: tuple[Path, ...],
    config_path: Path | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    extend_select: tuple[str, ...],
    fail_on: str | None,
    as_of: str | None,
    formats: tuple[str, ...],
    statistics: bool,
    no_cache: bool,
    fix: bool = False,
    base: str | None = None,
    new_only: bool = False,
) -> int:
    """Lint the portfolio that holds PATHS (default: the current folder).

    The portfolio root is the nearest folder with pmo.yaml. Naming files (as pre-commit does)
    still loads the whole portfolio, so cross-file rules hold, but reports only those files.
    """
    from pmo_lint.diagnostics import Severity
    from pmo_lint.options import RunOptions  # not engine: a cached run never imports the models

    opts = RunOptions(
        paths=paths or (Path(),),
        config_path=config_path,
        select=_split(select),
        ignore=_split(ignore),
        extend_select=_split(extend_select),
        as_of=_parse_date(as_of),
        fail_on=Severity.parse(fail_on) if fail_on else None,
        no_cache=no_cache,
    )
    if fix:
        from pmo_lint.commands.fix import apply_fixes, report_fixes

        report_fixes(apply_fixes(opts), verb="fixed")
    return execute_check(opts, formats or ("text",), statistics=statistics, base=base, new_only=new_only)


def _parse_formats(formats: Sequence[str]) -> list[tuple[str, Path | None]]:
    from pmo_lint.errors import UsageError
    from pmo_lint.reporters import REPORTERS

    out: list[tuple[str, Path | None]] = []
    for item in formats:
        name, _, target = item.partition("=")
        if name == "auto":  # yamllint's convention: annotations where GitHub reads them
            name = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
        if name not in REPORTERS:
            raise UsageError(f"unknown format {name!r}; choose from {', '.join(REPORTERS)} or auto")
        out.append((name, Path(target) if target else None))
    if sum(1 for _, t in out if t is None) > 1:
        raise UsageError("only one format can go to standard output; give the others a file: --format json=out.json")
    return out


def write_output(text: str, target: Path | None) -> None:
    """Write to stdout or to the file a format names (see ``pmo_lint.output``)."""
    from pmo_lint.output import write_output as write

    write(text, target)


def render_format(name: str, result: Any, target: Path | None, *, statistics: bool = False) -> str:
    """Render one format; the terminal and CI context (tty, colour, step summary) is read here, not in reporters."""
    from pmo_lint.reporters import get_renderer, github, text

    if name == "text":
        return text.render(result, text.terminal_options(result, statistics=statistics, to_stdout=target is None))
    if name == "github":
        try:
            written = github.write_step_summary(result)
        except OSError as exc:
            click.echo(f"pmo-lint: warning: cannot write the job summary: {exc.strerror}", err=True)
            written = False
        return github.render(result, summary_written=written)
    return get_renderer(name)(result)


def execute_check(
    opts: Any, formats: Sequence[str], *, statistics: bool = False, base: str | None = None, new_only: bool = False
) -> int:
    import dataclasses

    from pmo_lint.diagnostics import Severity
    from pmo_lint.incremental import run_check
    from pmo_lint.reporters.common import repo_prefix
    from pmo_lint.reporters.progress import Progress

    outputs = _parse_formats(formats)
    if base is None and new_only:
        base = "auto"
    if base is not None:  # only PR mode imports git
        from pmo_lint.gitmode import run_pr

        with Progress():
            result = run_pr(opts, base, new_only=new_only)
    else:
        with Progress():
            result = run_check(opts)
    if "path_prefix" not in result.extra:  # every format prints repository-relative paths
        result = dataclasses.replace(result, extra={**result.extra, "path_prefix": repo_prefix(Path(result.root))})
    for name, target in outputs:
        write_output(render_format(name, result, target, statistics=statistics), target)
    threshold = result.extra.get("fail_on", Severity.ERROR)
    assert isinstance(threshold, Severity)
    return EXIT_FINDINGS if result.failing(threshold, new_only=new_only) else EXIT_OK


@cli.group()
def schema() -> None:
    """Published JSON Schemas of the portfolio kinds."""


@schema.command("export")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("schemas"), show_default=True)
@click.option("--check", "check_only", is_flag=True, help="Only compare; exit 1 when a file differs.")
@traceback_option
@handle_errors
def schema_export(out_dir: Path, check_only: bool) -> int:
    """Write schemas/<kind>.schema.json from the models (or check they are current)."""
    from pmo_lint.schema.export import export

    stale = export(out_dir, check=check_only)
    if check_only:
        for name in stale:
            click.echo(f"{out_dir / name}: out of date; run `pmo-lint schema export`", err=True)
        return EXIT_FINDINGS if stale else EXIT_OK
    click.echo(f"wrote {len(stale)} schema file(s) to {out_dir}" if stale else f"{out_dir}: schemas are current")
    return EXIT_OK


@schema.command("docs")
@click.option("--out", type=click.Path(path_type=Path), default=Path("docs/model-reference.md"), show_default=True)
@click.option("--check", "check_only", is_flag=True, help="Only compare; exit 1 when the page differs.")
@traceback_option
@handle_errors
def schema_docs(out: Path, check_only: bool) -> int:
    """Write the data-model reference (every kind and field, and the rules that read it) from the models."""
    from pmo_lint.rules.reads import model_reference

    page, _ = model_reference()
    current = out.read_text(encoding="utf-8") if out.is_file() else None
    if check_only:
        if current != page:
            click.echo(f"{out}: out of date; run `pmo-lint schema docs`", err=True)
            return EXIT_FINDINGS
        return EXIT_OK
    if current == page:
        click.echo(f"{out}: current")
        return EXIT_OK
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    click.echo(f"wrote {out}")
    return EXIT_OK


@cli.command("rules")
@click.option(
    "--pack", help="Only rules of this pack (core, governance, strategic, tactical, operational, transformational)."
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@traceback_option
@handle_errors
def rules_cmd(pack: str | None, fmt: str) -> int:
    """List the rules: code, id, pack, severity and title."""
    from pmo_lint.rules.catalog_view import list_rules

    click.echo(list_rules(pack, fmt), nl=False)
    return EXIT_OK


@cli.command()
@click.argument("rule")
@traceback_option
@handle_errors
def explain(rule: str) -> int:
    """Show the documentation of RULE (a code such as PMO007 or an id such as unknown-reference)."""
    from pmo_lint.rules.catalog_view import explain_rule

    click.echo(explain_rule(rule), nl=False)
    return EXIT_OK


# one line per sub-command module (each defines `command`); keep these modules import-light
COMMAND_MODULES: tuple[str, ...] = (
    "pmo_lint.commands.fix",
    "pmo_lint.commands.history",
    "pmo_lint.commands.init",
    "pmo_lint.commands.new",
    "pmo_lint.commands.site",
    "pmo_lint.commands.test_policies",
)


def _register_commands() -> None:
    import importlib

    for name in COMMAND_MODULES:
        module = importlib.import_module(name)
        cli.add_command(module.command)


_register_commands()


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
