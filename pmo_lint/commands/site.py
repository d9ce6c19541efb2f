"""``pmo-lint site generate`` (Markdown pages, no MkDocs needed) and ``pmo-lint site build`` (the HTML site)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pmo_lint.commands.common import EXIT_OK, EXIT_USAGE, handle_errors, traceback_option
from pmo_lint.commands.params import DATE, comma_list_option

if TYPE_CHECKING:
    from pmo_lint.site.generator import SiteOptions

MKDOCS_CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml")
# MkDocs 2.0 banners from Material and ProperDocs would only confuse users of this command
QUIET_ENV = {"NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}


@dataclass(frozen=True)
class SiteCommandOptions:
    portfolio: Path
    out: Path
    as_of: dt.date | None = None
    history: Path | None = None
    sections: tuple[str, ...] = ()
    config_path: Path | None = None
    trust_config: bool = False  # hand the repository's own mkdocs.yml to MkDocs as it is


def _options(
    portfolio: Path | None,
    out: Path,
    as_of: dt.date | None,
    history: Path | None,
    sections: tuple[str, ...],
    config_path: Path | None,
    trust_config: bool = False,
) -> SiteCommandOptions:
    return SiteCommandOptions(portfolio or Path(), out, as_of, history, sections, config_path, trust_config)


def _site_options(opts: SiteCommandOptions) -> SiteOptions:
    from pmo_lint.site.generator import SECTIONS, SiteOptions

    return SiteOptions(
        as_of=opts.as_of, sections=opts.sections or SECTIONS, history=opts.history, config_path=opts.config_path
    )


def execute_generate(opts: SiteCommandOptions) -> int:
    from pmo_lint.site.generator import generate, write_site

    site = generate(opts.portfolio, _site_options(opts))
    written = write_site(site, opts.out)
    click.echo(f"wrote {len(written)} file(s) to {opts.out}", err=True)
    return EXIT_OK


def _mkdocs_build(config_file: Path, out: Path, env: dict[str, str]) -> int:
    # -P and the configuration's folder as working folder: no module of the repository (or of the folder
    # the command was started in) can shadow mkdocs, a plugin or an extension, and relative paths of
    # pymdownx.snippets mean the repository
    cmd = [
        sys.executable,
        "-P",
        "-m",
        "mkdocs",
        "build",
        "--strict",
        "--quiet",
        "-f",
        str(config_file),
        "-d",
        str(out.resolve()),
    ]
    proc = subprocess.run(cmd, env={**os.environ, **QUIET_ENV, **env}, cwd=config_file.parent, check=False)
    if proc.returncode != 0:
        click.echo(f"pmo-lint: error: mkdocs build failed (exit {proc.returncode}); see its messages above", err=True)
        return EXIT_USAGE
    return EXIT_OK


def execute_build(opts: SiteCommandOptions) -> int:
    from pmo_lint.errors import UsageError
    from pmo_lint.loader.discover import find_root
    from pmo_lint.site.defaults import default_mkdocs_yml
    from pmo_lint.site.generator import generate, navigation, release_memory, write_site

    if importlib.util.find_spec("mkdocs") is None or importlib.util.find_spec("material") is None:
        raise UsageError("site build needs MkDocs and Material for MkDocs: pip install 'pmo-lint[site]'")
    root = find_root(opts.portfolio)
    own = next((root / n for n in MKDOCS_CONFIG_NAMES if (root / n).is_file()), None)
    if own is not None:
        # the portfolio's own configuration: its pmo-lint plugin generates the pages
        if "pmo-lint" not in own.read_text(encoding="utf-8", errors="replace"):
            raise UsageError(f"{own} does not list the pmo-lint plugin; add `- pmo-lint: {{portfolio: .}}` to plugins")
        if opts.sections or opts.config_path:
            given = "--section" if opts.sections else "--config"
            raise UsageError(
                f"{given} does not apply to {own}, which configures the site: set sections and config_file in its "
                "pmo-lint plugin (--history and --as-of do apply)"
            )
        if not opts.trust_config:
            from pmo_lint.site.trust import refused

            problems = refused(own)
            if problems:
                raise UsageError(
                    f"{own} would run code of the repository or publish files from outside it; refused without "
                    "--trust-config:\n  " + "\n  ".join(problems)
                )
        # this build's date and trend reach the plugin through the environment: the user's file is not edited
        env = {"PMO_LINT_AS_OF": opts.as_of.isoformat()} if opts.as_of else {}
        if opts.history:
            from pmo_lint.site.history import load_history

            load_history(opts.history)  # a missing or malformed file is named now, not deep in MkDocs' output
            env["PMO_LINT_HISTORY"] = str(opts.history.resolve())
        return _mkdocs_build(own, opts.out, env)
    site = generate(opts.portfolio, _site_options(opts))
    with tempfile.TemporaryDirectory(prefix="pmo-lint-site-") as tmp:
        work = Path(tmp)
        write_site(site, work / "docs")
        title = f"{site.data.get('organization') or 'Portfolio'} portfolio"
        nav = navigation(site.pages)  # the summary first, where MkDocs alone would put index.md
        del site  # on disk now; MkDocs' process needs the memory
        release_memory()
        (work / "mkdocs.yml").write_text(default_mkdocs_yml(title, nav=nav), encoding="utf-8")
        code = _mkdocs_build(work / "mkdocs.yml", opts.out, {})
    if code == EXIT_OK:
        click.echo(f"built the site of {root} in {opts.out}", err=True)
    return code


_portfolio_arg = click.argument("portfolio", required=False, type=click.Path(path_type=Path))
_out_opt = click.option("--out", required=True, type=click.Path(path_type=Path), help="Folder to write to.")
_as_of_opt = click.option("--as-of", "as_of", type=DATE, help="Date the site shows (default: today).")
_history_opt = click.option(
    "--history", type=click.Path(path_type=Path), help="JSON of `pmo-lint history --format json`, for the trend."
)
_section_opt = comma_list_option(
    "--section",
    "sections",
    help="Only these sections (repeatable or comma-separated): summary, dashboard, projects, strategy, roadmap, risks, "
    "resources, prioritisation, changes, audit, templates, rules. Default: all.",
)
_config_opt = click.option(
    "--config", "config_path", type=click.Path(path_type=Path), help="Use this configuration file."
)


@click.group("site")
def command() -> None:
    """The portfolio site: a dashboard, project pages, heat maps, roadmap and audit results."""


_trust_opt = click.option(
    "--trust-config",
    "trust_config",
    is_flag=True,
    help="Build with the repository's mkdocs.yml as it is, even if it runs code (hooks, plugins, tags) or "
    "includes files from outside the repository. Only for a repository whose every change is trusted; never "
    "for pull-request previews.",
)


def _subcommand(
    name: str, help_text: str, execute: Callable[[SiteCommandOptions], int], *, trust: bool = False
) -> None:
    """Register one sub-command; both take the same arguments and differ only in what they run."""

    def trust_opt(f: Callable[..., int]) -> Callable[..., int]:
        return _trust_opt(f) if trust else f

    @command.command(name, help=help_text)
    @_portfolio_arg
    @_out_opt
    @_as_of_opt
    @_history_opt
    @_section_opt
    @_config_opt
    @trust_opt
    @traceback_option
    @handle_errors
    def run(
        portfolio: Path | None,
        out: Path,
        as_of: dt.date | None,
        history: Path | None,
        sections: tuple[str, ...],
        config_path: Path | None,
        trust_config: bool = False,
    ) -> int:
        return execute(_options(portfolio, out, as_of, history, sections, config_path, trust_config))


_subcommand(
    "generate",
    "Write the site's Markdown pages (inline SVG charts) and data.json for PORTFOLIO into --out.\n\n"
    "Needs no MkDocs: the pages suit MkDocs, ProperDocs or any Markdown site.",
    execute_generate,
)
_subcommand(
    "build",
    "Generate the pages and build the HTML site into --out with `mkdocs build --strict`.\n\n"
    "Uses the portfolio's mkdocs.yml when it has one (it must list the pmo-lint plugin), else a default "
    "configuration with Material for MkDocs that makes no external request. A mkdocs.yml that would run code "
    "of the repository (hooks, plugins or extensions outside a safe list, Python or environment tags, theme "
    "templates) or publish files from outside it (unrestricted snippets, links leading out) is refused, with "
    "each setting's line, unless --trust-config is given.",
    execute_build,
    trust=True,
)
