"""The per-kind fact maps of the policy contract, on a small portfolio, and their dependence on the as-of date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from pmo_lint.cache.files import load_portfolio
from pmo_lint.config import Config
from pmo_lint.facts import Facts, compute_facts
from pmo_lint.model.catalog import Catalog
from tests.policy_kit import PROJECT, write_portfolio

ALLOCATION = """\
apiVersion: pmo-lint/v1
kind: Allocation
metadata:
  name: jo-pm
spec:
  person: jo-pm
  year: 2025
  assignments:
    - {project: crm, from: 2025-01-01, to: 2025-03-31, load: {percent: 70}}
    - {project: crm, from: 2025-03-15, to: 2025-04-30, load: {hoursPerWeek: 20}}
"""

CR = """\
apiVersion: pmo-lint/v1
kind: ChangeRequest
metadata:
  name: cr-1
  namespace: crm
spec:
  category: [cost, schedule]
  priority: high
  requestedBy: person:jo-pm
  requestedDate: 2025-06-10
  businessJustification: needed
  impact: more money
  delta: {budget: 200, finishDays: 20}
  resultingBaseline: B1
"""

WAIVER = """\
apiVersion: pmo-lint/v1
kind: Waiver
metadata:
  name: w-1
spec:
  check: PMO007
  targets: [project:crm]
  justification: A justification that is long enough.
  approvedBy: person:pat-director
  created: 2025-06-01
  expires: 2025-07-10
"""

PORTFOLIO = """\
apiVersion: pmo-lint/v1
kind: Portfolio
metadata:
  name: digital
spec:
  owner: person:pat-director
  budget: [{fiscalYear: 2025, amount: 700}, {fiscalYear: 2026, amount: 100}]
"""

TRAINED = """\
apiVersion: pmo-lint/v1
kind: Person
metadata:
  name: jo-pm
spec:
  profile: {displayName: Jo}
  roles: [project-manager]
  trainings:
    - {course: pm-basics, date: 2023-01-01, expires: 2024-01-01}
    - {course: pm-basics, date: 2024-06-01, expires: 2025-06-15}
