"""Wrong results a reviewer found on hand-written portfolios: stage-gate phase ids, a completed project in
an execution phase, earned-value indices over a zero, critical opportunities, `impact: none`, approved
budgets no dates place, and a project without its own currency."""

from __future__ import annotations

from pathlib import Path

import pytest

from pmo_lint.facts.budget import approved_bac, bac_by_fiscal_year
from pmo_lint.facts.evm import compute_evm
from pmo_lint.facts.lifecycle import infer_stage, meaning
from pmo_lint.model.kinds import Phase, Project
from tests.policies.conftest import BASE, check, portfolio

BASE_PMO = (BASE / "pmo.yaml").read_text(encoding="utf-8")
# the base lifecycle renamed the way a Stage-Gate PMO writes it: numbered ids, the meaning in the title
STAGE_GATE = {
    "{id: proposed, ": "{id: stage-0, title: Discovery, ",
    "{id: initiating, ": "{id: stage-1, title: Scoping, ",
    "{id: planning, ": "{id: stage-2, title: Build the business case, ",
    "{id: executing, ": "{id: stage-3, title: Development, ",
    "{id: closing, ": "{id: stage-4, title: Post-launch review, ",
    "{id: closed, ": "{id: stage-5, title: Closed, ",
}


def _stage_gate_pmo(**extra: str) -> str:
    text = BASE_PMO
    for old, new in {**STAGE_GATE, **extra}.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def _project(name: str, body: str, title: str = "") -> str:
    head = f"metadata: {{name: {name}, title: {title}}}" if title else f"metadata: {{name: {name}}}"
    return f"apiVersion: pmo-lint/v1\nkind: Project\n{head}\nspec:\n  type: it-delivery\n  category: strategic\n{body}"


@pytest.mark.parametrize(
    ("phase_id", "title", "stage"),
    [
        ("stage-0", "Discovery", "intake"),
        ("stage-1", "Scoping", "initiation"),
        ("stage-2", "Build the business case", "planning"),
        ("stage-3", "Development", "execution"),
        ("stage-4", "Post-launch review", "closing"),
        ("stage-5", "Closed", "closed"),
        ("phase-2", "Closure", "closing"),
        ("stage-3", None, None),  # nothing says what it is: PMO013
    ],
)
def test_a_numbered_stage_id_leaves_the_stage_to_the_title(phase_id: str, title: str | None, stage: str) -> None:
    assert infer_stage(phase_id) is None
    assert meaning(Phase.model_validate({"id": phase_id, "title": title})).stage == stage


def test_stage_gate_ids_govern_by_their_titles(tmp_path: Path) -> None:
    closed = _project(
        "shut",
        "  lifecycle: {phase: stage-5}\n  schedule:\n    actual: {start: 2025-01-06, finish: 2025-03-31}\n",
    )
    overlay = {
        "pmo.yaml": _stage_gate_pmo(),
        "projects/shut/project.yaml": closed,
        "projects/scope/project.yaml": _project("scope", "  lifecycle: {phase: stage-1}\n"),
        "projects/build/project.yaml": _project("build", "  lifecycle: {phase: stage-3}\n"),
    }
    found = check(portfolio(tmp_path, overlay), ["GOV007", "TRF004", "TAC002", "PMO013"])
    ours = {"pmo.yaml", *(f"projects/{name}/project.yaml" for name in ("shut", "scope", "build"))}
    got = {(d.code, d.path) for d in found if d.path in ours}
    assert got == {
        ("GOV007", "projects/shut/project.yaml"),  # closed (stage-5, "Closed"), no closure report
        ("TRF004", "projects/shut/project.yaml"),  # finished 91 days ago, no lessons learned
        ("TAC002", "projects/build/project.yaml"),  # "Development" still reports status; "Scoping" does not
    }


def test_a_numbered_stage_without_a_title_is_pmo013(tmp_path: Path) -> None:
    text = _stage_gate_pmo(**{"{id: stage-3, title: Development, ": "{id: stage-3, "})
    found = [d for d in check(portfolio(tmp_path, {"pmo.yaml": text}), ["PMO013"]) if d.code == "PMO013"]
    line = next(n for n, s in enumerate(text.splitlines(), start=1) if "{id: stage-3," in s)
    assert [(d.path, d.line) for d in found] == [("pmo.yaml", line)]


