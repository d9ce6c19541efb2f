"""The data-model reference (``docs/model-reference.md``), generated from the models.

Pure: models (and which rules read which field) in, Markdown out. Field paths are written as the
YAML spells them: ``spec.budget.bac``; ``[]`` stands for every item of a list
(``spec.milestones[].forecastDate``) and ``.<key>`` for every value of a map.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import types
import typing
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Union, get_args, get_origin

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from pmo_lint.model.base import (
    Amount,
    Currency,
    Entity,
    IsoDate,
    Name,
    Percent,
    Period,
    Record,
    Ref,
    RepoPath,
    ShortText,
    Text,
)
from pmo_lint.model.kinds import Id
from pmo_lint.model.names import API_VERSION
from pmo_lint.model.refs import REFERENCE_FIELDS

Readers = Mapping[str, Mapping[str, Sequence[str]]]  # kind -> field path -> rule codes

# the building blocks of base.py in the words a PMO uses
_ALIAS_WORDS: tuple[tuple[Any, str], ...] = (
    (IsoDate, "date YYYY-MM-DD"),
    (Amount, "money amount (0 or more)"),
    (Percent, "percent 0–100"),
    (Currency, "currency code (ISO 4217, e.g. EUR)"),
    (Period, "month YYYY-MM"),
    (Name, "name (lowercase words joined by -)"),
    (Id, "id (letters, digits, '.', '_', '-')"),
    (RepoPath, "file path in the portfolio"),
    (ShortText, "short text"),
    (Text, "text"),
)
# descriptions that only repeat what the type column says
_TYPE_DESCRIPTIONS = frozenset(get_args(alias)[-1].description for alias in (Ref, Currency, Period))
# where a kind's files live, in the order of the repository layout
_LAYOUT = ("pmo.yaml", "strategy", "portfolios", "programs", "projects", "people", "teams", "allocations", "waivers")
ENVELOPE_ROWS_KIND = "Project"  # the envelope is the same for every kind; its rows are read off one of them


@dataclass(frozen=True)
class FieldRow:
    path: str
    type: str
    required: bool
    default: str  # what an absent optional field means ("" when nothing is assumed)
    description: str


# -- types in words ------------------------------------------------------------------------------------
def _is(hint: Any, alias: Any) -> bool:
    return hint is alias or (get_origin(hint) is typing.Annotated and hint == alias)


def _bounds(metadata: Sequence[Any]) -> str:
    low = high = ""
    min_items = None
    for item in metadata:
        parts = item.metadata if isinstance(item, FieldInfo) else [item]
        for m in parts:
            if isinstance(m, annotated_types.Ge):
                low = f"{_num(m.ge)} or more"
            elif isinstance(m, annotated_types.Gt):
                low = f"more than {_num(m.gt)}"
            elif isinstance(m, annotated_types.Le):
                high = f"at most {_num(m.le)}"
            elif isinstance(m, annotated_types.MinLen) and m.min_length > 0:
                min_items = m.min_length
    if low.endswith("or more") and high.startswith("at most"):
        return f"{low.removesuffix(' or more')}–{high.removeprefix('at most ')}"
    words = ", ".join(w for w in (low, high) if w)
    if min_items is not None:
        words = ", ".join(w for w in (words, f"at least {min_items}") if w)
    return words


def _num(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _ref_words(kinds: tuple[str, ...] | None) -> str:
    if not kinds:
        return "reference"
    return "reference to " + " or ".join(kinds)


def _ref_kinds(kind: str, path: str) -> tuple[str, ...] | None:
    for field in REFERENCE_FIELDS.get(kind, ()):
        if ".".join(field.path).replace(".*", "[]") == path:
            return field.kinds
    return None


def _unwrap_optional(hint: Any) -> Any:
    if get_origin(hint) in (Union, types.UnionType):
        args = [a for a in get_args(hint) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return hint


def _model_of(hint: Any) -> type[Record] | None:
    hint = _unwrap_optional(hint)
    if get_origin(hint) is typing.Annotated:
        hint = get_args(hint)[0]
    return hint if isinstance(hint, type) and issubclass(hint, BaseModel) else None  # type: ignore[return-value]


def type_words(hint: Any, *, kind: str = "", path: str = "") -> str:
    """A type hint in user words: ``list of date YYYY-MM-DD``, ``one of: `a`, `b```."""
    hint = _unwrap_optional(hint)
    if _is(hint, Ref):
        return _ref_words(_ref_kinds(kind, path))
    for alias, words in _ALIAS_WORDS:
        if _is(hint, alias):
            return words
    origin = get_origin(hint)
    if origin is typing.Annotated:
        inner, *metadata = get_args(hint)
        bounds = _bounds(metadata)
        base = type_words(inner, kind=kind, path=path)
        return f"{base} ({bounds})" if bounds else base
    if origin is Literal:
        values = get_args(hint)
        return f"`{values[0]}`" if len(values) == 1 else "one of: " + ", ".join(f"`{v}`" for v in values)
    if origin in (Union, types.UnionType):
        return " or ".join(type_words(a, kind=kind, path=path) for a in get_args(hint) if a is not type(None))
    if origin is list:
        return "list of " + type_words(get_args(hint)[0], kind=kind, path=path + "[]")
    if origin is dict:
        key, value = get_args(hint)
        return f"map of {type_words(key)} to {type_words(value, kind=kind, path=path + '.<key>')}"
    if isinstance(hint, type) and issubclass(hint, BaseModel):
        return "object (fields below)"
    simple = {bool: "true or false", int: "whole number", float: "number", str: "text", dt.date: "date YYYY-MM-DD"}
    return simple.get(hint, getattr(hint, "__name__", str(hint)))


# -- walking the fields --------------------------------------------------------------------------------
@functools.cache  # resolving string annotations is slow, and every row asks again
def _hints(model: type[BaseModel]) -> dict[str, Any]:
    return typing.get_type_hints(model, include_extras=True)


def _default_words(info: FieldInfo) -> str:
    value = info.default
    if value is None:
        return ""
    if isinstance(value, BaseModel):
        return "see the fields below"
    if isinstance(value, list):
        return "empty list" if not value else json.dumps(value)
    if isinstance(value, dict):
        return "empty map" if not value else json.dumps(value)
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, float | int):
        return f"`{_num(value)}`"
    return f"`{value}`"


def _description(info: FieldInfo, hint: Any) -> str:
    text = info.description or ""
    if text in _TYPE_DESCRIPTIONS:
        text = ""
    if not text:
        model = _model_of(hint)
        if model is None and get_origin(_unwrap_optional(hint)) is list:
            model = _model_of(get_args(_unwrap_optional(hint))[0])
        if model is not None and model.__doc__ and model.__doc__ is not Record.__doc__:
            text = model.__doc__.strip().split("\n\n")[0]
    return " ".join(text.split())


def _item_model(hint: Any) -> tuple[type[Record] | None, str]:
    """The model inside a field's type and the path suffix that reaches it."""
    hint = _unwrap_optional(hint)
    if get_origin(hint) is typing.Annotated:
        hint = _unwrap_optional(get_args(hint)[0])
    origin = get_origin(hint)
    if origin is list:
        inner, suffix = _item_model(get_args(hint)[0])
        return inner, "[]" + suffix
    if origin is dict:
        inner, suffix = _item_model(get_args(hint)[1])
        return inner, ".<key>" + suffix
    return _model_of(hint), ""


