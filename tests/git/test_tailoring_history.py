"""GOV041 in PR mode follows the project's own plan: an optional stage it skips needs no gate, a repeated one does."""

from __future__ import annotations

import json
from collections.abc import Callable

from tests.conftest import run_cli
from tests.git.conftest import GATE_G1, PMO, Repo, base_files, project

PROJECT = "projects/crm/project.yaml"
# the test lifecycle with a second, optional delivery stage before closure
TAILORED_PMO = PMO.replace(
    "      - {id: closure, startGate: G3}",
    "      - {id: stage-2, startGate: SB2, optional: true}\n      - {id: closure, startGate: G3}",
).replace(
    "      - {id: G3, title: Approve closure}",
    "      - {id: SB2, title: Stage boundary}\n      - {id: G3, title: Approve closure}",
)
G2 = "      - {gate: G2, decision: approved, decidedBy: person:pat-director, date: 2025-03-01}"
G3 = "      - {gate: G3, decision: approved, decidedBy: person:pat-director, date: 2025-06-01}"


def _gov041(repo: Repo) -> list[str]:
    res = run_cli("check", "--base", "main", "--select", "GOV041", "--format", "json", cwd=repo.root)
    assert res.code in (0, 1), res.err
    return [d["message"] for d in json.loads(res.out)["diagnostics"]]


def _closure(tailoring: str) -> str:
    text = project(phase="closure", gates=(GATE_G1, G2, G3))
    return text.replace("    gates:\n", tailoring + "    gates:\n", 1)


def test_skipping_a_planned_optional_stage_needs_no_gate(make_repo: Callable[..., Repo]) -> None:
    repo = make_repo(
        {**base_files(), "pmo.yaml": TAILORED_PMO, PROJECT: project(phase="execution", gates=(GATE_G1, G2))}
    )
    repo.write({PROJECT: _closure("    tailoring: {skip: [stage-2], approvedBy: 'gate:G2'}\n")}).commit("close")
    assert _gov041(repo) == []


def test_without_the_plan_the_skipped_stage_gate_is_missing(make_repo: Callable[..., Repo]) -> None:
    repo = make_repo(
        {**base_files(), "pmo.yaml": TAILORED_PMO, PROJECT: project(phase="execution", gates=(GATE_G1, G2))}
    )
    repo.write({PROJECT: _closure("")}).commit("close without the stage boundary")
    messages = _gov041(repo)
    assert len(messages) == 1 and "SB2 (start of stage-2)" in messages[0]
