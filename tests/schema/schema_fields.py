"""Every field of every kind, read off the published schemas (schemas/*.schema.json), with valid and
wrong values for it and a YAML writer that knows the line and column of every value it writes.

The location tests put one wrong value into an otherwise valid file and check that the finding lands
on that value; this module builds those files without knowing anything about the models.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pmo_lint.model.kinds import KIND_BY_NAME
from pmo_lint.model.reference import example_data

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"

Schema = dict[str, Any]
Path_ = tuple[str | int, ...]

# one valid example per pattern the schemas use; a new pattern fails loudly here until it has one
_PATTERN_EXAMPLES = {
    r"^\d{4}-\d{2}-\d{2}$": "2025-06-27",
    r"^\d{4}-(?:0[1-9]|1[0-2])$": "2025-06",
    r"^[A-Z]{3}$": "EUR",
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$": "alpha",
    r"^[a-z][a-z0-9-]{0,62}$": "sponsor",
    r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$": "G1",
    r"^/": "/docs",
    r"^[^@\s]+@[^@\s]+$": "jo@example.org",
    r"^(?:gate:[A-Za-z0-9_.-]+|(?:changerequest|cr):[a-z0-9-]+(?:/[a-z0-9-]+)?)$": "gate:G1",
    r"^(?!/)(?!(?:.*/)?\.\.(?:/|$))[^\x00-\x1f]+$": "docs/charter.md",
    r"^(?:[a-zA-Z][a-zA-Z-]*:)?(?:[a-z0-9]+(?:-[a-z0-9]+)*/)?[a-z0-9]+(?:-[a-z0-9]+)*$": "jo-doe",
}
# text that breaks each pattern (for the "not valid here" wording)
_PATTERN_BREAKERS = ("Not a value!", "../up", "/abs")


def kind_schema(kind: str) -> Schema:
    schema: Schema = json.loads((SCHEMAS / f"{kind.lower()}.schema.json").read_text(encoding="utf-8"))
    return schema


def deref(schema: Schema, root: Schema) -> Schema:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = root["$defs"][name]
    return schema


def branches(schema: Schema, root: Schema) -> list[Schema]:
    """The non-null alternatives of a field (one for ``X | None``, several for a real union)."""
    schema = deref(schema, root)
    if "anyOf" not in schema:
        return [schema]
    return [deref(b, root) for b in schema["anyOf"] if b != {"type": "null"}]


def _map_value_schema(schema: Schema) -> tuple[str, Schema] | None:
    """A free-keyed mapping (``dict[str, X]``): a key it accepts and the schema of its values."""
    if schema.get("properties"):
        return None
    names = schema.get("propertyNames", {})
    key = names["enum"][0] if "enum" in names else "k1"
    if isinstance(schema.get("additionalProperties"), dict):
        return key, schema["additionalProperties"]
    for value in schema.get("patternProperties", {}).values():
        return key, value
    return None


@dataclass(frozen=True)
class Field:
    kind: str
    path: Path_  # a concrete path: list items are item 0, free-keyed mappings use one valid key
    schema: Schema  # as published (may be ``anyOf`` with null)

    @property
    def dotted(self) -> str:
        return ".".join(str(p) for p in self.path)


def fields(kind: str) -> Iterator[Field]:
    root = kind_schema(kind)

    def walk(schema: Schema, path: Path_, depth: int) -> Iterator[Field]:
        if depth > 12:  # the models are not recursive; a cycle would be a schema bug
            raise AssertionError(f"schema nests too deep at {path}")
        for branch in branches(schema, root):
            for name, sub in branch.get("properties", {}).items():
                yield Field(kind, (*path, name), sub)
                yield from walk(sub, (*path, name), depth + 1)
            if branch.get("type") == "array" and "items" in branch:
                yield Field(kind, (*path, 0), branch["items"])
                yield from walk(branch["items"], (*path, 0), depth + 1)
            free = _map_value_schema(branch) if branch.get("type") == "object" else None
            if free is not None:
                key, sub = free
                yield Field(kind, (*path, key), sub)
                yield from walk(sub, (*path, key), depth + 1)

    yield from walk(root, (), 0)


def all_fields() -> list[Field]:
    return [f for kind in sorted(KIND_BY_NAME) for f in fields(kind) if f.path not in (("kind",),)]


# -- valid values ---------------------------------------------------------------------------------
def valid(schema: Schema, root: Schema) -> Any:
    """A small value the schema accepts (required keys only)."""
    schema = branches(schema, root)[0]
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        props = schema.get("properties", {})
        return {name: valid(props[name], root) for name in schema.get("required", [])}
    if kind == "array":
        return [valid(schema["items"], root) for _ in range(schema.get("minItems", 0))]
    if kind == "string":
        if "pattern" in schema:
            return _PATTERN_EXAMPLES[schema["pattern"]]
        if schema.get("format") == "date":
            return "2025-06-27"
        return "some text".ljust(schema.get("minLength", 0), ".")
    if kind in ("number", "integer"):
        low = schema.get("minimum", schema.get("exclusiveMinimum", 0) + 1)
        return min(max(1, low), schema.get("maximum", 1))
    if kind == "boolean":
        return True
    raise AssertionError(f"no valid value for {schema}")


def optional_keys(schema: Schema, root: Schema) -> list[str]:
    branch = branches(schema, root)[0]
    required = set(branch.get("required", []))
    return [k for k in branch.get("properties", {}) if k not in required]


def property_schema(parent: Schema, key: str | int, root: Schema) -> Schema:
    branch = next(b for b in branches(parent, root) if b.get("type") in ("object", "array"))
    if isinstance(key, int):
        return deref(branch["items"], root)
    if key in branch.get("properties", {}):
        return deref(branch["properties"][key], root)
    free = _map_value_schema(branch)
    assert free is not None, (parent, key)
    return deref(free[1], root)


Chooser = Callable[[list[str]], list[str]]  # picks some of the given keys, in some order


def _container(schema: Schema, root: Schema, want: type) -> Any:
    """A valid mapping (``want`` dict) or list for a field that may also allow other shapes."""
    for branch in branches(schema, root):
        if (branch.get("type") == "object") == (want is dict) and branch.get("type") in ("object", "array"):
            return valid(branch, root)
    raise AssertionError(f"no {want.__name__} branch in {schema}")


def document_with(field: Field, leaf: Any, choose: Chooser | None = None) -> dict[str, Any]:
    """The kind's minimal valid example with every container on the way to ``field`` present and
    ``leaf`` at its path; ``choose`` may add valid optional siblings next to the leaf and reorder them."""
    root = kind_schema(field.kind)
    data = copy.deepcopy(example_data(KIND_BY_NAME[field.kind]))
    node: Any = data
    schema: Schema = root
    *parents, last = field.path
    for depth, key in enumerate(parents):
        sub = property_schema(schema, key, root)
        want = list if isinstance(field.path[depth + 1], int) else dict
        if isinstance(key, int):
            while len(node) <= key:
                node.append(_container(sub, root, want))
        if not isinstance(node[key] if isinstance(key, int) else node.get(key), want):
            node[key] = _container(sub, root, want)
        node, schema = node[key], sub
    if isinstance(last, int):
        while len(node) <= last:
            node.append(None)
        node[last] = leaf
        return data
    if choose is not None:
        for extra in choose(optional_keys(schema, root)):
            if extra != last and extra not in node:
                node[extra] = valid(property_schema(schema, extra, root), root)
    node[last] = leaf
    if choose is not None:
        order = choose(list(node))
        reordered = {k: node[k] for k in [*order, *node] if k in node}
        node.clear()
        node.update(reordered)
    return data


# -- wrong values ---------------------------------------------------------------------------------
def wrong_values(field: Field) -> list[Any]:
    """Values of the wrong type, unknown enum members and text that breaks the field's pattern."""
    root = kind_schema(field.kind)
    alts = branches(field.schema, root)
    types = {b.get("type") for b in alts}
    out: list[Any] = []
    for b in alts:
        if "enum" in b:
            first = str(b["enum"][0])
            out += ["zz-unknown", first.upper() if first.islower() else first.lower()]
        if "const" in b:
            out.append(f"{b['const']}-not")
        pattern = b.get("pattern")
        if pattern is not None:
            out += [t for t in _PATTERN_BREAKERS if not re.search(pattern, t)][:1]
        if b.get("format") == "date":
            out.append("2025-02-30")
    if "string" not in types:
        out.append("lots-of-money")
    if not types & {"number", "integer"}:
        out.append(12345)
    if types == {"integer"}:
        out.append(2.5)
    return out


