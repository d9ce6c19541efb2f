"""docs/lifecycle.md: every example is a lifecycle pmo-lint reads as the page says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from pmo_lint.facts.lifecycle import infer_stage, meanings
from pmo_lint.model.kinds import Lifecycle as LifecycleModel
from tests.policies.conftest import BASE, check, portfolio

DOC = Path(__file__).resolve().parents[2] / "docs" / "lifecycle.md"
TEXT = DOC.read_text(encoding="utf-8")
EXAMPLES = re.findall(r"```yaml\n(.*?)```", TEXT, flags=re.S)
BASE_PMO = (BASE / "pmo.yaml").read_text(encoding="utf-8")


def _with_lifecycle(block: str) -> str:
    indented = "".join(f"  {line}\n" for line in block.splitlines())
    out = re.sub(r"^  lifecycle:\n(?:^    .*\n)+", indented, BASE_PMO, count=1, flags=re.M)
    assert out != BASE_PMO
    return out


def test_the_page_has_its_examples() -> None:
    assert len(EXAMPLES) == 4


@pytest.mark.parametrize("block", EXAMPLES, ids=[f"example-{i}" for i in range(len(EXAMPLES))])
def test_each_example_is_valid_and_pmo013_fires_only_where_the_page_says(block: str, tmp_path: Path) -> None:
    found = check(portfolio(tmp_path, {"pmo.yaml": _with_lifecycle(block)}), ["PMO013", "PMO004", "PMO001"])
    flagged = {d.line for d in found if d.code == "PMO013"}
    assert not [d for d in found if d.code != "PMO013"], [d.message for d in found]
    text = _with_lifecycle(block).splitlines()
    expected = {n for n, line in enumerate(text, start=1) if "# PMO013" in line}
    assert flagged == expected


def test_the_stages_the_examples_rely_on() -> None:
    prince2, stage_gate, _, pilot = (LifecycleModel.model_validate(yaml.safe_load(b)["lifecycle"]) for b in EXAMPLES)
    assert [m.stage for m in meanings(prince2.phases).values()] == [
        "intake", "initiation", "planning", "execution", "execution", "closing", "closed"
    ]  # fmt: skip
    assert [m.stage for m in meanings(stage_gate.phases).values()] == [
        "intake", "initiation", "planning", "execution", "execution", "execution", "closing", "closed"
    ]  # fmt: skip
    reporting = {m.id: m.status_reports for m in meanings(pilot.phases).values()}
    assert reporting == {
        "proposed": False, "planning": False, "pilot": False, "rollout": True, "closing": False, "closed": False
    }  # fmt: skip


def test_the_names_table_is_what_pmo_lint_understands() -> None:
    table = TEXT.split("### Names pmo-lint understands", 1)[1].split("This seven-gate", 1)[0]
    rows = re.findall(r"^\| `(\w+)` \| (.+) \|$", table, flags=re.M)
    assert len(rows) == 6
    for stage, names in rows:
        for name in names.split(", "):
            assert infer_stage(name) == stage, name
