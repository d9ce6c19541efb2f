"""The portfolio as the site shows it: one view object per project, risk and person, computed once.

Derived values come from :mod:`pmo_lint.facts` (EVM, risk score and rank, load per person and month,
priority score, maturity level), the same numbers the rules judged. Pages only read these views.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from pmo_lint.diagnostics import Diagnostic, Result, Severity

if TYPE_CHECKING:
    from pmo_lint.facts import Facts
    from pmo_lint.facts.leaver import Holding
    from pmo_lint.model.catalog import Catalog, LoadedEntity
    from pmo_lint.model.kinds import (
        Baseline,
        PMOConfig,
        PMOConfigSpec,
        Project,
        Risk,
        StatusReport,
    )

DIMENSIONS = ("overall", "schedule", "cost", "resources", "scope")
TREND_REPORTS = 6  # status reports shown in a project's trend
# file stems the generator uses inside projects/ (the project list); a project with such a name gets
# `<name>_.md`, which no other project can have (names hold no `_`)
RESERVED_PAGE_STEMS = frozenset({"index"})


def project_page(name: str) -> str:
    """The page of the project ``name``, never one of the generated pages beside it."""
    return f"projects/{name}_.md" if name.lower() in RESERVED_PAGE_STEMS else f"projects/{name}.md"


@dataclass(frozen=True)
class Evm:
    bac: float | None
    pv: float
    ev: float
    ac: float
    cpi: float | None
    spi: float | None
    eac: float | None
    vac: float | None


@dataclass(frozen=True)
class RiskView:
    item: LoadedEntity
    project: str
    name: str
    title: str
    probability: str
    impact: str
    score: int | None
    rank: str
    open: bool

    @property
    def anchor(self) -> str:
        return f"risk-{self.project}-{self.name}"


@dataclass(frozen=True)
class Decision:
    """A decision the latest status report asks for, with how long it has waited (the ``decisions`` fact)."""

    text: str
    open: bool
    raised: dt.date  # its raisedDate, else the first report of the project that listed it
    waiting_days: int | None  # from ``raised`` to the as-of date (to the decision date once decided)
    needed_by: dt.date | None
    decider: str | None  # the reference as written; None: the project's sponsor decides


@dataclass(frozen=True)
class Indicators:
    """The six symptoms of an organisation that needs a PMO (the PMO text), per project."""

    behind_schedule: bool
    over_budget: bool
    not_aligned: bool
    stale_status: bool
    no_standard_process: bool
    not_trackable: bool


INDICATOR_TEXT: tuple[tuple[str, str, str], ...] = (
    (
        "behind_schedule",
        "Behind schedule",
        "a key milestone overdue, forecast finish later than the baseline by more "
        "than the slip threshold, or SPI below its amber threshold",
    ),
    (
        "over_budget",
        "Over budget",
        "actual cost above the budget at completion, EAC above BAC by more than the "
        "variance threshold, or CPI below its amber threshold",
    ),
    ("not_aligned", "Not aligned to a goal", "no alignment to an active strategic goal"),
    (
        "stale_status",
        "Stale status",
        "in a phase that owes status reports (execution and closing stages; intake, initiation and planning owe "
        "none unless their phase in pmo.yaml sets statusReports), with no report yet or the latest older than "
        "the status cadence",
    ),
    (
        "no_standard_process",
        "No standard process",
        "not following the PMO's lifecycle: the phase is not one of pmo.yaml's phases, or a gate due up to the "
        "current phase has no approved decision recorded",
    ),
    ("not_trackable", "Not trackable", "neither a status report nor a milestone"),
)


@dataclass(frozen=True)
class Health:
    """A project's RAG twice: as its manager last reported it, and as the figures and checks give it."""

    reported: str | None  # overall RAG of the latest status report; None: never reported
    reported_on: dt.date | None
    computed: str | None  # None: not judged (closed, or nothing to judge yet)
    reasons: tuple[str, ...]  # why the computed RAG is not green, or why it is not judged

    @property
    def watermelon(self) -> bool:
        """Reported green while the figures say red: the case the watermelon check flags as an error."""
        return self.reported == "green" and self.computed == "red"

    @property
    def differs(self) -> bool:
        return self.reported is not None and self.computed is not None and self.reported != self.computed

    @property
    def why(self) -> str:
        return "; ".join(self.reasons)


