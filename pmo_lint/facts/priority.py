"""Prioritisation: a weighted-criteria score or WSJF, and the rank it gives among projects."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def weighted_score(inputs: Mapping[str, float], criteria: Sequence[tuple[str, float, int]]) -> float | None:
    """Σ weight × score / scaleMax over the PMO's criteria (0–100 when weights sum to 100).

    A criterion the project does not score counts as 0; null when it scores none of them.
    """
    if not criteria or not any(cid in inputs for cid, _, _ in criteria):
        return None
    total = 0.0
    for cid, weight, scale_max in criteria:
        total += weight * inputs.get(cid, 0.0) / scale_max
    return total


def wsjf_score(business_value: float, time_criticality: float, risk_reduction: float, job_size: float) -> float | None:
    """Cost of delay (value + time criticality + risk reduction) divided by job size."""
    if job_size <= 0:
        return None
    return (business_value + time_criticality + risk_reduction) / job_size


def ranks(scores: Mapping[str, float | None]) -> dict[str, int | None]:
    """1 = highest score; ties share a rank ("1, 2, 2, 4"); projects without a score get None."""
    scored = sorted((s for s in scores.values() if s is not None), reverse=True)
    first: dict[float, int] = {}
    for position, value in enumerate(scored, start=1):
        first.setdefault(value, position)
    return {key: (first[value] if value is not None else None) for key, value in scores.items()}
