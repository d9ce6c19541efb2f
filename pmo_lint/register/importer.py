"""``pmo-lint import``: a register's rows as the portfolio's files.

Reading: every sheet's header row is found (below title rows and "last updated" lines), the sheet's kind
comes from its name or its headers, and each row becomes the values of one entity (a project, a person, a
risk...) or of one assignment. A row with a bad cell is reported by reference and not written; duplicated
IDs are reported and neither row is written.

Writing: a new entity is written at its layout path in the style of ``pmo-lint new``; an existing one is
edited in place (round-trip), only where the register's value differs, so comments and fields written by
hand survive and an empty cell deletes nothing. Importing the same register twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmo_lint.errors import UsageError
from pmo_lint.register import headers as H
from pmo_lint.register.mapping import Mapping, default_path, draft, load_mapping
from pmo_lint.register.values import (
    CellError,
    DateOrder,
    People,
    column_order,
    read_bool,
    read_choice,
    read_date,
    read_level,
    read_money,
    read_number,
    read_percent,
    read_phase,
    read_rag,
    shown,
    slug,
    split_list,
    text_of,
    updated_date,
)
from pmo_lint.register.workbook import Cell, ReadSheet, RegisterError, SheetRow, read_register

if TYPE_CHECKING:
    from pmo_lint.loader.roundtrip import Node, RoundTripDocument
    from pmo_lint.model.catalog import Catalog
    from pmo_lint.model.kinds import PMOConfig

DataPath = tuple[str | int, ...]
_HEADER_SEARCH_ROWS = 30
_TOTAL = re.compile(r"^(grand\s+)?(sub\s*)?totals?\b|^sum\b|^average\b", re.IGNORECASE)


@dataclass(frozen=True)
class ImportOptions:
    files: tuple[Path, ...]
    root: Path = Path()
    dry_run: bool = False
    strict: bool = False
    map_path: Path | None = None
    write_map: bool = False
    dates: DateOrder | None = None
    status_date: dt.date | None = None
    progress: bool = False


@dataclass(frozen=True)
class Ref:
    """A reference value (``person:ana-lopez``): compared with what a file holds by the name alone."""

    kind: str
    name: str

    def text(self) -> str:
        return f"{self.kind}:{self.name}"


@dataclass
class Planned:
    """One file to create or edit, from one row (or, for allocations, several)."""

    kind: str
    rel: str
    where: str  # the row, for messages
    sets: list[tuple[DataPath, object]] = field(default_factory=list)  # written whether new or existing
    create: list[tuple[DataPath, object]] = field(default_factory=list)  # only when the file is new
    assignments: list[dict[str, object]] = field(default_factory=list)  # allocations: one per row


@dataclass
class Action:
    verb: str  # "create", "update", "unchanged"
    rel: str
    detail: str = ""


@dataclass
class Report:
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    rows_ok: int = 0
    rows_failed: int = 0
    written: bool = False
    map_written: Path | None = None

    @property
    def exit_code(self) -> int:
        return 1 if self.problems else 0


class RowFailed(Exception):
    pass


# -- the portfolio as import sees it --------------------------------------------------------------------
@dataclass
class Portfolio:
    root: Path
    pmo: PMOConfig
    catalog: Catalog
    data: dict[str, dict[str, Any]]  # rel -> raw data of every valid file
    invalid: set[str]  # rel of files that exist but do not validate
    people: People
    projects: dict[str, str]  # name -> title (existing and imported)
    limits: Any

    def currency_of(self, project: str) -> str:
        data = self.data.get(f"projects/{project}/project.yaml", {})
        return str(data.get("spec", {}).get("currency") or self.pmo.spec.currency)


def _load(root: Path) -> Portfolio:
    from pmo_lint.cache.files import load_working_tree
    from pmo_lint.config import load_config
    from pmo_lint.loader.discover import find_root
    from pmo_lint.model.catalog import Catalog

    root = find_root(root)
    config = load_config(root)
    outcomes, _ = load_working_tree(root, config, use_cache=True)
    catalog = Catalog.build(o.loaded for o in outcomes if o.loaded is not None)
    pmo = catalog.config
    if pmo is None:
        raise UsageError("pmo.yaml does not validate; run `pmo-lint check pmo.yaml` and fix it first", path=str(root))
    people = People()
    for item in catalog.of_kind("Person"):
        people.add(item.entity.metadata.name, str(item.entity.spec.profile.display_name))  # type: ignore[attr-defined]
    projects = {
        p.entity.metadata.name: p.entity.metadata.title or p.entity.metadata.name for p in catalog.of_kind("Project")
    }
    return Portfolio(
        root=root,
        pmo=pmo,
        catalog=catalog,
        data={o.rel: o.loaded.data for o in outcomes if o.loaded is not None},
        invalid={o.rel for o in outcomes if o.loaded is None},
        people=people,
        projects=projects,
        limits=config.limits,
    )


# -- sheets ------------------------------------------------------------------------------------------
@dataclass
class Column:
    index: int  # 1-based
    header: str  # as written in the register
    field: str | None  # import's header, None when not understood


@dataclass
class Table:
    source: str  # the file's name
    sheet: ReadSheet
    kind: str
    header_row: int
    columns: list[Column]
    rows: list[SheetRow]
    updated: dt.date | None


def _texts(row: SheetRow) -> list[str]:
    return [text_of(c.value) for c in row.cells]


def _find_header(sheet: ReadSheet, forced: str | None, mapping: Mapping) -> tuple[int, str] | None:
    """The row of headers (the one that fits a kind best in the first rows) and the sheet's kind."""
    best: tuple[int, int, str] | None = None
    for index, row in enumerate(sheet.rows[:_HEADER_SEARCH_ROWS]):
        texts = [mapping.column(sheet.title, t) or t for t in _texts(row)]
        if sum(1 for t in texts if t) < 2:
            continue
        kinds = [forced] if forced else list(H.KINDS)
        for kind in kinds:
            s = H.score(kind, texts)
            if best is None or s > best[0]:
                best = (s, index, kind)
    if best is None or best[0] < (2 if forced else 4):
        return None
    return best[1], best[2]


def _tables(source: str, sheets: list[ReadSheet], mapping: Mapping, report: Report) -> list[Table]:
    out = []
    for sheet in sheets:
        named = mapping.kind_of(sheet.title) or H.kind_of_sheet(sheet.title)
        label = f"{source}: sheet '{sheet.title}'" if not sheet.csv else source
        if named == H.IGNORE:
            report.notes.append(f"{label} ignored (notes, lists or findings, not a register)")
            continue
        if not any(any(c.value is not None for c in r.cells) for r in sheet.rows):
            report.notes.append(f"{label} ignored (empty)")
            continue
        found = _find_header(sheet, named, mapping)
        if found is None:
            report.notes.append(
                f"{label} ignored: no row of headers import understands "
                "(name its kind in the mapping file's sheets section, see --write-map)"
            )
            continue
        index, kind = found
        header = sheet.rows[index]
        columns = []
        for cell in header.cells:
            text = text_of(cell.value)
            if not text:
                continue
            mapped = mapping.column(sheet.title, text)
            if mapped is not None and H.normalise(mapped) == H.IGNORE:
                columns.append(Column(cell.column, text, None))
                continue
            target = H.field_of(kind, mapped or text)
            columns.append(Column(cell.column, text, target))
        updated = None
        for row in sheet.rows[:index]:
            for text in _texts(row):
                updated = updated or (updated_date(text) if text else None)
        rows = list(sheet.rows[index + 1 :])
        out.append(Table(source, sheet, kind, header.number, columns, rows, updated))
        known = [c for c in columns if c.field is not None]
        unknown = [c.header for c in columns if c.field is None]
        seen: dict[str, str] = {}
        for c in known:
            assert c.field is not None
            if c.field in seen:
                raise UsageError(
                    f"{label}: columns {seen[c.field]!r} and {c.header!r} both mean {c.field}; "
                    "map one of them to ignore in the mapping file"
                )
            seen[c.field] = c.header
        report.notes.append(
            f"{label} read as {H.KIND_WORDS[kind]} (headers on row {header.number})"
            + (f"; columns not understood, left out: {', '.join(unknown)}" if unknown else "")
        )
    return out


