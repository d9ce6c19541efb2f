"""`pmo-lint history` says what each commit changed: the findings added and resolved, by rule code and entity,
matched across commits by fingerprint (a finding whose line moves is neither), the same from the cache."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import git, run_cli
from tests.git.conftest import PMO, Repo, base_files, project

CHARTER = "  documents: {charter: docs/charter.md}\n"


def _with_charter(text: str) -> str:
    return text.replace("  budget: {bac:", CHARTER + "  budget: {bac:", 1)


def _history(root: Path, *args: str, env: dict[str, str] | None = None) -> list[dict[str, Any]]:
    res = run_cli("history", "--format", "json", *args, cwd=root, env=env)
    assert res.code == 0, res.err
    rows: list[dict[str, Any]] = json.loads(res.out)
    return rows


def _codes(records: list[dict[str, Any]]) -> list[str]:
    return [r["code"] for r in records]


def _story(make_repo: Callable[..., Repo]) -> tuple[Repo, list[str]]:
    """base portfolio -> go-live moved without a change request -> charter added -> project.yaml reformatted."""
    files = base_files()
    files["pmo.yaml"] = PMO.replace("pmoTypes: [governance]", "pmoTypes: [governance, tactical]")
    repo = make_repo(files)
    moved = project(golive="2026-01-15")
    shas = [git(repo.root, "rev-parse", "HEAD").strip()]
    shas.append(repo.write({"projects/crm/project.yaml": moved}).commit("move go-live"))
    fixed = _with_charter(moved)
    shas.append(repo.write({"projects/crm/project.yaml": fixed, "docs/charter.md": "# Charter\n"}).commit("charter"))
    shas.append(repo.write({"projects/crm/project.yaml": "# CRM\n# owner: Jo\n\n" + fixed}).commit("reformat"))
    return repo, shas


def test_history_names_the_rule_and_project_of_each_change(make_repo: Callable[..., Repo]) -> None:
    repo, shas = _story(make_repo)
    rows = _history(repo.root)
    assert [r["commit"] for r in rows] == shas

    first, moved, charter, reformat = rows
    # the first commit adds every finding it has
    assert sorted(_codes(first["added"])) == ["GOV005", "GOV006", "TAC003"] and first["resolved"] == []

    # the baseline moved without a change request: the rule code, the project and the message, not just "+1 error"
    assert moved["counts"]["error"] == first["counts"]["error"] + 1
    (gov040,) = moved["added"]
    assert gov040["code"] == "GOV040" and gov040["rule"] == "baseline-change-without-approved-cr"
    assert gov040["entity"] == "project:crm" and gov040["file"] == "projects/crm/project.yaml"
    assert gov040["severity"] == "error" and gov040["changeControl"] is True
    assert "go-live" in gov040["message"] and "2026-01-15" in gov040["message"]
    assert moved["resolved"] == []

    # the charter fixes GOV005: resolved; the change-control finding of the commit before is not "resolved"
    assert charter["added"] == [] and _codes(charter["resolved"]) == ["GOV005"]
    assert charter["resolved"][0]["entity"] == "project:crm" and charter["resolved"][0]["waived"] is False
    assert charter["lapsed"] == 1 and charter["counts"]["error"] == moved["counts"]["error"] - 2

    # comment lines on top move every finding of project.yaml down: no noise
    assert (reformat["added"], reformat["resolved"], reformat["lapsed"]) == ([], [], 0)
    assert reformat["counts"] == charter["counts"]

    text = run_cli("history", cwd=repo.root)
    assert text.code == 0, text.err
    lines = text.out.splitlines()
    at = {line.split()[0]: i for i, line in enumerate(lines) if not line.startswith(" ")}
    row = lines[at[shas[1][:12]] + 1 : at[shas[2][:12]]]
    assert len(row) == 1 and row[0].startswith("  + GOV040 project crm: ")
    row = lines[at[shas[2][:12]] + 1 : at[shas[3][:12]]]
    assert row[0].startswith("  - GOV005 project crm: ") and "change-control finding(s) of the commit before" in row[1]
    assert lines[at[shas[3][:12]] + 1 :] == []  # the reformat: nothing under its row


def test_the_line_of_the_finding_did_move(make_repo: Callable[..., Repo]) -> None:
    """The reformat commit of the story really moves the finding to another line (what makes the test above honest)."""
    repo, _ = _story(make_repo)

    def line_of_gov006() -> int:
        res = run_cli("check", "--format", "json", "--no-cache", "--as-of", "2025-06-01", cwd=repo.root)
        (found,) = [d for d in json.loads(res.out)["diagnostics"] if d["code"] == "GOV006"]
        return int(found["line"])

    after = line_of_gov006()
    git(repo.root, "checkout", "-q", "HEAD~1")
    assert line_of_gov006() == after - 3


def test_changes_from_the_cache_are_those_of_a_full_walk(make_repo: Callable[..., Repo]) -> None:
    repo = make_repo()
    repo.write({"projects/crm/project.yaml": project(golive="2025-11-20")}).commit("move go-live")
    cached = _history(repo.root)
    assert len(cached) == 2

    # one new commit: computed against its parent, whose row came from the cache (not as if all were new)
    text = _with_charter(project(golive="2025-11-20"))
    head = repo.write({"projects/crm/project.yaml": text, "docs/charter.md": "# Charter\n"}).commit("charter")
    res = run_cli("history", "--format", "json", cwd=repo.root)
    assert res.code == 0 and "1 computed, 2 from the cache" in res.err
    rows = json.loads(res.out)
    assert rows[:2] == cached
    assert rows[2]["commit"] == head and rows[2]["added"] == [] and _codes(rows[2]["resolved"]) == ["GOV005"]
    assert rows == _history(repo.root, "--no-cache")
    # a row does not depend on where the listing starts
    assert _history(repo.root, "--no-cache", "--commits", "1") == [{**rows[2], "lapsed": 0}]


def test_rows_of_an_older_cache_version_are_not_read(
    make_repo: Callable[..., Repo], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from pmo_lint.commands import history

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    repo = make_repo()
    opts = history.HistoryOptions(repo.root)
    monkeypatch.setattr(history, "CACHE_VERSION", history.CACHE_VERSION - 1)
    assert history.compute_history(opts)[1] == 1
    assert history.compute_history(opts)[1] == 0  # that version's own rows are read back
    monkeypatch.undo()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    rows, computed = history.compute_history(opts)
    assert computed == 1 and "added" in rows[0]


def _rec(code: str, fp: str, *, change_control: bool = False) -> dict[str, Any]:
    return {"code": code, "severity": "error", "fingerprint": fp, "changeControl": change_control}


def _row(day: str, added: list[dict[str, Any]], resolved: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "commit": day,
        "date": f"{day}T10:00:00+00:00",
        "counts": {"error": 0, "warning": 0, "info": 0},
        "added": added,
        "resolved": resolved,
        "omitted": {"added": 0, "resolved": 0},
        "lapsed": 0,
    }


def test_a_week_shows_its_net_change() -> None:
    from pmo_lint.commands.history import per_week

    rows = [
        _row("2025-06-02", [_rec("A1", "a"), _rec("B1", "b")], [_rec("C1", "c")]),
        _row("2025-06-03", [_rec("C1", "c"), _rec("GOV040", "g", change_control=True)], [_rec("A1", "a")]),
        _row("2025-06-04", [_rec("GOV040", "g", change_control=True)], []),
        _row("2025-06-10", [], [_rec("B1", "b")]),
    ]
    first, second = per_week(rows)
    # A1 came and went, C1 went and came back: neither; each change-control finding stays (it is about its commit)
    assert (first["week"], _codes(first["added"]), first["resolved"]) == ("2025-W23", ["B1", "GOV040", "GOV040"], [])
    assert first["commit"] == "2025-06-04"
    assert (second["week"], second["added"], _codes(second["resolved"])) == ("2025-W24", [], ["B1"])


def test_history_over_worker_processes_gives_the_same_rows(make_repo: Callable[..., Repo]) -> None:
    """Commits split into runs over three processes: each run starts from the commit before it, so a finding
    added or resolved at a run's first commit is reported as it is by one process walking them all."""
    repo, shas = _story(make_repo)
    text = (repo.root / "projects/crm/project.yaml").read_text(encoding="utf-8")
    for n in range(5):  # the charter goes and comes back: GOV005 added and resolved at several commits
        gone = text.replace(CHARTER, "")
        shas.append(repo.write({"projects/crm/project.yaml": gone}).commit(f"drop the charter {n}"))
        shas.append(repo.write({"projects/crm/project.yaml": text}).commit(f"restore the charter {n}"))
    alone = _history(repo.root, "--no-cache", env={"PMO_LINT_JOBS": "1"})
    split = _history(repo.root, "--no-cache", env={"PMO_LINT_JOBS": "3", "PMO_LINT_HISTORY_PARALLEL_MIN": "3"})
    assert [r["commit"] for r in split] == shas
    assert split == alone
    # 14 commits in runs of 5 start at commits 0, 5 and 10: a run's first commit still names what it changed
    assert _codes(split[5]["resolved"]) == ["GOV005"] and _codes(split[10]["added"]) == ["GOV005"]


