"""The rule model shared by built-in Python rules and declarative (CEL) policies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Protocol

from pmo_lint.diagnostics import DataPath, Severity

if TYPE_CHECKING:  # the catalog pulls in pydantic; rule metadata must not
    from pmo_lint.facts.portfolio import Facts
    from pmo_lint.model.catalog import Catalog, LoadedEntity


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
class RuleContext:
    catalog: Catalog
    as_of: dt.date
    files: frozenset[str] = frozenset()  # every file in the portfolio (posix, relative)
    facts: object | None = None  # pmo_lint.facts.Facts once computed
    extra: dict[str, object] = field(default_factory=dict)

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
