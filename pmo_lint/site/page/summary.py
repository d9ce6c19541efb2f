"""The executive summary: the portfolio's health on one screen, for a board, and a board pack when printed.

Every figure says how it is counted on the page itself: a board reads the definitions with the numbers. The
page only reshapes the view (computed health, earned value, risk scores, the decisions of the latest status
reports, pending change requests, loads per person and month); long lists are cut to their first rows, with
the count of the rest and a link to the section that lists them all.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pmo_lint.diagnostics import Diagnostic, Severity
from pmo_lint.site.html import Html, amounts, block, esc, md_table, money, num, pct, rag_badge
from pmo_lint.site.page.common import Ctx, as_of_note, front, project_link, section_link
from pmo_lint.site.page.health import RAGS, computed_badge, live, rollup, watermelon_badge, watermelons_text
from pmo_lint.site.view import INDICATOR_TEXT, Health, PortfolioView, ProjectView, person_name

if TYPE_CHECKING:
    from pmo_lint.model.kinds import ChangeRequest, Issue, PMOConfigSpec, ScaleLevel

HERE = "summary.md"
TOP = 10  # rows of each list; the rest are counted
QUARTER_MONTHS = 3
ISSUE_SEVERITIES = ("low", "medium", "high", "critical")
OPEN_ISSUE_STATES = ("open", "in-progress")
PENDING_CR_STATES = ("submitted", "under-review")  # a draft is not asked for yet; a withdrawn one no longer
PAGE_BREAK = '<div class="pmo-page-break"></div>\n\n'  # print.css starts a new printed page here


def _s(n: int, word: str, plural: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else plural or word + 's'}"


def _cards(items: Sequence[tuple[str, str]]) -> str:
    lis = "".join(f"<li><strong>{value}</strong><br>{label}</li>" for label, value in items)
    return f'<div class="grid cards pmo-cards">\n<ul>{lis}</ul>\n</div>\n'


# -- money at risk --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AtRisk:
    project: ProjectView
    amount: float
    why: str


def money_at_risk(projects: Iterable[ProjectView]) -> list[AtRisk]:
    """Per open project: the whole budget (or the estimate at completion, when higher) of a project computed
    red; the forecast overrun (EAC − BAC) of any other project forecast over its budget. Largest first."""
    out: list[AtRisk] = []
    for p in projects:
        eac = p.evm.eac if p.evm and p.evm.eac is not None else None
        if p.health.computed == "red" and (p.bac or eac):
            above = eac is not None and eac > (p.bac or 0.0)
            why = "computed red: its whole forecast cost (EAC)" if above else "computed red: its whole budget"
            out.append(AtRisk(p, max(p.bac or 0.0, eac or 0.0), why))
        elif eac is not None and p.bac and eac > p.bac:
            out.append(AtRisk(p, eac - p.bac, "forecast overrun (EAC − BAC)"))
    return sorted(out, key=lambda r: (-r.amount, r.project.name))


# -- top issues by exposure -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Exposure:
    score: float
    project: ProjectView | None
    kind: str  # "Risk", "Issue", "Checks"
    what: Html
    owner: str
    due: dt.date | None

    def key(self) -> tuple[float, float, str, str]:
        # the larger budget first among equals, then the earlier due date
        budget = (self.project.bac or 0.0) if self.project else 0.0
        due = self.due.isoformat() if self.due else "9999"
        return (-self.score, -budget, due, self.project.name if self.project else "")


@dataclass(frozen=True)
class Scales:
    """The PMO's risk matrix as exposure needs it (1 to 5 when pmo.yaml has none)."""

    top_probability: int
    impacts: tuple[int, ...]  # impact values, lowest first
    escalation: int

    @classmethod
    def of(cls, spec: PMOConfigSpec | None) -> Scales:
        if spec is None:
            return cls(5, (1, 2, 3, 4, 5), 15)
        prob: list[ScaleLevel] = spec.scales.probability
        impact = tuple(sorted(level.value for level in spec.scales.impact))
        return cls(max(level.value for level in prob), impact, spec.risk_matrix.escalation_score)

    def issue(self, severity: str) -> int:
        """An issue has happened: the top probability × the impact its severity stands for (low: the lowest
        impact, critical: the highest, medium and high in between)."""
        k = ISSUE_SEVERITIES.index(severity) if severity in ISSUE_SEVERITIES else 1
        n = len(self.impacts)
        return self.top_probability * self.impacts[round(k * (n - 1) / (len(ISSUE_SEVERITIES) - 1))]


