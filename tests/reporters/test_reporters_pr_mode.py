"""PR mode in the formats a PR reader sees: the change's new findings first, each marked, with the comparison line."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from pmo_lint.diagnostics import Diagnostic, PrSummary, Result, Severity, sort_diagnostics
from pmo_lint.reporters import github, markdown, text
from tests.conftest import run_cli
from tests.git.conftest import PMO, Repo

BASE = "a" * 40
HEAD = "b" * 40


def _pr_result(n_existing: int, n_new: int, *, new_only: bool = False, branch: str = "feature") -> Result:
    # the new findings sort last by path, where a plain cap would never reach them
    diags = [
        Diagnostic("r", "PMO007", Severity.ERROR, f"old {i}", f"a{i:02}.yaml", 1, 1, baseline_state="existing")
        for i in range(n_existing)
    ]
    diags += [
        Diagnostic("r", "PMO007", Severity.ERROR, f"fresh {i}", f"z{i:02}.yaml", 2, 1, baseline_state="new")
        for i in range(n_new)
    ]
    pr = PrSummary("origin/main", branch, n_new, n_existing, new_only)
    return Result(
        "/p",
        dt.date(2026, 1, 1),
        len(diags),
        tuple(sort_diagnostics(diags)),
        base=BASE,
        head=HEAD,
        rules=(),
        pr=pr,
        path_prefix="governance/pmo/",
    )


COMPARED = (
    f"Compared with base {BASE[:12]} (merge base with origin/main), head {HEAD[:12]} (feature, working tree): "
    "2 new, 12 existing."
)


def test_github_annotates_the_new_findings_first_and_marks_each() -> None:
    lines = github.render(_pr_result(12, 2)).splitlines()
    annotations = [line for line in lines if line.startswith("::error ")]
    assert len(annotations) == 10
    assert "title=PMO007 r (new)::fresh 0" in annotations[0] and "title=PMO007 r (new)::fresh 1" in annotations[1]
    assert all("(existing)::old" in a for a in annotations[2:])
    assert "file=governance/pmo/z00.yaml" in annotations[0]
    # the four left over are existing ones, printed as log lines with their state
    assert "governance/pmo/a11.yaml:1:1: PMO007 [error] old 11 (existing)" in lines
    assert COMPARED in lines


def test_github_without_pr_mode_has_no_marks_or_comparison() -> None:
    plain = dataclasses.replace(
        _pr_result(1, 1),
        diagnostics=tuple(d.replace(baseline_state="") for d in _pr_result(1, 1).diagnostics),
        base="",
        head="",
        pr=None,
    )
    out = github.render(plain)
    assert "(new)" not in out and "(existing)" not in out and "Compared with base" not in out


def test_markdown_lists_new_findings_first_under_their_heading() -> None:
    out = markdown.render(_pr_result(12, 2))
    assert out.index(markdown.escape(COMPARED)) < out.index("| Severity | Count |")
    new_at, existing_at = out.index("### New in this change (2)"), out.index("### Existing before this change (12)")
    assert new_at < existing_at
    assert new_at < out.index("#### governance/pmo/z00\\.yaml") < existing_at
    assert out.index("#### governance/pmo/a00\\.yaml") > existing_at


def test_markdown_cap_keeps_the_new_findings() -> None:
    result = _pr_result(60, 2)
    out = markdown.render(result, max_bytes=2000)
    assert "fresh 0" in out and "fresh 1" in out
    assert "not listed to keep this report small" in out
    assert len(out.encode()) <= 2000 + 200  # the closing note may pass the cap a little


def test_markdown_says_when_nothing_is_new() -> None:
    out = markdown.render(_pr_result(3, 0))
    assert "### New in this change (0)\n\nNo new findings." in out


def test_text_carries_the_comparison_line_escaped() -> None:
    weird = _pr_result(12, 2, branch="x\n::error::y")
    out = text.render(weird)
    assert out.splitlines()[-1].startswith("Compared with base")
    assert not any(line.startswith("::") for line in out.splitlines())
    assert not any(line.startswith("::") for line in github.render(weird).splitlines() if "::error::y" in line)


PERSON = """\
apiVersion: pmo-lint/v1
kind: Person
metadata:
  name: {name}
spec:
  profile: {{displayName: {name}}}
  roles: [project-manager]
  memberOf: [team:{team}]
"""


def test_pull_request_in_a_repository_annotates_its_own_finding(tmp_path: Path) -> None:
    """Twelve findings already on main, one added by the PR (its file sorts last): it is annotated, first."""
    repo = Repo(tmp_path / "repo")
    people = {f"governance/pmo/people/p{i:02d}.yaml": PERSON.format(name=f"p{i:02d}", team=f"t{i}") for i in range(12)}
    repo.write({"governance/pmo/pmo.yaml": PMO, **people}).commit("base")
    repo.branch("change")
    repo.write({"governance/pmo/people/zz-new.yaml": PERSON.format(name="zz-new", team="ghost")}).commit("add")
    summary = tmp_path / "summary.md"
    res = run_cli(
        "check", "--base", "main", "--select", "PMO", "--format", "github", "governance/pmo",
        cwd=repo.root,
        env={"GITHUB_STEP_SUMMARY": str(summary)},
    )  # fmt: skip
    assert res.code == 1, res.err
    first = res.out.splitlines()[0]
    assert first.startswith("::error file=governance/pmo/people/zz-new.yaml,line=8,")
    assert "title=PMO007 unknown-reference (new)::" in first
    assert "1 new, 12 existing." in res.out
    report = summary.read_text(encoding="utf-8")
    assert "1 new, 12 existing" in report
    assert report.index("people/zz\\-new\\.yaml") < report.index("people/p00\\.yaml")
