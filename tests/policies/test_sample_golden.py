"""The sample portfolio gives a stable, documented set of findings (docs/rules-sample-findings.md).

Regenerate after an intended change with ``PMO_LINT_UPDATE_GOLDEN=1 pytest tests/policies/test_sample_golden.py``
and update the docs page to match.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from pathlib import Path
from typing import Any

import pytest

from pmo_lint.cli import main

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample-portfolio"
GOLDEN = Path(__file__).resolve().parent / "golden" / "sample.json"
DOCS = ROOT / "docs" / "rules-sample-findings.md"


def _stable(report: dict[str, Any]) -> dict[str, Any]:
    report = dict(report)
    report["tool"] = {"name": report["tool"]["name"]}  # the version moves with every release
    return report


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["check", str(SAMPLE), "--as-of", "2025-06-30", "--format", "json", "--no-cache"])
    assert code in (0, 1), out.getvalue()
    return _stable(json.loads(out.getvalue()))


def test_sample_matches_golden(report: dict[str, Any]) -> None:
    text = json.dumps(report, indent=2, sort_keys=True) + "\n"
    if os.environ.get("PMO_LINT_UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert str(ROOT) not in text, "the report must not hold absolute paths"
    assert json.loads(GOLDEN.read_text(encoding="utf-8")) == report


def test_sample_has_no_errors(report: dict[str, Any]) -> None:
    errors = [d for d in report["diagnostics"] if d["severity"] == "error"]
    assert report["summary"]["error"] == 0 and not errors, errors


def test_docs_page_lists_every_finding(report: dict[str, Any]) -> None:
    page = DOCS.read_text(encoding="utf-8")
    inside = report["portfolioPath"] + "/"  # the report's paths are repository-relative; the page names sample files
    for d in report["diagnostics"] + report["suppressed"]:
        path = d["path"].removeprefix(inside)
        assert f"`{path}:{d['line']}`" in page and d["code"] in page, f"{d['code']} {path}:{d['line']}"
