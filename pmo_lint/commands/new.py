"""``pmo-lint new KIND NAME``: create an entity from a template, at its layout path, ready to pass."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pmo_lint.commands.common import EXIT_OK, handle_errors, traceback_option
from pmo_lint.commands.params import DATE
from pmo_lint.scaffold import ENTITY_KINDS
from pmo_lint.scaffold.writing import write_new, yaml_text

if TYPE_CHECKING:
    from pmo_lint.model.catalog import Catalog
    from pmo_lint.model.kinds import PMOConfig

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


@dataclass(frozen=True)
class NewOptions:
    kind: str
    name: str | None
    root_dir: Path
    project: str | None = None
    date: dt.date | None = None
    title: str | None = None
    owner: str | None = None
    role: str = "project-manager"
    check: str | None = None
    target: str | None = None


# short names that read as acronyms; besides these, a 2-4 letter word without a vowel is one (crm, wms)
ACRONYMS = frozenset(
    {"ai", "api", "bi", "cio", "crm", "dms", "edi", "erp", "esg", "gdpr", "hr", "iam", "iot", "it", "kpi", "ml", "mes",
     "ocr", "pmo", "qa", "rpa", "sap", "sla", "sso", "ui", "ux", "vpn", "wms"}
)  # fmt: skip
_VOWELS = frozenset("aeiouy")


def _is_acronym(word: str) -> bool:
    return word in ACRONYMS or (2 <= len(word) <= 4 and word.isalpha() and not _VOWELS & set(word))


def title_of(name: str) -> str:
    """``wms-replacement`` -> ``WMS replacement``: sentence case, acronyms in capitals."""
    words = [w.upper() if _is_acronym(w) else w for w in name.split("-") if w]
    if words and not words[0].isupper():
        words[0] = words[0][:1].upper() + words[0][1:]
    return " ".join(words)


def _pick_person(catalog: Catalog, role: str, explicit: str | None) -> str:
    from pmo_lint.errors import UsageError

    people = sorted(catalog.of_kind("Person"), key=lambda p: p.entity.metadata.name)
    if explicit:
        wanted = explicit.split(":", 1)[-1]
        if not any(p.entity.metadata.name == wanted for p in people):
            raise UsageError(f"no person named {wanted!r}; create one with `pmo-lint new person {wanted}`")
        return wanted
    for person in people:
        if role in getattr(getattr(person.entity, "spec", None), "roles", ()):
            return person.entity.metadata.name
    if people:
        return people[0].entity.metadata.name
    raise UsageError("the portfolio has no person yet; create one with `pmo-lint new person NAME` or pass --owner")


def _pick_project(catalog: Catalog, explicit: str | None) -> str:
    from pmo_lint.errors import UsageError

    names = sorted(p.entity.metadata.name for p in catalog.of_kind("Project"))
    if explicit:
        if explicit not in names:
            raise UsageError(f"no project named {explicit!r}; create it with `pmo-lint new project {explicit}`")
        return explicit
    if len(names) == 1:
        return names[0]
    if not names:
        raise UsageError("the portfolio has no project yet; create one with `pmo-lint new project NAME`")
    raise UsageError(f"which project? pass --project (one of: {', '.join(names)})")


def _pick_sponsor(catalog: Catalog, owner: str) -> str | None:
    """Someone other than the project manager, preferring the roles that sponsor projects; None if nobody."""
    people = sorted(catalog.of_kind("Person"), key=lambda p: p.entity.metadata.name)
    others = [p for p in people if p.entity.metadata.name != owner]
    for role in ("sponsor", "pmo-director"):
        for person in others:
            if role in getattr(getattr(person.entity, "spec", None), "roles", ()):
                return person.entity.metadata.name
    return others[0].entity.metadata.name if others else None


def project_plan(pmo: PMOConfig, start: dt.date, end: dt.date) -> tuple[str, str, list[str]]:
    """The milestones (one per gate of the lifecycle, spread over the requested schedule), a commented
    baseline for the gate that approves the plan, and what is left for the user to fill in."""
    from pmo_lint.facts.lifecycle import meaning

    gates = list(pmo.spec.lifecycle.gates)
    span = max((end - start).days, len(gates) or 1)
    lines: list[str] = []
    for i, gate in enumerate(gates):
        when = start + dt.timedelta(days=span * (i + 1) // len(gates))
        lines += [
            f"    - id: {gate.id.lower()}",
            f"      title: {yaml_text(gate.title)}",
            "      key: true",
            f"      forecastDate: {when.isoformat()}",
        ]
        if i:
            lines.append(f"      dependsOn: [{gates[i - 1].id.lower()}]")
    milestones = "".join("\n" + line for line in lines) if lines else "[]"
    # the baseline is approved by the gate that opens execution (the phase that requires it)
    gate_id = next(
        (
            p.start_gate
            for p in pmo.spec.lifecycle.phases
            if p.start_gate and ("/spec/activeBaseline" in p.required_fields or meaning(p).stage == "execution")
        ),
        None,
    )
    by = f"gate:{gate_id}" if gate_id else "gate:GATE"
    baseline = "\n".join(
        [  # the template has `  # ${baseline}`: the first line's comment mark is there already
            f"when {'gate ' + gate_id if gate_id else 'the plan'} is approved, record the baseline and uncomment:",
            "  # baselines:",
            "  #   - id: b1",
            f"  #     date: {start.isoformat()}",
            f"  #     approvedBy: {by}",
            f"  #     schedule: {{start: {start.isoformat()}, finish: {end.isoformat()}}}",
            "  #     budget: {bac: 0}",
            "  # activeBaseline: b1",
        ]
    )
    todo = [
        f"set spec.budget.bac to the estimate (in {pmo.spec.currency}); it is 0 for now",
        "adjust the milestone dates to the plan",
        f"record the baseline when {'gate ' + gate_id if gate_id else 'the plan'} approves it (commented in the file)",
    ]
    return milestones, baseline, todo


def _middle(levels: list[object]) -> str:
    ids = [str(getattr(level, "id", "")) for level in levels]
    return ids[(len(ids) - 1) // 2] if ids else ""


def execute(opts: NewOptions) -> int:
    from pmo_lint import scaffold
    from pmo_lint.cache.files import load_working_tree
    from pmo_lint.config import load_config
    from pmo_lint.errors import UsageError
    from pmo_lint.loader.discover import find_root
    from pmo_lint.model.catalog import Catalog
    from pmo_lint.model.names import NAME_PATTERN
    from pmo_lint.outcome import process_bytes
    from pmo_lint.paths import Boundary

    root = find_root(opts.root_dir)
    config = load_config(root)
    outcomes, _ = load_working_tree(root, config, use_cache=True)
    catalog = Catalog.build(o.loaded for o in outcomes if o.loaded is not None)
    pmo = catalog.config
    if pmo is None:
        raise UsageError("pmo.yaml does not validate; run `pmo-lint check pmo.yaml` and fix it first", path=str(root))

    kind_name, layout = ENTITY_KINDS[opts.kind]
    date = opts.date or dt.date.today()
    name, project = opts.name, opts.project
    if opts.kind == "status-report":
        if name and _DATE.match(name):
            date = dt.date.fromisoformat(name)
        elif name and project is None:
            project = name  # `pmo-lint new status-report demo`: the report of project demo
        name = date.isoformat()
    if not name:
        raise UsageError(f"give the new {opts.kind} a name: pmo-lint new {opts.kind} NAME")
    if opts.kind != "status-report" and not re.match(NAME_PATTERN, name):
        raise UsageError(f"{name!r} is not a valid name; use lowercase words joined by '-', e.g. crm-migration")

    needs_project = "{project}" in layout or opts.kind == "allocation"
    values = {
        "name": name,
        "title": yaml_text(opts.title or title_of(name)),
        "date": date.isoformat(),
        "end_date": (date + dt.timedelta(days=180)).isoformat(),
        "expires": (date + dt.timedelta(days=90)).isoformat(),
        "year": str(date.year),
        "currency": pmo.spec.currency,
        "org": yaml_text(pmo.spec.organization),
        "project": _pick_project(catalog, project) if needs_project else "",
        "project_type": pmo.spec.project_types[0],
        "phase": pmo.spec.lifecycle.phases[0].id,
        "probability": _middle(list(pmo.spec.scales.probability)),
        "impact": _middle(list(pmo.spec.scales.impact)),
        "role": opts.role,
        "check": opts.check or "",
        "target": opts.target or "",
    }
    goals = sorted(g.entity.metadata.name for g in catalog.of_kind("StrategicGoal"))
    # a new project or program serves the portfolio's first goal until someone says otherwise
    values["goals"] = f"[{goals[0]}]" if goals else "[]"
    values["alignment"] = f"[{{goal: {goals[0]}, impact: moderate}}]" if goals else "[]"
    if opts.kind == "allocation":
        _pick_person(catalog, "", name)  # an allocation is named by the person it books
        values["person"] = name
        # names are unique per kind across the years: the person's allocation of another year has the plain name
        if any(a.entity.metadata.name == name for a in catalog.of_kind("Allocation")):
            name = values["name"] = f"{name}-{values['year']}"
            if any(a.entity.metadata.name == name for a in catalog.of_kind("Allocation")):
                raise UsageError(
                    f"{opts.name} already has the allocation {name} for {values['year']}; edit it to add an assignment"
                )
    if opts.kind == "waiver" and not (opts.check and opts.target):
        raise UsageError("a waiver names what it waives: pass --check RULE and --target REFERENCE")
    todo: list[str] = []
    if opts.kind != "person":
        values["owner"] = _pick_person(catalog, "project-manager", opts.owner)
        sponsor = _pick_sponsor(catalog, values["owner"])
        values["sponsor"] = sponsor or values["owner"]
        if sponsor is None and opts.kind == "project":
            todo.append(
                f"name a sponsor other than the project manager {values['owner']}: add one with "
                "`pmo-lint new person NAME --role pmo-director` and set spec.sponsor"
            )
    if opts.kind == "project":
        values["milestones"], values["baseline"], plan_todo = project_plan(pmo, date, date + dt.timedelta(days=180))
        todo += plan_todo

    rel = layout.format(name=name, project=values["project"], year=values["year"])
    target = root / rel
    if target.exists():
        raise UsageError(f"{rel} already exists; pick another name or edit that file", path=str(root))
    # the portfolio's folders and template may be links a pull request committed: follow none out of it
    boundary = Boundary(root.resolve())
    if not boundary.contains(target):
        raise UsageError(f"{rel} would be written outside the portfolio through a symbolic link", path=str(root))
    custom = root / "templates" / f"{opts.kind}.yaml"
    source = scaffold.TEMPLATES_DIR / f"{opts.kind}.yaml"
    if custom.exists() and (not boundary.contains(custom) or not custom.is_file()):
        raise UsageError(
            "is a symbolic link to a file outside the portfolio, or not a regular file; it was not read",
            path=f"templates/{opts.kind}.yaml",
        )
    if custom.is_file():
        # a portfolio template without any ${placeholder} is an example to copy by hand (the site's
        # gallery shows it); filling it would give a file named after the example: use the built-in one
        if re.search(r"\$\{[a-z_]+\}", custom.read_text(encoding="utf-8", errors="replace")):
            source = custom
        else:
            todo.append(f"templates/{opts.kind}.yaml has no ${{name}} placeholder, so the built-in template was used")
    values["schema"] = scaffold.schema_ref(root, target, kind_name)
    text = scaffold.fill(source.read_text(encoding="utf-8"), values, source=str(source))
    text = re.sub(r"[ \t]+\n", "\n", text)  # a block filled in after `key: ` leaves a trailing space
    text = scaffold.with_modeline(text, values["schema"])

    outcome = process_bytes(rel, text.encode("utf-8"), config.limits)
    if outcome.diagnostics:
        first = outcome.diagnostics[0]
        raise UsageError(
            f"the template gives an invalid {kind_name} ({first.data_path_text or 'file'}: {first.message}); "
            "fix the template",
            path=str(source),
        )
    if opts.kind == "project" and outcome.loaded is not None:
        todo += _fields_still_required(pmo, outcome.loaded.entity, outcome.loaded.data)
    write_new(target, text)
    click.echo(f"created {rel}")
    if todo:
        click.echo("still to do:\n" + "\n".join(f"  - {line}" for line in todo))
    return EXIT_OK


def _fields_still_required(pmo: PMOConfig, project: object, data: object) -> list[str]:
    """What the project's phase requires (pmo.yaml requiredFields) that the new file cannot know, such as scores."""
    from pmo_lint.facts.lifecycle import required_fields
    from pmo_lint.facts.portfolio import pointer_present

    lifecycle = project.spec.lifecycle  # type: ignore[attr-defined]
    missing = [p for p in required_fields(pmo.spec.lifecycle.phases, lifecycle) if not pointer_present(data, p)]
    return [f"fill in {p[1:].replace('/', '.')}: phase {lifecycle.phase} requires it" for p in missing]


