"""The MkDocs plugin ``pmo-lint``: generates the portfolio site's pages as virtual files.

A thin adapter (the only module of pmo-lint that imports mkdocs): the generator does the work in
``on_files``; each page becomes a ``File.generated``. Errors become ``PluginError`` naming the file.

    plugins:
      - search
      - pmo-lint:
          portfolio: .            # folder with pmo.yaml, relative to mkdocs.yml (default: its folder)
          prefix: portfolio       # docs sub-folder for the pages ("" = the docs root)
          as_of: 2025-06-30       # pin the date (default: $PMO_LINT_AS_OF, else today)
          sections: [dashboard, projects, risks]   # default: all; [] for none
          history: history.json   # optional `pmo-lint history` output (default: $PMO_LINT_HISTORY)
          rules_reference: rules  # also write the rule reference (a page per rule) here
          stylesheets: true       # link pmo-lint's own stylesheets (layout, print) on every page
"""

from __future__ import annotations

import datetime as dt
import os
import posixpath
from pathlib import Path, PurePosixPath
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel

from pmo_lint.errors import PmoLintError
from pmo_lint.site.page.common import SECTIONS

log = get_plugin_logger(__name__)


class PmoLintPluginConfig(base.Config):  # type: ignore[no-untyped-call]
    enabled = c.Type(bool, default=True)
    portfolio = c.Type(str, default=".")  # the folder of mkdocs.yml: a portfolio's own site
    prefix = c.Type(str, default="")
    as_of = c.Optional(c.Type(str))
    sections = c.ListOfItems(c.Choice(SECTIONS), default=list(SECTIONS))
    history = c.Optional(c.Type(str))
    config_file = c.Optional(c.Type(str))
    rules_reference = c.Optional(c.Type(str))
    stylesheets = c.Type(bool, default=True)


