"""Fast, position-keeping, hostile-input-safe YAML loading for ``check``.

Why PyYAML's C event stream and not ruamel.yaml here: measured on this machine, libyaml's event
stream costs ~0.17 ms for a 1 KB entity file against ~3.4 ms for ruamel.yaml's (and ~17 ms for a
ruamel round-trip load). We build values ourselves from the flat event stream, which gives us, in
one iterative pass (no recursion, so no ``RecursionError`` on deep nesting):

* YAML 1.2 core-schema resolution (``NO`` and ``on`` stay strings, ``012`` is decimal) — PyYAML's
  own resolver is YAML 1.1, so it is never used;
* duplicate keys rejected (also when quoted differently), non-string keys rejected;
* unknown and language-specific tags (``!!python/object``) rejected, never constructed;
* alias expansion, depth, item counts and integer sizes bounded (YAML bombs stop at the limit);
* the line and column of every key and value, keyed by data path.

``fix`` edits files from this same event stream (:mod:`pmo_lint.loader.roundtrip`), so both read a file alike.
"""

from __future__ import annotations

import functools
import math
import re
import sys
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml import events as ev

from pmo_lint.diagnostics import DataPath

_Parser: Any
try:  # the C extension ships in PyYAML's wheels; the pure parser is a slow but correct fallback
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - depends on the wheel
    from yaml import Loader as _Parser

# rule ids of load problems; they cannot be ignored: a file not understood never passes
SYNTAX = "syntax"
INVALID_FILE = "invalid-file"
LIMIT = "limit-exceeded"
SUSPICIOUS_UNICODE = "suspicious-unicode"
YAML11_AMBIGUITY = "yaml11-ambiguity"


@dataclass(frozen=True)
class Limits:
    """Bounds on what one file may hold. Defaults are far above any real portfolio file."""

    max_file_bytes: int = 2 * 1024 * 1024
    max_depth: int = 64
    max_nodes: int = 200_000  # values after alias expansion
    max_items: int = 20_000  # keys of one mapping or items of one list
    max_int_digits: int = 40
    max_files: int = 200_000

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(cls.__dataclass_fields__)


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class LoadProblem:
    """Why a file could not be understood; it becomes exactly one finding."""

    rule: str
    message: str
    line: int = 1
    col: int = 1


@dataclass(frozen=True)
class Note:
    """Something suspicious in a file that did load (flagged, not fatal)."""

    rule: str
    message: str
    line: int
    col: int
    data_path: DataPath = ()
    # yaml11-ambiguity: pmo-lint's (YAML 1.2) reading, a YAML 1.1 reader's, and whether it is a key
    readings: tuple[Any, Any, bool] | None = None


# value position and key position (1-based) of every node, keyed by data path
Position = tuple[int, int, int, int]


@dataclass
class LoadedDocument:
    data: dict[str, Any]
    positions: dict[DataPath, Position]
    notes: list[Note] = field(default_factory=list)

    def locate(self, path: DataPath, *, key: bool = False) -> tuple[int, int]:
        """Line and column of ``path``, or of its nearest located ancestor (aliases, missing keys)."""
        probe = tuple(path)
        while probe:
            pos = self.positions.get(probe)
            if pos is not None:
                return (pos[2], pos[3]) if key else (pos[0], pos[1])
            probe = probe[:-1]
        pos = self.positions.get((), (1, 1, 1, 1))
        return pos[0], pos[1]


# -- YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution) ---------------------
_NULL = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_INT10 = re.compile(r"[-+]?[0-9]+\Z")
_INT8 = re.compile(r"0o[0-7]+\Z")
_INT16 = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_INF = re.compile(r"[-+]?\.(?:inf|Inf|INF)\Z")
_NAN = re.compile(r"\.(?:nan|NaN|NAN)\Z")
# -- what a YAML 1.1 reader makes of the same plain scalar ---------------------------------------
# PyYAML's resolver and safe constructor are YAML 1.1, so they are the other reading; the spec's `y`
# and `n` booleans, which PyYAML leaves out but other YAML 1.1 readers keep, are added. Timestamps
# are left out: a 1.1 reader's date is the same date pmo-lint reads from the text.
_Y11_TAGS = {_t: "tag:yaml.org,2002:" + _t for _t in ("bool", "int", "float", "null")}
_Y11_YN = {"y": True, "Y": True, "n": False, "N": False}
_Y11_PATTERNS = {
    f"(?:{regexp.pattern})"
    for resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.values()
    for tag, regexp in resolvers
    if tag in _Y11_TAGS.values()
}
_Y11_SHAPE = re.compile("|".join([*sorted(_Y11_PATTERNS), "(?:y|Y|n|N)$"]), re.X)
_Y11_FIRST = frozenset(
    first
    for first, resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.items()
    if first and any(tag in _Y11_TAGS.values() for tag, _ in resolvers)
) | frozenset("yY")  # cheap pre-check before the regex
_Y11_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_Y11_RESOLVER: Any = yaml.resolver.Resolver()  # PyYAML is untyped

