"""Transformational rule that joins projects to their managers' training records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from pmo_lint.diagnostics import Severity
from pmo_lint.rules.base import Finding, FunctionRule, RuleContext, RuleDocs, RuleMeta
from pmo_lint.rules.builtin_governance import person_of

PACK = "transformational"
ENV = "apiVersion: pmo-lint/v1\n"


def _qualified(ctx: RuleContext) -> Iterator[Finding]:
    from pmo_lint.model.kinds import Project

    pmo = ctx.catalog.config
    if pmo is None:
        return
    courses = [c for req in pmo.spec.required_trainings if req.role == "project-manager" for c in req.courses]
    if not courses:
        return
    facts = ctx.all_facts()
    for project, item in ctx.catalog.typed(Project):
        if not facts.of(item).get("active"):  # on hold, cancelled, completed or in a closed-stage phase
            continue
        s = project.spec
        person = person_of(ctx, s.owner)
        if person is None:
            continue
        expiry: dict[str, dt.date | None] = {}  # course -> expiry of its latest record
        for t in sorted(person.spec.trainings, key=lambda t: t.date):
            expiry[t.course] = t.expires
        gaps = [f"{c} (missing)" for c in courses if c not in expiry] + [
            f"{c} (expired {until})" for c in courses if (until := expiry.get(c)) is not None and until < ctx.as_of
        ]
        if gaps:
            yield Finding(
                f"project manager {person.spec.profile.display_name} ({person.metadata.name}) lacks the required "
                f"training {', '.join(gaps)}; renew it or assign a qualified project manager",
                item,
                ("spec", "owner"),
            )


_PERSON = (
    ENV + "kind: Person\nmetadata: {name: jo-pm}\nspec:\n  profile: {displayName: Jo PM}\n"
    "  roles: [project-manager]\n  memberOf: [pmo-office]\n  trainings:\n"
)

PM_QUALIFIED = FunctionRule(
    RuleMeta(
        id="project-manager-not-qualified",
        code="TRF003",
        title="Active projects are managed by project managers with current required training",
        severity=Severity.ERROR,
        pack=PACK,
        kinds=("Project", "Person", "PMOConfig"),
        standard="Transformational PMO — project managers are trained before they are assigned",
        docs=RuleDocs(
            what="The `owner` (project manager) of every active project that is not closed holds each course "
            "`requiredTrainings` of `pmo.yaml` lists for the `project-manager` role, and the latest record of "
            "each has not expired at the as-of date.",
            why="The PMO's method is only applied where the people running projects were trained in it; a lapsed "
            "qualification on a live project is a compliance gap, not just a record to update.",
            example=_PERSON + "    - {course: pm-foundations, date: 2022-01-10, expires: 2025-01-10}\n",
            use_instead=_PERSON + "    - {course: pm-foundations, date: 2025-01-08, expires: 2028-01-08}\n",
        ),
    ),
    _qualified,
)

TRANSFORMATIONAL_RULES: tuple[FunctionRule, ...] = (PM_QUALIFIED,)
