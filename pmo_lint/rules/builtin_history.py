"""Change-control rules: the PMO's powers enforced from the repository's own history.

They compare the portfolio at the base of a change (a pull request, or a commit's parent in
``pmo-lint history``) with the portfolio at its head. The engine hands them a :class:`ChangeSet` in
``RuleContext.extra["history"]``; without one (a plain ``pmo-lint check``) they report nothing.
All I/O happened before: these functions only compare two catalogs and a few commit records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pmo_lint.diagnostics import DataPath, Severity
from pmo_lint.rules.base import Finding, FunctionRule, RuleContext, RuleDocs, RuleMeta

if TYPE_CHECKING:
    from pmo_lint.model.catalog import Catalog, LoadedEntity
    from pmo_lint.model.kinds import ApprovalRule, Baseline, ChangeRequest, Person, PMOConfig, Project

HISTORY_KEY = "history"
PACK = "governance"


@dataclass(frozen=True)
class FileVersion:
    """One committed state of a file inside the change: who committed it and what it held."""

    commit: str
    email: str
    data: Mapping[str, Any] | None  # None when the file did not parse at that commit


@dataclass(frozen=True)
class ChangeSet:
    """What changed between base and head, for the rules of this module."""

    base: Catalog
    changed: frozenset[str]  # portfolio files (relative to the root) added, modified or deleted
    require_approver_commits: bool = False
    versions: Mapping[str, Sequence[FileVersion]] = field(default_factory=dict)  # path -> oldest first


def _changes(ctx: RuleContext) -> ChangeSet | None:
    cs = ctx.extra.get(HISTORY_KEY)
    return cs if isinstance(cs, ChangeSet) else None


def _base_item(cs: ChangeSet, item: LoadedEntity) -> LoadedEntity | None:
    md = item.entity.metadata
    ref = f"{md.namespace}/{md.name}" if md.namespace else md.name
    return cs.base.lookup(ref, kinds=(item.kind,))


_ENV = "apiVersion: pmo-lint/v1\n"
_CR_HEAD = _ENV + "kind: ChangeRequest\nmetadata:\n  name: cr-007\n  namespace: crm\nspec:\n"


# -- GOV040 baseline changed without an approved change request -------------------------------------
def _active(project: Project) -> tuple[int, Baseline] | None:
    for i, b in enumerate(project.spec.baselines):
        if b.id == project.spec.active_baseline:
            return i, b
    return None


def _approved_crs(ctx: RuleContext, cs: ChangeSet, project: str) -> list[ChangeRequest]:
    out = []
    for item in ctx.catalog.project_records(project, "ChangeRequest"):
        cr: ChangeRequest = item.entity  # type: ignore[assignment]
        if item.path in cs.changed and cr.spec.approval.status == "approved":
            out.append(cr)
    return out


def _fmt_amount(value: float) -> str:
    return f"{value:+,.0f}" if value == int(value) else f"{value:+,.2f}"


def _baseline_change(ctx: RuleContext) -> Iterator[Finding]:
    from pmo_lint.model.kinds import Project

    cs = _changes(ctx)
    if cs is None:
        return
    for project, item in ctx.catalog.typed(Project):
        old_item = _base_item(cs, item)
        if old_item is None:
            continue
        old_active, new_active = _active(old_item.entity), _active(project)  # type: ignore[arg-type]
        if old_active is None or new_active is None:
            continue
        (_, old), (idx, new) = old_active, new_active
        at: DataPath = ("spec", "baselines", idx)
        crs = _approved_crs(ctx, cs, project.metadata.name)
        label = f"project {project.metadata.name!r} baseline {new.id!r}"
        if not crs:
            fix = f"add an approved change request under projects/{project.metadata.name}/changes/ saying so, or revert"
            given = "without an approved change request in this change"
        else:
            fix = "make the delta of the approved change requests match, or revert"
            given = "but the approved change requests of this change give"
        budget = new.budget.bac - old.budget.bac
        given_budget = sum(cr.spec.delta.budget or 0.0 for cr in crs)
        if abs(budget) > 0.005 and abs(budget - given_budget) > 0.005:
            yield Finding(
                f"{label}: budget.bac changed from {old.budget.bac:,.0f} to {new.budget.bac:,.0f} "
                f"({_fmt_amount(budget)}) {given}{f' delta.budget {_fmt_amount(given_budget)}' if crs else ''}; {fix}",
                item,
                (*at, "budget", "bac"),
            )
        slip = (new.schedule.finish - old.schedule.finish).days
        given_slip = sum(cr.spec.delta.finish_days or 0 for cr in crs)
        if slip and slip != given_slip:
            yield Finding(
                f"{label}: schedule.finish moved from {old.schedule.finish} to {new.schedule.finish} ({slip:+d} days) "
                f"{given}{f' delta.finishDays {given_slip:+d}' if crs else ''}; {fix}",
                item,
                (*at, "schedule", "finish"),
            )
        if new.schedule.start != old.schedule.start and not any("schedule" in cr.spec.category for cr in crs):
            yield Finding(
                f"{label}: schedule.start moved from {old.schedule.start} to {new.schedule.start} "
                f"without an approved schedule change request; {fix}",
                item,
                (*at, "schedule", "start"),
            )
        given_ms: dict[str, dt.date] = {}
        for cr in crs:
            given_ms.update(cr.spec.delta.milestones)
        for key in sorted(old.schedule.milestones.keys() | new.schedule.milestones.keys()):
            before, after = old.schedule.milestones.get(key), new.schedule.milestones.get(key)
            if before != after and (after is None or given_ms.get(key) != after):
                yield Finding(
                    f"{label}: key milestone {key!r} changed from {before or 'none'} to {after or 'none'} "
                    f"without an approved change request whose delta.milestones says "
                    f"{key}: {after or 'removed'}; {fix}",
                    item,
                    (*at, "schedule", "milestones", key) if after is not None else (*at, "schedule", "milestones"),
                )
        added = set(new.deliverables) - set(old.deliverables)
        removed = set(old.deliverables) - set(new.deliverables)
        given_added = {d for cr in crs for d in cr.spec.delta.deliverables_added}
        given_removed = {d for cr in crs for d in cr.spec.delta.deliverables_removed}
        if (added or removed) and (added != given_added or removed != given_removed):
            what = ", ".join([*(f"+{d}" for d in sorted(added)), *(f"-{d}" for d in sorted(removed))])
            yield Finding(
                f"{label}: deliverables changed ({what}) without an approved change request whose "
                f"delta.deliverablesAdded/deliverablesRemoved match; {fix}",
                item,
                (*at, "deliverables"),
            )


BASELINE_CHANGE = FunctionRule(
    RuleMeta(
        id="baseline-change-without-approved-cr",
        code="GOV040",
        title="Approved baselines change only through an approved change request",
        severity=Severity.ERROR,
        pack=PACK,
        kinds=("Project", "ChangeRequest"),
        standard="Change control: baseline changes need an approved change request",
        docs=RuleDocs(
            what="Compares the project's active baseline at the base of the change (the pull request's merge base, "
            "or the parent commit in `pmo-lint history`) with the one at the head. When its budget (`budget.bac`), "
            "schedule (`schedule.start`, `schedule.finish`, key `schedule.milestones`) or scope (`deliverables`) "
            "changed, a change request of the same project must be changed in the same change, have "
            "`approval.status: approved`, and its `delta` must match: `delta.budget` is the BAC difference, "
            "`delta.finishDays` the finish slip in days, `delta.milestones` the new milestone dates, "
            "`delta.deliverablesAdded`/`deliverablesRemoved` the scope change (several change requests add up). "
            "Runs only in PR mode (`check --base`) and in `history`.",
            why="The baseline is what the sponsor approved; moving it quietly hides overruns and slips from every "
            "variance report. Change control is the PMO's core power, and Git already knows what changed.",
            example="# base: baselines[b1].budget.bac 500000; head, with no change request in the change:\n"
            + _ENV
            + "kind: Project\nmetadata: {name: crm}\nspec:\n  activeBaseline: b1\n  baselines:\n"
            "    - id: b1\n      date: 2025-01-10\n      approvedBy: gate:G2\n"
            "      schedule: {start: 2025-02-01, finish: 2025-12-19}\n      budget: {bac: 620000}\n",
            use_instead="# the same change adds an approved change request whose delta matches:\n"
            + _CR_HEAD
            + "  category: [cost]\n  priority: high\n  requestedBy: person:pm\n  requestedDate: 2025-05-02\n"
            "  businessJustification: Vendor price increase.\n  impact: +120k.\n  delta: {budget: 120000}\n"
            "  state: decided\n  approval:\n    status: approved\n    approvals:\n"
            "      - {by: person:pat-director, role: pmo-director, date: 2025-05-09, decision: approved}\n",
        ),
    ),
    _baseline_change,
)


# -- GOV041 phase advanced without its gate ---------------------------------------------------------
def _phase_advance(ctx: RuleContext) -> Iterator[Finding]:
    from pmo_lint.model.kinds import Project

    cs = _changes(ctx)
    pmo = ctx.catalog.config
    if cs is None or pmo is None:
        return
    phases = pmo.spec.lifecycle.phases
    order = {p.id: i for i, p in enumerate(phases)}
    for project, item in ctx.catalog.typed(Project):
        old_item = _base_item(cs, item)
        if old_item is None:
            continue
        old_phase = old_item.entity.spec.lifecycle.phase  # type: ignore[attr-defined]
        new_phase = project.spec.lifecycle.phase
        if old_phase not in order or new_phase not in order or order[new_phase] <= order[old_phase]:
            continue
        approved = {g.gate for g in project.spec.lifecycle.gates if g.decision == "approved"}
        entered = phases[order[old_phase] + 1 : order[new_phase] + 1]
        missing = [
            f"{p.start_gate} (start of {p.id})" for p in entered if p.start_gate and p.start_gate not in approved
        ]
        if missing:
            yield Finding(
                f"project {project.metadata.name!r} moved from phase {old_phase!r} to {new_phase!r} without an "
                f"approved decision for gate {', '.join(missing)}; record it under spec.lifecycle.gates or revert "
                "the phase",
                item,
                ("spec", "lifecycle", "phase"),
            )


PHASE_ADVANCE = FunctionRule(
    RuleMeta(
        id="phase-advanced-without-gate",
        code="GOV041",
        title="A project enters a phase only through its approved gate",
        severity=Severity.ERROR,
        pack=PACK,
        kinds=("Project", "PMOConfig"),
        standard="Stage gates: phase transitions need the gate decision",
        docs=RuleDocs(
            what="When a project's `spec.lifecycle.phase` moves forward between the base and the head of a change, "
            "every phase it enters (including phases it skips) whose `startGate` is set in `pmo.yaml` needs an "
            "`approved` decision for that gate in `spec.lifecycle.gates`. Runs only in PR mode and in `history`.",
            why="Gates are where the PMO and the sponsors decide whether a project may spend the next tranche; "
            "editing the phase directly skips that decision.",
            example="# base: phase initiation; pmo.yaml: planning has startGate G1, execution has startGate G2\n"
            + _ENV
            + "kind: Project\nmetadata: {name: crm}\nspec:\n  lifecycle:\n    phase: execution\n"
            "    gates:\n      - {gate: G1, decision: approved, decidedBy: person:pat-director, date: 2025-02-01}\n",
            use_instead=_ENV + "kind: Project\nmetadata: {name: crm}\nspec:\n  lifecycle:\n    phase: execution\n"
            "    gates:\n      - {gate: G1, decision: approved, decidedBy: person:pat-director, date: 2025-02-01}\n"
            "      - {gate: G2, decision: approved, decidedBy: person:pat-director, date: 2025-04-01}\n",
        ),
    ),
    _phase_advance,
)


# -- GOV042 status reports are append-only ----------------------------------------------------------
def first_difference(a: Any, b: Any, path: DataPath = ()) -> DataPath | None:
    """The data path of the first place where two parsed documents differ (None when equal)."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in list(a) + [k for k in b if k not in a]:
            if key not in a or key not in b:
                return (*path, key) if key in b else path
            found = first_difference(a[key], b[key], (*path, key))
            if found is not None:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list):
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            found = first_difference(x, y, (*path, i))
            if found is not None:
                return found
        return None if len(a) == len(b) else path
    return None if a == b and type(a) is type(b) else path


