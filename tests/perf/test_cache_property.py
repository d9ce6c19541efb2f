"""Cached output equals ``--no-cache`` output, byte for byte, after every one of a series of random edits
of a generated portfolio (budgets, people, risks, broken YAML, deleted and added files, pmo.yaml, a rule
pack, waivers, allocations, reverts).

CI runs a fixed seed; ``PMO_LINT_PROPERTY_SEED`` and ``PMO_LINT_PROPERTY_EDITS`` run other and longer
series locally, e.g. ``PMO_LINT_PROPERTY_SEED=$RANDOM PMO_LINT_PROPERTY_EDITS=200 pytest
tests/perf/test_cache_property.py``. A failure names the seed, the step and the edits so far.
"""

from __future__ import annotations

import os
import pickle
import random
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from pmo_lint import run as run_module
from pmo_lint.cache import scan as scanning
from pmo_lint.cache.store import Cache
from pmo_lint.cli import main
from tests.conftest import ROOT, run_cli

sys.path.insert(0, str(ROOT / "bench"))
from generate import write

SEED = int(os.environ.get("PMO_LINT_PROPERTY_SEED", "15"))
EDITS = int(os.environ.get("PMO_LINT_PROPERTY_EDITS", "25"))
BASE = ("check", "--as-of", "2025-06-30")

PACK = """\
pack: house
title: House rules of the property test
rules:
  - id: budget-cap
    code: HSE001
    title: Budgets stay under the cap
    severity: warning
    kind: Project
    assert: '!has(entity.spec.budget) || entity.spec.budget.bac <= 4000000.0'
    path: spec.budget.bac
    message: 'budget {entity.spec.budget.bac} is above the cap of 4000000'
  - id: few-open-risks
    code: HSE002
    title: Few open risks
    severity: info
    kind: Project
    assert: facts.risks.open < 3
    message: '{facts.risks.open} open risks'
"""


@dataclass
class Portfolio:
    """A generated portfolio being edited, with the first content of every file an edit touched."""

    root: Path
    rng: random.Random
    original: dict[str, bytes | None] = field(default_factory=dict)
    writes: int = 0

    def files(self, pattern: str) -> list[str]:
        return sorted(p.relative_to(self.root).as_posix() for p in self.root.glob(pattern) if p.is_file())

    def pick(self, pattern: str) -> str | None:
        found = self.files(pattern)
        return self.rng.choice(found) if found else None

    def read(self, rel: str) -> str:
        return (self.root / rel).read_text(encoding="utf-8")

    def write(self, rel: str, text: str | None) -> None:
        path = self.root / rel
        if rel not in self.original:
            self.original[rel] = path.read_bytes() if path.exists() else None
        if text is None:
            path.unlink(missing_ok=True)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        # a modification time of its own per write: the stat map trusts signatures at once in this test
        self.writes += 1
        stamp = (1_700_000_000 + self.writes) * 1_000_000_000
        os.utime(path, ns=(stamp, stamp))


def _budget(p: Portfolio) -> str:
    rel = p.pick("projects/*/project.yaml")
    if rel is None:
        return "no project left"
    text = p.read(rel)
    p.write(rel, re.sub(r"bac: \d+", f"bac: {p.rng.randrange(100_000, 9_000_000)}", text, count=1))
    return f"budget of {rel}"


def _person(p: Portfolio) -> str:
    rel = p.pick("people/*.yaml")
    if rel is None:
        return "no person left"
    if p.rng.random() < 0.5:
        p.write(rel, None)
        return f"deleted {rel}"
    old = rel.rpartition("/")[2].removesuffix(".yaml")
    new = f"{old}-renamed"
    p.write(f"people/{new}.yaml", p.read(rel).replace(f"name: {old}", f"name: {new}", 1))
    p.write(rel, None)
    return f"renamed {old} to {new}"


