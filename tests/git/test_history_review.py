"""`pmo-lint history` in a shallow clone and with `--since` over a clock-skewed commit (review findings)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

from tests.conftest import GIT_ENV, git, run_cli
from tests.harbour_kit import harbour_pmo

PMO = harbour_pmo()

PERSON = """\
apiVersion: pmo-lint/v1
kind: Person
metadata: {{name: {name}}}
spec:
  profile: {{displayName: {display}, gitEmails: [{name}@harbour.test]}}
  roles: [{role}]
"""

PROJECT = """\
apiVersion: pmo-lint/v1
kind: Project
metadata: {{name: yard, title: Yard Automation}}
spec:
  type: it
  category: operational
  owner: mo-manager
  sponsor: ria-director
  lifecycle:
    phase: build
    gates:
      - {{gate: OK-SHAPE, decision: approved, decidedBy: ria-director, date: 2025-01-05}}
      - {{gate: OK-BUILD, decision: approved, decidedBy: ria-director, date: 2025-02-01}}
  documents: {{charter: docs/charter.md, businessCase: docs/case.md}}
  budget: {{bac: {bac}}}
  activeBaseline: b1
  baselines:
    - id: b1
      date: 2025-02-01
      approvedBy: gate:OK-BUILD
      schedule: {{start: 2025-02-01, finish: 2025-12-19}}
      budget: {{bac: {bac}}}
"""


def _files(bac: int = 300000) -> dict[str, str]:
    return {
        "pmo.yaml": PMO,
        "people/ria-director.yaml": PERSON.format(name="ria-director", display="Ria Director", role="pmo-director"),
        "people/mo-manager.yaml": PERSON.format(name="mo-manager", display="Mo Manager", role="project-manager"),
        "docs/charter.md": "charter\n",
        "docs/case.md": "case\n",
        "projects/yard/project.yaml": PROJECT.format(bac=bac),
    }


def _commit(root: Path, files: dict[str, str], message: str, date: str) -> str:
    """Write ``files`` and commit them as Mo Manager, author and committer dated ``date`` (YYYY-MM-DD)."""
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    stamp = f"{date}T10:00:00+00:00"
    env = {
        **os.environ,
        **GIT_ENV,
        "GIT_AUTHOR_NAME": "Mo Manager",
        "GIT_AUTHOR_EMAIL": "mo-manager@harbour.test",
        "GIT_AUTHOR_DATE": stamp,
        "GIT_COMMITTER_DATE": stamp,
    }
    subprocess.run(["git", "add", "-A"], cwd=root, env=env, check=True)
    subprocess.run(["git", "commit", "-q", "--allow-empty", "-m", message], cwd=root, env=env, check=True)
    return git(root, "rev-parse", "HEAD").strip()


def _source(tmp_path: Path) -> tuple[Path, str, str]:
    """A repository whose second commit raises the approved baseline's budget without a change request."""
    root = tmp_path / "source"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    first = _commit(root, _files(), "portfolio", "2025-03-01")
    bump = _commit(root, {"projects/yard/project.yaml": PROJECT.format(bac=700000)}, "quiet bump", "2025-03-05")
    return root, first, bump


def _clone(source: Path, dest: Path, depth: int) -> Path:
    git(source.parent, "clone", "-q", f"--depth={depth}", f"file://{source}", str(dest))
    return dest


def _history(root: Path, *args: str, env: dict[str, str] | None = None) -> tuple[list[dict[str, Any]], str]:
    res = run_cli("history", str(root), "--format", "json", *args, env=env)
    assert res.code == 0, res.err
    return json.loads(res.out), res.err


def _codes(row: dict[str, Any]) -> list[str]:
    return [rec["code"] for rec in row["added"]]


def test_full_history_reports_the_unapproved_budget_change(tmp_path: Path) -> None:
    # the yardstick for the shallow-clone tests: with the parent, the bump is a change-control error
    root, first, bump = _source(tmp_path)
    rows, err = _history(root, "--no-cache")
    assert [r["commit"] for r in rows] == [first, bump]
    assert "GOV040" in _codes(rows[1])
    assert [r["comparedWithParent"] for r in rows] == [True, True]
    assert "shallow" not in err


