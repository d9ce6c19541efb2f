"""``pmo-lint export``: the portfolio as a workbook, or a folder of CSV files, for a board that never opens Git.

One sheet per kind under the headers ``pmo-lint import`` reads, so importing an exported workbook changes
nothing; the projects sheet shows the health the figures give beside the RAG the project reported; a findings
sheet lists what ``check`` finds in the same run. This module builds plain tables (no openpyxl here): the
workbook adapter (:mod:`pmo_lint.register.workbook`) styles and writes them, and CSV goes through the standard
library.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import os
import stat
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pmo_lint.errors import UsageError
from pmo_lint.register.workbook import CellValue, CurrencyAmount, Sheet, SheetColumn, workbook_bytes

if TYPE_CHECKING:
    from pmo_lint.diagnostics import Result
    from pmo_lint.facts import Facts
    from pmo_lint.model.catalog import Catalog, LoadedEntity
    from pmo_lint.site.view import PortfolioView

ExportFormat = Literal["xlsx", "csv"]


@dataclass(frozen=True)
class ExportOptions:
    root: Path
    out: Path
    format: ExportFormat
    as_of: dt.date | None = None
    config_path: Path | None = None


# -- building the tables -----------------------------------------------------------------------------------
class _Names:
    """People by display name, as a register writes them; the person's id when the name is not unique."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        counts: dict[str, int] = {}
        for item in catalog.of_kind("Person"):
            name = self._display(item)
            counts[name.casefold()] = counts.get(name.casefold(), 0) + 1
        self.unique = {k for k, n in counts.items() if n == 1}

    @staticmethod
    def _display(item: LoadedEntity) -> str:
        return str(item.entity.spec.profile.display_name)  # type: ignore[attr-defined]

    def person(self, ref: str | None) -> str | None:
        if not ref:
            return None
        item = self.catalog.lookup(ref, kinds=("Person", "Team"))
        if item is None or item.kind != "Person":
            return ref.split(":", 1)[-1]  # a team, or a reference check reports: shown as written
        display = self._display(item)
        return display if display.casefold() in self.unique else item.entity.name

    def people(self, refs: Iterable[str]) -> str | None:
        names = [n for n in (self.person(r) for r in refs) if n]
        return ", ".join(names) or None


def _bare(ref: str | None) -> str | None:
    """``project:crm`` → ``crm``: the sheets name things by id, without the kind."""
    return ref.split(":", 1)[-1] if ref else None


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _money(amount: float | None, currency: str) -> CurrencyAmount | None:
    return None if amount is None else CurrencyAmount(float(amount), currency)


def projects_table(view: PortfolioView, names: _Names) -> Sheet:
    columns = (
        SheetColumn("ID"),
        SheetColumn("Name"),
        SheetColumn("Phase"),
        SheetColumn("State"),
        SheetColumn("Type"),
        SheetColumn("Category"),
        SheetColumn("Business unit"),
        SheetColumn("Project manager"),
        SheetColumn("Sponsor"),
        SheetColumn("Portfolio"),
        SheetColumn("Program"),
        SheetColumn("Start", "date"),
        SheetColumn("Finish", "date"),
        SheetColumn("Budget", "money"),
        SheetColumn("Actuals", "money"),
        SheetColumn("Currency"),
        SheetColumn("RAG", "rag"),
        SheetColumn("Status date", "date"),
        SheetColumn("Computed health", "rag"),
        SheetColumn("Health signals"),
        SheetColumn("CPI", "ratio"),
        SheetColumn("SPI", "ratio"),
        SheetColumn("EAC", "money"),
        SheetColumn("Priority", "integer"),
    )
    rows = []
    for p in view.projects:
        s = p.project.spec
        start = s.schedule.approved.start if s.schedule.approved else None
        finish = s.schedule.approved.end if s.schedule.approved else None
        if s.schedule.requested is not None:
            start = start or s.schedule.requested.start
            finish = finish or s.schedule.requested.end
        rag, reported_on = p.health.reported, p.health.reported_on
        health, why = p.health.computed, p.health.why
        currency = p.currency
        budget = s.budget.bac if s.budget else None
        rows.append(
            (
                p.name,
                p.project.metadata.title,  # the title as written: an id in its place would be imported as one
                p.phase,
                p.state,
                s.type,
                s.category,
                s.business_unit,
                names.person(s.owner),
                names.person(s.sponsor),
                p.portfolio or None,
                p.program or None,
                start,
                finish,
                _money(budget, currency),
                _money(p.actual_cost, currency) if s.actuals else None,
                currency or None,
                rag,
                reported_on,
                health,
                why or None,
                _round(p.evm.cpi if p.evm else None, 2),
                _round(p.evm.spi if p.evm else None, 2),
                _money(_round(p.evm.eac if p.evm else None, 0), currency),
                s.prioritization.priority if s.prioritization else None,
            )
        )
    return Sheet("Projects", "projects.csv", columns, tuple(rows))


