"""The thirteen kinds of a portfolio, field by field (``reference/pmo.md`` §a).

Derived values (EVM indices, risk score and rank, prioritisation score, relations) are never
authored: they are computed by :mod:`pmo_lint.facts`, so no field here holds them.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field, StringConstraints

from pmo_lint.model.base import (
    Amount,
    Currency,
    Entity,
    IsoDate,
    Money,
    Name,
    Percent,
    Period,
    Rag,
    Record,
    Ref,
    RepoPath,
    Role,
    ShortText,
    SignedAmount,
    Text,
)

Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")]
PmoType = Literal["strategic", "tactical", "operational", "transformational", "governance"]
Severity = Literal["error", "warning", "info"]


# -- PMOConfig --------------------------------------------------------------------------------------
Stage = Literal["intake", "initiation", "planning", "execution", "closing", "closed"]
"""What a phase means for governance, whatever the PMO calls it (see docs/lifecycle.md)."""


class Phase(Record):
    id: Id
    title: ShortText | None = None
    stage: Stage | None = None
    """What the phase means for governance; inferred from common phase names when omitted."""
    start_gate: Id | None = None
    """Gate that must be approved before a project enters this phase."""
    required_fields: list[Annotated[str, StringConstraints(pattern=r"^/")]] = []
    """JSON pointers into the project, e.g. /spec/budget/bac."""
    status_reports: bool | None = None
    """Projects in this phase report status on the cadence (default: execution and closing stages)."""
    baseline: bool | None = None
    """Projects in this phase work to an approved baseline (default: execution and closing stages)."""
    benefits_tracked: bool | None = None
    """Projects in this phase record their benefits (default: planning, execution and closing stages)."""


class Gate(Record):
    id: Id
    title: ShortText
    approver_roles: list[Role] = []
    required_documents: list[Literal["charter", "businessCase", "closureReport", "lessonsLearned"]] = []


class Lifecycle(Record):
    phases: list[Phase] = Field(min_length=1)
    gates: list[Gate] = []


class ScaleLevel(Record):
    id: Id
    value: Annotated[int, Field(ge=1, le=10)]
    title: ShortText | None = None


class Scales(Record):
    probability: list[ScaleLevel] = Field(min_length=2)
    impact: list[ScaleLevel] = Field(min_length=2)


class RiskMatrix(Record):
    escalation_score: Annotated[int, Field(ge=1)]
    """Risks whose probability × impact reaches this score are escalated."""
    ranks: list[RiskRank] = []


class RiskRank(Record):
    id: Literal["low", "medium", "high", "critical"]
    min_score: Annotated[int, Field(ge=1)]


class Criterion(Record):
    id: Id
    weight: Percent
    title: ShortText | None = None
    scale_max: Annotated[int, Field(ge=1, le=100)] = 5


class Prioritization(Record):
    method: Literal["weighted", "wsjf"] = "weighted"
    criteria: list[Criterion] = []


class Band(Record):
    amber: float
    red: float


class Thresholds(Record):
    cpi: Band = Band.model_validate({"amber": 0.95, "red": 0.85})
    spi: Band = Band.model_validate({"amber": 0.95, "red": 0.85})
    budget_variance_pct: Percent = 10
    finish_slip_days: Annotated[int, Field(ge=0)] = 14
    allocation_max_percent: Annotated[float, Field(ge=0, le=400)] = 100


class Evm(Record):
    enabled: bool = True
    eac_method: Literal["bac-over-cpi", "ac-plus-remaining", "ac-plus-remaining-over-cpi-spi"] = "bac-over-cpi"


class ApprovalCondition(Record):
    category: Literal["scope", "schedule", "cost", "resource", "gate", "waiver"] | None = None
    budget_delta_pct_over: Annotated[float, Field(ge=0)] | None = None
    finish_slip_days_over: Annotated[int, Field(ge=0)] | None = None
    gate: Id | None = None


class ApprovalRule(Record):
    when: ApprovalCondition
    approver_roles: list[Role] = Field(min_length=1)


class Cadence(Record):
    status_report_max_age_days: Annotated[int, Field(ge=1)] = 14
    risk_review_max_age_days: Annotated[int, Field(ge=1)] = 30
    cr_decision_max_days: Annotated[int, Field(ge=1)] = 21
    lessons_learned_within_days: Annotated[int, Field(ge=1)] = 30


class MaturityLevel(Record):
    name: ShortText
    checks: list[Annotated[str, StringConstraints(max_length=80)]] = []


class TrainingRequirement(Record):
    role: Role
    courses: list[Id] = Field(min_length=1)


class PMOConfigSpec(Record):
    organization: ShortText
    pmo_types: list[PmoType] = Field(min_length=1)
    """Which of the five PMO types this office plays; each enables its rule pack."""
    currency: Currency
    fiscal_year_start_month: Annotated[int, Field(ge=1, le=12)] = 1
    project_types: list[Id] = Field(min_length=1)
    lifecycle: Lifecycle
    scales: Scales
    risk_matrix: RiskMatrix
    prioritization: Prioritization = Prioritization()
    thresholds: Thresholds = Thresholds()
    evm: Evm = Evm()
    approval_matrix: list[ApprovalRule] = []
    cadence: Cadence = Cadence()
    levels: list[MaturityLevel] = []
    required_trainings: list[TrainingRequirement] = []
    severity: dict[Annotated[str, StringConstraints(max_length=80)], Severity] = {}


class PMOConfig(Entity):
    """The PMO's configuration: PMO types, lifecycle, gates, scales, thresholds, scoring, approvals, cadences."""

    KIND: ClassVar[str] = "PMOConfig"
    FOLDER: ClassVar[str] = "pmo.yaml"
    kind: Literal["PMOConfig"]
    spec: PMOConfigSpec


