"""Apply the safe fixes of :mod:`pmo_lint.rules.fixes` to the files that need them.

The check runs first; only files with a fixable finding are opened for editing. Each file is then
fixed in memory, pass after pass (a fixed ``kind`` reveals the enum values of that kind), and
re-validated after every pass: a file whose fixed text would not load, or would read differently
anywhere but where it was fixed, is never written. Writes are atomic (a temporary file, then
``os.replace``), so an interrupted fix leaves no partial file.

One verdict per file: the editable document is read by the parser ``check`` uses, so every file
``check`` reads can be fixed or is left as it is with, for each finding a fix exists for but cannot
apply safely, the reason it "cannot be fixed automatically". Only a file ``check`` itself cannot
read, or one that cannot be written, is a problem (exit 2).
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from pathlib import Path

from pmo_lint.config import load_config
from pmo_lint.diagnostics import DataPath, Diagnostic, format_data_path
from pmo_lint.loader import roundtrip
from pmo_lint.loader.discover import SourceFile, read_source
from pmo_lint.loader.yamlio import INVALID_FILE, LIMIT, SYNTAX, Limits, LoadProblem, parse_bytes, same_reading
from pmo_lint.options import RunOptions
from pmo_lint.outcome import process_bytes
from pmo_lint.rules.core import LOAD_RULES
from pmo_lint.rules.fixes import fix_for
from pmo_lint.run import check

MAX_PASSES = 5
_UNREADABLE = frozenset({SYNTAX, INVALID_FILE, LIMIT})
# findings that no configuration or comment can hide; later passes may fix them without asking
_ALWAYS_ON = frozenset(m.id for m in LOAD_RULES if not m.can_disable)


@dataclass(frozen=True)
class AppliedFix:
    code: str
    description: str


CANNOT = "cannot be fixed automatically"


@dataclass(frozen=True)
class NotFixed:
    """A finding a fix exists for, left as it is, and why (``code`` is "" when it is the whole file)."""

    code: str
    line: int
    col: int
    reason: str

    def __str__(self) -> str:
        return f"{self.code + ' ' if self.code else ''}{CANNOT}: {self.reason}"


@dataclass(frozen=True)
class FileFix:
    rel: str
    before: bytes
    after: bytes
    applied: tuple[AppliedFix, ...] = ()
    problem: str = ""  # why the file could not be read or written (exit 2)
    line: int = 0
    col: int = 0
    not_fixed: tuple[NotFixed, ...] = ()  # findings left as they are, each with its reason

    @property
    def changed(self) -> bool:
        return self.after != self.before


@dataclass(frozen=True)
class FixReport:
    root: Path
    files: tuple[FileFix, ...]
    # the portfolio's folder in its Git repository ("sub/dir/"): every path shown starts with it, as check's do,
    # so that a diff applies with `git apply` from the repository's top
    path_prefix: str = ""

    def shown(self, item: FileFix) -> str:
        return f"{self.path_prefix}{item.rel}"

    @property
    def changed(self) -> tuple[FileFix, ...]:
        return tuple(f for f in self.files if f.changed)

    @property
    def problems(self) -> tuple[FileFix, ...]:
        return tuple(f for f in self.files if f.problem)

    @property
    def not_fixed(self) -> tuple[FileFix, ...]:
        return tuple(f for f in self.files if f.not_fixed)

    @property
    def fix_count(self) -> int:
        return sum(len(f.applied) for f in self.changed)


def _fixable(findings: list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in findings if fix_for(d.rule) is not None]


def _apply(doc: roundtrip.RoundTripDocument, pending: list[Diagnostic]) -> tuple[list[AppliedFix], list[NotFixed]]:
    """Run the fixes of ``pending`` on ``doc``: what they did, and what they had to refuse."""
    done: list[AppliedFix] = []
    refused: list[NotFixed] = []
    for finding in pending:
        fix = fix_for(finding.rule)
        if fix is None:
            continue
        asked = len(doc.refusals)
        description = fix(doc, finding)
        if description:
            done.append(AppliedFix(finding.code, description))
        elif len(doc.refusals) > asked:
            refused.append(NotFixed(finding.code, finding.line, finding.col, doc.refusals[asked].reason))
    return done, refused


def fix_bytes(rel: str, raw: bytes, findings: list[Diagnostic], limits: Limits) -> FileFix:
    """Fix one file's text in memory. Never raises for anything the file holds.

    ``findings`` are ``check``'s findings of the file; every one a fix exists for ends up fixed,
    in ``not_fixed`` with the reason, or is one no safe fix covers (a typo is not a spelling).
    """
    current = raw
    applied: list[AppliedFix] = []
    selected = {(d.rule, d.data_path) for d in findings}
    pending = _fixable(findings)
    refused: list[NotFixed] = []
    for _ in range(MAX_PASSES):
        if not pending:
            break
        doc = roundtrip.load(current)
        if isinstance(doc, LoadProblem):  # check read it, so this would be pmo-lint's own fault: say so
            return FileFix(rel, raw, raw, not_fixed=(NotFixed("", doc.line, doc.col, _unopened(doc)),))
        done, refused = _apply(doc, pending)
        if not doc.changed:
            break
        fixed = doc.render()
        outcome = process_bytes(rel, fixed, limits)
        why = _damage(current, fixed, doc.edited, outcome.diagnostics, limits)
        if why:  # a fix must never make a file unreadable or change another value; keep the original
            return FileFix(rel, raw, raw, not_fixed=(NotFixed("", 0, 0, f"{why}; the file was left as it is"),))
        applied.extend(done)
        current = fixed
        pending = [
            d for d in _fixable(list(outcome.diagnostics)) if d.rule in _ALWAYS_ON or (d.rule, d.data_path) in selected
        ]
        refused = []  # the positions of what was refused may have moved: the next pass says it again
    else:  # every pass changed something: say what is left against the final text
        doc = roundtrip.load(current)
        if not isinstance(doc, LoadProblem):
            refused = _apply(doc, pending)[1]
    return FileFix(rel, raw, current, tuple(applied), not_fixed=tuple(refused))


def _unopened(problem: LoadProblem) -> str:
    return f"pmo-lint could not open it for editing ({problem.message}); please report this"


def _damage(
    before: bytes, after: bytes, edited: list[DataPath], diagnostics: tuple[Diagnostic, ...], limits: Limits
) -> str:
    """Why the fixed text must not be written ("" when it may): unreadable, or a value changed unasked."""
    broken = [d for d in diagnostics if d.rule in _UNREADABLE]
    if broken:
        return f"fixing it would make the file unreadable ({broken[0].message})"
    old, new = parse_bytes(before, limits), parse_bytes(after, limits)
    if isinstance(old, LoadProblem) or isinstance(new, LoadProblem):  # defensive: both were just read
        return "fixing it would make the file unreadable"
    moved = _first_difference(old.data, new.data, frozenset(edited))
    if moved is not None:
        return f"fixing it would also change {format_data_path(moved) or 'the top level'}"
    return ""


def _first_difference(old: object, new: object, edited: frozenset[DataPath]) -> DataPath | None:
    """The first place, other than one a fix edited, where two readings of a file differ."""
    stack: list[tuple[DataPath, object, object]] = [((), old, new)]
    seen: set[tuple[int, int]] = set()  # an alias reached twice is compared once
    while stack:
        path, a, b = stack.pop()
        if path in edited:
            continue
        if isinstance(a, dict) and isinstance(b, dict):
            if (id(a), id(b)) in seen:
                continue
            seen.add((id(a), id(b)))
            extra = [k for k in b if k not in a and (*path, k) not in edited]
            if extra or any(k not in b for k in a) or list(a) != [k for k in b if k in a]:
                return path
            stack.extend(((*path, k), a[k], b[k]) for k in a)
        elif isinstance(a, list) and isinstance(b, list):
            if (id(a), id(b)) in seen:
                continue
            seen.add((id(a), id(b)))
            if len(a) != len(b):
                return path
            stack.extend(((*path, i), x, y) for i, (x, y) in enumerate(zip(a, b, strict=True)))
        elif not same_reading(a, b):
            return path
    return None


def plan(opts: RunOptions) -> FixReport:
    """Run the check and compute the fixed text of every file with a fixable finding."""
    result = check(opts).result
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
            files.append(FileFix(rel, b"", b"", not_fixed=(NotFixed("", 0, 0, _link_reason(root, path, by_file)),)))
            continue
        raw = read_source(SourceFile(rel, path), limits.max_file_bytes)
        if isinstance(raw, LoadProblem):
            files.append(FileFix(rel, b"", b"", problem=raw.message))
            continue
        files.append(fix_bytes(rel, raw, findings, limits))
    return FixReport(root, tuple(sorted(files, key=lambda f: f.rel)), result.path_prefix)


def _link_reason(root: Path, link: Path, by_file: dict[str, list[Diagnostic]]) -> str:
    """A link is not rewritten (that would replace it with a copy); the file it points to is."""
    try:
        target = link.resolve(strict=True).relative_to(root.resolve()).as_posix()
    except (OSError, RuntimeError, ValueError):
        return "it is a link to another file; fix that file"
    if target in by_file:
        return f"it is a link to {target}, which is fixed in its place"
    return f"it is a link to {target}; fix that file"


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
    """The changes as a unified diff (``a/`` and ``b/`` paths from the repository's top, as git prints them)."""
    chunks: list[str] = []
    for item in report.changed:
        before = _lines(item.before)
        after = _lines(item.after)
        chunks.extend(difflib.unified_diff(before, after, f"a/{report.shown(item)}", f"b/{report.shown(item)}"))
    return "".join(chunks)


def _lines(raw: bytes) -> list[str]:
    text = raw.decode("utf-8-sig", errors="replace")
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += "\n\\ No newline at end of file\n"
    return lines
