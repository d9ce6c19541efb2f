"""Allocation load per person and month: the peak of the summed assignment percentages.

Using the peak day of a month (not a monthly average) flags two overlapping 60 % assignments
even when they overlap for a week only; two back-to-back 100 % assignments are not flagged.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from dataclasses import dataclass

from pmo_lint.facts.dates import month_key

_ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Interval:
    start: dt.date
    end: dt.date  # inclusive
    percent: float


def _months(start: dt.date, end: dt.date) -> Iterable[str]:
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        yield f"{year:04d}-{month:02d}"
        month += 1
        if month == 13:
            year, month = year + 1, 1


def monthly_peak_load(intervals: Iterable[Interval]) -> dict[str, float]:
    """Peak summed percent per month (``YYYY-MM``) over the days the intervals cover. O(n log n)."""
    deltas: dict[dt.date, float] = {}
    for iv in intervals:
        if iv.end < iv.start or iv.percent <= 0:
            continue
        deltas[iv.start] = deltas.get(iv.start, 0.0) + iv.percent
        after = iv.end + _ONE_DAY
        deltas[after] = deltas.get(after, 0.0) - iv.percent
    peaks: dict[str, float] = {}
    days = sorted(deltas)
    load = 0.0
    for here, following in itertools.pairwise(days):
        load += deltas[here]
        if load <= 1e-9:
            continue
        for month in _months(here, following - _ONE_DAY):
            if load > peaks.get(month, 0.0):
                peaks[month] = round(load, 6)
    return dict(sorted(peaks.items()))


def percent_of_capacity(percent: float | None, hours_per_week: float | None, capacity_hours: float) -> float:
    """An assignment's load as a percent of the person's weekly capacity."""
    if percent is not None:
        return percent
    if hours_per_week is not None and capacity_hours > 0:
        return hours_per_week / capacity_hours * 100.0
    return 0.0


def over_allocated(peaks: dict[str, float], max_percent: float) -> list[str]:
    return [month for month, load in peaks.items() if load > max_percent + 1e-9]


__all__ = ["Interval", "month_key", "monthly_peak_load", "over_allocated", "percent_of_capacity"]
