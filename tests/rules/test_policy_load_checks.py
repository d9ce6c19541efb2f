"""Rule packs are checked when they load: literal arguments compile, a failing rule is one finding at
its line, and a pack named on the command line (as pre-commit names it) is checked as a pack."""

from __future__ import annotations

from pathlib import Path

import pytest

from pmo_lint.rules.policy import literal_problems, read_pack
from tests.conftest import run_cli
from tests.policy_kit import AS_OF, write_portfolio

RULE = """\
  - id: {id}
    code: {code}
    title: A rule
    severity: error
    kind: Project
    assert: '{expr}'
    message: broken
"""


def pack(*exprs: str) -> str:
    rules = "".join(RULE.format(id=f"r-{i}", code=f"ACM{i:03d}", expr=e) for i, e in enumerate(exprs, 1))
    return "pack: acme\nrules:\n" + rules


ERP = """\
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


def portfolio(root: Path, pack_text: str) -> Path:
    files = {
        "policies/acme.yaml": pack_text,
        ".pmo-lint.yaml": "policies: [policies/acme.yaml]\n",
        "projects/erp/project.yaml": ERP,
    }
    return write_portfolio(root, files)


@pytest.mark.parametrize(
    ("expr", "said"),
    [
        ('entity.metadata.name.matches("[a-z")', 'the regular expression "[a-z" is invalid: unclosed character class'),
        ('entity.metadata.name.matches("(a")', "unclosed group"),
        ('daysBetween("2025-02-30", asOf) > 1.0', '"2025-02-30", which is not a date'),
        ('daysSince("30/06/2025") > 1.0', "not a date; write dates as 'YYYY-MM-DD'"),
        ('isBefore(asOf, "soon")', "not a date"),
        ('timestamp("2025-13-01T00:00:00Z") < timestamp(asOf)', "is not a timestamp"),
        ('duration("5 days") > duration("1h")', "is not a duration"),
        ('int("ten") > 1', 'int("ten") cannot be converted'),
    ],
)
def test_bad_literal_is_a_load_problem_at_the_rules_line(expr: str, said: str) -> None:
    assert any(said in p for p in literal_problems(expr)), literal_problems(expr)
    from pmo_lint.rules.policy import compile_pack

    compiled = compile_pack(read_pack(pack(expr).encode(), "policies/acme.yaml"))
    assert not compiled.rules
    [problem] = compiled.problems
    assert (problem.path, problem.line) == ("policies/acme.yaml", 8)  # the `assert:` line
    assert said in problem.message and "ACM001" in problem.message


@pytest.mark.parametrize(
    "expr",
    [
        'entity.metadata.name.matches("^[a-z0-9]+(-[a-z0-9]+)*$")',
        "entity.metadata.name.matches(r'\\d{3}')",
        'daysBetween("2025-06-01", asOf) >= 0.0 && isBefore("2025-01-01", asOf)',
        '"x.matches(\\"[\\")" != entity.metadata.name',  # a call inside a string is text
        'timestamp("2025-06-30T00:00:00Z") > timestamp("2025-01-01T00:00:00Z") && duration("90m") > duration("1h")',
    ],
)
def test_good_literals_pass(expr: str) -> None:
    assert literal_problems(expr) == []


def test_shipped_packs_have_no_bad_literals() -> None:
    from pmo_lint.rules.policy import load_policies

    assert load_policies(plugins=False).problems == ()


def test_a_runtime_failure_is_one_finding_at_the_rules_line(tmp_path: Path) -> None:
    root = portfolio(tmp_path / "p", pack("entity.spec.nothere.size > 1.0"))
    result = run_cli("check", str(root), "--as-of", AS_OF, "--select", "ACM,PMO011", "--format", "json")
    import json

    errors = [d for d in json.loads(result.out)["diagnostics"] if d["code"] == "PMO011"]
    assert len(errors) == 1, errors  # not one copy per project
    [error] = errors
    assert (error["path"], error["line"]) == ("policies/acme.yaml", 8)
    assert "field 'nothere' is missing; guard it with has(" in error["message"]
    assert "2 Project files" in error["message"] and "projects/crm/project.yaml" in error["message"]
    assert result.code == 1


def test_naming_a_broken_pack_checks_it(tmp_path: Path) -> None:
    root = portfolio(tmp_path / "p", pack('entity.metadata.name.matches("[a-z")'))
    result = run_cli("check", "policies/acme.yaml", "--as-of", AS_OF, cwd=root)
    assert result.code == 1, result.out + result.err
    assert "policies/acme.yaml:8:1: PMO011" in result.out
    assert "unclosed character class" in result.out
    assert "0 files" not in result.out and "All checks passed" not in result.out


def test_naming_a_pack_reports_what_its_rules_find(tmp_path: Path) -> None:
    root = portfolio(tmp_path / "p", pack('entity.metadata.name == "crm"'))
    result = run_cli("check", "policies/acme.yaml", "--as-of", AS_OF, cwd=root)
    assert result.code == 1, result.out + result.err
    assert "projects/erp/project.yaml" in result.out and "ACM001" in result.out
    assert "in 1 file" in result.out  # the pack itself is the file checked
