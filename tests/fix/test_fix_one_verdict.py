"""One file, one verdict: every file `check` reads, `fix` reads too.

A differential test of the two readers. Hand-written and generated files (tabs, byte order marks,
every line break YAML knows, document markers, directives, tags, anchors, flow and block styles,
explicit keys, long lines, non-ASCII text) go to both; whenever `check` reads a file, `fix` must
fix it without losing a comment or changing any other value, or leave the finding with the
reason it "cannot be fixed automatically" — never call the file unreadable. A file `check` cannot
read is one `fix` does not touch either, and both say why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmo_lint.cli import main
from pmo_lint.fixer import FileFix, fix_bytes
from pmo_lint.loader import roundtrip
from pmo_lint.loader.yamlio import Limits, LoadedDocument, LoadProblem, _Parser, decode, parse_bytes
from pmo_lint.outcome import process_bytes
from pmo_lint.rules.fixes import fix_for

LIMITS = Limits()
REL = "projects/demo/project.yaml"
TEMPLATE = """\
# yaml-language-server: $schema=../../.pmo-lint/schemas/project.schema.json
apiVersion: pmo-lint/v1
kind: Project
metadata:
  name: demo
  title: Demo  # shown on the site
  labels: {eu: "yes", country: "NO"}
spec:
  type: it-delivery
  category: strategic
  investmentClass: change
  owner: person:pmo-lead
  lifecycle:
    phase: initiation
    state: on-hold  # waiting for funding
  milestones:
    - id: m1
      title: Kick-off
      forecastDate: 2026-12-01
      status: in-progress
  currency: EUR
"""
STATE = "    state: on-hold  # waiting for funding\n"


# -- what every file check reads must satisfy ---------------------------------------------------
def comments(raw: bytes) -> list[str]:
    """The comments of a file, found around the parser's own tokens (a # inside a value is no comment)."""
    text = decode(raw)
    assert isinstance(text, str)
    covered = bytearray(len(text))
    parser = _Parser(text)
    while True:
        token = parser.get_token()
        if token is None:
            break
        covered[token.start_mark.index : token.end_mark.index] = b"\x01" * (
            token.end_mark.index - token.start_mark.index
        )
    found: list[str] = []
    i = 0
    while i < len(text):
        if text[i] == "#" and not covered[i] and (i == 0 or text[i - 1] in " \t\r\n\x85\u2028\u2029\ufeff"):
            end = re.compile("[\r\n\x85\u2028\u2029]").search(text, i)
            stop = end.start() if end else len(text)
            found.append(text[i:stop])
            i = stop
        i += 1
    return found


def _spelling(value: str) -> str:
    return re.sub(r"[\s_-]+", "-", value.strip()).lower()


def respelled_only(before: Any, after: Any, path: tuple[Any, ...] = ()) -> None:
    """``after`` is ``before`` with values at most respelled (case, separators) and apiVersion added."""
    if isinstance(before, dict):
        assert isinstance(after, dict), path
        added = set(after) - set(before)
        assert added <= ({"apiVersion"} if path == () else set()), (path, added)
        assert set(before) <= set(after), path
        for key, value in before.items():
            respelled_only(value, after[key], (*path, key))
    elif isinstance(before, list):
        assert isinstance(after, list) and len(after) == len(before), path
        for i, (a, b) in enumerate(zip(before, after, strict=True)):
            respelled_only(a, b, (*path, i))
    elif isinstance(before, str) and isinstance(after, str):
        assert _spelling(before) == _spelling(after) or path == ("kind",), (path, before, after)
    else:
        assert type(before) is type(after) and before == after, (path, before, after)


