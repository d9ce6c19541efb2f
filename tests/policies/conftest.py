"""Helpers for rule tests: the base portfolio with an overlay of files, run in-process.

An overlay is a mapping of portfolio paths to file text. Examples in rule docs are YAML documents
(`---` between them); each is written where the repository layout puts an entity of its kind.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path

import yaml

from pmo_lint.diagnostics import Diagnostic
from pmo_lint.options import RunOptions
from pmo_lint.run import check as run_check

HERE = Path(__file__).resolve().parent
BASE = HERE / "base"
AS_OF = dt.date(2025, 6, 30)
PACKS = ("governance", "strategic", "tactical", "operational", "transformational")


def natural_path(doc: Mapping[str, object]) -> str:
    """Where the repository layout keeps this entity (kinds.py FOLDER patterns)."""
    from pmo_lint.model.kinds import KIND_BY_NAME

    kind = KIND_BY_NAME[str(doc["kind"])]
    md = doc["metadata"]
    assert isinstance(md, dict)
    spec = doc.get("spec") or {}
    year = str(spec.get("year", "")) if isinstance(spec, dict) else ""
    return kind.FOLDER.format(name=md["name"], namespace=md.get("namespace", ""), year=year)


def split_documents(text: str) -> dict[str, str]:
    """A multi-document example as {natural path: document text}."""
    out: dict[str, str] = {}
    for chunk in text.split("\n---\n"):
        if not chunk.strip():
            continue
        doc = yaml.safe_load(chunk)
        out[natural_path(doc)] = chunk.rstrip("\n") + "\n"
    return out


def portfolio(tmp: Path, overlay: Mapping[str, str], delete: Iterable[str] = ()) -> Path:
    root = tmp / "portfolio"
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(BASE, root, ignore=shutil.ignore_patterns(".pmo-lint-cache"))
    for rel in delete:
        (root / rel).unlink()
    for rel, text in overlay.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def check(root: Path, select: Iterable[str]) -> list[Diagnostic]:
    result = run_check(RunOptions(paths=(root,), select=tuple(select), as_of=AS_OF, no_cache=True)).result
    return list(result.diagnostics)
