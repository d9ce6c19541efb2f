"""The strategy tree: goal → portfolio → program → project, as nested lists."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pmo_lint.site.html import esc, name_text, rag_badge
from pmo_lint.site.page.common import PAGE_ROWS, Ctx, as_of_note, front, project_link, section_link
from pmo_lint.site.view import ProjectView

HERE = "strategy.md"
INDENT = "    "


def _name(ref: str | None) -> str:
    return (ref or "").split(":")[-1]


def _project_item(ctx: Ctx, p: ProjectView, depth: int) -> str:
    health = rag_badge(p.latest.spec.health.overall.rag if p.latest else None)
    link = project_link(ctx, HERE, p.name, p.title)
    return f"{INDENT * depth}- {link} {health} <small>{esc(p.phase)}</small>\n"


GOAL_PROJECTS = 25


def _project_items(ctx: Ctx, items: list[ProjectView], depth: int) -> list[str]:
    """A branch's projects, at most PAGE_ROWS of them: the page stays readable (and small) at any size."""
    out = [_project_item(ctx, p, depth) for p in items[:PAGE_ROWS]]
    if len(items) > PAGE_ROWS:
        more = section_link(ctx, HERE, "projects", "the project list")
        out.append(f"{INDENT * depth}- … and {len(items) - PAGE_ROWS:,} more projects (see {more})\n")
    return out


def _group(label: str, entity: Any, name: str, depth: int) -> str:
    shown = esc(entity.display) if entity is not None else name_text(name)
    return f"{INDENT * depth}- {label} {shown} <small>`{name_text(name)}`</small>\n"


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
        "at the end.\n\n"
    )

    seen: set[str] = set()

    def emit_goal(name: str, depth: int) -> None:
        if name in seen:  # a parent loop (reported by the rules) must not loop here
            return
        seen.add(name)
        g = goals[name]
        state = g.spec.state  # type: ignore[attr-defined]
        out.append(f"{INDENT * depth}- **{esc(g.display)}** <small>goal `{name_text(name)}`, {esc(state)}</small>\n")
        aligned = [p for p in v.projects if name in p.goals]
        # portfolio -> program -> projects, from the projects' own references
        tree: dict[str, dict[str, list[ProjectView]]] = defaultdict(lambda: defaultdict(list))
        for p in aligned:
            portfolio = p.portfolio or program_portfolio.get(p.program, "")
            tree[portfolio][p.program].append(p)
        for pf_name, pf in portfolios.items():  # portfolios and programs that name the goal, even without projects
            if name in {_name(x) for x in pf.spec.goals}:  # type: ignore[attr-defined]
                tree[pf_name].setdefault("", [])  # the branch shows even with no project
        for pg_name, pg in programs.items():
            if name in {_name(x) for x in pg.spec.goals}:  # type: ignore[attr-defined]
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
                out.append(_group("Portfolio", portfolios.get(pf_name), pf_name, inner))
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
                    out.append(_group("Program", programs.get(pg_name), pg_name, level))
                    out.extend(_project_items(ctx, items, level + 1))
                else:
                    out.extend(_project_items(ctx, items, level))
        if hidden:
            more = section_link(ctx, HERE, "projects", "the project list")
            out.append(f"{INDENT * inner}- … and {hidden:,} more aligned projects (see {more})\n")
        for child in children.get(name, []):
            emit_goal(child, inner)

    for name in children.get("", []) + sorted(goals):  # then goals only reachable through a loop
        emit_goal(name, 0)
    if not goals:
        out.append("_No strategic goals._\n")
    unaligned = [p for p in v.projects if not any(g in goals for g in p.goals)]
    out.append("\n## Not aligned to a goal\n\n")
    if unaligned:
        out.extend(_project_items(ctx, unaligned, 0))
    else:
        out.append("_None._\n")
    return {HERE: "".join(out)}
