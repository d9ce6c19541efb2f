"""The pipeline, as named stages: load → catalog → rule set → selection → facts → rules → policies →
cascade → suppressions → the named paths → locations → Result.

The per-file stage (read, parse, validate: ``outcome.py``) is a pure function of the file's bytes and
the limits, so it is cached by content hash and run in worker processes (``cache/``); cross-file
rules then run on the catalog. Enter through ``pmo_lint.run.check``, not here.
Positions of cross-file findings are recovered at the end by re-parsing only the files that have
findings, so no position index is held for the whole portfolio (memory stays linear and small).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

from pmo_lint.cache import fingerprint
from pmo_lint.cache.files import load_portfolio
from pmo_lint.cache.fingerprint import content_hash
from pmo_lint.cache.locations import Locations
from pmo_lint.cache.policy_memo import PolicyMemo
from pmo_lint.config import Config, exclude_policy_files
from pmo_lint.diagnostics import Diagnostic, HeldBack, Result, RuleMeta, Severity, sort_diagnostics
from pmo_lint.errors import UsageError
from pmo_lint.facts import Facts, compute_facts
from pmo_lint.facts.portfolio import fill_maturity
from pmo_lint.loader.discover import SourceFile, read_source
from pmo_lint.loader.yamlio import Limits, LoadedDocument, parse_bytes
from pmo_lint.model.catalog import Catalog, ref_from_path
from pmo_lint.options import Run, RunInputs, RunOptions
from pmo_lint.outcome import LOAD_META, FileOutcome
from pmo_lint.paths import repo_prefix
from pmo_lint.rules.base import Finding, Rule, RuleContext
from pmo_lint.rules.policy import POLICY_ERROR, PolicyRule, PolicySet, evaluate, load_policies
from pmo_lint.rules.registry import all_metas, builtin_rules
from pmo_lint.rules.suppress import BAD_SUPPRESSION, apply_inline, apply_waivers


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


@dataclass(frozen=True)
class _Places:
    """Stored positions (cache/locations.py) and the content hash of each file of this run."""

    memo: Locations
    hashes: Mapping[str, str]


def _locate(diags: list[Diagnostic], root: Path, limits: Limits, places: _Places | None = None) -> list[Diagnostic]:
    """Fill in line/column of findings that only know their data path (from stored positions when
    the file's content is known, else by parsing the file again)."""
    pending: dict[str, list[int]] = defaultdict(list)
    for i, d in enumerate(diags):
        if d.line == 0 and d.path:
            pending[d.path].append(i)
    out = list(diags)
    for rel, indexes in pending.items():
        paths = [tuple(out[i].data_path) for i in indexes]
        digest = places.hashes.get(rel) if places is not None else None
        spots = places.memo.known(digest, paths) if places is not None and digest else None
        if spots is None:
            raw = read_source(SourceFile(rel, root / rel), limits.max_file_bytes)
            doc = parse_bytes(raw, limits) if isinstance(raw, bytes) else raw
            spots = {p: doc.locate(p) if isinstance(doc, LoadedDocument) else (1, 1) for p in paths}
            # stored only under the hash of the bytes just parsed: a file changed since loading is not mixed up
            if places is not None and digest and isinstance(raw, bytes) and content_hash(raw) == digest:
                places.memo.remember(digest, spots)
        for i in indexes:
            line, col = spots[tuple(out[i].data_path)]
            out[i] = out[i].replace(line=line, col=col)
    return out


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


@dataclass(frozen=True)
class _Selection:
    """The rules of a run: all of them by code, the enabled ones, and the configured severities."""

    metas: list[RuleMeta]
    by_code: dict[str, RuleMeta]
    enabled: list[RuleMeta]
    codes: frozenset[str]  # the enabled rules' codes
    severity: dict[str, Severity]

    def level(self, meta: RuleMeta) -> Severity:
        return severity_for(meta, self.severity) or meta.severity


def execute(options: RunOptions, inputs: RunInputs, root: Path, config: Config, as_of: dt.date) -> Run:
    """The pipeline, stage by stage; ``pmo_lint.run.check`` resolves the root, configuration and date."""
    config = exclude_policy_files(config, root)
    outcomes, sources = _load(root, config, inputs)
    catalog, invalid = _catalog(outcomes)
    rules, policies = _rule_set(root, config, inputs)
    chosen = _select(options, config, catalog, rules, policies, waived_rules=inputs.waived_rules)
    files = inputs.files if inputs.files is not None else _files_of_run(inputs, root, sources)
    facts = compute_facts(catalog, as_of, files)  # once per run, shared by every rule
    ctx = RuleContext(catalog=catalog, as_of=as_of, files=files, facts=facts, changes=inputs.changes, root=str(root))
    diags = _load_findings(outcomes, chosen)
    diags += run_rules(rules, ctx, chosen.enabled, chosen.severity)
    diags += _policy_findings(policies, ctx, facts, chosen, rules, diags, outcomes, _policy_memo(inputs, root))
    diags = [d for d in diags if not _ignored_for_path(chosen.by_code[d.code], d.path, config)]
    diags, held = _hold_back_cascade(diags, rules, policies, invalid)
    places = _places(inputs, root)
    diags, suppressed = _suppress(diags, outcomes, catalog, as_of, chosen, root, config, places)
    targets = _targets(options.paths or (Path(),), root)
    diags, suppressed = _narrow(diags, suppressed, targets, policies)
    if inputs.locate:  # a base revision's findings are matched by fingerprint only
        diags = _locate(diags, root, config.limits, places)
        suppressed = _locate(suppressed, root, config.limits, places)
    if places is not None:
        places.memo.save()
    result = Result(
        root=str(root),
        as_of=as_of,
        files_checked=_files_checked(sources, policies, targets),
        diagnostics=tuple(sort_diagnostics(diags)),
        suppressed=tuple(sort_diagnostics(suppressed)),
        rules=tuple(chosen.metas),
        fail_on=options.fail_on or config.fail_on,
        config_source=config.source,
        path_prefix=repo_prefix(root),  # every format prints paths relative to the repository
        held_back=_held_back(held, targets),
    )
    return Run(result, catalog, facts, policies)


def _load(root: Path, config: Config, inputs: RunInputs) -> tuple[list[FileOutcome], list[SourceFile]]:
    """Every file's outcome: handed in (a revision read from git), or read with the per-file cache."""
    if inputs.load is not None:
        return inputs.load(root, config)
    return load_portfolio(root, config, inputs.scan)


def _catalog(outcomes: Sequence[FileOutcome]) -> tuple[Catalog, set[str]]:
    """The catalog of the valid entities, and the references of the files that failed to load."""
    invalid = {
        ref
        for o in outcomes
        if o.loaded is None
        for ref in (ref_from_path(o.rel), *(d.entity for d in o.diagnostics))
        if ref
    }
    return Catalog.build((o.loaded for o in outcomes if o.loaded is not None), invalid), invalid


def _rule_set(root: Path, config: Config, inputs: RunInputs) -> tuple[list[Rule], PolicySet]:
    """The built-in rules, the rule packs (loaded here unless an earlier run handed them in), and the
    Python rules those packs name."""
    rules: list[Rule] = builtin_rules()
    policies = inputs.policies
    if policies is None:
        policies = load_policies(
            root=root,
            config_dir=Path(config.source).parent if config.source else root,
            config_policies=config.policies,
            extra_paths=inputs.extra_policies,
            taken=[k for r in rules for k in (r.meta.code, r.meta.id)],
        )
    rules.extend(policies.python_rules)
    return rules, policies


def _select(
    options: RunOptions,
    config: Config,
    catalog: Catalog,
    rules: Sequence[Rule],
    policies: PolicySet,
    *,
    waived_rules: bool,
) -> _Selection:
    """Which rules run, at which severity: options, then configuration, then the PMO's own pmo.yaml."""
    pmo = catalog.config
    packs: set[str] = (set(pmo.spec.pmo_types) if pmo else set()) | policies.custom_packs
    metas = all_metas([*rules, *policies.rules])
    if not policies.problems:  # a pack that failed to load is reported (PMO011): its rules cannot be known here
        _check_selectors(options, config, metas)
    severity: dict[str, Severity] = dict(config.severity)
    if pmo:
        for key, label in pmo.spec.severity.items():
            severity.setdefault(key, Severity.parse(label))
    enabled = [m for m in metas if is_enabled(m, config, options, packs)]
    if waived_rules:
        # PR mode's base run: an unused waiver is only found again if the rule it names runs too
        enabled.extend(m for m in _waived_rules(catalog, metas) if m not in enabled)
    by_code = {m.code: m for m in metas}
    return _Selection(metas, by_code, enabled, frozenset(m.code for m in enabled), severity)


def _check_selectors(options: RunOptions, config: Config, metas: Sequence[RuleMeta]) -> None:
    """Every selector names some rule: a typo in --select would otherwise turn every check off and report
    all clear (a compliance tool that is silently green), and one in --ignore would silence nothing."""
    given: list[tuple[str, str]] = [
        *((s, "--select") for s in options.select),
        *((s, "--ignore") for s in options.ignore),
        *((s, "--extend-select") for s in options.extend_select),
        *((s, "select in the configuration") for s in config.select),
        *((s, "ignore in the configuration") for s in config.ignore),
        *((s, "extend-select in the configuration") for s in config.extend_select),
        *(
            (s, f"per-path-ignores.{glob} in the configuration")
            for glob, sel in config.per_path_ignores.items()
            for s in sel
        ),
    ]
    for selector, where in given:
        if not selector.strip() or any(matches(m, selector) for m in metas):
            continue
        import difflib  # only for the hint

        names = sorted({m.code for m in metas} | {m.id for m in metas} | {m.pack for m in metas if m.pack})
        close = difflib.get_close_matches(selector.strip(), names, n=3, cutoff=0.6)
        hint = f"; did you mean {' or '.join(close)}?" if close else "; `pmo-lint rules` lists them"
        raise UsageError(
            f"{where}: {selector.strip()!r} names no rule (a code such as TAC004, a code prefix such as TAC, a rule "
            f"id or a pack){hint}"
        )


def _load_findings(outcomes: Sequence[FileOutcome], chosen: _Selection) -> list[Diagnostic]:
    """The files' own findings (parse, schema) of the enabled rules, at their configured severity."""
    out: list[Diagnostic] = []
    for o in outcomes:
        for d in o.diagnostics:
            if d.code in chosen.codes:
                meta = LOAD_META[d.rule]
                level = severity_for(meta, chosen.severity)
                out.append(d.replace(severity=level) if level and meta.can_disable else d)
    return out


def _policy_findings(
    policies: PolicySet,
    ctx: RuleContext,
    facts: Facts,
    chosen: _Selection,
    rules: Sequence[Rule],
    diags: list[Diagnostic],
    outcomes: Sequence[FileOutcome],
    memo: PolicyMemo | None,
) -> list[Diagnostic]:
    """The rule packs' findings (their load problems, then the declarative rules)."""
    load_diags = [d for o in outcomes for d in o.diagnostics]
    found = _run_policies(policies, ctx, facts, set(chosen.codes), diags, rules=rules, load_diags=load_diags, memo=memo)
    if memo is not None:
        memo.save()
    return [stamp(meta, finding, chosen.level(meta)) for meta, finding in found]


def _hold_back_cascade(
    diags: list[Diagnostic], rules: Sequence[Rule], policies: PolicySet, invalid: set[str]
) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """Findings that need the data of a project whose file is invalid are held back (a cascade)."""
    bound = _project_bound(rules, policies.rules)
    held = [d for d in diags if d.code in bound and d.rule not in LOAD_META and _in_invalid_project(d.entity, invalid)]
    if not held:
        return diags, []
    dropped = {id(d) for d in held}
    return [d for d in diags if id(d) not in dropped], held


def _suppress(
    diags: list[Diagnostic],
    outcomes: Sequence[FileOutcome],
    catalog: Catalog,
    as_of: dt.date,
    chosen: _Selection,
    root: Path,
    config: Config,
    places: _Places | None = None,
) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """Apply inline ``# pmo-lint: disable`` comments, then waivers; their own problems are findings."""
    # inline comments need lines: locate first the findings of files that have directives
    directives = {o.rel: o.directives for o in outcomes if o.directives}
    if directives:
        near = [d for d in diags if d.path in directives]
        diags = [d for d in diags if d.path not in directives] + _locate(near, root, config.limits, places)
    diags, suppressed, bad = apply_inline(diags, directives, chosen.by_code)
    diags.extend(d for d in bad if d.code in chosen.codes and not _ignored_for_path(BAD_SUPPRESSION, d.path, config))
    waived = apply_waivers(diags, catalog, as_of, chosen.by_code, chosen.codes)
    diags = waived.active
    suppressed.extend(waived.suppressed)
    for meta, finding in waived.findings:
        if meta.code in chosen.codes:
            d = stamp(meta, finding, chosen.level(meta))
            if not _ignored_for_path(meta, d.path, config):
                diags.append(d)
    return diags, suppressed


def _narrow(
    diags: list[Diagnostic], suppressed: list[Diagnostic], targets: list[str] | None, policies: PolicySet
) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """Keep the findings of the paths named on the command line.

    Problems of a policy file are reported whatever files were named (every file depends on them);
    a named rule pack is checked as a pack: what its rules find anywhere in the portfolio is shown.
    """
    packed = {r.meta.code for r in policies.rules if targets is not None and _in_targets(r.pack_path, targets)}
    kept = [
        d
        for d in diags
        if _in_targets(d.path, targets) or (d.code == POLICY_ERROR.code and not d.entity) or d.code in packed
    ]
    return kept, [d for d in suppressed if _in_targets(d.path, targets) or d.code in packed]


def _files_checked(sources: Sequence[SourceFile], policies: PolicySet, targets: list[str] | None) -> int:
    if targets is None:
        return len(sources)
    named = sum(1 for s in sources if _in_targets(s.rel, targets))
    return named + sum(1 for p in policies.pack_paths if _in_targets(p, targets))  # named packs count


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


def _policy_memo(inputs: RunInputs, root: Path) -> PolicyMemo | None:
    """The stored policy results of earlier runs, for a run that has the cache open."""
    if inputs.policy_memo is not None:
        return inputs.policy_memo
    scan = inputs.scan
    if scan is None or scan.cache is None:
        return None
    return PolicyMemo.load(scan.cache, str(root), fingerprint.policy_salt(), fingerprint.code_fingerprint())


def _places(inputs: RunInputs, root: Path) -> _Places | None:
    """Stored positions of findings, for a run that scanned this root with the cache open."""
    scan = inputs.scan
    if scan is None or scan.cache is None or scan.root != root:
        return None
    return _Places(Locations.load(scan.cache, str(root)), scan.hashes)


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


def _held_back(held: Sequence[Diagnostic], targets: list[str] | None) -> HeldBack | None:
    """How many of the shown paths' findings wait for an invalid project file, and which projects."""
    shown = [d for d in held if _in_targets(d.path, targets)]
    if not shown:
        return None
    return HeldBack(len(shown), tuple(sorted({d.entity.partition(":")[2].partition("/")[0] for d in shown})))


def _files_of_run(inputs: RunInputs, root: Path, sources: list[SourceFile]) -> frozenset[str]:
    """Every file of the portfolio; from the run's scan of the tree when there is one."""
    scan = inputs.scan
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
