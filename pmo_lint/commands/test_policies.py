"""``pmo-lint test-policies DIR``: run policy test cases, as conftest's ``verify`` does for Rego.

A case is a folder with an ``expect.yaml`` and a small portfolio, or only the files that differ from
a shared ``base:`` portfolio (the case's files are laid over a copy of it)::

    base: ../base                 # optional, relative to the case folder
    asOf: 2025-06-30              # optional; default today
    select: [ACM001]              # optional; default every enabled rule
    policies: [../../acme.yaml]   # optional extra rule packs, relative to the case folder
    findings:                     # every finding the run must give (within the selection), no more
      - {code: ACM001, path: projects/crm/project.yaml, line: 12}

``path``, ``line`` and ``message`` (a substring) are optional. Prints PASS or FAIL per case and
exits 1 when a case fails, 2 when DIR holds no case or an ``expect.yaml`` is malformed.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from pmo_lint.commands.common import EXIT_FINDINGS, EXIT_OK, handle_errors, traceback_option
from pmo_lint.errors import UsageError
from pmo_lint.facts.dates import parse_day

if TYPE_CHECKING:
    from pmo_lint.diagnostics import Diagnostic

EXPECT = "expect.yaml"
CASE_KEYS = frozenset({"base", "asOf", "select", "policies", "findings", "description"})
FINDING_KEYS = frozenset({"code", "path", "line", "message"})


@dataclass(frozen=True)
class Expected:
    code: str
    path: str | None = None
    line: int | None = None
    message: str | None = None

    def matches(self, d: Diagnostic) -> bool:
        return (
            d.code == self.code
            and (self.path is None or d.path == self.path)
            and (self.line is None or d.line == self.line)
            and (self.message is None or self.message in d.message)
        )

    def show(self) -> str:
        where = f" {self.path}" if self.path else ""
        where += f":{self.line}" if self.path and self.line else ""
        return f"{self.code}{where}" + (f" ({self.message!r})" if self.message else "")


@dataclass(frozen=True)
class Case:
    folder: Path
    base: Path | None
    as_of: dt.date | None
    select: tuple[str, ...]
    policies: tuple[Path, ...]
    findings: tuple[Expected, ...]


@dataclass(frozen=True)
class Outcome:
    case: Case
    missing: tuple[Expected, ...]
    unexpected: tuple[Diagnostic, ...]

    @property
    def passed(self) -> bool:
        return not self.missing and not self.unexpected


def _str_list(value: Any, key: str, where: Path) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise UsageError(f"{where}: `{key}` must be a list of strings")
    return tuple(value)


def read_case(expect: Path) -> Case:
    from pmo_lint.loader.yamlio import LoadProblem, parse_bytes
    from pmo_lint.paths import Boundary, git_work_tree

    folder = expect.parent
    doc = parse_bytes(expect.read_bytes())
    if isinstance(doc, LoadProblem):
        raise UsageError(f"{expect}:{doc.line}: {doc.message}")
    data = doc.data
    unknown = sorted(set(data) - CASE_KEYS)
    if unknown:
        raise UsageError(f"{expect}: unknown key {unknown[0]!r}; use {', '.join(sorted(CASE_KEYS))}")
    base = None
    # in a repository (what a pull request changes), a case may only name its folders and packs
    boundary = Boundary.of(folder) if git_work_tree(folder) else None
    if "base" in data:
        if not isinstance(data["base"], str) or not (folder / data["base"]).is_dir():
            raise UsageError(f"{expect}: base {data['base']!r} is not a folder")
        if boundary and not boundary.contains(folder / data["base"]):
            raise UsageError(f"{expect}: base {data['base']!r} points outside the repository")
        base = (folder / data["base"]).resolve()
    as_of = None
    if "asOf" in data:
        as_of = parse_day(data["asOf"])
        if as_of is None:
            raise UsageError(f"{expect}: asOf must be a date, YYYY-MM-DD")
    findings: list[Expected] = []
    raw = data.get("findings", [])
    if not isinstance(raw, list):
        raise UsageError(f"{expect}: `findings` must be a list (empty when nothing may be reported)")
    for i, item in enumerate(raw):
        if not isinstance(item, dict) or not isinstance(item.get("code"), str) or set(item) - FINDING_KEYS:
            raise UsageError(f"{expect}: findings[{i}] needs `code` and may have path, line and message only")
        line = item.get("line")
        if line is not None and (not isinstance(line, int) or isinstance(line, bool)):
            raise UsageError(f"{expect}: findings[{i}].line must be a number")
        findings.append(Expected(item["code"], item.get("path"), line, item.get("message")))
    policies = tuple((folder / p).resolve() for p in _str_list(data.get("policies", []), "policies", expect))
    for p in policies:
        if boundary and not boundary.contains(p):
            raise UsageError(f"{expect}: policy path {p} points outside the repository")
        if not p.exists():
            raise UsageError(f"{expect}: policy path {p} does not exist")
    return Case(folder, base, as_of, _str_list(data.get("select", []), "select", expect), policies, tuple(findings))


def find_cases(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise UsageError(f"{directory}: not a folder")
    return sorted(directory.rglob(EXPECT))


def _copy_tree(src: Path, dest: Path) -> None:
    for path in sorted(src.rglob("*")):
        rel = path.relative_to(src)
        if rel.as_posix() == EXPECT or path.is_symlink():
            continue
        target = dest / rel
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        elif path.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)


def run_case(case: Case) -> Outcome:
    from pmo_lint.options import RunInputs, RunOptions
    from pmo_lint.run import check

    with tempfile.TemporaryDirectory(prefix="pmo-lint-case-") as tmp:
        root = Path(tmp) / "portfolio"
        root.mkdir()
        if case.base is not None:
            _copy_tree(case.base, root)
        _copy_tree(case.folder, root)
        config = root / ".pmo-lint.yaml"
        if not config.exists():
            config.write_text("{}\n", encoding="utf-8")  # never pick up a configuration above the temp folder
        opts = RunOptions(
            paths=(root,),
            config_path=config,
            select=case.select,
            as_of=case.as_of,
            no_cache=True,
        )
        result = check(opts, RunInputs(extra_policies=case.policies)).result
    unmatched = list(result.diagnostics)
    missing: list[Expected] = []
    for exp in case.findings:
        hit = next((d for d in unmatched if exp.matches(d)), None)
        if hit is None:
            missing.append(exp)
        else:
            unmatched.remove(hit)
    return Outcome(case, tuple(missing), tuple(unmatched))


def execute(directory: Path, *, verbose: bool = False) -> tuple[int, str]:
    expects = find_cases(directory)
    if not expects:
        raise UsageError(f"{directory}: no test case (a folder with {EXPECT})")
    lines: list[str] = []
    failed = 0
    for expect in expects:
        case = read_case(expect)
        name = case.folder.relative_to(directory).as_posix() if case.folder != directory else directory.name
        outcome = run_case(case)
        if outcome.passed:
            lines.append(f"PASS {name}" + (f" ({len(case.findings)} finding(s))" if verbose else ""))
            continue
        failed += 1
        lines.append(f"FAIL {name}")
        lines.extend(f"  missing:    {m.show()}" for m in outcome.missing)
        lines.extend(f"  unexpected: {d.code} {d.path}:{d.line} {d.message}" for d in outcome.unexpected)
    total = len(expects)
    lines.append(f"{total} case{'s' if total != 1 else ''}: {total - failed} passed, {failed} failed")
    return (EXIT_FINDINGS if failed else EXIT_OK), "\n".join(lines) + "\n"


@click.command("test-policies")
@click.argument("directory", type=click.Path(path_type=Path), default=Path("policy-tests"))
@click.option("-v", "--verbose", is_flag=True, help="Also say how many findings each passing case expected.")
@traceback_option
@handle_errors
def command(directory: Path, verbose: bool) -> int:
    """Run policy test cases under DIRECTORY (folders with an expect.yaml); exit 1 if one fails."""
    code, text = execute(directory, verbose=verbose)
    click.echo(text, nl=False)
    return code


__all__: Sequence[str] = ("command", "execute", "read_case", "run_case")
