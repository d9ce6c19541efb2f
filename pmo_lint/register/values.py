"""Cell values as PMOs type them: dates, money, RAG, scale levels, phases, people, choices.

Every reader returns the model's value or raises :class:`CellError` with a message a PMO director reads
(the importer adds the cell's reference). Nothing is guessed: an ambiguous date, an unknown person or a
phase that fits two lifecycle phases is an error, with a suggestion where there is one.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from pmo_lint.model.kinds import Phase, ScaleLevel

DateOrder = Literal["dmy", "mdy"]


class CellError(Exception):
    """A cell that cannot be read, in words for the reader."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class AmbiguousDate(CellError):
    """``03/04/2027``: the 3rd of April or the 4th of March, and nothing settles it."""


def shown(value: object) -> str:
    """A cell's value as the reader typed it, for messages."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def text_of(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.date, dt.datetime)):
        return shown(value)
    return str(value).strip()


# -- names -------------------------------------------------------------------------------------------
_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """``PRJ-001`` -> ``prj-001``; ``CRM Migration (phase 2)`` -> ``crm-migration-phase-2``."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    out = _SLUG.sub("-", plain).strip("-")
    if out and not out[0].isalpha():
        out = "n" + out if out[0].isdigit() else out.lstrip("-")
    return out[:63].rstrip("-")


# -- dates -------------------------------------------------------------------------------------------
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for m in names
}
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2})?)?\Z")
_NUMERIC = re.compile(r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{2}|\d{4})\Z")
_YMD_SLASH = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})\Z")
_DAY_MONTH = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[ \-]([a-z]+)\.?,?[ \-](\d{2}|\d{4})\Z")
_MONTH_DAY = re.compile(r"([a-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})\Z")


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


def _make(year: int, month: int, day: int, original: object) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError(f"{shown(original)!r} is not a date") from None


def numeric_parts(value: object) -> tuple[int, int] | None:
    """The two leading numbers of a text date such as ``03/04/2027`` (to settle a column's order)."""
    if not isinstance(value, str):
        return None
    found = _NUMERIC.match(value.strip())
    return (int(found.group(1)), int(found.group(3))) if found else None


def column_order(values: Iterable[object]) -> DateOrder | None:
    """The order the column's unambiguous text dates use (``25/03/2027`` says day first); None when none
    says, or when they disagree."""
    day_first = month_first = False
    for value in values:
        parts = numeric_parts(value)
        if parts is None:
            continue
        day_first = day_first or parts[0] > 12
        month_first = month_first or parts[1] > 12
    if day_first == month_first:
        return None
    return "dmy" if day_first else "mdy"