class PmoLintPlugin(BasePlugin[PmoLintPluginConfig]):  # type: ignore[no-untyped-call]
    def __init__(self) -> None:
        self._as_of: dt.date | None = None
        self._history: Path | None = None
        self._base = Path()
        self._auto_nav = True

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        # without a `nav:` of the user's, the plugin orders the one MkDocs builds (see _navigation)
        self._auto_nav = config.nav is None
        self._base = Path(config.config_file_path or ".").resolve().parent
        # PMO_LINT_AS_OF lets `pmo-lint site build --as-of` (or CI) pin the date without editing mkdocs.yml
        from pmo_lint.facts.dates import parse_day  # the one date form of every option and setting

        given = os.environ.get("PMO_LINT_AS_OF") or None
        raw = self.config.as_of or given
        self._as_of = None
        if raw:
            self._as_of = parse_day(raw)
            if self._as_of is None:
                where = config.config_file_path if self.config.as_of else "PMO_LINT_AS_OF"
                raise PluginError(f"pmo-lint: as_of {raw!r} in {where} is not a YYYY-MM-DD date")
            if self.config.as_of and given and parse_day(given) != self._as_of:
                raise PluginError(
                    f"pmo-lint: {config.config_file_path} pins as_of {raw} and this build asks for {given} "
                    "(--as-of or PMO_LINT_AS_OF); remove as_of from the pmo-lint plugin to choose the date per build"
                )
        # PMO_LINT_HISTORY: the compliance trend of this build (`pmo-lint site build --history`), relative to the
        # folder the build runs in; the same file named in mkdocs.yml is no conflict
        self._history = None
        wanted = os.environ.get("PMO_LINT_HISTORY") or None
        if self.config.history or wanted:
            named = self._path(self.config.history) if self.config.history else None
            self._history = Path(wanted).resolve() if wanted else named
            if named is not None and self._history != named:
                raise PluginError(
                    f"pmo-lint: {config.config_file_path} reads history from {self.config.history} and this build "
                    f"asks for {wanted} (--history or PMO_LINT_HISTORY); remove history from the pmo-lint plugin "
                    "to choose the file per build"
                )
            if wanted and self.config.enabled and "audit" not in self.config.sections:
                raise PluginError(
                    f"pmo-lint: this build asks for a history ({wanted}) but the pmo-lint plugin of "
                    f"{config.config_file_path} does not generate the audit section, where the trend is shown; "
                    "add audit to its sections"
                )
        prefix = self.config.prefix.strip("/")
        if prefix and (posixpath.isabs(prefix) or ".." in prefix.split("/")):
            raise PluginError(f"pmo-lint: prefix {prefix!r} must be a folder inside docs_dir")
        if self.config.enabled and self.config.stylesheets:
            from pmo_lint.site.assets import stylesheet_paths

            # added here, not in the user's mkdocs.yml: the trust check of that file never sees them
            config.extra_css.extend(p for p in stylesheet_paths(prefix) if p not in config.extra_css)
        return config

    def _navigation(self, files: Files, lead: list[str]) -> list[Any]:
        """The navigation MkDocs would build from the files (it sorts them, ``index.md`` first), with the
        portfolio's sections in their own order, the executive summary first: at the top of the site, or at
        the top of the prefix's folder."""
        from mkdocs.structure.files import file_sort_key
        from mkdocs.utils import nest_paths

        rank = {uri: i for i, uri in enumerate(lead)}
        folder = PurePosixPath(self.config.prefix.strip("/")).parts

        def key(f: File) -> tuple[Any, ...]:
            if f.src_uri in rank:
                return (folder, False, f"{rank[f.src_uri]:06d}")  # before every other page of the folder
            return tuple(file_sort_key(f))

        shown = [f for f in files.documentation_pages() if f.inclusion.is_in_nav()]  # type: ignore[no-untyped-call]
        return list(nest_paths(f.src_uri for f in sorted(shown, key=key)))  # type: ignore[no-untyped-call]

    def _path(self, value: str) -> Path:
        return (self._base / value).resolve()

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled:
            return files
        generated: dict[str, str] = {}
        in_nav: set[str] = set()
        lead: list[str] = []  # the portfolio's section pages, in navigation order
        sheets: dict[str, str] = {}
        try:
            if self.config.sections:  # `sections: []` generates only the rule reference
                from pmo_lint.site.generator import SiteOptions, generate

                options = SiteOptions(
                    as_of=self._as_of,
                    sections=tuple(self.config.sections),
                    history=self._history,
                    config_path=self._path(self.config.config_file) if self.config.config_file else None,
                )
                site = generate(self._path(self.config.portfolio), options)
                prefix = self.config.prefix.strip("/")
                from pmo_lint.site.generator import in_navigation, navigation

                written = site.files()
                for rel, text in written.items():
                    src_uri = f"{prefix}/{rel}" if prefix else rel
                    generated[src_uri] = text
                    if in_navigation(rel):
                        in_nav.add(src_uri)
                lead = [f"{prefix}/{rel}" if prefix else rel for rel in navigation(written)]
            if self.config.rules_reference:
                from pmo_lint.rules.registry import all_metas
                from pmo_lint.site.page.rule import reference_pages

                reference = reference_pages(all_metas(), self.config.rules_reference)
                generated.update(reference)
                in_nav.update(reference)
            if self.config.stylesheets:
                from pmo_lint.site.assets import stylesheets

                prefix = self.config.prefix.strip("/")
                sheets = {f"{prefix}/{rel}" if prefix else rel: css for rel, css in stylesheets().items()}
                generated.update(sheets)
        except PmoLintError as exc:
            raise PluginError(f"pmo-lint: {exc}") from None
        except OSError as exc:
            raise PluginError(f"pmo-lint: {exc.filename or self.config.portfolio}: {exc.strerror}") from None
        for src_uri, text in generated.items():
            if files.get_file_from_path(src_uri) is not None:
                raise PluginError(f"pmo-lint: {src_uri} exists in docs_dir; the plugin would replace it")
            # a page per project stays out of the navigation (found from the project list and search): the
            # navigation is on every page, and 20,000 entries in it made each page megabytes
            inclusion = InclusionLevel.UNDEFINED if src_uri in in_nav else InclusionLevel.NOT_IN_NAV
            files.append(File.generated(config, src_uri, content=text, inclusion=inclusion))
        if lead and self._auto_nav:
            config.nav = self._navigation(files, lead)
        log.info("generated %d file(s) and %d stylesheet(s)", len(generated) - len(sheets), len(sheets))
        return files

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        if self.config.enabled and self.config.sections:
            server.watch(str(self._path(self.config.portfolio)))
        return server
