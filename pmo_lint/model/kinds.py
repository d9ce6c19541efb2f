"""The fourteen kinds of a portfolio, field by field (``reference/pmo.md`` §a).

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
    RoleId,
    ShortText,
    SignedAmount,
    Text,
)

Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")]
PmoType = Literal["strategic", "tactical", "operational", "transformational", "governance"]
AppraisalMethod = Literal["commercial", "public-sector", "statutory"]
"""How investments are appraised: `commercial` (NPV, IRR or ROI), `public-sector` (benefit–cost ratio with
monetised and non-monetised benefits, as in HM Treasury's Green Book) or `statutory` (mandatory work, justified by
the law or regulation that requires it rather than by a financial case)."""
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
    """JSON pointers into the project, e.g. /spec/budget/bac, required from this phase on."""
    drop_required_fields: list[Annotated[str, StringConstraints(pattern=r"^/")]] = []
    """Fields an earlier phase required that are no longer required from this phase on."""
    optional: bool = False
    """A project's own plan may leave this phase out (`spec.lifecycle.tailoring.skip`)."""
    repeatable: bool = False
    """A project may pass through this phase several times (PRINCE2 management stages); each pass
    needs the phase's start gate, recorded with `pass` on the gate decision."""
    status_reports: bool | None = None
    """Projects in this phase report status on the cadence (default: execution and closing stages)."""
    baseline: bool | None = None
    """Projects in this phase work to an approved baseline (default: execution and closing stages)."""
    benefits_tracked: bool | None = None
    """Projects in this phase record their benefits (default: planning, execution and closing stages)."""


Relation = Literal[
    "sponsor",
    "executive",
    "project-board",
    "program-owner",
    "senior-responsible-owner",
    "portfolio-owner",
    "portfolio-board",
]
"""A person's relation to the project a decision is about (docs/governance-roles.md): its sponsor (`executive`
is the PRINCE2 name for the same person), a member of its board, its program's owner (`senior-responsible-owner`
is the MSP name for the same person), its portfolio's owner or a member of its portfolio's board."""


class Gate(Record):
    id: Id
    title: ShortText
    approver_roles: list[RoleId] = []
    """PMO or governance roles any one of which may pass the gate."""
    approver_relations: list[Relation] = []
    """People related to the project who may pass the gate, e.g. `executive` for the project's own executive.
    Anyone holding one of `approverRoles` or having one of these relations may pass it."""
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
    budget_delta_over: Amount | None = None
    """The row applies when the change request's budget delta (either sign) exceeds this amount, in the
    portfolio currency."""
    budget_delta_pct_over: Annotated[float, Field(ge=0)] | None = None
    """The row applies when the budget delta (either sign) exceeds this percentage of the project's BAC."""
    finish_slip_days_over: Annotated[int, Field(ge=0)] | None = None
    """The row applies when the change request moves the finish later by more than this many days."""
    gate: Id | None = None


class ApprovalRule(Record):
    when: ApprovalCondition
    """All conditions given must hold for the row to apply; every row that applies must be satisfied."""
    approver_roles: list[RoleId] = []
    """PMO or governance roles; an approval by any one of them satisfies the row."""
    approver_relations: list[Relation] = []
    """People related to the project who may also satisfy the row, e.g. `executive` or `project-board`. A row
    names `approverRoles`, `approverRelations` or both."""


class GovernanceRole(Record):
    id: RoleId
    """Used in `Person.spec.governanceRoles` and in `approverRoles`, e.g. `cfo` or `steering-committee`."""
    title: ShortText
    """How the role reads in findings and on the site, e.g. Chief Financial Officer."""
    description: Text | None = None


