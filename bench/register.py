"""`pmo-lint import` of a large register: time for N project rows (default 5,000).

    python bench/register.py                 # 5,000 projects, 5,000 risks, 50 people
    python bench/register.py --rows 1000,5000

It builds a workbook in a temporary folder (a title row, text money, text dates, RAG words), imports
it into a new portfolio (``pmo-lint init``), then imports it again (nothing to change), and prints one
line per figure: ``BENCH import@N=seconds`` and ``BENCH reimport@N=seconds``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def build(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    book = Workbook()
    staff = book.active
    assert staff is not None
    staff.title = "People"
    staff.append(["Name", "Email", "Role"])
    people = [f"Person {i:03d}" for i in range(50)]
    for i, name in enumerate(people):
        staff.append([name, f"p{i}@acme.example", "Project manager"])
    register = book.create_sheet("Portfolio Register")
    register.append(["ACME PORTFOLIO REGISTER"])
    register.append(["Last updated: 30/06/2025"])
    register.append(["Ref", "Project", "PM", "Sponsor", "Stage", "Start", "End", "Budget", "RAG"])
    for i in range(rows):
        register.append(
            [f"PRJ-{i:05d}", f"Project {i}", people[i % 50], people[(i + 1) % 50], ("Planning", "Delivery")[i % 2],
             f"{1 + i % 28:02d}/02/2025", f"{1 + i % 28:02d}/11/2026", f"£{(i + 1) * 1000:,}",
             ("Green", "Amber", "Red")[i % 3]]
        )  # fmt: skip
    risks = book.create_sheet("Risks")
    risks.append(["Risk ID", "Project", "Risk", "Owner", "Likelihood", "Impact", "Date raised"])
    for i in range(rows):
        risks.append([f"R{i}", f"PRJ-{i:05d}", f"Risk {i}", people[i % 50], 1 + i % 5, 1 + (i * 3) % 5, "2025-03-01"])
    book.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", default="5000", help="comma-separated register sizes")
    args = parser.parse_args()
    for rows in (int(n) for n in args.rows.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            base = Path(tmp)
            register = base / "register.xlsx"
            build(register, rows)
            root = base / "portfolio"
            subprocess.run(
                [BIN / "pmo-lint", "init", "-y", "--currency", "GBP", "--lead", "Ada Lovelace", str(root)],
                check=True,
                capture_output=True,
            )
            for label in ("import", "reimport"):
                start = time.perf_counter()
                done = subprocess.run(
                    [BIN / "pmo-lint", "import", "--root", str(root), str(register)],
                    capture_output=True,
                    text=True,
                    check=False,
                )
                took = time.perf_counter() - start
                if done.returncode not in (0, 1):
                    sys.exit(done.stderr)
                print(f"BENCH {label}@{rows}={took:.1f}s  ({done.stdout.strip().splitlines()[-1]})")


if __name__ == "__main__":
    main()
