"""Validate one entity's data: fast on valid files, precise on invalid ones.

The pydantic model decides (it is fast, ~0.05 ms a document, and builds the typed entity the
rules need). Only when it rejects a document do we run python-jsonschema with the *published*
schema, so the messages a user sees are those of the schema their editor uses, with ``anyOf`` /
``oneOf`` reduced to the best match. This is the only module that imports jsonschema.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import jsonschema
import pydantic
from jsonschema.exceptions import ValidationError, best_match

from pmo_lint.diagnostics import DataPath
from pmo_lint.model.base import Entity
from pmo_lint.model.kinds import KIND_BY_NAME
from pmo_lint.schema.export import kind_schema


@dataclass(frozen=True)
class SchemaProblem:
    data_path: DataPath
    message: str
    at_key: bool = False  # locate at the key (unknown keys) rather than the value


@functools.cache
def _validator(kind: str) -> jsonschema.protocols.Validator:
    schema = kind_schema(KIND_BY_NAME[kind])
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


_TYPE_WORDS = {
    "string": "a string",
    "number": "a number",
    "integer": "an integer",
    "boolean": "true or false",
    "object": "a mapping",
    "array": "a list",
    "null": "null",
}


_BOUND_WORDS = {
    "minimum": "at least",
    "maximum": "at most",
    "exclusiveMinimum": "more than",
    "exclusiveMaximum": "less than",
}
# the model's patterns without a description of their own, in words
_PATTERN_WORDS = {
    "^[a-z0-9]+(?:-[a-z0-9]+)*$": "lowercase letters and digits, words joined by '-', e.g. crm-migration",
    "^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$": "letters, digits, '.', '_' or '-', e.g. G2",
    "^/": "a field of the project written as a path starting with '/', e.g. /spec/budget/bac",
    "^[^@\\s]+@[^@\\s]+$": "an e-mail address, e.g. jo.doe@example.org",
}


def _case_hint(instance: Any, pattern: Any) -> str:
    """`eur` for a currency: the same text in other letter case fits."""
    if not isinstance(instance, str):
        return ""
    for other in (instance.upper(), instance.lower()):
        if other != instance and re.search(str(pattern), other):
            return f"; did you mean {other!r}?"
    return ""


def _message(error: ValidationError) -> Iterator[SchemaProblem]:
    path: DataPath = tuple(error.absolute_path)
    # jsonschema types these as unions with Unset; on a produced error they are plain values
    v: Any = error.validator
    wanted_value: Any = error.validator_value
    schema: Any = error.schema
    instance: Any = error.instance
    if v == "additionalProperties" and isinstance(instance, dict):
        allowed = sorted(schema.get("properties", {}))
        for key in sorted(k for k in instance if k not in schema.get("properties", {})):
            near = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            hint = f"; did you mean {near[0]!r}?" if near else f"; allowed here: {', '.join(allowed)}"
            yield SchemaProblem((*path, key), f"unknown key {key!r}{hint}", at_key=True)
        return
    if v == "required":
        missing = [k for k in wanted_value if isinstance(instance, dict) and k not in instance]
        for key in missing:
            yield SchemaProblem(path, f"missing required key {key!r}", at_key=bool(path))
        return
    if v == "type":
        wanted = wanted_value if isinstance(wanted_value, list) else [wanted_value]
        words = " or ".join(_TYPE_WORDS.get(str(w), str(w)) for w in wanted)
        if schema.get("format") == "date":
            words = "a date (YYYY-MM-DD)"
        yield SchemaProblem(path, f"expected {words}, got {_shown(instance)}")
        return
    if v == "enum":
        options = ", ".join(str(o) for o in wanted_value)
        near = difflib.get_close_matches(str(instance), [str(o) for o in wanted_value], n=1)
        hint = f"; did you mean {near[0]!r}?" if near else ""
        yield SchemaProblem(
            path, f"{_shown(instance)} is not one of the allowed values; expected one of: {options}{hint}"
        )
        return
    if v == "const":
        yield SchemaProblem(path, f"{_shown(instance)} must be {wanted_value!r}")
        return
    if v == "format" and wanted_value == "date":
        yield SchemaProblem(path, f"{_shown(instance)} is not a calendar date (YYYY-MM-DD)")
        return
    if v == "pattern":
        desc = _PATTERN_WORDS.get(str(wanted_value)) or str(schema.get("description") or "").rstrip(".")
        tail = f" ({desc})" if desc else ""
        yield SchemaProblem(path, f"{_shown(instance)} is not valid here{tail}{_case_hint(instance, wanted_value)}")
        return
    if v in _BOUND_WORDS and isinstance(instance, (int, float)):
        yield SchemaProblem(path, f"expected {_BOUND_WORDS[v]} {wanted_value:,}, got {instance:,}")
        return
    if v == "minLength" and isinstance(instance, str):
        yield SchemaProblem(path, f"{_shown(instance)} is too short; write at least {wanted_value} characters")
        return
    if v == "maxLength" and isinstance(instance, str):
        yield SchemaProblem(path, f"text of {len(instance):,} characters is too long; keep it to {wanted_value:,}")
        return
    if v == "minItems" and isinstance(instance, list):
        yield SchemaProblem(path, f"list needs at least {wanted_value} item{'s' if wanted_value != 1 else ''}")
        return
    yield SchemaProblem(path, error.message if len(error.message) < 300 else error.message[:297] + "...")


def _reduce(error: ValidationError) -> ValidationError:
    """The one error inside an ``anyOf`` / ``oneOf`` (optional fields, unions) worth showing a user."""
    if error.validator in ("anyOf", "oneOf") and error.context:
        # A branch that only failed on the value's type says nothing about what is wrong inside it:
        # for `budget: {capex: lots-of-money}` (a `Budget | None`) the useful error is the one about
        # capex in the Budget branch, at capex's own path, never "expected null" at budget.
        inside = [e for e in error.context if not _wrong_type_branch(e)]
        if not inside:
            # no branch fits the value's type: name the types it may have ("expected a number"),
            # never the null an optional field also allows
            inside = [e for e in error.context if e.validator_value != "null"] or list(error.context)
            if len(inside) > 1:
                return _merged_type_error(error, inside)
        best = best_match(inside)
        return _reduce(best) if best is not None else error
    return error


def _wrong_type_branch(error: ValidationError) -> bool:
    # the branch's own `type` keyword (not one of a nested value): relative path [index, "type"]
    return error.validator == "type" and len(error.relative_schema_path) <= 2


def _merged_type_error(union: ValidationError, branches: list[ValidationError]) -> ValidationError:
    wanted: list[Any] = []
    for branch in branches:
        value: Any = branch.validator_value
        wanted += [w for w in (value if isinstance(value, list) else [value]) if w not in wanted]
    return ValidationError(
        union.message,
        validator="type",
        validator_value=wanted,
        instance=union.instance,
        schema={},
        path=union.absolute_path,
    )


def _pydantic_problems(exc: pydantic.ValidationError, data: Any) -> list[SchemaProblem]:
    out: list[SchemaProblem] = []
    for err in exc.errors(include_url=False):
        # keep only the parts of ``loc`` that are real keys/indexes of the data (drop union tags)
        path: list[str | int] = []
        node = data
        for part in err["loc"]:
            in_map = isinstance(node, dict) and part in node
            in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
            if in_map or in_list:
                node = node[part]
                path.append(part)
        extra = err["type"] == "extra_forbidden"
        out.append(SchemaProblem(tuple(path), err["msg"], at_key=extra))
    return out


def validate(data: dict[str, Any]) -> tuple[Entity | None, list[SchemaProblem]]:
    """Return the typed entity, or the problems that stop it being one."""
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in KIND_BY_NAME:
        if "kind" not in data:
            return None, [SchemaProblem((), "missing required key 'kind'")]
        near = difflib.get_close_matches(str(kind), list(KIND_BY_NAME), n=1)
        hint = f"; did you mean {near[0]!r}?" if near else f"; use one of: {', '.join(KIND_BY_NAME)}"
        return None, [SchemaProblem(("kind",), f"unknown kind {_shown(kind)}{hint}")]
    model = KIND_BY_NAME[kind]
    try:
        return model.model_validate(data), []
    except pydantic.ValidationError as exc:
        pyd = exc
    except (RecursionError, ValueError, TypeError) as exc:  # defensive: never let data crash the run
        return None, [SchemaProblem((), f"could not validate: {exc}")]
    problems: list[SchemaProblem] = []
    seen: set[DataPath] = set()
    # by path, and at one path the wrong type first: "expected a number" says more than its bounds
    errors = sorted(
        (_reduce(error) for error in _validator(kind).iter_errors(data)),
        key=lambda e: ([str(p) for p in e.absolute_path], e.validator != "type"),
    )
    for error in errors:
        for problem in _message(error):
            # one finding per value: a bad date fails both `pattern` and `format`; say it once
            if problem.data_path not in seen or (problem.at_key and problem not in problems):
                seen.add(problem.data_path)
                problems.append(problem)
    if not problems:  # the model is stricter than the schema here; say what the model says
        problems = _pydantic_problems(pyd, data)
    return None, problems
