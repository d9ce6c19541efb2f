"""What a register's sheets and columns are: the kinds import knows, their canonical headers and the synonyms.

The canonical headers are the ones ``pmo-lint export`` writes (the contract between the two commands); the
synonyms are what PMOs type in their own registers. Headers are compared after :func:`normalise`, so case,
spacing, punctuation and a trailing unit in brackets do not matter.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

# kind of a sheet -> the entity kind it writes
KINDS: dict[str, str] = {
    "project": "Project",
    "risk": "Risk",
    "person": "Person",
    "allocation": "Allocation",
    "benefit": "Benefit",
    "change": "ChangeRequest",
}
# the order rows are imported in: people before the projects that name them, projects before their records
ORDER: tuple[str, ...] = ("person", "project", "risk", "benefit", "change", "allocation")
KIND_WORDS: dict[str, str] = {
    "project": "projects",
    "risk": "risks",
    "person": "people",
    "allocation": "allocations",
    "benefit": "benefits",
    "change": "change requests",
}
IGNORE = "ignore"


@dataclass(frozen=True)
class Field:
    header: str  # canonical header, as export writes it
    synonyms: tuple[str, ...] = ()
    export_only: bool = False  # computed by export: never read back


def _f(header: str, *synonyms: str, export_only: bool = False) -> Field:
    return Field(header, synonyms, export_only)


FIELDS: dict[str, tuple[Field, ...]] = {
    "project": (
        _f("ID", "ref", "reference", "project id", "project ref", "project code", "code", "key", "project number",
           "no", "number", "#"),
        _f("Name", "title", "project", "project name", "project title", "initiative", "description short"),
        _f("Phase", "stage", "lifecycle", "lifecycle phase", "lifecycle stage", "project phase", "project stage"),
        _f("State", "lifecycle state", "project state"),
        _f("Project manager", "pm", "manager", "owner", "project owner", "project lead", "lead", "delivery lead",
           "project manager name"),
        _f("Sponsor", "executive", "executive sponsor", "senior responsible owner", "sro", "business sponsor"),
        _f("Portfolio", "portfolio id"),
        _f("Program", "programme", "program id", "programme id"),
        _f("Start", "start date", "planned start", "begin", "from", "start dt", "kick off", "kickoff"),
        _f("Finish", "end", "end date", "finish date", "planned end", "planned finish", "due", "due date",
           "completion date", "go live", "target date", "to"),
        _f("Budget", "bac", "approved budget", "total budget", "budget at completion", "cost budget", "budget total"),
        _f("Actuals", "actual", "actual cost", "actual costs", "actuals to date", "spend", "spend to date",
           "spent", "cost to date", "actual spend"),
        _f("Currency", "ccy"),
        _f("RAG", "status", "rag status", "overall rag", "overall status", "health", "overall health", "rag rating"),
        _f("Status date", "report date", "status as of", "as of", "last updated", "rag date"),
        _f("Priority", "rank", "priority rank", "portfolio priority"),
        _f("Type", "project type"),
        _f("Category", "project category"),
        _f("Business unit", "department", "division", "function", "bu"),
        _f("Description", "summary", "scope", "objective"),
        _f("Goal", "strategic goal", "objective id", "strategic objective", "goals"),
        _f("% complete", "percent complete", "complete", "progress", "pct complete"),
        _f("Requester", "requested by", "requestor"),
        _f("Computed health", export_only=True),
        _f("Health signals", export_only=True),
        _f("CPI", export_only=True),
        _f("SPI", export_only=True),
        _f("EAC", export_only=True),
    ),
    "risk": (
        _f("Project", "project id", "project ref", "project name", "project code"),
        _f("ID", "risk id", "ref", "reference", "risk ref", "risk no", "risk number", "no", "number", "#", "code"),
        _f("Title", "risk", "risk title", "name", "risk name", "summary", "risk summary"),
        _f("Category", "risk category", "area", "risk type"),
        _f("Likelihood", "probability", "prob", "l", "p", "chance"),
        _f("Impact", "severity", "consequence", "i"),
        _f("Owner", "risk owner", "assigned to", "responsible"),
        _f("Response", "strategy", "response strategy", "treatment"),
        _f("Mitigation", "mitigation plan", "mitigations", "action", "actions", "mitigating actions",
           "mitigation actions", "control", "controls"),
        _f("State", "status", "risk status", "open closed"),
        _f("Identified", "date identified", "identified date", "raised", "date raised", "raised date", "logged",
           "date logged", "created"),
        _f("Review date", "next review", "review", "last reviewed", "reviewed"),
        _f("Description", "risk description", "details", "detail"),
        _f("Cause"),
        _f("Effect", "consequences"),
        _f("Due date", "due", "target date"),
        _f("Type", "threat opportunity", "threat or opportunity"),
        _f("Score", "risk score", "rating", "pxi", "l x i", "lxi", export_only=True),
        _f("Rank", "risk rank", "risk rating", "risk level", export_only=True),
    ),
    "person": (
        _f("ID", "user id", "username", "login", "staff id", "employee id", "person id", "handle"),
        _f("Name", "display name", "full name", "person", "employee", "staff", "resource", "resource name",
           "team member", "member", "employee name"),
        _f("Email", "e mail", "email address", "mail"),
        _f("Roles", "role", "pmo role", "job role"),
        _f("FTE", "fte %", "capacity fte", "capacity"),
        _f("Hours per week", "hours", "weekly hours", "contracted hours", "hours week", "hrs week"),
        _f("Teams", "team", "department", "group", "member of"),
        _f("Active", "is active", "current", "employed"),
        _f("Left date", "leaver date", "leaving date", "end date", "last day", "left"),
    ),
    "allocation": (
        _f("Person", "name", "resource", "employee", "staff", "team member", "resource name", "person name"),
        _f("Project", "project id", "project name", "project code"),
        _f("From", "start", "start date", "from date", "begin"),
        _f("To", "end", "end date", "finish", "to date", "until"),
        _f("Allocation %", "allocation", "percent", "%", "load", "load %", "allocation percent", "fte %",
           "utilisation", "utilization"),
        _f("Hours per week", "hours", "hours week", "hrs week", "weekly hours"),
        _f("Role", "project role"),
        _f("Booking", "booking type", "soft hard"),
        _f("State", "status", "allocation status"),
    ),
    "benefit": (
        _f("Project", "project id", "project name", "project code"),
        _f("ID", "benefit id", "ref", "reference", "no", "#", "code"),
        _f("Title", "benefit", "benefit title", "name", "benefit name", "description"),
        _f("Type", "benefit type", "monetary", "cashable"),
        _f("Owner", "benefit owner"),
        _f("KPI", "measure", "metric", "indicator"),
        _f("Unit", "units", "unit of measure", "uom"),
        _f("Baseline", "baseline value", "current value"),
        _f("Target", "target value"),
        _f("Target date", "due", "due date", "by", "realisation date", "realization date"),
        _f("State", "status", "benefit status"),
    ),
    "change": (
        _f("Project", "project id", "project name", "project code"),
        _f("ID", "cr id", "cr", "change id", "ref", "reference", "cr no", "cr number", "no", "#", "code"),
        _f("Title", "change", "change title", "name", "summary", "change request"),
        _f("Category", "change type", "type", "categories"),
        _f("Priority", "urgency"),
        _f("Requested by", "requester", "raised by", "requestor", "originator"),
        _f("Requested", "date raised", "raised", "requested date", "request date", "date requested", "logged"),
        _f("Due", "due date", "decision due", "needed by"),
        _f("State", "status", "cr status"),
        _f("Approval", "decision", "approval status"),
        _f("Budget change", "cost impact", "budget impact", "cost change", "delta budget", "cost"),
        _f("Finish change (days)", "schedule impact", "schedule impact days", "delay", "delay days",
           "finish change", "days"),
        _f("Justification", "business justification", "reason", "rationale"),
        _f("Impact", "impact description", "impact assessment"),
    ),
}  # fmt: skip

# words in a sheet's (or CSV file's) name that say its kind; "ignore" for sheets that hold no register
_SHEET_WORDS: tuple[tuple[str, str], ...] = (
    ("finding", IGNORE),
    ("note", IGNORE),
    ("readme", IGNORE),
    ("read me", IGNORE),
    ("instruction", IGNORE),
    ("guidance", IGNORE),
    ("lookup", IGNORE),
    ("dropdown", IGNORE),
    ("list value", IGNORE),
    ("legend", IGNORE),
    ("key", IGNORE),
    ("dashboard", IGNORE),
    ("chart", IGNORE),
    ("change log", IGNORE),
    ("version", IGNORE),
    ("risk", "risk"),
    ("raid", "risk"),
    ("benefit", "benefit"),
    ("change request", "change"),
    ("changes", "change"),
    ("cr log", "change"),
    ("allocation", "allocation"),
    ("assignment", "allocation"),
    ("resourcing", "allocation"),
    ("resource plan", "allocation"),
    ("people", "person"),
    ("staff", "person"),
    ("person", "person"),
    ("team member", "person"),
    ("resources", "person"),
    ("employee", "person"),
    ("project", "project"),
    ("portfolio", "project"),
    ("register", "project"),
    ("pipeline", "project"),
)

_NON_WORD = re.compile(r"[^a-z0-9%#]+")


@functools.lru_cache(maxsize=8192)
def normalise(header: str) -> str:
    """``'Budget (£)'`` -> ``budget``; ``'Project Manager:'`` -> ``project manager``."""
    text = header.strip().lower().replace("\n", " ")
    text = re.sub(r"\s*[\(\[][^)\]]*[\)\]]\s*$", "", text) or text  # a unit in brackets at the end
    text = text.replace("_", " ").replace("-", " ").replace("/", " ").replace("&", " and ")
    return " ".join(w for w in _NON_WORD.sub(" ", text).split() if w)


_INDEX: dict[str, dict[str, str]] = {}


def _index(kind: str) -> dict[str, str]:
    found = _INDEX.get(kind)
    if found is None:
        found = {}
        for field in FIELDS[kind]:  # canonical headers win over another field's synonym
            found[normalise(field.header)] = field.header
        for field in FIELDS[kind]:
            for synonym in field.synonyms:
                found.setdefault(normalise(synonym), field.header)
        _INDEX[kind] = found
    return found


def field_of(kind: str, header: str) -> str | None:
    """The canonical header a register's header means in a sheet of ``kind``, or None."""
    key = normalise(header)
    found = _index(kind).get(key)
    if found is None and key.endswith(" date") and kind != "person":
        found = _index(kind).get(key[: -len(" date")])
    return found


