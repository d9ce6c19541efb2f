"""Reported and computed health as the pages show them: two badges, the watermelon marker, the reasons as
visible text, and roll-ups that count projects by computed health. Every page that shows a project's RAG
uses these, so a project reported green while its figures are red is marked wherever its RAG appears."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pmo_lint.site.html import Html, esc, rag_badge
from pmo_lint.site.page.common import Ctx, project_link
from pmo_lint.site.view import Health, ProjectView

WATERMELON = "Watermelon: reported green, figures red"
RAGS = ("red", "amber", "green")
ROLLUP_NAMES = 3  # watermelons named in a roll-up; the rest are counted


def live(p: ProjectView) -> bool:
    """Whether a project counts in a roll-up: not closed, completed or cancelled (on hold counts)."""
    return not p.closed and p.state not in ("completed", "cancelled")


def watermelon_badge() -> Html:
    """The marker itself: words on a bordered label, so it reads without colour."""
    return Html(
        '<span class="pmo-watermelon" style="display:inline-block;border:2px solid #c62828;color:#b71c1c;'
        "background:#fff;font-weight:bold;padding:0 .3em;border-radius:.2em;font-size:.85em;line-height:1.3;"
        f'max-width:16em">{esc(WATERMELON)}</span>'
    )


def explanation(h: Health) -> str:
    """Why the computed RAG is what it is, when a reader needs telling: it is not green, it was not judged,
    or it differs from what the project reported."""
    if h.reasons:
        return h.why
    if h.differs:
        return "the figures are within the PMO's thresholds"
    return ""


def reported_badge(h: Health) -> Html:
    note = f"status report of {h.reported_on}" if h.reported_on else ""
    return rag_badge(h.reported, note, empty="no report")


def computed_badge(h: Health) -> Html:
    return rag_badge(h.computed, h.why, empty="not judged")


def computed_cell(h: Health) -> Html:
    """The computed RAG for a table cell: the badge, the watermelon marker, and the reasons as visible text
    when the RAG is not green or differs from the reported one."""
    parts: list[str] = [computed_badge(h)]
    if h.watermelon:
        parts.append(" " + watermelon_badge())
    why = explanation(h)
    if why and (h.computed != "green" or h.differs):
        parts.append(f"<br><small>{esc(why)}</small>")
    return Html("".join(parts))


def health_inline(h: Health) -> Html:
    """Both RAGs on one line, for lists: "reported green · computed red Watermelon… (SPI 0.78 below 0.85)"."""
    text = f"<small>reported</small> {reported_badge(h)} <small>computed</small> {computed_badge(h)}"
    if h.watermelon:
        text += " " + watermelon_badge()
    why = explanation(h)
    if why and (h.computed not in ("green", None) or h.differs):
        text += f" <small>({esc(why)})</small>"
    return Html(text)


def health_block(h: Health) -> Html:
    """The project page's statement of its health, as an HTML paragraph."""
    when = f" (status report of {h.reported_on})" if h.reported_on else ""
    lines = [
        f"<strong>Reported</strong> {reported_badge(h)}{esc(when)} · <strong>Computed from the figures and "
        f"checks</strong> {computed_badge(h)}"
    ]
    if h.watermelon:
        lines.append(f"<br>{watermelon_badge()} The project reports green, but its figures are red: {esc(h.why)}.")
    elif h.differs:
        lines.append(
            f"<br><strong>Reported and computed health differ.</strong> Reported {esc(h.reported)}, "
            f"computed {esc(h.computed)}: {esc(explanation(h))}."
        )
    elif explanation(h):
        lines.append(f"<br><small>{esc(explanation(h))}</small>")
    return Html(f'<p class="pmo-health">{"".join(lines)}</p>')


@dataclass(frozen=True)
class Rollup:
    """A group of projects (a portfolio, a program, the whole portfolio) counted by health."""

    projects: int
    computed: Counter[str]  # "red", "amber", "green", "" (not judged)
    reported: Counter[str]  # "" : no report
    watermelons: tuple[ProjectView, ...]
    differ: int  # reported and computed differ (watermelons included)


def rollup(projects: Iterable[ProjectView]) -> Rollup:
    items = list(projects)
    return Rollup(
        len(items),
        Counter(p.health.computed or "" for p in items),
        Counter(p.health.reported or "" for p in items),
        tuple(p for p in items if p.health.watermelon),
        sum(1 for p in items if p.health.differs),
    )


def counts_text(counts: Counter[str], empty: str) -> Html:
    """ "2 red · 1 amber · 3 green · 1 not judged", the words beside their badges."""
    # each count stays beside its badge when the cell wraps
    parts = [f'<span style="white-space:nowrap">{counts[rag]:,} {rag_badge(rag)}</span>' for rag in RAGS if counts[rag]]
    if counts[""]:
        parts.append(f'<span style="white-space:nowrap">{counts[""]:,} {esc(empty)}</span>')
    return Html(" · ".join(parts) or "–")


def watermelons_text(ctx: Ctx, here: str, r: Rollup) -> Html:
    """The watermelons of a roll-up, counted and the first few named (linked)."""
    if not r.watermelons:
        return Html("none")
    names = ", ".join(project_link(ctx, here, p.name, p.title) for p in r.watermelons[:ROLLUP_NAMES])
    more = len(r.watermelons) - ROLLUP_NAMES
    tail = f" and {more:,} more" if more > 0 else ""
    return Html(f"{watermelon_badge()} {len(r.watermelons):,}: {names}{tail}")


def rollup_line(ctx: Ctx, here: str, r: Rollup) -> str:
    """A Markdown paragraph under a group heading: computed counts and the watermelons (linked, so not in a
    raw HTML block)."""
    text = f"Computed health of {r.projects:,} open project{'s' if r.projects != 1 else ''}: "
    text += counts_text(r.computed, "not judged")
    if r.watermelons:
        text += " · " + watermelons_text(ctx, here, r)
    return text + "\n\n"


ROLLUP_HEADERS: Sequence[str] = ("Projects", "Computed health", "Reported health", "Reported ≠ computed", "Watermelons")


def rollup_cells(ctx: Ctx, here: str, r: Rollup) -> tuple[str, ...]:
    return (
        f"{r.projects:,}",
        counts_text(r.computed, "not judged"),
        counts_text(r.reported, "no report"),
        f"{r.differ:,}",
        watermelons_text(ctx, here, r),
    )
