"""Where a project's approved budget falls in the PMO's fiscal years (portfolio envelope roll-ups)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING

from pmo_lint.facts.dates import fiscal_year

if TYPE_CHECKING:
    from pmo_lint.model.kinds import Project


def _month_starts(start: dt.date, end: dt.date) -> list[dt.date]:
    out: list[dt.date] = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        out.append(dt.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def bac_by_fiscal_year(project: Project, planning_reached: bool, start_month: int) -> dict[str, float]:
    """Approved BAC per fiscal year (keys are years as strings, as CEL maps need).

    A budget counts once approved: the project is not cancelled and has an active baseline or its phase
    is at or past the planning stage (the gate into planning approves the charter and its budget). The
    time-phased budget places it; without one it is spread evenly over the months of the approved
    schedule (else the baseline's).
    """
    s = project.spec
    baseline = next((b for b in s.baselines if b.id == s.active_baseline), None) if s.active_baseline else None
    if s.lifecycle.state == "cancelled" or (baseline is None and not planning_reached):
        return {}
    bac = baseline.budget.bac if baseline else (s.budget.bac if s.budget else None)
    if not bac:
        return {}
    out: dict[str, float] = defaultdict(float)
    phased = (baseline.budget.by_period if baseline else []) or (s.budget.by_period if s.budget else [])
    if phased:
        for p in phased:
            year, month = (int(x) for x in p.period.split("-"))
            out[str(fiscal_year(dt.date(year, month, 1), start_month))] += p.planned
        return dict(out)
    if s.schedule.approved:
        window = (s.schedule.approved.start, s.schedule.approved.end)
    elif baseline:
        window = (baseline.schedule.start, baseline.schedule.finish)
    else:
        return {}
    months = _month_starts(*window)
    for first in months:
        out[str(fiscal_year(first, start_month))] += bac / len(months)
    return dict(out)
