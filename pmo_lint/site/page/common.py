"""What every page needs: the render context, front matter, relative links, shared fragments."""

from __future__ import annotations

import functools
import json
import posixpath
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pmo_lint.diagnostics import Diagnostic
from pmo_lint.site.history import History
from pmo_lint.site.html import Html, esc, md_table, name_text, nav_title
from pmo_lint.site.view import PortfolioView, project_page

if TYPE_CHECKING:
    from pmo_lint.facts import Facts

SECTIONS: tuple[str, ...] = (
    "summary",  # first: the board's page, first in the navigation (the dashboard stays the site's home)
    "dashboard",
    "projects",
    "strategy",
    "roadmap",
    "risks",
    "resources",
    "prioritisation",
    "changes",  # change requests awaiting a decision, each with its impact
    "audit",
    "templates",
    "rules",
)
PAGE_OF_SECTION = {
    "summary": "summary.md",
    "dashboard": "index.md",
    "projects": "projects/index.md",
    "strategy": "strategy.md",
    "roadmap": "roadmap.md",
    "risks": "risks.md",
    "resources": "resources.md",
    "prioritisation": "prioritisation.md",
    "changes": "changes.md",
    "audit": "audit.md",
    "templates": "templates.md",
    "rules": "rules.md",
}


@dataclass(frozen=True)
class Ctx:
    view: PortfolioView
    sections: frozenset[str]
    history: History | None = None
    templates: tuple[tuple[str, str, str], ...] = ()  # (path, title, text) of the portfolio's templates/
    rules: tuple[object, ...] = field(default=())  # RuleMeta of every rule, sorted by code
    facts: Facts | None = None  # the run's facts, when the caller has them (the changes section reads them)

    def has(self, section: str) -> bool:
        return section in self.sections


@functools.lru_cache(maxsize=4096)
def _relpath(target: str, base: str) -> str:
    return posixpath.relpath(target, base or ".")


def rel(from_page: str, to_page: str) -> str:
    """Relative Markdown link target from one generated page to another (with an optional #anchor)."""
    target, _, anchor = to_page.partition("#")
    base = posixpath.dirname(from_page)
    path = _relpath(target, base) if target else ""
    return path + (f"#{anchor}" if anchor else "")


def front(title: str, *, description: str = "") -> str:
    """Front matter with a navigation title that can hold no markup (themes print it unescaped)."""
    lines = ["---", f"title: {json.dumps(nav_title(title))}"]
    if description:
        lines.append(f"description: {json.dumps(nav_title(description, 160))}")
    return "\n".join([*lines, "---", ""]) + "\n"


def as_of_note(ctx: Ctx) -> str:
    return f'<p class="pmo-asof"><small>Portfolio as of {ctx.view.as_of.isoformat()}.</small></p>\n\n'


def section_link(ctx: Ctx, here: str, section: str, label: str) -> str:
    """A link to another section, or its plain label when that section is not generated."""
    if not ctx.has(section):
        return name_text(label)
    return f"[{name_text(label)}]({rel(here, PAGE_OF_SECTION[section])})"


def project_link(ctx: Ctx, here: str, name: str, label: str | None = None) -> str:
    shown = name_text(label or name)
    if ctx.has("projects") and ctx.view.project(name) is not None:
        return f"[{shown}]({rel(here, project_page(name))})"
    return shown


# Rows of one table on one page. A longer table continues on pages of its own (`risks_2.md`, …) beside
# the first, so that no page grows with the portfolio: 20,000 projects make 200 short pages, not one of 8 MB.
PAGE_ROWS = 100


def continuation(here: str, n: int, key: str = "") -> str:
    """Page ``n`` (2, 3, …) of a table that starts on ``here``; the ``_`` keeps it apart from every project name."""
    return f"{here.removesuffix('.md')}_{key + '_' if key else ''}{n}.md"


