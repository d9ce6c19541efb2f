"""Tailoring: a project's own plan of the lifecycle decides which gates and fields are due, in `check` and in history.

The PRINCE2 fixture (tests/lifecycles/kit.py) has delivery stages `stage-2` and an optional `stage-3`;
a project may plan two stages (skipping stage-3, approved at DP1) or three.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import portfolio_texts
from tests.lifecycles.kit import PRINCE2, translate
from tests.policies.conftest import BASE, check

CRM = (BASE / "projects" / "crm-migration" / "project.yaml").read_text(encoding="utf-8")
DECISION = "      - {{gate: {gate}, decision: approved, decidedBy: person:pat-director, date: {date}}}\n"


def _prince2(root: Path, projects: dict[str, str]) -> Path:
    files = portfolio_texts(BASE)
    for rel, text in files.items():
        if rel.endswith(".yaml"):
            text = translate(text, PRINCE2)[0] or ""
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    for name, text in projects.items():
        target = root / "projects" / name / "project.yaml"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        for doc in ("charter", "business-case", "training-plan"):
            (target.parent / "docs").mkdir(exist_ok=True)
            (target.parent / "docs" / f"{doc}.md").write_text(f"# {doc}\n", encoding="utf-8")
        for sub in ("status", "benefits", "changes"):
            for src in (BASE / "projects" / "crm-migration" / sub).glob("*.yaml"):
                (target.parent / sub).mkdir(exist_ok=True)
                (target.parent / sub / src.name).write_text(
                    src.read_text(encoding="utf-8").replace("crm-migration", name), encoding="utf-8"
                )
    return root


def _project(name: str, phase: str, gates: list[str], tailoring: str = "", extra_lifecycle: str = "") -> str:
    """crm-migration, renamed, in PRINCE2's vocabulary, at `phase` with the given gates approved."""
    head, rest = CRM.replace("crm-migration", name).split("  lifecycle:\n", 1)
    rest = rest.split("  alignment:\n", 1)[1]
    decisions = "".join(DECISION.format(gate=g, date=f"2025-0{i + 1}-02") for i, g in enumerate(gates))
    evidence = f", evidence: [projects/{name}/docs/charter.md, projects/{name}/docs/business-case.md]}}"
    decisions = decisions.replace("date: 2025-02-02}", "date: 2025-02-02" + evidence) if "DP1" in gates else decisions
    life = f"  lifecycle:\n    phase: {phase}\n    state: active\n{extra_lifecycle}{tailoring}    gates:\n{decisions}"
    text = head + life + "  alignment:\n" + rest
    # scored below the base's projects, so that their ranks stay as they are
    text = text.replace("{value: 4, urgency: 3, risk-reduction: 2}", "{value: 1, urgency: 1, risk-reduction: 1}")
    return (translate(text, PRINCE2)[0] or "").replace("    priority: 1\n", "")


TWO_STAGES = "    tailoring: {skip: [stage-3], approvedBy: 'gate:DP1', date: 2025-02-02}\n"
GOVERNANCE = ["GOV001", "GOV002", "GOV019", "GOV020", "TAC001", "TAC002", "TAC016"]


def _codes(root: Path, name: str) -> list[str]:
    return sorted(d.code for d in check(root, GOVERNANCE) if d.path.startswith(f"projects/{name}/"))


def test_a_two_stage_project_in_closing_is_clean(tmp_path: Path) -> None:
    text = _project("two-stage", "closing", ["DP0", "DP1", "DP2"], TWO_STAGES)
    assert _codes(_prince2(tmp_path, {"two-stage": text}), "two-stage") == []


def test_without_its_plan_the_same_project_owes_the_third_stage_gate(tmp_path: Path) -> None:
    text = _project("two-stage", "closing", ["DP0", "DP1", "DP2"])
    assert _codes(_prince2(tmp_path, {"two-stage": text}), "two-stage") == ["GOV002"]


def test_a_three_stage_project_passes_the_stage_boundary(tmp_path: Path) -> None:
    good = _project("three-stage", "closing", ["DP0", "DP1", "DP2", "SB2"])
    assert _codes(_prince2(tmp_path / "a", {"three-stage": good}), "three-stage") == []
    missing = _project("three-stage", "closing", ["DP0", "DP1", "DP2"])
    assert _codes(_prince2(tmp_path / "b", {"three-stage": missing}), "three-stage") == ["GOV002"]


def test_a_plan_cannot_skip_a_mandatory_phase_or_go_unapproved(tmp_path: Path) -> None:
    skips_mandatory = _project(
        "skipper", "closing", ["DP0", "DP1", "SB2"], "    tailoring: {skip: [stage-2], approvedBy: 'gate:DP1'}\n"
    )
    root = _prince2(tmp_path / "a", {"skipper": skips_mandatory})
    found = [d for d in check(root, GOVERNANCE) if d.path.startswith("projects/skipper/")]
    assert sorted(d.code for d in found) == ["GOV002", "GOV019"]
    assert "every project must pass through" in next(d.message for d in found if d.code == "GOV019")
    unapproved = _project("unapproved", "closing", ["DP0", "DP2"], TWO_STAGES)
    root = _prince2(tmp_path / "b", {"unapproved": unapproved})
    found = [d for d in check(root, ["GOV019"]) if d.path.startswith("projects/unapproved/")]
    assert [d.code for d in found] == ["GOV019"] and "gate DP1" in found[0].message


def test_repeatable_delivery_stages_need_a_gate_per_pass(tmp_path: Path) -> None:
    """A lifecycle with one repeatable `delivery` phase: each stage boundary is a decision with `pass`."""
    plan = "    tailoring: {passes: {stage-2: 3}, approvedBy: 'gate:DP1'}\n"
    second = _project("staged", "stage-2", ["DP0", "DP1", "DP2"], plan, "    pass: 2\n")
    root = _prince2(tmp_path, {"staged": second})
    text = (root / "pmo.yaml").read_text(encoding="utf-8")
    text = text.replace("{id: stage-2, stage: execution,", "{id: stage-2, stage: execution, repeatable: true,")
    (root / "pmo.yaml").write_text(text, encoding="utf-8")
    target = root / "projects" / "staged" / "project.yaml"
    assert _codes(root, "staged") == ["GOV002"]  # the second stage's boundary decision is missing
    target.write_text(
        second.replace(
            "    gates:\n",
            "    gates:\n      - {gate: DP2, pass: 2, decision: approved, decidedBy: person:pat-director, "
            "date: 2025-05-02}\n",
            1,
        ),
        encoding="utf-8",
    )
    assert _codes(root, "staged") == []
    fourth = target.read_text(encoding="utf-8").replace("    pass: 2\n", "    pass: 4\n")
    target.write_text(fourth, encoding="utf-8")
    assert "GOV019" in _codes(root, "staged")  # a fourth stage is beyond the plan of three
