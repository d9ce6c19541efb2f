"""Hiding findings on purpose: inline ``# pmo-lint:`` comments and Waiver entities.

Both need a reason. A comment without one is itself a finding and hides nothing. A waiver hides
the findings of one check on its targets until it expires; an expired, unauthorised or unused
waiver is reported (rules GOV050–GOV052), and an expired or unauthorised one hides nothing.
Every hidden finding goes to ``Result.suppressed`` with the reason, so outputs can count them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pmo_lint.diagnostics import Diagnostic, Severity, Suppression
from pmo_lint.model.refs import parse_ref
from pmo_lint.rules.base import Finding, RuleDocs, RuleMeta
from pmo_lint.rules.wording import style_of

if TYPE_CHECKING:
    import datetime as dt

    from pmo_lint.model.catalog import Catalog

MARKER = b"pmo-lint:"
# `# pmo-lint: disable=TAC001,TAC002 -- reason`; the `#` starts a YAML comment (line start or after a space)
_DIRECTIVE = re.compile(r"(?:^|\s)#\s*pmo-lint:\s*(?P<body>.*)$")
_BODY = re.compile(r"^(?P<verb>[a-z-]+)\s*=\s*(?P<codes>[^=]*)$")
_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9-]*$")
DEFAULT_WAIVER_ROLES = ("pmo-director",)

_WAIVER_EXAMPLE = (
    "apiVersion: pmo-lint/v1\nkind: Waiver\nmetadata:\n  name: crm-status-cadence\nspec:\n  check: TAC001\n"
    "  targets: [project:crm-migration]\n"
    "  justification: Cut-over month; the steering committee meets weekly instead.\n"
    "  approvedBy: person:pat-director\n  created: 2025-05-01\n"
)

BAD_SUPPRESSION = RuleMeta(
    id="invalid-suppression",
    code="PMO012",
    title="Suppression comments name rules and give a reason",
    severity=Severity.ERROR,
    pack="core",
    docs=RuleDocs(
        what="Every `# pmo-lint: disable=CODE -- reason` (on the finding's line or alone on the line above it) and "
        "`# pmo-lint: disable-file=CODE -- reason` names known rule codes or ids and gives a reason after `--`. "
        "A comment without a reason hides nothing.",
        why="An exemption nobody can explain is a governance gap; the reason is what an auditor reads.",
        example="apiVersion: pmo-lint/v1\nkind: Person\nmetadata:\n  name: jdoe\n"
        "  title: Jo  # pmo-lint: disable=PMO010\n",
        use_instead="apiVersion: pmo-lint/v1\nkind: Person\nmetadata:\n  name: jdoe\n"
        "  title: Jo  # pmo-lint: disable=PMO010 -- legacy import, cleaned up in Q3\n",
    ),
)
WAIVER_EXPIRED = RuleMeta(
    id="waiver-expired",
    code="GOV050",
    title="Waivers are renewed or removed when they expire",
    severity=Severity.WARNING,
    pack="governance",
    standard="Governance PMO — exemptions are justified, approved and time-limited",
    docs=RuleDocs(
        what="A Waiver whose `expires` date is before the as-of date. It no longer hides the findings it waived: "
        "they are reported again, and so is the waiver.",
        why="Exemptions are time-limited by design; an expired one means the agreed fix did not happen.",
        example=_WAIVER_EXAMPLE + "  expires: 2025-06-01\n",
        use_instead=_WAIVER_EXAMPLE + "  expires: 2025-09-30\n",
    ),
)
WAIVER_ORPHAN = RuleMeta(
    id="waiver-unused",
    code="GOV051",
    title="Waivers match a finding",
    severity=Severity.WARNING,
    pack="governance",
    standard="Governance PMO — exemptions are justified, approved and time-limited",
    docs=RuleDocs(
        what="A valid Waiver that hides nothing: its check names no known rule, or that rule reports nothing on "
        "its targets. The message says why: a target that names no entity of the portfolio, the entities the "
        "rule reports on instead, or that the rule reports nothing at all. (Not reported when the waived rule "
        "is not selected in this run.)",
        why="Unused waivers pile up and later hide a new problem nobody approved.",
        example=_WAIVER_EXAMPLE.replace("TAC001", "TAC999") + "  expires: 2025-09-30\n",
        use_instead=_WAIVER_EXAMPLE + "  expires: 2025-09-30\n",
    ),
)
WAIVER_UNAUTHORISED = RuleMeta(
    id="waiver-unauthorised",
    code="GOV052",
    title="Waivers are approved by someone with the power to",
    severity=Severity.ERROR,
    pack="governance",
    standard="Governance PMO — exemptions approved by someone with the power to grant them",
    docs=RuleDocs(
        what="The Waiver's `approvedBy` person holds none of the roles `pmo.yaml` `approvalMatrix` gives for "
        "`when: {category: waiver}` (pmo-director when the matrix has no such entry). Such a waiver hides nothing.",
        why="Only the people the PMO empowered may exempt a project from a standard; anything else is self-approval.",
        example=_WAIVER_EXAMPLE.replace("pat-director", "jo-analyst") + "  expires: 2025-09-30\n",
        use_instead=_WAIVER_EXAMPLE + "  expires: 2025-09-30\n",
        options="`approvalMatrix: [{when: {category: waiver}, approverRoles: [pmo-director]}]` in pmo.yaml.",
    ),
)
SUPPRESSION_METAS: tuple[RuleMeta, ...] = (BAD_SUPPRESSION, WAIVER_EXPIRED, WAIVER_ORPHAN, WAIVER_UNAUTHORISED)
_NOT_WAIVABLE = frozenset(m.code for m in SUPPRESSION_METAS) | {"PMO011"}


@dataclass(frozen=True)
class Directive:
    """One ``# pmo-lint:`` comment. ``target`` is the line it covers (0 for the whole file)."""

    line: int
    col: int
    target: int
    codes: tuple[str, ...] = ()
    reason: str = ""
    problem: str = ""  # why it is not valid (then it suppresses nothing)

    @property
    def whole_file(self) -> bool:
        return self.target == 0


