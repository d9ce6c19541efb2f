"""The CEL policy engine: loading and validating packs, evaluating rules, and reporting broken ones."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

from pmo_lint.diagnostics import Diagnostic, Result, Severity
from pmo_lint.options import RunOptions
from pmo_lint.rules.policy import (
    comprehension_depth,
    load_policies,
    normalise,
    parse_data_path,
    read_pack,
    render_message,
)
from pmo_lint.rules.wording import format_value
from pmo_lint.run import check
from tests.policy_kit import write_portfolio

GOOD = """\
pack: acme
title: Acme house rules
rules:
  - id: budget-set
    code: ACM001
    title: Projects have a budget
    severity: error
    kind: Project
    when: facts.active
    assert: 'has(entity.spec.budget) && entity.spec.budget.bac > 0.0'
    path: spec.lifecycle
    message: project {entity.metadata.name} in phase {facts.phase} has no budget (bac {facts.bac}); add spec.budget
  - id: risks-closed
    code: ACM002
    title: Few open risks
    severity: warning
    kind: Project
    assert: facts.risks.open < 2
    message: '{facts.risks.open} open risks, max score {facts.risks.maxScore}'
"""

PROJECT2 = """\
apiVersion: pmo-lint/v1
kind: Project
metadata:
  name: erp
spec:
  type: it
  category: strategic
  lifecycle:
    phase: proposed
"""


def lint(root: Path, packs: dict[str, str], *, select: tuple[str, ...] = ("ACM",), as_of: str = "2025-06-30") -> Result:
    for name, text in packs.items():
        (root / "policies").mkdir(exist_ok=True)
        (root / "policies" / name).write_text(text, encoding="utf-8")
    listed = ", ".join(f"policies/{n}" for n in packs)
    (root / ".pmo-lint.yaml").write_text(f"policies: [{listed}]\n", encoding="utf-8")
    return check(RunOptions(paths=(root,), select=select, as_of=dt.date.fromisoformat(as_of))).result


def codes(result: Result) -> list[tuple[str, str, int]]:
    return [(d.code, d.path, d.line) for d in result.diagnostics]


def only(result: Result, code: str) -> list[Diagnostic]:
    return [d for d in result.diagnostics if d.code == code]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return write_portfolio(tmp_path / "p", {"projects/erp/project.yaml": PROJECT2})


def test_rules_fire_with_rendered_messages(root: Path) -> None:
    no_budget = (root / "projects/crm/project.yaml").read_text().replace("  budget: {bac: 1000}\n", "")
    (root / "projects/crm/project.yaml").write_text(no_budget)
    result = lint(root, {"acme.yaml": GOOD})
    acm1 = only(result, "ACM001")
    assert [x.entity for x in acm1] == ["project:crm", "project:erp"]
    d = acm1[0]
    assert d.path == "projects/crm/project.yaml"
    assert d.line == 10  # spec.lifecycle, the rule's `path`
    assert d.severity is Severity.ERROR
    assert d.rule == "budget-set"
    # the baseline BAC is 800 (whole numbers print without .0)
    assert d.message == "project crm in phase executing has no budget (bac 800); add spec.budget"
    acm2 = only(result, "ACM002")
    assert [x.message for x in acm2] == ["2 open risks, max score 25"]
    assert not only(result, "PMO011")


def test_broken_yaml_pack_is_a_finding_and_other_packs_still_run(root: Path) -> None:
    result = lint(root, {"acme.yaml": GOOD, "broken.yaml": "pack: broken\nrules: [\n  - id: x\n"})
    errors = only(result, "PMO011")
    assert len(errors) == 1
    assert errors[0].path == "policies/broken.yaml"
    assert errors[0].line >= 2
    assert "not valid YAML" in errors[0].message
    assert only(result, "ACM002")  # the good pack still ran


BROKEN_RULES = """\
pack: acme
rules:
  - id: syntax
    code: ACM010
    title: Syntax error
    severity: error
    kind: Project
    assert: 'facts.bac >'
    message: m
  - id: unknown-function
    code: ACM011
    title: Unknown function
    severity: error
    kind: Project
    assert: 'daysSinse(entity.spec.x) > 3.0'
    message: m
  - id: unknown-variable
    code: ACM012
    title: Unknown variable
    severity: error
    kind: Project
    assert: 'fact.bac > 3.0'
    message: m
  - id: unknown-key
    code: ACM013
    title: Unknown key
    severity: error
    kind: Project
    asert: 'true'
    message: m
  - id: still-runs
    code: ACM014
    title: Still runs
    severity: info
    kind: Project
    assert: 'false'
    message: ran on {entity.metadata.name}
  - id: still-runs
    code: ACM014
    title: Duplicate
    severity: info
    kind: Project
    assert: 'false'
    message: dup
  - id: bad-kind
    code: ACM015
    title: Bad kind
    severity: fatal
    kind: Projekt
    assert: 'true'
    message: '{nothing.here}'