def _risks(ctx: Ctx, p: ProjectView) -> Iterable[Exposure]:
    catalog = ctx.view.catalog
    for r in p.risks:
        spec = r.item.entity.spec  # type: ignore[attr-defined]
        if not r.open or r.score is None or spec.type == "opportunity":
            continue
        rank = f", rank {r.rank}" if r.rank else ""
        what = Html(f"{esc(r.title)} <small>({esc(r.probability)} × {esc(r.impact)}{esc(rank)})</small>")
        owner = person_name(catalog, spec.owner or spec.assigned_to)
        yield Exposure(float(r.score), p, "Risk", what, owner, spec.due_date)


def _issues(ctx: Ctx, p: ProjectView, scales: Scales) -> Iterable[Exposure]:
    catalog = ctx.view.catalog
    for item in catalog.project_records(p.name, "Issue"):
        issue: Issue = item.entity  # type: ignore[assignment]
        s = issue.spec
        if s.state not in OPEN_ISSUE_STATES:
            continue
        what = Html(f"{esc(issue.display)} <small>({esc(s.severity)} severity, {esc(s.state)})</small>")
        yield Exposure(float(scales.issue(s.severity)), p, "Issue", what, person_name(catalog, s.owner), s.due_date)


def _findings(ctx: Ctx, scales: Scales, projects: dict[str, ProjectView]) -> Iterable[Exposure]:
    """One row per project with errors (and one for the portfolio's other files), at the escalation score."""
    by_project: dict[str, list[Diagnostic]] = defaultdict(list)
    for d in ctx.view.result.diagnostics:
        if d.severity is not Severity.ERROR:
            continue
        parts = d.path.split("/")
        name = parts[1] if len(parts) > 2 and parts[0] == "projects" else ""
        if name and name not in projects:
            continue  # a closed project's records, or a file of a project that could not be read
        by_project[name].append(d)
    for name, diags in sorted(by_project.items()):
        p = projects.get(name)
        shown = "; ".join(d.message for d in diags[:2]) + ("; …" if len(diags) > 2 else "")
        where = "" if p else " in the portfolio's shared files"
        what = Html(f"{esc(_s(len(diags), 'error'))} found by the checks{where}: <small>{esc(shown)}</small>")
        owner = person_name(ctx.view.catalog, p.project.spec.owner) if p else "the PMO"
        yield Exposure(float(scales.escalation), p, "Checks", what, owner, None)


def top_exposures(ctx: Ctx, projects: Sequence[ProjectView]) -> list[Exposure]:
    scales = Scales.of(ctx.view.spec)
    found: list[Exposure] = []
    for p in projects:
        found.extend(_risks(ctx, p))
        found.extend(_issues(ctx, p, scales))
    found.extend(_findings(ctx, scales, {p.name: p for p in projects}))
    return sorted(found, key=Exposure.key)


# -- sections -----------------------------------------------------------------------------------------
def _more(count: int, shown: int, ctx: Ctx, section: str, label: str) -> str:
    if count <= shown:
        return ""
    where = section_link(ctx, HERE, section, label) if ctx.has(section) else ""
    return f"\n{count - shown:,} more not shown{': see ' + where if where else ''}.\n"


def _computed(h: Health) -> Html:
    """The computed RAG in a short table cell, with the watermelon marker where the report says green."""
    return Html(computed_badge(h) + (" " + watermelon_badge() if h.watermelon else ""))


def _health(ctx: Ctx, open_: list[ProjectView]) -> str:
    health = rollup(open_)
    reported_green = sum(1 for p in open_ if p.health.reported == "green")
    rows = []
    for rag in (*RAGS, ""):
        group = [p for p in open_ if (p.health.computed or "") == rag]
        if not group:
            continue
        green = sum(1 for p in group if p.health.reported == "green")
        rows.append((rag_badge(rag, empty="not judged"), f"{len(group):,}", f"{green:,}"))
    out = [
        "Open projects (not closed, completed or cancelled) by **computed** health: what the figures and checks "
        "give (earned value, key milestones, critical risks, errors found), whatever the project reported.\n\n",
        md_table(("Computed health", "Open projects", "Of which reported green"), rows, "lrr"),
    ]
    melons = len(health.watermelons)
    if not reported_green:
        out.append("\nNo open project is reported green.\n")
        return "".join(out)
    # "1 of 5 projects reported green is a watermelon": the verb agrees with the watermelons counted
    out.append(
        f"\n**{melons:,} of {reported_green:,}** project{'s' if reported_green != 1 else ''} reported green "
        f"{'is a watermelon' if melons == 1 else 'are watermelons'} (reported green, figures red)"
        + (": " + watermelons_text(ctx, HERE, health) if melons else "")
        + ".\n"
    )
    return "".join(out)


