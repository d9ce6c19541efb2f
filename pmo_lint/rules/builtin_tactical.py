"""Tactical rules over a project's milestone graph (cycles, order of dependent milestones) and over its
change requests (a slip or overrun beyond tolerance needs a change request that covers it)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pmo_lint.diagnostics import Severity
from pmo_lint.rules.base import Finding, FunctionRule, RuleContext, RuleDocs, RuleMeta

if TYPE_CHECKING:
    import datetime as dt

    from pmo_lint.model.catalog import LoadedEntity
    from pmo_lint.model.kinds import ChangeRequest, Milestone, PeriodAmount, Project

PACK = "tactical"
ENV = "apiVersion: pmo-lint/v1\n"


def _cycle_members(milestones: list[Milestone]) -> list[list[str]]:
    """Each dependency cycle once, as the ids along it (iterative DFS, colours white/grey/black)."""
    deps = {m.id: list(m.depends_on) for m in milestones}
    state: dict[str, int] = {}
    cycles: list[list[str]] = []
    for root in deps:
        if state.get(root):
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        path: list[str] = []
        while stack:
            node, i = stack.pop()
            if i == 0:
                state[node] = 1
                path.append(node)
            succ = deps.get(node, [])
            if i < len(succ):
                stack.append((node, i + 1))
                nxt = succ[i]
                if nxt not in deps:
                    continue  # unknown ids are TAC014's business
                if state.get(nxt) == 1:
                    cycles.append(path[path.index(nxt) :])
                elif not state.get(nxt):
                    stack.append((nxt, 0))
            else:
                state[node] = 2
                path.pop()
    return cycles


def _cycles(ctx: RuleContext) -> Iterator[Finding]:
    from pmo_lint.model.kinds import Project

    for project, item in ctx.catalog.typed(Project):
        index = {m.id: i for i, m in enumerate(project.spec.milestones)}
        for cycle in _cycle_members(list(project.spec.milestones)):
            loop = " -> ".join([*cycle, cycle[0]])
            yield Finding(
                f"milestone dependencies form a cycle ({loop}); no milestone of it can ever start, remove one link",
                item,
                ("spec", "milestones", index[cycle[0]], "dependsOn"),
            )


def _order(ctx: RuleContext) -> Iterator[Finding]:
    from pmo_lint.model.kinds import Project

    for project, item in ctx.catalog.typed(Project):
        by_id = {m.id: m for m in project.spec.milestones}
        for i, m in enumerate(project.spec.milestones):
            if m.status == "cancelled":
                continue
            for dep_id in m.depends_on:
                dep = by_id.get(dep_id)
                if dep is None or dep.status == "cancelled":
                    continue
                dep_date = dep.actual_date or dep.forecast_date
                own_date = m.actual_date or m.forecast_date
                if dep_date > own_date:
                    yield Finding(
                        f"milestone {m.id} ({own_date}) is dated before {dep.id} ({dep_date}) that it depends on; "
                        "re-forecast one of them",
                        item,
                        ("spec", "milestones", i, "forecastDate"),
                    )


def covering_change(ctx: RuleContext, project: Project, category: str) -> ChangeRequest | None:
    """A change request of the category that can still explain a variance: awaiting its decision, or
    approved but not yet the basis of the active baseline (once it is, variances are measured
    against the new baseline and a further overrun needs a new request)."""
    name = project.metadata.name
    for item in ctx.catalog.project_records(name, "ChangeRequest"):
        cr: ChangeRequest = item.entity  # type: ignore[assignment]
        s = cr.spec
        if category not in s.category or s.state == "withdrawn":
            continue
        if s.approval.status == "requested":
            return cr
        baselined = s.resulting_baseline is not None and s.resulting_baseline == project.spec.active_baseline
        if s.approval.status == "approved" and not baselined:
            return cr
    return None


def _active_projects(ctx: RuleContext) -> Iterator[tuple[Project, LoadedEntity, dict[str, object]]]:
    from pmo_lint.model.kinds import Project

    facts = ctx.all_facts()
    for project, item in ctx.catalog.typed(Project):
        f = facts.of(item)
        if f.get("active"):
            yield project, item, f


def _slip(ctx: RuleContext) -> Iterator[Finding]:
    pmo = ctx.catalog.config
    tolerance = pmo.spec.thresholds.finish_slip_days if pmo else 14
    for project, item, f in _active_projects(ctx):
        slip = f.get("finishSlipDays")
        if not isinstance(slip, float) or slip <= tolerance or covering_change(ctx, project, "schedule"):
            continue
        yield Finding(
            f"forecast finish is {slip:.0f} days after the active baseline's finish (tolerance {tolerance} days) "
            "and no schedule change request awaits a decision or an approved one awaits re-baselining; raise one "
            "under changes/",
            item,
            ("spec", "schedule", "forecast", "finish"),
        )


def _overrun(ctx: RuleContext) -> Iterator[Finding]:
    from pmo_lint.rules.wording import style_of

    pmo = ctx.catalog.config
    tolerance = pmo.spec.thresholds.budget_variance_pct if pmo else 10.0
    for project, item, f in _active_projects(ctx):
        bac = f.get("bac")
        if not isinstance(bac, float) or bac <= 0:
            continue
        evm = f.get("evm")
        eac = evm.get("eac") if isinstance(evm, dict) else None
        actual = f.get("actualCost")
        worst = max(x for x in (eac, actual, 0.0) if isinstance(x, float))
        over = (worst - bac) / bac * 100
        if over <= tolerance or covering_change(ctx, project, "cost"):
            continue
        what = "forecast (EAC)" if worst == eac else "actual cost"
        money = style_of(ctx.catalog).of(item.data).money  # in the project's own currency
        yield Finding(
            f"{what} of {money(worst)} exceeds BAC {money(bac)} by {over:.1f} % (tolerance {tolerance:g} %) "
            "and no cost change request awaits a decision or an approved one awaits re-baselining; "
            "raise one under changes/",
            item,
            ("spec", "budget"),
        )


_PROJECT = (
    ENV + "kind: Project\nmetadata: {name: demo}\nspec:\n  type: it-delivery\n  category: strategic\n"
    "  lifecycle: {phase: planning}\n  milestones:\n"
    "    - {id: design, title: Design, forecastDate: 2025-09-01, dependsOn: [pilot]}\n"
)

MILESTONE_CYCLE = FunctionRule(
    RuleMeta(
        id="milestone-dependency-cycle",
        code="TAC012",
        title="Milestone dependencies have no cycle",
        severity=Severity.ERROR,
        pack=PACK,
        kinds=("Project",),
        standard="Tactical PMO — a consistent schedule: no circular milestone dependencies",
        docs=RuleDocs(
            what="Following `dependsOn` from milestone to milestone within a project never comes back to where it "
            "started.",
            why="A cycle is a plan that cannot be executed: each milestone waits for another that waits for it. "
            "Scheduling tools reject it; a YAML plan must too.",
            example=_PROJECT + "    - {id: pilot, title: Pilot, forecastDate: 2025-10-01, dependsOn: [design]}\n",
            use_instead=_PROJECT.replace(", dependsOn: [pilot]", "")
            + "    - {id: pilot, title: Pilot, forecastDate: 2025-10-01, dependsOn: [design]}\n",
        ),
    ),
    _cycles,
)
MILESTONE_ORDER = FunctionRule(
    RuleMeta(
        id="milestone-dependency-order",
        code="TAC013",
        title="A milestone is not dated before the milestones it depends on",
        severity=Severity.WARNING,
        pack=PACK,
        kinds=("Project",),
        standard="Tactical PMO — a consistent schedule: milestones finish after those they depend on",
        docs=RuleDocs(
            what="For each `dependsOn` link between milestones that are not cancelled, the predecessor's date "
            "(actual, else forecast) is not after the successor's.",
            why="A successor forecast before its predecessor means one of the two dates is wishful; the plan "
            "shows a path that cannot happen.",
            example=_PROJECT.replace(", dependsOn: [pilot]", "")
            + "    - {id: pilot, title: Pilot, forecastDate: 2025-08-15, dependsOn: [design]}\n",
            use_instead=_PROJECT.replace(", dependsOn: [pilot]", "")
            + "    - {id: pilot, title: Pilot, forecastDate: 2025-10-01, dependsOn: [design]}\n",
        ),
    ),
    _order,
)

_SLIP = (
    ENV + "kind: Project\nmetadata: {name: demo}\nspec:\n  type: it-delivery\n  category: strategic\n"
    "  lifecycle: {phase: executing}\n  baselines:\n    - {id: B1, date: 2025-03-10, approvedBy: 'gate:G2', "
    "schedule: {start: 2025-03-17, finish: 2025-12-19}, budget: {bac: 500000}}\n  activeBaseline: B1\n"
)
_CR = (
    "---\n" + ENV + "kind: ChangeRequest\nmetadata: {name: cr-001, namespace: demo}\nspec:\n  category: [%s]\n"
    "  priority: high\n  requestedBy: person:jo-pm\n  requestedDate: 2025-06-20\n"
    "  businessJustification: %s\n  impact: %s\n"
)
_OVERRUN = (
    ENV + "kind: Project\nmetadata: {name: demo}\nspec:\n  type: it-delivery\n  category: strategic\n"
    "  lifecycle: {phase: executing}\n  budget: {bac: 100000}\n"
    "  actuals: [{period: 2025-05, cost: 70000}, {period: 2025-06, cost: 45000}]\n"
)

FINISH_SLIP = FunctionRule(
    RuleMeta(
        id="finish-slip-without-cr",
        code="TAC009",
        title="A forecast finish slipping past tolerance has a schedule change request",
        severity=Severity.ERROR,
        pack=PACK,
        kinds=("Project", "ChangeRequest", "PMOConfig"),
        standard="Tactical PMO — schedule slips beyond tolerance go through change control",
        docs=RuleDocs(
            what="When an active project's `schedule.forecast.finish` is more than `thresholds.finishSlipDays` days "
            "after the finish of its active baseline, it has a change request of category `schedule` (not "
            "withdrawn) that is either awaiting its decision or approved but not yet the active baseline's "
            "source (`resultingBaseline`). A request already baselined does not cover a further slip.",
            why="Tolerances delegate small slips to the project manager; beyond them the sponsor must decide. A "
            "forecast that quietly moves past tolerance bypasses that decision.",
            example=_SLIP + "  schedule:\n    forecast: {finish: 2026-02-27}\n",
            use_instead=_SLIP
            + "  schedule:\n    forecast: {finish: 2026-02-27}\n"
            + _CR % ("schedule", "Vendor delivers late.", "Ten weeks later.")
            + "  delta: {finishDays: 70}\n",
        ),
    ),
    _slip,
)
COST_OVERRUN = FunctionRule(
    RuleMeta(
        id="cost-overrun-without-cr",
        code="TAC010",
        title="A cost overrun past tolerance has a cost change request",
        severity=Severity.ERROR,
        pack=PACK,
        kinds=("Project", "StatusReport", "ChangeRequest", "PMOConfig"),
        standard="Tactical PMO — cost overruns beyond tolerance go through change control",
        docs=RuleDocs(
            what="When the estimate at completion (EAC from the latest status report, method `evm.eacMethod`) or "
            "the actual cost so far exceeds the approved BAC by more than `thresholds.budgetVariancePct` percent, "
            "the project has a change request of category `cost` (not withdrawn) that is awaiting its decision "
            "or approved but not yet the source of the active baseline.",
            why="Money beyond the approved budget needs the sponsor's decision; an overrun discovered at closure is "
            "a governance failure, not a surprise. A change request already built into the baseline does not "
            "cover the next overrun.",
            example=_OVERRUN,
            use_instead=_OVERRUN + _CR % ("cost", "Vendor rates up.", "Adds 20k.") + "  delta: {budget: 20000}\n",
        ),
    ),
    _overrun,
)


def _phased(ctx: RuleContext) -> Iterator[Finding]:
    from pmo_lint.rules.wording import format_money

    for item, currency, ph in _phasings(ctx):
        phased = _sum(ph.periods)
        if abs(phased - ph.bac) < 1.0:  # a unit of currency for rounding
            continue
        gap = ph.bac - phased
        missing = (
            f"{format_money(gap, currency)} of it is planned in no month"
            if gap > 0
            else f"the months plan {format_money(-gap, currency)} more than it"
        )
        yield Finding(
            f"the time-phased amounts of {ph.what} add up to {format_money(phased, currency)}, not its budget at "
            f"completion of {format_money(ph.bac, currency)}: {missing}, and the portfolio's budget per fiscal "
            "year counts the months; make the months add up to the budget at completion",
            item,
            ph.at,
        )


@dataclass(frozen=True)
class _Phasing:
    """One time-phased budget of a project: the working budget or a baseline's."""

    what: str  # "the budget", "baseline B1"
    at: tuple[str | int, ...]  # data path of its byPeriod list
    bac: float
    periods: list[PeriodAmount]
    window: tuple[str, str, str] | None  # the first and last month it may plan, and whose schedule that is


