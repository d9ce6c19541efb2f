"""The risk heat map (probability × impact, counts of open risks, links) and the risk register."""

from __future__ import annotations

from collections import defaultdict

from pmo_lint.site.html import block, esc
from pmo_lint.site.page.common import Ctx, as_of_note, front, paged_table, project_link, rel
from pmo_lint.site.view import RiskView, person_name, project_page

HERE = "risks.md"
RANK_COLOURS = {"low": "#a5d6a7", "medium": "#fff59d", "high": "#ffb74d", "critical": "#e57373", "": "#eeeeee"}


def cell_anchor(probability: str, impact: str) -> str:
    return f"cell-{probability}-{impact}"


def render(ctx: Ctx) -> dict[str, str]:
    v = ctx.view
    spec = v.spec
    risks = [r for p in v.projects for r in p.risks]
    open_risks = [r for r in risks if r.open]
    out = [front("Risks"), "# Risk heat map\n\n", as_of_note(ctx)]
    pages: dict[str, str] = {}
    out.append(
        "Open risks (state open or monitoring) of every project by probability and impact; the colour is the rank "
        "of the score in the PMO's risk matrix. A count links to the risks of that cell.\n\n"
    )
    cells: dict[tuple[str, str], list[RiskView]] = defaultdict(list)
    for r in open_risks:
        cells[(r.probability, r.impact)].append(r)
    if spec:
        probs = sorted(spec.scales.probability, key=lambda lv: -lv.value)
        imps = sorted(spec.scales.impact, key=lambda lv: lv.value)
        header = "<th>Probability \\ impact</th>".replace("\\", "&#92;") + "".join(
            f"<th>{esc(lv.title or lv.id)}<br><small>{lv.value}</small></th>" for lv in imps
        )
        rows = []
        for pl in probs:
            tds = [f"<th>{esc(pl.title or pl.id)} <small>{pl.value}</small></th>"]
            for il in imps:
                score = pl.value * il.value
                rank = ""
                for rk in sorted(spec.risk_matrix.ranks, key=lambda r: r.min_score):
                    if score >= rk.min_score:
                        rank = rk.id
                hits = cells.get((pl.id, il.id), [])
                label = str(len(hits)) if hits else ""
                style = f"background:{RANK_COLOURS[rank]};text-align:center;min-width:3em"
                tds.append(f'<td style="{style}" title="score {score} {esc(rank)}">{label}</td>')
            rows.append("<tr>" + "".join(tds) + "</tr>")
        table = f'<table class="pmo-heatmap"><thead><tr>{header}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
        out.append(block(table) + "\n")
        # the cells' links live in a Markdown list so that every generator checks them
        links = [
            f"[{esc(pl.id)} × {esc(il.id)}: {len(cells[(pl.id, il.id)])}](#{cell_anchor(pl.id, il.id)})"
            for pl in probs
            for il in reversed(imps)
            if cells.get((pl.id, il.id))
        ]
        if links:
            out.append("Cells: " + " · ".join(links) + "\n\n")
        unknown = [
            r for r in open_risks if (r.probability, r.impact) not in {(p.id, i.id) for p in probs for i in imps}
        ]
    else:
        unknown = open_risks
        out.append("_The portfolio has no pmo.yaml, so there are no scales to draw the heat map on._\n\n")

    out.append("## Open risks by cell\n\n")
    ordered_cells = sorted(cells.items(), key=lambda kv: (-(kv[1][0].score or 0), kv[0]))
    for number, ((prob, imp), items) in enumerate(ordered_cells, 1):
        out.append(block(f'<h3 id="{cell_anchor(prob, imp)}">{esc(prob)} × {esc(imp)}</h3>'))
        out.append("\n" + _register(ctx, items, pages, f"Open risks {prob} × {imp}", f"c{number}") + "\n")
    if unknown:
        text = _register(ctx, unknown, pages, "Risks off the scales", "unknown")
        out.append("Risks whose probability or impact is not on the PMO's scales:\n\n" + text + "\n")
    out.append("## Register\n\nEvery risk, highest score first.\n\n")
    ordered = sorted(risks, key=lambda r: (-(r.score or 0), r.project, r.name))
    out.append(_register(ctx, ordered, pages, "Risk register"))
    return {HERE: "".join(out), **pages}


def _register(ctx: Ctx, items: list[RiskView], pages: dict[str, str], title: str, key: str = "") -> str:
    rows = []
    for r in items:
        target = f"{project_page(r.project)}#{r.anchor}"
        link = f"[{esc(r.name)}]({rel(HERE, target)})" if ctx.has("projects") else esc(r.name)
        rows.append(
            (
                link,
                project_link(ctx, HERE, r.project),
                esc(r.title),
                str(r.score or "–"),
                esc(r.rank),
                esc(r.item.entity.spec.state),  # type: ignore[attr-defined]
                esc(person_name(ctx.view.catalog, r.item.entity.spec.owner)),  # type: ignore[attr-defined]
            )
        )
    headers = ("Risk", "Project", "Title", "Score", "Rank", "State", "Owner")
    return paged_table(pages, HERE, title, headers, rows, key=key)
