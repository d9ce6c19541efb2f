"""GitLab Code Quality (a Code Climate subset): a JSON array, one object per active finding.

GitLab validates each element and stops at the first invalid one, and keys findings by
``fingerprint``, so every element carries every required field and a fingerprint no other has.
Suppressed findings are left out: they are not degradations.
"""

from __future__ import annotations

from typing import Any

from pmo_lint.diagnostics import Diagnostic, Result, Severity
from pmo_lint.reporters.common import ci_path, clean_controls, dumps_json, rule_metas, unique_fingerprints
from pmo_lint.reporters.context import ReportContext


def severity(d: Diagnostic, blocking: set[str]) -> str:
    """error → major (critical for a file pmo-lint could not read), warning → minor, info → info."""
    if d.severity is Severity.ERROR:
        return "critical" if d.code in blocking else "major"
    return "minor" if d.severity is Severity.WARNING else "info"


def issue(result: Result, d: Diagnostic, fingerprint: str, blocking: set[str]) -> dict[str, Any]:
    return {
        "type": "issue",
        "check_name": d.code,
        "description": clean_controls(f"{d.code} {d.message}"),
        "severity": severity(d, blocking),
        "fingerprint": fingerprint,
        "location": {"path": ci_path(result, d), "lines": {"begin": max(d.line, 1)}},
    }


def render(result: Result) -> str:
    # rules that cannot be disabled are the load problems: the file was not understood at all
    blocking = {m.code for m in rule_metas(result) if not m.can_disable}
    prints = unique_fingerprints(result.diagnostics)
    return dumps_json([issue(result, d, fp, blocking) for d, fp in zip(result.diagnostics, prints, strict=True)])


def report(result: Result, context: ReportContext) -> str:
    """The GitLab Code Quality report; it depends on nothing but the result."""
    return render(result)
