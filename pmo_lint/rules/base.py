"""The rule model shared by built-in Python rules and declarative (CEL) policies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any, Protocol

from pmo_lint.diagnostics import DataPath, Severity
from pmo_lint.diagnostics import RuleDocs as RuleDocs  # re-exported: rules declare their metadata from here
from pmo_lint.diagnostics import RuleMeta as RuleMeta

if TYPE_CHECKING:  # the catalog pulls in pydantic; rule metadata must not
    from pmo_lint.facts.portfolio import Facts
    from pmo_lint.model.catalog import Catalog, LoadedEntity


@dataclass(frozen=True)
class Finding:
    """What a rule reports; the engine stamps rule, code and severity and finds the line."""

    message: str
    entity: LoadedEntity | None = None
    data_path: DataPath = ()
    path: str | None = None  # a file other than the entity's
    line: int = 0
    col: int = 0
    severity: Severity | None = None


@dataclass(frozen=True)
class FileVersion:
    """One committed state of a file inside a change: who committed it and what it held."""

    commit: str
    email: str
    data: Mapping[str, Any] | None  # None when the file did not parse at that commit


@dataclass(frozen=True)
class ChangeSet:
    """What changed between a base and a head (PR mode, or a commit and its parent in ``history``)."""

    base: Catalog
    changed: frozenset[str]  # portfolio files (relative to the root) added, modified or deleted
    require_approver_commits: bool = False
    versions: Mapping[str, Sequence[FileVersion]] = field(default_factory=dict)  # path -> oldest first


@dataclass(frozen=True)
class RuleContext:
    catalog: Catalog
    as_of: dt.date
    files: frozenset[str] = frozenset()  # every file in the portfolio (posix, relative)
    facts: object | None = None  # pmo_lint.facts.Facts once computed
    changes: ChangeSet | None = None  # the change under review: change-control rules report only with one
    root: str = ""  # the portfolio's folder, for the rule that reads the repository's site configuration

    def all_facts(self) -> Facts:
        """The run's facts; computed here only when a rule runs on its own (tests, one rule's check)."""
        from pmo_lint.facts.portfolio import Facts

        if isinstance(self.facts, Facts):
            return self.facts
        from pmo_lint.facts import compute_facts

        return compute_facts(self.catalog, self.as_of, self.files)

    def file_exists(self, path: str) -> bool:
        return str(PurePosixPath(path)) in self.files


class Rule(Protocol):
    @property
    def meta(self) -> RuleMeta: ...

    def check(self, ctx: RuleContext) -> Iterable[Finding]: ...


@dataclass(frozen=True)
class FunctionRule:
    """A built-in rule: metadata plus a plain function over the context."""

    meta: RuleMeta
    func: Callable[[RuleContext], Iterable[Finding]]

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        return self.func(ctx)
