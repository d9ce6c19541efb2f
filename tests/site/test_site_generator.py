"""The pure generator: pages per section, what they show, data.json, determinism, history, writing."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
from pathlib import Path

import pytest

from pmo_lint.errors import InputError, UsageError
from pmo_lint.site.generator import SECTIONS, SiteOptions, generate, read_templates, write_site
from pmo_lint.site.history import parse_history
from tests.site.kit import PORTFOLIO

AS_OF = dt.date(2025, 6, 30)
ALL_PAGES = {
    "summary.md",
    "index.md",
    "projects/index.md",
    "projects/crm-migration.md",
    "projects/data-lake.md",
    "projects/hostile.md",
    "strategy.md",
    "roadmap.md",
    "risks.md",
    "resources.md",
    "prioritisation.md",
    "changes.md",
    "changes/crm-migration--cr-001.md",  # the test portfolio's change request awaiting a decision
    "audit.md",
    "templates.md",
    "rules.md",
}
HISTORY = [  # the shape `pmo-lint history --format json` prints
    {
        "commit": "a" * 40,
        "date": "2025-05-01T10:00:00+00:00",
        "author": "x",
        "counts": {"error": 5, "warning": 2, "info": 0},
    },
    {
        "commit": "b" * 40,
        "date": "2025-06-01T10:00:00+00:00",
        "author": "y",
        "counts": {"error": 1, "warning": 1, "info": 1},
    },
]


@pytest.fixture(scope="module")
def site():  # type: ignore[no-untyped-def]
    return generate(PORTFOLIO, SiteOptions(as_of=AS_OF))


def test_every_section_has_its_pages(site) -> None:  # type: ignore[no-untyped-def]
    assert set(site.pages) == ALL_PAGES
    assert "data.json" in site.files()


def test_output_is_byte_stable(site) -> None:  # type: ignore[no-untyped-def]
    again = generate(PORTFOLIO, SiteOptions(as_of=AS_OF))
    assert again.files() == site.files()


def test_dashboard_shows_indicators_health_and_budget(site) -> None:  # type: ignore[no-untyped-def]
    page = html.unescape(site.pages["index.md"])
    for text in (
        "When you need a PMO",
        "Behind schedule",
        "Over budget",
        "Not aligned to a goal",
        "Stale status",
        "No standard process",
        "Not trackable",
        "RAG status",
        "Budget and actual cost",
        "ACME Corp",
    ):
        assert text in page, text
    # crm-migration records its gate decisions; data-lake and hostile do not: 2 of 3 active projects
    assert re.search(r"No standard process \| \*\*67%\*\* \| 2 / 3", page)
    assert re.search(r"Not trackable \| \*\*33%\*\* \| 1 / 3", page)  # data-lake: no report, no milestone
    assert "<svg" in page and "Budget at completion, actual cost" in page
    assert "[CRM migration](projects/crm-migration.md)" in page


def test_project_page_holds_its_records_and_the_s_curve(site) -> None:  # type: ignore[no-untyped-def]
    page = site.pages["projects/crm-migration.md"]
    for text in (
        "Data model signed off",
        "Cut-over",
        "r-001",
        "Add EU data residency",
        "2025-05-31",
        "2025-06-20",
        "EVM S-curve",
        "Planned value (PV)",
        "Earned value (EV)",
        "crm-stale",
        "Status history",
        "All fields",
        "Churn rate (%)",
    ):
        assert text in html.unescape(page), text
    assert 'id="risk-crm-migration-r-001"' in page
    assert page.startswith('---\ntitle: "CRM migration"\n---\n')


def test_risk_heat_map_counts_open_risks_and_links_to_them(site) -> None:  # type: ignore[no-untyped-def]
    page = site.pages["risks.md"]
    assert '<h3 id="cell-likely-major">' in page and "(#cell-likely-major)" in page
    assert "(projects/crm-migration.md#risk-crm-migration-r-001)" in page
    assert page.count('text-align:center;min-width:3em" title="score 25') == 1


def test_resource_heat_map_shows_load_per_month(site) -> None:  # type: ignore[no-untyped-def]
    page = html.unescape(site.pages["resources.md"])
    assert "Jo Doe" in page and "2025-06" in page
    assert "120" in page  # 80% on crm-migration plus 40% on data-lake in June: over the 100% limit
    assert "## Over-allocated" in page


def test_roadmap_strategy_prioritisation_templates_rules(site) -> None:  # type: ignore[no-untyped-def]
    assert "Roadmap of portfolio customer" in site.pages["roadmap.md"] and "+42 days" in site.pages["roadmap.md"]
    strategy = html.unescape(site.pages["strategy.md"])
    assert "Grow customer retention" in strategy and "Program CRM renewal" in strategy
    assert strategy.index("Grow customer retention") < strategy.index("crm-migration.md")
    assert "## Not aligned to a goal" in strategy and "projects/hostile.md" in strategy
    prio = site.pages["prioritisation.md"]
    assert "| 1 | [CRM migration](projects/crm-migration.md) |" in prio and "<svg" in prio
    templates = html.unescape(site.pages["templates.md"])
    assert "IT delivery template" in templates and "Used by: [crm-migration](projects/crm-migration.md)" in templates
    rules = site.pages["rules.md"]
    assert '<h2 id="pmo001">' in rules and "What it checks" in rules


def test_audit_page_has_waivers_maturity_and_no_trend_without_history(site) -> None:  # type: ignore[no-untyped-def]
    page = html.unescape(site.pages["audit.md"])
    assert "## Findings by pack and severity" in page
    assert "crm-stale" in page and "2025-09-30" in page and "expires in 92 days" in page
    assert "## Maturity levels" in page and "Managed" in page
    assert "No history given" in page


def test_history_draws_the_compliance_trend(tmp_path: Path) -> None:
    path = tmp_path / "history.json"
    path.write_text(json.dumps(HISTORY), encoding="utf-8")
    site = generate(PORTFOLIO, SiteOptions(as_of=AS_OF, sections=("audit",), history=path))
    page = site.pages["audit.md"]
    assert "Findings per commit" in page and "<polyline" in page
    assert "| 2025-06-01T10:00:00+00:00 | bbbbbbbbbbbb | 1 | 1 | 1 | 3 |" in html.unescape(page)
    assert [h["error"] for h in site.data["history"]] == [5, 1]


def test_history_shapes_and_bad_files(tmp_path: Path) -> None:
    assert [
        p.total
        for p in parse_history({"commits": [{"sha": "x", "date": "d", "findings": [{"severity": "error"}]}]}).points
    ] == [1]
    assert parse_history({"points": [{"commit": "x", "date": "d", "total": 4}]}).points[0].counts == (4, 0, 0)
    with pytest.raises(ValueError):
        parse_history({"nothing": 1})
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.json"):
        generate(PORTFOLIO, SiteOptions(as_of=AS_OF, history=bad))
    with pytest.raises(InputError, match=r"missing\.json"):
        generate(PORTFOLIO, SiteOptions(as_of=AS_OF, history=tmp_path / "missing.json"))


def test_sections_can_be_chosen_and_links_follow(tmp_path: Path) -> None:
    site = generate(PORTFOLIO, SiteOptions(as_of=AS_OF, sections=("dashboard", "risks")))
    assert set(site.pages) == {"index.md", "risks.md"}
    assert "projects/" not in site.pages["index.md"]  # no links to pages that are not generated
    assert "](projects/" not in site.pages["risks.md"]
    only = generate(PORTFOLIO, SiteOptions(as_of=AS_OF, sections=("roadmap",)))
    assert set(only.pages) == {"roadmap.md", "index.md"}  # a landing page links the sections
    with pytest.raises(UsageError, match="unknown site section 'gantt'"):
        generate(PORTFOLIO, SiteOptions(as_of=AS_OF, sections=("gantt",)))


def test_front_matter_titles_hold_no_markup(site) -> None:  # type: ignore[no-untyped-def]
    for path, page in site.pages.items():
        title = json.loads(page.split("\n")[1].removeprefix("title: "))
        assert re.fullmatch(r"[\w .,:;()/+-]+", title), (path, title)


def test_data_file_has_the_numbers(site) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(site.files()["data.json"])
    assert data["asOf"] == "2025-06-30" and data["summary"]["projects"] == 3
    crm = next(p for p in data["projects"] if p["name"] == "crm-migration")
    assert crm["evm"]["cpi"] == round(200000 / 240000, 4) and crm["health"]["schedule"] == "red"
    assert crm["finishSlipDays"] == 42 and crm["computedRank"] == 1
    assert data["indicatorsPercent"]["no_standard_process"] == 66.7  # data-lake, hostile: gates not recorded


def test_write_site_removes_only_its_own_stale_files(tmp_path: Path, site) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "docs"
    write_site(site, out)
    (out / "mine.md").write_text("user file", encoding="utf-8")
    assert (out / "projects" / "hostile.md").is_file()
    write_site(generate(PORTFOLIO, SiteOptions(as_of=AS_OF, sections=("dashboard",))), out)
    assert not (out / "projects" / "hostile.md").exists()
    assert (out / "mine.md").read_text(encoding="utf-8") == "user file"
    assert sorted(p.name for p in out.iterdir() if p.is_file()) == [
        ".pmo-lint-generated",
        "data.json",
        "index.md",
        "mine.md",
    ]


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_write_site_replaces_no_file_it_did_not_write(tmp_path: Path, site) -> None:  # type: ignore[no-untyped-def]
    """--out is the user's folder: a page of theirs, a link to a file elsewhere, or a linked folder stops the
    run before anything is written, and names what is in the way."""
    (tmp_path / "outside").mkdir()
    secret = tmp_path / "outside" / "notes.md"
    secret.write_text("my notes", encoding="utf-8")
    cases = {
        "a user's page": lambda out: (out / "summary.md").write_text("my summary", encoding="utf-8"),
        "a link to a file elsewhere": lambda out: (out / "index.md").symlink_to(secret),
        "a linked folder": lambda out: (out / "projects").symlink_to(tmp_path / "outside"),
    }
    for name, make in cases.items():
        out = tmp_path / name.replace(" ", "-")
        out.mkdir()
        make(out)
        before, outside = _snapshot(out), _snapshot(tmp_path / "outside")
        with pytest.raises(UsageError, match=r"nothing written to .*it holds files pmo-lint would replace"):
            write_site(site, out)
        assert _snapshot(out) == before and _snapshot(tmp_path / "outside") == outside, name
    # a folder pmo-lint wrote before is written again
    out = tmp_path / "ours"
    write_site(site, out)
    write_site(site, out)
    assert (out / "summary.md").is_file()


def test_templates_are_read_safely(tmp_path: Path) -> None:
    root = tmp_path / "p"
    (root / "templates" / "t").mkdir(parents=True)
    (root / "templates" / "t" / "README.md").write_text("# Title\n", encoding="utf-8")
    (root / "templates" / "t" / "logo.png").write_bytes(b"\x89PNG\x00\xff")
    (root / "templates" / ".hidden").write_text("x", encoding="utf-8")
    (tmp_path / "outside.txt").write_text("secret", encoding="utf-8")
    (root / "templates" / "link.txt").symlink_to(tmp_path / "outside.txt")
    assert read_templates(root) == [("templates/t/README.md", "Title", "# Title\n")]


def test_sections_constant_lists_every_renderer() -> None:
    from pmo_lint.site.generator import _renderers
    from pmo_lint.site.page.common import PAGE_OF_SECTION

    assert list(_renderers()) == list(SECTIONS) == list(PAGE_OF_SECTION)


def test_a_generated_portfolio_of_many_projects(tmp_path: Path) -> None:
    """The 1,000-project run is timed by bench/; here a smaller one must go through every page."""
    from bench.generate import write

    root = tmp_path / "big"
    write(root, 120, 7)
    site = generate(root, SiteOptions(as_of=AS_OF))
    assert len([p for p in site.pages if p.startswith("projects/") and "_" not in p]) == 121  # and the list
    assert json.loads(site.files()["data.json"])["summary"]["projects"] == 120
    shutil.rmtree(root)


def test_extreme_values_still_make_pages(tmp_path: Path) -> None:
    root = tmp_path / "p"
    shutil.copytree(PORTFOLIO, root, ignore=shutil.ignore_patterns(".pmo-lint-cache"))
    (root / "projects" / "data-lake" / "project.yaml").write_text(
        "apiVersion: pmo-lint/v1\nkind: Project\nmetadata: {name: data-lake}\nspec:\n  type: it-delivery\n"
        "  category: operational\n  lifecycle: {phase: no-such-phase}\n"
        "  schedule: {requested: {start: '1900-01-01', end: '2200-12-31'}}\n"
        "  milestones: [{id: m1, title: Far, forecastDate: '2200-01-01', key: true}]\n"
        "  budget: {bac: 0, byPeriod: [{period: 1900-01, planned: 0}, {period: 2200-12, planned: 0}]}\n"
        "  actuals: [{period: 2000-01, cost: 1e15}]\n",
        encoding="utf-8",
    )
    site = generate(root, SiteOptions(as_of=AS_OF))
    page = html.unescape(site.pages["projects/data-lake.md"])
    assert "EVM S-curve of data-lake" in page and "1,000,000,000,000,000" in page
    assert "no-such-phase" in html.unescape(site.pages["index.md"])
    assert "1900-01" in site.pages["roadmap.md"]


def test_project_page_lists_open_issues_and_waiting_decisions(tmp_path: Path) -> None:
    root = tmp_path / "portfolio"
    shutil.copytree(PORTFOLIO, root, ignore=shutil.ignore_patterns(".pmo-lint-cache"))
    project = root / "projects/crm-migration"
    (project / "issues").mkdir()
    issue = "apiVersion: pmo-lint/v1\nkind: Issue\nmetadata:\n  name: {name}\n  namespace: crm-migration\n"
    issue += "  title: {title}\nspec:\n  raisedDate: 2025-06-02\n  owner: person:jdoe\n  severity: {sev}\n"
    issue += "  state: {state}\n"
    (project / "issues/i-001.yaml").write_text(
        issue.format(name="i-001", title="Vendor API rate limit", sev="high", state="in-progress"), encoding="utf-8"
    )
    (project / "issues/i-002.yaml").write_text(
        issue.format(name="i-002", title="Old closed issue", sev="critical", state="closed"), encoding="utf-8"
    )
    report = project / "status/2025-06-20.yaml"
    report.write_text(
        report.read_text(encoding="utf-8")
        + "  decisionsNeeded:\n    - Approve the cut-over weekend\n"
        + "    - {decision: Already taken, state: decided, decidedDate: 2025-06-19}\n",
        encoding="utf-8",
    )
    page = html.unescape(
        generate(root, SiteOptions(as_of=AS_OF, sections=("projects",))).pages["projects/crm-migration.md"]
    )
    assert "## Open issues" in page
    assert "Vendor API rate limit" in page and "Old closed issue" not in page
    assert "### Decisions needed (status report of 2025-06-20)" in page
    assert "Approve the cut-over weekend" in page and "Already taken" not in page


def test_resources_page_lists_what_leavers_hold(tmp_path: Path, site) -> None:  # type: ignore[no-untyped-def]
    assert "## To reassign" in site.pages["resources.md"]
    assert "Nobody who has left" in site.pages["resources.md"]
    root = tmp_path / "portfolio"
    shutil.copytree(PORTFOLIO, root, ignore=shutil.ignore_patterns(".pmo-lint-cache"))
    jdoe = root / "people/jdoe.yaml"
    text = jdoe.read_text(encoding="utf-8").replace("displayName: Jo Doe", "displayName: 'Jo <b>Doe</b>'")
    jdoe.write_text(text + "  active: false\n  leftDate: 2025-04-30\n", encoding="utf-8")
    asmith = root / "people/asmith.yaml"
    asmith.write_text(asmith.read_text(encoding="utf-8") + "  leftDate: 2025-08-31\n", encoding="utf-8")
    raw = generate(root, SiteOptions(as_of=AS_OF, sections=("resources", "projects"))).pages["resources.md"]
    assert "<b>" not in raw  # the display name is escaped
    page = html.unescape(raw)
    gone = page.index("### Jo <b>Doe</b> (jdoe), left on 2025-04-30")
    later = page.index("### Ann Smith (asmith), leaves on 2025-08-31")
    assert gone < later  # people who have left come first
    jo, ann = page[gone:later], page[later:]
    assert "| risk r-001 | [crm-migration](projects/crm-migration.md) | owner | reassign it |" in jo
    assert "| project crm-migration | [crm-migration](projects/crm-migration.md) | project manager |" in jo
    assert "| team delivery | — | lead | name a new lead |" in jo
    assert "assignment to crm-migration until" in jo
    assert "| program crm | — | owner | reassign it before 2025-08-31 |" in ann
    assert "name a new sponsor before 2025-08-31" in ann


def test_project_page_money_carries_its_currency_and_no_cost_is_not_a_cost_of_zero(site) -> None:  # type: ignore[no-untyped-def]
    def row(page: str, label: str) -> str:
        return next(line for line in html.unescape(page).splitlines() if line.startswith(f"| {label} |"))

    crm = site.pages["projects/crm-migration.md"]
    assert re.fullmatch(
        r"\| PV / EV / AC \(latest report\) \| [\d,]+ / [\d,]+ / [\d,]+ EUR \|",
        row(crm, "PV / EV / AC (latest report)"),
    )
    assert re.fullmatch(r"\| Actual cost to date \| [\d,]+ EUR \|", row(crm, "Actual cost to date"))
    assert "| +60,000 EUR | 42 days |" in html.unescape(crm)  # the change request's budget delta, signed
    # the data lake records no actual cost: the page says so instead of showing a cost of 0
    assert row(site.pages["projects/data-lake.md"], "Actual cost to date") == "| Actual cost to date | none recorded |"
