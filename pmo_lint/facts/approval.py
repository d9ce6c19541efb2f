"""Who may decide: the approval matrix and the gates, by role and by relation to the project.

One rule, used alike by the facts (``check``) and by the change-control rules (``check --base``,
``pmo-lint history``): every row that applies must be met, and a row is met when at least one approval
names a role the row allows, or comes from a person the row allows by their relation to the project
(its executive, a member of its board, its program's senior responsible owner, …). Approvals beyond
that (a project manager's supporting signature next to the director's) never make a request less
authorised.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pmo_lint.model.refs import parse_ref

if TYPE_CHECKING:
    from pmo_lint.model.catalog import Catalog
    from pmo_lint.model.kinds import ApprovalRule, ChangeRequestSpec, PMOConfigSpec, Project

# the other name of the same relation: PRINCE2 calls the sponsor the executive, MSP calls the program's
# owner its senior responsible owner
ALIASES: dict[str, str] = {"executive": "sponsor", "senior-responsible-owner": "program-owner"}
RELATIONS: tuple[str, ...] = (
    "sponsor",
    "executive",
    "project-board",
    "program-owner",
    "senior-responsible-owner",
    "portfolio-owner",
    "portfolio-board",
)

# how a relation reads in a finding, and what a director should fill in when nobody has it
_READS: dict[str, tuple[str, str]] = {
    "sponsor": ("this project's sponsor", "this project names no sponsor (spec.sponsor)"),
    "executive": ("this project's executive", "this project names no executive (spec.sponsor)"),
    "project-board": ("this project's board", "this project has no board (spec.sponsor and spec.board)"),
    "program-owner": ("the owner of its program", "this project belongs to no program with an owner"),
    "senior-responsible-owner": (
        "the senior responsible owner of its program",
        "this project belongs to no program with a senior responsible owner",
    ),
    "portfolio-owner": ("the owner of its portfolio", "this project belongs to no portfolio with an owner"),
    "portfolio-board": ("its portfolio's board", "its portfolio has no board (spec.owner and spec.board)"),
}
_BOARDS = frozenset({"project-board", "portfolio-board"})


@dataclass(frozen=True)
class Row:
    """Who may meet one row of the matrix (or one gate): anyone holding one of ``roles``, or having one
    of ``relations`` to the project."""

    roles: tuple[str, ...] = ()
    relations: tuple[str, ...] = ()


@dataclass(frozen=True)
class Related:
    """The people (Person names) related to one project, per relation; aliases read the same people."""

    people: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def of(self, relation: str) -> tuple[str, ...]:
        return self.people.get(ALIASES.get(relation, relation), ())

    def has(self, person: str, relation: str) -> bool:
        return person_key(person) in self.of(relation)


NOBODY = Related()


def person_key(ref: str) -> str:
    """``person:ana-lopez`` and ``ana-lopez`` -> ``ana-lopez``: how approvals and relations are compared."""
    parsed = parse_ref(ref)
    return parsed.name if parsed is not None and parsed.kind in (None, "Person") else ref


def related_people(catalog: Catalog, project: Project | None) -> Related:
    """Who has each relation to ``project`` in ``catalog``.

    The sponsor (the executive) chairs the project board, so they count as one of its members, and a
    portfolio's owner as a member of its board. An owner or board entry naming a Team stands for its lead
    and members.
    """
    if project is None:
        return NOBODY

    def people(refs: Iterable[str | None]) -> tuple[str, ...]:
        out: list[str] = []
        for ref in refs:
            if not ref:
                continue
            found = catalog.lookup(ref, kinds=("Person", "Team"))
            if found is not None and found.kind == "Team":
                team = found.entity.spec  # type: ignore[attr-defined]
                names = [person_key(r) for r in (team.lead, *team.members) if r]
            else:  # a person, also one missing from the register (PMO007 reports the reference)
                parsed = parse_ref(ref)
                names = [person_key(ref)] if parsed is not None and parsed.kind in (None, "Person") else []
            out.extend(n for n in names if n not in out)
        return tuple(out)

    spec = project.spec
    program = catalog.lookup(spec.program, kinds=("Program",)) if spec.program else None
    portfolio_ref = spec.portfolio or (program.entity.spec.portfolio if program is not None else None)  # type: ignore[attr-defined]
    portfolio = catalog.lookup(portfolio_ref, kinds=("Portfolio",)) if portfolio_ref else None
    owner = portfolio.entity.spec.owner if portfolio is not None else None  # type: ignore[attr-defined]
    return Related(
        {
            "sponsor": people([spec.sponsor]),
            "project-board": people([spec.sponsor, *spec.board]),
            "program-owner": people([program.entity.spec.owner] if program is not None else []),  # type: ignore[attr-defined]
            "portfolio-owner": people([owner]),
            "portfolio-board": people([owner, *(portfolio.entity.spec.board if portfolio is not None else [])]),  # type: ignore[attr-defined]
        }
    )


def row_of(rule: ApprovalRule | object) -> Row:
    """The Row of an approval-matrix row or a gate (both carry ``approver_roles`` and ``approver_relations``)."""
    return Row(tuple(getattr(rule, "approver_roles", ())), tuple(getattr(rule, "approver_relations", ())))


def cr_rows(
    matrix: Sequence[ApprovalRule],
    spec: ChangeRequestSpec,
    bac: float | None,
    *,
    same_currency: bool = True,
) -> list[Row]:
    """Who may meet each matrix row that applies to a change request, in matrix order.

    Gate and waiver rows never apply. ``bac`` is the project's budget at completion (for
    ``budgetDeltaPctOver``); ``same_currency`` is False when the project budgets in another currency
    than the portfolio, in which case a ``budgetDeltaOver`` row applies whenever the budget changes
    (the amounts cannot be compared, and asking for the higher approval is the safe reading).
    """
    out: list[Row] = []
    for rule in matrix:
        row = row_of(rule)
        if _applies(rule, spec, bac, same_currency) and row not in out:
            out.append(row)
    return out


def gate_rows(pmo: PMOConfigSpec, gate: str) -> list[Row]:
    """Who may pass a gate: each matrix row for gates (``category: gate``, optionally ``gate: G2``), then
    the gate's own ``approverRoles`` / ``approverRelations`` in the lifecycle. A decision meets them all."""
    out: list[Row] = []
    for rule in pmo.approval_matrix:
        w = rule.when
        if (w.category == "gate" and w.gate in (None, gate)) or (w.category is None and w.gate == gate):
            out.append(row_of(rule))
    for g in pmo.lifecycle.gates:
        if g.id == gate and (g.approver_roles or g.approver_relations):
            out.append(row_of(g))
    return [row for i, row in enumerate(out) if row not in out[:i]]


