"""A portfolio reduced to what the change impact compares, read from a catalog and the facts of its run.

The money and the load come from the facts the checks computed (``approvedBacByYear`` and
``budgetByYear`` of portfolios, ``bac`` of projects, ``loadByMonth`` of people), so the impact and the
checks never disagree. ``with_change_request`` applies a pending change request's stated deltas to one
project of a snapshot: what the portfolio would be if it were approved.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pmo_lint.facts.budget import bac_by_fiscal_year
from pmo_lint.facts.dates import fiscal_year

if TYPE_CHECKING:
    from pmo_lint.facts import Facts
    from pmo_lint.model.catalog import Catalog, LoadedEntity
    from pmo_lint.model.kinds import ChangeRequest, Project


@dataclass(frozen=True)
class Milestone:
    id: str
    title: str
    date: dt.date  # the actual date when done, else the forecast


@dataclass(frozen=True)
class ProjectState:
    name: str
    title: str
    portfolio: str  # its own, else its program's ("" when none)
    program: str
    currency: str
    state: str  # lifecycle state: active, on-hold, cancelled, completed
    bac: float | None  # the approved budget at completion (the facts' ``bac``)
    start: dt.date | None
    finish: dt.date | None  # forecast, else approved, else the active baseline's
    milestones: tuple[Milestone, ...]  # the key milestones
    deliverables: tuple[tuple[str, str], ...]  # (id, title)
    benefits: tuple[str, ...]  # references of the benefits it delivers
    planning_reached: bool = False  # its budget counts against the envelope once approved (facts.budget)
    working: float | None = None  # the project's own budget (``spec.budget.bac``), which may run ahead of ``bac``
    baseline: str = ""  # the id of the active baseline whose budget ``bac`` is, "" when none
    # every approved baseline's dates, as (label, date): ("Approved baseline B1 finish", 2026-09-30)
    baseline_dates: tuple[tuple[str, dt.date], ...] = ()
    # the active baseline, by its name (else id), and its dates as (key, label, date): compared when a change
    # makes another baseline the active one, which the per-baseline dates above do not show
    active_name: str = ""
    active_dates: tuple[tuple[str, str, dt.date], ...] = ()
    entity: Project | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class PortfolioState:
    name: str
    title: str
    currency: str
    envelope: Mapping[str, float]  # fiscal year -> the portfolio's budget
    approved: Mapping[str, float]  # fiscal year -> approved project budgets falling in it


@dataclass(frozen=True)
class ProgramState:
    name: str
    title: str
    projects: tuple[str, ...]
    benefits: tuple[str, ...]


@dataclass(frozen=True)
class PersonState:
    name: str
    display: str
    load: Mapping[str, float]  # YYYY-MM -> peak load in percent


@dataclass(frozen=True)
class BenefitState:
    ref: str
    title: str
    owner: str  # display name
    target: str
    target_date: dt.date | None


@dataclass(frozen=True)
class RequestState:
    """A change request as a decision: what it asks for and where its decision stands."""

    project: str  # the project's name ("" when the request names none)
    project_title: str
    name: str
    title: str
    currency: str
    status: str  # approval status: requested, approved, rejected
    state: str  # draft, submitted, under-review, decided, implemented, withdrawn
    budget: float | None  # delta.budget
    finish_days: int | None  # delta.finishDays


@dataclass(frozen=True)
class Snapshot:
    as_of: dt.date
    currency: str
    limit: float
    start_month: int
    projects: Mapping[str, ProjectState]
    portfolios: Mapping[str, PortfolioState]
    programs: Mapping[str, ProgramState]
    people: Mapping[str, PersonState]
    benefits: Mapping[str, BenefitState]
    requests: Mapping[str, RequestState] = field(default_factory=dict)  # "project/cr-001" -> the request


class _WithOne(Mapping[str, ProjectState]):
    """The projects with one of them replaced, read through: a change request's snapshot costs one entry,
    not a copy of the whole portfolio (the site makes one per pending request)."""

    def __init__(self, rest: Mapping[str, ProjectState], name: str, state: ProjectState) -> None:
        self._rest, self._name, self._state = rest, name, state

    def __getitem__(self, key: str) -> ProjectState:
        return self._state if key == self._name else self._rest[key]

    def __contains__(self, key: object) -> bool:
        return key == self._name or key in self._rest

    def __iter__(self) -> Iterator[str]:
        yield from self._rest
        if self._name not in self._rest:
            yield self._name

    def __len__(self) -> int:
        return len(self._rest) + (self._name not in self._rest)


BASELINE_LABEL = "Approved baseline"


def _baseline_dates(project: Project) -> tuple[tuple[str, dt.date], ...]:
    """The dates each baseline approved: moving one is a change to what the board agreed, not a new forecast."""
    titles = {m.id: m.title for m in project.spec.milestones}
    out: list[tuple[str, dt.date]] = []
    for b in project.spec.baselines:
        out.append((f"{BASELINE_LABEL} {b.id} start", b.schedule.start))
        out.append((f"{BASELINE_LABEL} {b.id} finish", b.schedule.finish))
        for mid, date in sorted(b.schedule.milestones.items()):
            out.append((f"{BASELINE_LABEL} {b.id} milestone {titles.get(mid, mid)}", date))
    return tuple(out)


def _active_dates(project: Project) -> tuple[str, tuple[tuple[str, str, dt.date], ...]]:
    """The active baseline's name (else id) and its approved dates, keyed by what they are (start, finish,
    a milestone's id) so that two baselines' dates line up."""
    s = project.spec
    active = s.baseline()
    if active is None:
        return "", ()
    titles = {m.id: m.title for m in s.milestones}
    out = [
        ("start", f"{BASELINE_LABEL} start", active.schedule.start),
        ("finish", f"{BASELINE_LABEL} finish", active.schedule.finish),
    ]
    for mid, date in sorted(active.schedule.milestones.items()):
        out.append((f"milestone:{mid}", f"{BASELINE_LABEL} milestone {titles.get(mid, mid)}", date))
    return (active.name or active.id), tuple(out)


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def person_label(catalog: Catalog, ref: str | None) -> str:
    """A person's display name (the reference as written when it names nobody)."""
    if not ref:
        return ""
    found = catalog.lookup(ref, kinds=("Person",))
    if found is None:
        return ref.split(":")[-1]
    return found.entity.spec.profile.display_name.strip() or found.entity.name  # type: ignore[attr-defined]


