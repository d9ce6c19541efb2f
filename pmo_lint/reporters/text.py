"""``path:line:col: CODE [severity] message`` lines, then a summary (ruff and flake8's shape).

Paths are relative to the Git repository that holds the portfolio, as in every format, so an editor or a CI
log opens them as printed. In PR mode a last line says what was compared and how many findings are new.

``render`` is pure. ``report`` (the signature every reporter has) adds, when the report goes to a
terminal, colour and the source lines (read by ``read_source_lines``) so each finding shows its line with a
caret under the column.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from pmo_lint.diagnostics import Diagnostic, Result, Severity
from pmo_lint.reporters.common import (
    clean_controls,
    compared_with_base,
    held_back,
    path_prefix,
    plural,
    suppressed_counts,
)
from pmo_lint.reporters.context import ReportContext

_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_DIM = "\x1b[2m"
_COLOURS = {Severity.ERROR: "\x1b[31m", Severity.WARNING: "\x1b[33m", Severity.INFO: "\x1b[36m"}
_MAX_SOURCE_BYTES = 4 * 1024 * 1024  # the caret view is a nicety; never read a huge file for it


def clean(text: str) -> str:
    """Make data safe for a terminal: no raw escape sequences, no line breaks inside a line."""
    return clean_controls(text)


@dataclass(frozen=True)
class TextOptions:
    color: bool = False
    statistics: bool = False  # counts per rule instead of one line per finding (ruff's --statistics)
    source_lines: Mapping[tuple[str, int], str] = field(default_factory=dict)  # (path, line) -> raw line


def _paint(text: str, style: str, on: bool) -> str:
    return f"{style}{text}{_RESET}" if on else text


def format_line(d: Diagnostic, *, color: bool = False, prefix: str = "") -> str:
    """``path:line:col: CODE [severity] message``; ``prefix`` makes the path repository-relative."""
    where = clean(prefix + d.path) if d.path else "<portfolio>"
    if where.lstrip().startswith(":"):  # with the ":" after it a CI runner would see a command; ./ is the same file
        where = "./" + where
    if d.line > 0:
        where += f":{d.line}:{max(d.col, 1)}"
    code = _paint(clean(d.code), _BOLD + _COLOURS[d.severity], color)  # a plug-in rule may name itself anything
    return f"{_paint(where, _BOLD, color)}: {code} [{d.severity.label}] {clean(d.message)}"


def _caret(d: Diagnostic, raw: str, color: bool) -> list[str]:
    shown = clean(raw.rstrip("\r\n"))
    # the caret sits under the escaped text, so escapes that widen the line keep it aligned
    offset = len(clean(raw[: max(d.col, 1) - 1]))
    gutter = str(d.line)
    pad = " " * len(gutter)
    caret = _paint("^", _BOLD + _COLOURS[d.severity], color)
    return [
        f"  {_paint(gutter + ' |', _DIM, color)} {shown}",
        f"  {_paint(pad + ' |', _DIM, color)} {' ' * offset}{caret}",
    ]


def summary(result: Result) -> str:
    counts = result.counts()
    total = sum(counts.values())
    files = plural(result.files_checked, "file")
    inline, waived = suppressed_counts(result)
    held, _projects, why = held_back(result)
    hidden = "".join(
        (
            f"; {inline} suppressed inline" if inline else "",
            f"; {waived} waived" if waived else "",
            f"; {plural(held, 'finding')} held back: {why}" if held else "",
        )
    )
    if total == 0:
        return f"All checks passed: {files}, as of {result.as_of.isoformat()}{hidden}."
    parts = ", ".join(f"{n} {label}{'s' if n != 1 and label != 'info' else ''}" for label, n in counts.items() if n)
    return f"Found {plural(total, 'finding')} ({parts}) in {files}, as of {result.as_of.isoformat()}{hidden}."


def statistics(result: Result) -> list[str]:
    """One line per rule with findings: count, code, id and severities; most frequent first (ruff's shape)."""
    counts = Counter((d.code, d.rule) for d in result.diagnostics)
    levels: dict[str, set[Severity]] = {}
    for d in result.diagnostics:
        levels.setdefault(d.code, set()).add(d.severity)
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    width = max((len(str(n)) for _, n in rows), default=1)
    code_width = max((len(code) for (code, _), _ in rows), default=1)
    out = []
    for (code, rule), n in rows:
        label = "/".join(s.label for s in sorted(levels[code], reverse=True))
        out.append(f"{n:>{width}}\t{clean(code):<{code_width}}\t{clean(rule)} [{label}]")
    return out


def render(result: Result, options: TextOptions | None = None) -> str:
    opts = options or TextOptions()
    lines: list[str] = []
    if opts.statistics:
        lines.extend(statistics(result))
    else:
        for d in result.diagnostics:
            lines.append(format_line(d, color=opts.color, prefix=path_prefix(result)))
            raw = opts.source_lines.get((d.path, d.line))
            if raw is not None:
                lines.extend(_caret(d, raw, opts.color))
    lines.append(summary(result))
    if compared := compared_with_base(result):
        lines.append(clean(compared))
    return "\n".join(lines) + "\n"


def read_source_lines(result: Result) -> dict[tuple[str, int], str]:
    """The lines findings point at, read from the portfolio (files outside it or too big are skipped)."""
    root = Path(result.root).resolve()
    wanted: dict[str, set[int]] = {}
    for d in result.diagnostics:
        if d.path and d.line > 0:
            wanted.setdefault(d.path, set()).add(d.line)
    out: dict[tuple[str, int], str] = {}
    for rel, numbers in wanted.items():
        path = (root / rel).resolve()
        try:
            if not path.is_relative_to(root) or not path.is_file() or path.stat().st_size > _MAX_SOURCE_BYTES:
                continue
            text = path.read_bytes().decode("utf-8", errors="replace").lstrip("\ufeff")
        except OSError:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            if number in numbers:
                out[(rel, number)] = line
    return out


def use_color(stream: IO[str], env: Mapping[str, str] | None = None) -> bool:
    """Colour on a terminal only; NO_COLOR (any non-empty value) wins, FORCE_COLOR forces it elsewhere."""
    env = os.environ if env is None else env
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR"):
        return True
    return _isatty(stream)


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def report(result: Result, context: ReportContext) -> str:
    """The text report as the CLI writes it: decorations only when it goes to a terminal."""
    stream = context.stream
    if stream is None:
        return render(result, TextOptions(statistics=context.statistics))
    on_tty = _isatty(stream)
    return render(
        result,
        TextOptions(
            color=use_color(stream, context.env),
            statistics=context.statistics,
            source_lines=read_source_lines(result) if on_tty and not context.statistics else {},
        ),
    )
