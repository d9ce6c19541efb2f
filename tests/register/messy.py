"""A messy register as a PMO keeps one, built with openpyxl: the worked example of docs/register.md.

A title row, a "last updated" line, a merged banner, headers in row 4, text and serial dates, money as
text, a RAG column that is sometimes only a colour, blank and total rows, a notes sheet; people on a
staff sheet; risks on a RAID sheet with 1-5 scores.
"""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
import sys
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import PatternFill

REGISTER = "Portfolio Register"
GREEN, AMBER, RED = "C6EFCE", "FFEB9C", "FFC7CE"

PEOPLE_HEADERS = ["Full name", "E-mail", "Role", "FTE"]
PEOPLE = [
    ["Jide Okoro", "jide.okoro@acme.example", "Project manager", 1],
    ["Mei Chen", "mei.chen@acme.example", "Sponsor", 0.5],
    ["Sam Patel", "sam.patel@acme.example", "Project manager", 1],
]

PROJECT_HEADERS = ["Ref", "Project Title", "PM", "Sponsor", "Stage", "Start Date", "End Date", "Budget (£)", "RAG"]
# (values, fill of the RAG cell)
PROJECTS: list[tuple[list[object], str | None]] = [
    (["PRJ-001", "CRM migration", "Jide Okoro", "Mei Chen", "Delivery", "01/02/2025", "30/11/2025", "£1,250,000",
      "Green"], None),
    (["PRJ-002", "Warehouse robots", "Sam Patel", "Mei Chen", "Planning", dt.datetime(2025, 3, 1),
      dt.datetime(2026, 6, 30), 950000, None], AMBER),
    (["PRJ-003", "Data platform", "Sam Patel", "Mei Chen", "Initiation", 45748, 46022, "1.2m", "R"], None),
]  # fmt: skip

RISK_HEADERS = ["Risk ID", "Project", "Risk", "Owner", "Likelihood (1-5)", "Impact (1-5)", "Mitigation", "Date raised"]
RISKS = [
    ["R1", "PRJ-001", "Data loss during cut-over", "Jide Okoro", 2, 5, "Rehearse the cut-over twice", "2025-02-10"],
    ["R2", "Warehouse robots", "Supplier late", "Sam Patel", 4, 3, "Weekly supplier call", "12 Mar 2025"],
]


def portfolio(root: Path, *, currency: str = "GBP") -> Path:
    """A new portfolio (``pmo-lint init``) with its lead, Ada Lovelace."""
    from pmo_lint.cli import main

    root.mkdir(parents=True, exist_ok=True)
    code = main(["init", "-y", "--name", "Acme", "--currency", currency, "--lead", "Ada Lovelace", str(root)])
    assert code == 0
    return root


def workbook(
    path: Path,
    *,
    projects: list[tuple[list[object], str | None]] | None = None,
    risks: list[list[object]] | None = None,
    people: list[list[object]] | None = None,
) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = REGISTER
    sheet["A1"] = "ACME PORTFOLIO REGISTER"
    sheet.merge_cells("A1:I1")
    sheet["A2"] = "Last updated: 30/06/2025"
    sheet.append([])
    sheet.append(PROJECT_HEADERS)
    for values, fill in PROJECTS if projects is None else projects:
        sheet.append(values)
        if fill:
            sheet.cell(row=sheet.max_row, column=9).fill = PatternFill("solid", fgColor=fill)
    sheet.append([])
    sheet.append(["Total", None, None, None, None, None, None, "=SUM(H5:H7)", None])
    staff = book.create_sheet("Staff")
    staff.append(PEOPLE_HEADERS)
    for row in PEOPLE if people is None else people:
        staff.append(row)
    raid = book.create_sheet("RAID log")
    raid.append(RISK_HEADERS)
    for row in RISKS if risks is None else risks:
        raid.append(row)
    notes = book.create_sheet("Notes")
    notes["A1"] = "RAG: green on track, amber at risk, red needs the board"
    book.save(path)
    return path


def as_csv(folder: Path) -> list[Path]:
    """The same rows as CSV files (text as typed; colour-only RAG written as the word)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, header, rows in (
        ("staff.csv", PEOPLE_HEADERS, PEOPLE),
        ("projects.csv", PROJECT_HEADERS, [_csv_project(v, f) for v, f in PROJECTS]),
        ("risks.csv", RISK_HEADERS, RISKS),
    ):
        path = folder / name
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
        out.append(path)
    return out


def _csv_project(values: list[object], fill: str | None) -> list[object]:
    out = []
    for value in values:
        if isinstance(value, dt.datetime):
            value = value.date().isoformat()
        out.append(value)
    if out[-1] is None and fill == AMBER:
        out[-1] = "Amber"
    return out


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``pmo-lint ARGS`` in a subprocess (for what a user sees: exit code, no traceback)."""
    return subprocess.run(
        [sys.executable, "-m", "pmo_lint", *args], cwd=cwd, capture_output=True, text=True, check=False
    )
