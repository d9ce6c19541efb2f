"""`pmo-lint test-policies`: policy test cases with expected findings, pass and fail."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_cli
from tests.policy_kit import base_files, write_portfolio

PACK = """\
pack: acme
rules:
  - id: budget-set
    code: ACM001
    title: Projects have a budget
    severity: error
    kind: Project
    assert: has(entity.spec.budget)
    path: spec.type
    message: set spec.budget
"""

NO_BUDGET = base_files()["projects/crm/project.yaml"].replace("  budget: {bac: 1000}\n", "")


def make_suite(tmp_path: Path) -> Path:
    suite = tmp_path / "policy-tests"
    write_portfolio(suite / "base")
    (tmp_path / "acme.yaml").write_text(PACK)
    fires = suite / "cases" / "fires"
    (fires / "projects/crm").mkdir(parents=True)
    (fires / "projects/crm/project.yaml").write_text(NO_BUDGET)
    (fires / "expect.yaml").write_text(
        "base: ../../base\nasOf: 2025-06-30\nselect: [ACM]\npolicies: [../../../acme.yaml]\n"
        "findings:\n  - {code: ACM001, path: projects/crm/project.yaml, line: 6}\n"
    )
    passes = suite / "cases" / "passes"
    passes.mkdir(parents=True)
    (passes / "expect.yaml").write_text(
        "base: ../../base\nselect: [ACM]\npolicies: [../../../acme.yaml]\nfindings: []\n"
    )
    return suite


def test_cases_pass(tmp_path: Path) -> None:
    suite = make_suite(tmp_path)
    out = run_cli("test-policies", str(suite))
    assert out.code == 0, out.out + out.err
    assert out.out.splitlines() == ["PASS cases/fires", "PASS cases/passes", "2 cases: 2 passed, 0 failed"]


def test_a_wrong_expectation_fails_with_details(tmp_path: Path) -> None:
    suite = make_suite(tmp_path)
    (suite / "cases/passes/projects/crm").mkdir(parents=True)
    (suite / "cases/passes/projects/crm/project.yaml").write_text(NO_BUDGET)  # now it fires but expects nothing
    (suite / "cases/fires/expect.yaml").write_text(
        (suite / "cases/fires/expect.yaml").read_text().replace("line: 6", "line: 99")
    )
    out = run_cli("test-policies", str(suite))
    assert out.code == 1
    lines = out.out.splitlines()
    assert "FAIL cases/fires" in lines
    assert "  missing:    ACM001 projects/crm/project.yaml:99" in lines
    assert any(line.startswith("  unexpected: ACM001 projects/crm/project.yaml:6") for line in lines)
    assert lines[-1] == "2 cases: 0 passed, 2 failed"


def test_a_case_with_a_full_portfolio_and_the_shipped_packs(tmp_path: Path) -> None:
    case = write_portfolio(tmp_path / "case")
    (case / "expect.yaml").write_text("asOf: 2025-06-30\nselect: [PMO007]\nfindings: []\n")
    out = run_cli("test-policies", str(case))
    assert out.code == 0, out.out + out.err
    assert out.out.startswith("PASS case")


def test_bad_input_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    out = run_cli("test-policies", str(tmp_path / "empty"))
    assert out.code == 2 and "no test case" in out.err
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "expect.yaml").write_text("findngs: []\n")
    out = run_cli("test-policies", str(bad))
    assert out.code == 2 and "unknown key 'findngs'" in out.err
