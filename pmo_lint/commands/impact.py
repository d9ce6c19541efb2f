"""``pmo-lint impact --base REF``: what the working tree (a branch) does to the portfolio before approval."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from pmo_lint.commands.common import EXIT_OK, handle_errors, traceback_option
from pmo_lint.commands.params import DATE, comma_list_option

FORMATS = ("text", "markdown", "json")


@click.command("impact")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--base",
    metavar="REF",
    required=True,
    help="Compare with the merge base of REF and HEAD (as `check --base` does). `auto` reads GITHUB_BASE_REF or "
    "CI_MERGE_REQUEST_DIFF_BASE_SHA.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text for a terminal, markdown for a PR comment or job summary, json for tools.",
)
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write to this file instead of standard output.")
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="Use this configuration file.")
@comma_list_option("--select", help="Only these rules when comparing findings (codes, prefixes, ids or packs).")
@comma_list_option("--ignore", help="Skip these rules when comparing findings.")
@click.option("--as-of", "as_of", type=DATE, help="Date that time-based rules use (default: today).")
@click.option("--no-cache", is_flag=True, help="Do not read or write the per-file cache.")
@traceback_option
@handle_errors
def command(
    paths: tuple[Path, ...],
    base: str,
    fmt: str,
    output: Path | None,
    config_path: Path | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    as_of: dt.date | None,
    no_cache: bool,
) -> int:
    """Show what the working tree does to the portfolio at the merge base of REF.

    Budget envelope per portfolio and fiscal year, capacity per person and month (who is pushed over
    the allocation limit), key dates of each changed project and of the other projects of its program,
    benefits at risk, and the findings the change adds and resolves. Exit 0 when it ran: the impact is
    information, not a verdict (`check --base` is the gate); 2 for a bad REF, a folder outside git or a
    shallow clone.
    """
    from pmo_lint.impact.branch import branch_impact
    from pmo_lint.impact.render import RENDERERS
    from pmo_lint.options import RunOptions
    from pmo_lint.output import write_output
    from pmo_lint.reporters.progress import Progress

    opts = RunOptions(
        paths=paths or (Path(),),
        config_path=config_path,
        select=select,
        ignore=ignore,
        as_of=as_of,
        no_cache=no_cache,
    )
    with Progress():
        impact = branch_impact(opts, base)
    write_output(RENDERERS[fmt](impact), output)
    return EXIT_OK
