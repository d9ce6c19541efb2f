"""One broken file gives its own findings, not a cascade over the records that depend on it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli


def _errors(root: Path) -> list[dict[str, object]]:
    proc = run_cli("check", str(root), "--as-of", "2025-06-30", "--format", "json", "--no-cache")
    assert "Traceback" not in proc.err
    return [d for d in json.loads(proc.out)["diagnostics"] if d["severity"] == "error"]


def test_invalid_project_does_not_cascade_to_its_records(sample_copy: Path) -> None:
    project = sample_copy / "projects" / "route-optimisation" / "project.yaml"
    text = project.read_text(encoding="utf-8")
    assert "\n  currency:" in text
    project.write_text(text.replace("\n  currency:", "\n  curency:", 1), encoding="utf-8")
    errors = _errors(sample_copy)
    assert [(d["path"], d["code"]) for d in errors] == [("projects/route-optimisation/project.yaml", "PMO004")]
    assert "did you mean 'currency'" in str(errors[0]["message"])


def test_wrong_type_for_a_date_names_the_date_format(sample_copy: Path) -> None:
    risk = sample_copy / "projects" / "customer-portal" / "risks" / "r-001.yaml"
    lines = risk.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith("  identifiedDate:"))
    lines[index] = "  identifiedDate: {day: 3}\n"
    risk.write_text("".join(lines), encoding="utf-8")
    errors = _errors(sample_copy)
    assert len(errors) == 1
    assert errors[0]["line"] == index + 1
    assert "expected a date (YYYY-MM-DD)" in str(errors[0]["message"])
