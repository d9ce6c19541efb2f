"""A small portfolio in a real git repository, built file by file, for the change-control tests."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from tests.conftest import GIT_ENV, git

PMO = """\
apiVersion: pmo-lint/v1
kind: PMOConfig
metadata:
  name: pmo
spec:
  organization: Example Corp
  pmoTypes: [governance]
  currency: EUR
  projectTypes: [it]
  lifecycle:
    phases:
      - {id: initiation}
      - {id: planning, startGate: G1}
      - {id: execution, startGate: G2}
      - {id: closure, startGate: G3}
    gates:
      - {id: G1, title: Approve planning}
      - {id: G2, title: Approve execution}
      - {id: G3, title: Approve closure}
  scales:
    probability: [{id: low, value: 1}, {id: high, value: 3}]
    impact: [{id: low, value: 1}, {id: high, value: 3}]
  riskMatrix: {escalationScore: 6}
  approvalMatrix:
    - when: {category: cost, budgetDeltaPctOver: 10}
      approverRoles: [pmo-director]
    - when: {category: cost}
      approverRoles: [pmo-director, project-manager]
    - when: {category: gate}
      approverRoles: [pmo-director]
"""

PERSON = """\
apiVersion: pmo-lint/v1
kind: Person
metadata:
  name: {name}
spec:
  profile:
    displayName: {display}
    gitEmails: [{email}]
  roles: [{role}]
"""

PROJECT = """\
apiVersion: pmo-lint/v1
kind: Project
metadata:
  name: crm
spec:
  type: it
  category: strategic
  owner: person:jo-pm
  lifecycle:
    phase: {phase}
    gates:
{gates}
  budget: {{bac: {bac}}}
  activeBaseline: b1
  baselines:
    - id: b1
      date: 2025-01-10
      approvedBy: gate:G1
      schedule:
        start: 2025-02-01
        finish: {finish}
        milestones: {{go-live: {golive}}}
      budget: {{bac: {bac}}}
      deliverables: [{deliverables}]
"""

GATE_G1 = "      - {gate: G1, decision: approved, decidedBy: person:pat-director, date: 2025-01-10}"

CR = """\
apiVersion: pmo-lint/v1
kind: ChangeRequest
metadata:
  name: {name}
  namespace: crm
spec:
  category: [{category}]
  priority: high
  requestedBy: person:jo-pm
  requestedDate: 2025-05-02
  businessJustification: Vendor price increase.
  impact: More budget.
  delta: {delta}
  state: decided
  approval:
    status: {status}
    approvals:
      - {{by: person:{approver}, role: {role}, date: 2025-05-09, decision: approved}}
"""

STATUS = """\
apiVersion: pmo-lint/v1
kind: StatusReport
metadata:
  name: {date}
  namespace: crm
spec:
  reportDate: {date}
  author: person:jo-pm
  health:
    overall: {{rag: {rag}}}
    schedule: {{rag: green}}
    cost: {{rag: green}}
    resources: {{rag: green}}
    scope: {{rag: green}}
  executiveSummary: On track.
  percentComplete: 40
"""


def project(
    *,
    phase: str = "planning",
    gates: tuple[str, ...] = (GATE_G1,),
    bac: int = 500000,
    finish: str = "2025-12-19",
    golive: str = "2025-11-01",
    deliverables: str = "crm-core, data-migration",
) -> str:
    return PROJECT.format(
        phase=phase,
        gates="\n".join(gates) or "      []",
        bac=bac,
        finish=finish,
        golive=golive,
        deliverables=deliverables,
    ).replace("    gates:\n      []", "    gates: []")


def change_request(
    name: str = "cr-001",
    *,
    category: str = "cost",
    delta: str = "{budget: 120000}",
    status: str = "approved",
    approver: str = "pat-director",
    role: str = "pmo-director",
) -> str:
    return CR.format(name=name, category=category, delta=delta, status=status, approver=approver, role=role)


def status_report(date: str = "2025-05-02", rag: str = "red") -> str:
    return STATUS.format(date=date, rag=rag)


def base_files() -> dict[str, str]:
    return {
        "pmo.yaml": PMO,
        "people/pat-director.yaml": PERSON.format(
            name="pat-director", display="Pat Director", email="pat@example.org", role="pmo-director"
        ),
        "people/jo-pm.yaml": PERSON.format(
            name="jo-pm", display="Jo PM", email="jo@example.org", role="project-manager"
        ),
        "people/casey-coordinator.yaml": PERSON.format(
            name="casey-coordinator", display="Casey", email="casey@example.org", role="project-coordinator"
        ),
        "projects/crm/project.yaml": project(),
        "projects/crm/status/2025-05-02.yaml": status_report(),
    }


class Repo:
    """A git repository in tmp_path with helpers to write, delete and commit portfolio files."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        git(root, "init", "-q", "-b", "main")

    def write(self, files: Mapping[str, str]) -> Repo:
        for rel, text in files.items():
            target = self.root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        return self

    def delete(self, *rels: str) -> Repo:
        for rel in rels:
            (self.root / rel).unlink()
        return self

    def commit(self, message: str = "change", *, email: str | None = None) -> str:
        env = {**os.environ, **GIT_ENV}
        if email:
            env["GIT_AUTHOR_EMAIL"] = email
        subprocess.run(["git", "add", "-A"], cwd=self.root, env=env, check=True)
        subprocess.run(["git", "commit", "-q", "--allow-empty", "-m", message], cwd=self.root, env=env, check=True)
        return git(self.root, "rev-parse", "HEAD").strip()

    def branch(self, name: str) -> Repo:
        git(self.root, "checkout", "-q", "-b", name)
        return self


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[..., Repo]:
    """A repository whose main branch holds the base portfolio, checked out on branch `change`."""

    def _make(files: Mapping[str, str] | None = None, *, name: str = "repo") -> Repo:
        repo = Repo(tmp_path / name)
        repo.write(base_files() if files is None else files)
        repo.commit("base portfolio")
        return repo.branch("change")

    return _make