def _phasings(ctx: RuleContext) -> Iterator[tuple[LoadedEntity, str, _Phasing]]:
    """Every time-phased budget of the projects that are not cancelled, with the project's currency."""
    from pmo_lint.model.kinds import Project
    from pmo_lint.rules.wording import style_of

    style = style_of(ctx.catalog)
    for project, item in ctx.catalog.typed(Project):
        s = project.spec
        if s.lifecycle.state == "cancelled":
            continue
        currency = style.of(item.data).currency  # the project's own, else the PMO's
        if s.budget is not None and s.budget.by_period:
            at: tuple[str | int, ...] = ("spec", "budget", "byPeriod")
            yield item, currency, _Phasing("the budget", at, s.budget.bac, s.budget.by_period, _working_window(project))
        for i, b in enumerate(s.baselines):
            if b.budget.by_period:
                span = (*_months_of(b.schedule.start, b.schedule.finish), f"schedule of baseline {b.id}")
                at = ("spec", "baselines", i, "budget", "byPeriod")
                yield item, currency, _Phasing(f"baseline {b.id}", at, b.budget.bac, b.budget.by_period, span)


def _months_of(start: dt.date, end: dt.date) -> tuple[str, str]:
    return f"{start:%Y-%m}", f"{end:%Y-%m}"


