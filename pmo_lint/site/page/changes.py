"""Changes awaiting a decision: each pending change request with what it would do to the portfolio if approved.

The list (``changes.md``) has one row per pending request; each request has a page of its own
(``changes/<project>--<request>.md``, not in the navigation) with its case and its impact, computed as
``pmo-lint impact`` computes a branch's: the request's stated deltas (budget, finish, milestones,
deliverables) applied to its project, compared with the portfolio as it is. A page shows one project,
its portfolio and its program, so its size does not grow with the portfolio.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pmo_lint.diagnostics import Table
from pmo_lint.impact.compare import Scope, compare
from pmo_lint.impact.render import tables
from pmo_lint.impact.snapshot import Snapshot, person_label, snapshot, with_change_request
from pmo_lint.impact.words import day, days, money, signed_money
from pmo_lint.site.html import esc, md_table
from pmo_lint.site.page.common import Ctx, as_of_note, front, paged_table, project_link, rel
from pmo_lint.site.view import portfolio_facts

if TYPE_CHECKING:
    from pmo_lint.impact.record import Impact
    from pmo_lint.model.catalog import LoadedEntity
    from pmo_lint.model.kinds import ChangeRequest

HERE = "changes.md"
ROWS_PER_TABLE = 50  # a request's page shows at most this many rows per table
NO_BOOKINGS = "A change request states no bookings, so capacity is shown as booked today."
FINDINGS_NOTE = (
    "Findings are compared for a branch that makes the change in the files: pmo-lint impact --base REF, "
    "or the pull request's comment."
)


def cr_page(project: str, name: str) -> str:
    """The page of the change request ``name`` of ``project`` (names hold no ``--``: one page per request)."""
    return f"changes/{project}--{name}.md"


def pending(item: LoadedEntity) -> bool:
    """A request still to decide: approval requested, and neither withdrawn nor carried out."""
    s = item.entity.spec  # type: ignore[attr-defined]
    return bool(s.approval.status == "requested" and s.state not in ("withdrawn", "decided", "implemented"))


def _site_table(t: Table, level: str = "###") -> str:
    out = [f"{level} {esc(t.title)}\n\n"]
    if t.note:
        out.append(f"{esc(t.note)}\n\n")
    if t.headers and t.rows:
        align = "".join("r" if i in t.numeric else "l" for i in range(len(t.headers)))
        out.append(md_table(t.headers, [[esc(c) for c in row] for row in t.rows], align) + "\n")
    return "".join(out)


def _impact_of(base: Snapshot, cr: ChangeRequest) -> Impact:
    project = base.projects.get(cr.metadata.namespace or "")
    portfolios = frozenset({project.portfolio}) if project is not None and project.portfolio else frozenset()
    return compare(
        base,
        with_change_request(base, cr),
        subject=f"change request {cr.metadata.name} of {project.title if project else cr.metadata.namespace}",
        scope=Scope(projects=frozenset({cr.metadata.namespace or ""}), portfolios=portfolios, people=frozenset()),
        notes=(NO_BOOKINGS,),
    )


def _awaiting(facts: dict[str, Any]) -> str:
    """Who still has to approve, as the approval matrix says (the change request's facts)."""
    if not facts.get("approvalRows"):
        return "no rule of the approval matrix applies"
    return str(facts.get("unmetApprovals") or "every approval the matrix asks for is given")


def _envelope_cell(impact: Impact) -> str:
    over = impact.over_envelope
    if over:
        e = over[0]
        left = money(e.approved_after - (e.envelope_after or 0.0), e.currency)
        return f"over by {left} in {e.fiscal_year}"
    return "within" if impact.envelopes else "–"


def _row(ctx: Ctx, cr: ChangeRequest, impact: Impact, facts: dict[str, Any], title: str) -> tuple[str, ...]:
    s = cr.spec
    project = cr.metadata.namespace or ""
    waiting = facts.get("pendingDays")
    finish = next((d for d in impact.dates if d.label == "Finish" and not d.relation), None)
    currency = impact.budgets[0].currency if impact.budgets else impact.currency
    return (
        f"[{esc(cr.display)}]({rel(HERE, cr_page(project, cr.metadata.name))})",
        project_link(ctx, HERE, project, title),
        esc(s.priority),
        esc(f"{int(waiting)} days" if isinstance(waiting, float) else "–"),
        esc(signed_money(float(s.delta.budget), currency) if s.delta.budget else "–"),
        esc(days(finish.slip_days) if finish is not None else "–"),
        esc(_envelope_cell(impact)),
        str(len(impact.benefits)),
        esc(_awaiting(facts)),
    )


def _page(ctx: Ctx, cr: ChangeRequest, impact: Impact, facts: dict[str, Any], title: str) -> str:
    catalog = ctx.view.catalog
    s = cr.spec
    project = cr.metadata.namespace or ""
    here = cr_page(project, cr.metadata.name)
    out = [front(f"Change request {cr.display}"), f"# {esc(cr.display)}\n\n", as_of_note(ctx)]
    out.append(f"[All changes awaiting a decision]({rel(here, HERE)})\n\n")
    waiting = facts.get("pendingDays")
    facts_rows = [
        ("Project", project_link(ctx, here, project, title)),
        ("Categories", esc(", ".join(s.category))),
        ("Priority", esc(s.priority)),
        ("Requested by", esc(person_label(catalog, s.requested_by))),
        (
            "Requested",
            esc(day(s.requested_date) + (f", {int(waiting)} days ago" if isinstance(waiting, float) else "")),
        ),
        ("Decision due", esc(day(s.due_date))),
        ("State", esc(s.state)),
        ("Awaiting approval from", esc(_awaiting(facts))),
    ]
    out.append(md_table(("", ""), facts_rows) + "\n")
    out.append(f"## Why\n\n{esc(s.business_justification)}\n\n")
    out.append(f"## Impact as the request states it\n\n{esc(s.impact)}\n\n")
    d = s.delta
    currency = impact.budgets[0].currency if impact.budgets else impact.currency
    delta_rows = [
        ("Budget at completion", esc(signed_money(float(d.budget), currency) if d.budget else "no change")),
        ("Finish", esc(days(d.finish_days) if d.finish_days else "no change")),
        ("Milestones", esc(", ".join(f"{k} to {v.isoformat()}" for k, v in sorted(d.milestones.items())) or "–")),
        ("Deliverables added", esc(", ".join(d.deliverables_added) or "–")),
        ("Deliverables removed", esc(", ".join(d.deliverables_removed) or "–")),
    ]
    out.append("## What it asks for\n\n" + md_table(("Delta", "Value"), delta_rows) + "\n")
    given = list(s.approval.approvals)
    if given:
        out.append("## Decisions so far\n\n")
        out.append(
            md_table(
                ("By", "As", "Date", "Decision", "Comment"),
                [
                    (
                        esc(person_label(catalog, a.by)),
                        esc(a.role),
                        esc(day(a.date)),
                        esc(a.decision),
                        esc(a.comment or ""),
                    )
                    for a in given
                ],
            )
            + "\n"
        )
    out.append("## If it is approved\n\n")
    for t in tables(impact, max_rows=ROWS_PER_TABLE, more="the rest are left out to keep this page short"):
        if t.title == "Findings":
            out.append(_site_table(Table("Findings", note=FINDINGS_NOTE)))
        else:
            out.append(_site_table(t))
    return "".join(out)


def render(ctx: Ctx) -> dict[str, str]:
    v = ctx.view
    out = [front("Changes"), "# Changes awaiting a decision\n\n", as_of_note(ctx)]
    out.append(
        "Each change request still to decide, and what it would do to the portfolio if approved: the project's "
        "budget against its portfolio's envelope, its key dates and those of its program, and the benefits at "
        "risk. The figures apply the request's stated deltas to the portfolio as it is today.\n\n"
    )
    items = sorted(
        (i for i in v.catalog.of_kind("ChangeRequest") if pending(i)),
        key=lambda i: (i.entity.spec.requested_date, i.entity.metadata.namespace or "", i.entity.name),  # type: ignore[attr-defined]
    )
    pages: dict[str, str] = {}
    if not items:
        out.append("_No change request awaits a decision._\n")
        return {HERE: "".join(out)}
    facts = ctx.facts if ctx.facts is not None else portfolio_facts(v.catalog, v.result)
    base = snapshot(v.catalog, facts)
    rows = []
    for item in items:
        cr: ChangeRequest = item.entity  # type: ignore[assignment]
        impact = _impact_of(base, cr)
        own = facts.of(item)
        state = base.projects.get(cr.metadata.namespace or "")
        title = state.title if state is not None else cr.metadata.namespace or ""
        rows.append(_row(ctx, cr, impact, own, title))
        pages[cr_page(cr.metadata.namespace or "", cr.metadata.name)] = _page(ctx, cr, impact, own, title)
    headers = (
        "Change request",
        "Project",
        "Priority",
        "Waiting",
        "Budget",
        "Finish",
        "Envelope",
        "Benefits at risk",
        "Awaiting approval from",
    )
    out.append(paged_table(pages, HERE, "Changes awaiting a decision", headers, rows, "lllrrrlrl"))
    return {HERE: "".join(out), **pages}


__all__ = ["HERE", "cr_page", "pending", "render"]
