"""The one signature every reporter has: ``report(result, context) -> str``.

``context`` says where the report goes and what the run was asked for; a reporter reads from it what it
needs (the text format its terminal, the github format the job summary file) and nothing else, so the
command writing reports names no format. The pure ``render`` function of each module stays for tests.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import IO, Protocol

from pmo_lint.diagnostics import Result


def _quiet(_message: str) -> None:
    return None


@dataclass(frozen=True)
class ReportContext:
    statistics: bool = False  # counts per rule instead of each finding (text)
    stream: IO[str] | None = None  # the terminal stream the report is written to; None: a file
    env: Mapping[str, str] = field(default_factory=dict)  # NO_COLOR, FORCE_COLOR, GITHUB_STEP_SUMMARY...
    warn: Callable[[str], None] = _quiet  # a problem that does not stop the report (a summary not written)


class Reporter(Protocol):
    def __call__(self, result: Result, context: ReportContext, /) -> str: ...
