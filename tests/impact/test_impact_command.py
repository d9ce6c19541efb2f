"""`pmo-lint impact --base REF` on a branch of a hand-written portfolio in a real git repository: the
acceptance case (one project's budget raised, one person booked at 150 %), the three formats, the exit codes."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

from tests.conftest import GIT_ENV, SAMPLE, git, portfolio_texts, run_cli
from tests.git.conftest import Repo
from tests.impact.kit import base_files

AS_OF = ("--as-of", "2025-06-30")


def _impact(repo: Repo, *args: str) -> str:
    res = run_cli("impact", "--base", "main", *AS_OF, *args, cwd=repo.root)
    assert res.code == 0, res.err
    assert "Traceback" not in res.err
    return res.out


def test_text_names_the_budget_and_the_person_with_amounts(branch_repo: Repo) -> None:
    out = _impact(branch_repo)
    assert "CRM Migration: 500,000 EUR → 840,000 EUR (+340,000 EUR)" in out
    # the display name, not the id, and the load the branch books
    assert "Ana López booked at 150% in 2025-03 to 2025-10 (limit 100%)" in out
    assert "ana-lopez booked" not in out
    # the envelope: 800,000 approved in 2025 before; CRM's 840,000 spread over twelve months after
    assert (
        "Digital Services, fiscal year 2025: 1,070,000 EUR approved against 1,000,000 EUR (over by 70,000 EUR)" in out
    )
    assert "CRM Migration, finish: +42 days (2025-12-19 → 2026-01-30)" in out


def test_key_dates_of_the_program_and_the_projects_that_depend_on_it(branch_repo: Repo) -> None:
    doc = json.loads(_impact(branch_repo, "--format", "json"))
    rows = {(d["title"], d["label"]): d for d in doc["dates"]}
    assert rows[("Customer 360", "Program finish")]["slipDays"] == 42
    web = rows[("Website Relaunch", "Finish")]
    assert (web["before"], web["after"], web["slipDays"]) == ("2025-10-31", "2025-10-31", 0)
    assert web["relation"] == "in program Customer 360 with CRM Migration"
    assert rows[("CRM Migration", "Milestone Go-live")]["slipDays"] == 41


def test_findings_new_and_resolved_with_their_codes(branch_repo: Repo) -> None:
    doc = json.loads(_impact(branch_repo, "--format", "json"))
    new = {(f["code"], f["entity"]) for f in doc["findings"]["new"]}
    resolved = {(f["code"], f["entity"]) for f in doc["findings"]["resolved"]}
    assert new == {("OPS001", "person:ana-lopez"), ("STR008", "portfolio:digital")}
    assert resolved == {("PMO007", "person:ben-carter")}
    text = _impact(branch_repo)
    assert "Findings          2 new (OPS001, STR008), 1 resolved (PMO007)" in text


def test_benefit_at_risk_names_its_reasons(branch_repo: Repo) -> None:
    doc = json.loads(_impact(branch_repo, "--format", "json"))
    (benefit,) = doc["benefitsAtRisk"]
    assert benefit["title"] == "Lower customer churn" and benefit["owner"] == "Ben Carter"
    assert "the budget rises by 340,000 EUR" in benefit["reasons"]
    assert "the work now ends after the benefit's target date 2026-01-15" in benefit["reasons"]


def test_json_is_stable_sorted_and_versioned(branch_repo: Repo) -> None:
    first = _impact(branch_repo, "--format", "json")
    assert _impact(branch_repo, "--format", "json") == first
    doc = json.loads(first)
    assert first == json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert doc["version"] == 1 and doc["baseRef"] == "main"
    assert doc["base"] == git(branch_repo.root, "rev-parse", "main").strip()
    assert doc["budgets"] == [
        {
            "after": 840000.0,
            "before": 500000.0,
            "currency": "EUR",
            "approvedBudget": None,
            "baseline": None,
            "basis": "approved",
            "delta": 340000.0,
            "project": "crm",
            "title": "CRM Migration",
        }
    ]
    over = [c for c in doc["capacity"] if c["pushedOver"]]
    assert {(c["name"], c["afterPercent"], c["beforePercent"]) for c in over} == {("Ana López", 150.0, 100.0)}
    assert [c["month"] for c in over] == [f"2025-{m:02d}" for m in range(3, 11)]
    env = {e["fiscalYear"]: e for e in doc["envelopes"]}
    assert (env["2025"]["approvedBefore"], env["2025"]["approvedAfter"], env["2025"]["overAfter"]) == (
        800000.0,
        1070000.0,
        True,
    )


def test_markdown_is_headed_for_a_bot_and_escaped(branch_repo: Repo) -> None:
    out = _impact(branch_repo, "--format", "markdown")
    assert out.startswith("<!-- pmo-lint-impact -->\n## pmo-lint: change impact\n")
    assert "| CRM Migration | approved | 500,000 EUR | 840,000 EUR | \\+340,000 EUR |" in out
    assert "| Ana López | 2025\\-03 | 100% | 150% | over 100% |" in out
    assert "| OPS001 | warning | person\\:ana\\-lopez |" in out
    assert "| PMO007 | error | person\\:ben\\-carter |" in out


def test_output_file_and_the_working_tree_counts(branch_repo: Repo, tmp_path: Path) -> None:
    # an uncommitted edit is part of the change, as in `check --base`
    branch_repo.write(
        {"projects/web/project.yaml": base_files()["projects/web/project.yaml"].replace("300000", "310000")}
    )
    target = tmp_path / "out" / "impact.md"
    assert _impact(branch_repo, "--format", "markdown", "--output", str(target)) == ""
    text = target.read_text(encoding="utf-8")
    assert "| Website Relaunch | approved | 300,000 EUR | 310,000 EUR | \\+10,000 EUR |" in text


def test_a_branch_that_changes_nothing(make_branch: Callable[..., Repo]) -> None:
    repo = make_branch(change={"README.md": "notes\n"})
    out = _impact(repo)
    assert "This change does not move any budget, booking, date, benefit or finding." in out
    doc = json.loads(_impact(repo, "--format", "json"))
    assert doc["budgets"] == doc["capacity"] == doc["dates"] == doc["findings"]["new"] == []


def _refused(args: tuple[str, ...], cwd: Path, env: dict[str, str] | None = None) -> str:
    res = run_cli("impact", *args, cwd=cwd, env=env)
    assert res.code == 2, (res.code, res.out, res.err)
    assert "Traceback" not in res.err and "internal error" not in res.err
    assert res.err.startswith("pmo-lint: error: ")
    assert res.out == ""
    return res.err


def test_bad_ref_exits_2_with_a_clear_message(branch_repo: Repo) -> None:
    err = _refused(("--base", "no-such-branch"), branch_repo.root)
    assert "base ref 'no-such-branch' not found" in err


def test_auto_without_a_ci_base_exits_2(branch_repo: Repo) -> None:
    err = _refused(("--base", "auto"), branch_repo.root)
    assert "--base auto found no base" in err and "pass --base REF" in err


def test_outside_a_git_repository_exits_2(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    for rel, text in base_files().items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text, encoding="utf-8")
    err = _refused(("--base", "main"), folder)
    assert "is not inside a git repository" in err


def test_shallow_clone_without_the_base_exits_2(branch_repo: Repo, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", "--branch", "change", f"file://{branch_repo.root}", str(clone)],
        env={**os.environ, **GIT_ENV},
        check=True,
    )
    err = _refused(("--base", "origin/main"), clone)
    assert "shallow clone" in err and "fetch-depth: 0" in err


def test_check_base_markdown_carries_the_change_impact(branch_repo: Repo) -> None:
    res = run_cli("check", "--base", "main", *AS_OF, "--format", "markdown", cwd=branch_repo.root)
    assert res.code == 1, res.err  # the check's verdict is unchanged: the branch adds errors
    head, _, rest = res.out.partition("### Change impact\n")
    assert "Compared with base" in head and "| error |" in head
    assert "#### Budget envelope by portfolio and fiscal year" in rest
    assert "| CRM Migration | approved | 500,000 EUR | 840,000 EUR | \\+340,000 EUR |" in rest
    assert "Ana López booked at 150% in 2025\\-03 to 2025\\-10" in rest
    # the findings follow the impact, the change's new ones first
    assert rest.index("#### Resolved findings") < rest.index("### New in this change (2)")
    # other formats are not slowed down by it
    text = run_cli("check", "--base", "main", *AS_OF, cwd=branch_repo.root)
    assert text.code == 1 and "Change impact" not in text.out


def test_the_sample_under_its_baselines_names_the_budget_and_the_person(tmp_path: Path) -> None:
    """The sample, whose projects run under approved baselines: a branch raises Customer portal's budget and
    books Anna Schmidt at 150 %. The approved baseline stays, so the impact names the working budget's rise
    with the baseline that still holds, and the person by name with her load and months."""
    files = portfolio_texts(SAMPLE)
    repo = Repo(tmp_path / "sample").write(files)
    repo.commit("the sample")
    repo.branch("change")
    project, allocation = "projects/customer-portal/project.yaml", "allocations/2025/anna-schmidt.yaml"
    raised = files[project].replace("    bac: 1380000\n", "    bac: 1650000\n", 1)
    booked = files[allocation].replace("load: {percent: 50}", "load: {percent: 120}", 1)
    assert raised != files[project] and booked != files[allocation]
    repo.write({project: raised, allocation: booked}).commit("raise the portal's budget, book Anna")
    out = _impact(repo)
    assert (
        "Customer portal: working budget 1,380,000 EUR → 1,650,000 EUR (+270,000 EUR); the approved baseline B2 "
        "stays at 1,380,000 EUR" in out
    )
    assert "Anna Schmidt booked at 120% in 2025-02 to 2025-05, 150% in 2025-06 to 2025-11 (limit 100%)" in out
    doc = json.loads(_impact(repo, "--format", "json"))
    over = {c["month"]: c["afterPercent"] for c in doc["capacity"] if c["name"] == "Anna Schmidt"}
    assert over["2025-06"] == 150.0 and over["2025-02"] == 120.0
    assert "OPS001" in {f["code"] for f in doc["findings"]["new"]}


def test_a_moved_approved_baseline_is_listed_under_key_dates(make_branch: Callable[..., Repo]) -> None:
    """Only CRM's approved baseline moves (its finish and a milestone; the forecast stays): the impact lists
    the baseline's dates, and does not read them as the delivery slipping, so CRM's benefit is not at risk."""
    from tests.impact.kit import base_files, project

    def with_baseline(finish: str, golive: str) -> str:
        text = project("crm", "CRM Migration", bac=500000, finish="2025-12-19", golive="2025-11-01")
        return (
            text
            + "  baselines:\n    - id: B1\n      date: 2025-01-20\n      approvedBy: gate:G2\n"
            + f"      schedule: {{start: 2025-02-01, finish: {finish}, milestones: {{go-live: {golive}}}}}\n"
            + "      budget: {bac: 500000}\n  activeBaseline: B1\n"
        )

    base = {**base_files(), "projects/crm/project.yaml": with_baseline("2025-12-19", "2025-11-01")}
    repo = make_branch(base, {"projects/crm/project.yaml": with_baseline("2026-02-18", "2025-12-01")})
    out = _impact(repo)
    assert "CRM Migration, approved baseline B1 finish: +61 days (2025-12-19 → 2026-02-18)" in out
    doc = json.loads(_impact(repo, "--format", "json"))
    rows = {(d["title"], d["label"]): d for d in doc["dates"]}
    assert rows[("CRM Migration", "Approved baseline B1 finish")]["slipDays"] == 61
    assert rows[("CRM Migration", "Approved baseline B1 milestone Go-live")]["slipDays"] == 30
    assert ("CRM Migration", "Finish") not in rows  # the forecast did not move
    assert doc["benefitsAtRisk"] == []


CR = """\
apiVersion: pmo-lint/v1
kind: ChangeRequest
metadata: {{name: {name}, namespace: {project}, title: {title}}}
spec:
  category: [cost, schedule]
  priority: high
  requestedBy: person:ben-carter
  requestedDate: 2025-06-02
  businessJustification: Vendor rates rose.
  impact: More money and three weeks.
  delta: {{budget: {budget}, finishDays: 21}}
  state: {state}
  approval:
    status: {status}
