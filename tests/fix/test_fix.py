"""`pmo-lint fix` and `check --fix`: what is fixed, what is left alone, and that nothing else changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from pmo_lint.cli import main
from pmo_lint.rules.fixes import FIXES
from pmo_lint.rules.registry import all_metas
from tests.conftest import git, run_cli
from tests.conftest import portfolio_files as snapshot

STATUS = "projects/demo/status/2026-11-20.yaml"
CLEAN_STATUS = """\
# yaml-language-server: $schema=../../../.pmo-lint/schemas/statusreport.schema.json
apiVersion: pmo-lint/v1
kind: StatusReport
metadata:
  name: 2026-11-20   # the report date
  namespace: demo
spec:
  reportDate: 2026-11-20
  author: person:pmo-lead
  health:
    overall: {rag: green}
    schedule:
      rag: 'amber'   # late by a week
      comment: "waiting for the vendor"
    cost: {rag: "red", comment: over}
    resources: {rag: green}
    scope: {rag: green}
  executiveSummary: On track.
  percentComplete: 10
"""


def _broken(text: str) -> str:
    return (
        text.replace("apiVersion: pmo-lint/v1\n", "")
        .replace("kind: StatusReport", "kind: status-report")
        .replace("{rag: green}", "{rag: Green}", 1)
        .replace("'amber'", "'AMBER'")
        .replace('"red"', '"Red"')
    )


def _fix(root: Path, *args: str) -> int:
    return main(["fix", *args, str(root)])


def test_fixes_kind_enum_spelling_and_missing_api_version(portfolio: Path) -> None:
    target = portfolio / STATUS
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(_broken(CLEAN_STATUS), encoding="utf-8")
    assert _fix(portfolio) == 0
    assert target.read_text(encoding="utf-8") == CLEAN_STATUS
    assert main(["check", str(portfolio)]) == 0


def test_crlf_and_bom_survive(portfolio: Path) -> None:
    target = portfolio / STATUS
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"\xef\xbb\xbf" + _broken(CLEAN_STATUS).replace("\n", "\r\n").encode())
    assert _fix(portfolio) == 0
    assert target.read_bytes() == b"\xef\xbb\xbf" + CLEAN_STATUS.replace("\n", "\r\n").encode()


def test_files_with_nothing_to_fix_are_not_rewritten(portfolio: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(portfolio)
    mtimes = {p: (portfolio / p).stat().st_mtime_ns for p in before}
    assert _fix(portfolio) == 0
    assert snapshot(portfolio) == before
    assert {p: (portfolio / p).stat().st_mtime_ns for p in before} == mtimes
    assert "nothing to fix" in capsys.readouterr().err


def test_diff_shows_the_change_and_writes_nothing(portfolio: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = portfolio / STATUS
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(_broken(CLEAN_STATUS), encoding="utf-8")
    before = snapshot(portfolio)
    assert _fix(portfolio, "--diff") == 1
    out = capsys.readouterr().out
    assert snapshot(portfolio) == before
    assert f"--- a/{STATUS}\n+++ b/{STATUS}\n" in out
    assert "-kind: status-report\n" in out
    assert "+apiVersion: pmo-lint/v1\n+kind: StatusReport\n" in out
    assert "+      rag: 'amber'   # late by a week\n" in out
    assert _fix(portfolio) == 0
    assert _fix(portfolio, "--diff") == 0
    assert capsys.readouterr().out == ""


def test_fix_is_idempotent(portfolio: Path) -> None:
    target = portfolio / STATUS
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(_broken(CLEAN_STATUS), encoding="utf-8")
    assert _fix(portfolio) == 0
    once = snapshot(portfolio)
    assert _fix(portfolio) == 0
    assert snapshot(portfolio) == once


def test_check_fix_fixes_then_reports_what_is_left(portfolio: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = portfolio / STATUS
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(_broken(CLEAN_STATUS).replace("{rag: Green}", "{rag: purple}"), encoding="utf-8")
    assert main(["check", "--fix", str(portfolio)]) == 1
    captured = capsys.readouterr()
    assert "fixed PMO004 kind: 'status-report' -> 'StatusReport'" in captured.err
    assert "'purple' is not one of" in captured.out
    text = target.read_text(encoding="utf-8")
    assert "apiVersion: pmo-lint/v1\nkind: StatusReport\n" in text
    assert "{rag: purple}" in text


def test_a_file_that_does_not_parse_is_reported_and_left_alone(
    portfolio: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = portfolio / STATUS
    target.parent.mkdir(parents=True, exist_ok=True)
    raw = b"kind: statusreport\nspec: {rag: Green\n"
    target.write_bytes(raw)
    assert _fix(portfolio) == 2
    err = capsys.readouterr().err
    assert f"{STATUS}:2:" in err and "not fixed" in err
    assert "Traceback" not in err
    assert target.read_bytes() == raw


@pytest.mark.parametrize(
    ("field", "written", "fixed"),
    [
        ("state", "On-Hold", "on-hold"),
        ("state", "ON HOLD", "on-hold"),
        ("state", "on_hold", "on-hold"),
        ("category", "Strategic", "strategic"),
        ("currency", "eur", "EUR"),
    ],
)
def test_enum_and_currency_spelling(portfolio: Path, field: str, written: str, fixed: str) -> None:
    project = portfolio / "projects/demo/project.yaml"
    text = project.read_text(encoding="utf-8")
    current = {"state": "state: active", "category": "category: strategic", "currency": "currency: EUR"}[field]
    assert current in text
    project.write_text(text.replace(current, f"{field}: {written}"), encoding="utf-8")
    assert _fix(portfolio) == 0
    assert project.read_text(encoding="utf-8") == text.replace(current, f"{field}: {fixed}")


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ("    state: actve", "a typo is a guess, not a spelling"),
        ("    state: &s On-Hold", "an anchored value may be used elsewhere"),
        ("    state: |\n      On-Hold", "block scalars are text"),
    ],
)
def test_unsafe_cases_are_left_alone(portfolio: Path, line: str, why: str) -> None:
    project = portfolio / "projects/demo/project.yaml"
    text = project.read_text(encoding="utf-8").replace("    state: active", line)
    project.write_text(text, encoding="utf-8")
    assert _fix(portfolio) == 0, why
    assert project.read_text(encoding="utf-8") == text, why


def test_yaml11_words_are_quoted_but_numbers_are_not(portfolio: Path) -> None:
    project = portfolio / "projects/demo/project.yaml"
    text = project.read_text(encoding="utf-8")
    labelled = text.replace("  title: Demo\n", "  title: Demo\n  labels: {country: NO, code: '7', legacy: 012}\n")
    project.write_text(labelled, encoding="utf-8")
    assert _fix(portfolio) == 0
    assert project.read_text(encoding="utf-8") == labelled.replace("country: NO", 'country: "NO"')


def test_ignored_rules_are_not_fixed(portfolio: Path) -> None:
    project = portfolio / "projects/demo/project.yaml"
    text = project.read_text(encoding="utf-8").replace("  title: Demo\n", "  title: Demo\n  labels: {eu: yes}\n")
    project.write_text(text, encoding="utf-8")
    assert _fix(portfolio, "--ignore", "PMO010") == 0
    assert project.read_text(encoding="utf-8") == text


def test_fixable_flag_matches_the_fix_registry() -> None:
    fixable = {m.id for m in all_metas() if m.fixable}
    assert fixable == set(FIXES)


def test_a_file_changed_during_the_fix_is_not_overwritten(portfolio: Path) -> None:
    from pmo_lint.fixer import plan, write
    from pmo_lint.options import RunOptions

    target = portfolio / STATUS
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(_broken(CLEAN_STATUS), encoding="utf-8")
    report = plan(RunOptions(paths=(portfolio,), no_cache=True))
    assert [f.rel for f in report.changed] == [STATUS]
    target.write_text("# edited meanwhile\n" + _broken(CLEAN_STATUS), encoding="utf-8")
    skipped = write(report)
    assert [(item.rel, "changed while" in reason) for item, reason in skipped] == [(STATUS, True)]
    assert target.read_text(encoding="utf-8").startswith("# edited meanwhile\n")
    assert not list(target.parent.glob(".*.tmp"))


def test_fix_keeps_the_file_mode(portfolio: Path) -> None:
    target = portfolio / STATUS
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(_broken(CLEAN_STATUS), encoding="utf-8")
    target.chmod(0o640)
    assert _fix(portfolio) == 0
    assert target.stat().st_mode & 0o777 == 0o640
    assert target.read_text(encoding="utf-8") == CLEAN_STATUS


def test_a_portfolio_in_a_subfolder_gets_repository_paths_and_a_diff_git_applies(tmp_path: Path) -> None:
    """A repository whose portfolio is `pmo/`: fix names files as check does (from the repository's top), and
    `fix --diff` run there is a patch `git apply` takes as it is."""
    repo = tmp_path / "repo"
    assert main(["init", "--yes", str(repo / "pmo")]) == 0
    assert main(["new", "project", "demo", "--dir", str(repo / "pmo"), "--date", "2026-11-02"]) == 0
    git(repo, "init", "-q")
    target = repo / "pmo" / STATUS
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(_broken(CLEAN_STATUS), encoding="utf-8")
    res = run_cli("fix", "--diff", "pmo", cwd=repo)
    assert res.code == 1, res.err
    assert f"--- a/pmo/{STATUS}\n+++ b/pmo/{STATUS}\n" in res.out
    assert f"pmo/{STATUS}: would fix " in res.err
    checked = run_cli("check", "pmo", cwd=repo)
    assert f"pmo/{STATUS}:" in checked.out  # the same path check prints
    (tmp_path / "fix.patch").write_text(res.out, encoding="utf-8")
    git(repo, "apply", str(tmp_path / "fix.patch"))
    assert target.read_text(encoding="utf-8") == CLEAN_STATUS
