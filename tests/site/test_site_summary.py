"""The executive summary: first in the navigation, the portfolio's health on one page with the definitions
beside the figures, honest PMO-symptom indicators, user text inert, `mkdocs build --strict`, and a board pack
from the browser's print (print.css, checked in headless Chromium).

Most checks run on a hand-written portfolio written into tmp_path (as of 2025-06-30): a ferry project reported
green with a critical risk (a watermelon), its status reports' decisions and a pending change request; a depot
project forecast over budget whose last gate decision is not recorded; an intake project without reports; a
project whose last report is old; a person booked at 150 % in July.
"""

from __future__ import annotations

import datetime as dt
import html
import itertools
import json
import re
import shutil
import zlib
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest

from pmo_lint.site.generator import Site, SiteOptions, generate, navigation
from tests.conftest import SAMPLE, run_cli
from tests.site.kit import QUIET, chromium, chromium_or_skip, serve

AS_OF = dt.date(2025, 6, 30)
SUMMARY = "summary.md"

PMO = """\
apiVersion: pmo-lint/v1
kind: PMOConfig
metadata: {name: quay-pmo, title: Quay PMO}
spec:
  organization: Quay Transport
  pmoTypes: [strategic, tactical, operational, governance]
  currency: EUR
  projectTypes: [infrastructure]
  lifecycle:
    phases:
      - {id: proposed}
      - {id: initiating, startGate: G0}
      - {id: planning, startGate: G1}
      - {id: executing, startGate: G2}
      - {id: closing}
      - {id: closed, startGate: G3}
    gates:
      - {id: G0, title: Intake approval, approverRoles: [pmo-director]}
      - {id: G1, title: Charter approval, approverRoles: [pmo-director]}
      - {id: G2, title: Baseline approval, approverRoles: [pmo-director]}
      - {id: G3, title: Closure, approverRoles: [pmo-director]}
  scales:
    probability:
      - {id: rare, value: 1}
      - {id: unlikely, value: 2}
      - {id: possible, value: 3}
      - {id: likely, value: 4}
      - {id: almost-certain, value: 5}
    impact:
      - {id: negligible, value: 1}
      - {id: minor, value: 2}
      - {id: moderate, value: 3}
      - {id: major, value: 4}
      - {id: severe, value: 5}
  riskMatrix:
    escalationScore: 15
    ranks:
      - {id: low, minScore: 1}
      - {id: medium, minScore: 5}
      - {id: high, minScore: 10}
      - {id: critical, minScore: 20}
  thresholds:
    cpi: {amber: 0.95, red: 0.8}
    spi: {amber: 0.95, red: 0.8}
    budgetVariancePct: 5
    finishSlipDays: 14
    allocationMaxPercent: 100
"""


def _person(name: str, shown: str) -> str:
    return (
        f"apiVersion: pmo-lint/v1\nkind: Person\nmetadata: {{name: {name}}}\nspec:\n"
        f"  profile: {{displayName: {json.dumps(shown)}}}\n  roles: [project-manager]\n"
    )


def _project(name: str, title: str, phase: str, gates: list[str], *, bac: int | None = None) -> str:
    gate_lines = "".join(
        f'      - {{gate: {g}, decision: approved, decidedBy: person:ana, date: "2025-0{i + 1}-10"}}\n'
        for i, g in enumerate(gates)
    )
    return (
        f"apiVersion: pmo-lint/v1\nkind: Project\nmetadata: {{name: {name}, title: {title}}}\nspec:\n"
        "  type: infrastructure\n  category: strategic\n  owner: person:ben\n  sponsor: person:ana\n"
        f"  lifecycle:\n    phase: {phase}\n    state: active\n"
        + (f"    gates:\n{gate_lines}" if gates else "")
        + (f"  budget: {{bac: {bac}}}\n" if bac else "")
    )


def _report(project: str, date: str, rag: str, *, decisions: str = "", evm: str = "") -> str:
    health = "".join(f"    {d}: {{rag: {rag}, comment: as reported}}\n" for d in ("overall", "schedule", "cost"))
    health += "    resources: {rag: green}\n    scope: {rag: green}\n"
    return (
        f"apiVersion: pmo-lint/v1\nkind: StatusReport\nmetadata: {{name: {date}, namespace: {project}}}\nspec:\n"
        f'  reportDate: "{date}"\n  author: person:ben\n  health:\n{health}'
        f"  executiveSummary: Progress as planned.\n  percentComplete: 40\n{evm}{decisions}"
    )