def _dates(project: Project) -> tuple[dt.date | None, dt.date | None]:
    s = project.spec
    baseline = s.baseline()
    start = (s.schedule.forecast.start if s.schedule.forecast else None) or (
        s.schedule.approved.start if s.schedule.approved else None
    )
    finish = (s.schedule.forecast.finish if s.schedule.forecast else None) or (
        s.schedule.approved.end if s.schedule.approved else None
    )
    if baseline is not None:
        start = start or baseline.schedule.start
        finish = finish or baseline.schedule.finish
    return start, finish


def _benefit(catalog: Catalog, item: LoadedEntity) -> BenefitState:
    s = item.entity.spec  # type: ignore[attr-defined]
    unit = f" {s.unit}" if s.unit else ""
    target = f"{s.kpi}: {s.baseline:g} to {s.target:g}{unit} by {s.target_date.isoformat()}"
    return BenefitState(item.ref, item.entity.display, person_label(catalog, s.owner), target, s.target_date)


def snapshot(catalog: Catalog, facts: Facts) -> Snapshot:
    """The portfolio as the impact reads it. Linear in the number of entities."""
    spec = catalog.config.spec if catalog.config is not None else None
    currency = spec.currency if spec else ""
    benefits = {item.ref: _benefit(catalog, item) for item in catalog.of_kind("Benefit")}
    by_program: dict[str, list[str]] = defaultdict(list)
    program_benefits: dict[str, list[str]] = defaultdict(list)
    for item in catalog.of_kind("Benefit"):
        program = item.entity.spec.program  # type: ignore[attr-defined]
        found = catalog.lookup(program, kinds=("Program",)) if program else None
        if found is not None:
            program_benefits[found.entity.name].append(item.ref)

    program_portfolio: dict[str, str] = {}
    programs_of: dict[str, LoadedEntity] = {}
    for item in catalog.of_kind("Program"):
        ps = item.entity.spec  # type: ignore[attr-defined]
        found = catalog.lookup(ps.portfolio, kinds=("Portfolio",)) if ps.portfolio else None
        program_portfolio[item.entity.name] = found.entity.name if found else ""
        programs_of[item.entity.name] = item

    projects: dict[str, ProjectState] = {}
    for item in catalog.of_kind("Project"):
        project: Project = item.entity  # type: ignore[assignment]
        ps = project.spec
        f = facts.of(item)
        program = catalog.lookup(ps.program, kinds=("Program",)) if ps.program else None
        program_name = program.entity.name if program else ""
        portfolio = catalog.lookup(ps.portfolio, kinds=("Portfolio",)) if ps.portfolio else None
        refs = [b.ref for b in catalog.project_records(project.name, "Benefit")]
        for ref in ps.benefits:
            found = catalog.lookup(ref, kinds=("Benefit",), namespace=project.name)
            if found is not None and found.ref not in refs:
                refs.append(found.ref)
        start, finish = _dates(project)
        active_name, active_dates = _active_dates(project)
        projects[project.name] = ProjectState(
            name=project.name,
            title=project.display,
            portfolio=portfolio.entity.name if portfolio else program_portfolio.get(program_name, ""),
            program=program_name,
            currency=ps.currency or currency,
            state=ps.lifecycle.state,
            bac=_num(f.get("bac")),
            start=start,
            finish=finish,
            milestones=tuple(
                Milestone(m.id, m.title, m.actual_date or m.forecast_date)
                for m in ps.milestones
                if m.key and m.status != "cancelled"
            ),
            deliverables=tuple((d.id, d.title) for d in ps.scope.deliverables),
            benefits=tuple(refs),
            planning_reached=bool((f.get("reached") or {}).get("planning")),
            working=_num(ps.budget.bac) if ps.budget else None,
            baseline=(ps.active_baseline or "") if any(b.id == ps.active_baseline for b in ps.baselines) else "",
            baseline_dates=_baseline_dates(project),
            active_name=active_name,
            active_dates=active_dates,
            entity=project,
        )
        if program_name:
            by_program[program_name].append(project.name)

    programs: dict[str, ProgramState] = {}
    for name, item in programs_of.items():
        program_spec = item.entity.spec  # type: ignore[attr-defined]
        refs = [found.ref for ref in program_spec.benefits if (found := catalog.lookup(ref, kinds=("Benefit",)))]
        refs += program_benefits.get(name, ())
        programs[name] = ProgramState(
            name, item.entity.display, tuple(by_program.get(name, ())), tuple(dict.fromkeys(refs))
        )
    portfolios = {}
    for item in catalog.of_kind("Portfolio"):
        f = facts.of(item)
        portfolios[item.entity.name] = PortfolioState(
            item.entity.name,
            item.entity.display,
            item.entity.spec.currency or currency,  # type: ignore[attr-defined]
            {str(k): float(v) for k, v in (f.get("budgetByYear") or {}).items()},
            {str(k): float(v) for k, v in (f.get("approvedBacByYear") or {}).items()},
        )
    people = {}
    for item in catalog.of_kind("Person"):
        f = facts.of(item)
        display = item.entity.spec.profile.display_name.strip() or item.entity.name  # type: ignore[attr-defined]
        people[item.entity.name] = PersonState(
            item.entity.name, display, {str(k): float(v) for k, v in (f.get("loadByMonth") or {}).items()}
        )
    return Snapshot(
        as_of=facts.as_of,
        currency=currency,
        limit=spec.thresholds.allocation_max_percent if spec else 100.0,
        start_month=spec.fiscal_year_start_month if spec else 1,
        projects=projects,
        portfolios=portfolios,
        programs=programs,
        people=people,
        benefits=benefits,
        requests=_requests(catalog, projects, currency),
    )


