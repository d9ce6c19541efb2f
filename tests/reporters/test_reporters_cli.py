"""End to end: `pmo-lint check` on a tiny portfolio, several formats in one run."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from pmo_lint.cli import main
from tests.conftest import PORTFOLIOS, git, run_cli
from tests.reporters.schema_check import assert_valid_gitlab, assert_valid_junit, assert_valid_sarif

# the clean tiny portfolio's configuration (tests/portfolios/clean), without its people
PMO = (PORTFOLIOS / "clean" / "pmo.yaml").read_text(encoding="utf-8")
PERSON = (
    "apiVersion: pmo-lint/v1\nkind: Person\nmetadata:\n  name: {name}\nspec:\n  profile: {{displayName: {display}}}\n"
)
FILES = {
    "pmo.yaml": PMO,
    "people/ok.yaml": PERSON.format(name="ok", display="Ok Person") + "  roles: [project-manager]\n",
    "people/dup.yaml": "apiVersion: pmo-lint/v1\nkind: Person\nmetadata:\n  name: dup\n  name: dup2\n",
    "people/bad, <b>.yaml": PERSON.format(name="bad", display='"<script> 100%, a:b \\u202e"') + "  roles: 5\n",
}
FORMATS = {"sarif": "out/report.sarif", "junit": "out/junit.xml", "gitlab": "out/gl.json", "json": "out/r.json"}
FORMATS["markdown"] = "out/summary.md"

WriteFiles = Callable[[Path, Mapping[str, str | bytes]], Path]


def _check_all(portfolio: Path, *extra: str) -> tuple[int, str, dict[str, bytes]]:
    args = ["check", "--as-of", "2026-03-31", "--format", "text", *extra]
    for name, target in FORMATS.items():
        args += ["--format", f"{name}={target}"]
    res = run_cli(*args, cwd=portfolio)
    assert res.err == "", res.err
    return res.code, res.out, {name: (portfolio / target).read_bytes() for name, target in FORMATS.items()}


def test_check_writes_every_format_valid_and_stable(tmp_path: Path, write_files: WriteFiles) -> None:
    portfolio = write_files(tmp_path / "p", FILES)
    code, out, files = _check_all(portfolio)
    assert code == 1
    assert "people/dup.yaml:5:3: PMO001 [error]" in out
    assert out.splitlines()[-1].startswith("Found 2 findings (2 errors) in 4 files, as of 2026-03-31")
    sarif = assert_valid_sarif(files["sarif"].decode())
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]}
    assert uris == {"people/dup.yaml", "people/bad%2C%20%3Cb%3E.yaml"}
    assert_valid_junit(files["junit"].decode())
    assert len(assert_valid_gitlab(files["gitlab"].decode())) == 2
    assert json.loads(files["json"])["summary"]["error"] == 2
    assert b"&lt;b&gt;" in files["markdown"]
    # a second run gives the same bytes everywhere
    assert _check_all(portfolio) == (code, out, files)


def test_paths_are_relative_to_the_git_repository(tmp_path: Path, write_files: WriteFiles) -> None:
    # one path base in every format: an editor or CI opened on the repository finds each file as printed
    git(tmp_path, "init", "-q")
    portfolio = write_files(tmp_path / "governance" / "pmo", FILES)
    expected = {"governance/pmo/people/dup.yaml", "governance/pmo/people/bad, <b>.yaml"}
    for cwd, where in ((portfolio, []), (tmp_path, ["governance/pmo"])):  # wherever it is run from
        code, out, files = _check_all(cwd, *where)
        assert code == 1
        text_paths = {line.split(":")[0] for line in out.splitlines()[:-1]}
        assert text_paths == expected
        doc = json.loads((cwd / FORMATS["json"]).read_bytes())
        assert {d["path"] for d in doc["diagnostics"]} == expected
        assert doc["portfolioPath"] == "governance/pmo"
        assert {i["location"]["path"] for i in json.loads(files["gitlab"])} == expected
        sarif = json.loads(files["sarif"])
        uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]}
        assert uris == {"governance/pmo/people/dup.yaml", "governance/pmo/people/bad%2C%20%3Cb%3E.yaml"}
        junit = assert_valid_junit(files["junit"].decode())
        assert {s.get("name") for s in junit.iter("testsuite")} == expected
        bodies = [f.text or "" for f in junit.iter("failure")]
        assert {b.splitlines()[0].split(":")[0] for b in bodies} == expected
        markdown = files["markdown"].decode()
        assert "### governance/pmo/people/dup\\.yaml" in markdown
        assert "### governance/pmo/people/bad, &lt;b&gt;\\.yaml" in markdown
        for path in expected:
            assert (tmp_path / path).is_file()
    github = run_cli("check", "--as-of", "2026-03-31", "--format", "github", cwd=portfolio)
    assert "::error file=governance/pmo/people/dup.yaml,line=5,col=3," in github.out


def test_statistics(tmp_path: Path, write_files: WriteFiles) -> None:
    portfolio = write_files(tmp_path / "p", FILES)
    res = run_cli("check", "--statistics", cwd=portfolio)
    assert res.code == 1
    assert res.out.splitlines()[:2] == ["1\tPMO001\tsyntax [error]", "1\tPMO004\tschema-violation [error]"]


def test_format_errors_are_usage_errors(tmp_path: Path, write_files: WriteFiles) -> None:
    portfolio = write_files(tmp_path / "p", FILES)
    bad = run_cli("check", "--format", "yaml", cwd=portfolio)
    assert bad.code == 2 and "unknown format 'yaml'" in bad.err and "auto" in bad.err
    two = run_cli("check", "--format", "text", "--format", "json", cwd=portfolio)
    assert two.code == 2 and "only one format can go to standard output" in two.err


def _in_process(portfolio: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.chdir(portfolio)
    return main(["check", "--as-of", "2026-03-31", *args])


def test_auto_under_github_actions(
    tmp_path: Path, write_files: WriteFiles, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    portfolio = write_files(tmp_path / "p", FILES)
    summary = tmp_path / "step-summary.md"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert _in_process(portfolio, monkeypatch, "--format", "auto") == 1
    out = capsys.readouterr().out
    assert out.startswith("::error file=people/bad%2C <b>.yaml,line=")
    assert "::error file=people/dup.yaml,line=5,col=3,title=PMO001 syntax::duplicate key" in out
    assert summary.read_text(encoding="utf-8").startswith("## pmo-lint\n")


def test_auto_elsewhere_is_text(
    tmp_path: Path, write_files: WriteFiles, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    portfolio = write_files(tmp_path / "p", FILES)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    assert _in_process(portfolio, monkeypatch, "--format", "auto") == 1
    out = capsys.readouterr().out
    assert out.startswith("people/bad, <b>.yaml:")
    assert "\x1b" not in out