_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = frozenset({_CORE + t for t in ("str", "int", "float", "bool", "null")} | {"!"})
_COLLECTION_TAGS = frozenset({_CORE + "map", _CORE + "seq"})

# Trojan-source characters (bidi controls) and invisible ones that make two names look equal
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad]")


_SAME: Any = object()  # a 1.1 reading that means what the text means (a date, the `=` value key)


@functools.lru_cache(maxsize=4096)  # portfolios repeat their numbers and words
def yaml11_reading(text: str) -> Any:
    """What a YAML 1.1 reader makes of ``text`` written as a plain (unquoted) scalar."""
    if text in _Y11_YN:
        return _Y11_YN[text]
    tag = _Y11_RESOLVER.resolve(yaml.ScalarNode, text, (True, False))
    node = yaml.ScalarNode(tag, text)
    build = {
        _Y11_TAGS["bool"]: _Y11_CONSTRUCTOR.construct_yaml_bool,
        _Y11_TAGS["int"]: _Y11_CONSTRUCTOR.construct_yaml_int,
        _Y11_TAGS["float"]: _Y11_CONSTRUCTOR.construct_yaml_float,
        _Y11_TAGS["null"]: _Y11_CONSTRUCTOR.construct_yaml_null,
    }.get(tag)
    if build is None:
        return text if tag == _CORE + "str" else _SAME
    try:
        return build(node)
    except (ValueError, OverflowError):  # a shape the 1.1 constructor cannot build: no reading to compare
        return _SAME


