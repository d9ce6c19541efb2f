"""What a cache entry depends on besides its own input: the code, the shipped packs, the CEL evaluator."""

from __future__ import annotations

import functools
import hashlib
import sys
from pathlib import Path

from pmo_lint import __version__

# what a file's own outcome (parse, validate, inline directives) depends on; other code (rules,
# facts, policies, reporters) only changes the whole-run key, so editing a rule keeps the parse cache
_PER_FILE_CODE = (
    "loader/",
    "model/",
    "schema/",
    "outcome.py",
    "cache/files.py",
    "cache/workers.py",
    "diagnostics.py",
    "rules/core.py",
    "rules/suppress.py",
    "rules/base.py",
)


def code_fingerprint(per_file: bool = False) -> str:
    """Version plus the size and mtime of shipped source, schema and policy files (``per_file``:
    only those a file's own outcome depends on). Editable installs change code without changing
    the version; this keeps their cache honest."""
    return _fingerprints()[1 if per_file else 0]


@functools.cache
def _fingerprints() -> tuple[str, str]:
    """Both fingerprints from one walk of the shipped files (it is on the path of every warm run)."""
    from pmo_lint.resources import policies_dir, schemas_dir

    full = hashlib.blake2b(digest_size=16)
    own = hashlib.blake2b(digest_size=16)
    for h in (full, own):
        h.update(__version__.encode())
        h.update(sys.version.encode())
    package = Path(__file__).resolve().parent.parent  # pmo_lint/
    policies = policies_dir()
    for base in (package, policies, schemas_dir()):
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            if path.suffix not in (".py", ".yaml", ".yml", ".json") or "__pycache__" in path.parts:
                continue
            rel = path.relative_to(base).as_posix()
            st = path.stat()
            line = f"{rel}\0{st.st_size}\0{st.st_mtime_ns}\n".encode()
            full.update(line)
            if base != policies and (base != package or rel.startswith(_PER_FILE_CODE)):
                own.update(line)
    return full.hexdigest(), own.hexdigest()


def policy_salt() -> str:
    """What every stored policy result depends on beyond its inputs: our code and shipped packs,
    and the CEL evaluator itself (an upgrade of it may change verdicts)."""
    return f"{code_fingerprint()}\n{_evaluator_build()}"


@functools.cache
def _evaluator_build() -> str:
    from pmo_lint.rules import cel_adapter

    parts: list[str] = []
    for module in cel_adapter.modules():
        try:
            st = Path(module.__file__ or "").stat()
            parts.append(f"{module.__file__}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append(f"{module.__name__}:?")
    return "\n".join(parts)


def content_hash(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=16).hexdigest()
