"""A fresh portfolio made by `pmo-lint init` and `pmo-lint new`, for fix tests to break."""

from __future__ import annotations

from pathlib import Path

import pytest

from pmo_lint.cli import main


@pytest.fixture
def portfolio(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    root = tmp_path / "portfolio"
    assert main(["init", "--yes", str(root)]) == 0
    for argv in (["new", "project", "demo"], ["new", "risk", "r-001", "--project", "demo"]):
        assert main([*argv, "--dir", str(root), "--date", "2026-11-02"]) == 0
    capsys.readouterr()
    return root