def same_reading(a: Any, b: Any) -> bool:
    """The same value of the same type (``True`` is not ``1``; NaN is NaN)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def plain_number(value: int | float) -> str | None:
    """How to write ``value`` so that YAML 1.1 and 1.2 readers both read it, or None if no plain form does."""
    if isinstance(value, int):
        text = str(value)
    else:
        text = repr(value)
        mantissa, e, exponent = text.partition("e")
        if e and "." not in mantissa:  # 1.1 floats need a dot and a signed exponent: 1e-05 → 1.0e-05
            text = f"{mantissa}.0e{exponent}"
    core = _resolve_plain(text, DEFAULT_LIMITS, 1, 1)
    return text if same_reading(core, value) and same_reading(yaml11_reading(text), value) else None


class _Abort(Exception):
    def __init__(self, problem: LoadProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _int_value(text: str, limits: Limits, line: int, col: int) -> int:
    digits = len(text.lstrip("+-"))
    if digits > limits.max_int_digits:
        raise _Abort(
            LoadProblem(LIMIT, f"integer with {digits} digits exceeds the limit of {limits.max_int_digits}", line, col)
        )
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text)


def _resolve_plain(text: str, limits: Limits, line: int, col: int) -> Any:
    if text in _NULL:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    first = text[0]
    if first.isdigit() or first in "+-.":
        if _INT10.match(text) or _INT8.match(text) or _INT16.match(text):
            return _int_value(text, limits, line, col)
        if _FLOAT.match(text):
            if len(text) > limits.max_int_digits * 2:
                raise _Abort(LoadProblem(LIMIT, f"number with {len(text)} characters is too long", line, col))
            return float(text)
        if _INF.match(text):
            return float("-inf") if text.startswith("-") else float("inf")
        if _NAN.match(text):
            return float("nan")
    return text


def _resolve_tagged(tag: str, text: str, limits: Limits, line: int, col: int) -> Any:
    name = tag[len(_CORE) :] if tag.startswith(_CORE) else tag
    if name in ("str", "!"):
        return text
    try:
        if name == "null" and text in _NULL:
            return None
        if name == "bool" and (text in _TRUE or text in _FALSE):
            return text in _TRUE
        if name == "int" and (_INT10.match(text) or _INT8.match(text) or _INT16.match(text)):
            return _int_value(text, limits, line, col)
        if name == "float":
            value = _resolve_plain(text, limits, line, col)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return float(value)
    except ValueError:
        pass
    raise _Abort(LoadProblem(SYNTAX, f"value {text!r} is not a valid !!{name}", line, col))


class _Frame:
    __slots__ = ("anchor", "container", "is_map", "key", "key_pos", "path", "start", "start_pos")

    def __init__(self, container: Any, path: DataPath, is_map: bool, anchor: str | None, start: int) -> None:
        self.container = container
        self.path = path
        self.is_map = is_map
        self.key: Any = _NO_KEY
        self.key_pos: tuple[int, int] = (0, 0)
        self.anchor = anchor
        self.start = start  # node count when the collection opened, to size it for aliases
        self.start_pos: tuple[int, int] = (1, 1)


_NO_KEY: Any = object()


def _line_col_of_offset(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def decode(raw: bytes) -> str | LoadProblem:
    """Strict UTF-8 (a leading BOM allowed). Other encodings are named, not guessed."""
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return LoadProblem(INVALID_FILE, "file is encoded as UTF-32; save it as UTF-8")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return LoadProblem(INVALID_FILE, "file is encoded as UTF-16; save it as UTF-8")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        good = raw[: exc.start].decode("utf-8", "replace")
        line, col = _line_col_of_offset(good, len(good))
        hint = " (looks like UTF-16 or UTF-32 without a byte order mark)" if b"\x00" in raw[:64] else ""
        return LoadProblem(INVALID_FILE, f"file is not valid UTF-8{hint}; save it as UTF-8", line, col)
    if "\x00" in text:
        line, col = _line_col_of_offset(text, text.index("\x00"))
        hint = " (UTF-16 or UTF-32 without a byte order mark?)" if text.count("\x00") > 1 else ""
        return LoadProblem(INVALID_FILE, f"file contains a NUL character{hint}", line, col)
    if "\ufeff" in text:
        line, col = _line_col_of_offset(text, text.index("\ufeff"))
        return LoadProblem(INVALID_FILE, "byte order mark (U+FEFF) in the middle of the file; remove it", line, col)
    return text


def _unicode_notes(text: str) -> list[Note]:
    notes: list[Note] = []
    for pattern, rule_msg in (
        (_BIDI, "bidirectional control character U+{:04X} can make text read differently than it is"),
        (_INVISIBLE, "invisible character U+{:04X} can make two different names look the same"),
    ):
        for match in pattern.finditer(text):
            line, col = _line_col_of_offset(text, match.start())
            notes.append(Note(SUSPICIOUS_UNICODE, rule_msg.format(ord(match.group())), line, col))
    return notes


_QUOTES = frozenset({'"', "'"})
# the line breaks libyaml counts (YAML 1.1 adds NEL and the Unicode separators to CR and LF)
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def _lines(text: str) -> list[str]:
    return _LINE_BREAK.split(text)


def _runaway_quote(lines: list[str], start: Any, end: Any) -> LoadProblem | None:
    """A quoted text that ran past its line into lines no deeper than the one that opened it.

    YAML 1.2 wants the continuation lines of a quoted text indented deeper than its key; libyaml does
    not check, so a forgotten closing quote silently swallows the following keys up to the next quote
    and the parse fails (or worse, succeeds) far from the mistake. The line that opened it is the one to fix.
    """
    if start.line >= len(lines):  # defensive: marks and lines always agree on the line breaks
        return None
    opening = lines[start.line]
    indent = len(opening) - len(opening.lstrip(" "))
    for number in range(start.line + 1, min(end.line, len(lines) - 1) + 1):
        line = lines[number]
        body = line.lstrip(" \t")
        if body and len(line) - len(body) <= indent:
            quote = opening[start.column] if start.column < len(opening) else '"'
            return LoadProblem(
                SYNTAX,
                f"the quote {quote} opened here is not closed on this line, so everything up to the next {quote} "
                f"(line {end.line + 1}) is read as one text; add the closing {quote} on this line",
                start.line + 1,
                start.column + 1,
            )
    return None


def _runaway_quote_before(text: str, mark: Any) -> LoadProblem | None:
    """The first runaway quoted text that starts before a parse error at ``mark``, if any."""
    lines = _lines(text)
    parser = _Parser(text)
    try:
        while True:
            token = parser.get_token()
            if token is None or token.start_mark.index > mark.index or isinstance(token, yaml.StreamEndToken):
                return None
            spans_lines = token.__class__ is yaml.ScalarToken and token.end_mark.line != token.start_mark.line
            if spans_lines and token.style in _QUOTES:
                found = _runaway_quote(lines, token.start_mark, token.end_mark)
                if found is not None:
                    return found
    except yaml.YAMLError:  # the scanner stops where the text stops making sense; nothing before it ran away
        return None


def _yaml_error_problem(exc: yaml.YAMLError, text: str) -> LoadProblem:
    if isinstance(exc, yaml.reader.ReaderError):
        line, col = _line_col_of_offset(text, min(exc.position, len(text)))
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        return LoadProblem(SYNTAX, f"character U+{ord(char):04X} is not allowed ({exc.reason})", line, col)
    if isinstance(exc, yaml.MarkedYAMLError):
        problem = exc.problem or "invalid YAML"
        mark = exc.problem_mark
        context = exc.context_mark
        if mark is not None:
            # a quote left open mid-file closes at the next quote; the parse fails there, not where it opened
            runaway = _runaway_quote_before(text, mark)
            if runaway is not None:
                return runaway
        if exc.context == "while scanning a quoted scalar" and context is not None and mark is not None:
            lines = _lines(text)
            opening = lines[context.line] if context.line < len(lines) else ""
            quote = opening[context.column : context.column + 1] or '"'
            stop = "the rest of the file" if "end of stream" in problem else f"everything up to line {mark.line + 1}"
            return LoadProblem(
                SYNTAX,
                f"the quote {quote} opened here is never closed, so {stop} is read as one text; "
                f"add the closing {quote}",
                context.line + 1,
                context.column + 1,
            )
        if exc.context == "while parsing a quoted scalar" and mark is not None:  # a bad escape
            lines = _lines(text)
            at = lines[mark.line] if mark.line < len(lines) else ""
            backslash = at.rfind("\\", 0, mark.column + 1)  # libyaml marks the first bad character after it
            return LoadProblem(
                SYNTAX,
                "a backslash in double-quoted text starts an escape such as \\n, and this one is not valid; "
                "write \\\\ for a backslash, or put the text in single quotes",
                mark.line + 1,
                (backslash if backslash >= 0 else mark.column) + 1,
            )
        if ("cannot start any token" in problem or "tab character" in problem) and mark is not None:
            lines = _lines(text)
            at = lines[mark.line] if mark.line < len(lines) else ""
            char = at[mark.column : mark.column + 1]
            if char == "\t" or "tab character" in problem:
                indent = not at[: mark.column].strip()
                plain = "this line is indented with a tab" if indent else "a tab stands where a value should start"
                return LoadProblem(
                    SYNTAX,
                    f"{plain}; YAML indents with spaces only: replace the tab with spaces",
                    mark.line + 1,
                    mark.column + 1,
                )
            if char in ("@", "`"):
                return LoadProblem(
                    SYNTAX,
                    f"a value cannot start with {char} in YAML (it is reserved); put the text in quotes",
                    mark.line + 1,
                    mark.column + 1,
                )
        # an unclosed bracket is reported at end of stream; its start is the useful line
        if context is not None and mark is not None and ("end of stream" in problem or mark.index >= len(text) - 1):
            where = f" (reached line {mark.line + 1} without finding it)" if mark.line != context.line else ""
            return LoadProblem(SYNTAX, f"{exc.context}: {problem}{where}", context.line + 1, context.column + 1)
        message = f"{exc.context}: {problem}" if exc.context else problem
        if context is not None and mark is not None and context.line != mark.line:
            # an unclosed bracket is noticed lines later; name the line that opened it
            message += f" (it started on line {context.line + 1})"
        if mark is not None:
            return LoadProblem(SYNTAX, message, mark.line + 1, mark.column + 1)
        return LoadProblem(SYNTAX, message)
    return LoadProblem(SYNTAX, str(exc) or "invalid YAML")


def parse_text(text: str, limits: Limits = DEFAULT_LIMITS) -> LoadedDocument | LoadProblem:
    """Parse one YAML document into plain data with a position index, or say why not."""
    try:
        return _build(text, limits)
    except _Abort as abort:
        return abort.problem
    except yaml.YAMLError as exc:
        return _yaml_error_problem(exc, text)


def parse_bytes(raw: bytes, limits: Limits = DEFAULT_LIMITS) -> LoadedDocument | LoadProblem:
    if len(raw) > limits.max_file_bytes:
        return LoadProblem(LIMIT, f"file has {len(raw)} bytes, over the limit of {limits.max_file_bytes}")
    text = decode(raw)
    if isinstance(text, LoadProblem):
        return text
    return parse_text(text, limits)


def _build(text: str, limits: Limits) -> LoadedDocument:
    parser = _Parser(text)
    positions: dict[DataPath, Position] = {}
    anchors: dict[str, tuple[Any, int]] = {}
    stack: list[_Frame] = []
    notes: list[Note] = []
    root: Any = _NO_KEY
    lines: list[str] | None = None  # split only when a quoted text spans lines
    nodes = 0
    documents = 0

    def place(value: Any, line: int, col: int, size: int, anchor: str | None) -> None:
        """Attach a finished value to its parent (or as the root) and record where it is."""
        nonlocal root, nodes
        nodes += size
        if nodes > limits.max_nodes:
            raise _Abort(
                LoadProblem(LIMIT, f"document expands to more than {limits.max_nodes} values (alias bomb?)", line, col)
            )
        if anchor is not None:
            anchors[anchor] = (value, size)
        if not stack:
            root = value
            positions[()] = (line, col, line, col)
            return
        top = stack[-1]
        if not top.is_map:
            index = len(top.container)
            if index >= limits.max_items:
                raise _Abort(LoadProblem(LIMIT, f"list has more than {limits.max_items} items", line, col))
            top.container.append(value)
            positions[(*top.path, index)] = (line, col, line, col)
            return
        if top.key is _NO_KEY:  # this value is a key
            if not isinstance(value, str):
                shown = "a mapping or list" if isinstance(value, (dict, list)) else repr(value)
                raise _Abort(LoadProblem(SYNTAX, f"mapping key {shown} is not a string; quote it", line, col))
            if value in top.container:
                first = positions.get((*top.path, value), (0, 0, 0, 0))
                raise _Abort(
                    LoadProblem(SYNTAX, f"duplicate key {value!r} (first defined on line {first[2]})", line, col)
                )
            if value == "<<":
                raise _Abort(
                    LoadProblem(SYNTAX, "merge keys ('<<') are not part of YAML 1.2; write the keys out", line, col)
                )
            if len(top.container) >= limits.max_items:
                raise _Abort(LoadProblem(LIMIT, f"mapping has more than {limits.max_items} keys", line, col))
            top.key = sys.intern(value)  # one string per distinct key across the portfolio: memory
            top.key_pos = (line, col)
            return
        key = top.key
        top.container[key] = value
        positions[(*top.path, key)] = (line, col, *top.key_pos)
        top.key = _NO_KEY

    def child_path(line: int, col: int) -> DataPath:
        top = stack[-1]
        if top.is_map:
            if top.key is _NO_KEY:
                raise _Abort(
                    LoadProblem(SYNTAX, "a mapping or list used as a mapping key; keys must be strings", line, col)
                )
            return (*top.path, top.key)
        return (*top.path, len(top.container))

    mark: Any  # PyYAML's C and pure marks differ in type, not in shape
    scalar_event, alias_event = ev.ScalarEvent, ev.AliasEvent
    while True:
        event = parser.get_event()
        cls = event.__class__  # exact classes: an identity test is cheaper than isinstance chains
        if cls is scalar_event:
            mark = event.start_mark
            line, col = mark.line + 1, mark.column + 1
            tag = event.tag
            if tag is None:
                if event.implicit[0]:  # plain scalar: resolve by the core schema
                    value = _resolve_plain(event.value, limits, line, col)
                    # text a YAML 1.1 reader reads as another value (`NO` → false, `012` → 10, `1e3` → text)
                    if stack and (
                        value.__class__ is not str or (event.value[:1] in _Y11_FIRST and _Y11_SHAPE.match(event.value))
                    ):
                        other = yaml11_reading(event.value)
                        if other is not _SAME and not same_reading(value, other):
                            top = stack[-1]
                            is_key = top.is_map and top.key is _NO_KEY
                            # a key (`on:`) is noted at the entry it names; a value at its own path
                            at = (*top.path, value) if is_key else child_path(line, col)
                            notes.append(Note(YAML11_AMBIGUITY, event.value, line, col, at, (value, other, is_key)))
                else:
                    value = event.value
                    if event.end_mark.line != line - 1 and event.style in _QUOTES:
                        if lines is None:
                            lines = _lines(text)
                        runaway = _runaway_quote(lines, mark, event.end_mark)
                        if runaway is not None:
                            raise _Abort(runaway)
            elif tag in _SCALAR_TAGS:
                value = _resolve_tagged(tag, event.value, limits, line, col)
            else:
                raise _Abort(
                    LoadProblem(SYNTAX, f"tag {tag!r} is not allowed; pmo-lint reads plain data only", line, col)
                )
            place(value, line, col, 1, event.anchor)
        elif cls is ev.MappingStartEvent or cls is ev.SequenceStartEvent:
            mark = event.start_mark
            line, col = mark.line + 1, mark.column + 1
            if event.tag is not None and event.tag not in _COLLECTION_TAGS and event.tag != "!":
                raise _Abort(
                    LoadProblem(SYNTAX, f"tag {event.tag!r} is not allowed; pmo-lint reads plain data only", line, col)
                )
            if len(stack) >= limits.max_depth:
                raise _Abort(LoadProblem(LIMIT, f"nesting deeper than {limits.max_depth} levels", line, col))
            path = child_path(line, col) if stack else ()
            is_map = cls is ev.MappingStartEvent
            frame = _Frame({} if is_map else [], path, is_map, event.anchor, nodes)
            frame.start_pos = (line, col)
            stack.append(frame)
        elif cls is ev.MappingEndEvent or cls is ev.SequenceEndEvent:
            frame = stack.pop()
            # size 1: its children were counted as they were placed
            place(frame.container, frame.start_pos[0], frame.start_pos[1], 1, None)
            if frame.anchor is not None:
                anchors[frame.anchor] = (frame.container, nodes - frame.start)
        elif cls is alias_event:
            mark = event.start_mark
            line, col = mark.line + 1, mark.column + 1
            target = anchors.get(event.anchor) if event.anchor is not None else None
            if target is None:
                raise _Abort(
                    LoadProblem(SYNTAX, f"alias *{event.anchor} refers to no anchor defined before it", line, col)
                )
            place(target[0], line, col, target[1], None)
        elif isinstance(event, ev.DocumentStartEvent):
            documents += 1
            if documents > 1:
                mark = event.start_mark
                raise _Abort(
                    LoadProblem(
                        INVALID_FILE,
                        "file holds more than one YAML document; put one entity in each file",
                        mark.line + 1,
                        mark.column + 1,
                    )
                )
        elif isinstance(event, ev.StreamEndEvent):
            break
    if root is _NO_KEY or root is None:
        raise _Abort(
            LoadProblem(INVALID_FILE, "file is empty; it must hold one mapping (apiVersion, kind, metadata, spec)")
        )
    if not isinstance(root, dict):
        shown = "a list" if isinstance(root, list) else f"a single value ({type(root).__name__})"
        at = positions.get((), (1, 1, 1, 1))  # where the list or value starts, past comments and `---`
        raise _Abort(
            LoadProblem(
                INVALID_FILE,
                f"top level is {shown}; it must be a mapping with apiVersion, kind, metadata and spec",
                at[0],
                at[1],
            )
        )
    if _BIDI.search(text) or _INVISIBLE.search(text):
        notes.extend(_unicode_notes(text))
    return LoadedDocument(root, positions, notes)
