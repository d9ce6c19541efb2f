"""A portfolio with planted governance problems gives the same findings under four lifecycles.

The projects are written once, in the sample's phases and gates, each carrying one problem a PMO must
catch; tests/lifecycles/kit.py says the same thing in `init`'s, a PRINCE2 and a 7-gate stage-gate
lifecycle. Every lifecycle must report every planted problem, at the same file and data path, and
nothing more: no miss, no false alarm.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import portfolio_texts
from tests.lifecycles.kit import LIFECYCLES, Lifecycle, translate
from tests.policies.conftest import BASE, check

CRM = BASE / "projects" / "crm-migration"
PROJECT = (CRM / "project.yaml").read_text(encoding="utf-8")
REPORT = (CRM / "status" / "2025-06-20.yaml").read_text(encoding="utf-8")
GATES = PROJECT.split("    gates:\n", 1)[1].split("  alignment:", 1)[0]  # G0, G1 (with its evidence), G2


def _project(name: str, *edits: tuple[str, str]) -> str:
    # scored below every base project, so that the clones leave the base's ranks alone
    text = PROJECT.replace("crm-migration", name).replace("    priority: 1\n", "")
    text = text.replace("{value: 4, urgency: 3, risk-reduction: 2}", "{value: 1, urgency: 1, risk-reduction: 1}")
    for old, new in edits:
        old, new = old.replace("crm-migration", name), new.replace("crm-migration", name)
        assert old in text, (name, old)
        text = text.replace(old, new)
    return text


def _report(name: str, date: str, *edits: tuple[str, str]) -> dict[str, str]:
    text = REPORT.replace("crm-migration", name).replace("2025-06-20", date)
    for old, new in edits:
        assert old in text
        text = text.replace(old, new)
    return {f"projects/{name}/status/{date}.yaml": text}


def _waiver(name: str, check: str, target: str, expires: str) -> dict[str, str]:
    return {
        f"waivers/{name}.yaml": (
            "apiVersion: pmo-lint/v1\nkind: Waiver\nmetadata:\n"
            f"  name: {name}\nspec:\n  check: {check}\n  targets: [project:{target}]\n"
            "  justification: The steering committee accepted this until the vendor contract is signed.\n"
            f"  approvedBy: person:pat-director\n  created: 2025-04-01\n  expires: {expires}\n"
        )
    }


def _docs(name: str) -> dict[str, str]:
    return {
        f"projects/{name}/docs/{doc}.md": f"# {doc}\n"
        for doc in ("charter", "business-case", "training-plan", "closure-report", "lessons-learned")
    }


PLANNING = (("phase: executing", "phase: planning"), (GATES, GATES.replace(GATES.splitlines()[2] + "\n", "")))
NO_BASELINE = (("  activeBaseline: B2\n", ""), ("  baselines:\n", "  oldBaselines:\n"))


def planted() -> dict[str, str]:
    files: dict[str, str] = {}
    # 1. the last report is 54 days old, cadence 14
    files["projects/stale-report/project.yaml"] = _project("stale-report")
    files.update(_report("stale-report", "2025-05-07") | _docs("stale-report"))
    # 2. delivering with no status report at all
    files["projects/no-report/project.yaml"] = _project("no-report")
    files.update(_docs("no-report"))
    # 3. delivering without an approved baseline
    files["projects/no-baseline/project.yaml"] = _project(
        "no-baseline", ("  activeBaseline: B2\n", ""), *[(line, "") for line in _baselines()]
    )
    files.update(_report("no-baseline", "2025-06-27") | _docs("no-baseline"))
    # 4. planning, and no benefit recorded
    files["projects/planning-no-benefit/project.yaml"] = _project(
        "planning-no-benefit",
        ("  benefits: [b-001]\n", ""),
        *PLANNING,
        ("  activeBaseline: B2\n", ""),
        *[(line, "") for line in _baselines()],
    )
    files.update(_docs("planning-no-benefit"))
    # 5. planning with a 2,000,000 budget approved for 2025: the portfolio's 2025 envelope is exceeded
    files["projects/planning-big-budget/project.yaml"] = _project(
        "planning-big-budget",
        *PLANNING,
        ("  activeBaseline: B2\n", ""),
        *[(line, "") for line in _baselines()],
        ("bac: 560000}", "bac: 2000000}"),
    )
    files.update(_docs("planning-big-budget"))
    # 6. closed without a closure report
    files["projects/closed-no-report/project.yaml"] = _project(
        "closed-no-report",
        ("phase: executing\n    state: active", "phase: closed\n    state: completed"),
        (
            GATES,
            GATES + "      - {gate: G3, decision: approved, decidedBy: person:pat-director, date: 2025-06-02, "
            "evidence: [projects/closed-no-report/docs/lessons-learned.md]}\n",
        ),
        ("    actual: {start: 2025-01-06}", "    actual: {start: 2025-01-06, finish: 2025-05-30}"),
        # its benefits are handed over for review after closure (STR015, TRF009): the report is the one problem
        (
            "  benefits: [b-001]\n",
            "  benefits: [b-001]\n  benefitsReviewPlan:\n    reviewer: person:pat-director\n"
            "    reviews: [{date: 2025-12-31}]\n",
        ),
        (
            "    businessCase: projects/closed-no-report/docs/business-case.md\n",
            "    businessCase: projects/closed-no-report/docs/business-case.md\n"
            "    lessonsLearned: projects/closed-no-report/docs/lessons-learned.md\n",
        ),
    )
    files.update(_docs("closed-no-report"))
    # 7. a waiver of the stale-report rule that expired: the finding is back, and the waiver is reported
    files["projects/expired-waiver/project.yaml"] = _project("expired-waiver")
    files.update(_report("expired-waiver", "2025-05-07") | _docs("expired-waiver"))
    files.update(_waiver("expired-waiver-stale", "TAC001", "expired-waiver", "2025-06-01"))
    # 8. a valid waiver of the missing-report rule: waived, and not "matches no finding"
    files["projects/waived/project.yaml"] = _project("waived")
    files.update(_docs("waived") | _waiver("waived-no-report", "TAC002", "waived", "2025-09-30"))
    # 9. delivering without the baseline gate's decision
    files["projects/gate-missing/project.yaml"] = _project("gate-missing", (GATES.splitlines()[2] + "\n", ""))
    files.update(_report("gate-missing", "2025-06-27") | _docs("gate-missing"))
    # 10. reported green while spending 1.4 times the value earned
    files["projects/watermelon/project.yaml"] = _project("watermelon")
    files.update(_report("watermelon", "2025-06-27", ("ac: 245000", "ac: 360000")) | _docs("watermelon"))
    benefit = (CRM / "benefits" / "b-001.yaml").read_text(encoding="utf-8")
    change = (CRM / "changes" / "cr-001.yaml").read_text(encoding="utf-8")
    for name in {rel.split("/")[1] for rel in files if rel.startswith("projects/")} - {"planning-no-benefit"}:
        files[f"projects/{name}/benefits/b-001.yaml"] = benefit.replace("crm-migration", name)
        # the change request that approved baseline B2 comes with the projects that keep it (GOV021)
        if "approvedBy: changerequest:cr-001" in files[f"projects/{name}/project.yaml"]:
            files[f"projects/{name}/changes/cr-001.yaml"] = change.replace("crm-migration", name)
    return files


def _baselines() -> list[str]:
    start = PROJECT.index("  baselines:\n")
    end = PROJECT.index("  activeBaseline:")
    return [PROJECT[start:end]]


# (code, file) of every planted problem; the run may add nothing else
EXPECTED = Counter(
    {
        ("TAC001", "projects/stale-report/project.yaml"): 1,
        ("TAC002", "projects/no-report/project.yaml"): 1,
        ("TAC016", "projects/no-baseline/project.yaml"): 1,
        ("GOV001", "projects/no-baseline/project.yaml"): 1,
        ("TRF007", "projects/no-baseline/project.yaml"): 1,  # no maturity level: it fails GOV001
        ("STR010", "projects/planning-no-benefit/project.yaml"): 1,
        ("STR008", "portfolios/digital.yaml"): 1,
        ("GOV007", "projects/closed-no-report/project.yaml"): 1,
        ("GOV020", "projects/closed-no-report/project.yaml"): 1,  # G3 approved without the closure report
        ("TAC001", "projects/expired-waiver/project.yaml"): 1,
        ("GOV050", "waivers/expired-waiver-stale.yaml"): 1,
        ("GOV002", "projects/gate-missing/project.yaml"): 1,
        ("GOV021", "projects/gate-missing/project.yaml"): 1,  # so its baseline B1 rests on no recorded decision
        ("TRF007", "projects/gate-missing/project.yaml"): 1,  # no maturity level: it fails GOV002
        ("TAC004", "projects/watermelon/project.yaml"): 1,
        ("TAC005", "projects/watermelon/status/2025-06-27.yaml"): 1,  # cost rated green against CPI 0.7
        ("TAC007", "projects/watermelon/project.yaml"): 1,  # CPI below threshold
        ("TAC010", "projects/watermelon/project.yaml"): 1,  # EAC over BAC with no cost change request
    }
)


def _write(root: Path, lc: Lifecycle) -> None:
    files = portfolio_texts(BASE)
    files.update(planted())
    for rel, text in files.items():
        if rel.endswith(".yaml"):
            translated, why = translate(text, lc)
            if translated is None:  # a base project in a stage this lifecycle lacks
                assert not rel.startswith(tuple(f"projects/{n}/" for n in _planted_names())), why
                continue
            text = translated
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def _planted_names() -> set[str]:
    return {rel.split("/")[1] for rel in planted() if rel.startswith("projects/")}


def _found(root: Path) -> Counter[tuple[str, str]]:
    return Counter((d.path, d.code) for d in check(root, []) if d.severity.value != "info")


@pytest.mark.parametrize("lc", LIFECYCLES, ids=[lc.name for lc in LIFECYCLES])
def test_every_planted_problem_is_found_and_nothing_else(lc: Lifecycle, tmp_path: Path) -> None:
    _write(tmp_path, lc)
    got = Counter({(code, path): n for (path, code), n in _found(tmp_path).items()})
    missing = EXPECTED - got
    extra = got - EXPECTED
    assert not missing and not extra, f"{lc.name}: missed {dict(missing)}; false alarms {dict(extra)}"


def test_prince2_projects_with_two_and_three_stages_are_clean_beside_the_planted_problems(tmp_path: Path) -> None:
    """The tailored two-stage project and the full three-stage one add no finding under every rule."""
    from tests.lifecycles.kit import PRINCE2
    from tests.lifecycles.test_tailoring import TWO_STAGES, _prince2, _project

    _write(tmp_path, PRINCE2)
    projects = {
        "two-stage": _project("two-stage", "closing", ["DP0", "DP1", "DP2"], TWO_STAGES),
        "three-stage": _project("three-stage", "closing", ["DP0", "DP1", "DP2", "SB2"]),
    }
    _prince2(tmp_path, projects)
    # _prince2 wrote the base again, translated; put the planted files back on top
    _write(tmp_path, PRINCE2)
    got = _found(tmp_path)
    on_them = {key: n for key, n in got.items() if key[0].startswith(("projects/two-stage/", "projects/three-stage/"))}
    assert on_them == {}
    planted = Counter({(code, path): n for (path, code), n in got.items()}) - Counter(
        {(code, path): n for (path, code), n in on_them.items()}
    )
    assert planted == EXPECTED