def scan_directives(raw: bytes) -> tuple[Directive, ...]:
    """Find suppression comments; costs one substring search for files without any."""
    if MARKER not in raw:
        return ()
    lines = raw.decode("utf-8", "replace").splitlines()
    out: list[Directive] = []
    for i, text in enumerate(lines):
        if "pmo-lint:" not in text:
            continue
        m = _DIRECTIVE.search(text)
        if m is None or not m.group("body").lstrip().startswith("disable"):
            continue  # other text that mentions pmo-lint (a quoted value, a URL) is not a directive
        line = i + 1
        col = text.index("#", m.start()) + 1
        own_line = not text[: col - 1].strip()
        target = line
        if own_line:  # covers the next line that holds data
            target = next(
                (j + 1 for j in range(i + 1, len(lines)) if lines[j].strip() and not lines[j].lstrip().startswith("#")),
                line,
            )
        out.append(_parse_body(m.group("body").strip(), line, col, target))
    return tuple(out)


def _parse_body(body: str, line: int, col: int, target: int) -> Directive:
    head, _, reason = body.partition("--")
    m = _BODY.match(head.strip())
    if m is None or m.group("verb") not in ("disable", "disable-file"):
        return Directive(
            line, col, target, problem="write `# pmo-lint: disable=CODE -- reason` or `disable-file=CODE -- reason`"
        )
    codes = tuple(c.strip() for c in m.group("codes").split(",") if c.strip())
    if not codes or not all(_CODE.match(c) for c in codes):
        return Directive(line, col, target, problem="name the rules to disable by code or id, e.g. `disable=TAC001`")
    if m.group("verb") == "disable-file":
        target = 0
    reason = reason.strip()
    if not reason:
        return Directive(
            line,
            col,
            target,
            codes,
            problem=f"suppressing {', '.join(codes)} needs a reason: add ` -- why` after the codes",
        )
    return Directive(line, col, target, codes, reason)


