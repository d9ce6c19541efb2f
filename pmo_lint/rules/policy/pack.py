"""Reading one pack file: the pack format (keys, required fields, codes, ids, kinds, message
placeholders), the records it becomes, and the problems found in it — all without CEL.

Every problem keeps the pack file's line, so that it becomes a ``policy-error`` finding there; a
rule with a problem is dropped and the others are kept.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pmo_lint.diagnostics import DataPath, Severity
from pmo_lint.loader.yamlio import LoadedDocument, LoadProblem, parse_bytes
from pmo_lint.model.refs import REF_KIND_NAMES
from pmo_lint.rules.base import Finding, RuleDocs, RuleMeta
from pmo_lint.rules.policy.message import PATH_TOKEN, PLACEHOLDER_STYLES, placeholders, split_placeholder

POLICY_ERROR = RuleMeta(
    id="policy-error",
    code="PMO011",
    title="Policy files load and their rules evaluate",
    severity=Severity.ERROR,
    pack="core",
    can_disable=False,
    docs=RuleDocs(
        what="A rule pack (`policies/*.yaml`, the files listed under `policies:` in the configuration, or an "
        "installed third-party pack) is well-formed: known keys, required fields, unique codes and ids, CEL "
        "expressions that compile and use only the known variables (`entity`, `facts`, `config`, `asOf`, `item`, "
        "`index`) and functions, and literal arguments that work (regular expressions in `matches`, dates, "
        "timestamps, durations). A rule that fails while it runs (a field missing without `has()`, mixed types) is "
        "reported once, at the rule's line, with the entities it failed on; the other rules still run.",
        why="A policy that cannot run must not pass silently: the check it stands for would be skipped for "
        "everyone while the run stays green.",
        example="pack: acme\nrules:\n  - id: budget-set\n    code: ACM001\n    title: Budget set\n    severity: error\n"
        "    kind: Project\n    assert: 'entity.spec.budget.bac >'\n    message: set a budget\n",
        use_instead="pack: acme\nrules:\n  - id: budget-set\n    code: ACM001\n    title: Budget set\n"
        "    severity: error\n    kind: Project\n"
        "    assert: 'has(entity.spec.budget) && entity.spec.budget.bac > 0.0'\n"
        "    message: set a budget\n",
    ),
)

KINDS = frozenset(REF_KIND_NAMES.values())
PACK_KEYS = frozenset({"pack", "title", "description", "rules"})
RULE_KEYS = frozenset(
    {
        "id",
        "code",
        "title",
        "severity",
        "kind",
        "when",
        "assert",
        "each",
        "path",
        "message",
        "standard",
        "fixable",
        "docs",
    }
)
RULE_REQUIRED = ("id", "code", "title", "severity", "kind", "assert", "message")
DOCS_KEYS = frozenset({"what", "why", "example", "use_instead", "files", "options"})
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CODE_RE = re.compile(r"^[A-Z]{2,6}[0-9]{3}$")
PACK_RE = ID_RE

# the variables a rule's expressions and message may read (`item` and `index` only under `each`)
ROOTS = frozenset({"entity", "facts", "config", "asOf"})
EACH_ROOTS = frozenset({"item", "index"})

_PLACEHOLDER_PATH = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*|\[\d+\])*$")
_DATA_PATH = re.compile(r"^[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*|\[\d+\])*$")

# reports a problem at a data path of the pack file (``key``: at the key rather than its value)
Report = Callable[..., None]


@dataclass(frozen=True)
class PolicyProblem:
    """Something wrong in a pack file, found while loading it."""

    message: str
    path: str  # display path of the pack file
    line: int = 1
    col: int = 1

    def finding(self) -> Finding:
        return Finding(self.message, path=self.path, line=self.line, col=self.col)


@dataclass(frozen=True)
class PolicyRule:
    """One declarative rule: metadata, its CEL sources and, once compiled, the programs.

    The engine runs these together through :func:`pmo_lint.rules.policy.evaluator.evaluate`.
    """

    meta: RuleMeta
    kind: str
    assert_src: str
    message: str
    when_src: str | None = None
    each_src: str | None = None
    path: DataPath = ()
    pack_path: str = ""  # display path of the pack file
    line: int = 0
    lines: Mapping[str, int] = field(default_factory=dict)  # line of each key's value
    files: Mapping[str, str] = field(default_factory=dict)  # docs.files: extra files the examples need
    programs: Mapping[str, Any] = field(default_factory=dict)  # "when"/"assert"/"each" -> cel.Program
    roots: frozenset[str] = frozenset()  # context variables the rule reads
    reads: Mapping[str, frozenset[str] | None] = field(default_factory=dict)  # variable -> keys read (None: all)


@dataclass(frozen=True)
class Pack:
    name: str
    title: str
    path: str  # display path
    rules: tuple[PolicyRule, ...]
    problems: tuple[PolicyProblem, ...] = ()


def _line(doc: LoadedDocument, path: DataPath, *, key: bool = False) -> tuple[int, int]:
    return doc.locate(path, key=key)


def parse_data_path(text: str) -> DataPath | None:
    """``spec.milestones[2].forecastDate`` -> ("spec", "milestones", 2, "forecastDate"); None if malformed."""
    if not _DATA_PATH.match(text):
        return None
    return tuple(m.group(1) if m.group(1) else int(m.group(2)) for m in PATH_TOKEN.finditer(text))


def _close(word: str, options: Iterable[str]) -> str:
    near = difflib.get_close_matches(word, sorted(options), n=1)
    return f"; did you mean {near[0]!r}?" if near else ""


def read_pack(raw: bytes, display: str, *, taken: set[str] | None = None) -> Pack:
    """Parse and validate a pack without compiling CEL. ``taken`` holds codes and ids already in use
    (it is updated), so duplicates across packs are caught; a duplicate rule is dropped."""
    taken = taken if taken is not None else set()
    loaded = parse_bytes(raw)
    if isinstance(loaded, LoadProblem):
        return Pack(
            "",
            "",
            display,
            (),
            (PolicyProblem(f"policy file is not valid YAML: {loaded.message}", display, loaded.line, loaded.col),),
        )
    doc = loaded
    problems: list[PolicyProblem] = []

    def problem(message: str, at: DataPath, *, key: bool = False) -> None:
        line, col = _line(doc, at, key=key)
        problems.append(PolicyProblem(message, display, line, col))

    data = doc.data
    for key in data:
        if key not in PACK_KEYS:
            problem(f"unknown key {key!r} in a policy pack{_close(key, PACK_KEYS)}", (key,), key=True)
    name = data.get("pack")
    if not isinstance(name, str) or not PACK_RE.match(name):
        problem("a policy pack needs `pack:` with a lowercase name such as `acme-governance`", ("pack",))
        name = ""
    title = data.get("title") if isinstance(data.get("title"), str) else ""
    rules_data = data.get("rules")
    rules: list[PolicyRule] = []
    if not isinstance(rules_data, list):
        problem("a policy pack needs `rules:`, a list of rules", ("rules",))
        rules_data = []
    for i, raw_rule in enumerate(rules_data):
        rule = _read_rule(raw_rule, i, name, display, doc, problem, taken)
        if rule is not None:
            rules.append(rule)
    return Pack(name, str(title), display, tuple(rules), tuple(problems))


def _read_rule(
    raw: Any,
    i: int,
    pack: str,
    display: str,
    doc: LoadedDocument,
    problem: Report,
    taken: set[str],
) -> PolicyRule | None:
    at: DataPath = ("rules", i)
    if not isinstance(raw, dict):
        problem(f"rules[{i}] must be a mapping with id, code, title, severity, kind, assert and message", at)
        return None
    if not _keys_ok(raw, i, problem):
        return None
    head = _head(raw, i, problem, taken)
    docs = _docs(raw, i, problem) if head is not None else None
    path = _rule_path(raw, i, problem) if docs is not None else None
    if head is None or docs is None or path is None or not _message_ok(raw, i, problem):
        return None
    taken.update({raw["code"].lower(), raw["id"].lower()})
    return _rule(raw, at, pack, display, doc, head, docs, path)


def _rule(
    raw: dict[str, Any],
    at: DataPath,
    pack: str,
    display: str,
    doc: LoadedDocument,
    head: tuple[Severity, bool],
    docs: tuple[RuleDocs, dict[str, str]],
    path: DataPath,
) -> PolicyRule:
    """The record of a rule that passed every check, with the lines of its keys in the pack file."""
    severity, fixable = head
    line = _line(doc, at)[0]
    meta = RuleMeta(
        id=raw["id"],
        code=raw["code"],
        title=raw["title"].strip(),
        severity=severity,
        pack=pack,
        docs=docs[0],
        kinds=(raw["kind"],),
        fixable=fixable,
        standard=str(raw.get("standard", "")).strip(),
        source=f"{display}:{line}",
    )
    lines: dict[str, int] = {
        key: _line(doc, (*at, key))[0] for key in ("when", "assert", "each", "message") if key in raw
    }
    return PolicyRule(
        meta=meta,
        kind=raw["kind"],
        assert_src=raw["assert"],
        message=" ".join(raw["message"].split()),
        when_src=raw.get("when") or None,
        each_src=raw.get("each") or None,
        path=path,
        pack_path=display,
        line=line,
        lines=lines,
        files=docs[1],
    )


def _keys_ok(raw: dict[str, Any], i: int, problem: Report) -> bool:
    """Known keys, the required ones as non-empty strings, the optional text ones as strings."""
    at: DataPath = ("rules", i)
    ok = True
    for key in raw:
        if key not in RULE_KEYS:
            problem(f"rules[{i}]: unknown key {key!r}{_close(key, RULE_KEYS)}", (*at, key), key=True)
            ok = False
    for key in RULE_REQUIRED:
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            problem(f"rules[{i}]: `{key}` is required and must be a non-empty string", (*at, key) if key in raw else at)
            ok = False
    for key in ("when", "each", "path", "standard"):
        if key in raw and not isinstance(raw[key], str):
            problem(f"rules[{i}]: `{key}` must be a string", (*at, key))
            ok = False
    return ok


def _head(raw: dict[str, Any], i: int, problem: Report, taken: set[str]) -> tuple[Severity, bool] | None:
    """The rule's id, code, severity, kind and ``fixable`` checked: (severity, fixable), or None."""
    at: DataPath = ("rules", i)
    rule_id, code = raw["id"], raw["code"]
    if not ID_RE.match(rule_id):
        problem(f"rules[{i}]: id {rule_id!r} must be kebab-case, e.g. `status-report-stale`", (*at, "id"))
        return None
    if not CODE_RE.match(code):
        problem(f"rules[{i}]: code {code!r} must be 2–6 capital letters and 3 digits, e.g. `TAC001`", (*at, "code"))
        return None
    for what, value in (("code", code), ("id", rule_id)):
        if value.lower() in taken:
            problem(f"{what} {value!r} is used by another rule; give this rule its own {what}", (*at, what))
            return None
    try:
        severity = Severity.parse(raw["severity"])
    except ValueError as exc:
        problem(f"rules[{i}]: {exc}", (*at, "severity"))
        return None
    kind = raw["kind"]
    if kind not in KINDS:
        problem(f"rules[{i}]: unknown kind {kind!r}{_close(kind, KINDS)}", (*at, "kind"))
        return None
    fixable = raw.get("fixable", False)
    if not isinstance(fixable, bool):
        problem(f"rules[{i}]: `fixable` must be true or false", (*at, "fixable"))
        return None
    return severity, fixable


