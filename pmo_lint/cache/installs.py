"""The installs of pmo-lint that share one cache, most recent first, so that one does not evict another's entries.

Two installs often share a portfolio's cache: pre-commit's hook environment and a developer's venv, or
two versions side by side during an upgrade. Every entry that depends on the code is kept under its
install's prefix (``f:`` per-file outcomes and ``l:`` positions under the per-file code fingerprint, ``r:`` whole-run
results and ``p:`` policy memos under the full one), and each install prunes only its own. This
registry keeps the :data:`KEEP` installs that used the cache last; when a new one arrives, the
entries of those beyond them are dropped (and entries of no registered install, such as those an
older pmo-lint wrote). Two runs registering at the same moment can at worst drop entries that are
then recomputed: the cache never decides a result.
"""

from __future__ import annotations

import marshal
from dataclasses import dataclass

from pmo_lint.cache import fingerprint
from pmo_lint.cache.store import Cache

KEEP = 3  # installs whose entries are kept
_KEY = "i:installs"
NAMESPACES = ("f:", "l:", "r:", "p:")  # what depends on the install (the stat map "s:" does not)


@dataclass(frozen=True)
class Install:
    """One install, by what its entries are keyed with."""

    code: str  # full code fingerprint: whole-run results and policy memos
    per_file: str  # per-file code fingerprint: parse outcomes (shared by installs whose loader is the same)

    def prefixes(self) -> tuple[str, ...]:
        return (f"f:{self.per_file}:", f"l:{self.per_file}:", f"r:{self.code}:", f"p:{self.code}:")


def current() -> Install:
    return Install(fingerprint.code_fingerprint(), fingerprint.code_fingerprint(per_file=True))


def registered(cache: Cache) -> list[Install]:
    """The installs that used ``cache``, most recent first."""
    raw = cache.get(_KEY)
    try:
        rows = marshal.loads(raw) if raw is not None else []
    except (ValueError, EOFError, TypeError):
        rows = []
    if not isinstance(rows, list):
        return []
    return [
        Install(*row)
        for row in rows
        if isinstance(row, tuple) and len(row) == 2 and all(isinstance(x, str) for x in row)
    ]


def note(cache: Cache) -> None:
    """Record this install as the most recent user of ``cache``. A run of the install that used it
    last writes nothing; a new install drops the entries of those beyond the :data:`KEEP` most recent."""
    me = current()
    seen = registered(cache)
    if seen and seen[0] == me:
        return
    order = [me, *(i for i in seen if i != me)]
    live = order[:KEEP]
    cache.put_many({_KEY: marshal.dumps([(i.code, i.per_file) for i in live])})
    if me not in seen or len(order) > KEEP:
        cache.drop_unless(NAMESPACES, tuple(p for i in live for p in i.prefixes()))
