"""Options of one ``check`` run, importable without pydantic.

They live apart from the engine so that a run answered by the whole-run cache (a warm pre-commit
run) never imports the models: see :func:`pmo_lint.incremental.run_check`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from pmo_lint.diagnostics import Severity


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
    extra: dict[str, object] = field(default_factory=dict)
