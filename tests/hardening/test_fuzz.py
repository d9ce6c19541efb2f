"""Property tests of the load-and-validate entry point: any input gives findings, never an exception.

Derandomised so CI is reproducible; thousands of examples run in a few seconds because the per-file
pipeline is cheap.
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmo_lint.loader.yamlio import DEFAULT_LIMITS, LoadedDocument, parse_bytes
from pmo_lint.outcome import FileOutcome, process_bytes

FUZZ = settings(
    max_examples=2500,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# fragments that steer random text into the parser's interesting corners
TOKENS = [
    "apiVersion: pmo-lint/v1\n",
    "kind: Project\n",
    "kind: Person\n",
    "metadata:\n",
    "  name: x\n",
    "spec:\n",
    "  ",
    "- ",
    ": ",
    "? ",
    "{",
    "}",
    "[",
    "]",
    ",",
    "&a ",
    "*a",
    "!!str ",
    "!!int ",
    "!!python/object ",
    "! ",
    "'",
    '"',
    "\\",
    "#",
    "|",
    ">",
    "---\n",
    "...\n",
    "<<: ",
    "~",
    "null",
    "NO",
    "0x1F",
    "012",
    "1.10",
    ".inf",
    "2024-02-30",
    "\t",
    "\n",
    "\r\n",
    "\ufeff",
    "\u202e",
    "\x00",
    "\x1b[31m",
    "é",
    "%YAML 1.1\n",
    "%TAG ! x\n",
]


def assert_outcome(outcome: FileOutcome) -> None:
    assert isinstance(outcome, FileOutcome)
    for d in outcome.diagnostics:
        assert d.line >= 1 and d.col >= 1, d
        assert d.code.startswith("PMO"), d
        assert d.message


@FUZZ
@given(st.binary(max_size=64 * 1024))
def test_any_bytes_give_findings_or_an_entity(raw: bytes) -> None:
    outcome = process_bytes("projects/x/project.yaml", raw, DEFAULT_LIMITS)
    assert_outcome(outcome)
    # fail closed: no entity means at least one finding
    assert outcome.loaded is not None or outcome.diagnostics


@FUZZ
@given(st.lists(st.sampled_from(TOKENS), max_size=200).map("".join))
def test_yaml_like_text_gives_findings_or_an_entity(text: str) -> None:
    outcome = process_bytes("people/x.yaml", text.encode("utf-8"), DEFAULT_LIMITS)
    assert_outcome(outcome)
    assert outcome.loaded is not None or outcome.diagnostics


VALID_PROJECT = b"""\
apiVersion: pmo-lint/v1
kind: Project
metadata:
  name: demo
  title: Demo
spec:
  type: it
  category: strategic
  owner: person:jdoe
  lifecycle:
    phase: executing
    gates:
      - {gate: G2, decision: approved, decidedBy: person:jdoe, date: 2025-01-10}
  currency: EUR
  budget: {bac: 100000, capex: 60000, opex: 40000}
  milestones:
    - {id: m1, title: Start, key: true, forecastDate: 2025-02-01, status: done, actualDate: 2025-02-03}
    - {id: m2, title: End, forecastDate: 2025-09-01, dependsOn: [m1]}
  scope:
    deliverables: [{id: d1, title: Thing, acceptanceCriteria: [works]}]
"""

REPLACEMENTS: list[Any] = [
    None,
    True,
    0,
    -1,
    1.5,
    float("inf"),
    "",
    "x" * 300,
    [],
    {},
    [1, [2]],
    {"k": {"k": 1}},
    "2024-02-30",
]


def _paths(node: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [at]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*at, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*at, i))
    return out


def _dump(node: Any) -> str:
    # a tiny flow-style YAML writer: enough for mutated plain data, and independent of the loader
    if node is None:
        return "null"
    if isinstance(node, bool):
        return "true" if node else "false"
    if isinstance(node, float):
        return ".inf" if node == float("inf") else repr(node)
    if isinstance(node, int):
        return str(node)
    if isinstance(node, str):
        return '"' + node.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(node, list):
        return "[" + ", ".join(_dump(v) for v in node) + "]"
    return "{" + ", ".join(f"{_dump(str(k))}: {_dump(v)}" for k, v in node.items()) + "}"


@settings(max_examples=800, derandomize=True, deadline=None)
@given(st.data())
def test_mutated_valid_entities_are_reported_at_a_real_place(data: st.DataObject) -> None:
    doc = parse_bytes(VALID_PROJECT)
    assert isinstance(doc, LoadedDocument)
    tree = copy.deepcopy(doc.data)
    for _ in range(data.draw(st.integers(1, 3))):
        paths = [p for p in _paths(tree) if p]
        path = data.draw(st.sampled_from(paths))
        parent = tree
        for part in path[:-1]:
            parent = parent[part]
        action = data.draw(st.sampled_from(["replace", "delete", "rename"]))
        if action == "replace":
            parent[path[-1]] = copy.deepcopy(data.draw(st.sampled_from(REPLACEMENTS)))
        elif action == "delete" and isinstance(parent, dict):
            del parent[path[-1]]
        elif action == "rename" and isinstance(parent, dict):
            parent[str(path[-1]) + "x"] = parent.pop(path[-1])
    raw = ("# mutated\n" + _dump(tree) + "\n").encode("utf-8")
    outcome = process_bytes("projects/demo/project.yaml", raw, DEFAULT_LIMITS)
    assert_outcome(outcome)
    assert outcome.loaded is not None or outcome.diagnostics
