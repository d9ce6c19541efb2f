"""Operational rules over allocations: team capacity against demand, and allocations that cannot hold
(outside the project's dates, to a finished project, to someone inactive or unavailable)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING

from pmo_lint.diagnostics import Severity
from pmo_lint.rules.base import Finding, FunctionRule, RuleContext, RuleDocs, RuleMeta

if TYPE_CHECKING:
    from pmo_lint.model.catalog import LoadedEntity
    from pmo_lint.model.kinds import Project

PACK = "operational"
ENV = "apiVersion: pmo-lint/v1\n"


def _team_capacity(ctx: RuleContext) -> Iterator[Finding]:
    from pmo_lint.model.kinds import Person, Team

    pmo = ctx.catalog.config
    limit = pmo.spec.thresholds.allocation_max_percent if pmo else 100.0
    facts = ctx.all_facts()
    members: dict[str, dict[str, LoadedEntity]] = defaultdict(dict)
    for team, item in ctx.catalog.typed(Team):
        for ref in team.spec.members:
            found = ctx.catalog.lookup(ref, kinds=("Person",))
            if found is not None:
                members[item.path][found.path] = found
    for person, item in ctx.catalog.typed(Person):
        for ref in person.spec.member_of:
            found = ctx.catalog.lookup(ref, kinds=("Team",))
            if found is not None:
                members[found.path][item.path] = item
    for _team, item in ctx.catalog.typed(Team):
        people = [p for p in members[item.path].values() if p.entity.spec.active]  # type: ignore[attr-defined]
        capacity = sum(p.entity.spec.capacity.hours_per_week for p in people) * limit / 100.0  # type: ignore[attr-defined]
        demand: dict[str, float] = defaultdict(float)
        for p in people:
            hours = p.entity.spec.capacity.hours_per_week  # type: ignore[attr-defined]
            for month, load in facts.of(p).get("loadByMonth", {}).items():
                demand[month] += load / 100.0 * hours
        over = [m for m in sorted(demand) if demand[m] > capacity + 1e-6]
        if over and capacity > 0:
            peak = max(demand[m] for m in over)
            yield Finding(
                f"team {item.entity.metadata.name} is booked for up to {peak:.0f} hours a week against a capacity "
                f"of {capacity:.0f} in {', '.join(over)}; rebalancing inside the team cannot fix it, move work "
                "or add people",
                item,
                ("spec", "members"),
            )


def project_finish(project: Project) -> dt.date | None:
    """Actual finish once there is one, else forecast, approved or baseline finish."""
    s = project.spec
    baseline = next((b for b in s.baselines if b.id == s.active_baseline), None)
    return (
        (s.schedule.actual.finish if s.schedule.actual else None)
        or (s.schedule.forecast.finish if s.schedule.forecast else None)
        or (s.schedule.approved.end if s.schedule.approved else None)
        or (baseline.schedule.finish if baseline else None)
    )


def _assignments(ctx: RuleContext) -> Iterator[tuple[LoadedEntity, int, object]]:
    from pmo_lint.model.kinds import Allocation

    for alloc, item in ctx.catalog.typed(Allocation):
        for i, a in enumerate(alloc.spec.assignments):
            yield item, i, a


def _outside_project(ctx: RuleContext) -> Iterator[Finding]:
    from pmo_lint.model.kinds import Assignment

    pmo = ctx.catalog.config
    tolerance = pmo.spec.thresholds.finish_slip_days if pmo else 14
    for item, i, a in _assignments(ctx):
        assert isinstance(a, Assignment)
        found = ctx.catalog.lookup(a.project, kinds=("Project",))
        if found is None:
            continue
        project: Project = found.entity  # type: ignore[assignment]
        name = project.metadata.name
        at = ("spec", "assignments", i)
        if project.spec.lifecycle.state == "cancelled" and a.end >= ctx.as_of:
            yield Finding(f"assignment to {name} runs to {a.end} but the project is cancelled; release it", item, at)
            continue
        finish = project_finish(project)
        if finish is not None and a.end > finish + dt.timedelta(days=tolerance):
            yield Finding(
                f"assignment to {name} runs to {a.end}, more than {tolerance} days after the project's finish "
                f"({finish}); release the person or re-plan the project",
                item,
                at,
            )


def _unavailable(ctx: RuleContext) -> Iterator[Finding]:
    from pmo_lint.model.kinds import Allocation, Assignment

    for item, i, a in _assignments(ctx):
        assert isinstance(a, Assignment)
        alloc: Allocation = item.entity  # type: ignore[assignment]
        found = ctx.catalog.lookup(alloc.spec.person, kinds=("Person",))
        if found is None:
            continue
        spec = found.entity.spec  # type: ignore[attr-defined]
        who = found.entity.metadata.name
        at = ("spec", "assignments", i)
        if not spec.active and a.end >= ctx.as_of:
            yield Finding(f"{who} is inactive but assigned to {a.project} until {a.end}; reassign the work", item, at)
            continue
        av = spec.availability
        if av is not None and ((av.start and a.start < av.start) or (av.end and a.end > av.end)):
            yield Finding(
                f"{who} is available {av.start or '…'} to {av.end or '…'} but assigned to {a.project} from "
                f"{a.start} to {a.end}; shorten the assignment or find cover",
                item,
                at,
            )


_ALLOC = (
    ENV
    + "kind: Allocation\nmetadata: {name: tess-expert}\nspec:\n  person: tess-expert\n  year: 2025\n  assignments:\n"
)
_PERSON = (
    ENV + "kind: Person\nmetadata: {name: tess-expert}\nspec:\n  profile: {displayName: Tess Expert}\n"
    "  roles: [technical-expert]\n  memberOf: [pmo-office]\n"
)
_TEAM = (
    ENV + "kind: Team\nmetadata: {name: data-squad}\nspec:\n  type: squad\n  members: [tess-expert, ann-analyst]\n"
    "---\n" + ENV + "kind: Allocation\nmetadata: {name: ann-analyst}\nspec:\n  person: ann-analyst\n  year: 2025\n"
    "  assignments:\n    - {project: crm-migration, from: 2025-03-03, to: 2025-09-26, load: {percent: 100}}\n"
)

TEAM_CAPACITY = FunctionRule(
    RuleMeta(
        id="team-over-capacity",
        code="OPS002",
        title="A team's demand fits its capacity",
        severity=Severity.WARNING,
        pack=PACK,
        kinds=("Team", "Person", "Allocation", "PMOConfig"),
        standard="OPS-02 (pmo.md §b); capacity planning",
        docs=RuleDocs(
            what="For each team (members listed in `spec.members` or naming the team in `memberOf`), the hours its "
            "active members are booked per week (their monthly peak allocation × weekly hours) do not exceed the "
            "team's capacity (the sum of their `capacity.hoursPerWeek` × `thresholds.allocationMaxPercent`) in any "
            "month.",
            why="Single over-allocations can be fixed by moving work between colleagues; a team booked beyond its "
            "total capacity cannot, and the portfolio must defer work or add people.",
            example=_TEAM + "    - {project: crm-migration, from: 2025-03-03, to: 2025-09-26, load: {percent: 60}}\n",
            use_instead=_TEAM,
        ),
    ),
    _team_capacity,
)
OUTSIDE_PROJECT = FunctionRule(
    RuleMeta(
        id="allocation-outside-project-dates",
        code="OPS003",
        title="Assignments end with their project",
        severity=Severity.WARNING,
        pack=PACK,
        kinds=("Allocation", "Project"),
        standard="OPS-03 (pmo.md §b)",
        docs=RuleDocs(
            what="No assignment runs more than `thresholds.finishSlipDays` days past its project's finish (the "
            "actual finish once there is one, else the forecast, approved or baseline finish), and none to a "
            "cancelled project runs past the as-of date. Starts before the approved start are not reported: "
            "initiation and planning work usually comes first.",
            why="Bookings past the end of a project hold people the project no longer needs, or show that the "
            "schedule in the portfolio is not the one the team works to; either way capacity is misreported.",
            example=_ALLOC + "    - {project: crm-migration, from: 2025-02-03, to: 2026-03-27, load: {percent: 80}}\n",
            use_instead=_ALLOC
            + "    - {project: crm-migration, from: 2025-02-03, to: 2025-11-28, load: {percent: 80}}\n",
        ),
    ),
    _outside_project,
)
UNAVAILABLE = FunctionRule(
    RuleMeta(
        id="allocation-to-unavailable-person",
        code="OPS004",
        title="People are assigned only while active and available",
        severity=Severity.WARNING,
        pack=PACK,
        kinds=("Allocation", "Person"),
        standard="OPS-03 (pmo.md §b)",
        docs=RuleDocs(
            what="An assignment running on or after the as-of date names a person with `active: true`, and lies "
            "within the person's `availability` (`from`, `to`) when one is given.",
            why="Plans built on people who have left or are on leave fail exactly when the work is due.",
            example=_PERSON
            + "  availability: {from: 2025-01-01, to: 2025-08-31}\n---\n"
            + _ALLOC
            + "    - {project: crm-migration, from: 2025-02-03, to: 2025-11-28, load: {percent: 80}}\n",
            use_instead=_PERSON
            + "  availability: {from: 2025-01-01, to: 2025-12-31}\n---\n"
            + _ALLOC
            + "    - {project: crm-migration, from: 2025-02-03, to: 2025-11-28, load: {percent: 80}}\n",
        ),
    ),
    _unavailable,
)

OPERATIONAL_RULES: tuple[FunctionRule, ...] = (TEAM_CAPACITY, OUTSIDE_PROJECT, UNAVAILABLE)
