"""What a rule's expressions read, found from their source text: the context variables and their
top-level keys (the engine hands CEL only those), how deep comprehensions nest, which names macros
bind, and the rewrite of ``entity.spec.`` reads to a variable of their own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pmo_lint.rules.policy.pack import PolicyRule

_MACRO_VAR = re.compile(r"\.\s*(?:all|exists|exists_one|map|filter)\s*\(\s*([A-Za-z_]\w*)\s*,")
_MACRO_CALL = re.compile(r"\.\s*(?:all|exists|exists_one|map|filter)\s*\(")


def _strip_strings(src: str) -> str:
    """The expression with string literals blanked, so names inside quotes are not mistaken for code."""
    return re.sub(r"'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\"", '""', src)


def macro_variables(src: str) -> set[str]:
    """Names bound by macros: ``a`` in ``x.exists(a, a.by == 'me')``."""
    return set(_MACRO_VAR.findall(_strip_strings(src)))


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


def merge_reads(rules: Iterable[PolicyRule]) -> dict[str, frozenset[str] | None]:
    """What a group of rules reads together: the union of their keys per variable (None: all)."""
    merged: dict[str, frozenset[str] | None] = {}
    for rule in rules:
        for root, keys in rule.reads.items():
            if root in merged and (merged[root] is None or keys is None):
                merged[root] = None
            else:
                merged[root] = (merged.get(root) or frozenset()) | (keys or frozenset())
    return merged
