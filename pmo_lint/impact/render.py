"""The Impact record as tables of plain text, and those tables as Markdown, text and JSON.

``tables`` is the one presentation: the Markdown of ``pmo-lint impact``, the "Change impact" section of
the PR summary (``check --base --format markdown``) and the site's change-request pages all show it, each
escaping the cells its own way. JSON is the record itself (sorted keys, version 1, see docs/impact.md).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from itertools import groupby
from typing import Any

from pmo_lint.diagnostics import Table
from pmo_lint.impact.record import (
    BudgetChange,
    DateChange,
    DecisionChange,
    EnvelopeChange,
    FindingChange,
    Impact,
    LoadChange,
)
from pmo_lint.impact.words import day, days, money, percent, signed_money
from pmo_lint.reporters.common import clean_controls
from pmo_lint.reporters.markdown import escape, table_lines

# the first line of the Markdown: what a CI step looks for to update its one comment instead of adding one
MARKER = "<!-- pmo-lint-impact -->"
JSON_VERSION = 1
# rows per table in a PR comment or job summary (GitHub refuses a comment over 65,536 characters)
COMMENT_ROWS = 40
_SHORT = 5  # names listed in one line of the summary
MORE = "pmo-lint impact --format text (or json) lists them all"


def _names(items: Sequence[str]) -> str:
    shown = ", ".join(items[:_SHORT])
    return shown + (f" and {len(items) - _SHORT} more" if len(items) > _SHORT else "")


def _arrow(before: str, after: str) -> str:
    return f"{before} → {after}"


def _headroom(row: EnvelopeChange) -> str:
    if row.envelope_after is None:
        return "no envelope set"
    left = row.envelope_after - row.approved_after
    if left < -0.005:
        return f"over by {money(-left, row.currency)}"
    return f"{money(left, row.currency)} left"


def _load_state(row: LoadChange) -> str:
    if row.pushed_over:
        return f"over {percent(row.limit)}"
    if row.over_after:
        return f"still over {percent(row.limit)}"
    return "within"


def _next_month(month: str) -> str:
    year, mon = (int(x) for x in month.split("-"))
    return f"{year + mon // 12:04d}-{mon % 12 + 1:02d}"


def _spans(cells: Sequence[LoadChange]) -> list[str]:
    """A person's months over the limit, consecutive months of one load joined: "150% in 2025-03 to 2025-10"."""
    spans: list[list[LoadChange]] = []
    for c in cells:
        last = spans[-1][-1] if spans else None
        if last is not None and _next_month(last.month) == c.month and abs(last.after - c.after) < 1e-6:
            spans[-1].append(c)
        else:
            spans.append([c])
    return [
        f"{percent(run[0].after)} in {run[0].month}" + (f" to {run[-1].month}" if len(run) > 1 else "") for run in spans
    ]


def _baseline_note(b: BudgetChange) -> str:
    return (
        f"the approved baseline {b.baseline} stays at {money(b.approved, b.currency)} until a change request "
        "approves a new one"
    )


def summary_rows(impact: Impact) -> list[tuple[str, str]]:
    """The board's one-screen account: what changes, in sentences that name people, projects and amounts."""
    rows: list[tuple[str, str]] = []
    if impact.projects:
        rows.append(("Projects", _names([f"{p.title} ({p.change})" for p in impact.projects])))
    for b in impact.budgets[:_SHORT]:
        text = (
            f"{b.title}: {_arrow(money(b.before, b.currency), money(b.after, b.currency))} "
            f"({signed_money(b.delta, b.currency)})"
        )
        if b.basis == "working":
            text = f"{b.title}: working budget {text.partition(': ')[2]}; {_baseline_note(b)}"
        rows.append(("Budget", text))
    over = impact.over_envelope
    for e in over[:_SHORT]:
        rows.append(
            (
                "Envelope",
                f"{e.title}, fiscal year {e.fiscal_year}: {money(e.approved_after, e.currency)} approved against "
                f"{money(e.envelope_after, e.currency)} ({_headroom(e)})",
            )
        )
    if impact.envelopes and not over:
        rows.append(("Envelope", "every portfolio stays within its envelope"))
    pushed = impact.pushed_over
    for _person, group in groupby(pushed, key=lambda x: x.person):
        cells = list(group)
        spans = _spans(cells)
        more = f" and {len(spans) - _SHORT} more periods" if len(spans) > _SHORT else ""
        shown = ", ".join(spans[:_SHORT])
        rows.append(("Capacity", f"{cells[0].name} booked at {shown}{more} (limit {percent(impact.limit)})"))
    if impact.loads and not pushed:
        rows.append(("Capacity", f"nobody is pushed over {percent(impact.limit)}"))
    slips = [d for d in impact.dates if not d.relation and d.slip_days]
    for d in slips[:_SHORT]:
        label = d.label[:1].lower() + d.label[1:]
        moved = _arrow(_when(d.before, d.before_baseline), _when(d.after, d.after_baseline))
        if d.before_baseline or d.after_baseline:  # the dates carry their baselines in brackets already
            rows.append(("Dates", f"{d.title}, {label}: {moved}, {days(d.slip_days)}"))
        else:
            rows.append(("Dates", f"{d.title}, {label}: {days(d.slip_days)} ({moved})"))
    if len(slips) > _SHORT:
        rows.append(("Dates", f"{len(slips) - _SHORT} more dates move"))
    if impact.benefits:
        rows.append(("Benefits at risk", _names([b.title for b in impact.benefits])))
    for c in impact.decisions[:_SHORT]:
        rows.append(("Change requests", f"{c.request} of {c.project_title}: {_decision_text(c)}"))
    if len(impact.decisions) > _SHORT:
        rows.append(("Change requests", f"{len(impact.decisions) - _SHORT} more change requests"))
    if impact.new_findings is not None and impact.resolved_findings is not None:
        new = sorted({f.code for f in impact.new_findings})
        gone = sorted({f.code for f in impact.resolved_findings})
        text = f"{len(impact.new_findings)} new" + (f" ({_names(new)})" if new else "")
        text += f", {len(impact.resolved_findings)} resolved" + (f" ({_names(gone)})" if gone else "")
        rows.append(("Findings", text))
    return rows