def _money(ctx: Ctx, projects: list[ProjectView], at_risk: list[AtRisk]) -> str:
    out = [
        "\n### Money at risk\n\n",
        "**Money at risk** is the whole budget at completion of every open project computed red (its estimate "
        "at completion where that is higher), plus the forecast overrun, estimate at completion less budget "
        "(EAC − BAC), of every other open project forecast over its budget. Amounts in different currencies are "
        "not added together.\n\n",
    ]
    # a red project without a budget or forecast adds nothing to the total: say so rather than hide it
    unpriced = [p for p in projects if p.health.computed == "red" and not p.bac and not (p.evm and p.evm.eac)]
    note = ""
    if unpriced:
        names = ", ".join(project_link(ctx, HERE, p.name, p.title) for p in unpriced[:TOP])
        more = f" and {len(unpriced) - TOP:,} more" if len(unpriced) > TOP else ""
        note = f"\nNot counted, as no budget or forecast is recorded: {names}{more} (computed red).\n"
    if not at_risk:
        return "".join(out) + "No open project is computed red or forecast over its budget.\n" + note
    total: dict[str, float] = defaultdict(float)
    for r in at_risk:
        total[r.project.currency] += r.amount
    out.append(f"Total: **{esc(amounts(total))}** in {_s(len(at_risk), 'project')}.\n\n")
    rows = [
        (
            project_link(ctx, HERE, r.project.name, r.project.title),
            _computed(r.project.health),
            esc(money(r.project.bac, r.project.currency)),
            esc(money(r.project.evm.eac if r.project.evm else None, r.project.currency)),
            f"**{esc(money(r.amount, r.project.currency))}**",
            esc(r.why),
        )
        for r in at_risk[:TOP]
    ]
    out.append(
        md_table(("Project", "Computed", "Budget (BAC)", "Forecast (EAC)", "At risk", "Counted as"), rows, "llrrrl")
    )
    out.append(_more(len(at_risk), TOP, ctx, "dashboard", "the dashboard's budget table"))
    return "".join(out) + note


def _due(due: dt.date | None, as_of: dt.date) -> str:
    if due is None:
        return "–"
    return f"{due.isoformat()} (overdue)" if due < as_of else due.isoformat()


def _top_issues(ctx: Ctx, found: list[Exposure], scales: Scales) -> str:
    out = [
        "## Top issues by exposure\n\n",
        "**Exposure** is probability × impact on the PMO's risk matrix (the risk score). An open risk (a threat) "
        "has its own score; an open issue has already happened, so it takes the top probability "
        f"({scales.top_probability}) × the impact its severity stands for (low: the lowest impact, critical: the "
        "highest); the errors the checks found in a project count as one item at the PMO's escalation score "
        f"({scales.escalation}), the score at which a risk goes up to the board. Among equal exposures the larger "
        "budget comes first. Closed projects are left out.\n\n",
    ]
    rows = [
        (
            str(i),
            f"**{num(e.score, 0)}**",
            project_link(ctx, HERE, e.project.name, e.project.title) if e.project else "Portfolio",
            esc(e.kind),
            e.what,
            esc(e.owner or "no owner named"),
            esc(_due(e.due, ctx.view.as_of)),
        )
        for i, e in enumerate(found[:TOP], 1)
    ]
    out.append(md_table(("#", "Exposure", "Project", "Kind", "What", "Owner", "Due"), rows, "rrlllll"))
    out.append(_more(len(found), TOP, ctx, "risks", "the risks page"))
    return "".join(out)


