"""Strategic rules that sum over many values: the scoring model's weights and the budget envelope."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING

from pmo_lint.diagnostics import Severity
from pmo_lint.rules.base import Finding, FunctionRule, RuleContext, RuleDocs, RuleMeta

if TYPE_CHECKING:
    from pmo_lint.model.kinds import Project

PACK = "strategic"
ENV = "apiVersion: pmo-lint/v1\n"


def _number(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"


def _weights(ctx: RuleContext) -> Iterator[Finding]:
    pmo = ctx.catalog.config
    if pmo is None:
        return
    items = ctx.catalog.of_kind("PMOConfig")
    model = pmo.spec.prioritization
    if model.method != "weighted" or not model.criteria:
        return
    total = sum(c.weight for c in model.criteria)
    if abs(total - 100.0) > 1e-6:
        yield Finding(
            f"the weights of the {len(model.criteria)} scoring criteria sum to {_number(total)} %, not 100 %; "
            "adjust prioritization.criteria[].weight",
            items[0],
            ("spec", "prioritization", "criteria"),
        )


def _months(start: dt.date, end: dt.date) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        out.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def bac_by_fiscal_year(project: Project, phases: list[str], start_month: int) -> dict[int, float]:
    """Approved BAC of a project per fiscal year; empty when its budget is not approved yet.

    Approved means: not cancelled, and an active baseline or past the second lifecycle phase (the
    budget is approved with the business case at G1). The time-phased budget decides the years;
    without one the BAC is spread evenly over the months of the approved schedule.
    """
    from pmo_lint.facts.dates import fiscal_year

    s = project.spec
    phase = phases.index(s.lifecycle.phase) if s.lifecycle.phase in phases else -1
    baseline = next((b for b in s.baselines if b.id == s.active_baseline), None)
    if s.lifecycle.state == "cancelled" or (baseline is None and phase < 2):
        return {}
    bac = baseline.budget.bac if baseline else (s.budget.bac if s.budget else None)
    if not bac:
        return {}
    out: dict[int, float] = defaultdict(float)
    phased = (baseline.budget.by_period if baseline else []) or (s.budget.by_period if s.budget else [])
    if phased:
        for p in phased:
            year, month = (int(x) for x in p.period.split("-"))
            out[fiscal_year(dt.date(year, month, 1), start_month)] += p.planned
        return dict(out)
    window = (
        (s.schedule.approved.start, s.schedule.approved.end)
        if s.schedule.approved
        else (baseline.schedule.start, baseline.schedule.finish)
        if baseline
        else None
    )
    if window is None or window[1] < window[0]:
        return {}
    months = _months(*window)
    for year, month in months:
        out[fiscal_year(dt.date(year, month, 1), start_month)] += bac / len(months)
    return dict(out)


def _envelope(ctx: RuleContext) -> Iterator[Finding]:
    from pmo_lint.model.kinds import Portfolio, Project

    pmo = ctx.catalog.config
    if pmo is None:
        return
    phases = [ph.id for ph in pmo.spec.lifecycle.phases]
    approved: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for project, _item in ctx.catalog.typed(Project):
        program = ctx.catalog.lookup(project.spec.program, kinds=("Program",)) if project.spec.program else None
        ref = project.spec.portfolio or (program.entity.spec.portfolio if program else None)  # type: ignore[attr-defined]
        home = ctx.catalog.lookup(ref, kinds=("Portfolio",)) if ref else None
        if home is None:
            continue
        for year, amount in bac_by_fiscal_year(project, phases, pmo.spec.fiscal_year_start_month).items():
            approved[home.path][year] += amount
    for portfolio, item in ctx.catalog.typed(Portfolio):
        for i, envelope in enumerate(portfolio.spec.budget):
            spent = approved[item.path].get(envelope.fiscal_year, 0.0)
            if spent > envelope.amount + 0.005:
                yield Finding(
                    f"approved budgets of the projects in portfolio {portfolio.metadata.name} add up to "
                    f"{_number(spent)} in fiscal year {envelope.fiscal_year}, over its envelope of "
                    f"{_number(envelope.amount)}; defer or cut a project, or raise the envelope",
                    item,
                    ("spec", "budget", i, "amount"),
                )


_PMO_HEAD = (
    ENV + "kind: PMOConfig\nmetadata: {name: pmo}\nspec:\n  organization: Example Corp\n"
    "  pmoTypes: [governance, strategic, tactical, operational, transformational]\n  currency: EUR\n"
    "  projectTypes: [it-delivery, business-change]\n  lifecycle:\n    phases:\n"
    "      - {id: proposed}\n      - {id: initiating, startGate: G0}\n      - {id: planning, startGate: G1}\n"
    "      - {id: executing, startGate: G2}\n      - {id: closing}\n      - {id: closed, startGate: G3}\n"
    "    gates:\n      - {id: G0, title: Intake, approverRoles: [pmo-director]}\n"
    "      - {id: G1, title: Charter, approverRoles: [pmo-director]}\n"
    "      - {id: G2, title: Baseline, approverRoles: [pmo-director]}\n"
    "      - {id: G3, title: Closure, approverRoles: [pmo-director]}\n"
    "  scales:\n    probability: [{id: low, value: 1}, {id: medium, value: 2}, {id: high, value: 3}]\n"
    "    impact: [{id: low, value: 1}, {id: medium, value: 2}, {id: high, value: 3}]\n"
    "  riskMatrix: {escalationScore: 6}\n  prioritization:\n    method: weighted\n    criteria:\n"
    "      - {id: value, weight: 50}\n      - {id: urgency, weight: 30}\n"
)
_PORTFOLIO_HEAD = ENV + "kind: Portfolio\nmetadata: {name: digital}\nspec:\n  owner: person:pat-director\n  budget:\n"

SCORING_WEIGHTS = FunctionRule(
    RuleMeta(
        id="scoring-weights-not-100",
        code="STR007",
        title="Weights of the scoring model sum to 100 %",
        severity=Severity.ERROR,
        pack=PACK,
        kinds=("PMOConfig",),
        standard="STR-06 (pmo.md §b); weighted scoring model",
        docs=RuleDocs(
            what="With `prioritization.method: weighted` in `pmo.yaml`, the `weight`s of all `criteria` add up to "
            "100 (percent).",
            why="Weights that add up to 80 or 120 still rank projects, but no longer mean what the board agreed; "
            "a criterion added later silently dilutes the others.",
            example=_PMO_HEAD + "      - {id: risk-reduction, weight: 10}\n",
            use_instead=_PMO_HEAD + "      - {id: risk-reduction, weight: 20}\n",
        ),
    ),
    _weights,
)
BUDGET_ENVELOPE = FunctionRule(
    RuleMeta(
        id="portfolio-budget-exceeded",
        code="STR008",
        title="Approved project budgets fit the portfolio's envelope per fiscal year",
        severity=Severity.ERROR,
        pack=PACK,
        kinds=("Portfolio", "Project", "Program", "PMOConfig"),
        standard="STR-07 (pmo.md §b); portfolio budget constraint",
        docs=RuleDocs(
            what="For each fiscal year in a portfolio's `budget`, the approved BAC of its projects (directly or "
            "through their program) does not exceed the amount. A project's budget counts as approved when it is "
            "not cancelled and has an active baseline or is past its second lifecycle phase (G1 approves the "
            "business case and budget); proposals and initiating projects are estimates and do not count. The BAC "
            "(active baseline, else `budget.bac`) falls into fiscal years by its time-phased `byPeriod` budget, "
            "else evenly over the months of the approved schedule. Fiscal years start in `fiscalYearStartMonth` "
            "and are named by the calendar year they start in.",
            why="The envelope is the portfolio board's hard constraint; approving projects beyond it commits money "
            "the organisation has not budgeted.",
            example=_PORTFOLIO_HEAD + "    - {fiscalYear: 2025, amount: 500000}\n",
            use_instead=_PORTFOLIO_HEAD + "    - {fiscalYear: 2025, amount: 1500000}\n",
        ),
    ),
    _envelope,
)

STRATEGIC_RULES: tuple[FunctionRule, ...] = (SCORING_WEIGHTS, BUDGET_ENVELOPE)