def _capped(
    title: str,
    headers: tuple[str, ...],
    rows: Sequence[tuple[str, ...]],
    numeric: tuple[int, ...],
    *,
    max_rows: int | None,
    note: str = "",
    more: str = "",
) -> Table:
    if max_rows is not None and len(rows) > max_rows:
        note = f"{note} {len(rows) - max_rows} more rows: {more or MORE}.".strip()
        rows = rows[:max_rows]
    return Table(title, headers if rows else (), tuple(rows), note, numeric)


def _when(date: dt.date | None, baseline: str) -> str:
    """A date, with the approved baseline it comes from when the change switches baselines: "2025-12-19 (B1)"."""
    text = day(date)
    return f"{text} ({baseline})" if baseline and date is not None else text


def _date_rows(dates: Sequence[DateChange]) -> list[tuple[str, ...]]:
    return [
        (
            d.title,
            d.label,
            _when(d.before, d.before_baseline),
            _when(d.after, d.after_baseline),
            days(d.slip_days),
            d.relation
            or ("the active baseline changes" if d.before_baseline != d.after_baseline else "moved by this change"),
        )
        for d in dates
    ]


def _asks(c: DecisionChange) -> str:
    """What a change request asks for: "+190,000 EUR, +21 days", "no budget or date"."""
    parts = []
    if c.budget:
        parts.append(signed_money(c.budget, c.currency))
    if c.finish_days:
        parts.append(days(c.finish_days))
    return ", ".join(parts) or "no budget or finish date"


def _request_text(c: DecisionChange) -> str:
    """ "cr-003: Vendor price increase"; the id alone when the request has no title of its own."""
    title = c.title.strip()
    return c.request if not title or title == c.request else f"{c.request}: {title}"


def _decision_text(c: DecisionChange) -> str:
    if not c.before:
        return f"raised, {c.after} ({_asks(c)})"
    if not c.after:
        return f"removed, was {c.before} ({_asks(c)})"
    return f"{_arrow(c.before, c.after)} ({_asks(c)})"


def _finding_rows(items: Sequence[FindingChange]) -> list[tuple[str, ...]]:
    return [(f.code, f.severity, f.entity or f.path, f.message) for f in items]