def _requests(catalog: Catalog, projects: Mapping[str, ProjectState], currency: str) -> dict[str, RequestState]:
    out: dict[str, RequestState] = {}
    for item in catalog.of_kind("ChangeRequest"):
        cr: ChangeRequest = item.entity  # type: ignore[assignment]
        ns = cr.metadata.namespace or ""
        owner = projects.get(ns)
        out[f"{ns}/{cr.name}"] = RequestState(
            ns,
            owner.title if owner else ns,
            cr.name,
            cr.display,
            owner.currency if owner else currency,
            cr.spec.approval.status,
            cr.spec.state,
            cr.spec.delta.budget,
            cr.spec.delta.finish_days,
        )
    return out


def _approved_by_year(state: ProjectState, start_month: int) -> dict[str, float]:
    if state.entity is None:
        return {}
    return bac_by_fiscal_year(state.entity, state.planning_reached, start_month)


def _spread(project: ProjectState, amount: float, finish: dt.date | None, snap: Snapshot) -> dict[str, float]:
    """Where a budget change falls in the fiscal years: money is spent from now on, so it goes to the current
    and later years in the proportions the approved budget has there, else to the year the project finishes.
    A project whose budget is not approved yet counts nothing against the envelope (facts.budget)."""
    approved = _approved_by_year(project, snap.start_month)
    if not approved:
        return {}
    now = fiscal_year(snap.as_of, snap.start_month)
    ahead = {year: value for year, value in approved.items() if int(year) >= now and value > 0}
    total = sum(ahead.values())
    if total > 0:
        return {year: amount * value / total for year, value in ahead.items()}
    return {str(fiscal_year(finish or snap.as_of, snap.start_month)): amount}