# -- YAML with positions --------------------------------------------------------------------------
def _scalar(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return json.dumps(value, ensure_ascii=False)


def to_yaml(data: dict[str, Any], flow: frozenset[Path_] = frozenset()) -> tuple[str, dict[Path_, tuple[int, int]]]:
    """YAML and the (line, column) where each scalar or empty value starts; mappings at the paths in
    ``flow`` are written on one line (`{bac: 1, capex: 2}`) when their values are all scalars."""
    lines: list[str] = []
    where: dict[Path_, tuple[int, int]] = {}

    def inline(prefix: str, path: Path_, value: dict[str, Any]) -> None:
        text = prefix + "{"
        for n, (key, item) in enumerate(value.items()):
            text += f"{', ' if n else ''}{key}: "
            where[(*path, key)] = (len(lines) + 1, len(text) + 1)
            text += _scalar(item)
        lines.append(text + "}")

    def put(prefix: str, path: Path_, value: Any, indent: int, *, item: bool = False) -> None:
        """``prefix`` ends where the value starts; nested lines of the value go at ``indent``."""
        if isinstance(value, dict) and value and path in flow and not any(_nested(v) for v in value.values()):
            inline(prefix, path, value)
        elif isinstance(value, dict) and value and item:
            mapping(value, path, indent, lead=prefix)  # `- key: value`, the item's other keys below it
        elif isinstance(value, dict) and value:
            lines.append(prefix.rstrip())
            mapping(value, path, indent)
        elif isinstance(value, list) and value:
            lines.append(prefix.rstrip())
            sequence(value, path, indent)
        else:
            where[path] = (len(lines) + 1, len(prefix) + 1)
            lines.append(prefix + _scalar(value))

    def mapping(value: dict[str, Any], path: Path_, indent: int, lead: str | None = None) -> None:
        for n, (key, item) in enumerate(value.items()):
            head = lead if (n == 0 and lead is not None) else " " * indent
            put(f"{head}{key}: ", (*path, key), item, indent + 2)

    def sequence(value: list[Any], path: Path_, indent: int) -> None:
        for n, item in enumerate(value):
            put(" " * indent + "- ", (*path, n), item, indent + 2, item=True)

    mapping(data, (), 0)
    return "\n".join(lines) + "\n", where


def _nested(value: Any) -> bool:
    return isinstance(value, dict | list) and bool(value)
