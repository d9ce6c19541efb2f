"""``pmo-lint check``: lint the portfolio and write one report per ``--format``."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pmo_lint.commands.common import EXIT_FINDINGS, EXIT_OK, handle_errors, traceback_option, warn
from pmo_lint.commands.params import DATE, comma_list_option

if TYPE_CHECKING:
    from pmo_lint.diagnostics import Result
    from pmo_lint.options import RunOptions


@click.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="Use this configuration file.")
@comma_list_option("--select", help="Only these rules (codes, prefixes, ids or packs; comma-separated).")
@comma_list_option("--ignore", help="Skip these rules (codes, prefixes, ids or packs).")
@comma_list_option("--extend-select", help="Add rules to the selection.")
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info"]),
    default=None,
    help="Lowest severity that fails the run (default: error, or fail-on in the config).",
)
@click.option("--as-of", "as_of", type=DATE, help="Date that time-based rules use (default: today).")
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
def command(
    paths: tuple[Path, ...],
    config_path: Path | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    extend_select: tuple[str, ...],
    fail_on: str | None,
    as_of: dt.date | None,
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
        select=select,
        ignore=ignore,
        extend_select=extend_select,
        as_of=as_of,
        fail_on=Severity.parse(fail_on) if fail_on else None,
        no_cache=no_cache,
    )
    if fix:
        from pmo_lint.commands.fix import apply_fixes, report_fixes

        report_fixes(apply_fixes(opts), verb="fixed")
    return execute(opts, formats or ("text",), statistics=statistics, base=base, new_only=new_only)


def parse_formats(formats: Sequence[str]) -> list[tuple[str, Path | None]]:
    """``("text", "sarif=out.sarif")`` → ``[("text", None), ("sarif", Path("out.sarif"))]``; ``auto`` resolved."""
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


def render_format(name: str, result: Result, target: Path | None, *, statistics: bool = False) -> str:
    """Render one format; the terminal and CI context (tty, colour, job summary) is handed over, not read, here."""
    from pmo_lint.reporters import ReportContext, get_reporter

    context = ReportContext(
        statistics=statistics, stream=sys.stdout if target is None else None, env=os.environ, warn=warn
    )
    return get_reporter(name)(result, context)


def execute(
    opts: RunOptions,
    formats: Sequence[str],
    *,
    statistics: bool = False,
    base: str | None = None,
    new_only: bool = False,
) -> int:
    from pmo_lint.output import write_output
    from pmo_lint.reporters.progress import Progress
    from pmo_lint.run import check

    outputs = parse_formats(formats)
    if base is None and new_only:
        base = "auto"
    if base is not None:  # only PR mode imports git
        from pmo_lint.gitmode import run_pr

        with Progress():
            result = run_pr(opts, base, new_only=new_only)
            if any(name == "markdown" for name, _ in outputs):  # the PR summary carries the change impact
                from pmo_lint.impact.branch import with_impact

                result = with_impact(result, opts, base)
    else:
        with Progress():
            result = check(opts).result
    for name, target in outputs:
        write_output(render_format(name, result, target, statistics=statistics), target)
    return EXIT_FINDINGS if result.failing(result.fail_on, new_only=new_only) else EXIT_OK
