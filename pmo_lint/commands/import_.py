"""``pmo-lint import FILE...``: bring an Excel or CSV register into the portfolio."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from pmo_lint.commands.common import EXIT_FINDINGS, EXIT_OK, handle_errors, traceback_option
from pmo_lint.commands.params import DATE


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--root", type=click.Path(path_type=Path), default=Path(), help="A folder of the portfolio.")
@click.option("--dry-run", is_flag=True, help="Show what would be created and changed; write nothing.")
@click.option("--strict", is_flag=True, help="Write nothing when any row needs attention.")
@click.option(
    "--map",
    "map_path",
    type=click.Path(path_type=Path),
    help="The mapping file (default: REGISTER.map.yaml beside the register, when there is one).",
)
@click.option("--write-map", is_flag=True, help="Draft the mapping file from the register's headers; import nothing.")
@click.option(
    "--dates",
    type=click.Choice(["dmy", "mdy"]),
    help="How to read a text date such as 03/04/2027 when nothing else in its column says: day first or month first.",
)
@click.option(
    "--status-date",
    type=DATE,
    help="Date of the status reports the RAG column gives (default: the register's 'last updated' line, else today).",
)
@traceback_option
@handle_errors
def command(
    files: tuple[Path, ...],
    root: Path,
    dry_run: bool,
    strict: bool,
    map_path: Path | None,
    write_map: bool,
    dates: str | None,
    status_date: dt.date | None,
) -> int:
    """Import the projects, people, risks, allocations, benefits and change requests of registers.

    FILES are .xlsx workbooks or .csv files. Each sheet's header row and kind are found by themselves;
    what is not understood is listed, and a mapping file maps it (--write-map drafts one). A bad cell is
    reported with its reference and its row is not written; everything else is. Files are written in
    the portfolio's layout, existing ones edited in place: importing the same register again changes
    nothing, and comments and fields written by hand survive.

    Exit status: 0 all rows imported, 1 some rows need attention, 2 the register or options are unusable.
    """
    from pmo_lint.register.importer import ImportOptions, iter_lines, run_import, summary

    opts = ImportOptions(
        files=files,
        root=root,
        dry_run=dry_run,
        strict=strict,
        map_path=map_path,
        write_map=write_map,
        dates=dates,  # type: ignore[arg-type]
        status_date=status_date,
        progress=sys.stderr.isatty(),
    )
    report = run_import(opts)
    if report.map_written is not None:
        for line in report.notes:
            click.echo(line)
        click.echo(f"wrote {report.map_written}: edit it, then import again")
        return EXIT_OK
    for line in iter_lines(report, dry_run):
        click.echo(line)
    for problem in report.problems:
        click.echo(problem, err=True)
    click.echo(summary(report, opts))
    return EXIT_FINDINGS if report.problems else EXIT_OK
