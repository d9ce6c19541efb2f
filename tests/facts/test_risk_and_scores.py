"""Risk score and rank, prioritisation scores and ranks, maturity and allocation load: hand-computed tables."""

from __future__ import annotations

import datetime as dt

import pytest

from pmo_lint.facts.allocation import Interval, monthly_peak_load, over_allocated, percent_of_capacity
from pmo_lint.facts.dates import days_between, fiscal_year
from pmo_lint.facts.maturity import check_fails, maturity_level
from pmo_lint.facts.priority import ranks, weighted_score, wsjf_score
from pmo_lint.facts.risk import is_escalated, risk_rank, risk_score

PROB = {"low": 1, "medium": 3, "high": 5}
IMPACT = {"minor": 1, "major": 3, "severe": 5}
RANKS = [("low", 1), ("medium", 4), ("high", 9), ("critical", 15)]


@pytest.mark.parametrize(
    ("p", "i", "score", "rank", "escalated"),
    [
        ("low", "minor", 1.0, "low", False),
        ("low", "major", 3.0, "low", False),
        ("medium", "major", 9.0, "high", True),  # exactly at the escalation score and the high threshold
        ("high", "major", 15.0, "critical", True),
        ("high", "severe", 25.0, "critical", True),
        ("medium", "minor", 3.0, "low", False),
        ("high", "minor", 5.0, "medium", False),
        ("unknown", "minor", None, "", False),  # a label not on the scale
    ],
)
def test_risk_score_and_rank(p: str, i: str, score: float | None, rank: str, escalated: bool) -> None:
    got = risk_score(p, i, PROB, IMPACT)
    assert got == score
    assert risk_rank(got, RANKS) == rank
    assert is_escalated(got, 9) is escalated


def test_rank_order_of_config_does_not_matter() -> None:
    assert risk_rank(10.0, list(reversed(RANKS))) == "high"
    assert risk_rank(0.5, RANKS) == ""


def test_weighted_and_wsjf_scores() -> None:
    criteria = [("value", 60.0, 5), ("urgency", 40.0, 5)]
    assert weighted_score({"value": 5, "urgency": 2}, criteria) == pytest.approx(76.0)  # 60*5/5 + 40*2/5
    assert weighted_score({"value": 5}, criteria) == pytest.approx(60.0)  # an unscored criterion counts 0
    assert weighted_score({}, criteria) is None
    assert weighted_score({"value": 5}, []) is None
    assert wsjf_score(8, 5, 3, 4) == pytest.approx(4.0)  # (8 + 5 + 3) / 4
    assert wsjf_score(8, 5, 3, 0) is None


def test_ranks_share_ties_and_skip_unscored() -> None:
    assert ranks({"a": 10.0, "b": 30.0, "c": 10.0, "d": None, "e": 5.0}) == {"a": 2, "b": 1, "c": 2, "d": None, "e": 4}


def test_maturity_ladder_stops_at_first_failing_rung() -> None:
    levels = [("bronze", ["PMO007"]), ("silver", ["TAC"]), ("gold", [])]
    assert maturity_level(levels, lambda c: not check_fails(c, [("TAC003", "x")])) == "bronze"
    assert maturity_level(levels, lambda c: not check_fails(c, [])) == "gold"
    assert maturity_level(levels, lambda c: not check_fails(c, [("PMO007", "unknown-reference")])) == ""
    assert check_fails("unknown-reference", [("PMO007", "unknown-reference")])


def test_monthly_peak_load() -> None:
    d = dt.date
    peaks = monthly_peak_load(
        [
            Interval(d(2025, 1, 1), d(2025, 1, 31), 60),
            Interval(d(2025, 1, 25), d(2025, 2, 10), 60),  # overlaps one week in January
            Interval(d(2025, 3, 1), d(2025, 3, 15), 100),
            Interval(d(2025, 3, 16), d(2025, 3, 31), 100),  # back to back: never above 100
        ]
    )
    assert peaks == {"2025-01": 120.0, "2025-02": 60.0, "2025-03": 100.0}
    assert over_allocated(peaks, 100.0) == ["2025-01"]
    assert percent_of_capacity(None, 20, 40) == 50.0
    assert percent_of_capacity(30, 20, 40) == 30.0


def test_dates() -> None:
    assert days_between("2025-06-01", "2025-06-30") == 29.0
    assert days_between("2025-06-30", "2025-06-01") == -29.0
    assert fiscal_year(dt.date(2025, 3, 31), 4) == 2024
    assert fiscal_year(dt.date(2025, 4, 1), 4) == 2025
    with pytest.raises(ValueError, match="not a date"):
        days_between("June", "2025-06-30")
