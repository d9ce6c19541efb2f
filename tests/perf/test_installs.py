"""Two installs of pmo-lint sharing one cache (pre-commit's hook environment and a developer's venv) keep
each other's entries warm; a fourth install evicts the one used longest ago (cache/installs.py)."""

from __future__ import annotations

import datetime as dt
import sqlite3
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from pmo_lint import engine, run
from pmo_lint.cache import files as file_cache
from pmo_lint.cache import fingerprint, installs
from pmo_lint.cache import scan as scanning
from pmo_lint.cache.policy_memo import PolicyMemo
from pmo_lint.cache.store import DB_NAME, Cache
from pmo_lint.diagnostics import Result
from pmo_lint.options import RunOptions
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from generate import write

AS_OF = dt.date(2025, 6, 30)


@dataclass
class Spy:
    """What the last run computed: whether the engine ran, how many files it parsed, the policy memo."""

    executed: int = 0
    parsed: int = 0
    memos: list[PolicyMemo] = field(default_factory=list)

    def reset(self) -> None:
        self.executed, self.parsed = 0, 0
        self.memos.clear()


@pytest.fixture
def portfolio(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "portfolio"
    root.mkdir()
    write(root, 20, 7)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("PMO_LINT_JOBS", "1")
    monkeypatch.delenv("PMO_LINT_NO_CACHE", raising=False)
    monkeypatch.delenv("PMO_LINT_CACHE_DIR", raising=False)
    monkeypatch.setattr(scanning, "_RACY_NS", 0)  # trust file signatures at once (no waiting in tests)
    return root


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> Spy:
    seen = Spy()
    real_execute, real_work, real_memo = run._execute, file_cache._work, engine._policy_memo

    def execute(*args: Any) -> Any:
        seen.executed += 1
        return real_execute(*args)

    def work(items: list[tuple[str, bytes]], limits: Any) -> Any:
        seen.parsed += len(items)
        return real_work(items, limits)

    def memo(*args: Any) -> Any:
        found = real_memo(*args)
        if found is not None:
            seen.memos.append(found)
        return found

    monkeypatch.setattr(run, "_execute", execute)
    monkeypatch.setattr(file_cache, "_work", work)
    monkeypatch.setattr(engine, "_policy_memo", memo)
    return seen


def as_install(monkeypatch: pytest.MonkeyPatch, name: str) -> installs.Install:
    """From now on this process is the install ``name`` (its own code and per-file fingerprints)."""
    codes = {False: f"code{name}", True: f"file{name}"}
    monkeypatch.setattr(fingerprint, "code_fingerprint", lambda per_file=False: codes[per_file])
    return installs.Install(codes[False], codes[True])


def check(root: Path, *, no_cache: bool = False) -> Result:
    return run.check(RunOptions(paths=(root,), as_of=AS_OF, no_cache=no_cache)).result


def keys(root: Path) -> list[str]:
    with sqlite3.connect(root / ".pmo-lint-cache" / DB_NAME) as conn:
        return [k for (k,) in conn.execute("SELECT key FROM entries")]


def owned(root: Path, install: installs.Install) -> int:
    return sum(1 for k in keys(root) if k.startswith(install.prefixes()))


def test_two_installs_alternating_stay_warm(portfolio: Path, spy: Spy, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = check(portfolio, no_cache=True)
    files = expected.files_checked
    for name in ("a", "b"):  # each install's first run computes everything
        as_install(monkeypatch, name)
        spy.reset()
        assert check(portfolio) == expected
        assert spy.executed == 1 and spy.parsed == files
    for name in ("a", "b", "a", "b"):  # then each is answered by its own whole-run result
        as_install(monkeypatch, name)
        spy.reset()
        assert check(portfolio) == expected
        assert spy.executed == 0, f"install {name} lost its whole-run result to the other install"
    risk = portfolio / "projects/billing-000001/risks/r-001.yaml"
    risk.write_text(risk.read_text().replace("title: ", "title: Edited ", 1))
    expected = check(portfolio, no_cache=True)
    for name in ("a", "b"):  # one file changed: each install parses it alone and reuses its policy results
        as_install(monkeypatch, name)
        spy.reset()
        assert check(portfolio) == expected
        assert spy.executed == 1 and spy.parsed == 1
        (memo,) = spy.memos
        assert memo.hits > 10 * memo.misses, f"install {name}: {memo.hits} memo hits, {memo.misses} misses"


def test_a_fourth_install_evicts_the_one_used_longest_ago(
    portfolio: Path, spy: Spy, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = check(portfolio, no_cache=True)
    cache = Cache.open(portfolio)
    assert cache is not None
    cache.put_many({"r:legacy-key": b"written by an older pmo-lint", "s:shared": b"no install owns it"})
    cache.close()
    made = {}
    for name in ("a", "b", "c"):
        made[name] = as_install(monkeypatch, name)
        assert check(portfolio) == expected
    assert all(owned(portfolio, i) > 0 for i in made.values()), "three installs fit"
    assert "r:legacy-key" not in keys(portfolio), "entries of no registered install are dropped"
    assert "s:shared" in keys(portfolio)
    as_install(monkeypatch, "b")  # b is used again: a is now the one used longest ago
    assert check(portfolio) == expected
    made["d"] = as_install(monkeypatch, "d")
    assert check(portfolio) == expected
    assert owned(portfolio, made["a"]) == 0
    assert all(owned(portfolio, made[n]) > 0 for n in "bcd")
    cache = Cache.open(portfolio)
    assert cache is not None
    assert installs.registered(cache) == [made["d"], made["b"], made["c"]]
    cache.close()
    as_install(monkeypatch, "a")  # back again: everything is computed anew, and the result is the same
    spy.reset()
    assert check(portfolio) == expected
    assert spy.executed == 1 and spy.parsed == expected.files_checked


def test_the_way_pmo_lint_is_started_does_not_change_the_whole_run_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`pmo-lint check` (sys.path[0] is the script's bin/) and `python -m pmo_lint check` (the working folder)
    are one install: they read the same whole-run result instead of evicting each other's."""
    from pmo_lint.cache import whole_run

    bin_dir, work = tmp_path / "venv" / "bin", tmp_path / "work"
    bin_dir.mkdir(parents=True)
    work.mkdir()
    monkeypatch.chdir(work)
    rest = [p for p in sys.path if p and Path(p).absolute() not in (bin_dir, work)]
    monkeypatch.setattr(sys, "argv", [str(bin_dir / "pmo-lint"), "check"])
    monkeypatch.setattr(sys, "path", [str(bin_dir), *rest])
    as_script = whole_run._installed_state()
    monkeypatch.setattr(sys, "argv", [str(ROOT / "pmo_lint" / "__main__.py"), "check"])
    monkeypatch.setattr(sys, "path", [str(work), *rest])
    assert whole_run._installed_state() == as_script
    # a folder that holds installed packages still counts: installing a plug-in there changes the key
    site = tmp_path / "site-packages"
    site.mkdir()
    monkeypatch.setattr(sys, "path", [str(work), *rest, str(site)])
    assert whole_run._installed_state() != as_script
