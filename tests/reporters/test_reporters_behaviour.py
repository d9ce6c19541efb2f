"""What each format promises beyond its golden file: escaping, caps, mappings, colour rules."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pmo_lint.diagnostics import Diagnostic, Result, Severity, sort_diagnostics
from pmo_lint.paths import repo_prefix
from pmo_lint.reporters import github, gitlab, json_report, junit, markdown, sarif, text
from pmo_lint.reporters.common import INFORMATION_URI, rule_help_uri, unique_fingerprints


def _many(n_errors: int, n_warnings: int, padding: str = "") -> Result:
    diags = [
        Diagnostic("r", "PMO007", Severity.ERROR, f"error {i}{padding}", f"e{i:02}.yaml", 1, 1) for i in range(n_errors)
    ]
    diags += [
        Diagnostic("w", "TAC004", Severity.WARNING, f"warn {i}", f"w{i:02}.yaml", 2, 1) for i in range(n_warnings)
    ]
    return Result("/p", dt.date(2026, 1, 1), len(diags), tuple(sort_diagnostics(diags)), rules=())


# --- SARIF ---------------------------------------------------------------------------------------


def _sarif(result: Result) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(sarif.render(result))
    return doc


def test_sarif_fingerprints_and_no_line_hash(awkward: Result) -> None:
    run = _sarif(awkward)["runs"][0]
    everything = sorted((*awkward.diagnostics, *awkward.suppressed), key=Diagnostic.sort_key)
    assert [r["partialFingerprints"] for r in run["results"]] == [{"pmoLint/v1": d.fingerprint} for d in everything]
    assert "primaryLocationLineHash" not in sarif.render(awkward)


def test_sarif_rules_and_indexes(awkward: Result) -> None:
    driver = _sarif(awkward)["runs"][0]["tool"]["driver"]
    assert (driver["name"], driver["informationUri"]) == ("pmo-lint", "https://pmo-lint.dev")
    rules = driver["rules"]
    by_id = {r["id"]: r for r in rules}
    assert by_id["PMO007"]["name"] == "unknown-reference"
    assert by_id["PMO007"]["defaultConfiguration"] == {"level": "error"}
    assert by_id["TAC004"]["defaultConfiguration"] == {"level": "warning"}
    assert "tactical" in by_id["TAC004"]["properties"]["tags"]
    assert "### Why it matters" in by_id["PMO007"]["help"]["markdown"]
    assert "Why it matters: A dangling reference" in by_id["PMO007"]["help"]["text"]
    # the example holds ``` so its fence must be longer
    assert "````yaml\nspec:" in by_id["PMO007"]["help"]["markdown"]
    for result in _sarif(awkward)["runs"][0]["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_sarif_rules_link_their_page_on_the_documentation_site(tmp_path: Path) -> None:
    import tomllib

    from pmo_lint.rules.base import RuleDocs, RuleMeta
    from pmo_lint.rules.policy import load_policies
    from pmo_lint.rules.registry import all_metas
    from pmo_lint.site.page.rule import reference_pages

    root = Path(__file__).resolve().parents[2]
    urls = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"]
    assert urls["Documentation"].rstrip("/") == INFORMATION_URI
    # every built-in rule and every shipped pack's rule points at the page the docs site generates for it
    metas = all_metas()
    pages = reference_pages(metas, "rules")
    for m in metas:
        uri = rule_help_uri(m)
        assert uri.startswith(f"{INFORMATION_URI}/rules/") and uri.endswith("/"), m.code
        assert f"{uri.removeprefix(INFORMATION_URI + '/').rstrip('/')}.md" in pages, m.code
    # a portfolio's own pack has no page there: no link rather than a broken one
    pack = tmp_path / "house.yaml"
    pack.write_text(
        "pack: house\nrules:\n  - id: house-rule\n    code: HSE001\n    title: A house rule\n"
        "    severity: warning\n    kind: Person\n    assert: 'true'\n    message: m\n"
        "    docs: {what: w, why: y, example: e, use_instead: u}\n",
        encoding="utf-8",
    )
    custom = load_policies(extra_paths=[pack], shipped=False, plugins=False, compile_cel=False)
    assert [m.code for m in custom.metas()] == ["HSE001"], custom.problems
    assert rule_help_uri(custom.metas()[0]) == ""
    stub = RuleMeta("x", "ZZZ999", "x", Severity.ERROR, "", RuleDocs("x", "", "", ""))
    rules = _sarif(Result("/p", dt.date(2026, 1, 1), 0, (), rules=(*metas[:2], stub)))["runs"][0]["tool"]
    assert [("helpUri" in r) for r in rules["driver"]["rules"]] == [True, True, False]


def test_sarif_locations_never_line_zero(awkward: Result) -> None:
    results = _sarif(awkward)["runs"][0]["results"]
    regions = [loc["physicalLocation"].get("region") for r in results for loc in r["locations"]]
    assert all(r is None or r["startLine"] >= 1 for r in regions)
    portfolio_wide = next(r for r in results if r["ruleId"] == "GOV099")
    assert portfolio_wide["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "pmo.yaml", "uriBaseId": "%SRCROOT%"}
    }
    file_level = next(r for r in results if r["message"]["text"] == "file-level note")
    assert "region" not in file_level["locations"][0]["physicalLocation"]


def test_sarif_suppressions_and_baseline(awkward: Result) -> None:
    results = _sarif(awkward)["runs"][0]["results"]
    suppressed = {r["message"]["text"]: r["suppressions"] for r in results if "suppressions" in r}
    assert suppressed["owner person:old is unknown"] == [
        {"kind": "inSource", "status": "accepted", "justification": "reviewed: person moves in Q2"}
    ]
    waived = suppressed["latest status report is 90 days old"][0]
    assert waived["kind"] == "external"
    assert waived["justification"] == "approved <b>paused</b> & on hold"
    assert waived["properties"] == {"waiver": "waiver:erp-paused"}
    assert sorted(r.get("baselineState", "") for r in results).count("new") == 1
    assert sum(1 for r in results if r.get("baselineState") == "unchanged") == 1


def test_sarif_paths_are_repository_relative(make_result: Callable[..., Result]) -> None:
    results = _sarif(make_result(path_prefix="pmo/"))["runs"][0]["results"]
    uris = {loc["physicalLocation"]["artifactLocation"]["uri"] for r in results for loc in r["locations"]}
    assert "pmo/projects/crm.yaml" in uris
    assert "pmo/pmo.yaml" in uris
    assert "pmo/projects/Z%C3%BCrich%2C%20ops%2520.yaml" in uris


def test_repo_prefix(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "a" / "b").mkdir(parents=True)
    assert repo_prefix(tmp_path) == ""
    assert repo_prefix(tmp_path / "a" / "b") == "a/b/"


# --- GitHub --------------------------------------------------------------------------------------


def test_github_escaping() -> None:
    assert github.escape_data("100%\r\nx:y,z") == "100%25%0D%0Ax:y,z"
    assert github.escape_property("100%\r\nx:y,z") == "100%25%0D%0Ax%3Ay%2Cz"


def test_github_data_cannot_start_a_command(awkward: Result) -> None:
    out = github.render(awkward)
    commands = [line for line in out.splitlines() if line.lstrip().startswith("::")]
    # one annotation per finding and nothing else: the injected "::error::" stayed inside its message
    assert len(commands) == len(awkward.diagnostics)
    assert all(re.match(r"::(error|warning|notice) [^:]*::", c) for c in commands)


def test_github_caps_ten_per_level() -> None:
    result = _many(13, 11)
    out = github.render(result)
    lines = out.splitlines()
    assert sum(1 for line in lines if line.startswith("::error ")) == 10
    assert sum(1 for line in lines if line.startswith("::warning ")) == 10
    assert "e12.yaml:1:1: PMO007 [error] error 12" in lines
    assert "w10.yaml:2:1: TAC004 [warning] warn 10" in lines
    assert lines[-1].startswith("::notice title=pmo-lint::4 more findings not annotated")
    assert "job summary" not in lines[-1]
    assert "job summary" in github.render(result, summary_written=True).splitlines()[-1]


def test_github_log_lines_that_look_like_commands_are_defused() -> None:
    diags = [Diagnostic("r", "PMO007", Severity.ERROR, f"m{i}", f"::warning::x{i:02}.yaml", 1, 1) for i in range(11)]
    result = Result("/p", dt.date(2026, 1, 1), 11, tuple(diags), rules=())
    lines = github.render(result).splitlines()
    assert "./::warning::x10.yaml:1:1: PMO007 [error] m10" in lines  # the same file, and no command
    assert sum(1 for line in lines if line.startswith("::")) == 11  # 10 annotations + the notice


def test_github_step_summary_appends(tmp_path: Path, awkward: Result) -> None:
    target = tmp_path / "summary.md"
    target.write_text("# earlier step\n", encoding="utf-8")
    assert github.write_step_summary(awkward, {"GITHUB_STEP_SUMMARY": str(target)})
    assert github.write_step_summary(awkward, {"GITHUB_STEP_SUMMARY": str(target)})
    content = target.read_text(encoding="utf-8")
    assert content.startswith("# earlier step\n## pmo-lint\n")
    assert content.count("## pmo-lint") == 2
    assert not github.write_step_summary(awkward, {})


def test_github_step_summary_stays_under_the_limit() -> None:
    result = _many(6000, 0, padding=" <" * 100)
    summary = github.step_summary(result)
    assert len(summary.encode()) <= github.SUMMARY_MAX_BYTES
    assert "more findings not listed" in summary


# --- GitLab --------------------------------------------------------------------------------------


def test_gitlab_severity_mapping(awkward: Result) -> None:
    items = json.loads(gitlab.render(awkward))
    by_desc = {i["description"].split(" ", 1)[1][:20]: i for i in items}
    assert by_desc["control \\x00\\x07\\x1b"]["severity"] == "critical"  # PMO001 cannot be disabled
    assert by_desc["sponsor person:ghost"]["severity"] == "major"
    assert by_desc["latest status report"]["severity"] == "minor"
    assert by_desc["file-level note"]["severity"] == "info"
    assert by_desc["portfolio budget not"]["location"] == {"path": "pmo.yaml", "lines": {"begin": 1}}
    assert {i["check_name"] for i in items} == {"PMO001", "PMO007", "TAC004", "GOV099"}


def test_fingerprints_made_unique_in_order() -> None:
    d = Diagnostic("r", "PMO007", Severity.ERROR, "m", "a.yaml", 1, 1, data_path=("x",))
    twin = d.replace(message="other message", line=2)  # same rule, entity and data path
    assert d.fingerprint == twin.fingerprint
    first, second = unique_fingerprints([d, twin])
    assert first == d.fingerprint
    assert second != first and len(second) == len(first)
    assert unique_fingerprints([d, twin]) == [first, second]


# --- JUnit ---------------------------------------------------------------------------------------


def test_junit_maps_threshold_and_suppressions(awkward: Result) -> None:
    out = junit.render(awkward)
    assert out.count("<failure ") == 3  # the three errors
    assert out.count("<skipped ") == 2
    assert '<testcase name="PMO007 unknown-reference at 3:5 #2"' in out
    lenient = junit.render(dataclasses.replace(awkward, fail_on=Severity.INFO))
    assert lenient.count("<failure ") == 6


def test_junit_clean_run_has_one_passing_case() -> None:
    out = junit.render(Result("/p", dt.date(2026, 1, 1), 4, ()))
    assert 'tests="1" failures="0"' in out
    assert "All checks passed: 4 files" in out


# --- Markdown ------------------------------------------------------------------------------------


def test_markdown_data_cannot_inject(awkward: Result) -> None:
    out = markdown.render(awkward)
    assert "<" not in out and "](" not in out
    assert "`" not in out.replace("\\`", "")
    pipes = 0
    for line in out.splitlines():
        if line.startswith("| "):
            found = len(re.findall(r"(?<!\\)\|", line))
            pipes = pipes or found  # the header row sets the number of cells
            assert found == pipes, line  # no pipe from data adds a cell
        else:
            pipes = 0


def test_markdown_escape() -> None:
    assert markdown.escape("a<b>&[x](y) *z* `c` | $m$") == r"a&lt;b&gt;&amp;\[x\]\(y\) \*z\* \`c\` \| \$m\$"
    assert markdown.escape("line\nbreak\x1b") == r"line\\nbreak\\x1b"


# --- text ----------------------------------------------------------------------------------------


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("env", "tty", "expected"),
    [
        ({}, True, True),
        ({}, False, False),
        ({"NO_COLOR": "1"}, True, False),
        ({"NO_COLOR": ""}, True, True),  # no-color.org: only a non-empty value counts
        ({"FORCE_COLOR": "1"}, False, True),
        ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, True, False),
    ],
)
def test_use_color(env: dict[str, str], tty: bool, expected: bool) -> None:
    stream = _Tty() if tty else io.StringIO()
    assert text.use_color(stream, env) is expected


def test_text_plain_has_no_escape_sequences(awkward: Result) -> None:
    out = text.render(awkward)
    assert "\x1b" not in out and "\u202e" not in out and "\r" not in out
    assert out.count("\n") == len(awkward.diagnostics) + 1


def test_text_caret_under_the_column() -> None:
    d = Diagnostic("r", "PMO007", Severity.ERROR, "m", "a.yaml", 2, 8, data_path=("x",))
    result = Result("/p", dt.date(2026, 1, 1), 1, (d,))
    out = text.render(result, text.TextOptions(source_lines={("a.yaml", 2): "\tkey: \x1bvalue"}))
    source, caret = out.splitlines()[1:3]
    assert source == "  2 | \\x09key: \\x1bvalue"
    assert caret.index("^") == source.index("value")


def test_text_statistics(awkward: Result) -> None:
    out = text.render(awkward, text.TextOptions(statistics=True)).splitlines()
    assert out[0] == "3\tPMO007\tunknown-reference [error/info]"
    assert len(out) == 5


def test_read_source_lines_stays_inside_the_portfolio(tmp_path: Path) -> None:
    root = tmp_path / "p"
    root.mkdir()
    (root / "a.yaml").write_text("one\ntwo\n", encoding="utf-8")
    (tmp_path / "secret.yaml").write_text("s1\ns2\n", encoding="utf-8")
    diags = (
        Diagnostic("r", "X", Severity.ERROR, "m", "a.yaml", 2, 1),
        Diagnostic("r", "X", Severity.ERROR, "m", "../secret.yaml", 1, 1),
        Diagnostic("r", "X", Severity.ERROR, "m", "missing.yaml", 1, 1),
    )
    lines = text.read_source_lines(Result(str(root), dt.date(2026, 1, 1), 1, diags))
    assert lines == {("a.yaml", 2): "two"}


# --- JSON ----------------------------------------------------------------------------------------


def test_json_is_documented(awkward: Result) -> None:
    doc = json.loads(json_report.render(awkward))
    keys: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, dict):
            keys.update(k for k in value if not re.fullmatch(r"[A-Z]+\d+", k))  # byRule keys are codes
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(doc)
    reference = (Path(__file__).resolve().parents[2] / "docs" / "ci-formats.md").read_text(encoding="utf-8")
    missing = sorted(k for k in keys if f"`{k}`" not in reference)
    assert not missing, f"fields missing from docs/ci-formats.md: {missing}"


def test_json_has_rules_and_suppressed(awkward: Result) -> None:
    doc = json.loads(json_report.render(awkward))
    assert [r["code"] for r in doc["rules"]] == ["GOV099", "PMO001", "PMO007", "TAC004"]
    assert doc["summary"]["suppressedInline"] == 1 and doc["summary"]["waived"] == 1
    assert doc["suppressed"][0]["suppression"]["kind"] in {"inline", "waiver"}
    assert doc["asOf"] == "2026-03-31"