def _docs(raw: dict[str, Any], i: int, problem: Report) -> tuple[RuleDocs, dict[str, str]] | None:
    """The rule's ``docs:`` and the extra files its examples need, or None when they are malformed."""
    at: DataPath = ("rules", i)
    docs_raw = raw.get("docs", {})
    files: dict[str, str] = {}
    if not isinstance(docs_raw, dict):
        problem(f"rules[{i}]: `docs` must be a mapping (what, why, example, use_instead)", (*at, "docs"))
        return None
    for key, value in docs_raw.items():
        if key not in DOCS_KEYS:
            problem(f"rules[{i}].docs: unknown key {key!r}{_close(key, DOCS_KEYS)}", (*at, "docs", key), key=True)
            return None
        if key == "files":
            if not isinstance(value, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in value.items()
            ):
                problem(f"rules[{i}].docs.files must map paths to file contents", (*at, "docs", key))
                return None
            files = dict(value)
        elif not isinstance(value, str):
            problem(f"rules[{i}].docs.{key} must be a string", (*at, "docs", key))
            return None
    docs = RuleDocs(
        what=str(docs_raw.get("what", "")).strip(),
        why=str(docs_raw.get("why", "")).strip(),
        example=str(docs_raw.get("example", "")),
        use_instead=str(docs_raw.get("use_instead", "")),
        options=str(docs_raw.get("options", "")).strip(),
    )
    return docs, files