def _names(code: str, rule: str, names: Iterable[str]) -> bool:
    return any(n.upper() == code.upper() or n.lower() == rule for n in names)


def apply_inline(
    diags: Sequence[Diagnostic],
    directives: Mapping[str, Sequence[Directive]],
    metas: Mapping[str, RuleMeta],
) -> tuple[list[Diagnostic], list[Diagnostic], list[Diagnostic]]:
    """Split findings into (active, suppressed) and report bad directives (already stamped, PMO012)."""
    known = {m.code.upper() for m in metas.values()} | {m.id for m in metas.values()}
    problems: list[Diagnostic] = []
    valid: dict[str, list[Directive]] = {}
    for path, items in directives.items():
        for d in items:
            message = d.problem
            if not message:
                unknown = [c for c in d.codes if c.upper() not in known and c.lower() not in known]
                if unknown:
                    message = f"unknown rule {unknown[0]!r} in suppression comment; `pmo-lint rules` lists them"
            if message:
                problems.append(
                    Diagnostic(
                        BAD_SUPPRESSION.id, BAD_SUPPRESSION.code, BAD_SUPPRESSION.severity, message, path, d.line, d.col
                    )
                )
            else:
                valid.setdefault(path, []).append(d)
    active: list[Diagnostic] = []
    hidden: list[Diagnostic] = []
    for diag in diags:
        meta = metas.get(diag.code)
        found = None
        if meta is None or meta.can_disable:
            for d in valid.get(diag.path, ()):
                if (d.whole_file or d.target == diag.line) and _names(diag.code, diag.rule, d.codes):
                    found = d
                    break
        if found is None:
            active.append(diag)
        else:
            hidden.append(diag.replace(suppression=Suppression("inline", found.reason)))
    return active, hidden, problems


# -- waivers ------------------------------------------------------------------------------------
def _canonical(ref: str) -> tuple[str, str] | None:
    """(canonical entity reference, project it covers or "") of a waiver target; a bare name is a project."""
    parsed = parse_ref(ref)
    if parsed is None:
        return None
    kind = (parsed.kind or "Project").lower()
    ns = f"{parsed.namespace}/" if parsed.namespace else ""
    return f"{kind}:{ns}{parsed.name}", (parsed.name if kind == "project" else "")


def _covers(target: tuple[str, str], diag: Diagnostic) -> bool:
    ref, project = target
    if diag.entity == ref:
        return True
    if not project:
        return False
    _, _, rest = diag.entity.partition(":")
    return rest.startswith(project + "/") or (not diag.entity and diag.path.startswith(f"projects/{project}/"))


def _unmatched(code: str, targets: Sequence[str], reported: Sequence[Diagnostic], catalog: Catalog) -> str:
    """Why a waiver of a rule that ran hides nothing: a target that names nothing, findings of the rule
    on other entities, or no finding of the rule at all (only then is the problem gone)."""
    unknown = [t for t in targets if catalog.lookup(t, kinds=("Project",)) is None]
    head = f"waiver for {code} matches no finding of {code} on its targets"
    if unknown:
        names = ", ".join(unknown)
        return (
            f"{head}: {names} {'names' if len(unknown) == 1 else 'name'} no entity of the portfolio (unknown "
            "reference); target the project or record the finding is reported on, or remove the waiver"
        )
    elsewhere: list[str] = []
    for diag in reported:
        entity = catalog.lookup(diag.entity, kinds=("Project",)) if diag.entity else None
        shown = f"{entity.entity.display} ({diag.entity})" if entity is not None else diag.entity or diag.path
        if shown not in elsewhere:
            elsewhere.append(shown)
    if elsewhere:
        more = f" and {len(elsewhere) - 3} more" if len(elsewhere) > 3 else ""
        return (
            f"{head} ({', '.join(targets)}); {code} reports on {', '.join(elsewhere[:3])}{more}: target what it "
            "reports on, or remove the waiver"
        )
    return f"{head}; {code} reports nothing in the portfolio: remove the waiver, the problem is gone"