def risks_table(view: PortfolioView, names: _Names) -> Sheet:
    columns = (
        SheetColumn("Project"),
        SheetColumn("ID"),
        SheetColumn("Title"),
        SheetColumn("Type"),
        SheetColumn("Category"),
        SheetColumn("Likelihood"),
        SheetColumn("Impact"),
        SheetColumn("Score", "integer"),
        SheetColumn("Rank"),
        SheetColumn("Owner"),
        SheetColumn("Response"),
        SheetColumn("Mitigation"),
        SheetColumn("State"),
        SheetColumn("Identified", "date"),
        SheetColumn("Review date", "date"),
    )
    rows = []
    for p in view.projects:
        for r in sorted(p.risks, key=lambda r: r.name):
            spec = r.item.entity.spec  # type: ignore[attr-defined]
            rows.append(
                (
                    p.name,
                    r.name,
                    r.item.entity.metadata.title,
                    spec.type,
                    spec.category,
                    r.probability,
                    r.impact,
                    r.score,
                    r.rank or None,
                    names.person(spec.owner),
                    spec.response,
                    spec.mitigation_plan,
                    spec.state,
                    spec.identified_date,
                    spec.review_date,
                )
            )
    return Sheet("Risks", "risks.csv", columns, tuple(rows))


def people_table(catalog: Catalog, names: _Names) -> Sheet:
    columns = (
        SheetColumn("ID"),
        SheetColumn("Name"),
        SheetColumn("Email"),
        SheetColumn("Roles"),
        SheetColumn("FTE", "number"),
        SheetColumn("Hours per week", "number"),
        SheetColumn("Teams"),
        SheetColumn("Active"),
        SheetColumn("Left date", "date"),
    )
    rows = []
    for item in sorted(catalog.of_kind("Person"), key=lambda i: i.entity.name):
        spec = item.entity.spec  # type: ignore[attr-defined]
        rows.append(
            (
                item.entity.name,
                spec.profile.display_name,
                spec.profile.email,
                ", ".join(spec.held_roles()) or None,
                spec.capacity.fte,
                spec.capacity.hours_per_week,
                ", ".join(_bare(t) or "" for t in spec.member_of) or None,
                "yes" if spec.active else "no",
                spec.left_date,
            )
        )
    return Sheet("People", "people.csv", columns, tuple(rows))


def allocations_table(catalog: Catalog, names: _Names) -> Sheet:
    columns = (
        SheetColumn("Person"),
        SheetColumn("Project"),
        SheetColumn("From", "date"),
        SheetColumn("To", "date"),
        SheetColumn("Allocation %", "number"),
        SheetColumn("Hours per week", "number"),
        SheetColumn("Role"),
        SheetColumn("Booking"),
        SheetColumn("State"),
    )
    rows = []
    for item in sorted(catalog.of_kind("Allocation"), key=lambda i: i.path):
        spec = item.entity.spec  # type: ignore[attr-defined]
        person = names.person(spec.person)
        for a in spec.assignments:
            rows.append(
                (
                    person,
                    _bare(a.project),
                    a.start,
                    a.end,
                    a.load.percent,
                    a.load.hours_per_week,
                    a.role,
                    a.booking,
                    a.state,
                )
            )
    return Sheet("Allocations", "allocations.csv", columns, tuple(rows))


