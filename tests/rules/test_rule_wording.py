"""What users read about rules cites no internal document: docs, `explain`, standards and messages."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from pmo_lint.commands.catalog_view import render_docs
from pmo_lint.options import RunOptions
from pmo_lint.rules.policy import load_policies
from pmo_lint.rules.registry import all_metas
from pmo_lint.run import check
from tests.conftest import SAMPLE
from tests.impact.kit import PMO

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


def test_assignment_findings_name_the_person_and_the_project(tmp_path: Path) -> None:
    """OPS004 read "sam-support is inactive but is assigned to project:crm-migration": a director reads names."""
    files = {
        "pmo.yaml": PMO,
        "people/sam-support.yaml": "apiVersion: pmo-lint/v1\nkind: Person\nmetadata: {name: sam-support}\n"
        "spec:\n  profile: {displayName: Sam Support}\n  roles: [support-staff]\n  active: false\n",
        "projects/crm-migration/project.yaml": "apiVersion: pmo-lint/v1\nkind: Project\n"
        "metadata: {name: crm-migration, title: CRM Migration}\nspec:\n  type: it\n  category: strategic\n"
        "  lifecycle: {phase: executing}\n",
        "allocations/2025/sam-support.yaml": "apiVersion: pmo-lint/v1\nkind: Allocation\n"
        "metadata: {name: sam-support}\nspec:\n  person: sam-support\n  year: 2025\n  assignments:\n"
        "    - {project: crm-migration, from: 2025-02-03, to: 2025-09-30, load: {percent: 20}}\n",
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    result = check(RunOptions(paths=(tmp_path,), as_of=dt.date(2025, 6, 30), select=("OPS004",), no_cache=True)).result
    assert [d.message for d in result.diagnostics if d.code == "OPS004"] == [
        "Sam Support (sam-support) is inactive but is assigned to CRM Migration (crm-migration) until 2025-09-30; "
        "reassign the work"
    ]
