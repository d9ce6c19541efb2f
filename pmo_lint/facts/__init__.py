"""Derived values rules need, computed once per run: EVM, risk rank, status age, slips, load, scores.

Pure, typed functions (``evm``, ``risk``, ``allocation``, ``priority``, ``maturity``) and the per-kind
fact maps the CEL policies read (``portfolio``).
"""

from __future__ import annotations

from pmo_lint.facts.portfolio import Facts, compute_facts, config_facts

__all__ = ["Facts", "compute_facts", "config_facts"]
