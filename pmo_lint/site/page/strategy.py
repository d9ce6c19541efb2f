"""The strategy tree: goal → portfolio → program → project, as nested lists."""

from __future__ import annotations

from collections import defaultdict

from pmo_lint.site.html import esc, rag_badge
from pmo_lint.site.page.common import Ctx, as_of_note, front, project_link
from pmo_lint.site.view import ProjectView

HERE = "strategy.md"


def _name(ref: str) -> str:
    return ref.split(":")[-1]


def _project_item(ctx: Ctx, p: ProjectView, indent: str) -> str:
    health = rag_badge(p.latest.spec.health.overall.rag if p.latest else None)
    return f"{indent}- {project_link(ctx, HERE, p.name, p.title)} {health} <small>{esc(p.phase)}</small>\n"


def render(ctx: Ctx) -> dict[str, str]:
    v = ctx.view
    cat = v.catalog
    goals = {g.entity.name: g.entity for g in cat.of_kind("StrategicGoal")}
    portfolios = {e.entity.name: e.entity for e in cat.of_kind("Portfolio")}
    programs = {e.entity.name: e.entity for e in cat.of_kind("Program")}
    children: dict[str, list[str]] = defaultdict(list)
    for name, g in sorted(goals.items()):
        parent = g.spec.parent  # type: ignore[attr-defined]
        children[_name(parent) if parent else ""].append(name)

    def goal_projects(goal: str) -> list[ProjectView]:
        return [p for p in v.projects if goal in p.goals]

    out = [front("Strategy"), "# Strategy tree\n\n", as_of_note(ctx)]
    out.append(
        "Each strategic goal with the portfolios and programs that pursue it and the projects aligned to it "
        "(grouped by program). Projects aligned to no goal are listed at the end.\n\n"
    )

    def emit_goal(name: str, depth: int) -> None:
        g = goals[name]
        indent = "    " * depth
        state = g.spec.state  # type: ignore[attr-defined]
        out.append(f"{indent}- **{esc(g.display)}** <small>goal `{name}`, {esc(state)}</small>\n")
        inner = indent + "    "
        for pf_name, pf in sorted(portfolios.items()):
            if name in {_name(x) for x in pf.spec.goals}:  # type: ignore[attr-defined]
                out.append(f"{inner}- Portfolio {esc(pf.display)} <small>`{pf_name}`</small>\n")
        aligned = goal_projects(name)
        by_program: dict[str, list[ProjectView]] = defaultdict(list)
        for p in aligned:
            by_program[p.program].append(p)
        for pg_name, pg in sorted(programs.items()):
            if name in {_name(x) for x in pg.spec.goals} or by_program.get(pg_name):  # type: ignore[attr-defined]
                portfolio = _name(pg.spec.portfolio or "")  # type: ignore[attr-defined]
                where = f" in portfolio `{portfolio}`" if portfolio else ""
                out.append(f"{inner}- Program {esc(pg.display)} <small>`{pg_name}`{where}</small>\n")
                for p in by_program.get(pg_name, []):
                    out.append(_project_item(ctx, p, inner + "    "))
        for p in by_program.get("", []):
            out.append(_project_item(ctx, p, inner))
        for child in children.get(name, []):
            emit_goal(child, depth + 1)

    roots = list(children.get("", [])) + sorted(
        n
        for n, g in goals.items()
        if g.spec.parent and _name(g.spec.parent) not in goals  # type: ignore[attr-defined]
    )
    for name in roots:
        emit_goal(name, 0)
    if not goals:
        out.append("_No strategic goals._\n")
    unaligned = [p for p in v.projects if not any(g in goals for g in p.goals)]
    out.append("\n## Not aligned to a goal\n\n")
    if unaligned:
        out.extend(_project_item(ctx, p, "") for p in unaligned)
    else:
        out.append("_None._\n")
    return {HERE: "".join(out)}
