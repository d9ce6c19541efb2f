"""The per-file stage: read, parse and validate one file, with the findings it gives on its own.

A file's outcome is a pure function of its bytes and the limits, which is what lets the cache
(``pmo_lint.cache``) store it by content hash and worker processes compute it: both sit above this
module, and the engine above them.
"""

from __future__ import annotations

from dataclasses import dataclass

from pmo_lint.diagnostics import Diagnostic, RuleMeta
from pmo_lint.loader.discover import SourceFile, read_source
from pmo_lint.loader.yamlio import Limits, LoadProblem, parse_bytes, plain_number
from pmo_lint.model.catalog import LoadedEntity
from pmo_lint.rules.core import LOAD_RULES, SCHEMA
from pmo_lint.rules.suppress import Directive, scan_directives

LOAD_META = {m.id: m for m in LOAD_RULES}  # the load rules by id: a file's own findings name them


@dataclass(frozen=True)
class FileOutcome:
    """What one file gave: its entity (when valid) and its own findings, already located."""

    rel: str
    loaded: LoadedEntity | None
    diagnostics: tuple[Diagnostic, ...]
    directives: tuple[Directive, ...] = ()  # `# pmo-lint: disable=…` comments of the file


def _diag(meta: RuleMeta, message: str, rel: str, line: int, col: int, **kw: object) -> Diagnostic:
    return Diagnostic(meta.id, meta.code, meta.severity, message, rel, line, col, **kw)  # type: ignore[arg-type]


def process_file(src: SourceFile, limits: Limits) -> FileOutcome:
    """Read, parse and validate one file. Never raises for anything the file holds."""
    if src.problem is not None:
        p = src.problem
        return FileOutcome(src.rel, None, (_diag(LOAD_META[p.rule], p.message, src.rel, p.line, p.col),))
    raw = read_source(src, limits.max_file_bytes)
    if isinstance(raw, LoadProblem):
        return FileOutcome(src.rel, None, (_diag(LOAD_META[raw.rule], raw.message, src.rel, raw.line, raw.col),))
    return process_bytes(src.rel, raw, limits)


def process_bytes(rel: str, raw: bytes, limits: Limits) -> FileOutcome:
    from pmo_lint.schema.validate import validate  # pydantic and jsonschema load only when checking

    directives = scan_directives(raw)  # one substring search unless the file has some
    doc = parse_bytes(raw, limits)
    if isinstance(doc, LoadProblem):
        return FileOutcome(rel, None, (_diag(LOAD_META[doc.rule], doc.message, rel, doc.line, doc.col),), directives)
    diags: list[Diagnostic] = []
    entity, problems = validate(doc.data)
    rejected = {problem.data_path for problem in problems}
    for note in doc.notes:
        meta = LOAD_META[note.rule]
        message = note.message
        if note.readings is not None:
            message = _yaml11_message(note.message, *note.readings, rejected=note.data_path in rejected)
        diags.append(_diag(meta, message, rel, note.line, note.col, data_path=note.data_path))
    entity_ref = _raw_ref(doc.data)
    for problem in problems:
        line, col = doc.locate(problem.data_path, key=problem.at_key)
        diags.append(_diag(SCHEMA, problem.message, rel, line, col, data_path=problem.data_path, entity=entity_ref))
    loaded = LoadedEntity(entity, rel, doc.data) if entity is not None else None
    if loaded is not None:
        diags = [d.replace(entity=loaded.ref) for d in diags]
    return FileOutcome(rel, loaded, tuple(diags), directives)


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "empty"
    if isinstance(value, (int, float)):
        return f"the number {value:,}"
    return f'the text "{value}"'


def _yaml11_message(text: str, core: object, other: object, is_key: bool, *, rejected: bool) -> str:
    """Say how both readers read ``text``, and how to write it so that they agree.

    Quoting is the fix only where the text is meant; a number in a field that takes one is written
    in a form both readers share instead, as quoting it would make it text (a schema error).
    """
    said = f"plain {text} is read as {_shown(core)} by pmo-lint but as {_shown(other)} by YAML 1.1 tools"
    quote = f'quote it ("{text}") so every tool reads the text'
    if is_key or (isinstance(core, str) and not rejected):
        return f"{said}; {quote}"
    if isinstance(core, str):  # the field does not take this text: quoting changes nothing
        wanted = plain_number(other) if isinstance(other, (int, float)) and not isinstance(other, bool) else None
        if isinstance(other, bool):
            wanted = "true" if other else "false"
        if wanted is not None:
            return f"{said}; if you mean {_shown(other)}, write {wanted}"
        return f"{said}; write the value the field takes"
    if isinstance(core, (int, float)) and not isinstance(core, bool) and not rejected:
        written = plain_number(core)
        if written is not None:
            return f"{said}; write {written} so every tool reads {_shown(core)} (quoted, it would be text)"
    return f"{said}; {quote}"


def _raw_ref(data: dict[str, object]) -> str:
    # identity of an entity that failed validation, for fingerprints (best effort)
    kind = data.get("kind")
    md = data.get("metadata")
    if not isinstance(kind, str) or not isinstance(md, dict) or not isinstance(md.get("name"), str):
        return ""
    ns = md.get("namespace")
    return f"{kind.lower()}:{ns + '/' if isinstance(ns, str) else ''}{md['name']}"
