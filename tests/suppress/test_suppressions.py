"""Inline `# pmo-lint:` comments and Waiver entities: what they hide, and what they report themselves."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from pmo_lint.diagnostics import Result
from pmo_lint.options import RunOptions
from pmo_lint.rules.suppress import scan_directives
from pmo_lint.run import check
from tests.conftest import run_cli
from tests.policy_kit import PROJECT, write_portfolio

SELECT = ("PMO007", "PMO012", "GOV050", "GOV051", "GOV052")
# one dangling reference (PMO007) on line 8 of the project file
BAD_OWNER = "  owner: person:nobody"


def project_with(owner_line: str) -> str:
    return PROJECT.replace("  owner: person:jo-pm", owner_line)


def lint(root: Path, as_of: str = "2025-06-30", select: tuple[str, ...] = SELECT) -> Result:
    return check(RunOptions(paths=(root,), select=select, as_of=dt.date.fromisoformat(as_of))).result


def found(result: Result) -> list[tuple[str, str, int]]:
    return [(d.code, d.path, d.line) for d in result.diagnostics]


def test_baseline_finding(tmp_path: Path) -> None:
    root = write_portfolio(tmp_path, {"projects/crm/project.yaml": project_with(BAD_OWNER)})
    assert found(lint(root)) == [("PMO007", "projects/crm/project.yaml", 8)]


@pytest.mark.parametrize(
    "owner",
    [
        BAD_OWNER + "  # pmo-lint: disable=PMO007 -- owner joins in July",
        "  # pmo-lint: disable=unknown-reference,PMO010 -- owner joins in July\n" + BAD_OWNER,
        "  # pmo-lint: disable=PMO007 -- owner joins in July\n\n  # another comment\n" + BAD_OWNER,
    ],
    ids=["same-line", "line-above-by-id", "above-past-blank-and-comment"],
)
def test_inline_suppression_with_reason(tmp_path: Path, owner: str) -> None:
    root = write_portfolio(tmp_path, {"projects/crm/project.yaml": project_with(owner)})
    result = lint(root)
    assert found(result) == []
    assert len(result.suppressed) == 1
    hidden = result.suppressed[0]
    assert hidden.code == "PMO007"
    assert hidden.suppression is not None
    assert (hidden.suppression.kind, hidden.suppression.justification) == ("inline", "owner joins in July")


def test_inline_suppression_without_reason_is_a_finding_and_hides_nothing(tmp_path: Path) -> None:
    root = write_portfolio(
        tmp_path, {"projects/crm/project.yaml": project_with(BAD_OWNER + "  # pmo-lint: disable=PMO007")}
    )
    result = lint(root)
    assert sorted(found(result)) == [
        ("PMO007", "projects/crm/project.yaml", 8),
        ("PMO012", "projects/crm/project.yaml", 8),
    ]
    assert "needs a reason" in next(d.message for d in result.diagnostics if d.code == "PMO012")
    assert result.suppressed == ()


def test_unknown_code_and_other_lines(tmp_path: Path) -> None:
    text = project_with(BAD_OWNER).replace(
        "  category: strategic", "  category: strategic  # pmo-lint: disable=PMO007 -- wrong line"
    )
    text = text.replace("  type: it", "  type: it  # pmo-lint: disable=XYZ999 -- no such rule")
    root = write_portfolio(tmp_path, {"projects/crm/project.yaml": text})
    result = lint(root)
    assert ("PMO007", "projects/crm/project.yaml", 8) in found(result)  # a directive on another line does not hide it
    assert any("unknown rule 'XYZ999'" in d.message for d in result.diagnostics if d.code == "PMO012")


def test_disable_file(tmp_path: Path) -> None:
    text = "# pmo-lint: disable-file=PMO007 -- migrated from the old tool\n" + project_with(BAD_OWNER)
    root = write_portfolio(tmp_path, {"projects/crm/project.yaml": text})
    result = lint(root)
    assert found(result) == []
    assert [d.suppression.justification for d in result.suppressed if d.suppression] == ["migrated from the old tool"]


def test_load_problems_cannot_be_suppressed(tmp_path: Path) -> None:
    root = write_portfolio(tmp_path, {"people/x.yaml": "a: [\n# pmo-lint: disable-file=PMO001 -- nope\n"})
    result = lint(root, select=("PMO001",))
    assert [d.code for d in result.diagnostics] == ["PMO001"]


def test_scanning_is_cheap_and_precise() -> None:
    assert scan_directives(b"kind: Project\nmetadata: {name: x}\n") == ()
    found_ = scan_directives(b'a: "text # pmo-lint: mentioned in a value"\nb: 1 # pmo-lint: disable=PMO007 -- ok\n')
    assert [(d.line, d.target, d.codes, d.reason) for d in found_] == [(2, 2, ("PMO007",), "ok")]


WAIVER = """\
apiVersion: pmo-lint/v1
kind: Waiver
metadata:
  name: {name}
