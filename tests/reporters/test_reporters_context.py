"""Every reporter has one signature, ``report(result, context) -> str`` (pmo_lint/reporters/context.py)."""

from __future__ import annotations

import ast
import dataclasses
import io
from pathlib import Path

import pytest

from pmo_lint.diagnostics import Result
from pmo_lint.reporters import REPORTERS, ReportContext, get_renderer, get_reporter, github, text

PACKAGE = Path(__file__).resolve().parents[2] / "pmo_lint" / "reporters"


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("name", list(REPORTERS))
def test_a_report_to_a_file_is_the_pure_rendering(name: str, awkward: Result) -> None:
    assert get_reporter(name)(awkward, ReportContext()) == get_renderer(name)(awkward)


def test_text_on_a_terminal_is_decorated(awkward: Result) -> None:
    plain = text.report(awkward, ReportContext(stream=io.StringIO()))
    assert plain == text.render(awkward)
    coloured = text.report(awkward, ReportContext(stream=_Tty()))
    assert "\x1b[" in coloured
    assert "\x1b[" not in text.report(awkward, ReportContext(stream=_Tty(), env={"NO_COLOR": "1"}))


def test_text_statistics(awkward: Result) -> None:
    expected = text.render(awkward, text.TextOptions(statistics=True))
    assert text.report(awkward, ReportContext(statistics=True)) == expected
    assert get_reporter("json")(awkward, ReportContext(statistics=True)) == get_renderer("json")(awkward)


def test_github_writes_the_job_summary_it_is_given(tmp_path: Path, awkward: Result) -> None:
    target = tmp_path / "summary.md"
    out = github.report(awkward, ReportContext(env={"GITHUB_STEP_SUMMARY": str(target)}))
    assert target.read_text(encoding="utf-8") == github.step_summary(awkward)
    assert out == github.render(awkward, summary_written=True)


def test_github_warns_when_the_job_summary_cannot_be_written(tmp_path: Path, awkward: Result) -> None:
    warnings: list[str] = []
    context = ReportContext(env={"GITHUB_STEP_SUMMARY": str(tmp_path)}, warn=warnings.append)  # a folder
    out = github.report(awkward, context)
    assert out == github.render(awkward, summary_written=False)
    assert len(warnings) == 1 and warnings[0].startswith("cannot write the job summary: ")


def test_the_context_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        ReportContext().statistics = True  # type: ignore[misc]


def test_reporters_read_nothing_from_rules() -> None:
    offenders = []
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            offenders += [f"{path.name}: {n}" for n in names if n.startswith("pmo_lint.rules")]
    assert offenders == []
