"""pmo-lint: a governance linter for a PMO's portfolio kept as YAML in Git.

This module stays import-light: ``pmo-lint --version`` reads only ``__version__``.
"""

__version__ = "0.1.0"
