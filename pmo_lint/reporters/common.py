"""What several reporters share: rule metadata lookup, CI paths, safe text for machine formats.

Everything here is a pure function of its arguments except ``repo_prefix``, which the CLI calls
once and stores in ``result.extra["path_prefix"]`` so the reporters stay pure.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from pathlib import Path

from pmo_lint.diagnostics import Diagnostic, Result, Severity
from pmo_lint.rules.base import RuleDocs, RuleMeta

TOOL_NAME = "pmo-lint"
INFORMATION_URI = "https://pmo-lint.dev"
# Portfolio-wide findings have no file; CI viewers need one, so they point at the portfolio's root marker.
ROOT_FILE = "pmo.yaml"


def rule_metas(result: Result) -> list[RuleMeta]:
    """Every rule the run knew (sorted by code), plus a stub for any code a finding uses that none declares."""
    given = result.extra.get("rules")
    if isinstance(given, list) and all(isinstance(m, RuleMeta) for m in given):
        metas: list[RuleMeta] = list(given)
    else:
        from pmo_lint.rules.registry import all_metas

        metas = all_metas()
    known = {m.code for m in metas}
    for d in (*result.diagnostics, *result.suppressed):
        if d.code not in known:
            known.add(d.code)
            metas.append(RuleMeta(d.rule, d.code, d.rule, d.severity, "", RuleDocs(d.rule, "", "", "")))
    return sorted(metas, key=lambda m: m.code)


def fail_threshold(result: Result) -> Severity:
    level = result.extra.get("fail_on")
    return level if isinstance(level, Severity) else Severity.ERROR


def repo_prefix(root: Path) -> str:
    """The portfolio root relative to the enclosing Git work tree, as ``"sub/dir/"`` ("" at the top or outside Git).

    GitHub and GitLab want paths relative to the repository, while findings are relative to the portfolio.
    """
    root = root.resolve()
    for probe in (root, *root.parents):
        if (probe / ".git").exists():
            rel = root.relative_to(probe).as_posix()
            return "" if rel == "." else rel + "/"
    return ""


def ci_path(result: Result, d: Diagnostic) -> str:
    """Repository-relative path of a finding for CI viewers; portfolio-wide findings point at pmo.yaml."""
    prefix = result.extra.get("path_prefix", "")
    return f"{prefix if isinstance(prefix, str) else ''}{d.path or ROOT_FILE}"


def clean_controls(text: str, *, keep_newlines: bool = False) -> str:
    """Escape C0/C1 controls and bidi overrides as visible ``\\xNN`` / ``\\uNNNN`` (Trojan-source safe).

    With ``keep_newlines`` LF and CR pass through, for formats that escape them their own way.
    """
    out = []
    for ch in text:
        code = ord(ch)
        if keep_newlines and ch in "\n\r":
            out.append(ch)
        elif ch == "\n":
            out.append("\\n")
        elif code < 0x20 or code == 0x7F or 0x80 <= code < 0xA0:
            out.append(f"\\x{code:02x}")
        elif (
            0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069 or 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF)
        ):
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


def unique_fingerprints(items: Iterable[Diagnostic]) -> list[str]:
    """Our fingerprint per finding, made unique in order: a repeat gets a hash of (fingerprint, occurrence).

    GitLab collapses findings that share a fingerprint, so two findings must never share one.
    """
    seen: dict[str, int] = {}
    out = []
    for d in items:
        fp = d.fingerprint
        n = seen.get(fp, 0)
        seen[fp] = n + 1
        out.append(fp if n == 0 else hashlib.sha256(f"{fp}\x1f{n}".encode()).hexdigest()[:32])
    return out


# characters a terminal or viewer may act on, and lone surrogates UTF-8 cannot encode; JSON escapes C0 itself
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def dumps_json(doc: object) -> str:
    """Readable UTF-8 JSON that is still safe to print: C1 controls and bidi marks stay escaped."""
    text = json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False)
    # outside strings JSON is plain ASCII, so every match is inside a string where \uXXXX means the same
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def held_back(result: Result) -> tuple[int, list[str], str]:
    """Findings held back because their project's file is invalid: (count, project names, why); 0 if none."""
    held = result.extra.get("held_back")
    if not isinstance(held, dict) or not held.get("count"):
        return 0, [], ""
    projects = [str(p) for p in held.get("projects", [])]
    names = ", ".join(projects)
    why = (
        f"they need the data of project {names}, whose project file is invalid; fix it to see them"
        if len(projects) == 1
        else f"they need the data of projects {names}, whose project files are invalid; fix them to see them"
    )
    return int(held["count"]), projects, why


def suppressed_counts(result: Result) -> tuple[int, int]:
    """(inline, waived) among the suppressed findings."""
    waived = sum(1 for d in result.suppressed if d.suppression is not None and d.suppression.kind == "waiver")
    return len(result.suppressed) - waived, waived
