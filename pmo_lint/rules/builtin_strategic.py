"""Strategic rules that sum over many values: the scoring model's weights and the budget envelope."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pmo_lint.diagnostics import Severity
from pmo_lint.rules.base import Finding, FunctionRule, RuleContext, RuleDocs, RuleMeta
from pmo_lint.rules.core import example_pmo

if TYPE_CHECKING:
    pass

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
    from pmo_lint.model.kinds import Portfolio
    from pmo_lint.rules.wording import style_of

    money = style_of(ctx.catalog).money

    facts = ctx.all_facts()  # approvedBacByYear: the portfolio roll-up computed once per run
    for portfolio, item in ctx.catalog.typed(Portfolio):
        approved = facts.of(item).get("approvedBacByYear", {})
        for i, envelope in enumerate(portfolio.spec.budget):
            spent = float(approved.get(str(envelope.fiscal_year), 0.0))
            if spent > envelope.amount + 0.005:
                yield Finding(
                    f"approved budgets of the projects in portfolio {portfolio.display} add up to "
                    f"{money(spent)} in fiscal year {envelope.fiscal_year}, over its "
                    f"envelope of {money(envelope.amount)}; defer or cut a project, "
                    "or raise the envelope",
                    item,
                    ("spec", "budget", i, "amount"),
                )
        uncounted = [ctx.catalog.lookup(ref, kinds=("Project",)) for ref in approved_elsewhere(facts.of(item))]
        if portfolio.spec.budget and uncounted:
            own = portfolio.spec.currency or (ctx.catalog.config.spec.currency if ctx.catalog.config else "")
            named = [
                f"{u.entity.display} ({u.entity.spec.currency})"  # type: ignore[attr-defined]
                for u in uncounted[:5]
                if u is not None
            ]
            more = f" and {len(uncounted) - 5:,} more" if len(uncounted) > 5 else ""
            count = f"{len(uncounted):,} approved project budget{'s' if len(uncounted) != 1 else ''}"
            yield Finding(
                f"the envelope of portfolio {portfolio.display} is in {own}, so {count} in another currency "
                f"{'are' if len(uncounted) != 1 else 'is'} not counted in it: {', '.join(named)}{more}; budget "
                f"{'them' if len(uncounted) != 1 else 'it'} in {own} so that the envelope can be checked",
                item,
                ("spec", "budget"),
                severity=Severity.WARNING,
            )


def approved_elsewhere(facts: dict[str, Any]) -> list[str]:
    refs = facts.get("otherCurrencyProjects", [])
    return [str(r) for r in refs] if isinstance(refs, list) else []


_PMO_HEAD = example_pmo("{id: closed, startGate: G3}") + (
    "  prioritization:\n    method: weighted\n    criteria:\n"
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
        standard="Strategic PMO — a sound scoring model (weights add up to 100 %)",
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
        standard="Strategic PMO — the portfolio stays within its budget each fiscal year",
        docs=RuleDocs(
            what="For each fiscal year in a portfolio's `budget`, the approved BAC of its projects (directly or "
            "through their program) does not exceed the amount. A project's budget counts as approved when it is "
            "not cancelled and has an active baseline or its phase is at or past the planning stage (the gate into "
            "planning approves the charter and its budget); projects in intake or initiation are estimates and do "
            "not count. The BAC "
            "(active baseline, else `budget.bac`) falls into fiscal years by its time-phased `byPeriod` budget, "
            "else evenly over the months of the approved schedule. Fiscal years start in `fiscalYearStartMonth` "
            "and are named by the calendar year they start in. A project budgeted in another currency than the "
            "envelope (the portfolio's `currency`, else the PMO's) cannot be added to it without an exchange rate: "
            "it is left out of the sum and named in a warning.",
            why="The envelope is the portfolio board's hard constraint; approving projects beyond it commits money "
            "the organisation has not budgeted.",
            example=_PORTFOLIO_HEAD + "    - {fiscalYear: 2025, amount: 500000}\n",
            use_instead=_PORTFOLIO_HEAD + "    - {fiscalYear: 2025, amount: 1500000}\n",
        ),
    ),
    _envelope,
)

STRATEGIC_RULES: tuple[FunctionRule, ...] = (SCORING_WEIGHTS, BUDGET_ENVELOPE)
