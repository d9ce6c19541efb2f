"""The typed interface of a run: what goes into a ``check`` and what comes out. Importable without
pydantic, so a run the whole-run cache answers (a warm pre-commit run) never loads the models.

``RunOptions`` is what a user can say (the command line, the configuration's overrides);
``RunInputs`` is what PR mode, ``history``, the site and ``test-policies`` hand in besides (a
revision read from git, the change under review, rule packs already loaded). A run with inputs is
never answered from the whole-run cache: its inputs are not on disk for the cache key to see.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pmo_lint.diagnostics import Result, Severity

if TYPE_CHECKING:
    from pmo_lint.cache.policy_memo import PolicyMemo
    from pmo_lint.cache.scan import Scan
    from pmo_lint.config import Config
    from pmo_lint.facts import Facts
    from pmo_lint.loader.discover import SourceFile
    from pmo_lint.model.catalog import Catalog
    from pmo_lint.outcome import FileOutcome
    from pmo_lint.rules.base import ChangeSet
    from pmo_lint.rules.policy import PolicySet

    # a portfolio read some other way than from the working tree: (every file's outcome, the sources)
    Loader = Callable[[Path, Config], tuple[list[FileOutcome], list[SourceFile]]]


@dataclass(frozen=True)
class RunOptions:
    paths: tuple[Path, ...] = (Path(),)
    config_path: Path | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    as_of: dt.date | None = None
    fail_on: Severity | None = None
    no_cache: bool = False


@dataclass(frozen=True)
class RunInputs:
    """What a caller hands a run besides the options (every field optional)."""

    config: Config | None = None  # the configuration, when the caller has read it already (PR mode, history)
    load: Loader | None = None  # the portfolio's files, when not read from the working tree
    files: frozenset[str] | None = None  # every file of that portfolio (documents), when not scanned
    changes: ChangeSet | None = None  # the change under review, for the change-control rules
    locate: bool = True  # find the lines of cross-file findings (a base revision is matched by fingerprint)
    policies: PolicySet | None = None  # rule packs already loaded by an earlier run of the same command
    extra_policies: tuple[Path, ...] = ()  # rule packs beside the configured ones (test-policies)
    waived_rules: bool = False  # also run the rules the portfolio's waivers name (PR mode's base run)
    keep_model: bool = False  # the caller needs the catalog and facts (the site): no whole-run answer
    scan: Scan | None = None  # the tree's scan with the cache open (set by ``run.check``)
    policy_memo: PolicyMemo | None = None  # CEL results of the runs before, kept in memory (history)


@dataclass(frozen=True)
class Run:
    """What a run gives: the Result every reporter reads; the catalog, facts and rule packs behind it
    (None when the whole-run cache answered)."""

    result: Result
    catalog: Catalog | None = None
    facts: Facts | None = None
    policies: PolicySet | None = None
