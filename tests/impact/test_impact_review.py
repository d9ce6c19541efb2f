"""`pmo-lint impact` on a branch that re-baselines through a new baseline, and change requests without a title."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import run_cli
from tests.git.conftest import Repo
from tests.harbour_kit import harbour_pmo

PMO = harbour_pmo("schedule")

PERSON = """\
apiVersion: pmo-lint/v1
kind: Person
metadata: {{name: {name}}}
spec:
  profile: {{displayName: {display}}}
  roles: [{role}]
"""

PROJECT = """\
apiVersion: pmo-lint/v1
kind: Project
metadata: {{name: yard, title: Yard Automation}}
spec:
  type: it
  category: operational
  owner: mo-manager
  sponsor: ria-director
  lifecycle:
    phase: build
    gates:
      - {{gate: OK-SHAPE, decision: approved, decidedBy: ria-director, date: 2025-01-05}}
      - {{gate: OK-BUILD, decision: approved, decidedBy: ria-director, date: 2025-02-01}}
  schedule: {{forecast: {{finish: 2025-12-19}}}}
  budget: {{bac: 300000}}
  activeBaseline: {active}
  baselines:
    - id: b1
      date: 2025-02-01
      approvedBy: gate:OK-BUILD
      schedule: {{start: 2025-02-01, finish: {b1_finish}, milestones: {{go-live: 2025-11-01}}}}
      budget: {{bac: 300000}}
{more}"""

B2 = """\
    - id: b2
      name: Re-plan 2026
      date: 2025-03-02
      approvedBy: changerequest:cr-001
      schedule: {start: 2025-02-01, finish: 2026-03-31, milestones: {go-live: 2026-02-01}}
      budget: {bac: 300000}
"""

CR = """\
apiVersion: pmo-lint/v1
kind: ChangeRequest
metadata: {{name: {name}, namespace: yard{title}}}
spec:
  category: [schedule]
  priority: high
  requestedBy: mo-manager
  requestedDate: 2025-03-02
  businessJustification: Crane delivery slipped.
  impact: Later go-live.
  delta: {{finishDays: 102}}
  state: decided
  approval:
    status: approved
    approvals:
      - {{by: ria-director, role: pmo-director, date: 2025-03-02, decision: approved}}
"""


def _project(active: str = "b1", b1_finish: str = "2025-12-19", more: str = "") -> str:
    return PROJECT.format(active=active, b1_finish=b1_finish, more=more)


def _base() -> dict[str, str]:
    return {
        "pmo.yaml": PMO,
        "people/ria-director.yaml": PERSON.format(name="ria-director", display="Ria Director", role="pmo-director"),
        "people/mo-manager.yaml": PERSON.format(name="mo-manager", display="Mo Manager", role="project-manager"),
        "projects/yard/project.yaml": _project(),
    }


def _branch(tmp_path: Path, change: dict[str, str]) -> Repo:
    repo = Repo(tmp_path / "repo")
    repo.write(_base()).commit("portfolio")
    repo.branch("change")
    repo.write(change).commit("the change")
    return repo


def _impact(repo: Repo, fmt: str) -> str:
    res = run_cli("impact", "--base", "main", "--as-of", "2025-03-10", "--format", fmt, cwd=repo.root)
    assert res.code == 0, res.err
    return res.out


def _dates(repo: Repo) -> list[dict[str, Any]]:
    return list(json.loads(_impact(repo, "json"))["dates"])


def test_switching_the_active_baseline_shows_the_approved_dates_moving(tmp_path: Path) -> None:
    repo = _branch(
        tmp_path,
        {
            "projects/yard/project.yaml": _project(active="b2", more=B2),
            "projects/yard/changes/cr-001.yaml": CR.format(name="cr-001", title=""),
        },
    )
    rows = {d["label"]: d for d in _dates(repo)}
    finish = rows["Approved baseline finish"]
    assert (finish["before"], finish["after"], finish["slipDays"]) == ("2025-12-19", "2026-03-31", 102)
    assert (finish["baselineBefore"], finish["baselineAfter"]) == ("b1", "Re-plan 2026")
    golive = rows["Approved baseline milestone go-live"]
    assert (golive["before"], golive["after"]) == ("2025-11-01", "2026-02-01")
    assert "Approved baseline start" not in rows  # both baselines start on 2025-02-01

    text = _impact(repo, "text")
    assert "No key date moves" not in text
    assert "approved baseline finish: 2025-12-19 (b1) → 2026-03-31 (Re-plan 2026), +102 days" in text
    markdown = _impact(repo, "markdown")
    assert r"| 2025\-12\-19 \(b1\) | 2026\-03\-31 \(Re\-plan 2026\) | \+102 days |" in markdown


def test_moving_the_active_baselines_own_date_is_listed_once(tmp_path: Path) -> None:
    repo = _branch(tmp_path, {"projects/yard/project.yaml": _project(b1_finish="2026-01-30")})
    dates = _dates(repo)
    assert [(d["label"], d["before"], d["after"]) for d in dates] == [
        ("Approved baseline b1 finish", "2025-12-19", "2026-01-30")
    ]
    assert dates[0]["baselineBefore"] is None and dates[0]["baselineAfter"] is None


def test_change_request_without_a_title_is_named_once(tmp_path: Path) -> None:
    repo = _branch(
        tmp_path,
        {
            "projects/yard/changes/cr-001.yaml": CR.format(name="cr-001", title=""),
            "projects/yard/changes/cr-002.yaml": CR.format(name="cr-002", title=", title: Crane vendor switch"),
        },
    )
    text = _impact(repo, "text")
    assert "cr-001: cr-001" not in text
    table = text.split("\nChange requests\n", 1)[1]
    lines = [line for line in table.splitlines() if line.startswith("Yard Automation")]
    assert [line.split("  ")[1].strip() for line in lines] == ["cr-001", "cr-002: Crane vendor switch"]