def tables(impact: Impact, *, max_rows: int | None = None, more: str = MORE) -> tuple[Table, ...]:
    """Every section of the impact; ``max_rows`` caps each table (a PR comment has a size limit), and
    ``more`` says where the rows left out are."""
    out = [Table("In short", ("Area", "What changes"), tuple(summary_rows(impact)))]
    if impact.empty:
        out[0] = Table("In short", note="This change does not move any budget, booking, date, benefit or finding.")
    if impact.budgets:
        budget_rows = [
            (
                b.title,
                "approved" if b.basis == "approved" else f"working; {b.baseline}: {money(b.approved, b.currency)}",
                money(b.before, b.currency),
                money(b.after, b.currency),
                signed_money(b.delta, b.currency),
            )
            for b in impact.budgets
        ]
        out.append(
            _capped(
                "Project budgets",
                ("Project", "Budget", "Before", "After", "Difference"),
                budget_rows,
                (2, 3, 4),
                max_rows=max_rows,
                more=more,
            )
        )
    envelope_rows = [
        (
            e.title,
            e.fiscal_year,
            money(e.envelope_after, e.currency)
            if e.envelope_before == e.envelope_after
            else _arrow(money(e.envelope_before, e.currency), money(e.envelope_after, e.currency)),
            money(e.approved_before, e.currency),
            money(e.approved_after, e.currency),
            signed_money(e.delta, e.currency),
            _headroom(e),
        )
        for e in impact.envelopes
    ]
    out.append(
        _capped(
            "Budget envelope by portfolio and fiscal year",
            ("Portfolio", "Fiscal year", "Envelope", "Approved before", "Approved after", "Difference", "Headroom"),
            envelope_rows,
            (2, 3, 4, 5),
            max_rows=max_rows,
            more=more,
            note="Approved project budgets counted in each fiscal year against the portfolio's budget."
            if envelope_rows
            else "No portfolio's approved budgets or envelope change.",
        )
    )
    load_rows = [
        (x.name, x.month, percent(x.before), percent(x.after), _load_state(x))
        for x in sorted(impact.loads, key=lambda x: (not x.pushed_over, x.name, x.person, x.month))
    ]
    out.append(
        _capped(
            "Capacity by person and month",
            ("Person", "Month", "Load before", "Load after", "Against the limit"),
            load_rows,
            (2, 3),
            max_rows=max_rows,
            more=more,
            note=f"Each person's peak allocation in the month, against the limit of {percent(impact.limit)}."
            if load_rows
            else "No booking changes.",
        )
    )
    out.append(
        _capped(
            "Key dates",
            ("Project or program", "Date", "Before", "After", "Slip", "Why it is listed"),
            _date_rows(impact.dates),
            (4,),
            max_rows=max_rows,
            more=more,
            note="The changed projects' dates, then the program and the other projects of its program."
            if impact.dates
            else "No key date moves.",
        )
    )
    if impact.scope:
        scope_rows = [(s.title, ", ".join(s.added) or "–", ", ".join(s.removed) or "–") for s in impact.scope]
        out.append(
            _capped(
                "Scope",
                ("Project", "Deliverables added", "Deliverables removed"),
                scope_rows,
                (),
                max_rows=max_rows,
                more=more,
            )
        )
    benefit_rows = [(b.title, b.project_title, b.owner or "–", b.target, "; ".join(b.reasons)) for b in impact.benefits]
    out.append(
        _capped(
            "Benefits at risk",
            ("Benefit", "Delivered by", "Owner", "Target", "Why at risk"),
            benefit_rows,
            (),
            max_rows=max_rows,
            more=more,
            note="" if benefit_rows else "No benefit's project slips, costs more or is cancelled.",
        )
    )
    if impact.decisions:
        decision_rows = [
            (c.project_title, _request_text(c), c.before or "–", c.after or "removed", _asks(c))
            for c in impact.decisions
        ]
        out.append(
            _capped(
                "Change requests",
                ("Project", "Change request", "Before", "After", "It asks for"),
                decision_rows,
                (),
                max_rows=max_rows,
                more=more,
                note="Change requests this change raises, decides, withdraws or removes.",
            )
        )
    if impact.new_findings is None or impact.resolved_findings is None:
        out.append(
            Table("Findings", note="Not compared: findings are compared for a branch (pmo-lint impact --base REF).")
        )
    else:
        headers = ("Code", "Severity", "Entity", "Message")
        out.append(
            _capped(
                "New findings",
                headers,
                _finding_rows(impact.new_findings),
                (),
                max_rows=max_rows,
                more=more,
                note="" if impact.new_findings else "The change adds no finding.",
            )
        )
        out.append(
            _capped(
                "Resolved findings",
                headers,
                _finding_rows(impact.resolved_findings),
                (),
                max_rows=max_rows,
                more=more,
                note="" if impact.resolved_findings else "The change resolves no finding.",
            )
        )
    if impact.notes:
        out.append(Table("Notes", note=" ".join(impact.notes)))
    return tuple(out)


def subject_line(impact: Impact) -> str:
    base = f" (merge base {impact.base[:12]})" if impact.base else ""
    return f"Change: {impact.subject}{base}; portfolio as of {impact.as_of.isoformat()}."


def render_markdown(impact: Impact, *, max_rows: int | None = COMMENT_ROWS) -> str:
    """Markdown for a PR comment or job summary, headed by :data:`MARKER` so a bot finds its own comment."""
    lines = [MARKER, "## pmo-lint: change impact", "", escape(subject_line(impact))]
    lines += table_lines(tables(impact, max_rows=max_rows), "###")
    return "\n".join(lines) + "\n"


