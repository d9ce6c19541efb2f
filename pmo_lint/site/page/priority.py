"""Prioritisation: projects ranked by their computed score, and a value × risk scatter."""

from __future__ import annotations

from pmo_lint.site.html import block, esc, money, num
from pmo_lint.site.page.common import PAGE_ROWS, Ctx, as_of_note, front, paged_table, project_link
from pmo_lint.site.svg import Point, scatter

HERE = "prioritisation.md"


def render(ctx: Ctx) -> dict[str, str]:
    v = ctx.view
    method = v.spec.prioritization.method if v.spec else "weighted"
    out = [front("Prioritisation"), "# Prioritisation\n\n", as_of_note(ctx)]
    scored = sorted((p for p in v.projects if p.priority_score is not None), key=lambda p: p.computed_rank or 0)
    out.append(
        f"Scores use the PMO's {esc(method)} model from pmo.yaml. The board's rank (spec.prioritization.priority) "
        "is shown beside the computed rank so that differences stand out.\n\n"
    )
    rows = []
    for p in scored:
        inputs = p.project.spec.prioritization
        board = inputs.priority if inputs else None
        rows.append(
            (
                str(p.computed_rank),
                project_link(ctx, HERE, p.name, p.title),
                num(p.priority_score),
                str(board or "–"),
                esc(p.phase),
                esc(money(p.bac, p.currency)),
            )
        )
    pages: dict[str, str] = {}
    headers = ("Rank", "Project", "Score", "Board rank", "Phase", "BAC")
    out.append(paged_table(pages, HERE, "Prioritisation", headers, rows, "rlrrlr"))
    unscored = [p for p in v.projects if p.priority_score is None and p.active]
    if unscored:
        out.append("\nActive projects without prioritisation inputs: ")
        out.append(", ".join(project_link(ctx, HERE, p.name) for p in unscored[:PAGE_ROWS]))
        more = len(unscored) - PAGE_ROWS
        out.append(f" and {more:,} more (see data.json).\n" if more > 0 else ".\n")

    out.append("\n## Value and risk\n\n")
    out.append(
        "Each scored project by its priority score (value, up) and the highest score of its open risks (risk, "
        "right); the bubble grows with the budget. Top left: high value, low risk.\n\n"
    )
    if scored:
        if len(scored) > PAGE_ROWS:
            out.append(f"The chart shows the {PAGE_ROWS} projects ranked highest.\n\n")
        scored = scored[:PAGE_ROWS]
        max_bac = max((p.bac or 0 for p in scored), default=0) or 1.0
        max_risk = max((r.score or 0 for p in scored for r in p.risks), default=0)
        points = [
            Point(
                p.name,
                float(max((r.score or 0 for r in p.risks if r.open), default=0)),
                p.priority_score or 0.0,
                (p.bac or 0) / max_bac,
            )
            for p in scored
        ]
        y_max = 100.0 if method == "weighted" else max(p.y for p in points) or 1.0
        chart = scatter(
            "Priority score against highest open risk score",
            points,
            x_label="highest open risk score",
            y_label="priority score",
            x_max=float(max(max_risk, 25)),
            y_max=y_max,
        )
        out.append(block(f"<figure>{chart}</figure>") + "\n")
    else:
        out.append("_No project has prioritisation inputs._\n")
    return {HERE: "".join(out), **pages}
