"""Strategic rules that sum over many values: the scoring model's weights and the budget envelope."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pmo_lint.diagnostics import Severity
from pmo_lint.rules.base import Finding, FunctionRule, RuleContext, RuleDocs, RuleMeta
from pmo_lint.rules.core import example_pmo

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


def _envelope(ctx: RuleContext) -> Iterator[Finding]:
    from pmo_lint.facts.budget import approved_bac
    from pmo_lint.model.kinds import Portfolio
    from pmo_lint.rules.wording import format_money, style_of

    style = style_of(ctx.catalog)
    pmo_currency = style.currency
    facts = ctx.all_facts()  # approvedBacByYear: the portfolio roll-up computed once per run
    for portfolio, item in ctx.catalog.typed(Portfolio):
        money = style.of(item.data).money  # the envelope's amounts read in its own currency
        own = portfolio.spec.currency or pmo_currency
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
        if not portfolio.spec.budget:
            continue
        uncounted = _projects(ctx, approved_elsewhere(facts.of(item)))
        if uncounted:
            # a project without its own currency is budgeted in the PMO's
            named = [f"{p.display} ({p.spec.currency or pmo_currency})" for p in uncounted[:5]]
            count = _count(uncounted, "approved project budget")
            yield Finding(
                f"the envelope of portfolio {portfolio.display} is in {own}, so {count} in another currency "
                f"{_are(uncounted)} not counted in it: {', '.join(named)}{_more(uncounted)}; budget "
                f"{_them(uncounted)} in {own} so that the envelope can be checked",
                item,
                ("spec", "budget"),
                severity=Severity.WARNING,
            )
        unplaced = _projects(ctx, _refs(facts.of(item), "unplacedProjects"))
        if unplaced:
            named = [
                f"{p.display} ({format_money(approved_bac(p, True), p.spec.currency or pmo_currency)})"
                for p in unplaced[:5]
            ]
            count = _count(unplaced, "approved project budget")
            yield Finding(
                f"{count} of portfolio {portfolio.display} {_are(unplaced)} not counted in its envelope, because "
                f"no dates say in which fiscal year the money falls: {', '.join(named)}{_more(unplaced)}; give "
                f"{_them(unplaced)} an approved schedule (spec.schedule.approved) or a time-phased budget "
                "(spec.budget.byPeriod)",
                item,
                ("spec", "budget"),
                severity=Severity.WARNING,
            )


def _projects(ctx: RuleContext, refs: list[str]) -> list[Project]:
    found = (ctx.catalog.lookup(ref, kinds=("Project",)) for ref in refs)
    return [f.entity for f in found if f is not None]  # type: ignore[misc]


def _count(items: list[Project], noun: str) -> str:
    return f"{len(items):,} {noun}{'s' if len(items) != 1 else ''}"


def _are(items: list[Project]) -> str:
    return "are" if len(items) != 1 else "is"


def _them(items: list[Project]) -> str:
    return "them" if len(items) != 1 else "it"


def _more(items: list[Project]) -> str:
    return f" and {len(items) - 5:,} more" if len(items) > 5 else ""


def _refs(facts: dict[str, Any], key: str) -> list[str]:
    refs = facts.get(key, [])
    return [str(r) for r in refs] if isinstance(refs, list) else []


def approved_elsewhere(facts: dict[str, Any]) -> list[str]:
    return _refs(facts, "otherCurrencyProjects")


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
            "else evenly over the months of the approved schedule (else the active baseline's, else the requested "
            "dates, else the forecast when it has a start). Fiscal years start in `fiscalYearStartMonth` "
            "and are named by the calendar year they start in. A project budgeted in another currency than the "
            "envelope (the portfolio's `currency`, else the PMO's) cannot be added to it without an exchange rate: "
            "it is left out of the sum and named in a warning; so is an approved budget that no dates place in a "
            "fiscal year.",
            why="The envelope is the portfolio board's hard constraint; approving projects beyond it commits money "
            "the organisation has not budgeted.",
            example=_PORTFOLIO_HEAD + "    - {fiscalYear: 2025, amount: 500000}\n",
            use_instead=_PORTFOLIO_HEAD + "    - {fiscalYear: 2025, amount: 1500000}\n",
        ),
    ),
    _envelope,
)


# -- a project and its program in one portfolio ---------------------------------------------------
def _program_portfolio(ctx: RuleContext) -> Iterator[Finding]:
    from pmo_lint.model.kinds import Project

    for project, item in ctx.catalog.typed(Project):
        s = project.spec
        if not s.portfolio or not s.program:
            continue
        own = ctx.catalog.lookup(s.portfolio, kinds=("Portfolio",))
        program = ctx.catalog.lookup(s.program, kinds=("Program",))
        if own is None or program is None:
            continue  # an unknown reference is PMO007's
        ref = program.entity.spec.portfolio  # type: ignore[attr-defined]
        theirs = ctx.catalog.lookup(ref, kinds=("Portfolio",)) if ref else None
        if theirs is None or theirs.ref == own.ref:
            continue
        yield Finding(
            f"the project is in portfolio {own.entity.display} but its program {program.entity.display} belongs "
            f"to portfolio {theirs.entity.display}, so its budget counts in one portfolio while its program is "
            "steered in the other; move the project to its program's portfolio, or into a program of its own "
            "portfolio",
            item,
            ("spec", "portfolio"),
        )


_TWO = (
    ENV + "kind: Portfolio\nmetadata: {name: operations, title: Operations}\nspec:\n  owner: person:pat-director\n"
    "---\n" + ENV + "kind: Program\nmetadata: {name: ops-tools, title: Operations tools}\nspec:\n"
    "  portfolio: operations\n  owner: person:pat-director\n  goals: [grow-revenue]\n---\n"
    + ENV
    + "kind: Project\nmetadata: {name: demo}\nspec:\n  type: it-delivery\n  category: strategic\n"
    "  lifecycle: {phase: executing}\n  program: ops-tools\n"
)
PROGRAM_PORTFOLIO = FunctionRule(
    RuleMeta(
        id="project-program-portfolio-differ",
        code="STR017",
        title="A project is in the same portfolio as its program",
        severity=Severity.ERROR,
        pack=PACK,
        kinds=("Project", "Program", "Portfolio"),
        reads=("Project:spec.portfolio", "Project:spec.program", "Program:spec.portfolio"),
        standard="Strategic PMO — one portfolio hierarchy: portfolio, program, project",
        docs=RuleDocs(
            what="A project that names both a `portfolio` and a `program` names the portfolio its program "
            "belongs to (the program's `portfolio`).",
            why="A program sits in one portfolio, and its projects with it. A project whose own portfolio "
            "differs from its program's is counted in one portfolio's budget envelope and reported to that "
            "board, while its program is steered by the other: neither board sees the whole picture.",
            example=_TWO + "  portfolio: digital\n",
            use_instead=_TWO + "  portfolio: operations\n",
        ),
    ),
    _program_portfolio,
)

STRATEGIC_RULES: tuple[FunctionRule, ...] = (SCORING_WEIGHTS, BUDGET_ENVELOPE, PROGRAM_PORTFOLIO)
