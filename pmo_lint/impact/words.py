"""Numbers as a PMO director reads them: money with thousands separators and its currency, signed
differences, percents and days. Shared by the reasons the comparison gives and by every output."""

from __future__ import annotations

import datetime as dt


def money(amount: float | None, currency: str = "") -> str:
    """``620000.0, "EUR"`` → ``620,000 EUR``: whole units (a budget spread over months has cents no board
    reads; the JSON keeps them); cents only for amounts under 100; "–" when unknown."""
    if amount is None:
        return "–"
    rounded = round(amount, 2)
    whole = abs(rounded) >= 100 or float(rounded).is_integer()
    text = f"{rounded:,.0f}" if whole else f"{rounded:,.2f}"
    text = "0" if text == "-0" else text
    return f"{text} {currency}".strip()


def signed_money(amount: float, currency: str = "") -> str:
    """``120000.0`` → ``+120,000 EUR``; a difference, so zero is ``0``."""
    text = money(amount, currency)
    return text if text.startswith(("-", "0")) else f"+{text}"


def percent(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:,.0f}%" if float(round(value, 1)).is_integer() else f"{value:,.1f}%"


def days(n: int | None) -> str:
    """``30`` → ``+30 days``, ``-1`` → ``-1 day``, ``0`` → ``no change``."""
    if n is None:
        return "–"
    if n == 0:
        return "no change"
    return f"{n:+d} day{'' if abs(n) == 1 else 's'}"


def day(value: dt.date | None) -> str:
    return value.isoformat() if value is not None else "–"
