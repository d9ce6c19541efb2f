"""``pmo-lint fix``: apply the safe fixes, or show them as a diff."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pmo_lint.commands.common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, handle_errors, traceback_option
from pmo_lint.commands.params import comma_list_option, split_commas

if TYPE_CHECKING:
    from pmo_lint.fixer import FixReport
    from pmo_lint.options import RunOptions


@dataclass(frozen=True)
class FixOptions:
    paths: tuple[Path, ...]
    config_path: Path | None
    select: tuple[str, ...]
    ignore: tuple[str, ...]
    diff: bool


def run_options(opts: FixOptions) -> RunOptions:
    from pmo_lint.options import RunOptions

    return RunOptions(
        paths=opts.paths or (Path(),),
        config_path=opts.config_path,
        select=split_commas(opts.select),
        ignore=split_commas(opts.ignore),
        no_cache=True,
    )


def report_fixes(report: FixReport, *, verb: str) -> None:
    """One line per fix and per file left alone, on stderr (stdout stays for reports and diffs)."""
    for item in report.changed:
        for fix in item.applied:
            click.echo(f"{report.shown(item)}: {verb} {fix.code} {fix.description}", err=True)
    for item in report.files:
        for left in item.not_fixed:  # check reads the file; a fix exists but cannot apply safely
            shown = report.shown(item)
            where = f"{shown}:{left.line}:{left.col}" if left.line else shown
            click.echo(f"{where}: not fixed: {left}", err=True)
    for item in report.problems:
        shown = report.shown(item)
        where = f"{shown}:{item.line}:{item.col}" if item.line else shown
        # a problem may already say it (a finding no fix covers): the words appear once
        click.echo(f"{where}: not fixed: {item.problem.removeprefix('not fixed: ')}", err=True)
    files = len(report.changed)
    left_count = sum(len(item.not_fixed) for item in report.files)
    summary: list[str] = []
    if report.fix_count:
        summary.append(f"{verb} {report.fix_count} problem(s) in {files} file(s)")
    if left_count:
        summary.append(f"{left_count} cannot be fixed automatically (the reason is on each line above)")
    if summary:
        click.echo("; ".join(summary), err=True)
    elif not report.problems:
        click.echo("nothing to fix", err=True)


def apply_fixes(run_opts: RunOptions) -> FixReport:
    """Fix and write; used by ``fix`` and by ``check --fix``."""
    from pmo_lint.fixer import plan, write

    report = plan(run_opts)
    failed = {item.rel: reason for item, reason in write(report)}
    if failed:  # what did not reach the disk is reported as not fixed
        files = tuple(
            dataclasses.replace(f, after=f.before, applied=(), problem=failed[f.rel]) if f.rel in failed else f
            for f in report.files
        )
        report = dataclasses.replace(report, files=files)
    return report


def execute(opts: FixOptions) -> int:
    from pmo_lint.fixer import plan, unified_diff

    if opts.diff:
        report = plan(run_options(opts))
        click.echo(unified_diff(report), nl=False)
        report_fixes(report, verb="would fix")
        return EXIT_FINDINGS if report.changed else (EXIT_USAGE if report.problems else EXIT_OK)
    report = apply_fixes(run_options(opts))
    report_fixes(report, verb="fixed")
    return EXIT_USAGE if report.problems else EXIT_OK


@click.command("fix")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--diff", is_flag=True, help="Print the changes as a unified diff and change nothing (exit 1 if any).")
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="Use this configuration file.")
@comma_list_option("--select", help="Only fix findings of these rules (codes, prefixes, ids or packs).")
@comma_list_option("--ignore", help="Do not fix findings of these rules.")
@traceback_option
@handle_errors
def command(
    paths: tuple[Path, ...], diff: bool, config_path: Path | None, select: tuple[str, ...], ignore: tuple[str, ...]
) -> int:
    """Apply the safe fixes to the files under PATHS (default: the whole portfolio).

    Fixes spell enum values, kinds and currency codes as the schema does, add a missing
    apiVersion and quote yes/no/on/off. Only the fixed values change: comments, key order,
    quoting, indentation, line endings and a byte order mark stay as they are; files with
    nothing to fix are not rewritten. A fix that cannot apply safely (a value reused through an
    anchor, a block of text) is listed with the reason and the file is left as it is. Exit codes:
    0 done, 1 changes to make (with --diff), 2 a file could not be read, parsed or written (it is
    left untouched).
    """
    return execute(FixOptions(paths, config_path, select, ignore, diff))
