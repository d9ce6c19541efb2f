"""Operational rules over allocations: team capacity against demand, and allocations that cannot hold
(outside the project's dates, to a finished project, to someone inactive or unavailable); records held by
leavers; risks assessed off the PMO's scales."""

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
    baseline = s.baseline()
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


def _project_label(ctx: RuleContext, ref: str) -> str:
    """A project by its title and name ("CRM Migration (crm-migration)"), the name alone without a title."""
    found = ctx.catalog.lookup(ref, kinds=("Project",))
    name = ref.split(":", 1)[1] if ref.startswith("project:") else ref
    title = found.entity.metadata.title if found is not None else ""
    return f"{title} ({name})" if title and title != name else name


def _unavailable(ctx: RuleContext) -> Iterator[Finding]:
    from pmo_lint.facts.leaver import leaving
    from pmo_lint.model.kinds import Allocation, Assignment
    from pmo_lint.rules.wording import style_of

    style = style_of(ctx.catalog)
    for item, i, a in _assignments(ctx):
        assert isinstance(a, Assignment)
        alloc: Allocation = item.entity  # type: ignore[assignment]
        found = ctx.catalog.lookup(alloc.spec.person, kinds=("Person",))
        if found is None:
            continue
        spec = found.entity.spec  # type: ignore[attr-defined]
        # a director reads names: "Tess Expert (tess-expert)", "CRM Migration (crm-migration)"
        who = style.person(found.entity.metadata.name)
        project = _project_label(ctx, a.project)
        at = ("spec", "assignments", i)
        gone, _later = leaving(spec, ctx.as_of)
        if gone and a.end >= ctx.as_of:
            since = f"left on {spec.left_date}" if spec.left_date else "is inactive"
            yield Finding(f"{who} {since} but is assigned to {project} until {a.end}; reassign the work", item, at)
            continue
        if spec.left_date is not None and a.end > spec.left_date:
            yield Finding(
                f"{who} leaves on {spec.left_date} but is assigned to {project} until {a.end}; find cover",
                item,
                at,
            )
            continue
        av = spec.availability
        if av is not None and ((av.start and a.start < av.start) or (av.end and a.end > av.end)):
            yield Finding(
                f"{who} is available {av.start or '…'} to {av.end or '…'} but assigned to {project} from "
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
        standard="Operational PMO — capacity planning per team",
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
        standard="Operational PMO — allocations only to available people within project dates",
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
        standard="Operational PMO — allocations only to available people within project dates",
        docs=RuleDocs(
            what="An assignment running on or after the as-of date names a person with `active: true` whose "
            "`leftDate` (if any) is not before the as-of date, and ends by their `leftDate` and within their "
            "`availability` (`from`, `to`) when those are given.",
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


def _held_by_leavers(ctx: RuleContext, *, gone: bool) -> Iterator[Finding]:
    from pmo_lint.facts.leaver import holdings

    for h in holdings(ctx.catalog, ctx.all_facts(), ctx.as_of):
        if h.leaver.gone != gone:
            continue
        fix = h.fix if gone else f"{h.fix} before {h.leaver.left}"
        yield Finding(f"{h.sentence()}; {fix}", h.record, h.data_path)


def _left(ctx: RuleContext) -> Iterator[Finding]:
    return _held_by_leavers(ctx, gone=True)


def _leaving(ctx: RuleContext) -> Iterator[Finding]:
    return _held_by_leavers(ctx, gone=False)


_LEAVER_KINDS = (
    "Person",
    "Risk",
    "Issue",
    "Benefit",
    "ChangeRequest",
    "StatusReport",
    "Project",
    "Team",
    "Program",
    "Portfolio",
    "StrategicGoal",
    "PMOConfig",
)
_LEAVER_READS = (
    "Person:spec.active",
    "Person:spec.leftDate",
    "Person:spec.roles",
    "Person:spec.governanceRoles",
    "Risk:spec.owner",
    "Risk:spec.assignedTo",
    "Risk:spec.state",
    "Issue:spec.owner",
    "Issue:spec.state",
    "Benefit:spec.owner",
    "Benefit:spec.state",
    "Project:spec.owner",
    "Project:spec.sponsor",
    "Project:spec.lifecycle.state",
    "Project:spec.lifecycle.gates[].decision",
    "Project:spec.lifecycle.gates[].decidedBy",
    "ChangeRequest:spec.state",
    "ChangeRequest:spec.approval.status",
    "StatusReport:spec.decisionsNeeded",
    "Team:spec.lead",
    "Program:spec.owner",
    "Program:spec.state",
    "Portfolio:spec.owner",
    "StrategicGoal:spec.owner",
    "StrategicGoal:spec.state",
    "StrategicGoal:spec.keyResults[].owner",
    "PMOConfig:spec.lifecycle.gates[].approverRoles",
)
_LEAVER_WHAT = (
    "No live record names a person who has left: the owner or assignee of an open or monitored risk, the owner "
    "of an open or in-progress issue, the owner of a planned or tracked benefit, the project manager (`owner`) "
    "and sponsor of a project that is active or on hold, the `decidedBy` of a pending gate decision, the "
    "`decider` of an open decision in a project's latest status report, the lead of a team, the owner of an "
    "active or on-hold program, of a portfolio, of an active strategic goal and of its key results. A pending "
    "gate without a named decider, or a change request awaiting approval, is reported when everyone holding a "
    "role that must still approve it has left. A person has left when marked `active: false` or when their "
    "`leftDate` is before the as-of date. Records of closed, completed or cancelled projects are history and "
    "are not reported; allocations are checked by `OPS004`, issues without any owner by `OPS015`."
)
_LEAVER = (
    ENV + "kind: Person\nmetadata: {name: tess-expert}\nspec:\n  profile: {displayName: Tess Expert}\n"
    "  roles: [technical-expert]\n  memberOf: [pmo-office]\n"
)
_RISK = (
    ENV + "kind: Risk\nmetadata: {name: r-002, namespace: crm-migration, title: Vendor API rate limits}\nspec:\n"
    "  category: technical\n  probability: medium\n  impact: high\n  identifiedDate: 2025-03-10\n"
    "  reviewDate: 2025-06-20\n  response: mitigate\n  mitigationPlan: Batch the nightly sync.\n"
)
LEAVER_RECORDS = FunctionRule(
    RuleMeta(
        id="record-held-by-leaver",
        code="OPS017",
        title="Open records are not owned by, or waiting on, people who have left",
        severity=Severity.WARNING,
        pack=PACK,
        kinds=_LEAVER_KINDS,
        reads=_LEAVER_READS,
        standard="Operational PMO — every risk, issue, benefit and decision has an accountable owner who is "
        "still here; PRINCE2 — organization and risk themes: every role and risk has a named owner",
        docs=RuleDocs(
            what=_LEAVER_WHAT,
            why="When people leave, the risks they watched, the benefits they were to realise and the decisions "
            "waiting on them stay in the registers under their name: nothing flags them, and nobody acts until the "
            "risk occurs or the decision is overdue. Reassigning them is part of every leaver's handover.",
            example=_RISK
            + "  owner: person:tess-expert\n---\n"
            + _LEAVER
            + "  active: false\n  leftDate: 2025-04-30\n",
            use_instead=_RISK + "  owner: person:jo-pm\n---\n" + _LEAVER + "  active: false\n  leftDate: 2025-04-30\n",
        ),
    ),
    _left,
)
LEAVING_RECORDS = FunctionRule(
    RuleMeta(
        id="record-held-by-person-leaving",
        code="OPS018",
        title="Records of people about to leave are handed over",
        severity=Severity.INFO,
        pack=PACK,
        kinds=_LEAVER_KINDS,
        reads=_LEAVER_READS,
        standard="Operational PMO — handover of a leaver's responsibilities before they go",
        docs=RuleDocs(
            what="The same records as `OPS017`, named after a person whose `leftDate` is on or after the as-of "
            "date: they are still here, but their records need a new owner before they go.",
            why="A leaving date is known weeks ahead; the handover is cheapest while the person can still brief "
            "their successor on the risks and decisions they hold.",
            example=_RISK + "  owner: person:tess-expert\n---\n" + _LEAVER + "  leftDate: 2025-07-31\n",
            use_instead=_RISK + "  owner: person:jo-pm\n---\n" + _LEAVER + "  leftDate: 2025-07-31\n",
        ),
    ),
    _leaving,
)


def _off_scale(ctx: RuleContext) -> Iterator[Finding]:
    from pmo_lint.model.kinds import Risk

    pmo = ctx.catalog.config
    if pmo is None:
        return  # without a valid pmo.yaml there are no scales to hold risks to (its problems are reported)
    scales = {"probability": pmo.spec.scales.probability, "impact": pmo.spec.scales.impact}
    for risk, item in ctx.catalog.typed(Risk):
        for field, levels in scales.items():
            value = getattr(risk.spec, field)
            ids = [lv.id for lv in levels]
            if value in ids:
                continue
            # a score cannot be formed, so the risk would read as neither escalated nor critical
            yield Finding(
                f"{field} {value!r} is not on the {field} scale of pmo.yaml, so the risk cannot be scored, "
                f"ranked or escalated; use one of {', '.join(ids)}",
                item,
                ("spec", field),
            )


_OFF_SCALE = (
    ENV + "kind: Risk\nmetadata: {name: r-002, namespace: crm-migration, title: Vendor API rate limits}\nspec:\n"
    "  category: technical\n  owner: person:jo-pm\n  identifiedDate: 2025-03-10\n  reviewDate: 2025-06-20\n"
    "  response: mitigate\n  mitigationPlan: Batch the nightly sync.\n  impact: high\n"
)
RISK_OFF_SCALE = FunctionRule(
    RuleMeta(
        id="risk-level-off-scale",
        code="OPS019",
        title="A risk's probability and impact are levels of the PMO's scales",
        severity=Severity.ERROR,
        pack=PACK,
        kinds=("Risk", "PMOConfig"),
        reads=(
            "Risk:spec.probability",
            "Risk:spec.impact",
            "PMOConfig:spec.scales.probability[].id",
            "PMOConfig:spec.scales.impact[].id",
        ),
        standard="Operational PMO — risks assessed on the organisation's probability and impact scales; "
        "ISO 31000 — risk analysis with agreed criteria",
        docs=RuleDocs(
            what="Every risk's (and opportunity's) `probability` is the `id` of a level of `scales.probability` in "
            "`pmo.yaml`, and its `impact` the `id` of a level of `scales.impact`.",
            why="The score (probability × impact), the rank and escalation are read from the scales. A level "
            "that is not on them (a word from another template, a typo) gives no score, so the risk counts as "
            "neither escalated nor critical however serious it is: the register looks calmer than it is.",
            example=_OFF_SCALE.replace("  impact: high\n", "  probability: likely\n  impact: high\n"),
            use_instead=_OFF_SCALE.replace("  impact: high\n", "  probability: high\n  impact: high\n"),
        ),
    ),
    _off_scale,
)

OPERATIONAL_RULES: tuple[FunctionRule, ...] = (
    TEAM_CAPACITY,
    OUTSIDE_PROJECT,
    UNAVAILABLE,
    LEAVER_RECORDS,
    LEAVING_RECORDS,
    RISK_OFF_SCALE,
)
