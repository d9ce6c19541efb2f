"""No workflow-command injection in any format: whatever text the portfolio holds, no output line starts with
``::`` (what a CI runner takes for a command, after leading blanks) unless it is the github format's own."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmo_lint.diagnostics import Diagnostic, PrSummary, Result, Severity, Suppression, sort_diagnostics
from pmo_lint.reporters import REPORTERS, get_renderer, github, junit, markdown, text

# pieces that make a command, a line break (for any reader of lines) or whitespace a runner may trim
TOKENS = ["::", ":", "::error::x", "::warning file=a::", "\n", "\r", "\r\n", "\u2028", "\u2029", "\x85", "\x0b"]
TOKENS += ["\x0c", "\x1c", " ", "\t", "\u3000", "\xa0", "%", ",", "=", "error", "<", "&", "|", "`", "-"]
data = st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=4)), max_size=8).map("".join)
states = st.sampled_from(["", "new", "existing"])
suppressions = st.none() | st.builds(Suppression, st.sampled_from(["inline", "waiver"]), data, st.none() | data)


@st.composite
def diagnostics(draw: st.DrawFn) -> Diagnostic:
    line = draw(st.integers(0, 3))
    return Diagnostic(
        rule=draw(data),
        code=draw(st.sampled_from(["PMO007", "TAC004"]) | data),
        severity=draw(st.sampled_from(list(Severity))),
        message=draw(data),
        path=draw(data),
        line=line,
        col=draw(st.integers(0, 3)),
        end_line=draw(st.integers(0, 3)),
        end_col=draw(st.integers(0, 3)),
        data_path=tuple(draw(st.lists(data | st.integers(0, 3), max_size=3))),
        entity=draw(data),
        suppression=draw(suppressions),
        baseline_state=draw(states),
    )


@st.composite
def results(draw: st.DrawFn) -> Result:
    found = draw(st.lists(diagnostics(), max_size=6))
    active = [d for d in found if d.suppression is None]
    hidden = [d for d in found if d.suppression is not None]
    prefix = draw(st.sampled_from(["", "governance/pmo/"]) | data)
    base = head = ""
    pr = None
    if draw(st.booleans()):  # PR mode, with a branch name from the environment
        base, head = "a" * 40, "b" * 40
        new = sum(1 for d in active if d.baseline_state == "new")
        pr = PrSummary(draw(data), draw(data), new, len(active) - new, draw(st.booleans()))
    return Result(
        "/p",
        dt.date(2026, 1, 1),
        len(found),
        tuple(sort_diagnostics(active)),
        tuple(sort_diagnostics(hidden)),
        base=base,
        head=head,
        rules=(),
        path_prefix=prefix,
        pr=pr,
    )


def _with_source(r: Result) -> str:
    lines = {(d.path, d.line): d.message for d in r.diagnostics}  # the source line holds data too
    return text.render(r, text.TextOptions(color=True, source_lines=lines))


RENDERS: dict[str, Callable[[Result], str]] = {
    **{name: get_renderer(name) for name in REPORTERS},
    "text-terminal": _with_source,
    "text-statistics": lambda r: text.render(r, text.TextOptions(statistics=True)),
    "github-with-summary": lambda r: github.render(r, summary_written=True),
    "markdown-capped": lambda r: markdown.render(r, max_bytes=400),
    "github-step-summary": github.step_summary,
}
# the github format's own commands: properties hold no raw ":" or "," and nothing follows on another line
OWN_COMMAND = re.compile(r"::(error|warning|notice) [A-Za-z]+=[^:,]*(,[A-Za-z]+=[^:,]*)*::.*")


def _command_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.lstrip().startswith("::")]


@settings(max_examples=300, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(results())
def test_no_format_lets_data_start_a_command(result: Result) -> None:
    for name, render in RENDERS.items():
        commands = _command_lines(render(result))
        if name.startswith("github") and name != "github-step-summary":
            assert all(OWN_COMMAND.fullmatch(c) for c in commands), (name, commands)
            # one per annotated finding, plus at most the closing notice
            assert len(commands) <= len(result.diagnostics) + 1, (name, commands)
        else:
            assert commands == [], (name, commands)


def test_junit_body_escapes_a_data_path_that_holds_a_command() -> None:
    # the case: a key named "a\n::error::x" printed a live command when the report was shown in a log
    d = Diagnostic("r", "PMO004", Severity.ERROR, "bad", "people/x.yaml", 3, 1, data_path=("spec", "a\n::error::x"))
    r = Result("/p", dt.date(2026, 1, 1), 1, (d,), rules=())
    out = junit.render(r)
    assert _command_lines(out) == []
    assert "field: spec.a\\n::error::x\n" in out  # shown escaped, on its labelled line
