"""``pmo-lint init``: turn an empty folder or repository into a portfolio that passes ``check``."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import click

from pmo_lint.cli import EXIT_OK, handle_errors, traceback_option

PMO_TYPES = ("strategic", "tactical", "operational", "transformational", "governance")
DEFAULT_PMO_TYPES = ("governance", "tactical")
# `--lifecycle`: the pmo.yaml template of each well-known lifecycle, with what it is in a few words
LIFECYCLES: dict[str, tuple[str, str]] = {
    "simple": ("pmo.yaml", "initiation, planning, execution, closure"),
    "prince2": ("pmo-prince2.yaml", "PRINCE2: starting up, initiation stage, delivery stages, closing"),
    "stage-gate": ("pmo-stage-gate.yaml", "stage-gate: discovery to launch through Gates 1-5"),
}
DEFAULT_LIFECYCLE = "simple"


@dataclass(frozen=True)
class InitOptions:
    directory: Path
    yes: bool
    pmo_types: tuple[str, ...]
    org: str | None
    currency: str | None
    lead: str | None
    force: bool
    lifecycle: str | None = None


def _split(values: tuple[str, ...] | str) -> tuple[str, ...]:
    items = (values,) if isinstance(values, str) else values
    return tuple(part.strip().lower() for v in items for part in v.split(",") if part.strip())


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:63].strip("-")


@dataclass(frozen=True)
class Answers:
    org: str
    types: tuple[str, ...]
    currency: str
    lead: str
    lifecycle: str = DEFAULT_LIFECYCLE


def _ask(opts: InitOptions) -> Answers:
    """Organisation, PMO types, lifecycle, currency and lead: from options, prompts, or defaults with --yes."""
    from pmo_lint.errors import UsageError

    default_org = opts.directory.resolve().name.replace("-", " ").replace("_", " ").strip().title() or "Our"
    org = opts.org or (default_org if opts.yes else click.prompt("Organisation", default=default_org))
    types = opts.pmo_types
    if not types:
        types = DEFAULT_PMO_TYPES
        if not opts.yes:
            click.echo("PMO types (each enables a rule pack): " + ", ".join(PMO_TYPES))
            types = _split(click.prompt("PMO types, comma-separated", default=",".join(DEFAULT_PMO_TYPES)))
    unknown = [t for t in types if t not in PMO_TYPES]
    if unknown or not types:
        raise UsageError(f"unknown PMO type {', '.join(unknown) or '(none)'}; choose from {', '.join(PMO_TYPES)}")
    lifecycle = opts.lifecycle
    if lifecycle is None:
        lifecycle = DEFAULT_LIFECYCLE
        if not opts.yes:
            click.echo("Project lifecycles: " + "; ".join(f"{k} ({v[1]})" for k, v in LIFECYCLES.items()))
            lifecycle = click.prompt(
                "Lifecycle", default=DEFAULT_LIFECYCLE, type=click.Choice(tuple(LIFECYCLES), case_sensitive=False)
            )
    lifecycle = lifecycle.strip().lower()
    if lifecycle not in LIFECYCLES:
        raise UsageError(f"unknown lifecycle {lifecycle!r}; choose from {', '.join(LIFECYCLES)}")
    currency = opts.currency or ("EUR" if opts.yes else click.prompt("Currency (ISO 4217)", default="EUR"))
    currency = currency.strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise UsageError(f"{currency!r} is not an ISO 4217 currency code such as EUR or USD")
    lead = opts.lead or ("PMO lead" if opts.yes else click.prompt("Name of the PMO lead", default="PMO lead"))
    if not _slug(lead):
        raise UsageError(f"{lead!r} gives no usable person name; use letters or digits")
    return Answers(org.strip(), tuple(dict.fromkeys(types)), currency, lead.strip(), lifecycle)


def planned_files(answers: Answers) -> dict[str, bytes]:
    """Every file ``init`` writes, by path relative to the portfolio root."""
    from pmo_lint import __version__, scaffold
    from pmo_lint.commands.new import yaml_text
    from pmo_lint.engine import process_bytes
    from pmo_lint.errors import UsageError
    from pmo_lint.loader.yamlio import Limits
    from pmo_lint.resources import schemas_dir

    org, types, currency, lead = answers.org, answers.types, answers.currency, answers.lead
    values = {
        "org": yaml_text(org),
        "pmo_title": yaml_text(f"{org} PMO"),
        "site_name": yaml_text(f"{org} portfolio"),
        "pmo_types": "[" + ", ".join(types) + "]",
        "currency": currency,
        "version": __version__,
        "repo_url": scaffold.REPO_URL,
        "docs_url": scaffold.DOCS_URL,
    }
    schema = scaffold.SCHEMA_FOLDER
    files: dict[str, str] = {}

    def entity(template: str, rel: str, kind: str, extra: dict[str, str]) -> None:
        depth = rel.count("/")
        merged = {**values, **extra, "schema": "../" * depth + f"{schema}/{scaffold.schema_file(kind)}"}
        files[rel] = text = scaffold.fill(scaffold.read(scaffold.TEMPLATES_DIR, template), merged, source=template)
        problems = process_bytes(rel, text.encode("utf-8"), Limits()).diagnostics
        if problems:  # an answer that makes the file invalid (the templates themselves are tested)
            raise UsageError(f"the answers give an invalid {rel}: {problems[0].message}")

    entity(LIFECYCLES[answers.lifecycle][0], "pmo.yaml", "PMOConfig", {})
    lead_name = _slug(lead)
    entity(
        "person.yaml",
        f"people/{lead_name}.yaml",
        "Person",
        {"name": lead_name, "title": yaml_text(lead), "role": "pmo-director"},
    )
    for name, target in (
        ("pmo-lint.yaml", ".pmo-lint.yaml"),
        ("pre-commit-config.yaml", ".pre-commit-config.yaml"),
        ("github-workflow.yml", ".github/workflows/pmo-lint.yml"),
        ("gitlab-ci.yml", ".gitlab-ci.yml"),
        ("mkdocs.yml", "mkdocs.yml"),
        ("about.md", "docs/about.md"),
        ("gitignore", ".gitignore"),
    ):
        files[target] = scaffold.fill(scaffold.read(scaffold.FILES_DIR, name), {**values, "org": org}, source=name)
    for kind in scaffold.PORTFOLIO_TEMPLATES:
        kind_name = scaffold.ENTITY_KINDS[kind][0]
        text = scaffold.read(scaffold.TEMPLATES_DIR, f"{kind}.yaml")
        # placeholders stay for `pmo-lint new`; the modeline already works from templates/
        modeline = f"../{schema}/{scaffold.schema_file(kind_name)}"
        files[f"templates/{kind}.yaml"] = scaffold.fill(text, {"schema": modeline}, source=kind, strict=False)
    files[".vscode/settings.json"] = scaffold.vscode_settings()
    out = {rel: text.encode("utf-8") for rel, text in files.items()}
    for path in sorted(schemas_dir().glob("*.schema.json")):
        out[f"{schema}/{path.name}"] = path.read_bytes()
    return out


def _write(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.pmo-lint-init.tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)


def execute(opts: InitOptions) -> int:
    from pmo_lint.errors import UsageError

    directory = opts.directory
    if directory.exists() and not directory.is_dir():
        raise UsageError("is not a folder", path=str(directory))
    answers = _ask(opts)
    created = skipped = 0
    for rel, data in planned_files(answers).items():
        target = directory / rel
        exists = target.exists() or target.is_symlink()
        if exists and (not opts.force or not target.is_file() or target.is_symlink()):
            click.echo(f"skipped {rel} (exists{'' if opts.force else '; --force overwrites'})", err=True)
            skipped += 1
            continue
        try:
            _write(target, data)
        except OSError as exc:
            raise UsageError(f"cannot write {rel}: {exc.strerror}", path=str(directory)) from None
        created += 1
        click.echo(f"created {rel}")
    click.echo(
        f"{created} file(s) created, {skipped} skipped. Next: `pmo-lint new project NAME`, then `pmo-lint check`; "
        "`pre-commit install` runs the check on every commit.",
        err=True,
    )
    return EXIT_OK


@click.command("init")
@click.argument("directory", type=click.Path(path_type=Path), default=Path())
@click.option("--yes", "-y", is_flag=True, help="Ask nothing; use the options given and defaults for the rest.")
@click.option(
    "--pmo-types",
    multiple=True,
    help=f"PMO types this office plays, comma-separated ({', '.join(PMO_TYPES)}); "
    f"default: {','.join(DEFAULT_PMO_TYPES)}.",
)
@click.option("--name", "org", help="Organisation name.")
@click.option("--currency", help="ISO 4217 currency of budgets (default: EUR).")
@click.option("--lead", help="Name of the PMO lead, the first person of the portfolio (default: PMO lead).")
@click.option(
    "--lifecycle",
    type=click.Choice(tuple(LIFECYCLES), case_sensitive=False),
    help="Project lifecycle of pmo.yaml: "
    + "; ".join(f"{k} ({v[1]})" for k, v in LIFECYCLES.items())
    + f". Default: {DEFAULT_LIFECYCLE}.",
)
@click.option("--force", is_flag=True, help="Overwrite files that exist (default: keep them and report).")
@traceback_option
@handle_errors
def command(
    directory: Path,
    yes: bool,
    pmo_types: tuple[str, ...],
    org: str | None,
    currency: str | None,
    lead: str | None,
    force: bool,
    lifecycle: str | None,
) -> int:
    """Turn DIRECTORY (default: here) into a portfolio: pmo.yaml, config, CI, pre-commit, site, templates.

    Existing files are never overwritten unless --force is given; each is reported and skipped.
    """
    return execute(InitOptions(directory, yes, _split(pmo_types), org, currency, lead, force, lifecycle))
