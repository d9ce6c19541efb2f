"""Governance rules that need look-ups across entities: who holds which role.

The CEL pack ``policies/governance.yaml`` holds the per-entity governance rules; these follow
references to people, which a policy cannot do, and check that pmo.yaml's thresholds can be reached.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from pmo_lint.diagnostics import DataPath, Severity
from pmo_lint.rules.base import Finding, FunctionRule, RuleContext, RuleDocs, RuleMeta

if TYPE_CHECKING:
    from pmo_lint.model.catalog import LoadedEntity
    from pmo_lint.model.kinds import Person

PACK = "governance"
ENV = "apiVersion: pmo-lint/v1\n"


def person_of(ctx: RuleContext, ref: str | None) -> Person | None:
    """The Person a reference names, or None (PMO007 reports dangling references)."""
    if not ref:
        return None
    found = ctx.catalog.lookup(ref, kinds=("Person",))
    return found.entity if found is not None else None  # type: ignore[return-value]


def held_roles_text(person: Person) -> str:
    """``roles: project-manager; governance roles: cfo`` (or ``no role``), for messages."""
    parts = []
    if person.spec.roles:
        parts.append(f"roles: {', '.join(person.spec.roles)}")
    if person.spec.governance_roles:
        parts.append(f"governance roles: {', '.join(person.spec.governance_roles)}")
    return "; ".join(parts) or "no role"


def _approval_roles(ctx: RuleContext) -> Iterator[Finding]:
    from pmo_lint.model.kinds import ChangeRequest
    from pmo_lint.rules.wording import style_of

    style = style_of(ctx.catalog)
    for cr, item in ctx.catalog.typed(ChangeRequest):
        for i, entry in enumerate(cr.spec.approval.approvals):
            person = person_of(ctx, entry.by)
            if person is not None and entry.role not in person.spec.held_roles():
                yield Finding(
                    f"{style.person(entry.by)} {entry.decision} as {entry.role} but does not hold that role "
                    f"({held_roles_text(person)}); record the role they hold or get the right approver",
                    item,
                    ("spec", "approval", "approvals", i, "role"),
                )


def _gate_deciders(ctx: RuleContext) -> Iterator[Finding]:
    from pmo_lint.facts.approval import gate_rows, related_people, unmet_rows, who_is, who_may
    from pmo_lint.model.kinds import Project
    from pmo_lint.rules.wording import style_of

    pmo = ctx.catalog.config
    if pmo is None:
        return
    style = style_of(ctx.catalog)
    titles = {r.id: r.title for r in pmo.spec.governance_roles}
    for project, item in ctx.catalog.typed(Project):
        related = related_people(ctx.catalog, project)
        for i, gate in enumerate(project.spec.lifecycle.gates):
            person = person_of(ctx, gate.decided_by)
            if gate.decision != "approved" or person is None or gate.decided_by is None:
                continue
            given = [(gate.decided_by, role) for role in (*person.spec.held_roles(), "")]
            unmet = unmet_rows(gate_rows(pmo.spec, gate.gate), given, related)
            if not unmet:
                continue
            path = ("spec", "lifecycle", "gates", i, "decidedBy")
            if any(row.relations for row in unmet):
                facts = "; ".join(who_is(unmet, related, style.person))
                yield Finding(
                    f"gate {gate.gate} of {project.metadata.name} was decided by {style.person(gate.decided_by)}; "
                    f"{facts}; pmo.yaml lets {who_may(unmet, titles)} pass it; record the decision of the right person",
                    item,
                    path,
                )
                continue
            roles = ", ".join(dict.fromkeys(r for row in unmet for r in row.roles))
            yield Finding(
                f"gate {gate.gate} was approved by {style.person(gate.decided_by)}, who holds none of the roles "
                f"{roles} that pmo.yaml gives the power to pass it; have it approved by one of them",
                item,
                path,
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
        standard="Governance PMO — approval authority as set by the approval matrix",
        docs=RuleDocs(
            what="Each entry of a change request's `approval.approvals` names, in `role`, a role that the approving "
            "person holds: one of their PMO `roles` or of their `governanceRoles`.",
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
        standard="Governance PMO — gate decisions taken by those with the power to take them",
        docs=RuleDocs(
            what="An `approved` gate decision's `decidedBy` is a person holding at least one of the "
            "`approverRoles` that `lifecycle.gates` in `pmo.yaml` lists for that gate, or having one of its "
            "`approverRelations` to the project (its sponsor or executive, a member of its board, the owner of "
            "its program or portfolio). Rows of `approvalMatrix` with `category: gate` (for every gate, or the "
            "one named by `gate`) must be met by the same decision. The finding names who should have decided.",
            why="Decision rights are the substance of a stage gate: a project manager approving their own "
            "baseline is not a gate, and in PRINCE2 a stage boundary is the decision of this project's "
            "executive, not of any director.",
            example=_GATE_PROJECT
            + "      - {gate: G0, decision: approved, decidedBy: person:jo-pm, date: 2025-06-02}\n",
            use_instead=_GATE_PROJECT
            + "      - {gate: G0, decision: approved, decidedBy: person:pat-director, date: 2025-06-02}\n",
        ),
    ),
    _gate_deciders,
)


def _unknown(role: str, known: Iterable[str], declared: bool) -> str:
    near = difflib.get_close_matches(role, sorted(known), n=1, cutoff=0.6)
    if near:
        return f"did you mean {near[0]!r}?"
    if declared:
        return "declare it under governanceRoles in pmo.yaml (id and title)"
    return "declare it under governanceRoles in pmo.yaml (id and title), or use a PMO role"


def _roles_known(ctx: RuleContext) -> Iterator[Finding]:
    from pmo_lint.model.base import ROLES
    from pmo_lint.model.kinds import ChangeRequest, Person

    pmo = ctx.catalog.config
    if pmo is None:
        return
    cfg = ctx.catalog.of_kind("PMOConfig")[0] if ctx.catalog.of_kind("PMOConfig") else None
    declared: list[str] = []
    for i, declared_role in enumerate(pmo.spec.governance_roles):
        if cfg is not None and (declared_role.id in ROLES or declared_role.id in declared):
            what = "is one of the seven PMO roles" if declared_role.id in ROLES else "is declared twice"
            yield Finding(
                f"governance role {declared_role.id!r} {what}; give it its own id",
                cfg,
                ("spec", "governanceRoles", i, "id"),
            )
        declared.append(declared_role.id)
    known = {*ROLES, *declared}

    def check(role: str, where: str, item: LoadedEntity, path: DataPath) -> Iterator[Finding]:
        if role not in known:
            yield Finding(
                f"{where} names the role {role!r}, which is not known; {_unknown(role, known, False)}", item, path
            )

    if cfg is not None:
        for i, gate in enumerate(pmo.spec.lifecycle.gates):
            for j, role in enumerate(gate.approver_roles):
                yield from check(role, f"gate {gate.id}", cfg, ("spec", "lifecycle", "gates", i, "approverRoles", j))
        for i, row in enumerate(pmo.spec.approval_matrix):
            if not row.approver_roles and not row.approver_relations:
                yield Finding(
                    f"approval matrix row {i + 1} names nobody who may approve; add approverRoles, "
                    "approverRelations or both",
                    cfg,
                    ("spec", "approvalMatrix", i),
                )
            for j, role in enumerate(row.approver_roles):
                yield from check(
                    role, f"approval matrix row {i + 1}", cfg, ("spec", "approvalMatrix", i, "approverRoles", j)
                )
    for person, item in ctx.catalog.typed(Person):
        name = f"{person.spec.profile.display_name} ({person.metadata.name})"
        if not person.spec.roles and not person.spec.governance_roles:
            yield Finding(
                f"{name} holds no role; add a PMO role under roles or a governance role under governanceRoles",
                item,
                ("spec",),
            )
        for j, role in enumerate(person.spec.governance_roles):
            if role in ROLES:
                msg = f"{name} lists {role!r} as a governance role, but it is a PMO role; move it to roles"
            elif role not in declared:
                hint = _unknown(role, declared, True)
                msg = f"{name} holds the governance role {role!r}, which pmo.yaml does not declare; {hint}"
            else:
                continue
            yield Finding(msg, item, ("spec", "governanceRoles", j))
    for cr, item in ctx.catalog.typed(ChangeRequest):
        for i, entry in enumerate(cr.spec.approval.approvals):
            yield from check(entry.role, "the approval", item, ("spec", "approval", "approvals", i, "role"))


_ROLES_PMO = (
    ENV + "kind: PMOConfig\nmetadata: {name: pmo}\nspec:\n  organization: Example Corp\n"
    "  pmoTypes: [governance, strategic, tactical, operational, transformational]\n  currency: EUR\n"
    "  projectTypes: [it-delivery, business-change]\n  lifecycle:\n    phases:\n"
    "      - {id: proposed}\n      - {id: initiating, startGate: G0}\n      - {id: planning, startGate: G1}\n"
    "      - {id: executing, startGate: G2}\n      - {id: closing}\n"
    "    gates:\n      - {id: G0, title: Intake, approverRoles: [pmo-director]}\n"
    "      - {id: G1, title: Charter, approverRoles: [pmo-director]}\n"
    "      - {id: G2, title: Baseline, approverRoles: [pmo-director, steering-committee]}\n"
    "  scales:\n    probability: [{id: low, value: 1}, {id: medium, value: 2}, {id: high, value: 3}]\n"
    "    impact: [{id: low, value: 1}, {id: medium, value: 2}, {id: high, value: 3}]\n"
    "  riskMatrix: {escalationScore: 6}\n"
    "  governanceRoles:\n    - {id: cfo, title: Chief Financial Officer}\n"
    "    - {id: steering-committee, title: Steering committee}\n"
    "  approvalMatrix:\n    - when: {category: cost, budgetDeltaOver: 250000}\n"
)
ROLE_UNKNOWN = FunctionRule(
    RuleMeta(
        id="role-unknown",
        code="GOV018",
        title="Every role named in approvals and on people is a PMO role or a declared governance role",
        severity=Severity.ERROR,
        pack=PACK,
        kinds=("PMOConfig", "Person", "ChangeRequest"),
        standard="Governance PMO — decision rights named by roles the PMO has defined",
        docs=RuleDocs(
            what="Each role in `approverRoles` (gates and `approvalMatrix` in `pmo.yaml`), in a person's "
            "`governanceRoles` and in a change request approval's `role` is one of the seven PMO roles or a "
            "governance role that `pmo.yaml` declares under `governanceRoles`. Governance role ids are unique "
            "and differ from the PMO roles, a person's `governanceRoles` holds declared governance roles only, "
            "and every person holds at least one role of either sort. Each row of the approval matrix names "
            "`approverRoles`, `approverRelations` or both.",
            why="A misspelt role in the approval matrix (`cf0`) matches nobody: the row can never be met, or a "
            "person's authority silently disappears. Declaring the roles once makes a typo an error with a "
            "suggestion, not a hole in the delegation of authority.",
            example=_ROLES_PMO + "      approverRoles: [cfoo, steering-committee]\n",
            use_instead=_ROLES_PMO + "      approverRoles: [cfo, steering-committee]\n",
        ),
    ),
    _roles_known,
)


def _config_bounds(ctx: RuleContext) -> Iterator[Finding]:
    pmo = ctx.catalog.config
    configs = ctx.catalog.of_kind("PMOConfig")
    if pmo is None or not configs:
        return
    item, spec = configs[0], pmo.spec
    for index in ("cpi", "spi"):
        band = getattr(spec.thresholds, index)
        if band.amber < band.red:
            # a falling index crosses amber first: with amber below red, a project turns red before amber
            yield Finding(
                f"the {index.upper()} thresholds are the wrong way round: amber {band.amber:g} is below red "
                f"{band.red:g}, so a falling {index.upper()} turns red before it ever turns amber; amber must be "
                f"the higher value (e.g. amber {band.red:g}, red {band.amber:g})",
                item,
                ("spec", "thresholds", index),
            )
    top_p = max(lv.value for lv in spec.scales.probability)
    top_i = max(lv.value for lv in spec.scales.impact)
    highest = top_p * top_i
    if spec.risk_matrix.escalation_score > highest:
        yield Finding(
            f"riskMatrix.escalationScore is {spec.risk_matrix.escalation_score}, above the highest score a risk can "
            f"reach ({highest}: probability {top_p} × impact {top_i} on the scales), so no risk is ever escalated; "
            f"set it to {highest} or less",
            item,
            ("spec", "riskMatrix", "escalationScore"),
        )
    for i, rank in enumerate(spec.risk_matrix.ranks):
        if rank.min_score > highest:
            yield Finding(
                f"risk rank {rank.id} starts at score {rank.min_score}, above the highest score a risk can reach "
                f"({highest}), so no risk is ever ranked {rank.id}; lower its minScore to {highest} or less",
                item,
                ("spec", "riskMatrix", "ranks", i, "minScore"),
            )


_BOUNDS_PMO = _ROLES_PMO.replace("  approvalMatrix:\n    - when: {category: cost, budgetDeltaOver: 250000}\n", "")
CONFIG_BOUNDS = FunctionRule(
    RuleMeta(
        id="config-thresholds-unreachable",
        code="GOV022",
        title="Thresholds and the escalation score in pmo.yaml can be reached",
        severity=Severity.ERROR,
        pack=PACK,
        kinds=("PMOConfig",),
        reads=(
            "PMOConfig:spec.thresholds.cpi.amber",
            "PMOConfig:spec.thresholds.cpi.red",
            "PMOConfig:spec.thresholds.spi.amber",
            "PMOConfig:spec.thresholds.spi.red",
            "PMOConfig:spec.riskMatrix.escalationScore",
            "PMOConfig:spec.riskMatrix.ranks[].minScore",
            "PMOConfig:spec.scales.probability[].value",
            "PMOConfig:spec.scales.impact[].value",
        ),
        standard="Governance PMO — tolerances and escalation rules that work as the board agreed them",
        docs=RuleDocs(
            what="In `pmo.yaml`, the amber threshold of `thresholds.cpi` and of `thresholds.spi` is not below the "
            "red one (an index falls through amber before red), and neither `riskMatrix.escalationScore` nor any "
            "rank's `minScore` is above the highest score a risk can reach (the highest probability value times "
            "the highest impact value of the scales).",
            why="These settings are read silently by every status and risk check. Amber and red swapped make "
            "projects jump straight to red, or never show amber; an escalation score no risk can reach means no "
            "risk is ever escalated to the board, however likely and severe.",
            example=_BOUNDS_PMO.replace("riskMatrix: {escalationScore: 6}", "riskMatrix: {escalationScore: 12}")
            + "  thresholds:\n    cpi: {amber: 0.85, red: 0.95}\n",
            use_instead=_BOUNDS_PMO + "  thresholds:\n    cpi: {amber: 0.95, red: 0.85}\n",
        ),
    ),
    _config_bounds,
)

GOVERNANCE_RULES: tuple[FunctionRule, ...] = (
    APPROVAL_ROLE_NOT_HELD,
    GATE_DECIDER_UNAUTHORISED,
    ROLE_UNKNOWN,
    CONFIG_BOUNDS,
)
