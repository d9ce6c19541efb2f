"""Reporters, one module per format, each with the same two functions:

- ``report(result, context) -> str`` (see ``pmo_lint.reporters.context``): what ``check`` writes; the
  context says where the report goes (a terminal, a file) and what the run was asked for;
- ``render(result) -> str``: the pure rendering, with the format's own keyword options.

``REPORTERS`` feeds the ``--format`` choices. Each module is imported only when used.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from pmo_lint.diagnostics import Result
from pmo_lint.reporters.context import ReportContext, Reporter

Render = Callable[[Result], str]

# name -> module under pmo_lint.reporters that defines report(result, context) and render(result)
REPORTERS: dict[str, str] = {
    "text": "text",
    "json": "json_report",
    "sarif": "sarif",
    "junit": "junit",
    "github": "github",
    "gitlab": "gitlab",
    "markdown": "markdown",
}

__all__ = ["REPORTERS", "Render", "ReportContext", "Reporter", "get_renderer", "get_reporter"]


def get_reporter(name: str) -> Reporter:
    module = importlib.import_module(f"pmo_lint.reporters.{REPORTERS[name]}")
    report: Reporter = module.report
    return report


def get_renderer(name: str) -> Render:
    module = importlib.import_module(f"pmo_lint.reporters.{REPORTERS[name]}")
    render: Render = module.render
    return render
