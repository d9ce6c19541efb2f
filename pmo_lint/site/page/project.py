"""A page per project (its data, milestones, risks, CRs, status history, findings, waivers, EVM S-curve)
and the project index."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from typing import TYPE_CHECKING, Any, cast

from pmo_lint.site.html import (
    Html,
    block,
    esc,
    external_link,
    md_table,
    money,
    name_text,
    num,
    pct,
    pre_lines,
    rag_badge,
)
from pmo_lint.site.page.common import (
    Ctx,
    as_of_note,
    findings_table,
    front,
    paged_table,
    project_link,
    rel,
    section_link,
)
from pmo_lint.site.page.health import computed_cell, health_block, reported_badge
from pmo_lint.site.svg import Series, line_chart
from pmo_lint.site.view import DIMENSIONS, ProjectView, person_name

if TYPE_CHECKING:
    from pmo_lint.model.kinds import Baseline, Benefit, ChangeRequest, Risk, Waiver

INDEX = "projects/index.md"
PROJECT_LIST_HEADERS = ("Project", "Title", "Phase", "State", "Reported", "Computed", "BAC", "Portfolio", "Program")


def _kv(rows: list[tuple[str, str]]) -> str:
    return md_table(("Field", "Value"), [(esc(k), v if v else "–") for k, v in rows])


def _ref_name(ref: str | None) -> str:
    return (ref or "").split(":")[-1]


def _months(first: str, last: str) -> list[str]:
    y, m = int(first[:4]), int(first[5:7])
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _person_label(ctx: Ctx, ref: str | None) -> str:
    """The display name of a person of the portfolio, else the reference as written."""
    return person_name(ctx.view.catalog, ref)


def _baseline_label(b: Baseline | None) -> str:
    if b is None:
        return ""
    kind, _, ref = b.approved_by.partition(":")
    by = f"gate {ref}" if kind == "gate" else f"change request {ref}"
    return f"{b.id}: finish {b.schedule.finish}, set {b.date}, approved by {by}"


def _active_label(p: ProjectView) -> str:
    """The active baseline, and a warning when its approving decision is not recorded as approved."""
    slip = p.slip
    if slip.active is None:
        return p.project.spec.active_baseline or ""
    if not slip.rebaselined:
        first = f"{slip.active.id} (the first approved baseline)"
        return first if slip.active_approved else _baseline_label(slip.active)
    text = _baseline_label(slip.active)
    if not slip.active_approved:
        text += " (no approved decision recorded for it)"
    return text


def _issues_and_decisions(ctx: Ctx, p: ProjectView) -> str:
    """Open issues (worst first) and the decisions the latest status report still waits for."""
    from pmo_lint.model.kinds import Issue

    order = {"critical": 0, "high": 1, "medium": 2, "low": 3}
    issues = [cast("Issue", i.entity) for i in ctx.view.catalog.project_records(p.name, Issue.KIND)]
    live = sorted(
        (i for i in issues if i.spec.state in ("open", "in-progress")),
        key=lambda i: (order[i.spec.severity], i.spec.raised_date, i.name),
    )
    out = ["\n## Open issues\n\n"]
    if live:
        rows = [
            (
                esc(i.name),
                esc(i.display),
                esc(i.spec.severity),
                esc(i.spec.state),
                esc(_person_label(ctx, i.spec.owner)),
                str(i.spec.raised_date),
                str(i.spec.due_date or ""),
                esc(f"{i.spec.escalation.level} ({i.spec.escalation.escalated_date})") if i.spec.escalation else "",
            )
            for i in live
        ]
        out.append(md_table(("Id", "Issue", "Severity", "State", "Owner", "Raised", "Due", "Escalated to"), rows))
    else:
        out.append(f"No open issues ({len(issues)} resolved or closed).\n" if issues else "No issues recorded.\n")
    latest = p.latest
    waiting = [d for d in (latest.spec.decisions_needed if latest else []) if isinstance(d, str) or d.state == "open"]
    if waiting and latest is not None:
        out.append(f"\n### Decisions needed (status report of {latest.spec.report_date})\n\n")
        sponsor = p.project.spec.sponsor
        decisions: list[tuple[str, ...]] = [
            (esc(d), "", "", esc(_person_label(ctx, sponsor)))
            if isinstance(d, str)
            else (
                esc(d.decision),
                str(d.raised_date or ""),
                str(d.needed_by or ""),
                esc(_person_label(ctx, d.decider or sponsor)),
            )
            for d in waiting
        ]
        out.append(md_table(("Decision", "Raised", "Needed by", "Decider"), decisions))
    return "".join(out)


def s_curve(p: ProjectView) -> Html | None:
    """Cumulative planned value (baseline by period), actual cost, and the earned value of each report."""
    spec = p.project.spec
    planned = spec.budget.by_period if spec.budget else []
    for b in spec.baselines:
        if b.id == spec.active_baseline and b.budget.by_period:
            planned = b.budget.by_period
    plan = {pp.period: pp.planned for pp in planned}
    actual: dict[str, float] = defaultdict(float)
    for a in spec.actuals:
        actual[a.period] += a.cost
    earned: dict[str, float] = {}
    reported_ac: dict[str, float] = {}
    for r in p.reports:
        if r.spec.evm:
            month = (r.spec.status_date or r.spec.report_date).strftime("%Y-%m")
            earned[month] = r.spec.evm.ev
            reported_ac[month] = r.spec.evm.ac
    keys = sorted(set(plan) | set(actual) | set(earned))
    if not keys:
        return None
    months = _months(keys[0], keys[-1])
    pv, ac, total_pv, total_ac = [], [], 0.0, 0.0
    last_actual = max(actual) if actual else ""
    for m in months:
        total_pv += plan.get(m, 0.0)
        total_ac += actual.get(m, 0.0)
        pv.append(total_pv if plan else None)
        ac.append(total_ac if actual and m <= last_actual else None)
    series = [Series("Planned value (PV)", "#1976d2", pv)]
    if actual:
        series.append(Series("Actual cost (AC)", "#c62828", ac))
    elif reported_ac:
        series.append(
            Series("Actual cost (AC, reported)", "#c62828", [reported_ac.get(m) for m in months], points=True)
        )
    if earned:
        series.append(Series("Earned value (EV)", "#2e7d32", [earned.get(m) for m in months], points=True))
    if p.bac:
        series.append(Series("BAC", "#9e9e9e", [p.bac] * len(months), dashed=True))
    return line_chart(f"EVM S-curve of {p.name}", months, series, unit=p.currency)


def _plain(value: Any) -> Any:
    # raw YAML data as written, for the "all fields" listing
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)


def render_project(ctx: Ctx, p: ProjectView) -> str:
    here = p.page
    proj = p.project
    spec = proj.spec
    md = proj.metadata
    out = [front(p.title)]
    out.append(block(f"<h1>{esc(p.title)}</h1>", f"<p><code>{esc(proj.ref)}</code></p>"))
    out.append("\n" + as_of_note(ctx))
    if md.description:
        out.append(block(f"<p>{esc(md.description)}</p>") + "\n")

    out.append("## Overview\n\n")
    links = " · ".join(external_link(link.url, link.title) for link in md.links)
    gates = ", ".join(f"{g.gate} {g.decision}" + (f" {g.date}" if g.date else "") for g in spec.lifecycle.gates)
    program = section_link(ctx, here, "strategy", p.program) if p.program else ""
    portfolio = section_link(ctx, here, "strategy", p.portfolio) if p.portfolio else ""
    out.append(
        _kv(
            [
                ("Name", f"`{p.name}`"),
                ("Type / category", esc(f"{spec.type} / {spec.category}")),
                ("Phase / state", esc(f"{p.phase} / {p.state}")),
                ("Gates", esc(gates)),
                ("Portfolio", portfolio),
                ("Program", program),
                ("Health (reported / computed)", f"{reported_badge(p.health)} / {computed_cell(p.health)}"),
                ("Owner (project manager)", esc(_person_label(ctx, spec.owner))),
                ("Sponsor", esc(_person_label(ctx, spec.sponsor))),
                ("Template", esc(spec.template or "none")),
                ("Strategic goals", esc(", ".join(p.goals))),
                ("Priority score / rank", esc(f"{num(p.priority_score)} / {p.computed_rank or '–'}")),
                ("Maturity level", esc(p.maturity or "–")),
                ("Percent complete", pct(spec.percent_complete)),
                ("Tags", esc(", ".join(md.tags))),
                ("Labels", esc(", ".join(f"{k}={v}" for k, v in sorted(md.labels.items())))),
                ("Links", links),
            ]
        )
    )
    if spec.business_case:
        out.append("\n### Business case\n\n" + block(f"<p>{esc(spec.business_case.summary)}</p>"))

    out.append("\n## Health\n\n")
    out.append(block(health_block(p.health)) + "\n")
    latest = p.latest
    if latest:
        h = latest.spec.health
        out.append(f"Latest status report: {latest.spec.report_date} ({p.status_age} days before the as-of date).\n\n")
        out.append(
            md_table(
                ("Dimension", "Reported RAG", "Comment"),
                [(d, rag_badge(getattr(h, d).rag), esc(getattr(h, d).comment or "")) for d in DIMENSIONS],
            )
        )
        out.append("\n" + block(f"<p><strong>Summary.</strong> {esc(latest.spec.executive_summary)}</p>"))
    else:
        out.append("No status report yet.\n")
    out.append("\n### Status history\n\n")
    out.append(
        md_table(
            ("Report", *(d.capitalize() for d in DIMENSIONS), "Complete", "Summary"),
            [
                (
                    str(r.spec.report_date),
                    *(
                        rag_badge(getattr(r.spec.health, d).rag, getattr(r.spec.health, d).comment or "")
                        for d in DIMENSIONS
                    ),
                    pct(r.spec.percent_complete),
                    esc(r.spec.executive_summary),
                )
                for r in reversed(p.reports)
            ],
        )
    )

    out.append("\n## Schedule and milestones\n\n")
    s = spec.schedule
    out.append(
        _kv(
            [
                ("Requested", esc(f"{s.requested.start} to {s.requested.end}") if s.requested else ""),
                ("Approved", esc(f"{s.approved.start} to {s.approved.end}") if s.approved else ""),
                ("Forecast finish", esc(str(s.forecast.finish)) if s.forecast else ""),
                ("Actual", esc(f"{s.actual.start or '?'} to {s.actual.finish or '…'}") if s.actual else ""),
                ("First approved baseline", esc(_baseline_label(p.slip.first))),
                ("Active baseline", esc(_active_label(p))),
                ("Finish slip", esc(p.slip.text)),
            ]
        )
    )
    out.append("\n")
    baseline_dates: dict[str, dt.date] = {}
    for b in spec.baselines:
        if b.id == spec.active_baseline:
            baseline_dates = dict(b.schedule.milestones)
    # after a re-baseline, the dates first approved stand beside the active ones
    first_dates = dict(p.slip.first.schedule.milestones) if p.slip.first and p.slip.rebaselined else None
    milestone_rows = []
    for m in spec.milestones:
        first = (str(first_dates.get(m.id, "")),) if first_dates is not None else ()
        milestone_rows.append(
            (
                name_text(m.id),
                esc(m.title),
                "yes" if m.key else "",
                *first,
                str(baseline_dates.get(m.id, "")),
                str(m.forecast_date),
                str(m.actual_date or ""),
                esc(m.status),
            )
        )
    base_headers = ("First baseline", "Active baseline") if first_dates is not None else ("Baseline",)
    out.append(md_table(("Id", "Milestone", "Key", *base_headers, "Forecast", "Actual", "Status"), milestone_rows))

    out.append("\n## Budget and earned value\n\n")
    e = p.evm
    out.append(
        _kv(
            [
                ("Budget at completion (BAC)", esc(money(p.bac, p.currency))),
                # no recorded cost is not a cost of 0
                (
                    "Actual cost to date",
                    esc(money(p.actual_cost, p.currency)) if p.project.spec.actuals else "none recorded",
                ),
                (
                    "PV / EV / AC (latest report)",
                    esc(f"{money(e.pv)} / {money(e.ev)} / {money(e.ac, p.currency)}") if e else "",
                ),
                ("CPI / SPI", esc(f"{num(e.cpi)} / {num(e.spi)}") if e else ""),
                ("EAC / VAC", esc(f"{money(e.eac, p.currency)} / {money(e.vac, p.currency)}") if e else ""),
            ]
        )
    )
    chart = s_curve(p)
    if chart:
        out.append("\n" + block(f'<figure data-search-exclude="chart">{chart}</figure>'))

    out.append("\n## Risks\n\n")
    risk_rows = []
    for r in p.risks:
        risk = cast("Risk", r.item.entity)
        anchor = f'<a id="{r.anchor}"></a>'
        risk_rows.append(
            (
                anchor + name_text(r.name),
                esc(r.title),
                esc(f"{r.probability} × {r.impact}"),
                str(r.score or "–"),
                esc(r.rank),
                esc(risk.spec.state),
                esc(risk.spec.description or ""),
            )
        )
    out.append(md_table(("Id", "Risk", "Probability × impact", "Score", "Rank", "State", "Description"), risk_rows))

    out.append(_issues_and_decisions(ctx, p))

    out.append("\n## Change requests\n\n")
    cr_rows = []
    for c in p.changes:
        cr = cast("ChangeRequest", c.entity)
        cs = cr.spec
        cr_rows.append(
            (
                name_text(cr.name),
                esc(cr.display),
                esc(", ".join(cs.category)),
                str(cs.requested_date),
                esc(cs.state),
                esc(cs.approval.status),
                esc(_signed(cs.delta.budget, p.currency)),
                esc(f"{cs.delta.finish_days} days") if cs.delta.finish_days is not None else "",
            )
        )
    out.append(
        md_table(("Id", "Title", "Category", "Requested", "State", "Approval", "Budget delta", "Finish delta"), cr_rows)
    )
    if p.benefits:
        out.append("\n## Benefits\n\n")
        rows = []
        for item in p.benefits:
            benefit = cast("Benefit", item.entity)
            bs = benefit.spec
            rows.append(
                (
                    name_text(benefit.name),
                    esc(f"{bs.kpi} ({bs.unit})"),
                    num(bs.baseline),
                    num(bs.target),
                    str(bs.target_date),
                    esc(bs.state),
                )
            )
        out.append(md_table(("Id", "KPI", "Baseline", "Target", "By", "State"), rows))

    out.append("\n## Findings\n\n")
    out.append(findings_table(ctx, here, p.findings))
    if p.suppressed:
        out.append("\nSuppressed (waived or disabled inline):\n\n" + findings_table(ctx, here, p.suppressed))
    out.append("\n## Waivers\n\n")
    waiver_rows = []
    for w in p.waivers:
        ws = cast("Waiver", w.entity).spec
        waiver_rows.append(
            (
                name_text(w.entity.name),
                esc(ws.check),
                esc(_person_label(ctx, ws.approved_by)),
                str(ws.expires),
                esc(ws.justification),
            )
        )
    out.append(md_table(("Waiver", "Check", "Approved by", "Expires", "Justification"), waiver_rows))
    data = json.dumps(_plain(p.item.data), indent=2, ensure_ascii=False, sort_keys=False)
    # the raw data is kept out of the search index (the fields above are in it; on a large portfolio the
    # index is what a reader's browser downloads) and keeps its lines (see pre_lines)
    out.append(
        "\n## All fields\n\n"
        + block(f'<details data-search-exclude="raw"><summary>{esc(p.item.path)}</summary>{pre_lines(data)}</details>')
    )
    if ctx.has("projects"):
        out.append(f"\n[All projects]({rel(here, INDEX)})\n")
    return "".join(out)


def _signed(amount: float | None, currency: str) -> str:
    """A change's budget delta: "+50,000 EUR", "-20,000 EUR"."""
    if amount is None:
        return ""
    return ("+" if amount > 0 else "") + money(amount, currency)


def render(ctx: Ctx) -> dict[str, str]:
    v = ctx.view
    pages = {p.page: render_project(ctx, p) for p in v.projects}
    rows = [
        (
            project_link(ctx, INDEX, p.name, p.name),
            esc(p.title),
            esc(p.phase),
            esc(p.state),
            reported_badge(p.health),
            computed_cell(p.health),
            esc(money(p.bac, p.currency)),
            esc(p.portfolio),
            esc(p.program),
        )
        for p in v.projects
    ]
    pages[INDEX] = (
        front("Projects")
        + "# Projects\n\n"
        + as_of_note(ctx)
        + paged_table(
            pages,
            INDEX,
            "Projects",
            PROJECT_LIST_HEADERS,
            rows,
        )
    )
    return pages
