"""Every finding at its exact line: the defects a new user injected into a copy of the sample, each
checked end to end through `pmo-lint check --format json` for its line, column and data path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_cli

PROJECT = "projects/cold-chain-monitoring/project.yaml"


def findings(root: Path, code: str) -> list[dict[str, Any]]:
    result = run_cli("check", str(root), "--as-of", "2025-06-30", "--format", "json")
    assert result.code == 1, result.err
    report = json.loads(result.out)
    return [d for d in report["diagnostics"] if d["code"] == code and d["path"] == PROJECT]


def insert_line(path: Path, number: int, text: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(number - 1, text + "\n")
    path.write_text("".join(lines), encoding="utf-8")


def replace_line(path: Path, old: str, new: str) -> int:
    """Replace the one line that reads ``old``; return its number."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    numbers = [n for n, line in enumerate(lines) if line.rstrip("\n") == old]
    assert len(numbers) == 1, f"{old!r} occurs {len(numbers)} times"
    lines[numbers[0]] = new + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    return numbers[0] + 1


def located(found: list[dict[str, Any]]) -> list[tuple[int, int, str, str]]:
    return [(d["line"], d["column"], d["dataPath"], d["message"]) for d in found]


def test_an_unclosed_quote_mid_file_is_reported_at_the_line_that_opened_it(sample_copy: Path) -> None:
    project = sample_copy / PROJECT
    insert_line(project, 66, '  broken: "unclosed')
    # the next " in the file is on line 109; the parse fails there, the mistake is on line 66
    assert '["85 trailers' in project.read_text(encoding="utf-8").splitlines()[108]
    assert located(findings(sample_copy, "PMO001")) == [
        (
            66,
            11,
            "",
            'the quote " opened here is not closed on this line, so everything up to the next " (line 109) '
            'is read as one text; add the closing " on this line',
        )
    ]


def test_a_wrong_type_in_a_nested_optional_field_is_reported_at_the_value(sample_copy: Path) -> None:
    project = sample_copy / PROJECT
    # capex is the second key of spec.budget, an optional (`Budget | None`) mapping
    line = replace_line(project, "    capex: 340000", "    capex: lots-of-money")
    assert line == 75
    assert located(findings(sample_copy, "PMO004")) == [
        (75, 12, "spec.budget.capex", "expected a number, got 'lots-of-money'")
    ]


def test_a_lowercase_currency_names_the_format_and_the_fix(sample_copy: Path) -> None:
    project = sample_copy / PROJECT
    line = replace_line(project, "  currency: EUR", "  currency: eur")
    assert line == 72
    assert located(findings(sample_copy, "PMO004")) == [
        (72, 13, "spec.currency", "'eur' is not valid here (ISO 4217 code, e.g. EUR); did you mean 'EUR'?")
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "      status: in-progress",
            "      status: ongoing",
            (63, 15, "spec.milestones[1].status", "'ongoing' is not one of the allowed values; expected one of: "),
        ),
        (
            "    opex: 180000",
            "    opex: -5",
            (76, 11, "spec.budget.opex", "expected at least 0, got -5"),
        ),
    ],
    ids=["enum-in-a-list-item", "below-the-minimum-in-an-optional-mapping"],
)
def test_other_nested_values_are_reported_at_their_own_line(
    sample_copy: Path, old: str, new: str, expected: tuple[int, int, str, str]
) -> None:
    project = sample_copy / PROJECT
    replace_line(project, old, new)
    [(line, col, data_path, message)] = located(findings(sample_copy, "PMO004"))
    assert (line, col, data_path) == expected[:3]
    assert message.startswith(expected[3])
    assert "null" not in message
