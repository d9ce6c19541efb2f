"""`pmo-lint history` gives each commit the verdict `check` gives on a checkout of it, symbolic links included."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import git, run_cli
from tests.git.conftest import Repo, base_files

pytestmark = pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")

PERSON = "apiVersion: pmo-lint/v1\nkind: Person\nmetadata:\n  name: {name}\nspec:\n  profile: {{displayName: {name}}}\n"


def _check_counts(root: Path) -> dict[str, int]:
    res = run_cli("check", "--no-cache", "--format", "json", "--select", "PMO", cwd=root)
    assert res.code in (0, 1), res.err
    report = json.loads(res.out)
    counts = {"error": 0, "warning": 0, "info": 0}
    for d in report["diagnostics"]:
        counts[d["severity"]] += 1
    return counts


def test_history_judges_symbolic_links_as_check_does_on_a_checkout(
    make_repo: Callable[..., Repo], tmp_path: Path
) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text(PERSON.format(name="secret"), encoding="utf-8")
    repo = make_repo(base_files())
    git(repo.root, "checkout", "-q", "main")
    root = repo.root
    steps: list[Callable[[], None]] = [
        lambda: (root / "people/alias.yaml").symlink_to("jo-pm.yaml"),  # inside: read as its target
        lambda: (root / "people/away.yaml").symlink_to(outside),  # outside the portfolio
        lambda: (root / "people/loop.yaml").symlink_to("loop.yaml"),  # a loop
        lambda: (root / "people/gone.yaml").symlink_to("nowhere.yaml"),  # broken
        lambda: (root / "linked.yaml").symlink_to("people"),  # a folder: not followed
        lambda: (root / "up.yaml").symlink_to("../../outside.yaml"),  # leaves the repository
        lambda: (root / "people/gone.yaml").unlink(),
    ]
    expected = []
    for step in steps:
        step()
        repo.commit("a link")
        expected.append(_check_counts(root))
    res = run_cli("history", "--no-cache", "--format", "json", "--select", "PMO", cwd=root)
    assert res.code == 0, res.err
    rows = json.loads(res.out)[1:]  # the base portfolio first
    assert [r["counts"] for r in rows] == expected
    # the alias duplicates jo-pm (two errors); each bad link is one more; the folder link is not followed
    assert [r["counts"]["error"] for r in rows] == [2, 3, 4, 5, 5, 6, 5]
    assert "secret" not in res.out + res.err


def test_history_reads_a_linked_file_as_its_target(make_repo: Callable[..., Repo]) -> None:
    repo = make_repo(base_files())
    git(repo.root, "checkout", "-q", "main")
    (repo.root / "people/broken.yaml").write_text("kind: [unclosed\n", encoding="utf-8")
    (repo.root / "people/alias.yaml").symlink_to("broken.yaml")
    repo.commit("a broken file and a link to it")
    res = run_cli("history", "--no-cache", "--format", "json", "--select", "PMO", cwd=repo.root)
    assert res.code == 0, res.err
    assert json.loads(res.out)[-1]["counts"] == _check_counts(repo.root)
    assert json.loads(res.out)[-1]["counts"]["error"] == 2  # the file and the link to it
