"""The portfolio dashboard: counts, the PMO indicators, the RAG table with trends, budget vs actual."""

from __future__ import annotations

from collections import Counter

from pmo_lint.site.html import RAG_COLOURS, Html, block, esc, md_table, money, num, pct, rag_badge
from pmo_lint.site.page.common import Ctx, as_of_note, front, paged_table, project_link, section_link
from pmo_lint.site.svg import hbar_chart
from pmo_lint.site.view import DIMENSIONS, INDICATOR_TEXT, TREND_REPORTS, ProjectView, severity_counts

HERE = "index.md"
BUDGET_CHART_MAX = 25  # projects in the budget chart (largest BAC first); the table lists all


def trend(p: ProjectView) -> Html:
    """The overall RAG of the last reports, oldest first, as small squares with the date as tooltip."""
    cells = []
    for r in p.reports[-TREND_REPORTS:]:
        rag = r.spec.health.overall.rag
        cells.append(
            f'<span title="{r.spec.report_date}: {rag}" style="display:inline-block;width:.8em;height:.8em;'
            f'margin-right:1px;background:{RAG_COLOURS[rag]}"></span>'
        )
    return Html("".join(cells) or "–")


def _cards(items: list[tuple[str, str]]) -> str:
    lis = "".join(f"<li><strong>{value}</strong><br>{label}</li>" for label, value in items)
    return f'<div class="grid cards pmo-cards">\n<ul>{lis}</ul>\n</div>\n'


def render(ctx: Ctx) -> dict[str, str]:
    v = ctx.view
    active = [p for p in v.projects if p.active]
    cur = v.currency
    counts = severity_counts(v.result.diagnostics)
    parts = [front("Dashboard"), "# Portfolio dashboard\n\n"]
    pages: dict[str, str] = {}
    parts.append(block(f"<p><strong>{esc(v.organization)}</strong></p>"))
    parts.append("\n" + as_of_note(ctx))
    total_bac = sum(p.bac or 0 for p in active)
    total_ac = sum(p.actual_cost for p in active)
    parts.append(
        _cards(
            [
                ("projects (active / all)", f"{len(active)} / {len(v.projects)}"),
                ("budget at completion, active", esc(money(total_bac, cur))),
                ("actual cost, active", esc(money(total_ac, cur))),
                ("open risks", str(sum(1 for p in active for r in p.risks if r.open))),
                ("findings (error / warning / info)", f"{counts['error']} / {counts['warning']} / {counts['info']}"),
                ("waivers", str(len(v.waivers))),
            ]
        )
    )

    parts.append("\n## When you need a PMO\n\n")
    parts.append(
        "Share of the active projects showing each symptom of a portfolio that needs a PMO. Lower is better.\n\n"
    )
    rows = []
    for key, label, definition in INDICATOR_TEXT:
        hits = [p for p in active if getattr(p.indicators, key)]
        share = 100.0 * len(hits) / len(active) if active else 0.0
        rows.append((esc(label), f"**{pct(share)}**", f"{len(hits)} / {len(active)}", esc(definition)))
    parts.append(md_table(("Indicator", "Share", "Projects", "Counted when"), rows, "lrrl"))

    parts.append("\n## Projects by phase and health\n\n")
    phases = [ph.id for ph in v.spec.lifecycle.phases] if v.spec else []
    by_phase = Counter(p.phase for p in v.projects)
    order = phases + sorted(set(by_phase) - set(phases))
    parts.append(md_table(("Phase", "Projects"), [(esc(ph), str(by_phase[ph])) for ph in order if by_phase[ph]], "lr"))
    parts.append("\n")
    by_health = Counter(p.latest.spec.health.overall.rag if p.latest else "" for p in active)
    parts.append(
        md_table(
            ("Overall health (active projects)", "Projects"),
            [(rag_badge(rag), str(by_health[rag])) for rag in ("green", "amber", "red", "") if by_health[rag]],
            "lr",
        )
    )

    parts.append("\n## RAG status\n\n")
    parts.append(
        "Latest status report of each active project, in the five dimensions; the trend shows the overall "
        f"health of the last {TREND_REPORTS} reports, oldest first.\n\n"
    )
    rag_rows = []
    for p in active:
        latest = p.latest
        dims = [
            rag_badge(getattr(latest.spec.health, d).rag, getattr(latest.spec.health, d).comment or "")
            if latest
            else rag_badge(None)
            for d in DIMENSIONS
        ]
        when = latest.spec.report_date.isoformat() if latest else "no report"
        rag_rows.append((project_link(ctx, HERE, p.name, p.title), esc(p.phase), *dims, trend(p), when))
    rag_headers = ("Project", "Phase", "Overall", "Schedule", "Cost", "Resources", "Scope", "Trend", "Report")
    parts.append(paged_table(pages, HERE, "RAG status", rag_headers, rag_rows, key="rag"))

    parts.append("\n## Budget and actual cost\n\n")
    with_budget = sorted((p for p in active if p.bac), key=lambda p: (-(p.bac or 0), p.name))
    if with_budget:
        shown = with_budget[:BUDGET_CHART_MAX]
        chart = hbar_chart(
            "Budget at completion, actual cost and estimate at completion per project",
            [(p.name, (p.bac or 0, p.actual_cost, p.evm.eac if p.evm and p.evm.eac else 0.0)) for p in shown],
            ("BAC", "Actual", "EAC"),
            ("#90caf9", "#1565c0", "#ef8f00"),
            unit=cur,
        )
        parts.append(block(f"<figure>{chart}</figure>"))
        if len(with_budget) > len(shown):
            parts.append(f"\nThe chart shows the {len(shown)} largest budgets; the table lists all.\n")
        parts.append("\n")
    budget_rows = [
        (
            project_link(ctx, HERE, p.name, p.title),
            esc(money(p.bac, p.currency)),
            esc(money(p.actual_cost, p.currency)),
            esc(money(p.evm.eac if p.evm else None, p.currency)),
            num(p.evm.cpi if p.evm else None),
            num(p.evm.spi if p.evm else None),
        )
        for p in with_budget
    ]
    budget_headers = ("Project", "BAC", "Actual", "EAC", "CPI", "SPI")
    parts.append(
        paged_table(pages, HERE, "Budget and actual cost", budget_headers, budget_rows, "lrrrrr", key="budget")
    )

    links = [
        section_link(ctx, HERE, s, label)
        for s, label in (
            ("projects", "All projects"),
            ("strategy", "Strategy"),
            ("roadmap", "Roadmap"),
            ("risks", "Risks"),
            ("resources", "Resources"),
            ("prioritisation", "Prioritisation"),
            ("audit", "Audit"),
            ("templates", "Templates"),
            ("rules", "Rules"),
        )
        if ctx.has(s)
    ]
    if links:
        parts.append("\n## More\n\n" + " · ".join(links) + "\n")
    return {HERE: "".join(parts), **pages}
