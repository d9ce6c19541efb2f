"""The fast loader (pmo_lint/loader/yamlio.py): YAML 1.2 values, positions, and every way a file can be
wrong, each one LoadProblem with a line, never an exception."""

from __future__ import annotations

import math
from typing import Any

import pytest

from pmo_lint.loader.yamlio import (
    INVALID_FILE,
    LIMIT,
    SUSPICIOUS_UNICODE,
    SYNTAX,
    YAML11_AMBIGUITY,
    Limits,
    LoadedDocument,
    LoadProblem,
    parse_bytes,
    parse_text,
)


def load(text: str, limits: Limits | None = None) -> LoadedDocument:
    doc = parse_text(text, limits or Limits())
    assert isinstance(doc, LoadedDocument), doc
    return doc


def problem(source: str | bytes, limits: Limits | None = None) -> LoadProblem:
    raw = source.encode("utf-8") if isinstance(source, str) else source
    result = parse_bytes(raw, limits or Limits())
    assert isinstance(result, LoadProblem), f"expected a problem, got {result}"
    return result


# -- YAML 1.2 core schema --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("plain", "expected"),
    [
        ("NO", "NO"),
        ("no", "no"),
        ("yes", "yes"),
        ("on", "on"),
        ("Off", "Off"),
        ("y", "y"),
        ("true", True),
        ("False", False),
        ("012", 12),
        ("0o17", 15),
        ("0x1F", 31),
        ("-5", -5),
        ("+7", 7),
        ("1.10", 1.1),
        ("1e3", 1000.0),
        (".5", 0.5),
        (".inf", math.inf),
        ("-.Inf", -math.inf),
        ("~", None),
        ("null", None),
        ("", None),
        ('"1"', "1"),
        ("'true'", "true"),
        ("1_000", "1_000"),
        ("2025-06-30", "2025-06-30"),
        ("12:30", "12:30"),
        ("0b101", "0b101"),
        ("!!str 12", "12"),
        ("!!int 0x10", 16),
        ("!!float 3", 3.0),
    ],
)
def test_yaml_12_resolution(plain: str, expected: Any) -> None:
    value = load(f"v: {plain}\n").data["v"]
    assert value == expected and type(value) is type(expected)


def test_nan_is_a_float() -> None:
    assert math.isnan(load("v: .nan\n").data["v"])


@pytest.mark.parametrize("plain", ["NO", "on", "y", "012"])
def test_yaml_11_ambiguities_are_noted(plain: str) -> None:
    doc = load(f"a:\n  v: {plain}\n")
    assert [(n.rule, n.message, n.line, n.col, n.data_path) for n in doc.notes] == [
        (YAML11_AMBIGUITY, plain, 2, 6, ("a", "v"))
    ]


@pytest.mark.parametrize("plain", ['"NO"', "'on'", "no-way", "12", "1.5", "nothing"])
def test_quoted_or_unambiguous_values_are_not_noted(plain: str) -> None:
    assert load(f"v: {plain}\n").notes == []


def test_tagged_value_that_does_not_fit_its_tag() -> None:
    p = problem("a: 1\nv: !!int twelve\n")
    assert (p.rule, p.line, p.col) == (SYNTAX, 2, 4)
    assert "!!int" in p.message


# -- positions --------------------------------------------------------------------------------------
DOC = """\
apiVersion: pmo-lint/v1
kind: Person
metadata:
  name: jo
spec:
  roles: [project-manager, trainer]
  capacity:
    hoursPerWeek: 40
  trainings:
    - course: pm-fundamentals
      date: 2024-01-18
    - {course: earned-value, date: 2024-02-01}
"""


@pytest.mark.parametrize(
    ("path", "value_at", "key_at"),
    [
        (("kind",), (2, 7), (2, 1)),
        (("metadata", "name"), (4, 9), (4, 3)),
        (("spec", "roles", 1), (6, 28), (6, 28)),
        (("spec", "capacity"), (8, 5), (7, 3)),
        (("spec", "capacity", "hoursPerWeek"), (8, 19), (8, 5)),
        (("spec", "trainings", 0, "date"), (11, 13), (11, 7)),
        (("spec", "trainings", 1, "course"), (12, 16), (12, 8)),
    ],
)
def test_positions_by_data_path(path: tuple[Any, ...], value_at: tuple[int, int], key_at: tuple[int, int]) -> None:
    doc = load(DOC)
    assert doc.locate(path) == value_at
    assert doc.locate(path, key=True) == key_at