def walk(model: type[BaseModel], kind: str, prefix: str = "") -> Iterator[FieldRow]:
    """Every field under ``model``, depth first, in declaration order."""
    hints = _hints(model)
    for name, info in model.model_fields.items():
        alias = info.alias or name
        path = f"{prefix}{alias}"
        hint = hints[name]
        words = type_words(hint, kind=kind, path=path)
        # an Annotated hint's bounds are in `words` already (pydantic copies them into the field's metadata)
        bounds = "" if get_origin(_unwrap_optional(hint)) is typing.Annotated else _bounds(info.metadata)
        if bounds:
            words = f"{words} ({bounds})"
        required = info.is_required()
        yield FieldRow(path, words, required, "" if required else _default_words(info), "")
        nested, suffix = _item_model(hint)
        if nested is not None:
            yield from walk(nested, kind, f"{path}{suffix}.")


def field_rows(kind: type[Entity]) -> list[FieldRow]:
    """The rows of one kind: ``spec`` and everything under it."""
    rows = []
    hints = _hints(kind)
    info = kind.model_fields["spec"]
    rows.append(FieldRow("spec", "object (fields below)", True, "", ""))
    for row in walk(_model_of(hints["spec"]) or Record, kind.KIND, "spec."):
        rows.append(row)
    return _described(kind, rows, info)


