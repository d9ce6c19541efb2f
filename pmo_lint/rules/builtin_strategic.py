"""Strategic rules that sum over many values: the scoring model's weights and the budget envelope."""

from __future__ import annotations

from collections.abc import Iterator

from pmo_lint.diagnostics import Severity
from pmo_lint.rules.base import Finding, FunctionRule, RuleContext, RuleDocs, RuleMeta

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


def _envelope(ctx: RuleContext) -> Iterator[Finding]:
    from pmo_lint.facts import compute_facts
    from pmo_lint.facts.portfolio import Facts

    facts = ctx.facts if isinstance(ctx.facts, Facts) else compute_facts(ctx.catalog, ctx.as_of, ctx.files)
    for item in ctx.catalog.of_kind("Portfolio"):
        f = facts.of(item)
        budget: dict[str, float] = f.get("budgetByYear", {})
        approved: dict[str, float] = f.get("approvedBacByYear", {})
        for year in sorted(budget):
            spent = approved.get(year, 0.0)
            if spent > budget[year]:
                at = next(i for i, b in enumerate(item.data["spec"]["budget"]) if str(b.get("fiscalYear")) == year)
                yield Finding(
                    f"projects of portfolio {item.entity.metadata.name} hold {_number(spent)} of approved budget in "
                    f"fiscal year {year}, over its envelope of {_number(budget[year])}; defer or cut a project, "
                    "or raise the envelope",
                    item,
                    ("spec", "budget", at, "amount"),
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
            what="For each fiscal year in a portfolio's `budget`, the approved BAC of its projects that are not "
            "cancelled (directly or through their program) does not exceed the amount. A project's BAC (active "
            "baseline, else `budget.bac`) falls into fiscal years by its time-phased `byPeriod` budget, else "
            "wholly into the year of its approved (or baseline, or requested) start. Fiscal years start in "
            "`fiscalYearStartMonth` and are named by the calendar year they start in.",
            why="The envelope is the portfolio board's hard constraint; approving projects beyond it commits money "
            "the organisation has not budgeted.",
            example=_PORTFOLIO_HEAD + "    - {fiscalYear: 2025, amount: 500000}\n",
            use_instead=_PORTFOLIO_HEAD + "    - {fiscalYear: 2025, amount: 1500000}\n",
        ),
    ),
    _envelope,
)

STRATEGIC_RULES: tuple[FunctionRule, ...] = (SCORING_WEIGHTS, BUDGET_ENVELOPE)
