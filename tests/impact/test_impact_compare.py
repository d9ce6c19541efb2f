"""The pure part: snapshots of checked portfolios compared, a change request's deltas applied, the record
rendered with every piece of data escaped. Hand-written portfolios in tmp_path, checked in-process."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from pathlib import Path

from pmo_lint.impact.compare import MAX_DEPENDENTS, Scope, compare
from pmo_lint.impact.record import BenefitAtRisk, BudgetChange, FindingChange, Impact, LoadChange
from pmo_lint.impact.render import COMMENT_ROWS, MARKER, render_json, render_markdown, render_text
from pmo_lint.impact.snapshot import Snapshot, snapshot, with_change_request
from pmo_lint.model.kinds import ChangeRequest
from pmo_lint.options import RunInputs, RunOptions
from pmo_lint.run import check
from tests.impact.kit import PENDING_CR, base_files, project

AS_OF = dt.date(2025, 6, 30)


def _snapshot(root: Path, files: Mapping[str, str]) -> tuple[Snapshot, object]:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    run = check(RunOptions(paths=(root,), as_of=AS_OF, no_cache=True), RunInputs(keep_model=True))
    assert run.catalog is not None and run.facts is not None
    return snapshot(run.catalog, run.facts), run.catalog


def test_a_change_request_moves_budget_dates_and_scope(tmp_path: Path) -> None:
    base, catalog = _snapshot(tmp_path, {**base_files(), "projects/web/changes/cr-007.yaml": PENDING_CR})
    (item,) = catalog.of_kind("ChangeRequest")  # type: ignore[attr-defined]
    cr: ChangeRequest = item.entity
    after = with_change_request(base, cr)
    assert base.projects["web"].bac == 300000.0  # the snapshot it came from is unchanged
    impact = compare(base, after, subject="cr", scope=Scope(frozenset({"web"}), frozenset({"digital"}), frozenset()))
    assert impact.budgets == (BudgetChange("web", "Website Relaunch", "EUR", 300000.0, 550000.0),)
    (fy,) = impact.envelopes
    # the approved budget's spread (all in 2025) scaled to the new total: 800,000 + 250,000
    assert (fy.fiscal_year, fy.approved_before, fy.approved_after, fy.over_after) == ("2025", 800000.0, 1050000.0, True)
    own = {d.label: d for d in impact.dates if d.subject == "project:web"}
    assert own["Finish"].slip_days == 45 and own["Milestone Go-live"].after == dt.date(2025, 11, 14)
    assert impact.scope[0].added == ("chat-assistant",) and impact.loads == ()
    # CRM is the other project of the program: listed with its dates, which do not move
    crm = next(d for d in impact.dates if d.subject == "project:crm")
    assert crm.slip_days == 0 and "with Website Relaunch" in crm.relation


def test_a_cancelled_and_a_removed_project_put_benefits_at_risk(tmp_path: Path) -> None:
    before, _ = _snapshot(tmp_path / "a", base_files())
    cancelled = base_files()["projects/crm/project.yaml"].replace(
        "    phase: execution\n", "    phase: execution\n    state: cancelled\n"
    )
    after, _ = _snapshot(tmp_path / "b", {**base_files(), "projects/crm/project.yaml": cancelled})
    impact = compare(before, after, subject="cancel")
    assert [(p.project, p.change) for p in impact.projects] == [("crm", "cancelled")]
    (benefit,) = impact.benefits
    assert benefit.benefit == "benefit:crm/churn" and benefit.reasons[0] == "the project is cancelled"
    # a cancelled project's budget no longer counts in the envelope (facts.budget)
    assert impact.envelopes[0].approved_after == 300000.0

    removed = {k: v for k, v in base_files().items() if not k.startswith("projects/crm/")}
    gone, _ = _snapshot(tmp_path / "c", removed)
    impact = compare(before, gone, subject="remove")
    assert [(p.project, p.change) for p in impact.projects] == [("crm", "removed")]
    assert impact.budgets == (BudgetChange("crm", "CRM Migration", "EUR", 500000.0, None),)
    assert impact.benefits[0].reasons == ("the project is removed from the portfolio",)


def test_dependents_are_capped_per_program(tmp_path: Path) -> None:
    many = {
        f"projects/p{i:02d}/project.yaml": project(
            f"p{i:02d}", f"Project {i}", bac=1000, finish="2025-09-30", golive="2025-09-01"
        )
        for i in range(MAX_DEPENDENTS + 5)
    }
    before, _ = _snapshot(tmp_path / "a", {**base_files(), **many})
    moved = project("web", "Website Relaunch", bac=300000, finish="2025-11-30", golive="2025-10-01")
    after, _ = _snapshot(tmp_path / "b", {**base_files(), **many, "projects/web/project.yaml": moved})
    impact = compare(before, after, subject="slip")
    siblings = [d for d in impact.dates if d.relation.startswith("in program")]
    assert len(siblings) == MAX_DEPENDENTS
    assert any("6 more projects than the 20 listed" in n for n in impact.notes)


HOSTILE = "<script>x</script> | **b** [l](javascript:y) \x1b[31m"


def _hostile_impact(rows: int = 1) -> Impact:
    return Impact(
        subject=f"branch {HOSTILE}",
        as_of=AS_OF,
        currency="EUR",
        limit=100.0,
        budgets=tuple(BudgetChange(f"p{i}", f"{HOSTILE} {i}", "EUR", 1000.0, 2500.5) for i in range(rows)),
        loads=(LoadChange("ana", HOSTILE, "2025-03", 90.0, 150.0, 100.0),),
        benefits=(BenefitAtRisk("benefit:x/y", HOSTILE, "project:x", HOSTILE, HOSTILE, HOSTILE, None, (HOSTILE,)),),
        new_findings=(FindingChange("PMO007", "unknown-reference", "error", "person:x", "people/x.yaml", HOSTILE),),
        resolved_findings=(),
    )


def test_markdown_escapes_every_piece_of_data() -> None:
    out = render_markdown(_hostile_impact())
    assert out.startswith(MARKER + "\n")
    body = out.removeprefix(MARKER + "\n")
    assert "<" not in body and "\x1b" not in body
    assert "](" not in body and "**" not in body
    # every row of a table has its header's columns: no data adds a cell
    blocks: list[list[int]] = [[]]
    for line in body.splitlines():
        if line.startswith("|"):
            blocks[-1].append(len(re.findall(r"(?<!\\)\|", line)))
        elif blocks[-1]:
            blocks.append([])
    assert len(blocks) > 3 and all(len(set(b)) <= 1 for b in blocks), blocks
    assert "+1,500 EUR" in out.replace("\\", "")  # whole units for a board


def test_text_shows_no_control_character_and_json_keeps_the_data() -> None:
    impact = _hostile_impact()
    text = render_text(impact)
    assert "\x1b" not in text and "\\x1b[31m" in text
    doc = json.loads(render_json(impact))
    assert doc["capacity"][0]["name"] == HOSTILE and doc["findings"]["new"][0]["message"] == HOSTILE


def test_markdown_caps_each_table_for_a_pr_comment() -> None:
    out = render_markdown(_hostile_impact(rows=COMMENT_ROWS + 7))
    section = out.split("### Project budgets", 1)[1].split("\n### ", 1)[0]
    assert sum(1 for line in section.splitlines() if line.startswith("| ") and "EUR" in line) == COMMENT_ROWS
    assert "7 more rows\\: pmo\\-lint impact \\-\\-format text \\(or json\\) lists them all" in section
    assert len(render_text(_hostile_impact(rows=COMMENT_ROWS + 7)).splitlines()) > COMMENT_ROWS + 7


def test_a_budget_change_falls_in_the_current_and_later_years(tmp_path: Path) -> None:
    """Money a request adds is spent from now on: a project approved over 2024 and 2025 gets it in 2025."""
    old = project("web", "Website Relaunch", bac=180000, finish="2025-12-31", golive="2025-10-01").replace(
        "start: 2025-02-01", "start: 2024-07-01"
    )
    cr = PENDING_CR.replace("budget: 250000", "budget: 90000")
    base, catalog = _snapshot(
        tmp_path, {**base_files(), "projects/web/project.yaml": old, "projects/web/changes/cr-007.yaml": cr}
    )
    (item,) = catalog.of_kind("ChangeRequest")  # type: ignore[attr-defined]
    impact = compare(base, with_change_request(base, item.entity), subject="cr")
    by_year = {e.fiscal_year: e for e in impact.envelopes}
    assert set(by_year) == {"2025"}  # 2024 is untouched
    assert by_year["2025"].delta == 90000.0
    assert base.portfolios["digital"].approved["2024"] == 60000.0  # six of eighteen months


def test_a_request_for_a_project_not_approved_yet_leaves_the_envelope(tmp_path: Path) -> None:
    early = base_files()["projects/web/project.yaml"].replace("phase: execution", "phase: initiation")
    early = "\n".join(line for line in early.splitlines() if "gate: G" not in line and "gates:" not in line) + "\n"
    base, catalog = _snapshot(
        tmp_path, {**base_files(), "projects/web/project.yaml": early, "projects/web/changes/cr-007.yaml": PENDING_CR}
    )
    (item,) = catalog.of_kind("ChangeRequest")  # type: ignore[attr-defined]
    impact = compare(base, with_change_request(base, item.entity), subject="cr")
    assert impact.envelopes == ()
    assert impact.budgets[0].after == 550000.0  # the project's own budget still moves


def test_a_working_budget_above_its_approved_baseline_is_named_with_the_baseline(tmp_path: Path) -> None:
    """A project under an approved baseline raises its own budget: the approved budget (and so the envelope)
    stays, and the impact says the working budget moved and which baseline still holds."""
    baselined = (
        "  baselines:\n"
        "    - {id: B1, name: Charter, date: 2025-01-20, approvedBy: gate:G2, "
        "schedule: {start: 2025-02-01, finish: 2025-10-31}, budget: {bac: 300000}}\n"
        "  activeBaseline: B1\n"
    )

    def web(bac: int) -> str:
        return project("web", "Website Relaunch", bac=bac, finish="2025-10-31", golive="2025-10-01") + baselined

    before, _ = _snapshot(tmp_path / "a", {**base_files(), "projects/web/project.yaml": web(300000)})
    after, _ = _snapshot(tmp_path / "b", {**base_files(), "projects/web/project.yaml": web(420000)})
    impact = compare(before, after, subject="raise")
    (change,) = impact.budgets
    assert (change.basis, change.before, change.after, change.baseline, change.approved) == (
        "working",
        300000.0,
        420000.0,
        "B1",
        300000.0,
    )
    assert all(e.delta == 0 for e in impact.envelopes)  # the approved budget did not move
    text = render_text(impact)
    assert "working budget 300,000 EUR → 420,000 EUR (+120,000 EUR)" in text
    assert "the approved baseline B1 stays at 300,000 EUR" in text
    doc = json.loads(render_json(impact))
    assert doc["budgets"][0]["basis"] == "working" and doc["budgets"][0]["approvedBudget"] == 300000.0


class _NoWalk(dict):  # type: ignore[type-arg]
    """A portfolio's projects that may be looked up but not walked."""

    def __iter__(self):  # type: ignore[no-untyped-def]
        raise AssertionError("walked every project")

    def keys(self):  # type: ignore[no-untyped-def]
        raise AssertionError("walked every project")


def test_a_change_requests_impact_looks_up_its_project_and_walks_no_portfolio(tmp_path: Path) -> None:
    """The site makes a page per pending change request: each compared the whole portfolio, which was
    quadratic (a 100,000-project site did not finish in 80 minutes). A request's impact looks its project up."""
    import dataclasses

    base, catalog = _snapshot(tmp_path, {**base_files(), "projects/web/changes/cr-007.yaml": PENDING_CR})
    (item,) = catalog.of_kind("ChangeRequest")  # type: ignore[attr-defined]
    expected = compare(base, with_change_request(base, item.entity), subject="cr", scope=Scope(frozenset({"web"})))
    guarded = dataclasses.replace(base, projects=_NoWalk(base.projects))
    after = with_change_request(guarded, item.entity)
    assert compare(guarded, after, subject="cr", scope=Scope(frozenset({"web"}))) == expected