def test_shallow_clone_marks_the_commit_it_cannot_compare(tmp_path: Path) -> None:
    source, _, bump = _source(tmp_path)
    root = _clone(source, tmp_path / "ci", depth=1)
    rows, err = _history(root, "--no-cache")
    assert [r["commit"] for r in rows] == [bump]
    row = rows[0]
    # not passed off as a commit that was compared and changed nothing: it is marked, and lists nothing
    assert row["comparedWithParent"] is False
    assert row["added"] == [] and row["resolved"] == []
    assert "shallow clone" in err and "git fetch --unshallow" in err and bump[:12] in err

    text = run_cli("history", str(root), "--no-cache")
    assert text.code == 0, text.err
    assert "not compared with its parent (shallow clone)" in text.out


def test_shallow_clone_compares_every_commit_whose_parent_it_has(tmp_path: Path) -> None:
    source, _, _ = _source(tmp_path)
    later = _commit(source, {"docs/charter.md": "charter v2\n"}, "charter", "2025-03-06")
    root = _clone(source, tmp_path / "ci", depth=2)
    rows, _ = _history(root, "--no-cache")
    assert [r["comparedWithParent"] for r in rows] == [False, True]
    assert rows[1]["commit"] == later
    weeks, _ = _history(root, "--no-cache", "--per", "week")  # both commits fall in one ISO week
    assert len(weeks) == 1 and weeks[0]["comparedWithParent"] is False


def test_shallow_row_is_not_cached_and_is_compared_once_the_history_is_fetched(tmp_path: Path) -> None:
    source, _, bump = _source(tmp_path)
    root = _clone(source, tmp_path / "ci", depth=1)
    env = {"XDG_CACHE_HOME": str(tmp_path / "xdg")}
    rows, _ = _history(root, env=env)
    assert rows[0]["comparedWithParent"] is False
    git(root, "fetch", "-q", "--unshallow")
    rows, _ = _history(root, env=env)
    assert [r["commit"] for r in rows][-1] == bump
    assert rows[-1]["comparedWithParent"] is True
    assert "GOV040" in _codes(rows[-1])


def test_since_keeps_commits_after_one_with_an_older_date(tmp_path: Path) -> None:
    root = tmp_path / "skew"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    _commit(root, _files(), "portfolio", "2025-03-01")
    bump = _commit(root, {"projects/yard/project.yaml": PROJECT.format(bac=700000)}, "quiet bump", "2025-03-05")
    skewed = _commit(root, {"docs/case.md": "case v2\n"}, "typo", "2025-01-01")  # its clock was off
    later = _commit(root, {"docs/case.md": "case v3\n"}, "later", "2025-03-10")
    rows, err = _history(root, "--no-cache", "--since", "2025-03-02")
    # git log --since stopped at the skewed commit and showed only the last one
    assert [r["commit"] for r in rows] == [bump, skewed, later]
    assert "GOV040" in _codes(rows[0])
    assert "1 commit(s) dated before 2025-03-02" in err

    rows, err = _history(root, "--no-cache", "--since", "2025-03-08")
    assert [r["commit"] for r in rows] == [later]
    assert "dated before" not in err


def test_editing_the_portfolios_own_rule_pack_is_not_answered_from_the_cache(tmp_path: Path) -> None:
    """Every commit is checked with today's packs: a cached row computed with yesterday's pack is stale."""
    root, _, _ = _source(tmp_path)
    env = {"XDG_CACHE_HOME": str(tmp_path / "xdg")}
    pack = "pack: harbour\nrules:\n  - id: yard-named\n    code: HBR001\n    title: Named\n    severity: error\n"
    pack += "    kind: Project\n    assert: 'false'\n    message: {message}\n"
    (root / "policies").mkdir()
    (root / "policies/harbour.yaml").write_text(pack.format(message="first wording"), encoding="utf-8")
    (root / ".pmo-lint.yaml").write_text("policies: [policies/harbour.yaml]\n", encoding="utf-8")
    rows, _ = _history(root, env=env)
    assert [rec["message"] for rec in rows[0]["added"] if rec["code"] == "HBR001"] == ["first wording"]
    (root / "policies/harbour.yaml").write_text(pack.format(message="second wording"), encoding="utf-8")
    rows, err = _history(root, env=env)
    assert [rec["message"] for rec in rows[0]["added"] if rec["code"] == "HBR001"] == ["second wording"], err
    assert "2 computed" in err
