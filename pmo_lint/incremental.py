"""Fast loading for ``check``: a per-file cache, worker processes, and a whole-run cache.

* **Per file** (key: content hash + code fingerprint + limits): what :func:`engine.process_bytes`
  gave, stored compactly as ``marshal`` data (the raw data dict and the file's own diagnostics).
  Unpickling frozen pydantic models costs ~140 µs a file, re-validating the cached data ~25 µs,
  so the entity is rebuilt by pydantic from the cached data instead of being pickled.
* **Stat map**: ``(size, mtime_ns, ctime_ns, inode)`` → content hash, so an unchanged file is not
  even read. As in git's index, a signature is trusted only when the file was last changed more
  than two seconds before it was recorded (a write within the same clock tick cannot hide).
* **Whole run** (key: the code fingerprint, every option, the configuration, the as-of date, the
  content hash of every YAML file and the signature of every other file under the root, the
  policy files, the git HEAD and index, and the CI variables PR mode reads): the final Result.
  Only plain runs use it (``RunOptions.extra`` empty); any change to any input is a miss.
* **Workers**: files that must be parsed are spread over the CPU cores when there are enough of
  them to pay for the pool (``PMO_LINT_JOBS`` overrides the count; 1 turns it off). Workers
  return the compact form; results keep the sorted file order, so output never depends on it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import gc
import hashlib
import marshal
import os
import pickle
import stat as stat_mod
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmo_lint import __version__
from pmo_lint.cache import Cache
from pmo_lint.diagnostics import Diagnostic, Result, Severity
from pmo_lint.loader.discover import SourceFile, read_source
from pmo_lint.loader.yamlio import Limits, LoadProblem

if TYPE_CHECKING:
    from pmo_lint.config import Config
    from pmo_lint.engine import FileOutcome
    from pmo_lint.model.base import Entity
    from pmo_lint.model.catalog import LoadedEntity
    from pmo_lint.options import RunOptions
    from pmo_lint.rules.suppress import Directive
    from pmo_lint.schema.validate import SchemaProblem

# below this many files to parse, workers cost more than they save. Measured on 2 CPUs, --no-cache,
# one worker vs two: 751 files 1.03 s vs 1.08 s; 1,826 files 1.79 s vs 1.74 s; 6,140 files 4.93 s vs 4.63 s
# (the parent re-validates every entity and runs the rules alone, so the gain stays modest)
PARALLEL_MIN_FILES = 1500
_CHUNK = 64  # files per task sent to a worker
_RACY_NS = 2_000_000_000
_ENV_KEYS = ("GITHUB_BASE_REF", "GITHUB_HEAD_REF", "GITHUB_ACTIONS", "CI_MERGE_REQUEST_DIFF_BASE_SHA", "GITLAB_CI")

Sig = tuple[int, int, int, int]
_OUTCOME_FIELDS = frozenset({"rel", "loaded", "diagnostics", "directives"})


@contextlib.contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """A run builds hundreds of thousands of objects (stat signatures, cached entities, facts) and
    frees them together at its end; the cyclic collector, triggered every 700 allocations, would
    walk the ever-growing heap again and again (at 10,000 projects it was 2 s of scanning the tree
    and a third of loading the cached files). Reference counting still frees memory at once."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


# -- fingerprints ---------------------------------------------------------------------------------
# what a file's own outcome (parse, validate, inline directives) depends on; other code (rules,
# facts, policies, reporters) only changes the whole-run key, so editing a rule keeps the parse cache
_PER_FILE_CODE = (
    "loader/",
    "model/",
    "schema/",
    "engine.py",
    "incremental.py",
    "diagnostics.py",
    "rules/core.py",
    "rules/suppress.py",
    "rules/base.py",
)


