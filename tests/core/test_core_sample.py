"""The sample portfolio is what issue 2 promises a PMO would recognise: every kind, every phase, all seven
roles, coherent numbers, the documents it names, and the deliberate imperfections the rules show."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from functools import cache
from typing import Any

from pmo_lint.loader.yamlio import LoadedDocument, parse_bytes
from tests.conftest import SAMPLE

AS_OF = dt.date(2025, 6, 30)
ROLES = {
    "pmo-director",
    "project-manager",
    "business-analyst",
    "project-coordinator",
    "technical-expert",
    "support-staff",
    "trainer",
}


@cache
def entities() -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """kind -> [(path, data)] for every linted file (templates and docs are not linted)."""
    out: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    for path in sorted(SAMPLE.rglob("*.yaml")):
        rel = path.relative_to(SAMPLE).as_posix()
        if rel.startswith(("templates/", ".")):
            continue
        doc = parse_bytes(path.read_bytes())
        assert isinstance(doc, LoadedDocument), (rel, doc)
        out[doc.data["kind"]].append((rel, doc.data))
    return out


def specs(kind: str) -> list[dict[str, Any]]:
    return [data["spec"] for _rel, data in entities()[kind]]


def pmo() -> dict[str, Any]:
    return specs("PMOConfig")[0]


def projects() -> dict[str, dict[str, Any]]:
    return {data["metadata"]["name"]: data["spec"] for _rel, data in entities()["Project"]}


def records(kind: str, project: str) -> list[dict[str, Any]]:
    return [data for _rel, data in entities()[kind] if data["metadata"]["namespace"] == project]


def test_size() -> None:
    files = [p for p in SAMPLE.rglob("*") if p.is_file()]
    assert 120 <= len(files) <= 260


def test_pmo_config() -> None:
    spec = pmo()
    assert set(spec["pmoTypes"]) == {"strategic", "tactical", "operational", "transformational", "governance"}
    phases = [p["id"] for p in spec["lifecycle"]["phases"]]
    assert phases == ["proposed", "initiating", "planning", "executing", "closing", "closed"]
    assert [g["id"] for g in spec["lifecycle"]["gates"]] == ["G0", "G1", "G2", "G3"]
    assert all(p.get("requiredFields") for p in spec["lifecycle"]["phases"])
    for scale in ("probability", "impact"):
        assert [level["value"] for level in spec["scales"][scale]] == [1, 2, 3, 4, 5]
    assert spec["riskMatrix"]["escalationScore"] and spec["riskMatrix"]["ranks"]
    assert sum(c["weight"] for c in spec["prioritization"]["criteria"]) == 100
    assert spec["thresholds"] and spec["evm"]["enabled"] and spec["cadence"] and spec["levels"]
    conditions = [rule["when"] for rule in spec["approvalMatrix"]]
    assert {"budgetDeltaPctOver": 10} in conditions and {"finishSlipDaysOver": 30} in conditions
    assert any(c.get("category") == "gate" for c in conditions)
    assert any(t["role"] == "project-manager" for t in spec["requiredTrainings"])


def test_strategy_portfolios_programs() -> None:
    goals = specs("StrategicGoal")
    assert len(goals) >= 3 and any("parent" in g for g in goals) and all(g.get("keyResults") for g in goals)
    portfolios = specs("Portfolio")
    assert len(portfolios) == 2 and all(p["budget"] for p in portfolios)
    assert len(specs("Program")) >= 3


def test_projects_cover_every_phase_and_state() -> None:
    all_projects = projects()
    assert len(all_projects) >= 12
    assert {p["lifecycle"]["phase"] for p in all_projects.values()} == {
        "proposed",
        "initiating",
        "planning",
        "executing",
        "closing",
        "closed",
    }
    states = [p["lifecycle"]["state"] for p in all_projects.values()]
    assert "on-hold" in states and "cancelled" in states
    closed = [p for p in all_projects.values() if p["lifecycle"]["phase"] == "closed"]
    assert closed and all(p["documents"].get("lessonsLearned") for p in closed)


def test_people_teams_allocations() -> None:
    people = specs("Person")
    assert {role for p in people for role in p.get("roles", [])} >= ROLES
    # executives approve as governance roles, not as a PMO role they do not play
    by_name = {p["profile"]["displayName"]: p for p in people}
    assert by_name["Nadia Petrova"].get("roles", []) == [] and "cco" in by_name["Nadia Petrova"]["governanceRoles"]
    assert "cfo" in by_name["Claire Dubois"]["governanceRoles"]
    assert all(p.get("capacity") for p in people)
    assert any(p.get("trainings") for p in people)
    assert specs("Team") and specs("Allocation")


def test_documents_named_by_projects_exist() -> None:
    for name, spec in projects().items():
        named = list(spec.get("documents", {}).values())
        named += [e for g in spec["lifecycle"].get("gates", []) for e in g.get("evidence", [])]
        named += [v for k, v in spec.get("change", {}).items() if k.endswith("Plan")]
        for rel in named:
            assert (SAMPLE / rel).is_file(), f"{name} names {rel}"
            assert rel.endswith(".md")


def test_baselines_are_approved_by_a_gate_or_an_existing_change_request() -> None:
    for name, spec in projects().items():
        crs = {data["metadata"]["name"] for data in records("ChangeRequest", name)}
        ids = [b["id"] for b in spec.get("baselines", [])]
        if spec["lifecycle"]["phase"] in ("executing", "closing", "closed"):
            assert spec.get("activeBaseline") in ids, name
        for baseline in spec.get("baselines", []):
            kind, _, ref = baseline["approvedBy"].partition(":")
            assert (kind == "gate" and ref == "G2") or (kind == "changerequest" and ref in crs), (name, baseline)
        active = next((b for b in spec.get("baselines", []) if b["id"] == spec.get("activeBaseline")), None)
        if active is not None:
            assert active["budget"]["bac"] == spec["budget"]["bac"], name
            assert sum(p["planned"] for p in spec["budget"]["byPeriod"]) == spec["budget"]["bac"], name


def test_risks_and_change_requests() -> None:
    escalation = pmo()["riskMatrix"]["escalationScore"]
    value = {level["id"]: level["value"] for scale in pmo()["scales"].values() for level in scale}
    risks = specs("Risk")
    escalated = [r for r in risks if value[r["probability"]] * value[r["impact"]] >= escalation]
    assert len(escalated) >= 2
    assert all(r.get("owner") and r.get("response") and r.get("mitigationPlan") for r in escalated)
    crs = specs("ChangeRequest")
    approved = [c for c in crs if c["approval"]["status"] == "approved"]
    assert approved and all(c["approval"]["approvals"] for c in approved)
    assert [c for c in crs if c["approval"]["status"] == "requested"]


def test_weekly_status_for_active_projects() -> None:
    for name, spec in projects().items():
        if spec["lifecycle"]["phase"] != "executing" or spec["lifecycle"]["state"] != "active":
            continue
        dates = sorted(dt.date.fromisoformat(r["spec"]["reportDate"]) for r in records("StatusReport", name))
        assert len(dates) >= 4, name
        assert {(b - a).days for a, b in itertools.pairwise(dates)} == {7}, name
        assert dates[-1] <= AS_OF
        for report in records("StatusReport", name):
            evm = report["spec"]["evm"]
            assert 0 < evm["ev"] <= spec["budget"]["bac"] and evm["pv"] <= spec["budget"]["bac"], name


def test_benefits_and_one_waiver() -> None:
    assert len(specs("Benefit")) >= 5
    (waiver,) = specs("Waiver")
    people = [data for _rel, data in entities()["Person"]]
    directors = {f"person:{p['metadata']['name']}" for p in people if "pmo-director" in p["spec"].get("roles", [])}
    assert waiver["approvedBy"] in directors
    assert dt.date.fromisoformat(waiver["expires"]) > AS_OF
    assert waiver["targets"][0].startswith("project:")


def test_templates_and_modelines() -> None:
    names = {p.name for p in (SAMPLE / "templates").glob("*.yaml")}
    assert {"project.yaml", "risk.yaml", "change-request.yaml", "status-report.yaml"} <= names
    for path in SAMPLE.rglob("*.yaml"):
        if path.name.startswith("."):
            continue  # .pmo-lint.yaml configures the linter; it is no entity
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path


def test_deliberate_imperfections_are_there() -> None:
    all_projects = projects()
    # a watermelon: latest report green overall while SPI is poor
    watermelons = []
    stale = []
    for name, spec in all_projects.items():
        reports = sorted(records("StatusReport", name), key=lambda r: r["spec"]["reportDate"])
        if not reports or spec["lifecycle"]["state"] != "active":
            continue
        last = reports[-1]["spec"]
        spi = last["evm"]["ev"] / last["evm"]["pv"] if "evm" in last else 1.0
        if last["health"]["overall"]["rag"] == "green" and spi < 0.85:
            watermelons.append(name)
        if (AS_OF - dt.date.fromisoformat(last["reportDate"])).days > pmo()["cadence"]["statusReportMaxAgeDays"]:
            stale.append(name)
    assert watermelons and stale
    # an over-allocated person: overlapping assignments above 100% on some day
    over = []
    for alloc in specs("Allocation"):
        for day in (dt.date(2025, m, 15) for m in range(1, 13)):
            load = sum(
                a["load"]["percent"]
                for a in alloc["assignments"]
                if dt.date.fromisoformat(a["from"]) <= day <= dt.date.fromisoformat(a["to"])
            )
            if load > 100:
                over.append(alloc["person"])
                break
    assert over
