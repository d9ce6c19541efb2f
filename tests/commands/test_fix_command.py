"""`pmo-lint fix`'s report on standard error: each file left alone is named once, with why."""

from __future__ import annotations

from pathlib import Path

import pytest

from pmo_lint.cli import main
from pmo_lint.commands.fix import report_fixes
from pmo_lint.fixer import FileFix, FixReport


def test_a_file_that_does_not_parse_says_not_fixed_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "portfolio"
    assert main(["init", "--yes", str(root)]) == 0
    (root / "people" / "broken.yaml").parent.mkdir(exist_ok=True)
    (root / "people" / "broken.yaml").write_text("kind: person\nspec: {name: a\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["fix", str(root)]) == 2
    lines = [line for line in capsys.readouterr().err.splitlines() if "people/broken.yaml" in line]
    assert len(lines) == 1
    assert lines[0].startswith("people/broken.yaml:2:")
    assert lines[0].count("not fixed") == 1


@pytest.mark.parametrize("problem", ["not fixed: bad quoting", "bad quoting"])
def test_report_names_the_problem_once(problem: str, capsys: pytest.CaptureFixture[str]) -> None:
    report = FixReport(Path(), (FileFix("a.yaml", b"", b"", problem=problem, line=3, col=1),))
    report_fixes(report, verb="fixed")
    assert capsys.readouterr().err.splitlines() == ["a.yaml:3:1: not fixed: bad quoting"]
