"""The templates gallery: the portfolio's templates/ folder, each template's files shown as text."""

from __future__ import annotations

from collections import defaultdict

from pmo_lint.site.html import block, esc, md_table, pre
from pmo_lint.site.page.common import Ctx, as_of_note, front, project_link

HERE = "templates.md"


def render(ctx: Ctx) -> dict[str, str]:
    out = [front("Templates"), "# Templates gallery\n\n", as_of_note(ctx)]
    out.append(
        "The standard templates of the portfolio (its `templates/` folder), with the projects started from each "
        "(`spec.template`). Start a project from one with `pmo-lint new`.\n\n"
    )
    groups: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for path, title, text in ctx.templates:
        parts = path.split("/")
        key = parts[1] if len(parts) > 2 else parts[-1].rsplit(".", 1)[0]
        groups[key].append((path, title, text))
    if not groups:
        out.append("_The portfolio has no templates/ folder._\n")
    users: dict[str, list[str]] = defaultdict(list)
    for p in ctx.view.projects:
        if p.project.spec.template:
            users[p.project.spec.template].append(p.name)
    for key in sorted(groups):
        out.append(block(f"<h2>{esc(key)}</h2>"))
        used = users.get(key, [])
        out.append(
            "\nUsed by: " + (", ".join(project_link(ctx, HERE, n) for n in used) if used else "no project") + ".\n\n"
        )
        out.append(md_table(("File", "Title"), [(esc(path), esc(title)) for path, title, _ in groups[key]]))
        details = "".join(
            f"<details><summary>{esc(path)}</summary>{pre(text)}</details>" for path, _, text in groups[key]
        )
        out.append("\n" + block(details) + "\n")
    return {HERE: "".join(out)}
