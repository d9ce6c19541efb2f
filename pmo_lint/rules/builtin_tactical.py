"""Tactical rules over a project's milestone graph: cycles and the order of dependent milestones."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from pmo_lint.diagnostics import Severity
from pmo_lint.rules.base import Finding, FunctionRule, RuleContext, RuleDocs, RuleMeta

if TYPE_CHECKING:
    from pmo_lint.model.kinds import Milestone

PACK = "tactical"
ENV = "apiVersion: pmo-lint/v1\n"


def _cycle_members(milestones: list[Milestone]) -> list[list[str]]:
    """Each dependency cycle once, as the ids along it (iterative DFS, colours white/grey/black)."""
    deps = {m.id: list(m.depends_on) for m in milestones}
    state: dict[str, int] = {}
    cycles: list[list[str]] = []
    for root in deps:
        if state.get(root):
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        path: list[str] = []
        while stack:
            node, i = stack.pop()
            if i == 0:
                state[node] = 1
                path.append(node)
            succ = deps.get(node, [])
            if i < len(succ):
                stack.append((node, i + 1))
                nxt = succ[i]
                if nxt not in deps:
                    continue  # unknown ids are TAC014's business
                if state.get(nxt) == 1:
                    cycles.append(path[path.index(nxt) :])
                elif not state.get(nxt):
                    stack.append((nxt, 0))
            else:
                state[node] = 2
                path.pop()
    return cycles


def _cycles(ctx: RuleContext) -> Iterator[Finding]:
    from pmo_lint.model.kinds import Project

    for project, item in ctx.catalog.typed(Project):
        index = {m.id: i for i, m in enumerate(project.spec.milestones)}
        for cycle in _cycle_members(list(project.spec.milestones)):
            loop = " -> ".join([*cycle, cycle[0]])
            yield Finding(
                f"milestone dependencies form a cycle ({loop}); no milestone of it can ever start, remove one link",
                item,
                ("spec", "milestones", index[cycle[0]], "dependsOn"),
            )


def _order(ctx: RuleContext) -> Iterator[Finding]:
    from pmo_lint.model.kinds import Project

    for project, item in ctx.catalog.typed(Project):
        by_id = {m.id: m for m in project.spec.milestones}
        for i, m in enumerate(project.spec.milestones):
            if m.status == "cancelled":
                continue
            for dep_id in m.depends_on:
                dep = by_id.get(dep_id)
                if dep is None or dep.status == "cancelled":
                    continue
                dep_date = dep.actual_date or dep.forecast_date
                own_date = m.actual_date or m.forecast_date
                if dep_date > own_date:
                    yield Finding(
                        f"milestone {m.id} ({own_date}) is dated before {dep.id} ({dep_date}) that it depends on; "
                        "re-forecast one of them",
                        item,
                        ("spec", "milestones", i, "forecastDate"),
                    )


_PROJECT = (
    ENV + "kind: Project\nmetadata: {name: demo}\nspec:\n  type: it-delivery\n  category: strategic\n"
    "  lifecycle: {phase: planning}\n  milestones:\n"
    "    - {id: design, title: Design, forecastDate: 2025-09-01, dependsOn: [pilot]}\n"
)

MILESTONE_CYCLE = FunctionRule(
    RuleMeta(
        id="milestone-dependency-cycle",
        code="TAC012",
        title="Milestone dependencies have no cycle",
        severity=Severity.ERROR,
        pack=PACK,
        kinds=("Project",),
        standard="TAC-09 (pmo.md §b); schedule network logic",
        docs=RuleDocs(
            what="Following `dependsOn` from milestone to milestone within a project never comes back to where it "
            "started.",
            why="A cycle is a plan that cannot be executed: each milestone waits for another that waits for it. "
            "Scheduling tools reject it; a YAML plan must too.",
            example=_PROJECT + "    - {id: pilot, title: Pilot, forecastDate: 2025-10-01, dependsOn: [design]}\n",
            use_instead=_PROJECT.replace(", dependsOn: [pilot]", "")
            + "    - {id: pilot, title: Pilot, forecastDate: 2025-10-01, dependsOn: [design]}\n",
        ),
    ),
    _cycles,
)
MILESTONE_ORDER = FunctionRule(
    RuleMeta(
        id="milestone-dependency-order",
        code="TAC013",
        title="A milestone is not dated before the milestones it depends on",
        severity=Severity.WARNING,
        pack=PACK,
        kinds=("Project",),
        standard="TAC-09 (pmo.md §b); finish-to-start dependencies",
        docs=RuleDocs(
            what="For each `dependsOn` link between milestones that are not cancelled, the predecessor's date "
            "(actual, else forecast) is not after the successor's.",
            why="A successor forecast before its predecessor means one of the two dates is wishful; the plan "
            "shows a path that cannot happen.",
            example=_PROJECT.replace(", dependsOn: [pilot]", "")
            + "    - {id: pilot, title: Pilot, forecastDate: 2025-08-15, dependsOn: [design]}\n",
            use_instead=_PROJECT.replace(", dependsOn: [pilot]", "")
            + "    - {id: pilot, title: Pilot, forecastDate: 2025-10-01, dependsOn: [design]}\n",
        ),
    ),
    _order,
)

TACTICAL_RULES: tuple[FunctionRule, ...] = (MILESTONE_CYCLE, MILESTONE_ORDER)
