"""Portfolio + lint result (+ history) → Markdown pages and a JSON data file. No MkDocs here.

``build_site`` is pure (catalog and result in, pages out); ``generate`` loads a portfolio and runs
the checks first; ``write_site`` writes the pages under a folder. The output is byte-stable for a
given portfolio, as-of date and history: everything is sorted and nothing reads the clock.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmo_lint.diagnostics import Result
from pmo_lint.errors import UsageError
from pmo_lint.site.history import History, load_history
from pmo_lint.site.page.common import PAGE_OF_SECTION, SECTIONS, Ctx
from pmo_lint.site.view import INDICATOR_TEXT, PortfolioView, build_view, severity_counts

if TYPE_CHECKING:
    from pmo_lint.diagnostics import RuleMeta
    from pmo_lint.facts import Facts
    from pmo_lint.model.catalog import Catalog
    from pmo_lint.options import Run

DATA_FILE = "data.json"
MANIFEST = ".pmo-lint-generated"
TEMPLATE_MAX_FILES = 200
TEMPLATE_MAX_BYTES = 64 * 1024


@dataclass(frozen=True)
class SiteOptions:
    as_of: dt.date | None = None  # default: today
    sections: tuple[str, ...] = SECTIONS
    history: Path | None = None  # JSON of `pmo-lint history`
    config_path: Path | None = None  # a .pmo-lint.yaml other than the one found


@dataclass(frozen=True)
class Site:
    """Generated files: Markdown pages and the JSON data file, by path relative to the site folder."""

    pages: dict[str, str]
    data: dict[str, Any] = field(default_factory=dict)

    def files(self) -> dict[str, str]:
        out = dict(sorted(self.pages.items()))
        out[DATA_FILE] = json.dumps(self.data, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n"
        return out


def in_navigation(rel: str) -> bool:
    """Whether a generated page belongs in the site's navigation: the section pages do; a page per project
    and the continuation pages of long tables do not (every page carries the navigation, so listing them
    would make each page grow with the portfolio)."""
    return rel == "index.md" or rel in PAGE_OF_SECTION.values()


def navigation(rels: Iterable[str]) -> list[str]:
    """The pages of the navigation, in its order: the sections' order (the executive summary first, then
    the dashboard, which is the site's home page), then any other page that belongs there."""
    order = {PAGE_OF_SECTION[s]: i for i, s in enumerate(SECTIONS)}
    return sorted((r for r in rels if in_navigation(r)), key=lambda r: (order.get(r, len(order)), r))


# the same as a MkDocs `not_in_nav` setting (gitignore patterns), for sites built from written pages
NOT_IN_NAV_PATTERNS = ("/projects/*.md", "!/projects/index.md", "/changes/*.md", "*_*.md")


def check_sections(sections: Iterable[str]) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(s.strip().lower() for s in sections if s.strip()))
    unknown = [s for s in chosen if s not in SECTIONS]
    if unknown:
        raise UsageError(f"unknown site section {unknown[0]!r}; choose from {', '.join(SECTIONS)}")
    return chosen


def _renderers() -> dict[str, Any]:
    from pmo_lint.site.page import (
        audit,
        changes,
        dashboard,
        priority,
        project,
        resource,
        risk,
        roadmap,
        rule,
        strategy,
        summary,
        template,
    )

    return {
        "summary": summary.render,
        "dashboard": dashboard.render,
        "projects": project.render,
        "strategy": strategy.render,
        "roadmap": roadmap.render,
        "risks": risk.render,
        "resources": resource.render,
        "prioritisation": priority.render,
        "changes": changes.render,
        "audit": audit.render,
        "templates": template.render,
        "rules": rule.render,
    }


def build_site(
    catalog: Catalog,
    result: Result,
    *,
    sections: Sequence[str] = SECTIONS,
    history: History | None = None,
    templates: Sequence[tuple[str, str, str]] = (),
    rules: Sequence[RuleMeta] = (),
    facts: Facts | None = None,
) -> Site:
    """The pure core: every page of the chosen sections from a catalog and its lint result (and the
    run's facts, so the pages show what the check judged)."""
    chosen = check_sections(sections)
    view = build_view(catalog, result, facts)
    ctx = Ctx(view, frozenset(chosen), history, tuple(templates), tuple(rules), facts=facts)
    renderers = _renderers()
    pages: dict[str, str] = {}
    for section in SECTIONS:
        if section in chosen:
            pages.update(renderers[section](ctx))
    if "dashboard" not in chosen and pages:
        # a section folder still needs a landing page
        pages["index.md"] = _landing(ctx)
    return Site(pages, site_data(view, history))


def _landing(ctx: Ctx) -> str:
    from pmo_lint.site.page.common import front, section_link

    links = [f"- {section_link(ctx, 'index.md', s, s.capitalize())}\n" for s in SECTIONS if ctx.has(s)]
    return front("Portfolio") + "# Portfolio\n\n" + "".join(links)