def _rule_path(raw: dict[str, Any], i: int, problem: Report) -> DataPath | None:
    """The rule's ``path:`` (where its findings point), ``()`` without one, None when malformed."""
    if not raw.get("path"):
        return ()
    parsed = parse_data_path(raw["path"].strip())
    if parsed is None:
        problem(
            f"rules[{i}]: path {raw['path']!r} is not a data path such as `spec.milestones` or `spec.a[0].b`",
            ("rules", i, "path"),
        )
    return parsed


def _message_ok(raw: dict[str, Any], i: int, problem: Report) -> bool:
    """Every placeholder of the message reads a variable the rule has, in a known format."""
    at: DataPath = ("rules", i)
    allowed = ROOTS | (EACH_ROOTS if raw.get("each") else frozenset())
    for text in placeholders(raw["message"]):
        style, name, _ = split_placeholder(text)
        root = re.split(r"[.\[]", name, maxsplit=1)[0]
        if style is not None and style not in PLACEHOLDER_STYLES:
            problem(
                f"rules[{i}]: message placeholder {{{text}}} has an unknown format {style!r}"
                f"{_close(style, PLACEHOLDER_STYLES)} (formats: {', '.join(sorted(PLACEHOLDER_STYLES))})",
                (*at, "message"),
            )
            return False
        if not _PLACEHOLDER_PATH.match(name) or root not in allowed:
            problem(
                f"rules[{i}]: message placeholder {{{text}}} must be a dotted path starting with "
                f"{', '.join(sorted(allowed))}, optionally with a format (`money:`, `person:`) and a "
                "text for a missing value (`|no data`)",
                (*at, "message"),
            )
            return False
    return True
