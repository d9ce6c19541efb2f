"""`pmo-lint init` and `pmo-lint new`: a new portfolio passes `check` at once, and its CI files
call commands and options the installed CLI has."""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from pmo_lint.cli import cli, main
from pmo_lint.reporters import REPORTERS
from pmo_lint.resources import schemas_dir
from pmo_lint.scaffold import ENTITY_KINDS, TEMPLATES_DIR, kind_globs
from tests.conftest import CliResult, git, run_cli
from tests.conftest import portfolio_files as snapshot

ALL_TYPES = "strategic,tactical,operational,transformational,governance"


def _load_yaml(path: Path) -> Any:
    # YAML 1.2 reader: GitHub's `on:` key stays a string
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    return root


@pytest.fixture
def pmo(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """The CLI in this process (fast); the acceptance tests below use the installed one."""

    def call(*args: str, cwd: Path) -> CliResult:
        monkeypatch.chdir(cwd)
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return call


def test_init_new_then_check_passes(repo: Path) -> None:
    assert run_cli("init", "--yes", cwd=repo).code == 0
    for args in (
        ("new", "project", "demo"),
        ("new", "risk", "r-001", "--project", "demo"),
        ("new", "status-report", "--project", "demo"),
        ("new", "change-request", "cr-001"),
    ):
        result = run_cli(*args, cwd=repo)
        assert result.code == 0, result.err
    today = dt.date.today().isoformat()
    assert (repo / f"projects/demo/status/{today}.yaml").is_file()
    result = run_cli("check", cwd=repo)
    assert result.code == 0, result.out + result.err


def test_every_kind_can_be_created_and_passes_with_every_pack(repo: Path, pmo: Callable[..., CliResult]) -> None:
    assert pmo("init", "--yes", "--pmo-types", ALL_TYPES, "--name", "Acme: Corp", cwd=repo).code == 0
    steps = [
        ("person", "jo-doe", "--role", "project-manager"),
        ("goal", "grow-revenue"),
        ("portfolio", "customer"),
        ("program", "digital"),
        ("project", "demo"),
        ("team", "delivery"),
        ("risk", "r-001"),
        ("issue", "i-001"),
        ("change-request", "cr-001"),
        ("status-report", "demo", "--date", "2026-01-05"),
        ("benefit", "faster-onboarding"),
        ("allocation", "jo-doe", "--project", "demo"),
        ("waiver", "legacy-demo", "--check", "PMO010", "--target", "project:demo"),
    ]
    assert {s[0] for s in steps} == set(ENTITY_KINDS)
    for step in steps:
        result = pmo("new", *step, cwd=repo)
        assert result.code == 0, f"{step}: {result.err}"
    assert (repo / "projects/demo/status/2026-01-05.yaml").is_file()
    result = run_cli("check", "--fail-on", "error", cwd=repo)
    assert result.code == 0, result.out + result.err


def test_new_files_carry_a_modeline_that_resolves(pmo: Callable[..., CliResult], repo: Path) -> None:
    assert pmo("init", "--yes", cwd=repo).code == 0
    assert pmo("new", "project", "demo", cwd=repo).code == 0
    assert pmo("new", "risk", "r-001", cwd=repo).code == 0
    for rel in ("pmo.yaml", "projects/demo/project.yaml", "projects/demo/risks/r-001.yaml", "people/pmo-lead.yaml"):
        first = (repo / rel).read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema=")
        schema = (repo / rel).parent / first.split("$schema=", 1)[1]
        assert schema.resolve().is_file(), rel
        assert json.loads(schema.read_text(encoding="utf-8"))["$id"].startswith("https://pmo-lint.dev/schemas/v1/")


def test_init_copies_the_current_schemas_and_editor_settings(pmo: Callable[..., CliResult], repo: Path) -> None:
    assert pmo("init", "--yes", cwd=repo).code == 0
    shipped = sorted(schemas_dir().glob("*.schema.json"))
    assert shipped
    for path in shipped:
        assert (repo / ".pmo-lint/schemas" / path.name).read_bytes() == path.read_bytes()
    settings = json.loads((repo / ".vscode/settings.json").read_text(encoding="utf-8"))
    assert settings["yaml.schemas"] == {f".pmo-lint/schemas/{k}": [v] for k, v in kind_globs().items()}
    assert {f".pmo-lint/schemas/{p.name}" for p in shipped} == set(settings["yaml.schemas"])


def _cli_calls(texts: list[str]) -> list[list[str]]:
    calls = []
    for text in texts:
        for line in text.splitlines():
            if line.strip().startswith("pmo-lint "):
                # `${VAR:+--base auto}`: the shell adds the words when VAR is set, as in a PR
                calls.append(shlex.split(re.sub(r"\$\{\w+:\+([^}]*)\}", r"\1", line.strip())))
    return calls


def _assert_cli_accepts(argv: list[str]) -> None:
    """The sub-command exists and every option is one it has; --format names a reporter."""
    words = [w for w in argv[1:] if not w.startswith("-")]
    command: list[str] = []
    group: Any = cli
    for word in words:
        if not hasattr(group, "commands") or word not in group.commands:
            break
        command.append(word)
        group = group.commands[word]
    assert command, argv
    help_text = CliRunner().invoke(cli, [*command, "--help"]).output
    for i, word in enumerate(argv):
        if word.startswith("--"):
            assert word.split("=")[0] in help_text, f"{' '.join(argv)}: no option {word}"
        if word == "--format":
            assert argv[i + 1].split("=")[0] in REPORTERS, f"{' '.join(argv)}: no format {argv[i + 1]}"
        if word == "--base":
            assert argv[i + 1] == "auto"  # the CI variable names the base; auto reads it


def test_github_workflow_is_valid_and_calls_the_cli_correctly(pmo: Callable[..., CliResult], repo: Path) -> None:
    assert pmo("init", "--yes", cwd=repo).code == 0
    flow = _load_yaml(repo / ".github/workflows/pmo-lint.yml")
    assert "pull_request" in flow["on"]
    check_steps = flow["jobs"]["check"]["steps"]
    site_steps = flow["jobs"]["site"]["steps"]
    assert check_steps[0]["with"]["fetch-depth"] == 0
    runs = [s["run"] for s in check_steps + site_steps if "run" in s]
    calls = _cli_calls(runs)
    assert [c[:2] for c in calls] == [["pmo-lint", "check"], ["pmo-lint", "history"], ["pmo-lint", "site"]]
    for call in calls:
        _assert_cli_accepts(call)
    upload = next(s for s in check_steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif"))
    assert f"sarif={upload['with']['sarif_file']}" in calls[0]
    assert next(s for s in site_steps if "upload-pages-artifact" in str(s.get("uses")))["with"]["path"] == "site"
    assert calls[1][-4:] == ["--format", "json", "--output", "pmo-lint-history.json"]
    assert calls[2][-4:] == ["--out", "site", "--history", "pmo-lint-history.json"]
    # the pull request's change impact: written once, shown in the job summary and posted from that file
    impact_steps = flow["jobs"]["impact"]["steps"]
    impact_runs = [s["run"] for s in impact_steps if "run" in s]
    (impact,) = _cli_calls(impact_runs)
    _assert_cli_accepts(impact)
    assert impact[:2] == ["pmo-lint", "impact"]
    assert impact[-4:] == ["--format", "markdown", "--output", "pmo-lint-impact.md"]
    assert impact[impact.index("--base") + 1] == "auto"
    assert any("pmo-lint-impact.md" in r and "GITHUB_STEP_SUMMARY" in r for r in impact_runs)
    assert "--body-file pmo-lint-impact.md" in impact_runs[-1] and "body=@pmo-lint-impact.md" in impact_runs[-1]


def test_gitlab_ci_is_valid_and_calls_the_cli_correctly(pmo: Callable[..., CliResult], repo: Path) -> None:
    assert pmo("init", "--yes", cwd=repo).code == 0
    ci = _load_yaml(repo / ".gitlab-ci.yml")
    assert ci["pmo-lint"]["variables"]["GIT_DEPTH"] == "0"
    calls = _cli_calls(ci["pmo-lint"]["script"] + ci["pages"]["script"])
    assert [c[:2] for c in calls] == [["pmo-lint", "check"], ["pmo-lint", "history"], ["pmo-lint", "site"]]
    for call in calls:
        _assert_cli_accepts(call)
    report = ci["pmo-lint"]["artifacts"]["reports"]["codequality"]
    assert f"gitlab={report}" in calls[0]
    assert ci["pages"]["artifacts"]["paths"] == ["public"]
    assert calls[1][-4:] == ["--format", "json", "--output", "pmo-lint-history.json"]
    assert calls[2][-4:] == ["--out", "public", "--history", "pmo-lint-history.json"]
    (impact,) = _cli_calls(ci["pmo-lint-impact"]["script"])
    _assert_cli_accepts(impact)
    assert impact[:2] == ["pmo-lint", "impact"] and impact[-2:] == ["--output", "pmo-lint-impact.md"]
    assert ci["pmo-lint-impact"]["artifacts"]["paths"] == ["pmo-lint-impact.md"]
    assert ci["pmo-lint-impact"]["artifacts"]["expose_as"] == "pmo-lint change impact"


def test_other_generated_files_parse(pmo: Callable[..., CliResult], repo: Path) -> None:
    assert pmo("init", "--yes", cwd=repo).code == 0
    mkdocs = _load_yaml(repo / "mkdocs.yml")
    assert mkdocs["theme"] == {"name": "material", "font": False}
    assert mkdocs["plugins"] == ["search", "pmo-lint"]
    pre_commit = _load_yaml(repo / ".pre-commit-config.yaml")
    hooks = pre_commit["repos"][0]["hooks"]
    assert [h["id"] for h in hooks] == ["pmo-lint-fix", "pmo-lint"]  # fixes first, then the check (docs/pre-commit.md)
    manifest = _load_yaml(Path(__file__).resolve().parents[2] / ".pre-commit-hooks.yaml")
    assert {h["id"] for h in hooks} <= {h["id"] for h in manifest}
    assert _load_yaml(repo / ".pmo-lint.yaml") == {"fail-on": "error"}


def test_init_never_overwrites_unless_forced(pmo: Callable[..., CliResult], repo: Path) -> None:
    assert pmo("init", "--yes", cwd=repo).code == 0
    (repo / "pmo.yaml").write_text("# mine\n", encoding="utf-8")
    before = snapshot(repo)
    again = pmo("init", "--yes", cwd=repo)
    assert again.code == 0
    assert "skipped pmo.yaml (exists; --force overwrites)" in again.err
    assert "created" not in again.out
    assert snapshot(repo) == before
    forced = pmo("init", "--yes", "--force", cwd=repo)
    assert forced.code == 0
    assert "created pmo.yaml" in forced.out
    assert (repo / "pmo.yaml").read_text(encoding="utf-8").startswith("# yaml-language-server:")


def test_init_asks_unless_yes(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["init", str(tmp_path)], input="Acme\nstrategic, governance\n\nusd\nJo Doe\n")
    assert result.exit_code == 0, result.output
    pmo = _load_yaml(tmp_path / "pmo.yaml")["spec"]
    assert (pmo["organization"], pmo["pmoTypes"], pmo["currency"]) == ("Acme", ["strategic", "governance"], "USD")
    person = _load_yaml(tmp_path / "people/jo-doe.yaml")
    assert person["spec"]["profile"]["displayName"] == "Jo Doe"
    assert person["spec"]["roles"] == ["pmo-director"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("init", "--yes", "--pmo-types", "tactical,astrological"), "unknown PMO type astrological"),
        (("init", "--yes", "--currency", "euro"), "not an ISO 4217 currency code"),
    ],
)
def test_init_rejects_bad_answers(
    pmo: Callable[..., CliResult], repo: Path, args: tuple[str, ...], message: str
) -> None:
    result = pmo(*args, cwd=repo)
    assert result.code == 2
    assert message in result.err
    assert "Traceback" not in result.err
    assert not (repo / "pmo.yaml").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("new", "project", "demo"), "projects/demo/project.yaml already exists"),
        (("new", "risk", "r-1", "--project", "nope"), "no project named 'nope'"),
        (("new", "project", "Bad Name"), "is not a valid name"),
        (("new", "project"), "give the new project a name"),
        (("new", "waiver", "w-1"), "pass --check RULE and --target REFERENCE"),
        (("new", "project", "other", "--owner", "ghost"), "no person named 'ghost'"),
        (("new", "status-report", "--date", "2026-02-30"), "is not a date"),
    ],
)
def test_new_refuses_with_a_clear_message(
    pmo: Callable[..., CliResult], repo: Path, args: tuple[str, ...], message: str
) -> None:
    assert pmo("init", "--yes", cwd=repo).code == 0
    assert pmo("new", "project", "demo", cwd=repo).code == 0
    before = snapshot(repo)
    result = pmo(*args, cwd=repo)
    assert result.code == 2, result.err
    assert message in result.err
    assert "Traceback" not in result.err
    assert snapshot(repo) == before