def read_date(value: object, order: DateOrder | None = None) -> dt.date:
    """A date cell, an Excel serial number, or text: ISO, ``25/03/2027``, ``25 Mar 2027``, ``March 25, 2027``."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise CellError(f"{shown(value)!r} is not a date")
    if isinstance(value, (int, float)):
        if 1 <= value < 2_958_466:  # Excel's serial day numbers (1900-01-01 .. 9999-12-31)
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise CellError(f"{shown(value)!r} is not a date")
    text = str(value).strip().lower()
    if text.isdigit() and len(text) == 5:  # a serial number that came through as text (CSV)
        return _EXCEL_EPOCH + dt.timedelta(days=int(text))
    if found := _ISO.match(text):
        return _make(int(found.group(1)), int(found.group(2)), int(found.group(3)), value)
    if found := _YMD_SLASH.match(text):
        return _make(int(found.group(1)), int(found.group(2)), int(found.group(3)), value)
    if found := _NUMERIC.match(text):
        first, sep, second, year = int(found.group(1)), found.group(2), int(found.group(3)), _year(found.group(4))
        if sep == "." and order is None:
            order = "dmy"  # 03.04.2027 is written day first wherever dots are used
        if first > 12 and second <= 12:
            return _make(year, second, first, value)
        if second > 12 and first <= 12:
            return _make(year, first, second, value)
        if first == second:
            return _make(year, first, first, value)
        if order is None:
            raise AmbiguousDate(
                f"{shown(value)!r} is ambiguous as a date ({_make(year, second, first, value):%d %B %Y} or "
                f"{_make(year, first, second, value):%d %B %Y}); write it as YYYY-MM-DD, or pass "
                "--dates dmy or --dates mdy"
            )
        return _make(year, second, first, value) if order == "dmy" else _make(year, first, second, value)
    if (found := _DAY_MONTH.match(text)) and found.group(2) in _MONTHS:
        return _make(_year(found.group(3)), _MONTHS[found.group(2)], int(found.group(1)), value)
    if (found := _MONTH_DAY.match(text)) and found.group(1) in _MONTHS:
        return _make(int(found.group(3)), _MONTHS[found.group(1)], int(found.group(2)), value)
    raise CellError(f"{shown(value)!r} is not a date (write it as YYYY-MM-DD)")


_UPDATED = re.compile(
    r"(?:last\s+updated|updated|as\s+(?:at|of)|status\s+date|report\s+date|date)\s*[:\-]?\s*(.+)$", re.IGNORECASE
)


def updated_date(text: str, order: DateOrder | None = None) -> dt.date | None:
    """The date of a ``Last updated: 30/06/2025`` line above a register's header, or None."""
    found = _UPDATED.search(text)
    if not found:
        return None
    try:
        return read_date(found.group(1).strip().rstrip("."), order)
    except CellError:
        return None


# -- numbers and money -------------------------------------------------------------------------------
CURRENCY_SYMBOLS = {"£": "GBP", "€": "EUR", "$": "USD", "¥": "JPY", "₹": "INR", "chf": "CHF"}
_MULTIPLIERS = {"k": 1_000, "m": 1_000_000, "mn": 1_000_000, "mio": 1_000_000, "bn": 1_000_000_000, "b": 1e9}
_MONEY = re.compile(
    r"(?P<neg>-)?\s*(?P<pre>[£€$¥₹]|[a-z]{3}\b)?\s*(?P<neg2>-)?\s*(?P<num>\d[\d,\s']*(?:\.\d+)?|\.\d+)\s*"
    r"(?P<mult>k|m|mn|mio|bn|b)?\b\s*(?P<post>[£€$¥₹]|[a-z]{3})?\Z"
)


def read_number(value: object, what: str = "number") -> float:
    if isinstance(value, bool):
        raise CellError(f"{shown(value)!r} is not a {what}")
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip().replace(",", "").replace(" ", "")
    try:
        return float(text)
    except ValueError:
        raise CellError(f"{shown(value)!r} is not a {what}") from None


def read_percent(value: object) -> float:
    """``50``, ``50%``, or ``0.5`` from a cell formatted as a percentage (a fraction up to 1 means that)."""
    if isinstance(value, str) and value.strip().endswith("%"):
        return read_number(value.strip()[:-1], "percentage")
    number = read_number(value, "percentage")
    return number * 100 if 0 < number <= 1 and not isinstance(value, str) else number


def read_money(value: object) -> tuple[float, str | None]:
    """``£1,250,000`` -> (1250000.0, "GBP"); ``1.2m`` -> (1200000.0, None); ``(250,000)`` is negative."""
    if isinstance(value, bool):
        raise CellError(f"{shown(value)!r} is not an amount of money")
    if isinstance(value, (int, float)):
        return float(value), None
    text = str(value).strip().lower()
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1].strip()
    found = _MONEY.match(text)
    if not found:
        raise CellError(f"{shown(value)!r} is not an amount of money")
    digits = re.sub(r"[,\s']", "", found.group("num"))
    amount = float(digits) * _MULTIPLIERS.get(found.group("mult") or "", 1)
    if found.group("neg") or found.group("neg2") or negative:
        amount = -amount
    codes = [c for c in (found.group("pre"), found.group("post")) if c]
    currency = None
    if codes:
        code = codes[0]
        currency = CURRENCY_SYMBOLS.get(code, code.upper())
    return round(amount, 2), currency


