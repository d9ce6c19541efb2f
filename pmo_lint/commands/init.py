"""``pmo-lint init``: turn an empty folder or repository into a portfolio that passes ``check``."""

from __future__ import annotations

import os
import re
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from pmo_lint.commands.common import EXIT_OK, handle_errors, traceback_option
from pmo_lint.commands.params import comma_list_option

if TYPE_CHECKING:
    from pmo_lint.scaffold.install import InstallSource

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
    install: str | None = None


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


def _prompt(text: str, **kwargs: Any) -> Any:
    """click.prompt, but with no terminal (stdin at its end, as in CI) a usage error, not an abort."""
    from pmo_lint.errors import UsageError

    try:
        return click.prompt(text, **kwargs)
    except click.exceptions.Abort:
        if sys.stdin is not None and sys.stdin.isatty():
            raise  # Ctrl-C or Ctrl-D typed at the prompt
        raise UsageError(
            "no terminal: pass --yes (with --name, --pmo-types, --lifecycle, --currency and --lead as needed)"
        ) from None


def _ask(opts: InitOptions) -> Answers:
    """Organisation, PMO types, lifecycle, currency and lead: from options, prompts, or defaults with --yes."""
    from pmo_lint.errors import UsageError

    default_org = opts.directory.resolve().name.replace("-", " ").replace("_", " ").strip().title() or "Our"
    org = opts.org or (default_org if opts.yes else _prompt("Organisation", default=default_org))
    types = opts.pmo_types
    if not types:
        types = DEFAULT_PMO_TYPES
        if not opts.yes:
            click.echo("PMO types (each enables a rule pack): " + ", ".join(PMO_TYPES))
            types = _split(_prompt("PMO types, comma-separated", default=",".join(DEFAULT_PMO_TYPES)))
    unknown = [t for t in types if t not in PMO_TYPES]
    if unknown or not types:
        raise UsageError(f"unknown PMO type {', '.join(unknown) or '(none)'}; choose from {', '.join(PMO_TYPES)}")
    lifecycle = opts.lifecycle
    if lifecycle is None:
        lifecycle = DEFAULT_LIFECYCLE
        if not opts.yes:
            click.echo("Project lifecycles: " + "; ".join(f"{k} ({v[1]})" for k, v in LIFECYCLES.items()))
            lifecycle = _prompt(
                "Lifecycle", default=DEFAULT_LIFECYCLE, type=click.Choice(tuple(LIFECYCLES), case_sensitive=False)
            )
    lifecycle = lifecycle.strip().lower()
    if lifecycle not in LIFECYCLES:
        raise UsageError(f"unknown lifecycle {lifecycle!r}; choose from {', '.join(LIFECYCLES)}")
    currency = opts.currency or ("EUR" if opts.yes else _prompt("Currency (ISO 4217)", default="EUR"))
    currency = currency.strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise UsageError(f"{currency!r} is not an ISO 4217 currency code such as EUR or USD")
    lead = opts.lead or ("PMO lead" if opts.yes else _prompt("Name of the PMO lead", default="PMO lead"))
    if not _slug(lead):
        raise UsageError(f"{lead!r} gives no usable person name; use letters or digits")
    return Answers(org.strip(), tuple(dict.fromkeys(types)), currency, lead.strip(), lifecycle)


# the hooks of the generated .pre-commit-config.yaml, in order, with the fields of
# .pre-commit-hooks.yaml a local install repeats (tests keep them equal to the manifest)
HOOKS: tuple[dict[str, object], ...] = (
    {
        "comment": "applies the safe fixes (enum spelling, kind, apiVersion) first; a commit it changes files in\n"
        "stops so you can review and stage the fixes",
        "id": "pmo-lint-fix",
        "name": "pmo-lint fix",
        "entry": "pmo-lint fix",
        "language": "python",
        "require_serial": True,
    },
    {
        "comment": "checks the YAML files of each commit, with the whole portfolio loaded for cross-file rules",
        "id": "pmo-lint",
        "name": "pmo-lint",
        "entry": "pmo-lint check",
        "language": "python",
        "require_serial": True,
    },
)
YAML_FILES = r"\.(ya?ml)$"
# files that tools read at the repository root: there, not in the portfolio's sub-folder
REPO_FILES = (".github/workflows/pmo-lint.yml", ".gitlab-ci.yml", ".pre-commit-config.yaml", ".vscode/settings.json")
GITLAB_INCLUDE = ".gitlab/pmo-lint.gitlab-ci.yml"


