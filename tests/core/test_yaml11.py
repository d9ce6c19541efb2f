"""PMO010 fires only where YAML 1.1 and YAML 1.2 read a plain value differently, and its advice holds:
following it leaves the file clean, never a schema error."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from pmo_lint.loader.yamlio import LoadedDocument, parse_text, plain_number, same_reading, yaml11_reading
from tests.policies.conftest import check, portfolio

BASE_PERSON = (Path(__file__).resolve().parents[1] / "policies/base/people/jo-pm.yaml").read_text(encoding="utf-8")


def _value_and_notes(plain: str) -> tuple[Any, list[Any]]:
    doc = parse_text(f"a:\n  v: {plain}\n")
    assert isinstance(doc, LoadedDocument), doc
    return doc.data["a"]["v"], doc.notes


@pytest.mark.parametrize(
    "plain",
    ["0.80", "1.10", ".5", "1.", "1.5e+3", "2025-06-30", "00", "0x1F", "+12", "true", "False", "~", "NOPE", ".inf"],
)
def test_values_both_versions_read_alike_are_not_noted(plain: str) -> None:
    value, notes = _value_and_notes(plain)
    assert notes == []
    if plain != "2025-06-30":  # a 1.1 reader's date is the same date; everything else is the very same value
        assert same_reading(value, yaml.safe_load(f"v: {plain}\n")["v"])


@pytest.mark.parametrize(
    "plain", ["NO", "on", "Off", "yes", "012", "09", "0o12", "1e3", "1.0e3", "-.5", "1_000", "0b101", "1:30", "+0x1F"]
)
def test_values_the_versions_read_differently_are_noted(plain: str) -> None:
    value, notes = _value_and_notes(plain)
    assert [(n.message, n.data_path) for n in notes] == [(plain, ("a", "v"))]
    # the two readings, compared in code: PyYAML is a YAML 1.1 reader
    pyyaml = yaml.safe_load(f"v: {plain}\n")["v"]
    assert notes[0].readings == (value, pyyaml, False)
    assert not same_reading(value, pyyaml)


def test_y_and_n_are_yaml11_booleans_even_though_pyyaml_omits_them() -> None:
    assert yaml11_reading("y") is True and yaml11_reading("N") is False
    assert [n.readings for n in _value_and_notes("y")[1]] == [("y", True, False)]


@pytest.mark.parametrize("number", [12, 0, -3, 40.0, 0.8, 1e-05, 1e20, -0.5])
def test_a_suggested_number_reads_the_same_in_both_versions(number: float) -> None:
    text = plain_number(number)
    assert text is not None
    assert same_reading(_value_and_notes(text)[0], number)
    assert same_reading(yaml.safe_load(f"v: {text}\n")["v"], number)


def _person(tmp_path: Path, hours: str, labels: str = "{}") -> Path:
    text = BASE_PERSON.replace("hoursPerWeek: 40", f"hoursPerWeek: {hours}").replace(
        "  name: jo-pm\n", f"  name: jo-pm\n  labels: {labels}\n"
    )
    return portfolio(tmp_path, {"people/jo-pm.yaml": text})


def _on_person(tmp_path: Path, hours: str, labels: str = "{}") -> list[tuple[str, str]]:
    found = check(_person(tmp_path, hours, labels), ["PMO"])
    return [(d.code, d.message) for d in found if d.path == "people/jo-pm.yaml"]


def test_a_decimal_ending_in_zero_is_no_yaml11_ambiguity(tmp_path: Path) -> None:
    # 0.80 is the number 0.8 for YAML 1.1 and 1.2; the old advice (quote it) made it a schema error
    assert _on_person(tmp_path, "0.80") == []


@pytest.mark.parametrize(
    ("hours", "labels", "fixed_hours", "fixed_labels"),
    [
        ("040", "{}", "40", "{}"),  # a number field: write the number, quoting would be a schema error
        ("4e1", "{}", "40.0", "{}"),
        ("40", "{country: NO}", "40", '{country: "NO"}'),  # a text field: quote it
        ("40", "{code: 012}", "40", '{code: "012"}'),
    ],
)
def test_following_the_advice_leaves_the_file_clean(
    tmp_path: Path, hours: str, labels: str, fixed_hours: str, fixed_labels: str
) -> None:
    found = _on_person(tmp_path, hours, labels)
    advice = [m for code, m in found if code == "PMO010"]
    assert len(advice) == 1, found
    wanted = fixed_hours if fixed_hours != hours else re.sub(r".*: |}", "", fixed_labels)
    assert f"write {wanted} " in advice[0] or f"quote it ({wanted})" in advice[0], advice[0]
    assert _on_person(tmp_path, fixed_hours, fixed_labels) == []


def test_text_in_a_number_field_is_advised_as_the_number_yaml11_reads(tmp_path: Path) -> None:
    found = _on_person(tmp_path, "1_000")
    assert [code for code, _ in found] == ["PMO004", "PMO010"] or sorted(c for c, _ in found) == ["PMO004", "PMO010"]
    advice = next(m for code, m in found if code == "PMO010")
    assert "write 1000" in advice and "quote" not in advice, advice
