"""Declarative policies: rule packs in YAML with CEL expressions (``.dev/POLICY-FORMAT.md``).

Loading is in two steps so that ``pmo-lint rules`` and ``explain`` stay light: :func:`read_pack`
parses the YAML (PyYAML only, every rule keeps its file and line) and validates the shape; only
:func:`compile_pack` imports ``cel`` and compiles each expression once. Anything wrong in a pack
becomes a ``policy-error`` finding at the pack file's line, never a traceback, and the other rules
still run. At run time all rules of one entity are evaluated against one set of CEL variables.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from pmo_lint.diagnostics import DataPath, Severity
from pmo_lint.loader.yamlio import LoadedDocument, LoadProblem, parse_bytes
from pmo_lint.model.refs import REF_KIND_NAMES
from pmo_lint.rules import cel_adapter
from pmo_lint.rules.base import Finding, RuleContext, RuleDocs, RuleMeta
from pmo_lint.rules.policy_memo import PolicyMemo, Row
from pmo_lint.rules.wording import MISSING, MessageStyle, format_money, format_person, format_value, style_of

if TYPE_CHECKING:
    from pmo_lint.facts import Facts
    from pmo_lint.model.catalog import LoadedEntity

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

ROOTS = frozenset({"entity", "facts", "config", "asOf"})
EACH_ROOTS = frozenset({"item", "index"})
CEL_TYPE_NAMES = frozenset({"int", "uint", "double", "string", "bool", "bytes", "list", "map", "null_type", "type"})
OUR_FUNCTIONS = frozenset({"daysBetween", "daysSince", "isBefore", "exists"})
CEL_FUNCTIONS = frozenset(
    {
        "size", "int", "uint", "double", "string", "bytes", "bool", "dyn", "type", "timestamp", "duration",
        "matches", "contains", "startsWith", "endsWith", "has", "all", "exists_one", "map", "filter",
        "getFullYear", "getMonth", "getDate", "getDayOfMonth", "getDayOfWeek", "getDayOfYear", "getHours",
        "getMinutes", "getSeconds", "getMilliseconds",
    }
)  # fmt: skip
# cel.stdlib functions we register; `lists.range` is left out: it builds lists of any size
UNSAFE_STDLIB = frozenset({"lists.range"})

# bounds on what CEL is handed: CEL always terminates, but nested comprehensions over long lists
# are polynomial; with these caps one rule on one entity stays under ~10^6 steps
MAX_LIST_ITEMS = 1000
MAX_STRING_CHARS = 10_000
MAX_COMPREHENSION_DEPTH = 2
MAX_EXPRESSION_CHARS = 4000

_MACRO_VAR = re.compile(r"\.\s*(?:all|exists|exists_one|map|filter)\s*\(\s*([A-Za-z_]\w*)\s*,")
_MACRO_CALL = re.compile(r"\.\s*(?:all|exists|exists_one|map|filter)\s*\(")
_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")
_PLACEHOLDER_PATH = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*|\[\d+\])*$")
_PATH_TOKEN = re.compile(r"([A-Za-z_][\w-]*)|\[(\d+)\]")
_DATA_PATH = re.compile(r"^[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*|\[\d+\])*$")


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
    """One declarative rule: metadata, its CEL sources and, once compiled, the programs."""

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

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        """Run alone (the engine runs all policies together through :func:`evaluate`)."""
        return [f for _, f in evaluate([self], ctx, ctx.all_facts())]


@dataclass(frozen=True)
class Pack:
    name: str
    title: str
    path: str  # display path
    rules: tuple[PolicyRule, ...]
    problems: tuple[PolicyProblem, ...] = ()


# -- reading and validating --------------------------------------------------------------------
def _line(doc: LoadedDocument, path: DataPath, *, key: bool = False) -> tuple[int, int]:
    return doc.locate(path, key=key)


def parse_data_path(text: str) -> DataPath | None:
    """``spec.milestones[2].forecastDate`` -> ("spec", "milestones", 2, "forecastDate"); None if malformed."""
    if not _DATA_PATH.match(text):
        return None
    return tuple(m.group(1) if m.group(1) else int(m.group(2)) for m in _PATH_TOKEN.finditer(text))


def placeholders(template: str) -> list[str]:
    return [m.group(1).strip() for m in _PLACEHOLDER.finditer(template) if m.group(1) is not None]


def split_placeholder(text: str) -> tuple[str | None, str, str | None]:
    """``money:facts.evm.eac|no forecast`` -> ("money", "facts.evm.eac", "no forecast")."""
    spec, bar, fallback = text.partition("|")
    style, colon, path = spec.partition(":")
    if not colon:
        style, path = "", spec
    return (style.strip() or None), path.strip(), (fallback.strip() if bar else None)


def _close(word: str, options: Iterable[str]) -> str:
    near = difflib.get_close_matches(word, sorted(options), n=1)
    return f"; did you mean {near[0]!r}?" if near else ""


def _hint(word: str, options: Iterable[str]) -> str:
    near = difflib.get_close_matches(word, sorted(options), n=1)
    return f" (did you mean {near[0]!r}?)" if near else ""


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
    problem: Callable[..., None],
    taken: set[str],
) -> PolicyRule | None:
    at: DataPath = ("rules", i)
    if not isinstance(raw, dict):
        problem(f"rules[{i}] must be a mapping with id, code, title, severity, kind, assert and message", at)
        return None
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
    if not ok:
        return None
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
    path: DataPath = ()
    if raw.get("path"):
        parsed = parse_data_path(raw["path"].strip())
        if parsed is None:
            problem(
                f"rules[{i}]: path {raw['path']!r} is not a data path such as `spec.milestones` or `spec.a[0].b`",
                (*at, "path"),
            )
            return None
        path = parsed
    each = raw.get("each")
    allowed = ROOTS | (EACH_ROOTS if each else frozenset())
    for text in placeholders(raw["message"]):
        style, name, _ = split_placeholder(text)
        root = re.split(r"[.\[]", name, maxsplit=1)[0]
        if style is not None and style not in PLACEHOLDER_STYLES:
            problem(
                f"rules[{i}]: message placeholder {{{text}}} has an unknown format {style!r}"
                f"{_close(style, PLACEHOLDER_STYLES)} (formats: {', '.join(sorted(PLACEHOLDER_STYLES))})",
                (*at, "message"),
            )
            return None
        if not _PLACEHOLDER_PATH.match(name) or root not in allowed:
            problem(
                f"rules[{i}]: message placeholder {{{text}}} must be a dotted path starting with "
                f"{', '.join(sorted(allowed))}, optionally with a format (`money:`, `person:`) and a "
                "text for a missing value (`|no data`)",
                (*at, "message"),
            )
            return None
    taken.update({code.lower(), rule_id.lower()})
    docs = RuleDocs(
        what=str(docs_raw.get("what", "")).strip(),
        why=str(docs_raw.get("why", "")).strip(),
        example=str(docs_raw.get("example", "")),
        use_instead=str(docs_raw.get("use_instead", "")),
        options=str(docs_raw.get("options", "")).strip(),
    )
    line = _line(doc, at)[0]
    meta = RuleMeta(
        id=rule_id,
        code=code,
        title=raw["title"].strip(),
        severity=severity,
        pack=pack,
        docs=docs,
        kinds=(kind,),
        fixable=fixable,
        standard=str(raw.get("standard", "")).strip(),
        source=f"{display}:{line}",
    )
    lines = {key: _line(doc, (*at, key))[0] for key in ("when", "assert", "each", "message") if key in raw}
    return PolicyRule(
        meta=meta,
        kind=kind,
        assert_src=raw["assert"],
        message=" ".join(raw["message"].split()),
        when_src=raw.get("when") or None,
        each_src=each or None,
        path=path,
        pack_path=display,
        line=line,
        lines=lines,
        files=files,
    )


# -- compiling ------------------------------------------------------------------------------------
def _strip_strings(src: str) -> str:
    """The expression with string literals blanked, so names inside quotes are not mistaken for code."""
    return re.sub(r"'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\"", '""', src)


def comprehension_depth(src: str) -> int:
    code = _strip_strings(src)
    depth = best = 0
    stack: list[bool] = []  # per open paren: does it open a macro call
    macro_starts = {m.end() - 1 for m in _MACRO_CALL.finditer(code)}
    for pos, ch in enumerate(code):
        if ch == "(":
            is_macro = pos in macro_starts
            stack.append(is_macro)
            if is_macro:
                depth += 1
                best = max(best, depth)
        elif ch == ")" and stack and stack.pop():
            depth -= 1
    return best


# The cel crate copies a map or list each time an expression selects it from a variable, so
# `entity.spec.x` costs time in proportion to the whole spec (~50 µs for a project) while a field of a
# top-level variable is cheap. Each `entity.spec.` is therefore read from a variable of its own.
SPEC_VARIABLE = "entity__spec"
_SPEC_ACCESS = re.compile(r"(?<![\w.])entity\s*\.\s*spec\s*\.(?=\s*[A-Za-z_])")
_STRING_LITERAL = re.compile(r"'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\"")


def fast_paths(src: str) -> str:
    """``entity.spec.budget`` -> ``entity__spec.budget`` outside string literals (same meaning)."""
    out: list[str] = []
    pos = 0
    for m in _STRING_LITERAL.finditer(src):
        out.append(_SPEC_ACCESS.sub(SPEC_VARIABLE + ".", src[pos : m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(_SPEC_ACCESS.sub(SPEC_VARIABLE + ".", src[pos:]))
    return "".join(out)


_ROOT_REF = re.compile(r"(?<![\w.])(entity__spec|entity|facts|config)\b(?:\s*\.\s*([A-Za-z_]\w*))?")


def referenced_keys(src: str) -> dict[str, frozenset[str] | None]:
    """Top-level keys each context variable is read at (None when it is used whole).

    Converting a value into CEL costs time in proportion to its size, once per entity: the engine
    hands CEL only the keys some rule of the kind reads.
    """
    out: dict[str, set[str] | None] = {}
    for m in _ROOT_REF.finditer(_strip_strings(src)):
        root, key = m.group(1), m.group(2)
        if key is None:
            out[root] = None
        elif root not in out or out[root] is not None:
            out.setdefault(root, set()).add(key)  # type: ignore[union-attr]
    return {k: (None if v is None else frozenset(v)) for k, v in out.items()}


def _merge_reads(rules: Iterable[PolicyRule]) -> dict[str, frozenset[str] | None]:
    merged: dict[str, frozenset[str] | None] = {}
    for rule in rules:
        for root, keys in rule.reads.items():
            if root in merged and (merged[root] is None or keys is None):
                merged[root] = None
            else:
                merged[root] = (merged.get(root) or frozenset()) | (keys or frozenset())
    return merged


def _pick(data: Any, keys: frozenset[str] | None) -> Any:
    if keys is None or not isinstance(data, dict):
        return data
    return {k: data[k] for k in keys if k in data}


def _known_functions() -> frozenset[str]:
    cel, stdlib = cel_adapter.modules()
    ctx = cel.Context()
    stdlib.add_stdlib_to_context(ctx)
    return CEL_FUNCTIONS | OUR_FUNCTIONS | (frozenset(ctx.functions) - UNSAFE_STDLIB)


def _first_line(text: str) -> str:
    # the cel crate's messages repeat the expression with a caret; the first error line says it all
    for line in text.splitlines():
        if "ERROR:" in line:
            return line.split("ERROR:", 1)[1].strip().replace("<input>:", "at ")
    return text.splitlines()[0] if text else "invalid expression"


# Literal arguments are checked when the pack loads: a bad regex or date in a rule is one bug in the
# pack, not a failure on every entity. CEL compiles `matches` patterns only when it runs them.
_LITERAL = re.compile(
    r"[rR]?(?:'''(?:\\.|[^\\])*?'''|\"\"\"(?:\\.|[^\\])*?\"\"\"|'(?:\\.|[^'\\\n])*'|\"(?:\\.|[^\"\\\n])*\")"
)
_CHECKED_CALL = re.compile(r"(?<![\w])(matches|timestamp|duration|int|uint|double|daysBetween|daysSince|isBefore)\s*\(")
_CONVERSIONS = frozenset({"timestamp", "duration", "int", "uint", "double"})
_DATE_FUNCTIONS = frozenset({"daysBetween", "daysSince", "isBefore"})
_CLOSE = {"(": ")", "[": "]", "{": "}"}


def _call_arguments(src: str, start: int) -> list[str]:
    """The top-level arguments of the call whose ``(`` is at ``start`` (string literals skipped)."""
    args: list[str] = []
    stack: list[str] = []
    pos, begin = start + 1, start + 1
    while pos < len(src):
        literal = _LITERAL.match(src, pos)
        if literal:
            pos = literal.end()
            continue
        ch = src[pos]
        if ch in _CLOSE:
            stack.append(_CLOSE[ch])
        elif stack and ch == stack[-1]:
            stack.pop()
        elif not stack and ch == ")":
            args.append(src[begin:pos].strip())
            return [a for a in args if a]
        elif not stack and ch == ",":
            args.append(src[begin:pos].strip())
            begin = pos + 1
        pos += 1
    return []


def _cel_reason(exc: BaseException) -> str:
    """The useful part of a cel error: ``unclosed character class`` rather than the whole report."""
    text = str(exc).strip()
    for line in text.splitlines():
        if line.strip().startswith("error:"):
            text = line.strip()[len("error:") :]
            break
    else:
        text = text.splitlines()[0] if text else type(exc).__name__
    text = re.sub(r"^Function '\w+' error:\s*", "", text.strip())
    text = re.sub(r"\s*Check (?:function arguments|that the variable).*$", "", text).strip().rstrip(".:")
    return text or type(exc).__name__


def literal_problems(src: str) -> list[str]:
    """What is wrong with the literal arguments of ``matches``, ``timestamp``, ``duration``, number
    conversions and the date functions in one expression (empty when nothing is)."""
    from pmo_lint.facts.dates import parse_date

    cel, _ = cel_adapter.modules()
    literal_spans = [m.span() for m in _LITERAL.finditer(src)]
    context = cel.Context()
    out: list[str] = []
    for m in _CHECKED_CALL.finditer(src):
        if any(a <= m.start() < b for a, b in literal_spans):
            continue  # the name is inside a string
        name, method = m.group(1), src[: m.start()].rstrip().endswith(".")
        args = _call_arguments(src, m.end() - 1)
        literals = [a for a in args if _LITERAL.fullmatch(a)]
        if not literals:
            continue
        try:
            if name == "matches":
                pattern = args[-1]
                if pattern in literals and (method or len(args) == 2):
                    cel.compile(f"''.matches({pattern})").execute(context)
            elif name in _CONVERSIONS and not method and len(args) == 1:
                cel.compile(f"{name}({args[0]})").execute(context)
            elif name in _DATE_FUNCTIONS and not method:
                for arg in literals:
                    value = cel.compile(arg).execute(context)
                    try:
                        parse_date(value)
                    except (TypeError, ValueError):
                        out.append(f"{name}() is given {arg}, which is not a date; write dates as 'YYYY-MM-DD'")
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # noqa: BLE001 - the evaluator raises RuntimeError, a Rust panic BaseException
            what = {
                "matches": f"the regular expression {args[-1]} is invalid",
                "timestamp": f"{args[0]} is not a timestamp such as '2025-06-30T00:00:00Z'",
                "duration": f"{args[0]} is not a duration such as '24h' or '90m'",
            }.get(name, f"{name}({args[0]}) cannot be converted")
            out.append(what if name == "duration" else f"{what}: {_cel_reason(exc)}")
    return out


def compile_pack(pack: Pack, known: frozenset[str] | None = None) -> Pack:
    """Compile every expression once; rules that do not compile become problems and are dropped."""
    cel, _ = cel_adapter.modules()
    known = known if known is not None else _known_functions()
    rules: list[PolicyRule] = []
    problems = list(pack.problems)
    for rule in pack.rules:
        programs: dict[str, Any] = {}
        roots: set[str] = set()
        failed = False
        for key, src in (("each", rule.each_src), ("when", rule.when_src), ("assert", rule.assert_src)):
            if src is None:
                continue
            line = rule.lines.get(key, rule.line)
            where = f"{rule.meta.code} {key}"
            if len(src) > MAX_EXPRESSION_CHARS:
                problems.append(
                    PolicyProblem(f"{where}: expression longer than {MAX_EXPRESSION_CHARS} characters", pack.path, line)
                )
                failed = True
                break
            try:
                program = cel.compile(src)
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException as exc:  # noqa: BLE001 - bad syntax raises ValueError; a Rust panic a BaseException
                problems.append(PolicyProblem(f"{where}: CEL syntax error {_first_line(str(exc))}", pack.path, line))
                failed = True
                break
            unknown_fn = sorted(f for f in program.functions() if f[:1] not in ("_", "@", "!") and f not in known)
            if unknown_fn:
                problems.append(
                    PolicyProblem(
                        f"{where}: unknown function {unknown_fn[0]!r}{_hint(unknown_fn[0], known)}; "
                        "use CEL's functions or daysBetween, daysSince, isBefore, exists",
                        pack.path,
                        line,
                    )
                )
                failed = True
                break
            bound = set(_MACRO_VAR.findall(_strip_strings(src)))
            allowed = ROOTS | CEL_TYPE_NAMES | bound | (EACH_ROOTS if rule.each_src and key != "each" else frozenset())
            unknown_var = sorted(v for v in program.variables() if v not in allowed)
            if unknown_var:
                choices = ROOTS | (EACH_ROOTS if rule.each_src and key != "each" else frozenset())
                problems.append(
                    PolicyProblem(
                        f"{where}: unknown variable {unknown_var[0]!r}{_hint(unknown_var[0], choices)}; "
                        f"use {', '.join(sorted(choices))}",
                        pack.path,
                        line,
                    )
                )
                failed = True
                break
            if comprehension_depth(src) > MAX_COMPREHENSION_DEPTH:
                problems.append(
                    PolicyProblem(
                        f"{where}: comprehensions (all, exists, map, filter) nest deeper than "
                        f"{MAX_COMPREHENSION_DEPTH}; split the rule or use a fact",
                        pack.path,
                        line,
                    )
                )
                failed = True
                break
            bad_literals = literal_problems(src)
            if bad_literals:
                problems.extend(PolicyProblem(f"{where}: {text}", pack.path, line) for text in bad_literals)
                failed = True
                break
            roots.update(v for v in program.variables() if v in ROOTS)
            fast = fast_paths(src)
            programs[key] = cel.compile(fast) if fast != src else program
        if failed:
            continue
        reads = referenced_keys(" ".join(p.source for p in programs.values()))
        rules.append(replace(rule, programs=programs, roots=frozenset(roots & ROOTS), reads=reads))
    return replace(pack, rules=tuple(rules), problems=tuple(problems))


def load_pack_file(path: Path, display: str, *, taken: set[str] | None = None, compile_cel: bool = True) -> Pack:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return Pack("", "", display, (), (PolicyProblem(f"cannot read policy file: {exc.strerror}", display),))
    pack = read_pack(raw, display, taken=taken)
    return compile_pack(pack) if compile_cel else pack


def pack_files(path: Path) -> list[Path]:
    """A pack file, or the ``*.yaml`` files of a folder (not its sub-folders), sorted."""
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    return [path]


# -- evaluating -----------------------------------------------------------------------------------
def normalise(value: Any) -> Any:
    """Ints to floats (CEL does not mix int and double), dates to ISO strings, sizes capped."""
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, str):
        return value if len(value) <= MAX_STRING_CHARS else value[:MAX_STRING_CHARS]
    if isinstance(value, dict):
        return {str(k): normalise(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [normalise(v) for v in value[:MAX_LIST_ITEMS]]
    isoformat = getattr(value, "isoformat", None)
    if callable(isoformat):
        return isoformat()
    return str(value)


def _resolve(name: str, scope: Mapping[str, Any]) -> Any:
    node: Any = scope
    for m in _PATH_TOKEN.finditer(name):
        if m.group(1) is not None:
            if not isinstance(node, dict) or m.group(1) not in node:
                return None
            node = node[m.group(1)]
        else:
            idx = int(m.group(2))
            if not isinstance(node, list) or idx >= len(node):
                return None
            node = node[idx]
    return node


PLACEHOLDER_STYLES = frozenset({"money", "person"})


def render_placeholder(text: str, scope: Mapping[str, Any], style: MessageStyle | None = None) -> str:
    kind, path, fallback = split_placeholder(text)
    value = _resolve(path, scope)
    if value is None or (value == [] and fallback is not None):
        return fallback if fallback is not None else MISSING
    style = style or MessageStyle()
    if kind == "money":
        return format_money(value, style.currency)
    if kind == "person":
        return format_person(value, style.people)
    return format_value(value)


def render_message(template: str, scope: Mapping[str, Any], style: MessageStyle | None = None) -> str:
    """Fill ``{[format:]path[|text if missing]}`` placeholders (``{{``/``}}`` are literal braces)."""

    def sub(m: re.Match[str]) -> str:
        if m.group(0) == "{{":
            return "{"
        if m.group(0) == "}}":
            return "}"
        return render_placeholder(m.group(1).strip(), scope, style)

    return _PLACEHOLDER.sub(sub, template)


def file_exists(files: frozenset[str], path: object) -> bool:
    """CEL's ``exists(path)``: a file at that path relative to the portfolio root (never outside it)."""
    if not isinstance(path, str) or not path or path.startswith("/") or ".." in path.split("/"):
        return False
    return str(PurePosixPath(path)) in files


def cel_functions(
    as_of: str, files: frozenset[str], log: list[tuple[str, bool]] | None = None
) -> dict[str, Callable[..., Any]]:
    """The functions we add to CEL; ``log`` (the policy memo's) records every ``exists`` answer."""
    from pmo_lint.facts.dates import days_between, parse_date

    def exists(path: str) -> bool:
        answer = file_exists(files, path)
        if log is not None and isinstance(path, str):
            log.append((path, answer))
        return answer

    return {
        "daysBetween": days_between,
        "daysSince": lambda a: days_between(a, as_of),
        "isBefore": lambda a, b: parse_date(a) < parse_date(b),
        "exists": exists,
    }


def _base_context(ctx: RuleContext, facts: Facts, memo: PolicyMemo | None = None) -> Any:
    cel, stdlib = cel_adapter.modules()
    context = cel.Context()
    stdlib.add_stdlib_to_context(context)
    as_of = ctx.as_of.isoformat()
    for name, func in cel_functions(as_of, ctx.files, memo.log if memo is not None else None).items():
        context.add_function(name, func)
    context.add_variable("config", normalise(facts.config))
    context.add_variable("asOf", as_of)
    return context


def _explain(exc: BaseException) -> str:
    text = _cel_reason(exc)
    if isinstance(exc, KeyError):
        return f"field {text} is missing; guard it with has(…)"
    if isinstance(exc, IndexError):
        return f"list index out of range ({text})"
    if text.startswith("No such overload"):
        return "no such overload: operands of the wrong type (a null, or int mixed with double?)"
    return text[:300]


def evaluate(
    rules: Sequence[PolicyRule], ctx: RuleContext, facts: Facts, memo: PolicyMemo | None = None
) -> list[tuple[RuleMeta, Finding]]:
    """Run policy rules over every entity of their kinds: one set of CEL variables per entity.

    With a ``memo`` (policy_memo.py), an entity whose data, facts and ``exists`` answers are as on
    a previous run gets that run's findings back without going through CEL.
    """
    by_kind: dict[str, list[PolicyRule]] = {}
    for rule in rules:
        # without a valid pmo.yaml (its problems are reported) rules that read config cannot be judged
        if rule.programs and (facts.config or "config" not in rule.roots):
            by_kind.setdefault(rule.kind, []).append(rule)
    if not by_kind:
        return []
    context = None  # built at the first entity the memo cannot answer
    as_of = ctx.as_of.isoformat()
    exists_now = functools.partial(file_exists, ctx.files)  # re-checks a stored entry's exists() answers
    style = style_of(ctx.catalog)
    out: list[tuple[RuleMeta, Finding]] = []
    failures: dict[tuple[str, str, str], tuple[PolicyRule, list[LoadedEntity]]] = {}

    def failed(rule: PolicyRule, text: str, item: LoadedEntity) -> None:
        stage, _, reason = text.partition(_FAILURE_SEP)
        failures.setdefault((rule.meta.code, stage, reason), (rule, []))[1].append(item)

    for kind in sorted(by_kind):
        kind_rules = by_kind[kind]
        reads = _merge_reads(kind_rules)
        # messages name people and money: a renamed person or a new currency changes them
        group = memo.group(kind_rules, facts.config, as_of, extra=style) if memo is not None else None
        config_set = False
        for item in ctx.catalog.of_kind(kind):
            data = item.data
            entity_facts = facts.of(item)
            key = memo.entity_key(group, item.path, data, entity_facts) if memo and group else None
            if memo is not None and key is not None:
                rows = memo.lookup(key, exists_now)
                if rows is not None:
                    for index, message, path in rows:
                        if index >= 0:
                            out.append((kind_rules[index].meta, Finding(message, item, path)))
                        elif index <= -2:  # -2 - i: rule i could not be evaluated
                            failed(kind_rules[-2 - index], message, item)
                    continue
            if memo is not None:
                memo.log.clear()
            if context is None:
                context = _base_context(ctx, facts, memo)
            if not config_set:
                context.add_variable("config", normalise(_pick(facts.config, reads.get("config", frozenset()))))
                config_set = True
            if "entity" in reads:
                context.add_variable("entity", normalise(_pick(data, reads["entity"])))
            if SPEC_VARIABLE in reads:
                context.add_variable(SPEC_VARIABLE, normalise(_pick(data.get("spec") or {}, reads[SPEC_VARIABLE])))
            context.add_variable("facts", normalise(_pick(entity_facts, reads.get("facts", frozenset()))))
            # messages read the full values in Python; only CEL gets the trimmed ones
            scope = {"entity": data, "facts": entity_facts, "config": facts.config, "asOf": as_of}
            rows_out: list[Row] = []
            for index, rule in enumerate(kind_rules):
                for meta, finding in _run_rule(rule, context, scope, item, style):
                    if meta is POLICY_ERROR:
                        failed(rule, finding.message, item)
                        rows_out.append((-2 - index, finding.message, ()))
                    else:
                        out.append((meta, finding))
                        rows_out.append((index, finding.message, finding.data_path))
            if memo is not None and key is not None:
                memo.record(key, rows_out)
    out.extend((POLICY_ERROR, _failure_finding(rule, key, items)) for key, (rule, items) in failures.items())
    return out


_FAILURE_SEP = "\x1f"  # joins stage and reason of a failure while entities are evaluated


def _failure_finding(rule: PolicyRule, key: tuple[str, str, str], items: Sequence[LoadedEntity]) -> Finding:
    """One finding per broken rule, at the rule's line in its pack, naming a few entities it failed on."""
    _, stage, reason = key
    paths = sorted({item.path for item in items})
    if len(items) == 1:
        where = f"on {rule.kind} {items[0].entity.metadata.name} ({paths[0]})"
    else:
        shown = ", ".join(paths[:3]) + (", …" if len(paths) > 3 else "")
        where = f"on {len(items)} {rule.kind} files ({shown})"
    return Finding(
        f"rule {rule.meta.code} ({rule.meta.id}) cannot be evaluated: `{stage}` failed {where}: {reason}",
        path=rule.pack_path,
        line=rule.lines.get(stage, rule.line),
        col=1,
    )


def _truth(rule: PolicyRule, key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"`{key}` must give true or false, not {type(value).__name__} {format_value(value)}")
    return value


def _run_rule(
    rule: PolicyRule, context: Any, scope: dict[str, Any], item: LoadedEntity, style: MessageStyle | None = None
) -> Iterator[tuple[RuleMeta, Finding]]:
    progs = rule.programs
    stage = "when"
    try:
        if "each" not in progs:
            if "when" in progs and not _truth(rule, "when", progs["when"].execute(context)):
                return
            stage = "assert"
            if not _truth(rule, "assert", progs["assert"].execute(context)):
                yield rule.meta, Finding(render_message(rule.message, scope, style), item, rule.path)
            return
        stage = "each"
        items = progs["each"].execute(context)
        if items is None:
            return  # an absent optional list has no items to check
        if not isinstance(items, list):
            raise TypeError(f"`each` must give a list, not {type(items).__name__}")
        for index, element in enumerate(items[:MAX_LIST_ITEMS]):
            element = normalise(element)
            context.add_variable("item", element)
            context.add_variable("index", float(index))
            stage = "when"
            if "when" in progs and not _truth(rule, "when", progs["when"].execute(context)):
                continue
            stage = "assert"
            if not _truth(rule, "assert", progs["assert"].execute(context)):
                local = {**scope, "item": element, "index": float(index)}
                yield rule.meta, Finding(render_message(rule.message, local, style), item, (*rule.path, index))
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - a failure (even a Rust panic) on one entity is a finding, not a crash
        # evaluate() gathers these into one finding per rule, at the rule's line
        yield POLICY_ERROR, Finding(f"{stage}{_FAILURE_SEP}{_explain(exc)}", item)


# -- where packs come from ------------------------------------------------------------------------
ENTRY_POINT_GROUP = "pmo_lint.rules"
SHIPPED_PREFIX = "<pmo-lint>/policies"


@dataclass(frozen=True)
class PolicySet:
    """Every policy a run uses: declarative rules, Python rules from plug-ins, and load problems."""

    rules: tuple[PolicyRule, ...] = ()
    python_rules: tuple[Any, ...] = ()  # Rule objects from entry points
    problems: tuple[PolicyProblem, ...] = ()
    custom_packs: frozenset[str] = frozenset()  # packs from the configuration and plug-ins: on by default
    pack_paths: frozenset[str] = frozenset()  # display paths of the pack files read, shipped ones aside

    def metas(self) -> list[RuleMeta]:
        return [r.meta for r in self.rules] + [r.meta for r in self.python_rules]


def _display(path: Path, root: Path | None) -> str:
    resolved = path.resolve()
    if root is not None and resolved.is_relative_to(root.resolve()):
        return resolved.relative_to(root.resolve()).as_posix()
    return resolved.as_posix()


def _is_rule(obj: object) -> bool:
    return isinstance(getattr(obj, "meta", None), RuleMeta) and callable(getattr(obj, "check", None))


def _entry_point_sources(taken: set[str]) -> tuple[list[Path], list[Any], list[PolicyProblem]]:
    """Installed plug-ins only: an entry point gives rules, or a path to pack YAML (never repo code)."""
    from importlib.metadata import entry_points

    paths: list[Path] = []
    rules: list[Any] = []
    problems: list[PolicyProblem] = []
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        where = f"<entry point {ep.name} = {ep.value}>"
        try:
            obj = ep.load()
            if callable(obj) and not _is_rule(obj):
                obj = obj()
        except Exception as exc:  # noqa: BLE001 - a broken plug-in is a finding, not a crash
            problems.append(PolicyProblem(f"rule plug-in failed to load: {type(exc).__name__}: {exc}", where))
            continue
        items = obj if isinstance(obj, (list, tuple)) else [obj]
        for entry in items:
            if isinstance(entry, (str, Path)):
                paths.append(Path(entry))
            elif _is_rule(entry):
                meta: RuleMeta = entry.meta
                if meta.code.lower() in taken or meta.id.lower() in taken:
                    problems.append(PolicyProblem(f"plug-in rule {meta.code} ({meta.id}) reuses a code or id", where))
                    continue
                taken.update({meta.code.lower(), meta.id.lower()})
                rules.append(entry)
            else:
                problems.append(
                    PolicyProblem(f"rule plug-in gave {type(entry).__name__}; expected rules or a pack path", where)
                )
    return paths, rules, problems


def load_policies(
    *,
    root: Path | None = None,
    config_dir: Path | None = None,
    config_policies: Sequence[str] = (),
    extra_paths: Sequence[Path] = (),
    taken: Iterable[str] = (),
    compile_cel: bool = True,
    shipped: bool = True,
    plugins: bool = True,
) -> PolicySet:
    """Shipped packs, then the configuration's ``policies:`` (relative to the config file), then plug-ins."""
    from pmo_lint.resources import policies_dir

    used = {t.lower() for t in taken}
    rules: list[PolicyRule] = []
    problems: list[PolicyProblem] = []
    custom: set[str] = set()

    def add(path: Path, display: str, is_custom: bool) -> None:
        pack = load_pack_file(path, display, taken=used, compile_cel=compile_cel)
        rules.extend(pack.rules)
        problems.extend(pack.problems)
        if is_custom and pack.name:
            custom.add(pack.name)

    if shipped:
        base = policies_dir()
        for path in pack_files(base) if base.is_dir() else []:
            add(path, f"{SHIPPED_PREFIX}/{path.name}", False)
    sources: list[tuple[Path, str]] = []
    for entry in config_policies:
        path = (config_dir or Path.cwd()) / entry
        if not path.exists():
            problems.append(PolicyProblem(f"policies: {entry!r} does not exist", str(config_dir or "") or "<config>"))
            continue
        sources.extend((p, _display(p, root)) for p in pack_files(path))
    for path in extra_paths:
        sources.extend((p, _display(p, root)) for p in pack_files(path))
    python_rules: list[Any] = []
    if plugins:
        ep_paths, python_rules, ep_problems = _entry_point_sources(used)
        problems.extend(ep_problems)
        for path in ep_paths:
            sources.extend((p, _display(p, None)) for p in pack_files(path))
        custom.update(r.meta.pack for r in python_rules)
    for path, display in sources:
        add(path, display, True)
    paths = frozenset(display for _, display in sources)
    return PolicySet(tuple(rules), tuple(python_rules), tuple(problems), frozenset(custom), paths)
