"""Configuration: `.pmo-lint.yaml` or `[tool.pmo-lint]`, found walking up to the repository root;
unknown keys are errors naming the file and the key; exclude, select and ignore take effect."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pmo_lint.config import find_config, load_config, parse_config
from pmo_lint.diagnostics import Severity
from pmo_lint.errors import ConfigError
from tests.conftest import PORTFOLIOS, run_cli


@pytest.fixture
def nested(tmp_path: Path) -> Path:
    """repo/ (a git root) > org/ > portfolio/ (with pmo.yaml)."""
    portfolio = tmp_path / "repo" / "org" / "portfolio"
    shutil.copytree(PORTFOLIOS / "clean", portfolio, ignore=shutil.ignore_patterns(".pmo-lint-cache"))
    (tmp_path / "repo" / ".git").mkdir()
    return portfolio


def test_yaml_config_found_walking_up(nested: Path) -> None:
    config = nested.parent / ".pmo-lint.yaml"
    config.write_text("ignore: [PMO010]\n", encoding="utf-8")
    assert find_config(nested) == config
    loaded = load_config(nested)
    assert loaded.ignore == ("PMO010",) and loaded.source == str(config)


def test_pyproject_section_found_walking_up(nested: Path) -> None:
    pyproject = nested.parent.parent / "pyproject.toml"
    pyproject.write_text("[tool.pmo-lint]\nfail-on = 'warning'\n", encoding="utf-8")
    assert find_config(nested) == pyproject
    assert load_config(nested).fail_on is Severity.WARNING


def test_pyproject_without_our_section_is_skipped(nested: Path) -> None:
    (nested.parent / "pyproject.toml").write_text("[tool.ruff]\nline-length = 100\n", encoding="utf-8")
    config = nested.parent.parent / ".pmo-lint.yml"
    config.write_text("select: [PMO]\n", encoding="utf-8")
    assert find_config(nested) == config


def test_nearest_config_wins(nested: Path) -> None:
    (nested.parent.parent / ".pmo-lint.yaml").write_text("select: [PMO]\n", encoding="utf-8")
    near = nested / ".pmo-lint.yaml"
    near.write_text("select: [GOV]\n", encoding="utf-8")
    assert find_config(nested) == near


def test_search_stops_at_the_repository_root(nested: Path) -> None:
    (nested.parent.parent.parent / ".pmo-lint.yaml").write_text("select: [PMO]\n", encoding="utf-8")
    assert find_config(nested) is None
    assert load_config(nested).source == ""


def test_empty_config_is_the_default(nested: Path) -> None:
    (nested / ".pmo-lint.yaml").write_text("# nothing yet\n", encoding="utf-8")
    assert load_config(nested).select == ()


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ({"exlude": ["x"]}, "unknown key 'exlude'; did you mean 'exclude'?"),
        ({"zzz": 1}, "unknown key 'zzz'; known keys:"),
        ({"limits": {"max-deep": 3}}, "unknown limit 'max-deep'"),
        ({"limits": {"max-depth": 0}}, "limits.max-depth must be a positive integer"),
        ({"select": 5}, "'select' must be a list of strings"),
        ({"severity": {"PMO010": "loud"}}, "severity:"),
        ({"fail-on": "sometimes"}, "fail-on:"),
    ],
)
def test_bad_config_names_file_and_key(raw: dict[str, object], words: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(raw, "/repo/.pmo-lint.yaml")
    assert info.value.path == "/repo/.pmo-lint.yaml"
    assert words in str(info.value)


def test_known_keys_parse() -> None:
    cfg = parse_config(
        {
            "exclude": ["drafts/**"],
            "select": ["PMO", "governance"],
            "ignore": "PMO010",
            "severity": {"PMO010": "error"},
            "per-path-ignores": {"archive/**": ["PMO007"]},
            "fail-on": "warning",
            "limits": {"max-depth": 32},
        },
        "cfg",
    )
    assert cfg.exclude == ("drafts/**",) and cfg.ignore == ("PMO010",)
    assert cfg.severity == {"PMO010": Severity.ERROR}
    assert cfg.limits.max_depth == 32 and cfg.fail_on is Severity.WARNING


def _json_check(root: Path, tmp_path: Path, *args: str) -> tuple[int, list[dict[str, object]]]:
    env = {"PMO_LINT_CACHE_DIR": str(tmp_path)}
    result = run_cli("check", str(root), "--as-of", "2025-06-30", "--format", "json", *args, env=env)
    assert result.code in (0, 1), result.err
    return result.code, json.loads(result.out)["diagnostics"]


def test_exclude_and_ignore_take_effect(nested: Path, tmp_path: Path) -> None:
    (nested / "drafts").mkdir()
    (nested / "drafts" / "idea.yaml").write_text("a: [unclosed\n", encoding="utf-8")
    (nested / "people" / "pat-director.yaml").write_text(
        (nested / "people" / "pat-director.yaml").read_text(encoding="utf-8") + "  skills: [NO]\n", encoding="utf-8"
    )
    code, found = _json_check(nested, tmp_path)
    assert code == 1
    assert sorted(d["code"] for d in found) == ["PMO001", "PMO010"]

    (nested / ".pmo-lint.yaml").write_text("exclude: ['drafts/**']\nignore: [PMO010]\n", encoding="utf-8")
    code, found = _json_check(nested, tmp_path)
    assert (code, found) == (0, [])


def test_core_load_rules_cannot_be_ignored(nested: Path, tmp_path: Path) -> None:
    (nested / "people" / "broken.yaml").write_text("a: [unclosed\n", encoding="utf-8")
    (nested / ".pmo-lint.yaml").write_text("ignore: [PMO001]\n", encoding="utf-8")
    code, found = _json_check(nested, tmp_path)
    assert code == 1 and [d["code"] for d in found] == ["PMO001"]
