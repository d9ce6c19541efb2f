"""Governance rules that need look-ups across entities: who holds which role.

The CEL pack ``policies/governance.yaml`` holds the per-entity governance rules; these two follow
references to people, which a policy cannot do.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from pmo_lint.diagnostics import Severity
from pmo_lint.rules.base import Finding, FunctionRule, RuleContext, RuleDocs, RuleMeta

if TYPE_CHECKING:
    from pmo_lint.model.kinds import Person

PACK = "governance"
ENV = "apiVersion: pmo-lint/v1\n"


def person_of(ctx: RuleContext, ref: str | None) -> Person | None:
    """The Person a reference names, or None (PMO007 reports dangling references)."""
    if not ref:
        return None
    found = ctx.catalog.lookup(ref, kinds=("Person",))
    return found.entity if found is not None else None  # type: ignore[return-value]


def _approval_roles(ctx: RuleContext) -> Iterator[Finding]:
    from pmo_lint.model.kinds import ChangeRequest

    for cr, item in ctx.catalog.typed(ChangeRequest):
        for i, entry in enumerate(cr.spec.approval.approvals):
            person = person_of(ctx, entry.by)
            if person is not None and entry.role not in person.spec.roles:
                yield Finding(
                    f"{entry.by} {entry.decision} as {entry.role} but does not hold that role "
                    f"(roles: {', '.join(person.spec.roles)}); record the role they hold or get the right approver",
                    item,
                    ("spec", "approval", "approvals", i, "role"),
                )


def _gate_deciders(ctx: RuleContext) -> Iterator[Finding]:
    from pmo_lint.model.kinds import Project

    pmo = ctx.catalog.config
    if pmo is None:
        return
    powers = {g.id: g.approver_roles for g in pmo.spec.lifecycle.gates}
    for project, item in ctx.catalog.typed(Project):
        for i, gate in enumerate(project.spec.lifecycle.gates):
            roles = powers.get(gate.gate, [])
            person = person_of(ctx, gate.decided_by)
            if gate.decision != "approved" or not roles or person is None:
                continue
            if not set(roles) & set(person.spec.roles):
                yield Finding(
                    f"gate {gate.gate} was approved by {gate.decided_by}, who holds none of the roles "
                    f"{', '.join(roles)} that pmo.yaml gives the power to pass it; have it approved by one of them",
                    item,
                    ("spec", "lifecycle", "gates", i, "decidedBy"),
                )


_CR = (
    ENV + "kind: ChangeRequest\nmetadata: {name: cr-009, namespace: crm-migration}\nspec:\n  category: [scope]\n"
    "  priority: low\n  requestedBy: person:jo-pm\n  requestedDate: 2025-06-02\n"
    "  businessJustification: Extra export.\n  impact: Two days.\n  delta: {deliverablesAdded: [d2]}\n"
    "  approval:\n    status: approved\n    approvals:\n"
)
_GATE_PROJECT = (
    ENV + "kind: Project\nmetadata: {name: demo}\nspec:\n  type: it-delivery\n  category: strategic\n"
    "  lifecycle:\n    phase: initiating\n    gates:\n"
)

APPROVAL_ROLE_NOT_HELD = FunctionRule(
    RuleMeta(
        id="approval-role-not-held",
        code="GOV010",
        title="Approvers hold the role they approve in",
        severity=Severity.ERROR,
        pack=PACK,
        kinds=("ChangeRequest", "Person"),
        standard="GOV-10 (pmo.md §b); approval authority",
        docs=RuleDocs(
            what="Each entry of a change request's `approval.approvals` names, in `role`, a role that the approving "
            "person holds in their `Person.spec.roles`.",
            why="The approval matrix is checked against the role written on the approval; a role the person does "
            "not hold turns any approval into a valid-looking one.",
            example=_CR
            + "      - {by: person:ann-analyst, role: pmo-director, date: 2025-06-05, decision: approved}\n",
            use_instead=_CR
            + "      - {by: person:pat-director, role: pmo-director, date: 2025-06-05, decision: approved}\n",
        ),
    ),
    _approval_roles,
)
GATE_DECIDER_UNAUTHORISED = FunctionRule(
    RuleMeta(
        id="gate-decider-unauthorised",
        code="GOV011",
        title="Gates are approved by a role with that power",
        severity=Severity.ERROR,
        pack=PACK,
        kinds=("Project", "Person", "PMOConfig"),
        standard="GOV-07, GOV-10 (pmo.md §b); stage-gate decision rights",
        docs=RuleDocs(
            what="An `approved` gate decision's `decidedBy` is a person holding at least one of the "
            "`approverRoles` that `lifecycle.gates` in `pmo.yaml` lists for that gate.",
            why="Decision rights are the substance of a stage gate: a project manager approving their own "
            "baseline is not a gate.",
            example=_GATE_PROJECT
            + "      - {gate: G0, decision: approved, decidedBy: person:jo-pm, date: 2025-06-02}\n",
            use_instead=_GATE_PROJECT
            + "      - {gate: G0, decision: approved, decidedBy: person:pat-director, date: 2025-06-02}\n",
        ),
    ),
    _gate_deciders,
)

GOVERNANCE_RULES: tuple[FunctionRule, ...] = (APPROVAL_ROLE_NOT_HELD, GATE_DECIDER_UNAUTHORISED)
