"""Governance roles: declared in pmo.yaml, held by people, named in approvals (GOV010, GOV011, GOV018)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from tests.policies.conftest import HERE, check, portfolio

BASE_PMO = (HERE / "base" / "pmo.yaml").read_text(encoding="utf-8")
CFO = """\
apiVersion: pmo-lint/v1
kind: Person
metadata: {name: cleo-cfo}
spec:
  profile: {displayName: Cleo Chen}
  governanceRoles: [%s]
"""


def _messages(root: Path, code: str) -> list[tuple[str, str, str]]:
    return [(d.path, d.data_path_text, d.message) for d in check(root, [code]) if d.code == code]


def test_governance_role_typo_on_a_person_suggests_the_declared_role(tmp_path: Path) -> None:
    found = _messages(portfolio(tmp_path, {"people/cleo-cfo.yaml": CFO % "cfoo"}), "GOV018")
    assert len(found) == 1
    path, where, message = found[0]
    assert (path, where) == ("people/cleo-cfo.yaml", "spec.governanceRoles[0]")
    assert "Cleo Chen (cleo-cfo)" in message and "did you mean 'cfo'?" in message


def test_unknown_role_in_the_approval_matrix_is_an_error_with_a_suggestion(tmp_path: Path) -> None:
    pmo = BASE_PMO.replace("approverRoles: [cfo, steering-committee]", "approverRoles: [cfo, steering-comittee]")
    pmo = pmo.replace("- {id: cfo, title: Chief Financial Officer}", "- {id: pmo-director, title: Director}")
    found = _messages(portfolio(tmp_path, {"pmo.yaml": pmo}), "GOV018")
    by_where = {where: message for _, where, message in found}
    assert "did you mean 'steering-committee'?" in by_where["spec.approvalMatrix[1].approverRoles[1]"]
    assert "one of the seven PMO roles" in by_where["spec.governanceRoles[0].id"]
    # cfo is no longer declared once its declaration is taken over
    assert "not known" in by_where["spec.approvalMatrix[1].approverRoles[0]"]


def test_a_person_must_hold_some_role(tmp_path: Path) -> None:
    nobody = CFO.replace("  governanceRoles: [%s]\n", "")
    found = _messages(portfolio(tmp_path, {"people/cleo-cfo.yaml": nobody}), "GOV018")
    assert [m for _, _, m in found] == [
        "Cleo Chen (cleo-cfo) holds no role; add a PMO role under roles or a governance role under governanceRoles"
    ]


def test_a_governance_role_counts_for_approvals_and_gates(tmp_path: Path) -> None:
    cr = """\
apiVersion: pmo-lint/v1
kind: ChangeRequest
metadata: {name: cr-002, namespace: crm-migration}
spec:
  priority: high
  requestedBy: person:ann-analyst
  requestedDate: 2025-06-02
  businessJustification: New region.
  impact: Adds 300k EUR.
  category: [cost]
  delta: {budget: 300000}
  approval:
    status: approved
    approvals:
      - {by: person:pat-director, role: pmo-director, date: 2025-06-09, decision: approved}
      - {by: person:cleo-cfo, role: cfo, date: 2025-06-10, decision: approved}
