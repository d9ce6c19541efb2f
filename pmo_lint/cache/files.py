"""The per-file cache: a file's outcome stored by content hash, so an unchanged file is neither
parsed nor validated again.

Key: content hash + code fingerprint + limits. Value: what :func:`pmo_lint.outcome.process_bytes`
gave, stored compactly as ``marshal`` data (the raw data dict and the file's own diagnostics).
Unpickling frozen pydantic models costs ~140 µs a file, re-validating the cached data ~25 µs, so the
entity is rebuilt by pydantic from the cached data instead of being pickled.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import marshal
from collections.abc import Sequence
from pathlib import Path

from pmo_lint.cache import fingerprint
from pmo_lint.cache.fingerprint import content_hash
from pmo_lint.cache.scan import Scan
from pmo_lint.cache.workers import parse_all
from pmo_lint.config import DEFAULT_EXCLUDE, Config
from pmo_lint.diagnostics import Diagnostic, Severity
from pmo_lint.loader.discover import SourceFile, discover, read_source
from pmo_lint.loader.yamlio import Limits, LoadProblem
from pmo_lint.model.catalog import LoadedEntity
from pmo_lint.outcome import FileOutcome, process_bytes, process_file
from pmo_lint.rules.suppress import Directive
from pmo_lint.schema.validate import validate

_OUTCOME_FIELDS = frozenset({"rel", "loaded", "diagnostics", "directives"})


def _install_prefix() -> str:
    """Every per-file entry of this install's loader starts so (see cache/installs.py)."""
    return f"f:{fingerprint.code_fingerprint(per_file=True)}:"


def _file_key(digest: str, limits: Limits) -> str:
    return f"{_install_prefix()}{_limits_tag(limits)}:{digest}"


@functools.cache
def _limits_tag(limits: Limits) -> str:
    return hashlib.blake2b(repr(limits).encode(), digest_size=6).hexdigest()


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


def decode(rel: str, payload: bytes) -> FileOutcome | None:
    """Rebuild the outcome of ``rel`` (the same content may sit at several paths), or None."""
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
    return [encode(process_bytes(rel, raw, limits)) for rel, raw in items]


def load_outcomes(root: Path, sources: Sequence[SourceFile], limits: Limits, scan: Scan | None) -> list[FileOutcome]:
    """The outcome of every source, in order: from the cache when the content is known, else parsed."""
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
    for (rel, raw), payload in zip(items, parse_all(items, functools.partial(_work, limits=limits)), strict=True):
        i = next(pending)
        outcome = decode(rel, payload) if payload is not None else None
        if outcome is None:  # not cacheable (or a value marshal cannot carry): do it here
            outcome = process_bytes(rel, raw, limits)
        elif payload is not None:
            fresh[keys[i]] = payload
        outcomes[i] = outcome
    if cache is not None and fresh:
        # keep the entries of this run; drop this install's others once they outnumber the portfolio
        mine = _install_prefix()
        prune = cache.count(mine) > 2 * len(sources) + 1000
        cache.put_many(fresh, drop_prefix=mine if prune else "", keep=keys.values())
    done = [o for o in outcomes if isinstance(o, FileOutcome)]
    assert len(done) == len(sources), "every source has an outcome"
    return done


def load_portfolio(root: Path, config: Config, scan: Scan | None) -> tuple[list[FileOutcome], list[SourceFile]]:
    """Every file's outcome, in path order: from the per-file cache when its content is known, else
    parsed and validated (in worker processes when there are many). ``scan`` None: no cache."""
    sources = discover(root, DEFAULT_EXCLUDE + config.exclude, max_files=config.limits.max_files)
    return load_outcomes(root, sources, config.limits, scan), sources


def load_working_tree(root: Path, config: Config, *, use_cache: bool) -> tuple[list[FileOutcome], list[SourceFile]]:
    """``load_portfolio`` for a caller that has no scan of its own (PR mode's head): the cache is
    opened, used and closed here."""
    import contextlib
    import os

    from pmo_lint.cache.scan import open_scan, save_stat_map

    on = use_cache and os.environ.get("PMO_LINT_NO_CACHE", "") in ("", "0")
    scan = open_scan(root, config.cache_dir) if on else None
    if scan is None:
        return load_portfolio(root, config, None)
    with contextlib.closing(scan):
        loaded = load_portfolio(root, config, scan)
        save_stat_map(scan)
    return loaded
