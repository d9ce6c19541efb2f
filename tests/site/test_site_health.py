"""Reported and computed health on every page that shows a project's RAG, slips against the first approved
baseline and the active one, and people by their display names: on the sample and on a hand-written PMO
with its own lifecycle (tests/site/board_portfolio/, as of 2025-09-30)."""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
from pathlib import Path

import pytest

from pmo_lint.site.generator import Site, SiteOptions, generate
from tests.conftest import SAMPLE

BOARD = Path(__file__).resolve().parent / "board_portfolio"
BOARD_AS_OF = dt.date(2025, 9, 30)
SAMPLE_AS_OF = dt.date(2025, 6, 30)
MARKER = "Watermelon: reported green, figures red"
# the pages that show every open project's RAG; each must mark a watermelon
RAG_PAGES = {"index.md", "roadmap.md", "strategy.md", "projects/index.md"}


def _generate(tmp: Path, source: Path, as_of: dt.date) -> Site:
    root = tmp / "portfolio"
    shutil.copytree(source, root, ignore=shutil.ignore_patterns(".pmo-lint-cache"))
    return generate(root, SiteOptions(as_of=as_of))


@pytest.fixture(scope="module")
def board(tmp_path_factory: pytest.TempPathFactory) -> Site:
    return _generate(tmp_path_factory.mktemp("board"), BOARD, BOARD_AS_OF)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Site:
    return _generate(tmp_path_factory.mktemp("sample"), SAMPLE, SAMPLE_AS_OF)


def _rag_lines(site: Site, name: str) -> dict[str, list[str]]:
    """Per page, the lines that link to the project ``name`` and show a RAG badge: where its RAG appears."""
    link = re.compile(rf"\]\((?:[^)]*/)?{re.escape(name)}\.md[#)]")
    out: dict[str, list[str]] = {}
    for path, page in site.pages.items():
        lines = [line for line in page.splitlines() if link.search(line) and "pmo-rag" in line]
        if lines:
            out[path] = lines
    return out


def _visible_marker(text: str) -> bool:
    # the words are the element's content, not only a tooltip
    return f">{MARKER}<" in html.unescape(text)


def _assert_marked_everywhere(site: Site, name: str) -> None:
    pages = _rag_lines(site, name)
    assert set(pages) >= RAG_PAGES, sorted(pages)
    for path, lines in pages.items():
        for line in lines:
            assert _visible_marker(line), (path, line[:300])
    own = site.pages[f"projects/{name}.md"]
    assert _visible_marker(own)
    assert "The project reports green, but its figures are red" in html.unescape(own)


def _assert_never_marked(site: Site, name: str) -> None:
    for path, lines in _rag_lines(site, name).items():
        for line in lines:
            assert "pmo-watermelon" not in line, (path, line[:300])
    assert "pmo-watermelon" not in site.pages[f"projects/{name}.md"]


def _row(page: str, name: str) -> str:
    """The first table row of ``page`` that starts with a link to the project ``name`` and shows a RAG."""
    for line in page.splitlines():
        if re.match(rf"\| \[[^\]]*\]\((?:[^)]*/)?{re.escape(name)}\.md\)", line) and "pmo-rag" in line:
            return html.unescape(line)
    raise AssertionError(f"no row for {name}")


def test_the_watermelon_is_marked_on_every_page_that_shows_its_rag(board: Site) -> None:
    _assert_marked_everywhere(board, "ferry-ticketing")
    for other in ("pier-lighting", "bus-depot-solar", "tram-signalling", "harbour-wifi"):
        _assert_never_marked(board, other)


def test_data_json_holds_both_healths_and_both_slips(board: Site) -> None:
    """Other tools read data.json: the computed health, its reasons and the watermelon flag are there too."""
    projects = {p["name"]: p for p in board.data["projects"]}
    ferry = projects["ferry-ticketing"]
    assert ferry["health"]["overall"] == "green"
    assert ferry["computedHealth"]["rag"] == "red" and ferry["computedHealth"]["watermelon"] is True
    assert ferry["computedHealth"]["reasons"]
    assert all(p["computedHealth"]["watermelon"] is False for name, p in projects.items() if name != "ferry-ticketing")
    assert set(ferry["slipDays"]) == {
        "firstBaseline",
        "firstBaselineId",
        "activeBaseline",
        "activeBaselineId",
        "activeApproved",
    }


