"""Validators for the official schemas copied into tests/schemas/ (see the README there)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from lxml import etree

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


@cache
def _sarif_validator() -> jsonschema.protocols.Validator:
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    assert cls is jsonschema.Draft4Validator
    # the global checker knows uri-reference too (Draft 4's own does not); needs rfc3986-validator
    return cls(schema, format_checker=jsonschema.FormatChecker())


@cache
def _gitlab_validator() -> jsonschema.protocols.Validator:
    schema = json.loads((SCHEMAS / "gitlab-codeclimate.json").read_text(encoding="utf-8"))
    return jsonschema.validators.validator_for(schema)(schema)


@cache
def _junit_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "junit-10.xsd")))


def assert_valid_sarif(text: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(text)
    errors = sorted(_sarif_validator().iter_errors(doc), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])
    return doc


def assert_valid_gitlab(text: str) -> list[dict[str, Any]]:
    assert not text.startswith("\ufeff")
    items: list[dict[str, Any]] = json.loads(text)
    assert isinstance(items, list)
    for item in items:  # GitLab validates each element and stops at the first invalid one
        _gitlab_validator().validate(item)
    fingerprints = [i["fingerprint"] for i in items]
    assert len(set(fingerprints)) == len(fingerprints), "GitLab collapses equal fingerprints"
    return items


def assert_valid_junit(text: str) -> etree._Element:
    root = etree.fromstring(text.encode("utf-8"))
    schema = _junit_schema()
    assert schema.validate(root), str(schema.error_log)
    return root
