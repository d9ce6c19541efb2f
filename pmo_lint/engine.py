"""The pipeline: discover → load → validate → catalog → rules → select/suppress → Result.

Per-file work (read, parse, validate) is a pure function of the file's bytes and the limits, so it
can be cached by content hash and run in worker processes. Cross-file rules then run on the catalog.
Positions of cross-file findings are recovered at the end by re-parsing only the files that have
findings, so no position index is held for the whole portfolio (memory stays linear and small).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from fnmatch import fnmatchcase
from pathlib import Path

from pmo_lint.config import DEFAULT_EXCLUDE, Config, load_config
from pmo_lint.diagnostics import Diagnostic, Result, Severity, sort_diagnostics
from pmo_lint.errors import UsageError
from pmo_lint.facts import Facts, compute_facts
from pmo_lint.facts.portfolio import fill_maturity
from pmo_lint.loader.discover import SourceFile, discover, find_root, read_source
from pmo_lint.loader.yamlio import Limits, LoadedDocument, LoadProblem, parse_bytes, plain_number
from pmo_lint.model.catalog import Catalog, LoadedEntity, ref_from_path
from pmo_lint.options import RunOptions as RunOptions  # defined apart (a cached run needs no models); re-exported
from pmo_lint.rules.base import Finding, Rule, RuleContext, RuleMeta
from pmo_lint.rules.core import LOAD_RULES, SCHEMA
from pmo_lint.rules.policy import POLICY_ERROR, PolicyRule, PolicySet, evaluate, load_policies
from pmo_lint.rules.policy_memo import PolicyMemo
from pmo_lint.rules.registry import all_metas, builtin_rules
from pmo_lint.rules.suppress import BAD_SUPPRESSION, Directive, apply_inline, apply_waivers, scan_directives

_LOAD_META = {m.id: m for m in LOAD_RULES}


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
        return FileOutcome(src.rel, None, (_diag(_LOAD_META[p.rule], p.message, src.rel, p.line, p.col),))
    raw = read_source(src, limits.max_file_bytes)
    if isinstance(raw, LoadProblem):
        return FileOutcome(src.rel, None, (_diag(_LOAD_META[raw.rule], raw.message, src.rel, raw.line, raw.col),))
    return process_bytes(src.rel, raw, limits)


def process_bytes(rel: str, raw: bytes, limits: Limits) -> FileOutcome:
    from pmo_lint.schema.validate import validate  # pydantic and jsonschema load only when checking

    directives = scan_directives(raw)  # one substring search unless the file has some
    doc = parse_bytes(raw, limits)
    if isinstance(doc, LoadProblem):
        return FileOutcome(rel, None, (_diag(_LOAD_META[doc.rule], doc.message, rel, doc.line, doc.col),), directives)
    diags: list[Diagnostic] = []
    entity, problems = validate(doc.data)
    rejected = {problem.data_path for problem in problems}
    for note in doc.notes:
        meta = _LOAD_META[note.rule]
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


def load_portfolio(
    root: Path, config: Config, opts: RunOptions | None = None
) -> tuple[list[FileOutcome], list[SourceFile]]:
    """Every file's outcome, in path order: from the per-file cache when its content is known,
    else parsed and validated (in worker processes when there are many). See incremental.py."""
    from pmo_lint.incremental import load_outcomes, per_file_scan, save_stat_map

    sources = discover(root, DEFAULT_EXCLUDE + config.exclude, max_files=config.limits.max_files)
    scan, opened = per_file_scan(root, config, opts)
    try:
        outcomes = load_outcomes(root, sources, config.limits, scan)
        if opened is not None and scan is not None:
            save_stat_map(scan)
    finally:
        if opened is not None:
            opened.close()
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


def severity_for(meta: RuleMeta, levels: Mapping[str, Severity]) -> Severity | None:
    """A configured severity: by code, then id, then the longest code prefix, then pack."""
    if not levels:
        return None
    exact = levels.get(meta.code) or levels.get(meta.id)
    if exact is not None:
        return exact
    prefixes = [k for k in levels if k and meta.code.upper().startswith(k.upper())]
    if prefixes:
        return levels[max(prefixes, key=len)]
    return levels.get(meta.pack)


def _run_policies(
    policies: PolicySet,
    ctx: RuleContext,
    facts: Facts,
    enabled: set[str],
    diags: list[Diagnostic],
    *,
    rules: Sequence[Rule] = (),
    load_diags: Sequence[Diagnostic] = (),
    memo: PolicyMemo | None = None,
) -> list[tuple[RuleMeta, Finding]]:
    """Policy problems, then the CEL rules; rules that read the maturity level run after the others.

    The maturity ladder's checks count whether or not they are selected: the rules they name that
    did not run are run quietly for the level alone.
    """
    out: list[tuple[RuleMeta, Finding]] = [(POLICY_ERROR, p.finding()) for p in policies.problems]
    on = [r for r in policies.rules if r.meta.code in enabled]
    later = [r for r in on if "maturityLevel" in f"{r.when_src} {r.assert_src} {r.message}"]
    first = [r for r in on if r not in later]
    out.extend(evaluate(first, ctx, facts, memo))
    pmo = ctx.catalog.config
    if later and pmo is not None and pmo.spec.levels:
        from pmo_lint.facts.maturity import check_fails

        checks = [c for level in pmo.spec.levels for c in level.checks]
        named = [c for c in checks if c]

        def wanted(meta: RuleMeta) -> bool:
            return meta.code not in enabled and any(check_fails(c, [(meta.code, meta.id)]) for c in named)

        quiet: list[tuple[RuleMeta, Finding]] = list(
            evaluate([r for r in policies.rules if wanted(r.meta)], ctx, facts, memo)
        )
        for rule in rules:
            if wanted(rule.meta):
                quiet.extend((rule.meta, f) for f in rule.check(ctx))
        reported = [(d.path, d.code, d.rule) for d in (*diags, *load_diags)] + [
            (f.entity.path if f.entity else f.path or "", m.code, m.id) for m, f in (*out, *quiet)
        ]
        fill_maturity(facts, ctx.catalog, reported)
    out.extend(evaluate(later, ctx, facts, memo))
    return out


def run_rules(
    rules: Iterable[Rule], ctx: RuleContext, enabled: Iterable[RuleMeta], severity: dict[str, Severity]
) -> list[Diagnostic]:
    on = {m.code for m in enabled}
    out: list[Diagnostic] = []
    for rule in rules:
        meta = rule.meta
        if meta.code not in on:
            continue
        level = severity_for(meta, severity) or meta.severity
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


def _exclude_policy_files(config: Config, root: Path) -> Config:
    """Custom rule packs inside the portfolio are policies, not entities: keep them out of discovery."""
    base = Path(config.source).parent if config.source else root
    globs: list[str] = []
    for entry in config.policies:
        path = (base / entry).resolve()
        if path.is_relative_to(root.resolve()):
            rel = path.relative_to(root.resolve()).as_posix()
            globs.append(f"{rel}/**" if path.is_dir() else rel)
    return replace(config, exclude=(*config.exclude, *globs)) if globs else config


def run(opts: RunOptions) -> Result:
    """Lint a portfolio. A plain run may be answered by the whole-run cache (incremental.py)."""
    from pmo_lint.incremental import cached_run, is_plain

    return cached_run(opts, _run) if is_plain(opts) else _run(opts)


def _run(opts: RunOptions) -> Result:
    from pmo_lint.incremental import no_cyclic_gc

    with no_cyclic_gc():
        return _run_uncollected(opts)


def _run_uncollected(opts: RunOptions) -> Result:
    paths = opts.paths or (Path(),)
    root = find_root(paths[0])
    for p in paths[1:]:
        if find_root(p) != root:
            raise UsageError(f"{p} belongs to another portfolio than {paths[0]}")
    config = _exclude_policy_files(load_config(root, opts.config_path), root)
    as_of = opts.as_of or dt.date.today()
    # PR mode and history (gitmode.py) hand in a revision read from git, or the head they already loaded
    load = opts.extra.get("load")
    outcomes, sources = load(root, config) if callable(load) else load_portfolio(root, config, opts)
    invalid = {
        ref
        for o in outcomes
        if o.loaded is None
        for ref in (ref_from_path(o.rel), *(d.entity for d in o.diagnostics))
        if ref
    }
    catalog = Catalog.build((o.loaded for o in outcomes if o.loaded is not None), invalid)
    pmo = catalog.config
    enabled_packs: set[str] = set(pmo.spec.pmo_types) if pmo else set()
    rules: list[Rule] = builtin_rules()
    config_dir = Path(config.source).parent if config.source else root
    memo = opts.extra.get("policy_memo")  # PR mode and history load the packs once for all their runs
    policies = memo["set"] if isinstance(memo, dict) and "set" in memo else None
    if policies is None:
        policies = load_policies(
            root=root,
            config_dir=config_dir,
            config_policies=config.policies,
            extra_paths=tuple(Path(p) for p in opts.extra.get("policies", ()) or ()),  # type: ignore[attr-defined]
            taken=[k for r in rules for k in (r.meta.code, r.meta.id)],
        )
        if isinstance(memo, dict):
            memo["set"] = policies
    rules.extend(policies.python_rules)
    enabled_packs |= policies.custom_packs
    metas = all_metas([*rules, *policies.rules])
    severity: dict[str, Severity] = dict(config.severity)
    if pmo:
        for key, label in pmo.spec.severity.items():
            severity.setdefault(key, Severity.parse(label))
    enabled = [m for m in metas if is_enabled(m, config, opts, enabled_packs)]
    if opts.extra.get("waived_rules"):
        # PR mode's base run: an unused waiver is only found again if the rule it names runs too
        enabled.extend(m for m in _waived_rules(catalog, metas) if m not in enabled)
    enabled_codes = {m.code for m in enabled}

    diags: list[Diagnostic] = []
    for o in outcomes:
        for d in o.diagnostics:
            if d.code in enabled_codes:
                level: Severity | None = severity_for(_LOAD_META[d.rule], severity)
                diags.append(d.replace(severity=level) if level and _LOAD_META[d.rule].can_disable else d)
    files = opts.extra.get("files")
    all_files = files if isinstance(files, frozenset) else _files_of_run(opts, root, sources)
    facts = compute_facts(catalog, as_of, all_files)  # once per run, shared by every rule
    ctx = RuleContext(
        catalog=catalog,
        as_of=as_of,
        files=all_files,
        facts=facts,
        # the root lets PMO014 read the repository's site configuration (rules/builtin_site.py)
        extra={"root": str(root), **dict(opts.extra.get("context") or {})},  # type: ignore[call-overload]
    )
    diags.extend(run_rules(rules, ctx, enabled, severity))
    load_diags = [d for o in outcomes for d in o.diagnostics]
    memo = _policy_memo(opts, root)
    for meta, finding in _run_policies(
        policies, ctx, facts, enabled_codes, diags, rules=rules, load_diags=load_diags, memo=memo
    ):
        diags.append(stamp(meta, finding, severity_for(meta, severity) or meta.severity))
    if memo is not None:
        memo.save()

    by_code = {m.code: m for m in metas}
    diags = [d for d in diags if not _ignored_for_path(by_code[d.code], d.path, config)]
    # findings that need the data of a project whose file is invalid are held back (a cascade); the rest stay
    bound = _project_bound(rules, policies.rules)
    held = [d for d in diags if d.code in bound and d.rule not in _LOAD_META and _in_invalid_project(d.entity, invalid)]
    if held:
        dropped = {id(d) for d in held}
        diags = [d for d in diags if id(d) not in dropped]
    # inline comments need lines: locate first the findings of files that have directives
    directives = {o.rel: o.directives for o in outcomes if o.directives}
    if directives:
        near = [d for d in diags if d.path in directives]
        diags = [d for d in diags if d.path not in directives] + _locate(near, root, config.limits)
    diags, suppressed, bad = apply_inline(diags, directives, by_code)
    diags.extend(d for d in bad if d.code in enabled_codes and not _ignored_for_path(BAD_SUPPRESSION, d.path, config))
    waived = apply_waivers(diags, catalog, as_of, by_code, frozenset(enabled_codes))
    diags = waived.active
    suppressed.extend(waived.suppressed)
    for meta, finding in waived.findings:
        if meta.code in enabled_codes:
            d = stamp(meta, finding, severity_for(meta, severity) or meta.severity)
            if not _ignored_for_path(meta, d.path, config):
                diags.append(d)
    targets = _targets(paths, root)
    # problems of a policy file are reported whatever files were named: every file depends on them;
    # a named rule pack is checked as a pack: what its rules find anywhere in the portfolio is shown
    packed = {r.meta.code for r in policies.rules if targets is not None and _in_targets(r.pack_path, targets)}
    diags = [
        d
        for d in diags
        if _in_targets(d.path, targets) or (d.code == POLICY_ERROR.code and not d.entity) or d.code in packed
    ]
    suppressed = [d for d in suppressed if _in_targets(d.path, targets) or d.code in packed]
    if opts.extra.get("locate", True):  # a base revision's findings are matched by fingerprint only
        diags = _locate(diags, root, config.limits)
        suppressed = _locate(suppressed, root, config.limits)
    files_checked = len(sources) if targets is None else sum(1 for s in sources if _in_targets(s.rel, targets))
    if targets is not None:  # a named rule pack is checked as a pack: its problems are reported above
        files_checked += sum(1 for p in policies.pack_paths if _in_targets(p, targets))
    return Result(
        root=str(root),
        as_of=as_of,
        files_checked=files_checked,
        diagnostics=tuple(sort_diagnostics(diags)),
        suppressed=tuple(sort_diagnostics(suppressed)),
        extra={
            "fail_on": opts.fail_on or config.fail_on,
            "rules": metas,
            "config": config.source,
            **_held_back(held, targets),
        },
    )


def _waived_rules(catalog: Catalog, metas: Sequence[RuleMeta]) -> list[RuleMeta]:
    """The rules the portfolio's waivers name, by code or id (as apply_waivers finds them)."""
    by_code = {m.code: m for m in metas}
    by_id = {m.id: m for m in metas}
    out: list[RuleMeta] = []
    for item in catalog.of_kind("Waiver"):
        check = str(item.entity.spec.check).strip()  # type: ignore[attr-defined]
        meta = by_code.get(check.upper()) or by_id.get(check.lower())
        if meta is not None and meta not in out:
            out.append(meta)
    return out


