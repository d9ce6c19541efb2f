"""Investment appraisal facts: which method a business case follows and what that method still lacks.

The method comes from the business case (`appraisal`), else its portfolio (directly or through its
program), else `pmo.yaml`'s `appraisal.method`. Commercial cases show a return (NPV, IRR or ROI);
public-sector cases a benefit–cost ratio and their non-monetised benefits (HM Treasury Green Book);
statutory cases the law that makes them mandatory instead of a financial case.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pmo_lint.model.catalog import Catalog, LoadedEntity
    from pmo_lint.model.kinds import BusinessCase, Project


def bcr_of(case: BusinessCase | None) -> float | None:
    """The stated benefit–cost ratio, else monetised benefits over costs (both present values)."""
    fin = case.financials if case else None
    if fin is None:
        return None
    if fin.bcr is not None:
        return float(fin.bcr)
    if fin.monetised_benefits is not None and fin.present_value_costs:
        return round(fin.monetised_benefits / fin.present_value_costs, 2)
    return None


def method_of(catalog: Catalog, project: Project, default: str) -> str:
    """The appraisal method that applies to the project's business case."""
    s = project.spec
    if s.business_case is not None and s.business_case.appraisal is not None:
        return s.business_case.appraisal
    portfolio = catalog.lookup(s.portfolio, kinds=("Portfolio",)) if s.portfolio else None
    if portfolio is None and s.program:
        program = catalog.lookup(s.program, kinds=("Program",))
        ref = program.entity.spec.portfolio if program is not None else None  # type: ignore[attr-defined]
        portfolio = catalog.lookup(ref, kinds=("Portfolio",)) if ref else None
    chosen = portfolio.entity.spec.appraisal if portfolio is not None else None  # type: ignore[attr-defined]
    return str(chosen or default)


def missing_for(method: str, case: BusinessCase | None) -> list[str]:
    """What the method needs that the business case does not state, in words for the message."""
    fin = case.financials if case else None
    if method == "statutory":
        basis = (case.statutory_basis or "").strip() if case else ""
        return [] if basis else ["the statutory basis (the law or regulation that makes the work mandatory)"]
    if method == "public-sector":
        out = []
        if bcr_of(case) is None:
            out.append("a benefit–cost ratio (financials.bcr, or monetisedBenefits and presentValueCosts)")
        if case is None or case.non_monetised_benefits is None:
            out.append("the non-monetised benefits (an empty list when there are none)")
        return out
    if fin is None or (fin.npv is None and fin.irr is None and fin.roi is None):
        return ["a return on the investment (NPV, IRR or ROI)"]
    return []


def appraisal_facts(catalog: Catalog, item: LoadedEntity, default: str) -> dict[str, Any]:
    """``facts.appraisal`` and ``facts.businessCaseGaps`` of one project."""
    project: Project = item.entity  # type: ignore[assignment]
    case = project.spec.business_case
    method = method_of(catalog, project, default)
    missing = missing_for(method, case)
    gaps: list[str] = []
    if case is None:
        # the method's own items (a return on investment…) are part of what is not written
        gaps.append("everything: spec.businessCase is not written")
    else:
        if not case.in_scope:
            gaps.append("what is in scope")
        # an empty list states "nothing"; only a missing key is a gap
        raw = item.data.get("spec", {}).get("businessCase", {}) if isinstance(item.data, dict) else {}
        if "outOfScope" not in raw:
            gaps.append("what is out of scope")
        if "assumptions" not in raw:
            gaps.append("the assumptions")
        if not (case.risk_of_not_performing or "").strip():
            gaps.append("the risk of not doing the project")
        gaps.extend(missing)
    return {
        "appraisal": {"method": method, "bcr": bcr_of(case), "missing": missing},
        "businessCaseGaps": gaps,
    }