# -- Strategy ---------------------------------------------------------------------------------------
class Timeframe(Record):
    start: IsoDate
    end: IsoDate


class KeyResult(Record):
    id: Id
    metric: ShortText
    baseline: float
    target: float
    current: float | None = None
    unit: ShortText | None = None
    owner: Ref | None = None


class StrategicGoalSpec(Record):
    level: Literal["mission", "vision", "goal", "objective"] = "goal"
    parent: Ref | None = None
    owner: Ref
    state: Literal["active", "achieved", "retired"] = "active"
    timeframe: Timeframe | None = None
    key_results: list[KeyResult] = []
    weight: Percent | None = None


class StrategicGoal(Entity):
    """A strategic goal or objective, with key results; goals form a hierarchy through `parent`."""

    KIND: ClassVar[str] = "StrategicGoal"
    FOLDER: ClassVar[str] = "strategy/goals/{name}.yaml"
    kind: Literal["StrategicGoal"]
    spec: StrategicGoalSpec


class FiscalBudget(Record):
    fiscal_year: Annotated[int, Field(ge=1900, le=2200)]
    amount: Amount


class AllocationTargets(Record):
    themes: dict[Id, Percent] = {}
    investment_class: dict[Literal["run", "change"], Percent] = {}


class PortfolioSpec(Record):
    owner: Ref
    currency: Currency | None = None
    budget: list[FiscalBudget] = []
    allocation_targets: AllocationTargets | None = None
    goals: list[Ref] = []


class Portfolio(Entity):
    """A portfolio: a budget envelope per fiscal year and allocation targets for the projects in it."""

    KIND: ClassVar[str] = "Portfolio"
    FOLDER: ClassVar[str] = "portfolios/{name}.yaml"
    kind: Literal["Portfolio"]
    spec: PortfolioSpec


class ProgramSpec(Record):
    portfolio: Ref | None = None
    owner: Ref
    goals: list[Ref] = []
    benefits: list[Ref] = []
    state: Literal["active", "on-hold", "closed"] = "active"


