"""Hostile and broken input, one class per test, run as the real CLI in a subprocess.

Each run has a memory limit and a hang guard (a timeout far above the expected ~0.3 s; it is not a speed
assertion), and must give: no traceback, the documented exit code, the file (and line where there is
one) named, and the portfolio byte-for-byte unchanged.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

from tests.conftest import snapshot

PMO = """\
apiVersion: pmo-lint/v1
kind: PMOConfig
metadata:
  name: test-pmo
spec:
  organization: Test Org
  pmoTypes: [governance]
  currency: EUR
  projectTypes: [it]
  lifecycle:
    phases: [{id: proposed}, {id: executing}]
  scales:
    probability: [{id: low, value: 1}, {id: high, value: 2}]
    impact: [{id: low, value: 1}, {id: high, value: 2}]
  riskMatrix: {escalationScore: 4}
"""
PERSON = """\
apiVersion: pmo-lint/v1
kind: Person
metadata:
  name: {name}
spec:
  profile: {{displayName: Test Person}}
  roles: [project-manager]
"""
MEMORY_LIMIT = 1024 * 1024 * 1024  # 1 GiB of address space per run
HANG_GUARD = 60  # seconds; a hang would otherwise block CI forever


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def lint(root: Path, *args: str, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pmo_lint", "check", str(root), "--no-cache", "--as-of", "2025-06-30", *args],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
        preexec_fn=_limit_memory,
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
        check=False,
    )


def portfolio(tmp_path: Path, files: Mapping[str, str | bytes]) -> Path:
    root = tmp_path / "p"
    (root / "people").mkdir(parents=True)
    (root / "pmo.yaml").write_text(PMO, encoding="utf-8")
    (root / "people" / "ok.yaml").write_text(PERSON.format(name="ok"), encoding="utf-8")
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return root


def findings(proc: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in proc.stdout.splitlines() if ": PMO" in line or ": GOV" in line]


def assert_one_finding(
    tmp_path: Path, files: Mapping[str, str | bytes], rel: str, code: str, line: int | None, *, words: str = ""
) -> str:
    root = portfolio(tmp_path, files)
    before = snapshot(root)
    proc = lint(root)
    assert "Traceback" not in proc.stdout + proc.stderr
    assert proc.returncode == 1, proc.stdout + proc.stderr
    hits = [f for f in findings(proc) if f.startswith(f"{rel}:")]
    assert len(hits) == 1, proc.stdout
    where = f"{rel}:{line}:" if line is not None else f"{rel}:"
    assert hits[0].startswith(where), hits[0]
    assert f" {code}" in hits[0], hits[0]  # a code or a code prefix
    assert words.lower() in hits[0].lower(), hits[0]
    assert snapshot(root) == before
    return hits[0]


def test_clean_portfolio_passes(tmp_path: Path) -> None:
    proc = lint(portfolio(tmp_path, {}))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "All checks passed" in proc.stdout


def test_malformed_yaml_points_at_the_line_where_the_problem_starts(tmp_path: Path) -> None:
    # an unclosed quote is only noticed at the end of the file; the finding names where it opened
    text = PERSON.format(name="bad").replace("Test Person}", 'Test Person}\n  skills: ["unclosed') + "\n" * 20
    assert_one_finding(tmp_path, {"people/bad.yaml": text}, "people/bad.yaml", "PMO001", 7)


def test_bad_indentation(tmp_path: Path) -> None:
    text = PERSON.format(name="bad") + "   extra: [1\n"
    assert_one_finding(tmp_path, {"people/bad.yaml": text}, "people/bad.yaml", "PMO001", None)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("", "empty"),
        ("# only a comment\n", "empty"),
        ("---\n", "empty"),
        ("---\n...\n", "empty"),
        ("null\n", "empty"),
        ("- a\n- b\n", "list"),
        ("just text\n", "single value"),
        ("42\n", "single value"),
    ],
)
def test_empty_and_non_mapping_files(tmp_path: Path, content: str, words: str) -> None:
    assert_one_finding(tmp_path, {"people/x.yaml": content}, "people/x.yaml", "PMO002", 1, words=words)


def test_multi_document_file(tmp_path: Path) -> None:
    text = PERSON.format(name="x") + "---\n" + PERSON.format(name="y")
    assert_one_finding(tmp_path, {"people/x.yaml": text}, "people/x.yaml", "PMO002", 8, words="more than one")


@pytest.mark.parametrize("second", ["name: dup", '"name": dup', "'name': dup", '"na\\x6de": dup'])
def test_duplicate_keys_also_when_quoted_differently(tmp_path: Path, second: str) -> None:
    text = PERSON.format(name="x").replace("  name: x\n", f"  name: x\n  {second}\n")
    assert_one_finding(tmp_path, {"people/x.yaml": text}, "people/x.yaml", "PMO001", 5, words="duplicate key")


@pytest.mark.parametrize("key", ["1", "true", "null", "[a, b]", "{a: 1}", "? [x]\n  "])
def test_non_string_keys(tmp_path: Path, key: str) -> None:
    text = PERSON.format(name="x") + f"{key}: value\n"
    assert_one_finding(tmp_path, {"people/x.yaml": text}, "people/x.yaml", "PMO001", None)


@pytest.mark.parametrize("opening", ["[", "{a: "])
def test_deep_nesting_never_escapes_as_recursion_error(tmp_path: Path, opening: str) -> None:
    text = "apiVersion: pmo-lint/v1\nkind: Person\nspec: " + opening * 50_000 + "\n"
    hit = assert_one_finding(tmp_path, {"people/x.yaml": text}, "people/x.yaml", "PMO00", 3)
    assert "PMO001" in hit or "PMO003" in hit


def test_deep_block_nesting_hits_the_depth_limit(tmp_path: Path) -> None:
    body = "".join("  " * i + f"k{i}:\n" for i in range(200)) + "  " * 200 + "leaf: 1\n"
    assert_one_finding(tmp_path, {"people/x.yaml": body}, "people/x.yaml", "PMO003", None, words="nesting")


def test_huge_integer(tmp_path: Path) -> None:
    text = PERSON.format(name="x") + "  capacity: {hoursPerWeek: " + "9" * 5000 + "}\n"
    assert_one_finding(tmp_path, {"people/x.yaml": text}, "people/x.yaml", "PMO003", 8, words="digits")


@pytest.mark.parametrize("date", ["2024-02-30", "2025-13-01", "2025-1-1", "20250101"])
def test_impossible_dates(tmp_path: Path, date: str) -> None:
    text = PERSON.format(name="x") + f"  trainings: [{{course: pm-basics, date: {date}}}]\n"
    assert_one_finding(tmp_path, {"people/x.yaml": text}, "people/x.yaml", "PMO004", 8)


@pytest.mark.parametrize(
    ("raw", "words", "line"),
    [
        (b"apiVersion: pmo-lint/v1\nkind: Person\nmetadata: {name: \xc3\x28}\n", "utf-8", 3),
        ("kind: Person\n".encode("utf-16"), "utf-16", 1),
        ("kind: Person\n".encode("utf-16-le"), "utf-", 1),
        ("kind: Person\n".encode("utf-32"), "utf-32", 1),
        ("kind: Person\n".encode("utf-32-be"), "", 1),
        (b"apiVersion: pmo-lint/v1\nkind: Person\nmeta\xef\xbb\xbfdata: {}\n", "byte order mark", 3),
        (b"apiVersion: pmo-lint/v1\nkind: Person\x00\n", "nul", 2),
        (b"apiVersion: pmo-lint/v1\nkind: Per\x07son\n", "not allowed", 2),
        (b"apiVersion: pmo-lint/v1\nkind: Per\x1b[31mson\n", "not allowed", 2),
    ],
)
def test_encodings_and_control_characters(tmp_path: Path, raw: bytes, words: str, line: int) -> None:
    hit = assert_one_finding(tmp_path, {"people/x.yaml": raw}, "people/x.yaml", "PMO00", line, words=words)
    assert "\x1b" not in hit and "\x00" not in hit


def test_utf8_bom_at_start_is_fine(tmp_path: Path) -> None:
    proc = lint(portfolio(tmp_path, {"people/bom.yaml": b"\xef\xbb\xbf" + PERSON.format(name="bom").encode()}))
    assert proc.returncode == 0, proc.stdout


@pytest.mark.parametrize("char", ["\u202e", "\u2066", "\u200b", "\u200d", "\u00ad"])
def test_bidi_and_invisible_characters_in_names_are_flagged(tmp_path: Path, char: str) -> None:
    text = PERSON.format(name="x").replace("Test Person", f"Test{char}Person")
    hit = assert_one_finding(tmp_path, {"people/x.yaml": text}, "people/x.yaml", "PMO009", 6)
    assert char not in hit  # the terminal never receives the raw character


@pytest.mark.parametrize(
    "tagged",
    [
        "!!python/object/apply:os.system [touch pwned]",
        "!!python/name:os.system",
        "!custom value",
        "!!binary aGk=",
        "!!set {a}",
    ],
)
def test_language_and_unknown_tags_are_rejected(tmp_path: Path, tagged: str) -> None:
    text = PERSON.format(name="x") + f"  skills: {tagged}\n"
    assert_one_finding(tmp_path, {"people/x.yaml": text}, "people/x.yaml", "PMO001", 8, words="tag")
    assert not (tmp_path / "p" / "pwned").exists()


@pytest.mark.parametrize(
    ("value", "field"),
    [("NO", "labels:\n    country: NO"), ("on", "labels:\n    mode: on"), ("012", "labels:\n    code: 012")],
)
def test_yaml11_isms_are_flagged(tmp_path: Path, value: str, field: str) -> None:
    text = PERSON.format(name="x").replace("  name: x\n", f"  name: x\n  {field}\n")
    root = portfolio(tmp_path, {"people/x.yaml": text})
    proc = lint(root, "--fail-on", "warning")
    assert proc.returncode == 1
    hits = [f for f in findings(proc) if "PMO010" in f]
    assert len(hits) == 1 and hits[0].startswith("people/x.yaml:6:"), proc.stdout


def test_version_like_float_is_a_schema_error_not_a_yaml11_one(tmp_path: Path) -> None:
    text = PERSON.format(name="x").replace("  name: x\n", "  name: x\n  annotations:\n    version: 1.10\n")
    proc = lint(portfolio(tmp_path, {"people/x.yaml": text}))
    # 1.10 is the number 1.1 in YAML 1.1 and 1.2 alike; annotations take strings: a schema error only
    assert proc.returncode == 1
    assert any("PMO004" in f for f in findings(proc)), proc.stdout
    assert not any("PMO010" in f for f in findings(proc)), proc.stdout


def test_merge_key_pulling_another_identity_is_rejected(tmp_path: Path) -> None:
    text = (
        "apiVersion: pmo-lint/v1\nkind: Person\nbase: &b {name: ok}\nmetadata:\n  <<: *b\n"
        "spec:\n  profile: {displayName: Copy}\n  roles: [trainer]\n"
    )
    assert_one_finding(tmp_path, {"people/x.yaml": text}, "people/x.yaml", "PMO001", 5, words="merge")


def test_alias_bomb_is_bounded(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    text = "\n".join(lines) + "\n"
    assert_one_finding(tmp_path, {"people/x.yaml": text}, "people/x.yaml", "PMO003", None, words="expands")


def test_symlink_leaving_the_repository(tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("password: hunter2\n", encoding="utf-8")
    root = portfolio(tmp_path, {})
    (root / "people" / "link.yaml").symlink_to(secret)
    proc = lint(root)
    assert proc.returncode == 1
    hits = [f for f in findings(proc) if f.startswith("people/link.yaml:")]
    assert len(hits) == 1 and "outside" in hits[0]
    assert "hunter2" not in proc.stdout + proc.stderr


def test_fifo_named_yaml_does_not_block(tmp_path: Path) -> None:
    root = portfolio(tmp_path, {})
    os.mkfifo(root / "people" / "pipe.yaml")
    proc = lint(root)
    assert proc.returncode == 1
    assert any(f.startswith("people/pipe.yaml:") and "PMO002" in f for f in findings(proc)), proc.stdout


def test_directory_named_yaml(tmp_path: Path) -> None:
    root = portfolio(tmp_path, {})
    (root / "people" / "folder.yaml").mkdir()
    proc = lint(root)
    assert proc.returncode == 1
    assert any(f.startswith("people/folder.yaml:") and "folder" in f for f in findings(proc)), proc.stdout


@pytest.mark.skipif(os.geteuid() == 0, reason="running as root: file permissions cannot make a file unreadable")
def test_unreadable_file(tmp_path: Path) -> None:
    root = portfolio(tmp_path, {"people/x.yaml": PERSON.format(name="x")})
    (root / "people" / "x.yaml").chmod(0)
    try:
        proc = lint(root)
    finally:
        (root / "people" / "x.yaml").chmod(0o644)
    assert proc.returncode == 1
    assert any(f.startswith("people/x.yaml:") and "PMO002" in f for f in findings(proc)), proc.stdout


@pytest.mark.parametrize("name", ["with space.yaml", "ünï cödé.yaml", "new\nline.yaml"])
def test_odd_file_names_are_reported_safely(tmp_path: Path, name: str) -> None:
    root = portfolio(tmp_path, {f"people/{name}": "- not a mapping\n"})
    proc = lint(root, "--format", "json")
    assert proc.returncode == 1
    doc = json.loads(proc.stdout)
    paths = [d["path"] for d in doc["diagnostics"]]
    assert f"people/{name}" in paths
    text = lint(root)
    assert "Traceback" not in text.stdout + text.stderr
    # a newline in a file name must not split a finding over two output lines
    assert all(line.count(": PMO") <= 1 for line in text.stdout.splitlines())
    assert sum(": PMO002" in line for line in text.stdout.splitlines()) == 1


def test_limits_are_configurable(tmp_path: Path) -> None:
    root = portfolio(tmp_path, {".pmo-lint.yaml": "limits:\n  max-file-bytes: 100\n"})
    proc = lint(root)
    assert proc.returncode == 1
    assert any("PMO003" in f and "over the limit of 100" in f for f in findings(proc)), proc.stdout


def test_bad_limit_is_a_config_error(tmp_path: Path) -> None:
    root = portfolio(tmp_path, {".pmo-lint.yaml": "limits:\n  max-depth: -1\n"})
    proc = lint(root)
    assert proc.returncode == 2
    assert ".pmo-lint.yaml" in proc.stderr and "max-depth" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_load_problems_cannot_be_ignored(tmp_path: Path) -> None:
    # fail closed: a file not understood never yields "0 findings, exit 0", whatever the selection says
    root = portfolio(tmp_path, {"people/x.yaml": "a: [\n"})
    for args in (("--ignore", "PMO001"), ("--ignore", "ALL"), ("--select", "GOV")):
        proc = lint(root, *args)
        assert proc.returncode == 1, (args, proc.stdout)
        assert "PMO001" in proc.stdout


def test_json_output_is_byte_identical_across_runs(tmp_path: Path) -> None:
    root = portfolio(tmp_path, {"people/x.yaml": PERSON.format(name="x") + "  bogus: 1\n", "people/y.yaml": "[\n"})
    first = lint(root, "--format", "json").stdout
    second = lint(root, "--format", "json").stdout
    assert first == second
    assert "NaN" not in first and "Infinity" not in first


def test_nan_and_infinity_never_reach_json(tmp_path: Path) -> None:
    text = PERSON.format(name="x") + "  capacity: {hoursPerWeek: .nan, fte: .inf}\n"
    proc = lint(portfolio(tmp_path, {"people/x.yaml": text}), "--format", "json")
    assert proc.returncode == 1
    doc = json.loads(proc.stdout)  # json.loads accepts NaN; the check below does not
    assert "NaN" not in proc.stdout and "Infinity" not in proc.stdout
    assert any(d["path"] == "people/x.yaml" for d in doc["diagnostics"])


def test_terminal_never_receives_escape_sequences_from_data(tmp_path: Path) -> None:
    text = PERSON.format(name="x") + '  "\\e[2J\\e]0;pwned\\a": 1\n'
    proc = lint(portfolio(tmp_path, {"people/x.yaml": text}))
    assert proc.returncode == 1
    assert "\x1b" not in proc.stdout and "\x07" not in proc.stdout


def test_interrupted_output_leaves_no_partial_file(tmp_path: Path) -> None:
    from pmo_lint.output import write_output

    target = tmp_path / "out" / "report.json"
    write_output('{"a": 1}\n', target)
    assert target.read_text() == '{"a": 1}\n'
    assert [p.name for p in target.parent.iterdir()] == ["report.json"]  # no temp file left behind


def test_no_eval_or_exec_in_the_package() -> None:
    import ast

    package = Path(__file__).resolve().parents[2] / "pmo_lint"
    offenders = []
    for path in package.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in {"eval", "exec"}:
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []
