"""Golden files: every format rendered from the fixed awkward Result, byte for byte.

Regenerate after an intended change with ``PMO_LINT_UPDATE_GOLDEN=1 pytest tests/reporters`` and
review the diff like code.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from pmo_lint.diagnostics import Result
from pmo_lint.reporters import REPORTERS, get_renderer, github, markdown, text

GOLDEN = Path(__file__).resolve().parent / "golden"


def _source_lines(result: Result) -> dict[tuple[str, int], str]:
    return {
        ("projects/crm.yaml", 3): "  owner: person:nobody\t# tab \x1b[2J",
        ("projects/Zürich, ops%20.yaml", 12): "  reportDate: 2026-02-19",
    }


RENDERS: dict[str, Callable[[Result], str]] = {
    **{name: get_renderer(name) for name in REPORTERS},
    "text-terminal": lambda r: text.render(r, text.TextOptions(color=True, source_lines=_source_lines(r))),
    "text-statistics": lambda r: text.render(r, text.TextOptions(statistics=True)),
    "github-with-summary": lambda r: github.render(r, summary_written=True),
    "markdown-capped": lambda r: markdown.render(r, max_bytes=900),
}
SUFFIX = {
    "json": ".json",
    "sarif": ".sarif",
    "junit": ".xml",
    "gitlab": ".json",
    "markdown": ".md",
    "markdown-capped": ".md",
}


def check_golden(name: str, rendered: str) -> None:
    path = GOLDEN / f"{name}{SUFFIX.get(name, '.txt')}"
    data = rendered.encode("utf-8")
    if os.environ.get("PMO_LINT_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
    assert path.exists(), f"{path} is missing; run with PMO_LINT_UPDATE_GOLDEN=1 to create it"
    assert data == path.read_bytes(), f"{name} output differs from {path.name}"


@pytest.mark.parametrize("name", sorted(RENDERS))
def test_golden(name: str, awkward: Result) -> None:
    check_golden(name, RENDERS[name](awkward))


@pytest.mark.parametrize("name", sorted(RENDERS))
def test_byte_identical_across_renders(name: str, make_result: Callable[..., Result]) -> None:
    # two separately built Results, as two runs would give
    assert RENDERS[name](make_result()) == RENDERS[name](make_result())


def test_every_registered_format_has_a_golden() -> None:
    assert set(REPORTERS) <= set(RENDERS)
    assert {"text", "json", "sarif", "junit", "github", "gitlab", "markdown"} <= set(REPORTERS)
