"""Date arithmetic shared by facts and the CEL functions. Dates are ISO ``YYYY-MM-DD``."""

from __future__ import annotations

import datetime as dt
import re

_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_day(text: object) -> dt.date | None:
    """The date ``text`` names in the one form every option and setting accepts, ``YYYY-MM-DD`` (a real
    calendar day); None otherwise (``20250630`` and ``2025-02-30`` included)."""
    if isinstance(text, dt.date) and not isinstance(text, dt.datetime):
        return text  # a YAML reader that makes dates of such values
    if not isinstance(text, str) or not _ISO_DAY.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:  # 2025-02-30
        return None


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