def envelope_rows() -> list[FieldRow]:
    """apiVersion, kind and metadata: the same in every file."""
    from pmo_lint.model.kinds import KIND_BY_NAME

    model = KIND_BY_NAME[ENVELOPE_ROWS_KIND]
    rows = [
        FieldRow("apiVersion", "`pmo-lint/v1`", True, "", "The format version."),
        FieldRow("kind", "the kind's name, e.g. `Project`", True, "", "What the file describes."),
        FieldRow("metadata", "object (fields below)", True, "", "Name, title and labels."),
    ]
    rows += walk(_model_of(_hints(model)["metadata"]) or Record, "", "metadata.")
    return _described(model, rows, None)


def _described(kind: type[BaseModel], rows: list[FieldRow], _spec: FieldInfo | None) -> list[FieldRow]:
    """Fill each row's description from the field it names."""
    out = []
    for row in rows:
        if row.description:
            out.append(row)
            continue
        found = _field_at(kind, row.path)
        text = _description(*found) if found else ""
        out.append(FieldRow(row.path, row.type, row.required, row.default, text))
    return out


def _field_at(model: type[BaseModel], path: str) -> tuple[FieldInfo, Any] | None:
    current: type[BaseModel] | None = model
    found: tuple[FieldInfo, Any] | None = None
    for part in re.split(r"\.", path.replace("[]", "")):
        if part == "<key>":
            continue
        if current is None:
            return None
        by_alias = {(i.alias or n): (i, _hints(current)[n]) for n, i in current.model_fields.items()}
        if part not in by_alias:
            return None
        found = by_alias[part]
        current, _ = _item_model(found[1])
    return found


@functools.cache
def field_paths(kind: type[Entity]) -> frozenset[str]:
    """Every documented path of a kind, envelope included (to check what rules claim to read)."""
    return frozenset(r.path for r in (*envelope_rows(), *field_rows(kind)))


# -- minimal examples ----------------------------------------------------------------------------------
# Values that read well in an example; a field not named here gets a value from its type.
_SAMPLE_VALUES: dict[str, Any] = {
    "PMOConfig:spec.organization": "Acme",
    "PMOConfig:spec.pmoTypes": ["governance", "tactical"],
    "PMOConfig:spec.projectTypes": ["it"],
    "PMOConfig:spec.lifecycle.phases": [{"id": "initiation"}, {"id": "execution"}, {"id": "closed"}],
    "PMOConfig:spec.scales": {
        "probability": [{"id": "low", "value": 1}, {"id": "high", "value": 3}],
        "impact": [{"id": "low", "value": 1}, {"id": "high", "value": 3}],
    },
    "PMOConfig:spec.riskMatrix.escalationScore": 6,
    "Project:spec.type": "it",
    "Project:spec.category": "operational",
    "Project:spec.lifecycle.phase": "initiation",
    "Allocation:spec.year": 2025,
    "Allocation:spec.assignments[].from": "2025-01-01",
    "Allocation:spec.assignments[].to": "2025-06-30",
    "Allocation:spec.assignments[].load": {"percent": 50},
    "Risk:spec.category": "schedule",
    "Risk:spec.probability": "high",
    "Risk:spec.impact": "low",
    "ChangeRequest:spec.category": ["schedule"],
    "ChangeRequest:spec.priority": "medium",
    "ChangeRequest:spec.businessJustification": "The supplier delivers the interface two weeks late.",
    "ChangeRequest:spec.impact": "Go-live moves from 1 September to 15 September.",
    "StatusReport:spec.health": {d: {"rag": "green"} for d in ("overall", "schedule", "cost", "resources", "scope")},
    "StatusReport:spec.executiveSummary": "Design signed off; build started on time.",
    "StatusReport:spec.percentComplete": 20,
    "Benefit:spec.type": "monetary",
    "Benefit:spec.kpi": "Support cost per year",
    "Benefit:spec.unit": "EUR",
    "Benefit:spec.baseline": 400000,
    "Benefit:spec.target": 300000,
    "Person:spec.profile": {"displayName": "Jo Doe"},
    "Person:spec.roles": ["project-manager"],
    "Waiver:spec.check": "TAC002",
    "Waiver:spec.targets": ["project:crm-migration"],
    "Waiver:spec.justification": "Reporting starts after the kick-off workshop on 15 July.",
    "Waiver:spec.approvedBy": "pat-director",
    "Waiver:spec.created": "2025-06-01",
    "Waiver:spec.expires": "2025-07-31",
}
_SAMPLE_REFS = {
    "Person": "jo-doe",
    "Team": "pmo-office",
    "StrategicGoal": "grow-online-sales",
    "Portfolio": "digital",
    "Program": "digital-workplace",
    "Project": "crm-migration",
    "Benefit": "lower-support-cost",
    "Risk": "r-001",
    "ChangeRequest": "cr-001",
}
_SAMPLE_NAMES = {
    "PMOConfig": "pmo",
    "StrategicGoal": "grow-online-sales",
    "Portfolio": "digital",
    "Program": "digital-workplace",
    "Project": "crm-migration",
    "Person": "jo-doe",
    "Team": "pmo-office",
    "Allocation": "jo-doe",
    "Risk": "r-001",
    "ChangeRequest": "cr-001",
    "StatusReport": "2025-06-27",
    "Benefit": "lower-support-cost",
    "Waiver": "crm-status-reports",
    "Issue": "supplier-late",
}