def _decisions(ctx: Ctx, open_: list[ProjectView]) -> str:
    v = ctx.view
    limit = v.spec.cadence.decision_max_wait_days if v.spec else 14
    waiting = sorted(
        ((p, d) for p in open_ for d in p.decisions if d.open),
        key=lambda pd: (-(pd[1].waiting_days or 0), pd[0].name, pd[1].text),
    )
    out = [
        "## Decisions needed\n\n",
        "The open decisions each open project's latest status report asks for. **Waiting** counts the days from "
        "when the decision was first raised (its raised date, else the first status report of the project that "
        f"listed it) to {v.as_of.isoformat()}; the PMO allows {_s(limit, 'day')}.\n\n",
    ]
    rows = []
    for p, d in waiting[:TOP]:
        decider = person_name(v.catalog, d.decider or p.project.spec.sponsor) or "the sponsor"
        days = d.waiting_days or 0
        wait = f"**{_s(days, 'day')}**" + (" <small>(over the limit)</small>" if days > limit else "")
        needed = _due(d.needed_by, v.as_of) if d.needed_by else "–"
        rows.append(
            (
                project_link(ctx, HERE, p.name, p.title),
                esc(d.text),
                esc(decider),
                d.raised.isoformat(),
                wait,
                esc(needed),
            )
        )
    if not rows:
        return "".join(out) + "No open decision is asked for in the latest status reports.\n"
    out.append(md_table(("Project", "Decision", "Decider", "Raised", "Waiting", "Needed by"), rows, "llllrl"))
    out.append(_more(len(waiting), TOP, ctx, "projects", "the project pages"))
    return "".join(out)


def _signed_money(value: float | None, currency: str) -> str:
    if value is None:
        return "–"
    return ("+" if value > 0 else "") + money(value, currency)


def pending_changes(v: PortfolioView) -> list[tuple[ProjectView, ChangeRequest]]:
    """Change requests submitted or under review whose approval is still requested, oldest first."""
    pending: list[tuple[ProjectView, ChangeRequest]] = []
    for p in v.projects:
        for item in p.changes:
            cr: ChangeRequest = item.entity  # type: ignore[assignment]
            if cr.spec.approval.status == "requested" and cr.spec.state in PENDING_CR_STATES:
                pending.append((p, cr))
    return sorted(pending, key=lambda pc: (pc[1].spec.requested_date, pc[0].name, pc[1].name))


def _changes(ctx: Ctx) -> str:
    v = ctx.view
    pending = pending_changes(v)
    out = [
        "\n### Changes awaiting approval\n\n",
        "Change requests submitted or under review whose approval is still requested, oldest first, with the "
        f"change they ask for to the budget and the finish date; **Waiting** counts days since the request, to "
        f"{v.as_of.isoformat()}.\n\n",
    ]
    if not pending:
        return "".join(out) + "No change request is awaiting approval.\n"
    rows = []
    for p, cr in pending[:TOP]:
        s = cr.spec
        finish = f"{s.delta.finish_days:+d} days" if s.delta.finish_days else "–"
        moved = len(s.delta.milestones)
        if moved:
            finish += f" <small>({_s(moved, 'milestone')} moved)</small>"
        rows.append(
            (
                project_link(ctx, HERE, p.name, p.title),
                esc(cr.display),
                esc(", ".join(s.category)),
                esc(_signed_money(s.delta.budget, p.currency)),
                finish,
                s.requested_date.isoformat(),
                _s(max((v.as_of - s.requested_date).days, 0), "day"),
                esc(person_name(v.catalog, s.requested_by)),
            )
        )
    headers = ("Project", "Change request", "Category", "Budget", "Finish", "Requested", "Waiting", "Requested by")
    out.append(md_table(headers, rows, "lllrrlrl"))
    out.append(_more(len(pending), TOP, ctx, "changes", "the change requests and their impact"))
    return "".join(out)


def next_months(as_of: dt.date, n: int = QUARTER_MONTHS) -> list[str]:
    """The ``n`` calendar months after the as-of date's month, as YYYY-MM."""
    out = []
    year, month = as_of.year, as_of.month
    for _ in range(n):
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        out.append(f"{year:04d}-{month:02d}")
    return out


def _capacity(ctx: Ctx) -> str:
    v = ctx.view
    limit = v.spec.thresholds.allocation_max_percent if v.spec else 100.0
    months = next_months(v.as_of)
    hot = []
    for person in v.loads:
        cap = limit * person.fte
        loads = [person.months.get(m, 0.0) for m in months]
        if any(load > cap for load in loads):
            hot.append((max(loads), person, cap, loads))
    hot.sort(key=lambda h: (-h[0], h[1].name))
    out = [
        f"## Capacity hot spots, {months[0]} to {months[-1]}\n\n",
        "People booked above their capacity in one of the next three months: the highest sum of their "
        "assignments on any day of the month, in percent of their weekly hours, against the allocation limit "
        f"({num(limit)}% in pmo.yaml) × their FTE.\n\n",
    ]
    if not hot:
        return "".join(out) + "Nobody is booked above their capacity in these months.\n"
    rows = []
    for _peak, person, cap, loads in hot[:TOP]:
        cells = [f"**{pct(load)}**" if load > cap else pct(load) for load in loads]
        rows.append((esc(person.title), pct(cap), *cells))
    out.append(md_table(("Person", "Capacity", *months), rows, "lr" + "r" * len(months)))
    out.append(_more(len(hot), TOP, ctx, "resources", "the resource heat map"))
    return "".join(out)