class Cadence(Record):
    status_report_max_age_days: Annotated[int, Field(ge=1)] = 14
    risk_review_max_age_days: Annotated[int, Field(ge=1)] = 30
    cr_decision_max_days: Annotated[int, Field(ge=1)] = 21
    lessons_learned_within_days: Annotated[int, Field(ge=1)] = 30
    issue_escalation_days: Annotated[int, Field(ge=1)] = 10
    """Days a high or critical issue may stay open before it must be escalated beyond the project."""
    decision_max_wait_days: Annotated[int, Field(ge=1)] = 14
    """Days a decision asked for in status reports may wait, counted from when it was first raised."""
    benefit_review_window_days: Annotated[int, Field(ge=0)] = 30
    """A benefit review counts as held when an actual is measured within this many days of its date."""


class Appraisal(Record):
    """How the business cases of this PMO appraise their investment."""

    method: AppraisalMethod = "commercial"
    """The default method; a portfolio (`spec.appraisal`) or a business case (`businessCase.appraisal`) may
    choose another."""
    minimum_bcr: Annotated[float, Field(ge=0)] = 1.0
    """Below this benefit–cost ratio a public-sector case must name its non-monetised benefits."""


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
    governance_roles: list[GovernanceRole] = []
    """Roles beyond the seven PMO roles that approve gates and changes: sponsors, executives, boards."""
    approval_matrix: list[ApprovalRule] = []
    cadence: Cadence = Cadence()
    appraisal: Appraisal = Appraisal()
    """The appraisal method business cases follow (commercial, public-sector or statutory)."""
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
    board: list[Ref] = []
    """The portfolio board: people, or a Team of type board, deciding for the portfolio with its owner."""
    currency: Currency | None = None
    budget: list[FiscalBudget] = []
    allocation_targets: AllocationTargets | None = None
    goals: list[Ref] = []
    appraisal: AppraisalMethod | None = None
    """The appraisal method of this portfolio's business cases, when it differs from `pmo.yaml`'s."""


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
DecisionRef = Annotated[
    str, StringConstraints(pattern=r"^(?:gate:[A-Za-z0-9_.-]+|(?:changerequest|cr):[a-z0-9-]+(?:/[a-z0-9-]+)?)$")
]
"""A gate of the project (`gate:G2`) or a change request (`changerequest:cr-004`)."""


class GateDecision(Record):
    gate: Id
    decision: Literal["approved", "rejected", "deferred", "pending"]
    decided_by: Ref | None = None
    date: IsoDate | None = None
    conditions: list[Text] = []
    evidence: list[RepoPath] = []
    pass_: Annotated[int, Field(ge=1, le=99)] | None = Field(default=None, alias="pass")
    """Which pass through a repeatable phase this decision opens (2 for the second stage); 1 when omitted."""


class Tailoring(Record):
    """The project's own plan of the PMO's lifecycle, and the decision that approved it."""

    skip: list[Id] = []
    """Optional phases of the lifecycle this project leaves out."""
    passes: dict[Id, Annotated[int, Field(ge=1, le=99)]] = {}
    """How many times the project passes through each repeatable phase (e.g. 3 delivery stages)."""
    approved_by: DecisionRef
    """The decision that approved the plan: a gate of the project (`gate:DP1`) or a change request."""
    date: IsoDate | None = None


class ProjectLifecycle(Record):
    phase: Id
    state: Literal["active", "on-hold", "cancelled", "completed"] = "active"
    pass_: Annotated[int, Field(ge=1, le=99)] | None = Field(default=None, alias="pass")
    """The current pass through a repeatable phase (1 when omitted)."""
    tailoring: Tailoring | None = None
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
    bcr: Annotated[float, Field(ge=0)] | None = None
    """Benefit–cost ratio: present value of the monetised benefits over the present value of the costs."""
    monetised_benefits: Amount | None = None
    """Present value of the benefits that can be given a money value (public-sector appraisal)."""
    present_value_costs: Amount | None = None
    """Present value of the costs (public-sector appraisal); with `monetisedBenefits` it gives the BCR."""


class ExpectedBenefit(Record):
    """A benefit the business case promises."""

    description: ShortText
    """The benefit in words, as the business case states it."""
    benefit: Ref | None = None
    """The Benefit that measures it (under `benefits/`); due by closure at the latest."""


