"""Exit code 2 with a clear one-line message for usage, configuration and input errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import PORTFOLIOS, run_cli, snapshot

CLEAN = PORTFOLIOS / "clean"


def _check(*args: str, tmp_path: Path) -> tuple[int, str]:
    result = run_cli("check", *args, env={"PMO_LINT_CACHE_DIR": str(tmp_path / "cache")})
    assert "Traceback" not in result.out + result.err
    assert "internal error" not in result.err
    return result.code, result.err


@pytest.fixture
def clean_copy(tmp_path: Path) -> Path:
    dest = tmp_path / "portfolio"
    shutil.copytree(CLEAN, dest)
    return dest


def test_clean_portfolio_passes(clean_copy: Path, tmp_path: Path) -> None:
    code, err = _check(str(clean_copy), "--as-of", "2025-06-30", tmp_path=tmp_path)
    assert code == 0, err


def test_no_pmo_yaml_above_the_path(tmp_path: Path) -> None:
    folder = tmp_path / "not-a-portfolio"
    folder.mkdir()
    code, err = _check(str(folder), tmp_path=tmp_path)
    assert code == 2
    assert str(folder) in err and "no pmo.yaml" in err


def test_missing_path(tmp_path: Path) -> None:
    code, err = _check(str(tmp_path / "nowhere"), tmp_path=tmp_path)
    assert code == 2
    assert "nowhere" in err and "no such file or folder" in err


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        (".pmo-lint.yaml", "exlude:\n  - drafts/**\n", "unknown key 'exlude'; did you mean 'exclude'?"),
        (".pmo-lint.yaml", "select: [PMO]\nfail-on: sometimes\n", "fail-on"),
        (".pmo-lint.yaml", "select: [PMO\n", ".pmo-lint.yaml:1"),
        ("pyproject.toml", "[tool.pmo-lint]\nignroe = ['PMO010']\n", "unknown key 'ignroe'"),
    ],
    ids=["unknown-key", "bad-value", "bad-yaml", "pyproject-unknown-key"],
)
def test_bad_config(name: str, content: str, expected: str, clean_copy: Path, tmp_path: Path) -> None:
    (clean_copy / name).write_text(content, encoding="utf-8")
    before = snapshot(clean_copy)
    code, err = _check(str(clean_copy), "--as-of", "2025-06-30", tmp_path=tmp_path)
    assert code == 2
    assert str(clean_copy / name) in err, err
    assert expected in err, err
    assert snapshot(clean_copy) == before


def test_explicit_config_missing(clean_copy: Path, tmp_path: Path) -> None:
    code, err = _check(str(clean_copy), "--config", str(tmp_path / "none.yaml"), tmp_path=tmp_path)
    assert code == 2
    assert "none.yaml" in err and "not found" in err


@pytest.mark.parametrize("value", ["2025-13-01", "30.06.2025", "20250630", "2025-W26-1", "tomorrow", ""])
def test_bad_as_of(value: str, tmp_path: Path) -> None:
    code, err = _check(str(CLEAN), "--as-of", value, tmp_path=tmp_path)
    assert code == 2
    assert "YYYY-MM-DD" in err


def test_unknown_format(tmp_path: Path) -> None:
    code, err = _check(str(CLEAN), "--format", "yaml", tmp_path=tmp_path)
    assert code == 2
    assert "unknown format 'yaml'" in err and "json" in err


def test_two_formats_on_stdout(tmp_path: Path) -> None:
    code, err = _check(str(CLEAN), "--format", "json", "--format", "text", tmp_path=tmp_path)
    assert code == 2
    assert "standard output" in err
