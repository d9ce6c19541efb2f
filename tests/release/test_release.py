"""The release workflow of this repository: valid for the real checkers, triggered by vX.Y.Z tags,
publishing with trusted publishing; its build steps (sdist, wheel, twine check) run for real."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from pmo_lint import __version__
from tests.conftest import ROOT
from tests.init.test_init_ci import _actionlint, _check_jsonschema

WORKFLOW = ROOT / ".github/workflows/release.yml"


def _flow() -> Any:
    return YAML(typ="safe", pure=True).load(WORKFLOW.read_text(encoding="utf-8"))


def test_release_workflow_is_valid() -> None:
    _check_jsonschema("vendor.github-workflows", WORKFLOW)
    _actionlint(WORKFLOW)


def test_release_runs_on_version_tags_and_publishes_without_a_token() -> None:
    flow = _flow()
    (pattern,) = flow["on"]["push"]["tags"]
    # GitHub's tag filter: [0-9]+ is "one or more digits"; as a regex it reads the same
    assert re.fullmatch(pattern.replace(".", r"\."), f"v{__version__}")
    assert not re.fullmatch(pattern.replace(".", r"\."), "v1.2")
    assert flow["permissions"] == {"contents": "read"}
    publish = flow["jobs"]["publish"]
    assert publish["permissions"] == {"id-token": "write"}
    assert publish["steps"][-1]["uses"] == "pypa/gh-action-pypi-publish@release/v1"
    assert "with" not in publish["steps"][-1]  # no password: trusted publishing
    runs = " ".join(s.get("run", "") for s in flow["jobs"]["build"]["steps"])
    assert "python -m build" in runs and "twine check" in runs


def test_changelog_has_a_section_for_this_version() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## \[{re.escape(__version__)}\]", changelog, re.MULTILINE)


@pytest.mark.slow
def test_build_and_twine_check(tmp_path: Path) -> None:
    """The build job's steps; the isolated build installs hatchling from the package index."""
    out = tmp_path / "dist"
    built = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    dists = sorted(out.iterdir())
    assert sorted(p.name.rsplit(".", 1)[1] for p in dists) == ["gz", "whl"], dists
    wheel = next(p for p in dists if p.suffix == ".whl")
    checked = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *map(str, dists)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    names = zipfile.ZipFile(wheel).namelist()
    assert "pmo_lint/_data/schemas/project.schema.json" in names
    assert "pmo_lint/scaffold/files/github-workflow.yml" in names
