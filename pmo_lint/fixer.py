"""Apply the safe fixes of :mod:`pmo_lint.rules.fixes` to the files that need them.

The check runs first; only files with a fixable finding are opened for editing. Each file is then
fixed in memory, pass after pass (a fixed ``kind`` reveals the enum values of that kind), and
re-validated after every pass: a file whose fixed text would not load is never written. Writes
are atomic (a temporary file, then ``os.replace``), so an interrupted fix leaves no partial file.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from pathlib import Path

from pmo_lint.config import load_config
from pmo_lint.diagnostics import Diagnostic
from pmo_lint.engine import RunOptions, process_bytes, run
from pmo_lint.loader import roundtrip
from pmo_lint.loader.discover import SourceFile, read_source
from pmo_lint.loader.yamlio import INVALID_FILE, LIMIT, SYNTAX, Limits, LoadProblem
from pmo_lint.rules.core import LOAD_RULES
from pmo_lint.rules.fixes import fix_for

MAX_PASSES = 5
_UNREADABLE = frozenset({SYNTAX, INVALID_FILE, LIMIT})
# findings that no configuration or comment can hide; later passes may fix them without asking
_ALWAYS_ON = frozenset(m.id for m in LOAD_RULES if not m.can_disable)


@dataclass(frozen=True)
class AppliedFix:
    code: str
    description: str


@dataclass(frozen=True)
class FileFix:
    rel: str
    before: bytes
    after: bytes
    applied: tuple[AppliedFix, ...] = ()
    problem: str = ""  # why the file was left as it is
    line: int = 0
    col: int = 0

    @property
    def changed(self) -> bool:
        return self.after != self.before


@dataclass(frozen=True)
class FixReport:
    root: Path
    files: tuple[FileFix, ...]

    @property
    def changed(self) -> tuple[FileFix, ...]:
        return tuple(f for f in self.files if f.changed)

    @property
    def problems(self) -> tuple[FileFix, ...]:
        return tuple(f for f in self.files if f.problem)

    @property
    def fix_count(self) -> int:
        return sum(len(f.applied) for f in self.changed)


def fix_bytes(rel: str, raw: bytes, findings: list[Diagnostic], limits: Limits) -> FileFix:
    """Fix one file's text in memory. Never raises for anything the file holds."""
    current = raw
    applied: list[AppliedFix] = []
    pending = [d for d in findings if fix_for(d.rule) is not None]
    for _ in range(MAX_PASSES):
        if not pending:
            break
        doc = roundtrip.load(current)
        if isinstance(doc, LoadProblem):
            return FileFix(rel, raw, raw, problem=doc.message, line=doc.line, col=doc.col)
        done: list[AppliedFix] = []
        for finding in pending:
            fix = fix_for(finding.rule)
            description = fix(doc, finding) if fix is not None else None
            if description:
                done.append(AppliedFix(finding.code, description))
        if not doc.changed:
            break
        fixed = doc.render()
        outcome = process_bytes(rel, fixed, limits)
        broken = [d for d in outcome.diagnostics if d.rule in _UNREADABLE]
        if broken:  # a fix must never make a file unreadable; keep the original
            return FileFix(rel, raw, raw, problem=f"fixing would break the file ({broken[0].message}); left unchanged")
        applied.extend(done)
        current = fixed
        pending = [d for d in outcome.diagnostics if d.rule in _ALWAYS_ON and fix_for(d.rule) is not None]
    return FileFix(rel, raw, current, tuple(applied))


def plan(opts: RunOptions) -> FixReport:
    """Run the check and compute the fixed text of every file with a fixable finding."""
    result = run(opts)
    root = Path(result.root)
    limits = load_config(root, opts.config_path).limits
    by_file: dict[str, list[Diagnostic]] = {}
    unreadable: dict[str, Diagnostic] = {}
    for d in result.diagnostics:
        if d.rule in _UNREADABLE and d.path:
            unreadable.setdefault(d.path, d)
        elif fix_for(d.rule) is not None and d.path:
            by_file.setdefault(d.path, []).append(d)
    files: list[FileFix] = []
    for rel, d in sorted(unreadable.items()):
        files.append(FileFix(rel, b"", b"", problem=d.message, line=d.line, col=d.col))
    for rel, findings in sorted(by_file.items()):
        path = root / rel
        if path.is_symlink():
            files.append(FileFix(rel, b"", b"", problem="is a symbolic link; fix the file it points to"))
            continue
        raw = read_source(SourceFile(rel, path), limits.max_file_bytes)
        if isinstance(raw, LoadProblem):
            files.append(FileFix(rel, b"", b"", problem=raw.message))
            continue
        files.append(fix_bytes(rel, raw, findings, limits))
    return FixReport(root, tuple(sorted(files, key=lambda f: f.rel)))


def write(report: FixReport) -> list[tuple[FileFix, str]]:
    """Write every changed file atomically. Returns the files not written, with the reason."""
    skipped: list[tuple[FileFix, str]] = []
    for item in report.changed:
        target = report.root / item.rel
        try:
            if target.read_bytes() != item.before:
                skipped.append((item, "the file changed while pmo-lint was fixing it; run again"))
                continue
            mode = target.stat().st_mode & 0o7777
        except OSError as exc:
            skipped.append((item, f"cannot read it again: {exc.strerror}"))
            continue
        tmp = target.with_name(f".{target.name}.{os.getpid()}.pmo-lint-fix.tmp")
        try:
            with tmp.open("xb") as handle:
                handle.write(item.after)
                handle.flush()
                os.fsync(handle.fileno())
            tmp.chmod(mode)
            tmp.replace(target)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            skipped.append((item, f"cannot write it: {exc.strerror}"))
    return skipped


def unified_diff(report: FixReport) -> str:
    """The changes as a unified diff (``a/`` and ``b/`` paths, as git prints them)."""
    chunks: list[str] = []
    for item in report.changed:
        before = _lines(item.before)
        after = _lines(item.after)
        chunks.extend(difflib.unified_diff(before, after, f"a/{item.rel}", f"b/{item.rel}"))
    return "".join(chunks)


def _lines(raw: bytes) -> list[str]:
    text = raw.decode("utf-8-sig", errors="replace")
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += "\n\\ No newline at end of file\n"
    return lines