def _policy_memo(opts: RunOptions, root: Path) -> PolicyMemo | None:
    """The stored policy results of earlier runs, for a run that has the cache open (plain runs)."""
    from pmo_lint.incremental import policy_salt, scan_of

    scan = scan_of(opts)
    if scan is None or scan.cache is None:
        return None
    return PolicyMemo.load(scan.cache, str(root), policy_salt())


def _in_invalid_project(entity: str, invalid: set[str]) -> bool:
    """A record of a project whose file failed to validate cannot be judged against that project:
    the project's own findings say what to fix, findings on its risks or changes would be a cascade."""
    _kind, _, rest = entity.partition(":")
    namespace, sep, _name = rest.partition("/")
    return bool(sep) and f"project:{namespace}" in invalid


# facts of a project's records that are read from the project itself (facts/portfolio.py): with the
# project's file invalid they are defaults (no baselines, not active, no sponsor), not the project's values
_FROM_PROJECT = frozenset(
    {
        "approvalRows",
        "approverRelations",
        "baselineExists",
        "decider",
        "decisions",
        "projectActive",
        "requiredRoles",
        "unmetApprovalRows",
        "unmetApprovals",
    }
)


def _project_bound(rules: Sequence[Rule], policies: Sequence[PolicyRule]) -> set[str]:
    """Codes of the rules whose findings on a record may depend on its project's data.

    Core rules read the record and the registers (references, names, paths); a policy depends on the
    project when it reads one of the facts above (or all facts); any other Python rule may read the
    project, so it is counted as depending on it.
    """
    bound = {r.meta.code for r in rules if r.meta.pack != "core"}
    for policy in policies:
        shown = set(re.findall(r"facts\.(\w+)", policy.message))  # the message may name more than the checks read
        keys = policy.reads.get("facts", frozenset()) if "facts" in policy.roots else frozenset()
        if keys is None or (keys | shown) & _FROM_PROJECT:
            bound.add(policy.meta.code)
    return bound


