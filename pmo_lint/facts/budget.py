"""Where a project's approved budget falls in the PMO's fiscal years (portfolio envelope roll-ups)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING

from pmo_lint.facts.dates import fiscal_year

if TYPE_CHECKING:
    from pmo_lint.model.kinds import Baseline, Project


def _month_starts(start: dt.date, end: dt.date) -> list[dt.date]:
    out: list[dt.date] = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        out.append(dt.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def approved_bac(project: Project, planning_reached: bool) -> float | None:
    """The BAC that counts against the portfolio envelope; None while it is not approved (or not set).

    A budget counts once approved: the project is not cancelled and has an active baseline or its phase
    is at or past the planning stage (the gate into planning approves the charter and its budget).
    """
    s = project.spec
    baseline = s.baseline()
    if s.lifecycle.state == "cancelled" or (baseline is None and not planning_reached):
        return None
    bac = baseline.budget.bac if baseline else (s.budget.bac if s.budget else None)
    return float(bac) if bac else None


def _window(project: Project, baseline: Baseline | None) -> tuple[dt.date, dt.date] | None:
    """The dates an approved budget without a time-phased plan is spread over: the approved schedule, else
    the baseline's, else the requested dates (a project approved in planning often has no others yet), else
    the forecast when it gives a start (its own, else the actual start). None when no dates place it."""
    sched = project.spec.schedule
    if sched.approved:
        return sched.approved.start, sched.approved.end
    if baseline:
        return baseline.schedule.start, baseline.schedule.finish
    if sched.requested:
        return sched.requested.start, sched.requested.end
    start = (sched.forecast.start if sched.forecast else None) or (sched.actual.start if sched.actual else None)
    if sched.forecast and start:
        return start, sched.forecast.finish
    return None


def bac_by_fiscal_year(project: Project, planning_reached: bool, start_month: int) -> dict[str, float]:
    """Approved BAC per fiscal year (keys are years as strings, as CEL maps need).

    Only an approved budget counts (:func:`approved_bac`). The time-phased budget places it; without one
    it is spread evenly over the months of the schedule :func:`_window` finds. Empty when the budget does not
    count, or counts but no dates place it (the caller tells the two apart with :func:`approved_bac`).
    """
    s = project.spec
    bac = approved_bac(project, planning_reached)
    if bac is None:
        return {}
    baseline = s.baseline()
    out: dict[str, float] = defaultdict(float)
    phased = (baseline.budget.by_period if baseline else []) or (s.budget.by_period if s.budget else [])
    if phased:
        for p in phased:
            year, month = (int(x) for x in p.period.split("-"))
            out[str(fiscal_year(dt.date(year, month, 1), start_month))] += p.planned
        return dict(out)
    window = _window(project, baseline)
    months = _month_starts(*window) if window else []
    for first in months:
        out[str(fiscal_year(first, start_month))] += bac / len(months)
    return dict(out)
