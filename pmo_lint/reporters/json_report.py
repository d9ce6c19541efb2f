"""Stable JSON: one object with the as-of date, counts, findings, suppressed findings and rule metadata.

Field names are camelCase and documented in docs/ci-formats.md; ``version`` changes when a field
changes meaning or goes away (adding a field keeps it).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from pmo_lint import __version__
from pmo_lint.diagnostics import Diagnostic, Result, RuleMeta
from pmo_lint.reporters.common import TOOL_NAME, dumps_json, held_back, path_prefix, rule_metas, suppressed_counts
from pmo_lint.reporters.context import ReportContext

FORMAT_VERSION = 2  # 2: paths relative to the Git repository (were relative to the portfolio); portfolioPath


def diagnostic_dict(d: Diagnostic, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {
        "rule": d.rule,
        "code": d.code,
        "severity": d.severity.label,
        "message": d.message,
        "path": prefix + d.path if d.path else "",
        "line": d.line,
        "column": d.col,
        "endLine": d.end_line,
        "endColumn": d.end_col,
        "dataPath": d.data_path_text,
        "entity": d.entity,
        "fingerprint": d.fingerprint,
    }
    if d.baseline_state:
        out["state"] = d.baseline_state
    if d.suppression is not None:
        out["suppression"] = {
            "kind": d.suppression.kind,
            "justification": d.suppression.justification,
            "waiver": d.suppression.waiver,
        }
    return out


def rule_dict(m: RuleMeta) -> dict[str, Any]:
    return {
        "code": m.code,
        "id": m.id,
        "title": m.title,
        "pack": m.pack,
        "severity": m.severity.label,
        "fixable": m.fixable,
        "standard": m.standard,
    }


def render(result: Result) -> str:
    inline, waived = suppressed_counts(result)
    prefix = path_prefix(result)
    by_rule = Counter(d.code for d in result.diagnostics)
    used = by_rule.keys() | {d.code for d in result.suppressed}
    doc: dict[str, Any] = {
        "version": FORMAT_VERSION,
        "tool": {"name": TOOL_NAME, "version": __version__},
        "asOf": result.as_of.isoformat(),
        "filesChecked": result.files_checked,
        "portfolioPath": prefix.rstrip("/"),
        "summary": {
            **result.counts(),
            "suppressed": len(result.suppressed),
            "suppressedInline": inline,
            "waived": waived,
            "byRule": dict(sorted(by_rule.items())),
        },
        "diagnostics": [diagnostic_dict(d, prefix) for d in result.diagnostics],
        "suppressed": [diagnostic_dict(d, prefix) for d in result.suppressed],
        # metadata of the rules that appear above, so a consumer needs no second call
        "rules": [rule_dict(m) for m in rule_metas(result) if m.code in used],
    }
    held, projects, why = held_back(result)
    if held:  # findings that wait for an invalid project file (only present when there are some)
        doc["summary"]["heldBack"] = held
        doc["heldBack"] = {"count": held, "projects": projects, "reason": why}
    if result.base:
        doc["base"] = result.base
        doc["head"] = result.head
    return dumps_json(doc)


def report(result: Result, context: ReportContext) -> str:
    """The JSON report; it depends on nothing but the result."""
    return render(result)
