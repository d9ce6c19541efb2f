"""An invalid project does not shift the portfolio ranks of the others (computedRank, STR006)."""

from __future__ import annotations

from pathlib import Path

from tests.policies.conftest import BASE, check, portfolio

SUPPLIER = (BASE / "projects/supplier-portal/project.yaml").read_text(encoding="utf-8")
# the lowest score of the portfolio, declared fourth: rank 3 of 3 is within one place of it
ZETA = (
    SUPPLIER.replace("name: supplier-portal", "name: zeta")
    .replace("{value: 3, urgency: 2, risk-reduction: 1}", "{value: 1, urgency: 1, risk-reduction: 1}")
    .replace("priority: 2", "priority: 4")
)
CRM = BASE / "projects/crm-migration/project.yaml"


def _rank_findings(tmp_path: Path, overlay: dict[str, str]) -> list[tuple[str, str]]:
    found = check(portfolio(tmp_path, {"projects/zeta/project.yaml": ZETA, **overlay}), ["STR006", "PMO004"])
    return [(d.path, d.code) for d in found]


def test_an_invalid_project_does_not_move_the_others_up(tmp_path: Path) -> None:
    assert _rank_findings(tmp_path, {}) == []
    # crm-migration scores highest; with its file invalid, zeta must not move up to rank 2 (far from its 4)
    broken = CRM.read_text(encoding="utf-8").replace("  businessUnit:", "  businesUnit:")
    assert _rank_findings(tmp_path, {"projects/crm-migration/project.yaml": broken}) == [
        ("projects/crm-migration/project.yaml", "PMO004")
    ]
