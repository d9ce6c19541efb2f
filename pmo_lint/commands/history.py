"""``pmo-lint history``: findings per commit over first-parent history (the compliance trend).

Each commit is linted as it was, as of its own commit date, with the change-control rules comparing
it with its parent. Results are cached by commit id (a commit never changes), so a re-run computes
only the commits that are new. The cache lives in ``<cache-dir>/history/<key>/``, where the key
covers the tool version and the configuration, one signed file per commit; ``computed.log`` there
lists every commit computed, one a line, which tells what a run had to do.

Each row also says what its commit changed: the findings added and resolved against its first
parent, compared by the engine's line-independent fingerprint, so a finding whose line only moved
is neither. The change-control findings (GOV040-GOV044) are about the commit itself: they are
listed as added on the commit that made the change and never count as resolved on the next one.

In a shallow clone the oldest commit has no parent to compare with: its row is shown, marked
``comparedWithParent: false`` (and said so under the row and on stderr), with nothing added or
resolved, so a trend in CI with a limited fetch depth does not pass it off as a commit that changed
nothing. Such a row is not cached: once the history is fetched, the commit is compared.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import stat
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from pmo_lint.commands.common import EXIT_OK, handle_errors, traceback_option
from pmo_lint.commands.params import DATE, comma_list_option

if TYPE_CHECKING:
    from pmo_lint.cache.policy_memo import PolicyMemo
    from pmo_lint.diagnostics import Diagnostic
    from pmo_lint.gitmode import Target
    from pmo_lint.loader.discover import SourceFile
    from pmo_lint.loader.gitio import Commit, TreeEntry
    from pmo_lint.loader.gittree import Tree
    from pmo_lint.model.catalog import Catalog
    from pmo_lint.options import Run
    from pmo_lint.outcome import FileOutcome
    from pmo_lint.rules.base import ChangeSet
    from pmo_lint.rules.policy import PolicySet

CACHE_VERSION = 3  # 2: rows are signed; 3: rows list the findings added and resolved
MAX_LISTED = 500  # findings per list in one row (a first commit adds them all); the rest are only counted
TEXT_LISTED = 10  # findings the text output lists under a row
NOT_COMPARED = "not compared with its parent (shallow clone): what this commit changed is not checked"


@dataclass(frozen=True)
class HistoryOptions:
    path: Path
    config_path: Path | None = None
    since: dt.date | None = None
    max_commits: int | None = None
    use_cache: bool = True
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()


@click.command("history")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option(
    "--since",
    type=DATE,
    help="Only commits from the first one dated on or after this date (later commits with an older date too).",
)
@click.option("--commits", "max_commits", type=click.IntRange(min=1), help="Only the last N commits.")
@comma_list_option("--select", help="Only these rules (codes, prefixes, ids or packs; comma-separated).")
@comma_list_option("--ignore", help="Skip these rules (codes, prefixes, ids or packs).")
@click.option(
    "--per",
    type=click.Choice(["commit", "week"]),
    default="commit",
    show_default=True,
    help="One row per commit, or per ISO week (the week's last commit).",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write to this file instead of standard output.")
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="Use this configuration file.")
@click.option("--no-cache", is_flag=True, help="Compute every commit again and do not write the cache.")
@traceback_option
@handle_errors
def command(
    path: Path | None,
    since: dt.date | None,
    max_commits: int | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    per: str,
    fmt: str,
    output: Path | None,
    config_path: Path | None,
    no_cache: bool,
) -> int:
    """Findings per commit along the first-parent history of HEAD, oldest first.

    Each commit is checked as of its commit date, with the change-control rules comparing it with
    its parent. Under each row, the findings the commit added (+) and resolved (-), with their rule
    codes and what they are about; a finding whose line only moved is neither. Results are cached by
    commit id in the cache folder (`cache-dir`, default .pmo-lint-cache/), so a re-run computes only
    new commits. `--format json` is what the site reads.
    """
    from pmo_lint.errors import UsageError

    if since is not None and max_commits is not None:
        raise UsageError("use --since or --commits, not both")
    opts = HistoryOptions(path or Path(), config_path, since, max_commits, not no_cache, select, ignore)
    rows, computed = compute_history(opts)
    click.echo(f"{len(rows)} commit(s): {computed} computed, {len(rows) - computed} from the cache", err=True)
    cut = [r for r in rows if r.get("comparedWithParent") is False]
    if cut:
        from pmo_lint.loader.gitio import SHALLOW_FIX

        shown = ", ".join(f"{r['commit'][:12]} ({r['date'][:10]})" for r in cut)
        click.echo(
            f"note: this is a shallow clone; commit {shown} is shown but not compared with its parent, which the "
            f"clone does not have, so what it changed is not checked (change control, GOV040-GOV044); {SHALLOW_FIX}",
            err=True,
        )
    early = [r for r in rows if since is not None and dt.datetime.fromisoformat(r["date"]).date() < since]
    if early:
        click.echo(
            f"note: {len(early)} commit(s) dated before {since} are shown because they were made after commits "
            "dated on or after it (a clock that was off?), so that what they changed is checked too",
            err=True,
        )
    rows = with_lapsed(rows)
    if per == "week":
        rows = per_week(rows)
    from pmo_lint.output import write_output

    text = json.dumps(rows, indent=2, sort_keys=True) if fmt == "json" else render_text(rows)
    write_output(text + "\n", output)
    return EXIT_OK


def with_lapsed(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each row with ``lapsed``: the change-control findings of the row before, which concern that commit only
    and so are gone from this one's counts without being resolved (0 for the first row shown)."""
    out, before = [], 0
    for row in rows:
        out.append({**row, "lapsed": before})
        before = int(row.get("changeControlFindings", 0))
    return out


