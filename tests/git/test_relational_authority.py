"""The project's own executive decides: relations in PR mode and in `history`, read as at the base."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tests.conftest import git, run_cli
from tests.git.conftest import GATE_G1, PERSON, PMO, Repo, base_files, change_request, project

PROJECT = "projects/crm/project.yaml"
PM_SIGNATURE = "      - {by: person:jo-pm, role: project-manager, date: 2025-05-08, decision: approved}\n"
RELATIONAL_PMO = (
    PMO.replace(
        "      - {id: G2, title: Approve execution}\n",
        "      - {id: G2, title: Approve execution, approverRelations: [executive]}\n",
    )
    .replace(
        "    - when: {category: gate}\n      approverRoles: [pmo-director]\n",
        "    - when: {category: gate, gate: G1}\n      approverRoles: [pmo-director]\n",
    )
    .replace(
        "    - when: {category: cost, budgetDeltaPctOver: 10}\n      approverRoles: [pmo-director]\n",
        "    - when: {category: cost, budgetDeltaPctOver: 10}\n      approverRoles: [cfo]\n"
        "      approverRelations: [executive]\n",
    )
    .replace(
        "  approvalMatrix:\n",
        "  governanceRoles:\n    - {id: cfo, title: Chief Financial Officer}\n"
        "    - {id: sponsor, title: Project sponsor}\n  approvalMatrix:\n",
    )
)


def _person(name: str, display: str, *, governance: str = "", role: str = "pmo-director") -> str:
    text = PERSON.format(name=name, display=display, email=f"{name}@example.org", role=role)
    return text.replace(f"  roles: [{role}]\n", f"  governanceRoles: [{governance}]\n") if governance else text


def _project(sponsor: str = "ben-carter", **kwargs: Any) -> str:
    return project(**kwargs).replace("  owner: person:jo-pm\n", f"  owner: person:jo-pm\n  sponsor: person:{sponsor}\n")


def _g2(decider: str) -> str:
    return f"      - {{gate: G2, decision: approved, decidedBy: person:{decider}, date: 2025-05-20}}"


def _files() -> dict[str, str]:
    return {
        **base_files(),
        "pmo.yaml": RELATIONAL_PMO,
        PROJECT: _project(),
        "people/ben-carter.yaml": _person("ben-carter", "Ben Carter", governance="sponsor"),
        "people/ana-lopez.yaml": _person("ana-lopez", "Ana Lopez"),
        "people/cleo-cfo.yaml": _person("cleo-cfo", "Cleo Chen", governance="cfo"),
    }


def _pr(repo: Repo) -> tuple[int, list[dict[str, Any]]]:
    res = run_cli("check", "--base", "main", "--select", "GOV008,GOV011,GOV043", "--format", "json", cwd=repo.root)
    assert res.code in (0, 1), res.err
    return res.code, json.loads(res.out)["diagnostics"]


def test_a_stage_gate_decided_by_another_director_names_the_projects_executive(
    make_repo: Callable[..., Repo],
) -> None:
    repo = make_repo(_files())
    repo.write({PROJECT: _project(phase="execution", gates=(GATE_G1, _g2("ana-lopez")))}).commit("Ana passes G2")
    code, diags = _pr(repo)
    assert code == 1
    by_code = {d["code"]: d["message"] for d in diags}
    assert sorted(by_code) == ["GOV011", "GOV043"]  # check and PR mode agree
    for message in by_code.values():
        assert "Ana Lopez (ana-lopez)" in message and "this project's executive" in message
        assert "Ben Carter (ben-carter)" in message
    assert "this project's executive is Ben Carter (ben-carter)" in by_code["GOV011"]

    repo.write({PROJECT: _project(phase="execution", gates=(GATE_G1, _g2("ben-carter")))}).commit("Ben passes G2")
    assert _pr(repo) == (0, [])


def test_a_change_cannot_make_its_approver_the_executive(make_repo: Callable[..., Repo]) -> None:
    repo = make_repo(_files())
    moved = _project("ana-lopez", phase="execution", gates=(GATE_G1, _g2("ana-lopez")))
    repo.write({PROJECT: moved}).commit("Ana becomes sponsor and passes G2")
    code, diags = _pr(repo)
    assert code == 1
    # at the head Ana is the sponsor, so `check` alone is satisfied; the change is judged on the base's sponsor
    assert [d["code"] for d in diags] == ["GOV043"]
    assert "Ben Carter (ben-carter)" in diags[0]["message"]


def test_history_judges_a_cost_change_by_the_finance_director_or_the_executive(
    make_repo: Callable[..., Repo],
) -> None:
    repo = make_repo(_files())
    git(repo.root, "checkout", "-q", "main")
    signed = {"cleo-cfo": "cfo", "ben-carter": "sponsor", "ana-lopez": "pmo-director"}
    for n, (approver, role) in enumerate(signed.items(), start=1):
        cr = change_request(f"cr-00{n}", approver=approver, role=role) + PM_SIGNATURE  # meets the `cost` row
        repo.write({f"projects/crm/changes/cr-00{n}.yaml": cr}).commit(f"cr-00{n} approved by {approver}")
    res = run_cli("history", "--format", "json", "--select", "GOV043", cwd=repo.root)
    assert res.code == 0, res.err
    # base, the CFO (by role), the executive (by relation), another director (neither): only the last fails
    assert [r["counts"]["error"] for r in json.loads(res.out)] == [0, 0, 0, 1]
    res = run_cli("check", "--select", "GOV008", "--format", "json", cwd=repo.root)
    (gov008,) = json.loads(res.out)["diagnostics"]
    assert gov008["path"] == "projects/crm/changes/cr-003.yaml"
    assert "cfo (Chief Financial Officer) or this project's executive, Ben Carter (ben-carter)" in gov008["message"]