def _applies(row: ApprovalRule, spec: ChangeRequestSpec, bac: float | None, same_currency: bool) -> bool:
    when, delta = row.when, spec.delta
    if when.gate is not None or when.category in ("gate", "waiver"):
        return False
    if when.category is not None and when.category not in spec.category:
        return False
    money = delta.budget or 0.0
    if when.budget_delta_over is not None and (not money or (same_currency and abs(money) <= when.budget_delta_over)):
        return False
    if when.budget_delta_pct_over is not None and (
        not money or not bac or abs(money) / bac * 100 <= when.budget_delta_pct_over
    ):
        return False
    slip = delta.finish_days
    return when.finish_slip_days_over is None or (slip is not None and slip > when.finish_slip_days_over)


def row_met(row: Row, approvals: Iterable[tuple[str, str]], related: Related = NOBODY) -> bool:
    """True when one of ``approvals`` (person reference, role) is in a role the row allows or comes from a
    person with a relation the row allows."""
    return any(role in row.roles or any(related.has(by, rel) for rel in row.relations) for by, role in approvals)


def unmet_rows(rows: Iterable[Row], approvals: Iterable[tuple[str, str]], related: Related = NOBODY) -> list[Row]:
    """The rows none of the approvals (person reference, role) meets."""
    given = list(approvals)
    return [row for row in rows if not row_met(row, given, related)]


def relations_of(person: str, related: Related) -> list[str]:
    """Every relation (aliases too) ``person`` has to the project, in a fixed order."""
    return [rel for rel in RELATIONS if related.has(person, rel)]


def describe_rows(
    rows: Iterable[Row],
    titles: dict[str, str] | None = None,
    related: Related = NOBODY,
    label: Callable[[str], str] = str,
) -> str:
    """Who could meet each row: ``pmo-director, and one by cfo (Chief Financial Officer) or this project's
    executive, Ben Carter (ben-carter)``.

    Governance roles read with their title when one is given; relations with the people who have them
    (``label`` turns a person name into ``Ben Carter (ben-carter)``).
    """
    titles = titles or {}
    parts = []
    for row in rows:
        roles = [f"{r} ({titles[r]})" if r in titles else r for r in row.roles]
        parts.append(" or ".join(roles + [_who(rel, related, label) for rel in row.relations]))
    return ", and one by ".join(parts)


def _who(relation: str, related: Related, label: Callable[[str], str]) -> str:
    reads = _READS[relation][0]
    people = related.of(relation)
    if not people:
        return f"{reads} (nobody is named)"
    names = ", ".join(label(p) for p in people)
    return f"a member of {reads} ({names})" if relation in _BOARDS else f"{reads}, {names}"


def reads(relation: str) -> str:
    """How a relation reads in a finding: ``executive`` -> ``this project's executive``."""
    return _READS[relation][0]


def who_may(rows: Iterable[Row], titles: dict[str, str] | None = None) -> str:
    """Who may meet the rows, without naming people: ``this project's executive or pmo-director``."""
    titles = titles or {}
    parts = []
    for row in rows:
        roles = [f"{r} ({titles[r]})" if r in titles else r for r in row.roles]
        parts.append(" or ".join([reads(rel) for rel in row.relations] + roles))
    return ", and one by ".join(parts)


def who_is(rows: Iterable[Row], related: Related, label: Callable[[str], str] = str) -> list[str]:
    """Sentences naming who has each relation the rows allow: ``this project's executive is Ben Carter
    (ben-carter)``, ``this project names no executive (spec.sponsor)``."""
    out: list[str] = []
    for row in rows:
        for rel in row.relations:
            reads, nobody = _READS[rel]
            people = related.of(rel)
            if not people:
                text = nobody
            elif rel in _BOARDS:
                text = f"the members of {reads} are {', '.join(label(p) for p in people)}"
            else:
                text = f"{reads} is {', '.join(label(p) for p in people)}"
            if text not in out:
                out.append(text)
    return out