def _status_rewrite(ctx: RuleContext) -> Iterator[Finding]:
    cs = _changes(ctx)
    if cs is None:
        return
    for old in cs.base.of_kind("StatusReport"):
        md = old.entity.metadata
        new = ctx.catalog.lookup(f"{md.namespace}/{md.name}", kinds=("StatusReport",))
        label = f"status report {md.name!r} of project {md.namespace!r}"
        if new is None:
            yield Finding(
                f"{label} was deleted; status reports are append-only: restore {old.path} and add a new report instead",
                old,
                path=old.path,
                line=1,
                col=1,
            )
            continue
        where = first_difference(old.data, new.data)
        if where is not None:
            yield Finding(
                f"{label} was rewritten after it was committed; status reports are append-only: revert the edit and "
                "add a new report with the correction",
                new,
                where if where else ("spec",),
            )


STATUS_REWRITE = FunctionRule(
    RuleMeta(
        id="status-report-rewritten",
        code="GOV042",
        title="Committed status reports are not rewritten or deleted",
        severity=Severity.ERROR,
        pack=PACK,
        kinds=("StatusReport",),
        standard="Reporting integrity: status history is append-only",
        docs=RuleDocs(
            what="A status report that exists at the base of the change keeps the same content at the head "
            "(compared as data, so comments and formatting may change) and is not deleted. A report moved "
            "to another file with the same content is fine. Runs only in PR mode and in `history`.",
            why="Status reports are the record of what the steering committee was told and when; rewriting a "
            "red report green after the fact destroys the audit trail.",
            example="# base: projects/crm/status/2025-05-02.yaml says health.overall.rag: red; head says:\n"
            + _ENV
            + "kind: StatusReport\nmetadata: {name: 2025-05-02, namespace: crm}\nspec:\n  reportDate: 2025-05-02\n"
            "  health:\n    overall: {rag: green}\n",
            use_instead="# keep 2025-05-02.yaml as it was and add projects/crm/status/2025-05-09.yaml:\n"
            + _ENV
            + "kind: StatusReport\nmetadata: {name: 2025-05-09, namespace: crm}\nspec:\n  reportDate: 2025-05-09\n"
            "  health:\n    overall: {rag: green}\n",
        ),
    ),
    _status_rewrite,
)


