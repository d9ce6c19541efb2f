"""What users read about rules cites no internal document: docs, `explain`, standards and messages."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from pmo_lint.commands.catalog_view import render_docs
from pmo_lint.options import RunOptions
from pmo_lint.rules.policy import load_policies
from pmo_lint.rules.registry import all_metas
from pmo_lint.run import check
from tests.conftest import SAMPLE

# the design notes' file and section marks, and their catalogue ids such as `TAC-03`
INTERNAL = re.compile(r"pmo\.md|§|\b(?:GOV|STR|TAC|OPS|TRF)-\d\d\b")


@pytest.mark.parametrize("meta", all_metas(), ids=lambda m: m.code)
def test_rule_docs_and_standard_cite_no_internal_document(meta: object) -> None:
    text = render_docs(meta)  # type: ignore[arg-type]  # what `explain` and the site print
    assert not INTERNAL.search(text), INTERNAL.search(text)


def test_policy_messages_cite_no_internal_document() -> None:
    loaded = load_policies(compile_cel=False, plugins=False)
    assert not loaded.problems  # else the docs test above would miss the broken packs' rules
    assert len(loaded.rules) > 50
    for rule in loaded.rules:
        assert not INTERNAL.search(rule.message), rule.meta.code


def test_sample_findings_read_without_question_marks_or_internal_references() -> None:
    result = check(RunOptions(paths=(SAMPLE,), as_of=dt.date(2025, 6, 30))).result
    for d in result.diagnostics:
        assert not INTERNAL.search(d.message), (d.code, d.message)
        assert not re.search(r"\s\?(?=[\s,;)]|$)", d.message), (d.code, d.message)  # a value shown as `?`
