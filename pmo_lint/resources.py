"""Where shipped data lives: ``policies/`` and ``schemas/`` at the top of a source checkout, or
``pmo_lint/_data/`` inside an installed wheel (hatch force-includes them there)."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name


def policies_dir() -> Path:
    return data_dir("policies")


def schemas_dir() -> Path:
    return data_dir("schemas")
