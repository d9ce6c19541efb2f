"""``pmo-lint schema export`` and ``pmo-lint schema docs``: the published JSON Schemas and the model reference."""

from __future__ import annotations

from pathlib import Path

import click

from pmo_lint.commands.common import EXIT_FINDINGS, EXIT_OK, handle_errors, traceback_option


@click.group("schema")
def command() -> None:
    """Published JSON Schemas of the portfolio kinds."""


@command.command("export")
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


@command.command("docs")
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
