"""Change control in PR mode against a reviewer's attacks: re-used, edited or withdrawn change requests,
approvers created by the change or gone before it, currency switches and projects that leave by rename or
deletion. A hand-written portfolio with its own lifecycle and gate names, in a real git repository."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from tests.conftest import git, run_cli

PMO = """\
apiVersion: pmo-lint/v1
kind: PMOConfig
metadata: {name: pmo}
spec:
  organization: Acme
  pmoTypes: [governance]
  currency: EUR
  projectTypes: [it]
  lifecycle:
    phases:
      - {id: idea, stage: intake}
      - {id: shape, stage: planning, startGate: OK-SHAPE}
      - {id: build, stage: execution, startGate: OK-BUILD}
      - {id: run, stage: closing, startGate: OK-RUN}
    gates:
      - {id: OK-SHAPE, title: Shape, approverRoles: [pmo-director]}
      - {id: OK-BUILD, title: Build, approverRoles: [pmo-director]}
      - {id: OK-RUN, title: Run, approverRoles: [pmo-director]}
  governanceRoles:
    - {id: cfo, title: Chief Financial Officer}
  scales:
    probability: [{id: low, value: 1}, {id: high, value: 3}]
    impact: [{id: low, value: 1}, {id: high, value: 3}]
  riskMatrix: {escalationScore: 6}
  approvalMatrix:
    - when: {category: cost}
      approverRoles: [pmo-director]
    - when: {category: cost, budgetDeltaOver: 50000}
      approverRoles: [cfo]
"""

PERSON = """\
apiVersion: pmo-lint/v1
kind: Person
metadata: {{name: {name}}}
spec:
  profile: {{displayName: "{display}", gitEmails: [{name}@acme.test]}}
  roles: [{role}]
{extra}"""

PROJECT = """\
apiVersion: pmo-lint/v1
kind: Project
metadata: {{name: {name}, title: CRM Migration}}
spec:
  type: it
  category: operational
  owner: jo-pm
  sponsor: pat-director
  lifecycle:
    phase: build
    gates:
      - {{gate: OK-SHAPE, decision: approved, decidedBy: pat-director, date: 2025-01-05}}
      - {{gate: OK-BUILD, decision: approved, decidedBy: pat-director, date: 2025-02-01}}
{currency}  budget: {{bac: 500000}}
  activeBaseline: b1
  baselines:
    - id: b1
      date: 2025-02-01
      approvedBy: gate:OK-BUILD
      schedule:
        start: 2025-02-01
        finish: 2025-12-19
      budget: {{bac: {bac}}}
      deliverables: [portal, api]
"""

CR = """\
apiVersion: pmo-lint/v1
kind: ChangeRequest
metadata: {{name: cr-001, namespace: crm}}
spec:
  category: [cost]
  priority: high
  requestedBy: jo-pm
  requestedDate: 2025-03-02
  businessJustification: Vendor price.
  impact: More money.
  delta: {{budget: {budget}}}
  state: {state}
  approval:
    status: approved
    approvals:
      - {{by: {by}, role: pmo-director, date: 2025-03-02, decision: approved}}