# -- one row -----------------------------------------------------------------------------------------
class RowReader:
    """The cells of one row by import's header, and the problems found reading them."""

    def __init__(self, table: Table, row: SheetRow, mapping: Mapping, orders: dict[str, DateOrder | None]) -> None:
        self.table = table
        self.row = row
        self.mapping = mapping
        self.orders = orders
        self.cells: dict[str, Cell] = {}
        for column in table.columns:
            if column.field is not None and column.index - 1 < len(row.cells):
                self.cells[column.field] = row.cells[column.index - 1]
        self.problems: list[str] = []

    def where(self, header: str | None = None) -> str:
        cell = self.cells.get(header) if header else None
        column = cell.column if cell else 1
        if cell is None and header is None:
            return self.table.sheet.where(self.row.number, column).rsplit("!", 1)[0].rsplit(":", 1)[0] + (
                f" row {self.row.number}"
            )
        return self.table.sheet.where(self.row.number, column)

    def raw(self, header: str) -> object:
        cell = self.cells.get(header)
        if cell is None:
            return None
        value = cell.value
        values = self.mapping.value_map(header) if self.mapping.values else None
        mapped = values.get(H.normalise(text_of(value))) if values and value is not None else None
        return mapped if mapped else value

    def has(self, header: str) -> bool:
        value = self.raw(header)
        return value is not None and text_of(value) != ""

    def fail(self, header: str | None, message: str) -> None:
        self.problems.append(f"{self.where(header)}: {message}")

    def get(self, header: str, reader: Callable[[object], Any]) -> Any:
        """The cell read by ``reader``; None when empty or when it cannot be read (the problem is kept)."""
        if not self.has(header):
            return None
        try:
            return reader(self.raw(header))
        except CellError as exc:
            subject = header if header in ("RAG", "ID", "KPI", "FTE") else header.lower()
            self.fail(header, f"{subject} {exc.message}" if exc.message.startswith("'") else exc.message)
            return None

    def date(self, header: str) -> dt.date | None:
        order = self.orders.get(header)
        return self.get(header, lambda v: read_date(v, order))  # type: ignore[no-any-return]

    def text(self, header: str) -> str | None:
        return self.get(header, lambda v: text_of(v)[:300])  # type: ignore[no-any-return]

    def long_text(self, header: str) -> str | None:
        return self.get(header, lambda v: text_of(v)[:10_000])  # type: ignore[no-any-return]

    def person(self, header: str, people: People) -> Ref | None:
        found = self.get(header, people.resolve)
        return Ref("person", found) if found else None


def _row_is_data(row: SheetRow, table: Table) -> bool:
    """Blank rows, total rows and rows of formulas only are not data."""
    used = [c for c in row.cells if c.value is not None and text_of(c.value) != ""]
    if not used:
        return False
    first = text_of(used[0].value)
    if _TOTAL.match(first):
        return False
    return not all(c.formula for c in used)


