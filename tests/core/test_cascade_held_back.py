"""An invalid project.yaml holds back only the findings that need the project's own data; findings on its
records that stand on their own (a dangling owner, an unowned critical risk) are still reported, and the
output says how many were held back and why."""

from __future__ import annotations

import json
from pathlib import Path

from pmo_lint.options import RunOptions
from pmo_lint.reporters import json_report, text
from pmo_lint.run import check
from tests.policies.conftest import AS_OF, BASE, portfolio

CRM = "projects/crm-migration"

RISK = """\
apiVersion: pmo-lint/v1
kind: Risk
metadata:
  name: {name}
  namespace: crm-migration
  title: Vendor insolvency
spec:
  type: threat
  category: external
  probability: very-high
  impact: very-high
{owner}  state: open
  identifiedDate: 2025-02-01
  reviewDate: 2025-06-15
"""


def _run(root: Path) -> tuple[list[tuple[str, str]], object]:
    result = check(RunOptions(paths=(root,), as_of=AS_OF, no_cache=True, select=("ALL",))).result
    return [(d.path, d.code) for d in result.diagnostics], result


def test_invalid_project_keeps_the_independent_findings_on_its_records(tmp_path: Path) -> None:
    project = (BASE / CRM / "project.yaml").read_text(encoding="utf-8")
    assert "  businessUnit: Sales\n" in project
    files = {
        f"{CRM}/risks/r-002.yaml": RISK.format(name="r-002", owner="  owner: person:ghost\n"),
        f"{CRM}/risks/r-003.yaml": RISK.format(name="r-003", owner=""),
    }
    valid, _ = _run(portfolio(tmp_path, files))
    # with a valid project: the dangling owner and the unowned critical risk; cr-001's baseline B2 exists
    assert (f"{CRM}/risks/r-002.yaml", "PMO007") in valid
    assert (f"{CRM}/risks/r-003.yaml", "OPS005") in valid
    assert (f"{CRM}/changes/cr-001.yaml", "OPS009") not in valid

    broken = {**files, f"{CRM}/project.yaml": project.replace("  businessUnit:", "  businesUnit:")}
    found, result = _run(portfolio(tmp_path, broken))
    assert (f"{CRM}/project.yaml", "PMO004") in found
    assert (f"{CRM}/risks/r-002.yaml", "PMO007") in found  # reads only the risk and the people register
    assert (f"{CRM}/risks/r-003.yaml", "OPS005") in found  # reads only the risk and the risk matrix
    # whether cr-001 names a baseline of the project cannot be judged without the project: held back,
    # not reported as a false "no such baseline"
    assert (f"{CRM}/changes/cr-001.yaml", "OPS009") not in found
    held = result.held_back
    assert held is not None and held.count >= 1 and held.projects == ("crm-migration",)
    summary = text.summary(result)  # type: ignore[arg-type]
    assert f"{held.count} finding" in summary and "crm-migration" in summary and "held back" in summary
    doc = json.loads(json_report.render(result))  # type: ignore[arg-type]
    assert doc["summary"]["heldBack"] == held.count
    assert doc["heldBack"]["projects"] == ["crm-migration"] and doc["heldBack"]["reason"]