spec:
  check: {check}
  targets: [{target}]
  justification: The new owner is being hired; the sponsor covers until then.
  approvedBy: person:{approver}
  created: 2025-06-01
  expires: {expires}
"""


def waiver(
    name: str,
    *,
    check: str = "PMO007",
    target: str = "project:crm",
    approver: str = "pat-director",
    expires: str = "2025-09-30",
) -> str:
    return WAIVER.format(name=name, check=check, target=target, approver=approver, expires=expires)


def test_valid_waiver_hides_its_finding(tmp_path: Path) -> None:
    root = write_portfolio(
        tmp_path, {"projects/crm/project.yaml": project_with(BAD_OWNER), "waivers/w.yaml": waiver("w")}
    )
    result = lint(root)
    assert found(result) == []
    assert len(result.suppressed) == 1
    s = result.suppressed[0].suppression
    assert s is not None and (s.kind, s.waiver) == ("waiver", "waiver:w")
    assert s.justification.startswith("The new owner")


def test_project_target_covers_its_records(tmp_path: Path) -> None:
    root = write_portfolio(tmp_path / "p", {"waivers/w.yaml": waiver("w")})
    risk = (root / "projects/crm/risks/r-1.yaml").read_text() + "  owner: person:ghost\n"
    (root / "projects/crm/risks/r-1.yaml").write_text(risk)
    result = lint(root)
    assert found(result) == []
    assert [d.entity for d in result.suppressed] == ["risk:crm/r-1"]


def test_expired_waiver_is_reported_and_hides_nothing(tmp_path: Path) -> None:
    root = write_portfolio(
        tmp_path,
        {"projects/crm/project.yaml": project_with(BAD_OWNER), "waivers/w.yaml": waiver("w", expires="2025-06-15")},
    )
    result = lint(root)
    assert sorted(found(result)) == [("GOV050", "waivers/w.yaml", 11), ("PMO007", "projects/crm/project.yaml", 8)]
    assert "expired on 2025-06-15" in next(d.message for d in result.diagnostics if d.code == "GOV050")
    # before its expiry date the same waiver still hides the finding
    assert found(lint(root, as_of="2025-06-10")) == []


def test_orphan_waiver_is_reported(tmp_path: Path) -> None:
    root = write_portfolio(
        tmp_path,
        {"waivers/w.yaml": waiver("w"), "waivers/ghost.yaml": waiver("ghost", check="NOPE001")},
    )
    result = lint(root)
    assert sorted(found(result)) == [("GOV051", "waivers/ghost.yaml", 7), ("GOV051", "waivers/w.yaml", 7)]
    messages = sorted(d.message for d in result.diagnostics)
    assert "no known rule" in messages[1] and "matches no finding" in messages[0]
    # when the waived rule is not selected, an unused waiver proves nothing
    assert [d.path for d in lint(root, select=("GOV051",)).diagnostics] == ["waivers/ghost.yaml"]


def test_unauthorised_waiver_is_reported_and_hides_nothing(tmp_path: Path) -> None:
    root = write_portfolio(
        tmp_path,
        {"projects/crm/project.yaml": project_with(BAD_OWNER), "waivers/w.yaml": waiver("w", approver="jo-pm")},
    )
    result = lint(root)
    assert sorted(found(result)) == [("GOV052", "waivers/w.yaml", 9), ("PMO007", "projects/crm/project.yaml", 8)]
    message = next(d.message for d in result.diagnostics if d.code == "GOV052")
    assert "holds project-manager" in message and "pmo-director" in message


def test_json_counts_suppressed_and_says_the_as_of_date(tmp_path: Path) -> None:
    root = write_portfolio(
        tmp_path,
        {
            "projects/crm/project.yaml": project_with(BAD_OWNER + "  # pmo-lint: disable=PMO007 -- hired in July"),
            "projects/crm/risks/r-1.yaml": (write_portfolio(tmp_path / "x") / "projects/crm/risks/r-1.yaml").read_text()
            + "  owner: person:ghost\n",
            "waivers/w.yaml": waiver("w"),
        },
    )
    out = run_cli("check", str(root), "--as-of", "2025-06-30", "--select", ",".join(SELECT), "--format", "json")
    assert out.code == 0, out.err
    doc = json.loads(out.out)
    assert doc["asOf"] == "2025-06-30"
    assert doc["summary"]["suppressed"] == 2
    kinds = sorted(d["suppression"]["kind"] for d in doc["suppressed"])
    assert kinds == ["inline", "waiver"]
    text = run_cli("check", str(root), "--as-of", "2025-06-30", "--select", ",".join(SELECT))
    assert "as of 2025-06-30" in text.out
    assert "1 suppressed" in text.out and "1 waived" in text.out
