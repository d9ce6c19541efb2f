"""`pmo-lint history`: findings per commit, cached by commit id, with the change-control rules per commit."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import GIT_ENV, git, run_cli
from tests.git.conftest import PMO, Repo, project, status_report

PERSON = (
    "apiVersion: pmo-lint/v1\nkind: Person\nmetadata:\n  name: p{n}\n"
    "spec:\n  profile: {{displayName: {title}}}\n  roles: [project-manager]\n"
)
BROKEN = PERSON + "  memberOf: [team:ghost]\n"


def _fast_import(root: Path, commits: int) -> None:
    """Generate a first-parent history quickly: commit 1 adds the portfolio, each later one edits one person."""
    out: list[bytes] = []

    def blob(path: str, text: str) -> None:
        data = text.encode()
        out.append(b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(data), data))

    for i in range(commits):
        msg = f"commit {i}".encode()
        out.append(b"commit refs/heads/main\n")
        out.append(b"author Gen <gen@example.org> %d +0000\n" % (1717243200 + i * 3600))
        out.append(b"committer Gen <gen@example.org> %d +0000\n" % (1717243200 + i * 3600))
        out.append(b"data %d\n%s\n" % (len(msg), msg))
        if i == 0:
            blob("pmo.yaml", PMO)
            for n in range(10):
                blob(f"people/p{n}.yaml", PERSON.format(n=n, title=f"P{n}"))
        else:
            n = i % 10
            template = BROKEN if i % 50 == 0 else PERSON  # every 50th commit leaves a dangling reference
            blob(f"people/p{n}.yaml", template.format(n=n, title=f"P{n} v{i}"))
        out.append(b"\n")
    env = {**os.environ, **GIT_ENV}
    subprocess.run(["git", "fast-import", "--quiet"], cwd=root, input=b"".join(out), env=env, check=True)
    git(root, "checkout", "-q", "-f", "main")


def _log(root: Path) -> list[str]:
    logs = list((root / ".pmo-lint-cache" / "history").glob("*/computed.log"))
    assert len(logs) == 1
    return logs[0].read_text("utf-8").split()


@pytest.mark.slow
def test_history_of_500_commits_is_cached_by_commit(tmp_path: Path) -> None:
    root = tmp_path / "big"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    _fast_import(root, 500)

    res = run_cli("history", "--format", "json", "--select", "PMO", cwd=root, timeout=600)
    assert res.code == 0, res.err
    rows = json.loads(res.out)
    assert len(rows) == 500
    assert rows[0]["commit"] == git(root, "rev-list", "--max-parents=0", "HEAD").strip()
    assert rows[-1]["commit"] == git(root, "rev-parse", "HEAD").strip()
    assert rows[50]["counts"]["error"] == 1 and rows[49]["counts"]["error"] == 0
    assert rows[50]["packs"] == {"core": 1}
    assert "500 computed, 0 from the cache" in res.err
    assert len(_log(root)) == 500

    Repo(root).write({"people/p3.yaml": BROKEN.format(n=3, title="P3 again")}).commit("one more")
    res = run_cli("history", "--format", "json", "--select", "PMO", cwd=root, timeout=600)
    assert res.code == 0, res.err
    rows2 = json.loads(res.out)
    assert len(rows2) == 501 and rows2[:500] == rows
    head = git(root, "rev-parse", "HEAD").strip()
    assert _log(root)[500:] == [head]  # only the new commit was computed
    assert "1 computed, 500 from the cache" in res.err
    assert rows2[-1]["counts"]["error"] == 1  # p3 now dangles (p0 was fixed again at commit 460)

    assert len(json.loads(run_cli("history", "--format", "json", "--commits", "5", cwd=root).out)) == 5


def test_history_runs_change_control_per_commit(make_repo: Callable[..., Repo]) -> None:
    repo = make_repo()
    git(repo.root, "checkout", "-q", "main")
    repo.write({"projects/crm/status/2025-05-02.yaml": status_report(rag="green")}).commit("rewrite a report")
    repo.write({"projects/crm/project.yaml": project(bac=999999)}).commit("raise the budget")
    res = run_cli("history", "--format", "json", "--select", "GOV04", cwd=repo.root)
    assert res.code == 0, res.err
    rows = json.loads(res.out)
    assert [r["counts"]["error"] for r in rows] == [0, 1, 1]
    assert [r["packs"] for r in rows] == [{}, {"governance": 1}, {"governance": 1}]

    from pmo_lint.site.history import parse_history  # the site reads this JSON as it is

    assert [p.counts for p in parse_history(rows).points] == [(0, 0, 0), (1, 0, 0), (1, 0, 0)]

    text = run_cli("history", "--select", "GOV04", cwd=repo.root)
    assert text.code == 0
    assert text.out.splitlines()[0].split() == ["COMMIT", "DATE", "ERRORS", "WARNINGS", "INFO", "AUTHOR"]
    assert len([line for line in text.out.splitlines() if not line.startswith(" ")]) == 4  # + the changes
    assert "0 computed, 3 from the cache" in text.err


def test_history_since_and_bad_options(make_repo: Callable[..., Repo]) -> None:
    repo = make_repo()
    res = run_cli("history", "--since", "2999-01-01", "--format", "json", cwd=repo.root)
    assert (res.code, json.loads(res.out)) == (0, [])
    bad = run_cli("history", "--since", "2025-01-01", "--commits", "3", cwd=repo.root)
    assert bad.code == 2 and "not both" in bad.err
    bad = run_cli("history", "--since", "yesterday", cwd=repo.root)
    assert bad.code == 2 and "YYYY-MM-DD" in bad.err


def test_history_no_cache_writes_nothing(make_repo: Callable[..., Repo]) -> None:
    repo = make_repo()
    res = run_cli("history", "--no-cache", cwd=repo.root)
    assert res.code == 0 and "1 computed" in res.err
    assert not (repo.root / ".pmo-lint-cache" / "history").exists()


def test_history_per_week_keeps_each_weeks_last_commit(tmp_path: Path) -> None:
    root = tmp_path / "weeks"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    _fast_import(root, 60)  # hourly commits over 2.5 days
    res = run_cli("history", "--per", "week", "--format", "json", "--select", "PMO", cwd=root)
    assert res.code == 0, res.err
    rows = json.loads(res.out)
    assert [r["week"] for r in rows] == ["2024-W22", "2024-W23"]
    assert rows[-1]["commit"] == git(root, "rev-parse", "HEAD").strip()
    assert "60 commit(s)" in res.err
