"""Appraisal method resolution and BCR, and the benefit review facts after closure."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.facts.test_fact_maps import facts_of
from tests.policies.conftest import BASE, portfolio

DIGITAL = (BASE / "portfolios" / "digital.yaml").read_text(encoding="utf-8")

PROJECT = """\
apiVersion: pmo-lint/v1
kind: Project
metadata: {{name: demo}}
spec:
  type: it-delivery
  category: regulatory
  program: digital-workplace
  lifecycle: {{phase: closed, state: completed}}
  businessCase:
    summary: Demo.
{case}  schedule:
    actual: {{start: 2024-08-05, finish: 2025-04-30}}
"""

BENEFIT = """\
apiVersion: pmo-lint/v1
kind: Benefit
metadata: {{name: b-1, namespace: demo}}
spec:
  type: non-monetary
  owner: person:pat-director
  kpi: Calls
  unit: calls
  baseline: 10
  target: 5
  targetDate: 2025-12-31
  reviewDates: [{dates}]
  actuals: [{actuals}]
"""


def _facts(tmp_path: Path, case: str = "", *, public: bool = False, benefit: str = "") -> dict[str, Any]:
    overlay = {"projects/demo/project.yaml": PROJECT.format(case=case)}
    if public:
        overlay["portfolios/digital.yaml"] = DIGITAL + "  appraisal: public-sector\n"
    if benefit:
        overlay["projects/demo/benefits/b-1.yaml"] = benefit
    facts, _ = facts_of(portfolio(tmp_path, overlay))
    return facts.by_path


@pytest.mark.parametrize(
    ("case", "public", "method"),
    [
        ("", False, "commercial"),  # pmo.yaml default
        ("", True, "public-sector"),  # the portfolio of the project's program
        ("    appraisal: statutory\n", True, "statutory"),  # the business case wins
    ],
)
def test_the_most_specific_appraisal_method_applies(tmp_path: Path, case: str, public: bool, method: str) -> None:
    f = _facts(tmp_path, case, public=public)["projects/demo/project.yaml"]
    assert f["appraisal"]["method"] == method


def test_bcr_is_computed_from_present_values_and_gaps_name_what_is_missing(tmp_path: Path) -> None:
    case = "    financials: {monetisedBenefits: 300000, presentValueCosts: 240000}\n"
    f = _facts(tmp_path, case, public=True)["projects/demo/project.yaml"]
    assert f["appraisal"]["bcr"] == 1.25
    assert f["appraisal"]["missing"] == ["the non-monetised benefits (an empty list when there are none)"]
    assert "what is in scope" in f["businessCaseGaps"]


def test_a_project_without_a_business_case_lacks_all_of_it_in_one_gap(tmp_path: Path) -> None:
    text = PROJECT.format(case="").replace("  businessCase:\n    summary: Demo.\n", "")
    facts, _ = facts_of(portfolio(tmp_path, {"projects/demo/project.yaml": text}))
    f = facts.by_path["projects/demo/project.yaml"]
    # not "lacks a business case, a return on the investment…": the method's items are part of what is missing
    assert f["businessCaseGaps"] == ["everything: spec.businessCase is not written"]


def test_promised_benefits_without_a_record_are_listed(tmp_path: Path) -> None:
    case = (
        "    expectedBenefits:\n"
        "      - {description: Fewer calls, benefit: b-1}\n"
        "      - {description: Happier staff}\n"
    )
    f = _facts(tmp_path, case)["projects/demo/project.yaml"]
    assert f["promisesBenefits"] is True
    assert f["unrecordedPromisedBenefits"] == ['"Fewer calls"', '"Happier staff"']
    benefit = BENEFIT.format(dates="2025-06-15", actuals="{date: 2025-06-20, value: 8}")
    f = _facts(tmp_path, case, benefit=benefit)["projects/demo/project.yaml"]
    assert f["unrecordedPromisedBenefits"] == ['"Happier staff"']
    assert f["benefitsReview"]["problem"].startswith("it has no benefits review plan")


@pytest.mark.parametrize(
    ("dates", "actual", "problem"),
    [
        ("2025-03-31", "2025-03-31", "no review date is planned after its project closed (it closed on 2025-04-30)"),
        ("2025-05-31, 2025-12-31", "2025-06-30", ""),  # 30 days after the review: still counts
        ("2025-05-31, 2025-12-31", "2025-07-01", "no actual was measured within 30 days of the review on 2025-05-31"),
        ("2025-03-31, 2025-12-31", "2025-01-01", ""),  # a review before closure is the project's own business
    ],
)
def test_a_passed_review_after_closure_needs_an_actual_near_it(
    tmp_path: Path, dates: str, actual: str, problem: str
) -> None:
    benefit = BENEFIT.format(dates=dates, actuals=f"{{date: {actual}, value: 8}}")
    f = _facts(tmp_path, benefit=benefit)["projects/demo/benefits/b-1.yaml"]
    assert f["projectClosed"] is True
    assert f["reviewProblem"] == problem