def test_a_completed_project_counts_its_days_since_closing_in_any_phase(tmp_path: Path) -> None:
    done = _project(
        "done",
        "  lifecycle: {phase: executing, state: completed}\n"
        "  schedule:\n    actual: {start: 2025-01-06, finish: 2025-05-16}\n",
    )
    found = check(portfolio(tmp_path, {"projects/done/project.yaml": done}), ["TRF004"])
    assert [d.message for d in found if d.path == "projects/done/project.yaml"] == [
        "project finished 45 days ago (limit 30 days) without lessons learned; hold the retrospective and set "
        "spec.documents.lessonsLearned"
    ]


@pytest.mark.parametrize(
    ("pv", "ev", "ac", "cpi", "spi"),
    [
        (0, 50000, 40000, 1.25, None),  # ahead of any plan: SPI undefined, not 0
        (60000, 60000, 0, None, 1.0),  # no cost booked yet: CPI undefined, not 0
        (0, 0, 0, 1.0, 1.0),  # nothing planned, spent or earned: on plan
    ],
)
def test_an_index_over_zero_is_undefined_unless_nothing_was_earned(
    pv: float, ev: float, ac: float, cpi: float | None, spi: float | None
) -> None:
    got = compute_evm(pv, ev, ac, 400000.0)
    assert (got.cpi, got.spi) == (cpi, spi)


def _budgeted(schedule: str, currency: str = "") -> str:
    money = f"  currency: {currency}\n" if currency else ""
    return _project(
        "demo",
        f"  portfolio: digital\n  lifecycle: {{phase: planning}}\n{schedule}{money}  budget: {{bac: 240000}}\n",
        title="Demo project",
    )


def test_an_approved_budget_falls_over_the_requested_dates_without_an_approved_schedule() -> None:
    data = {
        "apiVersion": "pmo-lint/v1",
        "kind": "Project",
        "metadata": {"name": "demo"},
        "spec": {
            "type": "it-delivery",
            "category": "strategic",
            "lifecycle": {"phase": "planning"},
            "schedule": {"requested": {"start": "2025-10-01", "end": "2026-03-31"}},
            "budget": {"bac": 600000},
        },
    }
    project = Project.model_validate(data)
    assert bac_by_fiscal_year(project, True, 1) == {"2025": 300000.0, "2026": 300000.0}
    assert bac_by_fiscal_year(project, True, 4) == {"2025": 600000.0}  # April to March: one fiscal year
    assert approved_bac(project, False) is None  # still an estimate before the planning gate
    assert bac_by_fiscal_year(project, False, 1) == {}


def test_an_approved_budget_no_dates_place_is_named(tmp_path: Path) -> None:
    demo = _budgeted("  schedule:\n    forecast: {finish: 2026-06-30}\n")
    found = check(portfolio(tmp_path, {"projects/demo/project.yaml": demo}), ["STR008"])
    assert [d.message for d in found] == [
        "1 approved project budget of portfolio Digital portfolio is not counted in its envelope, because no "
        "dates say in which fiscal year the money falls: Demo project (240,000 EUR); give it an approved "
        "schedule (spec.schedule.approved) or a time-phased budget (spec.budget.byPeriod)"
    ]


def test_a_project_without_its_own_currency_is_named_in_the_pmos(tmp_path: Path) -> None:
    usd = (BASE / "portfolios" / "digital.yaml").read_text(encoding="utf-8").replace("currency: EUR", "currency: USD")
    demo = _budgeted("  schedule:\n    approved: {start: 2025-07-01, end: 2025-12-31}\n")
    found = check(portfolio(tmp_path, {"portfolios/digital.yaml": usd, "projects/demo/project.yaml": demo}), ["STR008"])
    assert len(found) == 1
    assert "Demo project (EUR)" in found[0].message
    assert "None" not in found[0].message
    assert found[0].message.startswith("the envelope of portfolio Digital portfolio is in USD, so ")