class Program(Entity):
    """A program grouping related projects that together deliver benefits."""

    KIND: ClassVar[str] = "Program"
    FOLDER: ClassVar[str] = "programs/{name}.yaml"
    kind: Literal["Program"]
    spec: ProgramSpec


# -- Project ----------------------------------------------------------------------------------------
class GateDecision(Record):
    gate: Id
    decision: Literal["approved", "rejected", "deferred", "pending"]
    decided_by: Ref | None = None
    date: IsoDate | None = None
    conditions: list[Text] = []
    evidence: list[RepoPath] = []


class ProjectLifecycle(Record):
    phase: Id
    state: Literal["active", "on-hold", "cancelled", "completed"] = "active"
    gates: list[GateDecision] = []


class GoalAlignment(Record):
    goal: Ref
    impact: Literal["none", "low", "moderate", "strong"]


class Alignment(Record):
    goals: list[GoalAlignment] = []


class Wsjf(Record):
    business_value: Annotated[float, Field(ge=0, le=100)]
    time_criticality: Annotated[float, Field(ge=0, le=100)]
    risk_reduction: Annotated[float, Field(ge=0, le=100)]
    job_size: Annotated[float, Field(gt=0, le=100)]


class PrioritizationInputs(Record):
    criteria: dict[Id, Annotated[float, Field(ge=0, le=100)]] = {}
    wsjf: Wsjf | None = None
    priority: Annotated[int, Field(ge=1)] | None = None
    """The rank the portfolio board gave; compared with the computed score."""


class Financials(Record):
    financial_benefit: SignedAmount | None = None
    npv: SignedAmount | None = None
    irr: float | None = None
    roi: float | None = None
    discount_rate: float | None = None


class BusinessCase(Record):
    summary: Text
    in_scope: list[Text] = []
    out_of_scope: list[Text] = []
    assumptions: list[Text] = []
    risk_of_performing: Text | None = None
    risk_of_not_performing: Text | None = None
    financials: Financials | None = None


class DateRange(Record):
    start: IsoDate
    end: IsoDate


class Forecast(Record):
    start: IsoDate | None = None
    finish: IsoDate


class Actual(Record):
    start: IsoDate | None = None
    finish: IsoDate | None = None


class Schedule(Record):
    requested: DateRange | None = None
    approved: DateRange | None = None
    forecast: Forecast | None = None
    actual: Actual | None = None


class Milestone(Record):
    id: Id
    title: ShortText
    key: bool = False
    forecast_date: IsoDate
    actual_date: IsoDate | None = None
    status: Literal["planned", "in-progress", "done", "missed", "cancelled"] = "planned"
    depends_on: list[Id] = []


class PeriodAmount(Record):
    period: Period
    planned: Amount


class Budget(Record):
    bac: Amount
    """Budget at completion, in the project's currency."""
    capex: Amount | None = None
    opex: Amount | None = None
    by_period: list[PeriodAmount] = []


class ActualCost(Record):
    period: Period
    cost: Amount


class BaselineSchedule(Record):
    start: IsoDate
    finish: IsoDate
    milestones: dict[Id, IsoDate] = {}


class BaselineBudget(Record):
    bac: Amount
    by_period: list[PeriodAmount] = []


class Baseline(Record):
    id: Id
    name: ShortText | None = None
    date: IsoDate
    approved_by: Annotated[
        str, StringConstraints(pattern=r"^(?:gate:[A-Za-z0-9_.-]+|(?:changerequest|cr):[a-z0-9-]+(?:/[a-z0-9-]+)?)$")
    ]
    """The gate (`gate:G2`) or change request (`changerequest:cr-004`) that approved it."""
    schedule: BaselineSchedule
    budget: BaselineBudget
    deliverables: list[Id] = []


class Deliverable(Record):
    id: Id
    title: ShortText
    acceptance_criteria: list[Text] = []