def test_the_sample_watermelon_is_marked_on_every_page_that_shows_its_rag(sample: Site) -> None:
    _assert_marked_everywhere(sample, "warehouse-robotics-pilot")
    _assert_never_marked(sample, "cold-chain-monitoring")


def test_the_reasons_are_visible_text_beside_both_rags(board: Site) -> None:
    row = _row(board.pages["index.md"], "ferry-ticketing")
    # reported green in "Overall", then the computed red with its reasons as text
    assert re.search(r">green<.*>red<.*CPI 0\.72 below 0\.8", row), row
    roadmap = _row(board.pages["roadmap.md"], "ferry-ticketing")
    assert re.search(r">green</span> \| <span[^>]*>red<", roadmap) and "CPI 0.72 below 0.8" in roadmap
    strategy = html.unescape(board.pages["strategy.md"])
    item = next(line for line in strategy.splitlines() if "- [Ferry ticketing]" in line)
    assert "reported</small>" in item and "computed</small>" in item and "(CPI 0.72 below 0.8" in item


def test_reported_red_with_green_figures_shows_both_and_says_why(board: Site) -> None:
    page = html.unescape(board.pages["projects/pier-lighting.md"])
    assert "Reported and computed health differ." in page
    assert "Reported red, computed green: the figures are within the PMO's thresholds." in page
    row = _row(board.pages["roadmap.md"], "pier-lighting")
    assert re.search(r">red</span> \| <span[^>]*>green<", row), row


def test_amber_and_closed_projects(board: Site) -> None:
    row = _row(board.pages["index.md"], "bus-depot-solar")
    assert re.search(r">amber<.*>amber<.*SPI 0\.90 below 0\.95", row), row
    closed = html.unescape(board.pages["projects/harbour-wifi.md"])
    assert ">not judged<" in closed and "not judged: the project is closed" in closed
    assert "harbour-wifi.md" not in board.pages["index.md"]  # the RAG table holds active projects only


def test_dashboard_counts_by_computed_health_and_counts_watermelons(board: Site) -> None:
    page = html.unescape(board.pages["index.md"])
    # active: ferry red, bus and tram amber, pier green (reported: pier red, bus amber, ferry and tram green)
    assert "<strong>1 / 2 / 1</strong><br>computed health, active (red / amber / green)" in page
    assert "<strong>1</strong><br>watermelons: reported green, figures red" in page
    counts = {
        m.group(1): (int(m.group(2)), int(m.group(3)))
        for m in re.finditer(r"pmo-rag-(\w+)[^>]*>[^<]*</span> \| (\d+) \| (\d+) \|", page)
    }
    assert counts == {"red": (1, 1), "amber": (1, 2), "green": (2, 1)}
    assert "### Reported green, figures red" in page


def test_roll_ups_count_by_computed_health_and_name_the_watermelons(board: Site) -> None:
    page = html.unescape(board.pages["strategy.md"])
    program = next(line for line in page.splitlines() if line.startswith("| ↳ Program Waterfront renewal"))
    cells = [c.strip() for c in program.strip("|").split("|")]
    assert cells[1] == "Inês Barros" and cells[2] == "3"
    # the words of the badges, tags dropped: "1 red · 2 amber"
    assert re.sub(r"<[^>]+>", "", cells[3]) == "1 red · 2 amber", cells[3]
    named = r"</span> 1: \[Ferry ticketing\]\(projects/ferry-ticketing\.md\)"
    assert re.fullmatch(r"<span[^>]*>" + MARKER + named, cells[6]), cells[6]
    whole = next(line for line in page.splitlines() if line.startswith("| **Whole portfolio**"))
    assert "| 4 |" in whole  # the archived project is not open
    roadmap = html.unescape(board.pages["roadmap.md"])
    line = next(line for line in roadmap.splitlines() if line.startswith("Computed health of"))
    assert re.sub(r"<[^>]+>", "", line).startswith(
        f"Computed health of 4 open projects: 1 red · 2 amber · 1 green · {MARKER} 1: [Ferry ticketing]"
    )


