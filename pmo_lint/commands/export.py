"""``pmo-lint export [ROOT] --out FILE.xlsx``: the portfolio as a workbook (or CSV files) for the board."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from pmo_lint.commands.common import EXIT_OK, check_named_path, handle_errors, traceback_option
from pmo_lint.commands.params import DATE


@click.command("export")
@click.argument("root", required=False, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_text",
    required=True,
    type=click.Path(),  # text: a trailing slash (a folder) would be lost in a Path
    help="The workbook to write (FILE.xlsx), or a folder (FOLDER/) for one CSV file per sheet.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["xlsx", "csv"]),
    default=None,
    help="xlsx (one workbook) or csv (a folder of files); default: from --out.",
)
@click.option("--as-of", "as_of", type=DATE, help="Date the health, status age and findings use.")
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="Use this configuration file.")
@traceback_option
@handle_errors
def command(root: Path | None, out_text: str, fmt: str | None, as_of: dt.date | None, config_path: Path | None) -> int:
    """Write the portfolio at ROOT (default: the current folder) as a workbook for the board.

    One sheet per kind (projects with the computed health beside the reported RAG, risks, people,
    allocations, benefits, change requests) and one with the findings of `check`. The sheets use the
    headers `pmo-lint import` reads: importing an exported workbook changes nothing.
    """
    from pmo_lint.register.export import ExportOptions, execute, format_of

    out = Path(out_text)
    check_named_path(out)
    opts = ExportOptions(
        root=root or Path(),
        out=out,
        format=format_of(out_text, fmt),
        as_of=as_of,
        config_path=config_path,
    )
    written = execute(opts)
    where = opts.out if opts.format == "xlsx" else f"{len(written)} CSV file(s) in {opts.out}"
    click.echo(f"wrote {where}", err=True)
    return EXIT_OK
