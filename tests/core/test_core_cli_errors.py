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
    shutil.copytree(CLEAN, dest, ignore=shutil.ignore_patterns(".pmo-lint-cache"))
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


@pytest.mark.parametrize(
    ("args", "config", "where", "hint"),
    [
        (("--select", "NOPE123"), "", "--select: 'NOPE123'", "names no rule"),
        (("--select", "TAC04"), "", "--select: 'TAC04'", "TAC004"),  # a code one digit short
        (("--select", "watermelon"), "", "--select: 'watermelon'", "watermelon-status"),
        (("--ignore", "TAC0O4"), "", "--ignore: 'TAC0O4'", "TAC004"),  # letter O for zero
        ((), "select: [TAC0O4]\n", "select in the configuration: 'TAC0O4'", "TAC004"),
        ((), "per-path-ignores:\n  'projects/**': [GOVV]\n", "per-path-ignores.projects/**", "names no rule"),
    ],
)
def test_a_selector_that_names_no_rule_is_an_error_not_an_all_clear(
    args: tuple[str, ...], config: str, where: str, hint: str, clean_copy: Path, tmp_path: Path
) -> None:
    """A typo in a selection used to turn every check off and report "All checks passed" with exit 0."""
    if config:
        (clean_copy / ".pmo-lint.yaml").write_text(config, encoding="utf-8")
    code, err = _check(str(clean_copy), "--as-of", "2025-06-30", *args, tmp_path=tmp_path)
    assert code == 2, err
    assert where in err and hint in err
    assert "All checks passed" not in err


def test_selectors_that_name_rules_still_run(clean_copy: Path, tmp_path: Path) -> None:
    for selector in ("TAC", "TAC004", "watermelon-status", "tactical", "ALL", "PMO0"):
        code, err = _check(str(clean_copy), "--as-of", "2025-06-30", "--select", selector, tmp_path=tmp_path)
        assert code in (0, 1), (selector, err)