def benefits_table(view: PortfolioView, names: _Names) -> Sheet:
    columns = (
        SheetColumn("Project"),
        SheetColumn("ID"),
        SheetColumn("Title"),
        SheetColumn("Type"),
        SheetColumn("Owner"),
        SheetColumn("KPI"),
        SheetColumn("Unit"),
        SheetColumn("Baseline", "number"),
        SheetColumn("Target", "number"),
        SheetColumn("Target date", "date"),
        SheetColumn("State"),
    )
    rows = []
    for p in view.projects:
        for item in p.benefits:
            b = item.entity
            spec = b.spec  # type: ignore[attr-defined]
            rows.append(
                (
                    p.name,
                    b.name,
                    b.metadata.title,
                    spec.type,
                    names.person(spec.owner),
                    spec.kpi,
                    spec.unit,
                    spec.baseline,
                    spec.target,
                    spec.target_date,
                    spec.state,
                )
            )
    return Sheet("Benefits", "benefits.csv", columns, tuple(rows))


def changes_table(view: PortfolioView, names: _Names) -> Sheet:
    columns = (
        SheetColumn("Project"),
        SheetColumn("ID"),
        SheetColumn("Title"),
        SheetColumn("Category"),
        SheetColumn("Priority"),
        SheetColumn("Requested by"),
        SheetColumn("Requested", "date"),
        SheetColumn("Due", "date"),
        SheetColumn("State"),
        SheetColumn("Approval"),
        SheetColumn("Budget change", "money"),
        SheetColumn("Finish change (days)", "integer"),
    )
    rows = []
    for p in view.projects:
        for item in p.changes:
            c = item.entity
            spec = c.spec  # type: ignore[attr-defined]
            rows.append(
                (
                    p.name,
                    c.name,
                    c.metadata.title,
                    ", ".join(spec.category),
                    spec.priority,
                    names.person(spec.requested_by),
                    spec.requested_date,
                    spec.due_date,
                    spec.state,
                    spec.approval.status,
                    _money(spec.delta.budget, p.currency),
                    spec.delta.finish_days,
                )
            )
    return Sheet("Change requests", "change-requests.csv", columns, tuple(rows))


def findings_table(result: Result) -> Sheet:
    """What ``check`` reports (suppressed findings left out), in the order ``check`` prints them."""
    from pmo_lint.diagnostics import sort_diagnostics

    columns = (
        SheetColumn("Code"),
        SheetColumn("Severity", "severity"),
        SheetColumn("File"),
        SheetColumn("Line", "integer"),
        SheetColumn("Message"),
        SheetColumn("Rule"),
    )
    rows = tuple(
        (d.code, d.severity.label, d.path or None, d.line or None, d.message, d.rule)
        for d in sort_diagnostics(result.diagnostics)
    )
    return Sheet("Findings", "findings.csv", columns, rows)


def build_tables(catalog: Catalog, result: Result, facts: Facts | None = None) -> list[Sheet]:
    """Every sheet of the export, from the catalog and the result of checking it (and the run's facts)."""
    from pmo_lint.site.view import build_view

    view = build_view(catalog, result, facts)
    names = _Names(catalog)
    builders: tuple[Callable[[], Sheet], ...] = (
        lambda: projects_table(view, names),
        lambda: risks_table(view, names),
        lambda: people_table(catalog, names),
        lambda: allocations_table(catalog, names),
        lambda: benefits_table(view, names),
        lambda: changes_table(view, names),
        lambda: findings_table(result),
    )
    return [build() for build in builders]


# -- writing ------------------------------------------------------------------------------------------
def csv_cell(value: CellValue) -> str:
    """How a value reads in a CSV file: ISO dates, plain numbers (no separators), money as its amount."""
    if value is None:
        return ""
    if isinstance(value, CurrencyAmount):
        value = value.amount
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.10g}" if not value.is_integer() else str(int(value))
    return str(value)


def csv_text(table: Sheet) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.header for c in table.columns])
    for row in table.rows:
        writer.writerow([csv_cell(v) for v in row])
    return buffer.getvalue()


