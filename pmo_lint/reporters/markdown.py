"""GitHub-flavoured Markdown for a PR comment or ``$GITHUB_STEP_SUMMARY``.

A counts table, then the findings grouped by file (repository-relative paths, as every format prints them).
In PR mode the comparison line comes first and the findings are split in two sections, the change's new
findings before the existing ones, so a size cap never hides the PR's own. Every piece of data is escaped so
a message, path or entity can add no HTML, link, image, heading, table cell or maths to the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby

from pmo_lint.diagnostics import Diagnostic, Result, Severity, Table
from pmo_lint.reporters.common import (
    clean_controls,
    compared_with_base,
    plural,
    pr_counts,
    shown_path,
    suppressed_counts,
)
from pmo_lint.reporters.context import ReportContext

# ASCII punctuation that means something to CommonMark, GFM (tables, strikethrough, autolinks) or GitHub (maths,
# mentions); a backslash before any ASCII punctuation is always a literal in CommonMark
_SPECIAL = set("\\`*_{}[]()#+-.!|~:@$^")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_ICONS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "info"}


def escape(text: str) -> str:
    """Data as inert Markdown text on one line."""
    out = []
    for ch in clean_controls(text):
        if ch in _ENTITIES:
            out.append(_ENTITIES[ch])
        elif ch in _SPECIAL:
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def _row(d: Diagnostic) -> str:
    where = f"{d.line}:{max(d.col, 1)}" if d.line > 0 else "\\-"
    return f"| {where} | {escape(d.code)} | {_ICONS[d.severity]} | {escape(d.message)} |"


def _file_blocks(result: Result, items: Sequence[Diagnostic], level: str) -> list[tuple[list[str], int]]:
    """One table per file: (its lines, how many findings it lists)."""
    blocks = []
    for _, group in groupby(items, key=lambda d: d.path):
        rows = list(group)
        path = shown_path(result, rows[0])
        block = ["", f"{level} {escape(path) if path else 'Portfolio'}", "", "| Line | Code | Severity | Message |"]
        block += ["| ---: | --- | --- | --- |", *(_row(d) for d in rows)]
        blocks.append((block, len(rows)))
    return blocks


def table_lines(tables: Sequence[Table], level: str = "####") -> list[str]:
    """Plain-text tables (the change impact) as Markdown: a heading, the note and the table, every cell escaped."""
    out: list[str] = []
    for t in tables:
        out += ["", f"{level} {escape(t.title)}"]
        if t.note:
            out += ["", escape(t.note)]
        if t.headers and t.rows:
            marks = ("---:" if i in t.numeric else "---" for i in range(len(t.headers)))
            out += ["", "| " + " | ".join(escape(h) for h in t.headers) + " |", "| " + " | ".join(marks) + " |"]
            out += ["| " + " | ".join(escape(c) or " " for c in row) + " |" for row in t.rows]
    return out


def _sections(result: Result) -> list[tuple[list[str], int]]:
    """The blocks in the order they are listed; in PR mode new findings first, each part under its heading."""
    if pr_counts(result) is None:
        return _file_blocks(result, result.diagnostics, "###")
    new = [d for d in result.diagnostics if d.baseline_state == "new"]
    existing = [d for d in result.diagnostics if d.baseline_state != "new"]
    out: list[tuple[list[str], int]] = []
    out.append((["", f"### New in this change ({len(new)})"] + ([] if new else ["", "No new findings."]), 0))
    out += _file_blocks(result, new, "####")
    if existing:
        out.append((["", f"### Existing before this change ({len(existing)})"], 0))
        out += _file_blocks(result, existing, "####")
    return out


def render(result: Result, *, max_bytes: int | None = None) -> str:
    """The report; past ``max_bytes`` (UTF-8) the remaining findings are counted, not listed."""
    counts = result.counts()
    total = sum(counts.values())
    inline, waived = suppressed_counts(result)
    lines = ["## pmo-lint", ""]
    if compared := compared_with_base(result):
        lines += [escape(compared), ""]
    lines += [
        f"{plural(total, 'finding')} in {plural(result.files_checked, 'file')} checked, as of {result.as_of}.",
        "",
        "| Severity | Count |",
        "| --- | ---: |",
        *(f"| {label} | {n} |" for label, n in counts.items()),
        f"| suppressed inline | {inline} |",
        f"| waived | {waived} |",
    ]
    if result.pr is not None and result.pr.impact:
        lines += ["", "### Change impact", *table_lines(result.pr.impact)]
    size = sum(len(line.encode()) + 1 for line in lines)
    shown = 0
    for block, listed in _sections(result):
        cost = sum(len(line.encode()) + 1 for line in block)
        if max_bytes is not None and size + cost > max_bytes:
            break
        lines += block
        size += cost
        shown += listed
    if shown < total:
        rest = plural(total - shown, "more finding")
        lines += ["", f"…and {rest} not listed to keep this report small; the other formats list them all."]
    if total == 0:
        lines += ["", "All checks passed."]
    return "\n".join(lines) + "\n"


def report(result: Result, context: ReportContext) -> str:
    """The Markdown report; it depends on nothing but the result."""
    return render(result)