# -- the planner -------------------------------------------------------------------------------------
class Planner:
    def __init__(self, portfolio: Portfolio, opts: ImportOptions, mapping: Mapping, report: Report) -> None:
        self.p = portfolio
        self.opts = opts
        self.mapping = mapping
        self.report = report
        self.planned: dict[str, Planned] = {}
        self.status_date = opts.status_date
        self.today = dt.date.today()
        self._reports: dict[str, list[tuple[str, dict[str, Any]]]] | None = None
        self.failed_projects: set[str] = set()  # ids and titles of project rows that were not imported

    # helpers ------------------------------------------------------------------------------------
    def money_text(self, amount: float, currency: str | None) -> str:
        from pmo_lint.rules.wording import format_money

        return format_money(amount, currency or self.p.pmo.spec.currency)

    def money(self, r: RowReader, header: str, currency: str | None, *, signed: bool = False) -> float | None:
        got = r.get(header, read_money)
        if got is None:
            return None
        amount: float = got[0]
        written: str | None = got[1]
        if written and currency and written != currency:
            r.fail(
                header, f"{header.lower()} {shown(r.raw(header))} is in {written}, but the amounts are in {currency}"
            )
            return None
        if amount < 0 and not signed:
            r.fail(header, f"{header.lower()} {self.money_text(amount, written or currency)} is negative")
            return None
        return amount

    def project_ref(self, r: RowReader, header: str = "Project") -> str | None:
        if not r.has(header):
            r.fail(None, f"no {header.lower()}: the row names no project")
            return None
        text = text_of(r.raw(header))
        name = slug(text)
        if name in self.p.projects:
            return name
        by_title = [n for n, t in self.p.projects.items() if t.casefold() == text.casefold()]
        if len(by_title) == 1:
            return by_title[0]
        if name in self.failed_projects or text.casefold() in self.failed_projects:
            r.fail(header, f"project {text!r} was not imported: its row in the register needs attention first")
            return None
        import difflib

        hints = difflib.get_close_matches(name, list(self.p.projects), n=2, cutoff=0.75)
        tail = f"; did you mean {' or '.join(hints)}?" if hints else ""
        r.fail(header, f"no project {text!r} in the portfolio or the register{tail}")
        return None

    def ident(self, r: RowReader, title_header: str) -> str | None:
        """The row's name: its ID (``PRJ-001`` -> ``prj-001``), else its title made a name."""
        text = text_of(r.raw("ID")) if r.has("ID") else text_of(r.raw(title_header)) if r.has(title_header) else ""
        if not text:
            r.fail(None, f"no ID and no {title_header.lower()}: the row cannot be named")
            return None
        name = slug(text)
        if not name:
            r.fail("ID" if r.has("ID") else title_header, f"{text!r} cannot be made a name")
            return None
        return name

    def add(self, planned: Planned) -> None:
        self.planned[planned.rel] = planned

    # one sheet ----------------------------------------------------------------------------------
    def table(self, table: Table, tick: Callable[[], None]) -> None:
        rows = [row for row in table.rows if _row_is_data(row, table)]
        orders: dict[str, DateOrder | None] = {}
        for column in table.columns:
            if column.field is None:
                continue
            values = [row.cells[column.index - 1].value for row in rows if column.index - 1 < len(row.cells)]
            orders[column.field] = self.opts.dates or column_order(values)
        # a column whose own dates do not settle the order takes the order of the sheet's other dates
        sheet_order = column_order([c.value for row in table.sheet.rows for c in row.cells if isinstance(c.value, str)])
        orders = {k: v or sheet_order for k, v in orders.items()}
        if self.status_date is None and table.updated is not None:
            self.status_date = table.updated
        builder = getattr(self, f"row_{table.kind}")
        readers = [RowReader(table, row, self.mapping, orders) for row in rows]
        ids = self.duplicates(table, readers)
        for reader in readers:
            tick()
            planned: list[Planned] = []
            try:
                if reader in ids:
                    raise RowFailed
                planned = builder(reader)
            except RowFailed:
                pass
            if reader.problems or not planned:
                self.report.problems.extend(reader.problems)
                self.report.rows_failed += 1
                if table.kind == "project":
                    for header in ("ID", "Name"):
                        if reader.has(header):
                            self.failed_projects.add(slug(text_of(reader.raw(header))))
                            self.failed_projects.add(text_of(reader.raw(header)).casefold())
                continue
            self.report.rows_ok += 1
            for item in planned:
                self.add(item)

    def duplicates(self, table: Table, readers: list[RowReader]) -> set[RowReader]:
        """Rows whose ID another row of the sheet also has: both are reported and neither is written."""
        if table.kind == "allocation":
            return set()
        title = {"project": "Name", "person": "Name"}.get(table.kind, "Title")
        by_id: dict[tuple[str, str], list[RowReader]] = {}
        for reader in readers:
            key = text_of(reader.raw("ID")) if reader.has("ID") else text_of(reader.raw(title))
            if not key:
                continue
            scope = text_of(reader.raw("Project")).casefold() if table.kind in ("risk", "benefit", "change") else ""
            by_id.setdefault((scope, slug(key)), []).append(reader)
        out: set[RowReader] = set()
        for group in by_id.values():
            if len(group) < 2:
                continue
            rows = ", ".join(str(g.row.number) for g in group)
            for reader in group:
                header = "ID" if reader.has("ID") else title
                reader.fail(header, f"{text_of(reader.raw(header))!r} appears on rows {rows}; none of them is imported")
                out.add(reader)
        return out

    # kinds --------------------------------------------------------------------------------------
    def row_person(self, r: RowReader) -> list[Planned]:
        name = self.ident(r, "Name")
        display = r.text("Name")
        if display is None:
            r.fail("Name", "no name: a person needs a display name")
        sets: list[tuple[DataPath, object]] = []
        if display:
            sets.append((("spec", "profile", "displayName"), display))
        email = r.get("Email", _email)
        if email:
            sets.append((("spec", "profile", "email"), email))
        roles = r.get("Roles", lambda v: _roles(v, self.p.pmo))
        if roles is not None:
            pmo_roles, governance = roles
            if pmo_roles:
                sets.append((("spec", "roles"), pmo_roles))
            if governance:
                sets.append((("spec", "governanceRoles"), governance))
        teams = r.get("Teams", lambda v: [Ref("team", slug(t)) for t in split_list(v)])
        if teams:
            sets.append((("spec", "memberOf"), teams))
        fte = r.get(
            "FTE",
            lambda v: _bounded(
                read_percent(v) / 100 if read_number(v) > 1.5 else read_number(v), 0, 1.5, "FTE", lower_open=True
            ),
        )
        if fte is not None:
            sets.append((("spec", "capacity", "fte"), fte))
        hours = r.get("Hours per week", lambda v: _bounded(read_number(v), 0, 80, "hours per week", lower_open=True))
        if hours is not None:
            sets.append((("spec", "capacity", "hoursPerWeek"), hours))
        active = r.get("Active", read_bool)
        if active is not None:
            sets.append((("spec", "active"), active))
        left = r.date("Left date")
        if left is not None:
            sets.append((("spec", "leftDate"), left))
        if r.problems or not name:
            raise RowFailed
        self.p.people.add(name, display or name)
        return [Planned("Person", f"people/{name}.yaml", r.where(), sets, [(("spec", "capacity", "hoursPerWeek"), 40)])]

    def row_project(self, r: RowReader) -> list[Planned]:
        pmo = self.p.pmo.spec
        name = self.ident(r, "Name")
        rel = f"projects/{name}/project.yaml"
        existing = self.p.data.get(rel)
        spec = (existing or {}).get("spec", {})
        currency = r.get(
            "Currency",
            lambda v: (
                read_choice(text_of(v).upper(), [text_of(v).upper()], "currency")
                if re.fullmatch(r"[A-Za-z]{3}", text_of(v))
                else _bad(v, "is not a currency code")
            ),
        )
        effective = currency or spec.get("currency") or pmo.currency
        sets: list[tuple[DataPath, object]] = []
        title = r.text("Name")
        if title:
            sets.append((("metadata", "title"), title))
        desc = r.long_text("Description")
        if desc:
            sets.append((("metadata", "description"), desc))
        if r.has("Type"):
            sets.append((("spec", "type"), r.get("Type", lambda v: read_choice(v, pmo.project_types, "type"))))
        if r.has("Category"):
            cat = r.get("Category", lambda v: read_choice(v, ("strategic", "operational", "regulatory"), "category"))
            sets.append((("spec", "category"), cat))
        phase, state = (None, None)
        if r.has("Phase"):
            got = r.get("Phase", lambda v: read_phase(v, pmo.lifecycle.phases, self.mapping.value_map("Phase")))
            phase, state = got if got else (None, None)
        if r.has("State"):
            state = r.get(
                "State",
                lambda v: read_choice(
                    v,
                    ("active", "on-hold", "cancelled", "completed"),
                    "state",
                    {
                        "on hold": "on-hold",
                        "closed": "completed",
                        "done": "completed",
                        "canceled": "cancelled",
                        "open": "active",
                        "in progress": "active",
                    },
                ),
            )
        if phase:
            sets.append((("spec", "lifecycle", "phase"), phase))
        if state:
            sets.append((("spec", "lifecycle", "state"), state))
        owner = r.person("Project manager", self.p.people)
        sponsor = r.person("Sponsor", self.p.people)
        requester = r.person("Requester", self.p.people)
        for key, ref in (("requester", requester), ("owner", owner), ("sponsor", sponsor)):
            if ref:
                sets.append((("spec", key), ref))
        for header, kind in (("Portfolio", "Portfolio"), ("Program", "Program")):
            if r.has(header):
                ref_name = slug(text_of(r.raw(header)))
                item = self.p.catalog.lookup(ref_name, kinds=(kind,))
                if item is None:
                    titles = {
                        i.entity.metadata.name: (i.entity.metadata.title or "").casefold()
                        for i in self.p.catalog.of_kind(kind)
                    }
                    match = [n for n, t in titles.items() if t == text_of(r.raw(header)).casefold()]
                    if len(match) == 1:
                        ref_name = match[0]
                    else:
                        r.fail(header, f"no {header.lower()} {text_of(r.raw(header))!r} in the portfolio")
                        continue
                sets.append((("spec", header.lower()), Ref(header.lower(), ref_name)))
        start, finish = r.date("Start"), r.date("Finish")
        if start and finish and finish < start:
            r.fail("Finish", f"finish {finish:%d %b %Y} is before the start {start:%d %b %Y}")
        schedule = (
            "approved" if isinstance(spec.get("schedule"), dict) and "approved" in spec["schedule"] else ("requested")
        )
        if start:
            sets.append((("spec", "schedule", schedule, "start"), start))
        if finish:
            sets.append((("spec", "schedule", schedule, "end"), finish))
        budget = self.money(r, "Budget", effective)
        if budget is not None:
            sets.append((("spec", "budget", "bac"), budget))
        actuals = self.money(r, "Actuals", effective)
        if actuals is not None:
            self.actuals(r, spec, actuals, sets)
        if currency and currency != (spec.get("currency") or pmo.currency):
            sets.append((("spec", "currency"), currency))
        priority = r.get("Priority", lambda v: int(_bounded(read_number(v, "priority"), 1, 10_000, "priority")))
        if priority is not None:
            sets.append((("spec", "prioritization", "priority"), priority))
        if r.has("Business unit"):
            sets.append((("spec", "businessUnit"), r.text("Business unit")))
        pct = r.get("% complete", lambda v: _bounded(read_percent(v), 0, 100, "percent complete"))
        if pct is not None:
            sets.append((("spec", "percentComplete"), pct))
        rag = r.get("RAG", lambda v: read_rag(v))
        rag_cell = r.cells.get("RAG")
        if rag is None and rag_cell is not None and rag_cell.value is None and rag_cell.fill:
            from pmo_lint.register.values import rag_of_fill

            rag = rag_of_fill(rag_cell.fill)
        report_date = r.date("Status date")
        goals: list[object] = []
        if r.has("Goal"):
            for goal in split_list(r.raw("Goal")):
                if self.p.catalog.lookup(slug(goal), kinds=("StrategicGoal",)) is None:
                    r.fail("Goal", f"no strategic goal {goal!r} in the portfolio")
                else:
                    goals.append({"goal": Ref("goal", slug(goal)), "impact": "moderate"})
        if r.problems or not name:
            raise RowFailed
        create: list[tuple[DataPath, object]] = []
        if existing is None:
            if not phase:
                create.append((("spec", "lifecycle", "phase"), pmo.lifecycle.phases[0].id))
            create += [
                (("spec", "type"), pmo.project_types[0]),
                (("spec", "category"), "strategic"),
                (("spec", "lifecycle", "state"), "active"),
            ]
            if goals:
                create.append((("spec", "alignment", "goals"), goals))
        self.p.projects[name] = title or name
        out = [Planned("Project", rel, r.where(), sets, create)]
        if rag:
            author = owner.name if owner else _bare(spec.get("owner"))
            report = self.status_report(
                r, name, rag, report_date, author, pct if pct is not None else spec.get("percentComplete")
            )
            if report is not None:
                out.append(report)
        return out

    def actuals(self, r: RowReader, spec: dict[str, Any], amount: float, sets: list[tuple[DataPath, object]]) -> None:
        """The register's actual cost against the project's monthly actuals: the same total is no change."""
        entries = spec.get("actuals") or []
        total = sum(float(e.get("cost", 0)) for e in entries if isinstance(e, dict))
        if entries and abs(total - amount) < 0.005:
            return
        if len(entries) == 1:
            sets.append((("spec", "actuals", 0, "cost"), amount))
        elif not entries:
            when = self.status_date or self.today
            sets.append((("spec", "actuals"), [{"period": f"{when:%Y-%m}", "cost": amount}]))
        else:
            r.fail(
                "Actuals",
                f"actuals {self.money_text(amount, None)} differ from the {len(entries)} monthly actuals of the "
                f"project ({self.money_text(total, None)}); change those by hand",
            )

    def status_report(
        self, r: RowReader, project: str, rag: str, date: dt.date | None, author: str | None, pct: object
    ) -> Planned | None:
        """The RAG as the project's current status report: a new report when it differs from the latest."""
        date = date or self.status_date
        if self._reports is None:  # every project's status reports, gathered once
            self._reports = {}
            for rel, d in self.p.data.items():
                if d.get("kind") == "StatusReport" and rel.startswith("projects/"):
                    self._reports.setdefault(rel.split("/")[1], []).append((rel, d))
        reports = self._reports.get(project, [])
        latest = max(reports, key=lambda x: str(x[1].get("spec", {}).get("reportDate")), default=None)
        if date is None:
            current = (
                (latest[1].get("spec", {}).get("health", {}).get("overall", {}) or {}).get("rag") if latest else None
            )
            if current == rag:
                return None
            date = self.today
        rel = f"projects/{project}/status/{date.isoformat()}.yaml"
        if rel not in self.p.data:
            if latest is not None and str(latest[1].get("spec", {}).get("reportDate")) > date.isoformat():
                return None  # a later report exists: the register's RAG is older news
            if (
                latest is not None
                and (latest[1].get("spec", {}).get("health", {}).get("overall") or {}).get("rag") == rag
                and date.isoformat() == str(latest[1].get("spec", {}).get("reportDate"))
            ):
                return None
        if author is None:
            r.fail("RAG", "the RAG needs the project manager to author the status report; give a project manager")
            raise RowFailed
        sets: list[tuple[DataPath, object]] = [(("spec", "health", "overall", "rag"), rag)]
        create: list[tuple[DataPath, object]] = [
            (("metadata", "namespace"), project),
            (("spec", "reportDate"), date),
            (("spec", "author"), Ref("person", author)),
        ]
        create += [(("spec", "health", dim, "rag"), rag) for dim in ("schedule", "cost", "resources", "scope")]
        create += [
            (("spec", "executiveSummary"), f"Status {rag.upper()} as reported in the register ({r.where()})."),
            (("spec", "percentComplete"), pct if isinstance(pct, (int, float)) else 0),
        ]
        return Planned("StatusReport", rel, r.where("RAG"), sets, create)

    def row_risk(self, r: RowReader) -> list[Planned]:
        pmo = self.p.pmo.spec
        project = self.project_ref(r)
        name = self.ident(r, "Title")
        sets: list[tuple[DataPath, object]] = []
        title = r.text("Title")
        if title:
            sets.append((("metadata", "title"), title))
        cats = ("technical", "schedule", "cost", "resource", "scope", "quality", "external", "regulatory",
                "organizational")  # fmt: skip
        for header, path, reader in (
            ("Type", ("spec", "type"), lambda v: read_choice(v, ("threat", "opportunity"), "type")),
            (
                "Category",
                ("spec", "category"),
                lambda v: read_choice(
                    v,
                    cats,
                    "category",
                    {
                        "organisational": "organizational",
                        "people": "resource",
                        "financial": "cost",
                        "commercial": "cost",
                        "legal": "regulatory",
                        "compliance": "regulatory",
                        "time": "schedule",
                    },
                ),
            ),
            ("Likelihood", ("spec", "probability"), lambda v: read_level(v, pmo.scales.probability, "likelihood")),
            ("Impact", ("spec", "impact"), lambda v: read_level(v, pmo.scales.impact, "impact")),
            (
                "Response",
                ("spec", "response"),
                lambda v: read_choice(
                    v,
                    ("avoid", "mitigate", "transfer", "accept", "escalate", "exploit", "enhance", "share"),
                    "response",
                    {"reduce": "mitigate", "tolerate": "accept", "treat": "mitigate", "terminate": "avoid"},
                ),
            ),
            (
                "State",
                ("spec", "state"),
                lambda v: read_choice(
                    v,
                    ("open", "monitoring", "closed-occurred", "closed-avoided", "closed-expired"),
                    "state",
                    {
                        "closed": "closed-avoided",
                        "active": "open",
                        "live": "open",
                        "occurred": "closed-occurred",
                        "expired": "closed-expired",
                        "watch": "monitoring",
                    },
                ),
            ),
        ):
            value = r.get(header, reader)
            if value is not None:
                sets.append((path, value))
        for header, key in (("Description", "description"), ("Cause", "cause"), ("Effect", "effect"),
                            ("Mitigation", "mitigationPlan")):  # fmt: skip
            text = r.long_text(header)
            if text:
                sets.append((("spec", key), text))
        owner = r.person("Owner", self.p.people)
        if owner:
            sets.append((("spec", "owner"), owner))
        for header, key in (("Identified", "identifiedDate"), ("Review date", "reviewDate"), ("Due date", "dueDate")):
            when = r.date(header)
            if when:
                sets.append((("spec", key), when))
        rel = f"projects/{project}/risks/{name}.yaml"
        if rel not in self.p.data and project and name:
            for header in ("Likelihood", "Impact"):
                if not r.has(header):
                    r.fail(None, f"a new risk needs a {header.lower()}; the row has none")
        if r.problems or not project or not name:
            raise RowFailed
        create: list[tuple[DataPath, object]] = [
            (("metadata", "namespace"), project),
            (("spec", "category"), "technical"),
            (("spec", "identifiedDate"), self.status_date or self.today),
        ]
        return [Planned("Risk", rel, r.where(), sets, create)]

    def row_benefit(self, r: RowReader) -> list[Planned]:
        project = self.project_ref(r)
        name = self.ident(r, "Title")
        sets: list[tuple[DataPath, object]] = []
        title = r.text("Title")
        if title:
            sets.append((("metadata", "title"), title))
        btype = r.get("Type", lambda v: read_choice(v, ("monetary", "non-monetary"), "type",
                                                   {"financial": "monetary", "cashable": "monetary",
                                                    "non financial": "non-monetary", "yes": "monetary",
                                                    "no": "non-monetary"}))  # fmt: skip
        if btype:
            sets.append((("spec", "type"), btype))
        owner = r.person("Owner", self.p.people)
        if owner:
            sets.append((("spec", "owner"), owner))
        for header, key in (("KPI", "kpi"), ("Unit", "unit")):
            text = r.text(header)
            if text:
                sets.append((("spec", key), text))
        for header, key in (("Baseline", "baseline"), ("Target", "target")):
            number = r.get(header, lambda v: read_money(v)[0])
            if number is not None:
                sets.append((("spec", key), number))
        when = r.date("Target date")
        if when:
            sets.append((("spec", "targetDate"), when))
        state = r.get("State", lambda v: read_choice(v, ("planned", "tracking", "realized", "not-realized"), "state",
                                                    {"realised": "realized", "not realised": "not-realized",
                                                     "achieved": "realized", "in progress": "tracking"}))  # fmt: skip
        if state:
            sets.append((("spec", "state"), state))
        rel = f"projects/{project}/benefits/{name}.yaml"
        if rel not in self.p.data and project and name:
            missing = [h for h in ("KPI", "Unit", "Baseline", "Target", "Target date") if not r.has(h)]
            if missing:
                r.fail(None, f"a new benefit needs {', '.join(missing)}; the row has none")
        if r.problems or not project or not name:
            raise RowFailed
        create: list[tuple[DataPath, object]] = [(("metadata", "namespace"), project)]
        if not btype:
            create.append((("spec", "type"), "non-monetary"))
        if not owner:
            pm = _bare(self.p.data.get(f"projects/{project}/project.yaml", {}).get("spec", {}).get("owner"))
            if pm is None:
                r.fail("Owner", "a new benefit needs an owner")
                raise RowFailed
            create.append((("spec", "owner"), Ref("person", pm)))
        return [Planned("Benefit", rel, r.where(), sets, create)]

    def row_change(self, r: RowReader) -> list[Planned]:
        project = self.project_ref(r)
        name = self.ident(r, "Title")
        sets: list[tuple[DataPath, object]] = []
        title = r.text("Title")
        if title:
            sets.append((("metadata", "title"), title))
        cats = r.get("Category", lambda v: [read_choice(c, ("scope", "schedule", "cost", "resource"), "category",
                                                        {"time": "schedule", "budget": "cost",
                                                         "resources": "resource"})
                                            for c in split_list(v)])  # fmt: skip
        if cats:
            sets.append((("spec", "category"), cats))
        for header, path, reader in (
            ("Priority", ("spec", "priority"), lambda v: read_choice(
                v, ("low", "medium", "high", "critical"), "priority", {"med": "medium", "urgent": "critical"})),
            ("State", ("spec", "state"), lambda v: read_choice(
                v, ("draft", "submitted", "under-review", "decided", "implemented", "withdrawn"), "state",
                {"open": "submitted", "in review": "under-review", "approved": "decided", "rejected": "decided",
                 "closed": "implemented", "done": "implemented"})),
            ("Approval", ("spec", "approval", "status"), lambda v: read_choice(
                v, ("requested", "approved", "rejected"), "approval", {"pending": "requested"})),
        ):  # fmt: skip
            value = r.get(header, reader)
            if value is not None:
                sets.append((path, value))
        by = r.person("Requested by", self.p.people)
        if by:
            sets.append((("spec", "requestedBy"), by))
        for header, key in (("Requested", "requestedDate"), ("Due", "dueDate")):
            when = r.date(header)
            if when:
                sets.append((("spec", key), when))
        currency = self.p.currency_of(project) if project else None
        delta = self.money(r, "Budget change", currency, signed=True)
        if delta is not None:
            sets.append((("spec", "delta", "budget"), delta))
        days = r.get("Finish change (days)", lambda v: int(read_number(v, "number of days")))
        if days is not None:
            sets.append((("spec", "delta", "finishDays"), days))
        for header, key in (("Justification", "businessJustification"), ("Impact", "impact")):
            text = r.long_text(header)
            if text:
                sets.append((("spec", key), text))
        if r.problems or not project or not name:
            raise RowFailed
        pm = _bare(self.p.data.get(f"projects/{project}/project.yaml", {}).get("spec", {}).get("owner"))
        create: list[tuple[DataPath, object]] = [
            (("metadata", "namespace"), project),
            (("spec", "category"), ["scope"]),
            (("spec", "priority"), "medium"),
            (("spec", "requestedDate"), self.status_date or self.today),
            (("spec", "businessJustification"), "Not recorded in the register; write it here."),
            (("spec", "impact"), "Not recorded in the register; write it here."),
        ]
        if not by:
            if pm is None:
                r.fail("Requested by", "a new change request needs who requested it")
                raise RowFailed
            create.append((("spec", "requestedBy"), Ref("person", pm)))
        return [Planned("ChangeRequest", f"projects/{project}/changes/{name}.yaml", r.where(), sets, create)]

    def row_allocation(self, r: RowReader) -> list[Planned]:
        person = r.person("Person", self.p.people)
        if not r.has("Person"):
            r.fail(None, "no person: the row names nobody")
        project = self.project_ref(r)
        start, end = r.date("From"), r.date("To")
        for header, when in (("From", start), ("To", end)):
            if when is None and not r.has(header):
                r.fail(None, f"an allocation needs a {header.lower()} date")
        if start and end and end < start:
            r.fail("To", f"to {end:%d %b %Y} is before from {start:%d %b %Y}")
        if start and end and start.year != end.year:
            r.fail("To", f"the allocation runs from {start.year} into {end.year}; split it at the year end")
        pct = r.get("Allocation %", lambda v: _bounded(read_percent(v), 0, 200, "allocation %", lower_open=True))
        hours = r.get("Hours per week", lambda v: _bounded(read_number(v), 0, 80, "hours per week", lower_open=True))
        if pct is None and hours is None and not r.problems:
            r.fail(None, "an allocation needs an allocation % or hours per week")
        values: dict[str, object] = {"project": Ref("project", project or ""), "from": start, "to": end}
        load: dict[str, object] = {}
        if pct is not None:
            load["percent"] = pct
        if hours is not None:
            load["hoursPerWeek"] = hours
        values["load"] = load
        roles = _role_names()
        for header, key, choices in (("Booking", "booking", ("soft", "hard")),
                                     ("State", "state", ("requested", "confirmed", "allocated")),
                                     ("Role", "role", roles)):  # fmt: skip
            got = r.get(header, lambda v, c=choices, h=header: read_choice(v, c, h.lower()))  # type: ignore[misc]
            if got is not None:
                values[key] = got
        if r.problems or not person or not project or not start:
            raise RowFailed
        rel = f"allocations/{start.year}/{person.name}.yaml"
        planned = self.planned.get(rel) or Planned(
            "Allocation",
            rel,
            r.where(),
            [],
            [(("metadata", "title"), f"Allocation {start.year}: {person.name}"), (("spec", "person"), person),
             (("spec", "year"), start.year)],
        )  # fmt: skip
        if any((a["project"], a["from"]) == (values["project"], start) for a in planned.assignments):
            r.fail("Project", f"{person.name} is booked on {project} from {start:%d %b %Y} twice in the register")
            raise RowFailed
        planned.assignments.append(values)
        return [planned]