def _working_window(project: Project) -> tuple[str, str, str] | None:
    """The months the working budget may plan, and whose they are: the approved schedule (else the requested
    one), stretched to a later forecast or actual finish and an earlier actual start."""
    sched = project.spec.schedule
    window = sched.approved or sched.requested
    if window is None:
        return None
    start, end = window.start, window.end
    whose = "approved schedule" if sched.approved else "requested schedule"
    forecast = sched.forecast.finish if sched.forecast else None
    actual = sched.actual.finish if sched.actual else None
    if actual is not None and actual > end:
        end, whose = actual, "actual schedule"
    elif forecast is not None and forecast > end:
        end, whose = forecast, "forecast schedule"
    if sched.actual and sched.actual.start and sched.actual.start < start:
        start = sched.actual.start
    return (*_months_of(start, end), whose)


def _phased_months(ctx: RuleContext) -> Iterator[Finding]:
    from pmo_lint.rules.wording import format_money

    for item, currency, ph in _phasings(ctx):
        seen: dict[str, int] = {}
        for j, p in enumerate(ph.periods):
            where = (*ph.at, j, "period")
            if p.period in seen:
                yield Finding(
                    f"{ph.what} plans the month {p.period} twice (entries {seen[p.period] + 1} and {j + 1}); "
                    "give each month once, with its whole amount",
                    item,
                    where,
                )
                continue
            seen[p.period] = j
            if ph.window is None:
                continue
            first, last, whose = ph.window
            if first <= p.period <= last:
                continue
            side = f"before the {whose} starts ({first})" if p.period < first else f"after the {whose} ends ({last})"
            yield Finding(
                f"{ph.what} plans {format_money(p.planned, currency)} in {p.period}, {side}: the planned value of "
                "earned value and the portfolio's budget per fiscal year count that month; move the amount into "
                f"a month from {first} to {last}, or change the schedule",
                item,
                where,
            )