# -- GOV043/GOV044 approvals need the power to approve ----------------------------------------------
@dataclass(frozen=True)
class GivenApproval:
    key: tuple[str, ...]  # identity of the approval inside its file
    approver: str  # a Person reference
    path: DataPath  # where the approver is named
    what: str  # for messages
    gate: str = ""  # for gate decisions
    role: str = ""  # the role an approval entry claims


def approvals_in(kind: str, data: Mapping[str, Any] | None) -> list[GivenApproval]:
    """Approvals recorded in an entity's raw data (also at past commits, so raw and defensive)."""
    spec = data.get("spec") if isinstance(data, Mapping) else None
    if not isinstance(spec, Mapping):
        return []
    out: list[GivenApproval] = []
    if kind == "Project":
        lifecycle = spec.get("lifecycle")
        gates = lifecycle.get("gates") if isinstance(lifecycle, Mapping) else None
        for i, g in enumerate(gates if isinstance(gates, list) else []):
            if isinstance(g, Mapping) and g.get("decision") == "approved" and isinstance(g.get("decidedBy"), str):
                key = ("gate", str(g.get("gate")), g["decidedBy"], str(g.get("date")))
                path: DataPath = ("spec", "lifecycle", "gates", i, "decidedBy")
                out.append(GivenApproval(key, g["decidedBy"], path, f"gate {g.get('gate')}", gate=str(g.get("gate"))))
    elif kind == "ChangeRequest":
        approval = spec.get("approval")
        entries = approval.get("approvals") if isinstance(approval, Mapping) else None
        for i, a in enumerate(entries if isinstance(entries, list) else []):
            if isinstance(a, Mapping) and a.get("decision") == "approved" and isinstance(a.get("by"), str):
                key = ("cr", a["by"], str(a.get("role")), str(a.get("date")))
                out.append(
                    GivenApproval(
                        key,
                        a["by"],
                        ("spec", "approval", "approvals", i, "by"),
                        "the change request",
                        role=str(a.get("role")),
                    )
                )
    elif kind == "Waiver" and isinstance(spec.get("approvedBy"), str):
        out.append(
            GivenApproval(("waiver", spec["approvedBy"]), spec["approvedBy"], ("spec", "approvedBy"), "the waiver")
        )
    return out


