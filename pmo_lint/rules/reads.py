"""Which rules read which fields: the "read by" column of the data-model reference.

Declarative rules are read from their CEL sources: every ``entity.…`` and ``config.…`` path, through
``each`` items and macro variables (``x.exists(a, a.by …)``), and every ``facts.…`` value, mapped to
the fields it is computed from by :data:`FACT_READS`. Built-in rules say what they read in
``RuleMeta.reads``. Paths use the reference's notation: ``[]`` for list items, ``<key>`` for map keys.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from pmo_lint.model.kinds import KIND_BY_NAME
from pmo_lint.model.reference import field_paths
from pmo_lint.rules.base import RuleMeta
from pmo_lint.rules.policy import PolicyRule

ENVELOPE = "*"  # readers of metadata.* are listed once, under the envelope
_LIFECYCLE = (
    "Project:spec.lifecycle.phase",
    "Project:spec.lifecycle.state",
    "PMOConfig:spec.lifecycle.phases[].id",
    "PMOConfig:spec.lifecycle.phases[].title",
    "PMOConfig:spec.lifecycle.phases[].stage",
)
_LATEST_STATUS = ("StatusReport:spec.reportDate",)
_EVM = (
    *_LATEST_STATUS,
    "StatusReport:spec.evm.pv",
    "StatusReport:spec.evm.ev",
    "StatusReport:spec.evm.ac",
    "PMOConfig:spec.evm.eacMethod",
)
_BAC = ("Project:spec.budget.bac", "Project:spec.activeBaseline", "Project:spec.baselines[].id")
_RISK_SCORE = (
    "Risk:spec.probability",
    "Risk:spec.impact",
    "PMOConfig:spec.scales.probability[].id",
    "PMOConfig:spec.scales.probability[].value",
    "PMOConfig:spec.scales.impact[].id",
    "PMOConfig:spec.scales.impact[].value",
)
_OPEN_RISKS = ("Risk:spec.state", *_RISK_SCORE)
_KEY_MILESTONES = (
    "Project:spec.milestones[].key",
    "Project:spec.milestones[].actualDate",
    "Project:spec.milestones[].status",
    "Project:spec.milestones[].forecastDate",
)
_CR_STATE = ("ChangeRequest:spec.approval.status", "ChangeRequest:spec.state")
_APPROVAL_ROWS = (
    "ChangeRequest:spec.category",
    "ChangeRequest:spec.delta.budget",
    "ChangeRequest:spec.delta.finishDays",
    *_BAC,
    "Project:spec.currency",
    "PMOConfig:spec.currency",
    "PMOConfig:spec.approvalMatrix[].when.category",
    "PMOConfig:spec.approvalMatrix[].when.budgetDeltaOver",
    "PMOConfig:spec.approvalMatrix[].when.budgetDeltaPctOver",
    "PMOConfig:spec.approvalMatrix[].when.finishSlipDaysOver",
    "PMOConfig:spec.approvalMatrix[].approverRoles",
)
_RELATIONS = (
    "PMOConfig:spec.approvalMatrix[].approverRelations",
    "Project:spec.sponsor",
    "Project:spec.board",
    "Project:spec.program",
    "Project:spec.portfolio",
    "Program:spec.owner",
    "Program:spec.portfolio",
    "Portfolio:spec.owner",
    "Portfolio:spec.board",
    "ChangeRequest:spec.approval.approvals[].by",
)
# what a person's monthly load is computed from (allocations against capacity)
_LOAD = (
    "Allocation:spec.person",
    "Allocation:spec.assignments[].from",
    "Allocation:spec.assignments[].to",
    "Allocation:spec.assignments[].load.percent",
    "Allocation:spec.assignments[].load.hoursPerWeek",
    "Person:spec.capacity.hoursPerWeek",
)
_APPROVED_ROLES = ("ChangeRequest:spec.approval.approvals[].decision", "ChangeRequest:spec.approval.approvals[].role")
_TRAININGS = (
    "Person:spec.roles",
    "Person:spec.trainings[].course",
    "Person:spec.trainings[].date",
    "PMOConfig:spec.requiredTrainings[].role",
    "PMOConfig:spec.requiredTrainings[].courses",
)

_APPRAISAL = (
    "Project:spec.businessCase.appraisal",
    "Project:spec.portfolio",
    "Project:spec.program",
    "Program:spec.portfolio",
    "Portfolio:spec.appraisal",
    "PMOConfig:spec.appraisal.method",
    "Project:spec.businessCase.financials.npv",
    "Project:spec.businessCase.financials.irr",
    "Project:spec.businessCase.financials.roi",
    "Project:spec.businessCase.financials.bcr",
    "Project:spec.businessCase.financials.monetisedBenefits",
    "Project:spec.businessCase.financials.presentValueCosts",
    "Project:spec.businessCase.nonMonetisedBenefits",
    "Project:spec.businessCase.statutoryBasis",
)
_PROMISED = (
    "Project:spec.businessCase.expectedBenefits[].description",
    "Project:spec.businessCase.expectedBenefits[].benefit",
    "Project:spec.businessCase.financials.financialBenefit",
    "Project:spec.businessCase.financials.monetisedBenefits",
    "Project:spec.businessCase.nonMonetisedBenefits",
)

# kind -> fact (first key under `facts.`, or `key.sub`) -> "Kind:path" of the fields it is computed from
FACT_READS: dict[str, dict[str, tuple[str, ...]]] = {
    "Project": {
        "active": _LIFECYCLE,
        "phase": ("Project:spec.lifecycle.phase",),
        "phaseIndex": _LIFECYCLE,
        "phaseKnown": ("Project:spec.lifecycle.phase", "PMOConfig:spec.lifecycle.phases[].id"),
        "stage": _LIFECYCLE,
        "reached": _LIFECYCLE,
        "inExecution": _LIFECYCLE,
        "closing": _LIFECYCLE,
        "closed": _LIFECYCLE,
        "needsStatusReports": (*_LIFECYCLE, "PMOConfig:spec.lifecycle.phases[].statusReports"),
        "needsBaseline": (*_LIFECYCLE, "PMOConfig:spec.lifecycle.phases[].baseline"),
        "tracksBenefits": (*_LIFECYCLE, "PMOConfig:spec.lifecycle.phases[].benefitsTracked"),
        "state": ("Project:spec.lifecycle.state",),
        "gatesApproved": ("Project:spec.lifecycle.gates[].gate", "Project:spec.lifecycle.gates[].decision"),
        "gatesRequired": ("Project:spec.lifecycle.phase", "PMOConfig:spec.lifecycle.phases[].startGate"),
        "baselineGate": (
            *_LIFECYCLE,
            "PMOConfig:spec.lifecycle.phases[].startGate",
            "PMOConfig:spec.lifecycle.phases[].baseline",
        ),
        "missingRequiredFields": ("Project:spec.lifecycle.phase", "PMOConfig:spec.lifecycle.phases[].requiredFields"),
        "bac": _BAC,
        "actualCost": ("Project:spec.actuals[].cost",),
        "budgetVariancePct": (*_BAC, "Project:spec.actuals[].cost"),
        "evm": (*_EVM, *_BAC),
        "status.exists": _LATEST_STATUS,
        "status.date": _LATEST_STATUS,
        "status.ageDays": _LATEST_STATUS,
        "status": (*_LATEST_STATUS, "StatusReport:spec.health.overall.rag"),
        "risks": _OPEN_RISKS,
        "risks.openCritical": (*_OPEN_RISKS, "Risk:spec.type", "PMOConfig:spec.riskMatrix.ranks[].minScore"),
        "keyMilestonesOverdue": _KEY_MILESTONES,
        "finishSlipDays": (
            "Project:spec.schedule.forecast.finish",
            "Project:spec.activeBaseline",
            "Project:spec.baselines[].id",
            "Project:spec.baselines[].schedule.finish",
        ),
        "openCrCount": _CR_STATE,
        "approvedCrCount": ("ChangeRequest:spec.approval.status",),
        "alignedGoals": (
            "Project:spec.alignment.goals[].goal",
            "Project:spec.alignment.goals[].impact",
            "StrategicGoal:spec.state",
        ),
        "priorityScore": (
            "Project:spec.prioritization.criteria",
            "Project:spec.prioritization.wsjf",
            "PMOConfig:spec.prioritization.method",
            "PMOConfig:spec.prioritization.criteria[].weight",
        ),
        "computedRank": (
            "Project:spec.prioritization.criteria",
            "Project:spec.prioritization.wsjf",
            "PMOConfig:spec.prioritization.method",
            "PMOConfig:spec.prioritization.criteria[].weight",
        ),
        "maturityLevel": ("PMOConfig:spec.levels[].name", "PMOConfig:spec.levels[].checks"),
        "benefitsCount": ("Project:spec.benefits",),
        "closedDaysAgo": (*_LIFECYCLE, "Project:spec.schedule.actual.finish"),
        "appraisal": _APPRAISAL,
        "businessCaseGaps": (
            *_APPRAISAL,
            "Project:spec.businessCase.inScope",
            "Project:spec.businessCase.outOfScope",
            "Project:spec.businessCase.assumptions",
            "Project:spec.businessCase.riskOfNotPerforming",
        ),
        "promisesBenefits": _PROMISED,
        "unrecordedPromisedBenefits": (*_PROMISED, "Project:spec.benefits"),
        "closureDate": ("Project:spec.schedule.actual.finish",),
        "benefitsReview": (
            "Project:spec.benefitsReviewPlan.reviewer",
            "Project:spec.benefitsReviewPlan.reviews[].date",
            "Project:spec.benefitsReviewPlan.reviews[].held",
            "Project:spec.schedule.actual.finish",
        ),
        "watermelon": (
            *_EVM,
            *_BAC,
            "StatusReport:spec.health.overall.rag",
            "PMOConfig:spec.thresholds.cpi.red",
            "PMOConfig:spec.thresholds.spi.red",
            *_KEY_MILESTONES,
            *_OPEN_RISKS,
            "Risk:spec.type",
        ),
        "documentsMissing": (
            "Project:spec.documents.charter",
            "Project:spec.documents.businessCase",
            "Project:spec.documents.closureReport",
            "Project:spec.documents.lessonsLearned",
        ),
    },
    "Risk": {
        "score": _RISK_SCORE,
        "rank": (*_RISK_SCORE, "PMOConfig:spec.riskMatrix.ranks[].minScore"),
        "escalated": (*_RISK_SCORE, "PMOConfig:spec.riskMatrix.escalationScore"),
        "open": ("Risk:spec.state",),
        "reviewAgeDays": ("Risk:spec.reviewDate", "Risk:spec.identifiedDate"),
    },
    "ChangeRequest": {
        "pendingDays": ("ChangeRequest:spec.requestedDate", *_CR_STATE),
        "approved": ("ChangeRequest:spec.approval.status",),
        "approverRoles": (
            "ChangeRequest:spec.approval.approvals[].decision",
            "ChangeRequest:spec.approval.approvals[].role",
        ),
        "requiredRoles": _APPROVAL_ROWS,
        "approvalRows": _APPROVAL_ROWS,
        "unmetApprovalRows": (*_APPROVAL_ROWS, *_APPROVED_ROLES, *_RELATIONS),
        "unmetApprovals": (*_APPROVAL_ROWS, *_APPROVED_ROLES, *_RELATIONS, "PMOConfig:spec.governanceRoles[].title"),
        "approverRelations": ("ChangeRequest:spec.approval.approvals[].decision", *_RELATIONS),
        "approvers": ("ChangeRequest:spec.approval.approvals[].decision", "ChangeRequest:spec.approval.approvals[].by"),
        "baselineExists": ("ChangeRequest:spec.resultingBaseline", "Project:spec.baselines[].id"),
    },
    "Person": {
        "maxLoadPercent": _LOAD,
        "overAllocatedMonths": (*_LOAD, "PMOConfig:spec.thresholds.allocationMaxPercent"),
        "roles": ("Person:spec.roles",),
        "expiredTrainings": ("Person:spec.trainings[].course", "Person:spec.trainings[].expires"),
        "missingTrainings": _TRAININGS,
    },
    "StatusReport": {
        "ageDays": _LATEST_STATUS,
        "isLatest": _LATEST_STATUS,
        "cpi": ("StatusReport:spec.evm.ev", "StatusReport:spec.evm.ac"),
        "spi": ("StatusReport:spec.evm.ev", "StatusReport:spec.evm.pv"),
    },
    "Benefit": {
        "overdue": ("Benefit:spec.targetDate", "Benefit:spec.actuals[].date"),
        "projectClosed": _LIFECYCLE,
        "reviewDates": ("Benefit:spec.reviewDates", "Project:spec.benefitsReviewPlan.reviews[].date"),
        "reviewProblem": (
            "Benefit:spec.reviewDates",
            "Benefit:spec.actuals[].date",
            "Project:spec.benefitsReviewPlan.reviews[].date",
            "Project:spec.schedule.actual.finish",
            "PMOConfig:spec.cadence.benefitReviewWindowDays",
        ),
    },
    "Waiver": {"expired": ("Waiver:spec.expires",), "daysToExpiry": ("Waiver:spec.expires",)},
    "StrategicGoal": {
        "contributors": (
            "Program:spec.goals",
            "Project:spec.alignment.goals[].goal",
            "Project:spec.alignment.goals[].impact",
        ),
    },
    "Program": {"projects": ("Project:spec.program",)},
    "Team": {"members": ("Team:spec.members", "Person:spec.memberOf")},
}

_MACRO = re.compile(r"\s*\.\s*(?:all|exists|exists_one|map|filter)\s*\(\s*([A-Za-z_]\w*)\s*,")
# a name followed by `.field` and `[index]` selections; a name followed by `(` is a call, not a field
_CHAIN = re.compile(r"(?<![\w.])([A-Za-z_]\w*+)((?:\s*\.\s*[A-Za-z_]\w*+(?!\s*\()|\s*\[[^\[\]]*\])*)")
_SEGMENT = re.compile(r"\.\s*([A-Za-z_]\w*)|\[([^\[\]]*)\]")
_STRING = re.compile(r"'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\"")
_ANY = "§"  # an index or key chosen by the expression


@dataclass(frozen=True)
class Read:
    kind: str  # a kind name, or ENVELOPE
    path: str  # may hold _ANY for a selection by index or key


def _blank_strings(src: str) -> str:
    return _STRING.sub(lambda m: '""', src)


def _join(base: str, segments: Iterable[tuple[str, str]]) -> str:
    out = base
    for name, index in segments:
        out = f"{out}.{name}" if name else out + _ANY
        del index
    return out.lstrip(".")


def expression_reads(src: str, kind: str, bound: Mapping[str, Read] | None = None) -> list[tuple[Read, str]]:
    """The paths a CEL expression reads: ``(Read, "")`` for fields, ``(Read, fact)`` for ``facts.…``.

    ``bound`` gives variables that stand for a field (``item`` of an ``each``); variables of
    ``all``/``exists``/``map``/``filter`` are bound as they appear.
    """
    text = _blank_strings(src)
    names: dict[str, Read] = dict(bound or {})
    out: list[tuple[Read, str]] = []
    for m in _CHAIN.finditer(text):
        root = m.group(1)
        segments = [(s.group(1) or "", s.group(2) or "") for s in _SEGMENT.finditer(m.group(2))]
        read: Read | None = None
        if root == "entity" and segments and segments[0][0] in ("spec", "metadata"):
            target = ENVELOPE if segments[0][0] == "metadata" else kind
            read = Read(target, _join("", segments))
        elif root == "config":
            read = Read("PMOConfig", _join("spec", segments))
        elif root in names:
            base = names[root]
            read = Read(base.kind, _join(base.path, segments))
        elif root == "facts" and segments:
            out.append((Read(kind, ""), ".".join(n for n, _ in segments if n)))
            continue
        if read is None:
            continue
        out.append((read, ""))
        macro = _MACRO.match(text, m.end())
        if macro:
            names[macro.group(1)] = Read(read.kind, read.path + _ANY)
    return out


def _fact_fields(kind: str, fact: str) -> tuple[str, ...]:
    table = FACT_READS.get(kind, {})
    parts = fact.split(".")
    for n in range(len(parts), 0, -1):
        key = ".".join(parts[:n])
        if key in table:
            return table[key]
    return ()


def policy_reads(rule: PolicyRule) -> set[Read]:
    """Every field a declarative rule reads, directly or through the facts it uses."""
    bound: dict[str, Read] = {}
    found: list[tuple[Read, str]] = []
    if rule.each_src:
        each = expression_reads(rule.each_src, rule.kind)
        found += each
        fields = [r for r, fact in each if not fact]
        if fields:
            bound["item"] = Read(fields[-1].kind, fields[-1].path + _ANY)
    for src in (rule.when_src, rule.assert_src):
        if src:
            found += expression_reads(src, rule.kind, bound)
    out: set[Read] = set()
    for read, fact in found:
        if not fact:
            out.add(read)
            continue
        for ref in _fact_fields(rule.kind, fact):
            target, _, path = ref.partition(":")
            out.add(Read(target, path))
    return out


def declared_reads(meta: RuleMeta) -> set[Read]:
    """A built-in rule's ``reads``: ``Kind:path``, or a bare path of the rule's only kind."""
    out: set[Read] = set()
    for ref in meta.reads:
        target, sep, path = ref.partition(":")
        if not sep:
            target, path = (meta.kinds[0] if len(meta.kinds) == 1 else ""), ref
        out.add(Read(ENVELOPE if path.startswith("metadata") else target, path))
    return out


def _known(kind: str) -> frozenset[str]:
    model = KIND_BY_NAME.get("Project" if kind == ENVELOPE else kind)
    return field_paths(model) if model is not None else frozenset()


def _resolve(read: Read) -> list[str]:
    """The documented paths a read names (a selection by index or key may name several)."""
    known = _known(read.kind)
    if _ANY not in read.path:
        return [read.path] if read.path in known else []
    pattern = re.escape(read.path).replace(re.escape(_ANY), r"(?:\[\]|\.<key>|\.[A-Za-z]\w*)")
    found = sorted(p for p in known if re.fullmatch(pattern, p))
    if not found and read.path.endswith(_ANY):  # one entry of a map of plain values: the map itself
        return _resolve(Read(read.kind, read.path.removesuffix(_ANY)))
    return found


@dataclass(frozen=True)
class ReadIndex:
    readers: dict[str, dict[str, list[str]]]  # kind (or ENVELOPE) -> path -> rule codes, sorted
    unknown: list[tuple[str, str]]  # (rule code, "Kind:path") that name no documented field


def read_index(policies: Sequence[PolicyRule], metas: Sequence[RuleMeta]) -> ReadIndex:
    by_field: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    unknown: set[tuple[str, str]] = set()
    sources = [(p.meta.code, policy_reads(p)) for p in policies] + [(m.code, declared_reads(m)) for m in metas]
    for code, reads in sources:
        for read in reads:
            paths = _resolve(read)
            if not paths:
                unknown.add((code, f"{read.kind}:{read.path.replace(_ANY, '[?]')}"))
            for path in paths:
                by_field[read.kind][path].add(code)
    readers = {k: {p: sorted(c) for p, c in paths.items()} for k, paths in by_field.items()}
    return ReadIndex(readers, sorted(unknown))


REGENERATE = "pmo-lint schema docs"


def model_reference() -> tuple[str, ReadIndex]:
    """The page for the shipped rules (installed plug-in packs left out, so the page is the same everywhere)."""
    from pmo_lint.model.kinds import ALL_KINDS
    from pmo_lint.model.reference import render_reference
    from pmo_lint.rules.policy import load_policies
    from pmo_lint.rules.registry import builtin_rules

    builtin = [r.meta for r in builtin_rules()]
    policies = load_policies(compile_cel=False, plugins=False, taken=[k for m in builtin for k in (m.code, m.id)])
    index = read_index(policies.rules, builtin)
    page = render_reference(
        ALL_KINDS, index.readers, rule_link=lambda code: f"[{code}](rules/{code.lower()}.md)", regenerate=REGENERATE
    )
    return page, index
