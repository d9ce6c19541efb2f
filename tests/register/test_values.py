"""How import reads the values PMOs type."""

from __future__ import annotations

import datetime as dt

import pytest

from pmo_lint.register.importer import Progress
from pmo_lint.register.values import AmbiguousDate, CellError, People, column_order, read_date, read_money, read_rag


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("£1,250,000", (1_250_000.0, "GBP")),
        ("€950,000", (950_000.0, "EUR")),
        ("1.2m", (1_200_000.0, None)),
        ("950k", (950_000.0, None)),
        ("(250,000)", (-250_000.0, None)),
        ("-250000", (-250_000.0, None)),
        ("1,000 EUR", (1000.0, "EUR")),
        (1000, (1000.0, None)),
    ],
)
def test_money(text: object, expected: tuple[float, str | None]) -> None:
    assert read_money(text) == expected


def test_money_that_is_not_money() -> None:
    with pytest.raises(CellError):
        read_money("about a million")


@pytest.mark.parametrize(
    ("value", "order", "expected"),
    [
        ("2027-04-03", None, dt.date(2027, 4, 3)),
        ("25/03/2027", None, dt.date(2027, 3, 25)),
        ("03/25/2027", None, dt.date(2027, 3, 25)),
        ("03/04/2027", "dmy", dt.date(2027, 4, 3)),
        ("03/04/2027", "mdy", dt.date(2027, 3, 4)),
        ("03.04.2027", None, dt.date(2027, 4, 3)),
        ("12 Mar 2025", None, dt.date(2025, 3, 12)),
        ("March 12, 2025", None, dt.date(2025, 3, 12)),
        (45748, None, dt.date(2025, 4, 1)),
        (dt.datetime(2025, 1, 2, 0, 0), None, dt.date(2025, 1, 2)),
    ],
)
def test_dates(value: object, order: str | None, expected: dt.date) -> None:
    assert read_date(value, order) == expected  # type: ignore[arg-type]


def test_ambiguous_date_is_never_guessed() -> None:
    with pytest.raises(AmbiguousDate, match="ambiguous"):
        read_date("03/04/2027")
    assert column_order(["03/04/2027", "25/12/2027"]) == "dmy"
    assert column_order(["03/04/2027", "12/25/2027"]) == "mdy"
    assert column_order(["25/12/2027", "12/25/2027"]) is None  # the column disagrees with itself


@pytest.mark.parametrize(
    ("value", "fill", "expected"),
    [
        ("G", None, "green"),
        ("Amber", None, "amber"),
        ("red", None, "red"),
        (None, "C6EFCE", "green"),
        (None, "FFEB9C", "amber"),
        (None, "FFC7CE", "red"),
        (None, "00B050", "green"),
        (None, "FFC000", "amber"),
        (None, "FF0000", "red"),
        (None, "FFFFFF", None),
        (None, None, None),
    ],
)
def test_rag(value: object, fill: str | None, expected: str | None) -> None:
    assert read_rag(value, fill) == expected


def test_people_suggest_and_never_guess() -> None:
    people = People()
    people.add("jide-okoro", "Jide Okoro")
    assert people.resolve("jide okoro") == "jide-okoro"
    assert people.resolve("jide-okoro") == "jide-okoro"
    with pytest.raises(CellError, match=r"no person 'J\. Okoro'; did you mean Jide Okoro\?"):
        people.resolve("J. Okoro")


def test_progress_line_only_on_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    for on in (False, True):
        progress = Progress(500, on)
        for _ in range(500):
            progress.tick()
        progress.close()
        err = capsys.readouterr().err
        assert ("importing rows 500/500" in err) is on
