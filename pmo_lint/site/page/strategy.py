"""The strategy tree: goal → portfolio → program → project, as nested lists."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from pmo_lint.site.html import esc, name_text
from pmo_lint.site.page.common import (
    PAGE_ROWS,
    Ctx,
    as_of_note,
    continuation,
    front,
    paged_table,
    pager,
    project_link,
    section_link,
)
from pmo_lint.site.page.health import ROLLUP_HEADERS, health_inline, live, rollup, rollup_cells
from pmo_lint.site.view import ProjectView, person_name

HERE = "strategy.md"
INDENT = "    "


def _name(ref: str | None) -> str:
    return (ref or "").split(":")[-1]


def _project_item(ctx: Ctx, p: ProjectView, depth: int) -> str:
    health = health_inline(p.health)
    link = project_link(ctx, HERE, p.name, p.title)
    return f"{INDENT * depth}- {link} {health} <small>{esc(p.phase)}</small>\n"


GOAL_PROJECTS = 25
GOALS_PER_PAGE = 10  # goals of the tree on one page (each with at most GOAL_PROJECTS projects)


def _project_items(ctx: Ctx, items: list[ProjectView], depth: int) -> list[str]:
    """A branch's projects, at most PAGE_ROWS of them: the page stays readable (and small) at any size."""
    out = [_project_item(ctx, p, depth) for p in items[:PAGE_ROWS]]
    if len(items) > PAGE_ROWS:
        more = section_link(ctx, HERE, "projects", "the project list")
        out.append(f"{INDENT * depth}- … and {len(items) - PAGE_ROWS:,} more projects (see {more})\n")
    return out


def _group(ctx: Ctx, label: str, entity: Any, name: str, depth: int) -> str:
    shown = esc(entity.display) if entity is not None else name_text(name)
    owner = person_name(ctx.view.catalog, entity.spec.owner) if entity is not None else ""
    by = f", owner {esc(owner)}" if owner else ""
    return f"{INDENT * depth}- {label} {shown} <small>`{name_text(name)}`{by}</small>\n"


def _rollups(ctx: Ctx, pages: dict[str, str], portfolios: dict[str, Any], programs: dict[str, Any]) -> str:
    """Open projects (not closed, completed or cancelled) per portfolio and program, counted by computed health."""
    v = ctx.view
    program_portfolio = {n: _name(pg.spec.portfolio) for n, pg in programs.items()}
    by_portfolio: dict[str, list[ProjectView]] = defaultdict(list)
    by_program: dict[str, list[ProjectView]] = defaultdict(list)
    open_projects = [p for p in v.projects if live(p)]
    for p in open_projects:
        home = p.portfolio or program_portfolio.get(p.program, "")
        by_portfolio[home].append(p)
        if p.program:
            by_program[p.program].append(p)
            program_portfolio.setdefault(p.program, home)  # a program with no file sits with its projects
    rows = [("**Whole portfolio**", "", *rollup_cells(ctx, HERE, rollup(open_projects)))]
    for pf_name in sorted(set(portfolios) | set(by_portfolio) | set(program_portfolio.values())):
        pf = portfolios.get(pf_name)
        label = f"Portfolio {esc(pf.display) if pf is not None else name_text(pf_name)}" if pf_name else "No portfolio"
        owner = esc(person_name(v.catalog, pf.spec.owner)) if pf is not None else ""
        rows.append((label, owner, *rollup_cells(ctx, HERE, rollup(by_portfolio.get(pf_name, [])))))
        for pg_name in sorted(n for n, home in program_portfolio.items() if home == pf_name):
            pg = programs.get(pg_name)
            shown = esc(pg.display) if pg is not None else name_text(pg_name)
            owner = esc(person_name(v.catalog, pg.spec.owner)) if pg is not None else ""
            rows.append((f"↳ Program {shown}", owner, *rollup_cells(ctx, HERE, rollup(by_program.get(pg_name, [])))))
    out = [
        "## Health by portfolio and program\n\n",
        "Open projects (not closed, completed or cancelled) counted by the health their figures and checks give, "
        "beside the health their managers reported; a watermelon is a project reported green whose figures are "
        "red.\n\n",
    ]
    out.append(paged_table(pages, HERE, "Health by portfolio and program", ("Group", "Owner", *ROLLUP_HEADERS), rows))
    return "".join(out)


def _paged_goals(
    pages: dict[str, str], blocks: list[tuple[tuple[str, ...], str, str]], context: Callable[[str, int], str]
) -> str:
    """The goal tree, GOALS_PER_PAGE goals a page: the first page's part is returned, the others go to
    continuation pages. A page that starts inside a goal's branch first names the goals above (``context``),
    so that every page is a whole nested list and a reader knows where it sits."""
    total = (len(blocks) + GOALS_PER_PAGE - 1) // GOALS_PER_PAGE
    if total <= 1:
        return "".join(text for _, _, text in blocks)
    unit = "Goals"

    def body(n: int) -> str:
        out: list[str] = []
        chain: tuple[str, ...] = ()
        for ancestors, goal, text in blocks[(n - 1) * GOALS_PER_PAGE : n * GOALS_PER_PAGE]:
            for depth, name in enumerate(ancestors):
                if chain[depth : depth + 1] != (name,):
                    out.append(context(name, depth))
                    chain = (*chain[:depth], name)
            out.append(text)
            chain = (*ancestors, goal)
        return "".join(out)

    for n in range(2, total + 1):
        page = continuation(HERE, n, "goals")
        title = f"Strategy tree ({n} of {total})"
        pages[page] = (
            front(title)
            + f"# {title}\n\n"
            + body(n)
            + pager(page, HERE, n, total, len(blocks), "goals", unit=unit, per=GOALS_PER_PAGE)
        )
    return body(1) + pager(HERE, HERE, 1, total, len(blocks), "goals", unit=unit, per=GOALS_PER_PAGE)


