"""The change-control rules (GOV040–GOV044) on real repositories: base on `main`, the change on a branch."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

import pytest
import yaml

from pmo_lint.rules.base import FunctionRule
from pmo_lint.rules.builtin_history import HISTORY_RULES
from tests.conftest import git, run_cli
from tests.git.conftest import GATE_G1, Repo, base_files, change_request, project, status_report

PROJECT = "projects/crm/project.yaml"
CR1 = "projects/crm/changes/cr-001.yaml"
REPORT = "projects/crm/status/2025-05-02.yaml"


def pr_check(repo: Repo, *extra: str) -> tuple[int, list[dict[str, Any]], str]:
    res = run_cli("check", "--base", "main", "--select", "GOV04", "--format", "json", *extra, cwd=repo.root)
    assert res.code in (0, 1), res.err
    return res.code, json.loads(res.out)["diagnostics"], res.err


def codes(diags: list[dict[str, Any]]) -> list[str]:
    return [d["code"] for d in diags]


def test_budget_change_without_change_request_fails(make_repo: Callable[..., Repo]) -> None:
    repo = make_repo()
    repo.write({PROJECT: project(bac=620000)}).commit("raise the budget")
    code, diags, _ = pr_check(repo)
    assert code == 1
    assert codes(diags) == ["GOV040"]
    assert diags[0]["dataPath"] == "spec.baselines[0].budget.bac"
    assert "without an approved change request" in diags[0]["message"]
    assert diags[0]["state"] == "new"
    assert diags[0]["line"] > 0


def test_budget_change_with_approved_matching_change_request_passes(make_repo: Callable[..., Repo]) -> None:
    repo = make_repo()
    repo.write({PROJECT: project(bac=620000), CR1: change_request(delta="{budget: 120000}")}).commit("CR-001")
    code, diags, _ = pr_check(repo)
    assert (code, diags) == (0, [])


def test_change_request_must_match_and_be_approved(make_repo: Callable[..., Repo]) -> None:
    repo = make_repo()
    repo.write({PROJECT: project(bac=620000), CR1: change_request(delta="{budget: 100000}")}).commit("wrong delta")
    code, diags, _ = pr_check(repo)
    assert code == 1 and codes(diags) == ["GOV040"]
    assert "give delta.budget +100,000" in diags[0]["message"]

    repo.write({CR1: change_request(delta="{budget: 120000}", status="requested")}).commit("not approved yet")
    code, diags, _ = pr_check(repo)
    assert code == 1 and codes(diags) == ["GOV040"]


def test_change_request_approved_before_this_change_does_not_cover_it(make_repo: Callable[..., Repo]) -> None:
    base = {**_base(), CR1: change_request(delta="{budget: 120000}")}
    repo = make_repo(base)
    repo.write({PROJECT: project(bac=620000)}).commit("reuse an old CR")
    code, diags, _ = pr_check(repo)
    assert code == 1 and codes(diags) == ["GOV040"]


def test_schedule_and_scope_changes_need_matching_deltas(make_repo: Callable[..., Repo]) -> None:
    repo = make_repo()
    changed = project(finish="2026-01-30", golive="2025-12-01", deliverables="crm-core, data-migration, mobile-app")
    repo.write({PROJECT: changed}).commit("slip and add scope")
    code, diags, _ = pr_check(repo)
    assert code == 1
    paths = sorted(d["dataPath"] for d in diags)
    assert paths == [
        "spec.baselines[0].deliverables",
        "spec.baselines[0].schedule.finish",
        "spec.baselines[0].schedule.milestones.go-live",
    ]
    delta = "{finishDays: 42, milestones: {go-live: 2025-12-01}, deliverablesAdded: [mobile-app]}"
    repo.write({CR1: change_request(category="schedule, scope", delta=delta)}).commit("CR for it")
    code, diags, _ = pr_check(repo)
    assert (code, diags) == (0, [])


def test_phase_jump_without_gate_fails(make_repo: Callable[..., Repo]) -> None:
    repo = make_repo()
    repo.write({PROJECT: project(phase="closure")}).commit("jump to closure")
    code, diags, _ = pr_check(repo)
    assert code == 1 and codes(diags) == ["GOV041"]
    assert diags[0]["dataPath"] == "spec.lifecycle.phase"
    assert "G2 (start of execution), G3 (start of closure)" in diags[0]["message"]


def test_phase_advance_with_approved_gate_passes(make_repo: Callable[..., Repo]) -> None:
    repo = make_repo()
    g2 = "      - {gate: G2, decision: approved, decidedBy: person:pat-director, date: 2025-04-01}"
    repo.write({PROJECT: project(phase="execution", gates=(GATE_G1, g2))}).commit("G2 passed")
    code, diags, _ = pr_check(repo)
    assert (code, diags) == (0, [])


def test_rewritten_status_report_fails(make_repo: Callable[..., Repo]) -> None:
    repo = make_repo()
    repo.write({REPORT: status_report(rag="green")}).commit("red was a bad look")
    code, diags, _ = pr_check(repo)
    assert code == 1 and codes(diags) == ["GOV042"]
    assert diags[0]["dataPath"] == "spec.health.overall.rag"


def test_deleted_status_report_fails_and_new_or_reformatted_reports_pass(make_repo: Callable[..., Repo]) -> None:
    repo = make_repo()
    reformatted = "# reviewed by the PMO\n" + status_report().replace("On track.", '"On track."')
    repo.write({REPORT: reformatted, "projects/crm/status/2025-05-09.yaml": status_report("2025-05-09", "amber")})
    repo.commit("add a report, reformat the old one")
    code, diags, _ = pr_check(repo)
    assert (code, diags) == (0, [])

    repo.delete(REPORT).commit("drop the old report")
    code, diags, _ = pr_check(repo)
    assert code == 1 and codes(diags) == ["GOV042"]
    assert diags[0]["path"] == REPORT and "deleted" in diags[0]["message"]


def test_approval_by_coordinator_where_matrix_requires_director_fails(make_repo: Callable[..., Repo]) -> None:
    repo = make_repo()
    cr = change_request(delta="{budget: 120000}", approver="casey-coordinator", role="project-coordinator")
    repo.write({PROJECT: project(bac=620000), CR1: cr}).commit("approved by the coordinator")
    code, diags, _ = pr_check(repo)
    assert code == 1 and codes(diags) == ["GOV043"]
    assert diags[0]["path"] == CR1
    assert diags[0]["dataPath"] == "spec.approval.approvals[0].by"
    assert "requires an approval by pmo-director" in diags[0]["message"]


def test_small_cost_change_may_be_approved_by_the_project_manager(make_repo: Callable[..., Repo]) -> None:
    repo = make_repo()
    cr = change_request(delta="{budget: 20000}", approver="jo-pm", role="project-manager")
    repo.write({PROJECT: project(bac=520000), CR1: cr}).commit("4 % more, approved by the PM")
    code, diags, _ = pr_check(repo)
    assert (code, diags) == (0, [])


def test_claimed_role_and_gate_approver_are_checked(make_repo: Callable[..., Repo]) -> None:
    repo = make_repo()
    cr = change_request(delta="{budget: 120000}", approver="casey-coordinator", role="pmo-director")
    g2 = "      - {gate: G2, decision: approved, decidedBy: person:casey-coordinator, date: 2025-04-01}"
    repo.write({PROJECT: project(bac=620000, phase="execution", gates=(GATE_G1, g2)), CR1: cr}).commit("self-approved")
    code, diags, _ = pr_check(repo)
    assert code == 1
    by_path = {d["path"]: d for d in diags}
    assert set(codes(diags)) == {"GOV043"}
    assert "a role they do not hold" in by_path[CR1]["message"]
    assert by_path[PROJECT]["dataPath"] == "spec.lifecycle.gates[1].decidedBy"


def test_change_cannot_grant_itself_the_power(make_repo: Callable[..., Repo]) -> None:
    from tests.git.conftest import PERSON

    repo = make_repo()
    promoted = PERSON.format(name="casey-coordinator", display="Casey", email="casey@example.org", role="pmo-director")
    cr = change_request(delta="{budget: 120000}", approver="casey-coordinator", role="pmo-director")
    repo.write({"people/casey-coordinator.yaml": promoted, PROJECT: project(bac=620000), CR1: cr}).commit("promote")
    code, diags, _ = pr_check(repo)
    assert code == 1 and codes(diags) == ["GOV043"]


def test_approver_must_author_the_commit_when_configured(make_repo: Callable[..., Repo]) -> None:
    base = {**_base(), ".pmo-lint.yaml": "git:\n  require-approver-commits: true\n"}
    repo = make_repo(base)
    repo.write({PROJECT: project(bac=620000), CR1: change_request()}).commit("CR", email="jo@example.org")
    code, diags, _ = pr_check(repo)
    assert code == 1 and codes(diags) == ["GOV044"]
    assert "jo@example.org" in diags[0]["message"]

    repo2 = make_repo(base, name="repo2")
    repo2.write({PROJECT: project(bac=620000)}).commit("budget", email="jo@example.org")
    repo2.write({CR1: change_request()}).commit("approve", email="PAT@example.org")
    code, diags, _ = pr_check(repo2)
    assert (code, diags) == (0, [])


def test_unknown_git_option_is_a_config_error(make_repo: Callable[..., Repo]) -> None:
    repo = make_repo({**_base(), ".pmo-lint.yaml": "git:\n  require-approver-commit: true\n"})
    res = run_cli("check", "--base", "main", cwd=repo.root)
    assert res.code == 2
    assert "unknown key git.require-approver-commit" in res.err


def test_history_rules_are_silent_without_a_base(make_repo: Callable[..., Repo]) -> None:
    repo = make_repo()
    repo.write({PROJECT: project(bac=620000, phase="closure"), REPORT: status_report(rag="green")}).commit("all of it")
    res = run_cli("check", "--select", "GOV04", cwd=repo.root)
    assert res.code == 0, res.out


def _base() -> dict[str, str]:
    from tests.git.conftest import base_files

    return base_files()


@pytest.mark.parametrize("rule", HISTORY_RULES, ids=[r.meta.code for r in HISTORY_RULES])
def test_rule_docs_are_complete_yaml(rule: FunctionRule) -> None:
    """The history rules need a base, so the cases above run their Example and Use instead as real
    changes; here their documentation is checked to be whole and its YAML to parse."""
    docs = rule.meta.docs
    assert docs.what and docs.why and rule.meta.pack == "governance" and rule.meta.code.startswith("GOV04")
    for text in (docs.example, docs.use_instead):
        assert isinstance(yaml.safe_load(text), dict)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_a_project_file_that_is_a_link_is_compared_with_its_base(make_repo: Callable[..., Repo]) -> None:
    """`project.yaml` is a link to the file that holds the project (as some repositories share one file
    between folders): check reads it through the link at head, and the base must too, or the project looks
    new at base and a budget raised without a change request passes unseen."""
    files = {k: v for k, v in base_files().items() if k != PROJECT}
    files["projects/crm/project.src"] = project()
    repo = make_repo(files)
    git(repo.root, "checkout", "-q", "main")
    (repo.root / PROJECT).symlink_to("project.src")
    repo.commit("the project file is a link")
    repo.branch("raise")
    repo.write({"projects/crm/project.src": project(bac=620000)}).commit("raise the budget through the link")
    code, diags, _ = pr_check(repo)
    assert code == 1
    assert codes(diags) == ["GOV040"]
    assert diags[0]["path"] == PROJECT and diags[0]["state"] == "new"