class BusinessCase(Record):
    summary: Text
    in_scope: list[Text] = []
    out_of_scope: list[Text] = []
    assumptions: list[Text] = []
    risk_of_performing: Text | None = None
    risk_of_not_performing: Text | None = None
    financials: Financials | None = None
    appraisal: AppraisalMethod | None = None
    """The appraisal method of this case, when it differs from its portfolio's (e.g. `statutory` for a
    mandatory project in a commercial PMO)."""
    statutory_basis: Text | None = None
    """For a statutory case: the law, regulation or order that makes the work mandatory, and its deadline."""
    non_monetised_benefits: list[Text] | None = None
    """Benefits that cannot be given a money value (public-sector appraisal); `[]` states there are none."""
    expected_benefits: list[ExpectedBenefit] = []
    """The benefits the case promises; each is recorded as a Benefit by closure and reviewed after it."""


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
    approved_by: DecisionRef
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


class BenefitsReview(Record):
    """One planned review of the project's benefits."""

    date: IsoDate
    """When the review is planned."""
    held: IsoDate | None = None
    """When it was held; a planned date that passed without it is overdue."""
    notes: Text | None = None
    """What the review found, or where its record is."""


class BenefitsReviewPlan(Record):
    """How and when the benefits are reviewed, during the project and after it closed (PRINCE2)."""

    reviewer: Ref
    """The person accountable for the reviews after closure (often the senior user or the sponsor)."""
    document: RepoPath | None = None
    """The plan itself, if kept as a document."""
    reviews: list[BenefitsReview] = []
    """The planned reviews; at least one falls after the project's actual finish."""


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
    """The sponsor, PRINCE2's executive: the one person accountable for the project, who chairs its board."""
    board: list[Ref] = []
    """The project board beside the sponsor (senior user, senior supplier): people, or a Team of type board."""
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
    benefits_review_plan: BenefitsReviewPlan | None = None
    """Who reviews the benefits after closure, and when."""
    template: Name | None = None
    """The portfolio template this project was started from."""

    def baseline(self) -> Baseline | None:
        """The active baseline: the entry of `baselines` that `activeBaseline` names (None when it names none)."""
        if not self.active_baseline:
            return None
        return next((b for b in self.baselines if b.id == self.active_baseline), None)


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
    roles: list[Role] = []
    """The PMO roles the person plays (may be empty for an executive who only approves)."""
    governance_roles: list[RoleId] = []
    """Governance roles declared in pmo.yaml `governanceRoles` that the person holds, e.g. cfo."""
    member_of: list[Ref] = []
    capacity: Capacity = Capacity()
    availability: Availability | None = None
    cost_rate: list[CostRate] = []
    skills: list[ShortText] = []
    trainings: list[Training] = []
    active: bool = True
    """`false` once the person has left the organisation (set `leftDate` too, so reports can say when)."""
    left_date: IsoDate | None = None
    """The person's last day with the organisation. Past it they count as having left even while `active` is
    still `true`; a date ahead announces a leaver whose records need handing over before then."""

    def held_roles(self) -> tuple[str, ...]:
        """Every role the person may approve in: PMO roles, then governance roles."""
        return (*self.roles, *self.governance_roles)


class Person(Entity):
    """A person: contact, PMO and governance roles, team membership, capacity, availability and trainings."""

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
    role: RoleId
    """The PMO or governance role the person approves in; they must hold it."""
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


