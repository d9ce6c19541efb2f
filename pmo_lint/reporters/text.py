"""``path:line:col: CODE [severity] message`` lines, then a summary (ruff and flake8's shape)."""

from __future__ import annotations

from pmo_lint.diagnostics import Diagnostic, Result


def clean(text: str) -> str:
    """Make data safe for a terminal: no raw escape sequences, no line breaks inside a line."""
    out = []
    for ch in text:
        code = ord(ch)
        if ch == "\n":
            out.append("\\n")
        elif code < 0x20 or code == 0x7F or 0x80 <= code < 0xA0:
            out.append(f"\\x{code:02x}")
        elif 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


def format_line(d: Diagnostic) -> str:
    where = f"{clean(d.path) or '<portfolio>'}:{d.line}:{d.col}"
    return f"{where}: {d.code} [{d.severity.label}] {clean(d.message)}"


def summary(result: Result) -> str:
    counts = result.counts()
    total = sum(counts.values())
    files = f"{result.files_checked} file{'s' if result.files_checked != 1 else ''}"
    hidden = f"; {len(result.suppressed)} suppressed" if result.suppressed else ""
    if total == 0:
        return f"All checks passed: {files}, as of {result.as_of.isoformat()}{hidden}."
    parts = ", ".join(f"{n} {label}{'s' if n != 1 and label != 'info' else ''}" for label, n in counts.items() if n)
    found = f"Found {total} finding{'s' if total != 1 else ''} ({parts})"
    return f"{found} in {files}, as of {result.as_of.isoformat()}{hidden}."


def render(result: Result) -> str:
    lines = [format_line(d) for d in result.diagnostics]
    lines.append(summary(result))
    return "\n".join(lines) + "\n"
