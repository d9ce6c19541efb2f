"""Every git situation PR mode and history cannot work in gives one clear message, exit 2, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.conftest import GIT_ENV, git, run_cli
from tests.git.conftest import PMO, Repo, base_files


def _error(args: tuple[str, ...], cwd: Path, env: dict[str, str] | None = None) -> str:
    res = run_cli(*args, cwd=cwd, env=env)
    assert res.code == 2, (res.code, res.out, res.err)
    assert "Traceback" not in res.err and "internal error" not in res.err
    assert res.err.startswith("pmo-lint: error: ")
    return res.err


def _shallow_clone(make_repo: Callable[..., Repo], tmp_path: Path) -> Path:
    repo = make_repo()
    git(repo.root, "checkout", "-q", "main")
    repo.write({"people/extra.yaml": base_files()["people/jo-pm.yaml"].replace("jo-pm", "extra")}).commit("second")
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{repo.root}", str(clone)],
        env={**os.environ, **GIT_ENV},
        check=True,
    )
    return clone


def test_shallow_clone_explains_fetch_depth(make_repo: Callable[..., Repo], tmp_path: Path) -> None:
    clone = _shallow_clone(make_repo, tmp_path)
    err = _error(("check", "--base", "origin/main~1"), clone)
    assert "shallow clone" in err
    assert "fetch-depth: 0" in err and "GIT_DEPTH: 0" in err and "git fetch --unshallow" in err
    # the same clone without --base still works
    assert run_cli("check", "--select", "PMO", cwd=clone).code == 0


def test_shallow_clone_without_the_base_branch(make_repo: Callable[..., Repo], tmp_path: Path) -> None:
    repo = make_repo()
    repo.write({"people/extra.yaml": base_files()["people/jo-pm.yaml"].replace("jo-pm", "extra")}).commit("on change")
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", "--branch", "change", f"file://{repo.root}", str(clone)],
        env={**os.environ, **GIT_ENV},
        check=True,
    )
    err = _error(("check", "--base", "origin/main"), clone)
    assert "'origin/main' is not in this shallow clone" in err and "fetch-depth: 0" in err


def test_missing_ref(make_repo: Callable[..., Repo]) -> None:
    repo = make_repo()
    err = _error(("check", "--base", "origin/nope"), repo.root)
    assert "base ref 'origin/nope' not found" in err and "git fetch origin nope" in err


def test_option_like_ref_is_refused(make_repo: Callable[..., Repo]) -> None:
    repo = make_repo()
    err = _error(("check", "--base=--output=/tmp/x"), repo.root)
    assert "not a valid ref name" in err


def test_detached_head_works(make_repo: Callable[..., Repo]) -> None:
    repo = make_repo()
    repo.commit("an empty change")
    git(repo.root, "checkout", "-q", "--detach", "HEAD")
    res = run_cli("check", "--base", "main", "--select", "GOV04", cwd=repo.root)
    assert res.code == 0, res.err
    assert "detached HEAD" in res.out


def test_unborn_branch(tmp_path: Path) -> None:
    root = tmp_path / "fresh"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    (root / "pmo.yaml").write_text(PMO, encoding="utf-8")
    err = _error(("check", "--base", "main"), root)
    assert "no commits yet" in err and "'main' is unborn" in err
    err = _error(("history",), root)
    assert "no commits yet" in err


def test_not_a_repository(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    root.mkdir()
    (root / "pmo.yaml").write_text(PMO, encoding="utf-8")
    env = {"GIT_CEILING_DIRECTORIES": str(tmp_path)}  # scrubbed by pmo-lint; harmless outside a repository anyway
    err = _error(("check", "--base", "main"), root, env)
    assert "is not inside a git repository" in err
    assert "is not inside a git repository" in _error(("history",), root, env)


def test_path_outside_the_repository(make_repo: Callable[..., Repo], tmp_path: Path) -> None:
    repo = make_repo()
    outside = tmp_path / "outside.yaml"
    outside.write_text("a: 1\n", encoding="utf-8")
    err = _error(("check", "--base", "main", str(repo.root), str(outside)), repo.root)
    assert "outside the git repository" in err


def test_without_git_check_works_and_base_explains(make_repo: Callable[..., Repo], tmp_path: Path) -> None:
    repo = make_repo()
    empty = tmp_path / "no-git-bin"
    empty.mkdir()
    env = {"PATH": str(empty)}
    assert run_cli("check", "--select", "PMO", cwd=repo.root, env=env).code == 0
    err = _error(("check", "--base", "main"), repo.root, env)
    assert "git is not installed" in err
    assert "git is not installed" in _error(("history",), repo.root, env)


def test_check_without_base_does_not_import_git(make_repo: Callable[..., Repo], tmp_path: Path) -> None:
    repo = make_repo()
    out = tmp_path / "out.json"
    code = (
        f"import sys\nfrom pmo_lint.cli import main\nrc = main(['check', '--format', 'json={out}'])\n"
        "print(rc, sorted(m for m in sys.modules if m == 'git' or m.startswith(('git.', 'pmo_lint.loader.gitio'))))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=repo.root, capture_output=True, text=True, check=True)
    assert proc.stdout.split(" ", 1)[1].strip() == "[]"