def write_portfolio(
    root: Path,
    *,
    decision: str = "Approve the extra berth for the night ferry",
    change: str = "Second ticket hall",
    risk: str = "Quay wall subsidence",
    person: str = "Ben Carter",
) -> Path:
    """The hand-written portfolio; the keywords put other (hostile) text where a director's text goes."""
    files = {
        "pmo.yaml": PMO,
        "people/ana.yaml": _person("ana", "Ana Board"),
        "people/ben.yaml": _person("ben", person),
        "people/cara.yaml": _person("cara", "Cara Diaz"),
        "people/dan.yaml": _person("dan", "Dan Evans"),
        # Cara: 100 % + 50 % in July (next month); Dan: exactly 100 %, within capacity
        "allocations/2025/cara.yaml": (
            "apiVersion: pmo-lint/v1\nkind: Allocation\nmetadata: {name: cara}\nspec:\n  person: cara\n  year: 2025\n"
            "  assignments:\n"
            '    - {project: ferry, from: "2025-07-01", to: "2025-07-31", load: {percent: 100}}\n'
            '    - {project: depot, from: "2025-07-01", to: "2025-07-31", load: {percent: 50}}\n'
        ),
        "allocations/2025/dan.yaml": (
            "apiVersion: pmo-lint/v1\nkind: Allocation\nmetadata: {name: dan}\nspec:\n  person: dan\n  year: 2025\n"
            "  assignments:\n"
            '    - {project: depot, from: "2025-07-01", to: "2025-09-30", load: {percent: 100}}\n'
        ),
        # follows the lifecycle (G0-G2 recorded); reported green while a critical risk is open
        "projects/ferry/project.yaml": _project(
            "ferry", "Night ferry terminal", "executing", ["G0", "G1", "G2"], bac=2_000_000
        ),
        "projects/ferry/status/2025-06-01.yaml": _report(
            "ferry", "2025-06-01", "green", decisions=f"  decisionsNeeded:\n    - {json.dumps(decision)}\n"
        ),
        "projects/ferry/status/2025-06-20.yaml": _report(
            "ferry",
            "2025-06-20",
            "green",
            decisions=(
                f"  decisionsNeeded:\n    - {json.dumps(decision)}\n"
                "    - {id: supplier, decision: Choose the ticketing supplier, decider: person:ana, "
                'raisedDate: "2025-06-10", neededBy: "2025-07-15"}\n'
                '    - {decision: Hire a test lead, state: decided, decidedDate: "2025-06-18"}\n'
            ),
        ),
        "projects/ferry/risks/r-001.yaml": (
            "apiVersion: pmo-lint/v1\nkind: Risk\n"
            f"metadata: {{name: r-001, namespace: ferry, title: {json.dumps(risk)}}}\n"
            "spec:\n  category: technical\n  probability: almost-certain\n  impact: severe\n  owner: person:ben\n"
            '  identifiedDate: "2025-05-01"\n  dueDate: "2025-07-31"\n'
        ),
        "projects/ferry/changes/cr-001.yaml": (
            f"apiVersion: pmo-lint/v1\nkind: ChangeRequest\nmetadata: {{name: cr-001, namespace: ferry, "
            f"title: {json.dumps(change)}}}\nspec:\n  category: [scope, cost, schedule]\n  priority: high\n"
            '  requestedBy: person:ben\n  requestedDate: "2025-06-10"\n  businessJustification: Demand doubled.\n'
            "  impact: A second hall.\n  delta: {budget: 120000, finishDays: 30}\n  state: submitted\n"
        ),
        "projects/ferry/changes/cr-002.yaml": (
            "apiVersion: pmo-lint/v1\nkind: ChangeRequest\nmetadata: {name: cr-002, namespace: ferry, "
            "title: Draft idea nobody asked for yet}\nspec:\n  category: [scope]\n  priority: low\n"
            '  requestedBy: person:ben\n  requestedDate: "2025-06-12"\n  businessJustification: Maybe.\n'
            "  impact: None yet.\n  state: draft\n"
        ),
        # the G2 decision is not recorded: no standard process; CPI 0.9: forecast 1,111,111 against 1,000,000
        "projects/depot/project.yaml": _project("depot", "Bus depot", "executing", ["G0", "G1"], bac=1_000_000),
        "projects/depot/status/2025-06-25.yaml": _report(
            "depot", "2025-06-25", "amber", evm="  evm: {pv: 450000, ev: 450000, ac: 500000}\n"
        ),
        "projects/depot/issues/i-001.yaml": (
            "apiVersion: pmo-lint/v1\nkind: Issue\nmetadata: {name: i-001, namespace: depot, "
            'title: Crane contractor walked off site}\nspec:\n  raisedDate: "2025-06-02"\n  owner: person:dan\n'
            '  severity: high\n  state: open\n  dueDate: "2025-06-15"\n'
        ),
        # intake owes no status report: never stale
        "projects/harbour-idea/project.yaml": _project("harbour-idea", "Harbour idea", "proposed", []),
        # executing with a report 90 days old: stale
        "projects/tram/project.yaml": _project("tram", "Tram signalling", "executing", ["G0", "G1", "G2"], bac=300_000),
        "projects/tram/status/2025-04-01.yaml": _report("tram", "2025-04-01", "green"),
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def quay(tmp_path_factory: pytest.TempPathFactory) -> Site:
    return generate(write_portfolio(tmp_path_factory.mktemp("quay")), SiteOptions(as_of=AS_OF))


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Site:
    root = tmp_path_factory.mktemp("sample") / "p"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".pmo-lint-cache"))
    return generate(root, SiteOptions(as_of=AS_OF))