def _bad(value: object, why: str) -> Any:
    raise CellError(f"{shown(value)!r} {why}")


def _bare(ref: object) -> str | None:
    return str(ref).split(":", 1)[-1] if ref else None


def _email(value: object) -> str:
    text = text_of(value)
    if not re.fullmatch(r"[^@\s]+@[^@\s]+", text):
        raise CellError(f"{text!r} is not an email address")
    return text


def _bounded(number: float, low: float, high: float, what: str, *, lower_open: bool = False) -> float:
    if number < low or number > high or (lower_open and number == low):
        raise CellError(f"{what} {shown(number)} is outside {shown(low)}-{shown(high)}")
    return int(number) if float(number).is_integer() else number


def _role_names() -> tuple[str, ...]:
    from pmo_lint.model.base import ROLES

    return ROLES


_ROLE_WORDS = {
    "pm": "project-manager",
    "manager": "project-manager",
    "ba": "business-analyst",
    "analyst": "business-analyst",
    "pmo-lead": "pmo-director",
    "head-of-pmo": "pmo-director",
    "pmo-manager": "pmo-director",
    "coordinator": "project-coordinator",
    "pco": "project-coordinator",
    "developer": "technical-expert",
    "engineer": "technical-expert",
    "architect": "technical-expert",
    "sponsor": "",
    "executive": "",
    "executive-sponsor": "",
    "director": "",
}