@dataclass(frozen=True)
class Layout:
    """Where ``init`` writes: the portfolio folder, and the repository root that holds it."""

    portfolio: Path
    root: Path

    @property
    def prefix(self) -> str:
        """The portfolio folder relative to the root, posix, ``""`` when they are one."""
        rel = self.portfolio.relative_to(self.root).as_posix()
        return "" if rel == "." else rel


def find_layout(directory: Path) -> Layout:
    """The Git work tree around ``directory`` (the nearest folder with ``.git``), else the folder itself."""
    portfolio = directory.resolve()
    probe = portfolio
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    while True:
        if (probe / ".git").exists():
            return Layout(portfolio, probe)
        if probe.parent == probe:
            return Layout(portfolio, portfolio)
        probe = probe.parent


def _hooks(prefix: str) -> list[dict[str, object]]:
    files = f"^{re.escape(prefix)}/.*{YAML_FILES[:-1]}$" if prefix else YAML_FILES
    return [{**hook, "files": files} for hook in HOOKS]


def planned_files(
    answers: Answers, source: InstallSource | None = None, layout: Layout | None = None
) -> dict[str, bytes]:
    """Every file ``init`` writes, by path relative to the repository root (the portfolio under ``prefix``)."""
    from pmo_lint import __version__, scaffold
    from pmo_lint.errors import UsageError
    from pmo_lint.loader.yamlio import Limits
    from pmo_lint.outcome import process_bytes
    from pmo_lint.resources import schemas_dir
    from pmo_lint.scaffold.install import InstallSource, pre_commit_repo
    from pmo_lint.scaffold.writing import yaml_text

    source = source or InstallSource("version", __version__)
    prefix = layout.prefix if layout else ""
    # CI runs at the repository root: a folder inside the repository is named from there
    ci_source = source.relative_to(layout.root) if layout else source
    org, types, currency = answers.org, answers.types, answers.currency
    values = {
        "org": yaml_text(org),
        "pmo_title": yaml_text(f"{org} PMO"),
        "site_name": yaml_text(f"{org} portfolio"),
        "pmo_types": "[" + ", ".join(types) + "]",
        "currency": currency,
        "version": __version__,
        "repo_url": scaffold.REPO_URL,
        "docs_url": scaffold.DOCS_URL,
        "install_what": source.describe(),
        "pip_install": shlex.quote(ci_source.requirement()),
        "pip_install_site": shlex.quote(ci_source.requirement("site")),
        "portfolio_arg": f" {shlex.quote(prefix)}" if prefix else "",
        "cache_folder": f"{prefix}/.pmo-lint-cache" if prefix else ".pmo-lint-cache",  # the default cache-dir
        "pmo_lint_repo": pre_commit_repo(source, _hooks(prefix)).rstrip("\n"),
    }
    schema = scaffold.SCHEMA_FOLDER
    files: dict[str, str] = {}
    into = f"{prefix}/" if prefix else ""

    def entity(template: str, rel: str, kind: str, extra: dict[str, str]) -> None:
        depth = rel.count("/")
        merged = {**values, **extra, "schema": "../" * depth + f"{schema}/{scaffold.schema_file(kind)}"}
        files[into + rel] = text = scaffold.fill(
            scaffold.read(scaffold.TEMPLATES_DIR, template), merged, source=template
        )
        problems = process_bytes(rel, text.encode("utf-8"), Limits()).diagnostics
        if problems:  # an answer that makes the file invalid (the templates themselves are tested)
            raise UsageError(f"the answers give an invalid {rel}: {problems[0].message}")

    entity(LIFECYCLES[answers.lifecycle][0], "pmo.yaml", "PMOConfig", {})
    lead_name = _slug(answers.lead)
    entity(
        "person.yaml",
        f"people/{lead_name}.yaml",
        "Person",
        {"name": lead_name, "title": yaml_text(answers.lead), "role": "pmo-director"},
    )
    for name, target in (
        ("pmo-lint.yaml", into + ".pmo-lint.yaml"),
        ("pre-commit-config.yaml", ".pre-commit-config.yaml"),
        ("github-workflow.yml", ".github/workflows/pmo-lint.yml"),
        ("gitlab-ci.yml", ".gitlab-ci.yml"),
        ("mkdocs.yml", into + "mkdocs.yml"),
        ("about.md", into + "docs/about.md"),
        ("gitignore", into + ".gitignore"),
    ):
        files[target] = scaffold.fill(scaffold.read(scaffold.FILES_DIR, name), {**values, "org": org}, source=name)
    for kind in scaffold.PORTFOLIO_TEMPLATES:
        text = scaffold.read(scaffold.TEMPLATES_DIR, f"{kind}.yaml")
        # placeholders stay for `pmo-lint new`, which adds the schema line to the file it writes;
        # the template itself gets none, since the schema rejects its placeholders
        text = scaffold.without_modeline(text, scaffold.TEMPLATE_NOTE)
        files[f"{into}templates/{kind}.yaml"] = text
    files[".vscode/settings.json"] = scaffold.vscode_settings(prefix=prefix)
    out = {rel: text.encode("utf-8") for rel, text in files.items()}
    for path in sorted(schemas_dir().glob("*.schema.json")):
        out[f"{into}{schema}/{path.name}"] = path.read_bytes()
    return out


