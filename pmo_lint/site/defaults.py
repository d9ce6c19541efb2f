"""The mkdocs.yml that ``pmo-lint site build`` uses when a portfolio has none: Material, offline."""

from __future__ import annotations

import json
from collections.abc import Sequence

# Offline by construction: no Google Fonts (font: false), no emoji images, no CDN scripts,
# no repo widget (it calls a code host's API), no "made with" footer link.
DEFAULT_MKDOCS_YML = """\
site_name: {site_name}
docs_dir: {docs_dir}
use_directory_urls: true
theme:
  name: material
  font: false
  features:
    - navigation.indexes
    - navigation.top
    - search.suggest
plugins:
  - search
markdown_extensions:
  - tables
  - toc:
      permalink: false
  - admonition
validation:
  omitted_files: {omitted_files}
  absolute_links: warn
  unrecognized_links: warn
  anchors: warn
not_in_nav: |
{not_in_nav}
extra_css:
{extra_css}
extra:
  generator: false
{nav}"""


def default_mkdocs_yml(site_name: str, docs_dir: str = "docs", nav: Sequence[str] = ()) -> str:
    """The configuration; ``nav``: the pages of the navigation in order (the generator's ``navigation``), which
    MkDocs would otherwise sort with ``index.md`` first. The pages it leaves out are meant to be (a page per
    project, continuation pages), so they are not reported then."""
    # JSON strings are YAML strings: quoting the name this way keeps any character inert
    from pmo_lint.site.assets import stylesheet_paths
    from pmo_lint.site.generator import NOT_IN_NAV_PATTERNS

    patterns = "\n".join(f"  {p}" for p in NOT_IN_NAV_PATTERNS)
    css = "\n".join(f"  - {json.dumps(p)}" for p in stylesheet_paths())  # written by write_site
    listed = "".join(f"  - {json.dumps(page)}\n" for page in nav)
    return DEFAULT_MKDOCS_YML.format(
        site_name=json.dumps(site_name),
        docs_dir=json.dumps(docs_dir),
        not_in_nav=patterns,
        extra_css=css,
        omitted_files="info" if nav else "warn",
        nav=f"nav:\n{listed}" if nav else "",
    )
