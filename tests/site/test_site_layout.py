"""The site's layout for real data, measured in headless Chromium at a phone's, a laptop's and a desktop's width.

Every generated section page and some project pages of three sites (the test portfolio, the sample and a
hand-written portfolio of long names, long free text, many milestones and a 30-month roadmap) are loaded one
after the other into a frame of each width by a harness page served next to them; a script in the harness
measures each page and writes what it found into the harness's DOM, which Chromium's ``--dump-dom`` returns.
One Chromium run per site. What is measured, in the page's content column:

- the document does not scroll sideways (``scrollWidth <= innerWidth``);
- no table, chart, code block, figure or image reaches outside the column, unless inside a scroll container
  that itself stays inside it (a wide table scrolls in its box, the page does not);
- no chart label is drawn smaller than 10 px, and no two axis, row or legend labels of a chart overlap;
- no table cell is squeezed into a tall narrow column (the "huge empty rows" of long text);
- at 1280 and 1920 px no Markdown table needs scrolling at all: every column is in view (for the portfolio of
  extreme text, at 1920 px: at 1280 px a table of many columns of long text may scroll in its box).

A page made to break each of these is measured in the same run and must be reported, so the measurement
cannot pass by measuring nothing.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import SAMPLE, run_cli
from tests.site.kit import AS_OF, PORTFOLIO, QUIET, chromium, chromium_or_skip, serve

pytestmark = pytest.mark.slow

WIDTHS = (390, 1280, 1920)
FIXTURE = "pmo-overflow-fixture.html"

# Runs in the harness page: loads each page into the frame at each width, waits for Material's script to
# have wrapped the tables, measures, and writes the findings as JSON into <pre id="pmo-measure">.
MEASURE_JS = r"""
(function () {
  const jobs = JSON.parse(document.getElementById("pmo-jobs").textContent);
  const out = document.getElementById("pmo-measure");
  const frame = document.getElementById("pmo-frame");
  const results = [];
  const name = (el) => el.tagName.toLowerCase() +
    (el.getAttribute("class") ? "." + el.getAttribute("class").trim().split(/\s+/).join(".") : "");
  function scrolls(el, win) {
    const s = win.getComputedStyle(el);
    return (s.overflowX === "auto" || s.overflowX === "scroll") && !s.display.includes("table");
  }
  function measure(page, width) {
    const win = frame.contentWindow, doc = frame.contentDocument, found = [];
    const root = doc.documentElement;
    if (root.scrollWidth > win.innerWidth)
      found.push(["page-overflow", `the page is ${root.scrollWidth} px wide in a ${win.innerWidth} px window`]);
    const article = doc.querySelector("article") || doc.body;
    const column = (article.parentElement || article).getBoundingClientRect();
    for (const el of article.querySelectorAll("table, svg, pre, img, figure")) {
      if (el.parentElement.closest("svg")) continue;
      let holder = el;  // the outermost scroll container between the element and the column
      for (let a = el; a && a !== article; a = a.parentElement) if (scrolls(a, win)) holder = a;
      const r = holder.getBoundingClientRect();
      if (r.right > column.right + 1 || r.left < column.left - 1)
        found.push(["outside-column", `${name(el)}${holder !== el ? " in " + name(holder) : ""} spans ` +
          `${Math.round(r.left)}-${Math.round(r.right)} px, the column ` +
          `${Math.round(column.left)}-${Math.round(column.right)} px`]);
      if (el.tagName === "TABLE" && !el.getAttribute("class") && holder.scrollWidth > holder.clientWidth + 1)
        found.push(["table-scrolls", `a table needs ${holder.scrollWidth} px in ${holder.clientWidth} px: ` +
          `"${(el.querySelector("th") || el).textContent.trim().slice(0, 30)}"`]);
    }
    for (const svg of article.querySelectorAll("svg.pmo-chart")) {
      const chart = svg.getAttribute("aria-label");
      const ctm = svg.getScreenCTM(), scale = ctm ? ctm.a : 1, boxes = [];
      let small = null;
      for (const t of svg.querySelectorAll("text")) {
        const px = parseFloat(win.getComputedStyle(t).fontSize) * scale;
        if (px < 10 && !small) small = `${chart}: "${t.textContent}" at ${px.toFixed(1)} px`;
        if (t.classList.contains("pmo-label")) boxes.push([t.getBoundingClientRect(), t.textContent]);
      }
      if (small) found.push(["small-label", small]);
      search: for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
        const [a, at] = boxes[i], [b, bt] = boxes[j];
        if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) {
          found.push(["labels-overlap", `${chart}: "${at}" and "${bt}"`]);
          break search;
        }
      }
    }
    for (const cell of article.querySelectorAll("td, th")) {
      // the cell's own text, not its row: a short cell beside a long one is as tall as the row
      const range = doc.createRange();
      range.selectNodeContents(cell);
      const r = range.getBoundingClientRect();
      if (r.height > 240 && r.height > 4 * r.width) {
        found.push(["squeezed-cell", `${Math.round(r.width)} x ${Math.round(r.height)} px: ` +
          `"${cell.textContent.trim().slice(0, 40)}"`]);
        break;
      }
    }
    results.push({page, width, found, title: doc.title});
  }
  let i = 0;
  function settle(page, width, tries) {
    // Material wraps Markdown tables in its scroll box from a script; measure once it has
    const doc = frame.contentDocument;
    const waiting = doc.querySelector("article table:not([class])") && !doc.querySelector(".md-typeset__scrollwrap");
    if (waiting && tries > 0) { setTimeout(() => settle(page, width, tries - 1), 200); return; }
    try { measure(page, width); } catch (e) { results.push({page, width, found: [["error", String(e)]]}); }
    next();
  }
  function next() {
    if (i >= jobs.length) { out.textContent = JSON.stringify(results); out.setAttribute("data-done", "1"); return; }
    const [page, width] = jobs[i++];
    frame.style.width = width + "px";
    frame.onload = () => setTimeout(() => settle(page, width, 20), 300);
    frame.src = page || "./";
  }
  next();
})();
"""

# What the fixture page adds to a real page's content: one of each thing the measurement must catch.
BROKEN = (
    '<table class="pmo-fixture"><tr><td style="white-space:nowrap">' + "a table wider than any screen " * 12 + "</td>"
    '<td style="width:2px;padding:0;white-space:normal">' + "squeezed " * 60 + "</td></tr></table>"
    # the cells above wrap under pmo-lint.css; a block of fixed width does not, and must be seen outside the column
    '<figure class="pmo-fixture" style="display:block;width:3000px;max-width:none;margin:0">wide</figure>'
    '<svg class="pmo-chart" viewBox="0 0 4000 100" width="4000" style="width:100%" font-size="11">'
    '<text class="pmo-label" x="10" y="50">tiny</text><text class="pmo-label" x="12" y="50">overlap</text></svg>'
)


def _long_portfolio(root: Path) -> Path:
    """The test portfolio plus what real portfolios hold and the small ones do not: long names and titles,
    long free text with unbroken identifiers and addresses, many milestones, 30 months of plans."""
    shutil.copytree(PORTFOLIO, root, ignore=shutil.ignore_patterns(".pmo-lint-cache"))
    prose = (
        "The regional distribution centres move to the shared warehouse platform in three waves, each "
        "preceded by a dress rehearsal and followed by four weeks of hypercare; the legacy interfaces are "
        "retired only after the finance reconciliation of the wave has been signed off by the controller. "
    )
    token = "ERP-LEGACY-RECORDS-DEDUPLICATION-WORKSTREAM-0001-see-https://intranet.example.org/" + "x" * 60
    title = "regional distribution network consolidation and warehouse management system replacement"
    step = "sign-off of the migration rehearsal and cut-over readiness review"
    q = json.dumps  # a YAML string holding any text
    months = [f"{2024 + (6 + k) // 12}-{(6 + k) % 12 + 1:02d}" for k in range(30)]  # 2024-07 to 2026-12
    files: dict[str, str] = {
        "people/mvh.yaml": (
            "apiVersion: pmo-lint/v1\nkind: Person\nmetadata: {name: mvh}\nspec:\n"
            "  profile: {displayName: Maximiliane Alexandra von Hohenzollern-Sigmaringen-Weißenfels}\n"
            "  roles: [project-manager]\n  capacity: {hoursPerWeek: 40}\n"
        ),
        "waivers/long-reason.yaml": (
            "apiVersion: pmo-lint/v1\nkind: Waiver\nmetadata: {name: long-reason}\nspec:\n  check: PMO007\n"
            f"  targets: [project:wave-1]\n  justification: {q(prose * 3 + token)}\n"
            "  approvedBy: asmith\n  created: '2025-06-01'\n  expires: '2025-12-31'\n"
        ),
    }
    for year in (2025, 2026):
        assignments = "".join(
            f"    - {{project: wave-{n}, from: '{year}-01-01', to: '{year}-12-31', load: {{percent: {30 + 10 * n}}}}}\n"
            for n in (1, 2, 3)
        )
        files[f"allocations/{year}/mvh.yaml"] = (
            "apiVersion: pmo-lint/v1\nkind: Allocation\nmetadata: {name: mvh}\n"
            f"spec:\n  person: mvh\n  year: {year}\n  assignments:\n{assignments}"
        )
    spans = (("2024-07-01", "2026-12-18"), ("2025-01-06", "2026-06-30"), ("2025-09-01", "2026-11-30"))
    for n, (start, finish) in enumerate(spans, start=1):
        ns = f"wave-{n}"
        milestones = "".join(
            f"    - {{id: m{k}, title: {q(f'Wave {n} step {k}: {step}')}, key: {str(k % 3 == 0).lower()}, "
            f"forecastDate: '{months[k * 2]}-15', status: {'done' if k < 6 else 'planned'}}}\n"
            for k in range(1, 15)
        )
        files[f"projects/{ns}/project.yaml"] = (
            f"apiVersion: pmo-lint/v1\nkind: Project\nmetadata:\n  name: {ns}\n  title: {q(f'Wave {n}: {title}')}\n"
            f"  description: {q(prose * 4 + token)}\n"
            "spec:\n  type: it-delivery\n  category: strategic\n  portfolio: customer\n  program: crm\n"
            "  owner: person:mvh\n  sponsor: person:asmith\n"
            "  lifecycle:\n    phase: executing\n    state: active\n    gates:\n"
            "      - {gate: G0, decision: approved, decidedBy: person:asmith, date: '2024-05-10'}\n"
            "      - {gate: G1, decision: approved, decidedBy: person:asmith, date: '2024-06-03'}\n"
            "      - {gate: G2, decision: approved, decidedBy: person:asmith, date: '2024-06-20'}\n"
            f"  schedule:\n    approved: {{start: '{start}', end: '{finish}'}}\n    forecast: {{finish: '{finish}'}}\n"
            "  percentComplete: 40\n  currency: EUR\n  budget:\n    bac: 12800000\n    byPeriod:\n"
            + "".join(f"      - {{period: {m}, planned: 400000}}\n" for m in months)
            + "  actuals:\n"
            + "".join(f"    - {{period: {m}, cost: 455000}}\n" for m in months[:12])
            + f"  milestones:\n{milestones}"
        )
        for k, date in enumerate(("2025-04-30", "2025-05-31", "2025-06-27")):
            files[f"projects/{ns}/status/{date}.yaml"] = (
                f"apiVersion: pmo-lint/v1\nkind: StatusReport\nmetadata: {{name: '{date}', namespace: {ns}}}\n"
                f"spec:\n  reportDate: '{date}'\n  author: person:mvh\n  health:\n"
                f"    overall: {{rag: {('green', 'amber', 'red')[(n + k) % 3]}, comment: {q(prose)}}}\n"
                f"    schedule: {{rag: amber, comment: {q(prose)}}}\n"
                "    cost: {rag: red}\n    resources: {rag: green}\n    scope: {rag: green}\n"
                f"  executiveSummary: {q(prose * 2)}\n  percentComplete: 40\n"
                f"  decisionsNeeded:\n    - {q(prose + token)}\n"
            )
        files[f"projects/{ns}/risks/r-{n}.yaml"] = (
            "apiVersion: pmo-lint/v1\nkind: Risk\n"
            f"metadata: {{name: r-{n}, namespace: {ns}, title: {q('Legacy data quality ' + token)}}}\n"
            f"spec:\n  category: technical\n  description: {q(prose * 2 + token)}\n"
            "  probability: likely\n  impact: severe\n  owner: person:mvh\n  response: mitigate\n"
            f"  mitigationPlan: {q(prose)}\n  identifiedDate: '2025-03-20'\n  reviewDate: '2025-06-01'\n"
        )
        files[f"projects/{ns}/changes/cr-{n}.yaml"] = (
            "apiVersion: pmo-lint/v1\nkind: ChangeRequest\n"
            f"metadata: {{name: cr-{n}, namespace: {ns}, title: {q('Extend the hypercare of every wave ' + token)}}}\n"
            "spec:\n  category: [scope, cost]\n  priority: high\n  requestedBy: person:mvh\n"
            f"  requestedDate: '2025-05-02'\n  businessJustification: {q(prose * 2)}\n"
            f"  impact: {q(prose)}\n  delta: {{budget: 600000, finishDays: 42}}\n  state: submitted\n"
        )
    for rel, text in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def _build(portfolio: Path, out: Path) -> Path:
    res = run_cli("site", "build", str(portfolio), "--out", str(out), "--as-of", AS_OF, env=QUIET, timeout=300)
    assert res.code == 0, res.err
    return out


def _pages(site: Path, projects: tuple[str, ...]) -> list[str]:
    """Every section page (and continuation or per-record page of a section) and the named project pages."""
    pages = [""]
    for index in sorted(site.glob("*/index.html")) + sorted(site.glob("*/*/index.html")):
        parts = index.relative_to(site).parts[:-1]
        if parts[0] in ("assets", "search") or (parts[0] == "projects" and len(parts) > 1):
            continue
        pages.append("/".join(parts) + "/")
    return pages + [f"projects/{p}/" for p in projects]


def _measure(browser: str, site: Path, pages: list[str], work: Path) -> list[dict[str, object]]:
    """One Chromium run: every page at every width, with the fixture page that must fail."""
    served = work / "served"
    served.mkdir()
    for entry in site.iterdir():  # the site as it is, linked; the harness and the fixture beside it
        (served / entry.name).symlink_to(entry)
    home = (site / "index.html").read_text(encoding="utf-8")
    fixture, count = re.subn(r'(<article class="md-content__inner md-typeset">)', r"\1" + BROKEN, home)
    assert count == 1, "the dashboard has no Material article to break"
    (served / FIXTURE).write_text(fixture, encoding="utf-8")
    jobs = [[page, width] for width in WIDTHS for page in [*pages, FIXTURE]]
    (served / "pmo-harness.html").write_text(
        '<!doctype html><html><head><meta charset="utf-8"><title>harness</title></head><body style="margin:0">'
        '<iframe id="pmo-frame" style="border:0;display:block;height:900px"></iframe><pre id="pmo-measure"></pre>'
        f'<script type="application/json" id="pmo-jobs">{json.dumps(jobs)}</script>'
        f"<script>{MEASURE_JS}</script></body></html>",
        encoding="utf-8",
    )
    budget = 1000 * 3 * len(jobs)  # virtual milliseconds; the harness waits 0.3 to 4.3 s per page
    with serve(served) as base:
        run = chromium(
            browser,
            work / "profile",
            base + "pmo-harness.html",
            "--dump-dom",
            f"--virtual-time-budget={budget}",
            "--window-size=2000,1000",
        )
    assert run.returncode == 0, run.stderr[-2000:]
    match = re.search(r'<pre id="pmo-measure" data-done="1">(.*?)</pre>', run.stdout, re.S)
    assert match, "the harness did not finish measuring: " + run.stdout[-1000:]
    results: list[dict[str, object]] = json.loads(html.unescape(match.group(1)))
    assert [(r["page"], r["width"]) for r in results] == [tuple(j) for j in jobs]
    return results


def _check(results: list[dict[str, object]], *, fit: tuple[int, ...] = (1280, 1920)) -> None:
    """No finding on any page; a table may scroll in its box only at widths not in ``fit``."""
    by_kind: dict[str, list[str]] = {}
    for r in results:
        found = r["found"]
        assert isinstance(found, list)
        if r["page"] == FIXTURE:
            kinds = {kind for kind, _ in found}
            # every check reports the broken page, so none of them passes by measuring nothing
            expected = {"page-overflow", "outside-column", "small-label", "labels-overlap", "squeezed-cell"}
            assert expected <= kinds, (r["width"], found)
            continue
        assert r["title"], r["page"]  # the page loaded (Material sets a title)
        for kind, text in found:
            if kind == "table-scrolls" and r["width"] not in fit:
                continue  # there a wide table may scroll in its box
            by_kind.setdefault(kind, []).append(f"{r['width']} px /{r['page']}: {text}")
    assert by_kind == {}, json.dumps(by_kind, indent=1)


_CSS_LINK = re.compile(r'<link rel="stylesheet" href="([^"]*assets/pmo-lint/[^"]*)"')


def test_every_stylesheet_ships_and_the_default_site_links_them_in_name_order(built_site: Path) -> None:
    import pmo_lint.site.assets as package
    from pmo_lint.site.assets import stylesheets
    from pmo_lint.site.defaults import default_mkdocs_yml

    shipped = sorted(p.name for p in Path(package.__file__).parent.glob("*.css"))
    assert "pmo-lint.css" in shipped
    assert list(stylesheets()) == [f"assets/pmo-lint/{name}" for name in shipped]
    for rel, css in stylesheets().items():
        assert not re.search(r"url\(|@import|https?:|//", re.sub(r"/\*.*?\*/", "", css, flags=re.S)), rel
        assert (built_site / rel).read_text(encoding="utf-8") == css  # written with the pages, copied by MkDocs
    assert "extra_css:\n" + "".join(f'  - "{rel}"\n' for rel in stylesheets()) in default_mkdocs_yml("x")
    for page in ("index.html", "projects/hostile/index.html", "roadmap/index.html"):
        links = _CSS_LINK.findall((built_site / page).read_text(encoding="utf-8"))
        assert [link.rsplit("/", 1)[1] for link in links] == shipped, page


def test_the_plugin_links_them_with_the_portfolios_own_mkdocs_yml_untouched(tmp_path: Path) -> None:
    from pmo_lint.site.assets import stylesheets
    from pmo_lint.site.trust import refused

    root = tmp_path / "p"
    shutil.copytree(PORTFOLIO, root, ignore=shutil.ignore_patterns(".pmo-lint-cache"))
    own = (
        "site_name: own\ntheme: {name: material, font: false}\nextra_css: [own.css]\n"
        "plugins:\n  - search\n  - pmo-lint: {portfolio: ., prefix: board}\n"
    )
    (root / "mkdocs.yml").write_text(own, encoding="utf-8")
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Our docs\n", encoding="utf-8")
    (root / "docs" / "own.css").write_text("body { margin: 0 }\n", encoding="utf-8")
    assert refused(root / "mkdocs.yml") == []  # the plugin adds its stylesheets; the file names none
    out = tmp_path / "out"
    res = run_cli("site", "build", str(root), "--out", str(out), "--as-of", AS_OF, env=QUIET, timeout=600)
    assert res.code == 0, res.err
    assert (root / "mkdocs.yml").read_text(encoding="utf-8") == own
    for rel, css in stylesheets().items():
        assert (out / "board" / rel).read_text(encoding="utf-8") == css
    expected = ["board/" + rel for rel in stylesheets()]
    for page in ("index.html", "board/index.html", "board/projects/crm-migration/index.html"):
        text = (out / page).read_text(encoding="utf-8")
        here = posixpath.dirname(page)
        linked = [posixpath.normpath(posixpath.join(here, href)) for href in _CSS_LINK.findall(text)]
        assert linked == expected, page  # on the site's own pages too, in name order
        own_css = text.index('own.css"')
        assert all(own_css < text.index(href) for href in _CSS_LINK.findall(text)), page  # after the site's own


@pytest.fixture(scope="module")
def browser() -> str:
    return chromium_or_skip()


def test_test_portfolio_fits_every_width(built_site: Path, browser: str, tmp_path: Path) -> None:
    pages = _pages(built_site, ("crm-migration", "hostile"))
    assert {"", "roadmap/", "risks/", "resources/", "audit/", "projects/"} <= set(pages)
    _check(_measure(browser, built_site, pages, tmp_path))


def test_sample_portfolio_fits_every_width(browser: str, tmp_path: Path) -> None:
    site = _build(SAMPLE, tmp_path / "site")
    _check(_measure(browser, site, _pages(site, ("customer-portal", "warehouse-robotics-pilot")), tmp_path))


def test_long_names_and_text_and_a_30_month_roadmap_fit_every_width(browser: str, tmp_path: Path) -> None:
    site = _build(_long_portfolio(tmp_path / "portfolio"), tmp_path / "site")
    roadmap = (site / "roadmap" / "index.html").read_text(encoding="utf-8")
    assert "2024-07" in roadmap or "2024-10" in roadmap  # the roadmap spans the 30 months
    _check(_measure(browser, site, _pages(site, ("wave-1", "wave-3")), tmp_path), fit=(1920,))
