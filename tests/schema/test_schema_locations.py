"""A wrong value anywhere is reported at that value: its own line, column and data path.

For every field of every kind (read off the published schemas) a value of the wrong type, an unknown
enum member or text that breaks the field's pattern goes into an otherwise valid file; the one finding
must sit on that value, never on a parent and never with "expected null" for an optional field.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmo_lint.loader.yamlio import DEFAULT_LIMITS
from pmo_lint.model.kinds import KIND_BY_NAME
from pmo_lint.outcome import process_bytes
from tests.schema.schema_fields import Field, all_fields, document_with, fields, to_yaml, wrong_values

FIELDS = all_fields()


def wrong_value_finding(field: Field, wrong: Any, doc: dict[str, Any], flow: frozenset[Any]) -> str | None:
    """None when the one finding is at the wrong value, else what went wrong."""
    text, where = to_yaml(doc, flow)
    diagnostics = process_bytes("x.yaml", text.encode("utf-8"), DEFAULT_LIMITS).diagnostics
    got = [(d.code, d.line, d.col, d.data_path, d.message) for d in diagnostics]
    line, col = where[field.path]
    if len(got) != 1 or got[0][:4] != ("PMO004", line, col, field.path):
        return f"{field.kind} {field.dotted} = {wrong!r}: expected PMO004 at {line}:{col}, got {got}\n{text}"
    message = got[0][4]
    if "null" in message or "pattern ^" in message or "None" in message:
        return f"{field.kind} {field.dotted} = {wrong!r}: unhelpful message {message!r}"
    return None


def test_the_schemas_have_fields_to_walk() -> None:
    kinds = {f.kind for f in FIELDS}
    assert kinds == set(KIND_BY_NAME)
    assert len(FIELDS) > 500
    dotted = {f"{f.kind}:{f.dotted}" for f in FIELDS}
    assert {"Project:spec.budget.capex", "Project:spec.currency", "StatusReport:spec.decisionsNeeded.0.state"} <= dotted


@pytest.mark.parametrize("kind", sorted(KIND_BY_NAME))
def test_every_wrong_value_of_every_field_is_located(kind: str) -> None:
    problems = [
        problem
        for field in fields(kind)
        if field.path != ("kind",)  # another kind is another schema, not a wrong value
        for wrong in wrong_values(field)
        if (problem := wrong_value_finding(field, wrong, document_with(field, wrong), frozenset())) is not None
    ]
    assert not problems, "\n\n".join(problems[:5])


@st.composite
def wrong_files(draw: st.DrawFn) -> tuple[Field, Any, dict[str, Any], frozenset[Any]]:
    field = draw(st.sampled_from(FIELDS))
    wrong = draw(st.sampled_from(wrong_values(field)))

    def choose(keys: list[str]) -> list[str]:
        # valid optional siblings around the wrong value, in any order: it is rarely the first key
        return draw(st.lists(st.sampled_from(keys), unique=True)) if keys else []

    doc = document_with(field, wrong, choose)
    parent = field.path[:-1]
    flow = frozenset({parent}) if isinstance(field.path[-1], str) and draw(st.booleans()) else frozenset()
    return field, wrong, doc, flow


@settings(
    max_examples=600,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(wrong_files())
def test_a_wrong_value_among_valid_siblings_is_located(case: tuple[Field, Any, dict[str, Any], frozenset[Any]]) -> None:
    problem = wrong_value_finding(*case)
    assert problem is None, problem
