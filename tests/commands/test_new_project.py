"""`pmo-lint new project` / `new change-request`: titles, budget, milestones, a baseline stub, a clean check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pmo_lint.commands.new import title_of
from tests.conftest import git, run_cli

AS_OF = "2025-06-30"


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("wms-replacement", "WMS replacement"),
        ("crm-migration", "CRM migration"),
        ("sap-s4-upgrade", "SAP s4 upgrade"),
        ("hr-portal", "HR portal"),
        ("route-optimisation", "Route optimisation"),
        ("data-lake-for-bi", "Data lake for BI"),
        ("by-the-way", "By the way"),  # "by" has a vowel (y): a word, not an acronym
    ],
)
def test_titles_keep_acronyms_in_capitals(name: str, title: str) -> None:
    assert title_of(name) == title


def findings_on(root: Path, *prefixes: str) -> list[dict[str, object]]:
    out = run_cli("check", "--as-of", AS_OF, "--format", "json", cwd=root)
    assert out.code in (0, 1), out.err
    diagnostics = json.loads(out.out)["diagnostics"]
    return [d for d in diagnostics if str(d["path"]).startswith(prefixes)]


def test_new_project_and_change_request_pass_check_in_a_fresh_portfolio(tmp_path: Path) -> None:
    root = tmp_path / "p"
    root.mkdir()
    git(root, "init", "-q")
    assert run_cli("init", "--yes", cwd=root).code == 0
    assert run_cli("new", "person", "jo-pm", "--role", "project-manager", cwd=root).code == 0
    made = run_cli("new", "project", "wms-replacement", "--date", "2025-06-02", cwd=root)
    assert made.code == 0, made.err
    assert "still to do" in made.out and "budget.bac" in made.out
    cr = run_cli("new", "change-request", "cr-001", "--project", "wms-replacement", "--date", "2025-06-02", cwd=root)
    assert cr.code == 0, cr.err
    text = (root / "projects/wms-replacement/project.yaml").read_text()
    assert "title: WMS replacement" in text
    assert "budget:\n    bac: 0" in text and "currency: EUR" in text
    assert "milestones:\n    - id: g1" in text
    assert "#     approvedBy: gate:G2" in text  # the baseline stub names the gate that approves the plan
    assert findings_on(root, "projects/wms-replacement/") == []
    strict = run_cli("check", "--as-of", AS_OF, "--fail-on", "warning", cwd=root)
    assert strict.code == 0, strict.out


def test_a_lone_person_cannot_be_sponsor_too_and_new_says_so(tmp_path: Path) -> None:
    root = tmp_path / "p"
    root.mkdir()
    git(root, "init", "-q")
    assert run_cli("init", "--yes", cwd=root).code == 0
    made = run_cli("new", "project", "crm-rollout", "--date", "2025-06-02", cwd=root)
    assert made.code == 0, made.err
    assert "name a sponsor other than the project manager" in made.out


def test_new_project_in_the_sample_passes_check(sample_copy: Path) -> None:
    made = run_cli("new", "project", "hr-portal", "--date", "2025-06-02", cwd=sample_copy)
    assert made.code == 0, made.err
    cr = run_cli("new", "change-request", "cr-001", "--project", "hr-portal", "--date", "2025-06-25", cwd=sample_copy)
    assert cr.code == 0, cr.err
    # the sample's first phase asks for prioritisation scores: only the board can give them
    left = {(d["code"], d["path"]) for d in findings_on(sample_copy, "projects/hr-portal/")}
    assert left <= {("GOV001", "projects/hr-portal/project.yaml"), ("STR004", "projects/hr-portal/project.yaml")}
