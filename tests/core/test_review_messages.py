"""What a reviewer read on hand-written portfolios: messages in the project's own currency, waivers that
say why they hide nothing, and pmo.yaml settings and risk levels that used to pass unchecked.

Each test writes its own files over the small rule-test portfolio (tests/policies/base) and reads the
findings of the rules it is about.
"""

from __future__ import annotations

from pathlib import Path

from pmo_lint.diagnostics import Diagnostic, Severity
from tests.policies.conftest import BASE, check, portfolio

ENV = "apiVersion: pmo-lint/v1\n"
# an executing project over budget: baseline B1 approved 100,000; the budget says 130,000; the
# latest report gives CPI 0.8, so EAC is 100,000 / 0.8 = 125,000 (25 % over the baseline)
PROJECT = (
    ENV + "kind: Project\nmetadata: {name: demo, title: Demo rollout}\nspec:\n  type: it-delivery\n"
    "  category: strategic\n  lifecycle: {phase: executing}\n  owner: person:jo-pm\n  sponsor: person:pat-director\n"
    "%s  budget: {bac: 130000}\n  baselines:\n    - {id: B1, date: 2025-03-10, approvedBy: 'gate:G2', "
    "schedule: {start: 2025-03-17, finish: 2025-12-19}, budget: {bac: 100000}}\n  activeBaseline: B1\n"
)
REPORT = (
    ENV + "kind: StatusReport\nmetadata: {name: 2025-06-27, namespace: demo}\nspec:\n  reportDate: 2025-06-27\n"
    "  author: person:jo-pm\n  health:\n    overall: {rag: amber, comment: Cost.}\n    schedule: {rag: green}\n"
    "    cost: {rag: red, comment: Cost.}\n    resources: {rag: green}\n    scope: {rag: green}\n"
    "  executiveSummary: Status.\n  percentComplete: 40\n  evm: {pv: 50000, ev: 40000, ac: 50000}\n"
)
FILES = {"projects/demo/status/2025-06-27.yaml": REPORT}


def _run(tmp_path: Path, files: dict[str, str], *codes: str) -> list[Diagnostic]:
    return [d for d in check(portfolio(tmp_path, files), codes) if d.code in codes]


def _messages(found: list[Diagnostic], code: str) -> list[str]:
    return [d.message for d in found if d.code == code]


def _pmo(old: str, new: str, count: int = 1) -> str:
    text = (BASE / "pmo.yaml").read_text(encoding="utf-8")
    assert text.count(old) == count, old
    return text.replace(old, new)


# -- money in the project's own currency (TAC007, TAC010, TAC020) ----------------------------------
def test_money_of_a_project_budgeted_in_its_own_currency_is_in_that_currency(tmp_path: Path) -> None:
    files = {**FILES, "projects/demo/project.yaml": PROJECT % "  currency: USD\n"}
    found = _run(tmp_path, files, "TAC007", "TAC010", "TAC020")
    assert sorted({d.code for d in found}) == ["TAC007", "TAC010", "TAC020"]
    for d in found:
        assert "EUR" not in d.message, d.message  # the PMO's currency (base pmo.yaml) is not the project's
    (cpi,) = _messages(found, "TAC007")
    assert "EAC 125,000 USD against BAC 100,000 USD" in cpi
    (overrun,) = _messages(found, "TAC010")
    assert "forecast (EAC) of 125,000 USD exceeds BAC 100,000 USD" in overrun
    (above,) = _messages(found, "TAC020")
    assert "130,000 USD, above the 100,000 USD of the approved baseline B1" in above


def test_money_of_a_project_without_a_currency_is_in_the_pmo_currency(tmp_path: Path) -> None:
    files = {**FILES, "projects/demo/project.yaml": PROJECT % ""}
    found = _run(tmp_path, files, "TAC010", "TAC020")
    assert "forecast (EAC) of 125,000 EUR exceeds BAC 100,000 EUR" in _messages(found, "TAC010")[0]
    assert "130,000 EUR, above the 100,000 EUR" in _messages(found, "TAC020")[0]


