"""A rule's message template: ``{[format:]path[|text if missing]}`` placeholders and filling them.

Read twice: when a pack loads (:mod:`.pack` checks each placeholder names a known variable and
format) and when a rule fires (the message is filled from the entity's full data, facts and config).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pmo_lint.rules.wording import MISSING, MessageStyle, format_money, format_person, format_value

PLACEHOLDER_STYLES = frozenset({"money", "person"})

_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")
# one step of a data path: a key, or a list index in brackets (also read by pack.parse_data_path)
PATH_TOKEN = re.compile(r"([A-Za-z_][\w-]*)|\[(\d+)\]")


def placeholders(template: str) -> list[str]:
    return [m.group(1).strip() for m in _PLACEHOLDER.finditer(template) if m.group(1) is not None]


def split_placeholder(text: str) -> tuple[str | None, str, str | None]:
    """``money:facts.evm.eac|no forecast`` -> ("money", "facts.evm.eac", "no forecast")."""
    spec, bar, fallback = text.partition("|")
    style, colon, path = spec.partition(":")
    if not colon:
        style, path = "", spec
    return (style.strip() or None), path.strip(), (fallback.strip() if bar else None)


def _resolve(name: str, scope: Mapping[str, Any]) -> Any:
    node: Any = scope
    for m in PATH_TOKEN.finditer(name):
        if m.group(1) is not None:
            if not isinstance(node, dict) or m.group(1) not in node:
                return None
            node = node[m.group(1)]
        else:
            idx = int(m.group(2))
            if not isinstance(node, list) or idx >= len(node):
                return None
            node = node[idx]
    return node


def render_placeholder(text: str, scope: Mapping[str, Any], style: MessageStyle | None = None) -> str:
    kind, path, fallback = split_placeholder(text)
    value = _resolve(path, scope)
    if value is None or (value == [] and fallback is not None):
        return fallback if fallback is not None else MISSING
    style = style or MessageStyle()
    if kind == "money":  # in the entity's own currency when it sets one (a project budgeted in EUR)
        entity = scope.get("entity")
        return format_money(value, style.of(entity if isinstance(entity, Mapping) else None).currency)
    if kind == "person":
        return format_person(value, style.people)
    return format_value(value)


def render_message(template: str, scope: Mapping[str, Any], style: MessageStyle | None = None) -> str:
    """Fill ``{[format:]path[|text if missing]}`` placeholders (``{{``/``}}`` are literal braces)."""

    def sub(m: re.Match[str]) -> str:
        if m.group(0) == "{{":
            return "{"
        if m.group(0) == "}}":
            return "}"
        return render_placeholder(m.group(1).strip(), scope, style)

    return _PLACEHOLDER.sub(sub, template)
