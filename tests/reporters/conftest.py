"""A fixed Result full of awkward text, shared by every reporter test.

Rule metadata is given explicitly (not read from the registry), so the goldens change only when a
reporter does. The tool version is pinned for the same reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from pmo_lint.diagnostics import Diagnostic, Result, Severity, Suppression, sort_diagnostics
from pmo_lint.rules.base import RuleDocs, RuleMeta

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden"
SCHEMAS = HERE.parent / "schemas"
AS_OF = dt.date(2026, 3, 31)
NASTY = "quote \" apostrophe ' <script>alert(1)</script> 100% a,b c:d `tick` | pipe [x](http://e.x) $m$ @team"

METAS = [
    RuleMeta(
        id="syntax",
        code="PMO001",
        title="File is well-formed YAML 1.2",
        severity=Severity.ERROR,
        pack="core",
        documented=True,  # a built-in rule: it has a page in the rule reference
        can_disable=False,
        standard="GOV-01",
        docs=RuleDocs(
            what="The file parses as YAML 1.2.",
            why="A file that does not parse cannot be checked.",
            example="kind: Person\nmetadata:\n  name: a\n  name: b\n",
            use_instead="kind: Person\nmetadata:\n  name: a\n",
        ),
    ),
    RuleMeta(
        id="unknown-reference",
        code="PMO007",
        title="References point at existing entities",
        severity=Severity.ERROR,
        pack="core",
        documented=True,
        docs=RuleDocs(
            what="Every reference such as `owner: person:jdoe` names an entity that exists.",
            why="A dangling reference hides who is accountable.",
            example="spec:\n  owner: person:nobody  # ``` a fence inside\n",
            use_instead="spec:\n  owner: person:jdoe\n",
            options="None.",
        ),
    ),
    RuleMeta(
        id="stale-status",
        code="TAC004",
        title="Status reports are current",
        severity=Severity.WARNING,
        pack="tactical",
        documented=True,
        fixable=True,
        source="<pmo-lint>/policies/tactical.yaml:40",  # a shipped pack's rule: documented on the site
        docs=RuleDocs(what="", why="", example="", use_instead=""),
    ),
]


def _d(
    code: str, rule: str, severity: Severity, message: str, path: str, line: int, col: int, **kw: object
) -> Diagnostic:
    return Diagnostic(rule, code, severity, message, path, line, col, **kw)  # type: ignore[arg-type]


def _awkward_result(**fields: object) -> Result:
    diagnostics = [
        _d(
            "PMO007",
            "unknown-reference",
            Severity.ERROR,
            NASTY + "\nsecond line",
            "projects/crm.yaml",
            3,
            5,
            data_path=("spec", "owner"),
            entity="project:crm",
            baseline_state="new",
        ),
        _d(
            "PMO007",
            "unknown-reference",
            Severity.ERROR,
            "sponsor person:ghost does not exist; add people/ghost.yaml",
            "projects/crm.yaml",
            3,
            5,
            data_path=("spec", "sponsor"),
            entity="project:crm",
            end_line=3,
            end_col=17,
            baseline_state="existing",
        ),
        _d(
            "TAC004",
            "stale-status",
            Severity.WARNING,
            "latest status report is 40 days old\r\n::error::injected",
            "projects/Zürich, ops%20.yaml",
            12,
            1,
            entity="project:zürich",
        ),
        _d(
            "PMO001",
            "syntax",
            Severity.ERROR,
            "control \x00\x07\x1b[31mred\x1b[0m and bidi \u202eevil\u202c",
            "risks/\u202eevil.yaml",
            1,
            1,
        ),
        _d("GOV099", "budget-approved", Severity.INFO, "portfolio budget not approved | " + NASTY, "", 0, 0),
        _d("PMO007", "unknown-reference", Severity.INFO, "file-level note", "projects/crm.yaml", 0, 0),
    ]
    suppressed = [
        _d(
            "PMO007",
            "unknown-reference",
            Severity.ERROR,
            "owner person:old is unknown",
            "projects/erp.yaml",
            7,
            3,
            data_path=("spec", "owner"),
            entity="project:erp",
            suppression=Suppression("inline", "reviewed: person moves in Q2"),
        ),
        _d(
            "TAC004",
            "stale-status",
            Severity.WARNING,
            "latest status report is 90 days old",
            "projects/erp.yaml",
            1,
            1,
            entity="project:erp",
            suppression=Suppression("waiver", "approved <b>paused</b> & on hold", "waiver:erp-paused"),
        ),
    ]
    return Result(
        root="/portfolio",
        as_of=AS_OF,
        files_checked=7,
        diagnostics=tuple(sort_diagnostics(diagnostics)),
        suppressed=tuple(sort_diagnostics(suppressed)),
        rules=tuple(METAS),
        fail_on=Severity.ERROR,
        **fields,  # type: ignore[arg-type]
    )


@pytest.fixture
def awkward() -> Result:
    return _awkward_result()


@pytest.fixture
def make_result() -> Callable[..., Result]:
    """The awkward Result with other fields (e.g. ``path_prefix``)."""
    return _awkward_result


@pytest.fixture(autouse=True)
def _pinned_version(monkeypatch: pytest.MonkeyPatch) -> None:
    for module in ("json_report", "sarif"):
        monkeypatch.setattr(f"pmo_lint.reporters.{module}.__version__", "0.0.0-test")