@dataclass(frozen=True)
class Slip:
    """The forecast finish against two baselines: the first approved one (what the sponsor first agreed) and
    the active one (what the project is measured against now, after approved re-baselines or a quiet edit)."""

    forecast: dt.date | None
    first: Baseline | None  # the earliest baseline whose approving gate or change request is recorded approved
    active: Baseline | None
    first_days: int | None
    active_days: int | None  # the finishSlipDays fact
    active_approved: bool  # the active baseline's approving decision is recorded as approved

    @property
    def rebaselined(self) -> bool:
        return self.first is not None and self.active is not None and self.first.id != self.active.id

    @property
    def text(self) -> str:
        """ "+45 days vs first baseline, +0 vs active"; one number when the two baselines are one."""
        if self.first_days is None and self.active_days is None:
            return ""
        if not self.rebaselined and self.active_days is not None:
            return f"{self.active_days:+d} days"
        if self.active_days is None:
            return f"{self.first_days:+d} days vs first baseline"
        if self.first_days is None:
            return f"{self.active_days:+d} days vs active baseline"
        return f"{self.first_days:+d} days vs first baseline, {self.active_days:+d} vs active"


@dataclass
class ProjectView:
    item: LoadedEntity
    name: str
    title: str
    phase: str
    state: str
    active: bool
    closed: bool
    currency: str
    portfolio: str
    program: str
    bac: float | None
    actual_cost: float
    reports: list[StatusReport]
    evm: Evm | None
    status_age: int | None
    finish_slip_days: int | None
    key_overdue: int
    goals: list[str]
    priority_score: float | None
    indicators: Indicators
    risks: list[RiskView] = field(default_factory=list)
    changes: list[LoadedEntity] = field(default_factory=list)
    benefits: list[LoadedEntity] = field(default_factory=list)
    findings: list[Diagnostic] = field(default_factory=list)
    suppressed: list[Diagnostic] = field(default_factory=list)
    waivers: list[LoadedEntity] = field(default_factory=list)
    maturity: str = ""
    computed_rank: int | None = None
    health: Health = field(default_factory=lambda: Health(None, None, None, ()))
    slip: Slip = field(default_factory=lambda: Slip(None, None, None, None, None, True))
    decisions: list[Decision] = field(default_factory=list)  # those of the latest status report

    @property
    def project(self) -> Project:
        return self.item.entity  # type: ignore[return-value]

    @property
    def latest(self) -> StatusReport | None:
        return self.reports[-1] if self.reports else None

    @property
    def page(self) -> str:
        return project_page(self.name)


@dataclass(frozen=True)
class PersonLoad:
    name: str
    title: str
    fte: float
    months: dict[str, float]  # YYYY-MM -> peak summed percent of the person's week (facts' loadByMonth)


@dataclass
class PortfolioView:
    as_of: dt.date
    config: PMOConfig | None
    catalog: Catalog
    result: Result
    projects: list[ProjectView]
    loads: list[PersonLoad]
    waivers: list[LoadedEntity]
    reassign: list[Holding] = field(default_factory=list)  # records and bookings of people who left or are leaving
    _by_name: dict[str, ProjectView] = field(default_factory=dict, repr=False)

    @property
    def spec(self) -> PMOConfigSpec | None:
        return self.config.spec if self.config else None

    @property
    def organization(self) -> str:
        return self.spec.organization if self.spec else "Portfolio"

    @property
    def currency(self) -> str:
        return self.spec.currency if self.spec else ""

    def project(self, name: str) -> ProjectView | None:
        if len(self._by_name) != len(self.projects):
            self._by_name = {p.name: p for p in self.projects}
        return self._by_name.get(name)


# -- reading the facts (pmo_lint.facts computes them; the site only reshapes) ----------------------------
def _evm(data: dict[str, Any] | None) -> Evm | None:
    if not data:
        return None
    return Evm(*(data.get(k) for k in ("bac", "pv", "ev", "ac", "cpi", "spi", "eac", "vac")))  # type: ignore[arg-type]


def baseline_finish(project: Project) -> dt.date | None:
    spec = project.spec
    for b in spec.baselines:
        if b.id == spec.active_baseline:
            return b.schedule.finish
    return None


def forecast_finish(project: Project) -> dt.date | None:
    s = project.spec.schedule
    if s.forecast:
        return s.forecast.finish
    if s.approved:
        return s.approved.end
    return s.requested.end if s.requested else None


def _int(value: Any) -> int | None:
    return None if value is None else round(value)


