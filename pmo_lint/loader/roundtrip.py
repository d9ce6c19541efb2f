"""Edit a YAML file in place, changing only the bytes of what is fixed.

``fix`` must read every file ``check`` reads, the same way. So the editable document is built from
the very parser ``check`` uses (libyaml's event stream, :mod:`pmo_lint.loader.yamlio`), on the same
decoded text: a file ``check`` accepts can always be opened here, whatever its tabs, line breaks
(LF, CRLF, CR, NEL, U+2028), byte order mark, document markers, tags, anchors or line lengths.

Every node knows its quoting style and where it starts and ends in the text, and each fix is a
splice of the original text. Comments, key order, quoting, indentation, line endings and a UTF-8
byte order mark therefore survive on every line not fixed, by construction. What a fix cannot do
safely (a value shared through an anchor, a block of text, a first entry that does not start its
own line) is refused with the reason, for ``fix`` to tell the user.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import yaml
from yaml import events as ev

from pmo_lint.diagnostics import DataPath
from pmo_lint.loader.yamlio import (
    _CORE,
    DEFAULT_LIMITS,
    INVALID_FILE,
    SYNTAX,
    LoadProblem,
    _Abort,
    _Parser,
    _resolve_plain,
    decode,
)

BOM = b"\xef\xbb\xbf"
# a plain scalar we may write without quotes: starts with a letter or digit, no indicators, and
# not something YAML 1.2 (or 1.1) would read as anything but a string
_SAFE_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_./-]*\Z")
_NOT_STRINGS = re.compile(
    r"(?:null|Null|NULL|true|True|TRUE|false|False|FALSE|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)\Z"
)
# the line breaks libyaml counts (CRLF, CR, LF, and YAML 1.1's NEL and Unicode separators)
_LINE_BREAKS = "\r\n\x85\u2028\u2029"
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_BLANKS = " \t"


class Node:
    """A node of the document: where it is in the text, and whether changing it is safe."""

    __slots__ = ("anchor", "col", "end", "line", "shared", "start", "tag")

    def __init__(self, start: int, end: int, line: int, col: int, anchor: str | None, tag: str | None) -> None:
        self.start = start  # offsets in the decoded text (BOM removed); properties (&a !!str) included
        self.end = end
        self.line = line  # 1-based, where the node starts
        self.col = col
        self.anchor = anchor
        self.tag = tag
        self.shared = False  # anchored, or inside an anchored collection: an alias may reach it


class ScalarNode(Node):
    __slots__ = ("style", "value")

    def __init__(self, value: str, style: str | None, **where: Any) -> None:
        super().__init__(**where)
        self.value = value
        self.style = style  # None (plain), "'", '"', "|" or ">"


class MappingNode(Node):
    __slots__ = ("flow_style", "value")

    def __init__(self, flow_style: bool, **where: Any) -> None:
        super().__init__(**where)
        self.flow_style = flow_style
        self.value: list[tuple[Node, Node]] = []


class SequenceNode(Node):
    __slots__ = ("flow_style", "value")

    def __init__(self, flow_style: bool, **where: Any) -> None:
        super().__init__(**where)
        self.flow_style = flow_style
        self.value: list[Node] = []


@dataclass(frozen=True)
class Splice:
    start: int  # offsets in the decoded text (BOM removed)
    end: int
    text: str


@dataclass(frozen=True)
class Refusal:
    """A change a fix asked for and the document refused, with the reason in the reader's words."""

    line: int
    col: int
    reason: str