# -- RAG ---------------------------------------------------------------------------------------------
_RAG_WORDS = {
    "g": "green",
    "green": "green",
    "on track": "green",
    "ok": "green",
    "good": "green",
    "a": "amber",
    "amber": "amber",
    "yellow": "amber",
    "y": "amber",
    "orange": "amber",
    "at risk": "amber",
    "r": "red",
    "red": "red",
    "off track": "red",
    "critical": "red",
    "bad": "red",
}


def rag_of_fill(rgb: str) -> str | None:
    """Green, amber or red from a cell's fill colour by its hue (Excel's pale good / neutral / bad fills too)."""
    import colorsys

    try:
        r, g, b = (int(rgb[i : i + 2], 16) / 255 for i in (0, 2, 4))
    except ValueError:
        return None
    hue, _light, saturation = colorsys.rgb_to_hls(r, g, b)
    if saturation < 0.25 or max(r, g, b) - min(r, g, b) < 0.12:
        return None  # grey, white or black: no colour to read
    degrees = hue * 360
    if degrees < 20 or degrees >= 330:
        return "red"
    if degrees < 70:
        return "amber"
    if 75 <= degrees < 170:
        return "green"
    return None


def read_rag(value: object, fill: str | None = None) -> str | None:
    """A RAG value from the word, the letter, or (an empty cell) its fill colour; None when there is none."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return rag_of_fill(fill) if fill else None
    key = " ".join(re.sub(r"[^a-z ]+", " ", str(value).lower()).split())
    found = _RAG_WORDS.get(key)
    if found is None:
        raise CellError(f"{shown(value)!r} is not a RAG status (green, amber or red)")
    return found


# -- scales, phases, choices -------------------------------------------------------------------------
def _key(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def read_level(value: object, levels: Sequence[ScaleLevel], what: str) -> str:
    """A level of the portfolio's scale: its id, its title, its value, or a 1-5 rating mapped onto it."""
    text = _key(text_of(value))
    for level in levels:
        if text in (_key(level.id), _key(level.title or "")):
            return level.id
    ordered = sorted(levels, key=lambda lv: lv.value)
    number: float | None
    try:
        number = read_number(value) if not isinstance(value, str) or re.fullmatch(r"\s*\d+(\.\d+)?\s*", value) else None
    except CellError:
        number = None
    if number is not None and number.is_integer():
        for level in ordered:
            if level.value == number:
                return level.id
        if 1 <= number <= 5:  # a 1-5 rating onto a scale of another length: the same share of the way up
            return ordered[round((number - 1) * (len(ordered) - 1) / 4)].id
    words = {"vl": "very low", "l": "low", "m": "medium", "med": "medium", "h": "high", "vh": "very high"}
    if text in words:
        return read_level(words[text], levels, what)
    names = ", ".join(lv.id for lv in ordered)
    raise CellError(f"{what} {shown(value)!r} is not a level of the portfolio's scale ({names}, or 1-5)")


PHASE_STATES = {
    "on hold": "on-hold",
    "onhold": "on-hold",
    "paused": "on-hold",
    "suspended": "on-hold",
    "hold": "on-hold",
    "cancelled": "cancelled",
    "canceled": "cancelled",
    "stopped": "cancelled",
    "terminated": "cancelled",
}