def _loads(catalog: Catalog, facts: Facts) -> list[PersonLoad]:
    out = []
    for item in sorted(catalog.of_kind("Person"), key=lambda i: i.entity.name):
        months = facts.of(item).get("loadByMonth") or {}
        if not months:
            continue
        spec = item.entity.spec  # type: ignore[attr-defined]
        title = spec.profile.display_name or item.entity.name
        out.append(PersonLoad(item.entity.name, title, spec.capacity.fte, {k: round(v, 1) for k, v in months.items()}))
    return out


def portfolio_facts(catalog: Catalog, result: Result, facts: Facts | None = None) -> Facts:
    """The facts of the run (``facts``: the engine's own, when the caller has the run); the maturity
    level from the run's findings where the run's rules did not need it."""
    from pmo_lint.facts import compute_facts
    from pmo_lint.facts.portfolio import fill_maturity

    if facts is None:
        facts = compute_facts(catalog, result.as_of)
    if not any("maturityLevel" in values for values in facts.by_path.values()):
        fill_maturity(facts, catalog, ((d.path, d.code, d.rule) for d in result.diagnostics))
    return facts


def _decisions(reports: list[LoadedEntity], facts: Facts) -> list[Decision]:
    """The decisions of the project's latest report (the one the facts mark latest as of the date)."""
    for item in reports:
        rf = facts.of(item)
        if not rf.get("isLatest"):
            continue
        entries = item.entity.spec.decisions_needed  # type: ignore[attr-defined]
        out = []
        for entry, row in zip(entries, rf.get("decisions") or (), strict=False):
            out.append(
                Decision(
                    text=row["text"],
                    open=row["state"] == "open",
                    raised=dt.date.fromisoformat(row["raisedDate"]),
                    waiting_days=_int(row["waitingDays"]),
                    needed_by=dt.date.fromisoformat(row["neededBy"]) if row["neededBy"] else None,
                    decider=None if isinstance(entry, str) else entry.decider,
                )
            )
        return out
    return []


# -- assembly ----------------------------------------------------------------------------------------
def _target_names(targets: list[str]) -> set[str]:
    # a waiver target "project:x", "x" or "risk:x/r-1" concerns project x
    out = set()
    for t in targets:
        body = t.split(":", 1)[-1]
        out.add(body.split("/", 1)[0])
    return out


