"""The mkdocs.yml that ``pmo-lint site build`` uses when a portfolio has none: Material, offline."""

from __future__ import annotations

import json

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
  omitted_files: warn
  absolute_links: warn
  unrecognized_links: warn
  anchors: warn
not_in_nav: |
{not_in_nav}
extra:
  generator: false
"""


def default_mkdocs_yml(site_name: str, docs_dir: str = "docs") -> str:
    # JSON strings are YAML strings: quoting the name this way keeps any character inert
    from pmo_lint.site.generator import NOT_IN_NAV_PATTERNS

    patterns = "\n".join(f"  {p}" for p in NOT_IN_NAV_PATTERNS)
    return DEFAULT_MKDOCS_YML.format(
        site_name=json.dumps(site_name), docs_dir=json.dumps(docs_dir), not_in_nav=patterns
    )
