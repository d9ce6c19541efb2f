"""GitHub Actions workflow commands: one ``::error``/``::warning``/``::notice`` annotation per finding.

GitHub shows at most 10 annotations of each level per step, so only the first 10 of each level are
annotated; the rest are printed as plain log lines, and ``report`` appends the whole report as Markdown
to ``$GITHUB_STEP_SUMMARY`` when it is set. In PR mode the change's new findings are annotated first,
each annotation's title says "new" or "existing", and the log ends with the comparison line. Data is
escaped as the Actions toolkit does (``%``, CR, LF in messages; also ``:`` and ``,`` in properties),
so no finding can start a command.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Mapping

from pmo_lint.diagnostics import Diagnostic, Result, Severity
from pmo_lint.reporters.common import (
    ci_path,
    clean_controls,
    compared_with_base,
    defuse_command,
    new_first,
    path_prefix,
    plural,
)
from pmo_lint.reporters.context import ReportContext
from pmo_lint.reporters.markdown import render as render_markdown
from pmo_lint.reporters.text import clean, format_line, summary

PER_LEVEL_LIMIT = 10
SUMMARY_MAX_BYTES = 900_000  # GitHub refuses a step summary over 1 MiB
COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def annotation(result: Result, d: Diagnostic) -> str:
    props = [f"file={escape_property(clean_controls(ci_path(result, d)))}"] if d.path else []
    if d.path and d.line > 0:
        props.append(f"line={d.line}")
        if d.col > 0:
            props.append(f"col={d.col}")
        # the toolkit allows a column range only within one line
        if d.end_line == d.line and d.end_col > d.col > 0:
            props += [f"endLine={d.end_line}", f"endColumn={d.end_col}"]
    props.append(f"title={escape_property(clean_controls(f'{d.code} {d.rule}{_state(d)}'))}")
    message = escape_data(clean_controls(d.message, keep_newlines=True))
    return f"::{COMMANDS[d.severity]} {','.join(props)}::{message}"


def _state(d: Diagnostic) -> str:
    return f" ({d.baseline_state})" if d.baseline_state else ""  # PR mode: new or existing


def render(result: Result, *, summary_written: bool = False) -> str:
    shown: Counter[Severity] = Counter()
    lines: list[str] = []
    rest: list[Diagnostic] = []
    for d in new_first(result.diagnostics):  # the cap must not fill with old findings and hide the PR's own
        if shown[d.severity] < PER_LEVEL_LIMIT:
            shown[d.severity] += 1
            lines.append(annotation(result, d))
        else:
            rest.append(d)
    prefix = path_prefix(result)
    lines += [defuse_command(format_line(d, prefix=prefix) + _state(d)) for d in rest]
    lines.append(defuse_command(summary(result)))
    if compared := compared_with_base(result):
        lines.append(defuse_command(clean(compared)))
    if rest:
        also = "; the job summary lists them all" if summary_written else ""
        note = (
            f"{plural(len(rest), 'more finding')} not annotated (GitHub shows {PER_LEVEL_LIMIT} annotations per "
            f"level per step); they are listed in the log above{also}."
        )
        lines.append(f"::notice title=pmo-lint::{escape_data(note)}")
    return "\n".join(lines) + "\n"


def step_summary(result: Result) -> str:
    return render_markdown(result, max_bytes=SUMMARY_MAX_BYTES)


def write_step_summary(result: Result, env: Mapping[str, str] | None = None) -> bool:
    """Append the Markdown report to ``$GITHUB_STEP_SUMMARY`` (GitHub expects appends); False when unset."""
    target = (os.environ if env is None else env).get("GITHUB_STEP_SUMMARY")
    if not target:
        return False
    with open(target, "a", encoding="utf-8") as fh:  # noqa: PTH123 - append mode on a path given by the runner
        fh.write(step_summary(result))
    return True


def report(result: Result, context: ReportContext) -> str:
    """The annotations, after appending the Markdown report to the job summary (when the runner names one)."""
    try:
        written = write_step_summary(result, context.env)
    except OSError as exc:
        context.warn(f"cannot write the job summary: {exc.strerror}")
        written = False
    return render(result, summary_written=written)
