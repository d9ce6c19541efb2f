"""``pmo-lint export``: a workbook (or a CSV folder) the board can read and ``pmo-lint import`` reads back."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from pmo_lint.cli import cli, main
from pmo_lint.register.workbook import CurrencyAmount, Sheet, SheetColumn, money_format, workbook_bytes
from tests.conftest import ROOT, SAMPLE

AS_OF = "2025-06-30"
COMMANDS = cli.list_commands(click.Context(cli))
SHEETS = ["Projects", "Risks", "People", "Allocations", "Benefits", "Change requests", "Findings"]
GREEN, AMBER, RED = "00C6EFCE", "00FFEB9C", "00FFC7CE"


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The sample portfolio (a private copy) and its workbook, exported once for the module."""
    base = tmp_path_factory.mktemp("export")
    root = base / "portfolio"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".pmo-lint-cache"))
    out = base / "board.xlsx"
    assert main(["export", str(root), "--out", str(out), "--as-of", AS_OF]) == 0
    return root, out


def _rows(sheet: Worksheet) -> list[dict[str, Any]]:
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)]


def _column(sheet: Worksheet, header: str) -> int:
    return next(c.column for c in sheet[1] if c.value == header)


def _cell(sheet: Worksheet, key: str, header: str, key_header: str = "ID") -> Any:
    keys = _column(sheet, key_header)
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, keys).value == key)
    return sheet.cell(row, _column(sheet, header))


def test_one_sheet_per_kind_each_with_a_frozen_header_and_filters(exported: tuple[Path, Path]) -> None:
    book = load_workbook(exported[1])
    assert book.sheetnames == SHEETS
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}{sheet.max_row}"
        assert all(c.font.bold for c in sheet[1])
        assert sheet.max_row > 1, f"{sheet.title} is empty"


def test_dates_are_date_cells_and_money_shows_its_currency(exported: tuple[Path, Path]) -> None:
    projects = load_workbook(exported[1])["Projects"]
    start = _cell(projects, "customer-portal", "Start")
    assert start.is_date and start.value.date() == dt.date(2024, 10, 1)
    budget = _cell(projects, "customer-portal", "Budget")
    assert budget.value == 1_380_000 and budget.data_type == "n"
    assert budget.number_format == '"€"#,##0;-"€"#,##0'
    risks = load_workbook(exported[1])["Risks"]
    assert all(c.is_date for c in next(risks.iter_cols(min_col=_column(risks, "Identified"), min_row=2)))


def test_rag_cells_are_filled_with_their_colour(exported: tuple[Path, Path]) -> None:
    projects = load_workbook(exported[1])["Projects"]
    seen = set()
    for header in ("RAG", "Computed health"):
        for cell in next(projects.iter_cols(min_col=_column(projects, header), min_row=2)):
            if cell.value is None:
                continue
            expected = {"green": GREEN, "amber": AMBER, "red": RED}[cell.value]
            assert cell.fill.fgColor.rgb == expected, (header, cell.coordinate)
            seen.add(cell.value)
    assert seen == {"green", "amber", "red"}


def test_computed_health_stands_beside_the_reported_rag_with_its_reasons(exported: tuple[Path, Path]) -> None:
    projects = load_workbook(exported[1])["Projects"]
    header = [c.value for c in projects[1]]
    assert header.index("Computed health") == header.index("RAG") + 2  # the status date between them
    # customer-portal reports amber; its figures say red: a critical risk open and CPI 0.88
    assert _cell(projects, "customer-portal", "RAG").value == "amber"
    assert _cell(projects, "customer-portal", "Computed health").value == "red"
    signals = _cell(projects, "customer-portal", "Health signals").value
    assert "1 critical risk open" in signals and "CPI 0.88 below 0.95" in signals
    assert _cell(projects, "customer-portal", "CPI").number_format == "0.00"
    # a watermelon: reported green, SPI below the red threshold
    assert _cell(projects, "warehouse-robotics-pilot", "RAG").value == "green"
    assert _cell(projects, "warehouse-robotics-pilot", "Computed health").value == "red"
    assert _cell(projects, "warehouse-robotics-pilot", "Health signals").value == "SPI 0.78 below 0.85"
    # nothing to judge: a cancelled project, and one that has no figures yet
    assert _cell(projects, "drone-inventory", "Computed health").value is None
    assert _cell(projects, "drone-inventory", "Health signals").value == "not judged: the project is cancelled"
    assert _cell(projects, "erp-finance-upgrade", "Computed health").value is None


