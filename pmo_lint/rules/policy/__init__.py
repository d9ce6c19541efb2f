"""Declarative policies: rule packs in YAML with CEL expressions (``.dev/POLICY-FORMAT.md``).

Loading is in two steps so that ``pmo-lint rules`` and ``explain`` stay light: :func:`read_pack`
parses the YAML (PyYAML only, every rule keeps its file and line) and validates the shape; only
:func:`compile_pack` imports ``cel`` and compiles each expression once. Anything wrong in a pack
becomes a ``policy-error`` finding at the pack file's line, never a traceback, and the other rules
still run. At run time all rules of one entity are evaluated against one set of CEL variables.

The modules, in the order they build on each other:

- ``message``: the message template (placeholders, their formats) and filling it in;
- ``pack``: one pack file read and validated into :class:`PolicyRule` records and problems;
- ``analysis``: what an expression reads (variables, their keys), read from its source text;
- ``compiler``: compiling the expressions and the checks made at load time (names, depth, literals);
- ``evaluator``: running the rules over the catalog, with the :class:`PolicyMemoStore` protocol
  that a store of earlier results implements;
- ``source``: where packs come from (shipped, configuration, plug-ins) and the :class:`PolicySet`.

This module re-exports what the rest of pmo-lint uses.
"""

from __future__ import annotations

from pmo_lint.rules.policy.analysis import SPEC_VARIABLE, comprehension_depth, fast_paths, referenced_keys
from pmo_lint.rules.policy.compiler import compile_pack, literal_problems
from pmo_lint.rules.policy.evaluator import (
    MemoRow,
    PolicyMemoStore,
    cel_functions,
    evaluate,
    file_exists,
    normalise,
)
from pmo_lint.rules.policy.message import PLACEHOLDER_STYLES, render_message, render_placeholder
from pmo_lint.rules.policy.pack import POLICY_ERROR, Pack, PolicyProblem, PolicyRule, parse_data_path, read_pack
from pmo_lint.rules.policy.source import ENTRY_POINT_GROUP, SHIPPED_PREFIX, PolicySet, load_pack_file, load_policies

__all__ = [
    "ENTRY_POINT_GROUP",
    "PLACEHOLDER_STYLES",
    "POLICY_ERROR",
    "SHIPPED_PREFIX",
    "SPEC_VARIABLE",
    "MemoRow",
    "Pack",
    "PolicyMemoStore",
    "PolicyProblem",
    "PolicyRule",
    "PolicySet",
    "cel_functions",
    "compile_pack",
    "comprehension_depth",
    "evaluate",
    "fast_paths",
    "file_exists",
    "literal_problems",
    "load_pack_file",
    "load_policies",
    "normalise",
    "parse_data_path",
    "read_pack",
    "referenced_keys",
    "render_message",
    "render_placeholder",
]
