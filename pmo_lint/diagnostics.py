"""The finding model every layer shares: Severity, Diagnostic, rule metadata and Result.

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
class RuleDocs:
    """User documentation; ``pmo-lint explain`` and the site are generated from it."""

    what: str
    why: str
    example: str  # YAML that makes the rule fire
    use_instead: str  # YAML that passes
    options: str = ""


@dataclass(frozen=True)
class RuleMeta:
    """What a rule is, apart from what it does: reporters and the site read this and nothing of ``rules/``."""

    id: str  # kebab-case, e.g. "unknown-reference"
    code: str  # stable, e.g. "PMO007"
    title: str
    severity: Severity
    pack: str  # "core" or one of the five PMO types, or a custom pack name
    docs: RuleDocs
    kinds: tuple[str, ...] = ()  # kinds it looks at; () = the whole portfolio
    fixable: bool = False
    standard: str = ""  # the standard or PMO responsibility it enforces
    source: str = ""  # where it is defined (a policy file and line), for messages
    can_disable: bool = True  # load problems cannot be turned off: a file not understood never passes
    # fields it reads, for the data-model reference: "Kind:spec.path" or, for a rule of one kind, "spec.path"
    # ("[]" for list items); declarative rules leave it empty, their expressions say it
    reads: tuple[str, ...] = ()
    # it has a page in the project's rule reference (built-in rules and shipped packs; set by the registry)
    documented: bool = field(default=False, compare=False)


@dataclass(frozen=True)
class Table:
    """A titled table of plain text a report shows as it is (the change impact of a pull request).

    Cells are data, never markup: each format escapes them its own way."""

    title: str
    headers: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    note: str = ""  # one sentence under the title: what the table means, or why it is empty
    numeric: tuple[int, ...] = ()  # the columns aligned right (amounts, percents, days)


@dataclass(frozen=True)
class PrSummary:
    """PR mode's comparison: the base named, the branch, and how many findings are new."""

    base_ref: str
    branch: str
    new: int
    existing: int
    new_only: bool
    impact: tuple[Table, ...] = ()  # the change impact (``pmo_lint.impact``), when the run computed it


@dataclass(frozen=True)
class HeldBack:
    """Findings held back because the project file they depend on is invalid (a cascade)."""

    count: int
    projects: tuple[str, ...]


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
    rules: tuple[RuleMeta, ...] | None = field(default=None, compare=False)  # every rule the run knew
    fail_on: Severity = Severity.ERROR  # the configured threshold of a failing run
    config_source: str = ""  # the configuration file read ("" for the defaults)
    path_prefix: str = ""  # the portfolio's folder in its Git repository ("sub/dir/"), for every path shown
    pr: PrSummary | None = None
    held_back: HeldBack | None = None

    def counts(self) -> dict[str, int]:
        out = {s.label: 0 for s in sorted(Severity, reverse=True)}
        for d in self.diagnostics:
            out[d.severity.label] += 1
        return out

    def failing(self, threshold: Severity, *, new_only: bool = False) -> list[Diagnostic]:
        return [
            d for d in self.diagnostics if d.severity >= threshold and (not new_only or d.baseline_state != "existing")
        ]
