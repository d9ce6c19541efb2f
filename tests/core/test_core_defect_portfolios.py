"""Each portfolio under tests/portfolios/ reports exactly the finding its README promises."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import PORTFOLIOS, run_cli, snapshot

# folder -> (file, line, column, code, message fragment); keep in step with tests/portfolios/README.md
EXPECTED: dict[str, tuple[str, int, int, str, str]] = {
    "syntax-error": ("people/jo-doe.yaml", 10, 11, "PMO001", "started on line 9"),
    "wrong-type-nested": ("people/jo-doe.yaml", 11, 19, "PMO004", "'forty'"),
    "unknown-key": ("people/jo-doe.yaml", 10, 3, "PMO004", "did you mean 'capacity'?"),
    "dangling-owner": ("programs/digital.yaml", 7, 10, "PMO007", "'person:nobody'"),
    "duplicate-key": ("people/jo-doe.yaml", 6, 3, "PMO001", "first defined on line 5"),
}


def test_every_folder_is_listed_in_the_readme() -> None:
    folders = sorted(p.name for p in PORTFOLIOS.iterdir() if (p / "pmo.yaml").is_file())
    assert folders == sorted([*EXPECTED, "clean"])
    readme = (PORTFOLIOS / "README.md").read_text(encoding="utf-8")
    for folder, (rel, line, col, code, _fragment) in EXPECTED.items():
        assert f"`{folder}`" in readme and f"`{rel}:{line}:{col}` `{code}`" in readme, folder


@pytest.mark.parametrize("folder", sorted(EXPECTED))
def test_defect_gives_its_one_finding(folder: str, tmp_path: Path) -> None:
    root = PORTFOLIOS / folder
    before = snapshot(root)
    result = run_cli(
        "check", str(root), "--as-of", "2025-06-30", "--format", "json", env={"PMO_LINT_CACHE_DIR": str(tmp_path)}
    )
    assert result.code == 1, result.err
    assert "Traceback" not in result.out + result.err
    doc = json.loads(result.out)
    findings = doc["diagnostics"]
    rel, line, col, code, fragment = EXPECTED[folder]
    inside = doc["portfolioPath"] + "/" if doc["portfolioPath"] else ""  # paths are repository-relative
    assert [(d["path"], d["line"], d["column"], d["code"]) for d in findings] == [(inside + rel, line, col, code)], (
        findings
    )
    assert fragment in findings[0]["message"]
    assert snapshot(root) == before
