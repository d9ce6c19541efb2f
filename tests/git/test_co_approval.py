"""A change request is authorised by all its approvals together, the same in PR mode and in `history`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import SAMPLE, git, run_cli
from tests.git.conftest import CR, PERSON, PMO, Repo, base_files, project

PROJECT = "projects/crm/project.yaml"
CR1 = "projects/crm/changes/cr-001.yaml"
PM_SIGNATURE = "      - {by: person:jo-pm, role: project-manager, date: 2025-05-08, decision: approved}\n"
CFO_PMO = PMO.replace(
    "  approvalMatrix:\n",
    "  governanceRoles:\n    - {id: cfo, title: Chief Financial Officer}\n  approvalMatrix:\n"
    "    - when: {category: cost, budgetDeltaOver: 250000}\n      approverRoles: [cfo]\n",
)
CFO = PERSON.format(name="cleo-cfo", display="Cleo Chen", email="cleo@example.org", role="x").replace(
    "  roles: [x]\n", "  governanceRoles: [cfo]\n"
)


def co_approved(*extra: str, approver: str = "pat-director", role: str = "pmo-director", budget: int = 120000) -> str:
    """A cost change request signed by the project manager and by `approver`, as the sample's are."""
    text = CR.format(
        name="cr-001", category="cost", delta=f"{{budget: {budget}}}", status="approved", approver=approver, role=role
    )
    head, approvals = text.split("    approvals:\n")
    return head + "    approvals:\n" + PM_SIGNATURE + approvals + "".join(extra)


def pr_check(repo: Repo) -> tuple[int, list[dict[str, Any]]]:
    res = run_cli(
        "check", "--base", "main", "--select", "GOV008,GOV010,GOV018,GOV04", "--format", "json", cwd=repo.root
    )
    assert res.code in (0, 1), res.err
    return res.code, json.loads(res.out)["diagnostics"]


def test_co_approved_change_request_passes_in_pr_mode(make_repo: Callable[..., Repo]) -> None:
    repo = make_repo()
    repo.write({PROJECT: project(bac=620000), CR1: co_approved()}).commit("co-approved by PM and director")
    assert pr_check(repo) == (0, [])


def test_project_manager_alone_fails_where_the_director_is_required(make_repo: Callable[..., Repo]) -> None:
    repo = make_repo()
    text = co_approved().replace(
        "      - {by: person:pat-director, role: pmo-director, date: 2025-05-09, decision: approved}\n", ""
    )
    repo.write({PROJECT: project(bac=620000), CR1: text}).commit("PM only")
    code, diags = pr_check(repo)
    assert code == 1
    gov043 = [d for d in diags if d["code"] == "GOV043"]
    assert len(gov043) == 1 and gov043[0]["path"] == CR1
    assert "Jo PM (jo-pm) as project-manager" in gov043[0]["message"]
    assert "requires an approval by pmo-director" in gov043[0]["message"]
    assert [d["code"] for d in diags if d["code"] == "GOV008"] == ["GOV008"]  # check and PR mode agree


def test_director_signature_added_to_a_pm_approval_passes(make_repo: Callable[..., Repo]) -> None:
    files = {**base_files(), CR1: co_approved().split("      - {by: person:pat-director")[0]}
    files[CR1] = files[CR1].replace("status: approved", "status: requested")
    repo = make_repo(files)
    repo.write({PROJECT: project(bac=620000), CR1: co_approved()}).commit("director signs")
    assert pr_check(repo) == (0, [])


def test_money_threshold_needs_the_cfo_governance_role(make_repo: Callable[..., Repo]) -> None:
    repo = make_repo({**base_files(), "pmo.yaml": CFO_PMO, "people/cleo-cfo.yaml": CFO})
    repo.write({PROJECT: project(bac=800000), CR1: co_approved(budget=300000)}).commit("director only")
    code, diags = pr_check(repo)
    assert code == 1
    messages = [d["message"] for d in diags if d["code"] in ("GOV043", "GOV008")]
    assert len(messages) == 2
    assert all("cfo (Chief Financial Officer)" in m for m in messages)

    cfo = "      - {by: person:cleo-cfo, role: cfo, date: 2025-05-10, decision: approved}\n"
    repo.write({CR1: co_approved(cfo, budget=300000)}).commit("the CFO signs too")
    assert pr_check(repo) == (0, [])


def test_co_approved_change_request_passes_in_history(make_repo: Callable[..., Repo]) -> None:
    repo = make_repo()
    git(repo.root, "checkout", "-q", "main")
    repo.write({PROJECT: project(bac=620000), CR1: co_approved()}).commit("co-approved change")
    res = run_cli("history", "--format", "json", "--select", "GOV04", cwd=repo.root)
    assert res.code == 0, res.err
    assert [r["counts"]["error"] for r in json.loads(res.out)] == [0, 0]

    without_director = co_approved().replace(
        "      - {by: person:pat-director, role: pmo-director, date: 2025-05-09, decision: approved}\n", ""
    )
    repo.write({PROJECT: project(bac=740000), CR1: without_director.replace("cr-001", "cr-002")}).commit("PM only")
    res = run_cli("history", "--format", "json", "--select", "GOV043", cwd=repo.root)
    assert res.code == 0, res.err
    assert [r["counts"]["error"] for r in json.loads(res.out)] == [0, 0, 1]


def test_the_samples_co_approved_change_requests_pass_gov043(tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "sample"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".pmo-lint-cache"))
    changes = sorted(root.glob("projects/*/changes/*.yaml"))
    signed = {p: p.read_text(encoding="utf-8") for p in changes}
    assert sum(text.count("role: project-manager") for text in signed.values()) >= 3  # PM signatures next to...
    assert sum(text.count("role: pmo-director") for text in signed.values()) >= 3  # ...the director's
    for p in changes:  # base: every request still unsigned
        p.unlink()
    repo = Repo(root)
    repo.commit("sample without its change requests")
    repo.branch("change")
    repo.write({str(p.relative_to(root)): text for p, text in signed.items()}).commit("the signed change requests")
    res = run_cli("check", "--base", "main", "--select", "GOV043", "--as-of", "2025-06-30", cwd=root)
    assert res.code == 0, res.out + res.err
    git(root, "checkout", "-q", "main")
    git(root, "merge", "-q", "--ff-only", "change")
    res = run_cli("history", "--format", "json", "--select", "GOV043", cwd=root)
    assert res.code == 0, res.err
    assert [r["counts"]["error"] for r in json.loads(res.out)] == [0, 0]
