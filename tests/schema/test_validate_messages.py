"""Schema problems read well: an optional enum lists its options and suggests the closest one."""

from __future__ import annotations

from typing import Any

from pmo_lint.schema.validate import validate


def risk(**spec: Any) -> dict[str, Any]:
    base = {"category": "technical", "probability": "low", "impact": "minor", "identifiedDate": "2025-01-10"}
    return {
        "apiVersion": "pmo-lint/v1",
        "kind": "Risk",
        "metadata": {"name": "r-001", "namespace": "crm"},
        "spec": {**base, **spec},
    }


def messages(data: dict[str, Any]) -> dict[tuple[Any, ...], str]:
    entity, problems = validate(data)
    assert entity is None
    return {p.data_path: p.message for p in problems}


def test_a_typo_in_an_optional_enum_lists_the_options_and_the_closest_one() -> None:
    message = messages(risk(response="mitigat"))[("spec", "response")]
    assert "expected null" not in message
    assert message == (
        "'mitigat' is not one of the allowed values; expected one of: avoid, mitigate, transfer, accept, "
        "escalate, exploit, enhance, share; did you mean 'mitigate'?"
    )


def test_an_optional_date_says_what_a_date_looks_like() -> None:
    assert messages(risk(reviewDate="2025-13-01"))[("spec", "reviewDate")] == (
        "'2025-13-01' is not a calendar date (YYYY-MM-DD)"
    )


def test_a_missing_key_is_reported_once() -> None:
    data = risk()
    del data["spec"]["impact"]
    _, problems = validate(data)
    assert [p.message for p in problems].count("missing required key 'impact'") == 1