# -- TAC007 without a BAC -------------------------------------------------------------------------
def test_cpi_without_a_budget_at_completion_is_not_weighed_against_one(tmp_path: Path) -> None:
    bare = (
        ENV + "kind: Project\nmetadata: {name: demo}\nspec:\n  type: it-delivery\n  category: strategic\n"
        "  lifecycle: {phase: executing}\n"
    )
    assert _run(tmp_path, {**FILES, "projects/demo/project.yaml": bare}, "TAC007") == []
    # the same CPI with a BAC is reported
    with_bac = bare + "  budget: {bac: 100000}\n"
    (found,) = _run(tmp_path, {**FILES, "projects/demo/project.yaml": with_bac}, "TAC007")
    assert "not set" not in found.message and "BAC 100,000 EUR" in found.message


# -- TAC021 from the active baseline's finish ------------------------------------------------------
def test_finish_of_the_active_baseline_counts_as_the_approved_finish(tmp_path: Path) -> None:
    project = (
        ENV + "kind: Project\nmetadata: {name: demo}\nspec:\n  type: it-delivery\n  category: strategic\n"
        "  lifecycle: {phase: executing}\n  baselines:\n    - {id: B1, date: 2025-01-06, approvedBy: 'gate:G2', "
        "schedule: {start: 2025-01-06, finish: 2025-05-30}, budget: {bac: 100000}}\n  activeBaseline: B1\n"
    )
    (found,) = _run(tmp_path, {"projects/demo/project.yaml": project}, "TAC021")
    assert found.message.startswith("the approved finish of the active baseline has passed"), found.message


# -- TAC016 names no gate the lifecycle does not have -----------------------------------------------
def test_missing_baseline_names_no_gate_of_another_lifecycle(tmp_path: Path) -> None:
    pmo = _pmo("G2", "OK-BUILD", count=2)
    project = (
        ENV + "kind: Project\nmetadata: {name: demo}\nspec:\n  type: it-delivery\n  category: strategic\n"
        "  lifecycle: {phase: executing}\n"
    )
    (found,) = _run(tmp_path, {"pmo.yaml": pmo, "projects/demo/project.yaml": project}, "TAC016")
    assert "G2" not in found.message, found.message
    assert "approved at OK-BUILD as a baseline" in found.message
    assert "spec.baselines" in found.message and "spec.activeBaseline" in found.message


# -- STR004 with no scoring criteria ----------------------------------------------------------------
def test_no_scores_are_asked_for_when_the_model_has_no_criteria(tmp_path: Path) -> None:
    project = (
        ENV + "kind: Project\nmetadata: {name: demo}\nspec:\n  type: it-delivery\n  category: strategic\n"
        "  lifecycle: {phase: initiating}\n"
    )
    criteria = (
        "    criteria:\n      - {id: value, weight: 50, scaleMax: 5}\n      - {id: urgency, weight: 30, scaleMax: 5}\n"
        "      - {id: risk-reduction, weight: 20, scaleMax: 5}\n"
    )
    files = {"projects/demo/project.yaml": project}
    assert len(_run(tmp_path, files, "STR004")) == 1  # with the criteria of the base pmo.yaml
    assert _run(tmp_path, {**files, "pmo.yaml": _pmo(criteria, "")}, "STR004") == []


# -- OPS019: risk levels off the scales --------------------------------------------------------------
def test_risk_level_off_the_scales_is_an_error_naming_the_levels(tmp_path: Path) -> None:
    risk = (
        ENV + "kind: Risk\nmetadata: {name: r-009, namespace: crm-migration, title: Landslide}\nspec:\n"
        "  category: external\n  owner: person:jo-pm\n  probability: likely\n  impact: high\n"
        "  identifiedDate: 2025-06-20\n"
    )
    (found,) = _run(tmp_path, {"projects/crm-migration/risks/r-009.yaml": risk}, "OPS019")
    assert found.severity is Severity.ERROR
    assert (found.path, found.line) == ("projects/crm-migration/risks/r-009.yaml", 7)
    assert "'likely'" in found.message and "low, medium, high, very-high" in found.message


