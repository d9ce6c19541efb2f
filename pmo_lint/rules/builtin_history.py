"""Change-control rules: the PMO's powers enforced from the repository's own history.

They compare the portfolio at the base of a change (a pull request, or a commit's parent in
``pmo-lint history``) with the portfolio at its head. The engine hands them a :class:`ChangeSet` in
``RuleContext.changes``; without one (a plain ``pmo-lint check``) they report nothing.
All I/O happened before: these functions only compare two catalogs and a few commit records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pmo_lint.diagnostics import DataPath, Severity
from pmo_lint.rules.base import ChangeSet, Finding, FunctionRule, RuleContext, RuleDocs, RuleMeta

if TYPE_CHECKING:
    from pmo_lint.facts.approval import Related, Row
    from pmo_lint.model.catalog import LoadedEntity
    from pmo_lint.model.kinds import Baseline, ChangeRequest, Person, PMOConfig, Project
    from pmo_lint.rules.wording import MessageStyle

PACK = "governance"


def _changes(ctx: RuleContext) -> ChangeSet | None:
    return ctx.changes


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


def _project_name(project: Project) -> str:
    """``CRM Migration (crm)``: the title a director knows, with the name the files use."""
    title = (project.metadata.title or "").strip()
    name = project.metadata.name
    return f"{title} ({name})" if title and title != name else name


# what a change request's approval covers: editing any of these after it was approved changes what was approved
_APPROVED_PARTS = ("category", "delta", "approval")


def _spec_part(data: Mapping[str, Any] | None, key: str) -> Any:
    spec = data.get("spec") if isinstance(data, Mapping) else None
    return spec.get(key) if isinstance(spec, Mapping) else None


@dataclass(frozen=True)
class _Requests:
    """The change requests of one project that authorise this change, and why others do not."""

    usable: list[ChangeRequest]
    notes: list[str]  # for the message: "cr-001 was approved before this change", "cr-002 is withdrawn"
    edited: list[tuple[LoadedEntity, list[str]]]  # approved at the base, then edited: the CR and what changed


def _change_requests(ctx: RuleContext, cs: ChangeSet, project: str, base_project: str) -> _Requests:
    """Change requests changed in this change that are approved, not withdrawn, and whose approval is new in
    this change: one approved before it already authorised an earlier change (or none) and cannot be used again."""
    usable: list[ChangeRequest] = []
    notes: list[str] = []
    edited: list[tuple[LoadedEntity, list[str]]] = []
    for item in ctx.catalog.project_records(project, "ChangeRequest"):
        cr: ChangeRequest = item.entity  # type: ignore[assignment]
        name = cr.metadata.name
        old = cs.base.lookup(f"{base_project}/{name}", kinds=("ChangeRequest",))
        was_approved = old is not None and old.entity.spec.approval.status == "approved"  # type: ignore[attr-defined]
        if was_approved and old is not None and old.data is not item.data:
            parts = [p for p in _APPROVED_PARTS if _spec_part(old.data, p) != _spec_part(item.data, p)]
            if parts:
                edited.append((item, parts))
        if item.path not in cs.changed or cr.spec.approval.status != "approved":
            continue
        if cr.spec.state == "withdrawn":
            notes.append(f"{name} is withdrawn")
        elif was_approved:
            notes.append(f"{name} was approved before this change")
        else:
            usable.append(cr)
    return _Requests(usable, notes, edited)


def _signed_money(value: float, currency: str) -> str:
    """``+40,000 USD``: a difference, signed, with separators and the currency."""
    from pmo_lint.rules.wording import format_money

    sign = "+" if value > 0 else "-" if value < 0 else ""
    return f"{sign}{format_money(abs(value), currency)}"


def _renamed_to(ctx: RuleContext, cs: ChangeSet, old: Project) -> tuple[Project, LoadedEntity] | None:
    """The project at the head that ``old`` became, when it was renamed in this change: a project new in the
    change that carries the old one's active baseline (same id and date)."""
    from pmo_lint.model.kinds import Project

    found = _active(old)
    if found is None:
        return None
    _, baseline = found
    for project, item in ctx.catalog.typed(Project):
        if cs.base.lookup(project.metadata.name, kinds=("Project",)) is not None:
            continue
        if any(b.id == baseline.id and b.date == baseline.date for b in project.spec.baselines):
            return project, item
    return None


