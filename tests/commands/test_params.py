"""One date type and one comma-list type for every command (pmo_lint/commands/params.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from pmo_lint.cli import cli, main
from pmo_lint.commands.params import COMMA_LIST, DATE, comma_list_option, parse_day
from tests.conftest import PORTFOLIOS, SAMPLE, run_cli

CLEAN = PORTFOLIOS / "clean"
DATE_OPTIONS = {"as_of", "since", "date"}
LIST_OPTIONS = {"select", "ignore", "extend_select", "sections", "pmo_types"}


def _commands(group: click.Group, ctx: click.Context) -> Iterator[tuple[str, click.Command]]:
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        if isinstance(command, click.Group):
            for sub, inner in _commands(command, click.Context(command, parent=ctx)):
                yield f"{name} {sub}", inner
        else:
            yield name, command


ALL = dict(_commands(cli, click.Context(cli)))


def test_the_walk_sees_every_command() -> None:
    # a walk that missed the lazily loaded commands or the sub-commands would make the checks below vacuous
    assert {"check", "history", "new", "export", "site generate", "site build", "schema export"} <= set(ALL)


def test_every_date_option_has_the_date_type() -> None:
    dated = {
        f"{name} {p.opts[0]}": p.type
        for name, command in ALL.items()
        for p in command.params
        if p.name in DATE_OPTIONS or p.metavar == "YYYY-MM-DD"
    }
    assert {"check --as-of", "site generate --as-of", "site build --as-of", "history --since", "new --date"} <= set(
        dated
    )
    assert {k: t for k, t in dated.items() if t is not DATE} == {}


def test_every_list_option_has_the_comma_list_type() -> None:
    listed = {
        f"{name} {p.opts[0]}": p.type for name, command in ALL.items() for p in command.params if p.name in LIST_OPTIONS
    }
    assert {
        "check --select",
        "check --extend-select",
        "fix --ignore",
        "history --select",
        "site generate --section",
    } <= set(listed)
    assert {k: t for k, t in listed.items() if t is not COMMA_LIST} == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-06-30", dt.date(2025, 6, 30)),
        ("2024-02-29", dt.date(2024, 2, 29)),
        ("20250630", None),
        ("2025-6-30", None),
        ("30.06.2025", None),
        ("2025-02-30", None),
        ("2025-W26-1", None),
        ("2025-06-30T00:00", None),
        (" 2025-06-30", None),
        ("２０２５-０６-３０", None),  # full-width digits
        ("", None),
    ],
)
def test_parse_day_accepts_one_form(text: str, expected: dt.date | None) -> None:
    assert parse_day(text) == expected


def _date_commands(tmp_path: Path, value: str) -> list[tuple[list[str], str]]:
    out = str(tmp_path / "out")
    return [
        (["check", str(CLEAN), "--as-of", value], "--as-of"),
        (["site", "generate", str(SAMPLE), "--out", out, "--as-of", value], "--as-of"),
        (["site", "build", str(SAMPLE), "--out", out, "--as-of", value], "--as-of"),
        (["history", str(tmp_path), "--since", value], "--since"),
        (["new", "status-report", "--dir", str(tmp_path), "--date", value], "--date"),
        (["export", str(SAMPLE), "--out", str(tmp_path / "b.xlsx"), "--as-of", value], "--as-of"),
    ]


@pytest.mark.parametrize("value", ["20250630", "30.06.2025", "2025-13-01", ""])
def test_every_command_refuses_the_same_bad_dates(
    value: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # `site generate --as-of 20250630` used to be accepted while `check --as-of 20250630` was refused
    for args, option in _date_commands(tmp_path, value):
        assert main(args) == 2, args
        err = capsys.readouterr().err
        assert f"Invalid value for '{option}': {value!r} is not a date; use YYYY-MM-DD" in err, (args, err)
        assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []  # refused before anything ran


def test_a_good_date_reaches_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(CLEAN), "--as-of", "2025-06-30", "--format", "json", "--no-cache"]) == 0
    assert '"asOf": "2025-06-30"' in capsys.readouterr().out


def test_comma_lists_are_split_stripped_and_joined() -> None:
    seen: list[tuple[str, ...]] = []

    @click.command()
    @comma_list_option("--select", help="rules")
    def probe(select: tuple[str, ...]) -> None:
        seen.append(select)

    probe.main(["--select", "PMO001, PMO002", "--select", ",GOV,,", "--select", " "], standalone_mode=False)
    probe.main([], standalone_mode=False)
    assert seen == [("PMO001", "PMO002", "GOV"), ()]
    assert "--select TEXT" in probe.get_help(click.Context(probe))  # the help reads as before


@pytest.mark.parametrize("value", ["20250630", "2025-02-30", "30.06.2025", 20250630, None])
def test_settings_outside_the_command_line_take_the_same_one_date_form(value: object) -> None:
    # the site plugin's as_of, PMO_LINT_AS_OF and test-policies' asOf read dates with this one function
    from pmo_lint.facts.dates import parse_day as shared

    assert shared(value) is None
    assert shared("2025-06-30") == dt.date(2025, 6, 30)
    assert shared(dt.date(2025, 6, 30)) == dt.date(2025, 6, 30)


def test_a_policy_case_with_a_compact_date_is_refused(tmp_path: Path) -> None:
    case = tmp_path / "cases" / "one"
    case.mkdir(parents=True)
    (case / "expect.yaml").write_text("asOf: '20250630'\nfindings: []\n", encoding="utf-8")
    result = run_cli("test-policies", str(tmp_path / "cases"))
    assert result.code == 2 and "asOf must be a date, YYYY-MM-DD" in result.err and "Traceback" not in result.err
