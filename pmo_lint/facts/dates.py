"""Date arithmetic shared by facts and the CEL functions. Dates are ISO ``YYYY-MM-DD``."""

from __future__ import annotations

import datetime as dt


def parse_date(value: object) -> dt.date:
    """An ISO date from a date or a ``YYYY-MM-DD`` string; ValueError otherwise."""
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and len(value) == 10:
        return dt.date.fromisoformat(value)
    raise ValueError(f'{value!r} is not a date; use "YYYY-MM-DD"')


def days_between(a: object, b: object) -> float:
    """Days from a to b (b − a), as a float for CEL."""
    return float((parse_date(b) - parse_date(a)).days)


def month_key(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def fiscal_year(day: dt.date, start_month: int) -> int:
    """The fiscal year a day falls in, named by the calendar year in which that fiscal year starts."""
    return day.year if day.month >= start_month else day.year - 1