def _matrix_rows(pmo: PMOConfig, ctx: RuleContext, item: LoadedEntity, given: GivenApproval) -> list[tuple[str, ...]]:
    """Approver roles each applicable row of the approval matrix asks for (every row must be met)."""
    rows: list[ApprovalRule] = []
    for row in pmo.spec.approval_matrix:
        w = row.when
        if item.kind == "Project":
            if (w.category == "gate" and w.gate in (None, given.gate)) or (w.category is None and w.gate == given.gate):
                rows.append(row)
        elif item.kind == "Waiver":
            if w.category == "waiver":
                rows.append(row)
        elif item.kind == "ChangeRequest" and w.gate is None and _cr_row_applies(ctx, item, row):
            rows.append(row)
    out: list[tuple[str, ...]] = [tuple(r.approver_roles) for r in rows]
    if item.kind == "Project":
        out += [tuple(g.approver_roles) for g in pmo.spec.lifecycle.gates if g.id == given.gate and g.approver_roles]
    return out


def _cr_row_applies(ctx: RuleContext, item: LoadedEntity, row: ApprovalRule) -> bool:
    cr: ChangeRequest = item.entity  # type: ignore[assignment]
    w, delta = row.when, cr.spec.delta
    if w.category is not None and w.category not in cr.spec.category:
        return False
    if w.budget_delta_pct_over is not None:
        project = ctx.catalog.lookup(cr.metadata.namespace or "", kinds=("Project",))
        budget = project.entity.spec.budget if project is not None else None  # type: ignore[attr-defined]
        if delta.budget is None or budget is None or not budget.bac:
            return False
        if abs(delta.budget) / budget.bac * 100 <= w.budget_delta_pct_over:
            return False
    return w.finish_slip_days_over is None or (delta.finish_days or 0) > w.finish_slip_days_over