def test_missing_path_falls_back_to_nearest_ancestor() -> None:
    doc = load(DOC)
    assert doc.locate(("spec", "capacity", "fte")) == doc.locate(("spec", "capacity"))
    assert doc.locate(("nowhere",)) == (1, 1)


# -- keys -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "line", "col"),
    [
        ("a: 1\nb: 2\na: 3\n", 3, 1),
        ("a: 1\n'a': 2\n", 2, 1),
        ('a: 1\n"a": 2\n', 2, 1),
        ("m: {x: 1, 'x': 2}\n", 1, 11),
        ('top:\n  k: 1\n  "k": 2\n', 3, 3),
    ],
    ids=["plain", "single-quoted", "double-quoted", "flow", "nested"],
)
def test_duplicate_keys(text: str, line: int, col: int) -> None:
    p = problem(text)
    assert (p.rule, p.line, p.col) == (SYNTAX, line, col)
    assert "duplicate key" in p.message and "first defined on line" in p.message


@pytest.mark.parametrize(
    ("text", "shown"),
    [("1: x\n", "1"), ("true: x\n", "True"), ("null: x\n", "None"), ("? [a, b]\n: x\n", "a mapping or list")],
    ids=["int", "bool", "null", "list"],
)
def test_non_string_keys(text: str, shown: str) -> None:
    p = problem("a: 1\n" + text)
    assert p.rule == SYNTAX and p.line == 2
    assert "not a string" in p.message or "keys must be strings" in p.message
    assert shown in p.message or shown == "a mapping or list"


def test_merge_keys_are_rejected() -> None:
    p = problem("base: &b {x: 1}\nother:\n  <<: *b\n")
    assert (p.rule, p.line) == (SYNTAX, 3)
    assert "merge" in p.message


# -- tags -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "value",
    [
        "!!python/object:os.system {}",
        "!!python/name:os.system ''",
        "!custom x",
        "!!binary aGVsbG8=",
        "!!set {a: null}",
        "!!timestamp 2025-01-01",
        "!!omap [{a: 1}]",
    ],
)
def test_tags_are_rejected_not_constructed(value: str) -> None:
    p = problem(f"a: 1\nv: {value}\n")
    assert (p.rule, p.line) == (SYNTAX, 2)
    assert "not allowed" in p.message or "not a valid" in p.message


# -- document shape ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("", "empty"),
        ("# only a comment\n# and another\n", "empty"),
        ("---\n", "empty"),
        ("---\n...\n", "empty"),
        ("~\n", "empty"),
        ("- a\n- b\n", "a list"),
        ("just text\n", "single value"),
        ("42\n", "single value"),
    ],
    ids=["empty", "comments", "dashes", "dashes-dots", "null", "list", "scalar", "number"],
)
def test_not_one_mapping(source: str, words: str) -> None:
    p = problem(source)
    assert p.rule == INVALID_FILE and p.line == 1
    assert words in p.message


def test_multi_document() -> None:
    p = problem("a: 1\n---\nb: 2\n")
    assert (p.rule, p.line) == (INVALID_FILE, 2)
    assert "more than one YAML document" in p.message


def test_one_document_with_explicit_markers_is_fine() -> None:
    assert load("---\na: 1\n...\n").data == {"a": 1}


# -- limits -----------------------------------------------------------------------------------------
def test_alias_expansion_is_bounded() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    p = problem("\n".join(lines) + "\n", Limits(max_nodes=10_000))
    assert p.rule == LIMIT
    assert "alias bomb" in p.message


def test_aliases_within_limits_are_expanded() -> None:
    doc = load("base: &b {x: 1, y: [1, 2]}\ncopy: *b\n")
    assert doc.data["copy"] == {"x": 1, "y": [1, 2]}


def test_undefined_alias() -> None:
    p = problem("a: *nowhere\n")
    assert p.rule == SYNTAX and "nowhere" in p.message


