"""GitHub-flavoured Markdown for a PR comment or ``$GITHUB_STEP_SUMMARY``.

A counts table, then the findings grouped by file. Every piece of data is escaped so a message,
path or entity can add no HTML, link, image, heading, table cell or maths to the page.
"""

from __future__ import annotations

from itertools import groupby

from pmo_lint.diagnostics import Diagnostic, Result, Severity
from pmo_lint.reporters.common import clean_controls, plural, suppressed_counts

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
    return f"| {where} | {d.code} | {_ICONS[d.severity]} | {escape(d.message)} |"


def render(result: Result, *, max_bytes: int | None = None) -> str:
    """The report; past ``max_bytes`` (UTF-8) the remaining findings are counted, not listed."""
    counts = result.counts()
    total = sum(counts.values())
    inline, waived = suppressed_counts(result)
    lines = [
        "## pmo-lint",
        "",
        f"{plural(total, 'finding')} in {plural(result.files_checked, 'file')} checked, as of {result.as_of}.",
        "",
        "| Severity | Count |",
        "| --- | ---: |",
        *(f"| {label} | {n} |" for label, n in counts.items()),
        f"| suppressed inline | {inline} |",
        f"| waived | {waived} |",
    ]
    size = sum(len(line.encode()) + 1 for line in lines)
    shown = 0
    for path, group in groupby(result.diagnostics, key=lambda d: d.path):
        items = list(group)
        block = ["", f"### {escape(path) if path else 'Portfolio'}", "", "| Line | Code | Severity | Message |"]
        block += ["| ---: | --- | --- | --- |", *(_row(d) for d in items)]
        cost = sum(len(line.encode()) + 1 for line in block)
        if max_bytes is not None and size + cost > max_bytes:
            break
        lines += block
        size += cost
        shown += len(items)
    if shown < total:
        rest = plural(total - shown, "more finding")
        lines += ["", f"…and {rest} not listed to keep this report small; the other formats list them all."]
    if total == 0:
        lines += ["", "All checks passed."]
    return "\n".join(lines) + "\n"
