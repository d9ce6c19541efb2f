"""A hand-written portfolio for the change-impact tests (Nordwind Logistics), as files, and the branch
change the acceptance test makes: one project's budget raised, one person booked at 150 %."""

from __future__ import annotations

PMO = """\
apiVersion: pmo-lint/v1
kind: PMOConfig
metadata: {name: pmo}
spec:
  organization: Nordwind Logistics
  pmoTypes: [operational, strategic]
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
"""

PORTFOLIO = """\
apiVersion: pmo-lint/v1
kind: Portfolio
metadata: {name: digital, title: Digital Services}
spec:
  owner: person:pat-director
  budget:
    - {fiscalYear: 2025, amount: 1000000}
    - {fiscalYear: 2026, amount: 800000}
"""

PROGRAM = """\
apiVersion: pmo-lint/v1
kind: Program
metadata: {name: customer-360, title: Customer 360}
spec:
  portfolio: portfolio:digital
  owner: person:pat-director
"""

PERSON = """\
apiVersion: pmo-lint/v1
kind: Person
metadata: {name: NAME}
spec:
  profile: {displayName: DISPLAY}
  roles: [ROLE]
"""

PROJECT = """\
apiVersion: pmo-lint/v1
kind: Project
metadata: {name: NAME, title: TITLE}
spec:
  type: it
  category: strategic
  portfolio: portfolio:digital
  program: program:customer-360
  owner: person:ben-carter
  lifecycle:
    phase: execution
    gates:
      - {gate: G1, decision: approved, decidedBy: person:pat-director, date: 2025-01-10}
      - {gate: G2, decision: approved, decidedBy: person:pat-director, date: 2025-01-20}
  schedule:
    approved: {start: 2025-02-01, end: FINISH}
  milestones:
    - {id: go-live, title: Go-live, key: true, forecastDate: GOLIVE}
  budget: {bac: BAC}
  scope:
    deliverables:
      - {id: core, title: Core system}
"""

ALLOCATION = """\
apiVersion: pmo-lint/v1
kind: Allocation
metadata: {name: ana-lopez}
spec:
  person: person:ana-lopez
  year: 2025
  assignments:
    - {project: project:crm, from: 2025-03-01, to: 2025-10-31, load: {percent: CRM_LOAD}}
    - {project: project:web, from: 2025-03-01, to: 2025-10-31, load: {percent: 40}}
"""

BENEFIT = """\
apiVersion: pmo-lint/v1
kind: Benefit
metadata: {name: churn, namespace: crm, title: Lower customer churn}
spec:
  type: monetary
  owner: person:ben-carter
  kpi: Customer churn
  unit: "%"
  baseline: 12
  target: 8
  targetDate: 2026-01-15
"""


def person(name: str, display: str, role: str = "project-manager", extra: str = "") -> str:
    return PERSON.replace("NAME", name).replace("DISPLAY", display).replace("ROLE", role) + extra


def project(name: str, title: str, *, bac: int, finish: str, golive: str) -> str:
    return (
        PROJECT.replace("NAME", name)
        .replace("TITLE", title)
        .replace("BAC", str(bac))
        .replace("FINISH", finish)
        .replace("GOLIVE", golive)
    )


def base_files() -> dict[str, str]:
    return {
        "pmo.yaml": PMO,
        "portfolios/digital.yaml": PORTFOLIO,
        "programs/customer-360.yaml": PROGRAM,
        "people/pat-director.yaml": person("pat-director", "Pat Director", "pmo-director"),
        "people/ana-lopez.yaml": person("ana-lopez", "Ana López", "business-analyst"),
        # a team that does not exist: a finding the branch resolves
        "people/ben-carter.yaml": person("ben-carter", "Ben Carter", extra="  memberOf: [team:ghost-team]\n"),
        "projects/crm/project.yaml": project(
            "crm", "CRM Migration", bac=500000, finish="2025-12-19", golive="2025-11-01"
        ),
        "projects/crm/benefits/churn.yaml": BENEFIT,
        "projects/web/project.yaml": project(
            "web", "Website Relaunch", bac=300000, finish="2025-10-31", golive="2025-10-01"
        ),
        "allocations/2025/ana-lopez.yaml": ALLOCATION.replace("CRM_LOAD", "60"),
    }


def branch_files() -> dict[str, str]:
    """CRM's budget raised to 840,000 EUR and its finish moved six weeks; Ana booked at 110 % + 40 %."""
    return {
        "projects/crm/project.yaml": project(
            "crm", "CRM Migration", bac=840000, finish="2026-01-30", golive="2025-12-12"
        ),
        "allocations/2025/ana-lopez.yaml": ALLOCATION.replace("CRM_LOAD", "110"),
        "people/ben-carter.yaml": person("ben-carter", "Ben Carter"),
    }


# a change request still to decide, with text that must stay text on the site
HOSTILE = "<script>alert('cr')</script> **bold** | [link](javascript:alert(1)) {: onclick=x }"
PENDING_CR = """\
apiVersion: pmo-lint/v1
kind: ChangeRequest
metadata:
  name: cr-007
  namespace: web
  title: "Chat assistant <img src=x onerror=alert(1)>"
spec:
  category: [cost, schedule, scope]
  priority: high
  requestedBy: person:ben-carter
  requestedDate: 2025-06-02
  dueDate: 2025-06-20
  businessJustification: "Customers want answers at night. HOSTILE"
  impact: "Adds 250000 EUR and 45 days."
  delta:
    budget: 250000
    finishDays: 45
    milestones: {go-live: 2025-11-14}
    deliverablesAdded: [chat-assistant]
  state: under-review
  approval: {status: requested}
""".replace("HOSTILE", HOSTILE)