def text(site: Site) -> str:
    """The summary as a reader sees its words (references resolved, markup kept)."""
    return html.unescape(site.pages[SUMMARY])


def section(page: str, heading: str) -> str:
    """The Markdown of one part of the page: from its heading to the next heading of the same level or above."""
    level = len(heading) - len(heading.lstrip("#"))
    start = page.index(heading + "\n")
    rest = page[start + len(heading) + 1 :]
    m = re.search(rf"^#{{1,{level}}} ", rest, re.M)
    return rest[: m.start()] if m else rest


def rows(part: str) -> list[list[str]]:
    """The body rows of the first Markdown table in ``part``: each cell's text, without its markup."""
    lines = part.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("|")), len(lines))
    table = itertools.takewhile(lambda line: line.startswith("|"), lines[start:])
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in line.strip("|").split(" | ")] for line in list(table)[2:]]


# -- place in the site ------------------------------------------------------------------------------------
def test_the_summary_comes_first_in_the_navigation_and_the_dashboard_stays_home(quay: Site) -> None:
    nav = navigation(quay.pages)
    assert nav[:3] == ["summary.md", "index.md", "projects/index.md"]
    assert "projects/ferry.md" not in nav
    assert quay.pages["index.md"].startswith('---\ntitle: "Dashboard"')
    assert quay.pages[SUMMARY].startswith('---\ntitle: "Executive summary"')


def test_the_summary_alone_links_only_what_is_generated(tmp_path: Path) -> None:
    site = generate(write_portfolio(tmp_path / "p"), SiteOptions(as_of=AS_OF, sections=("summary",)))
    assert set(site.pages) == {"summary.md", "index.md"}  # index.md: the landing page that links the sections
    assert "](" not in site.pages[SUMMARY]  # no link to a project or section page that is not there
    assert "Night ferry terminal" in site.pages[SUMMARY]


# -- the hand-written portfolio -----------------------------------------------------------------------------
def test_health_counts_and_watermelons(quay: Site) -> None:
    page = text(quay)
    health = section(page, "## Portfolio health")
    counted = {r[0]: r[1:] for r in rows(health)}
    # ferry red (a critical risk open) though reported green; depot (CPI 0.9), tram and harbour-idea amber
    # (errors found by the checks), tram reported green
    assert counted == {"red": ["1", "1"], "amber": ["3", "1"]}
    assert "**1 of 2** projects reported green is a watermelon" in health
    assert "[Night ferry terminal](projects/ferry.md)" in health


