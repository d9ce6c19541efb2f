"""Risk score and rank from the PMO's probability × impact matrix."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

RANK_ORDER = ("low", "medium", "high", "critical")


def risk_score(
    probability: str, impact: str, prob_scale: Mapping[str, int], impact_scale: Mapping[str, int]
) -> float | None:
    """Probability value × impact value; null when a label is not on the PMO's scales."""
    p = prob_scale.get(probability)
    i = impact_scale.get(impact)
    if p is None or i is None:
        return None
    return float(p * i)


def risk_rank(score: float | None, ranks: Sequence[tuple[str, int]]) -> str:
    """The rank with the highest ``minScore`` the score reaches; "" when none does or the score is unknown."""
    if score is None:
        return ""
    best = ""
    best_min = -1
    for rank_id, min_score in ranks:
        if score >= min_score and min_score > best_min:
            best, best_min = rank_id, min_score
    return best


def is_escalated(score: float | None, escalation_score: int) -> bool:
    return score is not None and score >= escalation_score
