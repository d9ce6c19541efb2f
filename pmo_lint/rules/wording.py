"""How values read in findings: money with separators and the portfolio's currency, people by name.

Both the policy message templates (typed placeholders such as ``{money:facts.bac}``) and the
built-in Python rules use these, so a director sees ``4,435,088 EUR`` and ``Ana Lopez (ana-lopez)``
wherever a finding comes from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pmo_lint.model.catalog import Catalog

MISSING = "unknown"  # a value that is not there, when the message gives no text of its own


@dataclass(frozen=True)
class MessageStyle:
    """What typed placeholders need from the portfolio: its currency and people's display names."""

    currency: str = ""
    people: Mapping[str, str] = field(default_factory=dict)  # person name -> display name

    def money(self, value: Any) -> str:
        return format_money(value, self.currency)

    def person(self, value: Any) -> str:
        return format_person(value, self.people)

    def of(self, data: Mapping[str, Any] | None) -> MessageStyle:
        """This style for an entity whose money may be in its own currency (a project or portfolio
        setting ``spec.currency``): its amounts read in that currency, not the PMO's."""
        own = own_currency(data)
        return replace(self, currency=own) if own and own != self.currency else self


def own_currency(data: Mapping[str, Any] | None) -> str:
    """The ``spec.currency`` an entity's data sets ("" when it sets none)."""
    spec = data.get("spec") if isinstance(data, Mapping) else None
    currency = spec.get("currency") if isinstance(spec, Mapping) else None
    return currency.strip().upper() if isinstance(currency, str) else ""


def style_of(catalog: Catalog) -> MessageStyle:
    """The portfolio's currency (pmo.yaml) and its people's display names."""
    from pmo_lint.model.kinds import Person

    people = {p.metadata.name: p.spec.profile.display_name.strip() for p, _ in catalog.typed(Person)}
    config = catalog.config
    return MessageStyle(str(config.spec.currency) if config is not None else "", people)


def format_value(value: Any) -> str:
    if value is None:
        return MISSING
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        if value.is_integer():
            return str(int(value))
        return f"{value:.2f}".rstrip("0").rstrip(".")
    if isinstance(value, list):
        return ", ".join(format_value(v) for v in value) if value else "none"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {format_value(v)}" for k, v in value.items())
    return str(value)


def format_money(value: Any, currency: str = "") -> str:
    """``4435088.0`` -> ``4,435,088 EUR``; cents only when there are some."""
    if isinstance(value, list):
        return ", ".join(format_money(v, currency) for v in value) if value else "none"
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        return format_value(value)
    if value in (float("inf"), float("-inf")):
        return format_value(value)
    number = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    return f"{number} {currency}" if currency else number


def format_person(value: Any, people: Mapping[str, str]) -> str:
    """A person reference (``person:ana-lopez`` or ``ana-lopez``) -> ``Ana Lopez (ana-lopez)``."""
    if isinstance(value, list):
        return ", ".join(format_person(v, people) for v in value) if value else "none"
    if not isinstance(value, str) or not value:
        return format_value(value)
    name = value.split(":", 1)[1] if value.startswith("person:") else value
    shown = people.get(name)
    return f"{shown} ({name})" if shown and shown != name else name