class RoundTripDocument:
    """One parsed file: its text, its node graph, and the splices fixes asked for."""

    def __init__(self, text: str, root: MappingNode, *, bom: bool) -> None:
        self.text = text
        self.root = root
        self.bom = bom
        self._splices: list[Splice] = []
        self.refusals: list[Refusal] = []  # what fixes asked for and could not have, in order
        self.edited: list[DataPath] = []  # the data paths the splices change (or add)

    # -- reading -------------------------------------------------------------------------------
    def node(self, path: DataPath) -> Node | None:
        """The node at a data path, or None when the path leads nowhere."""
        node: Node = self.root
        for part in path:
            if isinstance(node, MappingNode) and isinstance(part, str):
                found = None
                for key, value in node.value:
                    if isinstance(key, ScalarNode) and key.value == part:
                        found = value
                if found is None:
                    return None
                node = found
            elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                node = node.value[part]
            else:
                return None
        return node

    def scalar(self, path: DataPath) -> ScalarNode | None:
        """The scalar at a data path (to read; ``set_scalar`` says whether it may be rewritten)."""
        node = self.node(path)
        return node if isinstance(node, ScalarNode) else None

    def key(self, path: DataPath) -> ScalarNode | None:
        """The key (the name) of the mapping entry at a data path, or None."""
        if not path or not isinstance(path[-1], str):
            return None
        parent = self.node(path[:-1])
        if not isinstance(parent, MappingNode):
            return None
        found = None
        for key, _ in parent.value:
            if isinstance(key, ScalarNode) and key.value == path[-1]:
                found = key
        return found

    def newline(self) -> str:
        """The file's own line break (LF unless its first line ends otherwise)."""
        found = _LINE_BREAK.search(self.text)
        return found.group() if found else "\n"

    # -- editing -------------------------------------------------------------------------------
    def set_scalar(self, path: DataPath, value: str, *, quote: str | None = None, key: bool = False) -> bool:
        """Replace the string at ``path`` (its name with ``key``), keeping its quoting unless ``quote`` asks for one."""
        node = self.key(path) if key else self.scalar(path)
        if node is None:
            return False
        why = _why_not_editable(node)
        if why:
            self.refusals.append(Refusal(node.line, node.col, why))
            return False
        style = quote if quote is not None else node.style
        self._add(Splice(_content_start(self.text, node.start, node.end), node.end, render_scalar(value, style)))
        self.edited.append(tuple(path))
        return True

    def insert_first_key(self, key: str, value: str) -> bool:
        """Add ``key: value`` as the first entry of the top-level mapping."""
        root = self.root
        if not root.value:
            self.refusals.append(Refusal(root.line, root.col, "the file holds no entries to put it before"))
            return False
        first_key = root.value[0][0]
        start = first_key.start  # with its properties (&anchor, !!str): they belong to that entry
        if root.flow_style:  # {kind: Project, …}: the new entry goes first, with its comma
            self._add(Splice(start, start, f"{key}: {render_scalar(value, None)}, "))
            self.edited.append((key,))
            return True
        line_start = _line_start(self.text, start)
        indent = self.text[line_start:start]
        if indent.rstrip(_BLANKS).endswith("?") and not indent.rstrip(_BLANKS)[:-1].strip(_BLANKS):
            start = line_start + len(indent.rstrip(_BLANKS)) - 1  # `? name`: the entry starts at its `?`
            indent = self.text[line_start:start]
        if indent.strip(_BLANKS):
            self.refusals.append(
                Refusal(
                    first_key.line,
                    first_key.col,
                    f"the first entry shares its line with {indent.strip()!r}; "
                    f"add '{key}: {value}' on a line of its own by hand",
                )
            )
            return False
        line = f"{key}: {render_scalar(value, None)}{self.newline()}{indent}"
        self._add(Splice(start, start, line))
        self.edited.append((key,))
        return True

    def _add(self, splice: Splice) -> None:
        for other in self._splices:
            if (splice.start < other.end and other.start < splice.end) or splice.start == other.start:
                return  # two fixes of one place: the first wins, the next pass sees the result
        self._splices.append(splice)

    @property
    def changed(self) -> bool:
        return bool(self._splices)

    def render(self) -> bytes:
        out = self.text
        for s in sorted(self._splices, key=lambda s: s.start, reverse=True):
            out = out[: s.start] + s.text + out[s.end :]
        return (BOM if self.bom else b"") + out.encode("utf-8")


def _why_not_editable(node: ScalarNode) -> str:
    """Why rewriting this value in place is not safe, or "" when it is."""
    if node.anchor is not None:
        return f"the value is marked &{node.anchor} and may be reused elsewhere in the file; change it by hand"
    if node.shared:
        return "the value sits inside a part of the file that is reused elsewhere (&anchor / *alias); change it by hand"
    if node.style in ("|", ">"):
        return "the value is written as a block of text (| or >); change it by hand"
    return ""


def _line_start(text: str, offset: int) -> int:
    """Offset of the first character of the line that holds ``offset``."""
    return max(text.rfind(brk, 0, offset) for brk in _LINE_BREAKS) + 1


def _content_start(text: str, start: int, end: int) -> int:
    """Where a node's own text starts, past its properties (``!!str``, ``&anchor``) and what separates them."""
    i = start
    while i < end and text[i] in "!&":
        while i < end and text[i] not in _BLANKS and text[i] not in _LINE_BREAKS:
            i += 1
        while i < end:
            if text[i] in _BLANKS or text[i] in _LINE_BREAKS:
                i += 1
            elif text[i] == "#":  # a comment between the properties and the value
                while i < end and text[i] not in _LINE_BREAKS:
                    i += 1
            else:
                break
    return i


