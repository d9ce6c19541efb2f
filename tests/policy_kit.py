"""A small valid portfolio for the facts, policy-engine and suppression tests (importable from tests/)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

AS_OF = "2025-06-30"

PMO = """\
apiVersion: pmo-lint/v1
kind: PMOConfig
metadata:
  name: pmo
spec:
  organization: Acme
  pmoTypes: [governance]
  currency: EUR
  projectTypes: [it]
  lifecycle:
    phases:
      - id: proposed
        requiredFields: [/spec/requester]
      - id: initiating
        startGate: G0
        dropRequiredFields: [/spec/requester]  # required fields carry forward; this one stops at intake
      - id: planning
        startGate: G1
      - id: executing
        startGate: G2
        requiredFields: [/spec/budget/bac, /spec/owner]
      - id: closing
      - id: closed
        startGate: G3
    gates:
      - {id: G0, title: Intake}
      - {id: G1, title: Charter}
      - {id: G2, title: Baseline}
      - {id: G3, title: Closure}
  scales:
    probability: [{id: low, value: 1}, {id: medium, value: 3}, {id: high, value: 5}]
    impact: [{id: minor, value: 1}, {id: major, value: 3}, {id: severe, value: 5}]
  riskMatrix:
    escalationScore: 9
    ranks: [{id: low, minScore: 1}, {id: medium, minScore: 4}, {id: high, minScore: 9}, {id: critical, minScore: 15}]
  prioritization:
    method: weighted
    criteria: [{id: value, weight: 60, scaleMax: 5}, {id: urgency, weight: 40, scaleMax: 5}]
  thresholds:
    allocationMaxPercent: 100
  approvalMatrix:
    - when: {category: waiver}
      approverRoles: [pmo-director]
    - when: {category: cost, budgetDeltaPctOver: 10}
      approverRoles: [pmo-director]
    - when: {category: schedule}
      approverRoles: [project-manager]
  levels:
    - {name: bronze, checks: [PMO007]}
    - {name: silver, checks: [ZZZ]}
  requiredTrainings:
    - {role: project-manager, courses: [pm-basics, risk-101]}
"""

PERSON = """\
apiVersion: pmo-lint/v1
kind: Person
metadata:
  name: {name}
spec:
  profile: {{displayName: {name}}}
  roles: [{role}]
"""

GOAL = """\
apiVersion: pmo-lint/v1
kind: StrategicGoal
metadata:
  name: grow
spec:
  owner: person:pat-director
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
    phase: executing
    gates:
      - {gate: G0, decision: approved}
      - {gate: G1, decision: approved}
      - {gate: G2, decision: approved}
  alignment:
    goals: [{goal: grow, impact: strong}]
  prioritization:
    criteria: {value: 5, urgency: 2}
  schedule:
    forecast: {finish: 2025-12-31}
  budget: {bac: 1000}
  actuals: [{period: 2025-05, cost: 300}, {period: 2025-06, cost: 250}]
  baselines:
    - id: B1
      date: 2025-01-10
      approvedBy: gate:G2
      schedule: {start: 2025-01-15, finish: 2025-12-01}
      budget: {bac: 800}
  activeBaseline: B1
  milestones:
    - {id: m1, title: Design, key: true, forecastDate: 2025-05-01}
    - {id: m2, title: Build, key: true, forecastDate: 2025-06-01, status: done}
    - {id: m3, title: Go live, key: false, forecastDate: 2025-06-02}
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
    overall: {{rag: green}}
    schedule: {{rag: amber}}
    cost: {{rag: red, comment: over budget}}
    resources: {{rag: green}}
    scope: {{rag: green}}
  executiveSummary: fine
  percentComplete: 40
  evm: {{pv: 500, ev: 400, ac: 500}}
"""

RISK = """\
apiVersion: pmo-lint/v1
kind: Risk
metadata:
  name: {name}
  namespace: crm
spec:
  category: technical
  probability: {p}
  impact: {i}
  identifiedDate: 2025-06-01
  state: {state}
"""


def base_files() -> dict[str, str]:
    return {
        "pmo.yaml": PMO,
        "people/pat-director.yaml": PERSON.format(name="pat-director", role="pmo-director"),
        "people/jo-pm.yaml": PERSON.format(name="jo-pm", role="project-manager"),
        "people/al-analyst.yaml": PERSON.format(name="al-analyst", role="business-analyst"),
        "strategy/goals/grow.yaml": GOAL,
        "projects/crm/project.yaml": PROJECT,
        "projects/crm/status/2025-06-20.yaml": STATUS.format(date="2025-06-20"),
        "projects/crm/status/2025-05-20.yaml": STATUS.format(date="2025-05-20"),
        "projects/crm/risks/r-1.yaml": RISK.format(name="r-1", p="high", i="severe", state="open"),
        "projects/crm/risks/r-2.yaml": RISK.format(name="r-2", p="medium", i="major", state="monitoring"),
        "projects/crm/risks/r-3.yaml": RISK.format(name="r-3", p="high", i="severe", state="closed-avoided"),
    }


def write_portfolio(root: Path, extra: Mapping[str, str | None] | None = None) -> Path:
    """Write the base portfolio plus ``extra`` (a None value deletes a base file)."""
    files: dict[str, str | None] = {**base_files(), **(extra or {})}
    for rel, text in files.items():
        if text is None:
            continue
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root