def test_new_outside_a_portfolio_says_to_run_init(pmo: Callable[..., CliResult], tmp_path: Path) -> None:
    result = pmo("new", "project", "demo", cwd=tmp_path)
    assert result.code == 2
    assert "pmo-lint init" in result.err


def test_new_uses_the_portfolios_own_template(pmo: Callable[..., CliResult], repo: Path) -> None:
    assert pmo("init", "--yes", cwd=repo).code == 0
    template = repo / "templates/project.yaml"
    template.write_text(
        template.read_text(encoding="utf-8").replace("  category: strategic\n", "  category: regulatory\n"),
        encoding="utf-8",
    )
    assert pmo("new", "project", "demo", cwd=repo).code == 0
    assert "  category: regulatory\n" in (repo / "projects/demo/project.yaml").read_text(encoding="utf-8")
    template.write_text("kind: Project\nmetadata: {name: ${nmae}}\n", encoding="utf-8")
    result = pmo("new", "project", "other", cwd=repo)
    assert result.code == 2
    assert "unknown placeholder ${nmae}" in result.err


def test_shipped_templates_are_yaml_before_they_are_filled() -> None:
    for path in sorted(TEMPLATES_DIR.glob("*.yaml")):
        data = _load_yaml(path)
        assert isinstance(data, dict) and data["apiVersion"] == "pmo-lint/v1", path.name


