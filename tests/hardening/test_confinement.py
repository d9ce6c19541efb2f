"""A pull request cannot make the check read or write outside the repository (docs/security.md).

Each test builds a repository in tmp_path whose own files try an escape (a path in the configuration, a
committed symbolic link, a planted cache entry) and runs the real CLI: nothing is written outside the
repository and the cache folder, no byte of the outside file appears in any output format, and a refused
path is a clear error naming the file and line, exit 2.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from pathlib import Path

import pytest

from tests.conftest import CliResult, git, run_cli

SAMPLE = Path(__file__).resolve().parents[2] / "sample-portfolio"
CANARY = "CANARY-d41d8cd98f00b204"
SECRET = f"aws_access_key_id: {CANARY}\naws_secret_access_key: {CANARY}-2\n"
FORMATS = ("text", "json", "sarif", "junit", "github", "gitlab", "markdown")


def hostile_repo(tmp_path: Path, files: Mapping[str, str] = {}) -> tuple[Path, Path]:
    """The sample portfolio in a git repository at tmp_path/repo, and tmp_path/outside holding a secret."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "creds.yaml").write_text(SECRET, encoding="utf-8")
    repo = tmp_path / "repo"
    shutil.copytree(SAMPLE, repo, ignore=shutil.ignore_patterns(".pmo-lint-cache"))
    for rel, text in files.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text, encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    return repo, outside


def lint(repo: Path, *args: str, env: Mapping[str, str] | None = None) -> CliResult:
    cache_home = repo.parent / "xdg"  # the signing secret: outside the repository, as in CI
    return run_cli(*args, cwd=repo, env={"XDG_CACHE_HOME": str(cache_home), **(env or {})})


def outside_listing(outside: Path) -> list[str]:
    return sorted(str(p.relative_to(outside)) for p in outside.rglob("*"))


def assert_refused(repo: Path, outside: Path, where: str, words: str, *extra: str) -> None:
    """Every output format: exit 2, the file and line named, nothing of the outside file, nothing written there."""
    before = outside_listing(outside)
    for fmt in FORMATS:
        res = lint(repo, "check", "--as-of", "2025-06-30", "--format", fmt, *extra)
        assert res.code == 2, (fmt, res.out, res.err)
        assert where in res.err and words in res.err, res.err
        assert "Traceback" not in res.err
        assert CANARY not in res.out + res.err and "aws_" not in res.out + res.err, fmt
    assert outside_listing(outside) == before


# -- 1. the cache folder ------------------------------------------------------------------------------------
def test_config_cache_dir_outside_the_repository_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    repo, outside = hostile_repo(tmp_path, {".pmo-lint.yaml": "fail-on: error\ncache-dir: ../outside/pmo-cache\n"})
    assert_refused(repo, outside, ".pmo-lint.yaml:2:", "cache-dir: '../outside/pmo-cache' points outside")
    assert not (outside / "pmo-cache").exists()
    res = lint(repo, "check", "--as-of", "2025-06-30")
    assert "PMO_LINT_CACHE_DIR" in res.err  # the error says how the CI owner puts the cache outside


def test_cache_dir_through_a_committed_link_is_refused(tmp_path: Path) -> None:
    repo, outside = hostile_repo(tmp_path, {".pmo-lint.yaml": "cache-dir: cache\n"})
    (repo / "cache").symlink_to(outside, target_is_directory=True)
    assert_refused(repo, outside, ".pmo-lint.yaml:1:", "cache-dir: 'cache' points outside")


def test_the_default_cache_folder_committed_as_a_link_is_not_written_through(tmp_path: Path) -> None:
    repo, outside = hostile_repo(tmp_path)
    (repo / ".pmo-lint-cache").symlink_to(outside, target_is_directory=True)
    res = lint(repo, "check", "--as-of", "2025-06-30")
    assert res.code == 0, res.err  # the sample's warnings; the cache is simply off
    assert outside_listing(outside) == ["creds.yaml"]


