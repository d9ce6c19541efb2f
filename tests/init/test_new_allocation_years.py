"""`pmo-lint new allocation` for a person who already has one: allocations live in a folder per year
(`allocations/{year}/{name}.yaml`) but their names are unique across years, so the next year's gets the year
in its name and the portfolio stays valid."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_cli


def test_a_second_years_allocation_gets_its_own_name(tmp_path: Path) -> None:
    root = tmp_path / "pmo"
    assert run_cli("init", "--yes", str(root)).code == 0
    assert run_cli("new", "project", "depot", cwd=root).code == 0
    assert run_cli("new", "person", "beat-keller", "--role", "project-manager", cwd=root).code == 0
    first = run_cli("new", "allocation", "beat-keller", "--project", "depot", "--date", "2025-04-01", cwd=root)
    assert first.code == 0, first.err
    second = run_cli("new", "allocation", "beat-keller", "--project", "depot", "--date", "2026-01-05", cwd=root)
    assert second.code == 0, second.err
    assert (root / "allocations/2025/beat-keller.yaml").is_file()
    later = (root / "allocations/2026/beat-keller-2026.yaml").read_text(encoding="utf-8")
    assert "name: beat-keller-2026" in later and "person: person:beat-keller" in later
    checked = run_cli("check", "--select", "PMO", str(root), "--no-cache", cwd=root)
    assert checked.code == 0, checked.out + checked.err
    again = run_cli("new", "allocation", "beat-keller", "--project", "depot", "--date", "2026-06-01", cwd=root)
    assert again.code == 2 and "already has the allocation beat-keller-2026 for 2026" in again.err
