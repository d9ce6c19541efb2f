"""Edit a YAML file in place, changing only the bytes of what is fixed.

ruamel.yaml's round-trip *dumper* keeps comments and key order, but it re-emits every line: it
normalises indentation, spacing inside flow collections, line wrapping and document markers. A fix
must not touch lines it did not mean to, so we use ruamel.yaml only to *compose* the node graph
(every scalar knows its quoting style and its start and end offset in the text) and apply each fix
as a splice of the original text. Comments, key order, quoting, indentation, CRLF line endings and
a UTF-8 byte order mark therefore survive on every line not fixed, by construction.

This is the only module that imports ruamel.yaml.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from pmo_lint.diagnostics import DataPath
from pmo_lint.loader.yamlio import INVALID_FILE, SYNTAX, LoadProblem, decode

BOM = b"\xef\xbb\xbf"
# a plain scalar we may write without quotes: starts with a letter or digit, no indicators, and
# not something YAML 1.2 (or 1.1) would read as anything but a string
_SAFE_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_./-]*\Z")
_TAB_BEFORE_COMMENT = re.compile(r"\t(?=[ \t]*#)")
_NOT_STRINGS = re.compile(
    r"(?:null|Null|NULL|true|True|TRUE|false|False|FALSE|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)\Z"
)


@dataclass(frozen=True)
class Splice:
    start: int  # offsets in the decoded text (BOM removed)
    end: int
    text: str


class RoundTripDocument:
    """One parsed file: its text, its node graph, and the splices fixes asked for."""

    def __init__(self, text: str, root: MappingNode, *, bom: bool) -> None:
        self.text = text
        self.root = root
        self.bom = bom
        self._splices: list[Splice] = []

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
        """A scalar we may rewrite: not anchored or aliased (that would change other places too)."""
        node = self.node(path)
        if not isinstance(node, ScalarNode) or node.anchor is not None or self._shared(node):
            return None
        if node.style not in (None, "'", '"'):
            return None  # block scalars are text, never enum values
        return node

    def _shared(self, target: Node) -> bool:
        # an alias is the same node object reached twice
        seen = 0
        stack: list[Node] = [self.root]
        while stack:
            node = stack.pop()
            if node is target:
                seen += 1
            if isinstance(node, MappingNode):
                for k, v in node.value:
                    stack.extend((k, v))
            elif isinstance(node, SequenceNode):
                stack.extend(node.value)
        return seen > 1

    def newline(self) -> str:
        first = self.text.find("\n")
        return "\r\n" if first > 0 and self.text[first - 1] == "\r" else "\n"

    # -- editing -------------------------------------------------------------------------------
    def set_scalar(self, path: DataPath, value: str, *, quote: str | None = None) -> bool:
        """Replace the string at ``path``, keeping its quoting style unless ``quote`` asks for one."""
        node = self.scalar(path)
        if node is None:
            return False
        style = quote if quote is not None else node.style
        self._add(Splice(node.start_mark.index, node.end_mark.index, render_scalar(value, style)))
        return True

    def insert_first_key(self, key: str, value: str) -> bool:
        """Add ``key: value`` as the first entry of the top-level block mapping."""
        if self.root.flow_style or not self.root.value:
            return False
        first_key = self.root.value[0][0]
        start = first_key.start_mark.index
        line_start = self.text.rfind("\n", 0, start) + 1
        indent = self.text[line_start:start]
        if indent.strip():
            return False  # the first key shares its line with something else (`--- key: v`)
        line = f"{key}: {render_scalar(value, None)}{self.newline()}{indent}"
        self._add(Splice(start, start, line))
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


def render_scalar(value: str, style: str | None) -> str:
    """YAML text of a string in a quoting style; plain only when it stays a plain string."""
    if style is None and (not _SAFE_PLAIN.match(value) or _NOT_STRINGS.match(value)):
        style = '"'
    if style == "'":
        return "'" + value.replace("'", "''") + "'"
    if style == '"':
        return json.dumps(value, ensure_ascii=False)
    return value


def load(raw: bytes) -> RoundTripDocument | LoadProblem:
    """Compose one YAML document for editing, or say why it cannot be edited."""
    text = decode(raw)
    if isinstance(text, LoadProblem):
        return text
    yaml = YAML(typ="rt")
    try:
        # ruamel.yaml rejects a tab before a comment, which YAML allows (libyaml too); a space
        # in its place keeps every offset, so the splices still land on the original text
        root: Any = yaml.compose(_TAB_BEFORE_COMMENT.sub(" ", text))
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return LoadProblem(SYNTAX, f"cannot be edited: {problem}", line, col)
    except (RecursionError, ValueError) as exc:  # defensive: hostile nesting must not crash a fix
        return LoadProblem(SYNTAX, f"cannot be edited: {exc}")
    if not isinstance(root, MappingNode):
        return LoadProblem(INVALID_FILE, "the top level is not a mapping; nothing can be fixed")
    return RoundTripDocument(text, root, bom=raw.startswith(BOM))
