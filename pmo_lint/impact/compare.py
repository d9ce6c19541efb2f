"""Two snapshots (before and after a change) → the Impact record. Pure: no git, no I/O, no clock.

"Projects that depend on" a changed project are the other projects of its program: the model has no
link between projects, and a program lands (and delivers its benefits) when its last project does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pmo_lint.diagnostics import Diagnostic
from pmo_lint.impact.record import (
    BenefitAtRisk,
    BudgetChange,
    DateChange,
    DecisionChange,
    EnvelopeChange,
    FindingChange,
    Impact,
    LoadChange,
    ProjectChange,
    ScopeChange,
)
from pmo_lint.impact.snapshot import BASELINE_LABEL, ProjectState, RequestState, Snapshot
from pmo_lint.impact.words import day, signed_money

# dependents listed per program: a program of 2,000 projects must not make a page or comment of 2,000 rows
MAX_DEPENDENTS = 20
_CENT = 0.005


@dataclass(frozen=True)
class Scope:
    """What may differ between the snapshots (None: anything). A change request touches one project
    and its portfolio, so its page compares those and not the whole portfolio."""

    projects: frozenset[str] | None = None
    portfolios: frozenset[str] | None = None
    people: frozenset[str] | None = None


def _names(before: Mapping[str, object], after: Mapping[str, object], only: frozenset[str] | None) -> list[str]:
    if only is None:
        return sorted(set(before) | set(after))
    # a change request's page asks about one project: look it up, never walk the whole portfolio (the site makes
    # a page per pending request, so a walk each was quadratic: hours at 100,000 projects)
    return sorted(n for n in only if n in before or n in after)


def _project_change(b: ProjectState | None, a: ProjectState | None) -> str:
    if b is None:
        return "added"
    if a is None:
        return "removed"
    if a.state == "cancelled" and b.state != "cancelled":
        return "cancelled"
    return "changed" if a != b else ""


def _moved(before: float | None, after: float | None) -> bool:
    return (before is None) != (after is None) or abs((after or 0.0) - (before or 0.0)) > _CENT


def _key_dates(b: ProjectState | None, a: ProjectState | None) -> list[DateChange]:
    ref = f"project:{(a or b).name}"  # type: ignore[union-attr]
    title = (a or b).title  # type: ignore[union-attr]
    out: list[DateChange] = []
    for label, attr in (("Start", "start"), ("Finish", "finish")):
        before, after = getattr(b, attr, None), getattr(a, attr, None)
        if before != after:
            out.append(DateChange(ref, title, label, before, after))
    old = {m.id: m for m in (b.milestones if b else ())}
    new = {m.id: m for m in (a.milestones if a else ())}
    for mid in sorted(old.keys() | new.keys()):
        mb, ma = old.get(mid), new.get(mid)
        if (mb.date if mb else None) != (ma.date if ma else None):
            shown = (ma or mb).title  # type: ignore[union-attr]
            out.append(DateChange(ref, title, f"Milestone {shown}", mb.date if mb else None, ma.date if ma else None))
    # an approved baseline's own dates: a project that only exists on one side has no baseline to move
    if a is not None and b is not None:
        was, now = dict(b.baseline_dates), dict(a.baseline_dates)
        for label in dict.fromkeys([*was, *now]):
            if label in was and label in now and was[label] != now[label]:
                out.append(DateChange(ref, title, label, was[label], now[label]))
        out += _rebaselined(b, a, ref, title)
    return out


def _rebaselined(b: ProjectState, a: ProjectState, ref: str, title: str) -> list[DateChange]:
    """The approved dates when the change makes another baseline the active one (b1 → b2): adding a baseline
    and switching to it moves no date of either baseline, yet it moves what the board holds the project to."""
    if b.baseline == a.baseline:  # the same baseline: its own dates moving are listed above
        return []
    was = {key: (label, date) for key, label, date in b.active_dates}
    now = {key: (label, date) for key, label, date in a.active_dates}
    out: list[DateChange] = []
    for key in dict.fromkeys([*was, *now]):
        old, new = was.get(key), now.get(key)
        before, after = (old[1] if old else None), (new[1] if new else None)
        if before != after:
            label = (new or old)[0]  # type: ignore[index]
            out.append(DateChange(ref, title, label, before, after, "", b.active_name, a.active_name))
    return out


def _program_finish(snap: Snapshot, program: str) -> tuple[str, dt.date | None]:
    state = snap.programs.get(program)
    if state is None:
        return program, None
    finishes = [
        p.finish
        for name in state.projects
        if (p := snap.projects.get(name)) is not None and p.finish is not None and p.state != "cancelled"
    ]
    return state.title, max(finishes, default=None)


def _reasons(b: ProjectState | None, a: ProjectState | None, dates: Sequence[DateChange]) -> list[str]:
    """Why the benefits of a project are at risk after the change ([] when they are not)."""
    if b is None:
        return []
    if a is None:
        return ["the project is removed from the portfolio"]
    out: list[str] = []
    if a.state == "cancelled" and b.state != "cancelled":
        out.append("the project is cancelled")
    for d in dates:
        if d.label.startswith(BASELINE_LABEL):
            continue  # what was approved moved, not the delivery (GOV040 asks for the change request)
        if d.slip_days is not None and d.slip_days > 0 and d.label != "Start":
            what = "the finish" if d.label == "Finish" else d.label.replace("Milestone ", "milestone ", 1)
            out.append(f"{what} slips {d.slip_days} days ({day(d.before)} to {day(d.after)})")
    if (a.bac or 0.0) > (b.bac or 0.0) + _CENT and b.bac is not None:
        out.append(f"the budget rises by {signed_money((a.bac or 0.0) - b.bac, a.currency).lstrip('+')}")
    return out


def _benefits(
    before: Snapshot, after: Snapshot, at_risk: dict[str, tuple[ProjectState, list[str], ProjectState | None]]
) -> list[BenefitAtRisk]:
    found: dict[str, BenefitAtRisk] = {}

    def add(ref: str, owner_name: str, owner_title: str, reasons: list[str], finish: dt.date | None) -> None:
        benefit = after.benefits.get(ref) or before.benefits.get(ref)
        if benefit is None:
            return
        why = list(reasons)
        if benefit.target_date is not None and finish is not None and finish > benefit.target_date:
            why.append(f"the work now ends after the benefit's target date {benefit.target_date.isoformat()}")
        old = found.get(ref)
        if old is not None:  # the first to deliver it (its project before its program) stays the one named
            why = [*old.reasons, *(r for r in why if r not in old.reasons)]
            owner_name, owner_title = old.project, old.project_title
        found[ref] = BenefitAtRisk(
            ref, benefit.title, owner_name, owner_title, benefit.owner, benefit.target, benefit.target_date, tuple(why)
        )

    for name, (b, reasons, a) in sorted(at_risk.items()):
        finish = a.finish if a is not None else None
        own = (a or b).benefits
        for ref in own:
            add(ref, f"project:{name}", b.title, reasons, finish)
        program = (a or b).program
        state = after.programs.get(program) or before.programs.get(program)
        if state is not None:
            via = [f"{b.title} (in the program): {r}" for r in reasons]
            _, program_end = _program_finish(after, program)
            for ref in state.benefits:
                if ref not in own:  # the project's own benefit already has the project's reasons
                    add(ref, f"program:{program}", state.title, via, program_end)
    return [found[k] for k in sorted(found)]


def _dependents(
    before: Snapshot, after: Snapshot, moved: dict[str, ProjectState]
) -> tuple[list[DateChange], list[str]]:
    """The program finish and the other projects of each program with a project whose dates moved."""
    rows: list[DateChange] = []
    notes: list[str] = []
    by_program: dict[str, list[ProjectState]] = {}
    for state in moved.values():
        if state.program:
            by_program.setdefault(state.program, []).append(state)
    for program, changed in sorted(by_program.items()):
        title_b, end_b = _program_finish(before, program)
        title_a, end_a = _program_finish(after, program)
        names = ", ".join(p.title for p in changed)
        rows.append(DateChange(f"program:{program}", title_a, "Program finish", end_b, end_a, f"program of {names}"))
        group = after.programs.get(program) or before.programs.get(program)
        others = [n for n in (group.projects if group else ()) if n not in moved]
        for name in others[:MAX_DEPENDENTS]:
            b, a = before.projects.get(name), after.projects.get(name)
            shown = a or b
            if shown is None:
                continue
            relation = f"in program {title_a or title_b} with {names}"
            rows.append(
                DateChange(
                    f"project:{name}",
                    shown.title,
                    "Finish",
                    b.finish if b else None,
                    a.finish if a else None,
                    relation,
                )
            )
        if len(others) > MAX_DEPENDENTS:
            notes.append(
                f"Program {title_a or title_b} has {len(others) - MAX_DEPENDENTS} more projects than the "
                f"{MAX_DEPENDENTS} listed under key dates."
            )
    return rows, notes


def _findings(before: Sequence[Diagnostic], after: Sequence[Diagnostic]) -> tuple[list[FindingChange], ...]:
    def record(d: Diagnostic) -> FindingChange:
        return FindingChange(d.code, d.rule, d.severity.label, d.entity, d.path, d.message)

    def order(f: FindingChange) -> tuple[str, ...]:
        return (f.code, f.entity, f.path, f.message)

    old = {d.fingerprint for d in before}
    new = {d.fingerprint for d in after}
    added = sorted((record(d) for d in after if d.fingerprint not in old), key=order)
    resolved = sorted((record(d) for d in before if d.fingerprint not in new), key=order)
    return list(dict.fromkeys(added)), list(dict.fromkeys(resolved))


def _decision(r: RequestState | None) -> str:
    if r is None:
        return ""
    return "withdrawn" if r.state == "withdrawn" else f"{r.status} ({r.state})"


def _decisions(before: Snapshot, after: Snapshot) -> list[DecisionChange]:
    """Change requests raised, decided, withdrawn or removed: their decision, not the files they touch."""
    out: list[DecisionChange] = []
    for key in _names(before.requests, after.requests, None):
        rb, ra = before.requests.get(key), after.requests.get(key)
        was, now = _decision(rb), _decision(ra)
        shown = ra or rb
        if was == now or shown is None:
            continue
        out.append(
            DecisionChange(
                shown.project,
                shown.project_title,
                shown.name,
                shown.title,
                shown.currency,
                was,
                now,
                shown.budget,
                shown.finish_days,
            )
        )
    return out


def compare(
    before: Snapshot,
    after: Snapshot,
    *,
    subject: str,
    scope: Scope | None = None,
    findings: tuple[Sequence[Diagnostic], Sequence[Diagnostic]] | None = None,
    base_ref: str = "",
    base: str = "",
    head: str = "",
    notes: Sequence[str] = (),
) -> Impact:
    """What changes from ``before`` to ``after``; ``findings`` are the active findings of both runs."""
    scope = scope or Scope()
    projects: list[ProjectChange] = []
    budgets: list[BudgetChange] = []
    dates: list[DateChange] = []
    scopes: list[ScopeChange] = []
    moved: dict[str, ProjectState] = {}
    at_risk: dict[str, tuple[ProjectState, list[str], ProjectState | None]] = {}
    for name in _names(before.projects, after.projects, scope.projects):
        b, a = before.projects.get(name), after.projects.get(name)
        change = _project_change(b, a)
        if not change:
            continue
        shown = a or b
        assert shown is not None  # one of the two exists: the name came from one of them
        projects.append(ProjectChange(name, shown.title, change))
        bac_b, bac_a = (b.bac if b else None), (a.bac if a else None)
        if _moved(bac_b, bac_a):
            budgets.append(BudgetChange(name, shown.title, shown.currency, bac_b, bac_a))
        elif b and a and a.baseline and _moved(b.working, a.working):
            # the approved baseline holds while the project's own budget moves: the board sees the request
            # coming before a change request asks for it
            budgets.append(BudgetChange(name, shown.title, shown.currency, b.working, a.working, a.baseline, bac_a))
        own = _key_dates(b, a)
        dates += own
        if own or change in ("removed", "cancelled"):
            moved[name] = shown
        old = dict(b.deliverables) if b else {}
        new = dict(a.deliverables) if a else {}
        if b is not None and a is not None and old.keys() != new.keys():
            scopes.append(
                ScopeChange(
                    name,
                    shown.title,
                    tuple(new[k] for k in sorted(new.keys() - old.keys())),
                    tuple(old[k] for k in sorted(old.keys() - new.keys())),
                )
            )
        reasons = _reasons(b, a, own)
        if reasons and b is not None:
            at_risk[name] = (b, reasons, a)
    dependents, more = _dependents(before, after, moved)

    envelopes: list[EnvelopeChange] = []
    for name in _names(before.portfolios, after.portfolios, scope.portfolios):
        pb, pa = before.portfolios.get(name), after.portfolios.get(name)
        shown_p = pa or pb
        assert shown_p is not None
        years = set()
        for state in (pb, pa):
            if state is not None:
                years |= set(state.approved) | set(state.envelope)
        for year in sorted(years):
            row = EnvelopeChange(
                name,
                shown_p.title,
                year,
                shown_p.currency,
                pb.envelope.get(year) if pb else None,
                pa.envelope.get(year) if pa else None,
                pb.approved.get(year, 0.0) if pb else 0.0,
                pa.approved.get(year, 0.0) if pa else 0.0,
            )
            if abs(row.delta) > _CENT or row.envelope_before != row.envelope_after:
                envelopes.append(row)

    loads: list[LoadChange] = []
    for name in _names(before.people, after.people, scope.people):
        hb, ha = before.people.get(name), after.people.get(name)
        display = (ha or hb).display  # type: ignore[union-attr]
        old_load = hb.load if hb else {}
        new_load = ha.load if ha else {}
        for month in sorted(set(old_load) | set(new_load)):
            lb, la = old_load.get(month, 0.0), new_load.get(month, 0.0)
            if abs(lb - la) > 1e-6:
                loads.append(LoadChange(name, display, month, lb, la, after.limit))

    # a change request's own page (scope set) compares one project: its requests do not change there
    decisions = _decisions(before, after) if scope.projects is None else []

    new_findings = resolved = None
    if findings is not None:
        added, gone = _findings(*findings)
        new_findings, resolved = tuple(added), tuple(gone)
    return Impact(
        subject=subject,
        as_of=after.as_of,
        currency=after.currency,
        limit=after.limit,
        base_ref=base_ref,
        base=base,
        head=head,
        projects=tuple(projects),
        budgets=tuple(budgets),
        envelopes=tuple(envelopes),
        loads=tuple(loads),
        dates=tuple(dates + dependents),
        scope=tuple(scopes),
        benefits=tuple(_benefits(before, after, at_risk)),
        decisions=tuple(decisions),
        new_findings=new_findings,
        resolved_findings=resolved,
        notes=(*notes, *more),
    )


__all__ = ["MAX_DEPENDENTS", "Scope", "compare"]
