"""Who has left or is leaving (``pmo_lint.facts.leaver``), and what an issue's owner facts say about them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pmo_lint.facts.leaver import leaving
from pmo_lint.model.kinds import PersonSpec
from tests.facts.test_fact_maps import facts_of
from tests.policy_kit import write_portfolio

AS_OF = dt.date(2025, 6, 30)


def _spec(**extra: object) -> PersonSpec:
    return PersonSpec.model_validate({"profile": {"displayName": "Old PM"}, **extra}, strict=False)


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({}, (False, False)),
        ({"active": False}, (True, False)),  # left, date unknown
        ({"leftDate": "2025-04-30"}, (True, False)),  # a past leaving date counts even while still active
        ({"leftDate": "2025-06-30"}, (False, True)),  # the last day is still a working day
        ({"active": False, "leftDate": "2025-09-30"}, (True, False)),  # marked gone early
        ({"leftDate": "2025-09-30"}, (False, True)),
    ],
)
def test_leaving(extra: dict[str, object], expected: tuple[bool, bool]) -> None:
    assert leaving(_spec(**extra), AS_OF) == expected


def test_an_issue_owner_who_left_is_named_with_the_date(tmp_path: Path) -> None:
    person = "apiVersion: pmo-lint/v1\nkind: Person\nmetadata:\n  name: old-pm\nspec:\n"
    person += "  profile: {displayName: Old PM}\n  roles: [project-manager]\n  leftDate: 2025-04-30\n"
    issue = "apiVersion: pmo-lint/v1\nkind: Issue\nmetadata:\n  name: {n}\n  namespace: crm\nspec:\n"
    issue += "  raisedDate: 2025-06-01\n  owner: {o}\n  severity: low\n"
    root = write_portfolio(
        tmp_path / "p",
        {
            "people/old-pm.yaml": person,
            "projects/crm/issues/i-1.yaml": issue.format(n="i-1", o="person:old-pm"),
            "projects/crm/issues/i-2.yaml": issue.format(n="i-2", o="person:ghost"),
        },
    )
    facts, _ = facts_of(root)
    left = facts.by_path["projects/crm/issues/i-1.yaml"]
    assert (left["ownerProblem"], left["ownerLeft"]) == ("Old PM (old-pm) left on 2025-04-30", True)
    unknown = facts.by_path["projects/crm/issues/i-2.yaml"]
    assert unknown["ownerLeft"] is False and unknown["ownerProblem"].endswith("is not in the people register")