def test_money_at_risk_is_defined_and_adds_up(quay: Site) -> None:
    page = text(quay)
    part = section(page, "### Money at risk")
    assert "whole budget at completion of every open project computed red" in part
    assert "(EAC − BAC)" in part
    # ferry red: its whole budget 2,000,000; depot: EAC 1,000,000 / 0.9 = 1,111,111, an overrun of 111,111
    assert "Total: **2,111,111 EUR** in 2 projects." in part
    amounts = [r[4] for r in rows(part)]
    assert amounts == ["**2,000,000 EUR**", "**111,111 EUR**"]
    assert "<strong>2,111,111 EUR</strong><br>money at risk" in page


def test_top_issues_rank_by_exposure_with_owner_and_due_date(quay: Site) -> None:
    part = section(text(quay), "## Top issues by exposure")
    assert "**Exposure** is probability × impact" in part and "escalation score (15)" in part
    table = rows(part)
    assert [(r[1], r[2], r[3]) for r in table[:3]] == [
        ("**25**", "[Night ferry terminal](projects/ferry.md)", "Risk"),
        ("**20**", "[Bus depot](projects/depot.md)", "Issue"),  # high severity: 5 × the second-highest impact (4)
        ("**15**", "[Night ferry terminal](projects/ferry.md)", "Checks"),  # equal exposures: the larger budget first
    ]
    assert "Quay wall subsidence" in table[0][4] and table[0][5] == "Ben Carter" and table[0][6] == "2025-07-31"
    assert table[1][5] == "Dan Evans" and table[1][6] == "2025-06-15 (overdue)"
    assert [int(r[1].strip("*")) for r in table] == sorted((int(r[1].strip("*")) for r in table), reverse=True)


def test_decisions_needed_list_the_reports_decisions_and_how_long_they_waited(quay: Site) -> None:
    part = section(text(quay), "## Decisions needed")
    table = rows(part)
    got = {r[1]: (r[2], r[3], r[4], r[5]) for r in table}
    # first raised in the report of 2025-06-01: 29 days to the as-of date, past the 14 days allowed
    assert got["Approve the extra berth for the night ferry"] == (
        "Ana Board",
        "2025-06-01",
        "**29 days** (over the limit)",
        "–",
    )
    assert got["Choose the ticketing supplier"] == (
        "Ana Board",
        "2025-06-10",
        "**20 days** (over the limit)",
        "2025-07-15",
    )
    assert "Hire a test lead" not in part  # decided
    assert list(got) == [
        "Approve the extra berth for the night ferry",
        "Choose the ticketing supplier",
    ]  # longest first
    assert "<strong>2 (29 days)</strong><br>decisions waiting" in text(quay)


def test_changes_awaiting_approval_show_their_impact_and_age(quay: Site) -> None:
    part = section(text(quay), "### Changes awaiting approval")
    table = rows(part)
    assert len(table) == 1  # the draft is not awaiting approval
    assert table[0][1:] == [
        "Second ticket hall",
        "scope, cost, schedule",
        "+120,000 EUR",
        "+30 days",
        "2025-06-10",
        "20 days",
        "Ben Carter",
    ]


def test_capacity_hot_spots_next_quarter(quay: Site) -> None:
    part = section(text(quay), "## Capacity hot spots, 2025-07 to 2025-09")
    assert rows(part) == [["Cara Diaz", "100%", "**150%**", "0%", "0%"]]  # Dan at 100% is within capacity


def test_indicators_count_only_what_they_say(quay: Site, tmp_path: Path) -> None:
    from pmo_lint.site.generator import load_inputs
    from pmo_lint.site.view import build_view

    done = load_inputs(write_portfolio(tmp_path / "p"), SiteOptions(as_of=AS_OF))
    assert done.catalog is not None
    view = build_view(done.catalog, done.result, done.facts)
    ind = {p.name: p.indicators for p in view.projects}
    assert not ind["harbour-idea"].stale_status  # intake owes no report
    assert ind["tram"].stale_status and not ind["ferry"].stale_status
    assert not ind["ferry"].no_standard_process and not ind["tram"].no_standard_process
    assert ind["depot"].no_standard_process  # G2 not recorded
    assert not ind["harbour-idea"].no_standard_process  # no gate is due before planning starts
    part = section(text(quay), "## When you need a PMO")
    by_label = {r[0]: r[1:3] for r in rows(part)}
    assert by_label["Stale status"] == ["**25%**", "1 / 4"]
    assert by_label["No standard process"] == ["**25%**", "1 / 4"]
    assert "spec.template" not in part