def test_deep_block_nesting_hits_the_limit() -> None:
    text = "".join(f"{'  ' * i}k{i}:\n" for i in range(100)) + "  " * 100 + "x\n"
    p = problem(text)
    assert (p.rule, p.line) == (LIMIT, 65)  # the root mapping is level 1; line 65 opens level 65
    assert "nesting deeper than 64" in p.message


def test_deep_flow_nesting_hits_the_limit() -> None:
    p = problem("v: " + "[" * 100 + "]" * 100 + "\n")
    assert (p.rule, p.line) == (LIMIT, 1)


@pytest.mark.parametrize(
    ("text", "limits", "words"),
    [
        ("v: " + "9" * 50 + "\n", Limits(), "digits"),
        ("v: [" + ", ".join(["1"] * 30) + "]\n", Limits(max_items=20), "more than 20 items"),
        ("\n".join(f"k{i}: 1" for i in range(30)) + "\n", Limits(max_items=20), "more than 20 keys"),
        ("v: " + "x" * 200 + "\n", Limits(max_file_bytes=100), "over the limit"),
    ],
    ids=["int-digits", "list-items", "mapping-keys", "file-bytes"],
)
def test_other_limits(text: str, limits: Limits, words: str) -> None:
    p = problem(text, limits)
    assert p.rule == LIMIT and words in p.message


# -- encodings and characters -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("a: 1\n".encode("utf-16"), "UTF-16"),
        ("a: 1\n".encode("utf-16-le"), "UTF-16"),
        ("a: 1\n".encode("utf-32"), "UTF-32"),
        (b"a: 1\nb: caf\xe9\n", "not valid UTF-8"),
    ],
    ids=["utf16-bom", "utf16-no-bom", "utf32-bom", "latin1"],
)
def test_encodings_are_named(raw: bytes, words: str) -> None:
    p = problem(raw)
    assert p.rule == INVALID_FILE and words in p.message


def test_invalid_utf8_names_its_line() -> None:
    p = problem(b"a: 1\nb: caf\xe9\n")
    assert (p.line, p.col) == (2, 7)


def test_utf8_bom_is_accepted() -> None:
    doc = parse_bytes(b"\xef\xbb\xbfa: 1\n")
    assert isinstance(doc, LoadedDocument) and doc.data == {"a": 1}


def test_invisible_and_bidi_characters_are_noted() -> None:
    doc = load("a: jo\u200bdoe\nb: x\u202ey\n")
    assert [(n.rule, n.line, n.col) for n in doc.notes] == [(SUSPICIOUS_UNICODE, 2, 5), (SUSPICIOUS_UNICODE, 1, 6)]


# -- syntax errors ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('a: 1\nb: "unclosed\nc: 3\n', 2, "never closed"),
        ("a: 1\nb: [x, y\nc: 3\n", 3, "started on line 2"),
        ("a: 1\nb: x: y\n", 2, "mapping values are not allowed"),
        ("a: 1\n\tb: 2\n", 2, "this line is indented with a tab; YAML indents with spaces only"),
        ("a:\n\tb: 2\n", 2, "this line is indented with a tab; YAML indents with spaces only"),
        ("a:\n  b: @x\n", 2, "a value cannot start with @ in YAML (it is reserved); put the text in quotes"),
        ("a: `x`\n", 1, "a value cannot start with ` in YAML"),
        ("a:\n  b: 1\n c: 2\n", 3, ""),
    ],
    ids=[
        "unclosed-quote",
        "unclosed-bracket",
        "colon-in-value",
        "tab",
        "tab-after-key",
        "at-sign",
        "backtick",
        "bad-indent",
    ],
)
def test_syntax_errors_have_a_line(text: str, line: int, words: str) -> None:
    p = problem(text)
    assert p.rule == SYNTAX and p.line == line, p
    assert words in p.message


def test_keys_that_yaml_11_reads_as_booleans_load_and_are_noted() -> None:
    # `on:` is the classic (GitHub Actions); it once aborted the whole file as "a mapping used as a key"
    doc = load("on: 1\nlabels: {no: x}\n")
    assert doc.data == {"on": 1, "labels": {"no": "x"}}
    assert [(n.message, n.line, n.col, n.data_path) for n in doc.notes] == [
        ("on", 1, 1, ("on",)),
        ("no", 2, 10, ("labels", "no")),
    ]