"""


def test_each_broken_rule_is_reported_at_its_line(root: Path) -> None:
    result = lint(root, {"acme.yaml": BROKEN_RULES})
    errors = only(result, "PMO011")
    by_line = {d.line: d.message for d in errors}
    assert all(d.path == "policies/acme.yaml" for d in errors)
    assert "CEL syntax error" in by_line[8] and "ACM010" in by_line[8]
    assert "unknown function 'daysSinse'" in by_line[15] and "did you mean 'daysSince'" in by_line[15]
    assert "unknown variable 'fact'" in by_line[22] and "did you mean 'facts'" in by_line[22]
    assert "unknown key 'asert'" in by_line[29]
    assert "`assert` is required" in next(m for line, m in by_line.items() if 24 <= line <= 30 and "required" in m)
    assert any("ACM014" in m and "used by another rule" in m for m in by_line.values())
    assert any("unknown severity 'fatal'" in m for m in by_line.values())
    # the valid rule in the same file still runs, on every project
    assert sorted(d.message for d in only(result, "ACM014")) == ["ran on crm", "ran on erp"]


MISSING_FIELD = """\
pack: acme
rules:
  - id: budget-positive
    code: ACM020
    title: Budget positive
    severity: error
    kind: Project
    assert: entity.spec.budget.bac > 0
    message: m
  - id: phase-known
    code: ACM021
    title: Phase known
    severity: warning
    kind: Project
    assert: facts.phaseIndex > 3
    message: phase index {facts.phaseIndex}