def _approver(cs: ChangeSet, ctx: RuleContext, ref: str) -> Person | None:
    # the roles as they were before this change: a change cannot grant itself the power it uses
    for catalog in (cs.base, ctx.catalog):
        found = catalog.lookup(ref, kinds=("Person",))
        if found is not None:
            return found.entity  # type: ignore[return-value]
    return None


def _new_approvals(ctx: RuleContext, cs: ChangeSet) -> Iterator[tuple[LoadedEntity, GivenApproval, Person]]:
    for kind in ("Project", "ChangeRequest", "Waiver"):
        for item in ctx.catalog.of_kind(kind):
            old = _base_item(cs, item)
            before = {a.key for a in approvals_in(kind, old.data if old is not None else None)}
            for given in approvals_in(kind, item.data):
                person = _approver(cs, ctx, given.approver)
                if given.key not in before and person is not None:
                    yield item, given, person


def _approval_power(ctx: RuleContext) -> Iterator[Finding]:
    cs = _changes(ctx)
    pmo = ctx.catalog.config
    if cs is None or pmo is None:
        return
    for item, given, person in _new_approvals(ctx, cs):
        roles = set(person.spec.roles)
        who = f"{person.metadata.name} ({', '.join(sorted(roles))})"
        if given.role and given.role not in roles:
            yield Finding(
                f"{given.what} is approved by {who} as {given.role!r}, a role they do not hold; fix the role or have "
                "someone who holds it approve",
                item,
                given.path,
            )
            continue
        for needed in _matrix_rows(pmo, ctx, item, given):
            if not roles & set(needed):
                yield Finding(
                    f"{given.what} is approved by {who}, but the approval matrix requires one of: "
                    f"{', '.join(needed)}; have such a person approve it",
                    item,
                    given.path,
                )
                break


