"""Audit results: findings by pack and severity, the waivers register, maturity levels, compliance trend."""

from __future__ import annotations

from collections import Counter

from pmo_lint.site.html import block, esc, md_table
from pmo_lint.site.page.common import Ctx, as_of_note, findings_table, front, paged_table, project_link
from pmo_lint.site.svg import Series, line_chart
from pmo_lint.site.view import severity_counts

HERE = "audit.md"
TREND_TABLE_ROWS = 20


def render(ctx: Ctx) -> dict[str, str]:
    v = ctx.view
    result = v.result
    out = [front("Audit"), "# Audit results\n\n", as_of_note(ctx)]
    pages: dict[str, str] = {}
    counts = severity_counts(result.diagnostics)
    out.append(
        f"{len(result.diagnostics)} findings ({counts['error']} errors, {counts['warning']} warnings, "
        f"{counts['info']} info) in {result.files_checked} files; {len(result.suppressed)} suppressed by "
        "waivers or inline comments.\n\n"
    )
    out.append("## Findings by pack and severity\n\n")
    pack_of = {getattr(m, "code", ""): getattr(m, "pack", "") for m in ctx.rules}
    tally: Counter[tuple[str, str]] = Counter(
        (pack_of.get(d.code, "other"), d.severity.label) for d in result.diagnostics
    )
    packs = sorted({p for p, _ in tally})
    out.append(
        md_table(
            ("Pack", "Error", "Warning", "Info", "Suppressed"),
            [
                (
                    esc(pack),
                    str(tally[(pack, "error")]),
                    str(tally[(pack, "warning")]),
                    str(tally[(pack, "info")]),
                    str(sum(1 for d in result.suppressed if pack_of.get(d.code, "other") == pack)),
                )
                for pack in packs
            ],
            "lrrrr",
        )
    )

    out.append("\n## Compliance trend\n\n")
    h = ctx.history
    if h and h.points:
        labels = [(p.date[:10] or p.commit[:8]) for p in h.points]
        chart = line_chart(
            "Findings per commit",
            labels,
            [
                Series("total", "#424242", [float(p.total) for p in h.points]),
                Series("error", "#c62828", [float(p.counts[0]) for p in h.points]),
                Series("warning", "#ef8f00", [float(p.counts[1]) for p in h.points]),
                Series("info", "#1976d2", [float(p.counts[2]) for p in h.points]),
            ],
        )
        out.append(block(f"<figure>{chart}</figure>") + "\n")
        recent = list(reversed(h.points))[:TREND_TABLE_ROWS]
        out.append(
            md_table(
                ("Date", "Commit", "Errors", "Warnings", "Info", "Total"),
                [(esc(p.date), esc(p.commit[:12]), *(str(c) for c in p.counts), str(p.total)) for p in recent],
                "llrrrr",
            )
        )
    else:
        out.append("_No history given; run `pmo-lint history` and pass its JSON to see findings over time._\n")

    out.append("\n## Waivers\n\n")
    rows = []
    for w in v.waivers:
        s = w.entity.spec  # type: ignore[attr-defined]
        days = (s.expires - v.as_of).days
        state = "expired" if days < 0 else f"expires in {days} days"
        rows.append(
            (
                esc(w.entity.name),
                esc(s.check),
                esc(", ".join(s.targets)),
                esc(s.approved_by.split(":")[-1]),
                str(s.created),
                str(s.expires),
                f"**{state}**" if days < 0 else state,
                esc(s.justification),
            )
        )
    out.append(
        md_table(("Waiver", "Check", "Targets", "Approved by", "Created", "Expires", "State", "Justification"), rows)
    )

    out.append("\n## Maturity levels\n\n")
    levels = [lv.name for lv in v.spec.levels] if v.spec else []
    if levels:
        out.append(
            "A project reaches a level when no check of that level or a lower one has an active finding on it.\n\n"
        )
        reached = Counter(p.maturity for p in v.projects)
        out.append(
            md_table(
                ("Level", "Checks", "Projects"),
                [
                    (esc(lv.name), esc(", ".join(lv.checks) or "none"), str(reached[lv.name]))
                    for lv in v.spec.levels  # type: ignore[union-attr]
                ]
                + [("_none reached_", "", str(reached[""]))],
                "llr",
            )
        )
        out.append("\n")
        out.append(
            paged_table(
                pages,
                HERE,
                "Maturity level of each project",
                ("Project", "Level"),
                [(project_link(ctx, HERE, p.name, p.title), esc(p.maturity or "–")) for p in v.projects],
                key="maturity",
            )
        )
    else:
        out.append("_pmo.yaml defines no maturity levels._\n")

    out.append("\n## All findings\n\n")
    out.append(findings_table(ctx, HERE, list(result.diagnostics), pages, "findings"))
    if result.suppressed:
        out.append("\n### Suppressed\n\n" + findings_table(ctx, HERE, list(result.suppressed), pages, "suppressed"))
    return {HERE: "".join(out), **pages}
