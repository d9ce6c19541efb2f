"""The resource heat map: each person's summed allocation per month against their capacity."""

from __future__ import annotations

from itertools import groupby

from pmo_lint.site.html import block, esc, md_table, num
from pmo_lint.site.page.common import PAGE_ROWS, Ctx, as_of_note, continuation, front, paged_table, project_link, rel

HERE = "resources.md"


def colour(load: float, limit: float) -> str:
    if load <= 0:
        return "#ffffff"
    if load > limit:
        return "#e57373"
    if load > 0.8 * limit:
        return "#ffb74d"
    return "#a5d6a7"


def render(ctx: Ctx) -> dict[str, str]:
    v = ctx.view
    limit_pct = v.spec.thresholds.allocation_max_percent if v.spec else 100.0
    out = [front("Resources"), "# Resource heat map\n\n", as_of_note(ctx)]
    out.append(
        "Each person's load per month: the highest sum of their assignments on any day of the month, in percent "
        "of their weekly capacity. The limit is the person's FTE × the allocation limit "
        f"({num(limit_pct)}% in pmo.yaml): red above it, orange above 80% of it, green below.\n\n"
    )
    months = sorted({m for p in v.loads for m in p.months})
    if not months:
        out.append("_No allocations._\n")
        out.append(_reassign(ctx))
        return {HERE: "".join(out)}
    head = "<th>Person</th><th>Capacity</th>" + "".join(
        f'<th style="white-space:nowrap"><small>{m}</small></th>' for m in months
    )
    rows = []
    over: list[tuple[str, str, float, float]] = []
    for p in v.loads:
        cap = limit_pct * p.fte
        tds = [f"<th>{esc(p.title)}</th>", f"<td>{num(cap, 0)}%</td>"]
        for m in months:
            load = p.months.get(m, 0.0)
            if load > cap:
                over.append((p.title, m, load, cap))
            text = num(load, 0) if load else ""
            tds.append(
                f'<td style="background:{colour(load, cap)};text-align:right" title="{esc(p.title)} {m}: '
                f'{num(load, 0)}% of {num(cap, 0)}%">{text}</td>'
            )
        rows.append("<tr>" + "".join(tds) + "</tr>")
    pages: dict[str, str] = {}
    total = (len(rows) + PAGE_ROWS - 1) // PAGE_ROWS
    for n in range(total, 0, -1):  # people beyond the first PAGE_ROWS continue on pages of their own
        chunk = "".join(rows[(n - 1) * PAGE_ROWS : n * PAGE_ROWS])
        table = f'<table class="pmo-heatmap"><thead><tr>{head}</tr></thead><tbody>{chunk}</tbody></table>'
        steps = " · ".join(
            f"[page {k}]({rel(HERE if n == 1 else continuation(HERE, n, 'people'), page_of(k))})"
            for k in (1, n - 1, n + 1, total)
            if 1 <= k <= total and k != n
        )
        shown = f"{(n - 1) * PAGE_ROWS + 1:,}–{min(n * PAGE_ROWS, len(rows)):,} of {len(rows):,}"
        pager = f"\n<small>People {shown}: {steps}</small>\n"
        if n == 1:
            out.append(block(table) + (pager if total > 1 else "") + "\n")
        else:
            title = f"Resource heat map ({n} of {total})"
            pages[continuation(HERE, n, "people")] = front(title) + f"# {title}\n\n" + block(table) + pager
    out.append("## Over-allocated\n\n")
    out.append(
        paged_table(
            pages,
            HERE,
            "Over-allocated",
            ("Person", "Month", "Load", "Capacity"),
            [(esc(who), m, f"{num(load, 0)}%", f"{num(cap, 0)}%") for who, m, load, cap in over],
            "llrr",
            key="over",
        )
    )
    out.append(_reassign(ctx))
    return {HERE: "".join(out), **pages}


def page_of(n: int) -> str:
    return HERE if n == 1 else continuation(HERE, n, "people")


def _reassign(ctx: Ctx) -> str:
    """Each person who has left or is leaving, with the open records and bookings that still name them."""
    out = ["\n## To reassign\n\n"]
    held = sorted(ctx.view.reassign, key=lambda h: (not h.leaver.gone, h.leaver.label, h.record.path, h.data_path))
    if not held:
        out.append("_Nobody who has left, or is leaving, still holds an open record._\n")
        return "".join(out)
    out.append(
        "Open risks, issues, benefits, pending decisions and approvals, teams, live projects, programs, "
        "portfolios, goals and bookings that still name someone who has left (or has a leaving date ahead).\n"
    )
    for _label, group in groupby(held, key=lambda h: h.leaver):
        rows = list(group)
        leaver = rows[0].leaver
        out.append(f"\n### {esc(leaver.label)}, {esc(leaver.when.removeprefix('who '))}\n\n")
        out.append(
            md_table(
                ("Record", "Project", "As", "To do"),
                [
                    (
                        esc(h.what),
                        project_link(ctx, HERE, h.project) if h.project else "—",
                        esc(h.role),
                        esc(h.fix if leaver.gone else f"{h.fix} before {leaver.left}"),
                    )
                    for h in rows
                ],
            )
        )
    return "".join(out)