def per_week(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The last commit of each ISO week, with its week (``2025-W23``): the state the week ended in, and
    the findings the week added and resolved (one added and resolved within the week is neither)."""
    weeks: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        year, week, _ = dt.datetime.fromisoformat(row["date"]).isocalendar()
        weeks.setdefault(f"{year}-W{week:02d}", []).append(row)
    return [
        {
            **group[-1],
            "week": key,
            "lapsed": group[0].get("lapsed", 0),
            # a week with a commit that could not be compared did not change "nothing" there
            "comparedWithParent": all(r.get("comparedWithParent", True) for r in group),
            **_net_change(group),
        }
        for key, group in sorted(weeks.items())
    ]


def _net_change(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The added and resolved lists of consecutive rows as one change."""
    added: dict[str, list[dict[str, Any]]] = defaultdict(list)
    resolved: dict[str, list[dict[str, Any]]] = defaultdict(list)
    omitted = Counter[str]()
    for row in rows:
        for rec in row.get("added", ()):
            fp = rec.get("fingerprint", "")
            if not rec.get("changeControl") and resolved.get(fp):
                resolved[fp].pop()  # resolved earlier in the week, back again: no change
            else:
                added[fp].append(rec)
        for rec in row.get("resolved", ()):
            fp = rec.get("fingerprint", "")
            if added.get(fp):
                added[fp].pop()  # added earlier in the week, gone again: no change
            else:
                resolved[fp].append(rec)
        omitted.update(row.get("omitted") or {})
    return {
        "added": sorted((r for recs in added.values() for r in recs), key=_record_order),
        "resolved": sorted((r for recs in resolved.values() for r in recs), key=_record_order),
        "omitted": {"added": omitted["added"], "resolved": omitted["resolved"]},
    }


def _record_order(rec: Mapping[str, Any]) -> tuple[int, str, str, str, str]:
    rank = {"error": 0, "warning": 1, "info": 2}.get(rec.get("severity", ""), 3)
    return (rank, rec.get("code", ""), rec.get("entity", ""), rec.get("file", ""), rec.get("message", ""))


def subject_text(rec: Mapping[str, Any]) -> str:
    """What a finding is about, in a few words: ``project crm-migration``, else its file, else the portfolio."""
    entity = str(rec.get("entity") or "")
    if entity:
        kind, _, name = entity.partition(":")
        return f"{kind} {name}" if name else entity
    return str(rec.get("file") or "") or "portfolio"


def render_text(rows: Sequence[dict[str, Any]]) -> str:
    lines = [f"{'COMMIT':<12} {'DATE':<10} {'ERRORS':>6} {'WARNINGS':>8} {'INFO':>5}  AUTHOR"]
    for r in rows:
        c = r["counts"]
        lines.append(
            f"{r['commit'][:12]:<12} {r['date'][:10]:<10} "
            f"{c['error']:>6} {c['warning']:>8} {c['info']:>5}  {r['author']}"
        )
        lines.extend(_change_lines(r))
    return "\n".join(lines)


def _change_lines(row: Mapping[str, Any]) -> list[str]:
    """Under a row: ``+ CODE subject: message`` for each finding added, ``- ...`` for each resolved."""
    added, resolved = list(row.get("added", ())), list(row.get("resolved", ()))
    shown = [("+", rec) for rec in added] + [("-", rec) for rec in resolved]
    shown = shown[:TEXT_LISTED]
    out = []
    for sign, rec in shown:
        note = " (waived)" if rec.get("waived") else ""
        out.append(f"  {sign} {rec.get('code', '')} {subject_text(rec)}: {rec.get('message', '')}{note}")
    omitted = row.get("omitted") or {}
    shown_added = sum(1 for sign, _ in shown if sign == "+")
    more_added = len(added) - shown_added + int(omitted.get("added", 0))
    more_resolved = len(resolved) - (len(shown) - shown_added) + int(omitted.get("resolved", 0))
    more = [f"{n} more {what}" for n, what in ((more_added, "added"), (more_resolved, "resolved")) if n]
    if more:
        out.append(f"  … {', '.join(more)}; see --format json")
    if row.get("comparedWithParent") is False:
        out.append(f"  ! {NOT_COMPARED}; fetch the full history (`git fetch --unshallow`)")
    lapsed = int(row.get("lapsed", 0))
    if lapsed:
        out.append(f"  · {lapsed} change-control finding(s) of the commit before concern that commit only")
    return out


class HistoryCache:
    """One signed JSON file per commit; a missing, unreadable or unsigned entry means the commit is computed again.

    Signed as the per-file cache is (cache.py: an HMAC keyed by a secret kept outside the repository),
    because the cache folder sits in the repository: a row a pull request plants there does not
    verify, so it cannot change what the trend reports. Files are opened without following links.
    """

    def __init__(self, folder: Path | None, key: bytes | None = None) -> None:
        self.folder = folder if key is not None else None  # no secret, no cache
        self._key = key or b""

    def get(self, commit: str) -> dict[str, Any] | None:
        from pmo_lint.cache.store import verified

        if self.folder is None:
            return None
        value = verified(self._key, f"history:{commit}", _read_plain(self.folder / f"{commit}.signed"))
        try:
            row = json.loads(value) if value is not None else None
        except ValueError:
            return None
        return row if isinstance(row, dict) and row.get("commit") == commit else None

    def put(self, row: dict[str, Any]) -> None:
        from pmo_lint.cache.store import sign

        if self.folder is None:
            return
        nofollow = os.O_NOFOLLOW if hasattr(os, "O_NOFOLLOW") else 0
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(FileExistsError):  # O_EXCL: never through a link to a file elsewhere
                fd = os.open(self.folder.parent.parent / ".gitignore", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    fh.write("# created by pmo-lint\n*\n")
            payload = json.dumps(row, sort_keys=True).encode("utf-8")
            target = self.folder / f"{row['commit']}.signed"
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | nofollow, 0o644)
            with os.fdopen(fd, "wb") as fh:
                fh.write(sign(self._key, f"history:{row['commit']}", payload) + payload)
            tmp.replace(target)
            fd = os.open(self.folder / "computed.log", os.O_WRONLY | os.O_APPEND | os.O_CREAT | nofollow, 0o644)
            with os.fdopen(fd, "a", encoding="utf-8") as log:
                log.write(row["commit"] + "\n")
        except OSError:
            pass  # a read-only checkout still gets its trend, just not cached


def _read_plain(path: Path, limit: int = 1 << 20) -> bytes | None:
    """A regular file's bytes, at most ``limit``; None for a link, a device, a FIFO or anything larger."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > limit:
            return None
        return os.read(fd, limit + 1)
    except OSError:
        return None
    finally:
        os.close(fd)


def _cache_folder(t: Target, opts: HistoryOptions) -> tuple[Path, bytes] | None:
    """This configuration's history folder in the cache folder, and the signing key; None for no cache."""
    if not opts.use_cache:
        return None
    from pmo_lint import __version__
    from pmo_lint.cache.fingerprint import code_fingerprint
    from pmo_lint.cache.store import secret, usable_folder

    base = usable_folder(t.root, t.config.cache_dir)  # confined as the per-file cache is
    key = secret()
    if base is None or key is None:
        return None
    # the rows depend on the code and shipped packs (an editable install changes them without a new version)
    # and on the bytes of the portfolio's own packs, which the configuration only names
    raw = (
        f"{CACHE_VERSION}\0{__version__}\0{code_fingerprint()}\0{_packs_digest(t)}\0{t.prefix}\0{t.config!r}"
        f"\0{opts.select}\0{opts.ignore}"
    )
    folder = base / "history" / hashlib.sha256(raw.encode()).hexdigest()[:16]
    try:  # `history` or the key folder must not be links that lead elsewhere
        if folder.resolve() != base.resolve() / folder.relative_to(base):
            return None
    except (OSError, RuntimeError):
        return None
    return folder, key


def _packs_digest(t: Target) -> str:
    """A digest of the portfolio's own rule packs as they are now (the packs every commit is checked with)."""
    from pmo_lint.rules.policy.source import configured_pack_files

    config_dir = Path(t.config.source).parent if t.config.source else t.root
    digest = hashlib.sha256()
    for path in configured_pack_files(t.config.policies, config_dir, t.root):
        try:
            data = path.read_bytes()
        except OSError:
            data = b"\0unreadable"
        digest.update(f"{path}\0{len(data)}\0".encode() + data)
    return digest.hexdigest()


def compute_history(opts: HistoryOptions) -> tuple[list[dict[str, Any]], int]:
    """Rows oldest first, and how many commits had to be computed."""
    from pmo_lint.gitmode import open_target

    t = open_target((opts.path,), opts.config_path)
    head = t.repo.head()
    commits = list(reversed(t.repo.log(head, first_parent=True, max_count=opts.max_commits)))
    if opts.since is not None:
        commits = from_date(commits, opts.since)
    cut = t.repo.shallow_commits()  # their parents are not in this clone: git shows them as first commits
    cache = HistoryCache(*(_cache_folder(t, opts) or (None, None)))
    found: list[dict[str, Any] | None] = [cache.get(c.oid) for c in commits]
    todo = [i for i, row in enumerate(found) if row is None]
    if todo:
        span = slice(todo[0], todo[-1] + 1)
        for i, row in _walk(t, opts, commits[span], found[span]):
            if row["commit"] in cut:
                row = _not_compared(row)  # not cached: once the history is fetched, the commit is compared
            else:
                cache.put(row)
            found[todo[0] + i] = row
    # said on every row, so that a reader of the JSON need not know that a missing key means compared
    rows = [{"comparedWithParent": True, **row} for row in found if row is not None]
    return rows, len(todo)


def from_date(commits: Sequence[Commit], day: dt.date) -> list[Commit]:
    """``commits`` (oldest first) from the oldest one dated on or after ``day`` on, all of them.

    Not `git log --since`: git stops at the first commit dated before the day, so one commit whose clock
    was off hid every commit before it. A commit in the range that carries an older date is kept too: it
    came after the others, and leaving it out would leave what it changed unchecked."""
    first = next((i for i, c in enumerate(commits) if c.date.date() >= day), len(commits))
    return list(commits[first:])


def _not_compared(row: dict[str, Any]) -> dict[str, Any]:
    # what the commit added or resolved is not known without its parent: nothing is listed for it
    nothing = {"added": [], "resolved": [], "omitted": {"added": 0, "resolved": 0}, "changeControlFindings": 0}
    return {**row, **nothing, "comparedWithParent": False}


# commits a worker process must have to pay for itself: it opens the repository again, loads the rule
# packs, and runs the commit before its first one once more (to know what that commit added and resolved)
PARALLEL_MIN_COMMITS = 100


def _walk(
    t: Target, opts: HistoryOptions, commits: list[Commit], cached: list[dict[str, Any] | None]
) -> Iterator[tuple[int, dict[str, Any]]]:
    """The rows of ``commits`` not ``cached``; in contiguous runs of commits over worker processes when there
    are enough. A run that starts mid-history compares its first commit with the commit before it, as a
    run after cached rows does, so the rows are the same whichever process computed them."""
    from pmo_lint.cache.workers import jobs

    env_min = os.environ.get("PMO_LINT_HISTORY_PARALLEL_MIN", "")
    per_worker = int(env_min) if env_min.isdigit() and int(env_min) > 0 else PARALLEL_MIN_COMMITS
    workers = min(jobs(), len(commits) // per_worker)
    import multiprocessing

    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield from _Walk(t, opts).rows(commits, cached)
        return
    size = -(-len(commits) // workers)
    starts = list(range(0, len(commits), size))
    parts = [(opts, commits[a : a + size], cached[a : a + size]) for a in starts]
    # fork: workers inherit the imported rules and models; each opens its own git processes
    with multiprocessing.get_context("fork").Pool(len(parts)) as pool:
        for start, rows in zip(starts, pool.imap(_walk_part, parts), strict=True):
            for i, row in rows:
                yield start + i, row


def _walk_part(
    part: tuple[HistoryOptions, list[Commit], list[dict[str, Any] | None]],
) -> list[tuple[int, dict[str, Any]]]:
    from pmo_lint.gitmode import open_target

    opts, commits, cached = part
    t = open_target((opts.path,), opts.config_path)
    return list(_Walk(t, opts).rows(commits, cached))


@dataclass
class _State:
    """The portfolio at one commit, as a checkout of it would show it to ``check``."""

    commit: str
    outcomes: list[FileOutcome]
    sources: list[SourceFile]
    files: frozenset[str]  # every document (any file type) for references
    blobs: dict[str, str]  # YAML file -> the blob read for it (a link's target's)
    problems: tuple[tuple[str, str], ...]  # files that were not read, and why
    _catalog: Catalog | None = None

    def catalog(self) -> Catalog:
        from pmo_lint.model.catalog import Catalog

        if self._catalog is None:  # built once: this commit's catalog is the next commit's base
            self._catalog = Catalog.build(o.loaded for o in self.outcomes if o.loaded is not None)
        return self._catalog

    def same_portfolio(self, other: _State) -> bool:
        return self.blobs == other.blobs and self.problems == other.problems and self.files == other.files


@dataclass(frozen=True)
class _Findings:
    """One commit's findings by fingerprint, with what it takes to describe them (the catalog's titles)."""

    commit: str
    items: tuple[tuple[str, Diagnostic], ...] = ()  # (fingerprint, finding), each fingerprint computed once
    waived: frozenset[str] = frozenset()  # fingerprints of the findings a waiver or comment hides
    catalog: Catalog | None = field(default=None, compare=False)

    @classmethod
    def of(cls, commit: str, run: Run) -> _Findings:
        result = run.result
        return cls(
            commit,
            tuple((d.fingerprint, d) for d in result.diagnostics),
            frozenset(d.fingerprint for d in result.suppressed),
            run.catalog,
        )


def finding_changes(
    before: Sequence[tuple[str, Diagnostic]], after: Sequence[tuple[str, Diagnostic]], transient: frozenset[str]
) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """The findings ``after`` has and ``before`` has not, and those ``before`` has and ``after`` has not, by
    fingerprint (a repeat counts). Findings of the ``transient`` rules (change control) are about the change
    itself: each is added, none is resolved."""
    old: dict[str, int] = Counter(fp for fp, d in before if d.rule not in transient)
    new: dict[str, list[Diagnostic]] = defaultdict(list)
    added = []
    for fp, d in after:
        if d.rule in transient:
            added.append(d)
        else:
            new[fp].append(d)
    for fp, found in new.items():
        added.extend(found[old.get(fp, 0) :])
    kept = Counter({fp: len(found) for fp, found in new.items()})
    resolved = []
    for fp, d in before:
        if d.rule in transient:
            continue
        if kept[fp] > 0:
            kept[fp] -= 1
        else:
            resolved.append(d)
    return added, resolved


def _record(d: Diagnostic, catalog: Catalog | None, transient: frozenset[str], waived: bool) -> dict[str, Any]:
    title = ""
    if d.entity and catalog is not None:
        found = catalog.lookup(d.entity, kinds=())
        title = (found.entity.metadata.title or "") if found is not None else ""
    return {
        "code": d.code,
        "rule": d.rule,
        "severity": d.severity.label,
        "file": d.path,
        "entity": d.entity,
        "title": title,
        "message": d.message,
        "fingerprint": d.fingerprint,
        "changeControl": d.rule in transient,
        "waived": waived,
    }


def _changes(before: _Findings, after: _Findings, transient: frozenset[str]) -> dict[str, Any]:
    """A row's ``added``, ``resolved`` and ``omitted`` (what did not fit in the lists)."""
    added, resolved = finding_changes(before.items, after.items, transient)
    added_recs = sorted((_record(d, after.catalog, transient, False) for d in added), key=_record_order)
    resolved_recs = sorted(
        (_record(d, before.catalog, transient, d.fingerprint in after.waived) for d in resolved), key=_record_order
    )
    return {
        "added": added_recs[:MAX_LISTED],
        "resolved": resolved_recs[:MAX_LISTED],
        "omitted": {"added": max(len(added) - MAX_LISTED, 0), "resolved": max(len(resolved) - MAX_LISTED, 0)},
        "changeControlFindings": sum(1 for _, d in after.items if d.rule in transient),
    }


class _Walk:
    """Commits oldest first, each from the one before: the tree is changed by the commit's diff, and
    only files whose blob is new are read, parsed and validated (by blob, in batches).

    What a commit's run needs is the same as a checkout of it gives ``check``: symbolic links are
    resolved in the commit's tree (``loader/gittree.py``). A commit that changes no file of the
    portfolio, after a parent that changed none either, on the same date, has its parent's verdict:
    the run's inputs are the same, so it is not run again.
    """

    BATCH = 512  # commits whose new blobs are read with one `git cat-file --batch`

    def __init__(self, t: Target, opts: HistoryOptions) -> None:
        from pmo_lint.config import DEFAULT_EXCLUDE

        self.t, self.opts = t, opts
        self.exclude = DEFAULT_EXCLUDE + t.config.exclude
        self.base = f"{t.prefix}/" if t.prefix else ""
        self.memo: dict[tuple[str, str], FileOutcome] = {}  # (path, blob or problem) -> outcome
        self.blobs: dict[str, bytes] = {}  # read ahead, dropped once processed
        self.links: dict[str, str] = {}  # a link's blob -> its text
        self.sources: dict[tuple[str, str], SourceFile] = {}
        self.policies: PolicySet | None = None  # the rule packs, loaded by the first run for all of them
        self.memo_cel = _policy_memo()
        self.known: _Findings | None = None  # the findings of the last commit run, for the next one's changes
        from pmo_lint.rules.builtin_history import HISTORY_RULES

        self.transient = frozenset(r.meta.id for r in HISTORY_RULES)

    # -- reading --------------------------------------------------------------------------------
    def _wanted(self, entry: TreeEntry) -> bool:
        from pmo_lint.loader.discover import YAML_SUFFIXES
        from pmo_lint.loader.gittree import LINK, REGULAR

        if entry.mode == LINK:
            return entry.oid not in self.links
        return entry.mode in REGULAR and entry.path.startswith(self.base) and entry.path.endswith(YAML_SUFFIXES)

    def _read_ahead(self, entries: Iterable[TreeEntry]) -> None:
        from pmo_lint.loader.gittree import LINK

        wanted = {e.oid: e.mode == LINK for e in entries if self._wanted(e)}
        if not wanted:
            return
        got = self.t.repo.read_blobs(wanted)
        for oid, raw in got.items():
            if wanted[oid]:
                self.links[oid] = raw.decode("utf-8", "surrogateescape")
            else:
                self.blobs[oid] = raw

    def _read_link(self, oid: str) -> str:
        if oid not in self.links:
            raw = self.t.repo.read_blobs([oid]).get(oid, b"")
            self.links[oid] = raw.decode("utf-8", "surrogateescape")
        return self.links[oid]

    def _content(self, oid: str, commit: str) -> bytes:
        raw = self.blobs.pop(oid, None)
        if raw is None:  # a link's target, or a blob read for another path
            raw = self.t.repo.read_blobs([oid]).get(oid)
        if raw is None:
            from pmo_lint.errors import GitError
            from pmo_lint.loader.gitio import SHALLOW_FIX

            raise GitError(
                f"some files of the portfolio at {commit[:12]} are not in this clone (a partial clone?); {SHALLOW_FIX}"
            )
        return raw

    # -- one commit -----------------------------------------------------------------------------
    def state(self, tree: Tree, commit: str) -> _State:
        from pmo_lint.errors import UsageError
        from pmo_lint.loader.discover import SourceFile
        from pmo_lint.loader.gittree import portfolio
        from pmo_lint.loader.yamlio import LIMIT, LoadProblem
        from pmo_lint.outcome import process_bytes, process_file

        t = self.t
        limits = t.config.limits
        found, files = portfolio(tree, t.prefix, self.exclude, self._read_link, t.repo.toplevel)
        if len(found) > limits.max_files:
            raise UsageError(f"more than {limits.max_files} YAML files at {commit[:12]}; raise limits.max-files")
        outcomes: list[FileOutcome] = []
        sources: list[SourceFile] = []
        blobs: dict[str, str] = {}
        problems: list[tuple[str, str]] = []
        memo: dict[tuple[str, str], FileOutcome] = {}
        for f in found:
            key = (f.rel, f.oid if f.problem is None else f"!{f.problem.message}")
            src = self.sources.get(key) or SourceFile(f.rel, f"{t.root}/{f.rel}", f.problem)
            outcome = self.memo.get(key)
            if outcome is None:
                if f.problem is not None:
                    outcome = process_file(src, limits)
                else:
                    raw = self._content(f.oid, commit)
                    if len(raw) > limits.max_file_bytes:
                        too_big = LoadProblem(
                            LIMIT, f"file has {len(raw)} bytes, over the limit of {limits.max_file_bytes}"
                        )
                        outcome = process_file(SourceFile(f.rel, src.path, too_big), limits)
                    else:
                        outcome = process_bytes(f.rel, raw, limits)
            memo[key] = outcome
            outcomes.append(outcome)
            sources.append(src)
            if f.problem is None:
                blobs[f.rel] = f.oid
            else:
                problems.append(key)
        # only this commit's outcomes are kept: the next commit is computed from this one (memory stays flat)
        self.memo = memo
        self.sources = dict(zip(memo, sources, strict=True))
        return _State(commit, outcomes, sources, files, blobs, tuple(problems))

    def rows(
        self, commits: Sequence[Commit], cached: Sequence[dict[str, Any] | None]
    ) -> Iterator[tuple[int, dict[str, Any]]]:
        """(index, row) of each commit whose row is not ``cached``, oldest first."""
        from pmo_lint.loader.gittree import Tree

        repo = self.t.repo
        first = commits[0]
        parent: _State | None = None
        tree = Tree({})
        if first.parents:
            tree = Tree(repo.tree(first.parents[0]))
            self._read_ahead(tree.entries.values())
            parent = self.state(tree, first.parents[0])
        # each commit's diff against its first parent, in one call; the first parent is the commit
        # before it in the list except where --since cut the history
        pairs = [(c.oid, c.parents[0]) for c in commits if c.parents]
        diffs = iter(repo.diffs(pairs))
        previous: tuple[dict[str, Any], bool] | None = None  # the last row, and whether its commit changed nothing
        for start in range(0, len(commits), self.BATCH):
            batch = commits[start : start + self.BATCH]
            changes = [next(diffs) if c.parents else None for c in batch]
            self.blobs.clear()  # what the batch before read and did not need
            self._read_ahead(ch.entry for change in changes if change is not None for ch in change if ch.status != "D")
            for offset, (commit, change) in enumerate(zip(batch, changes, strict=True)):
                i = start + offset
                if change is not None and parent is not None and commit.parents[0] == parent.commit:
                    tree.apply(change)
                else:  # a root commit, or one whose parent was not walked
                    tree = Tree(repo.tree(commit.oid))
                    self._read_ahead(tree.entries.values())
                    parent = None
                    if commit.parents:
                        base_tree = Tree(repo.tree(commit.parents[0]))
                        self._read_ahead(base_tree.entries.values())
                        parent = self.state(base_tree, commit.parents[0])
                if cached[i] is not None and (i + 1 == len(commits) or cached[i + 1] is not None):
                    parent = None  # neither this commit nor the next is computed: no state needed
                    previous = None
                    continue
                current = self.state(tree, commit.oid)
                unchanged = parent is not None and current.same_portfolio(parent)
                row = cached[i]
                if row is None:
                    if unchanged and previous is not None and previous[1] and _same_day(previous[0], commit):
                        row = _stamp(previous[0], commit)  # same inputs as the commit before: same verdict
                        if self.known is not None and self.known.commit == commit.parents[0]:
                            self.known = replace(self.known, commit=commit.oid)
                    else:
                        row = self._run(commit, current, parent)
                    yield i, row
                previous = (row, unchanged)
                parent = current

    def _check(self, as_of: dt.date, state: _State, changes: ChangeSet | None) -> Run:
        from pmo_lint.options import RunInputs, RunOptions
        from pmo_lint.run import check

        t = self.t
        inputs = RunInputs(
            config=t.config,
            load=lambda _root, _config: (state.outcomes, state.sources),
            files=state.files,
            locate=False,
            changes=changes,
            policies=self.policies,
            policy_memo=self.memo_cel,
        )
        opts = self.opts
        run_opts = RunOptions(
            paths=(t.root,), config_path=opts.config_path, select=opts.select, ignore=opts.ignore, as_of=as_of
        )
        done = check(run_opts, inputs)
        self.policies = done.policies
        self.memo_cel.stored, self.memo_cel.used = self.memo_cel.used, {}  # keep what this run used
        return done

    def _before(self, commit: Commit, parent: _State | None) -> _Findings:
        """The findings of the commit's first parent, to compare the commit's with."""
        if not commit.parents or parent is None:
            return _Findings("")  # a first commit adds every finding it has
        if self.known is not None and self.known.commit == commit.parents[0]:
            return self.known
        # the parent's row came from the cache or lies before --since: run it once, without its change-control
        # findings, which never count as resolved; every commit after it is compared with the one before
        found = self.t.repo.log(commit.parents[0], max_count=1)
        as_of = (found[0] if found else commit).date.date()
        return _Findings.of(parent.commit, self._check(as_of, parent, None))

    def _run(self, commit: Commit, current: _State, parent: _State | None) -> dict[str, Any]:
        from pmo_lint.rules.base import ChangeSet, FileVersion

        t = self.t
        changes: ChangeSet | None = None
        if parent is not None:
            changed = {rel for rel, oid in current.blobs.items() if parent.blobs.get(rel) != oid}
            changed |= parent.blobs.keys() - current.blobs.keys()
            by_rel = {o.rel: o for o in current.outcomes if o.rel in changed}
            versions = {
                rel: [FileVersion(commit.oid, commit.email, o.loaded.data if o.loaded is not None else None)]
                for rel, o in by_rel.items()
            }
            changes = ChangeSet(parent.catalog(), frozenset(changed), t.config.git.require_approver_commits, versions)
        before = self._before(commit, parent)
        done = self._check(commit.date.date(), current, changes)
        result = done.result
        after = _Findings.of(commit.oid, done)
        delta = _changes(before, after, self.transient)
        self.known = after
        pack_of = {m.code: m.pack for m in result.rules or ()}
        packs = Counter(pack_of.get(d.code, "") for d in result.diagnostics)
        return {
            "commit": commit.oid,
            "date": commit.date.isoformat(),
            "author": commit.author,
            "files": result.files_checked,
            "counts": result.counts(),
            "packs": dict(sorted(packs.items())),
            **delta,
        }


def _policy_memo() -> PolicyMemo:
    """The rule packs' results per entity, kept in memory from one commit's run to the next.

    A kind whose rules never read the as-of date (``asOf``, ``daysSince``) is keyed without it: a
    risk that did not change keeps its verdict from one day to the next (date-dependent facts are
    in each entity's key). Each run keeps only the entries it used, so memory stays flat.
    """
    from pmo_lint.cache.fingerprint import policy_salt
    from pmo_lint.cache.policy_memo import PolicyMemo

    class DatedOnlyWhenRead(PolicyMemo):
        def group(
            self, rules: Sequence[Any], config: Mapping[str, Any], as_of: str, *, extra: object = None
        ) -> bytes | None:
            sources = " ".join(f"{r.when_src} {r.assert_src} {r.each_src} {r.message}" for r in rules)
            dated = "asOf" in sources or "daysSince" in sources
            return super().group(rules, config, as_of if dated else "", extra=extra)

    return DatedOnlyWhenRead(salt=policy_salt().encode())


def _same_day(row: dict[str, Any], commit: Commit) -> bool:
    return bool(dt.datetime.fromisoformat(row["date"]).date() == commit.date.date())


def _stamp(row: dict[str, Any], commit: Commit) -> dict[str, Any]:
    # the same verdict again: nothing added or resolved (and no change control: the portfolio did not change)
    nothing = {"added": [], "resolved": [], "omitted": {"added": 0, "resolved": 0}, "changeControlFindings": 0}
    return {**row, **nothing, "commit": commit.oid, "date": commit.date.isoformat(), "author": commit.author}
