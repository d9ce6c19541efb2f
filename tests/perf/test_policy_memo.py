"""The per-entity memo of policy results (cache/policy_memo.py) skips CEL for entities whose inputs did
not change, and never changes what a run reports: edits of data, of files that `exists()` looked
at, and of the configuration are all seen."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pmo_lint.cache import scan as scanning
from pmo_lint.diagnostics import Result
from pmo_lint.options import RunOptions
from pmo_lint.rules.policy import evaluator
from pmo_lint.run import check as run_check
from tests.conftest import ROOT

AS_OF = dt.date(2025, 6, 30)
PROJECT = "projects/customer-portal/project.yaml"
EVIDENCE = "docs/minutes/customer-portal-g2.md"


@pytest.fixture
def portfolio(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "portfolio"
    shutil.copytree(ROOT / "sample-portfolio", root, ignore=shutil.ignore_patterns(".pmo-lint-cache"))
    # a gate cites a file no other field names: only `exists()` in GOV016 looks at it
    project = root / PROJECT
    text = project.read_text()
    cited = "evidence: [docs/business-cases/customer-portal.md]"
    assert cited in text
    project.write_text(text.replace(cited, f"evidence: [docs/business-cases/customer-portal.md, {EVIDENCE}]"))
    (root / EVIDENCE).parent.mkdir(parents=True)
    (root / EVIDENCE).write_text("# G2 minutes\n")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("PMO_LINT_JOBS", "1")
    monkeypatch.delenv("PMO_LINT_NO_CACHE", raising=False)
    monkeypatch.setattr(scanning, "_RACY_NS", 0)  # trust file signatures at once (no waiting in tests)
    return root


@pytest.fixture
def evaluated(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Paths of the entities CEL evaluated, one entry per rule run."""
    seen: list[str] = []
    real = evaluator._run_rule

    def spy(rule: Any, context: Any, scope: Any, item: Any, style: Any = None) -> Any:
        seen.append(item.path)
        return real(rule, context, scope, item, style)

    monkeypatch.setattr(evaluator, "_run_rule", spy)
    yield seen


def check(root: Path, *, no_cache: bool = False) -> Result:
    return run_check(RunOptions(paths=(root,), as_of=AS_OF, no_cache=no_cache)).result


def codes_on(result: Result, path: str) -> set[str]:
    return {d.code for d in result.diagnostics if d.path == path}


def test_unchanged_entities_skip_cel_and_results_do_not_change(portfolio: Path, evaluated: list[str]) -> None:
    first = check(portfolio)
    everything = set(evaluated)
    assert PROJECT in everything and len(everything) > 50
    evaluated.clear()
    # one value of one risk changes: the whole-run answer is gone, but only that risk goes through CEL again
    risk = portfolio / "projects/customer-portal/risks/r-001.yaml"
    text = risk.read_text()
    assert "mitigationPlan: Support" in text
    risk.write_text(text.replace("mitigationPlan: Support", "mitigationPlan: Still support", 1))
    again = check(portfolio)
    assert set(evaluated) <= {"projects/customer-portal/risks/r-001.yaml", PROJECT}, set(evaluated)
    evaluated.clear()
    uncached = check(portfolio, no_cache=True)
    assert again.diagnostics == uncached.diagnostics
    assert [d.code for d in first.diagnostics] == [d.code for d in again.diagnostics]


def test_a_file_that_exists_looked_at_is_seen_when_it_goes(portfolio: Path, evaluated: list[str]) -> None:
    before = check(portfolio)
    assert "GOV016" not in codes_on(before, PROJECT)
    (portfolio / EVIDENCE).unlink()
    evaluated.clear()
    after = check(portfolio)
    assert PROJECT in evaluated, "the recorded exists() answer no longer holds: the project is evaluated again"
    assert "GOV016" in codes_on(after, PROJECT)
    assert after.diagnostics == check(portfolio, no_cache=True).diagnostics


def test_a_configuration_change_reevaluates_every_entity(portfolio: Path, evaluated: list[str]) -> None:
    check(portfolio)
    pmo = portfolio / "pmo.yaml"
    text = pmo.read_text()
    assert "statusReportMaxAgeDays:" in text
    pmo.write_text(text.replace("statusReportMaxAgeDays:", "statusReportMaxAgeDays: 1 #", 1))
    evaluated.clear()
    after = check(portfolio)
    assert PROJECT in evaluated
    fresh = check(portfolio, no_cache=True)
    assert after.diagnostics == fresh.diagnostics
    assert any(d.code == "TAC001" for d in fresh.diagnostics), "the change flips a verdict, so the test can fail"
