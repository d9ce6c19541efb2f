"""The published schemas: current with the models, valid Draft 2020-12, and in agreement with the models
on every file of the sample portfolio (and its templates)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pydantic
import pytest

from pmo_lint.loader.yamlio import LoadedDocument, parse_bytes
from pmo_lint.model.kinds import KIND_BY_NAME
from pmo_lint.schema.export import DRAFT, schema_file_name
from tests.conftest import ROOT, SAMPLE, run_cli

SCHEMAS = ROOT / "schemas"
SCHEMA_FILES = sorted(SCHEMAS.glob("*.schema.json"))


def test_export_check_passes_on_the_repository() -> None:
    result = run_cli("schema", "export", "--check", cwd=ROOT)
    assert result.code == 0, result.err


def test_export_check_fails_on_drift(tmp_path: Path) -> None:
    out = tmp_path / "schemas"
    shutil.copytree(SCHEMAS, out)
    target = out / "risk.schema.json"
    doc = json.loads(target.read_text(encoding="utf-8"))
    doc["title"] = "edited by hand"
    target.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    result = run_cli("schema", "export", "--check", "--out", str(out))
    assert result.code == 1
    assert "risk.schema.json" in result.err and "out of date" in result.err


def test_one_schema_per_kind() -> None:
    assert [p.name for p in SCHEMA_FILES] == sorted(schema_file_name(k) for k in KIND_BY_NAME)


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=[p.name for p in SCHEMA_FILES])
def test_schema_is_valid_draft_2020_12(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert schema["$schema"] == DRAFT
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$id"].startswith("https://") and schema["$id"].endswith("/" + path.name)
    assert schema.get("additionalProperties") is False  # unknown top-level keys are errors


def test_ids_are_unique() -> None:
    ids = [json.loads(p.read_text(encoding="utf-8"))["$id"] for p in SCHEMA_FILES]
    assert len(set(ids)) == len(ids)


def _validator(kind: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMAS / schema_file_name(kind)).read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


SAMPLE_FILES = sorted(p for p in SAMPLE.rglob("*.yaml") if not p.name.startswith("."))


def _load(path: Path) -> dict[str, Any]:
    doc = parse_bytes(path.read_bytes())
    assert isinstance(doc, LoadedDocument), doc
    return doc.data


def test_sample_covers_every_kind() -> None:
    kinds = {_load(p)["kind"] for p in SAMPLE_FILES}
    assert kinds == set(KIND_BY_NAME)


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=[p.relative_to(SAMPLE).as_posix() for p in SAMPLE_FILES])
def test_schema_and_model_agree_on_the_sample(path: Path) -> None:
    data = _load(path)
    errors = [e.message for e in _validator(data["kind"]).iter_errors(data)]
    assert errors == []
    KIND_BY_NAME[data["kind"]].model_validate(data)
    # the modeline names the published schema of the file's kind by its $id, so it works in any copy
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=")
    schema = json.loads((SCHEMAS / schema_file_name(data["kind"])).read_text(encoding="utf-8"))
    assert first.split("$schema=", 1)[1] == schema["$id"]


def _person() -> dict[str, Any]:
    return _load(SAMPLE / "people" / "marcus-olsen.yaml")


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d["spec"].update(capacty={"hoursPerWeek": 40}), "spec"),
        (lambda d: d["spec"]["capacity"].update(hoursPerWeek="40"), "spec.capacity.hoursPerWeek"),
        (lambda d: d["spec"].update(roles=["sponsor"]), "spec.roles.0"),
        (lambda d: d["spec"]["trainings"][0].update(date="2024-02-30"), "spec.trainings.0.date"),
        (lambda d: d["metadata"].update(name="Marcus Olsen"), "metadata.name"),
        (lambda d: d.update(apiVersion="pmo-lint/v2"), "apiVersion"),
    ],
    ids=["unknown-key", "string-for-number", "unknown-role", "no-such-day", "bad-name", "api-version"],
)
def test_schema_and_model_reject_alike(change: Any, path: str) -> None:
    data = _person()
    change(data)
    errors = list(_validator("Person").iter_errors(data))
    assert errors, "the published schema accepted it"
    assert any(".".join(str(p) for p in e.absolute_path) == path for e in errors), [e.message for e in errors]
    with pytest.raises(pydantic.ValidationError):
        KIND_BY_NAME["Person"].model_validate(data)


def _report() -> dict[str, Any]:
    return _load(SAMPLE / "projects" / "wms-replacement" / "status" / "2025-06-27.yaml")


def test_decisions_needed_take_sentences_and_structured_entries() -> None:
    data = _report()
    data["spec"]["decisionsNeeded"] = [
        "Confirm the freeze window",
        {"decision": "Approve the budget", "decider": "person:henrik-jansen", "raisedDate": "2025-06-20"},
        {"decision": "Pick a vendor", "id": "vendor", "state": "decided", "decidedDate": "2025-06-25"},
    ]
    assert list(_validator("StatusReport").iter_errors(data)) == []
    model = KIND_BY_NAME["StatusReport"].model_validate(data)
    first, second, _third = model.spec.decisions_needed  # type: ignore[attr-defined]
    assert first == "Confirm the freeze window"
    assert second.decider == "person:henrik-jansen"


@pytest.mark.parametrize(
    "entry",
    [{"decision": "x", "neededBy": "soon"}, {"decision": "x", "state": "pending"}, {"text": "x"}, 5],
    ids=["bad-date", "bad-state", "no-decision", "number"],
)
def test_schema_and_model_reject_bad_decisions_alike(entry: Any) -> None:
    data = _report()
    data["spec"]["decisionsNeeded"] = [entry]
    assert list(_validator("StatusReport").iter_errors(data)), "the published schema accepted it"
    with pytest.raises(pydantic.ValidationError):
        KIND_BY_NAME["StatusReport"].model_validate(data)
