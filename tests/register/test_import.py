"""``pmo-lint import``: messy registers in, the portfolio's files out, every bad cell reported by reference."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
from openpyxl import Workbook

from pmo_lint.cli import main
from tests.register import messy


def _files(root: Path) -> dict[str, bytes]:
    skip = (".pmo-lint", "docs", "templates", ".git")
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*.yaml"))
        if not p.relative_to(root).as_posix().startswith(skip)
    }


def _import(root: Path, *args: str) -> int:
    return main(["import", "--root", str(root), *args])


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return messy.portfolio(tmp_path / "portfolio")


@pytest.fixture
def register(tmp_path: Path) -> Path:
    return messy.workbook(tmp_path / "register.xlsx")


def test_messy_register_imports_every_row(root: Path, register: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _import(root, str(register)) == 0
    out = capsys.readouterr().out
    assert "sheet 'Notes' ignored" in out
    assert "sheet 'Portfolio Register' read as projects (headers on row 4)" in out
    crm = (root / "projects/prj-001/project.yaml").read_text()
    assert "title: CRM migration" in crm
    assert "bac: 1250000" in crm  # £1,250,000 as text
    assert "start: 2025-02-01" in crm  # 01/02/2025: the sheet's 30/11/2025 says day first
    assert "phase: execution" in crm  # Delivery
    assert "sponsor: person:mei-chen" in crm
    robots = (root / "projects/prj-002/project.yaml").read_text()
    assert "start: 2025-03-01" in robots and "bac: 950000" in robots
    data = (root / "projects/prj-003/project.yaml").read_text()
    assert "bac: 1200000" in data  # 1.2m
    assert "start: 2025-04-01" in data  # Excel serial 45748
    # the colour-only RAG cell, dated by the register's "Last updated" line
    report = (root / "projects/prj-002/status/2025-06-30.yaml").read_text()
    assert "overall: {rag: amber}" in report
    risk = (root / "projects/prj-001/risks/r1.yaml").read_text()
    assert "probability: unlikely" in risk and "impact: severe" in risk  # 2 and 5 on the 1-5 scale
    risk2 = (root / "projects/prj-002/risks/r2.yaml").read_text()  # named by the project's title
    assert "identifiedDate: 2025-03-12" in risk2
    assert not (root / "projects/total").exists()  # the total row is not a project


def test_import_twice_changes_nothing(root: Path, register: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _import(root, str(register)) == 0
    before = _files(root)
    assert _import(root, str(register)) == 0
    assert _files(root) == before
    assert "0 files created, 0 updated, 11 unchanged" in capsys.readouterr().out


def test_reimport_keeps_hand_written_comments(root: Path, tmp_path: Path, register: Path) -> None:
    assert _import(root, str(register)) == 0
    path = root / "projects/prj-001/project.yaml"
    text = path.read_text().replace("  budget:\n", "  # agreed with finance in January\n  budget:\n")
    text = text.replace("  owner:", "  businessUnit: Sales  # written by hand\n  owner:")
    path.write_text(text)
    changed = copy.deepcopy(messy.PROJECTS)
    changed[0][0][7] = "£1,300,000"
    changed[0][0][2] = None  # an empty cell deletes nothing
    assert _import(root, str(messy.workbook(tmp_path / "changed.xlsx", projects=changed))) == 0
    after = path.read_text()
    assert after == text.replace("bac: 1250000", "bac: 1300000")


def test_csv_of_the_same_rows_changes_nothing(root: Path, tmp_path: Path, register: Path) -> None:
    assert _import(root, str(register)) == 0
    before = _files(root)
    csvs = messy.as_csv(tmp_path / "csv")
    assert _import(root, *map(str, csvs)) == 0
    assert _files(root) == before


def test_csv_alone_gives_the_same_files(tmp_path: Path, register: Path) -> None:
    a = messy.portfolio(tmp_path / "a")
    b = messy.portfolio(tmp_path / "b")
    assert _import(a, str(register)) == 0
    # a CSV file has no "last updated" line: the date of its RAG is given
    assert _import(b, "--status-date", "2025-06-30", *map(str, messy.as_csv(tmp_path / "csv"))) == 0
    strip = re.compile(r"executiveSummary: .*\n")
    assert {k: strip.sub("", v.decode()) for k, v in _files(a).items()} == {
        k: strip.sub("", v.decode()) for k, v in _files(b).items()
    }


def test_check_finds_no_core_error_in_imported_files(
    root: Path, register: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _import(root, str(register)) == 0
    capsys.readouterr()
    main(["check", str(root), "--as-of", "2025-06-30", "--no-cache"])
    out = capsys.readouterr().out
    assert not re.search(r"PMO00[1-9]", out), out


def _bad_register(path: Path) -> Path:
    projects = copy.deepcopy(messy.PROJECTS)
    projects[0][0][7] = -250000  # negative budget
    projects[1][0][2] = "J. Okoro"  # unknown person, close to Jide Okoro
    projects.append((["PRJ-003", "Data platform again", "Sam Patel", "Mei Chen", "Planning", None, None, 1, "G"], None))
    risks = [*messy.RISKS, ["R9", "PRJ-404", "Unknown project", "Sam Patel", 3, 3, "None", "2025-01-01"]]
    return messy.workbook(path, projects=projects, risks=risks)


def test_bad_cells_are_reported_by_reference(root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _import(root, str(_bad_register(tmp_path / "bad.xlsx"))) == 1
    err = capsys.readouterr().err
    assert "'Portfolio Register'!H5: budget -250,000 GBP is negative" in err
    assert "'Portfolio Register'!C6: no person 'J. Okoro'; did you mean Jide Okoro?" in err
    assert "'Portfolio Register'!A7: 'PRJ-003' appears on rows 7, 8; none of them is imported" in err
    assert "'Portfolio Register'!A8: 'PRJ-003' appears on rows 7, 8" in err
    assert "'RAID log'!B4: no project 'PRJ-404'" in err
    # nothing else is lost: the people, and the risk of the project that was written
    assert (root / "people/jide-okoro.yaml").exists()
    assert not (root / "projects/prj-001").exists()
    assert not (root / "projects/prj-003").exists()


def test_strict_writes_nothing_when_a_row_fails(root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = _files(root)
    assert _import(root, "--strict", str(_bad_register(tmp_path / "bad.xlsx"))) == 1
    assert _files(root) == before
    assert "nothing written (--strict" in capsys.readouterr().out


def test_dry_run_writes_nothing(root: Path, register: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = _files(root)
    assert _import(root, "--dry-run", str(register)) == 0
    assert _files(root) == before
    assert "would create projects/prj-001/project.yaml" in capsys.readouterr().out


def test_ambiguous_date_is_an_error_unless_settled(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Projects"
    sheet.append(["ID", "Name", "Start", "Finish"])
    sheet.append(["p1", "Alpha", "03/04/2027", "05/06/2027"])
    path = tmp_path / "dates.xlsx"
    book.save(path)
    assert _import(root, str(path)) == 1
    assert "'Projects'!C2: start '03/04/2027' is ambiguous as a date" in capsys.readouterr().err
    assert _import(root, "--dates", "dmy", str(path)) == 0
    assert "start: 2027-04-03" in (root / "projects/p1/project.yaml").read_text()


def test_mapping_file_maps_columns_and_values(root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Tracker"
    sheet.append(["Code", "Initiative", "Proj Lead", "Gate status", "Spend cap"])
    sheet.append(["x1", "Alpha", "Ada Lovelace", "Build it", 1000])
    path = tmp_path / "tracker.xlsx"
    book.save(path)
    assert _import(root, "--write-map", str(path)) == 0
    drafted = (tmp_path / "tracker.map.yaml").read_text()
    assert '"Proj Lead": ignore' in drafted or '"Tracker": ignore' in drafted
    (tmp_path / "tracker.map.yaml").write_text(
        "sheets:\n  Tracker: projects\n"
        "columns:\n  Proj Lead: Project manager\n  Gate status: Phase\n  Spend cap: Budget\n"
        "values:\n  Phase:\n    Build it: execution\n"
    )
    capsys.readouterr()
    assert _import(root, str(path)) == 0, capsys.readouterr().err
    text = (root / "projects/x1/project.yaml").read_text()
    assert "owner: person:ada-lovelace" in text and "phase: execution" in text and "bac: 1000" in text


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("broken.xlsx", b"PK\x03\x04 not really a zip", "not a valid .xlsx workbook"),
        ("notes.txt", b"just some notes\n", "is not a register"),
        ("locked.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "password-protected"),
        ("empty.xlsx", b"", "is empty"),
        ("empty.csv", b"", "is empty"),
    ],
)
def test_unreadable_register_is_a_usage_error(root: Path, tmp_path: Path, name: str, content: bytes, says: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    done = messy.cli("import", "--root", str(root), str(path))
    assert done.returncode == 2
    assert says in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_missing_file_is_a_usage_error(root: Path, tmp_path: Path) -> None:
    assert _import(root, str(tmp_path / "nope.xlsx")) == 2