def _held_back(held: Sequence[Diagnostic], targets: list[str] | None) -> dict[str, object]:
    """``held_back`` for Result.extra: how many findings wait for an invalid project file, and which."""
    shown = [d for d in held if _in_targets(d.path, targets)]
    if not shown:
        return {}
    projects = sorted({d.entity.partition(":")[2].partition("/")[0] for d in shown})
    return {"held_back": {"count": len(shown), "projects": projects}}


def _files_of_run(opts: RunOptions, root: Path, sources: list[SourceFile]) -> frozenset[str]:
    """Every file of the portfolio; from the cached run's scan of the tree when there is one."""
    from pmo_lint.incremental import scan_of

    scan = scan_of(opts)
    if scan is None or scan.root != root:
        return frozenset(_all_files(root, sources))
    # the scan skipped dot-folders and the cache folder; regular files (through symlinks) have a signature
    found = {rel for rel, sig in scan.sigs.items() if sig is not None and not rel.rpartition("/")[2].startswith(".")}
    return frozenset(found.union(s.rel for s in sources if s.problem is None))


def _links_inside(path: str, root: Path) -> bool:
    """A symbolic link that leads to a file of the portfolio; one leading elsewhere is no document of it
    (``exists()`` and GOV004 must not tell whether a file outside the repository exists)."""
    try:
        return Path(path).resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):
        return False


def _all_files(root: Path, sources: list[SourceFile]) -> set[str]:
    # documents referenced by projects (charters, lessons learned) may be any file type.
    # os.scandir with string paths: ~10x faster than Path.rglob on 60,000 files (bench/run.py)
    out = {s.rel for s in sources if s.problem is None}
    stack = [""]
    while stack:
        prefix = stack.pop()
        try:
            entries = list(os.scandir(f"{root}/{prefix}"))
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue  # dot-files and dot-folders (.git, .pmo-lint-cache) are never documents
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(f"{prefix}{entry.name}/")
                elif entry.is_file() and (not entry.is_symlink() or _links_inside(entry.path, root)):
                    out.add(prefix + entry.name)  # a link counts when it leads to a file of the portfolio
            except OSError:
                continue
    return out
