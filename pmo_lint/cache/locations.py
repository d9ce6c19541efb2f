"""Lines and columns of cross-file findings, kept between runs by file content.

A cross-file finding knows its data path (``spec.sponsor``); its line is found at the end of a run by
parsing the file again (engine ``_locate``). The position of a data path is a function of the file's
bytes and of our YAML loader, so it is stored under the file's content hash: after an edit only the
files whose content moved are parsed again for positions (at 10,000 projects the files with findings
took 0.75 s to re-parse on every run). One ``marshal`` blob per portfolio, loaded and written once,
under the per-file code fingerprint (the loader decides positions; see cache/installs.py); each run
writes back only the files it used.
"""

from __future__ import annotations

import hashlib
import marshal
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pmo_lint.cache import fingerprint

if TYPE_CHECKING:
    from pmo_lint.cache.store import Cache

Place = tuple[int, int]
Spots = dict[tuple[str | int, ...], Place]  # data path → (line, column)


@dataclass
class Locations:
    """Positions by content hash: those stored by earlier runs and those this run used."""

    cache: Cache | None = None
    key: str = ""
    stored: dict[str, Spots] = field(default_factory=dict)
    used: dict[str, Spots] = field(default_factory=dict)
    changed: bool = False

    @classmethod
    def load(cls, cache: Cache, root: str) -> Locations:
        key = (
            f"l:{fingerprint.code_fingerprint(per_file=True)}:"
            + hashlib.blake2b(root.encode(), digest_size=8).hexdigest()
        )
        found = cls(cache=cache, key=key)
        raw = cache.get(key)
        try:
            value = marshal.loads(raw) if raw is not None else {}
        except (ValueError, EOFError, TypeError):
            value = {}
        if isinstance(value, dict):
            found.stored = value
        return found

    def known(self, digest: str, paths: Iterable[tuple[str | int, ...]]) -> Spots | None:
        """The positions of all ``paths`` in the file with content ``digest``, or None if one is not known."""
        spots = self.used.get(digest) or self.stored.get(digest)
        if spots is None or not isinstance(spots, dict) or any(p not in spots for p in paths):
            return None
        self.used[digest] = spots
        return spots

    def remember(self, digest: str, spots: Spots) -> None:
        merged = {**self.stored.get(digest, {}), **self.used.get(digest, {}), **spots}
        self.used[digest] = merged
        self.changed = True

    def save(self) -> None:
        """Write back the positions this run used, when they differ from what was stored."""
        if self.cache is None or not (self.changed or self.used.keys() != self.stored.keys()):
            return
        try:
            blob = marshal.dumps(self.used)
        except ValueError:
            return
        self.cache.put_many({self.key: blob})
