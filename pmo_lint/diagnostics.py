"""The finding model every layer shares: Severity, Diagnostic and Result.

Diagnostics are frozen and totally ordered so that every output is byte-stable.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


class Severity(enum.IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r}; use error, warning or info") from None


DataPath = tuple[str | int, ...]


def format_data_path(path: Sequence[str | int]) -> str:
    """Render ``("spec", "milestones", 2, "forecastDate")`` as ``spec.milestones[2].forecastDate``."""
    out: list[str] = []
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        else:
            out.append(f".{part}" if out else part)
    return "".join(out)


@dataclass(frozen=True, order=True)
class Span:
    """1-based line and column of the start of a value; end is exclusive."""

    line: int
    col: int
    end_line: int = 0
    end_col: int = 0


@dataclass(frozen=True)
class Suppression:
    """Why a finding is hidden: an inline comment or a Waiver entity."""

    kind: str  # "inline" or "waiver"
    justification: str
    waiver: str | None = None  # waiver reference when kind == "waiver"


@dataclass(frozen=True)
class Diagnostic:
    rule: str  # kebab-case id, e.g. "unknown-reference"
    code: str  # stable code, e.g. "PMO006"
    severity: Severity
    message: str
    path: str  # posix path relative to the portfolio root ("" for portfolio-wide findings)
    line: int = 0  # 1-based; 0 when unknown (the engine fills it from data_path)
    col: int = 0
    end_line: int = 0
    end_col: int = 0
    data_path: DataPath = ()
    entity: str = ""  # canonical reference of the entity, e.g. "project:crm-migration"
    suppression: Suppression | None = None
    baseline_state: str = ""  # "new" / "existing" in PR mode, else ""

    @property
    def data_path_text(self) -> str:
        return format_data_path(self.data_path)

    @property
    def fingerprint(self) -> str:
        """Line-independent identity: rule + entity (or file) + data path."""
        anchor = self.entity or self.path
        raw = "\x1f".join((self.rule, anchor, self.data_path_text, self._message_key()))
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]

    def _message_key(self) -> str:
        # Findings without a data path (file-level) differ only by message; keep them apart.
        return "" if self.data_path else self.message

    def sort_key(self) -> tuple[str, int, int, str, str, str]:
        return (self.path, self.line, self.col, self.code, self.data_path_text, self.message)

    def replace(self, **changes: object) -> Diagnostic:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


def sort_diagnostics(items: Iterable[Diagnostic]) -> list[Diagnostic]:
    return sorted(items, key=Diagnostic.sort_key)


@dataclass(frozen=True)
class Result:
    """Everything one run found. Reporters are pure functions of this."""

    root: str
    as_of: dt.date
    files_checked: int
    diagnostics: tuple[Diagnostic, ...]  # active findings, sorted
    suppressed: tuple[Diagnostic, ...] = ()  # hidden by inline comments or waivers, sorted
    base: str = ""  # PR mode: base and head refs
    head: str = ""
    extra: dict[str, object] = field(default_factory=dict, compare=False)

    def counts(self) -> dict[str, int]:
        out = {s.label: 0 for s in sorted(Severity, reverse=True)}
        for d in self.diagnostics:
            out[d.severity.label] += 1
        return out

    def failing(self, threshold: Severity, *, new_only: bool = False) -> list[Diagnostic]:
        return [
            d for d in self.diagnostics if d.severity >= threshold and (not new_only or d.baseline_state != "existing")
        ]