def _refuse_special(target: Path, *, folder: bool = False) -> None:
    """A workbook is written to a new file and renamed over the old one: refuse what must never be renamed over
    (a symbolic link, a device, a named pipe) instead of following or replacing it."""
    try:
        info = target.lstat()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise UsageError(f"cannot write {target}: {exc.strerror or exc}") from None
    if stat.S_ISLNK(info.st_mode):
        raise UsageError(f"cannot write {target}: it is a symbolic link; name the file itself or a new path")
    if folder and stat.S_ISDIR(info.st_mode):
        return
    if stat.S_ISDIR(info.st_mode):
        raise UsageError(f"cannot write {target}: it is a folder; move it away or name another file")
    if not stat.S_ISREG(info.st_mode):
        wanted = "a folder" if folder else "a file"
        raise UsageError(f"cannot write {target}: it is a device or a named pipe; name {wanted} instead")
    if folder:
        raise UsageError(f"cannot write {target}: it is a file; CSV export writes a folder (one file per sheet)")


def write_file(target: Path, data: bytes) -> None:
    """Write ``data`` to a new temporary file beside ``target`` and rename it over: an interrupted export leaves
    the old file or the new one, never half of one."""
    _refuse_special(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise UsageError(f"cannot write {target}: {exc.strerror or exc}") from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        mask = os.umask(0o022)  # reading the umask means setting it; put it straight back
        os.umask(mask)
        tmp.chmod(0o666 & ~mask)
        tmp.replace(target)
    except BaseException as exc:  # also an interrupt: never leave the temporary file behind
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError):
            raise UsageError(f"cannot write {target}: {exc.strerror or exc}") from None
        raise


# the files of a CSV export, one per sheet, in the order of the sheets
CSV_FILES = (
    "projects.csv",
    "risks.csv",
    "people.csv",
    "allocations.csv",
    "benefits.csv",
    "change-requests.csv",
    "findings.csv",
)


def check_out(out: Path, fmt: ExportFormat) -> None:
    """Refuse an output that cannot be written before the portfolio is checked, and before anything is written,
    so that a refused export leaves the folder as it was."""
    if fmt == "xlsx":
        _refuse_special(out)
        return
    _refuse_special(out, folder=True)
    for name in CSV_FILES:
        _refuse_special(out / name)


def write_tables(tables: Sequence[Sheet], out: Path, fmt: ExportFormat) -> list[Path]:
    """Write the tables as one workbook at ``out`` or as CSV files in the folder ``out``; return what was written."""
    check_out(out, fmt)
    if fmt == "xlsx":
        write_file(out, workbook_bytes(tables))
        return [out]
    targets = [out / t.file for t in tables]
    for table, target in zip(tables, targets, strict=True):
        # utf-8-sig: Excel opens a CSV with a byte-order mark as UTF-8 (names such as Søren stay whole)
        write_file(target, csv_text(table).encode("utf-8-sig"))
    return targets


def format_of(text: str, given: str | None) -> ExportFormat:
    """The format ``--format`` names, else the one ``--out`` implies: ``.xlsx`` a workbook, a folder CSV."""
    if given in ("xlsx", "csv"):
        return given  # type: ignore[return-value]
    if given is not None:
        raise UsageError(f"unknown export format {given!r}; choose xlsx or csv")
    out = Path(text)
    if out.suffix.lower() == ".xlsx":
        return "xlsx"
    if text.endswith(("/", os.sep)) or out.is_dir():
        return "csv"
    raise UsageError(
        f"--out {text}: name a workbook ending in .xlsx, or a folder ending in / for CSV files (or add --format csv)"
    )


def execute(opts: ExportOptions) -> list[Path]:
    """Check the portfolio, build its tables and write them; return the files written."""
    from pmo_lint.options import RunInputs, RunOptions
    from pmo_lint.run import check

    check_out(opts.out, opts.format)
    # the same run as `check` (configuration, as-of date, waivers, suppressions), keeping the loaded portfolio
    done = check(
        RunOptions(paths=(opts.root,), config_path=opts.config_path, as_of=opts.as_of), RunInputs(keep_model=True)
    )
    # keep_model: the catalog is always there; a pmo.yaml that could not be read shows in the findings sheet
    assert done.catalog is not None, "a run with keep_model has its catalog"
    tables = build_tables(done.catalog, done.result, done.facts)
    return write_tables(tables, opts.out, opts.format)