def _risk(p: Portfolio) -> str:
    rel = p.pick("projects/*/project.yaml")
    if rel is None:
        return "no project left"
    project = rel.split("/")[1]
    name = f"r-{p.rng.randrange(100, 999)}"
    level = p.rng.choice(("vl", "l", "m", "h", "vh"))
    p.write(
        f"projects/{project}/risks/{name}.yaml",
        f"apiVersion: pmo-lint/v1\nkind: Risk\nmetadata:\n  name: {name}\n  namespace: {project}\n"
        f"  title: Added risk {name}\nspec:\n  category: cost\n  description: Added by the property test.\n"
        f"  probability: {level}\n  impact: {level}\n  owner: person-000001\n  response: mitigate\n"
        f"  mitigationPlan: Watch it.\n  state: open\n  identifiedDate: 2025-01-10\n"
        f"  reviewDate: 2025-0{p.rng.randrange(1, 7)}-01\n",
    )
    return f"risk {name} added to {project}"


def _break_yaml(p: Portfolio) -> str:
    rel = p.pick("**/*.yaml")
    if rel is None or rel == "pmo.yaml":
        return "nothing broken"
    p.write(rel, p.read(rel) + p.rng.choice(("  broken: [unclosed\n", "\t: tab\n", "spec: again\n")))
    return f"broke {rel}"


def _delete(p: Portfolio) -> str:
    rel = p.pick("projects/**/*.yaml")
    if rel is None:
        return "nothing to delete"
    p.write(rel, None)
    return f"deleted {rel}"


def _add_project(p: Portfolio) -> str:
    rel = p.pick("projects/*/project.yaml")
    if rel is None:
        return "no project to copy"
    old = rel.split("/")[1]
    new = f"copy-{p.rng.randrange(1000, 9999)}"
    p.write(f"projects/{new}/project.yaml", p.read(rel).replace(f"name: {old}", f"name: {new}", 1))
    return f"project {new} copied from {old}"


def _thresholds(p: Portfolio) -> str:
    text = p.read("pmo.yaml")
    days = p.rng.choice((5, 30, 45, 120))
    p.write("pmo.yaml", re.sub(r"statusReportMaxAgeDays: \d+", f"statusReportMaxAgeDays: {days}", text))
    return f"status reports may be {days} days old"


def _pack(p: Portfolio) -> str:
    text = p.read("policies/house.yaml")
    cap = p.rng.choice(("1000000.0", "4000000.0", "8000000.0"))
    text = re.sub(r"bac <= [\d.]+", f"bac <= {cap}", text)
    p.write("policies/house.yaml", re.sub(r"open < \d", f"open < {p.rng.randrange(1, 4)}", text))
    return f"house pack: cap {cap}"


def _waiver(p: Portfolio) -> str:
    rel = p.pick("waivers/*.yaml")
    if rel is None:
        return "no waiver"
    text = p.read(rel)
    if p.rng.random() < 0.5:
        p.write(rel, re.sub(r"expires: [\d-]+", f"expires: 2025-0{p.rng.randrange(1, 9)}-15", text))
        return f"expiry of {rel}"
    target = p.pick("projects/*/project.yaml") or "projects/none/project.yaml"
    p.write(rel, re.sub(r"targets: \[.*\]", f"targets: [project:{target.split('/')[1]}]", text))
    return f"targets of {rel}"


def _allocation(p: Portfolio) -> str:
    rel = p.pick("allocations/2025/*.yaml")
    if rel is None:
        return "no allocation"
    p.write(rel, re.sub(r"percent: \d+", f"percent: {p.rng.choice((20, 60, 90))}", p.read(rel), count=1))
    return f"load in {rel}"


def _status(p: Portfolio) -> str:
    rel = p.pick("projects/*/status/*.yaml")
    if rel is None:
        return "no status report"
    p.write(rel, None)
    return f"deleted {rel}"


def _revert(p: Portfolio) -> str:
    """An edit undone: the old content (and the cache entries made for it) is back."""
    if not p.original:
        return "nothing to revert"
    rel = p.rng.choice(sorted(p.original))
    old = p.original[rel]
    p.write(rel, old.decode("utf-8") if old is not None else None)
    return f"reverted {rel}"


EDIT: tuple[Callable[[Portfolio], str], ...] = (
    _budget,
    _person,
    _risk,
    _break_yaml,
    _delete,
    _add_project,
    _thresholds,
    _pack,
    _waiver,
    _allocation,
    _status,
    _revert,
)


