"""``pmo-lint history``: findings per commit over first-parent history (the compliance trend).

Each commit is linted as it was, as of its own commit date, with the change-control rules comparing
it with its parent. Results are cached by commit id (a commit never changes), so a re-run computes
only the commits that are new. The cache lives in ``<cache-dir>/history/<key>/``, where the key
covers the tool version and the configuration, one signed file per commit; ``computed.log`` there
lists every commit computed, one a line, which tells what a run had to do.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import os
import stat
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from pmo_lint.cli import EXIT_OK, _split, handle_errors, traceback_option

if TYPE_CHECKING:
    from pmo_lint.engine import FileOutcome
    from pmo_lint.gitmode import Revision, Target
    from pmo_lint.loader.gitio import Commit

CACHE_VERSION = 2  # 2: rows are signed


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
@click.option("--since", metavar="YYYY-MM-DD", help="Only commits from this date on.")
@click.option("--commits", "max_commits", type=click.IntRange(min=1), help="Only the last N commits.")
@click.option("--select", multiple=True, help="Only these rules (codes, prefixes, ids or packs; comma-separated).")
@click.option("--ignore", multiple=True, help="Skip these rules (codes, prefixes, ids or packs).")
@click.option(
    "--per",
    type=click.Choice(["commit", "week"]),
    default="commit",
    show_default=True,
    help="One row per commit, or per ISO week (the week's last commit).",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="Use this configuration file.")
@click.option("--no-cache", is_flag=True, help="Compute every commit again and do not write the cache.")
@traceback_option
@handle_errors
def command(
    path: Path | None,
    since: str | None,
    max_commits: int | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    per: str,
    fmt: str,
    config_path: Path | None,
    no_cache: bool,
) -> int:
    """Findings per commit along the first-parent history of HEAD, oldest first.

    Each commit is checked as of its commit date, with the change-control rules comparing it with
    its parent. Results are cached by commit id in the cache folder (`cache-dir`, default
    .pmo-lint-cache/), so a re-run computes only new commits. `--format json` is what the site reads.
    """
    from pmo_lint.errors import UsageError

    if since is not None and max_commits is not None:
        raise UsageError("use --since or --commits, not both")
    try:
        since_date = dt.date.fromisoformat(since) if since is not None else None
    except ValueError:
        raise UsageError(f"--since {since!r} is not a date; use YYYY-MM-DD") from None
    opts = HistoryOptions(
        path or Path(), config_path, since_date, max_commits, not no_cache, _split(select), _split(ignore)
    )
    rows, computed = compute_history(opts)
    click.echo(f"{len(rows)} commit(s): {computed} computed, {len(rows) - computed} from the cache", err=True)
    if per == "week":
        rows = per_week(rows)
    click.echo(json.dumps(rows, indent=2, sort_keys=True) if fmt == "json" else render_text(rows))
    return EXIT_OK


def per_week(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The last commit of each ISO week, with its week (``2025-W23``): the state the week ended in."""
    last: dict[str, dict[str, Any]] = {}
    for row in rows:
        year, week, _ = dt.datetime.fromisoformat(row["date"]).isocalendar()
        key = f"{year}-W{week:02d}"
        last[key] = {**row, "week": key}
    return [last[k] for k in sorted(last)]


def render_text(rows: Sequence[dict[str, Any]]) -> str:
    lines = [f"{'COMMIT':<12} {'DATE':<10} {'ERRORS':>6} {'WARNINGS':>8} {'INFO':>5}  AUTHOR"]
    for r in rows:
        c = r["counts"]
        lines.append(
            f"{r['commit'][:12]:<12} {r['date'][:10]:<10} "
            f"{c['error']:>6} {c['warning']:>8} {c['info']:>5}  {r['author']}"
        )
    return "\n".join(lines)


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
        from pmo_lint.cache import verified

        if self.folder is None:
            return None
        value = verified(self._key, f"history:{commit}", _read_plain(self.folder / f"{commit}.signed"))
        try:
            row = json.loads(value) if value is not None else None
        except ValueError:
            return None
        return row if isinstance(row, dict) and row.get("commit") == commit else None

    def put(self, row: dict[str, Any]) -> None:
        from pmo_lint.cache import sign

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
    from pmo_lint.cache import secret, usable_folder

    base = usable_folder(t.root, t.config.cache_dir)  # confined as the per-file cache is
    key = secret()
    if base is None or key is None:
        return None
    raw = f"{CACHE_VERSION}\0{__version__}\0{t.prefix}\0{t.config!r}\0{opts.select}\0{opts.ignore}"
    folder = base / "history" / hashlib.sha256(raw.encode()).hexdigest()[:16]
    try:  # `history` or the key folder must not be links that lead elsewhere
        if folder.resolve() != base.resolve() / folder.relative_to(base):
            return None
    except (OSError, RuntimeError):
        return None
    return folder, key