def test_columns_are_as_wide_as_their_values(exported: tuple[Path, Path]) -> None:
    projects = load_workbook(exported[1])["Projects"]
    for header in ("Name", "Project manager"):
        col = _column(projects, header)
        longest = max(len(str(c.value or "")) for c in next(projects.iter_cols(min_col=col, max_col=col)))
        width = projects.column_dimensions[projects.cell(1, col).column_letter].width
        assert longest < width <= 60, header


def test_findings_sheet_lists_what_check_reports(exported: tuple[Path, Path], tmp_path: Path) -> None:
    root, out = exported
    report = tmp_path / "check.json"
    main(["check", str(root), "--as-of", AS_OF, "--format", f"json={report}"])
    expected = [
        (d["code"], d["severity"], d["path"], d["line"] or None, d["message"])
        for d in json.loads(report.read_text(encoding="utf-8"))["diagnostics"]
    ]
    findings = load_workbook(out)["Findings"]
    assert [c.value for c in findings[1]][:5] == ["Code", "Severity", "File", "Line", "Message"]
    rows = [tuple(r)[:5] for r in findings.iter_rows(min_row=2, values_only=True)]
    assert sorted(rows, key=str) == sorted(expected, key=str) and rows
    severities = next(findings.iter_cols(min_col=2, max_col=2, min_row=2))
    assert all(c.fill.fgColor.rgb == AMBER for c in severities if c.value == "warning")


def test_money_formats_use_the_symbol_or_the_code() -> None:
    assert money_format("GBP", 1_250_000) == '"£"#,##0;-"£"#,##0'
    assert money_format("CHF", 12.5) == '#,##0.00 "CHF";-#,##0.00 "CHF"'


def test_csv_folder_has_one_file_per_sheet(exported: tuple[Path, Path], tmp_path: Path) -> None:
    out = tmp_path / "register"
    assert main(["export", str(exported[0]), "--out", f"{out}/", "--as-of", AS_OF]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        ["projects.csv", "risks.csv", "people.csv", "allocations.csv", "benefits.csv", "change-requests.csv",
         "findings.csv"]
    )  # fmt: skip
    raw = (out / "projects.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    portal = next(r for r in rows if r["ID"] == "customer-portal")
    assert portal["Start"] == "2024-10-01" and portal["Budget"] == "1380000" and portal["RAG"] == "amber"
    # the same rows as the workbook's sheet
    book = load_workbook(exported[1])
    assert len(rows) == book["Projects"].max_row - 1


def test_csv_format_option_names_a_folder_without_a_slash(exported: tuple[Path, Path], tmp_path: Path) -> None:
    out = tmp_path / "csv-out"
    assert main(["export", str(exported[0]), "--out", str(out), "--format", "csv", "--as-of", AS_OF]) == 0
    assert (out / "risks.csv").is_file()


def test_the_command_is_listed() -> None:
    assert "export" in cli.commands


# -- bad input: a clear message and exit 2, nothing replaced ------------------------------------------------
def _export(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["export", *args])
    return code, capsys.readouterr().err


def test_no_portfolio_is_an_input_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _export(capsys, str(tmp_path), "--out", str(tmp_path / "x.xlsx"))
    assert code == 2 and "no pmo.yaml" in err and "Traceback" not in err
    assert not (tmp_path / "x.xlsx").exists()


def test_out_must_be_a_workbook_or_a_folder(exported: tuple[Path, Path], tmp_path: Path, capsys: Any) -> None:
    code, err = _export(capsys, str(exported[0]), "--out", str(tmp_path / "board.pdf"))
    assert code == 2 and ".xlsx" in err


def test_out_that_is_a_symbolic_link_is_refused(exported: tuple[Path, Path], tmp_path: Path, capsys: Any) -> None:
    real = tmp_path / "real.xlsx"
    real.write_bytes(b"keep")
    link = tmp_path / "link.xlsx"
    link.symlink_to(real)
    code, err = _export(capsys, str(exported[0]), "--out", str(link), "--as-of", AS_OF)
    assert code == 2 and "symbolic link" in err
    assert link.is_symlink() and real.read_bytes() == b"keep"


def test_out_that_is_a_device_is_refused(exported: tuple[Path, Path], capsys: Any) -> None:
    code, err = _export(capsys, str(exported[0]), "--out", os.devnull, "--format", "xlsx", "--as-of", AS_OF)
    assert code == 2 and "device" in err
    assert Path(os.devnull).is_char_device()


def test_out_that_cannot_be_written_is_refused(exported: tuple[Path, Path], tmp_path: Path, capsys: Any) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    code, err = _export(capsys, str(exported[0]), "--out", str(blocker / "board.xlsx"), "--as-of", AS_OF)
    assert code == 2 and "is a file, not a folder" in err and "Traceback" not in err


def test_csv_folder_with_a_linked_file_writes_nothing(exported: tuple[Path, Path], tmp_path: Path, capsys: Any) -> None:
    out = tmp_path / "register"
    out.mkdir()
    (tmp_path / "elsewhere.csv").write_text("keep", encoding="utf-8")
    (out / "risks.csv").symlink_to(tmp_path / "elsewhere.csv")
    code, err = _export(capsys, str(exported[0]), "--out", f"{out}/", "--as-of", AS_OF)
    assert code == 2 and "risks.csv" in err and "symbolic link" in err
    assert sorted(p.name for p in out.iterdir()) == ["risks.csv"]
    assert (tmp_path / "elsewhere.csv").read_text(encoding="utf-8") == "keep"


# -- round trip: importing an exported workbook changes nothing --------------------------------------------
def _digest(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)  # caches
    }


