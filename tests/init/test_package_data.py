"""The templates reach users: they are in the wheel, and the editor docs show what init writes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pmo_lint.scaffold import FILES_DIR, PACKAGE_DIR, TEMPLATES_DIR, vscode_settings
from tests.conftest import ROOT


def test_editor_docs_show_the_settings_init_writes() -> None:
    text = (ROOT / "docs/editor.md").read_text(encoding="utf-8")
    block = re.search(r"```json\n(.*?)```", text, re.DOTALL)
    assert block is not None
    assert json.loads(block.group(1)) == json.loads(vscode_settings())


@pytest.mark.slow
def test_wheel_ships_the_templates_and_schemas(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (wheel,) = tmp_path.glob("pmo_lint-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in (TEMPLATES_DIR, FILES_DIR):
        for path in folder.iterdir():
            assert path.relative_to(PACKAGE_DIR.parent.parent).as_posix() in names
    assert "pmo_lint/_data/schemas/project.schema.json" in names
    # the site's stylesheets are package data too: a site built from the installed wheel links them
    assert {"pmo_lint/site/assets/pmo-lint.css", "pmo_lint/site/assets/print.css"} <= names