def _pairs(ctx: RuleContext, cs: ChangeSet) -> Iterator[tuple[LoadedEntity, Project, LoadedEntity]]:
    """Each project at the head with what it was at the base (also under its old name, when renamed)."""
    from pmo_lint.model.kinds import Project

    for project, item in ctx.catalog.typed(Project):
        old_item = _base_item(cs, item)
        if old_item is not None:
            yield old_item, project, item
    for old, old_item in cs.base.typed(Project):
        if ctx.catalog.lookup(old.metadata.name, kinds=("Project",)) is None:
            renamed = _renamed_to(ctx, cs, old)
            if renamed is not None:
                yield old_item, renamed[0], renamed[1]


def _baseline_left(ctx: RuleContext) -> Iterator[Finding]:
    """A project with an approved baseline at the base that is gone at the head (deleted, or renamed beyond
    recognition): its baseline left change control."""
    from pmo_lint.model.kinds import Project

    cs = _changes(ctx)
    if cs is None:
        return
    for old, old_item in cs.base.typed(Project):
        found = _active(old)
        if found is None or ctx.catalog.lookup(old.metadata.name, kinds=("Project",)) is not None:
            continue
        if _renamed_to(ctx, cs, old) is not None:
            continue
        yield Finding(
            f"project {_project_name(old)} had the approved baseline {found[1].id!r} at the base of this change and "
            f"no longer exists under that name: its approved baseline left change control; restore {old_item.path} "
            "(a project is closed or cancelled through its lifecycle, not deleted), or keep its baselines when "
            "renaming it",
            old_item,
            path=old_item.path,
            line=1,
            col=1,
        )


