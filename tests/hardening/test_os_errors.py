"""OS errors on paths a user names are input errors (exit 2, a clear message), in every command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pmo_lint.cli import main
from tests.policy_kit import write_portfolio

LOOP = "projects/loop.yaml"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = write_portfolio(tmp_path / "p")
    (root / "projects/loop.yaml").symlink_to("other.yaml")
    (root / "projects/other.yaml").symlink_to("loop.yaml")
    return root


@pytest.mark.parametrize(
    "args",
    [
        ["check", "{loop}"],
        ["check", "--config", "{loop}"],
        ["fix", "{loop}"],
        ["fix", "--diff", "{loop}"],
        ["history", "{loop}"],
        ["site", "build", "{loop}", "--out", "{out}"],
        ["new", "project", "x", "--dir", "{loop}"],
        ["init", "--yes", "{loop}"],
        ["test-policies", "{loop}"],
        ["schema", "export", "--check", "--out", "{loop}"],
    ],
)
def test_a_looping_symlink_named_anywhere_is_input(
    root: Path, tmp_path: Path, args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [a.format(loop=root / LOOP, out=tmp_path / "site") for a in args]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "loop.yaml: a symbolic link that loops" in err
    assert "internal error" not in err and "Traceback" not in err


def test_whole_run_reports_the_loop_as_a_finding(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(root), "--select", "PMO002"]) == 1
    assert "projects/loop.yaml:1:1: PMO002" in capsys.readouterr().out


def test_a_name_too_long_is_input(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    long = root / "projects" / ("x" * 300 + ".yaml")
    for args in (["check", str(long)], ["fix", str(long)], ["check", str(root), "--format", f"json={long}"]):
        assert main(args) == 2, args
        err = capsys.readouterr().err
        assert "too long" in err and "internal error" not in err


def test_a_folder_or_fifo_named_as_a_file(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (root / "projects/dir.yaml").mkdir()
    os.mkfifo(root / "projects/pipe.yaml")
    for name in ("dir.yaml", "pipe.yaml"):
        assert main(["check", str(root / "projects" / name)]) == 1  # PMO002, as in a whole run
        assert "PMO002" in capsys.readouterr().out
        assert main(["fix", str(root / "projects" / name)]) == 2  # not fixed, said once
        err = capsys.readouterr().err
        assert err.count("not fixed") == 1 and "internal error" not in err
    assert main(["check", str(root), "--format", f"json={root / 'projects/dir.yaml'}"]) == 2


def test_unreadable_folder_is_input(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if os.geteuid() == 0:
        pytest.skip("runs as root: permissions do not stop root, so EACCES cannot be provoked here")
    locked = root / "projects/locked"
    locked.mkdir()
    (locked / "project.yaml").write_text("kind: Project\n", encoding="utf-8")
    locked.chmod(0)
    try:
        assert main(["check", str(locked / "project.yaml")]) == 2
        assert "permission denied" in capsys.readouterr().err
    finally:
        locked.chmod(0o755)


def test_init_without_a_terminal_asks_for_yes(tmp_path: Path) -> None:
    # a real process with stdin at its end, as in CI (CliRunner would not pass the exit code on)
    proc = subprocess.run(
        [sys.executable, "-m", "pmo_lint", "init", str(tmp_path / "new")],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2, proc.stderr
    assert "no terminal: pass --yes" in proc.stderr
    assert "internal error" not in proc.stderr + proc.stdout
    assert not (tmp_path / "new").exists()