def _write(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.pmo-lint-init.tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)


def _merge(rel: str, existing: bytes, ours: bytes) -> tuple[dict[str, bytes], str]:
    """Files to write so that an existing repository file also runs pmo-lint, and what was done.

    Returns ``({}, reason)`` when the file already does, or cannot be merged safely.
    """
    if rel == ".vscode/settings.json":
        return _merge_vscode(existing, ours)
    if rel == ".pre-commit-config.yaml":
        return _merge_pre_commit(existing, ours)
    if rel == ".gitlab-ci.yml":
        return _merge_gitlab(existing, ours)
    return {}, "exists"


def _merge_vscode(existing: bytes, ours: bytes) -> tuple[dict[str, bytes], str]:
    import json

    try:
        settings = json.loads(existing.decode("utf-8"))
    except ValueError:
        return {}, "exists and is not plain JSON; add the yaml.schemas entries of docs/editor.md by hand"
    schemas = settings.get("yaml.schemas") if isinstance(settings, dict) else None
    if not isinstance(settings, dict) or not isinstance(schemas, dict | None):
        return {}, "exists with an unexpected yaml.schemas setting; add the entries of docs/editor.md by hand"
    schemas = dict(schemas or {})
    added = {k: v for k, v in json.loads(ours)["yaml.schemas"].items() if k not in schemas}
    if not added:
        return {}, "already maps the portfolio's schemas"
    settings["yaml.schemas"] = {**schemas, **added}
    text = json.dumps(settings, indent=2, ensure_ascii=False) + "\n"
    return {".vscode/settings.json": text.encode("utf-8")}, f"added {len(added)} schema mapping(s)"


def _read_yaml(text: str) -> dict[str, Any] | None:
    from pmo_lint.loader.yamlio import LoadedDocument, parse_text

    parsed = parse_text(text)
    return parsed.data if isinstance(parsed, LoadedDocument) and isinstance(parsed.data, dict) else None


def _existing_yaml(existing: bytes, by_hand: str) -> tuple[str, dict[str, Any]] | str:
    """An existing YAML file's text and mapping, or why it cannot be merged (ending in what to do by hand)."""
    try:
        text = existing.decode("utf-8")
    except UnicodeDecodeError:
        return f"exists and is not UTF-8 text; {by_hand}"
    data = _read_yaml(text)
    return (text, data) if data is not None else f"exists and is not valid YAML; {by_hand}"


def _hook_ids(config: dict[str, Any]) -> set[str]:
    repos = config.get("repos")
    return {
        str(hook.get("id"))
        for repo in (repos if isinstance(repos, list) else [])
        if isinstance(repo, dict)
        for hook in (repo.get("hooks") or [])
        if isinstance(hook, dict)
    }