def _text_table(table: Table) -> list[str]:
    out = ["", table.title, "-" * len(table.title)]
    if table.note:
        out.append(clean_controls(table.note))
    if not (table.headers and table.rows):
        return out
    cells = [list(table.headers), *([clean_controls(c) for c in row] for row in table.rows)]
    widths = [max(len(r[i]) for r in cells) for i in range(len(table.headers))]
    for r in cells:
        parts = [
            c.rjust(w) if i in table.numeric else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))
        ]
        out.append("  ".join(parts).rstrip())
    return out


def render_text(impact: Impact) -> str:
    lines = ["pmo-lint: change impact", clean_controls(subject_line(impact))]
    for table in tables(impact):
        lines += _text_table(table)
    return "\n".join(lines) + "\n"


def _amount(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def as_dict(impact: Impact) -> dict[str, Any]:
    """The record as JSON values (version 1); amounts rounded to cents, dates ISO, keys camelCase."""

    def finding(f: FindingChange) -> dict[str, Any]:
        return {
            "code": f.code,
            "rule": f.rule,
            "severity": f.severity,
            "entity": f.entity,
            "path": f.path,
            "message": f.message,
        }

    findings = None
    if impact.new_findings is not None and impact.resolved_findings is not None:
        findings = {
            "new": [finding(f) for f in impact.new_findings],
            "resolved": [finding(f) for f in impact.resolved_findings],
        }
    return {
        "version": JSON_VERSION,
        "subject": impact.subject,
        "asOf": impact.as_of.isoformat(),
        "currency": impact.currency,
        "allocationLimitPercent": impact.limit,
        "baseRef": impact.base_ref or None,
        "base": impact.base or None,
        "head": impact.head or None,
        "projects": [{"project": p.project, "title": p.title, "change": p.change} for p in impact.projects],
        "budgets": [
            {
                "project": b.project,
                "title": b.title,
                "currency": b.currency,
                "before": _amount(b.before),
                "after": _amount(b.after),
                "delta": _amount(b.delta),
                "basis": b.basis,
                "baseline": b.baseline or None,
                "approvedBudget": _amount(b.approved) if b.baseline else None,
            }
            for b in impact.budgets
        ],
        "envelopes": [
            {
                "portfolio": e.portfolio,
                "title": e.title,
                "fiscalYear": e.fiscal_year,
                "currency": e.currency,
                "envelopeBefore": _amount(e.envelope_before),
                "envelopeAfter": _amount(e.envelope_after),
                "approvedBefore": _amount(e.approved_before),
                "approvedAfter": _amount(e.approved_after),
                "delta": _amount(e.delta),
                "overBefore": e.over_before,
                "overAfter": e.over_after,
            }
            for e in impact.envelopes
        ],
        "capacity": [
            {
                "person": x.person,
                "name": x.name,
                "month": x.month,
                "beforePercent": round(x.before, 2),
                "afterPercent": round(x.after, 2),
                "limitPercent": x.limit,
                "overAfter": x.over_after,
                "pushedOver": x.pushed_over,
            }
            for x in impact.loads
        ],
        "dates": [
            {
                "subject": d.subject,
                "title": d.title,
                "label": d.label,
                "before": d.before.isoformat() if d.before else None,
                "after": d.after.isoformat() if d.after else None,
                "slipDays": d.slip_days,
                "relation": d.relation or None,
                "baselineBefore": d.before_baseline or None,
                "baselineAfter": d.after_baseline or None,
            }
            for d in impact.dates
        ],
        "scope": [
            {"project": s.project, "title": s.title, "added": list(s.added), "removed": list(s.removed)}
            for s in impact.scope
        ],
        "benefitsAtRisk": [
            {
                "benefit": b.benefit,
                "title": b.title,
                "deliveredBy": b.project,
                "deliveredByTitle": b.project_title,
                "owner": b.owner,
                "target": b.target,
                "targetDate": b.target_date.isoformat() if b.target_date else None,
                "reasons": list(b.reasons),
            }
            for b in impact.benefits
        ],
        "changeRequests": [
            {
                "project": c.project,
                "projectTitle": c.project_title,
                "request": c.request,
                "title": c.title,
                "before": c.before or None,
                "after": c.after or None,
                "budgetDelta": _amount(c.budget),
                "finishDays": c.finish_days,
                "currency": c.currency,
            }
            for c in impact.decisions
        ],
        "findings": findings,
        "notes": list(impact.notes),
    }


def render_json(impact: Impact) -> str:
    return json.dumps(as_dict(impact), indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n"


RENDERERS: dict[str, Callable[[Impact], str]] = {"text": render_text, "markdown": render_markdown, "json": render_json}