def test_slip_against_the_first_approved_baseline_and_the_active_one(board: Site) -> None:
    row = _row(board.pages["roadmap.md"], "tram-signalling")
    assert "+45 days vs first baseline, +0 vs active" in row
    assert "2025-12-19 (first, B1), 2026-02-02 (active, B2)" in row
    page = html.unescape(board.pages["projects/tram-signalling.md"])
    assert "| Finish slip | +45 days vs first baseline, +0 vs active |" in page
    assert "| First approved baseline | B1: finish 2025-12-19, set 2025-03-10, approved by gate S2 |" in page
    assert "approved by change request cr-001 (no approved decision recorded for it)" in page
    # the quiet re-baseline makes the computed health amber although the project reports green
    assert "finish 45 days later than the first approved baseline B1; the active baseline B2 has no approved" in page
    # a project never re-baselined shows one number
    assert "| +0 days |" in _row(board.pages["roadmap.md"], "pier-lighting") + "|"


def test_an_approved_rebaseline_still_shows_both_slips_but_is_not_held_against_the_project(tmp_path: Path) -> None:
    root = tmp_path / "portfolio"
    shutil.copytree(BOARD, root, ignore=shutil.ignore_patterns(".pmo-lint-cache"))
    cr = root / "projects/tram-signalling/changes/cr-001.yaml"
    approval = (
        "  approval:\n    status: approved\n    approvals:\n"
        "      - {by: person:devon-okafor, role: pmo-director, date: 2025-07-30, decision: approved}\n"
        "  resultingBaseline: B2\n"
    )
    cr.write_text(cr.read_text(encoding="utf-8").replace("  state: submitted\n", "  state: decided\n" + approval))
    site = generate(root, SiteOptions(as_of=BOARD_AS_OF, sections=("dashboard", "projects", "roadmap")))
    assert "+45 days vs first baseline, +0 vs active" in _row(site.pages["roadmap.md"], "tram-signalling")
    page = html.unescape(site.pages["projects/tram-signalling.md"])
    assert "no approved decision" not in page
    assert re.search(r"Computed from the figures and checks</strong> <span[^>]*>green<", page)


def test_the_sample_slips_against_its_first_baseline(sample: Site) -> None:
    # customer-portal was re-baselined by an approved change request from B1 (2025-09-30) to B2 (2025-11-14)
    assert "+45 days vs first baseline, +0 vs active" in _row(sample.pages["roadmap.md"], "customer-portal")
    assert "| +150 days |" in _row(sample.pages["roadmap.md"], "yard-management") + "|"


def test_people_appear_by_display_name(board: Site) -> None:
    page = html.unescape(board.pages["projects/ferry-ticketing.md"])
    assert "| Owner (project manager) | Mara Quist |" in page and "| Sponsor | Devon Okafor |" in page
    assert "mara-quist" not in page.split("## All fields")[0]  # the raw data below may name the id
    risks = html.unescape(board.pages["risks.md"])
    assert "| Li Wen |" in risks and "li-wen" not in risks
    strategy = html.unescape(board.pages["strategy.md"])
    assert "owner Inês Barros" in strategy and "owner Devon Okafor" in strategy
    assert "Mara Quist" in html.unescape(board.pages["resources.md"])


def test_sample_people_appear_by_display_name(sample: Site) -> None:
    page = html.unescape(sample.pages["projects/warehouse-robotics-pilot.md"])
    assert "| Owner (project manager) | Tomas Novak |" in page and "| Sponsor | Erik Lindqvist |" in page
    waivers = html.unescape(sample.pages["audit.md"]).split("## Waivers", 1)[1]
    assert "| Helena Brandt |" in waivers and "helena-brandt" not in waivers  # who approved each waiver


def test_display_names_are_text_not_markup(tmp_path: Path) -> None:
    root = tmp_path / "portfolio"
    shutil.copytree(BOARD, root, ignore=shutil.ignore_patterns(".pmo-lint-cache"))
    person = root / "people/li-wen.yaml"
    hostile = "<img src=x onerror=alert(1)> [Li](javascript:alert(2)) *Wen*"
    person.write_text(person.read_text(encoding="utf-8").replace('"Li Wen"', f"'{hostile}'"), encoding="utf-8")
    site = generate(root, SiteOptions(as_of=BOARD_AS_OF, sections=("projects", "risks", "strategy")))
    for path in ("projects/pier-lighting.md", "risks.md"):
        page = site.pages[path]
        assert "<img" not in page and "](javascript" not in page and "*Wen*" not in page, path
        assert hostile in html.unescape(page), path
