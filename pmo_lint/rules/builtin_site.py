"""The site's trust boundary: settings of a repository's ``mkdocs.yml`` that run code or publish files.

MkDocs executes its configuration: ``hooks:`` are Python files, plugins and Markdown extensions are
Python imported by name, ``!!python/name`` tags import objects, ``!ENV`` reads the build machine's
environment, theme templates are Jinja (which can run code), and ``pymdownx.snippets`` includes files
by path. A pull request that changes ``mkdocs.yml`` therefore changes what runs, and what is published,
when its site is built. :func:`inspect_site_config` reads the file with pmo-lint's own plain-data YAML
reader (no tag is ever constructed) and lists what an untrusted build must not accept; ``pmo-lint site
build`` refuses such a file unless ``--trust-config`` is given, and PMO014 flags it in ``check``.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pmo_lint.diagnostics import DataPath, Severity
from pmo_lint.loader.yamlio import LoadedDocument, parse_text
from pmo_lint.rules.base import Finding, FunctionRule, RuleContext, RuleDocs, RuleMeta

SITE_CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml")
MAX_CONFIG_BYTES = 256 * 1024
TRUST_HINT = "remove it, or build with `pmo-lint site build --trust-config` where the repository is trusted"

# Plugins that run no repository code, fetch nothing and read no file outside the docs: MkDocs' search,
# pmo-lint's own, and Material's tags, offline and meta. Left out on purpose: privacy, social and
# optimize (download or run external tools), info (zips the project), group and projects (enable other
# plugins or build other projects), blog and typeset (not reviewed here).
ALLOWED_PLUGINS = frozenset(
    {
        "search",
        "pmo-lint",
        "tags",
        "offline",
        "meta",
        "material/search",
        "material/tags",
        "material/offline",
        "material/meta",
    }
)
# Markdown extensions shipped with Python-Markdown and PyMdown Extensions that only transform text.
# pymdownx.b64 (embeds image files by path) is left out; pymdownx.snippets is checked on its own.
_MARKDOWN_EXTENSIONS = frozenset(
    {
        *("abbr", "admonition", "attr_list", "def_list", "extra", "fenced_code", "footnotes", "legacy_attrs"),
        *("legacy_em", "md_in_html", "meta", "nl2br", "sane_lists", "smarty", "tables", "toc", "codehilite"),
        "wikilinks",
    }
)
_PYMDOWNX = frozenset(
    {
        *("arithmatex", "betterem", "blocks.admonition", "blocks.caption", "blocks.definition", "blocks.details"),
        *("blocks.html", "blocks.tab", "caret", "critic", "details", "emoji", "escapeall", "extra", "fancylists"),
        *("highlight", "inlinehilite", "keys", "magiclink", "mark", "pathconverter", "progressbar", "saneheaders"),
        *("smartsymbols", "snippets", "striphtml", "superfences", "tabbed", "tasklist", "tilde"),
    }
)
ALLOWED_EXTENSIONS = frozenset(
    [*_MARKDOWN_EXTENSIONS, *(f"markdown.extensions.{e}" for e in _MARKDOWN_EXTENSIONS)]
    + [f"pymdownx.{e}" for e in _PYMDOWNX]
)
# keys whose values are URLs a page links or loads; anything but http(s), mailto or a relative path is refused
_URL_KEYS = frozenset({"site_url", "repo_url", "edit_uri", "edit_uri_template", "logo", "favicon", "link", "href"})
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
_SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
# in any text of the file: script URLs and markup that runs script (after HTML entities are decoded and the
# blanks browsers ignore inside a scheme are removed)
_SCRIPT_URL = re.compile(r"(?:java|vb)script:|data:text/html", re.IGNORECASE)
_ACTIVE_MARKUP = re.compile(r"<\s*(?:script|iframe|object|embed|base|meta)\b|<[^>]*\son[a-z]+\s*=", re.IGNORECASE)


@dataclass(frozen=True)
class Unsafe:
    """One setting an untrusted build refuses, where it is in the file."""

    message: str
    line: int
    col: int
    data_path: DataPath = ()


class _Inspector:
    def __init__(self, doc: LoadedDocument) -> None:
        self.doc = doc
        self.found: list[Unsafe] = []

    def add(self, path: DataPath, message: str, *, key: bool = False) -> None:
        line, col = self.doc.locate(path, key=key)
        self.found.append(Unsafe(f"{message}; {TRUST_HINT}", line, col, path))


def _entries(value: Any) -> Iterator[tuple[int | str, str, Any]]:
    """(position, name, options) of a plugins or markdown_extensions list (or mapping)."""
    if isinstance(value, dict):
        for name, options in value.items():
            yield name, str(name), options
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, dict) and len(item) == 1:
                name, options = next(iter(item.items()))
                yield i, str(name), options
            else:
                yield i, str(item), None


def inside(path: str) -> bool:
    """A relative path that stays inside the folder it is relative to (lexically)."""
    if not path or path.startswith(("/", "\\", "~")) or re.match(r"[A-Za-z]:", path):
        return False
    norm = posixpath.normpath(path.replace("\\", "/"))
    return norm != ".." and not norm.startswith("../")


def _url_ok(value: str) -> bool:
    text = re.sub(r"[\x00-\x20]", "", html.unescape(value))
    if text.startswith("//"):
        return True  # protocol-relative: http(s)
    match = _SCHEME.match(text)
    return match is None or match.group(1).lower() in _SAFE_SCHEMES


def _walk(value: Any, path: DataPath) -> Iterator[tuple[DataPath, str]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk(v, (*path, i))
    elif isinstance(value, str):
        yield path, value


def _check_plugins(ins: _Inspector, plugins: Any) -> None:
    for pos, name, options in _entries(plugins):
        where: DataPath = ("plugins", pos)
        if name not in ALLOWED_PLUGINS:
            ins.add(
                where,
                f"plugin {name!r} is not one an untrusted build may load (allowed: search, pmo-lint, tags, "
                "offline, meta): a plugin is Python code that runs at build time",
            )
        elif name == "pmo-lint" and isinstance(options, dict):
            for key in ("portfolio", "history", "config_file", "rules_reference", "prefix"):
                value = options.get(key)
                if isinstance(value, str) and value not in ("", ".") and not inside(value):
                    at = (*where, key) if isinstance(plugins, dict) else (*where, name, key)
                    ins.add(at, f"pmo-lint plugin option {key} {value!r} leaves the repository")


def _check_extensions(ins: _Inspector, extensions: Any) -> None:
    for pos, name, options in _entries(extensions):
        where: DataPath = ("markdown_extensions", pos)
        if name not in ALLOWED_EXTENSIONS:
            ins.add(
                where,
                f"Markdown extension {name!r} is not one an untrusted build may load: an extension is Python "
                "code imported by name",
            )
        elif name == "pymdownx.snippets":
            opts = options if isinstance(options, dict) else {}
            here: DataPath = (*where, name) if isinstance(options, dict) and isinstance(pos, int) else where
            if opts.get("restrict_base_path", True) is not True:
                ins.add(
                    (*here, "restrict_base_path"),
                    "pymdownx.snippets with restrict_base_path other than true includes any file of the build "
                    "machine in the published site",
                )
            if opts.get("url_download", False) is not False:
                ins.add((*here, "url_download"), "pymdownx.snippets with url_download downloads pages at build time")
            bases = opts.get("base_path", ["."])
            for i, base in enumerate(bases if isinstance(bases, list) else [bases]):
                if not isinstance(base, str) or not inside(base):
                    at = (*here, "base_path", i) if isinstance(bases, list) else (*here, "base_path")
                    ins.add(at, f"pymdownx.snippets base path {base!r} is outside the repository")


def _check_assets(ins: _Inspector, data: dict[str, Any]) -> None:
    for key in ("extra_javascript", "extra_css"):
        items = data.get(key)
        for i, item in enumerate(items if isinstance(items, list) else []):
            url = item.get("path") if isinstance(item, dict) else item
            if isinstance(url, str) and not _url_ok(url):
                ins.add((key, i), f"{key} entry {url!r} is neither a web address (http, https) nor a file of the site")


def inspect_document(doc: LoadedDocument) -> list[Unsafe]:
    """What an untrusted build refuses in a parsed site configuration, in file order."""
    ins = _Inspector(doc)
    data = doc.data
    for key, what in (
        ("hooks", "hooks run Python files of the repository when the site is built"),
        ("INHERIT", "INHERIT reads another configuration file, which is not checked"),
        ("extra_templates", "extra_templates are Jinja templates of the repository, which can run code"),
    ):
        if key in data:
            ins.add((key,), what, key=True)
    theme = data.get("theme")
    if isinstance(theme, dict) and "custom_dir" in theme:
        ins.add(("theme", "custom_dir"), "theme.custom_dir holds Jinja templates of the repository, which can run code")
    docs_dir = data.get("docs_dir")
    if isinstance(docs_dir, str) and not inside(docs_dir):
        ins.add(("docs_dir",), f"docs_dir {docs_dir!r} is outside the repository: its files would be published")
    _check_plugins(ins, data.get("plugins"))
    _check_extensions(ins, data.get("markdown_extensions"))
    _check_assets(ins, data)
    reported = {u.data_path for u in ins.found}
    for path, text in _walk(data, ()):
        if path in reported:
            continue
        plain = re.sub(r"[\x00-\x20]", "", html.unescape(text))
        if _SCRIPT_URL.search(plain) or _ACTIVE_MARKUP.search(html.unescape(text)):
            ins.add(path, f"the setting {'.'.join(map(str, path))} holds a script URL or markup that runs script")
        elif path and path[-1] in _URL_KEYS and not _url_ok(text):
            ins.add(
                path,
                f"the setting {'.'.join(map(str, path))} is neither a web address (http, https) nor a relative path",
            )
    unique = {(u.line, u.col, u.message): u for u in ins.found}
    return sorted(unique.values(), key=lambda u: (u.line, u.col, u.message))


def inspect_site_config(text: str) -> list[Unsafe]:
    """What an untrusted build refuses in the text of an ``mkdocs.yml`` (empty: nothing)."""
    doc = parse_text(text)
    if not isinstance(doc, LoadedDocument):
        # a tag (!!python/name, !ENV, !relative), a merge key or a syntax error: MkDocs' reader would
        # construct what pmo-lint's refuses, so the file is not handed to it
        reason = doc.message.replace(
            "pmo-lint reads plain data only", "an untrusted site configuration holds plain data only"
        )
        if "apiVersion" in reason:  # the loader's words are about portfolio entities
            reason = "the file must hold one mapping of MkDocs settings"
        return [Unsafe(f"{reason}; {TRUST_HINT}", doc.line, doc.col)]
    return inspect_document(doc)


def read_site_config(path: Path) -> str | Unsafe:
    """The text of a site configuration, or why it cannot be read (never its content)."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        return Unsafe(f"cannot read the file: {exc.strerror}", 1, 1)
    if len(raw) > MAX_CONFIG_BYTES:
        return Unsafe(f"the file is larger than {MAX_CONFIG_BYTES // 1024} KiB", 1, 1)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Unsafe("the file is not UTF-8", 1, 1)


