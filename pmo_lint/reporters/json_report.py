"""Stable JSON: one object with the as-of date, counts, findings and suppressed findings.

Field names are camelCase and documented in docs/usage.md; ``version`` changes when a field does.
"""

from __future__ import annotations

import json
from typing import Any

from pmo_lint import __version__
from pmo_lint.diagnostics import Diagnostic, Result

FORMAT_VERSION = 1


def diagnostic_dict(d: Diagnostic) -> dict[str, Any]:
    out: dict[str, Any] = {
        "rule": d.rule,
        "code": d.code,
        "severity": d.severity.label,
        "message": d.message,
        "path": d.path,
        "line": d.line,
        "column": d.col,
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


def render(result: Result) -> str:
    doc: dict[str, Any] = {
        "version": FORMAT_VERSION,
        "tool": {"name": "pmo-lint", "version": __version__},
        "asOf": result.as_of.isoformat(),
        "filesChecked": result.files_checked,
        "summary": {**result.counts(), "suppressed": len(result.suppressed)},
        "diagnostics": [diagnostic_dict(d) for d in result.diagnostics],
        "suppressed": [diagnostic_dict(d) for d in result.suppressed],
    }
    if result.base:
        doc["base"] = result.base
        doc["head"] = result.head
    # allow_nan=False: data can never smuggle NaN/Infinity into a JSON consumer
    return json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
