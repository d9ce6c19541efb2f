"""Positions of cross-file findings are kept by file content (cache/locations.py): an unchanged file is not
parsed again to find its lines, and a file whose lines moved gets its new positions."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import pytest

from pmo_lint import engine
from pmo_lint.cache import scan as scanning
from pmo_lint.diagnostics import Result
from pmo_lint.options import RunOptions
from pmo_lint.run import check as run_check
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from generate import write

AS_OF = dt.date(2025, 6, 30)


@pytest.fixture
def portfolio(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "portfolio"
    root.mkdir()
    write(root, 50, 7)  # project 42 carries cross-file findings (a dangling sponsor)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("PMO_LINT_JOBS", "1")
    monkeypatch.delenv("PMO_LINT_NO_CACHE", raising=False)
    monkeypatch.delenv("PMO_LINT_CACHE_DIR", raising=False)
    monkeypatch.setattr(scanning, "_RACY_NS", 0)  # trust file signatures at once (no waiting in tests)
    return root


def check(root: Path, *, no_cache: bool = False) -> Result:
    return run_check(RunOptions(paths=(root,), as_of=AS_OF, no_cache=no_cache)).result


def test_positions_come_from_the_cache_until_the_file_changes(portfolio: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[int] = []
    real = engine.parse_bytes

    def spy(raw: bytes, limits: Any) -> Any:
        parsed.append(len(raw))
        return real(raw, limits)

    monkeypatch.setattr(engine, "parse_bytes", spy)
    first = check(portfolio)
    target = "projects/chain-000042/project.yaml"
    located = [d for d in first.diagnostics if d.path == target and d.data_path]
    assert located and all(d.line > 1 for d in located), "cross-file findings with data paths to locate"
    assert parsed, "the first run parses the files with findings for their lines"
    other = portfolio / "people" / "person-000003.yaml"
    other.write_text(other.read_text().replace("displayName: ", "displayName: Dr ", 1))  # a whole-run miss
    parsed.clear()
    second = check(portfolio)
    assert parsed == [], "no file with findings changed: every position is known"
    assert second.diagnostics == check(portfolio, no_cache=True).diagnostics
    # two lines more at the top: the same findings, two lines lower, from a fresh parse
    path = portfolio / target
    path.write_text("# moved\n# down\n" + path.read_text())
    parsed.clear()
    third = check(portfolio)
    assert len(parsed) == 1
    moved = {(d.code, d.data_path): d.line for d in third.diagnostics if d.path == target and d.data_path}
    assert moved == {(d.code, d.data_path): d.line + 2 for d in located}
    assert third.diagnostics == check(portfolio, no_cache=True).diagnostics