"""


def test_rule_failing_on_an_entity_is_reported_once_at_its_line_and_the_run_goes_on(root: Path) -> None:
    result = lint(root, {"acme.yaml": MISSING_FIELD})
    errors = only(result, "PMO011")
    assert len(errors) == 1
    err = errors[0]
    assert (err.path, err.line, err.entity) == ("policies/acme.yaml", 8, "")  # the rule's `assert` line
    assert "ACM020" in err.message and "projects/erp/project.yaml" in err.message  # crm has a budget and passes
    assert "budget" in err.message and "has(" in err.message
    assert not only(result, "ACM020")
    # the int literal 0 and the float fact compare fine (numbers are normalised)
    assert sorted(d.message for d in only(result, "ACM021")) == ["phase index 0", "phase index 3"]


EACH = """\
pack: acme
rules:
  - id: key-milestone-late
    code: ACM030
    title: Key milestones on time
    severity: warning
    kind: Project
    each: 'has(entity.spec.milestones) ? entity.spec.milestones : []'
    when: item.key && !has(item.actualDate) && (!has(item.status) || item.status != "done")
    assert: 'daysSince(item.forecastDate) <= 0.0'
    path: spec.milestones
    message: milestone {item.id} (#{index}) is {facts.keyMilestonesOverdue} late as of {asOf}
  - id: helpers
    code: ACM031
    title: Helper functions
    severity: info
    kind: Project
    assert: >-
      !(daysBetween("2025-06-01", asOf) == 29.0 && isBefore("2025-01-01", asOf)
      && exists("pmo.yaml") && !exists("../etc/passwd") && !exists("nope.md")
      && sum([1.0, 2.0]) == 3.0 && "abc".matches("^a"))
    message: helpers work
  - id: not-bool
    code: ACM032
    title: Not a bool
    severity: info
    kind: StrategicGoal
    assert: entity.metadata.name
    message: m
"""


def test_each_rules_point_at_the_item_and_functions_work(root: Path) -> None:
    result = lint(root, {"acme.yaml": EACH})
    late = only(result, "ACM030")
    assert [(d.message, d.data_path) for d in late] == [
        ("milestone m1 (#0) is 1 late as of 2025-06-30", ("spec", "milestones", 0))
    ]
    assert late[0].line == 31  # the first milestone's line in the project file
    assert [d.path for d in only(result, "ACM031")] == ["projects/crm/project.yaml", "projects/erp/project.yaml"]
    errors = only(result, "PMO011")
    assert len(errors) == 1 and "must give true or false" in errors[0].message
    assert errors[0].path == "policies/acme.yaml" and "strategy/goals/grow.yaml" in errors[0].message


def test_as_of_changes_what_time_rules_see(root: Path) -> None:
    early = lint(root, {"acme.yaml": EACH}, as_of="2025-04-01")
    assert not only(early, "ACM030")


def test_severity_by_prefix_and_pack(root: Path) -> None:
    (root / "policies").mkdir()
    (root / "policies/acme.yaml").write_text(GOOD)
    (root / ".pmo-lint.yaml").write_text("policies: [policies/acme.yaml]\nseverity: {ACM: info, acme: error}\n")
    result = check(RunOptions(paths=(root,), select=("acme",), as_of=dt.date(2025, 6, 30))).result
    assert {d.severity for d in only(result, "ACM002")} == {Severity.INFO}  # the prefix beats the pack name
    (root / ".pmo-lint.yaml").write_text("policies: [policies/acme.yaml]\nseverity: {acme: error}\n")
    result = check(RunOptions(paths=(root,), select=("acme",), as_of=dt.date(2025, 6, 30))).result
    assert {d.severity for d in only(result, "ACM002")} == {Severity.ERROR}


def test_custom_packs_are_on_by_default_and_the_pack_files_are_not_entities(root: Path) -> None:
    (root / "policies").mkdir()
    (root / "policies/acme.yaml").write_text(GOOD)
    (root / ".pmo-lint.yaml").write_text("policies: [policies]\nignore: [GOV, STR, TAC, OPS, TRF]\n")
    result = check(RunOptions(paths=(root,), as_of=dt.date(2025, 6, 30))).result
    assert only(result, "ACM002")
    assert not [d for d in result.diagnostics if d.path.startswith("policies/")]


def test_missing_policy_path_is_reported(root: Path) -> None:
    (root / ".pmo-lint.yaml").write_text("policies: [nowhere.yaml]\n")
    result = check(RunOptions(paths=(root,), select=("ACM",), as_of=dt.date(2025, 6, 30))).result
    assert any("'nowhere.yaml' does not exist" in d.message for d in only(result, "PMO011"))


def test_entry_point_packs(tmp_path: Path, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    dist = site / "acme_rules-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-rules\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[pmo_lint.rules]\nacme = acme_rules:packs\n")
    (site / "acme_rules.py").write_text(
        "from pathlib import Path\ndef packs():\n    return [str(Path(__file__).with_name('acme.yaml'))]\n"
    )
    (site / "acme.yaml").write_text(GOOD)
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.delitem(sys.modules, "acme_rules", raising=False)
    result = check(RunOptions(paths=(root,), select=("ACM",), as_of=dt.date(2025, 6, 30))).result
    assert only(result, "ACM002")
    loaded = load_policies(compile_cel=False)
    assert "acme" in loaded.custom_packs
    assert {r.meta.code for r in loaded.rules} >= {"ACM001", "ACM002"}


def test_unit_helpers() -> None:
    assert parse_data_path("spec.milestones[2].forecastDate") == ("spec", "milestones", 2, "forecastDate")
    assert parse_data_path("spec..x") is None
    assert parse_data_path("[1]") is None
    assert normalise({"a": [1, True, None, "x"], "b": 2.5}) == {"a": [1.0, True, None, "x"], "b": 2.5}
    assert len(normalise(list(range(5000)))) == 1000  # bounded before CEL sees it
    assert format_value(0.8333) == "0.83"
    assert format_value(12.0) == "12"
    assert format_value(None) == "unknown"
    assert format_value(["a", "b"]) == "a, b"
    assert render_message("{{x}} {facts.a.b} {facts.missing}", {"facts": {"a": {"b": 2.0}}}) == "{x} 2 unknown"
    assert comprehension_depth("a.all(x, x.b.exists(y, y.c.map(z, z)))") == 3
    assert comprehension_depth("a.all(x, x > 0) && b.exists(y, y)") == 1
    assert comprehension_depth('"a.all(x, b.all(y, c.all(z, z)))" == s') == 0


def test_deep_comprehensions_are_refused() -> None:
    from pmo_lint.rules.policy import compile_pack

    pack = read_pack(
        b"pack: acme\nrules:\n  - {id: deep, code: ACM040, title: t, severity: info, kind: Project, message: m,\n"
        b"     assert: 'entity.spec.milestones.all(a, entity.spec.milestones.all(b, "
        b"entity.spec.milestones.all(c, true)))'}\n",
        "acme.yaml",
    )
    compiled = compile_pack(pack)
    assert not compiled.rules
    assert "nest deeper" in compiled.problems[0].message


def test_reading_metadata_needs_no_cel(tmp_path: Path) -> None:
    pack = read_pack(GOOD.encode(), "acme.yaml")
    assert [r.meta.code for r in pack.rules] == ["ACM001", "ACM002"]
    assert pack.rules[0].meta.source == "acme.yaml:4"
    assert pack.rules[0].meta.kinds == ("Project",)
    assert not pack.rules[0].programs


def test_trimmed_context_keeps_the_meaning() -> None:
    from pmo_lint.rules.policy import fast_paths, referenced_keys

    assert fast_paths('has(entity.spec.a) && "entity.spec.a" != entity.spec.b') == (
        'has(entity__spec.a) && "entity.spec.a" != entity__spec.b'
    )
    assert fast_paths("size(entity.spec) > 0") == "size(entity.spec) > 0"  # whole spec: left alone
    reads = referenced_keys(fast_paths("entity.spec.budget.bac > config.thresholds.cpi.red && facts.active"))
    assert reads == {"entity__spec": {"budget"}, "config": {"thresholds"}, "facts": {"active"}}
    assert referenced_keys("size(entity.spec) > 0 && facts.x")["entity"] == {"spec"}
    assert referenced_keys("entity == facts")["entity"] is None


WHOLE = """\
pack: acme
rules:
  - id: whole-spec
    code: ACM060
    title: Whole spec
    severity: info
    kind: Project
    assert: '!("budget" in entity.spec) || size(entity.spec) < 3'
    message: spec has {facts.phase} keys
  - id: maturity
    code: ACM061
    title: Maturity
    severity: info
    kind: Project
    assert: facts.maturityLevel == "silver"
    message: level {facts.maturityLevel}
"""


def test_whole_values_and_maturity_after_the_other_rules(root: Path) -> None:
    pmo = (root / "pmo.yaml").read_text().replace("checks: [ZZZ]", "checks: [ACM060]")
    (root / "pmo.yaml").write_text(pmo)
    result = lint(root, {"acme.yaml": WHOLE})
    assert [d.entity for d in only(result, "ACM060")] == ["project:crm"]  # erp has no budget
    # crm fails ACM060 (a silver check), so it stays bronze; erp passes it and reaches silver
    assert [(d.entity, d.message) for d in only(result, "ACM061")] == [("project:crm", "level bronze")]


def test_invalid_pmo_yaml_does_not_flood_policy_errors(root: Path) -> None:
    pmo = (root / "pmo.yaml").read_text().replace("escalationScore: 9", "escalationScore: nine")
    (root / "pmo.yaml").write_text(pmo)
    uses_config = GOOD.replace("assert: facts.risks.open < 2", "assert: facts.risks.open < config.cadence.x")
    result = check(RunOptions(paths=(root,), as_of=dt.date(2025, 6, 30))).result
    assert [d.code for d in result.diagnostics] == ["PMO004"]
    result = lint(root, {"acme.yaml": uses_config}, select=("ACM", "PMO"))
    assert sorted({d.code for d in result.diagnostics}) == ["ACM001", "PMO004"]


def test_maturity_counts_level_checks_that_are_not_selected(root: Path) -> None:
    pmo = (root / "pmo.yaml").read_text().replace("checks: [ZZZ]", "checks: [ACM060]")
    (root / "pmo.yaml").write_text(pmo)
    result = lint(root, {"acme.yaml": WHOLE}, select=("ACM061",))
    assert not only(result, "ACM060")  # not reported: only selected for the level
    assert [(d.entity, d.message) for d in only(result, "ACM061")] == [("project:crm", "level bronze")]


def test_listing_rules_reads_packs_without_cel_or_pydantic() -> None:
    import subprocess

    code = (
        "import sys\n"
        "from pmo_lint.commands.catalog_view import explain_rule, list_rules\n"
        "text = list_rules(None, 'text')\n"
        "explain_rule('GOV052')\n"
        "heavy = sorted(m for m in ('cel', 'pydantic', 'jsonschema', 'git', 'mkdocs') if m in sys.modules)\n"
        "print(heavy, text.splitlines()[-1])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.startswith("[] ")
    assert "in 6 pack(s)" in out  # core plus the five shipped packs


def test_rules_and_explain_show_the_configured_custom_packs(root: Path) -> None:
    from tests.conftest import run_cli

    (root / "policies").mkdir()
    (root / "policies/acme.yaml").write_text(GOOD)
    (root / ".pmo-lint.yaml").write_text("policies: [policies]\n")
    listed = run_cli("rules", "--pack", "acme", cwd=root)
    assert listed.code == 0, listed.err
    assert [line.split()[0] for line in listed.out.splitlines()[1:-1]] == ["ACM001", "ACM002"]
    explained = run_cli("explain", "risks-closed", cwd=root)
    assert explained.code == 0 and explained.out.startswith("ACM002 risks-closed: Few open risks")
