"""`pmo-lint init --lifecycle`: each well-known lifecycle gives a portfolio that passes, with the stages,
gates, roles and tailoring the method means; docs/lifecycles-init.md's examples hold against it."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from pmo_lint.cli import cli, main
from pmo_lint.commands.init import LIFECYCLES
from pmo_lint.facts.lifecycle import meanings
from pmo_lint.model.kinds import PMOConfig
from pmo_lint.scaffold import TEMPLATES_DIR
from tests.conftest import ROOT, CliResult

DOC = ROOT / "docs" / "lifecycles-init.md"
STAGES = {
    "simple": ["initiation", "planning", "execution", "closing"],
    "prince2": ["intake", "planning", "execution", "execution", "closing", "closed"],
    "stage-gate": ["intake", "initiation", "planning", "execution", "execution", "execution", "closing", "closed"],
}
# the codes that say whether the lifecycle holds together: phase fields, gates, roles, schema, stages
LIFECYCLE_CODES = ("GOV001", "GOV002", "GOV010", "GOV011", "GOV014", "GOV016", "GOV018", "PMO004", "PMO013")
_CODE = re.compile(r":(\d+):\d+: ([A-Z]{3}\d{3}) \[")


def _yaml(path: Path) -> dict[str, object]:
    data = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture
def pmo(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    def call(*args: str, cwd: Path) -> CliResult:
        monkeypatch.chdir(cwd)
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return call


def _findings(result: CliResult, rel: str) -> set[tuple[int, str]]:
    return {
        (int(m.group(1)), m.group(2))
        for line in result.out.splitlines()
        if line.startswith(rel)
        for m in [_CODE.search(line)]
        if m
    }


@pytest.mark.parametrize("lifecycle", list(LIFECYCLES))
def test_each_lifecycle_passes_check_before_and_after_a_new_project(
    lifecycle: str, tmp_path: Path, pmo: Callable[..., CliResult]
) -> None:
    assert pmo("init", "--yes", "--lifecycle", lifecycle, cwd=tmp_path).code == 0
    result = pmo("check", cwd=tmp_path)
    assert result.code == 0, result.out + result.err
    assert "PMO013" not in result.out and "PMO004" not in result.out
    assert pmo("new", "project", "demo", cwd=tmp_path).code == 0
    result = pmo("check", cwd=tmp_path)
    assert result.code == 0, result.out + result.err
    assert not [c for c in LIFECYCLE_CODES if c in result.out], result.out


@pytest.mark.parametrize("lifecycle", list(LIFECYCLES))
def test_the_phases_mean_the_stages_of_the_method(lifecycle: str, tmp_path: Path) -> None:
    assert main(["init", "--yes", "--lifecycle", lifecycle, str(tmp_path)]) == 0
    config = PMOConfig.model_validate(_yaml(tmp_path / "pmo.yaml"))
    found = meanings(config.spec.lifecycle.phases)
    assert [m.stage for m in found.values()] == STAGES[lifecycle]
    assert not any(m.inferred for m in found.values())  # every stage is stated, none guessed from a name


def test_prince2_speaks_prince2(tmp_path: Path) -> None:
    assert main(["init", "--yes", "--lifecycle", "prince2", str(tmp_path)]) == 0
    spec = PMOConfig.model_validate(_yaml(tmp_path / "pmo.yaml")).spec
    assert [g.title for g in spec.lifecycle.gates] == [
        "Authorise initiation", "Authorise the project", "Stage boundary: authorise the next stage",
        "Authorise project closure",
    ]  # fmt: skip
    assert all(g.approver_roles == ["executive"] for g in spec.lifecycle.gates)
    roles = [r.id for r in spec.governance_roles]
    assert roles == ["executive", "senior-user", "senior-supplier", "project-assurance"]
    further = spec.lifecycle.phases[3]
    assert (further.start_gate, further.repeatable, further.optional) == ("stage-boundary", True, True)
    assert not any(p.optional for p in spec.lifecycle.phases if p.id != further.id)
    used = {role for row in spec.approval_matrix for role in row.approver_roles}
    assert {"executive", "senior-user", "senior-supplier"} <= used


def test_stage_gate_speaks_stage_gate(tmp_path: Path) -> None:
    assert main(["init", "--yes", "--lifecycle", "stage-gate", str(tmp_path)]) == 0
    spec = PMOConfig.model_validate(_yaml(tmp_path / "pmo.yaml")).spec
    titles = [g.title for g in spec.lifecycle.gates]
    assert titles[:5] == [
        "Gate 1: Idea screen", "Gate 2: Second screen", "Gate 3: Go to development", "Gate 4: Go to testing",
        "Gate 5: Go to launch",
    ]  # fmt: skip
    assert titles[5] == "Post-launch review"
    assert [r.id for r in spec.governance_roles] == ["gatekeeper"]
    assert all(g.approver_roles == ["gatekeeper"] for g in spec.lifecycle.gates)
    assert [p.id for p in spec.lifecycle.phases if p.optional] == ["business-case", "launch"]


def test_method_templates_differ_from_simple_only_in_lifecycle_roles_and_matrix() -> None:
    """The scales, thresholds and cadence are written once per template: they must not drift apart."""
    own = ("lifecycle", "governanceRoles", "approvalMatrix")

    def common(name: str) -> dict[str, object]:
        spec = _yaml(TEMPLATES_DIR / name)["spec"]
        assert isinstance(spec, dict)
        return {k: v for k, v in spec.items() if k not in own}

    simple = common(LIFECYCLES["simple"][0])
    for name, _ in LIFECYCLES.values():
        assert common(name) == simple, name


def test_a_bad_lifecycle_is_refused_with_the_choices(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["init", "--yes", "--lifecycle", "waterfall", str(tmp_path)])
    assert result.exit_code == 2
    assert "waterfall" in result.output
    for choice in LIFECYCLES:
        assert choice in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "pmo.yaml").exists()


def test_init_asks_for_the_lifecycle_unless_given(tmp_path: Path) -> None:
    answers = "Acme\ngovernance\nStage-Gate\nEUR\nJo Doe\n"
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "asked")], input=answers)
    assert result.exit_code == 0, result.output
    assert "prince2" in result.output  # the question lists the choices
    assert _yaml(tmp_path / "asked/pmo.yaml")["spec"]["governanceRoles"][0]["id"] == "gatekeeper"  # type: ignore[index]
    result = CliRunner().invoke(
        cli, ["init", str(tmp_path / "given"), "--lifecycle", "prince2"], input="Acme\ngovernance\nEUR\nJo Doe\n"
    )
    assert result.exit_code == 0, result.output
    assert "Lifecycle" not in result.output


# -- the examples of docs/lifecycles-init.md, in a portfolio made by init ----------------------------------
def _doc_blocks() -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def _lifecycle_examples() -> list[tuple[str, str]]:
    out = []
    for block in _doc_blocks():
        if m := re.match(r"# pmo-lint init --lifecycle ([a-z0-9-]+)\n", block):
            out.append((m.group(1), block[m.end() :]))
    return out


_PROJECT_HEAD = """\
apiVersion: pmo-lint/v1
kind: Project
metadata: {name: crm, title: CRM replacement}
spec:
  type: it-delivery
  category: strategic
  owner: person:pmo-lead
  requester: person:pmo-lead
  sponsor: person:%(sponsor)s
