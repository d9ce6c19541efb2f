"""The output writer behind ``--format NAME=FILE``: regular files are replaced atomically, links and special
files are written through and never replaced, and nothing is written outside what the user named."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from pmo_lint.errors import UsageError
from pmo_lint.output import write_output
from tests.conftest import PORTFOLIOS, run_cli

REPORT = '{"a": 1}\n'


def _entries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_regular_file_is_replaced_whole_and_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old and longer than the new report\n", encoding="utf-8")
    target.chmod(0o640)
    write_output(REPORT, target)
    assert target.read_text(encoding="utf-8") == REPORT
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert _entries(tmp_path) == ["report.json"]  # no temporary file left behind


def test_a_new_file_gets_the_usual_mode_and_its_folders(tmp_path: Path) -> None:
    target = tmp_path / "out" / "deep" / "report.json"
    write_output(REPORT, target)
    assert target.read_text(encoding="utf-8") == REPORT
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask  # not mkstemp's private 0600


def test_an_interrupted_write_leaves_the_old_report_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.json"
    target.write_text("old\n", encoding="utf-8")

    def interrupted(self: Path, other: Path) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(Path, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_output(REPORT, target)
    assert target.read_text(encoding="utf-8") == "old\n"
    assert _entries(tmp_path) == ["report.json"]


def test_a_link_to_a_file_is_written_through(tmp_path: Path) -> None:
    real = tmp_path / "reports" / "latest.json"
    real.parent.mkdir()
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "report.json"
    link.symlink_to(real)
    write_output(REPORT, link)
    assert link.is_symlink() and link.readlink() == real
    assert real.read_text(encoding="utf-8") == REPORT
    assert _entries(tmp_path) == ["report.json", "reports"]
    assert _entries(real.parent) == ["latest.json"]


def test_a_link_to_a_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    link = tmp_path / "report.json"
    link.symlink_to(folder)
    with pytest.raises(UsageError, match="it is a symbolic link to a folder; name a file"):
        write_output(REPORT, link)
    assert link.is_symlink() and _entries(folder) == []


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="it is a folder"):
        write_output(REPORT, tmp_path)


def test_a_dangling_link_is_refused_and_nothing_is_created(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere" / "planted.json"
    elsewhere.parent.mkdir()
    link = tmp_path / "report.json"
    link.symlink_to(elsewhere)
    with pytest.raises(UsageError, match=r"symbolic link to .*planted\.json, which does not exist"):
        write_output(REPORT, link)
    assert link.is_symlink() and link.readlink() == elsewhere  # the link is not replaced by a file
    assert _entries(elsewhere.parent) == []  # and no file appears where it points


def test_a_parent_that_is_a_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("x", encoding="utf-8")
    with pytest.raises(UsageError, match=r"cannot write .*out/report\.json"):
        write_output(REPORT, tmp_path / "out" / "report.json")


def test_a_device_is_written_into_never_replaced() -> None:
    devnull = Path(os.devnull)
    before = devnull.lstat()
    write_output(REPORT, devnull)
    after = devnull.lstat()
    assert stat.S_ISCHR(after.st_mode) and (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)


# --- through the CLI, as a user runs it ---------------------------------------------------------------------


@pytest.fixture
def portfolio(tmp_path: Path) -> Path:
    root = tmp_path / "portfolio"
    shutil.copytree(PORTFOLIOS / "clean", root, ignore=shutil.ignore_patterns(".pmo-lint-cache"))
    return root


def test_cli_dangling_link_exits_2_without_traceback(portfolio: Path, tmp_path: Path) -> None:
    link = tmp_path / "out.json"
    link.symlink_to(tmp_path / "missing" / "x.json")
    res = run_cli("check", str(portfolio), "--format", f"json={link}")
    assert res.code == 2
    assert "which does not exist" in res.err and "Traceback" not in res.err
    assert link.is_symlink()


@pytest.mark.skipif(not Path("/proc/self/fd/1").exists(), reason="needs /proc")
@pytest.mark.parametrize("append", [False, True])
def test_cli_link_to_proc_self_fd_1_reaches_standard_output(portfolio: Path, tmp_path: Path, append: bool) -> None:
    link = tmp_path / "out.json"
    link.symlink_to("/proc/self/fd/1")
    captured = tmp_path / "stdout.log"
    captured.write_text("earlier log line\n", encoding="utf-8")
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("GITHUB_ACTIONS", None)
    with captured.open("a" if append else "w", encoding="utf-8") as out:
        proc = subprocess.run(
            [sys.executable, "-m", "pmo_lint", "check", str(portfolio), "--format", f"json={link}"],
            stdout=out,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            check=False,
        )
    assert proc.returncode == 0, proc.stderr
    assert link.is_symlink() and str(link.readlink()) == "/proc/self/fd/1"
    written = captured.read_text(encoding="utf-8")
    head, report = ("earlier log line\n", written.removeprefix("earlier log line\n")) if append else ("", written)
    assert written.startswith(head)
    assert json.loads(report)["summary"]["error"] == 0


@pytest.mark.skipif(not Path("/proc/self/fd/1").exists(), reason="needs /proc")
def test_cli_link_to_proc_self_fd_1_reaches_a_pipe(portfolio: Path, tmp_path: Path) -> None:
    link = tmp_path / "out.json"
    link.symlink_to("/proc/self/fd/1")
    res = run_cli("check", str(portfolio), "--format", f"json={link}")
    assert res.code == 0, res.err
    assert json.loads(res.out)["summary"]["error"] == 0
    assert link.is_symlink()
