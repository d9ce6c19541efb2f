"""The cache never changes results: cached, uncached, parallel, corrupt, forged and concurrent runs agree."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli

sys.path.insert(0, str(ROOT / "bench"))
from generate import write

CHECK = ("check", ".", "--as-of", "2025-06-30", "--format", "json")


@pytest.fixture
def portfolio(tmp_path: Path) -> Path:
    root = tmp_path / "portfolio"
    root.mkdir()
    write(root, 50, 7)  # project 42 carries findings
    return root


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    # a private secret and both code paths: workers even for a small portfolio
    return {"XDG_CACHE_HOME": str(tmp_path / "xdg"), "PMO_LINT_JOBS": "2", "PMO_LINT_PARALLEL_MIN": "1"}


def check(root: Path, env: dict[str, str], *extra: str) -> str:
    result = run_cli(*CHECK, *extra, cwd=root, env=env)
    assert result.code in (0, 1), result.err
    assert result.err == ""
    return result.out


def db(root: Path) -> Path:
    return root / ".pmo-lint-cache" / "cache-v1.sqlite"


def entries(root: Path) -> Iterator[tuple[str, bytes]]:
    with sqlite3.connect(db(root)) as conn:
        yield from conn.execute("SELECT key, value FROM entries")


def test_cached_and_uncached_runs_give_identical_output(portfolio: Path, env: dict[str, str]) -> None:
    plain = check(portfolio, env, "--no-cache")
    assert not (portfolio / ".pmo-lint-cache").exists(), "--no-cache must not write a cache"
    serial = check(portfolio, {**env, "PMO_LINT_JOBS": "1"}, "--no-cache")
    cold = check(portfolio, env)
    warm = check(portfolio, env)
    assert plain == serial == cold == warm
    assert '"PMO007"' in plain, "the generated portfolio carries findings, so the comparison means something"
    kinds = {key.split(":", 1)[0] for key, _ in entries(portfolio)}
    assert {"f", "s"} <= kinds
    assert (portfolio / ".pmo-lint-cache" / ".gitignore").read_text().splitlines()[-1] == "*"


def test_one_changed_file_is_seen(portfolio: Path, env: dict[str, str]) -> None:
    check(portfolio, env)
    person = portfolio / "people" / "pat-director.yaml"
    person.write_text(person.read_text() + "  unknownKey: 1\n")
    after = check(portfolio, env)
    assert after == check(portfolio, env, "--no-cache")
    assert "unknownKey" in after


def test_content_change_that_keeps_size_and_mtime_is_seen(
    portfolio: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stat map trusts (size, mtime, ctime, inode); rewriting a file and restoring its mtime
    still changes its ctime, so the new content is read."""
    from pmo_lint.cache import scan as scanning
    from pmo_lint.options import RunOptions
    from pmo_lint.run import check as run_check

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("PMO_LINT_JOBS", "1")
    monkeypatch.setattr(scanning, "_RACY_NS", 0)  # trust signatures at once (no waiting in tests)
    opts = RunOptions(paths=(portfolio,), as_of=dt.date(2025, 6, 30))
    before = run_check(opts).result
    target = portfolio / "people" / "pat-director.yaml"
    st = target.stat()
    text = target.read_text()
    changed = text.replace("roles: [pmo-director]", "roles: [pmo-directos]")
    assert len(changed) == len(text) and changed != text
    target.write_text(changed)
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
    after = run_check(opts).result
    fresh = run_check(RunOptions(paths=(portfolio,), as_of=dt.date(2025, 6, 30), no_cache=True)).result
    assert after.diagnostics == fresh.diagnostics != before.diagnostics


def test_corrupt_entries_and_database_are_ignored_and_rebuilt(portfolio: Path, env: dict[str, str]) -> None:
    expected = check(portfolio, env, "--no-cache")
    check(portfolio, env)
    with sqlite3.connect(db(portfolio)) as conn:  # every value garbled: bad signatures, bad payloads
        conn.execute("UPDATE entries SET value = substr(value, 1, 40) || x'00ff00ff'")
    assert check(portfolio, env) == expected
    assert check(portfolio, env) == expected
    db(portfolio).write_bytes(b"this is not a database" * 100)
    for suffix in ("-wal", "-shm"):
        Path(f"{db(portfolio)}{suffix}").unlink(missing_ok=True)
    assert check(portfolio, env) == expected
    assert sum(1 for _ in entries(portfolio)) > 0, "the cache was rebuilt"


def test_entries_signed_by_another_secret_are_ignored(
    portfolio: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cache committed to the repository (signed with someone else's secret) cannot inject results."""
    from pmo_lint.cache.files import _file_key, encode
    from pmo_lint.cache.fingerprint import content_hash
    from pmo_lint.cache.store import Cache
    from pmo_lint.config import load_config
    from pmo_lint.loader.yamlio import DEFAULT_LIMITS
    from pmo_lint.options import RunInputs, RunOptions
    from pmo_lint.outcome import process_bytes
    from pmo_lint.run import check as run_check

    monkeypatch.setenv("PMO_LINT_JOBS", "1")
    limits = load_config(portfolio).limits  # the generated portfolio raises max-files
    broken = portfolio / "projects" / "chain-000042" / "project.yaml"
    assert broken.is_file()
    clean = process_bytes(
        "projects/chain-000042/project.yaml",
        broken.read_bytes().replace(b"nobody-at-all", b"person-000001"),
        DEFAULT_LIMITS,
    )
    forged = encode(clean)
    assert forged is not None

    def forge() -> None:
        cache = Cache.open(portfolio)
        assert cache is not None
        cache.put_many({_file_key(content_hash(broken.read_bytes()), limits): forged})
        cache.close()

    opts = RunOptions(paths=(portfolio,), as_of=dt.date(2025, 6, 30))
    per_file_only = RunInputs(keep_model=True)  # inputs handed in: no whole-run answer, the per-file cache only
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "attacker"))
    forge()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "victim"))
    assert any(
        d.code == "PMO007" and "nobody-at-all" in d.message for d in run_check(opts, per_file_only).result.diagnostics
    )
    # the same forgery signed with the victim's own secret would be believed: the test can fail
    shutil.rmtree(portfolio / ".pmo-lint-cache")
    forge()
    assert not any("nobody-at-all" in d.message for d in run_check(opts, per_file_only).result.diagnostics)


def test_concurrent_runs_sharing_a_cache_agree(portfolio: Path, env: dict[str, str]) -> None:
    expected = check(portfolio, env, "--no-cache")
    full_env = {**os.environ, "NO_COLOR": "1", **env}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "pmo_lint", *CHECK],
            cwd=portfolio,
            env=full_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    outputs = [p.communicate(timeout=300) for p in procs]
    for out, err in outputs:
        assert err == ""
        assert out == expected
    assert check(portfolio, env) == expected


def test_cache_dir_from_environment(portfolio: Path, env: dict[str, str], tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    out = check(portfolio, {**env, "PMO_LINT_CACHE_DIR": str(elsewhere)})
    assert (elsewhere / "cache-v1.sqlite").is_file()
    assert not (portfolio / ".pmo-lint-cache").exists()
    assert out == check(portfolio, env, "--no-cache")
