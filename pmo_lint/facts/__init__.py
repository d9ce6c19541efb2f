"""Derived values rules need, computed once per run: EVM, risk rank, status age, slips, load, scores.

Pure, typed functions (``evm``, ``risk``, ``allocation``, ``priority``, ``maturity``) and the per-kind
fact maps the CEL policies read (``portfolio``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pmo_lint.facts.portfolio import Facts, compute_facts, config_facts

__all__ = ["Facts", "compute_facts", "config_facts"]


def __getattr__(name: str) -> Any:
    # loaded on first use: ``facts.dates`` (the --as-of option's parser) must not pull in every fact module
    if name in __all__:
        from pmo_lint.facts import portfolio

        return getattr(portfolio, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