"""
_PROJECT_TAIL = """\
  schedule:
    requested: {start: 2025-01-06, end: 2025-12-19}
    approved: {start: 2025-01-06, end: 2025-12-19}
  currency: EUR
  budget: {bac: 400000}
  businessCase: {summary: Replace the CRM before its support ends.}
  documents: {charter: docs/crm/charter.md, businessCase: docs/crm/business-case.md}
  milestones:
    - {id: go-live, title: Go-live, key: true, forecastDate: 2025-11-28}
  baselines:
    - id: b1
      date: 2025-03-03
      approvedBy: "gate:%(baseline_gate)s"
      schedule: {start: 2025-01-06, finish: 2025-12-19}
      budget: {bac: 400000}
  activeBaseline: b1
"""
_REPORT = """\
apiVersion: pmo-lint/v1
kind: StatusReport
metadata: {name: 2025-06-27, namespace: crm}
spec:
  reportDate: 2025-06-27
  author: person:pmo-lead
  health:
    overall: {rag: green}
    schedule: {rag: green}
    cost: {rag: green}
    resources: {rag: green}
    scope: {rag: green}
  executiveSummary: On plan.
  percentComplete: 50
  evm: {pv: 200000, ev: 200000, ac: 200000}
"""
_BOARD = {
    "prince2": ("erin-okafor", "executive", "authorise-project"),
    "stage-gate": ("gita-rao", "gatekeeper", "gate-3"),
}


def _portfolio(root: Path, lifecycle: str) -> Path:
    person, role, _ = _BOARD[lifecycle]
    assert main(["init", "--yes", "--lifecycle", lifecycle, str(root)]) == 0
    (root / "people" / f"{person}.yaml").write_text(
        f"apiVersion: pmo-lint/v1\nkind: Person\nmetadata: {{name: {person}}}\nspec:\n"
        f"  profile: {{displayName: {person.replace('-', ' ').title()}}}\n  governanceRoles: [{role}]\n",
        encoding="utf-8",
    )
    (root / "docs/crm").mkdir(parents=True)
    for doc in ("charter", "business-case"):
        (root / "docs/crm" / f"{doc}.md").write_text(f"# {doc}\n", encoding="utf-8")
    return root


def _write_project(root: Path, lifecycle: str, block: str) -> int:
    """The project with the example's lifecycle block; the line of the file where the block starts."""
    person, _, baseline_gate = _BOARD[lifecycle]
    head = _PROJECT_HEAD % {"sponsor": person}
    text = head + textwrap.indent(block, "  ") + _PROJECT_TAIL % {"baseline_gate": baseline_gate}
    (root / "projects/crm/status").mkdir(parents=True, exist_ok=True)
    (root / "projects/crm/project.yaml").write_text(text, encoding="utf-8")
    (root / "projects/crm/status/2025-06-27.yaml").write_text(_REPORT, encoding="utf-8")
    return head.count("\n") + 1