def _sum(periods: list[PeriodAmount]) -> float:
    return round(sum(p.planned for p in periods), 2)


_PHASED = (
    ENV + "kind: Project\nmetadata: {name: demo}\nspec:\n  type: it-delivery\n  category: strategic\n"
    "  lifecycle: {phase: executing}\n  budget:\n    bac: 900000\n    byPeriod:\n"
    "      - {period: 2025-01, planned: 150000}\n      - {period: 2025-02, planned: 150000}\n"
)
PHASED_BUDGET = FunctionRule(
    RuleMeta(
        id="phased-budget-adds-up",
        code="TAC022",
        title="A time-phased budget adds up to its budget at completion",
        severity=Severity.ERROR,
        pack=PACK,
        kinds=("Project", "PMOConfig"),
        standard="Tactical PMO — a cost baseline is the time-phased budget at completion (PMBOK: cost baseline)",
        reads=(
            "Project:spec.budget.bac",
            "Project:spec.budget.byPeriod[].planned",
            "Project:spec.baselines[].budget.bac",
            "Project:spec.baselines[].budget.byPeriod[].planned",
            "Project:spec.lifecycle.state",
            "Project:spec.currency",
        ),
        docs=RuleDocs(
            what="When a project's `budget` or one of its `baselines` gives a time-phased budget (`byPeriod`), the "
            "`planned` amounts of its months add up to that budget's `bac` (to within one unit of currency). "
            "Cancelled projects are left out.",
            why="The portfolio's budget per fiscal year (STR008) and the planned value of earned value are read "
            "from the months. A BAC of 900,000 spread as 300,000 over the months shows the portfolio 600,000 less "
            "than the board approved, and its envelope check passes when it should not.",
            example=_PHASED,
            use_instead=_PHASED.replace("bac: 900000", "bac: 300000"),
        ),
    ),
    _phased,
)

