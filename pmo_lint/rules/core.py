"""Core rules: the file is understood, the entity has the right identity and its references hold.

These run whatever PMO types are enabled. The first five are emitted by the loader and the
schema validator; the rest are cross-file checks over the catalog.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from pmo_lint.diagnostics import Severity
from pmo_lint.model.refs import REFERENCE_FIELDS, iter_refs, parse_ref
from pmo_lint.rules.base import Finding, FunctionRule, RuleContext, RuleDocs, RuleMeta

if TYPE_CHECKING:
    from pmo_lint.model.base import Entity

_ENVELOPE = "apiVersion: pmo-lint/v1\n"

SYNTAX = RuleMeta(
    id="syntax",
    code="PMO001",
    title="File is well-formed YAML 1.2",
    severity=Severity.ERROR,
    pack="core",
    can_disable=False,
    standard="Governance PMO — every file is valid against its schema",
    docs=RuleDocs(
        what="The file parses as YAML 1.2: balanced quotes and brackets, consistent indentation, no duplicate "
        "keys (also when quoted differently), string keys only, no merge keys, no language-specific tags "
        "such as `!!python/object`, and aliases that refer to an anchor.",
        why="A file that does not parse cannot be checked; pmo-lint never lets it pass silently. Duplicate keys "
        "are rejected because YAML readers disagree about which value wins.",
        example=_ENVELOPE + "kind: Person\nmetadata:\n  name: jdoe\n  name: jdoe2\n",
        use_instead=_ENVELOPE + "kind: Person\nmetadata:\n  name: jdoe\n",
    ),
)
INVALID_FILE = RuleMeta(
    id="invalid-file",
    code="PMO002",
    title="File holds one entity, as UTF-8",
    severity=Severity.ERROR,
    pack="core",
    can_disable=False,
    standard="Governance PMO — every file sits at its place in the repository layout",
    docs=RuleDocs(
        what="Each `.yaml` file is a readable regular file in UTF-8 holding exactly one YAML document whose top "
        "level is a mapping. Empty files, several documents, a top-level list or scalar, other encodings, "
        "directories, FIFOs and symlinks leaving the portfolio are reported.",
        why="One entity per file keeps identity, history and review simple, and a file pmo-lint cannot read "
        "must fail the check rather than be skipped.",
        example="- apiVersion: pmo-lint/v1\n  kind: Person\n",
        use_instead=_ENVELOPE + "kind: Person\nmetadata:\n  name: jdoe\n",
    ),
)
LIMIT = RuleMeta(
    id="limit-exceeded",
    code="PMO003",
    title="File stays within the documented limits",
    severity=Severity.ERROR,
    pack="core",
    can_disable=False,
    docs=RuleDocs(
        what="File size, nesting depth, number of values after alias expansion, keys or items in one "
        "collection, and digits of an integer stay under the limits set in `limits:` of the configuration.",
        why="Hostile or broken input (YAML bombs, runaway generators) must not hang or exhaust a CI runner.",
        example=_ENVELOPE + "kind: Person\nmetadata:\n  name: jdoe\nspec:\n  capacity:\n"
        "    hoursPerWeek: 1" + "0" * 60 + "\n",
        use_instead=_ENVELOPE + "kind: Person\nmetadata:\n  name: jdoe\nspec:\n  capacity:\n    hoursPerWeek: 40\n",
        options="`limits.max_file_bytes`, `max_depth`, `max_nodes`, `max_items`, `max_int_digits`, `max_files`.",
    ),
)
SCHEMA = RuleMeta(
    id="schema-violation",
    code="PMO004",
    title="Entity matches the published JSON Schema of its kind",
    severity=Severity.ERROR,
    pack="core",
    can_disable=False,
    fixable=True,  # rules/fixes.py: enum spelling, kind, missing apiVersion, currency case
    standard="Governance PMO — every file is valid against its schema",
    docs=RuleDocs(
        what="The entity's `apiVersion`, `kind`, `metadata` and `spec` match `schemas/<kind>.schema.json`: known "
        "keys only (typos are errors), required keys present, values of the right type, enum values spelled "
        "as listed, dates as `YYYY-MM-DD` that exist on the calendar.",
        why="A misspelled key would otherwise be ignored and the governance check it feeds would pass for "
        "the wrong reason.",
        example=_ENVELOPE + "kind: Person\nmetadata:\n  name: jdoe\nspec:\n  profile: {displayName: Jo Doe}\n"
        "  roles: [project-manager]\n  capacty: {hoursPerWeek: 40}\n",
        use_instead=_ENVELOPE + "kind: Person\nmetadata:\n  name: jdoe\nspec:\n  profile: {displayName: Jo Doe}\n"
        "  roles: [project-manager]\n  capacity: {hoursPerWeek: 40}\n",
    ),
)
SUSPICIOUS_UNICODE = RuleMeta(
    id="suspicious-unicode",
    code="PMO009",
    title="No invisible or bidirectional control characters",
    severity=Severity.ERROR,
    pack="core",
    docs=RuleDocs(
        what="Bidirectional controls (U+202A–U+202E, U+2066–U+2069, …) and invisible characters (zero-width "
        "space and joiners, soft hyphen) anywhere in a file.",
        why="They make a name or an approval read differently from what it is (Trojan Source, CVE-2021-42574) "
        "or make two different names look identical.",
        example=_ENVELOPE + 'kind: Person\nmetadata:\n  name: jdoe\n  title: "Jo\u200bDoe"\n',
        use_instead=_ENVELOPE + "kind: Person\nmetadata:\n  name: jdoe\n  title: Jo Doe\n",
    ),
)
YAML11 = RuleMeta(
    id="yaml11-ambiguity",
    code="PMO010",
    title="Plain values that YAML 1.1 tools read differently",
    severity=Severity.WARNING,
    pack="core",
    fixable=True,  # rules/fixes.py: quotes yes/no/on/off
    docs=RuleDocs(
        what="An unquoted value that YAML 1.1 reads as something else than YAML 1.2 does: `yes`, `no`, `on`, "
        "`off`, `y`, `n` (booleans in YAML 1.1, text in 1.2), `012` (octal 10 in 1.1, 12 in 1.2), `09`, `0o12`, "
        "`1e3` and `-.5` (numbers in 1.2 only), `1_000`, `0b101`, `1:30` and `+0x1F` (numbers in 1.1 only). "
        "Values both read alike, such as `0.80` or `1.10`, are not reported. The message says how each "
        "reads it and what to write.",
        why="pmo-lint reads YAML 1.2, but many other tools (PyYAML, older editors, CI systems) read YAML 1.1: "
        "the same file would mean something else to them. Quote text; write a number the way both read it "
        "(`12`, `1000.0`), as a quoted number is text.",
        example=_ENVELOPE + "kind: Person\nmetadata:\n  name: jdoe\n  labels:\n    country: NO\n",
        use_instead=_ENVELOPE + 'kind: Person\nmetadata:\n  name: jdoe\n  labels:\n    country: "NO"\n',
    ),
)


def _expected_paths(entity: Entity) -> list[str]:
    from pmo_lint.model.kinds import Allocation

    md = entity.metadata
    year = str(entity.spec.year) if isinstance(entity, Allocation) else ""
    base = entity.FOLDER.format(name=md.name, namespace=md.namespace or "<project>", year=year)
    return [base, base[: -len(".yaml")] + ".yml"] if base.endswith(".yaml") else [base]


def _path_identity(ctx: RuleContext) -> Iterator[Finding]:
    from pmo_lint.model.kinds import StatusReport

    for item in ctx.catalog.entities:
        entity = item.entity
        md = entity.metadata
        if entity.NAMESPACED and not md.namespace:
            yield Finding(
                f"a {entity.KIND} belongs to a project: set metadata.namespace to the project's name",
                item,
                ("metadata",),
            )
            continue
        if not entity.NAMESPACED and md.namespace:
            yield Finding(
                f"a {entity.KIND} has no namespace; remove metadata.namespace", item, ("metadata", "namespace")
            )
            continue
        expected = _expected_paths(entity)
        if item.path not in expected:
            yield Finding(
                f"{entity.KIND} {md.name!r} must live at {expected[0]}, not {item.path}; move the file or fix its name",
                item,
                ("metadata", "name"),
            )
        if isinstance(entity, StatusReport) and md.name != entity.spec.report_date.isoformat():
            yield Finding(
                f"a status report is named by its report date: expected {entity.spec.report_date.isoformat()!r}",
                item,
                ("metadata", "name"),
            )


def _unique_names(ctx: RuleContext) -> Iterator[Finding]:
    for group in ctx.catalog.duplicates():
        first = group[0]
        for dup in group[1:]:
            yield Finding(
                f"{dup.kind} name {dup.entity.metadata.name!r} is already used by {first.path} "
                "(names are unique per kind and namespace, ignoring case)",
                dup,
                ("metadata", "name"),
            )


def _references(ctx: RuleContext) -> Iterator[Finding]:
    cat = ctx.catalog
    for item in cat.entities:
        entity = item.entity
        # a project's own records resolve in its namespace; a project resolves in its own name
        ns = entity.metadata.namespace or (entity.metadata.name if entity.KIND == "Project" else None)
        for path, text, field in iter_refs(item.data, entity.KIND):
            parsed = parse_ref(text)
            if parsed is None:
                continue  # the schema already reported a malformed reference
            if parsed.raw_kind is not None:
                yield Finding(f"{text!r}: unknown kind {parsed.raw_kind!r} in reference", item, path)
                continue
            if parsed.kind is not None and parsed.kind not in field.kinds:
                allowed = " or ".join(field.kinds)
                yield Finding(f"{text!r} refers to a {parsed.kind}; this field takes a {allowed}", item, path)
                continue
            if cat.lookup(parsed, kinds=field.kinds, namespace=ns) is None:
                if cat.is_invalid(parsed, kinds=field.kinds, namespace=ns):
                    continue  # the target's own file reports why it is invalid; one finding, not a cascade
                what = " or ".join(k for k in ((parsed.kind,) if parsed.kind else field.kinds))
                yield Finding(
                    f"{text!r} does not resolve: no {what} named {parsed.name!r}; create it or fix the reference",
                    item,
                    path,
                )


def _cycles(ctx: RuleContext) -> Iterator[Finding]:
    cat = ctx.catalog
    for kind, fields in sorted(REFERENCE_FIELDS.items()):
        for field in fields:
            if not field.hierarchy or field.kinds != (kind,) or len(field.path) != 2:
                continue
            key = field.path[1]
            reported: set[str] = set()
            for item in cat.of_kind(kind):
                chain = [item]
                seen = {item.ref}
                current = item
                while True:
                    target_text = current.data.get("spec", {}).get(key)
                    if not isinstance(target_text, str):
                        break
                    target = cat.lookup(target_text, kinds=field.kinds)
                    if target is None:
                        break
                    if target.ref in seen:
                        loop = chain[[c.ref for c in chain].index(target.ref) :]
                        if not reported & {c.ref for c in loop}:
                            reported.update(c.ref for c in loop)
                            names = " -> ".join(c.entity.metadata.name for c in [*loop, target])
                            yield Finding(
                                f"{kind} {key} chain loops: {names}; a hierarchy must end at a root",
                                item,
                                ("spec", key),
                            )
                        break
                    seen.add(target.ref)
                    chain.append(target)
                    current = target


def _phase_meanings(ctx: RuleContext) -> Iterator[Finding]:
    from pmo_lint.facts.lifecycle import STAGES, meaning

    pmo = ctx.catalog.config
    if pmo is None:
        return
    item = ctx.catalog.of_kind("PMOConfig")[0]
    for i, phase in enumerate(pmo.spec.lifecycle.phases):
        if meaning(phase).stage is None:
            yield Finding(
                f"phase {phase.id} of the lifecycle has no stage and its name does not say one; add "
                f"`stage: <one of {', '.join(STAGES)}>` so that the rules know what it means",
                item,
                ("spec", "lifecycle", "phases", i, "id"),
            )


_REF_EXAMPLE = _ENVELOPE + ("kind: Program\nmetadata:\n  name: digital\nspec:\n  owner: person:nobody\n")
_REF_FIXED = _ENVELOPE + "kind: Program\nmetadata:\n  name: digital\nspec:\n  owner: person:pat-director\n"

PATH_IDENTITY = FunctionRule(
    RuleMeta(
        id="path-mismatch",
        code="PMO005",
        title="File path agrees with the entity's identity",
        severity=Severity.ERROR,
        pack="core",
        standard="Governance PMO — every file sits at its place in the repository layout",
        docs=RuleDocs(
            what="Each entity lives where the repository layout says: `projects/<project>/project.yaml`, "
            "`projects/<project>/risks/<name>.yaml`, `people/<name>.yaml`, … Project-scoped records set "
            "`metadata.namespace` to their project; status reports are named by their report date.",
            why="Reviewers and tools find an entity from its name alone, and a copied file whose name was not "
            "changed is caught before it shadows the original.",
            example=_ENVELOPE
            + "kind: Program\nmetadata:\n  name: digital-workplace\nspec:\n  owner: person:pat-director\n",
            use_instead=_REF_FIXED,
        ),
    ),
    _path_identity,
)
UNIQUE_NAMES = FunctionRule(
    RuleMeta(
        id="duplicate-name",
        code="PMO006",
        title="Names are unique per kind and namespace",
        severity=Severity.ERROR,
        pack="core",
        standard="Governance PMO — one record per project, person and document",
        docs=RuleDocs(
            what="No two entities of one kind share a name within a namespace, ignoring case.",
            why="References must point to exactly one thing; two projects named alike split their history.",
            example=_ENVELOPE + "kind: Person\nmetadata:\n  name: Pat-Director\nspec:\n  profile: {displayName: Pat}\n"
            "  roles: [pmo-director]\n",
            use_instead=_ENVELOPE
            + "kind: Person\nmetadata:\n  name: pat-deputy\nspec:\n  profile: {displayName: Pat}\n"
            "  roles: [pmo-director]\n",
        ),
    ),
    _unique_names,
)
REFERENCES = FunctionRule(
    RuleMeta(
        id="unknown-reference",
        code="PMO007",
        title="Every reference resolves to an entity of the right kind",
        severity=Severity.ERROR,
        pack="core",
        standard="Governance PMO — references point to records that exist",
        docs=RuleDocs(
            what="References `[kind:][namespace/]name` (owners, sponsors, goals, portfolios, approvers, risks, …) "
            "name an existing entity of a kind the field allows. A project's own records resolve in its namespace.",
            why="A dangling owner means nobody is accountable; a reference to the wrong kind means a check "
            "reads the wrong data.",
            example=_REF_EXAMPLE,
            use_instead=_REF_FIXED,
        ),
    ),
    _references,
)
CYCLES = FunctionRule(
    RuleMeta(
        id="reference-cycle",
        code="PMO008",
        title="Hierarchies have no cycles",
        severity=Severity.ERROR,
        pack="core",
        standard="Strategic PMO — a consistent goal, portfolio and program hierarchy",
        docs=RuleDocs(
            what="Parent chains (goal → parent goal, team → parent team) end at a root instead of looping.",
            why="A loop makes roll-ups (goal contribution, team capacity) count forever or not at all.",
            example=_ENVELOPE + "kind: StrategicGoal\nmetadata:\n  name: grow\nspec:\n  owner: person:pat-director\n"
            "  parent: grow\n",
            use_instead=_ENVELOPE
            + "kind: StrategicGoal\nmetadata:\n  name: grow\nspec:\n  owner: person:pat-director\n",
        ),
    ),
    _cycles,
)


def example_pmo(last_phase: str) -> str:
    """A small valid ``pmo.yaml`` for rule examples: the default lifecycle with ``last_phase`` (a phase
    list item) as its last phase, gates G0–G3, three-level scales."""
    return (
        _ENVELOPE + "kind: PMOConfig\nmetadata: {name: pmo}\nspec:\n  organization: Example Corp\n"
        "  pmoTypes: [governance, strategic, tactical, operational, transformational]\n  currency: EUR\n"
        "  projectTypes: [it-delivery, business-change]\n  lifecycle:\n    phases:\n"
        "      - {id: proposed}\n      - {id: initiating, startGate: G0}\n      - {id: planning, startGate: G1}\n"
        f"      - {{id: executing, startGate: G2}}\n      - {{id: closing}}\n      - {last_phase}\n"
        "    gates:\n      - {id: G0, title: Intake, approverRoles: [pmo-director]}\n"
        "      - {id: G1, title: Charter, approverRoles: [pmo-director]}\n"
        "      - {id: G2, title: Baseline, approverRoles: [pmo-director]}\n"
        "      - {id: G3, title: Closure, approverRoles: [pmo-director]}\n"
        "  scales:\n    probability: [{id: low, value: 1}, {id: medium, value: 2}, {id: high, value: 3}]\n"
        "    impact: [{id: low, value: 1}, {id: medium, value: 2}, {id: high, value: 3}]\n"
        "  riskMatrix: {escalationScore: 6}\n"
    )


PHASE_MEANING = FunctionRule(
    RuleMeta(
        id="lifecycle-stage-unknown",
        code="PMO013",
        title="Every lifecycle phase says what it means for governance",
        severity=Severity.ERROR,
        pack="core",
        kinds=("PMOConfig",),
        standard="Governance PMO — the organisation's lifecycle and stage gates",
        docs=RuleDocs(
            what="Each phase of `lifecycle.phases` in `pmo.yaml` has a `stage` (intake, initiation, planning, "
            "execution, closing or closed), stated or understood from a common phase name (`proposed`, "
            "`initiating`, `delivery-stage-2`, `closure`, …; see the lifecycle guide for the list).",
            why="The rules read what a phase means, never where it stands in the list: whether its projects "
            "report status, work to a baseline or track benefits. A phase whose meaning is unknown would be "
            "checked by no such rule, and the check would stay green where it should not.",
            example=example_pmo("{id: gamma, startGate: G3}"),
            use_instead=example_pmo("{id: gamma, stage: closed, startGate: G3}"),
        ),
    ),
    _phase_meanings,
)

LOAD_RULES: tuple[RuleMeta, ...] = (SYNTAX, INVALID_FILE, LIMIT, SCHEMA, SUSPICIOUS_UNICODE, YAML11)
CORE_RULES: tuple[FunctionRule, ...] = (PATH_IDENTITY, UNIQUE_NAMES, REFERENCES, CYCLES, PHASE_MEANING)
