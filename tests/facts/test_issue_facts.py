"""Facts of issues and of the decisions a status report asks for (``.dev/POLICY-FORMAT.md``)."""

from __future__ import annotations

from pathlib import Path

from tests.facts.test_fact_maps import facts_of
from tests.policy_kit import STATUS, write_portfolio


def _issue(name: str, body: str) -> str:
    head = f"apiVersion: pmo-lint/v1\nkind: Issue\nmetadata:\n  name: {name}\n  namespace: crm\nspec:\n"
    return head + body


def _report(date: str, decisions: str) -> str:
    return STATUS.format(date=date) + decisions


def test_issue_facts_and_project_counts(tmp_path: Path) -> None:
    root = write_portfolio(
        tmp_path / "p",
        {
            "projects/crm/issues/i-1.yaml": _issue(
                "i-1",
                "  raisedDate: 2025-06-01\n  owner: person:jo-pm\n  severity: critical\n  state: in-progress\n"
                "  dueDate: 2025-06-20\n  escalation: {level: project, escalatedDate: 2025-06-02}\n",
            ),
            "projects/crm/issues/i-2.yaml": _issue(
                "i-2",
                "  raisedDate: 2025-06-01\n  owner: person:ghost\n  severity: high\n"
                "  escalation: {level: steering, escalatedDate: 2025-06-05}\n",
            ),
            "projects/crm/issues/i-3.yaml": _issue("i-3", "  raisedDate: 2025-06-25\n  severity: low\n"),
            "projects/crm/issues/i-4.yaml": _issue(
                "i-4", "  raisedDate: 2025-01-01\n  severity: critical\n  state: closed\n  dueDate: 2025-02-01\n"
            ),
        },
    )
    facts, _ = facts_of(root)
    by = facts.by_path
    one = by["projects/crm/issues/i-1.yaml"]
    assert one["open"] is True
    assert (one["ageDays"], one["overdue"], one["daysOverdue"]) == (29.0, True, 10.0)
    assert (one["owner"], one["ownerProblem"]) == ("jo-pm (jo-pm)", "")
    assert (one["escalated"], one["escalationLevel"]) == (False, "project")  # not beyond the project
    two = by["projects/crm/issues/i-2.yaml"]
    assert two["ownerProblem"] == "person:ghost is not in the people register"
    assert (two["escalated"], two["overdue"], two["daysOverdue"]) == (True, False, 0.0)
    three = by["projects/crm/issues/i-3.yaml"]
    assert (three["owner"], three["ownerProblem"]) == ("no one", "no owner is named")
    closed = by["projects/crm/issues/i-4.yaml"]
    assert (closed["open"], closed["overdue"]) == (False, False)
    # i-1 is critical, 29 days old (limit 10) and escalated only within the project; closed i-4 does not count
    assert by["projects/crm/project.yaml"]["issues"] == {
        "open": 3.0,
        "openCritical": 1.0,
        "overdue": 1.0,
        "unowned": 2.0,
        "notEscalated": 1.0,
    }


def test_inactive_owner_is_a_problem(tmp_path: Path) -> None:
    person = "apiVersion: pmo-lint/v1\nkind: Person\nmetadata:\n  name: old-pm\nspec:\n"
    person += "  profile: {displayName: Old PM}\n  roles: [project-manager]\n  active: false\n"
    root = write_portfolio(
        tmp_path / "p",
        {
            "people/old-pm.yaml": person,
            "projects/crm/issues/i-1.yaml": _issue(
                "i-1", "  raisedDate: 2025-06-01\n  owner: person:old-pm\n  severity: low\n"
            ),
        },
    )
    facts, _ = facts_of(root)
    assert facts.by_path["projects/crm/issues/i-1.yaml"]["ownerProblem"] == "Old PM (old-pm) is marked inactive"


def test_decisions_wait_from_when_first_raised(tmp_path: Path) -> None:
    root = write_portfolio(
        tmp_path / "p",
        {
            "projects/crm/status/2025-05-20.yaml": _report(
                "2025-05-20", "  decisionsNeeded:\n    - Approve the  Cut-over date\n    - {id: v, decision: Vendor}\n"
            ),
            "projects/crm/status/2025-06-20.yaml": _report(
                "2025-06-20",
                "  decisionsNeeded:\n"
                "    - approve the cut-over date\n"
                "    - {id: v, decision: Pick the vendor, decider: person:pat-director, neededBy: 2025-06-25}\n"
                "    - {decision: New one, raisedDate: 2025-06-10}\n"
                "    - {decision: Old one, state: decided, raisedDate: 2025-05-01, decidedDate: 2025-05-11}\n",
            ),
        },
    )
    facts, _ = facts_of(root)
    latest = facts.by_path["projects/crm/status/2025-06-20.yaml"]
    assert latest["projectActive"] is True
    assert latest["openDecisions"] == 3.0
    rows = latest["decisions"]
    # the same sentence (case and spacing aside) and the same id count from the older report
    assert [(r["raisedDate"], r["waitingDays"]) for r in rows] == [
        ("2025-05-20", 41.0),
        ("2025-05-20", 41.0),
        ("2025-06-10", 20.0),
        ("2025-05-01", 10.0),
    ]
    assert [r["state"] for r in rows] == ["open", "open", "open", "decided"]
    assert rows[1]["decider"] == "pat-director (pat-director)"
    assert rows[1]["pastNeededBy"] is True
    assert rows[0]["decider"] == "the sponsor"  # the test project names no sponsor
    assert rows[0]["id"] == "" and rows[1]["id"] == "v"
    older = facts.by_path["projects/crm/status/2025-05-20.yaml"]
    assert [r["waitingDays"] for r in older["decisions"]] == [41.0, 41.0]
