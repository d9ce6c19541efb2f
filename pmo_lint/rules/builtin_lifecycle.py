"""Governance rules of a project's own plan of the lifecycle (tailoring) and of the documents its gates need."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from pmo_lint.diagnostics import Severity
from pmo_lint.rules.base import Finding, FunctionRule, RuleContext, RuleDocs, RuleMeta

if TYPE_CHECKING:
    from pmo_lint.model.kinds import Project

PACK = "governance"
ENV = "apiVersion: pmo-lint/v1\n"
# the documents a gate can require, by the key under spec.documents
DOCUMENT_WORDS = {
    "charter": "charter",
    "businessCase": "business case",
    "closureReport": "closure report",
    "lessonsLearned": "lessons-learned report",
}


def _tailoring(ctx: RuleContext) -> Iterator[Finding]:
    from pmo_lint.model.kinds import Project

    pmo = ctx.catalog.config
    if pmo is None:
        return
    phases = {ph.id: ph for ph in pmo.spec.lifecycle.phases}
    for project, item in ctx.catalog.typed(Project):
        life = project.spec.lifecycle
        plan = life.tailoring
        name = project.metadata.name
        here = phases.get(life.phase)
        if plan is None:
            if here is not None and (life.pass_ or 1) > 1:
                yield Finding(
                    f"project {name} is in pass {life.pass_} of phase {life.phase} but has no plan saying how many "
                    "passes it makes; record them in spec.lifecycle.tailoring.passes with the decision approving it",
                    item,
                    ("spec", "lifecycle", "pass"),
                )
            continue
        at = ("spec", "lifecycle", "tailoring")
        for i, skipped in enumerate(plan.skip):
            phase = phases.get(skipped)
            if phase is None:
                yield Finding(
                    f"the plan of project {name} skips phase {skipped}, which the lifecycle in pmo.yaml does not "
                    f"have; use one of {', '.join(phases)}",
                    item,
                    (*at, "skip", i),
                )
            elif not phase.optional:
                yield Finding(
                    f"the plan of project {name} skips phase {skipped}, which every project must pass through "
                    "(it is not `optional` in pmo.yaml); keep the phase, or ask the PMO to make it optional",
                    item,
                    (*at, "skip", i),
                )
            elif skipped == life.phase:
                yield Finding(
                    f"project {name} is in phase {skipped}, which its own plan skips; move it to a planned phase "
                    "or change the plan with a decision",
                    item,
                    ("spec", "lifecycle", "phase"),
                )
        for phase_id, count in plan.passes.items():
            phase = phases.get(phase_id)
            if phase is None or not phase.repeatable:
                what = "does not have" if phase is None else "does not let a project repeat"
                yield Finding(
                    f"the plan of project {name} makes {count} passes through phase {phase_id}, which the lifecycle "
                    f"in pmo.yaml {what}; plan passes only for `repeatable` phases",
                    item,
                    (*at, "passes", phase_id),
                )
        planned = plan.passes.get(life.phase, 1) if here is not None and here.repeatable else 1
        if (life.pass_ or 1) > planned:
            yield Finding(
                f"project {name} is in pass {life.pass_} of phase {life.phase}, but its plan has {planned}; change the "
                "plan with a decision (a stage boundary or a change request) before starting another pass",
                item,
                ("spec", "lifecycle", "pass"),
            )
        ok, what = _decision(ctx, project, plan.approved_by)
        if not ok:
            yield Finding(
                f"the plan of project {name} says it was approved by {what}; tailoring the lifecycle needs an approved "
                "decision: record the gate decision or the change request that approved it",
                item,
                (*at, "approvedBy"),
            )


def _decision(ctx: RuleContext, project: Project, ref: str) -> tuple[bool, str]:
    """Whether ``ref`` (``gate:G2`` or ``changerequest:cr-004``) is an approved decision of ``project``; when it
    is not, the words that say why."""
    kind, _, name = ref.partition(":")
    if kind == "gate":
        ok = any(g.gate == name and g.decision == "approved" for g in project.spec.lifecycle.gates)
        return ok, f"gate {name} of this project, which has no approved decision"
    found = ctx.catalog.lookup(ref, kinds=("ChangeRequest",), namespace=project.metadata.name)
    ok = found is not None and found.entity.spec.approval.status == "approved"  # type: ignore[attr-defined]
    return ok, f"change request {name}, which {'is not approved' if found is not None else 'does not exist'}"


def _baselines(ctx: RuleContext) -> Iterator[Finding]:
    from pmo_lint.model.kinds import Project

    for project, item in ctx.catalog.typed(Project):
        s = project.spec
        for i, baseline in enumerate(s.baselines):
            ok, what = _decision(ctx, project, baseline.approved_by)
            if ok:
                continue
            active = (
                " (the active one: slips and earned value are measured against it)"
                if baseline.id == (s.active_baseline)
                else ""
            )
            yield Finding(
                f"baseline {baseline.id} of project {project.display}{active} says it was approved by {what}; "
                "record the approving gate decision or change request, or point activeBaseline back to the "
                "approved baseline",
                item,
                ("spec", "baselines", i, "approvedBy"),
            )


def _gate_documents(ctx: RuleContext) -> Iterator[Finding]:
    from pmo_lint.model.kinds import Project

    pmo = ctx.catalog.config
    if pmo is None:
        return
    needs = {g.id: g.required_documents for g in pmo.spec.lifecycle.gates}
    titles = {g.id: g.title for g in pmo.spec.lifecycle.gates}
    for project, item in ctx.catalog.typed(Project):
        documents = _documents(project)
        for i, decision in enumerate(project.spec.lifecycle.gates):
            if decision.decision != "approved":
                continue
            for key in needs.get(decision.gate, ()):
                path = documents.get(key)
                word = DOCUMENT_WORDS.get(key, key)
                where = ("spec", "lifecycle", "gates", i)
                gate = f"gate {decision.gate} ({titles[decision.gate]})"
                if not path:
                    yield Finding(
                        f"{gate} needs the {word}, but the project names none; set spec.documents.{key} to its path "
                        "and cite it in the decision's evidence",
                        item,
                        where,
                    )
                elif path not in decision.evidence:
                    yield Finding(
                        f"{gate} needs the {word}, but the decision does not cite {path} as evidence; add it to the "
                        "decision's evidence",
                        item,
                        (*where, "evidence") if decision.evidence else where,
                    )


def _documents(project: Project) -> dict[str, str]:
    data = project.spec.documents.model_dump(by_alias=True)
    return {k: v for k, v in data.items() if isinstance(v, str) and v}


_PMO = (
    ENV + "kind: PMOConfig\nmetadata: {name: pmo}\nspec:\n  organization: Example Corp\n"
    "  pmoTypes: [governance]\n  currency: EUR\n  projectTypes: [it-delivery]\n"
)
_PROJECT = (
    ENV + "kind: Project\nmetadata: {name: demo}\nspec:\n  type: it-delivery\n  category: strategic\n"
    "  lifecycle:\n    phase: closing\n"
)
# the lifecycle both examples run under: PRINCE2 delivery stages, the third one optional
_PRINCE2 = (
    "---\n" + _PMO + "  lifecycle:\n    phases:\n"
    "      - {id: starting-up, stage: initiation, startGate: DP0}\n"
    "      - {id: initiation, stage: planning, startGate: DP1}\n"
    "      - {id: stage-2, stage: execution, startGate: DP2}\n"
    "      - {id: stage-3, stage: execution, startGate: SB2, optional: true}\n"
    "      - {id: closing, stage: closing}\n    gates:\n"
    "      - {id: DP0, title: Start-up authorised}\n      - {id: DP1, title: Authorise initiation}\n"
    "      - {id: DP2, title: Authorise the project}\n      - {id: SB2, title: Stage boundary}\n"
    "  scales:\n    probability: [{id: low, value: 1}, {id: high, value: 3}]\n"
    "    impact: [{id: low, value: 1}, {id: high, value: 3}]\n  riskMatrix: {escalationScore: 6}\n"
)

TAILORING = FunctionRule(
    RuleMeta(
        id="lifecycle-tailoring-invalid",
        code="GOV019",
        title="A project's own plan of the lifecycle is one the lifecycle allows, approved by a decision",
        severity=Severity.ERROR,
        pack=PACK,
        kinds=("Project", "PMOConfig", "ChangeRequest"),
        standard="Governance PMO — tailoring the method to the project, approved and recorded (PRINCE2 principle)",
        docs=RuleDocs(
            what="`spec.lifecycle.tailoring` of a project skips only phases that `pmo.yaml` marks `optional`, plans "
            "`passes` only through `repeatable` phases, and names in `approvedBy` an approved gate decision of the "
            "project (`gate:DP1`) or an approved change request. The project is not in a phase its plan skips, and "
            "not in a later pass of a repeatable phase than its plan has.",
            why="Tailoring is how one lifecycle fits a two-stage project and a five-stage one, but it is a decision: "
            "an unapproved plan, or one that drops a mandatory phase, is a way round the gates.",
            example=_PROJECT
            + "    tailoring: {skip: [stage-3], approvedBy: 'gate:DP1'}\n"
            + "    gates:\n      - {gate: DP1, decision: deferred, decidedBy: person:pat-director, date: 2025-02-03}\n"
            + _PRINCE2,
            use_instead=_PROJECT
            + "    tailoring: {skip: [stage-3], approvedBy: 'gate:DP1'}\n"
            + "    gates:\n      - {gate: DP1, decision: approved, decidedBy: person:pat-director, date: 2025-02-03}\n"
            + _PRINCE2,
        ),
    ),
    _tailoring,
)
GATE_DOCUMENTS = FunctionRule(
    RuleMeta(
        id="gate-document-missing",
        code="GOV020",
        title="An approved gate rests on the documents the gate requires",
        severity=Severity.ERROR,
        pack=PACK,
        kinds=("Project", "PMOConfig"),
        standard="Governance PMO — gate decisions rest on the required management products",
        docs=RuleDocs(
            what="For each `approved` gate decision, every document the gate lists in `requiredDocuments` in "
            "`pmo.yaml` is set under `spec.documents` and cited in the decision's `evidence`. GOV004 checks that "
            "the file exists, GOV016 that all evidence does.",
            why="A gate approves a document: a business case nobody can find, or a decision that does not say which "
            "version it approved, is not an audit trail.",
            example=ENV + "kind: Project\nmetadata: {name: crm-migration}\nspec:\n  type: it-delivery\n"
            "  category: strategic\n  lifecycle:\n    phase: planning\n    gates:\n"
            "      - {gate: G1, decision: approved, decidedBy: person:pat-director, date: 2025-02-03}\n"
            "  documents: {charter: projects/crm-migration/docs/charter.md}\n",
            use_instead=ENV + "kind: Project\nmetadata: {name: crm-migration}\nspec:\n  type: it-delivery\n"
            "  category: strategic\n  lifecycle:\n    phase: planning\n    gates:\n"
            "      - gate: G1\n        decision: approved\n        decidedBy: person:pat-director\n"
            "        date: 2025-02-03\n        evidence:\n          - projects/crm-migration/docs/charter.md\n"
            "          - projects/crm-migration/docs/business-case.md\n"
            "  documents:\n    charter: projects/crm-migration/docs/charter.md\n"
            "    businessCase: projects/crm-migration/docs/business-case.md\n",
        ),
    ),
    _gate_documents,
)

_BASELINE_PROJECT = (
    ENV + "kind: Project\nmetadata: {name: crm-migration}\nspec:\n  type: it-delivery\n  category: strategic\n"
    "  lifecycle:\n    phase: executing\n    gates:\n"
    "      - {gate: G2, decision: approved, decidedBy: person:pat-director, date: 2025-02-03}\n"
    "  baselines:\n"
    "    - {id: B1, date: 2025-02-03, approvedBy: 'gate:G2', schedule: {start: 2025-02-10, finish: 2025-11-28}, "
    "budget: {bac: 500000}}\n"
)
BASELINE_APPROVED = FunctionRule(
    RuleMeta(
        id="baseline-not-approved",
        code="GOV021",
        title="Every baseline was approved by a recorded decision",
        severity=Severity.ERROR,
        pack=PACK,
        kinds=("Project", "ChangeRequest"),
        standard="Governance PMO — the baseline in force is a recorded, approved baseline",
        docs=RuleDocs(
            what="Each entry of `spec.baselines` names in `approvedBy` a gate of the project with an `approved` "
            "decision in `spec.lifecycle.gates` (`gate:G2`), or a change request of the project whose approval is "
            "`approved` (`changerequest:cr-004`).",
            why="Slips, variances and earned value are measured against the active baseline. A baseline that "
            "names a decision nobody recorded — a change request that does not exist, or one still waiting — "
            "resets those measures without approval, and every check against it reports the project on plan.",
            example=_BASELINE_PROJECT
            + "    - {id: B2, date: 2025-06-02, approvedBy: 'changerequest:cr-999', schedule: {start: 2025-02-10, "
            "finish: 2026-03-27}, budget: {bac: 500000}}\n  activeBaseline: B2\n",
            use_instead=_BASELINE_PROJECT + "  activeBaseline: B1\n",
        ),
    ),
    _baselines,
)

LIFECYCLE_RULES: tuple[FunctionRule, ...] = (TAILORING, GATE_DOCUMENTS, BASELINE_APPROVED)
