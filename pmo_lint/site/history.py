"""Findings over history, read from the JSON of ``pmo-lint history`` (an optional input of the site).

The reader is tolerant about the shape: a list of points, or an object holding one under
``points``, ``commits`` or ``history``; each point names its commit (``commit``/``sha``), a
``date``, and either counts by severity (``counts``/``summary``/``bySeverity``) or the findings
themselves (``findings``/``diagnostics`` with a ``severity`` each), or just a ``total``. A point of
``pmo-lint history`` also lists the findings its commit ``added`` and ``resolved`` (code, severity,
file, entity, title, message each); what is not understood there is left out, never an error.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pmo_lint.errors import InputError

_SEVERITIES = ("error", "warning", "info")
MAX_TEXT = 1000  # characters kept of a message: the file is input, a page shows it


@dataclass(frozen=True)
class FindingChange:
    """A finding a commit added or resolved, as the history file describes it."""

    code: str
    severity: str  # error, warning or info ("" when the file says something else)
    file: str
    entity: str  # "project:crm-migration", or ""
    title: str  # the entity's display name, or ""
    message: str
    change_control: bool = False  # about the commit itself (a baseline changed without a change request)
    waived: bool = False  # resolved by a waiver or an inline comment, not by a fix


@dataclass(frozen=True)
class HistoryPoint:
    commit: str
    date: str
    counts: tuple[int, int, int]  # error, warning, info
    added: tuple[FindingChange, ...] = ()
    resolved: tuple[FindingChange, ...] = ()
    omitted: int = 0  # findings added or resolved that the file counts but does not list
    lapsed: int = 0  # change-control findings of the commit before, gone without being resolved

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.resolved or self.omitted)


@dataclass(frozen=True)
class History:
    points: tuple[HistoryPoint, ...]


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def _text(value: Any, limit: int = 200) -> str:
    return value[:limit] if isinstance(value, str) else ""


def _change(raw: Any) -> FindingChange | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("code"), str):
        return None
    severity = raw.get("severity")
    return FindingChange(
        code=_text(raw["code"], 40),
        severity=severity if severity in _SEVERITIES else "",
        file=_text(raw.get("file")),
        entity=_text(raw.get("entity")),
        title=_text(raw.get("title")),
        message=_text(raw.get("message"), MAX_TEXT),
        change_control=raw.get("changeControl") is True,
        waived=raw.get("waived") is True,
    )


def _changes(raw: Any) -> tuple[FindingChange, ...]:
    items = raw if isinstance(raw, list) else []
    return tuple(c for c in (_change(i) for i in items) if c is not None)


def _point(raw: Any) -> HistoryPoint | None:
    if not isinstance(raw, dict):
        return None
    commit = str(raw.get("commit") or raw.get("sha") or raw.get("id") or "")[:40]
    date = str(raw.get("date") or raw.get("committedDate") or raw.get("time") or "")[:25]
    counts = raw.get("counts") or raw.get("summary") or raw.get("bySeverity")
    if isinstance(counts, dict):
        omitted = raw.get("omitted")
        return HistoryPoint(
            commit,
            date,
            tuple(_int(counts.get(s)) for s in _SEVERITIES),  # type: ignore[arg-type]
            added=_changes(raw.get("added")),
            resolved=_changes(raw.get("resolved")),
            omitted=sum(_int(v) for v in omitted.values()) if isinstance(omitted, dict) else 0,
            lapsed=_int(raw.get("lapsed")),
        )
    items = raw.get("findings") if "findings" in raw else raw.get("diagnostics")
    if isinstance(items, list):
        tally = [0, 0, 0]
        for d in items:
            sev = d.get("severity") if isinstance(d, dict) else None
            if sev in _SEVERITIES:
                tally[_SEVERITIES.index(sev)] += 1
        return HistoryPoint(commit, date, (tally[0], tally[1], tally[2]))
    if "total" in raw:
        return HistoryPoint(commit, date, (_int(raw["total"]), 0, 0))
    return None


def parse_history(doc: Any) -> History:
    items: Any = doc
    if isinstance(doc, dict):
        items = next((doc[k] for k in ("points", "commits", "history") if isinstance(doc.get(k), list)), None)
    if not isinstance(items, list):
        raise ValueError("expected a list of commits, or an object with 'points', 'commits' or 'history'")
    points = [p for p in (_point(i) for i in items) if p is not None]
    points.sort(key=lambda p: p.date)  # oldest first; a stable sort keeps the file's order on ties
    return History(tuple(points))


def load_history(path: Path) -> History:
    """Read a history file; a missing or malformed one is an input error naming the file."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read history: {exc.strerror}", path=str(path)) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"history is not valid JSON: {exc}", path=str(path)) from None
    try:
        return parse_history(doc)
    except ValueError as exc:
        raise InputError(f"history: {exc}", path=str(path)) from None