def _baseline_change(ctx: RuleContext) -> Iterator[Finding]:
    from pmo_lint.rules.wording import format_money, style_of

    cs = _changes(ctx)
    if cs is None:
        return
    yield from _baseline_left(ctx)
    # amounts read in each project's own currency, else the PMO's (at the base for what was approved)
    base_style, style = style_of(cs.base), style_of(ctx.catalog)
    reported: set[str] = set()
    for old_item, project, item in _pairs(ctx, cs):
        old_project: Project = old_item.entity  # type: ignore[assignment]
        name = project.metadata.name
        requests = _change_requests(ctx, cs, name, old_project.metadata.name)
        for cr_item, parts in requests.edited:
            if cr_item.path in reported:
                continue
            reported.add(cr_item.path)
            what = f"{' and '.join(parts)} {'were' if len(parts) > 1 else 'was'}"
            yield Finding(
                f"change request {cr_item.entity.metadata.name!r} of project {_project_name(project)} was approved "
                f"before this change and its {what} edited after approval; revert the edit and raise a new change "
                "request",
                cr_item,
                ("spec", parts[0]),
            )
        old_active, new_active = _active(old_project), _active(project)
        if old_active is None or new_active is None:
            continue
        (_, old), (idx, new) = old_active, new_active
        at: DataPath = ("spec", "baselines", idx)
        crs = requests.usable
        renamed = old_project.metadata.name != name
        label = f"project {_project_name(project)}"
        if renamed:
            label = f"project {project.metadata.title or name} ({name}, renamed from {old_project.metadata.name})"
        label += f" baseline {new.id!r}"
        if not crs:
            fix = f"add an approved change request under projects/{name}/changes/ saying so, or revert"
            why = f" ({'; '.join(requests.notes)})" if requests.notes else ""
            given = f"without an approved change request in this change{why}"
        else:
            fix = "make the delta of the approved change requests match, or revert"
            given = "but the approved change requests of this change give"
        old_currency, currency = base_style.of(old_item.data).currency, style.of(item.data).currency
        if old_currency != currency:
            yield Finding(
                f"{label}: the project's currency changed from {old_currency} to {currency}, so its approved budget "
                f"of {format_money(old.budget.bac, old_currency)} now reads {format_money(new.budget.bac, currency)}; "
                "a currency change is a budget change to the "
                "approved baseline: revert it, or re-baseline the project through an approved change request",
                item,
                ("spec", "currency") if project.spec.currency is not None else (*at, "budget", "bac"),
            )
        budget = new.budget.bac - old.budget.bac
        given_budget = sum(cr.spec.delta.budget or 0.0 for cr in crs)
        if abs(budget) > 0.005 and abs(budget - given_budget) > 0.005:
            given_text = f" delta.budget {_signed_money(given_budget, currency)}" if crs else ""
            yield Finding(
                f"{label}: budget.bac changed from {format_money(old.budget.bac, old_currency)} to "
                f"{format_money(new.budget.bac, currency)} ({_signed_money(budget, currency)}) {given}{given_text}; "
                f"{fix}",
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
        standard="Governance PMO — change control: baseline changes need an approved change request",
        docs=RuleDocs(
            what="Compares the project's active baseline at the base of the change (the pull request's merge base, "
            "or the parent commit in `pmo-lint history`) with the one at the head. When its budget (`budget.bac`), "
            "schedule (`schedule.start`, `schedule.finish`, key `schedule.milestones`) or scope (`deliverables`) "
            "changed, a change request of the same project must be changed in the same change, have "
            "`approval.status: approved`, and its `delta` must match: `delta.budget` is the BAC difference, "
            "`delta.finishDays` the finish slip in days, `delta.milestones` the new milestone dates, "
            "`delta.deliverablesAdded`/`deliverablesRemoved` the scope change (several change requests add up). "
            "A request counts only when its approval is new in the change: one already approved at the base "
            "authorised an earlier change and is not used again, and a withdrawn one counts for nothing. Editing "
            "the `delta`, `category` or `approval` of a request approved at the base is reported too: raise a new "
            "request. Changing the project's `currency` changes what the baseline's budget is worth and is "
            "reported. A project renamed in the change (a new name carrying the same active baseline id and date) "
            "is compared with what it was; a project with an active baseline that is deleted (or renamed beyond "
            "recognition) is reported, since its approved baseline would leave change control. Amounts read in "
            "the project's currency. Runs only in PR mode (`check --base`) and in `history`.",
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
    from pmo_lint.facts.lifecycle import approved_gates, gates_entered

    cs = _changes(ctx)
    pmo = ctx.catalog.config
    if cs is None or pmo is None:
        return
    phases = pmo.spec.lifecycle.phases
    for old_item, project, item in _pairs(ctx, cs):  # a renamed project is compared with what it was
        before = old_item.entity.spec.lifecycle  # type: ignore[attr-defined]
        after = project.spec.lifecycle
        # the steps entered under the project's plan: optional phases it skips need no gate, each pass of a
        # repeatable phase needs its own
        entered = gates_entered(phases, before, after)
        if not entered:
            continue
        old_phase, new_phase = before.phase, after.phase
        approved = set(approved_gates(after))
        missing = [
            f"{step.gate} (start of {step.phase.id})" for step in entered if step.gate and step.gate not in approved
        ]
        if missing:
            yield Finding(
                f"project {_project_name(project)} moved from phase {old_phase!r} to {new_phase!r} without an "
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
        standard="Governance PMO — stage gates: phase transitions need the gate decision",
        docs=RuleDocs(
            what="When a project's `spec.lifecycle.phase` (or its `pass` through a repeatable phase) moves forward "
            "between the base and the head of a change, every phase it enters, including those it jumps over, "
            "whose `startGate` is set in `pmo.yaml` needs an `approved` decision for that gate in "
            "`spec.lifecycle.gates` (with `pass` for a second or later pass). Optional phases that the project's "
            "own plan (`spec.lifecycle.tailoring.skip`) leaves out need none. Runs only in PR mode and in "
            "`history`.",
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
        # a file whose blob did not change is the same parsed object at base and head: nothing to compare
        where = None if new.data is old.data else first_difference(old.data, new.data)
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
        standard="Tactical PMO — reporting integrity: status history is append-only",
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
    date: str = ""  # the date the approval carries (ISO), when it has one


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
                gate, date = str(g.get("gate")), g.get("date")
                out.append(
                    GivenApproval(
                        key, g["decidedBy"], path, f"gate {gate}", gate=gate, date="" if date is None else str(date)
                    )
                )
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
                        date="" if a.get("date") is None else str(a.get("date")),
                    )
                )
    elif kind == "Waiver" and isinstance(spec.get("approvedBy"), str):
        out.append(
            GivenApproval(
                ("waiver", spec["approvedBy"]),
                spec["approvedBy"],
                ("spec", "approvedBy"),
                "the waiver",
                date="" if spec.get("created") is None else str(spec.get("created")),
            )
        )
    return out


def _matrix_rows(pmo: PMOConfig, item: LoadedEntity, given: GivenApproval) -> list[Row]:
    """Who may meet each applicable row, for a gate decision or a waiver (one approver each)."""
    from pmo_lint.facts.approval import gate_rows, row_of

    if item.kind == "Project":
        return gate_rows(pmo.spec, given.gate)
    return [row_of(r) for r in pmo.spec.approval_matrix if item.kind == "Waiver" and r.when.category == "waiver"]


def _cr_matrix_rows(pmo: PMOConfig, ctx: RuleContext, item: LoadedEntity) -> list[Row]:
    """The rows that apply to a change request, read exactly as ``check`` reads them (GOV008)."""
    from pmo_lint.facts.approval import cr_rows

    cr: ChangeRequest = item.entity  # type: ignore[assignment]
    project = ctx.catalog.lookup(cr.metadata.namespace or "", kinds=("Project",))
    bac = ctx.all_facts().of(project).get("bac") if project is not None else None
    own = project.entity.spec.currency if project is not None else None  # type: ignore[attr-defined]
    return cr_rows(
        pmo.spec.approval_matrix,
        cr.spec,
        bac if isinstance(bac, (int, float)) else None,
        same_currency=own in (None, pmo.spec.currency),
    )


def _related(cs: ChangeSet, ctx: RuleContext, item: LoadedEntity) -> Related:
    """Who is related to the project the approval is about, as it was before this change (a change cannot
    make its approver the project's executive); a project new in the change is read as it is."""
    from pmo_lint.facts.approval import NOBODY, related_people

    if item.kind == "Project":
        name = item.entity.metadata.name
    elif item.kind == "ChangeRequest":
        name = item.entity.metadata.namespace or ""
    else:
        return NOBODY
    for catalog in (cs.base, ctx.catalog):
        found = catalog.lookup(name, kinds=("Project",)) if name else None
        if found is not None:
            return related_people(catalog, found.entity)  # type: ignore[arg-type]
    return NOBODY


def _approver(cs: ChangeSet, ctx: RuleContext, ref: str) -> Person | None:
    """The approver as they were before this change: a change cannot grant itself the power it uses, nor
    create the person who uses it. Only a change that founds the portfolio (no pmo.yaml at its base) reads
    its people as they are."""
    catalogs = (cs.base,) if cs.base.config is not None else (cs.base, ctx.catalog)
    for catalog in catalogs:
        found = catalog.lookup(ref, kinds=("Person",))
        if found is not None:
            return found.entity  # type: ignore[return-value]
    return None


def _left_before(person: Person, date: str) -> str | None:
    """How the person had left by ``date`` (``on 2025-02-15``, or ``""`` when the register gives no date), or
    None when they were still with the organisation then."""
    left = person.spec.left_date
    if left is not None and left.isoformat() <= date:
        return f" on {left.isoformat()}"
    if not person.spec.active and (left is None or not date or left.isoformat() <= date):
        return ""
    return None


def _new_approvals(ctx: RuleContext, cs: ChangeSet) -> Iterator[tuple[LoadedEntity, GivenApproval, Person | None]]:
    """Approvals added in this change, with the approver as at the base (None: a person new in the change)."""
    for kind in ("Project", "ChangeRequest", "Waiver"):
        for item in ctx.catalog.of_kind(kind):
            old = _base_item(cs, item)
            before = {a.key for a in approvals_in(kind, old.data if old is not None else None)}
            for given in approvals_in(kind, item.data):
                if given.key in before or ctx.catalog.lookup(given.approver, kinds=("Person",)) is None:
                    continue  # an unknown person is a broken reference, which check reports
                yield item, given, _approver(cs, ctx, given.approver)


def _unfit(
    cs: ChangeSet, ctx: RuleContext, given: GivenApproval, person: Person | None, style: MessageStyle
) -> str | None:
    """Why the approver could not approve at all in this change (not yet registered, or gone), else None."""
    who = style.person(given.approver)
    if person is None:
        return (
            f"{given.what} is approved by {who}, who is not in the people register at the base of this change; a "
            "person added in the same change holds no authority in it: register them in an earlier change, or have "
            "someone already registered approve"
        )
    now = ctx.catalog.lookup(given.approver, kinds=("Person",))
    for version in (person, now.entity if now is not None else None):
        gone = _left_before(version, given.date) if version is not None else None  # type: ignore[arg-type]
        if gone is not None:
            return (
                f"{given.what} is approved by {who}, who left the organisation{gone}, before the approval dated "
                f"{given.date}; have someone still in office approve it"
            )
    return None


def _approval_power(ctx: RuleContext) -> Iterator[Finding]:
    from pmo_lint.facts.approval import describe_rows, unmet_rows
    from pmo_lint.rules.builtin_governance import held_roles_text
    from pmo_lint.rules.wording import style_of

    cs = _changes(ctx)
    pmo = ctx.catalog.config
    if cs is None or pmo is None:
        return
    style = style_of(ctx.catalog)
    titles = {r.id: r.title for r in pmo.spec.governance_roles}
    crs: dict[str, tuple[LoadedEntity, DataPath]] = {}  # change requests with a new approval, and where
    for item, given, person in _new_approvals(ctx, cs):
        unfit = _unfit(cs, ctx, given, person, style)
        if unfit is not None or person is None:
            yield Finding(unfit or "", item, given.path)
            continue
        roles = set(person.spec.held_roles())
        who = f"{style.person(given.approver)} ({held_roles_text(person)})"
        if given.role and given.role not in roles:
            yield Finding(
                f"{given.what} is approved by {who} as {given.role!r}, a role they do not hold; fix the role or have "
                "someone who holds it approve",
                item,
                given.path,
            )
            continue
        if item.kind == "ChangeRequest":
            crs.setdefault(item.path, (item, given.path))
            continue
        related = _related(cs, ctx, item)
        held = [(given.approver, role) for role in (*roles, "")]
        unmet = unmet_rows(_matrix_rows(pmo, item, given), held, related)
        if unmet:
            yield Finding(
                f"{given.what} is approved by {who}, but the approval matrix requires an approval by "
                f"{describe_rows(unmet, titles, related, style.person)}; have such a person approve it",
                item,
                given.path,
            )
    # a change request is authorised by all its approvals together: each applicable row needs one
    # approval in a role it allows, and further approvals (a supporting signature) never count against it
    for item, path in crs.values():
        approved: list[tuple[str, str]] = []
        names: list[str] = []
        for given in approvals_in("ChangeRequest", item.data):
            signer = _approver(cs, ctx, given.approver)
            # the approvals that count: by someone registered at the base, in office then, in a role they hold
            counts = signer is not None and given.role in signer.spec.held_roles()
            if counts and _unfit(cs, ctx, given, signer, style) is None:
                approved.append((given.approver, given.role))
                names.append(f"{style.person(given.approver)} as {given.role}")
        related = _related(cs, ctx, item)
        unmet = unmet_rows(_cr_matrix_rows(pmo, ctx, item), approved, related)
        if unmet:
            yield Finding(
                f"the change request is approved by {', '.join(names)}, but the approval matrix requires "
                f"an approval by {describe_rows(unmet, titles, related, style.person)}; have such a person "
                "approve it",
                item,
                path,
            )


APPROVAL_POWER = FunctionRule(
    RuleMeta(
        id="approval-without-authority",
        code="GOV043",
        title="Approvals come from people whose role holds that power",
        severity=Severity.ERROR,
        pack=PACK,
        kinds=("Project", "ChangeRequest", "Waiver", "Person", "PMOConfig"),
        standard="Governance PMO — approval authority: decisions by the roles that hold the power",
        docs=RuleDocs(
            what="Each approval added in the change (an `approved` gate decision's `decidedBy`, an `approved` entry "
            "in a change request's `approval.approvals`, a waiver's `approvedBy`) comes from a person who holds "
            "the role it is given in (a PMO role or a governance role). A gate decision or waiver meets every "
            "applicable row of `approvalMatrix` in `pmo.yaml` and, for a gate, the gate's own `approverRoles`. "
            "A change request is judged on all its approvals together: every row that applies (by `category`, "
            "`budgetDeltaOver` in the portfolio currency, `budgetDeltaPctOver` of the project's BAC and "
            "`finishSlipDaysOver`) needs at least one approval in a role the row allows, or from a person with one "
            "of its `approverRelations` to the project (its executive, a member of its board, …); extra "
            "approvals, such as the project manager's supporting signature, never cause a finding. Roles and "
            "relations are read as they were at the base, so a change cannot grant itself the power it uses: a "
            "person not in the register at the base holds no authority in the change (unless the change founds "
            "the portfolio, with no `pmo.yaml` at its base). An approval by someone who had left by its date "
            "(`active: false`, or a `leftDate` on or before it) is reported and does not count. "
            "Runs only in PR mode and in `history`.",
            why="An approval is only worth the authority behind it: a coordinator signing off a 20 % budget increase "
            "that the matrix reserves to the PMO director is no approval at all.",
            example="# pmo.yaml approvalMatrix: [{when: {category: cost, budgetDeltaPctOver: 10}, "
            "approverRoles: [pmo-director]}]\n"
            + _CR_HEAD
            + "  category: [cost]\n  delta: {budget: 120000}\n  approval:\n    status: approved\n    approvals:\n"
            "      - {by: person:casey-coordinator, role: project-coordinator, date: 2025-05-09, decision: approved}\n",
            use_instead=_CR_HEAD + "  category: [cost]\n  delta: {budget: 120000}\n  approval:\n    status: approved\n"
            "    approvals:\n"
            "      - {by: person:jo-pm, role: project-manager, date: 2025-05-08, decision: approved}\n"
            "      - {by: person:pat-director, role: pmo-director, date: 2025-05-09, decision: approved}\n",
        ),
    ),
    _approval_power,
)


def _approver_commit(ctx: RuleContext) -> Iterator[Finding]:
    cs = _changes(ctx)
    if cs is None or not cs.require_approver_commits:
        return
    for item, given, at_base in _new_approvals(ctx, cs):
        # a person new in the change is reported by GOV043; their e-mails are read as the change gives them
        found = ctx.catalog.lookup(given.approver, kinds=("Person",))
        person: Person | None = at_base
        if person is None and found is not None:
            person = found.entity  # type: ignore[assignment]
        if person is None:
            continue
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
                f"{given.what} is approved by {person.spec.profile.display_name} ({person.metadata.name}) "
                f"but commit {recorded.commit[:12]} recording it "
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
        standard="Governance PMO — approval authority: approvals committed by the approver",
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
