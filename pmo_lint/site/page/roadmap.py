"""The roadmap: a Gantt-style chart of the projects with their baselines and milestones."""

from __future__ import annotations

from collections import defaultdict

from pmo_lint.site.html import block, esc, name_text
from pmo_lint.site.page.common import (
    PAGE_ROWS,
    Ctx,
    as_of_note,
    continuation,
    front,
    paged_sections,
    paged_table,
    project_link,
)
from pmo_lint.site.page.health import computed_cell, live, reported_badge, rollup, rollup_line
from pmo_lint.site.svg import GanttRow, gantt
from pmo_lint.site.view import ProjectView, Slip, forecast_finish

HERE = "roadmap.md"
COLOURS = {"green": "#43a047", "amber": "#ef8f00", "red": "#e53935"}


def _row(p: ProjectView) -> GanttRow:
    spec = p.project.spec
    s = spec.schedule
    start = (s.actual.start if s.actual and s.actual.start else None) or (s.forecast.start if s.forecast else None)
    start = start or (s.approved.start if s.approved else None) or (s.requested.start if s.requested else None)
    baseline = None
    for b in spec.baselines:
        if b.id == spec.active_baseline:
            baseline = (b.schedule.start, b.schedule.finish)
    # the computed overall health where the figures were judged (a watermelon is red here), else as reported
    rag = p.health.computed or (p.latest.spec.health.schedule.rag if p.latest else "")
    milestones = tuple(
        (m.actual_date or m.forecast_date, m.title, m.status == "done") for m in spec.milestones if m.key
    )
    return GanttRow(p.name, start, forecast_finish(p.project), baseline, milestones, COLOURS.get(rag, "#1976d2"))


def baseline_text(slip: Slip) -> str:
    """The baseline finish; the first approved one too when the project was re-baselined since."""
    if slip.active is None:
        return f"{slip.first.schedule.finish} (first)" if slip.first is not None else ""
    if not slip.rebaselined or slip.first is None:
        return str(slip.active.schedule.finish)
    first, active = slip.first, slip.active
    return f"{first.schedule.finish} (first, {first.id}), {active.schedule.finish} (active, {active.id})"


# portfolios on one page: each holds a chart of up to PAGE_ROWS projects and a table of as many rows
PORTFOLIOS_PER_PAGE = 3


def render(ctx: Ctx) -> dict[str, str]:
    v = ctx.view
    head = [front("Roadmap"), "# Roadmap\n\n", as_of_note(ctx)]
    head.append(
        "Bars run from start to forecast finish, coloured by the computed health (the figures and checks; the "
        "latest reported schedule health where there is nothing to judge); the thin grey bar under each is the "
        "active baseline; diamonds are key milestones (green when done); the dashed red line is the as-of date. "
        "Projects are grouped by portfolio. The slip is the forecast finish against the first approved baseline "
        "and against the active one: a baseline moved without approval shows as a slip against the first.\n\n"
    )
    pages: dict[str, str] = {}
    groups: dict[str, list[ProjectView]] = defaultdict(list)
    for p in v.projects:
        if p.active or not p.closed:
            groups[p.portfolio].append(p)
    sections: list[str] = []
    titles = {e.entity.name: e.entity.display for e in v.catalog.of_kind("Portfolio")}
    for number, portfolio in enumerate(sorted(groups), 1):
        out = []
        rows = [_row(p) for p in groups[portfolio]]
        rows = [r for r in rows if r.start and r.finish]
        rows.sort(key=lambda r: (r.start, r.label))
        if not portfolio:
            heading = "No portfolio"
        elif portfolio in titles and titles[portfolio] != portfolio:
            heading = f"{esc(titles[portfolio])} <small>`{name_text(portfolio)}`</small>"
        else:
            heading = name_text(portfolio)
        out.append(f"## {heading}\n\n")
        out.append(rollup_line(ctx, HERE, rollup(p for p in groups[portfolio] if live(p))))
        if len(rows) > PAGE_ROWS:
            out.append(f"The chart shows the {PAGE_ROWS} projects that started first; the table lists all.\n\n")
            rows = rows[:PAGE_ROWS]
        if rows:
            chart = gantt(f"Roadmap of portfolio {portfolio or 'none'}", rows, v.as_of)
            out.append(block(f"<figure>{chart}</figure>") + "\n")
        table = []
        for p in sorted(groups[portfolio], key=lambda p: p.name):
            fc = forecast_finish(p.project)
            table.append(
                (
                    project_link(ctx, HERE, p.name, p.title),
                    esc(p.phase),
                    reported_badge(p.health),
                    computed_cell(p.health),
                    esc(baseline_text(p.slip)),
                    str(fc or ""),
                    p.slip.text,  # our words and numbers only
                    str(p.key_overdue or ""),
                )
            )
        headers = (
            "Project",
            "Phase",
            "Reported",
            "Computed",
            "Baseline finish",
            "Forecast finish",
            "Slip",
            "Key milestones overdue",
        )
        title = f"Roadmap of portfolio {portfolio or 'none'}"
        shown_on = (number - 1) // PORTFOLIOS_PER_PAGE + 1  # the page of sections this one lands on
        start = continuation(HERE, shown_on, "portfolios") if shown_on > 1 else HERE
        out.append(paged_table(pages, HERE, title, headers, table, key=f"p{number}", start=start))
        out.append("\n")
        sections.append("".join(out))
    head.append(
        paged_sections(pages, HERE, "Roadmap", sections, PORTFOLIOS_PER_PAGE, unit="Portfolios", key="portfolios")
    )
    if not groups:
        head.append("_No projects._\n")
    return {HERE: "".join(head), **pages}
