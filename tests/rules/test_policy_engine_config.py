"""Configuration for policies: `extends` (shipped presets and files), per-rule severity, per-path ignores."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pmo_lint.config import read_config_file
from pmo_lint.diagnostics import Severity
from pmo_lint.errors import ConfigError
from pmo_lint.options import RunOptions
from pmo_lint.run import check
from tests.conftest import run_cli
from tests.policy_kit import write_portfolio


def test_extends_a_shipped_preset(tmp_path: Path) -> None:
    cfg_file = tmp_path / ".pmo-lint.yaml"
    cfg_file.write_text("extends: [strict]\nseverity: {TAC001: info}\nignore: [OPS]\n")
    cfg = read_config_file(cfg_file)
    assert cfg.fail_on is Severity.WARNING  # from the preset
    assert cfg.severity["TAC001"] is Severity.INFO  # this file wins
    assert cfg.severity["OPS006"] is Severity.ERROR  # merged from the preset
    assert cfg.ignore == ("OPS",)
    assert cfg.source == str(cfg_file)


def test_extends_files_in_order(tmp_path: Path) -> None:
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared/packs").mkdir()
    (tmp_path / "shared/base.yaml").write_text(
        "fail-on: info\nignore: [TRF]\npolicies: [packs]\nper-path-ignores: {'waivers/*': [GOV]}\n"
    )
    (tmp_path / "shared/more.yaml").write_text("ignore: [STR]\nselect: [ALL]\n")
    cfg_file = tmp_path / ".pmo-lint.yaml"
    cfg_file.write_text("extends: [shared/base.yaml, shared/more.yaml]\nfail-on: error\nignore: [OPS]\n")
    cfg = read_config_file(cfg_file)
    assert cfg.fail_on is Severity.ERROR
    assert cfg.ignore == ("OPS",)  # this file's list wins, as in ruff
    assert cfg.select == ("ALL",)
    assert cfg.policies == (str((tmp_path / "shared/packs").resolve()),)  # relative to the file that named it
    assert cfg.per_path_ignores == {"waivers/*": ("GOV",)}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("extends: [nonesuch]\n", "no preset 'nonesuch'"),
        ("extends: [missing/file.yaml]\n", "is not a file"),
        ("extends: [.pmo-lint.yaml]\n", "loop"),
    ],
)
def test_extends_errors(tmp_path: Path, text: str, message: str) -> None:
    cfg_file = tmp_path / ".pmo-lint.yaml"
    cfg_file.write_text(text)
    with pytest.raises(ConfigError, match=message):
        read_config_file(cfg_file)


def test_bad_extends_exits_2(tmp_path: Path) -> None:
    root = write_portfolio(tmp_path / "p")
    (root / ".pmo-lint.yaml").write_text("extends: [nonesuch]\n")
    out = run_cli("check", str(root), "--as-of", "2025-06-30")
    assert out.code == 2
    assert "no preset 'nonesuch'" in out.err and "recommended" in out.err


def test_per_path_ignores_and_severity_take_packs_and_prefixes(tmp_path: Path) -> None:
    root = write_portfolio(tmp_path / "p")
    text = (root / "projects/crm/project.yaml").read_text().replace("owner: person:jo-pm", "owner: person:ghost")
    (root / "projects/crm/project.yaml").write_text(text)
    (root / ".pmo-lint.yaml").write_text("severity: {core: info}\n")
    result = check(RunOptions(paths=(root,), select=("PMO007",), as_of=dt.date(2025, 6, 30))).result
    assert [(d.code, d.severity) for d in result.diagnostics] == [("PMO007", Severity.INFO)]
    (root / ".pmo-lint.yaml").write_text("per-path-ignores: {'projects/**': [PMO00]}\n")
    result = check(RunOptions(paths=(root,), select=("PMO007",), as_of=dt.date(2025, 6, 30))).result
    assert result.diagnostics == ()
