"""The published portfolio site: a pure generator of Markdown pages with inline SVG, and a thin MkDocs plugin.

``generate`` (in :mod:`pmo_lint.site.generator`) needs no MkDocs: its pages serve MkDocs,
ProperDocs or any Markdown site. Only :mod:`pmo_lint.site.mkdocs_plugin` imports mkdocs.
"""
