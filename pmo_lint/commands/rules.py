"""``pmo-lint rules``: the rule list (the text comes from ``pmo_lint.commands.catalog_view``)."""

from __future__ import annotations

import click

from pmo_lint.commands.common import EXIT_OK, handle_errors, traceback_option


@click.command("rules")
@click.option(
    "--pack", help="Only rules of this pack (core, governance, strategic, tactical, operational, transformational)."
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@traceback_option
@handle_errors
def command(pack: str | None, fmt: str) -> int:
    """List the rules: code, id, pack, severity and title."""
    from pmo_lint.commands.catalog_view import list_rules

    click.echo(list_rules(pack, fmt), nl=False)
    return EXIT_OK
