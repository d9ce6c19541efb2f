"""Templates for ``pmo-lint init`` and ``pmo-lint new``, shipped as package data.

Templates are plain files with ``${name}`` placeholders (only ``${identifier}`` is replaced, so
GitHub's ``${{ … }}`` expressions and a stray ``$`` in text pass through). Entity templates are
valid YAML before they are filled in, so a portfolio's ``templates/`` folder stays readable.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from pmo_lint.errors import UsageError
from pmo_lint.model.names import SCHEMA_BASE_URL

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"
FILES_DIR = PACKAGE_DIR / "files"

REPO_URL = "https://github.com/pmo-lint/pmo-lint"
DOCS_URL = "https://pmo-lint.dev"
SCHEMA_FOLDER = ".pmo-lint/schemas"  # a dot folder: never read as portfolio data
MODELINE = "# yaml-language-server: $schema="
# the first line of a portfolio's templates/KIND.yaml, where the editor's schema line would be
TEMPLATE_NOTE = (
    "# Template of `pmo-lint new`: it fills the ${…} placeholders and adds the editor's schema line;\n"
    "# this file has none, since the schema rejects the placeholders.\n"
)

_PLACEHOLDER = re.compile(r"\$\{([a-z_]+)\}")

# `pmo-lint new KIND`: the template, the schema file and the layout path of each kind
ENTITY_KINDS: dict[str, tuple[str, str]] = {
    "project": ("Project", "projects/{name}/project.yaml"),
    "risk": ("Risk", "projects/{project}/risks/{name}.yaml"),
    "issue": ("Issue", "projects/{project}/issues/{name}.yaml"),
    "change-request": ("ChangeRequest", "projects/{project}/changes/{name}.yaml"),
    "status-report": ("StatusReport", "projects/{project}/status/{name}.yaml"),
    "benefit": ("Benefit", "projects/{project}/benefits/{name}.yaml"),
    "person": ("Person", "people/{name}.yaml"),
    "team": ("Team", "teams/{name}.yaml"),
    "goal": ("StrategicGoal", "strategy/goals/{name}.yaml"),
    "portfolio": ("Portfolio", "portfolios/{name}.yaml"),
    "program": ("Program", "programs/{name}.yaml"),
    "waiver": ("Waiver", "waivers/{name}.yaml"),
    "allocation": ("Allocation", "allocations/{year}/{name}.yaml"),
}
# the templates `init` copies into the portfolio's templates/ folder, where a PMO adapts them
PORTFOLIO_TEMPLATES = ("project", "risk", "change-request", "status-report")


def fill(text: str, values: Mapping[str, str], *, source: str, strict: bool = True) -> str:
    """Replace ``${name}`` placeholders; with ``strict``, an unknown one is an error naming the file."""
    unknown: set[str] = set()

    def sub(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in values:
            return values[name]
        unknown.add(name)
        return match.group(0)

    out = _PLACEHOLDER.sub(sub, text)
    if strict and unknown:
        known = ", ".join(f"${{{k}}}" for k in sorted(values))
        names = ", ".join(f"${{{k}}}" for k in sorted(unknown))
        raise UsageError(f"unknown placeholder {names}; known: {known}", path=source)
    return out


def read(folder: Path, name: str) -> str:
    return (folder / name).read_text(encoding="utf-8")


def schema_file(kind: str) -> str:
    return f"{kind.lower()}.schema.json"


def schema_ref(root: Path, target: Path, kind: str) -> str:
    """What a modeline in ``target`` points at: the portfolio's schema copy, else the published URL."""
    local = root / SCHEMA_FOLDER / schema_file(kind)
    if not local.is_file():
        return SCHEMA_BASE_URL + schema_file(kind)
    return PurePosixPath(os.path.relpath(local, target.parent)).as_posix()


def with_modeline(text: str, schema: str) -> str:
    """Put the yaml-language-server modeline first, replacing one that is there."""
    line = f"{MODELINE}{schema}\n"
    if text.startswith("# yaml-language-server:"):
        return line + text.split("\n", 1)[1] if "\n" in text else line
    return line + text


def without_modeline(text: str, note: str = "") -> str:
    """Drop a first-line yaml-language-server modeline, putting ``note`` in its place."""
    if text.startswith("# yaml-language-server:"):
        text = text.split("\n", 1)[1] if "\n" in text else ""
    return note + text


def kind_globs() -> dict[str, str]:
    """Schema file -> glob of the files of that kind, for the editor's ``yaml.schemas`` setting."""
    globs = {schema_file("PMOConfig"): "pmo.yaml"}
    for kind, layout in ENTITY_KINDS.values():
        globs[schema_file(kind)] = re.sub(r"\{[a-z]+\}", "*", layout)
    return dict(sorted(globs.items()))


def vscode_settings(folder: str = SCHEMA_FOLDER, prefix: str = "") -> str:
    """The editor settings of a workspace; ``prefix`` is the portfolio's folder in it (``""``: the workspace)."""
    import json

    into = f"{prefix}/" if prefix else ""
    schemas = {f"{into}{folder}/{name}": [into + glob] for name, glob in kind_globs().items()}
    return json.dumps({"yaml.schemas": schemas}, indent=2) + "\n"