def compute_history(opts: HistoryOptions) -> tuple[list[dict[str, Any]], int]:
    """Rows oldest first, and how many commits had to be computed."""
    from pmo_lint.gitmode import open_target

    t = open_target((opts.path,), opts.config_path)
    head = t.repo.head()
    commits = t.repo.log(head, first_parent=True, since=opts.since, max_count=opts.max_commits)
    cache = HistoryCache(*(_cache_folder(t, opts) or (None, None)))
    memo: dict[tuple[str, str], FileOutcome] = {}
    policy_memo: dict[str, object] = {}  # the rule packs are loaded once for all commits
    previous: Revision | None = None
    rows: list[dict[str, Any]] = []
    computed = 0
    for commit in reversed(commits):
        row = cache.get(commit.oid)
        if row is None:
            row, previous = _compute(t, commit, previous, memo, opts, policy_memo)
            cache.put(row)
            computed += 1
            # the next commit's parent is this one: older outcomes are not needed again (memory stays flat)
            keep = set(previous.blobs.items())
            for key in [k for k in memo if k not in keep]:
                del memo[key]
        rows.append(row)
    return rows, computed


def _compute(
    t: Target,
    commit: Commit,
    previous: Revision | None,
    memo: dict[tuple[str, str], FileOutcome],
    opts: HistoryOptions,
    policy_memo: dict[str, object],
) -> tuple[dict[str, Any], Revision]:
    from pmo_lint.engine import run
    from pmo_lint.gitmode import git_options, read_revision
    from pmo_lint.options import RunOptions
    from pmo_lint.rules.builtin_history import HISTORY_KEY, ChangeSet, FileVersion

    rev = read_revision(t.repo, commit.oid, t.root, t.prefix, t.config, memo=memo)
    context: dict[str, object] = {}
    if commit.parents:
        parent = commit.parents[0]
        base = previous if previous is not None and previous.commit == parent else None
        base = base or read_revision(t.repo, parent, t.root, t.prefix, t.config, memo=memo)
        changed = {rel for rel, oid in rev.blobs.items() if base.blobs.get(rel) != oid} | (
            base.blobs.keys() - rev.blobs.keys()
        )
        require = git_options(t.config)["require-approver-commits"]
        by_rel = {o.rel: o for o in rev.outcomes}
        versions = {
            rel: [FileVersion(commit.oid, commit.email, o.loaded.data if o.loaded is not None else None)]
            for rel in changed
            if (o := by_rel.get(rel)) is not None
        }
        context[HISTORY_KEY] = ChangeSet(base.catalog(), frozenset(changed), require, versions)
    extra: dict[str, object] = {
        "load": rev.loader(),
        "files": rev.files,
        "locate": False,
        "context": context,
        "policy_memo": policy_memo,
    }
    run_opts = RunOptions(
        paths=(t.root,), config_path=opts.config_path, select=opts.select, ignore=opts.ignore, as_of=commit.date.date()
    )
    result = run(dataclasses.replace(run_opts, extra=extra))
    metas = result.extra.get("rules", [])
    pack_of = {m.code: m.pack for m in metas} if isinstance(metas, list) else {}
    packs = Counter(pack_of.get(d.code, "") for d in result.diagnostics)
    row = {
        "commit": commit.oid,
        "date": commit.date.isoformat(),
        "author": commit.author,
        "files": result.files_checked,
        "counts": result.counts(),
        "packs": dict(sorted(packs.items())),
    }
    return row, rev