@pytest.mark.skipif("import" not in cli.commands, reason="pmo-lint import has not landed yet")
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_import_of_an_export_changes_nothing(fmt: str, tmp_path: Path) -> None:
    root = tmp_path / "portfolio"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".pmo-lint-cache"))
    out = tmp_path / ("board.xlsx" if fmt == "xlsx" else "register")
    assert main(["export", str(root), "--out", str(out), "--format", fmt, "--as-of", AS_OF]) == 0
    before = _digest(root)
    files = [out] if fmt == "xlsx" else sorted(out.glob("*.csv"))
    code = main(["import", *map(str, files), "--root", str(root)])
    assert code == 0
    assert _digest(root) == before


def test_text_that_looks_like_a_formula_stays_text() -> None:
    table = Sheet(
        "Projects",
        "projects.csv",
        (SheetColumn("Name"), SheetColumn("Budget", "money")),
        (("=1+2", CurrencyAmount(5, "EUR")),),
    )
    sheet = load_workbook(io.BytesIO(workbook_bytes([table])))["Projects"]
    assert sheet["A2"].value == "=1+2" and sheet["A2"].data_type == "s"


def test_importing_the_cli_does_not_load_openpyxl() -> None:
    code = "import sys, pmo_lint.cli; print('openpyxl' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert proc.stdout.strip() == "False"


def test_a_broken_pmo_yaml_is_exported_with_its_finding(tmp_path: Path) -> None:
    root = tmp_path / "portfolio"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".pmo-lint-cache"))
    (root / "pmo.yaml").write_text("spec: [unclosed\n", encoding="utf-8")
    out = tmp_path / "board.xlsx"
    assert main(["export", str(root), "--out", str(out), "--as-of", AS_OF]) == 0
    findings = _rows(load_workbook(out)["Findings"])
    assert any(f["File"] == "pmo.yaml" and f["Severity"] == "error" for f in findings)


@pytest.mark.skipif("import" not in COMMANDS, reason="pmo-lint import has not landed yet")
def test_an_edit_in_the_exported_workbook_is_the_only_change_imported(tmp_path: Path) -> None:
    root = tmp_path / "portfolio"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".pmo-lint-cache"))
    out = tmp_path / "board.xlsx"
    assert main(["export", str(root), "--out", str(out), "--as-of", AS_OF]) == 0
    before = _digest(root)
    book = load_workbook(out)
    _cell(book["Projects"], "customer-portal", "Budget").value = 1_450_000
    book.save(out)
    assert main(["import", str(out), "--root", str(root)]) == 0
    after = _digest(root)
    changed = sorted(k for k in after if after[k] != before.get(k))
    assert changed == ["projects/customer-portal/project.yaml"]
    assert "1450000" in (root / changed[0]).read_text(encoding="utf-8")
