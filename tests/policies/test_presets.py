"""Shipped presets are valid configuration fragments that only name rules that exist."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pmo_lint.config import parse_config
from pmo_lint.resources import policies_dir
from pmo_lint.rules.registry import all_metas, find_meta

PRESETS = sorted((policies_dir() / "presets").glob("*.yaml"))


def test_presets_are_shipped() -> None:
    assert {p.stem for p in PRESETS} >= {"recommended", "strict"}


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.stem)
def test_preset_parses_and_names_known_rules(preset: Path) -> None:
    cfg = parse_config(yaml.safe_load(preset.read_text(encoding="utf-8")), str(preset))
    metas = all_metas()
    for code in [*cfg.severity, *cfg.select, *cfg.ignore]:
        assert find_meta(code, metas) is not None, f"{preset.name}: unknown rule {code}"