@pytest.mark.slow
def test_ci_commands_run_in_the_new_portfolio(repo: Path) -> None:
    """Run the CI jobs' pmo-lint commands as a push to the default branch would."""
    assert run_cli("init", "--yes", cwd=repo).code == 0
    assert run_cli("new", "project", "demo", cwd=repo).code == 0
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "portfolio")  # what was pushed: the trend reads the history
    flow = _load_yaml(repo / ".github/workflows/pmo-lint.yml")
    ci = _load_yaml(repo / ".gitlab-ci.yml")
    # a push runs every job but the pull request's impact (tests/init/test_init_ci.py runs that one)
    pushed = [job for job in flow["jobs"].values() if job.get("if") != "github.event_name == 'pull_request'"]
    texts = [s["run"] for job in pushed for s in job["steps"] if "run" in s]
    texts += ci["pmo-lint"]["script"] + ci["pages"]["script"]
    for line in texts:
        if not line.strip().startswith("pmo-lint "):
            continue
        argv = shlex.split(re.sub(r"\$\{\w+:\+[^}]*\}", "", line.strip()))
        result = run_cli(*argv[1:], cwd=repo)
        assert result.code == 0, f"{line}\n{result.out}{result.err}"
    assert json.loads((repo / "pmo-lint.sarif").read_text(encoding="utf-8"))["version"] == "2.1.0"
    issues = json.loads((repo / "gl-code-quality-report.json").read_text(encoding="utf-8"))
    assert all(issue["severity"] in ("info", "minor") for issue in issues)  # warnings at most
    assert (repo / "site/index.html").is_file()
    assert (repo / "public/index.html").is_file()
