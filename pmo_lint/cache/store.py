"""The on-disk cache: per-file outcomes, whole-run results and a stat map, in one SQLite file.

Where: ``cache-dir`` of the configuration (relative to the portfolio root), else the environment
variable ``PMO_LINT_CACHE_DIR``, else ``.pmo-lint-cache/`` at the portfolio root (with a
``.gitignore`` of ``*`` and a ``CACHEDIR.TAG``, as ruff and pytest do). ``--no-cache`` bypasses it.
A repository's configuration cannot put it outside the repository (config.py, paths.py), and links
committed in its place are never written through.

Why SQLite in WAL mode: one file, atomic transactions, readers never block on a writer, so two
runs sharing a cache (pre-commit and an editor, parallel CI jobs on one runner) stay correct; a
write that cannot take the lock in time is simply skipped. A database that fails to open or read
is deleted and rebuilt. The cache never decides a result: a miss or a bad entry only means the
work is done again.

Why every entry is signed: the cache folder sits in the user's repository, where a hostile pull
request could commit one. Entries carry an HMAC keyed by a secret kept outside the repository
(``$XDG_CACHE_HOME/pmo-lint/secret``, default ``~/.cache``); an entry that does not verify is
ignored, so a committed cache can neither inject results nor reach the unpickler. Without a
writable place for the secret the cache is off.
"""

from __future__ import annotations

import contextlib
import hmac
import os
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path

DEFAULT_DIR = ".pmo-lint-cache"
DB_NAME = "cache-v1.sqlite"
_MAC_SIZE = 32
_SQL_CHUNK = 900  # SQLite's default limit on bound parameters is 999
_BUSY_SECONDS = 5.0


def cache_folder(root: Path, configured: str) -> Path:
    """The cache folder for a portfolio at ``root`` (see the module docs for the order)."""
    chosen = configured or os.environ.get("PMO_LINT_CACHE_DIR", "")
    if not chosen:
        return root / DEFAULT_DIR
    path = Path(chosen).expanduser()
    return path if path.is_absolute() else root / path


def usable_folder(root: Path, configured: str) -> Path | None:
    """The cache folder, or None when the default one leads outside the repository.

    A configured ``cache-dir`` was confined when the configuration was read (config.py) and
    ``PMO_LINT_CACHE_DIR`` is the CI owner's choice; the default ``.pmo-lint-cache`` could still be a
    symbolic link a pull request committed, and the cache never writes through it.
    """
    from pmo_lint.paths import Boundary

    folder = cache_folder(root, configured)
    if configured or os.environ.get("PMO_LINT_CACHE_DIR", ""):
        return folder
    return folder if Boundary.of(root).contains_repository(folder) else None


def sign(secret: bytes, key: str, value: bytes) -> bytes:
    """The HMAC of ``value`` stored under ``key`` (so an entry cannot be moved to another key)."""
    # hmac.digest: the one-shot C path, several times faster than hmac.new() per entry
    return hmac.digest(secret, key.encode("utf-8") + b"\0" + value, "sha256")


def verified(secret: bytes, key: str, blob: object) -> bytes | None:
    """The value of a signed ``blob`` (MAC then value), or None when it does not verify."""
    if not isinstance(blob, bytes) or len(blob) < _MAC_SIZE:
        return None
    mac, value = blob[:_MAC_SIZE], blob[_MAC_SIZE:]
    return value if hmac.compare_digest(mac, sign(secret, key, value)) else None


def drop_links(folder: Path, names: Iterable[str]) -> None:
    """Remove entries of the cache folder that are not regular files (a committed link to a file
    elsewhere would make the cache write there); the link goes, its target is never touched."""
    for name in names:
        path = folder / name
        with contextlib.suppress(OSError):
            if path.is_symlink() or (path.exists() and not path.is_file()):
                path.unlink()