@dataclass(frozen=True)
class WaiverOutcome:
    active: list[Diagnostic]
    suppressed: list[Diagnostic]
    findings: list[tuple[RuleMeta, Finding]]  # GOV050–GOV052, to be stamped by the engine


def apply_waivers(
    diags: Sequence[Diagnostic],
    catalog: Catalog,
    as_of: dt.date,
    metas: Mapping[str, RuleMeta],
    enabled: frozenset[str],
) -> WaiverOutcome:
    """Hide what valid waivers cover; report expired, unauthorised and unused waivers."""
    pmo = catalog.config
    roles: list[str] = []
    for rule in pmo.spec.approval_matrix if pmo else []:
        if rule.when.category == "waiver":
            roles.extend(r for r in rule.approver_roles if r not in roles)
    power = tuple(roles) or DEFAULT_WAIVER_ROLES
    by_id = {m.id: m for m in metas.values()}
    findings: list[tuple[RuleMeta, Finding]] = []
    hidden: dict[int, Diagnostic] = {}
    by_code: dict[str, list[int]] = {}  # each waiver looks only at its check's findings
    for i, diag in enumerate(diags):
        by_code.setdefault(diag.code, []).append(i)
    for item in catalog.of_kind("Waiver"):
        spec = item.entity.spec  # type: ignore[attr-defined]
        if spec.expires < as_of:
            findings.append(
                (
                    WAIVER_EXPIRED,
                    Finding(
                        f"waiver for {spec.check} expired on {spec.expires.isoformat()}; the findings it hid are "
                        "reported again: fix them, or renew the waiver with a new approval",
                        item,
                        ("spec", "expires"),
                    ),
                )
            )
            continue
        approver = catalog.lookup(spec.approved_by, kinds=("Person",))
        held = list(approver.entity.spec.held_roles()) if approver is not None else []  # type: ignore[attr-defined]
        if not set(held) & set(power):
            who = (
                style_of(catalog).person(spec.approved_by)
                if approver is not None
                else f"{spec.approved_by} (not a known person)"
            )
            findings.append(
                (
                    WAIVER_UNAUTHORISED,
                    Finding(
                        f"waiver approved by {who}, who holds {', '.join(held) or 'no role'}; waivers need "
                        f"{' or '.join(power)} (approvalMatrix, category waiver): it hides nothing until one approves",
                        item,
                        ("spec", "approvedBy"),
                    ),
                )
            )
            continue
        check = spec.check.strip()
        meta = metas.get(check.upper()) or by_id.get(check.lower())
        targets = [t for t in (_canonical(r) for r in spec.targets) if t is not None]
        matched = 0
        if meta is not None and meta.can_disable and meta.code not in _NOT_WAIVABLE:
            for i in by_code.get(meta.code, ()):
                diag = diags[i]
                if any(_covers(t, diag) for t in targets):
                    matched += 1
                    if i not in hidden:
                        hidden[i] = diag.replace(
                            suppression=Suppression("waiver", " ".join(spec.justification.split()), item.ref)
                        )
        if matched:
            continue
        if meta is None:
            message = f"waiver names check {check!r}, which is no known rule; use a code or id from `pmo-lint rules`"
        elif not meta.can_disable or meta.code in _NOT_WAIVABLE:
            message = f"{meta.code} cannot be waived; fix what it reports"
        elif meta.code not in enabled:
            continue  # the rule did not run, so nothing could match: not evidence the waiver is stale
        else:
            message = _unmatched(meta.code, spec.targets, [diags[i] for i in by_code.get(meta.code, ())], catalog)
        findings.append((WAIVER_ORPHAN, Finding(message, item, ("spec", "targets"))))
    active = [d for i, d in enumerate(diags) if i not in hidden]
    return WaiverOutcome(active, [hidden[i] for i in sorted(hidden)], findings)