def _roles(value: object, pmo: PMOConfig) -> tuple[list[str], list[str]]:
    pmo_roles = _role_names()
    governance = [g.id for g in pmo.spec.governance_roles]
    out: tuple[list[str], list[str]] = ([], [])
    for word in split_list(value):
        name = slug(word)
        if name not in pmo_roles and name not in governance:  # the portfolio's own role ids come first
            name = _ROLE_WORDS.get(name, name)
        if not name:
            continue  # a sponsor or an executive: a relation to projects, not a role
        if name in pmo_roles:
            out[0].append(name)
        elif name in governance:
            out[1].append(name)
        else:
            read_choice(word, [*pmo_roles, *governance], "role")
    return out


# -- writing -----------------------------------------------------------------------------------------
_ORDER: dict[str, list[DataPath]] = {
    "Project": [("metadata", "title"), ("metadata", "description"), ("spec", "type"), ("spec", "category"),
                ("spec", "portfolio"), ("spec", "program"), ("spec", "requester"), ("spec", "owner"),
                ("spec", "sponsor"), ("spec", "businessUnit"), ("spec", "lifecycle", "phase"), ("spec", "lifecycle"),
                ("spec", "alignment"),
                ("spec", "prioritization"), ("spec", "schedule"), ("spec", "percentComplete"), ("spec", "currency"),
                ("spec", "budget"), ("spec", "actuals")],
    "Risk": [("metadata", "namespace"), ("metadata", "title"), ("spec", "type"), ("spec", "category"),
             ("spec", "description"), ("spec", "cause"), ("spec", "effect"), ("spec", "probability"),
             ("spec", "impact"), ("spec", "owner"), ("spec", "response"), ("spec", "mitigationPlan"),
             ("spec", "state"), ("spec", "identifiedDate"), ("spec", "reviewDate"), ("spec", "dueDate")],
    "Person": [("spec", "profile"), ("spec", "roles"), ("spec", "governanceRoles"), ("spec", "memberOf"),
               ("spec", "capacity"), ("spec", "active"), ("spec", "leftDate")],
    "StatusReport": [("metadata", "namespace"), ("spec", "reportDate"), ("spec", "author"),
                     *[("spec", "health", d) for d in ("overall", "schedule", "cost", "resources", "scope")],
                     ("spec", "executiveSummary"), ("spec", "percentComplete")],
    "Benefit": [("metadata", "namespace"), ("metadata", "title"), ("spec", "type"), ("spec", "owner"),
                ("spec", "kpi"), ("spec", "unit"), ("spec", "baseline"), ("spec", "target"),
                ("spec", "targetDate"), ("spec", "state")],
    "ChangeRequest": [("metadata", "namespace"), ("metadata", "title"), ("spec", "category"), ("spec", "priority"),
                      ("spec", "requestedBy"), ("spec", "requestedDate"), ("spec", "dueDate"),
                      ("spec", "businessJustification"), ("spec", "impact"), ("spec", "delta"), ("spec", "state"),
                      ("spec", "approval")],
    "Allocation": [("metadata", "title"), ("spec", "person"), ("spec", "year"), ("spec", "assignments")],
}  # fmt: skip
_FLOW_KEYS = {"load", "overall", "schedule_h"}
_HEALTH_DIMS = ("overall", "schedule", "cost", "resources", "scope")