def one_verdict(raw: bytes, rel: str = REL) -> FileFix | LoadProblem:
    """Feed a file to both readers and check the promise; returns fix's result, or check's refusal."""
    checked = parse_bytes(raw, LIMITS)
    findings = list(process_bytes(rel, raw, LIMITS).diagnostics)
    if isinstance(checked, LoadProblem):
        return checked
    assert isinstance(checked, LoadedDocument)
    opened = roundtrip.load(raw)
    assert not isinstance(opened, LoadProblem), f"check reads it, fix does not: {opened}"
    result = fix_bytes(rel, raw, findings, LIMITS)
    assert result.problem == "", result.problem
    assert all(n.code for n in result.not_fixed), f"a whole file left alone: {result.not_fixed}"
    after = parse_bytes(result.after, LIMITS)
    assert isinstance(after, LoadedDocument), "a fix made the file unreadable"
    respelled_only(checked.data, after.data)
    assert comments(result.after) == comments(raw), "a comment was lost or changed"
    if not result.changed:
        assert result.after == raw
    # nothing a fix could still do is left undone, and every refusal is reported where check reports it
    reported = {(n.code, n.line, n.col) for n in result.not_fixed}
    remaining = [d for d in process_bytes(rel, result.after, LIMITS).diagnostics if fix_for(d.rule) is not None]
    doc = roundtrip.load(result.after)
    assert isinstance(doc, roundtrip.RoundTripDocument)
    for finding in remaining:
        fix = fix_for(finding.rule)
        assert fix is not None
        asked = len(doc.refusals)
        assert not fix(doc, finding), f"left undone: {finding}"
        if len(doc.refusals) > asked:
            assert (finding.code, finding.line, finding.col) in reported, f"refused silently: {finding}"
    again = fix_bytes(rel, result.after, list(process_bytes(rel, result.after, LIMITS).diagnostics), LIMITS)
    assert again.after == result.after, "fixing twice changed the file again"
    return result


def data(raw: bytes) -> dict[str, Any]:
    doc = parse_bytes(raw, LIMITS)
    assert isinstance(doc, LoadedDocument), doc
    return doc.data


# -- hand-written files ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    name: str
    raw: bytes
    expect: str  # "fixed", "refused: <words of the reason>", or "unreadable"
    state: str = "on-hold"  # the state the fixed file holds (when fixed)


def _case(name: str, expect: str, *edits: tuple[str, str], eol: str = "\n", bom: bool = False) -> Case:
    text = TEMPLATE
    for old, new in edits:
        assert old in text, (name, old)
        text = text.replace(old, new, 1)
    raw = text.replace("\n", eol).encode("utf-8")
    return Case(name, (b"\xef\xbb\xbf" if bom else b"") + raw, expect)


