"""Where references live in each kind and what they may point to.

A reference is ``[kind:][namespace/]name``. The kind defaults per field (``owner`` means a Person),
and a project-scoped record's namespace defaults to the project of the entity that refers to it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pmo_lint.model.names import REF_RE

# lowercase kind names as written in references, plus a few friendly aliases
REF_KIND_NAMES: dict[str, str] = {
    "pmoconfig": "PMOConfig",
    "strategicgoal": "StrategicGoal",
    "goal": "StrategicGoal",
    "portfolio": "Portfolio",
    "program": "Program",
    "project": "Project",
    "person": "Person",
    "user": "Person",
    "team": "Team",
    "group": "Team",
    "allocation": "Allocation",
    "risk": "Risk",
    "issue": "Issue",
    "changerequest": "ChangeRequest",
    "cr": "ChangeRequest",
    "statusreport": "StatusReport",
    "benefit": "Benefit",
    "waiver": "Waiver",
}

NAMESPACED_KINDS = frozenset({"Risk", "Issue", "ChangeRequest", "StatusReport", "Benefit"})


@dataclass(frozen=True)
class ParsedRef:
    kind: str | None  # canonical kind name, None when the reference names none
    namespace: str | None
    name: str
    raw_kind: str | None = None  # the kind as written, when it is not one we know


@functools.lru_cache(maxsize=65536)  # the same owners and sponsors are referenced thousands of times
def parse_ref(text: str) -> ParsedRef | None:
    if not REF_RE.match(text):
        return None
    kind: str | None = None
    raw_kind: str | None = None
    if ":" in text:
        raw_kind, text = text.split(":", 1)
        kind = REF_KIND_NAMES.get(raw_kind.lower())
    namespace, _, name = text.rpartition("/")
    return ParsedRef(kind, namespace or None, name, raw_kind if kind is None else None)


@dataclass(frozen=True)
class RefField:
    path: tuple[str, ...]  # '*' stands for every item of a list
    kinds: tuple[str, ...]  # allowed kinds; the first is the default
    hierarchy: bool = False  # part of a parent chain that must not loop


_PERSON = ("Person",)
_PERSON_OR_TEAM = ("Person", "Team")

REFERENCE_FIELDS: dict[str, tuple[RefField, ...]] = {
    "StrategicGoal": (
        RefField(("spec", "parent"), ("StrategicGoal",), hierarchy=True),
        RefField(("spec", "owner"), _PERSON_OR_TEAM),
        RefField(("spec", "keyResults", "*", "owner"), _PERSON_OR_TEAM),
    ),
    "Portfolio": (
        RefField(("spec", "owner"), _PERSON_OR_TEAM),
        RefField(("spec", "board", "*"), _PERSON_OR_TEAM),
        RefField(("spec", "goals", "*"), ("StrategicGoal",)),
    ),
    "Program": (
        RefField(("spec", "portfolio"), ("Portfolio",), hierarchy=True),
        RefField(("spec", "owner"), _PERSON_OR_TEAM),
        RefField(("spec", "goals", "*"), ("StrategicGoal",)),
        RefField(("spec", "benefits", "*"), ("Benefit",)),
    ),
    "Project": (
        RefField(("spec", "portfolio"), ("Portfolio",)),
        RefField(("spec", "program"), ("Program",)),
        RefField(("spec", "requester"), _PERSON),
        RefField(("spec", "owner"), _PERSON),
        RefField(("spec", "sponsor"), _PERSON),
        RefField(("spec", "board", "*"), _PERSON_OR_TEAM),
        RefField(("spec", "lifecycle", "gates", "*", "decidedBy"), _PERSON),
        RefField(("spec", "alignment", "goals", "*", "goal"), ("StrategicGoal",)),
        RefField(("spec", "benefits", "*"), ("Benefit",)),
        RefField(("spec", "stakeholders", "*", "person"), _PERSON),
        RefField(("spec", "raci", "*", "responsible", "*"), _PERSON_OR_TEAM),
        RefField(("spec", "raci", "*", "accountable", "*"), _PERSON_OR_TEAM),
        RefField(("spec", "raci", "*", "consulted", "*"), _PERSON_OR_TEAM),
        RefField(("spec", "raci", "*", "informed", "*"), _PERSON_OR_TEAM),
    ),
    "Person": (RefField(("spec", "memberOf", "*"), ("Team",)),),
    "Team": (
        RefField(("spec", "parent"), ("Team",), hierarchy=True),
        RefField(("spec", "members", "*"), _PERSON),
        RefField(("spec", "lead"), _PERSON),
    ),
    "Allocation": (
        RefField(("spec", "person"), _PERSON),
        RefField(("spec", "assignments", "*", "project"), ("Project",)),
    ),
    "Risk": (
        RefField(("spec", "owner"), _PERSON),
        RefField(("spec", "assignedTo"), _PERSON),
        RefField(("spec", "changeRequest"), ("ChangeRequest",)),
    ),
    "Issue": (
        RefField(("spec", "raisedBy"), _PERSON),
        RefField(("spec", "owner"), _PERSON),
        RefField(("spec", "escalation", "escalatedTo"), _PERSON),
        RefField(("spec", "relatedRisk"), ("Risk",)),
        RefField(("spec", "actions", "*", "owner"), _PERSON),
    ),
    "ChangeRequest": (
        RefField(("spec", "requestedBy"), _PERSON),
        RefField(("spec", "approval", "approvals", "*", "by"), _PERSON),
        RefField(("spec", "risks", "*"), ("Risk",)),
    ),
    "StatusReport": (
        RefField(("spec", "author"), _PERSON),
        RefField(("spec", "topRisks", "*"), ("Risk",)),
        RefField(("spec", "decisionsNeeded", "*", "decider"), _PERSON),
    ),
    "Benefit": (
        RefField(("spec", "owner"), _PERSON_OR_TEAM),
        RefField(("spec", "program"), ("Program",)),
    ),
    "Waiver": (RefField(("spec", "approvedBy"), _PERSON),),
    "PMOConfig": (),
}


def iter_refs(data: dict[str, Any], kind: str) -> Iterator[tuple[tuple[str | int, ...], str, RefField]]:
    """Yield (data path, reference text, field) for every reference in an entity's raw data."""
    for spec in REFERENCE_FIELDS.get(kind, ()):
        # breadth-first over the field's path, without recursion or nested generators: this runs
        # for every entity of every run
        level: list[tuple[tuple[str | int, ...], Any]] = [((), data)]
        for head in spec.path:
            following: list[tuple[tuple[str | int, ...], Any]] = []
            for at, node in level:
                if head == "*":
                    if isinstance(node, list):
                        following.extend(((*at, i), item) for i, item in enumerate(node))
                elif isinstance(node, dict) and head in node:
                    following.append(((*at, head), node[head]))
            level = following
            if not level:
                break
        for at, node in level:
            if isinstance(node, str):
                yield at, node, spec
