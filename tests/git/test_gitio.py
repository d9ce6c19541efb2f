"""The git adapter: bulk blob reads, -z parsing of odd names, blob ids, the scrubbed environment, docs."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml

from pmo_lint.errors import GitError
from pmo_lint.loader import gitio
from tests.conftest import ROOT, git
from tests.git.conftest import Repo

ODD = ("plain.yaml", "with space/ü ñ.yaml", "tab\there.yaml", "new\nline.yaml", 'quote"d.yaml', "-dash.yaml")


@pytest.fixture
def odd_repo(tmp_path: Path) -> Repo:
    repo = Repo(tmp_path / "odd")
    repo.write({name: f"name: {i}\n" * (i + 1) for i, name in enumerate(ODD)})
    repo.commit("odd names")
    return repo


def test_ls_tree_and_bulk_read_keep_every_name_and_byte(odd_repo: Repo) -> None:
    repo = gitio.Repository.open(odd_repo.root)
    head = repo.head()
    entries = {e.path: e for e in repo.ls_tree(head)}
    assert set(entries) == set(ODD)
    blobs = repo.read_blobs(e.oid for e in entries.values())
    for i, name in enumerate(ODD):
        assert blobs[entries[name].oid] == (odd_repo.root / name).read_bytes() == f"name: {i}\n".encode() * (i + 1)
        assert repo.blob_id((odd_repo.root / name).read_bytes()) == entries[name].oid
    assert repo.read_blobs([f"{head}:plain.yaml", f"{head}:absent.yaml"]) == {f"{head}:plain.yaml": b"name: 0\n"}
    assert repo.ls_tree(head, "with space") == [entries["with space/ü ñ.yaml"]]


def test_changes_and_log(odd_repo: Repo) -> None:
    first = git(odd_repo.root, "rev-parse", "HEAD").strip()
    odd_repo.delete("new\nline.yaml").write({"tab\there.yaml": "changed: true\n", "added.yaml": "a: 1\n"})
    second = odd_repo.commit("second", email="someone@example.org")
    repo = gitio.Repository.open(odd_repo.root)
    assert sorted((c.status, c.path) for c in repo.changes(first, second)) == [
        ("A", "added.yaml"),
        ("D", "new\nline.yaml"),
        ("M", "tab\there.yaml"),
    ]
    log = repo.log(second)
    assert [c.oid for c in log] == [second, first]
    assert log[0].email == "someone@example.org" and log[0].parents == (first,)
    assert repo.log(second, max_count=1)[0].oid == second


def test_environment_is_scrubbed_and_hardened(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_DIR", "/elsewhere")
    monkeypatch.setenv("GIT_EXTERNAL_DIFF", "/bin/false")
    env = gitio.git_env()
    assert "GIT_DIR" not in env and "GIT_EXTERNAL_DIFF" not in env
    assert env["GIT_TERMINAL_PROMPT"] == "0" and env["GIT_CONFIG_NOSYSTEM"] == "1" and env["GIT_OPTIONAL_LOCKS"] == "0"
    cmd = gitio.git_command(["log"])
    settings = {cmd[i + 1] for i, part in enumerate(cmd) if part == "-c"}
    assert {"core.fsmonitor=false", "core.hooksPath=/dev/null", "diff.external=", "protocol.allow=never"} <= settings
    assert cmd[-1] == "log"


def test_refs_are_never_options(odd_repo: Repo) -> None:
    repo = gitio.Repository.open(odd_repo.root)
    with pytest.raises(GitError, match="not a valid ref name"):
        repo.resolve("--output=/tmp/pwned")
    assert repo.try_resolve("--all") is None


def test_docs_workflows_use_real_options() -> None:
    """The ready-to-copy CI jobs parse as YAML, fetch full history and call options that exist."""
    from pmo_lint.commands.check import command as check

    text = (ROOT / "docs" / "pr-mode.md").read_text("utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text, re.S)
    jobs = [yaml.safe_load(b) for b in blocks if "pmo-lint check" in b]
    assert len(jobs) == 2
    assert any("fetch-depth: 0" in b for b in blocks)
    assert any('GIT_DEPTH: "0"' in b for b in blocks)
    options = {opt for p in check.params for opt in p.opts}
    commands = re.findall(r"pmo-lint check[^\n`]*(?:\n\s+--[^\n]*)*", text)
    assert commands
    for command in commands:
        for word in shlex.split(command.replace("\n", " ")):
            if word.startswith("--"):
                assert word.split("=")[0] in options, command
