"""Reporters: pure functions ``render(result) -> str``, one per format.

``REPORTERS`` feeds the ``--format`` choices. Each module is imported only when used.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from pmo_lint.diagnostics import Result

Render = Callable[[Result], str]

# name -> module under pmo_lint.reporters that defines render(result)
REPORTERS: dict[str, str] = {
    "text": "text",
    "json": "json_report",
    "sarif": "sarif",
    "junit": "junit",
    "github": "github",
    "gitlab": "gitlab",
    "markdown": "markdown",
}


def get_renderer(name: str) -> Render:
    module = importlib.import_module(f"pmo_lint.reporters.{REPORTERS[name]}")
    render: Render = module.render
    return render