def with_change_request(snap: Snapshot, cr: ChangeRequest) -> Snapshot:
    """The snapshot as it would be with the change request approved: its project's budget moved by
    ``delta.budget`` (over the current and later fiscal years, see ``_spread``), its finish moved by
    ``delta.finishDays``, the milestones it names moved to their new dates, deliverables added and removed.

    Bookings are not touched: a change request states no allocation. The snapshot is unchanged when the
    request names no project of the portfolio.
    """
    name = cr.metadata.namespace or ""
    before = snap.projects.get(name)
    if before is None:
        return snap
    delta = cr.spec.delta
    bac = before.bac
    if delta.budget:
        bac = (bac or 0.0) + float(delta.budget)
    finish = before.finish
    if delta.finish_days and finish is not None:
        finish = finish + dt.timedelta(days=delta.finish_days)
    milestones = list(before.milestones)
    named = set(delta.milestones)
    milestones = [dataclasses.replace(m, date=delta.milestones[m.id]) if m.id in named else m for m in milestones]
    if before.entity is not None:  # a milestone the request moves counts as a key date even when not marked key
        known = {m.id for m in milestones}
        for m in before.entity.spec.milestones:
            if m.id in named and m.id not in known:
                milestones.append(Milestone(m.id, m.title, delta.milestones[m.id]))
    deliverables = [d for d in before.deliverables if d[0] not in set(delta.deliverables_removed)]
    have = {d[0] for d in deliverables}
    deliverables += [(d, d) for d in delta.deliverables_added if d not in have]
    after = dataclasses.replace(
        before,
        bac=bac,
        finish=finish,
        milestones=tuple(milestones),
        deliverables=tuple(deliverables),
    )
    portfolios = dict(snap.portfolios)
    envelope = snap.portfolios.get(before.portfolio)
    if envelope is not None and delta.budget:
        approved = dict(envelope.approved)
        for year, amount in _spread(before, float(delta.budget), finish, snap).items():
            approved[year] = round(approved.get(year, 0.0) + amount, 2)
        portfolios[before.portfolio] = dataclasses.replace(envelope, approved=approved)
    # the one changed project over the unchanged ones: no copy of the whole portfolio per request
    return dataclasses.replace(snap, projects=_WithOne(snap.projects, name, after), portfolios=portfolios)
