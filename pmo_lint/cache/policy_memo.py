"""Per-entity memo of declarative (CEL) rule results, kept between runs in the cache.

A policy's verdict on an entity is a pure function of what its CEL context holds: the entity's data,
its facts, the PMO configuration, the as-of date, the rule sources, and the answers ``exists(path)``
gave. So the findings of all rules of a kind on one entity are stored under a digest of exactly
those inputs, with the ``exists`` answers the evaluation asked for; on the next run an entity whose
digest is known and whose recorded ``exists`` answers still hold is not evaluated again. After
editing one file of a large portfolio only the entities whose data or facts moved go through CEL.

The memo is one marshal blob per portfolio root (a dict digest → (exists answers, findings)),
loaded once and written once: tens of thousands of small rows cost more to fetch than to decode.
Each run writes back only the entries it used, so the blob never outgrows the portfolio. Entries
are content-addressed, so two concurrent runs can only overwrite each other with valid entries.
"""

from __future__ import annotations

import hashlib
import marshal
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pmo_lint.cache.store import Cache

# (rule index in its kind group, or -1 for a policy error; message; data path)
Row = tuple[int, str, tuple[Any, ...]]
Entry = tuple[tuple[tuple[str, bool], ...], tuple[Row, ...]]

_VERSION = b"policy-memo/1"


@dataclass
class PolicyMemo:
    """Stored findings by input digest; ``log`` collects the ``exists`` answers of the entity
    being evaluated (the CEL ``exists`` function appends to it)."""

    cache: Cache | None = None
    key: str = ""
    salt: bytes = b""  # what every entry depends on: code fingerprint, etc.
    stored: dict[bytes, Entry] = field(default_factory=dict)
    used: dict[bytes, Entry] = field(default_factory=dict)
    log: list[tuple[str, bool]] = field(default_factory=list)
    hits: int = 0
    misses: int = 0

    @classmethod
    def load(cls, cache: Cache, root: str, salt: str, install: str) -> PolicyMemo:
        """The memo of the portfolio at ``root`` kept by ``install`` (its code fingerprint: each
        install keeps its own, see cache/installs.py)."""
        key = f"p:{install}:" + hashlib.blake2b(root.encode(), digest_size=8).hexdigest()
        memo = cls(cache=cache, key=key, salt=_VERSION + salt.encode())
        raw = cache.get(key)
        if raw is not None:
            try:
                value = marshal.loads(raw)
            except (ValueError, EOFError, TypeError):
                value = None
            if isinstance(value, dict):
                memo.stored = value
        return memo

    def save(self) -> None:
        """Write back the entries this run used (and only those) to the cache it was loaded from."""
        if self.cache is None:
            return
        try:
            blob = marshal.dumps(self.used)
        except ValueError:
            return
        self.cache.put_many({self.key: blob})

    def group(
        self, rules: Sequence[Any], config: Mapping[str, Any], as_of: str, *, extra: object = None
    ) -> bytes | None:
        """Digest of what all entities of one kind share: the rules (sources, metadata, their
        order: rows refer to rules by index), the configuration, the as-of date and ``extra``
        (what messages are worded with: currency, people's names)."""
        h = hashlib.blake2b(self.salt, digest_size=16)
        try:
            for rule in rules:
                h.update(repr(rule.meta).encode())
                for part in (rule.kind, rule.when_src, rule.assert_src, rule.each_src, rule.message, rule.pack_path):
                    h.update(repr(part).encode() + b"\0")
                h.update(repr((rule.path, rule.line, sorted(rule.lines.items()))).encode())
            h.update(marshal.dumps(dict(config)))
        except ValueError:  # a value marshal cannot hold: do not memoise this kind
            return None
        h.update(as_of.encode())
        h.update(repr(extra).encode())
        return h.digest()

    def entity_key(self, group: bytes, rel: str, data: Any, facts: Any) -> bytes | None:
        try:
            payload = marshal.dumps((rel, data, facts))
        except ValueError:
            return None
        return hashlib.blake2b(payload, key=group, digest_size=16).digest()

    def lookup(self, key: bytes, exists: Callable[[str], bool]) -> tuple[Row, ...] | None:
        entry = self.stored.get(key) or self.used.get(key)
        if entry is None:
            self.misses += 1
            return None
        answers, rows = entry
        if any(exists(path) != answer for path, answer in answers):
            self.misses += 1
            return None
        self.hits += 1
        self.used[key] = entry
        return rows

    def record(self, key: bytes, rows: Sequence[Row]) -> None:
        self.used[key] = (tuple(self.log), tuple(rows))
