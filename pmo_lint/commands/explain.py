"""``pmo-lint explain RULE``: one rule's documentation (the text comes from ``pmo_lint.commands.catalog_view``)."""

from __future__ import annotations

import click

from pmo_lint.commands.common import EXIT_OK, handle_errors, traceback_option


@click.command("explain")
@click.argument("rule")
@traceback_option
@handle_errors
def command(rule: str) -> int:
    """Show the documentation of RULE (a code such as PMO007 or an id such as unknown-reference)."""
    from pmo_lint.commands.catalog_view import explain_rule

    click.echo(explain_rule(rule), nl=False)
    return EXIT_OK