def _reindent(block: str, shift: int) -> str:
    """Move every non-blank line ``shift`` columns right (left when negative; ours are indented by 2)."""
    out = []
    for line in block.splitlines(keepends=True):
        if line.strip():
            line = " " * shift + line if shift >= 0 else line[min(-shift, len(line) - len(line.lstrip(" "))) :]
        out.append(line)
    return "".join(out)


def _merge_pre_commit(existing: bytes, ours: bytes) -> tuple[dict[str, bytes], str]:
    """Our ``repos:`` entry appended to the file's block list, in its indentation; checked by reading it back."""
    by_hand = "add the pmo-lint hooks of docs/pre-commit.md by hand"
    read = _existing_yaml(existing, by_hand)
    if isinstance(read, str):
        return {}, read
    text, config = read
    repos = config.get("repos")
    if not isinstance(repos, list):
        return {}, f"exists without a list of repos; {by_hand}"
    if _hook_ids(config) & {"pmo-lint", "pmo-lint-fix", "pmo-lint-portfolio"}:
        return {}, "already runs pmo-lint"
    lines = text.splitlines(keepends=True)
    header = next((i for i, line in enumerate(lines) if re.match(r"repos:\s*(#.*)?$", line)), None)
    if header is None:
        return {}, f"has its repos in a form pmo-lint does not edit; {by_hand}"
    end = header + 1
    indent: int | None = None
    while end < len(lines) and (not lines[end].strip() or lines[end][0] in " \t#-"):
        item = re.match(r"( *)- ", lines[end])
        if indent is None and item:
            indent = len(item.group(1))
        end += 1
    while end > header + 1 and not lines[end - 1].strip():
        end -= 1  # keep blank lines that separate the next top-level key
    block = ours.decode("utf-8").split("\nrepos:\n", 1)[1]
    block = _reindent(block, (indent if indent is not None else 2) - 2)
    before = "".join(lines[:end])
    merged = before + ("" if before.endswith("\n") else "\n") + block + "".join(lines[end:])
    check = _read_yaml(merged)
    if check is None or not isinstance(check.get("repos"), list) or len(check["repos"]) != len(repos) + 1:
        return {}, f"has its repos in a form pmo-lint does not edit; {by_hand}"
    return {".pre-commit-config.yaml": merged.encode("utf-8")}, "added the pmo-lint hooks"


def _merge_gitlab(existing: bytes, ours: bytes) -> tuple[dict[str, bytes], str]:
    """Our jobs go to their own file, which the existing pipeline includes."""
    by_hand = f"add `include: [{{local: {GITLAB_INCLUDE}}}]` to it by hand"
    read = _existing_yaml(existing, by_hand)
    if isinstance(read, str):
        return {}, read
    text, pipeline = read
    include = pipeline.get("include")
    entries = include if isinstance(include, list) else [include] if include else []
    if "pmo-lint" in pipeline or any(
        GITLAB_INCLUDE in str(e.get("local", "") if isinstance(e, dict) else e) for e in entries
    ):
        return {}, "already runs pmo-lint"
    jobs = re.sub(r"(?m)^stages:.*\n\n?", "", ours.decode("utf-8"))
    stages = pipeline.get("stages")
    if isinstance(stages, list):  # stages the pipeline lacks: GitLab's first and last, which always exist
        if "test" not in stages:
            jobs = jobs.replace("  stage: test\n", "  stage: .pre\n")
        if "deploy" not in stages:
            jobs = jobs.replace("  stage: deploy\n", "  stage: .post\n")
    files = {GITLAB_INCLUDE: jobs.encode("utf-8")}
    if include is not None:
        return files, f"wrote the jobs to {GITLAB_INCLUDE}; {by_hand}"
    lines = text.splitlines(keepends=True)
    top = 0
    while top < len(lines) and (lines[top].startswith("#") or not lines[top].strip()):
        top += 1
    merged = "".join(lines[:top]) + f"include:\n  - local: {GITLAB_INCLUDE}\n\n" + "".join(lines[top:])
    check = _read_yaml(merged)
    if check is None or check.get("include") != [{"local": GITLAB_INCLUDE}]:
        return {}, f"has a form pmo-lint does not edit; {by_hand}"
    files[".gitlab-ci.yml"] = merged.encode("utf-8")
    return files, f"included the pmo-lint jobs of {GITLAB_INCLUDE}"


