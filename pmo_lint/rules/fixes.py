"""Safe fixes: one callable per fixable rule id, applied by :mod:`pmo_lint.fixer`.

A fix receives the editable document and one finding and returns what it changed (or None when
the finding is not one it can fix with certainty). A fix only rewrites a value to the single
spelling the schema allows, or adds what has exactly one correct value; it never guesses, never
reorders, and never touches anything but the value it fixes.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from typing import Any

from pmo_lint.diagnostics import DataPath, Diagnostic, format_data_path
from pmo_lint.loader.roundtrip import RoundTripDocument
from pmo_lint.model.names import API_VERSION

# returns a one-line description of the change, or None when it changed nothing
Fix = Callable[[RoundTripDocument, Diagnostic], str | None]

_SEPARATORS = re.compile(r"[\s_-]+")
# unquoted words YAML 1.1 reads as booleans; quoting them keeps the string YAML 1.2 already reads
_YAML11_WORDS = re.compile(r"(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)\Z")
_CURRENCY_PATTERN = "^[A-Z]{3}$"


def _where(path: DataPath) -> str:
    return format_data_path(path) or "top level"


def _unique(candidates: list[str], value: str, key: Callable[[str], str]) -> str | None:
    wanted = key(value)
    hits = sorted({c for c in candidates if key(c) == wanted})
    return hits[0] if len(hits) == 1 and hits[0] != value else None


def _text_value(doc: RoundTripDocument, path: DataPath) -> str | None:
    node = doc.scalar(path)
    if node is None or not isinstance(node.value, str):
        return None
    # a plain scalar that resolves to a number, bool or null is not a misspelt word
    return node.value if node.style is not None or str(node.tag).endswith(":str") else None


@functools.cache
def _kind_schema(kind: str) -> dict[str, Any]:
    from pmo_lint.model.kinds import KIND_BY_NAME
    from pmo_lint.schema.export import kind_schema

    return kind_schema(KIND_BY_NAME[kind])


def _expand(schema: Any, root: dict[str, Any], depth: int = 0) -> Iterator[dict[str, Any]]:
    """The alternatives a value at this place may match: ``$ref`` followed, unions flattened."""
    if not isinstance(schema, dict) or depth > 20:
        return
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        yield from _expand(root.get("$defs", {}).get(ref[len("#/$defs/") :]), root, depth + 1)
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(key, ()):
            yield from _expand(sub, root, depth + 1)
    yield schema


def schemas_at(kind: str, path: DataPath) -> list[dict[str, Any]]:
    """Every schema that applies to the value at ``path`` of an entity of ``kind``."""
    from pmo_lint.model.kinds import KIND_BY_NAME

    if kind not in KIND_BY_NAME:
        return []
    root = _kind_schema(kind)
    current = list(_expand(root, root))
    for part in path:
        following: list[dict[str, Any]] = []
        for schema in current:
            if isinstance(part, str):
                props = schema.get("properties", {})
                sub = props.get(part) if part in props else schema.get("additionalProperties")
            else:
                sub = schema.get("items")
            following.extend(_expand(sub, root))
        current = following
    return current


def _kind_of(doc: RoundTripDocument) -> str | None:
    node = doc.scalar(("kind",))
    return node.value if node is not None and isinstance(node.value, str) else None


def _fix_api_version(doc: RoundTripDocument) -> str | None:
    if doc.node(("apiVersion",)) is not None:
        return None
    return f"added apiVersion: {API_VERSION}" if doc.insert_first_key("apiVersion", API_VERSION) else None


def _fix_kind(doc: RoundTripDocument) -> str | None:
    from pmo_lint.model.kinds import KIND_BY_NAME

    value = _text_value(doc, ("kind",))
    if value is None or value in KIND_BY_NAME:
        return None
    fixed = _unique(list(KIND_BY_NAME), value, lambda s: _SEPARATORS.sub("", s).lower())
    if fixed is None or not doc.set_scalar(("kind",), fixed):
        return None
    return f"kind: {value!r} -> {fixed!r}"


def _fix_value(doc: RoundTripDocument, kind: str, path: DataPath) -> str | None:
    value = _text_value(doc, path)
    if value is None:
        return None
    schemas = schemas_at(kind, path)
    options = [v for s in schemas for v in (*s.get("enum", ()), *(() if "const" not in s else (s["const"],)))]
    options = [o for o in options if isinstance(o, str)]
    fixed: str | None = None
    if options and value not in options:
        fixed = _unique(options, value, lambda s: _SEPARATORS.sub("-", s.strip()).lower())
    elif any(s.get("pattern") == _CURRENCY_PATTERN for s in schemas) and re.fullmatch(r"[A-Za-z]{3}", value):
        fixed = value.upper() if value != value.upper() else None
    if fixed is None or not doc.set_scalar(path, fixed):
        return None
    return f"{_where(path)}: {value!r} -> {fixed!r}"


def fix_schema_violation(doc: RoundTripDocument, finding: Diagnostic) -> str | None:
    """Add a missing ``apiVersion``; spell ``kind``, enum values and currency codes as the schema does."""
    path = finding.data_path
    if path == ():
        return _fix_api_version(doc)
    if path == ("kind",):
        return _fix_kind(doc)
    kind = _kind_of(doc)
    if kind is None:
        return None
    return _fix_value(doc, kind, path)


def fix_yaml11_ambiguity(doc: RoundTripDocument, finding: Diagnostic) -> str | None:
    """Quote ``yes``/``no``/``on``/``off``: the string pmo-lint reads, now also for YAML 1.1 tools.

    Numbers such as ``012`` or ``1.10`` are left alone: quoting them would change what the value is.
    A finding on a name (``on:``) is where the name is written, and the name is quoted.
    """
    path = finding.data_path
    name = doc.key(path)
    at_name = name is not None and (name.line, name.col) == (finding.line, finding.col)
    node = name if at_name else doc.scalar(path)
    if node is None or node.style is not None or not _YAML11_WORDS.match(node.value):
        return None
    if not doc.set_scalar(path, node.value, quote='"', key=at_name):
        return None
    return f"{_where(path)}: quoted {'the name ' if at_name else ''}{node.value!r}"


FIXES: dict[str, Fix] = {
    "schema-violation": fix_schema_violation,
    "yaml11-ambiguity": fix_yaml11_ambiguity,
}


def fix_for(rule_id: str) -> Fix | None:
    return FIXES.get(rule_id)