@click.command("new")
@click.argument("kind", type=click.Choice(sorted(ENTITY_KINDS)))
@click.argument("name", required=False)
@click.option("--project", help="Project of a risk, issue, change request, status report, benefit or allocation.")
@click.option(
    "--date",
    "date",
    type=DATE,
    help="Date of a status report (its name) and other dates (default: today).",
)
@click.option("--title", help="Title (default: from the name).")
@click.option("--owner", help="Person who owns it (default: a person of the portfolio with a fitting role).")
@click.option("--role", default="project-manager", show_default=True, help="Role of a new person.")
@click.option("--check", "check_id", help="Rule a waiver waives (code or id).")
@click.option("--target", help="Reference a waiver exempts, e.g. project:crm.")
@click.option("--dir", "root_dir", type=click.Path(path_type=Path), default=Path(), help="A folder of the portfolio.")
@traceback_option
@handle_errors
def command(
    kind: str,
    name: str | None,
    project: str | None,
    date: dt.date | None,
    title: str | None,
    owner: str | None,
    role: str,
    check_id: str | None,
    target: str | None,
    root_dir: Path,
) -> int:
    """Create a KIND named NAME from a template, at its place in the portfolio.

    The template is templates/KIND.yaml of the portfolio when there is one, else the built-in
    one. References default to people and projects that exist. A status report is named by its
    date (--date, default today): `pmo-lint new status-report --project crm`.
    """
    opts = NewOptions(kind, name, root_dir, project, date, title, owner, role, check_id, target)
    return execute(opts)