def test_links_inside_the_cache_folder_are_never_followed(tmp_path: Path) -> None:
    repo, outside = hostile_repo(tmp_path)
    cache = repo / ".pmo-lint-cache"
    cache.mkdir()
    for name in ("cache-v1.sqlite", "cache-v1.sqlite-wal", "cache-v1.sqlite-shm"):
        (cache / name).symlink_to(outside / f"planted-{name}")
    res = lint(repo, "check", "--as-of", "2025-06-30")
    assert res.code == 0, res.err
    assert outside_listing(outside) == ["creds.yaml"]
    assert not any(p.is_symlink() for p in cache.iterdir())


def test_the_environment_may_put_the_cache_outside(tmp_path: Path) -> None:
    repo, outside = hostile_repo(tmp_path)
    res = lint(repo, "check", "--as-of", "2025-06-30", env={"PMO_LINT_CACHE_DIR": str(outside / "ci-cache")})
    assert res.code == 0, res.err
    assert (outside / "ci-cache" / "cache-v1.sqlite").is_file()


# -- 2. rule packs named by the configuration ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("entry", "link"),
    [
        ("../outside/creds.yaml", None),
        ("{outside}/creds.yaml", None),  # an absolute path
        ("policies/creds.yaml", "file"),  # a committed link to the file
        ("packs", "folder"),  # a committed link to the folder
        ("policies", "inner"),  # a folder of the repository holding a link to the file
    ],
)
def test_policies_outside_the_repository_are_refused(tmp_path: Path, entry: str, link: str | None) -> None:
    entry = entry.format(outside=tmp_path / "outside")
    repo, outside = hostile_repo(tmp_path, {".pmo-lint.yaml": f"exclude: []\npolicies:\n  - {entry}\n"})
    if link == "file":
        (repo / "policies").mkdir()
        (repo / "policies" / "creds.yaml").symlink_to(outside / "creds.yaml")
    elif link == "folder":
        (repo / "packs").symlink_to(outside, target_is_directory=True)
    elif link == "inner":
        (repo / "policies").mkdir()
        (repo / "policies" / "creds.yaml").symlink_to(outside / "creds.yaml")
    assert_refused(repo, outside, ".pmo-lint.yaml:3:", "policies:")


def test_policies_in_pyproject_are_refused_with_their_line(tmp_path: Path) -> None:
    repo, outside = hostile_repo(
        tmp_path, {"pyproject.toml": '[project]\nname = "x"\n\n[tool.pmo-lint]\npolicies = ["../outside/creds.yaml"]\n'}
    )
    (repo / ".pmo-lint.yaml").unlink()
    assert_refused(repo, outside, "pyproject.toml:5:", "points outside the repository")


def test_a_folder_the_ci_owner_allows_may_hold_rule_packs(tmp_path: Path) -> None:
    repo, outside = hostile_repo(tmp_path, {".pmo-lint.yaml": "policies: [../outside/org/]\n"})
    (outside / "org").mkdir()
    pack = "pack: org\nrules:\n  - {id: always-fine, code: ORG001, title: Fine, kind: Project, assert: 'true', "
    (outside / "org" / "org.yaml").write_text(pack + "message: never}\n", encoding="utf-8")
    assert lint(repo, "check", "--as-of", "2025-06-30").code == 2
    res = lint(repo, "check", "--as-of", "2025-06-30", env={"PMO_LINT_ALLOW_DIRS": str(outside / "org")})
    assert res.code != 2, res.err
    assert "org/org.yaml" in res.out  # read and checked as a pack


def test_a_configuration_outside_the_repository_named_on_the_command_line_is_the_ci_owners(tmp_path: Path) -> None:
    repo, outside = hostile_repo(tmp_path)
    (outside / "ci.yaml").write_text(f"cache-dir: {outside}/ci-cache\nextends: [base.yaml]\n", encoding="utf-8")
    (outside / "base.yaml").write_text("fail-on: warning\n", encoding="utf-8")
    res = lint(repo, "check", "--as-of", "2025-06-30", "--config", str(outside / "ci.yaml"))
    assert res.code == 1, res.err  # fail-on: warning from the extended file
    assert (outside / "ci-cache" / "cache-v1.sqlite").is_file()  # the CI owner's file may put the cache outside