def execute(opts: InitOptions) -> int:
    from pmo_lint import __version__
    from pmo_lint.errors import UsageError
    from pmo_lint.scaffold import install

    directory = opts.directory
    if directory.exists() and not directory.is_dir():
        raise UsageError("is not a folder", path=str(directory))
    source = install.parse(opts.install) if opts.install is not None else install.current(__version__)
    answers = _ask(opts)
    layout = find_layout(directory)
    created = skipped = 0

    def write(rel: str, data: bytes, verb: str = "created") -> None:
        try:
            _write(layout.root / rel, data)
        except OSError as exc:
            raise UsageError(f"cannot write {rel}: {exc.strerror}", path=str(layout.root)) from None
        click.echo(f"{verb} {rel}")

    for rel, data in planned_files(answers, source, layout).items():
        target = layout.root / rel
        exists = target.exists() or target.is_symlink()
        if exists and opts.force and target.is_file() and not target.is_symlink():
            write(rel, data)
            created += 1
            continue
        if not exists:
            write(rel, data)
            created += 1
            continue
        writes: dict[str, bytes] = {}
        reason = "exists"
        if rel in REPO_FILES and target.is_file() and not target.is_symlink():
            try:
                writes, reason = _merge(rel, target.read_bytes(), data)
            except OSError as exc:
                reason = f"cannot be read: {exc.strerror}"
        if not writes:
            hint = "" if opts.force or reason != "exists" else "; --force overwrites"
            click.echo(f"skipped {rel} ({reason}{hint})", err=True)
            skipped += 1
            continue
        for merged_rel in writes:
            merged_target = layout.root / merged_rel
            if merged_rel != rel and (merged_target.exists() or merged_target.is_symlink()):
                click.echo(f"skipped {rel} ({merged_rel} exists; --force overwrites {rel})", err=True)
                skipped += 1
                break
        else:
            for merged_rel, merged_data in writes.items():
                write(merged_rel, merged_data, "updated" if merged_rel == rel else "created")
            click.echo(f"  {rel}: {reason}", err=True)
            created += 1
    if source.kind == "path" and source.relative_to(layout.root) == source:
        click.echo(
            f"note: the CI files install pmo-lint from {source.value}, a folder on this machine that a CI runner "
            "does not have; for CI, run init again with --force --install VERSION or a Git URL with a ref.",
            err=True,
        )
    where = f" CI and pre-commit files are at the repository root {layout.root}." if layout.prefix else ""
    click.echo(
        f"{created} file(s) created or updated, {skipped} skipped.{where} The CI and pre-commit files install "
        f"{source.describe()}. Next: `pmo-lint new project NAME`, then `pmo-lint check`; "
        "`pre-commit install` runs the check on every commit.",
        err=True,
    )
    return EXIT_OK


@click.command("init")
@click.argument("directory", type=click.Path(path_type=Path), default=Path())
@click.option("--yes", "-y", is_flag=True, help="Ask nothing; use the options given and defaults for the rest.")
@comma_list_option(
    "--pmo-types",
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
@click.option(
    "--install",
    "install",
    metavar="SPEC",
    help="Where the generated CI and pre-commit files install pmo-lint from: a version (0.2.0), a Git URL "
    "with a ref (git+https://github.com/org/pmo-lint@v0.2.0) or a local folder or wheel. "
    "Default: the way this pmo-lint was installed.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Overwrite files that exist (default: keep them, add pmo-lint to CI, pre-commit and editor settings "
    "that exist, and report).",
)
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
    install: str | None,
) -> int:
    """Turn DIRECTORY (default: here) into a portfolio: pmo.yaml, config, CI, pre-commit, site, templates.

    In a Git repository, the CI, pre-commit and editor files go to the repository's root, where the
    tools read them, and name the portfolio's folder. Existing files are never overwritten unless
    --force is given: CI, pre-commit and editor settings get pmo-lint added; others are reported and skipped.
    """
    return execute(InitOptions(directory, yes, _split(pmo_types), org, currency, lead, force, lifecycle, install))
