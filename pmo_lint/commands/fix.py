"""``pmo-lint fix``: apply the safe fixes, or show them as a diff."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pmo_lint.cli import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, _split, handle_errors, traceback_option

if TYPE_CHECKING:
    from pmo_lint.engine import RunOptions
    from pmo_lint.fixer import FixReport


@dataclass(frozen=True)
class FixOptions:
    paths: tuple[Path, ...]
    config_path: Path | None
    select: tuple[str, ...]
    ignore: tuple[str, ...]
    diff: bool


def run_options(opts: FixOptions) -> RunOptions:
    from pmo_lint.engine import RunOptions

    return RunOptions(
        paths=opts.paths or (Path(),),
        config_path=opts.config_path,
        select=_split(opts.select),
        ignore=_split(opts.ignore),
        no_cache=True,
    )


def report_fixes(report: FixReport, *, verb: str) -> None:
    """One line per fix and per file left alone, on stderr (stdout stays for reports and diffs)."""
    for item in report.changed:
        for fix in item.applied:
            click.echo(f"{item.rel}: {verb} {fix.code} {fix.description}", err=True)
    for item in report.problems:
        where = f"{item.rel}:{item.line}:{item.col}" if item.line else item.rel
        # a problem may already say it (a finding no fix covers): the words appear once
        click.echo(f"{where}: not fixed: {item.problem.removeprefix('not fixed: ')}", err=True)
    files = len(report.changed)
    if report.fix_count:
        click.echo(f"{verb} {report.fix_count} problem(s) in {files} file(s)", err=True)
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
@click.option("--select", multiple=True, help="Only fix findings of these rules (codes, prefixes, ids or packs).")
@click.option("--ignore", multiple=True, help="Do not fix findings of these rules.")
@traceback_option
@handle_errors
def command(
    paths: tuple[Path, ...], diff: bool, config_path: Path | None, select: tuple[str, ...], ignore: tuple[str, ...]
) -> int:
    """Apply the safe fixes to the files under PATHS (default: the whole portfolio).

    Fixes spell enum values, kinds and currency codes as the schema does, add a missing
    apiVersion and quote yes/no/on/off. Only the fixed values change: comments, key order,
    quoting, indentation, line endings and a byte order mark stay as they are; files with
    nothing to fix are not rewritten. Exit codes: 0 done, 1 changes to make (with --diff),
    2 a file could not be read or parsed (it is left untouched).
    """
    return execute(FixOptions(paths, config_path, select, ignore, diff))