def render(value: object) -> str:
    """A value as YAML text in the portfolio's style: dates and numbers plain, text plain when safe."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Ref):
        return value.text()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(render(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {render(v)}" for k, v in value.items()) + "}"
    return _text(str(value))


_PLAIN_SAFE = re.compile(r"[A-Za-z][A-Za-z0-9 ()/-]{0,200}[A-Za-z0-9)]\Z")
_YAML_WORDS = re.compile(r"(?i)(?:y|n|yes|no|on|off|true|false|null)\Z")


@functools.lru_cache(maxsize=4096)
def _text(value: str) -> str:
    """Text as ``new`` writes it (plain when that reads back the same, else quoted); the common case of
    plain words is settled without parsing."""
    from pmo_lint.scaffold.writing import yaml_text

    if _PLAIN_SAFE.match(value) and not _YAML_WORDS.match(value) and ": " not in value and " #" not in value:
        return value
    return yaml_text(value)


def _same(old: object, new: object) -> bool:
    if isinstance(new, Ref):
        return isinstance(old, str) and old.split(":", 1)[-1] == new.name
    if isinstance(new, dt.date):
        return str(old) == new.isoformat()
    if isinstance(new, bool) or isinstance(old, bool):
        return old is new
    if isinstance(new, (int, float)) and isinstance(old, (int, float)):
        return abs(float(old) - float(new)) < 1e-9
    if isinstance(new, list):
        return (
            isinstance(old, list) and len(old) == len(new) and all(_same(o, n) for o, n in zip(old, new, strict=True))
        )
    if isinstance(new, dict):
        return isinstance(old, dict) and all(_same(old.get(k), v) for k, v in new.items())
    return old == new


def _get(data: object, path: DataPath) -> tuple[bool, object]:
    for part in path:
        if isinstance(part, int):
            if not isinstance(data, list) or part >= len(data):
                return False, None
            data = data[part]
        else:
            if not isinstance(data, dict) or part not in data:
                return False, None
            data = data[part]
    return True, data


def _nest(pairs: Iterable[tuple[DataPath, object]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path, value in pairs:
        node = out
        for part in path[:-1]:
            node = node.setdefault(str(part), {})
        node[str(path[-1])] = value
    return out


def _ordered(kind: str, pairs: list[tuple[DataPath, object]]) -> list[tuple[DataPath, object]]:
    order = _ORDER.get(kind, [])

    def key(pair: tuple[DataPath, object]) -> int:
        path = pair[0]
        for i, prefix in enumerate(order):
            if path[: len(prefix)] == prefix:
                return i
        return len(order)

    return sorted(pairs, key=key)


def _block(data: dict[str, Any], indent: int, *, kind: str) -> list[str]:
    lines = []
    pad = "  " * indent
    for key, value in data.items():
        if isinstance(value, dict) and value and (key in ("load",) or (key in _HEALTH_DIMS and indent == 2)):
            lines.append(f"{pad}{key}: {render(value)}")
        elif isinstance(value, dict) and value:
            lines.append(f"{pad}{key}:")
            lines += _block(value, indent + 1, kind=kind)
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            lines.append(f"{pad}{key}:")
            for item in value:
                first = True
                for k, v in item.items():
                    lead = f"{pad}  - " if first else f"{pad}    "
                    if isinstance(v, dict):
                        lines.append(f"{lead}{k}: {render(v)}")
                    else:
                        lines.append(f"{lead}{k}: {render(v)}")
                    first = False
        elif isinstance(value, list) and value and kind == "Person" and key in ("roles",):
            lines.append(f"{pad}{key}:")
            lines += [f"{pad}  - {render(v)}" for v in value]
        else:
            lines.append(f"{pad}{key}: {render(value)}")
    return lines


def new_text(root: Path, planned: Planned, name: str) -> str:
    """A new file for the entity, in the layout and style ``pmo-lint new`` writes."""
    from pmo_lint import scaffold

    pairs = list(planned.create)
    set_paths = {p for p, _ in planned.sets}
    pairs = [(p, v) for p, v in pairs if p not in set_paths] + list(planned.sets)
    if planned.assignments:
        pairs.append((("spec", "assignments"), [_assignment(a) for a in planned.assignments]))
    pairs = _ordered(planned.kind, pairs)
    data = _nest(pairs)
    shown_name: object = dt.date.fromisoformat(name) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", name) else name
    metadata = {"name": shown_name, **data.pop("metadata", {})}
    lines = ["apiVersion: pmo-lint/v1", f"kind: {planned.kind}", "metadata:"]
    lines += _block(metadata, 1, kind=planned.kind)
    lines.append("spec:")
    lines += _block(data.get("spec", {}), 1, kind=planned.kind)
    schema = scaffold.schema_ref(root, root / planned.rel, planned.kind)
    return scaffold.with_modeline("\n".join(lines) + "\n", schema)


def _assignment(a: dict[str, object]) -> dict[str, object]:
    out: dict[str, object] = {"project": a["project"], "from": a["from"], "to": a["to"], "load": a["load"]}
    for key in ("booking", "state", "role"):
        if key in a:
            out[key] = a[key]
    return out


class Editor:
    """Splices of a round-trip document: a value replaced where it is, a missing key added after its
    siblings at their indentation; everything else in the file is left as it was."""

    def __init__(self, doc: RoundTripDocument) -> None:
        self.doc = doc
        self.splices: list[tuple[int, int, str]] = []
        self.refused: list[str] = []

    def set(self, path: DataPath, value: object) -> None:
        from pmo_lint.loader.roundtrip import MappingNode, ScalarNode, SequenceNode

        node = self.doc.node(path)
        if node is not None:
            if node.anchor is not None or node.shared or (isinstance(node, ScalarNode) and node.style in ("|", ">")):
                self.refused.append(f"line {node.line}: the value is written in a way import does not change")
                return
            if isinstance(node, (MappingNode, SequenceNode)) and not node.flow_style:
                self.refused.append(f"line {node.line}: the list is written one item a line; change it by hand")
                return
            self.splices.append((node.start, node.end, render(value)))
            return
        # the deepest mapping on the path that exists; what is missing below it is added there
        for depth in range(len(path) - 1, -1, -1):
            parent = self.doc.node(path[:depth])
            if parent is not None:
                break
        if not isinstance(parent, MappingNode):
            self.refused.append(f"{'.'.join(map(str, path))}: there is no place to add it")
            return
        rest = path[depth:]
        if any(isinstance(p, int) for p in rest):
            self.refused.append(f"{'.'.join(map(str, path))}: there is no place to add it")
            return
        nested: object = value
        for part in reversed(rest[1:]):
            nested = {str(part): nested}
        key = str(rest[0])
        text = self.doc.text
        if parent.flow_style:
            close = text.rfind("}", parent.start, parent.end)
            sep = ", " if parent.value else ""
            self.splices.append((close, close, f"{sep}{key}: {render(nested)}"))
            return
        if not parent.value:
            self.refused.append(f"{'.'.join(map(str, path))}: there is no place to add it")
            return
        first_key = parent.value[0][0]
        indent = " " * (first_key.col - 1)
        last = _last_leaf(parent)
        nl = self.doc.newline()
        end = _line_end(text, last.end)
        if isinstance(nested, dict):
            body = nl.join(_block(nested, 0, kind=""))
            body = nl.join(indent + "  " + line for line in body.split(nl))
            insert = f"{nl}{indent}{key}:{nl}{body}"
        else:
            insert = f"{nl}{indent}{key}: {render(nested)}"
        self.splices.append((end, end, insert))

    def append_item(self, path: DataPath, item: dict[str, object]) -> None:
        """Add an entry to the end of a list of mappings written one entry a line."""
        from pmo_lint.loader.roundtrip import MappingNode, SequenceNode

        node = self.doc.node(path)
        if not isinstance(node, SequenceNode) or node.flow_style or not node.value:
            self.refused.append(f"{'.'.join(map(str, path))}: the list is not written one entry a line")
            return
        first = node.value[0]
        if not isinstance(first, MappingNode) or first.flow_style or not first.value:
            self.refused.append(f"{'.'.join(map(str, path))}: the list is not written one entry a line")
            return
        col = first.value[0][0].col - 1
        nl = self.doc.newline()
        lines = []
        for i, (k, v) in enumerate(item.items()):
            lead = " " * (col - 2) + "- " if i == 0 else " " * col
            lines.append(f"{lead}{k}: {render(v)}")
        end = _line_end(self.doc.text, _last_leaf(node).end)
        self.splices.append((end, end, nl + nl.join(lines)))

    def render(self) -> bytes:
        text = self.doc.text
        for start, end, new in sorted(self.splices, key=lambda s: s[0], reverse=True):
            text = text[:start] + new + text[end:]
        return (b"\xef\xbb\xbf" if self.doc.bom else b"") + text.encode("utf-8")


def _last_leaf(node: Node) -> Node:
    from pmo_lint.loader.roundtrip import MappingNode, SequenceNode

    while True:
        if isinstance(node, MappingNode) and node.value and not node.flow_style:
            node = node.value[-1][1]
        elif isinstance(node, SequenceNode) and node.value and not node.flow_style:
            node = node.value[-1]
        else:
            return node


def _line_end(text: str, offset: int) -> int:
    found = re.compile(r"\r\n|[\r\n]").search(text, offset)
    return found.start() if found else len(text)


def _changes(planned: Planned, data: dict[str, Any]) -> list[tuple[DataPath, object, object]]:
    out = []
    for path, value in planned.sets:
        present, old = _get(data, path)
        if present and _same(old, value):
            continue
        if path[-1] == "end" and path[:2] == ("spec", "schedule"):  # an approved range's end also reads "finish"
            pass
        out.append((path, old if present else None, value))
    return out


def _assignment_changes(
    planned: Planned, data: dict[str, Any]
) -> tuple[list[tuple[DataPath, object, object]], list[dict[str, object]]]:
    """Edits of existing assignments (same project and start), and the assignments to append."""
    existing = data.get("spec", {}).get("assignments") or []
    edits: list[tuple[DataPath, object, object]] = []
    new: list[dict[str, object]] = []
    for a in planned.assignments:
        index = next(
            (
                i
                for i, e in enumerate(existing)
                if isinstance(e, dict) and _same(e.get("project"), a["project"]) and _same(e.get("from"), a["from"])
            ),
            None,
        )
        if index is None:
            new.append(_assignment(a))
            continue
        for key, value in _assignment(a).items():
            if key == "load":
                for lk, lv in value.items():  # type: ignore[attr-defined]
                    path: DataPath = ("spec", "assignments", index, "load", lk)
                    present, old = _get(data, path)
                    if not (present and _same(old, lv)):
                        edits.append((path, old if present else None, lv))
                continue
            path = ("spec", "assignments", index, key)
            present, old = _get(data, path)
            if not (present and _same(old, value)):
                edits.append((path, old if present else None, value))
    return edits, new


def _label(path: DataPath) -> str:
    return (
        ".".join(str(p) for p in path[1:] if not isinstance(p, int)) if path[0] == "spec" else ".".join(map(str, path))
    )


# -- the run -----------------------------------------------------------------------------------------
class Progress:
    """``importing rows 1200/5000`` on a terminal's standard error, rewritten in place."""

    def __init__(self, total: int, on: bool) -> None:
        self.total, self.on, self.done = total, on and total >= 200, 0

    def tick(self) -> None:
        self.done += 1
        if self.on and (self.done % 250 == 0 or self.done == self.total):
            sys.stderr.write(f"\rimporting rows {self.done}/{self.total}")
            sys.stderr.flush()

    def close(self) -> None:
        if self.on:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