APPROVAL_POWER = FunctionRule(
    RuleMeta(
        id="approval-without-authority",
        code="GOV043",
        title="Approvals come from people whose role holds that power",
        severity=Severity.ERROR,
        pack=PACK,
        kinds=("Project", "ChangeRequest", "Waiver", "Person", "PMOConfig"),
        standard="Approval matrix: decisions by the roles that hold the power",
        docs=RuleDocs(
            what="Each approval added in the change (an `approved` gate decision's `decidedBy`, an `approved` entry "
            "in a change request's `approval.approvals`, a waiver's `approvedBy`) names a person whose `roles` "
            "meet every applicable row of `approvalMatrix` in `pmo.yaml` (rows match by `category`, `gate`, "
            "`budgetDeltaPctOver` of the project's BAC and `finishSlipDaysOver`) and, for a gate, the gate's own "
            "`approverRoles`. A change request entry's `role` must be one the person holds. Roles are read as "
            "they were at the base, so a change cannot grant itself the power it uses. Runs only in PR mode and in "
            "`history`.",
            why="An approval is only worth the authority behind it: a coordinator signing off a 20 % budget increase "
            "that the matrix reserves to the PMO director is no approval at all.",
            example="# pmo.yaml approvalMatrix: [{when: {category: cost, budgetDeltaPctOver: 10}, "
            "approverRoles: [pmo-director]}]\n"
            + _CR_HEAD
            + "  category: [cost]\n  delta: {budget: 120000}\n  approval:\n    status: approved\n    approvals:\n"
            "      - {by: person:casey-coordinator, role: project-coordinator, date: 2025-05-09, decision: approved}\n",
            use_instead=_CR_HEAD + "  category: [cost]\n  delta: {budget: 120000}\n  approval:\n    status: approved\n"
            "    approvals:\n"
            "      - {by: person:pat-director, role: pmo-director, date: 2025-05-09, decision: approved}\n",
        ),
    ),
    _approval_power,
)


def _approver_commit(ctx: RuleContext) -> Iterator[Finding]:
    cs = _changes(ctx)
    if cs is None or not cs.require_approver_commits:
        return
    for item, given, person in _new_approvals(ctx, cs):
        recorded = next(
            (
                v
                for v in cs.versions.get(item.path, ())
                if given.key in {a.key for a in approvals_in(item.kind, v.data)}
            ),
            None,
        )
        if recorded is None:
            continue  # not committed yet (a working-tree edit): nothing to attribute
        emails = {e.lower() for e in person.spec.profile.git_emails}
        if recorded.email.lower() not in emails:
            have = (
                f"their profile.gitEmails ({', '.join(sorted(emails))})" if emails else "profile.gitEmails (none set)"
            )
            yield Finding(
                f"{given.what} is approved by {person.metadata.name} but commit {recorded.commit[:12]} recording it "
                f"was authored by {recorded.email}, not one of {have}; the approver must commit their approval",
                item,
                given.path,
            )


APPROVER_COMMIT = FunctionRule(
    RuleMeta(
        id="approval-not-committed-by-approver",
        code="GOV044",
        title="The commit recording an approval is authored by the approver",
        severity=Severity.ERROR,
        pack=PACK,
        kinds=("Project", "ChangeRequest", "Waiver", "Person"),
        standard="Approval matrix: non-repudiation of approvals",
        docs=RuleDocs(
            what="With `git: {require-approver-commits: true}` in `.pmo-lint.yaml`, the first commit of the change "
            "that contains a new approval (gate decision, change request approval, waiver) must be authored with "
            "one of the approver's `profile.gitEmails`. Off by default. Runs only in PR mode and in `history`.",
            why="Anyone can type a director's name into a file; the commit author shows who actually did. Together "
            "with protected branches and signed commits this makes approvals attributable.",
            example=_ENV + "kind: Person\nmetadata: {name: pat-director}\nspec:\n  profile:\n"
            "    displayName: Pat Director\n  roles: [pmo-director]\n"
            "# ...and the approval by person:pat-director was committed by jo.pm@example.org\n",
            use_instead=_ENV + "kind: Person\nmetadata: {name: pat-director}\nspec:\n  profile:\n"
            "    displayName: Pat Director\n    gitEmails: [pat@example.org]\n  roles: [pmo-director]\n"
            "# ...and Pat commits the approval as pat@example.org\n",
            options="`git.require-approver-commits` (default false) in `.pmo-lint.yaml`.",
        ),
    ),
    _approver_commit,
)

HISTORY_RULES: tuple[FunctionRule, ...] = (
    BASELINE_CHANGE,
    PHASE_ADVANCE,
    STATUS_REWRITE,
    APPROVAL_POWER,
    APPROVER_COMMIT,
)