def test_the_dashboard_uses_the_same_definitions(quay: Site) -> None:
    dashboard = html.unescape(quay.pages["index.md"])
    assert re.search(r"No standard process \| \*\*25%\*\* \| 1 / 4 \| .*gate due up to the current phase", dashboard)
    assert "spec.template" not in dashboard


# -- the sample ----------------------------------------------------------------------------------------------
def test_sample_summary(sample: Site) -> None:
    page = text(sample)
    for heading in (
        "## Portfolio health",
        "### Money at risk",
        "## Top issues by exposure",
        "## Decisions needed",
        "### Changes awaiting approval",
        "## Capacity hot spots, 2025-07 to 2025-09",
        "## When you need a PMO",
    ):
        assert heading + "\n" in page, heading
    decisions = section(page, "## Decisions needed")
    assert "Confirm freeze window for Hamburg go-live" in decisions and "**17 days**" in decisions
    assert len(rows(section(page, "## Top issues by exposure"))) == 10
    assert re.search(r"Total: \*\*\d{1,3}(,\d{3})+ EUR\*\*", page)
    assert page.count('<div class="pmo-page-break"></div>') == 3


# -- user text ------------------------------------------------------------------------------------------
HOSTILE = "<script>document.title='PWNED'</script> [x](javascript:alert(1)) {: onclick=\"alert(1)\" } | a |"


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend(attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_user_text_is_inert(tmp_path: Path) -> None:
    root = write_portfolio(tmp_path / "p", decision=HOSTILE, change=HOSTILE, risk=HOSTILE, person=HOSTILE)
    page = generate(root, SiteOptions(as_of=AS_OF, sections=("summary", "projects"))).pages[SUMMARY]
    rendered = markdown.Markdown(extensions=["extra", "toc", "pymdownx.magiclink", "pymdownx.tasklist"]).convert(
        page.split("---\n", 2)[2]
    )
    parsed = _Tags()
    parsed.feed(rendered)
    assert "script" not in parsed.tags
    assert not [a for a in parsed.attrs if a[0].startswith("on")]
    assert not [v for k, v in parsed.attrs if k == "href" and "javascript" in (v or "")]
    shown = "".join(parsed.text)
    # in the decisions, the change requests, the top issues (risk title, owner) and as requester
    assert shown.count(HOSTILE) >= 5, shown
    # every table kept its columns: the pipe in the text split no cell
    for heading in ("## Decisions needed", "### Changes awaiting approval", "## Top issues by exposure"):
        table = rows(section(page, heading))
        assert table and all(len(r) == len(table[0]) for r in table), heading


# -- built with MkDocs, printed with Chromium -----------------------------------------------------------------
@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`pmo-lint site build` (the default mkdocs.yml, --strict) of the hand-written portfolio."""
    base = tmp_path_factory.mktemp("built")
    out = base / "site"
    res = run_cli(
        "site",
        "build",
        str(write_portfolio(base / "p")),
        "--out",
        str(out),
        "--as-of",
        AS_OF.isoformat(),
        env=QUIET,
        timeout=300,
    )
    assert res.code == 0, res.err
    return out


def _nav_links(page: str) -> list[str]:
    """The hrefs of the primary navigation's links to pages, in order (not the page's own contents)."""
    nav = page.split('class="md-nav md-nav--primary"', 1)[1].split('class="md-sidebar md-sidebar--secondary"', 1)[0]
    return [h for h in re.findall(r'<a href="([^"]*)" class="md-nav__link', nav) if not h.startswith("#")]


@pytest.mark.slow
def test_built_site_lists_the_summary_first_and_links_the_print_stylesheet(built: Path) -> None:
    page = (built / "summary" / "index.html").read_text(encoding="utf-8")
    links = _nav_links((built / "index.html").read_text(encoding="utf-8"))
    assert links[:2] == ["summary/", "."], links
    assert "projects/ferry/" not in links
    assert re.search(r'<link rel="stylesheet" href="[./]*assets/pmo-lint/print\.css">', page)
    assert (built / "assets" / "pmo-lint" / "print.css").is_file()
    assert "Executive summary" in page and "Choose the ticketing supplier" in page


@pytest.mark.slow
def test_plugin_puts_the_summary_first_ahead_of_the_sites_own_pages(tmp_path: Path) -> None:
    root = write_portfolio(tmp_path / "p")
    (root / "docs").mkdir()
    (root / "docs" / "about.md").write_text("# About this portfolio\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        "site_name: Quay\ndocs_dir: docs\ntheme: {name: material, font: false}\nextra: {generator: false}\n"
        "plugins:\n  - search\n  - pmo-lint\n",
        encoding="utf-8",
    )
    out = tmp_path / "site"
    res = run_cli("site", "build", str(root), "--out", str(out), "--as-of", AS_OF.isoformat(), env=QUIET, timeout=300)
    assert res.code == 0, res.err
    links = _nav_links((out / "about" / "index.html").read_text(encoding="utf-8"))
    assert links[:3] == ["../summary/", "..", "../projects/"], links
    assert links[-1] == "./", links  # the site's own page comes after the portfolio's sections


def _pdf_objects(pdf: bytes) -> dict[int, bytes]:
    return {int(m.group(1)): m.group(2) for m in re.finditer(rb"(\d+) 0 obj\s*(.*?)endobj", pdf, re.S)}


def _stream(body: bytes) -> bytes:
    m = re.search(rb"stream\r?\n(.*?)\r?\nendstream", body, re.S)
    if m is None:
        return b""
    try:
        return zlib.decompress(m.group(1))
    except zlib.error:
        return m.group(1)


def _cmap(text: bytes) -> dict[int, str]:
    """A font's ToUnicode map: glyph code -> text (the bfchar and bfrange forms Chromium writes)."""
    out: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", text, re.S):
        for code, uni in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            out[int(code, 16)] = bytes.fromhex(uni.decode()).decode("utf-16-be", "replace")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", text, re.S):
        for lo, hi, uni in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            start = int(uni, 16)
            for code in range(int(lo, 16), int(hi, 16) + 1):
                out[code] = chr(start + code - int(lo, 16))
    return out


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page, in order, without white space. Enough to say on which page a sentence is, not a
    general PDF reader."""
    objs = _pdf_objects(pdf)
    cmaps = {
        n: _cmap(_stream(objs[int(m.group(1))]))
        for n, body in objs.items()
        if (m := re.search(rb"/ToUnicode (\d+) 0 R", body))
    }
    pages = []
    for body in (b for b in objs.values() if re.search(rb"/Type\s*/Page(?![a-zA-Z])", b)):
        resources = body
        if m := re.search(rb"/Resources (\d+) 0 R", body):
            resources = objs[int(m.group(1))]
        if m := re.search(rb"/Font (\d+) 0 R", resources):
            resources += objs[int(m.group(1))]
        fonts = {
            name: cmaps[int(ref)] for name, ref in re.findall(rb"/(\w+) (\d+) 0 R", resources) if int(ref) in cmaps
        }
        text: list[str] = []
        for ref in re.findall(rb"/Contents (\d+) 0 R", body):
            font: dict[int, str] = {}
            for m in re.finditer(rb"/(\w+) [\d.]+ Tf|<([0-9A-Fa-f]*)>", _stream(objs[int(ref)])):
                if m.group(1):
                    font = fonts.get(m.group(1), {})
                else:
                    glyphs = m.group(2).decode()
                    text.extend(font.get(int(glyphs[k : k + 4], 16), "?") for k in range(0, len(glyphs), 4))
        pages.append(re.sub(r"\s+", "", "".join(text)))  # words are placed one by one: spaces are not reliable
    return pages


def pdf_fills(pdf: bytes) -> set[tuple[int, ...]]:
    """The RGB fill colours (0-255) the PDF's content streams set."""
    found: set[tuple[int, ...]] = set()
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            body = zlib.decompress(m.group(1))
        except zlib.error:
            continue
        for rgb in re.findall(rb"([\d.]+) ([\d.]+) ([\d.]+) rg", body):
            found.add(tuple(round(float(x) * 255) for x in rgb))
    return found


