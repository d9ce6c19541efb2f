"""Fixtures of the change-impact tests: the Nordwind portfolio in a real git repository, on a branch."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from tests.git.conftest import Repo
from tests.impact.kit import base_files, branch_files


@pytest.fixture
def make_branch(tmp_path: Path) -> Callable[..., Repo]:
    """main holds ``base``; branch `change` commits ``change`` (the acceptance change by default)."""

    def _make(
        base: Mapping[str, str] | None = None, change: Mapping[str, str] | None = None, *, name: str = "repo"
    ) -> Repo:
        repo = Repo(tmp_path / name)
        repo.write(base_files() if base is None else base).commit("base portfolio")
        repo.branch("change")
        repo.write(branch_files() if change is None else change).commit("the change")
        return repo

    return _make


@pytest.fixture
def branch_repo(make_branch: Callable[..., Repo]) -> Repo:
    return make_branch()