def render(ctx: Ctx) -> dict[str, str]:
    v = ctx.view
    cat = v.catalog
    goals = {g.entity.name: g.entity for g in cat.of_kind("StrategicGoal")}
    portfolios = {e.entity.name: e.entity for e in cat.of_kind("Portfolio")}
    programs = {e.entity.name: e.entity for e in cat.of_kind("Program")}
    program_portfolio = {n: _name(pg.spec.portfolio) for n, pg in programs.items()}  # type: ignore[attr-defined]
    children: dict[str, list[str]] = defaultdict(list)
    for name, g in sorted(goals.items()):
        parent = _name(g.spec.parent)  # type: ignore[attr-defined]
        children[parent if parent in goals else ""].append(name)

    out = [front("Strategy"), "# Strategy tree\n\n", as_of_note(ctx)]
    out.append(
        "Each strategic goal, then the portfolios and programs that pursue it, down to the projects aligned to it. "
        "A project sits under its program, a program under its portfolio. Projects aligned to no goal are listed "
        "at the end. Each project shows its health as reported and as computed from its figures and checks.\n\n"
    )
    pages: dict[str, str] = {}
    out.append(_rollups(ctx, pages, portfolios, programs))
    out.append("\n## Goals, portfolios, programs and projects\n\n")

    # each goal's projects, portfolios and programs, found once (not a walk of the portfolio per goal)
    aligned: dict[str, list[ProjectView]] = defaultdict(list)
    for p in v.projects:
        for goal in dict.fromkeys(p.goals):
            aligned[goal].append(p)
    named_by_portfolios: dict[str, list[str]] = defaultdict(list)
    for pf_name, pf in portfolios.items():
        for goal in dict.fromkeys(_name(x) for x in pf.spec.goals):  # type: ignore[attr-defined]
            named_by_portfolios[goal].append(pf_name)
    named_by_programs: dict[str, list[str]] = defaultdict(list)
    for pg_name, pg in programs.items():
        for goal in dict.fromkeys(_name(x) for x in pg.spec.goals):  # type: ignore[attr-defined]
            named_by_programs[goal].append(pg_name)

    seen: set[str] = set()

    blocks: list[tuple[tuple[str, ...], str, str]] = []  # each goal's lines, after the goals above it

    def emit_goal(name: str, ancestors: tuple[str, ...]) -> None:
        if name in seen:  # a parent loop (reported by the rules) must not loop here
            return
        seen.add(name)
        depth = len(ancestors)
        buf: list[str] = []
        g = goals[name]
        state = g.spec.state  # type: ignore[attr-defined]
        buf.append(f"{INDENT * depth}- **{esc(g.display)}** <small>goal `{name_text(name)}`, {esc(state)}</small>\n")
        # portfolio -> program -> projects, from the projects' own references
        tree: dict[str, dict[str, list[ProjectView]]] = defaultdict(lambda: defaultdict(list))
        for p in aligned.get(name, []):
            portfolio = p.portfolio or program_portfolio.get(p.program, "")
            tree[portfolio][p.program].append(p)
        for pf_name in named_by_portfolios.get(name, []):  # they name the goal: shown even without projects
            tree[pf_name].setdefault("", [])
        for pg_name in named_by_programs.get(name, []):
            tree[program_portfolio[pg_name]].setdefault(pg_name, [])
        inner = depth + 1
        # at most GOAL_PROJECTS projects under a goal (the page stays the same size at any portfolio size);
        # the rest are counted, and the project list has them all
        room = GOAL_PROJECTS
        hidden = 0
        for pf_name in sorted(tree):
            if room <= 0 and any(tree[pf_name].values()):
                hidden += sum(len(items) for items in tree[pf_name].values())
                continue
            level = inner
            if pf_name:
                buf.append(_group(ctx, "Portfolio", portfolios.get(pf_name), pf_name, inner))
                level = inner + 1
            for pg_name in sorted(tree[pf_name]):
                items = tree[pf_name][pg_name]
                if room <= 0 and items:
                    hidden += len(items)
                    continue
                hidden += max(0, len(items) - room)
                items = items[: max(room, 0)]
                room -= len(items)
                if pg_name:
                    buf.append(_group(ctx, "Program", programs.get(pg_name), pg_name, level))
                    buf.extend(_project_items(ctx, items, level + 1))
                else:
                    buf.extend(_project_items(ctx, items, level))
        if hidden:
            more = section_link(ctx, HERE, "projects", "the project list")
            buf.append(f"{INDENT * inner}- … and {hidden:,} more aligned projects (see {more})\n")
        blocks.append((ancestors, name, "".join(buf)))
        for child in children.get(name, []):
            emit_goal(child, (*ancestors, name))

    for name in children.get("", []) + sorted(goals):  # then goals only reachable through a loop
        emit_goal(name, ())

    def context(name: str, depth: int) -> str:
        g = goals[name]
        return f"{INDENT * depth}- **{esc(g.display)}** <small>goal `{name_text(name)}`, continued</small>\n"

    out.append(_paged_goals(pages, blocks, context))
    if not goals:
        out.append("_No strategic goals._\n")
    unaligned = [p for p in v.projects if not any(g in goals for g in p.goals)]
    out.append("\n## Not aligned to a goal\n\n")
    if unaligned:
        out.extend(_project_items(ctx, unaligned, 0))
    else:
        out.append("_None._\n")
    return {HERE: "".join(out), **pages}