def _indicators(active: list[ProjectView]) -> str:
    out = [
        "## When you need a PMO\n\n",
        "Share of the active projects showing each symptom of a portfolio that needs a PMO. Lower is better.\n\n",
    ]
    rows = []
    for key, label, definition in INDICATOR_TEXT:
        hits = sum(1 for p in active if getattr(p.indicators, key))
        share = 100.0 * hits / len(active) if active else 0.0
        rows.append((esc(label), f"**{pct(share)}**", f"{hits:,} / {len(active):,}", esc(definition)))
    out.append(md_table(("Indicator", "Share", "Projects", "Counted when"), rows, "lrrl"))
    return "".join(out)


def render(ctx: Ctx) -> dict[str, str]:
    v: PortfolioView = ctx.view
    open_ = [p for p in v.projects if live(p)]
    active = [p for p in v.projects if p.active]
    health = rollup(open_)
    at_risk = money_at_risk(open_)
    found = top_exposures(ctx, open_)
    decisions = [d for p in open_ for d in p.decisions if d.open]
    longest = max((d.waiting_days or 0 for d in decisions), default=0)
    pending = len(pending_changes(v))
    limit = v.spec.thresholds.allocation_max_percent if v.spec else 100.0
    months = next_months(v.as_of)
    hot = sum(1 for p in v.loads if any(p.months.get(m, 0.0) > limit * p.fte for m in months))
    total: dict[str, float] = defaultdict(float)
    for r in at_risk:
        total[r.project.currency] += r.amount
    reported_green = sum(1 for p in open_ if p.health.reported == "green")

    parts = [front("Executive summary", description=f"{v.organization}: the portfolio on one page")]
    parts.append("# Executive summary\n\n")
    parts.append(block(f"<p><strong>{esc(v.organization)}</strong></p>"))
    parts.append("\n" + as_of_note(ctx))
    parts.append(
        '<p class="pmo-screen-only"><small>For a board pack, print this page (or save it as PDF) from the '
        "browser: each part starts on a page of its own.</small></p>\n\n"
    )
    parts.append(
        _cards(
            [
                ("open projects", f"{len(open_):,}"),
                (
                    "computed health (red / amber / green)",
                    " / ".join(f"{health.computed[rag]:,}" for rag in RAGS),
                ),
                (
                    "watermelons: reported green, figures red",
                    f"{len(health.watermelons):,} of {reported_green:,} reported green",
                ),
                ("money at risk", esc(amounts(total))),
                (
                    "decisions waiting (longest wait)",
                    f"{len(decisions):,} ({_s(longest, 'day')})" if decisions else "0",
                ),
                ("changes awaiting approval", f"{pending:,}"),
                ("people over capacity, next 3 months", f"{hot:,}"),
            ]
        )
    )
    parts.append("\n## Portfolio health\n\n")
    parts.append(_health(ctx, open_))
    parts.append(_money(ctx, open_, at_risk))
    parts.append("\n" + PAGE_BREAK)
    parts.append(_top_issues(ctx, found, Scales.of(v.spec)))
    parts.append("\n" + PAGE_BREAK)
    parts.append(_decisions(ctx, open_))
    parts.append(_changes(ctx))
    parts.append("\n" + PAGE_BREAK)
    parts.append(_capacity(ctx))
    parts.append("\n")
    parts.append(_indicators(active))
    links = [
        section_link(ctx, HERE, s, label)
        for s, label in (
            ("dashboard", "Dashboard"),
            ("roadmap", "Roadmap"),
            ("risks", "Risks"),
            ("resources", "Resources"),
            ("changes", "Changes"),
        )
        if ctx.has(s)
    ]
    if links:
        parts.append("\nMore detail: " + " · ".join(links) + "\n")
    return {HERE: "".join(parts)}
