"""Shared test helpers: portfolios in tmp_path, the CLI in-process and as a subprocess, git repos."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample-portfolio"
PORTFOLIOS = Path(__file__).resolve().parent / "portfolios"

# fixed identities and dates so git-backed tests are reproducible
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test Author",
    "GIT_AUTHOR_EMAIL": "author@example.org",
    "GIT_COMMITTER_NAME": "Test Committer",
    "GIT_COMMITTER_EMAIL": "committer@example.org",
    "GIT_AUTHOR_DATE": "2025-06-01T12:00:00+00:00",
    "GIT_COMMITTER_DATE": "2025-06-01T12:00:00+00:00",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}


@dataclass
class CliResult:
    code: int
    out: str
    err: str


def run_cli(
    *args: str, cwd: Path | None = None, env: Mapping[str, str] | None = None, timeout: float = 120
) -> CliResult:
    """Run `python -m pmo_lint ARGS` as a real subprocess (exit code, streams, no shared state)."""
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    full_env.pop("GITHUB_ACTIONS", None)
    full_env.pop("GITHUB_BASE_REF", None)
    full_env.pop("CI_MERGE_REQUEST_DIFF_BASE_SHA", None)
    proc = subprocess.run(
        [sys.executable, "-m", "pmo_lint", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


def git(repo: Path, *args: str) -> str:
    proc = subprocess.run(
        ["git", *args], cwd=repo, env={**os.environ, **GIT_ENV}, capture_output=True, text=True, check=True
    )
    return proc.stdout


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    """A private copy of sample-portfolio/ that a test may break."""
    dest = tmp_path / "portfolio"
    shutil.copytree(SAMPLE, dest, ignore=shutil.ignore_patterns(".pmo-lint-cache"))
    return dest


@pytest.fixture
def write_files() -> Callable[[Path, Mapping[str, str | bytes]], Path]:
    def _write(root: Path, files: Mapping[str, str | bytes]) -> Path:
        for rel, content in files.items():
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")
        return root

    return _write


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file's bytes, to prove a command changed nothing."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def portfolio_texts(root: Path) -> dict[str, str]:
    """The text of every file of an in-repository portfolio, without the check cache a developer's run left."""
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in root.rglob("*")
        if p.is_file() and ".pmo-lint-cache" not in p.relative_to(root).parts
    }


def portfolio_files(root: Path) -> dict[str, bytes]:
    """snapshot() without git's files and the check cache, which any run may update."""
    return {k: v for k, v in snapshot(root).items() if not k.startswith((".git/", ".pmo-lint-cache/"))}