_MONTHS = (
    ENV + "kind: Project\nmetadata: {name: demo}\nspec:\n  type: it-delivery\n  category: strategic\n"
    "  lifecycle: {phase: executing}\n  schedule:\n    approved: {start: 2025-01-06, end: 2025-02-28}\n"
    "  budget:\n    bac: 300000\n    byPeriod:\n"
    "      - {period: 2025-01, planned: 150000}\n      - {period: 2025-03, planned: 150000}\n"
)
PHASED_MONTHS = FunctionRule(
    RuleMeta(
        id="phased-months-within-schedule",
        code="TAC023",
        title="A time-phased budget plans months of its schedule, each once",
        severity=Severity.ERROR,
        pack=PACK,
        kinds=("Project", "PMOConfig"),
        standard="Tactical PMO — a cost baseline is the time-phased budget over the approved schedule (PMBOK)",
        reads=(
            "Project:spec.budget.byPeriod[].period",
            "Project:spec.budget.byPeriod[].planned",
            "Project:spec.baselines[].budget.byPeriod[].period",
            "Project:spec.baselines[].schedule.start",
            "Project:spec.baselines[].schedule.finish",
            "Project:spec.schedule.approved.start",
            "Project:spec.schedule.approved.end",
            "Project:spec.schedule.requested.start",
            "Project:spec.schedule.requested.end",
            "Project:spec.schedule.forecast.finish",
            "Project:spec.schedule.actual.start",
            "Project:spec.schedule.actual.finish",
            "Project:spec.lifecycle.state",
            "Project:spec.currency",
        ),
        docs=RuleDocs(
            what="Each month of a time-phased budget (`byPeriod`) lies within the schedule it phases, and no month "
            "is given twice. A baseline's months lie between its schedule's start and finish; the working "
            "budget's months lie within the approved schedule (else the requested one), stretched to a later "
            "forecast or actual finish. Cancelled projects are left out.",
            why="The planned value of earned value and the portfolio's budget per fiscal year are read from the "
            "months. Money planned after the approved finish lands in a fiscal year the board never approved "
            "for the project, and a month given twice is counted twice.",
            example=_MONTHS,
            use_instead=_MONTHS.replace("2025-03, planned", "2025-02, planned"),
        ),
    ),
    _phased_months,
)


TACTICAL_RULES: tuple[FunctionRule, ...] = (
    FINISH_SLIP,
    COST_OVERRUN,
    MILESTONE_CYCLE,
    MILESTONE_ORDER,
    PHASED_BUDGET,
    PHASED_MONTHS,
)