def test_the_page_has_its_examples() -> None:
    assert [lc for lc, _ in _lifecycle_examples()] == ["prince2", "prince2", "stage-gate", "stage-gate"]
    assert {"simple", "prince2", "stage-gate"} <= set(LIFECYCLES)
    for lifecycle in LIFECYCLES:
        assert f"`{lifecycle}`" in DOC.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("lifecycle", "block"), _lifecycle_examples(), ids=[f"example-{i}" for i in range(len(_lifecycle_examples()))]
)
def test_each_example_passes_or_fires_where_the_page_says(
    lifecycle: str, block: str, tmp_path: Path, pmo: Callable[..., CliResult]
) -> None:
    root = _portfolio(tmp_path / "p", lifecycle)
    first = _write_project(root, lifecycle, block)
    result = pmo("check", "--as-of", "2025-06-30", cwd=root)
    expected = {
        (first + i, code)
        for i, line in enumerate(block.splitlines())
        for code in re.findall(r"# expect: ([A-Z]{3}\d{3})", line)
    }
    found = _findings(result, "projects/crm/project.yaml")
    assert {f for f in found if f[1] in LIFECYCLE_CODES} == expected, result.out
    if not expected:
        assert result.code == 0, result.out + result.err


def test_leaving_out_a_phase_needs_it_optional_and_planned(tmp_path: Path, pmo: Callable[..., CliResult]) -> None:
    """The single-stage example without its tailoring: the stage boundary is due again."""
    single = next(b for lc, b in _lifecycle_examples() if "skip: [next-delivery-stage]" in b)
    root = _portfolio(tmp_path / "p", "prince2")
    untailored = re.sub(r"  tailoring:\n(?:    .*\n)+", "", single)
    assert untailored != single
    _write_project(root, "prince2", untailored)
    codes = {c for _, c in _findings(pmo("check", "--as-of", "2025-06-30", cwd=root), "projects/crm/project.yaml")}
    assert "GOV002" in codes
    # the initiation stage is not optional: a plan that skips it keeps its gate due
    skipping = single.replace("skip: [next-delivery-stage]", "skip: [next-delivery-stage, initiation]")
    skipping = re.sub(r"    - \{gate: authorise-initiation.*\n", "", skipping)
    _write_project(root, "prince2", skipping)
    codes = {c for _, c in _findings(pmo("check", "--as-of", "2025-06-30", cwd=root), "projects/crm/project.yaml")}
    assert "GOV002" in codes


def test_getting_started_mentions_the_lifecycles() -> None:
    text = (ROOT / "docs/getting-started.md").read_text(encoding="utf-8")
    assert "--lifecycle" in text
    assert "lifecycles-init.md" in text