class Scope(Record):
    deliverables: list[Deliverable] = []


class Stakeholder(Record):
    person: Ref
    function: ShortText | None = None
    interest: Literal["low", "medium", "high"] = "medium"
    influence: Literal["low", "medium", "high"] = "medium"
    engagement: Literal["unaware", "resistant", "neutral", "supportive", "leading"] | None = None
    approver: bool = False


class RaciEntry(Record):
    item: Id
    responsible: list[Ref] = []
    accountable: list[Ref] = []
    consulted: list[Ref] = []
    informed: list[Ref] = []


class Documents(Record):
    charter: RepoPath | None = None
    business_case: RepoPath | None = None
    closure_report: RepoPath | None = None
    lessons_learned: RepoPath | None = None


class Compliance(Record):
    regulatory: bool = False
    frameworks: list[ShortText] = []


class ChangePlan(Record):
    impacted_business_units: list[ShortText] = []
    training_plan: RepoPath | None = None
    communication_plan: RepoPath | None = None


class ProjectSpec(Record):
    type: Id
    category: Literal["strategic", "operational", "regulatory"]
    investment_class: Literal["run", "change"] | None = None
    theme: Id | None = None
    portfolio: Ref | None = None
    program: Ref | None = None
    requester: Ref | None = None
    owner: Ref | None = None
    """The project manager (a Person)."""
    sponsor: Ref | None = None
    business_unit: ShortText | None = None
    lifecycle: ProjectLifecycle
    alignment: Alignment = Alignment()
    prioritization: PrioritizationInputs | None = None
    business_case: BusinessCase | None = None
    benefits: list[Ref] = []
    schedule: Schedule = Schedule()
    milestones: list[Milestone] = []
    percent_complete: Percent | None = None
    currency: Currency | None = None
    budget: Budget | None = None
    actuals: list[ActualCost] = []
    baselines: list[Baseline] = []
    active_baseline: Id | None = None
    scope: Scope = Scope()
    stakeholders: list[Stakeholder] = []
    raci: list[RaciEntry] = []
    documents: Documents = Documents()
    compliance: Compliance | None = None
    change: ChangePlan | None = None
    template: Name | None = None
    """The portfolio template this project was started from."""


class Project(Entity):
    """A project: lifecycle and gate decisions, alignment, budget, baselines, milestones, scope, stakeholders."""

    KIND: ClassVar[str] = "Project"
    FOLDER: ClassVar[str] = "projects/{name}/project.yaml"
    kind: Literal["Project"]
    spec: ProjectSpec