def _sample(hint: Any, kind: str, path: str) -> Any:
    key = f"{kind}:{path}"
    if key in _SAMPLE_VALUES:
        return _SAMPLE_VALUES[key]
    hint = _unwrap_optional(hint)
    if _is(hint, Ref):
        return _SAMPLE_REFS.get((_ref_kinds(kind, path) or ("Person",))[0], "jo-doe")
    model = _model_of(hint)
    if model is not None:
        return _required_data(model, kind, path + ".")
    base, metadata = (get_args(hint)[0], get_args(hint)[1:]) if get_origin(hint) is typing.Annotated else (hint, ())
    base = _unwrap_optional(base)
    origin = get_origin(base)
    if origin is Literal:
        return get_args(base)[0]
    if origin is list:
        return [_sample(get_args(base)[0], kind, path + "[]")]
    if origin is dict:
        return {}
    if _is(hint, IsoDate) or base is dt.date:
        return "2025-06-27"
    if _is(hint, Currency):
        return "EUR"
    if _is(hint, Period):
        return "2025-06"
    if base is bool:
        return True
    if base in (int, float):
        low = [m for m in metadata for m in (m.metadata if isinstance(m, FieldInfo) else [m])]
        floor = next((m.ge for m in low if isinstance(m, annotated_types.Ge)), None)
        return int(floor) if isinstance(floor, int | float) and floor > 1 else 1
    return path.rsplit(".", 1)[-1].replace("[]", "").lower() or "x"


def _required_data(model: type[BaseModel], kind: str, prefix: str) -> dict[str, Any]:
    hints = _hints(model)
    out: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if not info.is_required():
            continue
        alias = info.alias or name
        value = _sample(hints[name], kind, prefix + alias)
        if isinstance(value, list) and not value:
            continue
        out[alias] = value
    return out


def example_data(kind: type[Entity]) -> dict[str, Any]:
    """A minimal valid entity of ``kind``: the envelope and the required fields only."""
    metadata: dict[str, Any] = {"name": _SAMPLE_NAMES.get(kind.KIND, kind.KIND.lower())}
    if kind.NAMESPACED:
        metadata["namespace"] = "crm-migration"
    spec_model = _model_of(_hints(kind)["spec"]) or Record
    return {
        "apiVersion": API_VERSION,
        "kind": kind.KIND,
        "metadata": metadata,
        "spec": _required_data(spec_model, kind.KIND, "spec."),
    }


_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ,.:/()_'-]*[A-Za-z0-9.)]|[A-Za-z]|\d{4}-\d{2}(?:-\d{2})?")
_YAML_WORDS = frozenset({"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"})


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _num(value)
    text = str(value)
    if _PLAIN.fullmatch(text) and text.lower() not in _YAML_WORDS and ": " not in text and " #" not in text:
        return text
    return json.dumps(text, ensure_ascii=False)


def to_yaml(value: Any, indent: int = 0) -> str:
    """Block-style YAML for the small, plain data of an example."""
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict | list) and item:
                lines.append(f"{pad}{key}:\n{to_yaml(item, indent + 2)}")
            else:
                lines.append(f"{pad}{key}: {_empty_or_scalar(item)}")
    else:
        for item in value:
            if isinstance(item, dict) and item:
                body = to_yaml(item, indent + 2)
                lines.append(f"{pad}- {body[indent + 2 :]}")
            elif isinstance(item, list) and item:
                lines.append(f"{pad}-\n{to_yaml(item, indent + 2)}")
            else:
                lines.append(f"{pad}- {_empty_or_scalar(item)}")
    return "\n".join(lines)


def _empty_or_scalar(value: Any) -> str:
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return _scalar(value)


