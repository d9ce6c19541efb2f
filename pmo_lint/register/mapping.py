"""The mapping file: what import cannot work out from a register by itself.

A small YAML file beside the register (``REGISTER.map.yaml``, or ``--map FILE``)::

    sheets:                      # the kind of a sheet whose name does not say it, or ignore
      Tracker: projects
      Lookups: ignore
    columns:                     # a register header -> the header import knows (or ignore)
      Proj Lead: Project manager
      Internal code: ignore
      Risks:                     # columns of one sheet only
        Scoring: Likelihood
    values:                      # per column (import's header): a register value -> what it means
      Phase:
        Delivery: execution
      RAG:
        Blue: green

``pmo-lint import REGISTER --write-map`` drafts one from the register's headers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pmo_lint.errors import UsageError
from pmo_lint.register.headers import IGNORE, KIND_WORDS, KINDS, canonical_headers, normalise

_KIND_BY_WORD = {normalise(w): k for k, w in KIND_WORDS.items()} | {normalise(k): k for k in KINDS}


@dataclass
class Mapping:
    sheets: dict[str, str] = field(default_factory=dict)  # normalised sheet title -> kind or "ignore"
    columns: dict[str, str] = field(default_factory=dict)  # normalised header -> header or "ignore"
    sheet_columns: dict[str, dict[str, str]] = field(default_factory=dict)  # sheet -> header -> header
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # normalised header -> value key -> value
    source: str | None = None

    def kind_of(self, title: str) -> str | None:
        return self.sheets.get(normalise(title))

    def column(self, sheet: str, header: str) -> str | None:
        key = normalise(header)
        return self.sheet_columns.get(normalise(sheet), {}).get(key) or self.columns.get(key)

    def value_map(self, header: str) -> dict[str, str]:
        return self.values.get(normalise(header), {})


def default_path(register: Path) -> Path:
    return register.with_name(register.stem + ".map.yaml")


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value).strip()


def load_mapping(path: Path) -> Mapping:
    """Read a mapping file; a usage error naming the file when it is not one."""
    from pmo_lint.loader.yamlio import LoadProblem, parse_bytes  # the reader `check` uses: the same YAML

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot be read: {exc.strerror or exc}", path=str(path)) from None
    data: Any = {}
    if raw.strip():
        doc = parse_bytes(raw)
        if isinstance(doc, LoadProblem):
            raise UsageError(
                f"is not a valid mapping file (YAML): {doc.message}", path=str(path), line=doc.line or None
            ) from None
        data = doc.data
    if not isinstance(data, dict) or set(data) - {"sheets", "columns", "values"}:
        raise UsageError("a mapping file has the sections sheets, columns and values only", path=str(path))
    out = Mapping(source=str(path))
    for title, kind in (data.get("sheets") or {}).items():
        word = normalise(_text(kind))
        found = IGNORE if word == IGNORE else _KIND_BY_WORD.get(word)
        if found is None:
            kinds = ", ".join([*KIND_WORDS.values(), IGNORE])
            raise UsageError(f"sheet {title!r}: {kind!r} is not a kind of register ({kinds})", path=str(path))
        out.sheets[normalise(_text(title))] = found
    for header, target in (data.get("columns") or {}).items():
        if isinstance(target, dict):
            out.sheet_columns[normalise(_text(header))] = {normalise(_text(h)): _text(t) for h, t in target.items()}
        else:
            out.columns[normalise(_text(header))] = _text(target)
    for header, pairs in (data.get("values") or {}).items():
        if not isinstance(pairs, dict):
            raise UsageError(f"values of {header!r}: give pairs of 'register value: meaning'", path=str(path))
        out.values[normalise(_text(header))] = {normalise(_text(k)): _text(v) for k, v in pairs.items()}
    return out


def draft(register: str, sheets: list[tuple[str, str | None, list[str], list[str], dict[str, list[str]]]]) -> str:
    """A mapping file for the register: each sheet's kind, its headers understood (as comments) and not
    understood (to map), and the values import could not read (to map).

    ``sheets``: (title, kind or None, headers understood, headers not understood, column -> unread values).
    """
    import json

    def q(text: str) -> str:
        return json.dumps(text, ensure_ascii=False)

    lines = [
        f"# Mapping of {register} for `pmo-lint import` (see docs/register.md).",
        "# Map each header import did not understand to one it knows, or to ignore; then import again.",
        "sheets:",
    ]
    kinds = ", ".join([*KIND_WORDS.values(), IGNORE])
    for title, kind, _known, _unknown, _values in sheets:
        word = KIND_WORDS.get(kind or "", kind or "")
        lines.append(f"  {q(title)}: {q(word) if word else 'ignore'}" + ("" if word else f"  # one of: {kinds}"))
    lines.append("columns:")
    for title, kind, known, unknown, _values in sheets:
        if not known and not unknown:
            continue
        lines.append(f"  {q(title)}:")
        for header in known:
            lines.append(f"    # {q(header)} is understood")
        options = ", ".join(canonical_headers(kind)) if kind in KINDS else ""
        for header in unknown:
            lines.append(f"    {q(header)}: ignore" + (f"  # or one of: {options}" if options else ""))
    lines.append("values:")
    any_values = False
    for _title, _kind, _known, _unknown, values in sheets:
        for header, unread in values.items():
            any_values = True
            lines.append(f"  {q(header)}:")
            lines.extend(f"    {q(v)}: {q('')}  # what it means" for v in unread)
    if not any_values:
        lines[-1] = "values: {}  # e.g. Phase: {Delivery: execution}"
    return "\n".join(lines) + "\n"
