"""Property tests: random damage to sample-like files, random comments, quoting, indentation,
CRLF and BOM. `fix` must give back exactly the undamaged file (so every untouched byte and every
comment survives) and fixing the result again must change nothing."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmo_lint.fixer import fix_bytes
from pmo_lint.loader.yamlio import Limits
from pmo_lint.outcome import process_bytes

LIMITS = Limits()
API = "apiVersion: pmo-lint/v1"


@dataclass(frozen=True)
class Template:
    rel: str
    kind: str
    lines: tuple[str, ...]  # "{v:VALUE}" marks an enum value the test may damage


STATUS = Template(
    "projects/demo/status/2026-11-20.yaml",
    "StatusReport",
    (
        "# yaml-language-server: $schema=../../../.pmo-lint/schemas/statusreport.schema.json",
        API,
        "kind: StatusReport",
        "metadata:",
        "  name: 2026-11-20",
        "  namespace: demo",
        "spec:",
        "  reportDate: 2026-11-20",
        "  author: person:pmo-lead",
        "  health:",
        "    overall: {rag: {v:green}}",
        "    schedule:",
        "      rag: {v:amber}",
        "      comment: waiting for the vendor",
        "    cost: {rag: {v:red}, comment: over budget}",
        "    resources:",
        "      rag: {v:green}",
        "    scope: {rag: {v:green}}",
        "  executiveSummary: On track, with one risk.",
        "  achievements:",
        "    - Vendor selected",
        "  percentComplete: 10",
    ),
)
PROJECT = Template(
    "projects/demo/project.yaml",
    "Project",
    (
        "# yaml-language-server: $schema=../../.pmo-lint/schemas/project.schema.json",
        API,
        "kind: Project",
        "metadata:",
        "  name: demo",
        "  title: Demo",
        "spec:",
        "  type: it-delivery",
        "  category: {v:strategic}",
        "  investmentClass: {v:change}",
        "  owner: person:pmo-lead",
        "  lifecycle:",
        "    phase: initiation",
        "    state: {v:on-hold}",
        "  milestones:",
        "    - id: m1",
        "      title: Kick-off",
        "      forecastDate: 2026-12-01",
        "      status: {v:in-progress}",
        "  stakeholders:",
        "    - person: person:pmo-lead",
        "      interest: {v:high}",
        "      engagement: {v:supportive}",
        "  currency: EUR",
    ),
)
KIND_DAMAGE = {
    "StatusReport": ("statusreport", "status-report", "STATUS_REPORT", "Statusreport"),
    "Project": ("project", "PROJECT", "proJect"),
}
VALUE_DAMAGE = st.sampled_from(("keep", "upper", "title", "swap", "spaces"))
COMMENTS = st.sampled_from(("", "  # why", " #x", "  # a: b, [c] {d} 'e'", "\t# tab"))


def _damage(value: str, how: str) -> str:
    if how == "upper":
        return value.upper()
    if how == "title":
        return value.title()
    if how == "swap":
        return "".join(c.upper() if i % 2 else c for i, c in enumerate(value))
    if how == "spaces":
        return value.replace("-", "_").upper()
    return value


def _quote(value: str, style: str) -> str:
    return {"plain": value, "single": f"'{value}'", "double": f'"{value}"'}[style]


@st.composite
def cases(draw: st.DrawFn) -> tuple[Template, bytes, bytes]:
    """(template, damaged file, the file fix must give back)."""
    template = draw(st.sampled_from((STATUS, PROJECT)))
    eol = draw(st.sampled_from(("\n", "\r\n")))
    bom = draw(st.booleans())
    wide = draw(st.booleans())  # every nested line two spaces deeper: unusual, still valid
    drop_api = draw(st.booleans())
    kind_as = draw(st.sampled_from(("keep", *KIND_DAMAGE[template.kind])))
    damaged: list[str] = []
    expected: list[str] = []
    for line in template.lines:
        if wide and line.startswith(" "):
            line = "  " + line
        indent = line[: len(line) - len(line.lstrip(" "))]
        if draw(st.booleans()) and not line.startswith("#"):
            full = f"{indent}# note{draw(st.sampled_from(('', ': kind: project', ' - Green')))}"
            damaged.append(full)
            expected.append(full)
        if line == API and drop_api:
            continue
        comment = "" if line.startswith("#") else draw(COMMENTS)
        good, bad = line, line
        if "{v:" in line:
            head, rest = line.split("{v:", 1)
            value, tail = rest.split("}", 1)
            style = draw(st.sampled_from(("plain", "single", "double")))
            good = head + _quote(value, style) + tail
            bad = head + _quote(_damage(value, draw(VALUE_DAMAGE)), style) + tail
        if line.startswith("kind: ") and kind_as != "keep":
            bad = f"kind: {kind_as}"
        if line.startswith("kind: ") and drop_api:
            expected.append(API)  # fix adds apiVersion right before the first key
        damaged.append(bad + comment)
        expected.append(good + comment)
    prefix = b"\xef\xbb\xbf" if bom else b""
    return (
        template,
        prefix + (eol.join(damaged) + eol).encode("utf-8"),
        prefix + (eol.join(expected) + eol).encode("utf-8"),
    )


def _fixed(rel: str, raw: bytes) -> bytes:
    findings = list(process_bytes(rel, raw, LIMITS).diagnostics)
    result = fix_bytes(rel, raw, findings, LIMITS)
    assert not result.problem, result.problem
    return result.after


@settings(max_examples=150, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_fix_restores_exactly_the_undamaged_file(case: tuple[Template, bytes, bytes]) -> None:
    template, damaged, expected = case
    assert process_bytes(template.rel, expected, LIMITS).diagnostics == ()
    once = _fixed(template.rel, damaged)
    assert once == expected
    assert _fixed(template.rel, once) == once


@settings(max_examples=100, derandomize=True, deadline=None)
@given(cases())
def test_every_untouched_line_and_every_comment_survives(case: tuple[Template, bytes, bytes]) -> None:
    template, damaged, _ = case
    fixed = _fixed(template.rel, damaged)
    before = damaged.splitlines(keepends=True)
    after = fixed.splitlines(keepends=True)
    # fixes change values in place and may add one apiVersion line: nothing else moves
    inserted = len(after) - len(before)
    assert inserted in (0, 1)
    after_aligned = [line for line in after if not line.lstrip(b"\xef\xbb\xbf").startswith(API.encode())]
    before_aligned = [line for line in before if not line.lstrip(b"\xef\xbb\xbf").startswith(API.encode())]
    assert len(after_aligned) == len(before_aligned)
    for old, new in zip(before_aligned, after_aligned, strict=True):
        if old != new:
            assert old.lower().replace(b"_", b"-") == new.lower().replace(b"_", b"-") or b"kind:" in old
        if b"#" in old:
            assert old[old.index(b"#") :] in new
