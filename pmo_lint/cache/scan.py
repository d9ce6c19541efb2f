"""The tree's stat signatures, and the stat map that says which files are unchanged without reading them.

As in git's index, a signature is trusted only when the file was last changed more than two seconds
before it was recorded (a write within the same clock tick cannot hide).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import marshal
import os
import stat as stat_mod
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pmo_lint.cache import installs
from pmo_lint.cache.store import Cache

_RACY_NS = 2_000_000_000
Sig = tuple[int, int, int, int]


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
            # everything the run made is still alive here (the caller holds the Run): hand it to the oldest
            # generation without a scan, or the next young collection would walk all of it (0.9 s at 10,000
            # projects); cycles among it are still found by a later full collection
            gc.freeze()
            gc.unfreeze()
            gc.enable()


@dataclass
class Scan:
    """Every file under the root with its stat signature, and the content hashes known so far."""

    root: Path
    started_ns: int
    sigs: dict[str, Sig | None] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)  # rel → content hash
    cache: Cache | None = None

    def close(self) -> None:
        if self.cache is not None:
            self.cache.close()

    def trusted(self, sig: Sig | None) -> bool:
        return sig is not None and max(sig[1], sig[2]) < self.started_ns - _RACY_NS


def signature(st: os.stat_result) -> Sig:
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
            sigs[entry.path[prefix_len:].replace(os.sep, "/")] = signature(st) if regular else None
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


def open_scan(root: Path, configured_dir: str) -> Scan | None:
    """A fresh scan of the tree with the cache open, or None when there is no usable cache
    (the caller closes ``scan.cache``)."""
    cache = Cache.open(root, configured_dir)
    if cache is None:
        return None
    installs.note(cache)
    return scan_tree(root, cache)
