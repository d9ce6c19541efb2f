"""How findings word values: typed message placeholders, money, people, missing values."""

from __future__ import annotations

from pathlib import Path

from pmo_lint.rules.policy import read_pack, render_message
from pmo_lint.rules.wording import MessageStyle, format_money, format_person
from tests.policy_kit import write_portfolio
from tests.rules.test_policy_engine import lint, only

STYLE = MessageStyle(currency="EUR", people={"ana-lopez": "Ana Lopez"})


def test_money_has_thousands_separators_and_the_currency() -> None:
    assert format_money(4435088.0, "EUR") == "4,435,088 EUR"
    assert format_money(1234.5, "USD") == "1,234.50 USD"
    assert format_money(-20000.0, "EUR") == "-20,000 EUR"
    assert format_money(500.0) == "500"
    assert format_money("n/a", "EUR") == "n/a"  # not a number: shown as it is


def test_people_read_by_display_name_with_their_id() -> None:
    people = {"ana-lopez": "Ana Lopez"}
    assert format_person("person:ana-lopez", people) == "Ana Lopez (ana-lopez)"
    assert format_person("ana-lopez", people) == "Ana Lopez (ana-lopez)"
    assert format_person("person:ghost", people) == "ghost"  # unknown: the id alone
    assert format_person(["person:ana-lopez", "bo"], people) == "Ana Lopez (ana-lopez), bo"


def test_typed_placeholders_and_missing_value_text() -> None:
    scope = {"facts": {"evm": {"eac": 4435088.0, "cpi": None}, "bac": 3200000.0}, "entity": {"owner": "ana-lopez"}}
    template = "EAC {money:facts.evm.eac} against BAC {money:facts.bac}; CPI {facts.evm.cpi|no earned-value data}"
    assert render_message(template, scope, STYLE) == (
        "EAC 4,435,088 EUR against BAC 3,200,000 EUR; CPI no earned-value data"
    )
    assert render_message("{person:entity.owner} owns it", scope, STYLE) == "Ana Lopez (ana-lopez) owns it"
    assert render_message("{money:facts.nothing|no budget}", scope, STYLE) == "no budget"
    assert render_message("CPI {facts.evm.cpi}", scope, STYLE) == "CPI unknown"  # never a bare `?`
    assert render_message("{{literal}} {facts.bac|none}", scope) == "{literal} 3200000"


def test_an_unknown_placeholder_format_is_a_pack_problem() -> None:
    text = (
        "pack: acme\nrules:\n  - {id: r, code: ACM050, title: t, severity: info, kind: Project,\n"
        "     assert: 'true', message: 'BAC {mony:facts.bac}'}\n"
    )
    pack = read_pack(text.encode(), "acme.yaml")
    assert not pack.rules
    assert "unknown format 'mony'; did you mean 'money'?" in pack.problems[0].message


WORDED = """\
pack: acme
rules:
  - id: worded
    code: ACM060
    title: Worded message
    severity: info
    kind: Project
    assert: 'false'
    message: '{person:entity.spec.owner} runs a budget of {money:facts.bac}; CPI {facts.evm.cpi|no data}'
"""


def test_a_policy_message_names_people_and_money_from_the_portfolio(tmp_path: Path) -> None:
    root = write_portfolio(tmp_path / "p")
    person = root / "people" / "jo-pm.yaml"
    person.write_text(person.read_text().replace("displayName: jo-pm", "displayName: Jo Park"))
    result = lint(root, {"acme.yaml": WORDED})
    [finding] = only(result, "ACM060")
    assert finding.message.startswith("Jo Park (jo-pm) runs a budget of 800 EUR; CPI ")
