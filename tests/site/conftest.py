"""Fixtures of the site tests: one built copy of the hostile test portfolio's site, shared."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.site.kit import AS_OF, PORTFOLIO, QUIET


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`pmo-lint site build` of tests/site/portfolio (default mkdocs.yml, --strict), once per session."""
    out = tmp_path_factory.mktemp("built") / "site"
    res = run_cli("site", "build", str(PORTFOLIO), "--out", str(out), "--as-of", AS_OF, env=QUIET, timeout=300)
    assert res.code == 0, res.err
    return out
