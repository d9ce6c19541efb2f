"""The authorisation rule: every applicable row of the approval matrix needs one approval in a role it allows,
or from a person related to the project in a way it allows."""

from __future__ import annotations

from typing import Any, get_args

import pytest

from pmo_lint.facts.approval import (
    RELATIONS,
    Related,
    Row,
    cr_rows,
    describe_rows,
    gate_rows,
    related_people,
    unmet_rows,
    who_is,
)
from pmo_lint.model.catalog import Catalog
from pmo_lint.model.kinds import ApprovalRule, ChangeRequestSpec, PMOConfigSpec, Relation

MATRIX = [
    ApprovalRule.model_validate(
        {"when": {"category": "cost", "budgetDeltaPctOver": 10}, "approverRoles": ["pmo-director"]}
    ),
    ApprovalRule.model_validate(
        {"when": {"category": "cost", "budgetDeltaOver": 250000}, "approverRoles": ["cfo", "steering-committee"]}
    ),
    ApprovalRule.model_validate({"when": {"finishSlipDaysOver": 30}, "approverRoles": ["pmo-director"]}),
    ApprovalRule.model_validate({"when": {"category": "resource"}, "approverRoles": ["project-manager"]}),
    ApprovalRule.model_validate({"when": {"category": "gate"}, "approverRoles": ["sponsor"]}),
]


def _cr(category: str = "cost", **delta: Any) -> ChangeRequestSpec:
    return ChangeRequestSpec.model_validate(
        {
            "category": [category],
            "priority": "high",
            "requestedBy": "person:jo-pm",
            "requestedDate": "2025-06-02",
            "businessJustification": "x",
            "impact": "y",
            "delta": delta,
        }
    )


def test_rows_match_by_category_percent_money_and_days() -> None:
    director, money = Row(("pmo-director",)), Row(("cfo", "steering-committee"))
    assert cr_rows(MATRIX, _cr(budget=100000.0), 500000.0) == [director]
    assert cr_rows(MATRIX, _cr(budget=-300000.0), 1000000.0) == [director, money]
    assert cr_rows(MATRIX, _cr(budget=300000.0), 10000000.0) == [money]
    assert cr_rows(MATRIX, _cr(budget=250000.0), 10000000.0) == []  # "over" is strict
    assert cr_rows(MATRIX, _cr("schedule", finishDays=31), None) == [director]
    assert cr_rows(MATRIX, _cr("schedule", finishDays=30), None) == []
    assert cr_rows(MATRIX, _cr("resource"), None) == [Row(("project-manager",))]  # gate rows never apply


def test_money_row_applies_when_the_project_budgets_in_another_currency() -> None:
    assert cr_rows(MATRIX, _cr(budget=1000.0), None, same_currency=False) == [Row(("cfo", "steering-committee"))]
    assert cr_rows(MATRIX, _cr(budget=0.0), None, same_currency=False) == []


def _by(*roles: str) -> list[tuple[str, str]]:
    return [("person:someone", role) for role in roles]


@pytest.mark.parametrize(
    ("approved", "unmet"),
    [
        (["project-manager", "pmo-director"], []),  # co-approval: the supporting signature never hurts
        (["pmo-director"], []),
        (["project-manager"], [Row(("pmo-director",))]),
        ([], [Row(("pmo-director",))]),
    ],
)
def test_a_row_is_met_by_any_one_of_its_roles(approved: list[str], unmet: list[Row]) -> None:
    assert unmet_rows([Row(("pmo-director",))], _by(*approved)) == unmet


def test_every_applicable_row_must_be_met() -> None:
    rows = cr_rows(MATRIX, _cr(budget=300000.0), 1000000.0)
    assert unmet_rows(rows, _by("pmo-director")) == [Row(("cfo", "steering-committee"))]
    assert unmet_rows(rows, _by("pmo-director", "steering-committee", "project-manager")) == []
    assert unmet_rows(rows, _by("cfo")) == [Row(("pmo-director",))]


def test_rows_read_with_governance_role_titles() -> None:
    rows = [Row(("pmo-director",)), Row(("cfo", "steering-committee"))]
    text = describe_rows(rows, {"cfo": "Chief Financial Officer"})
    assert text == "pmo-director, and one by cfo (Chief Financial Officer) or steering-committee"


# -- relations: who the person is to the project, not which role they hold ---------------------------
RELATED = Related({"sponsor": ("ben-carter",), "project-board": ("ben-carter", "ana-lopez")})


def test_the_model_and_the_facts_know_the_same_relations() -> None:
    assert set(get_args(Relation)) == set(RELATIONS)


