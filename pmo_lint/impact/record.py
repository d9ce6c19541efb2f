"""The Impact record: what a change does to the portfolio, as plain frozen data (no wording, no formatting).

Amounts are floats in the currency named beside them; dates are ``datetime.date``; percents are the
allocation load in percent of a person's capacity, as the facts compute it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class ProjectChange:
    """A project the change touches, and how: ``added``, ``removed``, ``cancelled`` or ``changed``."""

    project: str
    title: str
    change: str


@dataclass(frozen=True)
class BudgetChange:
    """A project's approved budget at completion (the active baseline's, else the budget's) before and after;
    or, when that stays, its own working budget (``spec.budget.bac``) moving away from its approved baseline."""

    project: str
    title: str
    currency: str
    before: float | None
    after: float | None
    baseline: str = ""  # set for a working budget's move: the active baseline that still holds
    approved: float | None = None  # that baseline's budget, unchanged

    @property
    def basis(self) -> str:
        return "working" if self.baseline else "approved"

    @property
    def delta(self) -> float:
        return (self.after or 0.0) - (self.before or 0.0)


@dataclass(frozen=True)
class EnvelopeChange:
    """One fiscal year of a portfolio: the approved budgets of its projects against the portfolio's envelope."""

    portfolio: str
    title: str
    fiscal_year: str
    currency: str
    envelope_before: float | None  # the portfolio's budget for the year; None when it sets none
    envelope_after: float | None
    approved_before: float
    approved_after: float

    @property
    def delta(self) -> float:
        return self.approved_after - self.approved_before

    @property
    def over_before(self) -> bool:
        return self.envelope_before is not None and self.approved_before > self.envelope_before + 0.005

    @property
    def over_after(self) -> bool:
        return self.envelope_after is not None and self.approved_after > self.envelope_after + 0.005


@dataclass(frozen=True)
class LoadChange:
    """One person's allocation load in one month (the peak day), before and after, against the limit."""

    person: str
    name: str  # the person's display name
    month: str  # YYYY-MM
    before: float
    after: float
    limit: float  # pmo.yaml's thresholds.allocationMaxPercent

    @property
    def over_after(self) -> bool:
        return self.after > self.limit + 1e-9

    @property
    def pushed_over(self) -> bool:
        """Over the limit after the change, and not before it (or higher than it was)."""
        return self.over_after and self.after > self.before + 1e-9


@dataclass(frozen=True)
class DateChange:
    """A key date (start, finish, key milestone, a program's finish) before and after.

    ``relation`` is empty for a date of a changed project; for a project or program that depends on a
    changed project it says how ("in program Customer 360 with CRM migration").
    """

    subject: str  # a reference: project:crm, program:customer-360
    title: str
    label: str  # "Finish", "Start", "Milestone Go-live", "Program finish"
    before: dt.date | None
    after: dt.date | None
    relation: str = ""
    # the approved baseline each date comes from, when the change makes another baseline the active one
    # ("B1", "B2"); empty otherwise
    before_baseline: str = ""
    after_baseline: str = ""

    @property
    def slip_days(self) -> int | None:
        if self.before is None or self.after is None:
            return None
        return (self.after - self.before).days


@dataclass(frozen=True)
class ScopeChange:
    """Deliverables a project gains or loses."""

    project: str
    title: str
    added: tuple[str, ...]
    removed: tuple[str, ...]


@dataclass(frozen=True)
class BenefitAtRisk:
    """A benefit whose delivering project slips, costs more or is cancelled, with the reasons."""

    benefit: str  # reference: benefit:crm/churn
    title: str
    project: str  # the project (or program) that delivers it
    project_title: str
    owner: str  # the owner's display name
    target: str  # "5 % churn by 2025-12-31": the KPI's target, as written
    target_date: dt.date | None
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class DecisionChange:
    """A change request raised, decided or withdrawn by the change: the decision a reviewer signs off."""

    project: str
    project_title: str
    request: str
    title: str
    currency: str
    before: str  # "requested (under-review)", "" when the request is new
    after: str  # "" when the request is removed
    budget: float | None
    finish_days: int | None


@dataclass(frozen=True)
class FindingChange:
    """A finding of the checks that the change adds or resolves."""

    code: str
    rule: str
    severity: str
    entity: str
    path: str
    message: str


@dataclass(frozen=True)
class Impact:
    """What one change (a branch against its base, or a pending change request) does to the portfolio."""

    subject: str  # "branch feature-x against origin/main", "change request cr-003 of Customer portal"
    as_of: dt.date
    currency: str  # the PMO's currency (pmo.yaml)
    limit: float  # the allocation limit in percent
    base_ref: str = ""
    base: str = ""  # commits, for a branch
    head: str = ""
    projects: tuple[ProjectChange, ...] = ()
    budgets: tuple[BudgetChange, ...] = ()
    envelopes: tuple[EnvelopeChange, ...] = ()
    loads: tuple[LoadChange, ...] = ()
    dates: tuple[DateChange, ...] = ()
    scope: tuple[ScopeChange, ...] = ()
    benefits: tuple[BenefitAtRisk, ...] = ()
    decisions: tuple[DecisionChange, ...] = ()
    # None when the findings were not compared (a change request states deltas, not files to check)
    new_findings: tuple[FindingChange, ...] | None = None
    resolved_findings: tuple[FindingChange, ...] | None = None
    notes: tuple[str, ...] = ()  # what the reader must know to read the numbers right

    @property
    def pushed_over(self) -> tuple[LoadChange, ...]:
        return tuple(x for x in self.loads if x.pushed_over)

    @property
    def over_envelope(self) -> tuple[EnvelopeChange, ...]:
        return tuple(x for x in self.envelopes if x.over_after and x.delta > 0.005)

    @property
    def empty(self) -> bool:
        return not (
            self.projects
            or self.budgets
            or self.envelopes
            or self.loads
            or self.dates
            or self.scope
            or self.benefits
            or self.decisions
            or self.new_findings
            or self.resolved_findings
        )