"""
    files = {"people/cleo-cfo.yaml": CFO % "cfo", "projects/crm-migration/changes/cr-002.yaml": cr}
    root = portfolio(tmp_path, files)
    assert [d.code for d in check(root, ["GOV008", "GOV010", "GOV018"])] == []
    # claiming a governance role the person does not hold is GOV010, named by display name
    root = portfolio(tmp_path, {**files, "people/cleo-cfo.yaml": CFO % "steering-committee"})
    found = _messages(root, "GOV010")
    assert len(found) == 1 and found[0][2].startswith("Cleo Chen (cleo-cfo) approved as cfo but does not hold")
    assert "governance roles: steering-committee" in found[0][2]


# -- docs/governance-roles.md: the page's examples form one portfolio, checked as the page says -----
DOC = Path(__file__).resolve().parents[2] / "docs" / "governance-roles.md"
EXAMPLES = re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
EXPECT = re.compile(r"#\s*expect:\s*([A-Z]{3}\d{3})(?:\s*\((.*)\))?")


def _merge(spec: dict[str, Any], fragment: dict[str, Any], seen: set[str]) -> None:
    """A later fragment adds rows to the page's approval matrix and replaces the gates it names (by id)."""
    for key, value in fragment.items():
        if key == "approvalMatrix" and key in seen:
            spec[key] = [*spec[key], *value]
        elif key == "lifecycle":
            named = {g["id"]: g for g in value.get("gates", [])}
            spec[key]["gates"] = [named.get(g["id"], g) for g in spec[key]["gates"]]
        else:
            spec[key] = value
        seen.add(key)


def _doc_portfolio(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    pmo = yaml.safe_load(BASE_PMO)
    files: dict[str, str] = {}
    seen: set[str] = set()
    for block in EXAMPLES:
        head = re.match(r"#\s*(\S+)", block)
        assert head, f"an example must start with `# <path>`: {block[:60]!r}"
        if head.group(1) == "pmo.yaml":  # a fragment of pmo.yaml's spec
            _merge(pmo["spec"], yaml.safe_load(block), seen)
        else:
            files[head.group(1)] = block
    return portfolio(tmp_path, {"pmo.yaml": yaml.safe_dump(pmo, sort_keys=False), **files}), files


def test_the_page_has_its_examples() -> None:
    assert len(EXAMPLES) == 12


def test_the_page_examples_are_valid_and_fire_where_the_page_says(tmp_path: Path) -> None:
    root, files = _doc_portfolio(tmp_path)
    found = check(root, ["PMO", "GOV008", "GOV010", "GOV011", "GOV018"])
    expected: dict[tuple[str, int, str], str] = {}
    for rel, text in files.items():
        for n, line in enumerate(text.splitlines(), start=1):
            if m := EXPECT.search(line):
                expected[(rel, n, m.group(1))] = m.group(2) or ""
    got = {(d.path, d.line, d.code): d.message for d in found}
    assert set(got) == set(expected), [f"{d.path}:{d.line} {d.code} {d.message}" for d in found]
    for key, words in expected.items():
        assert words in got[key]
    # the typo, the missing CFO approval, the director passing the executive's gate, and the director
    # approving a change that needs the finance director or the executive
    assert len(expected) == 4


def test_the_page_messages_name_people_and_the_roles_that_could_approve(tmp_path: Path) -> None:
    root, _ = _doc_portfolio(tmp_path)
    (gov008,) = [d for d in check(root, ["GOV008"]) if d.code == "GOV008" and "crm-migration" in d.path]
    assert "cfo (Chief Financial Officer) or steering-committee (Steering committee)" in gov008.message
    assert "Pat Director (pat-director)" in gov008.message


def test_the_page_findings_say_who_should_have_decided(tmp_path: Path) -> None:
    root, _ = _doc_portfolio(tmp_path)
    found = {d.code: d.message for d in check(root, ["GOV008", "GOV011"]) if "wms-replacement" in d.path}
    assert found["GOV011"].startswith(
        "gate G1 of wms-replacement was decided by Ana Lopez (ana-lopez); this project's executive is Ben Carter "
        "(ben-carter)"
    )
    assert "approved only by Ana Lopez (ana-lopez), in the roles pmo-director" in found["GOV008"]


def test_a_matrix_row_naming_nobody_is_an_error(tmp_path: Path) -> None:
    pmo = BASE_PMO.replace("      approverRoles: [cfo, steering-committee]\n", "")
    found = _messages(portfolio(tmp_path, {"pmo.yaml": pmo}), "GOV018")
    assert [(where, m) for _, where, m in found] == [
        (
            "spec.approvalMatrix[1]",
            "approval matrix row 2 names nobody who may approve; add approverRoles, approverRelations or both",
        )
    ]
