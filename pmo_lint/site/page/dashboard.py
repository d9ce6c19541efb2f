"""The portfolio dashboard: counts, the PMO indicators, the RAG table with trends, budget vs actual."""

from __future__ import annotations

from collections import Counter, defaultdict

from pmo_lint.site.html import RAG_COLOURS, Html, amounts, block, esc, md_table, money, num, pct, rag_badge
from pmo_lint.site.page.common import Ctx, as_of_note, front, paged_table, project_link, section_link
from pmo_lint.site.page.health import RAGS, Rollup, computed_cell, rollup, watermelon_badge
from pmo_lint.site.svg import hbar_chart
from pmo_lint.site.view import DIMENSIONS, INDICATOR_TEXT, TREND_REPORTS, ProjectView, severity_counts

HERE = "index.md"
DIMENSION_HEADERS = ("Overall", "Schedule", "Cost", "Resources", "Scope")  # the order of DIMENSIONS
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


def _health_counts(health: Rollup) -> str:
    """Active projects by overall health, as reported and as computed, side by side."""
    rows = [
        (rag_badge(rag, empty="no report / not judged"), str(health.reported[rag]), str(health.computed[rag]))
        for rag in (*RAGS, "")
        if health.reported[rag] or health.computed[rag]
    ]
    headers = ("Overall health (active projects)", "Reported", "Computed")
    note = (
        "\n*No report*: no status report yet; *not judged*: no earned value, actual cost or key milestone to "
        "judge yet.\n"
        if health.reported[""] or health.computed[""]
        else ""
    )
    return md_table(headers, rows, "lrr") + note


def _watermelons(ctx: Ctx, pages: dict[str, str], active: list[ProjectView]) -> str:
    """The active projects reported green whose figures are red, each with why."""
    melons = [p for p in active if p.health.watermelon]
    if not melons:
        return "\nNo active project is reported green while its figures are red.\n"
    rows = [(project_link(ctx, HERE, p.name, p.title), watermelon_badge(), esc(p.health.why)) for p in melons]
    title = "Reported green, figures red"
    head = f"\n### {title}\n\n{len(melons):,} active project{'s' if len(melons) != 1 else ''}:\n\n"
    return head + paged_table(pages, HERE, title, ("Project", "Health", "Why"), rows, key="melon")


def render(ctx: Ctx) -> dict[str, str]:
    v = ctx.view
    active = [p for p in v.projects if p.active]
    cur = v.currency
    counts = severity_counts(v.result.diagnostics)
    parts = [front("Dashboard"), "# Portfolio dashboard\n\n"]
    pages: dict[str, str] = {}
    parts.append(block(f"<p><strong>{esc(v.organization)}</strong></p>"))
    parts.append("\n" + as_of_note(ctx))
    # per currency: a project in another currency than the PMO's is never added in as if it were the same
    total_bac: dict[str, float] = defaultdict(float)
    total_ac: dict[str, float] = defaultdict(float)
    for p in active:
        total_bac[p.currency or cur] += p.bac or 0
        total_ac[p.currency or cur] += p.actual_cost
    health = rollup(active)
    parts.append(
        _cards(
            [
                ("projects (active / all)", f"{len(active)} / {len(v.projects)}"),
                ("budget at completion, active", esc(amounts(total_bac) if total_bac else money(0.0, cur))),
                ("actual cost, active", esc(amounts(total_ac) if total_ac else money(0.0, cur))),
                (
                    "computed health, active (red / amber / green)",
                    " / ".join(str(health.computed[rag]) for rag in RAGS),
                ),
                ("watermelons: reported green, figures red", str(len(health.watermelons))),
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
    parts.append(_health_counts(health))
    parts.append(_watermelons(ctx, pages, active))

    parts.append("\n## RAG status\n\n")
    parts.append(
        "Latest status report of each active project, in the five dimensions; **Computed** is the overall "
        "health the figures and checks give (earned value, key milestones, critical risks, errors found), with "
        f"the reasons; the trend shows the overall health of the last {TREND_REPORTS} reports, oldest first.\n\n"
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
        link = project_link(ctx, HERE, p.name, p.title)
        rag_rows.append((link, esc(p.phase), dims[0], computed_cell(p.health), *dims[1:], trend(p), when))
    rag_headers = ("Project", "Phase", "Overall", "Computed", *DIMENSION_HEADERS[1:], "Trend", "Report")
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
