"""The pipeline: discover → load → validate → catalog → rules → select/suppress → Result.

Per-file work (read, parse, validate) is a pure function of the file's bytes and the limits, so it
can be cached by content hash and run in worker processes. Cross-file rules then run on the catalog.
Positions of cross-file findings are recovered at the end by re-parsing only the files that have
findings, so no position index is held for the whole portfolio (memory stays linear and small).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path

from pmo_lint.config import DEFAULT_EXCLUDE, Config, load_config
from pmo_lint.diagnostics import Diagnostic, Result, Severity, sort_diagnostics
from pmo_lint.errors import UsageError
from pmo_lint.loader.discover import SourceFile, discover, find_root, read_source
from pmo_lint.loader.yamlio import Limits, LoadedDocument, LoadProblem, parse_bytes
from pmo_lint.model.catalog import Catalog, LoadedEntity
from pmo_lint.rules.base import Finding, Rule, RuleContext, RuleMeta
from pmo_lint.rules.core import LOAD_RULES, SCHEMA
from pmo_lint.rules.registry import all_metas, builtin_rules

_LOAD_META = {m.id: m for m in LOAD_RULES}


@dataclass(frozen=True)
class RunOptions:
    paths: tuple[Path, ...] = (Path(),)
    config_path: Path | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    as_of: dt.date | None = None
    fail_on: Severity | None = None
    no_cache: bool = False
    extra: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class FileOutcome:
    """What one file gave: its entity (when valid) and its own findings, already located."""

    rel: str
    loaded: LoadedEntity | None
    diagnostics: tuple[Diagnostic, ...]


def _diag(meta: RuleMeta, message: str, rel: str, line: int, col: int, **kw: object) -> Diagnostic:
    return Diagnostic(meta.id, meta.code, meta.severity, message, rel, line, col, **kw)  # type: ignore[arg-type]


def process_file(src: SourceFile, limits: Limits) -> FileOutcome:
    """Read, parse and validate one file. Never raises for anything the file holds."""
    if src.problem is not None:
        p = src.problem
        return FileOutcome(src.rel, None, (_diag(_LOAD_META[p.rule], p.message, src.rel, p.line, p.col),))
    raw = read_source(src, limits.max_file_bytes)
    if isinstance(raw, LoadProblem):
        return FileOutcome(src.rel, None, (_diag(_LOAD_META[raw.rule], raw.message, src.rel, raw.line, raw.col),))
    return process_bytes(src.rel, raw, limits)


def process_bytes(rel: str, raw: bytes, limits: Limits) -> FileOutcome:
    from pmo_lint.schema.validate import validate  # pydantic and jsonschema load only when checking

    doc = parse_bytes(raw, limits)
    if isinstance(doc, LoadProblem):
        return FileOutcome(rel, None, (_diag(_LOAD_META[doc.rule], doc.message, rel, doc.line, doc.col),))
    diags: list[Diagnostic] = []
    for note in doc.notes:
        meta = _LOAD_META[note.rule]
        message = note.message
        if note.rule == "yaml11-ambiguity":
            message = f"plain {note.message!r} is read differently by YAML 1.1 tools; quote it to say what you mean"
        diags.append(_diag(meta, message, rel, note.line, note.col, data_path=note.data_path))
    entity, problems = validate(doc.data)
    entity_ref = _raw_ref(doc.data)
    for problem in problems:
        line, col = doc.locate(problem.data_path, key=problem.at_key)
        diags.append(_diag(SCHEMA, problem.message, rel, line, col, data_path=problem.data_path, entity=entity_ref))
    loaded = LoadedEntity(entity, rel, doc.data) if entity is not None else None
    if loaded is not None:
        diags = [d.replace(entity=loaded.ref) for d in diags]
    return FileOutcome(rel, loaded, tuple(diags))


def _raw_ref(data: dict[str, object]) -> str:
    # identity of an entity that failed validation, for fingerprints (best effort)
    kind = data.get("kind")
    md = data.get("metadata")
    if not isinstance(kind, str) or not isinstance(md, dict) or not isinstance(md.get("name"), str):
        return ""
    ns = md.get("namespace")
    return f"{kind.lower()}:{ns + '/' if isinstance(ns, str) else ''}{md['name']}"


def matches(meta: RuleMeta, selector: str) -> bool:
    """A selector names a rule by code, code prefix, id or pack (ruff's habit, plus packs)."""
    s = selector.strip()
    if not s:
        return False
    if s.upper() == "ALL":
        return True
    return meta.code.upper().startswith(s.upper()) or meta.id == s.lower() or meta.pack == s.lower()


def is_enabled(meta: RuleMeta, config: Config, opts: RunOptions, enabled_packs: set[str]) -> bool:
    if not meta.can_disable:
        return True
    select = opts.select or config.select
    ignore = tuple(config.ignore) + tuple(opts.ignore)
    extend = tuple(config.extend_select) + tuple(opts.extend_select)
    # with no selection, the packs of the PMO types in pmo.yaml (and core) run
    on = any(matches(meta, s) for s in select) if select else meta.pack in enabled_packs or meta.pack == "core"
    on = on or any(matches(meta, s) for s in extend)
    return on and not any(matches(meta, s) for s in ignore)


def _ignored_for_path(meta: RuleMeta, rel: str, config: Config) -> bool:
    if not meta.can_disable:
        return False
    for glob, selectors in config.per_path_ignores.items():
        if fnmatchcase(rel, glob) and any(matches(meta, s) for s in selectors):
            return True
    return False


def _locate(diags: list[Diagnostic], root: Path, limits: Limits) -> list[Diagnostic]:
    """Fill in line/column of findings that only know their data path."""
    pending: dict[str, list[int]] = defaultdict(list)
    for i, d in enumerate(diags):
        if d.line == 0 and d.path:
            pending[d.path].append(i)
    out = list(diags)
    for rel, indexes in pending.items():
        raw = read_source(SourceFile(rel, root / rel), limits.max_file_bytes)
        doc = parse_bytes(raw, limits) if isinstance(raw, bytes) else raw
        for i in indexes:
            d = out[i]
            if isinstance(doc, LoadedDocument):
                line, col = doc.locate(d.data_path)
            else:
                line, col = 1, 1
            out[i] = d.replace(line=line, col=col)
    return out


def load_portfolio(root: Path, config: Config) -> tuple[list[FileOutcome], list[SourceFile]]:
    sources = discover(root, DEFAULT_EXCLUDE + config.exclude, max_files=config.limits.max_files)
    outcomes = [process_file(src, config.limits) for src in sources]
    return outcomes, sources


def stamp(meta: RuleMeta, finding: Finding, severity: Severity) -> Diagnostic:
    item = finding.entity
    path = finding.path if finding.path is not None else (item.path if item else "")
    return Diagnostic(
        meta.id,
        meta.code,
        finding.severity or severity,
        finding.message,
        path,
        finding.line,
        finding.col,
        data_path=finding.data_path,
        entity=item.ref if item else "",
    )


def run_rules(
    rules: Iterable[Rule], ctx: RuleContext, enabled: Iterable[RuleMeta], severity: dict[str, Severity]
) -> list[Diagnostic]:
    on = {m.code for m in enabled}
    out: list[Diagnostic] = []
    for rule in rules:
        meta = rule.meta
        if meta.code not in on:
            continue
        level = severity.get(meta.code) or severity.get(meta.id) or meta.severity
        for finding in rule.check(ctx):
            out.append(stamp(meta, finding, level))
    return out


def _targets(paths: Sequence[Path], root: Path) -> list[str] | None:
    """Paths named on the command line, relative to the root; None means the whole portfolio."""
    rels: list[str] = []
    for p in paths:
        resolved = p.resolve()
        if resolved == root:
            return None
        if not resolved.is_relative_to(root):
            raise UsageError(f"{p} is outside the portfolio at {root}")
        rels.append(resolved.relative_to(root).as_posix())
    return rels


def _in_targets(rel: str, targets: list[str] | None) -> bool:
    if targets is None:
        return True
    return any(rel == t or rel.startswith(t.rstrip("/") + "/") for t in targets)


def run(opts: RunOptions) -> Result:
    paths = opts.paths or (Path(),)
    root = find_root(paths[0])
    for p in paths[1:]:
        if find_root(p) != root:
            raise UsageError(f"{p} belongs to another portfolio than {paths[0]}")
    config = load_config(root, opts.config_path)
    as_of = opts.as_of or dt.date.today()
    # PR mode and history (gitmode.py) hand in a revision read from git, or the head they already loaded
    load = opts.extra.get("load")
    outcomes, sources = load(root, config) if callable(load) else load_portfolio(root, config)
    invalid = {d.entity for o in outcomes if o.loaded is None for d in o.diagnostics if d.entity}
    catalog = Catalog.build((o.loaded for o in outcomes if o.loaded is not None), invalid)
    pmo = catalog.config
    enabled_packs: set[str] = set(pmo.spec.pmo_types) if pmo else set()
    rules = builtin_rules()
    metas = all_metas(rules)
    severity: dict[str, Severity] = dict(config.severity)
    if pmo:
        for key, label in pmo.spec.severity.items():
            severity.setdefault(key, Severity.parse(label))
    enabled = [m for m in metas if is_enabled(m, config, opts, enabled_packs)]
    enabled_codes = {m.code for m in enabled}

    diags: list[Diagnostic] = []
    for o in outcomes:
        for d in o.diagnostics:
            if d.code in enabled_codes:
                level: Severity | None = severity.get(d.code) or severity.get(d.rule)
                diags.append(d.replace(severity=level) if level and _LOAD_META[d.rule].can_disable else d)
    files = opts.extra.get("files")
    ctx = RuleContext(
        catalog=catalog,
        as_of=as_of,
        files=files if isinstance(files, frozenset) else frozenset(_all_files(root, sources)),
        extra=dict(opts.extra.get("context") or {}),  # type: ignore[call-overload]
    )
    diags.extend(run_rules(rules, ctx, enabled, severity))

    by_code = {m.code: m for m in metas}
    diags = [d for d in diags if not _ignored_for_path(by_code[d.code], d.path, config)]
    targets = _targets(paths, root)
    diags = [d for d in diags if _in_targets(d.path, targets)]
    if opts.extra.get("locate", True):  # a base revision's findings are matched by fingerprint only
        diags = _locate(diags, root, config.limits)
    files_checked = len(sources) if targets is None else sum(1 for s in sources if _in_targets(s.rel, targets))
    return Result(
        root=str(root),
        as_of=as_of,
        files_checked=files_checked,
        diagnostics=tuple(sort_diagnostics(diags)),
        extra={"fail_on": opts.fail_on or config.fail_on, "rules": metas, "config": config.source},
    )


def _all_files(root: Path, sources: list[SourceFile]) -> set[str]:
    # documents referenced by projects (charters, lessons learned) may be any file type
    out = {s.rel for s in sources}
    for path in root.rglob("*"):
        rel = path.relative_to(root).as_posix()
        if not any(part.startswith(".") for part in rel.split("/")) and path.is_file():
            out.add(rel)
    return out