def build_view(catalog: Catalog, result: Result, facts: Facts | None = None) -> PortfolioView:
    """Compute every view the pages need, once, from the catalog, the lint result and the facts."""
    from pmo_lint.model.kinds import Project, Risk, StatusReport, Waiver

    facts = portfolio_facts(catalog, result, facts)
    as_of = result.as_of
    config = catalog.config
    spec = config.spec if config else None
    by_project_findings: dict[str, list[Diagnostic]] = defaultdict(list)
    for d in result.diagnostics:
        if d.path.startswith("projects/"):
            by_project_findings[d.path.split("/")[1]].append(d)
    by_project_suppressed: dict[str, list[Diagnostic]] = defaultdict(list)
    for d in result.suppressed:
        if d.path.startswith("projects/"):
            by_project_suppressed[d.path.split("/")[1]].append(d)
    waivers = sorted(catalog.of_kind(Waiver.KIND), key=lambda w: w.entity.name)
    records: dict[tuple[str, str], list[LoadedEntity]] = defaultdict(list)
    for kind in (Risk.KIND, StatusReport.KIND, "ChangeRequest", "Benefit"):
        for rec in catalog.of_kind(kind):
            records[(kind, rec.entity.metadata.namespace or "")].append(rec)
    th = spec.thresholds if spec else None
    cadence = spec.cadence.status_report_max_age_days if spec else 14

    projects: list[ProjectView] = []
    for project, item in catalog.typed(Project):
        name = project.name
        ps = project.spec
        f = facts.of(item)
        reports = sorted(
            (cast("StatusReport", r.entity) for r in records[(StatusReport.KIND, name)]),
            key=lambda r: (r.spec.report_date, r.name),
        )
        reports = [r for r in reports if r.spec.report_date <= as_of]  # later ones were not known yet
        bac = f.get("bac")
        actual = f.get("actualCost") or 0.0
        evm = _evm({**f["evm"], "bac": bac} if f.get("evm") else None)
        age = _int((f.get("status") or {}).get("ageDays"))
        slip = _int(f.get("finishSlipDays"))
        key_overdue = _int(f.get("keyMilestonesOverdue")) or 0
        goals = sorted({g.goal.split(":")[-1] for g in ps.alignment.goals})
        behind = key_overdue > 0 or bool(
            th
            and (
                (slip is not None and slip > th.finish_slip_days)
                or (evm and evm.spi is not None and evm.spi < th.spi.amber)
            )
        )
        over = bool(bac is not None and actual > bac) or bool(
            th
            and evm
            and (
                (evm.cpi is not None and evm.cpi < th.cpi.amber)
                or (evm.eac is not None and bac and (evm.eac - bac) / bac * 100 > th.budget_variance_pct)
            )
        )
        indicators = Indicators(
            behind_schedule=behind,
            over_budget=over,
            not_aligned=not f.get("alignedGoals"),
            # only phases that report status can be late with it (intake and planning owe no report)
            stale_status=bool(f.get("needsStatusReports")) and (age is None or age > cadence),
            # the PMO's lifecycle followed: a known phase and every gate due so far approved (GOV014, GOV002)
            no_standard_process=not f.get("phaseKnown")
            or not set(f.get("gatesRequired") or ()) <= set(f.get("gatesApproved") or ()),
            not_trackable=not reports and not ps.milestones,
        )
        risks = []
        for r_item in records[(Risk.KIND, name)]:
            risk: Risk = r_item.entity  # type: ignore[assignment]
            rf = facts.of(r_item)
            risks.append(
                RiskView(
                    r_item,
                    name,
                    risk.name,
                    risk.display,
                    risk.spec.probability,
                    risk.spec.impact,
                    _int(rf.get("score")),
                    rf.get("rank") or "",
                    bool(rf.get("open")),
                )
            )
        risks.sort(key=lambda r: (-(r.score or 0), r.name))
        decisions = _decisions(records[(StatusReport.KIND, name)], facts)
        view = ProjectView(
            item=item,
            name=name,
            title=project.display,
            phase=ps.lifecycle.phase,
            state=ps.lifecycle.state,
            active=bool(f.get("active")),
            closed=bool(f.get("closed")),
            currency=ps.currency or (spec.currency if spec else ""),
            portfolio=(ps.portfolio or "").split(":")[-1],
            program=(ps.program or "").split(":")[-1],
            bac=bac,
            actual_cost=actual,
            reports=reports,
            evm=evm,
            status_age=age,
            finish_slip_days=slip,
            key_overdue=key_overdue,
            goals=goals,
            priority_score=f.get("priorityScore"),
            indicators=indicators,
            risks=risks,
            changes=sorted(records[("ChangeRequest", name)], key=lambda c: c.entity.name),
            benefits=sorted(records[("Benefit", name)], key=lambda c: c.entity.name),
            findings=by_project_findings.get(name, []),
            suppressed=by_project_suppressed.get(name, []),
            waivers=[w for w in waivers if name in _target_names(w.entity.spec.targets)],  # type: ignore[attr-defined]
            maturity=f.get("maturityLevel") or "",
            computed_rank=_int(f.get("computedRank")),
            decisions=decisions,
        )
        projects.append(view)
    projects.sort(key=lambda p: p.name)
    portfolio = PortfolioView(as_of, config, catalog, result, projects, [], waivers)
    for view in projects:
        view.slip = baseline_slip(view.project, catalog, view.finish_slip_days)
        view.health = computed_health(view, portfolio)
    from pmo_lint.facts.leaver import bookings, holdings

    reassign = holdings(catalog, facts, as_of) + bookings(catalog, as_of)
    portfolio.loads = _loads(catalog, facts)
    portfolio.reassign = reassign
    return portfolio


