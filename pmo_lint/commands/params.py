"""The click parameter types that several commands share, so one option means one thing everywhere.

``DATE`` is the type of every date option (``--as-of``, ``--since``, ``--date``): exactly ``YYYY-MM-DD``.
``COMMA_LIST`` is the type of every repeatable list option (``--select``, ``--ignore``, ``--section``...):
``--select PMO001,PMO002 --select GOV`` gives ``("PMO001", "PMO002", "GOV")``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import click

from pmo_lint.facts.dates import parse_day

if TYPE_CHECKING:  # generic from click 8.4 on; subscripted for the type checker only (click>=8.1 at run time)
    _DateBase = click.ParamType[dt.date]
    _ListBase = click.ParamType[tuple[str, ...]]
else:
    _DateBase = _ListBase = click.ParamType


class DateType(_DateBase):
    """A calendar day written ``YYYY-MM-DD``; anything else (``20250630``, ``30.06.2025``) is refused."""

    name = "date"

    def get_metavar(self, param: click.Parameter, ctx: click.Context) -> str:
        return "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        if isinstance(value, dt.date):
            return value
        day = parse_day(value) if isinstance(value, str) else None
        if day is None:
            self.fail(f"{value!r} is not a date; use YYYY-MM-DD", param, ctx)
        return day


def split_commas(values: Sequence[str]) -> tuple[str, ...]:
    """``("a, b", "c")`` → ``("a", "b", "c")``: comma-separated and repeated values in one tuple, blanks dropped."""
    return tuple(part.strip() for v in values for part in v.split(",") if part.strip())


class CommaListType(_ListBase):
    """One occurrence of a repeatable option, split at commas (the option's callback joins the occurrences)."""

    name = "text"  # the metavar stays TEXT, as for a plain string option

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> tuple[str, ...]:
        if isinstance(value, tuple):
            return split_commas(value)
        return split_commas((str(value),))


DATE = DateType()
COMMA_LIST = CommaListType()


def _joined(_ctx: click.Context, _param: click.Parameter, value: Sequence[tuple[str, ...]]) -> tuple[str, ...]:
    return tuple(item for occurrence in value for item in occurrence)


def comma_list_option(*decls: str, help: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A repeatable option of comma-separated values, passed to the command as one flat tuple."""
    return click.option(*decls, type=COMMA_LIST, multiple=True, callback=_joined, help=help)
