"""PR mode: lint the head (working tree) against the portfolio at a base commit.

The base is read straight from the object database (one ``git cat-file --batch`` for the files
that differ); a file whose bytes are the same at base and head reuses the head's outcome, so only
changed files are parsed and validated twice. Rules run on both catalogs; a head finding whose
line-independent fingerprint also occurs at base is "existing", any other is "new". The
change-control rules (``rules/builtin_history.py``) get the base catalog and the changed files.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from pmo_lint.cache.files import load_working_tree
from pmo_lint.config import DEFAULT_EXCLUDE, Config, exclude_policy_files, load_config
from pmo_lint.diagnostics import Diagnostic, PrSummary, Result
from pmo_lint.errors import GitError, UsageError
from pmo_lint.loader.discover import SourceFile, find_root, read_source
from pmo_lint.loader.gitio import SHALLOW_FIX, Repository
from pmo_lint.loader.gittree import Tree, portfolio
from pmo_lint.loader.yamlio import LIMIT, LoadedDocument, LoadProblem, parse_bytes
from pmo_lint.model.catalog import Catalog
from pmo_lint.options import RunInputs, RunOptions
from pmo_lint.outcome import FileOutcome, process_bytes, process_file
from pmo_lint.rules.base import ChangeSet, FileVersion
from pmo_lint.run import check

AUTO = "auto"
Loader = Callable[[Path, Config], tuple[list[FileOutcome], list[SourceFile]]]


def detect_base(env: Mapping[str, str]) -> str | None:
    """The base a CI job implies: GitHub's pull_request target branch, GitLab's merge request diff base."""
    if env.get("GITHUB_BASE_REF"):
        return f"origin/{env['GITHUB_BASE_REF']}"
    if env.get("CI_MERGE_REQUEST_DIFF_BASE_SHA"):
        return env["CI_MERGE_REQUEST_DIFF_BASE_SHA"]
    return None


# -- a portfolio read from git ----------------------------------------------------------------------
@dataclass(frozen=True)
class Revision:
    commit: str
    outcomes: list[FileOutcome]
    sources: list[SourceFile]
    files: frozenset[str]  # every file under the root (any type), for document references
    blobs: dict[str, str]  # YAML file -> blob id

    def loader(self) -> Loader:
        return lambda _root, _config: (self.outcomes, self.sources)

    def catalog(self) -> Catalog:
        return Catalog.build(o.loaded for o in self.outcomes if o.loaded is not None)


def read_revision(
    repo: Repository,
    commit: str,
    root: Path,
    prefix: str,
    config: Config,
    *,
    known: Mapping[tuple[str, str], FileOutcome] | None = None,
    memo: dict[tuple[str, str], FileOutcome] | None = None,
) -> Revision:
    """The portfolio at ``commit``, as ``discover()`` would find it on a checkout of it: symbolic links
    resolved in the commit's tree (``loader/gittree.py``, as ``history`` does), so a project file that is a
    link is compared with its base version rather than looking new. ``known`` maps (path, blob id) to
    outcomes already computed (the head's, or earlier commits'); only the other blobs are read and processed."""
    links: dict[str, str] = {}

    def read_link(oid: str) -> str:
        if oid not in links:
            links[oid] = repo.read_blobs([oid]).get(oid, b"").decode("utf-8", "surrogateescape")
        return links[oid]

    found, files = portfolio(
        Tree(repo.tree(commit)), prefix, DEFAULT_EXCLUDE + config.exclude, read_link, repo.toplevel
    )
    if len(found) > config.limits.max_files:
        raise UsageError(f"more than {config.limits.max_files} YAML files at {commit[:12]}; raise limits.max-files")
    known = known or {}
    memo = memo if memo is not None else {}
    missing = [f.oid for f in found if f.problem is None and (f.rel, f.oid) not in known and (f.rel, f.oid) not in memo]
    contents = repo.read_blobs(missing)
    if len(contents) < len(set(missing)):
        raise GitError(
            f"some files of the portfolio at {commit[:12]} are not in this clone (a partial clone?); {SHALLOW_FIX}"
        )
    outcomes: list[FileOutcome] = []
    sources: list[SourceFile] = []
    for f in found:
        source = SourceFile(f.rel, root / f.rel, f.problem)
        sources.append(source)
        if f.problem is not None:  # a broken, looping or escaping link: the finding a checkout would give
            outcomes.append(process_file(source, config.limits))
            continue
        key = (f.rel, f.oid)
        outcome = known.get(key) or memo.get(key)
        if outcome is None:
            raw = contents[f.oid]
            limit = config.limits.max_file_bytes
            if len(raw) > limit:
                problem = LoadProblem(LIMIT, f"file has {len(raw)} bytes, over the limit of {limit}")
                outcome = process_file(SourceFile(f.rel, root / f.rel, problem), config.limits)
            else:
                outcome = process_bytes(f.rel, raw, config.limits)
            memo[key] = outcome
        outcomes.append(outcome)
    return Revision(commit, outcomes, sources, files, {f.rel: f.oid for f in found if f.problem is None})


def head_blob_ids(repo: Repository, sources: Iterable[SourceFile], config: Config) -> dict[str, str]:
    """Blob ids of the working-tree files, hashed here: asking git would refresh the index (and run
    the repository's fsmonitor hook and clean filters)."""
    out: dict[str, str] = {}
    for src in sources:
        if src.problem is not None:
            continue
        raw = read_source(src, config.limits.max_file_bytes)
        if isinstance(raw, bytes):
            out[src.rel] = repo.blob_id(raw)
    return out


# -- PR mode ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    repo: Repository
    root: Path
    prefix: str  # the portfolio root relative to the repository root
    config: Config


def open_target(paths: tuple[Path, ...], config_path: Path | None) -> Target:
    root = find_root(paths[0])
    repo = Repository.open(root)
    prefix = repo.relative(root)
    for p in paths:
        repo.relative(p)
    # the same configuration the engine uses: custom rule packs inside the portfolio are not entities
    return Target(repo, root, prefix, exclude_policy_files(load_config(root, config_path), root))


@dataclass(frozen=True)
class Change:
    """The working tree against the merge base of a ref, loaded once: what PR mode and ``impact`` compare."""

    target: Target
    base_ref: str  # the ref as the user (or the CI) named it, resolved from ``auto``
    base: str  # the merge base commit
    head: str
    head_outcomes: list[FileOutcome]
    head_sources: list[SourceFile]
    base_rev: Revision
    changes: ChangeSet

    def head_inputs(self, *, keep_model: bool = False) -> RunInputs:
        """The head run's inputs: the loaded working tree and the change for the change-control rules."""
        outcomes, sources = self.head_outcomes, self.head_sources
        return RunInputs(
            config=self.target.config,
            load=lambda _r, _c: (outcomes, sources),
            changes=self.changes,
            keep_model=keep_model,
        )


def load_change(opts: RunOptions, base_ref: str) -> Change:
    """Read the working tree and the portfolio at the merge base of ``base_ref`` (``auto``: from the CI)."""
    paths = opts.paths or (Path(),)
    if base_ref == AUTO:
        detected = detect_base(os.environ)
        if detected is None:
            raise UsageError(
                "--base auto found no base: GITHUB_BASE_REF (GitHub pull_request) and "
                "CI_MERGE_REQUEST_DIFF_BASE_SHA (GitLab merge request) are unset; pass --base REF"
            )
        base_ref = detected
    t = open_target(paths, opts.config_path)
    repo = t.repo
    head = repo.head()
    if os.environ.get("GITHUB_BASE_REF") and base_ref == detect_base(os.environ) and repo.try_resolve(base_ref) is None:
        # a pull_request checkout is a test merge of the change into the base: its first parent is
        # the base tip, which is there even with fetch-depth: 2
        parents = repo.log(head, max_count=1)[0].parents
        if len(parents) == 2:
            base_ref = parents[0]
    base = repo.merge_base(repo.resolve(base_ref), head)

    head_outcomes, head_sources = load_working_tree(t.root, t.config, use_cache=not opts.no_cache)
    head_ids = head_blob_ids(repo, head_sources, t.config)
    by_rel = {o.rel: o for o in head_outcomes}
    known = {(rel, oid): by_rel[rel] for rel, oid in head_ids.items() if rel in by_rel}
    base_rev = read_revision(repo, base, t.root, t.prefix, t.config, known=known)

    changed = {rel for rel, oid in head_ids.items() if base_rev.blobs.get(rel) != oid}
    changed |= base_rev.blobs.keys() - head_ids.keys()
    versions = _versions(repo, base, head, t.prefix, changed) if t.config.git.require_approver_commits else {}
    changes = ChangeSet(base_rev.catalog(), frozenset(changed), t.config.git.require_approver_commits, versions)
    return Change(t, base_ref, base, head, head_outcomes, head_sources, base_rev, changes)


def run_pr(opts: RunOptions, base_ref: str, *, new_only: bool = False) -> Result:
    c = load_change(opts, base_ref)
    t, base_rev, base, head = c.target, c.base_rev, c.base, c.head
    head_run = check(opts, c.head_inputs())
    result = head_run.result
    # The base only has to answer "did this finding exist?" for the head's findings, so it runs
    # just the rules that fired at head: a fraction of the rule time of a full run.
    fired = sorted({d.code for d in (*result.diagnostics, *result.suppressed)})
    known_prints: set[str] = set()
    if fired:
        base_inputs = RunInputs(
            config=t.config,
            load=base_rev.loader(),
            files=base_rev.files,
            locate=False,
            policies=head_run.policies,  # both runs use one load of the rule packs
            # an unused waiver (GOV051) at head is "existing" only if the base runs the rule it names
            waived_rules="GOV051" in fired,
        )
        base_result = check(dataclasses.replace(opts, select=tuple(fired), extend_select=()), base_inputs).result
        known_prints = {d.fingerprint for d in (*base_result.diagnostics, *base_result.suppressed)}
    return mark(
        result, known_prints, base=base, head=head, base_ref=c.base_ref, new_only=new_only, branch=t.repo.branch
    )


def mark(
    result: Result, known: set[str], *, base: str, head: str, base_ref: str, new_only: bool, branch: str = ""
) -> Result:
    """Stamp each finding new or existing; with ``new_only`` keep only the new ones in the output."""

    def state(d: Diagnostic) -> Diagnostic:
        return d.replace(baseline_state="existing" if d.fingerprint in known else "new")

    diags = [state(d) for d in result.diagnostics]
    new = sum(1 for d in diags if d.baseline_state == "new")
    shown = [d for d in diags if d.baseline_state == "new"] if new_only else diags
    return dataclasses.replace(
        result,
        diagnostics=tuple(shown),
        suppressed=tuple(state(d) for d in result.suppressed),
        base=base,
        head=head,
        pr=PrSummary(base_ref, branch, new, len(diags) - new, new_only),
    )


def _versions(repo: Repository, base: str, head: str, prefix: str, changed: set[str]) -> dict[str, list[FileVersion]]:
    """For each changed file, its committed states inside base..head, oldest first, with their authors."""
    if not changed:
        return {}
    full = {(f"{prefix}/{rel}" if prefix else rel): rel for rel in changed if "\n" not in rel}
    commits = repo.log(f"{base}..{head}")
    touched: dict[str, list[tuple[str, str]]] = {}
    for c in reversed(commits):
        for change in repo.changes(c.parents[0] if c.parents else base, c.oid, prefix):
            if change.path in full and change.status != "D":
                touched.setdefault(change.path, []).append((c.oid, c.email))
    names = [f"{oid}:{path}" for path, items in touched.items() for oid, _ in items]
    blobs = repo.read_blobs(names)
    out: dict[str, list[FileVersion]] = {}
    for path, items in touched.items():
        for oid, email in items:
            raw = blobs.get(f"{oid}:{path}")
            doc = parse_bytes(raw) if raw is not None else None
            data = doc.data if isinstance(doc, LoadedDocument) else None
            out.setdefault(full[path], []).append(FileVersion(oid, email, data))
    return out