def computed_health(p: ProjectView, view: PortfolioView) -> Health:
    """Reported and computed RAG. Computed: red on the signals the watermelon check treats as red (CPI or SPI
    below the red threshold, a key milestone overdue, a critical risk open); amber when the project is behind
    schedule or over budget as the site measures it, the finish is past the first approved baseline by more than
    the slip threshold while the active baseline has no approved decision, or the checks found errors in it;
    green otherwise. Not
    judged for a closed or cancelled project, and while there is nothing to judge (no earned value, actual cost,
    key milestone or finding)."""
    latest = p.latest
    reported = latest.spec.health.overall.rag if latest else None
    reported_on = latest.spec.report_date if latest else None

    def health(computed: str | None, reasons: list[str]) -> Health:
        return Health(reported, reported_on, computed, tuple(reasons))

    if p.closed or p.state in ("cancelled", "completed"):
        return health(None, [f"not judged: the project is {'closed' if p.closed else p.state}"])
    th = view.spec.thresholds if view.spec else None
    evm = p.evm
    red: list[str] = []
    amber: list[str] = []
    if evm is not None and th is not None:
        for label, value, band in (("CPI", evm.cpi, th.cpi), ("SPI", evm.spi, th.spi)):
            if value is None:
                continue
            if value < band.red:
                red.append(f"{label} {value:.2f} below {band.red:g}")
            elif value < band.amber:
                amber.append(f"{label} {value:.2f} below {band.amber:g}")
    if p.key_overdue:
        red.append(f"{p.key_overdue} key milestone{'s' if p.key_overdue != 1 else ''} overdue")
    critical = sum(1 for r in p.risks if r.open and r.rank == "critical")
    if critical:
        red.append(f"{critical} critical risk{'s' if critical != 1 else ''} open")
    if th is not None and p.finish_slip_days is not None and p.finish_slip_days > th.finish_slip_days:
        amber.append(f"finish {p.finish_slip_days} days later than the baseline")
    slip = p.slip
    if (
        th is not None
        and slip.rebaselined
        and not slip.active_approved
        and slip.first_days is not None
        and slip.first_days > th.finish_slip_days
        and slip.first is not None
        and slip.active is not None
    ):
        # the active baseline was moved without an approved decision: the first approved one still counts
        amber.append(
            f"finish {slip.first_days} days later than the first approved baseline {slip.first.id}; the active "
            f"baseline {slip.active.id} has no approved decision"
        )
    if p.bac is not None and p.actual_cost > p.bac:
        amber.append("actual cost above the budget")
    elif th is not None and evm is not None and evm.eac is not None and p.bac:
        over = (evm.eac - p.bac) / p.bac * 100
        if over > th.budget_variance_pct:
            amber.append(f"forecast cost {over:.0f}% over the budget")
    errors = sum(1 for d in p.findings if d.severity is Severity.ERROR)
    if errors:
        amber.append(f"{errors} error{'s' if errors != 1 else ''} found by the checks")
    if red:
        return health("red", red + amber)
    if amber:
        return health("amber", amber)
    spec = p.project.spec
    if evm is None and not spec.actuals and not any(m.key for m in spec.milestones):
        return health(None, ["not judged yet: no earned value, actual cost or key milestone"])
    return health("green", [])


def baseline_approved(project: Project, baseline: Baseline, catalog: Catalog) -> bool:
    """Whether the gate or change request that approved ``baseline`` is recorded as approved."""
    kind, _, ref = baseline.approved_by.partition(":")
    if kind == "gate":
        return any(g.gate == ref and g.decision == "approved" for g in project.spec.lifecycle.gates)
    found = catalog.lookup(baseline.approved_by, kinds=("ChangeRequest",), namespace=project.name)
    return found is not None and found.entity.spec.approval.status == "approved"  # type: ignore[attr-defined]


def baseline_slip(project: Project, catalog: Catalog, active_days: int | None) -> Slip:
    """The forecast finish against the first approved baseline and the active one. ``active_days`` is the
    finishSlipDays fact; the first approved baseline is the earliest by date (then list order) whose approval
    is recorded, else the earliest of all."""
    spec = project.spec
    forecast = spec.schedule.forecast.finish if spec.schedule.forecast else None
    active = spec.baseline()
    ordered = sorted(enumerate(spec.baselines), key=lambda ib: (ib[1].date, ib[0]))
    approved = [b for _, b in ordered if baseline_approved(project, b, catalog)]
    first = approved[0] if approved else (ordered[0][1] if ordered else None)
    first_days = (forecast - first.schedule.finish).days if first is not None and forecast is not None else None
    active_ok = active is None or baseline_approved(project, active, catalog)
    return Slip(forecast, first, active, first_days, active_days, active_ok)


def person_name(catalog: Catalog, ref: str | None) -> str:
    """The display name of the person ``ref`` names (``person:ana`` or ``ana``), falling back to the name;
    the reference as written when it names nobody in the portfolio."""
    if not ref:
        return ""
    found = catalog.lookup(ref, kinds=("Person",))
    if found is None:
        return ref.split(":")[-1]
    return found.entity.spec.profile.display_name.strip() or found.entity.name  # type: ignore[attr-defined]


def severity_counts(diags: Iterable[Diagnostic]) -> dict[str, int]:
    out = {s.label: 0 for s in sorted(Severity, reverse=True)}
    for d in diags:
        out[d.severity.label] += 1
    return out