def _read_all(opts: ImportOptions) -> list[tuple[Path, list[ReadSheet]]]:
    out = []
    for path in opts.files:
        if not path.exists():
            raise UsageError("no such file", path=str(path))
        if path.is_dir():
            raise UsageError("is a folder; give the register's .xlsx or .csv file", path=str(path))
        try:
            out.append((path, read_register(path)))
        except RegisterError as exc:
            raise UsageError(str(exc), path=str(path)) from None
    return out


def _mapping(opts: ImportOptions) -> Mapping:
    if opts.map_path is not None:
        if opts.write_map:
            return Mapping()
        if not opts.map_path.is_file():
            raise UsageError("no such mapping file", path=str(opts.map_path))
        return load_mapping(opts.map_path)
    candidates = [default_path(p) for p in opts.files if default_path(p).is_file()]
    return load_mapping(candidates[0]) if candidates and not opts.write_map else Mapping()


def run_import(opts: ImportOptions) -> Report:
    report = Report()
    registers = _read_all(opts)
    mapping = _mapping(opts)
    if mapping.source:
        report.notes.append(f"mapping from {mapping.source}")
    tables: list[Table] = []
    for path, sheets in registers:
        tables += _tables(path.name, sheets, mapping, report)
    if opts.write_map:
        return _write_map(opts, registers, tables, mapping, report)
    if not tables:
        raise UsageError(
            "no sheet of the register is one import understands; name each sheet's kind in a mapping file "
            "(draft one with --write-map)"
        )
    portfolio = _load(opts.root)
    planner = Planner(portfolio, opts, mapping, report)
    tables.sort(key=lambda t: H.ORDER.index(t.kind))
    total = sum(len(t.rows) for t in tables)
    progress = Progress(total, opts.progress)
    try:
        for table in tables:
            planner.table(table, progress.tick)
    finally:
        progress.close()
    _plan_files(portfolio, planner, opts, report)
    return report