def read_phase(value: object, phases: Sequence[Phase], extra: dict[str, str]) -> tuple[str | None, str | None]:
    """(phase id, lifecycle state) of a phase cell: the phase's id or title, a mapped value, a stage word
    (``Delivery`` -> the phase that means execution), or a state (``On hold``: no phase, state on-hold)."""
    from pmo_lint.facts.lifecycle import infer_stage, meaning

    text = _key(text_of(value))
    mapped = extra.get(text)
    if mapped is not None:
        text = _key(mapped)
    for phase in phases:
        if text in (_key(phase.id), _key(phase.title or "")):
            return phase.id, None
    if text in PHASE_STATES:
        return None, PHASE_STATES[text]
    stage = infer_stage(text)
    if stage is not None:
        fits = [p for p in phases if meaning(p).stage == stage]
        state = None
        if not fits and stage == "closed":
            fits = [p for p in phases if meaning(p).stage == "closing"]
            state = "completed"
        if len(fits) == 1:
            return fits[0].id, state
        if len(fits) > 1:
            ids = " or ".join(p.id for p in fits)
            raise CellError(
                f"phase {shown(value)!r} fits more than one phase of the lifecycle ({ids}); "
                "write the phase, or map the value in the mapping file"
            )
    names = ", ".join(p.id for p in phases)
    raise CellError(f"{shown(value)!r} is not a phase of the lifecycle ({names})")


def read_choice(value: object, choices: Sequence[str], what: str, synonyms: dict[str, str] | None = None) -> str:
    """One of the model's words (``on-hold``) from ``On Hold``, ``on_hold``, or a synonym."""
    text = _key(text_of(value))
    for choice in choices:
        if text == _key(choice):
            return choice
    if synonyms and text in synonyms:
        return synonyms[text]
    hint = difflib.get_close_matches(text, list(choices), n=1, cutoff=0.75)
    tail = f"; did you mean {hint[0]}?" if hint else f" ({', '.join(choices)})"
    raise CellError(f"{what} {shown(value)!r} is not one of the known values{tail}")


def read_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = _key(text_of(value))
    if text in ("yes", "y", "true", "1", "active", "x"):
        return True
    if text in ("no", "n", "false", "0", "inactive", "left"):
        return False
    raise CellError(f"{shown(value)!r} is not yes or no")


def split_list(value: object) -> list[str]:
    return [part.strip() for part in re.split(r"[,;\n]", text_of(value)) if part.strip()]


# -- people ------------------------------------------------------------------------------------------
def _person_key(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9 ]+", " ", text.lower().replace(".", " ")).split())


@dataclass
class People:
    """The portfolio's people (and those the register's people sheet adds) by id and display name."""

    names: dict[str, str] = field(default_factory=dict)  # id -> display name
    _by_key: dict[str, list[str]] | None = None  # display name's key -> ids, built when first asked

    def add(self, ident: str, display: str) -> None:
        self.names[ident] = display
        self._by_key = None

    def _index(self) -> dict[str, list[str]]:
        if self._by_key is None:
            self._by_key = {}
            for ident, display in self.names.items():
                self._by_key.setdefault(_person_key(display), []).append(ident)
        return self._by_key

    def resolve(self, value: object) -> str:
        """The person's id for a display name or an id; an error with suggestions otherwise."""
        text = text_of(value)
        if text.lower().startswith("person:"):
            text = text.split(":", 1)[1]
        if text in self.names:
            return text
        key = _person_key(text)
        found = self._index().get(key, [])
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise CellError(f"{len(found)} people are called {text!r} ({', '.join(sorted(found))}); write the id")
        hints = self.suggest(text)
        tail = f"; did you mean {' or '.join(hints)}?" if hints else ""
        raise CellError(f"no person {text!r}{tail}")

    def suggest(self, text: str) -> list[str]:
        """Display names the text may mean: ``J. Okoro`` -> ``Jide Okoro``; close spellings."""
        key = _person_key(text)
        words = key.split()
        out: list[str] = []
        if len(words) >= 2:  # initials and surname
            for display in self.names.values():
                parts = _person_key(display).split()
                if len(parts) >= 2 and parts[-1] == words[-1] and parts[0][:1] == words[0][:1]:
                    out.append(display)
        by_key = {_person_key(d): d for d in self.names.values()}
        for close in difflib.get_close_matches(key, list(by_key), n=2, cutoff=0.8):
            if by_key[close] not in out:
                out.append(by_key[close])
        return out[:3]
