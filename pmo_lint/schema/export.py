"""Generate ``schemas/<kind>.schema.json`` from the pydantic models (the one source of truth)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pmo_lint.model.base import Entity
from pmo_lint.model.kinds import ALL_KINDS
from pmo_lint.model.names import SCHEMA_BASE_URL

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def schema_file_name(kind: str) -> str:
    return f"{kind.lower()}.schema.json"


def kind_schema(model: type[Entity]) -> dict[str, Any]:
    body = model.model_json_schema(by_alias=True, mode="validation")
    doc = (model.__doc__ or "").strip().splitlines()
    head: dict[str, Any] = {
        "$schema": DRAFT,
        "$id": SCHEMA_BASE_URL + schema_file_name(model.KIND),
        "title": f"pmo-lint {model.KIND}",
        "description": doc[0] if doc else f"A {model.KIND} of a pmo-lint portfolio.",
    }
    body.pop("title", None)
    body.pop("description", None)
    return {**head, **body}


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def all_schemas() -> dict[str, str]:
    """File name -> text of every published schema, in a fixed order."""
    return {schema_file_name(m.KIND): render(kind_schema(m)) for m in ALL_KINDS}


def export(out_dir: Path, *, check: bool = False) -> list[str]:
    """Write the schemas (or, with ``check``, only compare). Returns the names that differ."""
    wanted = all_schemas()
    stale: list[str] = []
    for name, text in wanted.items():
        target = out_dir / name
        current = target.read_text(encoding="utf-8") if target.is_file() else None
        if current != text:
            stale.append(name)
            if not check:
                out_dir.mkdir(parents=True, exist_ok=True)
                tmp = target.with_suffix(".tmp")
                tmp.write_text(text, encoding="utf-8")
                tmp.replace(target)
    if out_dir.is_dir():
        extra = sorted(p.name for p in out_dir.glob("*.schema.json") if p.name not in wanted)
        stale.extend(extra)
    return stale