# -- issue 22, 4: extends ------------------------------------------------------------------------------------
@pytest.mark.parametrize("entry", ["../outside/creds.yaml", "{outside}/creds.yaml", "linked.yaml"])
def test_extends_outside_the_repository_is_refused_without_echoing_it(tmp_path: Path, entry: str) -> None:
    entry = entry.format(outside=tmp_path / "outside")
    repo, outside = hostile_repo(tmp_path, {".pmo-lint.yaml": f"# ours\nextends:\n  - recommended\n  - {entry}\n"})
    if entry == "linked.yaml":
        (repo / "linked.yaml").symlink_to(outside / "creds.yaml")
    assert_refused(repo, outside, ".pmo-lint.yaml:4:", "extends:")


def test_an_extended_file_inside_the_repository_is_confined_too(tmp_path: Path) -> None:
    repo, outside = hostile_repo(
        tmp_path,
        {".pmo-lint.yaml": "extends: [config/base.yaml]\n", "config/base.yaml": "policies:\n  - ../../outside/\n"},
    )
    assert_refused(repo, outside, "base.yaml:2:", "policies: '../../outside/' points outside")


# -- 3. templates, documents, exists(), policy test cases -----------------------------------------------------
def test_new_refuses_a_template_that_links_outside(tmp_path: Path) -> None:
    repo, outside = hostile_repo(tmp_path)
    (outside / "tpl.yaml").write_text(f"# {CANARY} ${{name}}\n", encoding="utf-8")
    (repo / "templates" / "person.yaml").unlink(missing_ok=True)
    (repo / "templates" / "person.yaml").symlink_to(outside / "tpl.yaml")
    res = lint(repo, "new", "person", "eve-hostile")
    assert res.code == 2, res.out + res.err
    assert "templates/person.yaml" in res.err and CANARY not in res.out + res.err
    assert not (repo / "people" / "eve-hostile.yaml").exists()


def test_new_does_not_write_through_a_linked_folder(tmp_path: Path) -> None:
    repo, outside = hostile_repo(tmp_path)
    shutil.rmtree(repo / "people")
    shutil.copytree(SAMPLE / "people", outside / "people", ignore=shutil.ignore_patterns(".pmo-lint-cache"))
    (repo / "people").symlink_to(outside / "people", target_is_directory=True)
    before = outside_listing(outside)
    res = lint(repo, "new", "person", "eve-hostile")
    assert res.code == 2, res.out + res.err
    assert "outside the portfolio" in res.err
    assert outside_listing(outside) == before


def test_a_document_linked_outside_counts_as_missing_and_exists_says_false(tmp_path: Path) -> None:
    pack = (
        "pack: probe\nrules:\n  - {id: probe-exists, code: PRB001, title: Probe, kind: Project, "
        "assert: '!exists(\"docs/linked.md\")', message: the linked file was seen}\n"
    )
    repo, outside = hostile_repo(tmp_path, {"policies/probe.yaml": pack, ".pmo-lint.yaml": "policies: [policies/]\n"})
    charter = repo / "docs" / "charters" / "customer-portal.md"
    charter.unlink()
    charter.symlink_to(outside / "creds.yaml")
    (repo / "docs" / "linked.md").symlink_to(outside / "creds.yaml")
    for no_cache in ((), ("--no-cache",)):
        res = lint(repo, "check", "--as-of", "2025-06-30", "--format", "json", *no_cache)
        assert res.code == 1, res.err
        found = json.loads(res.out)["diagnostics"]
        gov004 = [d for d in found if d["code"] == "GOV004" and "customer-portal" in d["path"]]
        assert gov004 and "charter" in gov004[0]["message"]
        assert not [d for d in found if d["code"] == "PRB001"]
        assert CANARY not in res.out + res.err