class DecisionNeeded(Record):
    """A decision a status report asks for, with who decides and by when."""

    decision: Annotated[str, StringConstraints(min_length=1, max_length=10_000)]
    """What has to be decided, in one sentence."""
    id: Id | None = None
    """Stable id that follows the decision from report to report when its wording changes."""
    decider: Ref | None = None
    """The person who takes the decision (or who owns getting it taken)."""
    raised_date: IsoDate | None = None
    """When the decision was first asked for; defaults to the first report that lists it."""
    needed_by: IsoDate | None = None
    """The date by which the project needs the decision."""
    state: Literal["open", "decided"] = "open"
    """`decided` once taken; a decided entry stays in the report that records it."""
    decided_date: IsoDate | None = None
    """When it was decided."""
    outcome: Text | None = None
    """What was decided."""


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
    decisions_needed: list[Text | DecisionNeeded] = []
    """Decisions the project needs from its sponsor or a board: a sentence, or a structured entry."""


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
    review_dates: list[IsoDate] = []
    """When the benefit is measured and reviewed, also after the project closed; without them the
    project's benefits review plan sets the dates."""


class Benefit(Entity):
    """A benefit a project or program is expected to deliver, with its KPI, baseline, target and actuals."""

    KIND: ClassVar[str] = "Benefit"
    FOLDER: ClassVar[str] = "projects/{namespace}/benefits/{name}.yaml"
    NAMESPACED: ClassVar[bool] = True
    kind: Literal["Benefit"]
    spec: BenefitSpec


IssueLevel = Literal["low", "medium", "high", "critical"]
IssueCategory = Literal[
    "technical", "schedule", "cost", "resource", "scope", "quality", "external", "regulatory", "organizational"
]


class Escalation(Record):
    """Where an issue was escalated to, when and to whom."""

    level: Literal["project", "program", "portfolio", "steering"]
    """The level now handling the issue; `project` means it has not left the project yet."""
    escalated_date: IsoDate
    """When it was escalated to that level."""
    escalated_to: Ref | None = None
    """The person it was escalated to (program manager, portfolio owner, steering committee chair)."""
    reason: Text | None = None
    """Why it was escalated, or what is asked of that level."""


class IssueAction(Record):
    """One action taken or planned to resolve an issue."""

    action: ShortText
    """What is to be done."""
    owner: Ref | None = None
    """Who does it (a person)."""
    due_date: IsoDate | None = None
    """By when."""
    state: Literal["open", "done", "cancelled"] = "open"
    """Whether it is still to do."""


class IssueSpec(Record):
    description: Text | None = None
    """What has happened and what it affects."""
    category: IssueCategory | None = None
    """The area the issue is in (the same categories as risks)."""
    raised_date: IsoDate
    """When the issue was raised; its age counts from this date."""
    raised_by: Ref | None = None
    """Who raised it (a person)."""
    owner: Ref | None = None
    """The person accountable for resolving it."""
    severity: IssueLevel
    """How badly it hurts the project: low, medium, high or critical."""
    priority: IssueLevel | None = None
    """How urgently it is worked on, when that differs from its severity."""
    state: Literal["open", "in-progress", "resolved", "closed"] = "open"
    """`open` and `in-progress` issues are live; `resolved` and `closed` ones are not."""
    due_date: IsoDate | None = None
    """When it must be resolved by."""
    resolved_date: IsoDate | None = None
    """When it was resolved."""
    resolution: Text | None = None
    """How it was resolved."""
    impact: Text | None = None
    """What it does to scope, schedule, cost or quality."""
    escalation: Escalation | None = None
    """Set once the issue is escalated."""
    related_risk: Ref | None = None
    """The risk of this project that materialised into this issue, if any."""
    actions: list[IssueAction] = []
    """Actions to resolve it."""


class Issue(Entity):
    """An issue of one project: something that has happened and needs resolving, with owner, severity and due date."""

    KIND: ClassVar[str] = "Issue"
    FOLDER: ClassVar[str] = "projects/{namespace}/issues/{name}.yaml"
    NAMESPACED: ClassVar[bool] = True
    kind: Literal["Issue"]
    spec: IssueSpec


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
    Issue,
    ChangeRequest,
    StatusReport,
    Benefit,
    Waiver,
)
KIND_BY_NAME: dict[str, type[Entity]] = {k.KIND: k for k in ALL_KINDS}

__all__ = ["ALL_KINDS", "KIND_BY_NAME", "Money", "Name", "Percent"]