def _plan_files(portfolio: Portfolio, planner: Planner, opts: ImportOptions, report: Report) -> None:
    from pmo_lint.loader import roundtrip
    from pmo_lint.loader.yamlio import LoadProblem
    from pmo_lint.outcome import process_bytes
    from pmo_lint.paths import Boundary

    boundary = Boundary(portfolio.root.resolve())
    writes: list[tuple[str, bytes, bool]] = []  # rel, content, new
    for rel, planned in planner.planned.items():
        target = portfolio.root / rel
        if not boundary.contains(target):
            report.problems.append(f"{planned.where}: {rel} would be written outside the portfolio; not imported")
            continue
        if rel in portfolio.invalid:
            report.problems.append(
                f"{planned.where}: {rel} exists but does not pass `pmo-lint check`; fix it first, then import again"
            )
            continue
        data = portfolio.data.get(rel)
        if data is None:
            if target.exists():
                report.problems.append(f"{planned.where}: {rel} exists but is not a file of the portfolio")
                continue
            name = Path(rel).stem if planned.kind != "Project" else Path(rel).parent.name
            text = new_text(portfolio.root, planned, name)
            content = text.encode("utf-8")
            detail = ""
            new = True
        else:
            if planned.kind == "Allocation":
                changes, appended = _assignment_changes(planned, data)
            else:
                changes, appended = _changes(planned, data), []
            if not changes and not appended:
                report.actions.append(Action("unchanged", rel))
                continue
            raw = target.read_bytes()
            doc = roundtrip.load(raw)
            if isinstance(doc, LoadProblem):
                report.problems.append(f"{planned.where}: {rel} cannot be edited ({doc.message})")
                continue
            editor = Editor(doc)
            for path, _old, value in changes:
                editor.set(path, value)
            for item in appended:
                editor.append_item(("spec", "assignments"), item)
            if editor.refused:
                report.problems.append(f"{planned.where}: {rel}: " + "; ".join(editor.refused))
                continue
            content = editor.render()
            parts = [f"{_label(p)} {_shown_value(o)} → {_shown_value(v)}" for p, o, v in changes]
            parts += [
                f"assignment to {_shown_value(a['project'])} from {_shown_value(a['from'])} added" for a in appended
            ]
            detail = "; ".join(parts)
            new = False
        outcome = process_bytes(rel, content, portfolio.limits)
        if outcome.diagnostics:
            first = outcome.diagnostics[0]
            where = f" ({first.data_path_text})" if getattr(first, "data_path_text", "") else ""
            report.problems.append(f"{planned.where}: not imported: {first.message}{where}")
            continue
        report.actions.append(Action("create" if new else "update", rel, detail))
        writes.append((rel, content, new))
    if opts.dry_run or (opts.strict and report.problems):
        return
    for rel, content, new in writes:
        _write(portfolio.root / rel, content, new=new)
    report.written = bool(writes)


def _shown_value(value: object) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, Ref):
        return value.name
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_shown_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:,.0f}"
    return shown(value)


def _write(target: Path, content: bytes, *, new: bool) -> None:
    import os
    import tempfile

    if new:
        from pmo_lint.scaffold.writing import write_new

        write_new(target, content.decode("utf-8"))
        return
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".import-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_map(
    opts: ImportOptions,
    registers: list[tuple[Path, list[ReadSheet]]],
    tables: list[Table],
    mapping: Mapping,
    report: Report,
) -> Report:
    by_sheet = {(t.source, t.sheet.title): t for t in tables}
    sheets: list[tuple[str, str | None, list[str], list[str], dict[str, list[str]]]] = []
    for path, read in registers:
        for sheet in read:
            table = by_sheet.get((path.name, sheet.title))
            if table is None:
                sheets.append((sheet.title, None, [], [], {}))
                continue
            known = [c.header for c in table.columns if c.field is not None]
            unknown = [c.header for c in table.columns if c.field is None]
            sheets.append((sheet.title, table.kind, known, unknown, {}))
    target = opts.map_path or default_path(opts.files[0])
    if target.exists():
        raise UsageError("exists already; edit it, or remove it to draft a new one", path=str(target))
    target.write_text(draft(", ".join(p.name for p in opts.files), sheets), encoding="utf-8")
    report.map_written = target
    return report


def iter_lines(report: Report, dry_run: bool) -> Iterator[str]:
    """The report as the command prints it."""
    yield from report.notes
    verbs = {"create": "would create" if dry_run else "created", "update": "would update" if dry_run else "updated"}
    for action in report.actions:
        if action.verb in verbs:
            yield f"  {verbs[action.verb]} {action.rel}" + (f": {action.detail}" if action.detail else "")


def summary(report: Report, opts: ImportOptions) -> str:
    created = sum(1 for a in report.actions if a.verb == "create")
    updated = sum(1 for a in report.actions if a.verb == "update")
    unchanged = sum(1 for a in report.actions if a.verb == "unchanged")
    rows = f"{report.rows_ok} row{'s' if report.rows_ok != 1 else ''} read"
    files = f"{created} file{'s' if created != 1 else ''} to create, {updated} to update, {unchanged} unchanged"
    if opts.dry_run:
        tail = "; nothing written (--dry-run)"
    elif opts.strict and report.problems:
        tail = "; nothing written (--strict: fix the rows above first)"
    else:
        files = files.replace(" to create", " created").replace(" to update", " updated")
        tail = ""
    failed = (
        f"; {report.rows_failed} row{'s' if report.rows_failed != 1 else ''} need attention"
        if report.rows_failed
        else ""
    )
    return f"{rows}: {files}{failed}{tail}"


__all__ = ["ImportOptions", "Report", "iter_lines", "run_import", "summary"]
