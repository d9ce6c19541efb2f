"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

One run; ``tool.driver.rules`` holds every rule the run knew with its help text and, for the rules the
project's documentation site covers, ``helpUri`` to the rule's page; results point at
repository-relative files. Our line-independent fingerprint goes in ``partialFingerprints`` under
``pmoLint/v1``; ``primaryLocationLineHash`` is left to ``upload-sarif``, which computes it.
Suppressed findings are included with a ``suppressions`` entry, as the spec intends.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from pmo_lint import __version__
from pmo_lint.diagnostics import Diagnostic, Result, RuleMeta, Severity
from pmo_lint.reporters.common import (
    INFORMATION_URI,
    TOOL_NAME,
    ci_path,
    clean_controls,
    dumps_json,
    rule_help_uri,
    rule_metas,
)
from pmo_lint.reporters.context import ReportContext

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "pmoLint/v1"
URI_BASE_ID = "%SRCROOT%"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_MAX_DESCRIPTION = 1024  # GitHub rejects longer short/full descriptions
_BASELINE = {"new": "new", "existing": "unchanged"}


def _text(text: str) -> str:
    return clean_controls(text, keep_newlines=True)


def _clip(text: str) -> str:
    text = _text(text).strip() or "-"
    return text if len(text) <= _MAX_DESCRIPTION else text[: _MAX_DESCRIPTION - 1] + "…"


def help_text(m: RuleMeta) -> str:
    d = m.docs
    parts = [f"{m.code} {m.id}: {m.title}", "", d.what]
    if d.why:
        parts += ["", "Why it matters: " + d.why]
    if d.example:
        parts += ["", "Example:", d.example.rstrip("\n")]
    if d.use_instead:
        parts += ["", "Use instead:", d.use_instead.rstrip("\n")]
    if d.options:
        parts += ["", "Options: " + d.options]
    return _text("\n".join(parts))


def _fence(code: str) -> str:
    # a fence longer than any backtick run inside, so rule text cannot close it early
    ticks = "`" * max(3, _longest_backticks(code) + 1)
    return f"{ticks}yaml\n{code.rstrip(chr(10))}\n{ticks}"


def _longest_backticks(text: str) -> int:
    best = run = 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        best = max(best, run)
    return best


def help_markdown(m: RuleMeta) -> str:
    d = m.docs
    parts = [f"**{m.code} {m.id}**: {m.title}", "", "### What it checks", "", d.what]
    if d.why:
        parts += ["", "### Why it matters", "", d.why]
    if d.example:
        parts += ["", "### Example", "", _fence(d.example)]
    if d.use_instead:
        parts += ["", "### Use instead", "", _fence(d.use_instead)]
    if d.options:
        parts += ["", "### Options", "", d.options]
    return _text("\n".join(parts))


def rule_descriptor(m: RuleMeta) -> dict[str, Any]:
    tags = [m.pack] if m.pack else []
    if m.standard:
        tags.append(m.standard)
    out: dict[str, Any] = {
        "id": m.code,
        "name": m.id,
        "shortDescription": {"text": _clip(m.title)},
        "fullDescription": {"text": _clip(m.docs.what or m.title)},
        "help": {"text": help_text(m), "markdown": help_markdown(m)},
    }
    if uri := rule_help_uri(m):  # the rule's page on the documentation site
        out["helpUri"] = uri
    out["defaultConfiguration"] = {"level": LEVELS[m.severity]}
    out["properties"] = {"tags": tags, "fixable": m.fixable}
    return out


def _uri(path: str) -> str:
    # percent-encode everything but "/" so spaces, "%", ":" and non-ASCII make a valid uri-reference
    return quote(path, safe="/")


def _location(result: Result, d: Diagnostic) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(ci_path(result, d)), "uriBaseId": URI_BASE_ID}}
    if d.path and d.line > 0:  # a file-less finding or an unknown line gets no region: never line 0
        region: dict[str, Any] = {"startLine": d.line}
        if d.col > 0:
            region["startColumn"] = d.col
        if d.end_line >= d.line and d.end_line > 0:
            region["endLine"] = d.end_line
            if d.end_col > 0 and (d.end_line > d.line or d.end_col > d.col):
                region["endColumn"] = d.end_col
        physical["region"] = region
    location: dict[str, Any] = {"physicalLocation": physical}
    if d.entity:
        logical: dict[str, Any] = {"fullyQualifiedName": _text(d.entity), "kind": "object"}
        location["logicalLocations"] = [logical]
    return location


def _result(result: Result, d: Diagnostic, index: dict[str, int]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ruleId": d.code,
        "ruleIndex": index[d.code],
        "level": LEVELS[d.severity],
        "message": {"text": _text(d.message) or "-"},
        "locations": [_location(result, d)],
        "partialFingerprints": {FINGERPRINT_KEY: d.fingerprint},
    }
    if d.baseline_state in _BASELINE:
        out["baselineState"] = _BASELINE[d.baseline_state]
    if d.suppression is not None:
        s = d.suppression
        suppression: dict[str, Any] = {
            "kind": "inSource" if s.kind == "inline" else "external",
            "status": "accepted",
            "justification": _text(s.justification),
        }
        if s.waiver:
            suppression["properties"] = {"waiver": _text(s.waiver)}
        out["suppressions"] = [suppression]
    props = {k: v for k, v in (("rule", d.rule), ("dataPath", _text(d.data_path_text))) if v}
    out["properties"] = props
    return out


def render(result: Result) -> str:
    metas = rule_metas(result)
    index = {m.code: i for i, m in enumerate(metas)}
    findings = sorted((*result.diagnostics, *result.suppressed), key=Diagnostic.sort_key)
    doc: dict[str, Any] = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL_NAME,
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [rule_descriptor(m) for m in metas],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": [_result(result, d, index) for d in findings],
                "properties": {"asOf": result.as_of.isoformat(), "filesChecked": result.files_checked},
            }
        ],
    }
    return dumps_json(doc)


def report(result: Result, context: ReportContext) -> str:
    """The SARIF report; it depends on nothing but the result."""
    return render(result)
