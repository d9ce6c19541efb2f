"""People who have left (or are leaving) and the open records that still name them.

A person has left when they are marked ``active: false`` (leaving date unknown unless ``leftDate`` says it)
or when their ``leftDate`` is before the as-of date. A ``leftDate`` on or after the as-of date announces a
leaver. Only live records count: open risks and issues, benefits still being tracked, pending decisions
and approvals, teams, and the owners of live projects, programs, portfolios and goals. Allocations are
left to the allocation rules, which already release the bookings of people who are not there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pmo_lint.diagnostics import DataPath
    from pmo_lint.facts.portfolio import Facts
    from pmo_lint.model.catalog import Catalog, LoadedEntity
    from pmo_lint.model.kinds import PersonSpec

OPEN_RISK_STATES = frozenset({"open", "monitoring"})
OPEN_ISSUE_STATES = frozenset({"open", "in-progress"})
TRACKED_BENEFIT_STATES = frozenset({"planned", "tracking"})
PENDING_CR_STATES = frozenset({"submitted", "under-review"})


@dataclass(frozen=True)
class Leaver:
    """A person who has left (``gone``) or has a leaving date ahead."""

    item: LoadedEntity
    label: str  # "Ana Lopez (ana-lopez)"
    left: dt.date | None  # None: marked inactive without a date
    gone: bool

    @property
    def when(self) -> str:
        """The leaving clause of a message: "who left on 2025-04-30"."""
        if not self.gone:
            return f"who leaves on {self.left}"
        if self.left is None:
            return "who has left (no leaving date recorded)"
        return f"who left on {self.left}"


@dataclass(frozen=True)
class Holding:
    """One open record that names a leaver, and how: "risk r-003" "is owned by" them."""

    leaver: Leaver
    record: LoadedEntity
    data_path: DataPath
    what: str  # "risk r-003"
    how: str  # "is owned by"
    fix: str = "reassign it"
    project: str | None = None  # the project the record belongs to
    role: str = "owner"  # what the person is to the record, for the site's list

    def sentence(self) -> str:
        """ "risk r-003 is owned by Ana Lopez (ana-lopez), who left on 2025-04-30"."""
        return f"{self.what} {self.how} {self.leaver.label}, {self.leaver.when}"


def leaving(spec: PersonSpec, as_of: dt.date) -> tuple[bool, bool]:
    """(has left, leaves later) of a person at the as-of date."""
    if spec.left_date is not None and spec.left_date < as_of:
        return True, False
    if not spec.active:
        return True, False
    return False, spec.left_date is not None


def leavers(catalog: Catalog, as_of: dt.date) -> dict[str, Leaver]:
    """Everyone who has left or has a leaving date ahead, by file path."""
    out: dict[str, Leaver] = {}
    for item in catalog.of_kind("Person"):
        spec: PersonSpec = item.entity.spec  # type: ignore[attr-defined]
        gone, later = leaving(spec, as_of)
        if gone or later:
            label = f"{spec.profile.display_name.strip()} ({item.entity.metadata.name})"
            out[item.path] = Leaver(item, label, spec.left_date, gone)
    return out


def holdings(catalog: Catalog, facts: Facts, as_of: dt.date) -> list[Holding]:
    """Every live record owned by, or waiting on, someone who has left or is leaving, in file order."""
    people = leavers(catalog, as_of)
    if not people:
        return []
    return sorted(_Finder(catalog, facts, people).all(), key=lambda h: (h.record.path, h.data_path, h.leaver.label))


class _Finder:
    def __init__(self, catalog: Catalog, facts: Facts, people: dict[str, Leaver]) -> None:
        self.cat = catalog
        self.facts = facts
        self.people = people

    def who(self, ref: str | None, namespace: str | None = None) -> Leaver | None:
        if not ref:
            return None
        found = self.cat.lookup(ref, kinds=("Person",), namespace=namespace)
        return self.people.get(found.path) if found is not None else None

    def live_project(self, name: str | None) -> bool:
        """A project still running (or on hold): its records are live; a finished one's are history."""
        if not name:
            return True
        found = self.cat.lookup(name, kinds=("Project",))
        if found is None:
            return True
        state = found.entity.spec.lifecycle.state  # type: ignore[attr-defined]
        return state in ("active", "on-hold") and not self.facts.of(found).get("closed", False)

    def all(self) -> Iterator[Holding]:
        yield from self.projects()
        yield from self.records()
        yield from self.groupings()

    def projects(self) -> Iterator[Holding]:
        for item in self.cat.of_kind("Project"):
            name = item.entity.metadata.name
            if not self.live_project(name):
                continue
            s = item.entity.spec  # type: ignore[attr-defined]
            for field, how in (("owner", "is managed by"), ("sponsor", "is sponsored by")):
                if (p := self.who(getattr(s, field))) is not None:
                    role = "project manager" if field == "owner" else "sponsor"
                    yield Holding(p, item, ("spec", field), f"project {name}", how, f"name a new {role}", name, role)
            for i, gate in enumerate(s.lifecycle.gates):
                if gate.decision != "pending":
                    continue
                at: DataPath = ("spec", "lifecycle", "gates", i)
                what = f"gate {gate.gate}"
                if gate.decided_by:
                    if (p := self.who(gate.decided_by)) is not None:
                        how = "waits for a decision by"
                        yield Holding(
                            p, item, (*at, "decidedBy"), what, how, "name another decider", name, "gate decider"
                        )
                    continue
                roles = self._gate_roles(gate.gate)
                yield from self._only_leavers(roles, item, at, what, name)

    def _gate_roles(self, gate: str) -> tuple[str, ...]:
        """The roles that may pass a gate; none when people related to the project may pass it too (a sponsor
        who left is reported as such)."""
        config = self.cat.config
        found = next((g for g in config.spec.lifecycle.gates if g.id == gate), None) if config else None
        return tuple(found.approver_roles) if found is not None and not found.approver_relations else ()

    def _role_only_rows(self) -> set[tuple[str, ...]]:
        """Approval-matrix rows met by roles alone (rows that people related to the project may also meet are
        left out, as for gates)."""
        config = self.cat.config
        rows = config.spec.approval_matrix if config else []
        return {tuple(r.approver_roles) for r in rows if not r.approver_relations}

    def _only_leavers(
        self, roles: Iterable[str], item: LoadedEntity, at: DataPath, what: str, project: str | None
    ) -> Iterator[Holding]:
        """The approval can only come from people who have left: nobody else holds any of the roles."""
        wanted = set(roles)
        if not wanted:
            return
        holders = [p for p in self.cat.of_kind("Person") if wanted & set(p.entity.spec.held_roles())]  # type: ignore[attr-defined]
        gone = [self.people[p.path] for p in holders if p.path in self.people and self.people[p.path].gone]
        if gone and len(gone) == len(holders):
            named = " or ".join(sorted(wanted))
            for p in gone:
                how = f"waits for approval by a {named}, and the only one is"
                fix = "give the role to someone who is still here"
                yield Holding(p, item, at, what, how, fix, project, f"only {named}")

    def records(self) -> Iterator[Holding]:
        for item in self.cat.of_kind("Risk"):
            s = item.entity.spec  # type: ignore[attr-defined]
            ns = item.entity.metadata.namespace
            if s.state not in OPEN_RISK_STATES or not self.live_project(ns):
                continue
            what = f"risk {item.entity.metadata.name}"
            for field, how in (("owner", "is owned by"), ("assigned_to", "has its response assigned to")):
                if (p := self.who(getattr(s, field), ns)) is not None:
                    at: DataPath = ("spec", "owner" if field == "owner" else "assignedTo")
                    yield Holding(p, item, at, what, how, project=ns, role=field.replace("_", " "))
        for item in self.cat.of_kind("Issue"):
            s = item.entity.spec  # type: ignore[attr-defined]
            ns = item.entity.metadata.namespace
            if s.state in OPEN_ISSUE_STATES and self.live_project(ns) and (p := self.who(s.owner, ns)) is not None:
                what = f"issue {item.entity.metadata.name}"
                yield Holding(p, item, ("spec", "owner"), what, "is owned by", project=ns)
        for item in self.cat.of_kind("Benefit"):
            # benefits are realised after the project closes: tracked ones stay live whatever the project's state
            s = item.entity.spec  # type: ignore[attr-defined]
            ns = item.entity.metadata.namespace
            if s.state in TRACKED_BENEFIT_STATES and (p := self.who(s.owner, ns)) is not None:
                what = f"benefit {item.entity.metadata.name}"
                yield Holding(p, item, ("spec", "owner"), what, "is owned by", project=ns)
        role_only = self._role_only_rows()
        for item in self.cat.of_kind("ChangeRequest"):
            s = item.entity.spec  # type: ignore[attr-defined]
            ns = item.entity.metadata.namespace
            if s.approval.status != "requested" or s.state not in PENDING_CR_STATES or not self.live_project(ns):
                continue
            what = f"change request {item.entity.metadata.name}"
            for row in self.facts.of(item).get("unmetApprovalRows") or ():
                if tuple(row) in role_only:
                    yield from self._only_leavers(row, item, ("spec", "approval", "status"), what, ns)
        for item in self.cat.of_kind("StatusReport"):
            ns = item.entity.metadata.namespace
            if not self.facts.of(item).get("isLatest") or not self.live_project(ns):
                continue
            s = item.entity.spec  # type: ignore[attr-defined]
            for i, d in enumerate(s.decisions_needed):
                if isinstance(d, str) or d.state != "open" or (p := self.who(d.decider, ns)) is None:
                    continue
                short = d.decision if len(d.decision) <= 60 else d.decision[:57].rstrip() + "…"
                what = f'decision "{short}" in the {s.report_date} status report'
                at = ("spec", "decisionsNeeded", i, "decider")
                yield Holding(p, item, at, what, "waits on", "name another decider", ns, "decider")

    def groupings(self) -> Iterator[Holding]:
        for item in self.cat.of_kind("Team"):
            s = item.entity.spec  # type: ignore[attr-defined]
            if (p := self.who(s.lead)) is not None:
                what = f"team {item.entity.metadata.name}"
                yield Holding(p, item, ("spec", "lead"), what, "is led by", "name a new lead", role="lead")
        for kind, word, live in (
            ("Program", "program", ("active", "on-hold")),
            ("Portfolio", "portfolio", None),
            ("StrategicGoal", "goal", ("active",)),
        ):
            for item in self.cat.of_kind(kind):
                s = item.entity.spec  # type: ignore[attr-defined]
                if live is not None and s.state not in live:
                    continue
                name = item.entity.metadata.name
                if (p := self.who(s.owner)) is not None:
                    yield Holding(p, item, ("spec", "owner"), f"{word} {name}", "is owned by")
                if kind != "StrategicGoal":
                    continue
                for i, kr in enumerate(s.key_results):
                    if (p := self.who(kr.owner)) is not None:
                        at: DataPath = ("spec", "keyResults", i, "owner")
                        yield Holding(p, item, at, f"key result {kr.id} of goal {name}", "is owned by")


def bookings(catalog: Catalog, as_of: dt.date) -> list[Holding]:
    """Assignments that run past their person's departure (reported by the allocation rules; listed on the site)."""
    people = leavers(catalog, as_of)
    out: list[Holding] = []
    for item in catalog.of_kind("Allocation"):
        spec = item.entity.spec  # type: ignore[attr-defined]
        found = catalog.lookup(spec.person, kinds=("Person",))
        p = people.get(found.path) if found is not None else None
        if p is None:
            continue
        for i, a in enumerate(spec.assignments):
            if (a.end >= as_of) if p.gone else (p.left is not None and a.end > p.left):
                project = catalog.lookup(a.project, kinds=("Project",))
                name = project.entity.metadata.name if project is not None else a.project
                what = f"assignment to {name} until {a.end}"
                out.append(
                    Holding(
                        p,
                        item,
                        ("spec", "assignments", i),
                        what,
                        "is booked for",
                        "move the work to someone else",
                        a.project,
                        "booked",
                    )
                )
    return out