def css_rules(css: str) -> dict[str, str]:
    """Selector -> its declarations (white space dropped), for the rules inside ``@media print``."""
    body = re.sub(r"/\*.*?\*/", "", css, flags=re.S).split("@media print", 1)[1]
    out: dict[str, str] = {}
    for selectors, decls in re.findall(r"([^{}]+)\{([^{}]*)\}", body):
        for selector in selectors.split(","):
            out[selector.strip()] = out.get(selector.strip(), "") + re.sub(r"\s+", "", decls)
    return out


# a sentence of each part's introduction (regular type; spaces dropped), in the order of the page
PARTS = (
    "wholebudgetatcompletionofeveryopenproject",
    "isprobability",
    "Theopendecisionseachopenproject",
    "Peoplebooked",
)


@pytest.mark.slow
def test_the_summary_prints_as_a_board_pack(built: Path, tmp_path: Path) -> None:
    browser = chromium_or_skip()
    amber = (0xEF, 0x8F, 0x00)  # the amber RAG badge's background
    link = (0x40, 0x51, 0xB5)  # Material's link colour
    site = tmp_path / "site"
    shutil.copytree(built, site)
    css = site / "assets" / "pmo-lint" / "print.css"
    pdfs: dict[str, bytes] = {}
    with serve(site) as base:
        for name in ("with", "without"):
            if name == "without":
                css.write_text("", encoding="utf-8")  # the same site with an empty print stylesheet
            pdf = tmp_path / f"{name}.pdf"
            run = chromium(
                browser, tmp_path / "profile", base + "summary/", f"--print-to-pdf={pdf}", "--no-pdf-header-footer"
            )
            assert run.returncode == 0 and pdf.is_file(), run.stderr[-2000:]
            pdfs[name] = pdf.read_bytes()
    board, plain = pdfs["with"], pdfs["without"]
    assert board.startswith(b"%PDF-")
    pages = pdf_pages(board)
    assert pages[0].startswith("Executivesummary"), pages[0][:200]
    assert "QuayTransport" in pages[0] and "2,111,111EUR" in pages[0]
    # no site chrome: the header's site name and the navigation's section titles are not printed
    assert not [
        p for p in pages if "Quaytransportportfolio" in p.replace("Q", "q").capitalize() or "Prioritisation" in p
    ]
    # each part of the board pack starts a page of its own, at its top
    starts = [next((i for i, p in enumerate(pages) if part in p), -1) for part in PARTS]
    assert starts == sorted(set(starts)) and -1 not in starts, starts
    for part, at in zip(PARTS[1:], starts[1:], strict=True):
        assert part in pages[at][:300], (part, pages[at][:300])
    plain_pages = pdf_pages(plain)
    assert any(
        part not in p[:300] for part in PARTS[1:] for p in plain_pages if part in p
    )  # breaks come from print.css
    # the badges keep their colours; links print as text, not in the link colour (headless Chromium prints
    # backgrounds even without print-color-adjust, so that part is checked in the stylesheet itself)
    assert amber in pdf_fills(board) and link not in pdf_fills(board)
    assert link in pdf_fills(plain)
    rules = css_rules((Path(__file__).resolve().parents[2] / "pmo_lint" / "site" / "assets" / "print.css").read_text())
    assert "print-color-adjust:exact" in rules[".pmo-rag"]


def test_the_dashboard_never_adds_amounts_in_different_currencies(tmp_path: Path) -> None:
    """A project budgeted in USD in a EUR portfolio: the dashboard's cards show each currency's total, as the
    summary's money at risk does, instead of one sum labelled EUR."""
    root = tmp_path / "portfolio"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".pmo-lint-cache"))
    project = root / "projects" / "customer-portal" / "project.yaml"
    text = project.read_text(encoding="utf-8")
    assert "  currency: EUR\n" in text
    project.write_text(text.replace("  currency: EUR\n", "  currency: USD\n", 1), encoding="utf-8")
    site = generate(root, SiteOptions(as_of=dt.date(2025, 6, 30)))
    cards = html.unescape(site.pages["index.md"]).split("## ", 1)[0]
    budget = re.search(r"<strong>([^<]*)</strong>\s*<br>\s*budget at completion, active", cards)
    assert budget is not None, cards[:2000]
    assert re.fullmatch(r"[\d,]+ EUR \+ 1,380,000 USD", budget.group(1)), budget.group(1)
