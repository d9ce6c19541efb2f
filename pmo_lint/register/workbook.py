"""The one openpyxl adapter: reading registers (import) and writing workbooks (export).

openpyxl is imported inside the functions, so commands that never touch a workbook do not load it.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

# -- reading (import) ------------------------------------------------------------------------------------
# `pmo-lint import` reads every sheet into plain cells: the value as typed (a date cell as a date, a formula as
# its text), the cell's reference for messages, and its fill colour (a RAG column may be colour only). Merged
# cells give every cell of the range the value of its first cell. CSV files come through here too, so the
# importer never sees a difference but the name in its messages.

_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a password-protected workbook, or an old .xls


class RegisterError(Exception):
    """A register that cannot be read at all, with the reason in the reader's words."""


@dataclass(frozen=True)
class Cell:
    value: object  # str, int, float, bool, dt.date, dt.datetime, or None
    column: int  # 1-based
    fill: str | None = None  # RRGGBB of a solid fill, when the cell has one
    formula: bool = False  # the cell holds a formula (its value is the formula's last result, when saved)


@dataclass(frozen=True)
class SheetRow:
    number: int  # 1-based row of the sheet (the line of a CSV file)
    cells: tuple[Cell, ...]  # every column up to the sheet's last, in order


@dataclass(frozen=True)
class ReadSheet:
    title: str  # the sheet's name; the file's name for a CSV file
    rows: tuple[SheetRow, ...]
    csv: bool = False

    def where(self, row: int, column: int) -> str:
        """``'Portfolio Register'!H16`` (``projects.csv:H16`` for a CSV file)."""
        ref = f"{column_letter(column)}{row}"
        if self.csv:
            return f"{self.title}:{ref}"
        return f"'{self.title}'!{ref}"


def column_letter(column: int) -> str:
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def read_register(path: Path) -> list[ReadSheet]:
    """Every sheet of an .xlsx workbook, or the one table of a .csv file. Raises RegisterError."""
    suffix = path.suffix.lower()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RegisterError(f"cannot be read: {exc.strerror or exc}") from None
    if not raw.strip():
        raise RegisterError("is empty")
    if suffix == ".csv" or (suffix in (".txt", ".tsv") and not raw.startswith((_XLSX_MAGIC, _OLE_MAGIC))):
        if suffix == ".txt":
            raise RegisterError("is not a register: import reads .xlsx workbooks and .csv files")
        return [_read_csv(path.name, raw)]
    if raw.startswith(_OLE_MAGIC):
        raise RegisterError(
            "is password-protected or an old .xls workbook: open it in Excel and save it as .xlsx without a password"
        )
    if suffix in (".xls", ".xlsb", ".ods", ".numbers"):
        raise RegisterError(f"is a {suffix} file: save it as .xlsx (Excel workbook) or .csv first")
    if suffix not in (".xlsx", ".xlsm"):
        raise RegisterError("is not a register: import reads .xlsx workbooks and .csv files")
    if not raw.startswith(_XLSX_MAGIC):
        raise RegisterError("is not a valid .xlsx workbook (the file is damaged or not a workbook)")
    return _read_xlsx(raw)


def _read_xlsx(raw: bytes) -> list[ReadSheet]:
    import warnings

    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():  # openpyxl warns about data validation and styles it does not read
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(raw), data_only=False)
            values = None
            sheets = []
            for sheet in book.worksheets:
                rows, formulas = _sheet_rows(sheet)
                if formulas:  # the formulas' saved results, read once for the whole workbook
                    if values is None:
                        values = load_workbook(io.BytesIO(raw), data_only=True)
                    rows = _with_results(rows, values[sheet.title])
                sheets.append(ReadSheet(sheet.title, rows))
    except RegisterError:
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl raises anything on a damaged file: report, never crash
        raise RegisterError(f"is not a valid .xlsx workbook (the file is damaged: {type(exc).__name__})") from None
    return sheets


def _fill(cell: object) -> str | None:
    fill = getattr(cell, "fill", None)
    if fill is None or getattr(fill, "fill_type", None) != "solid":
        return None
    rgb = getattr(fill.fgColor, "rgb", None)
    if not isinstance(rgb, str) or len(rgb) not in (6, 8):
        return None  # a theme or indexed colour: not a colour we can name
    return rgb[-6:].upper()