@functools.cache
def code_fingerprint(per_file: bool = False) -> str:
    """Version plus the size and mtime of shipped source, schema and policy files (``per_file``:
    only those a file's own outcome depends on). Editable installs change code without changing
    the version; this keeps their cache honest."""
    from pmo_lint.resources import policies_dir, schemas_dir

    h = hashlib.blake2b(digest_size=16)
    h.update(__version__.encode())
    h.update(sys.version.encode())
    package = Path(__file__).resolve().parent
    bases = (package, schemas_dir()) if per_file else (package, policies_dir(), schemas_dir())
    for base in bases:
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            if path.suffix not in (".py", ".yaml", ".yml", ".json") or "__pycache__" in path.parts:
                continue
            rel = path.relative_to(base).as_posix()
            if per_file and base == package and not rel.startswith(_PER_FILE_CODE):
                continue
            st = path.stat()
            h.update(f"{rel}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


@functools.cache
def policy_salt() -> str:
    """What every stored policy result depends on beyond its inputs: our code and shipped packs,
    and the CEL evaluator itself (an upgrade of it may change verdicts)."""
    from pmo_lint.rules import cel_adapter

    parts = [code_fingerprint()]
    for module in cel_adapter.modules():
        try:
            st = Path(module.__file__ or "").stat()
            parts.append(f"{module.__file__}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append(f"{module.__name__}:?")
    return "\n".join(parts)


def content_hash(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


def _file_key(digest: str, limits: Limits) -> str:
    return f"f:{code_fingerprint(per_file=True)}:{_limits_tag(limits)}:{digest}"


@functools.cache
def _limits_tag(limits: Limits) -> str:
    return hashlib.blake2b(repr(limits).encode(), digest_size=6).hexdigest()


# -- the compact form of a FileOutcome ------------------------------------------------------------
def encode(outcome: FileOutcome) -> bytes | None:
    """``marshal`` bytes of (data, diagnostics), or None when the outcome cannot be cached."""
    rows = []
    for d in outcome.diagnostics:
        if d.suppression is not None or d.baseline_state or d.path != outcome.rel:
            return None
        rows.append(
            (d.rule, d.code, int(d.severity), d.message, d.line, d.col, d.end_line, d.end_col, d.data_path, d.entity)
        )
    if {f.name for f in dataclasses.fields(outcome)} - _OUTCOME_FIELDS:
        return None  # a field this encoding does not know about: never cache what it would lose
    directives = tuple(dataclasses.astuple(d) for d in getattr(outcome, "directives", ()))
    data = outcome.loaded.data if outcome.loaded is not None else None
    try:
        return marshal.dumps((data, tuple(rows), directives))
    except ValueError:  # a value marshal cannot hold: do not cache this file
        return None


@functools.cache
def _decoders() -> tuple[
    type[FileOutcome],
    type[LoadedEntity],
    type[Directive],
    Callable[[dict[str, Any]], tuple[Entity | None, list[SchemaProblem]]],
]:
    # imported once, not on each of tens of thousands of calls (the engine imports this module)
    from pmo_lint.engine import FileOutcome
    from pmo_lint.model.catalog import LoadedEntity
    from pmo_lint.rules.suppress import Directive
    from pmo_lint.schema.validate import validate

    return FileOutcome, LoadedEntity, Directive, validate


def decode(rel: str, payload: bytes) -> FileOutcome | None:
    """Rebuild the outcome of ``rel`` (the same content may sit at several paths), or None."""
    FileOutcome, LoadedEntity, Directive, validate = _decoders()
    try:
        data, rows, marks = marshal.loads(payload)
        diags = (
            tuple(
                Diagnostic(rule, code, Severity(sev), msg, rel, line, col, end_line, end_col, tuple(path), entity)
                for rule, code, sev, msg, line, col, end_line, end_col, path, entity in rows
            )
            if rows
            else ()
        )
        directives = tuple(Directive(*fields) for fields in marks) if marks else ()
    except (ValueError, EOFError, TypeError):
        return None
    if data is None:
        return FileOutcome(rel, None, diags, directives)
    if not isinstance(data, dict):
        return None
    entity, problems = validate(data)
    if entity is None or problems:
        return None
    return FileOutcome(rel, LoadedEntity(entity, rel, data), diags, directives)


def _work(items: list[tuple[str, bytes]], limits: Limits) -> list[bytes | None]:
    """Worker side: parse and validate a chunk of files, return their compact outcomes."""
    from pmo_lint.engine import process_bytes

    return [encode(process_bytes(rel, raw, limits)) for rel, raw in items]


def jobs() -> int:
    env = os.environ.get("PMO_LINT_JOBS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _parse_all(items: list[tuple[str, bytes]], limits: Limits) -> Iterator[bytes | None]:
    """Compact outcomes of ``items`` in order; in worker processes when there are enough."""
    workers = min(jobs(), max(1, len(items) // _CHUNK))
    env_min = os.environ.get("PMO_LINT_PARALLEL_MIN", "")
    threshold = int(env_min) if env_min.isdigit() else PARALLEL_MIN_FILES
    if workers < 2 or len(items) < threshold:
        yield from _work(items, limits)
        return
    import multiprocessing

    # fork: workers inherit the imported models and compiled validators instead of importing again
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    ctx = multiprocessing.get_context(method)
    chunks = [items[i : i + _CHUNK] for i in range(0, len(items), _CHUNK)]
    with ctx.Pool(workers) as pool:
        for part in pool.imap(functools.partial(_work, limits=limits), chunks):
            yield from part


# -- scanning the tree ----------------------------------------------------------------------------
@dataclass
class Scan:
    """Every file under the root with its stat signature, and the content hashes known so far."""

    root: Path
    started_ns: int
    sigs: dict[str, Sig | None] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)  # rel → content hash
    cache: Cache | None = None

    def trusted(self, sig: Sig | None) -> bool:
        return sig is not None and max(sig[1], sig[2]) < self.started_ns - _RACY_NS


def _sig(st: os.stat_result) -> Sig:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def scan_tree(root: Path, cache: Cache | None) -> Scan:
    """Walk ``root`` (skipping dot-folders, as discovery does) and apply the stored stat map."""
    scan = Scan(root, time.time_ns(), cache=cache)
    sigs = scan.sigs
    prefix_len = len(str(root)) + 1
    stack = [str(root)]
    skip = str(cache.folder) if cache is not None else ""  # a cache-dir inside the portfolio is not input
    real_root = root.resolve()
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if not entry.name.startswith(".") and entry.path != skip:
                        stack.append(entry.path)
                    continue
                st = entry.stat()  # through a symlink: the target's content is what is read
                # a link leading out of the portfolio: nothing of it is input (no signature)
                outside = entry.is_symlink() and not Path(entry.path).resolve().is_relative_to(real_root)
            except (OSError, RuntimeError):
                sigs[entry.path[prefix_len:].replace(os.sep, "/")] = None
                continue
            # FIFOs, sockets, linked folders: no signature, so no whole-run answer while they exist
            regular = stat_mod.S_ISREG(st.st_mode) and not outside
            sigs[entry.path[prefix_len:].replace(os.sep, "/")] = _sig(st) if regular else None
    if cache is not None:
        stored = _load_stat_map(cache, root)
        for rel, (sig, digest) in stored.items():
            if sigs.get(rel) == sig:
                scan.hashes[rel] = digest
    return scan


def _stat_key(root: Path) -> str:
    return "s:" + hashlib.blake2b(str(root).encode(), digest_size=8).hexdigest()


def _load_stat_map(cache: Cache, root: Path) -> dict[str, tuple[Sig, str]]:
    raw = cache.get(_stat_key(root))
    if raw is None:
        return {}
    try:
        value = marshal.loads(raw)
    except (ValueError, EOFError, TypeError):
        return {}
    return value if isinstance(value, dict) else {}


def save_stat_map(scan: Scan) -> None:
    if scan.cache is None:
        return
    table = {rel: (sig, scan.hashes[rel]) for rel, sig in scan.sigs.items() if rel in scan.hashes and scan.trusted(sig)}
    scan.cache.put_many({_stat_key(scan.root): marshal.dumps(table)})


# -- loading with the cache -----------------------------------------------------------------------
def load_outcomes(root: Path, sources: Sequence[SourceFile], limits: Limits, scan: Scan | None) -> list[FileOutcome]:
    """The outcome of every source, in order: from the cache when the content is known, else parsed."""
    from pmo_lint.engine import FileOutcome, process_file

    cache = scan.cache if scan is not None else None
    hashes = scan.hashes if scan is not None else {}
    outcomes: list[FileOutcome | None] = [None] * len(sources)
    raws: dict[int, bytes] = {}  # read to hash them; handed to the parser when not cached
    keys: dict[int, str] = {}
    for i, src in enumerate(sources):
        if src.problem is not None:
            outcomes[i] = process_file(src, limits)
            continue
        digest = hashes.get(src.rel)
        if digest is None:
            raw = read_source(src, limits.max_file_bytes)
            if isinstance(raw, LoadProblem):
                outcomes[i] = process_file(src, limits)
                continue
            digest = content_hash(raw)
            hashes[src.rel] = digest
            raws[i] = raw
        keys[i] = _file_key(digest, limits)
    found = cache.get_many(keys.values()) if cache is not None else {}
    misses: list[int] = []
    for i, key in keys.items():
        payload = found.get(key)
        outcome = decode(sources[i].rel, payload) if payload is not None else None
        if outcome is None:
            misses.append(i)
        else:
            outcomes[i] = outcome
    items: list[tuple[str, bytes]] = []
    for i in misses:
        held = raws.pop(i, None)
        if held is None:  # known by its stat signature, but its cache entry is gone
            read = read_source(sources[i], limits.max_file_bytes)
            if isinstance(read, LoadProblem) or content_hash(read) != hashes.get(sources[i].rel):
                hashes.pop(sources[i].rel, None)
                outcomes[i] = process_file(sources[i], limits)
                continue
            held = read
        items.append((sources[i].rel, held))
    raws.clear()
    fresh: dict[str, bytes] = {}
    pending = iter(i for i in misses if outcomes[i] is None)
    for (rel, raw), payload in zip(items, _parse_all(items, limits), strict=True):
        i = next(pending)
        outcome = decode(rel, payload) if payload is not None else None
        if outcome is None:  # not cacheable (or a value marshal cannot carry): do it here
            from pmo_lint.engine import process_bytes

            outcome = process_bytes(rel, raw, limits)
        elif payload is not None:
            fresh[keys[i]] = payload
        outcomes[i] = outcome
    if cache is not None and fresh:
        # keep the entries of this run; drop others once they outnumber the portfolio
        prune = cache.count("f:") > 2 * len(sources) + 1000
        cache.put_many(fresh, drop_prefix="f:" if prune else "", keep=keys.values())
    done = [o for o in outcomes if isinstance(o, FileOutcome)]
    assert len(done) == len(sources), "every source has an outcome"
    return done


# -- the whole run --------------------------------------------------------------------------------
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
            out.append(f"{name}:{_sig(p.stat()) if p.exists() else '-'}")
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
    """Installing or removing a package (a rule plug-in) changes its site-packages folder's mtime."""
    out: list[str] = []
    for entry in sys.path:
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
        code_fingerprint(),
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
    return "r:" + h.hexdigest()


def cached_run(opts: RunOptions, run_uncached: Any) -> Result:
    """Answer a plain run from the whole-run cache, or run it (with the per-file cache) and store it."""
    from pmo_lint.config import load_config
    from pmo_lint.loader.discover import find_root

    paths = opts.paths or (Path(),)
    root = find_root(paths[0])
    config = load_config(root, opts.config_path)
    cache = Cache.open(root, config.cache_dir)
    if cache is None:
        return run_uncached(opts)  # type: ignore[no-any-return]
    # the scan makes a tuple per file, the run far more objects: no cyclic GC (see no_cyclic_gc)
    with contextlib.closing(cache), no_cyclic_gc():
        scan = scan_tree(root, cache)
        as_of = opts.as_of or dt.date.today()
        key = run_key(scan, opts, config, as_of, complete=False)
        if key is not None:
            hit = cache.get(key)
            if hit is not None:
                try:
                    result = pickle.loads(hit)  # signed by this user's secret: written by pmo-lint itself
                    if isinstance(result, Result):
                        return result
                except Exception:  # noqa: BLE001 - a bad entry is a miss
                    pass
        result = run_uncached(dataclasses.replace(opts, extra={**opts.extra, "_scan": scan}))
        key = run_key(scan, opts, config, result.as_of, complete=True)
        save_stat_map(scan)
        if key is not None:
            try:
                blob = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
            except Exception:  # noqa: BLE001 - something in Result.extra does not pickle: skip
                return result  # type: ignore[no-any-return]
            cache.put_many({key: blob}, drop_prefix="r:", keep=())
        return result  # type: ignore[no-any-return]


def run_check(opts: RunOptions) -> Result:
    """``engine.run`` for the CLI, importing the engine (and pydantic) only when the whole-run
    cache cannot answer: a warm run then costs the scan, not the import of the models."""

    def uncached(o: RunOptions) -> Result:
        from pmo_lint.engine import _run

        return _run(o)

    if is_plain(opts):
        return cached_run(opts, uncached)
    from pmo_lint.engine import run

    return run(opts)


def is_plain(opts: RunOptions) -> bool:
    """A run the whole-run cache may answer: no hooks from PR mode or history in ``extra``."""
    return not opts.no_cache and not opts.extra and os.environ.get("PMO_LINT_NO_CACHE", "") in ("", "0")


def scan_of(opts: RunOptions) -> Scan | None:
    value = opts.extra.get("_scan")
    return value if isinstance(value, Scan) else None


def per_file_scan(root: Path, config: Config, opts: RunOptions | None) -> tuple[Scan | None, Cache | None]:
    """The scan to load with: the one a cached run made, or a fresh one (the caller closes the cache)."""
    if opts is not None:
        found = scan_of(opts)
        if found is not None:
            return found, None
        if opts.no_cache:
            return None, None
    if os.environ.get("PMO_LINT_NO_CACHE", "") not in ("", "0"):
        return None, None
    cache = Cache.open(root, config.cache_dir)
    if cache is None:
        return None, None
    return scan_tree(root, cache), cache
