"""Maturity level: the highest rung of the PMO's ladder whose checks, and every lower rung's, all pass.

A check names a rule by code, code prefix or id (as OpsLevel's rubric levels name checks); it passes
for a project when that rule reported nothing on the project or its records.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence


def maturity_level(levels: Sequence[tuple[str, Sequence[str]]], passes: Callable[[str], bool]) -> str:
    reached = ""
    for name, checks in levels:
        if not all(passes(check) for check in checks):
            break
        reached = name
    return reached


def check_fails(check: str, failing: Sequence[tuple[str, str]]) -> bool:
    """Whether any (code, rule id) reported on the project matches ``check``."""
    probe = check.strip()
    return any(code.upper().startswith(probe.upper()) or rule == probe.lower() for code, rule in failing)
