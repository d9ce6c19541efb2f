"""The hook manifest, checked by pre-commit itself and run for real with `pre-commit try-repo`.

try-repo installs the hooks' environment from the package index (pip builds this repository
with hatchling), once per session: PRE_COMMIT_HOME is a session folder and the hook repository
is one snapshot of this working tree, so both portfolios below reuse the same environment.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from pmo_lint.cli import main
from tests.conftest import GIT_ENV, ROOT, git

MANIFEST = ROOT / ".pre-commit-hooks.yaml"


def _pre_commit(*args: str, cwd: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1", "PRE_COMMIT_COLOR": "never"}
    for name in ("GITHUB_ACTIONS", "GITHUB_BASE_REF", "CI_MERGE_REQUEST_DIFF_BASE_SHA", "VIRTUAL_ENV"):
        env.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def _hooks() -> list[dict[str, object]]:
    hooks = YAML(typ="safe", pure=True).load(MANIFEST.read_text(encoding="utf-8"))
    assert isinstance(hooks, list)
    return hooks


def test_manifest_validates(tmp_path: Path) -> None:
    result = _pre_commit("validate-manifest", str(MANIFEST), cwd=ROOT, home=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_manifest_hooks_run_our_commands_serially() -> None:
    hooks = {h["id"]: h for h in _hooks()}
    assert set(hooks) == {"pmo-lint", "pmo-lint-portfolio", "pmo-lint-fix"}
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["require_serial"] is True  # cross-file rules need every file in one process
        command = str(hook["entry"]).split()
        assert command[0] == "pmo-lint"
        assert main([*command[1:], "--help"]) == 0
    assert hooks["pmo-lint-portfolio"]["pass_filenames"] is False
    assert hooks["pmo-lint-portfolio"]["always_run"] is True


@pytest.mark.parametrize(
    ("path", "matches"),
    [
        ("pmo.yaml", True),
        ("projects/crm/project.yaml", True),
        ("people/jo.yml", True),
        ("docs/index.md", False),
        ("projects/crm/charter.pdf", False),
        ("notes.yaml.bak", False),
    ],
)
def test_files_pattern(path: str, matches: bool) -> None:
    # pre-commit matches `files` with re.search on the repository-relative path
    for hook in _hooks():
        if "files" in hook:
            assert bool(re.search(str(hook["files"]), path)) is matches, (hook["id"], path)


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This working tree (tracked and new files, uncommitted edits included) as one commit."""
    dest = tmp_path_factory.mktemp("hook-repo")
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    for rel in filter(None, listed.split("\0")):
        source = ROOT / rel
        if source.is_file() and not source.is_symlink():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / rel)
    git(dest, "init", "-q")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "snapshot")
    return dest


def _portfolio(root: Path) -> Path:
    root.mkdir()
    git(root, "init", "-q")
    assert main(["init", "--yes", str(root)]) == 0
    assert main(["new", "project", "demo", "--dir", str(root)]) == 0
    assert main(["new", "risk", "r-001", "--dir", str(root)]) == 0
    shutil.rmtree(root / ".pmo-lint-cache", ignore_errors=True)
    return root


@pytest.mark.slow
def test_try_repo_passes_a_clean_portfolio_and_fails_a_broken_one(
    tmp_path: Path, hook_repo: Path, pre_commit_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = _portfolio(tmp_path / "good")
    bad = _portfolio(tmp_path / "bad")
    capsys.readouterr()
    risk = bad / "projects/demo/risks/r-001.yaml"
    risk.write_text(risk.read_text(encoding="utf-8").replace("state: open", "state: opened"), encoding="utf-8")
    for root in (good, bad):
        git(root, "add", "-A")  # try-repo --all-files runs on the files git knows

    passed = _pre_commit("try-repo", str(hook_repo), "pmo-lint", "--all-files", cwd=good, home=pre_commit_home)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert re.search(r"^pmo-lint\.+Passed$", passed.stdout, re.MULTILINE), passed.stdout

    failed = _pre_commit("try-repo", str(hook_repo), "pmo-lint", "--all-files", cwd=bad, home=pre_commit_home)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert re.search(r"^pmo-lint\.+Failed$", failed.stdout, re.MULTILINE), failed.stdout
    assert "projects/demo/risks/r-001.yaml:" in failed.stdout
    assert "PMO004" in failed.stdout and "'opened' is not one of" in failed.stdout

    whole = _pre_commit("try-repo", str(hook_repo), "pmo-lint-portfolio", cwd=bad, home=pre_commit_home)
    assert whole.returncode == 1, whole.stdout + whole.stderr
    assert "'opened' is not one of" in whole.stdout


@pytest.mark.slow
def test_try_repo_fix_hook_repairs_spelling(tmp_path: Path, hook_repo: Path, pre_commit_home: Path) -> None:
    root = _portfolio(tmp_path / "portfolio")
    risk = root / "projects/demo/risks/r-001.yaml"
    original = risk.read_text(encoding="utf-8")
    risk.write_text(original.replace("state: open", "state: Open"), encoding="utf-8")
    git(root, "add", "-A")
    result = _pre_commit("try-repo", str(hook_repo), "pmo-lint-fix", "--all-files", cwd=root, home=pre_commit_home)
    # a hook that changes files fails the commit, so the user reviews and stages the fix
    assert result.returncode == 1, result.stdout + result.stderr
    assert "files were modified by this hook" in result.stdout
    assert risk.read_text(encoding="utf-8") == original


@pytest.mark.slow
def test_try_repo_fails_a_commit_of_a_broken_rule_pack_at_its_line(
    tmp_path: Path, hook_repo: Path, pre_commit_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _portfolio(tmp_path / "portfolio")
    capsys.readouterr()
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "portfolio")
    (root / "policies").mkdir()
    (root / "policies/acme.yaml").write_text(
        "pack: acme\nrules:\n  - id: names\n    code: ACM001\n    title: Names\n    severity: error\n"
        "    kind: Project\n    assert: 'entity.metadata.name.matches(\"[a-z\")'\n    message: bad name\n",
        encoding="utf-8",
    )
    with (root / ".pmo-lint.yaml").open("a", encoding="utf-8") as handle:
        handle.write("policies: [policies/acme.yaml]\n")
    git(root, "add", "policies/acme.yaml", ".pmo-lint.yaml")  # the commit touches no portfolio entity
    result = _pre_commit("try-repo", str(hook_repo), "pmo-lint", cwd=root, home=pre_commit_home)
    assert result.returncode == 1, result.stdout + result.stderr
    assert re.search(r"^pmo-lint\.+Failed$", result.stdout, re.MULTILINE), result.stdout
    assert "policies/acme.yaml:8:1: PMO011" in result.stdout and "unclosed character class" in result.stdout
    assert "All checks passed" not in result.stdout