def _sheet_rows(sheet: object) -> tuple[tuple[SheetRow, ...], bool]:
    merged: dict[tuple[int, int], tuple[int, int]] = {}
    ranges: Any = getattr(getattr(sheet, "merged_cells", None), "ranges", ())
    for rng in ranges:
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                if (r, c) != (rng.min_row, rng.min_col):
                    merged[(r, c)] = (rng.min_row, rng.min_col)
    grid: list[list[Cell]] = []
    numbers: list[int] = []
    formulas = False
    for number, row in enumerate(sheet.iter_rows(), start=1):  # type: ignore[attr-defined]
        cells = []
        for cell in row:
            value = cell.value
            formula = isinstance(value, str) and value.startswith("=") and cell.data_type == "f"
            formulas = formulas or formula
            if isinstance(value, str):
                value = value.strip() or None
            cells.append(Cell(value, cell.column, _fill(cell), formula))
        grid.append(cells)
        numbers.append(number)
    for (r, c), (top, left) in merged.items():
        if r - 1 < len(grid) and c - 1 < len(grid[r - 1]) and top - 1 < len(grid) and left - 1 < len(grid[top - 1]):
            first = grid[top - 1][left - 1]
            grid[r - 1][c - 1] = Cell(first.value, c, first.fill, first.formula)
    return tuple(SheetRow(n, tuple(cells)) for n, cells in zip(numbers, grid, strict=True)), formulas


def _with_results(rows: tuple[SheetRow, ...], values: object) -> tuple[SheetRow, ...]:
    out = []
    for row in rows:
        if not any(c.formula for c in row.cells):
            out.append(row)
            continue
        cells = tuple(
            Cell(_saved_result(values, row.number, c.column), c.column, c.fill, True) if c.formula else c
            for c in row.cells
        )
        out.append(SheetRow(row.number, cells))
    return tuple(out)


def _saved_result(values: object, row: int, column: int) -> object:
    value = values.cell(row=row, column=column).value  # type: ignore[attr-defined]
    return value.strip() or None if isinstance(value, str) else value


def _read_csv(name: str, raw: bytes) -> ReadSheet:
    import csv

    if raw.startswith(_XLSX_MAGIC):
        raise RegisterError("is a workbook saved with a .csv name: rename it to .xlsx")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes almost anything
        raise RegisterError("is not text in UTF-8 or Windows-1252")
    if "\x00" in text:
        raise RegisterError("is not a CSV file (it holds binary data)")
    sample = text[:8192]
    counts = {d: sample.count(d) for d in (",", ";", "\t")}
    delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    try:
        lines = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise RegisterError(f"cannot be read as CSV: {exc}") from None
    rows = tuple(
        SheetRow(n, tuple(Cell(v.strip() or None, i) for i, v in enumerate(line, start=1)))
        for n, line in enumerate(lines, start=1)
    )
    return ReadSheet(name, rows, csv=True)


# -- writing (export) -----------------------------------------------------------------------------------
# `pmo-lint export` (pmo_lint.register.export builds the tables; this section only lays them out). Every sheet:
# the header in row 1, frozen, with filters on; dates as date cells; money as numbers formatted with their
# currency; RAG and severity cells filled with their colour; columns as wide as their longest value.

CellStyle = Literal["text", "date", "money", "number", "ratio", "integer", "rag", "severity"]


@dataclass(frozen=True)
class CurrencyAmount:
    """An amount shown with its currency: a number cell formatted ``€1,250,000``."""

    amount: float
    currency: str


CellValue = str | int | float | dt.date | CurrencyAmount | None


@dataclass(frozen=True)
class SheetColumn:
    header: str
    style: CellStyle = "text"


@dataclass(frozen=True)
class Sheet:
    """One sheet of an exported workbook, or one CSV file of an exported folder."""

    title: str  # e.g. "Projects"
    file: str  # the CSV file's name, e.g. "projects.csv"
    columns: tuple[SheetColumn, ...]
    rows: tuple[tuple[CellValue, ...], ...]


