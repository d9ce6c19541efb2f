"""Every rule of the five packs documents itself, and its Example fires while its Use instead does not."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from pmo_lint.resources import policies_dir
from tests.policies.conftest import PACKS, check, portfolio, split_documents


def _policy_rules() -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = []
    for pack in PACKS:
        data = yaml.safe_load((policies_dir() / f"{pack}.yaml").read_text(encoding="utf-8"))
        for rule in data["rules"]:
            docs = rule["docs"]
            rules.append(
                {
                    "code": rule["code"],
                    "example": docs["example"],
                    "use_instead": docs["use_instead"],
                    "files": docs.get("files", {}),
                }
            )
    return rules


# history and waiver rules test themselves
MY_MODULES = {f"pmo_lint.rules.builtin_{pack}" for pack in (*PACKS, "lifecycle")}


def _builtin_rules() -> list[dict[str, Any]]:
    from pmo_lint.rules.registry import builtin_rules

    return [
        {"code": r.meta.code, "example": r.meta.docs.example, "use_instead": r.meta.docs.use_instead, "files": {}}
        for r in builtin_rules()
        if getattr(getattr(r, "func", None), "__module__", "") in MY_MODULES
    ]


# The maturity level is computed from the findings of the level's checks, so those must run too
# (levels of tests/policies/base/pmo.yaml).
NEEDS: dict[str, tuple[str, ...]] = {"TRF007": ("GOV001", "GOV002")}
RULES = sorted(_policy_rules() + _builtin_rules(), key=lambda r: r["code"])


@pytest.mark.parametrize("rule", RULES, ids=[r["code"] for r in RULES])
def test_example_fires_and_use_instead_passes(rule: dict[str, Any], tmp_path: Path) -> None:
    code = rule["code"]
    select = [code, *NEEDS.get(code, ())]
    fired = check(portfolio(tmp_path, {**rule["files"], **split_documents(rule["example"])}), select)
    assert any(d.code == code for d in fired), f"{code}: the Example does not fire"
    passed = check(portfolio(tmp_path, {**rule["files"], **split_documents(rule["use_instead"])}), select)
    assert not [d for d in passed if d.code == code], f"{code}: Use instead fires: {[d.message for d in passed]}"


def test_base_portfolio_is_clean(tmp_path: Path) -> None:
    found = check(portfolio(tmp_path, {}), ["ALL"])
    assert found == [], [f"{d.path}:{d.line} {d.code} {d.message}" for d in found]


def test_rules_lists_at_least_50_documented_rules_over_five_packs(capsys: pytest.CaptureFixture[str]) -> None:
    from pmo_lint.cli import main

    assert main(["rules", "--format", "json"]) == 0
    rows = [r for r in json.loads(capsys.readouterr().out) if r["pack"] in PACKS]
    assert {r["pack"] for r in rows} == set(PACKS)
    assert len(rows) >= 50
    from pmo_lint.rules.registry import all_metas, find_meta

    metas = all_metas()
    for row in rows:
        meta = find_meta(row["code"], metas)
        assert meta is not None, row["code"]
        d = meta.docs
        assert d.what.strip() and d.why.strip() and d.example.strip() and d.use_instead.strip(), row["code"]
        assert meta.standard, f"{row['code']} names no standard"