def _site_config(ctx: RuleContext) -> Iterator[Finding]:
    root = ctx.root
    if not root:
        return
    base = Path(root)
    for name in SITE_CONFIG_NAMES:
        if name not in ctx.files:  # in PR mode, the base revision's files
            continue
        path = base / name
        if path.is_symlink() and not path.resolve().is_relative_to(base.resolve()):
            yield Finding(f"{name} links to a file outside the repository; {TRUST_HINT}", path=name, line=1, col=1)
            continue
        text = read_site_config(path)
        problems = [text] if isinstance(text, Unsafe) else inspect_site_config(text)
        for u in problems:
            yield Finding(u.message, path=name, data_path=u.data_path, line=u.line, col=u.col)


_UNSAFE = """\
# mkdocs.yml
site_name: Portfolio
hooks:
  - hooks/publish.py
plugins:
  - search
  - pmo-lint
extra_javascript:
  - "javascript:alert(document.cookie)"
"""
_SAFE = """\
# mkdocs.yml
site_name: Portfolio
plugins:
  - search
  - pmo-lint
extra_javascript:
  - js/charts.js
"""

SITE_CONFIG = FunctionRule(
    RuleMeta(
        id="site-config-unsafe",
        code="PMO014",
        title="The site configuration runs no repository code and publishes no outside file",
        severity=Severity.ERROR,
        pack="core",
        standard="Governance PMO — the published portfolio site shows the portfolio and nothing else",
        docs=RuleDocs(
            what="The repository's `mkdocs.yml` holds no `hooks:`, `INHERIT:`, `extra_templates:` or "
            "`theme.custom_dir`; loads only the plugins search, pmo-lint, tags, offline and meta and the Markdown "
            "extensions of Python-Markdown and PyMdown Extensions; keeps `pymdownx.snippets` restricted to base "
            "paths inside the repository without downloads; uses no tag (`!!python/name`, `!ENV`, `!relative`); "
            "and links or loads only http(s), mailto and relative addresses (no `javascript:` or `data:` URL, no "
            "script markup).",
            why="Building the site runs its configuration: a hook or plugin is Python code, a template can run "
            "code, an unrestricted snippet can copy any file of the build machine (keys, tokens) into the "
            "published site, and a script URL runs on every page. A pull request that adds one of them would run "
            "code in CI or leak files when its preview is built; `pmo-lint site build` refuses such a "
            "configuration unless `--trust-config` is given.",
            example=_UNSAFE,
            use_instead=_SAFE,
            options="Disable the rule (and build with `--trust-config`) only where every change to the "
            "repository is trusted.",
        ),
    ),
    _site_config,
)

SITE_RULES: tuple[FunctionRule, ...] = (SITE_CONFIG,)
