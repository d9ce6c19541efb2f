"""docs/tailoring.md: every example runs, and gives the findings the page says it gives."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from pmo_lint.model.kinds import GateDecision, Lifecycle
from tests.policies.conftest import BASE, check, portfolio

TEXT = (Path(__file__).resolve().parents[2] / "docs" / "tailoring.md").read_text(encoding="utf-8")
# (name, what the page says it gives, YAML): project examples run under the lifecycle example of their suffix
FOUND = [
    (m.group(1), m.group(2).split(), m.group(3))
    for m in re.finditer(r"<!-- example: (\S+)((?: [A-Z0-9a-z]+)*) -->\n```yaml\n(.*?)```", TEXT, flags=re.S)
]
EXAMPLES = {name: (words, block) for name, words, block in FOUND if not name.startswith("project")}
PROJECTS = [(name, words, block) for name, words, block in FOUND if name.startswith("project")]
CODES = ["GOV001", "GOV002", "GOV019", "GOV020", "PMO004", "PMO013"]
BASE_PMO = (BASE / "pmo.yaml").read_text(encoding="utf-8")
CRM = (BASE / "projects" / "crm-migration" / "project.yaml").read_text(encoding="utf-8")


def _indent(block: str, by: int) -> str:
    return "".join(" " * by + line + "\n" for line in block.splitlines())


def _pmo(block: str) -> str:
    return re.sub(r"^  lifecycle:\n(?:^    .*\n)+", _indent(block, 2), BASE_PMO, count=1, flags=re.M)


def _project(block: str) -> str:
    text = CRM.replace("crm-migration", "demo")
    return re.sub(r"^  lifecycle:\n(?:^    .*\n)+", _indent(block, 2), text, count=1, flags=re.M)


def test_every_yaml_block_of_the_page_is_an_example() -> None:
    assert len(FOUND) == TEXT.count("```yaml") == 8


@pytest.mark.parametrize("name", [n for n in EXAMPLES if n.startswith("lifecycle")])
def test_lifecycle_examples_are_valid(name: str, tmp_path: Path) -> None:
    block = EXAMPLES[name][1]
    Lifecycle.model_validate(yaml.safe_load(block)["lifecycle"])
    found = check(portfolio(tmp_path, {"pmo.yaml": _pmo(block)}), ["PMO004", "PMO013"])
    assert [d.message for d in found if d.path == "pmo.yaml"] == []


@pytest.mark.parametrize(("name", "words", "block"), PROJECTS, ids=[f"{n}-{'-'.join(w)}" for n, w, _ in PROJECTS])
def test_project_examples_give_the_findings_the_page_names(
    name: str, words: list[str], block: str, tmp_path: Path
) -> None:
    lifecycle = EXAMPLES["lifecycle" + name.removeprefix("project")][1]
    overlay = {"pmo.yaml": _pmo(lifecycle), "projects/demo/project.yaml": _project(block)}
    for doc in ("charter", "business-case", "training-plan"):
        overlay[f"projects/demo/docs/{doc}.md"] = f"# {doc}\n"
    found = check(portfolio(tmp_path, overlay), CODES)
    got = sorted({d.code for d in found if d.path == "projects/demo/project.yaml"})
    assert got == sorted(w for w in words if w != "clean"), [d.message for d in found if "demo" in d.path]


def test_carried_forward_fields_and_the_one_dropped() -> None:
    from pmo_lint.facts.lifecycle import required_fields
    from pmo_lint.model.kinds import ProjectLifecycle

    life = Lifecycle.model_validate(yaml.safe_load(EXAMPLES["lifecycle-fields"][1])["lifecycle"])
    closed = ProjectLifecycle.model_validate({"phase": "closed"})
    assert required_fields(life.phases, closed) == [
        "/spec/requester",
        "/spec/owner",
        "/spec/sponsor",
        "/spec/activeBaseline",
    ]


def test_the_gate_evidence_example_is_a_gate_decision() -> None:
    decision = GateDecision.model_validate(yaml.safe_load(EXAMPLES["gates"][1])["gates"][0])
    assert len(decision.evidence) == 2
