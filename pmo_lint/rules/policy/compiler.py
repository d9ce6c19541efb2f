"""Compiling a pack's CEL expressions once, when it loads, and the checks made then: size, syntax,
known functions and variables, comprehension depth, and literal arguments that work (regular
expressions, dates, timestamps, durations). ``cel`` is imported here and only when a pack compiles.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from pmo_lint.rules import cel_adapter
from pmo_lint.rules.policy.analysis import comprehension_depth, fast_paths, macro_variables, referenced_keys
from pmo_lint.rules.policy.pack import EACH_ROOTS, ROOTS, Pack, PolicyProblem, PolicyRule

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

# bounds on what a rule may ask of CEL (the evaluator caps the data it is handed): CEL always
# terminates, but nested comprehensions over long lists are polynomial; with these caps one rule
# on one entity stays under ~10^6 steps
MAX_COMPREHENSION_DEPTH = 2
MAX_EXPRESSION_CHARS = 4000


def _hint(word: str, options: Iterable[str]) -> str:
    near = difflib.get_close_matches(word, sorted(options), n=1)
    return f" (did you mean {near[0]!r}?)" if near else ""


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


def cel_reason(exc: BaseException) -> str:
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
    cel, _ = cel_adapter.modules()
    literal_spans = [m.span() for m in _LITERAL.finditer(src)]
    context = cel.Context()
    out: list[str] = []
    for m in _CHECKED_CALL.finditer(src):
        if any(a <= m.start() < b for a, b in literal_spans):
            continue  # the name is inside a string
        name, method = m.group(1), src[: m.start()].rstrip().endswith(".")
        args = _call_arguments(src, m.end() - 1)
        if any(_LITERAL.fullmatch(a) for a in args):
            out.extend(_call_problems(cel, context, name, method, args))
    return out


def _call_problems(cel: Any, context: Any, name: str, method: bool, args: list[str]) -> list[str]:
    """Run one call's literal arguments through CEL: what fails is a problem of the pack."""
    from pmo_lint.facts.dates import parse_date

    literals = [a for a in args if _LITERAL.fullmatch(a)]
    out: list[str] = []
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
        out.append(what if name == "duration" else f"{what}: {cel_reason(exc)}")
    return out


def compile_pack(pack: Pack, known: frozenset[str] | None = None) -> Pack:
    """Compile every expression once; rules that do not compile become problems and are dropped."""
    cel, _ = cel_adapter.modules()
    known = known if known is not None else _known_functions()
    rules: list[PolicyRule] = []
    problems = list(pack.problems)
    for rule in pack.rules:
        compiled = _compile_rule(cel, rule, known, pack.path, problems)
        if compiled is not None:
            rules.append(compiled)
    return replace(pack, rules=tuple(rules), problems=tuple(problems))


def _compile_rule(
    cel: Any, rule: PolicyRule, known: frozenset[str], display: str, problems: list[PolicyProblem]
) -> PolicyRule | None:
    """The rule with its programs, roots and reads; None (and its problems added) if it does not compile."""
    programs: dict[str, Any] = {}
    roots: set[str] = set()
    for key, src in (("each", rule.each_src), ("when", rule.when_src), ("assert", rule.assert_src)):
        if src is None:
            continue
        program, found = _compile_expression(cel, rule, key, src, known)
        if found:
            line = rule.lines.get(key, rule.line)
            problems.extend(PolicyProblem(f"{rule.meta.code} {key}: {text}", display, line) for text in found)
            return None
        roots.update(v for v in program.variables() if v in ROOTS)
        fast = fast_paths(src)
        programs[key] = cel.compile(fast) if fast != src else program
    reads = referenced_keys(" ".join(p.source for p in programs.values()))
    return replace(rule, programs=programs, roots=frozenset(roots & ROOTS), reads=reads)


def _compile_expression(cel: Any, rule: PolicyRule, key: str, src: str, known: frozenset[str]) -> tuple[Any, list[str]]:
    """(the program, what is wrong with the expression); the first kind of problem found is reported."""
    if len(src) > MAX_EXPRESSION_CHARS:
        return None, [f"expression longer than {MAX_EXPRESSION_CHARS} characters"]
    try:
        program = cel.compile(src)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - bad syntax raises ValueError; a Rust panic a BaseException
        return None, [f"CEL syntax error {_first_line(str(exc))}"]
    unknown = _unknown_names(program, rule, key, src, known)
    if unknown:
        return program, [unknown]
    if comprehension_depth(src) > MAX_COMPREHENSION_DEPTH:
        return program, [
            f"comprehensions (all, exists, map, filter) nest deeper than "
            f"{MAX_COMPREHENSION_DEPTH}; split the rule or use a fact"
        ]
    return program, literal_problems(src)


def _unknown_names(program: Any, rule: PolicyRule, key: str, src: str, known: frozenset[str]) -> str:
    """The first function or variable the expression uses that is not ours to offer ("" if none)."""
    unknown_fn = sorted(f for f in program.functions() if f[:1] not in ("_", "@", "!") and f not in known)
    if unknown_fn:
        return (
            f"unknown function {unknown_fn[0]!r}{_hint(unknown_fn[0], known)}; "
            "use CEL's functions or daysBetween, daysSince, isBefore, exists"
        )
    each = EACH_ROOTS if rule.each_src and key != "each" else frozenset()
    allowed = ROOTS | CEL_TYPE_NAMES | macro_variables(src) | each
    unknown_var = sorted(v for v in program.variables() if v not in allowed)
    if unknown_var:
        choices = ROOTS | each
        return f"unknown variable {unknown_var[0]!r}{_hint(unknown_var[0], choices)}; use {', '.join(sorted(choices))}"
    return ""
