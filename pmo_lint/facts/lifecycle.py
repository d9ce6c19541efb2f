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
    from pmo_lint.model.kinds import Phase, ProjectLifecycle

STAGES: tuple[str, ...] = ("intake", "initiation", "planning", "execution", "closing", "closed")
_ORDER = {s: i for i, s in enumerate(STAGES)}

# Words that name a stage in the lifecycles PMOs use (PMBOK process groups, PRINCE2, stage-gate, agile
# release trains, public-sector business-case stages). A phase id or title is matched word by word.
# Generic words ("stage", "phase", "step", "gate") are left out on purpose: every phase of a stage-gate
# process is a "stage-N", so the word says nothing about which one; the title must decide.
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

    Each name (the phase id, then its title) is tried in turn; None when no word is known. A generic
    ``stage-3`` or ``phase-2`` knows no word, so the title after it decides.
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


# -- a project's own plan of the lifecycle (tailoring) ------------------------------------------------
def gate_label(gate: str, pass_: int | None) -> str:
    """How a gate reads in facts and messages: ``SB``, or ``SB (pass 2)`` for a repeatable phase's second pass."""
    return gate if not pass_ or pass_ == 1 else f"{gate} (pass {pass_})"


def approved_gates(project: ProjectLifecycle) -> list[str]:
    """Labels of the project's approved gate decisions, in the order written."""
    out: list[str] = []
    for g in project.gates:
        label = gate_label(g.gate, g.pass_)
        if g.decision == "approved" and label not in out:
            out.append(label)
    return out


@dataclass(frozen=True)
class Step:
    """One pass through one phase in the project's plan."""

    phase: Phase
    pass_: int

    @property
    def gate(self) -> str | None:
        return gate_label(self.phase.start_gate, self.pass_) if self.phase.start_gate else None


def planned_steps(phases: Sequence[Phase], project: ProjectLifecycle) -> list[Step]:
    """Every pass through every phase the project's plan keeps, in lifecycle order.

    A skipped phase is left out only when the lifecycle allows it (``optional``): skipping a phase that
    is not optional keeps it in the plan, so its gate stays due (PMO-approved tailoring cannot waive a
    mandatory gate). A repeatable phase appears once per planned pass; the phase the project is in now
    appears at least up to its current pass.
    """
    tailoring = project.tailoring
    skip = {p for p in (tailoring.skip if tailoring else ()) if p != project.phase}
    passes = dict(tailoring.passes) if tailoring else {}
    steps: list[Step] = []
    for ph in phases:
        if ph.id in skip and ph.optional:
            continue
        n = passes.get(ph.id, 1) if ph.repeatable else 1
        if ph.id == project.phase and ph.repeatable:
            n = max(n, project.pass_ or 1)
        steps.extend(Step(ph, k) for k in range(1, n + 1))
    return steps


def steps_until(phases: Sequence[Phase], project: ProjectLifecycle) -> list[Step]:
    """The planned steps up to and including where the project is now ([] when its phase is unknown)."""
    here = (project.phase, project.pass_ or 1)
    steps = planned_steps(phases, project)
    for i, step in enumerate(steps):
        if (step.phase.id, step.pass_) == here:
            return steps[: i + 1]
    return []


def gates_of(steps: Sequence[Step]) -> list[str]:
    """Start gates of the given steps (labels, in order): with :func:`steps_until`, the gates now due."""
    return [s.gate for s in steps if s.gate]


def fields_of(steps: Sequence[Step]) -> list[str]:
    """JSON pointers required after the given steps: each phase's ``requiredFields`` from that phase on, less
    those a later phase drops (``dropRequiredFields``)."""
    out: list[str] = []
    for step in steps:
        if step.pass_ > 1:
            continue
        out = [p for p in out if p not in step.phase.drop_required_fields]
        out.extend(p for p in step.phase.required_fields if p not in out)
    return out


def required_fields(phases: Sequence[Phase], project: ProjectLifecycle) -> list[str]:
    """JSON pointers the project's phase requires now, under its plan."""
    return fields_of(steps_until(phases, project))


def gates_entered(phases: Sequence[Phase], before: ProjectLifecycle, after: ProjectLifecycle) -> list[Step] | None:
    """The steps a project entered between two versions of its file (under the newer plan), or None when it
    did not move forward."""
    steps = planned_steps(phases, after)
    keys = [(s.phase.id, s.pass_) for s in steps]
    old, new = (before.phase, before.pass_ or 1), (after.phase, after.pass_ or 1)
    if new not in keys:
        return None
    if old not in keys:
        # the old position is not in the new plan (a phase since skipped): count from the last step before it
        order = [ph.id for ph in phases]
        if before.phase not in order:
            return None
        earlier = [i for i, k in enumerate(keys) if order.index(k[0]) < order.index(before.phase)]
        start = earlier[-1] if earlier else -1
    else:
        start = keys.index(old)
    end = keys.index(new)
    return steps[start + 1 : end + 1] if end > start else None