def test_a_relation_row_is_met_only_by_the_related_person() -> None:
    row = Row(relations=("executive",))
    assert unmet_rows([row], [("person:ben-carter", "sponsor")], RELATED) == []
    assert unmet_rows([row], [("ben-carter", "")], RELATED) == []  # a bare name is the same person
    # another director, even holding the role the project's executive holds, is not this project's executive
    assert unmet_rows([row], [("person:ana-lopez", "sponsor")], RELATED) == [row]
    assert unmet_rows([row], [("person:ben-carter", "sponsor")]) == [row]  # nobody is related to no project


def test_a_row_with_roles_and_relations_is_met_by_either() -> None:
    row = Row(("cfo",), ("executive",))
    assert unmet_rows([row], [("person:cleo-chen", "cfo")], RELATED) == []
    assert unmet_rows([row], [("person:ben-carter", "sponsor")], RELATED) == []
    assert unmet_rows([row], [("person:dan-director", "pmo-director")], RELATED) == [row]


def test_relations_read_with_the_people_who_have_them() -> None:
    label = {"ben-carter": "Ben Carter (ben-carter)", "ana-lopez": "Ana Lopez (ana-lopez)"}.__getitem__
    rows = [Row(("cfo",), ("executive",)), Row(relations=("project-board", "program-owner"))]
    assert describe_rows(rows, {"cfo": "Chief Financial Officer"}, RELATED, label) == (
        "cfo (Chief Financial Officer) or this project's executive, Ben Carter (ben-carter), and one by a member of "
        "this project's board (Ben Carter (ben-carter), Ana Lopez (ana-lopez)) or the owner of its program "
        "(nobody is named)"
    )
    assert who_is(rows, RELATED, label) == [
        "this project's executive is Ben Carter (ben-carter)",
        "the members of this project's board are Ben Carter (ben-carter), Ana Lopez (ana-lopez)",
        "this project belongs to no program with an owner",
    ]


def _entity(kind: str, name: str, spec: dict[str, Any]) -> Any:
    from pmo_lint.model.kinds import KIND_BY_NAME

    return KIND_BY_NAME[kind].model_validate(
        {"apiVersion": "pmo-lint/v1", "kind": kind, "metadata": {"name": name}, "spec": spec}
    )


def test_related_people_follow_the_project_to_its_board_program_and_portfolio() -> None:
    from pmo_lint.model.catalog import LoadedEntity

    project = _entity(
        "Project",
        "wms",
        {
            "type": "it-delivery",
            "category": "strategic",
            "program": "logistics",
            "sponsor": "person:ben-carter",
            "board": ["team:wms-board", "person:sara-supplier"],
            "lifecycle": {"phase": "initiating"},
        },
    )
    entities = [
        project,
        _entity("Program", "logistics", {"owner": "person:olga-sro", "portfolio": "operations"}),
        _entity("Portfolio", "operations", {"owner": "team:portfolio-board", "board": ["person:cleo-chen"]}),
        _entity("Team", "wms-board", {"type": "board", "lead": "person:uma-user", "members": ["person:ben-carter"]}),
        _entity("Team", "portfolio-board", {"type": "board", "lead": "person:pia-chair", "members": []}),
    ]
    items = [LoadedEntity(e, f"{e.KIND}/{e.metadata.name}.yaml", {}) for e in entities]
    related = related_people(Catalog.build(items), project)
    assert related.of("executive") == related.of("sponsor") == ("ben-carter",)
    assert related.of("project-board") == ("ben-carter", "uma-user", "sara-supplier")
    assert related.of("senior-responsible-owner") == related.of("program-owner") == ("olga-sro",)
    assert related.of("portfolio-owner") == ("pia-chair",)
    assert related.of("portfolio-board") == ("pia-chair", "cleo-chen")


def test_a_gate_is_passed_under_its_matrix_rows_and_its_own_approvers() -> None:
    spec = PMOConfigSpec.model_validate(
        {
            "organization": "X",
            "pmoTypes": ["governance"],
            "currency": "EUR",
            "projectTypes": ["it-delivery"],
            "lifecycle": {
                "phases": [{"id": "start"}],
                "gates": [
                    {"id": "SB1", "title": "Stage boundary", "approverRelations": ["executive"]},
                    {"id": "G0", "title": "Intake", "approverRoles": ["pmo-director"]},
                ],
            },
            "scales": {
                "probability": [{"id": "l", "value": 1}, {"id": "h", "value": 2}],
                "impact": [{"id": "l", "value": 1}, {"id": "h", "value": 2}],
            },
            "riskMatrix": {"escalationScore": 2},
            "approvalMatrix": [{"when": {"category": "gate"}, "approverRoles": ["pmo-director"]}],
        }
    )
    assert gate_rows(spec, "SB1") == [Row(("pmo-director",)), Row(relations=("executive",))]
    assert gate_rows(spec, "G0") == [Row(("pmo-director",))]  # the same row twice is asked for once
