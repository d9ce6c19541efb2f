"""What a phase means: stages stated or inferred, governance flags, PMO013 for a phase nobody can read."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pmo_lint.facts.lifecycle import STAGES, infer_stage, meaning
from pmo_lint.model.kinds import Phase
from tests.policies.conftest import check, portfolio

POLICIES = Path(__file__).resolve().parents[2] / "policies"


@pytest.mark.parametrize(
    ("name", "stage"),
    [
        ("proposed", "intake"),
        ("starting-up", "intake"),
        ("mandate", "intake"),
        ("initiating", "initiation"),
        ("initiation", "initiation"),
        ("planning", "planning"),
        ("business-case", "planning"),
        ("executing", "execution"),
        ("delivery-stage-2", "execution"),
        ("development", "execution"),
        ("closure", "closing"),
        ("post-launch-review", "closing"),
        ("closed", "closed"),
        ("Completed", "closed"),
        ("gamma", None),
    ],
)
def test_common_phase_names_say_their_stage(name: str, stage: str | None) -> None:
    assert infer_stage(name) == stage


def test_a_stated_stage_wins_over_the_name_and_flags_override_the_stage() -> None:
    prince2_initiation = Phase.model_validate({"id": "initiation", "stage": "planning"})
    assert meaning(prince2_initiation).stage == "planning"
    assert not meaning(prince2_initiation).inferred
    pilot = Phase.model_validate({"id": "pilot", "statusReports": False, "benefitsTracked": True})
    m = meaning(pilot)
    assert (m.stage, m.inferred, m.status_reports, m.baseline, m.benefits_tracked) == (
        "execution",
        True,
        False,
        True,
        True,
    )
    assert meaning(Phase.model_validate({"id": "closing"})).reached() == {s: s != "closed" for s in STAGES}


def test_the_title_is_read_when_the_id_says_nothing() -> None:
    assert meaning(Phase.model_validate({"id": "p3", "title": "Build and test"})).stage == "execution"
    assert meaning(Phase.model_validate({"id": "p3"})).stage is None


def test_a_phase_without_meaning_is_an_error_at_its_line(tmp_path: Path) -> None:
    base = (Path(__file__).resolve().parents[1] / "policies" / "base" / "pmo.yaml").read_text(encoding="utf-8")
    text = base.replace("- {id: closing, requiredFields", "- {id: gamma, requiredFields")
    assert text != base
    found = [d for d in check(portfolio(tmp_path, {"pmo.yaml": text}), ["PMO013"]) if d.code == "PMO013"]
    line = next(n for n, s in enumerate(text.splitlines(), start=1) if "id: gamma" in s)
    assert [(d.path, d.line) for d in found] == [("pmo.yaml", line)]
    assert "stage:" in found[0].message and "gamma" in found[0].message
    fixed = text.replace("- {id: gamma, requiredFields", "- {id: gamma, stage: closing, requiredFields")
    assert not [d for d in check(portfolio(tmp_path, {"pmo.yaml": fixed}), ["PMO013"]) if d.code == "PMO013"]


def test_no_pack_rule_reads_a_phase_by_position() -> None:
    """`phaseIndex` compared with a number is how rules went blind under other lifecycles."""
    import yaml

    offenders = []
    for pack in sorted(POLICIES.glob("*.yaml")):
        for rule in yaml.safe_load(pack.read_text(encoding="utf-8"))["rules"]:
            for key in ("when", "assert", "each"):
                expr = str(rule.get(key) or "")
                if re.search(r"phaseIndex|config\.lifecycle\.phases", expr):
                    offenders.append(f"{rule['code']} {key}: {expr}")
    assert not offenders, "\n".join(offenders)


def test_no_builtin_rule_reads_a_phase_by_position() -> None:
    package = Path(__file__).resolve().parents[2] / "pmo_lint" / "rules"
    offenders = [
        f"{f.name}:{n}"
        for f in sorted(package.glob("*.py"))
        for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(r"phases\[-?\d|phases\.index\(|phaseIndex\W*\s*[<>=!]|phase_index", line)
    ]
    assert not offenders, offenders
