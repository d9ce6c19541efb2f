"""The whole-run cache: a plain run's Result, stored under a key of every input it had.

The key covers the code fingerprint, every option, the configuration, the as-of date, the content
hash of every YAML file and the signature of every other file under the root, the policy files,
the git HEAD and index, and the CI variables PR mode reads. Only plain runs use it (no inputs handed
in by PR mode, history or the site); any change to any input is a miss.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
import sys
from pathlib import Path
from typing import Any

from pmo_lint.cache import fingerprint
from pmo_lint.cache.fingerprint import content_hash
from pmo_lint.cache.scan import Scan, signature
from pmo_lint.config import Config
from pmo_lint.diagnostics import Result
from pmo_lint.options import RunOptions

_ENV_KEYS = ("GITHUB_BASE_REF", "GITHUB_HEAD_REF", "GITHUB_ACTIONS", "CI_MERGE_REQUEST_DIFF_BASE_SHA", "GITLAB_CI")


def _git_state(root: Path) -> list[str]:
    """HEAD, the ref it names and the index signature of the repository holding ``root``."""
    probe = root
    while True:
        dotgit = probe / ".git"
        if dotgit.exists():
            break
        if probe.parent == probe:
            return ["no-git"]
        probe = probe.parent
    out: list[str] = [str(dotgit)]
    try:
        if dotgit.is_file():  # a worktree or submodule: "gitdir: PATH"
            target = dotgit.read_text("utf-8").partition("gitdir:")[2].strip()
            dotgit = (probe / target).resolve()
        head = (dotgit / "HEAD").read_text("utf-8").strip()
        out.append(head)
        if head.startswith("ref:"):
            ref = dotgit / head[4:].strip()
            out.append(ref.read_text("utf-8").strip() if ref.is_file() else "packed")
        for name in ("index", "packed-refs", "shallow"):
            p = dotgit / name
            out.append(f"{name}:{signature(p.stat()) if p.exists() else '-'}")
    except OSError as exc:
        out.append(f"error:{exc.errno}")
    return out


def _policy_files(root: Path, config: Config) -> list[str]:
    out: list[str] = []
    base = Path(config.source).parent if config.source else root
    for entry in config.policies:
        path = base / entry
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for f in files:
            try:
                out.append(f"{f}\0{content_hash(f.read_bytes())}")
            except OSError:
                out.append(f"{f}\0missing")
    return out


def _installed_state() -> list[str]:
    """Installing or removing a package (a rule plug-in) changes its site-packages folder's mtime.

    The folder Python puts first for the way it was started (the entry script's ``bin/``, or the working
    folder under ``python -m``) is left out: it holds no installed package, and with it the two ways of
    starting the same install kept evicting each other's result."""
    out: list[str] = []
    started_from = {Path.cwd().absolute()}
    if sys.argv and sys.argv[0]:
        started_from.add(Path(sys.argv[0]).absolute().parent)
    for entry in sys.path:
        if not entry or Path(entry).absolute() in started_from:
            continue
        try:
            st = Path(entry or ".").stat()
        except OSError:
            continue
        out.append(f"{entry}:{st.st_mtime_ns}")
    return out


def run_key(scan: Scan, opts: RunOptions, config: Config, as_of: dt.date, *, complete: bool) -> str | None:
    """Hash of every input of a plain run, or None when some input is not known without reading
    (``complete=False``) or cannot be trusted (a file changed within the racy window)."""
    h = hashlib.blake2b(digest_size=20)
    parts: list[Any] = [
        fingerprint.code_fingerprint(),
        repr(opts),
        [str(p.resolve()) for p in opts.paths],
        str(Path.cwd()),
        repr(config),
        as_of.isoformat(),
        sorted((k, v) for k, v in os.environ.items() if k in _ENV_KEYS or k.startswith("PMO_LINT_")),
        _git_state(scan.root),
        _policy_files(scan.root, config),
        _installed_state(),
        str(scan.root),
    ]
    h.update(repr(parts).encode())
    known = True
    for rel in sorted(scan.sigs):
        sig = scan.sigs[rel]
        # YAML files count by content; other files by signature, or by content when it changed just now
        is_yaml = rel.endswith((".yaml", ".yml"))
        digest = scan.hashes.get(rel) if is_yaml else None
        if (is_yaml and digest is None) or (not is_yaml and not scan.trusted(sig)):
            if not complete or sig is None:
                known = False
                continue
            try:
                digest = content_hash((scan.root / rel).read_bytes())
            except OSError:
                known = False
                continue
            scan.hashes[rel] = digest
        h.update(f"{rel}\0{digest if digest is not None else sig}\n".encode())
    if not known:
        return None
    return _prefix(scan.root) + h.hexdigest()


def _prefix(root: Path) -> str:
    """This install's whole-run results for the portfolio at ``root`` (see cache/installs.py)."""
    return f"r:{fingerprint.code_fingerprint()}:{hashlib.blake2b(str(root).encode(), digest_size=8).hexdigest()}:"


def stored(scan: Scan, opts: RunOptions, config: Config, as_of: dt.date) -> Result | None:
    """The Result of an earlier run with exactly these inputs, or None."""
    if scan.cache is None:
        return None
    key = run_key(scan, opts, config, as_of, complete=False)
    hit = scan.cache.get(key) if key is not None else None
    if hit is None:
        return None
    try:
        result = pickle.loads(hit)  # signed by this user's secret: written by pmo-lint itself
    except Exception:  # noqa: BLE001 - a bad entry is a miss
        return None
    return result if isinstance(result, Result) else None


def store(scan: Scan, opts: RunOptions, config: Config, result: Result) -> None:
    """Keep ``result`` for the next run with the same inputs (replacing the previous run's)."""
    if scan.cache is None:
        return
    key = run_key(scan, opts, config, result.as_of, complete=True)
    if key is None:
        return
    try:
        blob = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - a value in the Result that does not pickle: skip
        return
    scan.cache.put_many({key: blob}, drop_prefix=_prefix(scan.root), keep=())


def is_plain(opts: RunOptions) -> bool:
    """A run the whole-run cache may answer: caching on, nothing handed in (see ``RunInputs``)."""
    return not opts.no_cache and os.environ.get("PMO_LINT_NO_CACHE", "") in ("", "0")
