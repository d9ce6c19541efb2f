"""A quote left open anywhere in a valid file is reported at the line where it opened.

libyaml lets a quoted text run on over the following lines until the next quote of the same kind;
the parse then fails (or, worse, succeeds) far from the mistake. Property: insert `note: "unclosed`
at a random line of a real file (the sample, the policy base portfolio, every kind's reference
example) and the one finding is PMO001 at the inserted quote.
"""

from __future__ import annotations

import functools

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmo_lint.loader.yamlio import DEFAULT_LIMITS, SYNTAX, LoadedDocument, LoadProblem, parse_text
from pmo_lint.model.kinds import KIND_BY_NAME
from pmo_lint.model.reference import example_yaml
from pmo_lint.outcome import process_bytes
from tests.conftest import ROOT, SAMPLE


def _base_files() -> dict[str, str]:
    files = {
        p.relative_to(ROOT).as_posix(): p.read_text(encoding="utf-8")
        for folder in (SAMPLE, ROOT / "tests" / "policies" / "base")
        for p in sorted(folder.rglob("*.yaml"))
    }
    files.update({f"reference:{kind}": example_yaml(KIND_BY_NAME[kind]) for kind in sorted(KIND_BY_NAME)})
    return files


BASES = _base_files()


def _inside_multiline_scalars(text: str) -> frozenset[int]:
    """0-based line numbers that continue a scalar begun on an earlier line (`>` text): inserting a
    line there changes the text, not the structure."""
    inside: set[int] = set()
    for event in yaml.parse(text, Loader=yaml.CSafeLoader):
        if isinstance(event, yaml.ScalarEvent) and event.end_mark.line > event.start_mark.line:
            inside.update(range(event.start_mark.line + 1, event.end_mark.line + 1))
    return frozenset(inside)


def with_note(text: str, before: int, value: str) -> tuple[str, int, int]:
    """``text`` with `note: <value>` inserted before 0-based line ``before``, indented like the line
    it lands on; returns the new text and the value's line and column (1-based)."""
    lines = text.splitlines()
    following = [line for line in lines[before:] if line.strip()]
    model = following[0] if following else (lines[before - 1] if before else "")
    indent = len(model) - len(model.lstrip(" "))
    if model.lstrip(" ").startswith("- "):
        indent += 2  # next to the keys of the previous item, as a user adding a field would
    key = " " * indent + "note: "
    lines.insert(before, key + value)
    return "\n".join(lines) + "\n", before + 1, len(key) + 1


def test_the_bases_are_valid_yaml() -> None:
    assert len(BASES) > 50
    for name, text in BASES.items():
        assert isinstance(parse_text(text), LoadedDocument), name


@pytest.mark.parametrize(
    ("text", "line", "col", "words"),
    [
        ('a: 1\nb: "unclosed\nc: 3\n', 2, 4, "never closed"),
        ('a: 1\nb: "unclosed\nc: 3\nd: "x"\n', 2, 4, 'up to the next " (line 4)'),
        ("a: 1\nb: 'unclosed\nc: the teams'\n", 2, 4, "up to the next ' (line 3)"),
        ('a:\n  b: "unclosed\n  c: ok"\n', 2, 6, 'up to the next " (line 3)'),
        ('a:\n  - b: "unclosed\n  - c: "x"\n', 2, 8, 'up to the next " (line 3)'),
        # the parser gives up at the stray quote itself, before the text is read: found by a second scan
        ('a:\n  b: {c: 1}"\n  d: 2\n  e: "x"\n', 2, 12, 'up to the next " (line 4)'),
        ('a: 1\nb: "unclosed\n---\nc: 2\n', 2, 4, "everything up to line 3"),
        ('a: 1\r\nb: "unclosed\r\nc: "x"\r\n', 2, 4, 'up to the next " (line 3)'),
        ('a: 1\rb: "unclosed\rc: "x"\r', 2, 4, 'up to the next " (line 3)'),
        ('a: 1\nb: "C:\\Users\\jo"\n', 2, 7, "write \\\\ for a backslash, or put the text in single quotes"),
    ],
    ids=[
        "to-end-of-file",
        "closed-by-a-later-quote",
        "closed-by-an-apostrophe",
        "parses-but-swallows",
        "list-item",
        "after-a-flow-mapping",
        "into-a-document-separator",
        "windows-line-breaks",
        "old-mac-line-breaks",
        "a-backslash-in-double-quotes",
    ],
)
def test_a_quote_that_runs_past_its_line_is_reported_where_it_opened(
    text: str, line: int, col: int, words: str
) -> None:
    problem = parse_text(text)
    assert isinstance(problem, LoadProblem)
    assert (problem.rule, problem.line, problem.col) == (SYNTAX, line, col), problem
    assert words in problem.message


@pytest.mark.parametrize(
    "text",
    [
        'a:\n  b: "a long text\n    that goes on"\n  c: 1\n',
        "a:\n  - 'first part\n     second part'\n",
        'a: "one line"\nb: "another"\n',
        'a: >\n  folded "text\n  with a quote\nb: 1\n',
    ],
    ids=["indented-continuation", "indented-in-a-list", "one-line-each", "quote-inside-a-block-text"],
)
def test_a_quoted_text_over_deeper_indented_lines_is_fine(text: str) -> None:
    assert isinstance(parse_text(text), LoadedDocument)


@functools.cache
def _inside(name: str) -> frozenset[int]:
    return _inside_multiline_scalars(BASES[name])


def _only_the_quote_breaks_it(name: str, before: int) -> bool:
    """`note: "closed"` at this line keeps the file valid YAML: there, only the missing quote breaks it."""
    if before in _inside(name):
        return False
    return isinstance(parse_text(with_note(BASES[name], before, '"closed"')[0]), LoadedDocument)


@st.composite
def unclosed_quotes(draw: st.DrawFn) -> tuple[str, str, int, int]:
    name = draw(st.sampled_from(sorted(BASES)))
    text = BASES[name]
    lines = st.integers(min_value=1, max_value=len(text.splitlines()))
    before = draw(lines.filter(lambda n: _only_the_quote_breaks_it(name, n)))
    quote = draw(st.sampled_from(['"', "'"]))
    broken, line, col = with_note(text, before, f"{quote}unclosed")
    return name, broken, line, col


@settings(
    max_examples=600,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(unclosed_quotes())
def test_an_unclosed_quote_at_any_line_is_reported_at_that_line(case: tuple[str, str, int, int]) -> None:
    name, text, line, col = case
    diagnostics = process_bytes("x.yaml", text.encode("utf-8"), DEFAULT_LIMITS).diagnostics
    got = [(d.code, d.line, d.col) for d in diagnostics]
    assert got == [("PMO001", line, col)], f"{name}, quote inserted at line {line}:\n{diagnostics}"