# -- GOV022: pmo.yaml thresholds that cannot work ----------------------------------------------------
def test_swapped_thresholds_and_an_unreachable_escalation_score_are_reported(tmp_path: Path) -> None:
    pmo = _pmo("    cpi: {amber: 0.95, red: 0.85}", "    cpi: {amber: 0.85, red: 0.95}")
    pmo = pmo.replace("    escalationScore: 9\n", "    escalationScore: 20\n")
    found = _run(tmp_path, {"pmo.yaml": pmo}, "GOV022")
    text = "\n".join(d.message for d in found)
    assert len(found) == 2, text
    assert "CPI thresholds are the wrong way round: amber 0.85 is below red 0.95" in text
    assert "escalationScore is 20, above the highest score a risk can reach (16" in text
    assert _run(tmp_path, {}, "GOV022") == []  # the base pmo.yaml is sound


# -- GOV051: why a waiver hides nothing --------------------------------------------------------------
def _waiver(target: str) -> str:
    return (
        ENV + "kind: Waiver\nmetadata: {name: overrun}\nspec:\n  check: TAC010\n"
        f"  targets: [{target}]\n  justification: Steering committee informed.\n"
        "  approvedBy: person:pat-director\n  created: 2025-05-01\n  expires: 2025-09-30\n"
    )


def test_waiver_on_another_entity_than_the_finding_says_where_the_rule_reports(tmp_path: Path) -> None:
    files = {**FILES, "projects/demo/project.yaml": PROJECT % "", "waivers/overrun.yaml": _waiver("person:jo-pm")}
    found = _run(tmp_path, files, "TAC010", "GOV051")
    assert [d.code for d in found].count("TAC010") == 1  # not hidden
    (orphan,) = _messages(found, "GOV051")
    assert "problem is gone" not in orphan
    assert "matches no finding of TAC010 on its targets (person:jo-pm)" in orphan
    assert "Demo rollout (project:demo)" in orphan


def test_waiver_naming_no_entity_is_an_unknown_reference(tmp_path: Path) -> None:
    files = {**FILES, "projects/demo/project.yaml": PROJECT % "", "waivers/overrun.yaml": _waiver("person:nobody")}
    (orphan,) = _messages(_run(tmp_path, files, "TAC010", "GOV051"), "GOV051")
    assert "problem is gone" not in orphan
    assert "person:nobody names no entity of the portfolio (unknown reference)" in orphan


def test_waiver_of_a_rule_that_reports_nothing_says_the_problem_is_gone(tmp_path: Path) -> None:
    files = {"waivers/overrun.yaml": _waiver("project:crm-migration")}
    (orphan,) = _messages(_run(tmp_path, files, "TAC010", "GOV051"), "GOV051")
    assert "TAC010 reports nothing in the portfolio" in orphan and "the problem is gone" in orphan


# -- STR017: a project and its program in different portfolios ---------------------------------------
def test_project_in_another_portfolio_than_its_program(tmp_path: Path) -> None:
    files = {
        "portfolios/operations.yaml": ENV + "kind: Portfolio\nmetadata: {name: operations, title: Operations}\n"
        "spec:\n  owner: person:pat-director\n",
        "programs/ops-tools.yaml": ENV + "kind: Program\nmetadata: {name: ops-tools, title: Operations tools}\n"
        "spec:\n  portfolio: operations\n  owner: person:pat-director\n  goals: [grow-revenue]\n",
        "projects/demo/project.yaml": ENV + "kind: Project\nmetadata: {name: demo}\nspec:\n  type: it-delivery\n"
        "  category: strategic\n  lifecycle: {phase: executing}\n  portfolio: digital\n  program: ops-tools\n",
    }
    (found,) = _run(tmp_path, files, "STR017")
    assert (found.path, found.line) == ("projects/demo/project.yaml", 8)  # its portfolio
    assert "in portfolio Digital portfolio but" in found.message
    assert "Operations tools" in found.message and "portfolio Operations" in found.message
