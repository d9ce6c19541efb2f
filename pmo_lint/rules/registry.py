"""The one explicit list of rules. ``rules``, ``explain``, the site and the engine read it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from pmo_lint.rules.base import Rule, RuleMeta
from pmo_lint.rules.builtin_governance import GOVERNANCE_RULES
from pmo_lint.rules.builtin_history import HISTORY_RULES
from pmo_lint.rules.builtin_lifecycle import LIFECYCLE_RULES
from pmo_lint.rules.builtin_operational import OPERATIONAL_RULES
from pmo_lint.rules.builtin_site import SITE_RULES
from pmo_lint.rules.builtin_strategic import STRATEGIC_RULES
from pmo_lint.rules.builtin_tactical import TACTICAL_RULES
from pmo_lint.rules.builtin_transformational import TRANSFORMATIONAL_RULES
from pmo_lint.rules.core import CORE_RULES, LOAD_RULES

if TYPE_CHECKING:  # imported where it is used, in all_metas
    from pmo_lint.rules.policy import PolicyRule


def builtin_rules() -> list[Rule]:
    """Rules that run code over the catalog, in a fixed order."""
    rules: list[Rule] = [*CORE_RULES, *SITE_RULES]
    rules += HISTORY_RULES  # change control: report only when PR mode or history gives them a base
    rules += (
        *GOVERNANCE_RULES,
        *LIFECYCLE_RULES,
        *STRATEGIC_RULES,
        *TACTICAL_RULES,
        *OPERATIONAL_RULES,
        *TRANSFORMATIONAL_RULES,
    )
    return rules


def all_metas(rules: Sequence[Rule | PolicyRule] | None = None) -> list[RuleMeta]:
    """Metadata of every rule, sorted by code: load problems first, then the rules.

    Without ``rules``: the built-in rules plus the shipped and installed packs, read without
    compiling CEL (``pmo-lint rules`` and ``explain`` stay light).
    """
    from pmo_lint.rules.policy import POLICY_ERROR, SHIPPED_PREFIX, load_policies
    from pmo_lint.rules.suppress import SUPPRESSION_METAS

    if rules is None:
        rules = builtin_rules()
        packs = load_policies(compile_cel=False, taken=[k for r in rules for k in (r.meta.code, r.meta.id)])
        rules = [*rules, *packs.python_rules, *packs.rules]
    builtin = [*LOAD_RULES, POLICY_ERROR, *SUPPRESSION_METAS]
    codes = {m.code for m in builtin} | {r.meta.code for r in builtin_rules()}
    metas = [
        # the project's rule reference has a page for the built-in rules and the shipped packs
        replace(m, documented=True) if m.code in codes or m.source.startswith(SHIPPED_PREFIX) else m
        for m in (*builtin, *(r.meta for r in rules))
    ]
    return sorted({m.code: m for m in metas}.values(), key=lambda m: m.code)


def find_meta(key: str, metas: list[RuleMeta]) -> RuleMeta | None:
    """Look a rule up by code (``PMO007``) or id (``unknown-reference``), ignoring case."""
    lowered = key.strip().lower()
    for meta in metas:
        if meta.code.lower() == lowered or meta.id == lowered:
            return meta
    return None