def site_data(view: PortfolioView, history: History | None) -> dict[str, Any]:
    """The JSON data file: what the pages show, for other tools (numbers rounded, no clock)."""

    def r(x: float | None) -> float | None:
        return None if x is None else round(x, 4)

    projects = []
    for p in view.projects:
        latest = p.latest
        projects.append(
            {
                "name": p.name,
                "title": p.title,
                "phase": p.phase,
                "state": p.state,
                "active": p.active,
                "portfolio": p.portfolio or None,
                "program": p.program or None,
                "currency": p.currency or None,
                "bac": r(p.bac),
                "actualCost": r(p.actual_cost),
                "evm": None
                if p.evm is None
                else {k: r(getattr(p.evm, k)) for k in ("pv", "ev", "ac", "cpi", "spi", "eac", "vac")},
                "health": None
                if latest is None
                else {
                    d: getattr(latest.spec.health, d).rag for d in ("overall", "schedule", "cost", "resources", "scope")
                },
                "computedHealth": {
                    "rag": p.health.computed,
                    "reasons": list(p.health.reasons),
                    "watermelon": p.health.watermelon,
                },
                "slipDays": {
                    "firstBaseline": p.slip.first_days,
                    "firstBaselineId": p.slip.first.id if p.slip.first else None,
                    "activeBaseline": p.slip.active_days,
                    "activeBaselineId": p.slip.active.id if p.slip.active else None,
                    "activeApproved": p.slip.active_approved,
                },
                "statusDate": latest.spec.report_date.isoformat() if latest else None,
                "statusAgeDays": p.status_age,
                "finishSlipDays": p.finish_slip_days,
                "goals": p.goals,
                "priorityScore": r(p.priority_score),
                "computedRank": p.computed_rank,
                "maturityLevel": p.maturity or None,
                "indicators": {key: getattr(p.indicators, key) for key, _, _ in INDICATOR_TEXT},
                "risks": [{"name": x.name, "score": x.score, "rank": x.rank or None, "open": x.open} for x in p.risks],
                "findings": severity_counts(p.findings),
            }
        )
    active = [p for p in view.projects if p.active]
    indicators = {
        key: round(100.0 * sum(1 for p in active if getattr(p.indicators, key)) / len(active), 1) if active else 0.0
        for key, _, _ in INDICATOR_TEXT
    }
    return {
        "version": 1,
        "asOf": view.as_of.isoformat(),
        "organization": view.organization,
        "summary": {
            "projects": len(view.projects),
            "activeProjects": len(active),
            "findings": severity_counts(view.result.diagnostics),
            "suppressed": len(view.result.suppressed),
            "waivers": len(view.waivers),
        },
        "indicatorsPercent": indicators,
        "projects": projects,
        "resourceLoad": [{"person": x.name, "fte": x.fte, "months": x.months} for x in view.loads],
        "history": [
            {"commit": h.commit, "date": h.date, "error": h.counts[0], "warning": h.counts[1], "info": h.counts[2]}
            for h in (history.points if history else ())
        ],
    }


