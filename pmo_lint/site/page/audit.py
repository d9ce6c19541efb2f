"""Audit results: findings by pack and severity, the waivers register, maturity levels, compliance trend."""

from __future__ import annotations

import re
from collections import Counter

from pmo_lint.reporters.common import plural
from pmo_lint.site.history import FindingChange, History, HistoryPoint
from pmo_lint.site.html import block, esc, md_table
from pmo_lint.site.page.common import (
    Ctx,
    as_of_note,
    findings_table,
    front,
    paged_table,
    project_link,
    severity_badge,
)
from pmo_lint.site.svg import Series, line_chart
from pmo_lint.site.view import person_name, severity_counts

HERE = "audit.md"
TREND_TABLE_ROWS = 20
# the page lists what the latest commits changed, not every commit's: it stays bounded on a long history
DETAIL_COMMITS = 30
DETAIL_FINDINGS = 40  # findings listed per commit, added and resolved together
_SHA = re.compile(r"[0-9a-fA-F]{4,64}")


def render(ctx: Ctx) -> dict[str, str]:
    v = ctx.view
    result = v.result
    out = [front("Audit"), "# Audit results\n\n", as_of_note(ctx)]
    pages: dict[str, str] = {}
    counts = severity_counts(result.diagnostics)
    out.append(
        f"{plural(len(result.diagnostics), 'finding')} ({plural(counts['error'], 'error')}, "
        f"{plural(counts['warning'], 'warning')}, {counts['info']:,} info) in {plural(result.files_checked, 'file')}; "
        f"{len(result.suppressed):,} suppressed by waivers or inline comments.\n\n"
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
        out.append(trend(ctx, h))
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
                esc(person_name(v.catalog, s.approved_by)),
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


def commit_anchor(p: HistoryPoint, index: int) -> str:
    """The id of a commit's section: ``commit-`` and its short id (the history file is input: anything else
    gets its position)."""
    return f"commit-{p.commit[:12].lower()}" if _SHA.fullmatch(p.commit) else f"commit-{index}"


def _n(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def _tally(p: HistoryPoint) -> str:
    return f"+{len(p.added)} −{len(p.resolved)}" + (f" (+{p.omitted} more)" if p.omitted else "")


def trend(ctx: Ctx, h: History) -> str:
    """The chart of findings per commit, the latest commits' counts, and what the latest commits changed: a
    point of the chart whose commit is listed links to its section."""
    points = h.points
    detailed = [i for i in range(len(points) - 1, -1, -1) if points[i].changed][:DETAIL_COMMITS]
    anchors = {i: commit_anchor(points[i], i) for i in detailed}
    labels = [(p.date[:10] or p.commit[:8]) for p in points]
    links = {
        i: (f"#{anchor}", f"{labels[i]} {points[i].commit[:12]}: {_tally(points[i])} findings; show the changes")
        for i, anchor in anchors.items()
    }
    chart = line_chart(
        "Findings per commit",
        labels,
        [
            Series("total", "#424242", [float(p.total) for p in points]),
            Series("error", "#c62828", [float(p.counts[0]) for p in points]),
            Series("warning", "#ef8f00", [float(p.counts[1]) for p in points]),
            Series("info", "#1976d2", [float(p.counts[2]) for p in points]),
        ],
        links=links,
    )
    out = [block(f"<figure>{chart}</figure>") + "\n"]
    if anchors:
        out.append("Select a marked point to see what its commit added and resolved.\n\n")
    recent = list(range(len(points) - 1, -1, -1))[:TREND_TABLE_ROWS]
    rows = []
    for i in recent:
        p = points[i]
        change = _tally(p) if p.changed else "–"
        if i in anchors:
            change = f"[{change}](#{anchors[i]})"
        rows.append((esc(p.date), esc(p.commit[:12]), *(str(c) for c in p.counts), str(p.total), change))
    out.append(md_table(("Date", "Commit", "Errors", "Warnings", "Info", "Total", "Changes"), rows, "llrrrrl"))
    if not detailed:
        return "".join(out)
    changed = sum(1 for p in points if p.changed)
    out.append("\n### What each commit changed\n\n")
    out.append(
        f"Findings added (+) and resolved (−) by the latest {len(detailed)} of the {changed} commits that changed "
        "any, newest first; `pmo-lint history` lists every commit. A finding is matched across commits by its "
        "rule, what it is about and where in the data, so one that only moved to another line is neither. "
        "Change-control findings concern the commit that made the change only.\n\n"
    )
    for i in detailed:
        out.append(_commit_section(ctx, points[i], anchors[i]))
    return "".join(out)


def _about(ctx: Ctx, f: FindingChange) -> str:
    if not f.entity:
        return esc(f.file) if f.file else "portfolio"
    kind, _, name = f.entity.partition(":")
    if kind == "project" and name:
        now = ctx.view.project(name)  # its name today; the history's, for a project gone since
        return f"project {project_link(ctx, HERE, name, now.title if now is not None else f.title or None)}"
    return f"{esc(kind)} {esc(f.title or name)}" if name else esc(f.entity)


def _commit_section(ctx: Ctx, p: HistoryPoint, anchor: str) -> str:
    heading = f"{esc(p.date[:10])} · commit {esc(p.commit[:12])}"
    out = [block(f'<h4 id="{anchor}">{heading}</h4>')]
    after = f"{_n(p.counts[0], 'error')}, {_n(p.counts[1], 'warning')} and {p.counts[2]} info"
    out.append(f"{len(p.added)} added, {len(p.resolved)} resolved; {after} after it.")
    if p.lapsed:
        out.append(f" {p.lapsed} change-control finding(s) of the commit before concern that commit only.")
    out.append("\n\n")
    listed = [("+", f) for f in p.added] + [("−", f) for f in p.resolved]
    rows = []
    for sign, f in listed[:DETAIL_FINDINGS]:
        note = " _(waived)_" if f.waived else (" _(change control)_" if f.change_control else "")
        rows.append(
            (
                sign,
                f"`{f.code}`" if f.code.isalnum() else esc(f.code),
                severity_badge(f.severity) if f.severity else "–",
                _about(ctx, f),
                esc(f.message) + note,
            )
        )
    out.append(md_table(("Change", "Code", "Severity", "About", "Message"), rows, "cllll"))
    more = len(listed) - len(rows) + p.omitted
    if more:
        out.append(f"\n_{more} more not listed here; `pmo-lint history --format json` lists them._\n")
    out.append("\n")
    return "".join(out)
