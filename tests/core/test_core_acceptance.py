"""Issue 2's acceptance, through the real CLI in a subprocess.

The sample passes; a copy of it broken in one place gives exactly one new finding at the right
file, line and column, exit code 1, no traceback, and no file changed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SAMPLE, CliResult, run_cli, snapshot

AS_OF = "2025-06-30"
SUMMARY = re.compile(
    r"(All checks passed: \d+ files?|Found \d+ findings? \([^)]*\) in \d+ files?), as of " + AS_OF + r"(; [^.]*)?\.$"
)


def cache_env(tmp_path: Path) -> dict[str, str]:
    # the per-file cache lives outside the portfolio, so the snapshot sees only the portfolio's own files
    return {"PMO_LINT_CACHE_DIR": str(tmp_path / "cache"), "XDG_CACHE_HOME": str(tmp_path / "xdg")}


def lint(root: Path, tmp_path: Path, *args: str) -> tuple[CliResult, dict[str, Any]]:
    """`check ROOT` with text on stdout and JSON in a file outside the portfolio."""
    out = tmp_path / "result.json"
    result = run_cli(
        "check",
        str(root),
        "--as-of",
        AS_OF,
        "--format",
        "text",
        "--format",
        f"json={out}",
        *args,
        env=cache_env(tmp_path),
    )
    doc = json.loads(out.read_text(encoding="utf-8")) if out.is_file() else {}
    return result, doc


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The pristine sample's JSON result, to tell a break's finding from the sample's own warnings."""
    tmp = tmp_path_factory.mktemp("baseline")
    result, doc = lint(SAMPLE, tmp)
    assert result.code == 0, result.out + result.err
    return doc


def test_sample_passes_with_summary(tmp_path: Path) -> None:
    before = snapshot(SAMPLE)
    result, doc = lint(SAMPLE, tmp_path)
    assert result.code == 0, result.out + result.err
    assert "Traceback" not in result.out + result.err
    lines = result.out.strip().splitlines()
    assert SUMMARY.match(lines[-1]), lines[-1]
    assert not [line for line in lines if "[error]" in line]
    assert doc["summary"]["error"] == 0
    assert doc["filesChecked"] >= 120
    assert snapshot(SAMPLE) == before


@dataclass(frozen=True)
class Break:
    """Replace ``old`` (found exactly once) in ``rel`` by ``new``; the finding is at ``at`` inside ``new``."""

    id: str
    rel: str
    old: str
    new: str
    at: str  # text in the new line where the finding points (its column)
    code: str
    message: str  # a fragment the message must contain


BREAKS = [
    Break(
        "syntax-error",
        "projects/customer-portal/status/2025-06-20.yaml",
        "  title: Weekly status 2025-06-20\n",
        "  title: Weekly status: 2025-06-20\n",
        ": 2025",
        "PMO001",
        "mapping values are not allowed",
    ),
    Break(
        "wrong-type-nested",
        "people/marcus-olsen.yaml",
        "hoursPerWeek: 40",
        "hoursPerWeek: forty",
        "forty",
        "PMO004",
        "'forty'",
    ),
    Break(
        "unknown-key",
        "projects/wms-replacement/risks/r-003.yaml",
        "  response: accept\n",
        "  respnse: accept\n",
        "respnse",
        "PMO004",
        "'response'",
    ),
    Break(
        "dangling-owner",
        "projects/customer-portal/risks/r-003.yaml",
        "  owner: person:sofia-almeida\n",
        "  owner: person:sofia-almeda\n",
        "person:sofia-almeda",
        "PMO007",
        "'sofia-almeda'",
    ),
    Break(
        "duplicate-key",
        "people/grace-okafor.yaml",
        "  title: Grace Okafor\n",
        '  title: Grace Okafor\n  "title": Grace O.\n',
        '"title"',
        "PMO001",
        "duplicate key 'title'",
    ),
]


def _apply(root: Path, brk: Break) -> tuple[int, int]:
    """Break the file; return the (line, column) the finding must name."""
    path = root / brk.rel
    text = path.read_text(encoding="utf-8")
    assert text.count(brk.old) == 1, f"the sample changed: {brk.old!r} is not in {brk.rel} exactly once"
    start = text.index(brk.old)
    changed = text[:start] + brk.new + text[start + len(brk.old) :]
    path.write_text(changed, encoding="utf-8")
    offset = start + brk.new.index(brk.at)
    line = changed.count("\n", 0, offset) + 1
    col = offset - (changed.rfind("\n", 0, offset) + 1) + 1
    return line, col


@pytest.mark.parametrize("brk", BREAKS, ids=[b.id for b in BREAKS])
def test_one_break_gives_one_finding(brk: Break, sample_copy: Path, tmp_path: Path, baseline: dict[str, Any]) -> None:
    line, col = _apply(sample_copy, brk)
    before = snapshot(sample_copy)
    result, doc = lint(sample_copy, tmp_path)

    assert result.code == 1, result.out + result.err
    assert "Traceback" not in result.out + result.err
    known = {d["fingerprint"] for d in baseline["diagnostics"]}
    new = [d for d in doc["diagnostics"] if d["fingerprint"] not in known]
    assert len(new) == 1, json.dumps(new, indent=1)
    finding = new[0]
    assert (finding["path"], finding["code"], finding["severity"]) == (brk.rel, brk.code, "error")
    assert (finding["line"], finding["column"]) == (line, col), finding
    assert brk.message in finding["message"]
    assert f"{brk.rel}:{line}:{col}: {brk.code} [error]" in result.out
    assert doc["summary"]["error"] == 1
    assert snapshot(sample_copy) == before


def test_wrong_type_names_the_data_path(sample_copy: Path, tmp_path: Path) -> None:
    _apply(sample_copy, BREAKS[1])
    _result, doc = lint(sample_copy, tmp_path)
    errors = [d for d in doc["diagnostics"] if d["severity"] == "error"]
    assert [d["dataPath"] for d in errors] == ["spec.capacity.hoursPerWeek"]
    assert errors[0]["entity"] == "person:marcus-olsen"


def test_json_output_has_documented_fields(tmp_path: Path) -> None:
    result = run_cli("check", str(SAMPLE), "--as-of", AS_OF, "--format", "json", env=cache_env(tmp_path))
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    assert doc["version"] == 2
    assert doc["tool"]["name"] == "pmo-lint"
    assert doc["asOf"] == AS_OF
    assert isinstance(doc["filesChecked"], int)
    assert {"error", "warning", "info", "suppressed"} <= set(doc["summary"])
    assert isinstance(doc["suppressed"], list)
    fields = {"rule", "code", "severity", "message", "path", "line", "column", "dataPath", "entity", "fingerprint"}
    assert doc["diagnostics"], "the sample shows some warnings on purpose"
    for d in doc["diagnostics"] + doc["suppressed"]:
        assert fields <= set(d), d
        assert d["severity"] in ("error", "warning", "info")
        assert isinstance(d["line"], int) and d["line"] >= 1
        assert re.fullmatch(r"[0-9a-f]{16,}", d["fingerprint"])