def pager(
    page: str,
    here: str,
    n: int,
    total: int,
    count: int,
    key: str,
    *,
    unit: str = "Rows",
    per: int = PAGE_ROWS,
    start: str = "",
) -> str:
    """The line under page ``n`` of ``total``: which items it holds and links to the others. The first
    page is ``start`` when the table sits on another page than the one its continuations are named after."""

    def target(k: int) -> str:
        return rel(page, (start or here) if k == 1 else continuation(here, k, key))

    first, last = (n - 1) * per + 1, min(n * per, count)
    steps = [
        f"[{label}]({target(k)})"
        for label, k in (("first", 1), ("previous", n - 1), ("next", n + 1), ("last", total))
        if 1 <= k <= total and k != n
    ]
    return f"\n<small>{unit} {first:,}–{last:,} of {count:,} · page {n} of {total}: {' · '.join(steps)}</small>\n"


def paged_table(
    pages: dict[str, str],
    here: str,
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    align: str = "",
    *,
    key: str = "",
    start: str = "",
) -> str:
    """The first :data:`PAGE_ROWS` rows of a table for ``here``; the other rows go to continuation pages,
    added to ``pages`` (siblings of ``here``, so the rows' relative links hold there too). ``start`` is
    the page that shows the first rows when it is not ``here`` (a continuation page of sections)."""
    if len(rows) <= PAGE_ROWS:
        return md_table(headers, rows, align)
    total = (len(rows) + PAGE_ROWS - 1) // PAGE_ROWS
    for n in range(2, total + 1):
        page = continuation(here, n, key)
        chunk = rows[(n - 1) * PAGE_ROWS : n * PAGE_ROWS]
        pages[page] = (
            front(f"{title} ({n} of {total})")
            + f"# {esc(title)}\n\n"
            + md_table(headers, chunk, align)
            + pager(page, here, n, total, len(rows), key, start=start)
        )
    first = pager(start or here, here, 1, total, len(rows), key, start=start)
    return md_table(headers, rows[:PAGE_ROWS], align) + first


def paged_sections(
    pages: dict[str, str], here: str, title: str, sections: Sequence[str], per: int, *, unit: str, key: str
) -> str:
    """The first ``per`` sections for ``here``; the others go to continuation pages of ``per`` each, so that
    a page of one section per portfolio (or other group) does not grow with the number of groups."""
    total = (len(sections) + per - 1) // per
    if total <= 1:
        return "".join(sections)
    for n in range(2, total + 1):
        page = continuation(here, n, key)
        heading = f"{title} ({n} of {total})"
        pages[page] = (
            front(heading)
            + f"# {esc(heading)}\n\n"
            + "".join(sections[(n - 1) * per : n * per])
            + pager(page, here, n, total, len(sections), key, unit=unit, per=per)
        )
    return "".join(sections[:per]) + pager(here, here, 1, total, len(sections), key, unit=unit, per=per)


SEVERITY_COLOURS = {"error": "#c62828", "warning": "#ef8f00", "info": "#1976d2"}


def severity_badge(label: str) -> Html:
    colour = SEVERITY_COLOURS.get(label, "#9e9e9e")
    return Html(f'<span class="pmo-sev pmo-sev-{label}" style="color:{colour};font-weight:bold">{esc(label)}</span>')


def findings_table(
    ctx: Ctx, here: str, diags: list[Diagnostic], pages: dict[str, str] | None = None, key: str = ""
) -> str:
    """The findings as a table; with ``pages``, long tables continue on pages of their own."""
    rows = [
        (
            f"`{d.code}`" if d.code.isalnum() else esc(d.code),
            severity_badge(d.severity.label),
            esc(f"{d.path}:{d.line}" if d.line else d.path),
            esc(d.message),
        )
        for d in diags
    ]
    headers = ("Code", "Severity", "Where", "Message")
    if pages is None:
        return md_table(headers, rows)
    return paged_table(
        pages, here, "Suppressed findings" if key == "suppressed" else "Findings", headers, rows, key=key
    )