def read_templates(root: Path) -> list[tuple[str, str, str]]:
    """(path, title, text) of each text file under templates/, without following links out of it."""
    base = root / "templates"
    if not base.is_dir() or base.is_symlink():
        return []
    found: list[tuple[str, str, str]] = []
    for dirpath, dirnames, filenames in os.walk(base, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if name.startswith(".") or path.is_symlink() or not path.is_file():
                continue
            if len(found) >= TEMPLATE_MAX_FILES:
                return found
            try:
                raw = path.read_bytes()[: TEMPLATE_MAX_BYTES + 1]
                text = raw[:TEMPLATE_MAX_BYTES].decode("utf-8")
            except (OSError, UnicodeDecodeError):
                continue  # binary or unreadable: not shown
            if len(raw) > TEMPLATE_MAX_BYTES:
                text += "\n… (cut at 64 KiB)"
            rel = path.relative_to(root).as_posix()
            found.append((rel, _template_title(text, name), text))
    return found


def _template_title(text: str, fallback: str) -> str:
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("# "):
            return stripped[2:].strip()
        if stripped.startswith("title:"):
            return stripped[6:].strip().strip("'\"")
    return fallback


def load_inputs(portfolio: Path, options: SiteOptions) -> Run:
    """Run the checks on the portfolio, keeping the catalog and facts behind the result."""
    from pmo_lint.options import RunInputs, RunOptions
    from pmo_lint.run import check

    done = check(
        RunOptions(paths=(portfolio,), config_path=options.config_path, as_of=options.as_of),
        RunInputs(keep_model=True),  # the pages need the catalog behind the findings
    )
    assert done.catalog is not None, "a run with keep_model has its catalog"
    if done.catalog.config is None:
        # thresholds, scales, currency and the lifecycle all come from pmo.yaml: pages built on defaults
        # would show a director wrong health and wrong money
        from pmo_lint.diagnostics import Severity
        from pmo_lint.errors import InputError
        from pmo_lint.loader.discover import ROOT_MARKER

        first = next(
            (d for d in done.result.diagnostics if d.path == ROOT_MARKER and d.severity == Severity.ERROR), None
        )
        why = f"{first.code} {first.message}" if first else "it holds no valid PMO configuration"
        raise InputError(
            f"{why}; the site needs a valid pmo.yaml (its thresholds, scales, currency and lifecycle): fix it, "
            "`pmo-lint check` shows every problem",
            path=f"{done.result.path_prefix}{ROOT_MARKER}",
            line=first.line if first else None,
        )
    return done


def generate(portfolio: Path, options: SiteOptions | None = None) -> Site:
    """Check the portfolio at ``portfolio`` and generate its site (the function benchmarks time)."""
    opts = options or SiteOptions()
    sections = check_sections(opts.sections)
    history = load_history(opts.history) if opts.history else None
    done = load_inputs(portfolio, opts)
    catalog, result, root = done.catalog, done.result, Path(done.result.root)
    assert catalog is not None
    rules = list(result.rules or ())
    templates = read_templates(root) if "templates" in sections else []
    return build_site(
        catalog, result, sections=sections, history=history, templates=templates, rules=rules, facts=done.facts
    )


def release_memory() -> None:
    """Hand the memory of freed objects back to the system (``site build`` before MkDocs starts).

    The checks and the pages of a large portfolio take gigabytes; once the pages are written, MkDocs'
    process needs that memory, and a freed Python heap is not returned on its own.
    """
    import ctypes
    import ctypes.util
    import gc

    gc.collect()
    name = ctypes.util.find_library("c")
    if name is None:
        return
    try:
        trim = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):  # not glibc
        return
    trim(0)


def write_site(site: Site, out: Path) -> list[Path]:
    """Write every file under ``out`` (created) and remove the files an earlier run wrote that are gone now.

    ``out/.pmo-lint-generated`` lists what was written, so only files this command made are ever removed.
    The stylesheets go along (``assets/pmo-lint/``), for the ``extra_css`` of the site built from the pages.
    """
    from pmo_lint.site.assets import stylesheets

    files = {**site.files(), **stylesheets()}
    manifest = out / MANIFEST
    try:
        previous = manifest.read_text(encoding="utf-8").splitlines() if manifest.is_file() else []
    except (OSError, UnicodeDecodeError):
        previous = []
    _refuse_what_is_not_ours(out, files, set(previous))
    written = []
    try:
        for rel in previous:
            stale = out / rel
            if rel and rel not in files and ".." not in rel.split("/") and stale.is_file() and not stale.is_symlink():
                stale.unlink()
        for rel, text in files.items():
            target = out / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            written.append(target)
        manifest.write_text("".join(f"{rel}\n" for rel in files), encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {exc.filename or out}: {exc.strerror}") from None
    return written


def _refuse_what_is_not_ours(out: Path, files: Mapping[str, str], ours: set[str]) -> None:
    """Stop before writing anything when a page would replace a file an earlier run did not write, or would be
    written through a link (a page or a folder of the site that is a symbolic link leads anywhere)."""
    problems: list[str] = []
    try:
        for path in (out / MANIFEST, *(out / rel for rel in files)):
            rel = path.relative_to(out).as_posix()
            folder = out
            for part in rel.split("/")[:-1]:
                folder = folder / part
                if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
                    problems.append(f"{folder} is a link or a file, where the site needs a folder")
                    break
            if path.is_symlink() or (path.exists() and not path.is_file()):
                problems.append(f"{path} is a link or not a regular file")
            elif path.exists() and rel != MANIFEST and rel not in ours:
                problems.append(f"{path} exists and was not written by pmo-lint")
    except OSError as exc:
        raise UsageError(f"cannot read {exc.filename or out}: {exc.strerror}") from None
    if problems:
        unique = list(dict.fromkeys(problems))
        more = f"\n  and {len(unique) - 5:,} more" if len(unique) > 5 else ""
        raise UsageError(
            f"nothing written to {out}: it holds files pmo-lint would replace:\n  "
            + "\n  ".join(unique[:5])
            + more
            + "\nchoose a new or empty folder for --out, or move those files"
        )


__all__ = [
    "DATA_FILE",
    "NOT_IN_NAV_PATTERNS",
    "PAGE_OF_SECTION",
    "SECTIONS",
    "Site",
    "SiteOptions",
    "build_site",
    "generate",
    "in_navigation",
    "navigation",
    "release_memory",
    "write_site",
]
