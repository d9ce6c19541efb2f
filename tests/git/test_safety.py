"""A repository's own configuration must never make pmo-lint run a program (fsmonitor, hooks, diff
drivers, filters, pager, gpg, credentials), and inherited GIT_* variables must not redirect it."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

from tests.conftest import GIT_ENV, git, run_cli
from tests.git.conftest import Repo, project

TRAPS = (
    "fsmonitor",
    "hook",
    "external-diff",
    "textconv",
    "clean",
    "smudge",
    "process",
    "pager",
    "gpg",
    "ssh",
    "credential",
    "env",
)
HOOKS = ("pre-commit", "post-checkout", "post-merge", "reference-transaction", "post-index-change", "pre-auto-gc")


def _trap(bin_dir: Path, markers: Path, name: str) -> str:
    script = bin_dir / f"{name}.sh"
    script.write_text(f'#!/bin/sh\necho "$@" >> "{markers / name}"\ncat >/dev/null 2>&1 || true\n', encoding="utf-8")
    script.chmod(0o755)
    return str(script)


def _arm(repo: Path, tmp_path: Path) -> Path:
    """Point every program-running setting of the repository at a script that leaves a marker file."""
    markers, bin_dir, hooks = tmp_path / "markers", tmp_path / "traps", tmp_path / "hooks"
    for folder in (markers, bin_dir, hooks):
        folder.mkdir()
    t = {name: _trap(bin_dir, markers, name) for name in TRAPS}
    for hook in HOOKS:
        for folder in (hooks, repo / ".git" / "hooks"):
            (folder / hook).write_text(f'#!/bin/sh\necho {hook} >> "{markers / "hook"}"\n', encoding="utf-8")
            (folder / hook).chmod(0o755)
    settings = {
        "core.fsmonitor": t["fsmonitor"],
        "core.hooksPath": str(hooks),
        "diff.external": t["external-diff"],
        "diff.evil.textconv": t["textconv"],
        "filter.evil.clean": t["clean"],
        "filter.evil.smudge": t["smudge"],
        "core.pager": t["pager"],
        "pager.log": t["pager"],
        "log.showSignature": "true",
        "gpg.program": t["gpg"],
        "core.sshCommand": t["ssh"],
        "credential.helper": t["credential"],
    }
    for key, value in settings.items():
        git(repo, "config", key, value)
    attributes = "*.yaml diff=evil filter=evil\n"
    (repo / ".gitattributes").write_text(attributes, encoding="utf-8")
    (repo / ".git" / "info").mkdir(exist_ok=True)
    (repo / ".git" / "info" / "attributes").write_text(attributes, encoding="utf-8")
    return markers


def test_repository_config_runs_nothing(make_repo: Callable[..., Repo], tmp_path: Path) -> None:
    repo = make_repo()
    repo.write({"projects/crm/project.yaml": project(bac=620000)}).commit("budget")
    repo.write({"projects/crm/project.yaml": project(bac=640000)})  # and a working-tree edit
    markers = _arm(repo.root, tmp_path)
    hostile_env = {
        "GIT_DIR": str(tmp_path / "elsewhere"),
        "GIT_EXTERNAL_DIFF": _trap(tmp_path / "traps", markers, "env"),
        "GIT_PAGER": str(tmp_path / "traps" / "env.sh"),
        "GIT_CONFIG_PARAMETERS": "'core.fsmonitor'='" + str(tmp_path / "traps" / "env.sh") + "'",
    }

    res = run_cli("check", "--base", "main", "--select", "GOV04", cwd=repo.root, env=hostile_env)
    assert res.code == 1 and "GOV040" in res.out, res.err
    res = run_cli("history", "--format", "json", cwd=repo.root, env=hostile_env)
    assert res.code == 0, res.err
    assert sorted(p.name for p in markers.iterdir()) == []

    # the traps are armed: plain git, reading the index and diffing, does run them
    env = {**os.environ, **GIT_ENV}
    subprocess.run(["git", "status", "--porcelain"], cwd=repo.root, env=env, capture_output=True, check=False)
    subprocess.run(["git", "diff", "main"], cwd=repo.root, env=env, capture_output=True, check=False)
    assert {"fsmonitor", "clean", "hook"} <= {p.name for p in markers.iterdir()}