"""


def facts_of(root: Path, as_of: str = "2025-06-30") -> tuple[Facts, Catalog]:
    outcomes, _ = load_portfolio(root, Config(), None)
    problems = [d for o in outcomes for d in o.diagnostics]
    assert not problems, problems
    catalog = Catalog.build(o.loaded for o in outcomes if o.loaded is not None)
    files = frozenset(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    return compute_facts(catalog, dt.date.fromisoformat(as_of), files), catalog


@pytest.fixture
def portfolio(tmp_path: Path) -> Path:
    project = PROJECT.replace("spec:\n  type: it", "spec:\n  portfolio: digital\n  type: it").replace(
        "finish: 2025-12-01}", "finish: 2025-12-01, milestones: {m1: 2025-04-01, m2: 2025-06-11, m3: 2025-01-01}}"
    )
    extra: dict[str, str | None] = {
        "allocations/2025/jo-pm.yaml": ALLOCATION,
        "projects/crm/changes/cr-1.yaml": CR,
        "waivers/w-1.yaml": WAIVER,
        "portfolios/digital.yaml": PORTFOLIO,
        "people/jo-pm.yaml": TRAINED,
        "projects/crm/project.yaml": project,
    }
    return write_portfolio(tmp_path / "p", extra)


def test_project_facts(portfolio: Path) -> None:
    facts, _ = facts_of(portfolio)
    f: dict[str, Any] = facts.by_path["projects/crm/project.yaml"]
    assert f["active"] is True
    assert (f["phase"], f["phaseIndex"], f["state"]) == ("executing", 3.0, "active")
    assert f["gatesApproved"] == ["G0", "G1", "G2"]
    assert f["gatesRequired"] == ["G0", "G1", "G2"]
    assert f["missingRequiredFields"] == []
    assert f["bac"] == 800.0  # the active baseline's BAC wins over budget.bac
    assert f["actualCost"] == 550.0
    assert f["budgetVariancePct"] == pytest.approx((550 - 800) / 800 * 100)
    evm = f["evm"]
    assert (evm["cpi"], evm["spi"], evm["eac"]) == (pytest.approx(0.8), pytest.approx(0.8), pytest.approx(1000.0))
    assert f["status"]["exists"] is True
    assert f["status"]["date"] == "2025-06-20"
    assert f["status"]["ageDays"] == 10.0
    assert f["status"]["missingComments"] == ["schedule"]  # amber without a comment; red cost has one
    assert f["risks"] == {"open": 2.0, "openEscalated": 2.0, "maxScore": 25.0, "openCritical": 1.0}
    assert f["keyMilestonesOverdue"] == 1.0  # m1; m2 is done, m3 is not key
    assert f["finishSlipDays"] == 30.0  # forecast 2025-12-31 vs baseline 2025-12-01
    # m1 forecast 2025-05-01 vs 2025-04-01; m2 (done, no actual date: its forecast) 2025-06-01 vs 2025-06-11; m3 not key
    assert f["keyMilestoneSlipDays"] == {"m1": 30.0, "m2": -10.0}
    assert f["maxKeyMilestoneSlipDays"] == 30.0
    assert (f["openCrCount"], f["approvedCrCount"]) == (1.0, 0.0)
    assert f["scheduleCrOpenOrApproved"] is True
    assert f["costCrOpenOrApproved"] is True
    assert f["alignedGoals"] == 1.0
    assert (f["priorityScore"], f["computedRank"]) == (pytest.approx(76.0), 1.0)
    assert f["watermelon"] is True  # green overall with CPI 0.8 < 0.85, an overdue key milestone, a critical risk
    assert f["documentsMissing"] == []
    assert f["closedDaysAgo"] is None


def test_other_kinds(portfolio: Path) -> None:
    facts, _ = facts_of(portfolio)
    by = facts.by_path
    assert by["projects/crm/risks/r-1.yaml"] == {
        "score": 25.0,
        "rank": "critical",
        "escalated": True,
        "open": True,
        "reviewAgeDays": 29.0,
    }
    assert by["projects/crm/risks/r-3.yaml"]["open"] is False
    cr = by["projects/crm/changes/cr-1.yaml"]
    # delta 200 on BAC 800 = 25 % > 10 % -> pmo-director; schedule -> project-manager
    assert cr == {
        "pendingDays": 20.0,
        "approved": False,
        "approverRoles": [],
        "approvers": [],
        "approverRelations": [],
        "requiredRoles": ["pmo-director", "project-manager"],
        "approvalRows": [["pmo-director"], ["project-manager"]],
        "unmetApprovalRows": [["pmo-director"], ["project-manager"]],
        "unmetApprovals": "pmo-director, and one by project-manager",
        "baselineExists": True,
    }
    person = by["people/jo-pm.yaml"]
    # Jan–Mar 70 %, plus 20 h/40 h = 50 % from 15 March: March peaks at 120 %
    assert person["loadByMonth"] == {"2025-01": 70.0, "2025-02": 70.0, "2025-03": 120.0, "2025-04": 50.0}
    assert person["maxLoadPercent"] == 120.0
    assert person["overAllocatedMonths"] == ["2025-03"]
    assert person["expiredTrainings"] == ["pm-basics"]  # the latest record expired on 2025-06-15
    assert person["missingTrainings"] == ["risk-101"]
    assert by["projects/crm/status/2025-06-20.yaml"] == {
        "ageDays": 10.0,
        "isLatest": True,
        "decisions": [],
        "openDecisions": 0.0,
        "projectActive": True,
        "cpi": 0.8,  # the report's own EV/AC and EV/PV, quoted by TAC005 and TAC006
        "spi": 0.8,
    }
    assert by["projects/crm/status/2025-05-20.yaml"]["isLatest"] is False
    assert by["waivers/w-1.yaml"] == {"expired": False, "daysToExpiry": 10.0}
    # BAC 800 falls in fiscal year 2025 (baseline start); the 2025 envelope is 700
    assert by["portfolios/digital.yaml"] == {
        "approvedBacByYear": {"2025": 800.0},
        "budgetByYear": {"2025": 700.0, "2026": 100.0},
        "overBudgetYears": ["2025"],
        "otherCurrencyProjects": [],
        "unplacedProjects": [],
    }
    assert by["strategy/goals/grow.yaml"] == {"contributors": 1.0}
    assert facts.config["riskMatrix"]["escalationScore"] == 9
    assert facts.config["cadence"]["statusReportMaxAgeDays"] == 14  # defaults filled in


def test_as_of_changes_time_based_facts(portfolio: Path) -> None:
    early, _ = facts_of(portfolio, "2025-06-01")
    late, _ = facts_of(portfolio, "2025-08-01")
    p_early = early.by_path["projects/crm/project.yaml"]
    p_late = late.by_path["projects/crm/project.yaml"]
    # on 1 June the June report does not exist yet: the May one is the latest
    assert p_early["status"]["date"] == "2025-05-20"
    assert p_early["status"]["ageDays"] == 12.0
    assert p_late["status"]["ageDays"] == 42.0
    assert early.by_path["projects/crm/status/2025-05-20.yaml"]["isLatest"] is True
    assert p_early["keyMilestonesOverdue"] == 1.0
    assert early.by_path["waivers/w-1.yaml"]["expired"] is False
    assert late.by_path["waivers/w-1.yaml"]["expired"] is True
    assert late.by_path["people/jo-pm.yaml"]["expiredTrainings"] == ["pm-basics"]
    assert early.by_path["people/jo-pm.yaml"]["expiredTrainings"] == []


def test_missing_inputs_give_nulls(tmp_path: Path) -> None:
    root = write_portfolio(
        tmp_path / "p", {"projects/crm/status/2025-06-20.yaml": None, "projects/crm/status/2025-05-20.yaml": None}
    )
    facts, _ = facts_of(root)
    f = facts.by_path["projects/crm/project.yaml"]
    assert f["evm"] is None
    assert f["status"] == {
        "exists": False,
        "date": None,
        "ageDays": None,
        "missingComments": [],
        "overall": "",
        "schedule": "",
        "cost": "",
        "resources": "",
        "scope": "",
    }
    assert f["watermelon"] is False