def example_yaml(kind: type[Entity]) -> str:
    return to_yaml(example_data(kind)) + "\n"


# -- the page ------------------------------------------------------------------------------------------
def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _layout_key(kind: type[Entity], position: int) -> tuple[int, int, int]:
    head = kind.FOLDER.split("/", 1)[0]
    group = _LAYOUT.index(head) if head in _LAYOUT else len(_LAYOUT)
    return (group, 0 if kind.FOLDER.endswith("/project.yaml") else 1, position)


def layout_order(kinds: Sequence[type[Entity]]) -> list[type[Entity]]:
    """The kinds in the order of the repository layout (the project before its records)."""
    return [k for _, k in sorted(((_layout_key(k, i), k) for i, k in enumerate(kinds)), key=lambda t: t[0])]


def _table(rows: Sequence[FieldRow], readers: Mapping[str, Sequence[str]], link: Callable[[str], str]) -> str:
    out = ["| field | type | required | description | read by |", "| --- | --- | --- | --- | --- |"]
    for row in rows:
        need = "required" if row.required else (f"default {row.default}" if row.default else "optional")
        codes = ", ".join(link(c) for c in readers.get(row.path, ()))
        out.append(f"| `{row.path}` | {_cell(row.type)} | {_cell(need)} | {_cell(row.description)} | {codes} |")
    return "\n".join(out) + "\n"


def _anchor(kind: str) -> str:
    return kind.lower()


def render_reference(
    kinds: Sequence[type[Entity]],
    readers: Readers,
    *,
    rule_link: Callable[[str], str] = lambda code: code,
    regenerate: str = "",
) -> str:
    """The whole page: a header, the envelope, then one section per kind."""
    ordered = layout_order(kinds)
    parts = [
        "# Data model reference\n",
        "<!-- Generated from the models"
        + (f"; do not edit by hand: run `{regenerate}`" if regenerate else "")
        + ". -->\n",
        "Every file of a portfolio is one entity of one of the kinds below. This page is generated from the "
        "models that `pmo-lint check` validates against, and from the published JSON Schemas' source, so it "
        "says exactly what the checker accepts.\n",
        "How to read the tables:\n",
        "- **field** is the path of the key as written in YAML: `spec.budget.bac` is `bac` under `budget` "
        "under `spec`; `[]` stands for every item of a list (`spec.milestones[].forecastDate`) and "
        "`<key>` for every entry of a map.\n"
        "- **required** fields must be present; otherwise the default applies when the key is left out "
        "(*optional* means no value is assumed). Fields under an optional object are required only when "
        "that object is written.\n"
        "- **reference** values are `[kind:][namespace/]name`, e.g. `jo-doe`, `person:jo-doe` or "
        "`risk:crm-migration/r-001`; the kind can be left out when the field says which kind it expects.\n"
        "- **read by** lists the rules that look at the field: declarative rules whose expressions read it "
        "(directly, or through a derived value computed from it, such as a project's budget at completion "
        "or the age of its latest status report), and built-in rules that declare what they read. A field "
        "that no rule reads is still validated (types, required keys, references to other files); a rule "
        "that reads the whole portfolio without declaring fields, such as the reference and duplicate-name "
        "checks, is not listed.\n",
        "Each section ends with a minimal valid file of the kind (required fields only), checked by the test "
        "suite. `pmo-lint new KIND NAME` writes a fuller one.\n",
        "## Kinds\n",
        "| kind | file |\n| --- | --- |\n"
        + "".join(f"| [{k.KIND}](#{_anchor(k.KIND)}) | `{k.FOLDER}` |\n" for k in ordered),
        "## Every file: the envelope\n",
        "Each file starts with the same four keys: `apiVersion`, `kind`, `metadata` and `spec`.\n",
        _table(envelope_rows(), readers.get("*", {}), rule_link),
    ]
    for kind in ordered:
        doc = (kind.__doc__ or "").strip().split("\n\n")[0]
        parts.append(f"## {kind.KIND}\n")
        parts.append(" ".join(doc.split()) + "\n")
        where = f"File: `{kind.FOLDER}`"
        if kind.NAMESPACED:
            where += ", where `{namespace}` is the name of the project the record belongs to"
        parts.append(where + ".\n")
        parts.append(_table(field_rows(kind), readers.get(kind.KIND, {}), rule_link))
        parts.append(f"Minimal example (`{kind.FOLDER}`):\n")
        parts.append(f"```yaml\n{example_yaml(kind)}```\n")
    return "\n".join(parts)