_RUNS = Path()
_WALK_PART: Callable[[Any], Any] = print  # set by the test to the real one


def _recording_part(part: Any) -> Any:
    """Runs in a worker process (it is found there by name): leaves a file naming the run's first commit."""
    (_RUNS / part[1][0].oid).write_text(str(len(part[1])), encoding="utf-8")
    return _WALK_PART(part)


def test_history_splits_its_commits_into_runs_over_processes(
    make_repo: Callable[..., Repo], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from pmo_lint.commands import history

    repo, shas = _story(make_repo)
    for n in range(4):
        shas.append(repo.write({"notes.md": f"note {n}\n"}).commit(f"note {n}"))
    seen = tmp_path / "runs"
    seen.mkdir()
    monkeypatch.setattr(sys.modules[__name__], "_RUNS", seen)
    monkeypatch.setattr(sys.modules[__name__], "_WALK_PART", history._walk_part)
    monkeypatch.setattr(history, "_walk_part", _recording_part)
    monkeypatch.setenv("PMO_LINT_JOBS", "2")
    monkeypatch.setenv("PMO_LINT_HISTORY_PARALLEL_MIN", "4")
    monkeypatch.chdir(repo.root)
    rows, computed = history.compute_history(history.HistoryOptions(Path(), use_cache=False))
    assert computed == 8 and [r["commit"] for r in rows] == shas
    assert {p.name: p.read_text(encoding="utf-8") for p in seen.iterdir()} == {shas[0]: "4", shas[4]: "4"}