def test_a_document_path_leaving_the_repository_is_a_schema_finding(tmp_path: Path) -> None:
    repo, _ = hostile_repo(tmp_path)
    project = repo / "projects" / "customer-portal" / "project.yaml"
    text = project.read_text(encoding="utf-8").replace("docs/charters/customer-portal.md", "../../outside/creds.yaml")
    project.write_text(text, encoding="utf-8")
    res = lint(repo, "check", "--as-of", "2025-06-30", "--format", "json")
    assert res.code == 1, res.err
    found = json.loads(res.out)["diagnostics"]
    assert [d for d in found if d["code"] == "PMO004" and d["dataPath"].endswith("charter") and d["line"] == 162]
    assert CANARY not in res.out + res.err


def test_policy_test_cases_cannot_name_folders_outside(tmp_path: Path) -> None:
    repo, _ = hostile_repo(tmp_path)
    case = repo / "policy-tests" / "case"
    case.mkdir(parents=True)
    (case / "expect.yaml").write_text("policies: [../../../outside/creds.yaml]\nfindings: []\n", encoding="utf-8")
    res = lint(repo, "test-policies", "policy-tests")
    assert res.code == 2, res.out + res.err
    assert "points outside the repository" in res.err and CANARY not in res.out + res.err


# -- 4. the history cache is signed ---------------------------------------------------------------------------
def test_a_planted_history_row_does_not_change_the_trend(tmp_path: Path) -> None:
    repo, _ = hostile_repo(tmp_path)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "portfolio")
    first = lint(repo, "history", "--format", "json")
    assert first.code == 0, first.err
    rows = json.loads(first.out)
    folder = next((repo / ".pmo-lint-cache" / "history").iterdir())
    (row_file,) = folder.glob("*.signed")
    assert "0 computed, 1 from the cache" in lint(repo, "history").err

    forged = {**rows[0], "counts": {"error": 0, "warning": 0, "info": 0}}
    row_file.write_bytes(b"\0" * 32 + json.dumps(forged, sort_keys=True).encode())  # no valid signature
    (folder / f"{rows[0]['commit']}.json").write_text(json.dumps(forged), encoding="utf-8")  # the old layout
    again = lint(repo, "history", "--format", "json")
    assert again.code == 0, again.err
    assert json.loads(again.out) == rows
    assert "1 computed, 0 from the cache" in again.err


def test_history_never_writes_through_links_in_its_cache(tmp_path: Path) -> None:
    repo, outside = hostile_repo(tmp_path)
    (repo / ".pmo-lint-cache").mkdir()
    (repo / ".pmo-lint-cache" / "history").symlink_to(outside, target_is_directory=True)
    (repo / ".pmo-lint-cache" / ".gitignore").symlink_to(outside / "planted-gitignore")
    git(repo, "add", "-A", "-f")
    git(repo, "commit", "-q", "-m", "portfolio")
    res = lint(repo, "history")
    assert res.code == 0, res.err
    assert outside_listing(outside) == ["creds.yaml"]


# -- 5. a file whose top level is not a mapping -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("content", "line"), [("# a list\n\n- a\n- b\n", 3), ("---\n# text\n'just text'\n", 3), ("42\n", 1)]
)
def test_a_top_level_list_or_value_is_reported_at_its_line(tmp_path: Path, content: str, line: int) -> None:
    repo, _ = hostile_repo(tmp_path, {"people/odd.yaml": content})
    res = lint(repo, "check", "--as-of", "2025-06-30", "--format", "json", "people/odd.yaml")
    assert res.code == 1, res.err
    (finding,) = json.loads(res.out)["diagnostics"]
    assert (finding["code"], finding["line"]) == ("PMO002", line)
    assert "top level is" in finding["message"]
