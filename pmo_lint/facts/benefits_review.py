"""Benefits after closure: what the business case promised, and when and by whom it is reviewed.

Benefits are mostly realised after a project closes, so closure hands them over to a benefits review
plan (PRINCE2): promised benefits are recorded as Benefits, each has review dates after the actual
finish (its own, else the plan's), and a review date that passed was held — for a benefit, an actual
measured within ``cadence.benefitReviewWindowDays`` of it; for the plan, a `held` date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pmo_lint.model.catalog import Catalog, LoadedEntity
    from pmo_lint.model.kinds import Benefit, BusinessCase, Project

PersonLabel = Callable[[str | None], tuple[str, str]]


def promises_benefits(case: BusinessCase | None) -> bool:
    """The case states benefits: listed ones, a financial benefit, or monetised or non-monetised ones."""
    if case is None:
        return False
    fin = case.financials
    return bool(
        case.expected_benefits
        or case.non_monetised_benefits
        or (fin is not None and ((fin.financial_benefit or 0) > 0 or (fin.monetised_benefits or 0) > 0))
    )


def unrecorded(catalog: Catalog, project: Project, recorded: int) -> list[str]:
    """The promised benefits no Benefit records, as the business case words them."""
    case = project.spec.business_case
    if case is None:
        return []
    name = project.metadata.name
    out = [
        f'"{e.description}"'
        for e in case.expected_benefits
        if e.benefit is None or catalog.lookup(e.benefit, kinds=("Benefit",), namespace=name) is None
    ]
    if not case.expected_benefits and promises_benefits(case) and recorded == 0:
        out.append("the benefits behind its financial case")
    return out


def _closure(project: Project) -> dt.date | None:
    actual = project.spec.schedule.actual
    return actual.finish if actual is not None else None


def project_review_facts(
    catalog: Catalog, item: LoadedEntity, as_of: dt.date, recorded: int, person: PersonLabel
) -> dict[str, Any]:
    """``promisesBenefits``, ``unrecordedPromisedBenefits``, ``closureDate`` and ``benefitsReview``."""
    project: Project = item.entity  # type: ignore[assignment]
    closure = _closure(project)
    plan = project.spec.benefits_review_plan
    review: dict[str, Any] = {"planned": plan is not None, "reviewer": "", "overdue": [], "problem": ""}
    if plan is None:
        review["problem"] = "it has no benefits review plan (spec.benefitsReviewPlan)"
    else:
        label, problem = person(plan.reviewer)
        overdue = [r.date.isoformat() for r in plan.reviews if r.held is None and r.date < as_of]
        after = [r for r in plan.reviews if closure is None or r.date > closure]
        review.update(reviewer=label, overdue=overdue)
        if problem:
            review["problem"] = f"its benefits reviewer is not valid: {problem}"
        elif not after:
            when = f" on {closure.isoformat()}" if closure else ""
            review["problem"] = f"its benefits review plan has no review after the project closed{when}"
        elif overdue:
            review["problem"] = f"the benefits reviews planned for {', '.join(overdue)} have not been held"
    return {
        "promisesBenefits": promises_benefits(project.spec.business_case),
        "unrecordedPromisedBenefits": unrecorded(catalog, project, recorded),
        "closureDate": closure.isoformat() if closure else None,
        "benefitsReview": review,
    }


def benefit_review_facts(
    catalog: Catalog, item: LoadedEntity, as_of: dt.date, window_days: int, closed_projects: dict[str, bool]
) -> dict[str, Any]:
    """``projectClosed``, ``reviewDates`` (own, else the plan's) and ``reviewProblem`` of one benefit."""
    benefit: Benefit = item.entity  # type: ignore[assignment]
    name = benefit.metadata.namespace or ""
    found = catalog.lookup(f"project:{name}", kinds=("Project",)) if name else None
    project: Project | None = found.entity if found is not None else None  # type: ignore[assignment]
    closure = _closure(project) if project is not None else None
    dates = list(benefit.spec.review_dates)
    plan = project.spec.benefits_review_plan if project is not None else None
    if not dates and plan is not None:
        dates = [r.date for r in plan.reviews]
    dates.sort()
    problem = ""
    if not any(closure is None or d > closure for d in dates):
        after = f" (it closed on {closure.isoformat()})" if closure else ""
        problem = f"no review date is planned after its project closed{after}"
    else:
        window = dt.timedelta(days=window_days)
        missed = [
            d.isoformat()
            for d in dates
            if d < as_of
            and (closure is None or d > closure)
            and not any(abs(a.date - d) <= window for a in benefit.spec.actuals)
        ]
        if missed:
            reviews = "the review on" if len(missed) == 1 else "the reviews on"
            problem = f"no actual was measured within {window_days} days of {reviews} {', '.join(missed)}"
    return {
        "projectClosed": closed_projects.get(name, False),
        "reviewDates": [d.isoformat() for d in dates],
        "reviewProblem": problem,
    }
