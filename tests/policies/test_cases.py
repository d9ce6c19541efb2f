"""Rule cases: small overlays of the base portfolio with the expected findings marked inline.

A case is ``cases/<CODE>/<name>.yaml`` or a folder ``cases/<CODE>/<name>/`` of such files. Line 1 of
each file is ``# path: <where it goes in the portfolio>``; a ``# delete: <path>`` line below it removes
a base file. Every line carrying ``# expect: CODE`` must be reported for CODE at that line, and no
other finding of the case's rule may appear (yamllint's and ruff's inline-expectation style).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.policies.conftest import HERE, check, portfolio

CASES = HERE / "cases"
EXPECT = re.compile(r"#\s*expect:\s*([A-Z]{3}\d{3}(?:\s*,\s*[A-Z]{3}\d{3})*)")
# maturity (TRF007) is computed from the findings of the level's checks, so they must run too
NEEDS: dict[str, tuple[str, ...]] = {"TRF007": ("GOV001", "GOV002")}


def _cases() -> list[Path]:
    return sorted(p for p in CASES.glob("*/*") if p.suffix == ".yaml" or p.is_dir())


def _read(case: Path) -> tuple[dict[str, str], list[str], set[tuple[str, int, str]]]:
    files = sorted(case.glob("*.yaml")) if case.is_dir() else [case]
    overlay: dict[str, str] = {}
    delete: list[str] = []
    expected: set[tuple[str, int, str]] = set()
    for f in files:
        text = f.read_text(encoding="utf-8")
        lines = text.splitlines()
        head = re.match(r"#\s*path:\s*(\S+)", lines[0])
        assert head, f"{f}: line 1 must be `# path: <portfolio path>`"
        rel = head.group(1)
        overlay[rel] = text
        for n, line in enumerate(lines, start=1):
            if m := re.match(r"#\s*delete:\s*(\S+)", line):
                delete.append(m.group(1))
            if m := EXPECT.search(line):
                expected.update((rel, n, code.strip()) for code in m.group(1).split(","))
    return overlay, delete, expected


@pytest.mark.parametrize("case", _cases(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_case(case: Path, tmp_path: Path) -> None:
    code = case.parent.name
    overlay, delete, expected = _read(case)
    found = check(portfolio(tmp_path, overlay, delete), [code, *NEEDS.get(code, ())])
    got = {(d.path, d.line, d.code) for d in found if d.code == code}
    messages = [f"{d.path}:{d.line} {d.code} {d.message}" for d in found if d.code == code]
    assert got == expected, "\n".join(messages)


def test_every_rule_has_a_firing_and_a_passing_case() -> None:
    from tests.policies.test_rule_docs import RULES

    by_code: dict[str, list[bool]] = {}
    for case in _cases():
        by_code.setdefault(case.parent.name, []).append(bool(_read(case)[2]))
    missing = [r["code"] for r in RULES if not {True, False} <= set(by_code.get(r["code"], []))]
    assert not missing, f"rules without a firing and a passing case: {missing}"
