"""What each lifecycle phase means for governance, whatever the PMO calls it.

Rules never count phases by position: a PMO's lifecycle may have four phases or eight, several delivery
stages, or a pre-project phase. Each phase resolves to one of six *stages* (``stage:`` in ``pmo.yaml``, or
inferred from a common phase name), and the stage gives the governance defaults that a phase may override
(``statusReports``, ``baseline``, ``benefitsTracked``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pmo_lint.model.kinds import Phase

STAGES: tuple[str, ...] = ("intake", "initiation", "planning", "execution", "closing", "closed")
_ORDER = {s: i for i, s in enumerate(STAGES)}

# Words that name a stage in the lifecycles PMOs use (PMBOK process groups, PRINCE2, stage-gate, agile
# release trains, public-sector business-case stages). A phase id or title is matched word by word.
_WORDS: dict[str, str] = {
    **dict.fromkeys(
        (
            "proposed",
            "proposal",
            "intake",
            "idea",
            "ideation",
            "demand",
            "request",
            "requested",
            "pipeline",
            "concept",
            "discovery",
            "mandate",
            "funnel",
            "prospect",
            "candidate",
            "backlog",
            "submitted",
        ),
        "intake",
    ),
    **dict.fromkeys(
        (
            "initiating",
            "initiation",
            "initiate",
            "init",
            "mobilise",
            "mobilize",
            "mobilisation",
            "mobilization",
            "scoping",
            "feasibility",
            "startup",
            "kickoff",
            "inception",
        ),
        "initiation",
    ),
    **dict.fromkeys(
        (
            "planning",
            "plan",
            "design",
            "definition",
            "define",
            "elaboration",
            "analysis",
            "analysing",
            "analyzing",
            "preparation",
            "prepare",
            "procurement",
        ),
        "planning",
    ),
    **dict.fromkeys(
        (
            "executing",
            "execution",
            "execute",
            "delivery",
            "deliver",
            "delivering",
            "build",
            "building",
            "implementation",
            "implement",
            "implementing",
            "development",
            "develop",
            "developing",
            "construction",
            "testing",
            "test",
            "validation",
            "launch",
            "deploy",
            "deployment",
            "rollout",
            "pilot",
            "stage",
            "sprint",
            "increment",
            "release",
            "transition",
            "monitoring",
            "controlling",
        ),
        "execution",
    ),
    **dict.fromkeys(("closing", "closure", "close", "closedown", "handover", "wrapup", "finishing"), "closing"),
    **dict.fromkeys(("closed", "complete", "completed", "done", "finished", "archived", "archive"), "closed"),
}
# Two-word names whose words alone would mislead ("starting up" is PRINCE2's pre-project process;
# a "business case" phase plans).
_PHRASES: dict[tuple[str, ...], str] = {
    ("starting", "up"): "intake",
    ("start", "up"): "intake",
    ("business", "case"): "planning",
    ("wrap", "up"): "closing",
    ("post", "launch"): "closing",
    ("post", "implementation"): "closing",
    ("benefits", "realisation"): "closed",
    ("benefits", "realization"): "closed",
}


def infer_stage(*names: str | None) -> str | None:
    """The stage a common phase name means (``initiating`` → initiation, ``delivery-stage-2`` → execution).

    Each name (the phase id, then its title) is tried in turn; None when no word is known.
    """
    for name in names:
        if not name:
            continue
        words = [w for w in re.split(r"[^a-z]+", name.lower()) if w]
        for i in range(len(words) - 1):
            if (found := _PHRASES.get((words[i], words[i + 1]))) is not None:
                return found
        for word in words:
            if (found := _WORDS.get(word)) is not None:
                return found
    return None


@dataclass(frozen=True)
class PhaseMeaning:
    """One phase of the PMO's lifecycle as the rules read it."""

    id: str
    stage: str | None  # None: neither stated nor inferable (PMO013 reports it)
    inferred: bool
    status_reports: bool
    baseline: bool
    benefits_tracked: bool

    def reached(self) -> dict[str, bool]:
        """For each stage, whether a project in this phase is at or past it."""
        at = _ORDER.get(self.stage, -1) if self.stage else -1
        return {s: self.stage is not None and at >= i for i, s in enumerate(STAGES)}


def meaning(phase: Phase) -> PhaseMeaning:
    stage = phase.stage or infer_stage(phase.id, phase.title)

    def flag(value: bool | None, stages: tuple[str, ...]) -> bool:
        return value if value is not None else stage in stages

    return PhaseMeaning(
        id=phase.id,
        stage=stage,
        inferred=phase.stage is None and stage is not None,
        status_reports=flag(phase.status_reports, ("execution", "closing")),
        baseline=flag(phase.baseline, ("execution", "closing")),
        benefits_tracked=flag(phase.benefits_tracked, ("planning", "execution", "closing")),
    )


def meanings(phases: Sequence[Phase]) -> dict[str, PhaseMeaning]:
    """Every phase of the lifecycle by id."""
    return {ph.id: meaning(ph) for ph in phases}


UNKNOWN = PhaseMeaning(id="", stage=None, inferred=False, status_reports=False, baseline=False, benefits_tracked=False)