"""


def test_change_requests_decided_or_raised_in_the_branch_are_listed(make_branch: Callable[..., Repo]) -> None:
    """A branch that approves CRM's pending request and raises one for the website, without touching either
    project file: the impact names both decisions and what they ask for (it said nothing before)."""
    from tests.impact.kit import base_files

    pending = CR.format(
        name="cr-001", project="crm", title="Vendor rates", budget=60000, state="under-review", status="requested"
    )
    base = {**base_files(), "projects/crm/changes/cr-001.yaml": pending}
    approved = pending.replace("state: under-review", "state: decided").replace(
        "status: requested",
        "status: approved\n    approvals:\n      - {by: person:pat-director, role: sponsor, "
        "decision: approved, date: 2025-06-20}",
    )
    raised = CR.format(
        name="cr-002", project="web", title="Extra pages", budget=15000, state="submitted", status="requested"
    )
    repo = make_branch(base, {"projects/crm/changes/cr-001.yaml": approved, "projects/web/changes/cr-002.yaml": raised})
    out = _impact(repo)
    assert "cr-001 of CRM Migration: requested (under-review) → approved (decided) (+60,000 EUR, +21 days)" in out, out
    assert "cr-002 of Website Relaunch: raised, requested (submitted) (+15,000 EUR, +21 days)" in out
    doc = json.loads(_impact(repo, "--format", "json"))
    rows = {r["request"]: r for r in doc["changeRequests"]}
    assert rows["cr-001"]["before"] == "requested (under-review)" and rows["cr-001"]["after"] == "approved (decided)"
    assert rows["cr-002"]["before"] is None and rows["cr-002"]["budgetDelta"] == 15000.0
    assert "This change does not move" not in out