def run(root: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    """``pmo-lint check`` in this process: exit code and standard output."""
    capsys.readouterr()
    code = main([*BASE, str(root), *extra])
    out, err = capsys.readouterr()
    assert code in (0, 1), (code, err)
    return code, out


def differences(root: Path, capsys: pytest.CaptureFixture[str], fmt: str = "json") -> list[str]:
    """How a cached run's report differs from an uncached one's (empty: they agree byte for byte)."""
    cached = run(root, capsys, "--format", fmt)
    uncached = run(root, capsys, "--format", fmt, "--no-cache")
    if cached == uncached:
        return []
    lines = sorted(set(cached[1].splitlines()) ^ set(uncached[1].splitlines()))
    return [f"exit {cached[0]} cached, {uncached[0]} uncached", *lines[:20]]


@pytest.fixture
def portfolio(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Portfolio:
    root = tmp_path / "portfolio"
    root.mkdir()
    write(root, 40, SEED)
    (root / "policies").mkdir()
    (root / "policies/house.yaml").write_text(PACK, encoding="utf-8")
    config = root / ".pmo-lint.yaml"
    config.write_text(config.read_text() + "policies: [policies/house.yaml]\n", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("PMO_LINT_JOBS", "1")
    for name in ("PMO_LINT_NO_CACHE", "PMO_LINT_CACHE_DIR", "PMO_LINT_AS_OF", "GITHUB_ACTIONS", "GITHUB_BASE_REF"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    # trust stat signatures at once, so the stat map and the whole-run cache answer every re-run
    # (each edit gets a modification time of its own; see Portfolio.write)
    monkeypatch.setattr(scanning, "_RACY_NS", 0)
    return Portfolio(root, random.Random(SEED))


def test_cached_output_equals_uncached_after_every_edit(
    portfolio: Portfolio, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = portfolio.root
    executed: list[object] = []
    real = run_module._execute

    def execute(*args: Any) -> Any:
        executed.append(args)
        return real(*args)

    monkeypatch.setattr(run_module, "_execute", execute)
    assert differences(root, capsys) == [], "before any edit"
    _, first = run(root, capsys, "--format", "json")
    assert '"HSE001"' in first, "the house pack runs, so editing it means something"
    done: list[str] = []
    for step in range(EDITS):
        done.append(portfolio.rng.choice(EDIT)(portfolio))
        fmt = "text" if step in (EDITS // 3, 2 * EDITS // 3) else "json"
        diff = differences(root, capsys, fmt)
        assert diff == [], f"seed {SEED}, step {step} ({fmt}); edits: {done}; differences: {diff}"
        executed.clear()
        again = run(root, capsys, "--format", fmt)  # a warm re-run is answered by the whole-run cache
        assert not executed, f"seed {SEED}, step {step}: the warm re-run was computed again"
        assert again == run(root, capsys, "--format", fmt, "--no-cache"), f"seed {SEED}, step {step}, warm re-run"
    assert len({d.split(" ")[0] for d in done}) > 3, f"the series edits in several ways: {done}"
    # and once as a separate process, as pre-commit runs it
    cached = run_cli(*BASE, str(root), "--format", "json", env={"PMO_LINT_JOBS": "1"})
    assert cached.out == run_cli(*BASE, str(root), "--format", "json", "--no-cache").out != ""


def test_the_comparison_catches_a_stale_cache_entry(portfolio: Portfolio, capsys: pytest.CaptureFixture[str]) -> None:
    """A cached answer that is wrong (here a whole-run result with one finding dropped, signed with the
    user's own secret so the cache believes it) makes the property fail: the test above can fail."""
    root = portfolio.root
    assert differences(root, capsys) == []
    cache = Cache.open(root)
    assert cache is not None
    assert cache._db is not None
    ((key, blob),) = cache._db.execute("SELECT key, value FROM entries WHERE key LIKE 'r:%'").fetchall()
    stored = pickle.loads(blob[32:])  # past the signature
    assert stored.diagnostics, "the portfolio has findings to drop"
    cache.put_many({key: pickle.dumps(replace(stored, diagnostics=stored.diagnostics[1:]))})
    cache.close()
    diff = differences(root, capsys)
    assert diff, "a stale whole-run entry must show as a difference"