"""

PROJECT_FILE = "projects/crm/project.yaml"
CR_FILE = "projects/crm/changes/cr-001.yaml"


def project(bac: int = 500000, *, name: str = "crm", currency: str = "") -> str:
    return PROJECT.format(name=name, bac=bac, currency=f"  currency: {currency}\n" if currency else "")


def change_request(budget: int, *, by: str = "pat-director", state: str = "decided") -> str:
    return CR.format(budget=budget, by=by, state=state)


def person(name: str, display: str, role: str, extra: str = "") -> str:
    return PERSON.format(name=name, display=display, role=role, extra=extra)


def portfolio() -> dict[str, str]:
    return {
        "pmo.yaml": PMO,
        "people/pat-director.yaml": person("pat-director", "Pat Director", "pmo-director"),
        "people/jo-pm.yaml": person("jo-pm", "Jo Pm", "project-manager"),
        PROJECT_FILE: project(),
    }


class Repo:
    """The base committed on ``main``, the change committed on the branch ``change``."""

    def __init__(self, root: Path, base: dict[str, str]) -> None:
        self.root = root
        git(root, "init", "-q", "-b", "main")
        self.write(base)
        self.commit("base")
        git(root, "checkout", "-q", "-b", "change")

    def write(self, files: dict[str, str]) -> Repo:
        for rel, text in files.items():
            (self.root / rel).parent.mkdir(parents=True, exist_ok=True)
            (self.root / rel).write_text(text, encoding="utf-8")
        return self

    def commit(self, message: str) -> Repo:
        git(self.root, "add", "-A")
        git(self.root, "commit", "-q", "-m", message)
        return self

    def check(self) -> list[dict[str, Any]]:
        res = run_cli("check", "--base", "main", "--select", "GOV04", "--format", "json", cwd=self.root)
        assert res.code in (0, 1), res.err
        diags: list[dict[str, Any]] = json.loads(res.out)["diagnostics"]
        return diags


def _only(diags: list[dict[str, Any]], code: str) -> dict[str, Any]:
    assert [d["code"] for d in diags] == [code], diags
    return diags[0]


def test_a_request_approved_at_the_base_does_not_cover_a_second_move(tmp_path: Path) -> None:
    base = portfolio() | {CR_FILE: change_request(40000), PROJECT_FILE: project(540000)}
    repo = Repo(tmp_path, base)
    # the change moves the baseline again and touches the old request only by a comment
    repo.write({PROJECT_FILE: project(580000), CR_FILE: change_request(40000) + "# reviewed\n"}).commit("again")
    found = _only(repo.check(), "GOV040")
    assert found["dataPath"] == "spec.baselines[0].budget.bac"
    assert "cr-001 was approved before this change" in found["message"]
    assert "CRM Migration" in found["message"]


def test_a_request_approved_at_the_base_then_edited_is_reported(tmp_path: Path) -> None:
    base = portfolio() | {CR_FILE: change_request(10000), PROJECT_FILE: project(510000)}
    repo = Repo(tmp_path, base)
    repo.write({PROJECT_FILE: project(910000), CR_FILE: change_request(400000)}).commit("grow cr-001")
    diags = repo.check()
    assert sorted(d["code"] for d in diags) == ["GOV040", "GOV040"]
    edited = next(d for d in diags if d["path"] == CR_FILE)
    assert "was approved before this change and its delta was edited after approval" in edited["message"]
    assert "raise a new change request" in edited["message"]
    moved = next(d for d in diags if d["path"] == PROJECT_FILE)
    assert "+400,000 EUR" in moved["message"]


def test_a_withdrawn_request_covers_nothing(tmp_path: Path) -> None:
    repo = Repo(tmp_path, portfolio())
    repo.write({PROJECT_FILE: project(540000), CR_FILE: change_request(40000, state="withdrawn")}).commit("use it")
    found = _only(repo.check(), "GOV040")
    assert "cr-001 is withdrawn" in found["message"]


def test_a_new_request_approved_in_the_change_still_covers_it(tmp_path: Path) -> None:
    repo = Repo(tmp_path, portfolio())
    repo.write({PROJECT_FILE: project(540000), CR_FILE: change_request(40000)}).commit("cr-001")
    assert repo.check() == []


def test_a_person_created_by_the_change_has_no_authority_in_it(tmp_path: Path) -> None:
    repo = Repo(tmp_path, portfolio())
    mallory = person("mallory", "Mallory Mint", "pmo-director")
    repo.write(
        {"people/mallory.yaml": mallory, PROJECT_FILE: project(540000), CR_FILE: change_request(40000, by="mallory")}
    )
    found = _only(repo.commit("self-made director").check(), "GOV043")
    assert found["path"] == CR_FILE
    assert "Mallory Mint (mallory)" in found["message"]
    assert "not in the people register at the base of this change" in found["message"]


def test_an_approver_who_has_left_is_reported(tmp_path: Path) -> None:
    leaver = person("lee-left", "Lee Left", "pmo-director", "  active: false\n  leftDate: 2025-02-15\n")
    repo = Repo(tmp_path, portfolio() | {"people/lee-left.yaml": leaver})
    repo.write({PROJECT_FILE: project(540000), CR_FILE: change_request(40000, by="lee-left")}).commit("leaver")
    found = _only(repo.check(), "GOV043")
    assert "Lee Left (lee-left), who left the organisation on 2025-02-15" in found["message"]


def test_an_approver_leaving_after_the_approval_date_is_fine(tmp_path: Path) -> None:
    later = person("lee-later", "Lee Later", "pmo-director", "  leftDate: 2025-06-30\n")
    repo = Repo(tmp_path, portfolio() | {"people/lee-later.yaml": later})
    repo.write({PROJECT_FILE: project(540000), CR_FILE: change_request(40000, by="lee-later")}).commit("approve")
    assert repo.check() == []


def test_switching_the_currency_of_a_baselined_project_is_a_budget_change(tmp_path: Path) -> None:
    repo = Repo(tmp_path, portfolio() | {PROJECT_FILE: project(currency="JPY")})
    repo.write({PROJECT_FILE: project(currency="EUR")}).commit("currency")
    found = _only(repo.check(), "GOV040")
    assert found["dataPath"] == "spec.currency"
    assert "from JPY to EUR" in found["message"] and "500,000 JPY now reads 500,000 EUR" in found["message"]


def test_amounts_read_in_the_project_currency(tmp_path: Path) -> None:
    repo = Repo(tmp_path, portfolio() | {PROJECT_FILE: project(currency="USD")})
    repo.write({PROJECT_FILE: project(540000, currency="USD")}).commit("bump")
    message = _only(repo.check(), "GOV040")["message"]
    assert "from 500,000 USD to 540,000 USD (+40,000 USD)" in message
    assert "EUR" not in message


def test_a_renamed_project_keeps_its_baseline_under_change_control(tmp_path: Path) -> None:
    repo = Repo(tmp_path, portfolio())
    git(tmp_path, "mv", "projects/crm", "projects/crm-2")
    repo.write({"projects/crm-2/project.yaml": project(900000, name="crm-2")}).commit("rename")
    found = _only(repo.check(), "GOV040")
    assert found["path"] == "projects/crm-2/project.yaml"
    assert "renamed from crm" in found["message"] and "(+400,000 EUR)" in found["message"]


def test_a_pure_rename_is_fine(tmp_path: Path) -> None:
    repo = Repo(tmp_path, portfolio())
    git(tmp_path, "mv", "projects/crm", "projects/crm-2")
    repo.write({"projects/crm-2/project.yaml": project(name="crm-2")}).commit("rename")
    assert repo.check() == []


def test_a_deleted_project_with_a_baseline_is_reported(tmp_path: Path) -> None:
    repo = Repo(tmp_path, portfolio())
    (tmp_path / PROJECT_FILE).unlink()
    found = _only(repo.commit("drop crm").check(), "GOV040")
    assert found["path"] == PROJECT_FILE
    assert re.search(r"CRM Migration \(crm\) had the approved baseline 'b1'.*left change control", found["message"])


def test_a_project_deleted_then_restored_with_a_moved_baseline_is_caught(tmp_path: Path) -> None:
    repo = Repo(tmp_path, portfolio())
    (tmp_path / PROJECT_FILE).unlink()
    repo.commit("remove crm for now")
    repo.write({PROJECT_FILE: project(900000)}).commit("restore crm")
    found = _only(repo.check(), "GOV040")
    assert found["dataPath"] == "spec.baselines[0].budget.bac" and "(+400,000 EUR)" in found["message"]


def test_a_change_that_founds_the_portfolio_reads_its_people_as_it_adds_them(tmp_path: Path) -> None:
    repo = Repo(tmp_path, {"README.md": "Portfolio to come.\n"})
    repo.write(portfolio()).commit("found the portfolio")
    assert repo.check() == []
