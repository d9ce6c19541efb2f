"""The stylesheets shipped with pmo-lint and linked on every page of a built site.

Every ``*.css`` file of this folder is one: ``pmo-lint.css`` (the layout for real data) and any other, such
as a print stylesheet. They are copied next to the generated pages under ``assets/pmo-lint/`` and linked in
name order, so a later file can refine an earlier one. They are read through ``importlib.resources``, which
finds them in a wheel as in a source checkout.
"""

from __future__ import annotations

from importlib.resources import files

ASSET_DIR = "assets/pmo-lint"  # where the stylesheets go, relative to the folder of the generated pages


def stylesheets() -> dict[str, str]:
    """``{path relative to the pages' folder: CSS text}`` of every stylesheet, in name order."""
    found = [entry for entry in files(__name__).iterdir() if entry.name.endswith(".css") and entry.is_file()]
    return {
        f"{ASSET_DIR}/{entry.name}": entry.read_text(encoding="utf-8") for entry in sorted(found, key=lambda e: e.name)
    }


def stylesheet_paths(prefix: str = "") -> list[str]:
    """The paths to list in MkDocs' ``extra_css``, under ``prefix`` (the docs sub-folder of the pages)."""
    return [f"{prefix}/{rel}" if prefix else rel for rel in stylesheets()]