def secret() -> bytes | None:
    """The key of every cache signature, kept outside the repository (see the module docs)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path("~/.cache").expanduser())
    path = Path(base) / "pmo-lint" / "secret"
    try:
        data = path.read_bytes()
        if len(data) >= 32:
            return data
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".secret.{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(os.urandom(32))
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)  # first writer wins; others read the winner's secret
        tmp.unlink(missing_ok=True)
        data = path.read_bytes()
        return data if len(data) >= 32 else None
    except OSError:
        return None


def _prepare_folder(folder: Path) -> None:
    fresh = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    if fresh:
        (folder / ".gitignore").write_text("# created by pmo-lint\n*\n", encoding="utf-8")
        (folder / "CACHEDIR.TAG").write_text(
            "Signature: 8a477f597d28d172789f06886806bc55\n# pmo-lint cache; see https://bford.info/cachedir/\n",
            encoding="utf-8",
        )


class Cache:
    """A signed key → bytes store. Every method swallows storage errors: the cache is best effort."""

    def __init__(self, folder: Path, secret: bytes) -> None:
        self.folder = folder
        self._secret = secret
        self._db: sqlite3.Connection | None = None

    @classmethod
    def open(cls, root: Path, configured: str = "") -> Cache | None:
        key = secret()
        if key is None:
            return None
        folder = usable_folder(root, configured)
        if folder is None:
            return None
        try:
            _prepare_folder(folder)
            drop_links(folder, (DB_NAME, f"{DB_NAME}-wal", f"{DB_NAME}-shm"))
        except OSError:
            return None
        cache = cls(folder, key)
        return cache if cache._connect() else None

    # -- storage ----------------------------------------------------------------------------------
    def _connect(self, retry: bool = True) -> bool:
        path = self.folder / DB_NAME
        try:
            db = sqlite3.connect(path, timeout=_BUSY_SECONDS, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, value BLOB NOT NULL)")
            db.execute("SELECT count(*) FROM entries WHERE key = ''").fetchone()
        except sqlite3.DatabaseError:
            if not retry:
                return False
            self._discard(path)
            return self._connect(retry=False)
        self._db = db
        return True

    def _discard(self, path: Path) -> None:
        """A corrupt database is removed; this run starts a new one."""
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                Path(f"{path}{suffix}").unlink()

    def close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None

    def _sign(self, key: str, value: bytes) -> bytes:
        return sign(self._secret, key, value)

    def _verify(self, key: str, blob: bytes) -> bytes | None:
        return verified(self._secret, key, blob)

    def get_many(self, keys: Iterable[str]) -> dict[str, bytes]:
        """Verified values of those keys that are present."""
        if self._db is None:
            return {}
        wanted = list(dict.fromkeys(keys))
        out: dict[str, bytes] = {}
        try:
            for i in range(0, len(wanted), _SQL_CHUNK):
                part = wanted[i : i + _SQL_CHUNK]
                marks = ",".join("?" * len(part))
                for key, blob in self._db.execute(f"SELECT key, value FROM entries WHERE key IN ({marks})", part):
                    value = self._verify(key, blob)
                    if value is not None:
                        out[key] = value
        except sqlite3.DatabaseError:
            self._discard(self.folder / DB_NAME)
            self.close()
            return {}
        return out

    def get(self, key: str) -> bytes | None:
        return self.get_many([key]).get(key)

    def put_many(self, items: Mapping[str, bytes], *, drop_prefix: str = "", keep: Iterable[str] = ()) -> None:
        """Store ``items`` in one transaction; optionally drop other keys under ``drop_prefix``
        that are not in ``keep`` (so the cache does not grow without bound)."""
        if self._db is None or (not items and not drop_prefix):
            return
        rows = [(k, self._sign(k, v) + v) for k, v in items.items()]
        try:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany("INSERT OR REPLACE INTO entries (key, value) VALUES (?, ?)", rows)
            if drop_prefix:
                kept = set(keep) | set(items)
                stale = [
                    (k,)
                    for (k,) in self._db.execute(
                        "SELECT key FROM entries WHERE key >= ? AND key < ?", (drop_prefix, drop_prefix + "\uffff")
                    )
                    if k not in kept
                ]
                self._db.executemany("DELETE FROM entries WHERE key = ?", stale)
            self._db.execute("COMMIT")
        except sqlite3.OperationalError:  # locked by another run past the timeout: skip this write
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")
        except sqlite3.DatabaseError:
            self._discard(self.folder / DB_NAME)
            self.close()

    def drop_unless(self, namespaces: Iterable[str], keep: tuple[str, ...]) -> None:
        """Delete the keys under ``namespaces`` that start with none of the ``keep`` prefixes."""
        if self._db is None:
            return
        try:
            self._db.execute("BEGIN IMMEDIATE")
            for ns in namespaces:
                rows = self._db.execute("SELECT key FROM entries WHERE key >= ? AND key < ?", (ns, ns + "\uffff"))
                stale = [(k,) for (k,) in rows.fetchall() if not k.startswith(keep)]
                self._db.executemany("DELETE FROM entries WHERE key = ?", stale)
            self._db.execute("COMMIT")
        except sqlite3.OperationalError:  # locked by another run: the next new install sweeps again
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")
        except sqlite3.DatabaseError:
            self._discard(self.folder / DB_NAME)
            self.close()

    def count(self, prefix: str) -> int:
        if self._db is None:
            return 0
        try:
            row = self._db.execute(
                "SELECT count(*) FROM entries WHERE key >= ? AND key < ?", (prefix, prefix + "\uffff")
            ).fetchone()
        except sqlite3.DatabaseError:
            return 0
        return int(row[0])