_RAG_FILLS = {"green": "C6EFCE", "amber": "FFEB9C", "red": "FFC7CE"}  # Excel's own good / neutral / bad fills
_SEVERITY_FILLS = {"error": "FFC7CE", "warning": "FFEB9C"}
_HEADER_FILL = "DDEBF7"
_CURRENCY_SYMBOLS = {"EUR": "€", "GBP": "£", "USD": "$", "JPY": "¥", "INR": "₹"}
_DATE_FORMAT = "yyyy-mm-dd"  # unambiguous on every locale, and what import reads back as text too
_WIDTH_MIN, _WIDTH_MAX = 6, 60


def money_format(currency: str, amount: float) -> str:
    """``€#,##0`` for a whole amount in euros, ``#,##0.00 "CHF"`` for cents in a currency without a symbol."""
    digits = "#,##0" if float(amount).is_integer() else "#,##0.00"
    symbol = _CURRENCY_SYMBOLS.get(currency)
    if symbol:
        return f'"{symbol}"{digits};-"{symbol}"{digits}'
    return f'{digits} "{currency}";-{digits} "{currency}"' if currency else digits


def _shown(value: object) -> str:
    """Roughly the text Excel shows for a value, to size its column."""
    if isinstance(value, CurrencyAmount):
        symbol = _CURRENCY_SYMBOLS.get(value.currency, f" {value.currency}")
        return f"{symbol}{value.amount:,.2f}"
    if isinstance(value, dt.date):
        return "2025-06-30"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return "" if value is None else str(value)


def _widths(table: Sheet) -> list[float]:
    """Each column as wide as its longest value (room for the header's filter button), within bounds."""
    widths = [len(c.header) + 3 for c in table.columns]
    for row in table.rows:
        for i, value in enumerate(row):
            if value is not None:
                widths[i] = max(widths[i], len(_shown(value)) + 2)
    return [min(max(w, _WIDTH_MIN), _WIDTH_MAX) for w in widths]


def workbook_bytes(tables: Sequence[Sheet]) -> bytes:
    """The tables as an .xlsx workbook, one sheet each, in the order given."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    # write-only mode streams the rows: a normal workbook re-counts its rows on every access, and 5,000 rows
    # took minutes; column widths, frozen panes and filters must then be set before the first row
    book = Workbook(write_only=True)
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor=_HEADER_FILL)
    fills = {
        "rag": {k: PatternFill("solid", fgColor=v) for k, v in _RAG_FILLS.items()},
        "severity": {k: PatternFill("solid", fgColor=v) for k, v in _SEVERITY_FILLS.items()},
    }
    top = Alignment(vertical="top")
    wrapped = Alignment(vertical="top", wrap_text=True)  # text longer than the widest column wraps
    for table in tables:
        sheet = book.create_sheet(table.title[:31])  # Excel's limit on a sheet name
        for i, width in enumerate(_widths(table), start=1):
            sheet.column_dimensions[get_column_letter(i)].width = width
        sheet.freeze_panes = "A2"
        if table.columns:
            last = get_column_letter(len(table.columns))
            sheet.auto_filter.ref = f"A1:{last}{len(table.rows) + 1}"
        header = []
        for column in table.columns:
            cell = WriteOnlyCell(sheet, value=column.header)
            cell.font, cell.fill = header_font, header_fill
            header.append(cell)
        sheet.append(header)
        for row in table.rows:
            cells: list[object] = []  # cells, and None for an empty one
            for value, column in zip(row, table.columns, strict=True):
                if value is None:
                    cells.append(None)
                    continue
                cell = WriteOnlyCell(sheet)
                cell.value = value.amount if isinstance(value, CurrencyAmount) else value
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"  # openpyxl takes text starting with = for a formula: keep it text
                cell.alignment = wrapped if len(_shown(value)) + 2 > _WIDTH_MAX else top
                if isinstance(value, CurrencyAmount):
                    cell.number_format = money_format(value.currency, value.amount)
                elif isinstance(value, dt.date):
                    cell.number_format = _DATE_FORMAT
                elif column.style == "ratio":
                    cell.number_format = "0.00"
                elif column.style == "number" and isinstance(value, float) and not value.is_integer():
                    cell.number_format = "#,##0.0#"
                elif column.style in fills and isinstance(value, str):
                    fill = fills[column.style].get(value.lower())
                    if fill is not None:
                        cell.fill = fill
                cells.append(cell)
            sheet.append(cells)
    if not tables:
        book.create_sheet("Portfolio")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