def is_export_only(kind: str, header: str) -> bool:
    return any(f.header == header and f.export_only for f in FIELDS[kind])


def kind_of_sheet(title: str) -> str | None:
    """The kind a sheet's (or CSV file's) name says, ``"ignore"`` for notes and lists, or None."""
    text = " " + normalise(re.sub(r"\.(csv|txt)$", "", title, flags=re.IGNORECASE)) + " "
    for word, kind in _SHEET_WORDS:
        if f" {word}" in text:
            return kind
    return None


# headers that only one kind of register has: they settle the kind of a sheet whose name does not
_TELLING: dict[str, tuple[str, ...]] = {
    "project": ("Project manager", "Sponsor", "Phase", "Budget", "RAG", "Actuals", "Portfolio"),
    "risk": ("Likelihood", "Impact", "Mitigation", "Response"),
    "person": ("Email", "FTE", "Roles", "Teams"),
    "allocation": ("Allocation %", "Person"),
    "benefit": ("KPI", "Baseline", "Target", "Unit"),
    "change": ("Requested by", "Budget change", "Finish change (days)", "Approval", "Justification"),
}


def score(kind: str, headers: list[str]) -> int:
    """How well a row of headers fits a kind: headers understood, plus a bonus for telling ones."""
    fields = [field_of(kind, h) for h in headers if h]
    known = [f for f in fields if f is not None]
    telling = sum(1 for f in set(known) if f in _TELLING[kind])
    return len(set(known)) + 2 * telling


def kind_of_headers(headers: list[str]) -> str | None:
    best = max(KINDS, key=lambda k: score(k, headers))
    return best if score(best, headers) >= 4 else None


def canonical_headers(kind: str) -> list[str]:
    return [f.header for f in FIELDS[kind] if not f.export_only]