# -- People -----------------------------------------------------------------------------------------
class Profile(Record):
    display_name: ShortText
    email: Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+$", max_length=254)] | None = None
    git_emails: list[Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+$", max_length=254)]] = []


class Capacity(Record):
    hours_per_week: Annotated[float, Field(gt=0, le=80)] = 40
    fte: Annotated[float, Field(gt=0, le=1.5)] = 1.0


class Availability(Record):
    start: IsoDate | None = Field(default=None, alias="from")
    end: IsoDate | None = Field(default=None, alias="to")


class CostRate(Record):
    amount: Amount
    currency: Currency
    from_: IsoDate = Field(alias="from")


class Training(Record):
    course: Id
    date: IsoDate
    expires: IsoDate | None = None


class PersonSpec(Record):
    profile: Profile
    roles: list[Role] = Field(min_length=1)
    member_of: list[Ref] = []
    capacity: Capacity = Capacity()
    availability: Availability | None = None
    cost_rate: list[CostRate] = []
    skills: list[ShortText] = []
    trainings: list[Training] = []
    active: bool = True


class Person(Entity):
    """A person: contact, PMO roles, team membership, capacity, availability and trainings."""

    KIND: ClassVar[str] = "Person"
    FOLDER: ClassVar[str] = "people/{name}.yaml"
    kind: Literal["Person"]
    spec: PersonSpec


class TeamSpec(Record):
    type: Literal["department", "team", "squad", "board", "community"] = "team"
    parent: Ref | None = None
    members: list[Ref] = []
    lead: Ref | None = None


class Team(Entity):
    """A team or other group of people."""

    KIND: ClassVar[str] = "Team"
    FOLDER: ClassVar[str] = "teams/{name}.yaml"
    kind: Literal["Team"]
    spec: TeamSpec


class Load(Record):
    percent: Annotated[float, Field(gt=0, le=200)] | None = None
    hours_per_week: Annotated[float, Field(gt=0, le=80)] | None = None


class Assignment(Record):
    project: Ref
    start: IsoDate = Field(alias="from")
    end: IsoDate = Field(alias="to")
    load: Load
    booking: Literal["soft", "hard"] = "hard"
    state: Literal["requested", "confirmed", "allocated"] = "allocated"
    role: Role | None = None


class AllocationSpec(Record):
    person: Ref
    year: Annotated[int, Field(ge=1900, le=2200)]
    assignments: list[Assignment] = Field(min_length=1)


class Allocation(Entity):
    """One person's assignments to projects for one year, with load per period."""

    KIND: ClassVar[str] = "Allocation"
    FOLDER: ClassVar[str] = "allocations/{year}/{name}.yaml"
    kind: Literal["Allocation"]
    spec: AllocationSpec


# -- Project-scoped records -------------------------------------------------------------------------
class ScalePoint(Record):
    probability: Id
    impact: Id


class RiskSpec(Record):
    type: Literal["threat", "opportunity"] = "threat"
    category: Literal[
        "technical", "schedule", "cost", "resource", "scope", "quality", "external", "regulatory", "organizational"
    ]
    description: Text | None = None
    cause: Text | None = None
    effect: Text | None = None
    probability: Id
    impact: Id
    impact_areas: list[Literal["scope", "quality", "schedule", "cost"]] = []
    owner: Ref | None = None
    assigned_to: Ref | None = None
    response: Literal["avoid", "mitigate", "transfer", "accept", "escalate", "exploit", "enhance", "share"] | None = (
        None
    )
    mitigation_plan: Text | None = None
    contingency_plan: Text | None = None
    trigger: Text | None = None
    state: Literal["open", "monitoring", "closed-occurred", "closed-avoided", "closed-expired"] = "open"
    identified_date: IsoDate
    review_date: IsoDate | None = None
    due_date: IsoDate | None = None
    estimated_cost: Amount | None = None
    residual: ScalePoint | None = None
    change_request: Ref | None = None


class Risk(Entity):
    """A risk (threat or opportunity) of one project: probability, impact, owner and response."""

    KIND: ClassVar[str] = "Risk"
    FOLDER: ClassVar[str] = "projects/{namespace}/risks/{name}.yaml"
    NAMESPACED: ClassVar[bool] = True
    kind: Literal["Risk"]
    spec: RiskSpec


class Delta(Record):
    budget: SignedAmount | None = None
    """Change to the budget at completion (BAC), in the project's currency."""
    finish_days: int | None = None
    milestones: dict[Id, IsoDate] = {}
    deliverables_added: list[Id] = []
    deliverables_removed: list[Id] = []


class ApprovalEntry(Record):
    by: Ref
    role: Role
    date: IsoDate
    decision: Literal["approved", "rejected"]
    comment: Text | None = None


class Approval(Record):
    status: Literal["requested", "approved", "rejected"] = "requested"
    approvals: list[ApprovalEntry] = []


ChangeCategory = Literal["scope", "schedule", "cost", "resource"]


class ChangeRequestSpec(Record):
    category: list[ChangeCategory] = Field(min_length=1)
    priority: Literal["low", "medium", "high", "critical"]
    requested_by: Ref
    requested_date: IsoDate
    due_date: IsoDate | None = None
    business_justification: Text
    impact: Text
    delta: Delta = Delta()
    state: Literal["draft", "submitted", "under-review", "decided", "implemented", "withdrawn"] = "submitted"
    approval: Approval = Approval()
    resulting_baseline: Id | None = None
    risks: list[Ref] = []


class ChangeRequest(Entity):
    """A change request to a project's scope, schedule, cost or resources, with its delta and approvals."""

    KIND: ClassVar[str] = "ChangeRequest"
    FOLDER: ClassVar[str] = "projects/{namespace}/changes/{name}.yaml"
    NAMESPACED: ClassVar[bool] = True
    kind: Literal["ChangeRequest"]
    spec: ChangeRequestSpec


class HealthDimension(Record):
    rag: Rag
    comment: Text | None = None


class Health(Record):
    overall: HealthDimension
    schedule: HealthDimension
    cost: HealthDimension
    resources: HealthDimension
    scope: HealthDimension


class EvmInputs(Record):
    pv: Amount
    ev: Amount
    ac: Amount


class StatusReportSpec(Record):
    report_date: IsoDate
    status_date: IsoDate | None = None
    """The as-of date of the EVM figures; defaults to the report date."""
    author: Ref
    health: Health
    executive_summary: Text
    achievements: list[Text] = []
    next_activities: list[Text] = []
    percent_complete: Percent
    evm: EvmInputs | None = None
    top_risks: list[Ref] = []
    decisions_needed: list[Text] = []


class StatusReport(Entity):
    """A dated status report of one project: RAG health in five dimensions, narrative and EVM inputs."""

    KIND: ClassVar[str] = "StatusReport"
    FOLDER: ClassVar[str] = "projects/{namespace}/status/{name}.yaml"
    NAMESPACED: ClassVar[bool] = True
    kind: Literal["StatusReport"]
    spec: StatusReportSpec


class BenefitActual(Record):
    date: IsoDate
    value: float


class BenefitSpec(Record):
    type: Literal["monetary", "non-monetary"]
    owner: Ref
    kpi: ShortText
    unit: ShortText
    baseline: float
    target: float
    target_date: IsoDate
    actuals: list[BenefitActual] = []
    state: Literal["planned", "tracking", "realized", "not-realized"] = "planned"
    program: Ref | None = None


class Benefit(Entity):
    """A benefit a project or program is expected to deliver, with its KPI, baseline, target and actuals."""

    KIND: ClassVar[str] = "Benefit"
    FOLDER: ClassVar[str] = "projects/{namespace}/benefits/{name}.yaml"
    NAMESPACED: ClassVar[bool] = True
    kind: Literal["Benefit"]
    spec: BenefitSpec


class WaiverSpec(Record):
    check: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    """The rule code or id waived, e.g. TAC004 or watermelon-status."""
    targets: list[Ref] = Field(min_length=1)
    justification: Annotated[str, StringConstraints(min_length=20, max_length=10_000)]
    approved_by: Ref
    created: IsoDate
    expires: IsoDate


class Waiver(Entity):
    """A justified, approved and time-limited exemption of targets from one check."""

    KIND: ClassVar[str] = "Waiver"
    FOLDER: ClassVar[str] = "waivers/{name}.yaml"
    kind: Literal["Waiver"]
    spec: WaiverSpec


RiskMatrix.model_rebuild()

ALL_KINDS: tuple[type[Entity], ...] = (
    PMOConfig,
    StrategicGoal,
    Portfolio,
    Program,
    Project,
    Person,
    Team,
    Allocation,
    Risk,
    ChangeRequest,
    StatusReport,
    Benefit,
    Waiver,
)
KIND_BY_NAME: dict[str, type[Entity]] = {k.KIND: k for k in ALL_KINDS}

__all__ = ["ALL_KINDS", "KIND_BY_NAME", "Money", "Name", "Percent"]