def render_scalar(value: str, style: str | None) -> str:
    """YAML text of a string in a quoting style; plain only when it stays a plain string."""
    if style is None and (not _SAFE_PLAIN.match(value) or _NOT_STRINGS.match(value)):
        style = '"'
    if style == "'":
        return "'" + value.replace("'", "''") + "'"
    if style == '"':
        return json.dumps(value, ensure_ascii=False)
    return value


def _scalar_tag(event: Any) -> str:
    """The tag ``check`` gives a scalar: its own, or what the YAML 1.2 core schema reads in plain text."""
    if event.tag not in (None, "!"):
        return str(event.tag)
    if event.tag == "!" or not event.implicit[0]:
        return _CORE + "str"
    try:
        value = _resolve_plain(event.value, DEFAULT_LIMITS, 1, 1)
    except _Abort:  # a number over check's size limit: check reported it, and no fix reads numbers
        return _CORE + "int"
    name = {bool: "bool", int: "int", float: "float", str: "str"}.get(type(value), "null")
    return _CORE + name


def _where(event: Any) -> dict[str, Any]:
    start, end = event.start_mark, event.end_mark
    return {
        "start": start.index,
        "end": end.index,
        "line": start.line + 1,
        "col": start.column + 1,
        "anchor": event.anchor,
        "tag": event.tag,
    }


def compose(text: str) -> Node | None:
    """The node graph of the first document of ``text``, in one pass without recursion.

    An alias is the node it names (the same object), so a value reached twice is seen as shared.
    Raises ``yaml.YAMLError`` where ``check`` reports a syntax error.
    """
    parser = _Parser(text)
    stack: list[MappingNode | SequenceNode] = []
    pending_key: list[Node | None] = []  # per open mapping: its key waiting for a value
    anchors: dict[str, Node] = {}
    root: Node | None = None

    def attach(node: Node) -> None:
        nonlocal root
        if not stack:
            root = node
            return
        top = stack[-1]
        if isinstance(top, SequenceNode):
            top.value.append(node)
        elif pending_key[-1] is None:
            pending_key[-1] = node
        else:
            key = pending_key[-1]
            assert key is not None
            top.value.append((key, node))
            pending_key[-1] = None

    def in_anchored() -> bool:  # an anchored collection marks everything in it as shared
        return bool(stack) and stack[-1].shared

    while True:
        event = parser.get_event()
        if isinstance(event, ev.ScalarEvent):
            node: Node = ScalarNode(event.value, event.style or None, **_where(event))
            node.tag = _scalar_tag(event)
            node.shared = event.anchor is not None or in_anchored()
            if event.anchor is not None:
                anchors[event.anchor] = node
            attach(node)
        elif isinstance(event, (ev.MappingStartEvent, ev.SequenceStartEvent)):
            kind = MappingNode if isinstance(event, ev.MappingStartEvent) else SequenceNode
            collection = kind(bool(event.flow_style), **_where(event))
            collection.shared = event.anchor is not None or in_anchored()
            if event.anchor is not None:
                anchors[event.anchor] = collection
            attach(collection)
            stack.append(collection)
            pending_key.append(None)
        elif isinstance(event, (ev.MappingEndEvent, ev.SequenceEndEvent)):
            done = stack.pop()
            pending_key.pop()
            if event.end_mark is not None:
                done.end = event.end_mark.index
        elif isinstance(event, ev.AliasEvent):
            target = anchors.get(event.anchor or "")
            if target is None:  # check reports it; nothing to edit
                raise yaml.YAMLError(f"alias *{event.anchor} refers to no anchor defined before it")
            target.shared = True
            attach(target)
        elif isinstance(event, (ev.DocumentEndEvent, ev.StreamEndEvent)):
            return root


def load(raw: bytes) -> RoundTripDocument | LoadProblem:
    """Compose one YAML document for editing, or say why it cannot be edited.

    The text is decoded and parsed exactly as ``check`` does it, so a file ``check`` reads always
    opens here; a LoadProblem comes back only for a file ``check`` also reports as unreadable.
    """
    text = decode(raw)
    if isinstance(text, LoadProblem):
        return text
    try:
        root = compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return LoadProblem(SYNTAX, f"cannot be read: {problem}", line, col)
    if not isinstance(root, MappingNode):
        return LoadProblem(INVALID_FILE, "the top level is not a mapping; nothing can be fixed")
    return RoundTripDocument(text, root, bom=raw.startswith(BOM))
