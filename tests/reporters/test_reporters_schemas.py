"""SARIF, JUnit and GitLab output validate against the official schemas (copies in tests/schemas/).

Besides the fixed awkward Result, Hypothesis feeds arbitrary text (any code point, controls,
bidi marks, non-characters) through messages, paths and justifications: the output must stay valid.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmo_lint.diagnostics import Diagnostic, Result, Severity, Suppression, sort_diagnostics
from pmo_lint.reporters import github, gitlab, junit, markdown, sarif, text
from tests.reporters.schema_check import assert_valid_gitlab, assert_valid_junit, assert_valid_sarif


def test_sarif_validates(awkward: Result) -> None:
    assert_valid_sarif(sarif.render(awkward))


def test_gitlab_validates(awkward: Result) -> None:
    assert_valid_gitlab(gitlab.render(awkward))


def test_junit_validates(awkward: Result) -> None:
    assert_valid_junit(junit.render(awkward))


def test_the_validators_reject_broken_output(awkward: Result) -> None:
    # the checks above must be able to fail
    doc = json.loads(sarif.render(awkward))
    doc["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    with pytest.raises(AssertionError):
        assert_valid_sarif(json.dumps(doc))
    doc["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["region"]["startLine"] = 1
    doc["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = "a b%zz"
    with pytest.raises(AssertionError):
        assert_valid_sarif(json.dumps(doc))
    with pytest.raises(AssertionError):
        assert_valid_junit(junit.render(awkward).replace('<testsuite name="&lt;portfolio&gt;" tests="1"', "<testsuite"))
    items = json.loads(gitlab.render(awkward))
    items[1]["fingerprint"] = items[0]["fingerprint"]
    with pytest.raises(AssertionError):
        assert_valid_gitlab(json.dumps(items))
    del items[0]["location"]
    with pytest.raises(jsonschema.ValidationError):
        assert_valid_gitlab(json.dumps(items))


# every code point but lone surrogates, which the loader rejects (they cannot come from a YAML file)
any_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)


@st.composite
def results(draw: st.DrawFn) -> Result:
    diags = []
    for _ in range(draw(st.integers(0, 4))):
        kinds = st.sampled_from(["inline", "waiver"])
        suppression = draw(st.one_of(st.none(), st.builds(Suppression, kinds, any_text)))
        diags.append(
            Diagnostic(
                draw(any_text),
                draw(st.sampled_from(["PMO001", "PMO007", "X1"])),
                draw(st.sampled_from(list(Severity))),
                draw(any_text),
                draw(any_text),
                draw(st.integers(0, 5)),
                draw(st.integers(0, 5)),
                entity=draw(any_text),
                suppression=suppression,
            )
        )
    active = [d for d in diags if d.suppression is None]
    hidden = [d for d in diags if d.suppression is not None]
    return Result(
        "/p",
        dt.date(2026, 1, 1),
        len(diags),
        tuple(sort_diagnostics(active)),
        tuple(sort_diagnostics(hidden)),
        rules=(),
        path_prefix=draw(st.sampled_from(["", "sub dir/"])),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(results())
def test_any_text_keeps_every_format_valid(result: Result) -> None:
    assert_valid_sarif(sarif.render(result))
    assert_valid_gitlab(gitlab.render(result))
    assert_valid_junit(junit.render(result))


_RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(results())
def test_any_text_cannot_act_in_text_github_or_markdown(result: Result) -> None:
    plain = text.render(result)
    assert not _RAW_CONTROL.search(plain)
    assert plain.count("\n") == len(result.diagnostics) + 1  # one line per finding, whatever the message holds
    out = github.render(result)
    assert not _RAW_CONTROL.search(out.replace("\n", ""))
    commands = [line for line in out.splitlines() if line.lstrip().startswith("::")]
    assert len(commands) == len(result.diagnostics)  # <= 10 per level here, so every finding is one annotation
    md = markdown.render(result)
    assert "<" not in md and not _RAW_CONTROL.search(md.replace("\n", ""))
    for line in md.splitlines():
        if line.startswith("| ") and "Severity" not in line and "---" not in line and "|" in line[2:]:
            assert len(re.findall(r"(?<!\\)\|", line)) in (3, 5), line