DAMAGE = (STATE, "    state: On-Hold  # waiting for funding\n")
LONG = "x" * 6000
CASES = [
    _case("trailing tab after a plain value", "fixed", (STATE, "    state: On-Hold\t\n")),
    _case("trailing tab after a quoted value", "fixed", (STATE, "    state: 'On-Hold'\t\n")),
    _case("tab before a comment", "fixed", (STATE, "    state: On-Hold\t# waiting\tfor funding\n")),
    _case("tab after the colon", "fixed", (STATE, "    state:\tOn-Hold\n")),
    _case("spaces on blank lines", "fixed", DAMAGE, ("spec:\n", "spec:\n   \n\n")),
    _case("a tab on a blank line", "unreadable", DAMAGE, ("spec:\n", "spec:\n \t \n")),
    _case("a comment line starting with a tab", "unreadable", DAMAGE, ("spec:\n", "spec:\n\t# note\n")),
    _case("trailing whitespace on every line", "fixed", DAMAGE, ("\n", " \t\n")),
    _case("CRLF", "fixed", DAMAGE, eol="\r\n"),
    _case("CR only", "fixed", DAMAGE, eol="\r"),
    _case("NEL line breaks", "fixed", DAMAGE, eol="\x85"),
    _case("U+2028 line breaks", "fixed", DAMAGE, eol="\u2028"),
    _case("U+2029 line breaks", "fixed", DAMAGE, eol="\u2029"),
    _case("mixed line breaks", "fixed", DAMAGE, ("kind: Project\n", "kind: Project\r\n"), ("spec:\n", "spec:\r")),
    _case("byte order mark", "fixed", DAMAGE, bom=True),
    _case("byte order mark and CRLF", "fixed", DAMAGE, eol="\r\n", bom=True),
    _case("no final line break", "fixed", DAMAGE, ("  currency: EUR\n", "  currency: eur")),
    _case("document start", "fixed", DAMAGE, ("apiVersion", "---\napiVersion")),
    _case("document start with a comment", "fixed", DAMAGE, ("apiVersion", "--- # the project\napiVersion")),
    _case("document end", "fixed", DAMAGE, ("  currency: EUR\n", "  currency: EUR\n...\n")),
    _case("YAML 1.1 directive", "fixed", DAMAGE, ("# yaml", "%YAML 1.1\n---\n# yaml")),
    _case("YAML 1.2 directive", "fixed", DAMAGE, ("# yaml", "%YAML 1.2\n---\n# yaml")),
    _case("TAG directive", "fixed", DAMAGE, ("# yaml", "%TAG !e! tag:example.com,2026:\n---\n# yaml")),
    _case("explicit !!str tag", "fixed", (STATE, "    state: !!str On-Hold  # why\n")),
    _case("non-specific ! tag", "fixed", (STATE, "    state: ! On-Hold\n")),
    _case("tag and comment before a value", "fixed", (STATE, "    state: !!str # why\n      On-Hold\n")),
    _case("!!map on the top level", "fixed", DAMAGE, ("apiVersion", "--- !!map\napiVersion")),
    _case("tagged key", "fixed", (STATE, "    !!str state: On-Hold\n")),
    _case("quoted key", "fixed", (STATE, '    "state": On-Hold\n')),
    _case("explicit key", "fixed", (STATE, "    ? state\n    : On-Hold\n")),
    _case("comment between key and value", "fixed", (STATE, "    state: # why\n      On-Hold\n")),
    _case("value on two lines", "fixed", (STATE, "    state: On-\n      Hold\n")),
    _case("double-quoted with an escape", "fixed", (STATE, '    state: "On\\x2DHold"\n')),
    _case(
        "flow mapping",
        "fixed",
        ("  lifecycle:\n    phase: initiation\n" + STATE, "  lifecycle: {phase: initiation, state: On-Hold}  # f\n"),
    ),
    _case(
        "flow mapping over lines",
        "fixed",
        (
            "  lifecycle:\n    phase: initiation\n" + STATE,
            "  lifecycle: {\n    phase: initiation, # p\n    state: On-Hold\n  }\n",
        ),
    ),
    _case(
        "list at its key's indent",
        "fixed",
        DAMAGE,
        (
            "    - id: m1\n      title: Kick-off\n      forecastDate: 2026-12-01\n      status: in-progress\n",
            "  - id: m1\n    title: Kick-off\n    forecastDate: 2026-12-01\n    status: In_Progress\n",
        ),
    ),
    _case(
        "emoji and accents before the value",
        "fixed",
        DAMAGE,
        ('{eu: "yes", country: "NO"}', '{emoji: "😀é😀", eu: yes, country: "NO"}'),
    ),
    _case("YAML 1.1 words as names", "fixed", DAMAGE, ('{eu: "yes", country: "NO"}', "{on: x, off: yes, country: NO}")),
    _case("a very long line", "fixed", DAMAGE, ("  title: Demo", f"  description: {LONG}\n  title: Demo")),
    _case("a very long comment", "fixed", DAMAGE, ("# yaml", f"# {LONG}\n# yaml")),
    _case(
        "a fix far along a long line",
        "fixed",
        DAMAGE,
        ('{eu: "yes"', "{" + "".join(f"l{i}: '{'x' * 200}', " for i in range(20)) + "eu: yes"),
    ),
    _case("missing apiVersion after comments", "fixed", DAMAGE, ("apiVersion: pmo-lint/v1\n", "")),
    _case("missing apiVersion after a document start", "fixed", DAMAGE, ("apiVersion: pmo-lint/v1\n", "--- # p\n")),
    _case(
        "missing apiVersion and kind misspelt",
        "fixed",
        DAMAGE,
        ("apiVersion: pmo-lint/v1\n", ""),
        ("kind: Project", "kind: project"),
    ),
    _case("kind misspelt with a tag", "fixed", DAMAGE, ("kind: Project", "kind: !!str project")),
    Case(
        "the whole file as one flow mapping",
        b'{"kind": "Project", "metadata": {"name": "demo"},\n "spec": {"type": "it-delivery", "category": "Strategic",'
        b' "investmentClass": "change", "owner": "person:pmo-lead",\n "lifecycle": {"phase": "initiation",'
        b' "state": "On-Hold"}, "currency": "eur"}}\n',
        "fixed",
    ),
    _case("anchored value", "refused: marked &s", (STATE, "    state: &s On-Hold\n")),
    _case(
        "aliased value", "refused: marked &s", ("  labels: {", "  labels: {s: &s On-Hold, "), (STATE, "    state: *s\n")
    ),
    _case("value in an anchored part", "refused: reused elsewhere", ("  lifecycle:\n", "  lifecycle: &lc\n"), DAMAGE),
    _case("block text", "refused: block of text", (STATE, "    state: |\n      On-Hold\n")),
    _case("folded text", "refused: block of text", (STATE, "    state: >-\n      On-Hold\n")),
    _case("duplicate key", "unreadable", DAMAGE, ("  currency: EUR\n", "  currency: EUR\n  currency: EUR\n")),
    _case("merge key", "unreadable", DAMAGE, ("  currency: EUR\n", "  <<: {x: y}\n")),
    _case("two documents", "unreadable", DAMAGE, ("  currency: EUR\n", "  currency: EUR\n---\na: b\n")),
    _case("tab indentation", "unreadable", DAMAGE, ("  currency: EUR\n", "\tcurrency: EUR\n")),
    _case("a name longer than YAML allows", "unreadable", DAMAGE, ("  currency: EUR\n", f"  {LONG}: 1\n")),
    _case("unknown tag", "unreadable", (STATE, "    state: !e!x On-Hold\n")),
    _case("python tag", "unreadable", (STATE, "    state: !!python/object:os.system On-Hold\n")),
    Case("UTF-16", TEMPLATE.encode("utf-16"), "unreadable"),
    Case("not UTF-8", TEMPLATE.replace("Demo", "D\xe9mo").encode("latin-1"), "unreadable"),
    Case("byte order mark in the middle", TEMPLATE.replace("Demo", "De\ufeffmo").encode(), "unreadable"),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_file_gets_one_verdict(case: Case) -> None:
    result = one_verdict(case.raw)
    if case.expect == "unreadable":
        assert isinstance(result, LoadProblem), "check reads it"
        # fix never opens what check cannot read; the plan reports check's own finding (exit 2)
        return
    assert isinstance(result, FileFix), f"check refuses it: {result}"
    fixed = data(result.after)
    if case.expect == "fixed":
        assert not result.not_fixed, result.not_fixed
        assert fixed["spec"]["lifecycle"]["state"] == case.state
        assert fixed["apiVersion"] == "pmo-lint/v1" and fixed["kind"] == "Project"
        assert not [d for d in process_bytes(REL, result.after, LIMITS).diagnostics if fix_for(d.rule)]
    else:
        words = case.expect.removeprefix("refused: ")
        assert [n.code for n in result.not_fixed] == ["PMO004"], result.not_fixed
        assert words in str(result.not_fixed[0]) and "cannot be fixed automatically" in str(result.not_fixed[0])
        assert fixed["spec"]["lifecycle"]["state"] == data(case.raw)["spec"]["lifecycle"]["state"]


def test_the_issue_example_trailing_tab_after_a_plain_value() -> None:
    raw = TEMPLATE.replace(STATE, "    state: On-Hold\t\n").replace('"yes"', "yes\t").encode()
    findings = process_bytes(REL, raw, LIMITS).diagnostics
    assert sorted(d.code for d in findings) == ["PMO004", "PMO010"]
    result = fix_bytes(REL, raw, list(findings), LIMITS)
    assert result.after == TEMPLATE.replace(STATE, "    state: on-hold\t\n").replace('"yes"', '"yes"\t').encode()


def test_the_reason_is_given_where_check_reports_the_finding() -> None:
    raw = TEMPLATE.replace("apiVersion: pmo-lint/v1\n", "").replace(STATE, "    state: &s On-Hold\n").encode()
    result = one_verdict(raw)
    assert isinstance(result, FileFix)
    assert [a.code for a in result.applied] == ["PMO004"]  # apiVersion added: one line more
    state = [d for d in process_bytes(REL, result.after, LIMITS).diagnostics if d.data_path[-1:] == ("state",)]
    assert [(n.line, n.col) for n in result.not_fixed] == [(state[0].line, state[0].col)]


# -- generated files ------------------------------------------------------------------------------
BREAKS = st.sampled_from(("\n", "\r\n", "\r", "\x85", "\u2028"))
TRAILING = st.sampled_from(("", " ", "\t", " \t ", "\t\t"))
NOTE = st.sampled_from(("", " # n", "\t# n", " #\tn: [a] {b} 'c' \"d\" #e", "  # é😀"))
QUOTES = st.sampled_from(("plain", "single", "double", "tagged"))
DAMAGES = st.sampled_from(("keep", "upper", "title", "underscores"))
ENUM_LINE = re.compile(r"(\s*(?:- )?(?:category|investmentClass|state|status): )([a-z-]+)(.*)")


def _damaged(value: str, how: str) -> str:
    return {"upper": value.upper(), "title": value.title(), "underscores": value.replace("-", "_").upper()}.get(
        how, value
    )


def _written(value: str, style: str) -> str:
    return {"plain": value, "single": f"'{value}'", "double": f'"{value}"', "tagged": f"!!str {value}"}[style]


@st.composite
def noisy_files(draw: st.DrawFn) -> tuple[bytes, bytes]:
    """(a damaged file in unusual but valid dress, the same file undamaged)."""
    damaged: list[str] = []
    expected: list[str] = []
    lines = TEMPLATE.splitlines()
    if draw(st.booleans()):
        start = draw(st.sampled_from(("---", "--- # start", "%YAML 1.1\n---", "%YAML 1.2\n--- #x")))
        damaged.append(start)
        expected.append(start)
    drop_api = draw(st.booleans())
    for line in lines:
        if draw(st.integers(0, 5)) == 0:
            blank = draw(st.sampled_from(("", "  ", "  # a note", "# " + "w" * 2000)))
            damaged.append(blank)
            expected.append(blank)
        if line.startswith("apiVersion") and drop_api:
            continue  # fix adds it back; the expected data says so
        tail = draw(TRAILING) + (draw(NOTE) if not line.startswith("#") else "")
        good = bad = line
        match = ENUM_LINE.fullmatch(line)
        if match:
            head, value, rest = match.groups()
            style = draw(QUOTES)
            rest = re.sub(r"\s*#.*", "", rest)  # the generated note replaces the template's
            good = head + _written(value, style) + rest
            bad = head + _written(_damaged(value, draw(DAMAGES)), style) + rest
        elif line.startswith("kind: ") and draw(st.booleans()):
            bad = "kind: project"
        elif line.startswith("  title: "):
            good = bad = "  title: Démo 😀 " + "t" * draw(st.sampled_from((0, 200, 3000)))
        elif "#" in line and not line.startswith("#"):
            good = bad = line[: line.index("#")].rstrip()
        damaged.append(bad + tail)
        expected.append(good + tail)
    if draw(st.booleans()):
        damaged.append("...")
        expected.append("...")
    breaks = [draw(BREAKS) for _ in damaged]
    bom = b"\xef\xbb\xbf" if draw(st.booleans()) else b""
    last = draw(st.booleans())  # a final line break or none

    def join(parts: list[str]) -> bytes:
        text = "".join(p + b for p, b in zip(parts, breaks, strict=True))
        return bom + (text if last else text[: -len(breaks[-1])]).encode("utf-8")

    return join(damaged), join(expected)


@settings(max_examples=200, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(noisy_files())
def test_generated_files_get_one_verdict(case: tuple[bytes, bytes]) -> None:
    damaged, undamaged = case
    result = one_verdict(damaged)
    if isinstance(result, LoadProblem):  # check refuses the dress: the undamaged file must not read either
        assert isinstance(parse_bytes(undamaged, LIMITS), LoadProblem)
        return
    assert not result.not_fixed, result.not_fixed
    expected = data(undamaged)
    expected.setdefault("apiVersion", "pmo-lint/v1")
    assert data(result.after) == expected


_ODD = st.text(alphabet=st.sampled_from(list("ab:-#'\"{}[],&*!|>?%@`\\ \t\r\x85\u2028é😀01yn~.")), max_size=8)
_WORD = st.text(alphabet=st.sampled_from(list("abyn01é😀-_. ")), max_size=8)
PIECES = st.one_of(
    _WORD,
    _WORD.map(lambda w: f"'{w}'"),
    _ODD.map(lambda w: '"' + w.replace("\\", "").replace('"', "") + '"'),
    st.sampled_from(("[a, 'b', 1]", "{x: y, 'z': 2}", "&an v", "*an", "!!str 1", "|\n    t\n", ">-\n    t")),
    _ODD,
)


@st.composite
def yamlish(draw: st.DrawFn) -> str:
    """Mapping-shaped text with random YAML punctuation in its names and values."""
    lines = []
    for i in range(draw(st.integers(1, 8))):
        dress = draw(
            st.sampled_from(("{n}", "'{n}'", '"{n}"', "? {n}\n:", "&a{n} {n}", "!!str {n}", "{n}" + "k" * 300))
        )
        name = dress.format(n=f"k{i}")
        gap = draw(st.sampled_from((": ", ":\t", ":  ", ":\n  ")))
        if dress.startswith("?"):
            gap = " "
        tail = draw(st.sampled_from(("", "\t", " # c", "\t#c", "  ")))
        lines.append(name + gap + draw(PIECES) + tail)
    return draw(st.sampled_from(("\n", "\r\n", "\r", "\u2028"))).join(lines)


@settings(max_examples=1500, derandomize=True, deadline=None)
@given(yamlish())
def test_any_text_check_reads_opens_for_editing_with_the_same_values(text: str) -> None:
    raw = text.encode("utf-8")
    checked = parse_bytes(raw, LIMITS)
    if not isinstance(checked, LoadedDocument):
        return
    doc = roundtrip.load(raw)
    assert isinstance(doc, roundtrip.RoundTripDocument), doc
    stack: list[tuple[Any, roundtrip.Node]] = [(checked.data, doc.root)]
    while stack:
        value, node = stack.pop()
        if isinstance(value, dict):
            assert isinstance(node, roundtrip.MappingNode)
            keys = [k.value for k, _ in node.value if isinstance(k, roundtrip.ScalarNode)]
            assert keys == list(value)
            stack.extend((value[k.value], v) for k, v in node.value if isinstance(k, roundtrip.ScalarNode))
        elif isinstance(value, list):
            assert isinstance(node, roundtrip.SequenceNode) and len(node.value) == len(value)
            stack.extend(zip(value, node.value, strict=True))
        else:
            assert isinstance(node, roundtrip.ScalarNode)
            assert (node.tag or "").endswith(":str") == isinstance(value, str), (node.value, node.tag, value)
            if isinstance(value, str):
                assert node.value == value
            written = doc.text[roundtrip._content_start(doc.text, node.start, node.end) : node.end]
            if node.style is None and not re.search("[\r\n\x85\u2028\u2029]", written):
                assert written == node.value  # a splice of [start, end) replaces exactly the value


# -- the command line: fix and check --fix -------------------------------------------------------
@pytest.mark.parametrize("case", [c for c in CASES if c.expect != "unreadable"], ids=lambda c: c.name)
def test_fix_and_check_fix_give_the_same_verdict(
    case: Case, portfolio: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = portfolio / REL
    target.write_bytes(case.raw)
    twin = tmp_path / "twin"
    assert main(["init", "--yes", str(twin)]) == 0
    (twin / REL).parent.mkdir(parents=True)
    (twin / REL).write_bytes(case.raw)
    capsys.readouterr()
    assert main(["fix", str(portfolio)]) == 0
    fix_err = capsys.readouterr().err
    main(["check", "--fix", str(twin)])
    check_err = capsys.readouterr().err
    assert target.read_bytes() == (twin / REL).read_bytes()
    assert "unreadable" not in fix_err and "Traceback" not in fix_err + check_err
    said = [line for line in fix_err.splitlines() if "not fixed: " in line]
    assert said == [line for line in check_err.splitlines() if "not fixed: " in line]
    if case.expect.startswith("refused"):
        assert len(said) == 1 and said[0].startswith(f"{REL}:") and "PMO004" in said[0]
        assert target.read_bytes() == case.raw
    else:
        assert not said


def test_a_link_is_not_fixed_but_its_file_is(portfolio: Path, capsys: pytest.CaptureFixture[str]) -> None:
    damaged = TEMPLATE.replace(STATE, "    state: On-Hold\n")
    (portfolio / REL).write_text(damaged, encoding="utf-8")
    link = portfolio / "projects/demo/alias.yaml"
    link.symlink_to("project.yaml")
    capsys.readouterr()
    assert main(["fix", str(portfolio)]) == 0  # check reads the link: fix does not call it unreadable
    err = capsys.readouterr().err
    assert f"projects/demo/alias.yaml: not fixed: cannot be fixed automatically: it is a link to {REL}" in err
    assert link.is_symlink()
    assert "state: on-hold" in (portfolio / REL).read_text(encoding="utf-8")


@settings(max_examples=400, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(yamlish())
def test_any_text_check_reads_gets_one_verdict(text: str) -> None:
    # not an entity: the fixes that apply are the missing apiVersion (before odd first names) and quoting
    one_verdict(text.encode("utf-8"))
