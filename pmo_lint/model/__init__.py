"""The portfolio model: pydantic models of the thirteen kinds (the one source of truth).

Kept empty on purpose: ``pmo_lint.model.names`` and ``refs`` must import without pydantic, so
that ``pmo-lint rules`` and ``explain`` start fast. Import the kinds from ``pmo_lint.model.kinds``.
"""
