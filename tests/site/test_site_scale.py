"""The site at portfolio scale: long tables continue on pages of their own, only section pages are in the
navigation, and a project's page never takes the path of a generated page (a project named `index`).

The built HTML (page size against portfolio size) is checked in test_site_mkdocs.py (slow)."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

from pmo_lint.site.generator import PAGE_OF_SECTION, SiteOptions, generate, in_navigation
from pmo_lint.site.page.common import PAGE_ROWS
from tests.site.kit import AS_OF, PORTFOLIO

AS_OF_DATE = SiteOptions(as_of=__import__("datetime").date.fromisoformat(AS_OF))


def _links(page: str) -> list[str]:
    return re.findall(r"\]\(([^)#\s]+)", page)


def test_a_project_named_index_gets_its_own_page(tmp_path: Path) -> None:
    root = tmp_path / "p"
    shutil.copytree(PORTFOLIO, root, ignore=shutil.ignore_patterns(".pmo-lint-cache"))
    text = (root / "projects" / "data-lake" / "project.yaml").read_text(encoding="utf-8")
    (root / "projects" / "index").mkdir()
    (root / "projects" / "index" / "project.yaml").write_text(
        text.replace("name: data-lake, title: Data lake", "name: index, title: The index project"), encoding="utf-8"
    )
    site = generate(root, AS_OF_DATE)
    assert "# Projects" in site.pages["projects/index.md"]  # the list keeps its place
    assert "The index project" in site.pages["projects/index_.md"]
    # the list's row of the project links to the project's page, not to the list itself
    row = next(line for line in site.pages["projects/index.md"].splitlines() if "The index project" in line)
    assert "](index_.md)" in row
    assert "](index.md)" not in row
    dashboard_links = _links(site.pages["index.md"])
    assert "projects/index_.md" in dashboard_links and "projects/index.md" in dashboard_links
    # every link between generated pages lands on a page that exists
    for here, page in site.pages.items():
        for target in _links(page):
            if "://" in target or target.startswith("mailto:"):
                continue
            resolved = Path(here).parent.joinpath(target).as_posix()
            resolved = re.sub(r"[^/]+/\.\./", "", resolved).removeprefix("./")
            assert resolved in site.pages or resolved == "data.json", (here, target)


def test_long_tables_continue_on_pages_of_their_own(tmp_path: Path) -> None:
    from bench.generate import write

    root = tmp_path / "big"
    write(root, 260, 7)
    site = generate(root, AS_OF_DATE)
    project_pages = [p for p in site.pages if re.fullmatch(r"projects/[a-z0-9-]+\.md", p) and p != "projects/index.md"]
    assert len(project_pages) == 260
    # 260 projects: the list shows the first PAGE_ROWS and continues on two more pages
    first = site.pages["projects/index.md"]
    assert first.count("\n| [") == PAGE_ROWS
    assert "projects/index_2.md" in site.pages and "projects/index_3.md" in site.pages
    assert "projects/index_4.md" not in site.pages
    assert site.pages["projects/index_3.md"].count("\n| [") == 260 - 2 * PAGE_ROWS
    assert "Rows 101–200 of 260" in site.pages["projects/index_2.md"]
    assert "[next](index_3.md)" in site.pages["projects/index_2.md"]
    # every project is on exactly one page of the list
    listed = "".join(site.pages[p] for p in ("projects/index.md", "projects/index_2.md", "projects/index_3.md"))
    for page in project_pages:
        assert listed.count(f"]({Path(page).name})") == 1, page
    # continuation pages stay out of the navigation; section pages are in it
    for rel in site.pages:
        assert in_navigation(rel) == (rel in PAGE_OF_SECTION.values() or rel == "index.md"), rel
    assert not any(in_navigation(p) for p in project_pages)


def test_esc_of_ascii_text_is_the_same_as_the_pattern_gives() -> None:
    # esc takes a table for ASCII text and the pattern for the rest: both must give the same bytes
    from pmo_lint.site.html import _UNSAFE, _replace, esc

    for text in [chr(i) for i in range(0x800)] + ["a-b_c.d\n\r\t\x00\x7f [x](y) {{ z }} --8<-- é–€", "plain"]:
        assert esc(text) == _UNSAFE.sub(_replace, text), repr(text)


def test_pre_lines_keeps_lines_escaped_and_no_blank_line() -> None:
    from pmo_lint.site.html import pre, pre_lines

    data = '{\n  "a": "<script>x</script> --8<-- [l](u)",\n  "b": 1\n}\n'
    shown = pre_lines(data)
    assert shown.count("\n") == 3 and "<br>" not in shown
    assert "<script" not in shown and "--8<--" not in shown and "[l](u)" not in shown
    assert shown.replace("\n", "<br>") == pre(data)  # the same text as the one-line form
    # a blank line could end the raw HTML block in a Markdown parser: such text stays on one line
    assert pre_lines("a\n\n# heading\n") == pre("a\n\n# heading\n")
    assert pre_lines("a\n   \nb") == pre("a\n   \nb")


def test_a_project_page_keeps_its_raw_data_and_charts_out_of_the_search_index() -> None:
    site = generate(PORTFOLIO, AS_OF_DATE)
    page = site.pages["projects/crm-migration.md"]
    raw = page[page.index("## All fields") :]
    assert '<details data-search-exclude="raw">' in raw
    assert "&#34;apiVersion&#34;&#58; &#34;pmo&#45;lint&#47;v1&#34;,\n" in raw  # one line of JSON per line
    assert '<figure data-search-exclude="chart"><svg' in page
    # the overview above it is indexed and names the project's people (by display name) and risks
    assert "| Owner &#40;project manager&#41; | Jo Doe |" in page
    assert "</a>r-001 |" in page


def test_release_memory_can_always_be_called() -> None:
    from pmo_lint.site.generator import release_memory

    release_memory()
    release_memory()


def test_bench_site_merges_sizes_measured_in_separate_runs(tmp_path: Path) -> None:
    import json

    from bench import site as bench_site

    store = tmp_path / "site-results.json"
    store.write_text(
        json.dumps(
            {
                "1000": {"generate_s": 10.0, "build_s": 50.0, "load_min": 1.5, "load_max": 2.0, "measured": 20261204},
                "100000": {"generate_s": 900.0, "build_s": None, "load_min": 2.5, "load_max": 3.25},
            }
        ),
        encoding="utf-8",
    )
    results = bench_site.stored_results(store)
    assert sorted(results) == [1000, 100000]
    text = bench_site.table(results, 7200)
    assert "| 1,000 projects | 100,000 projects |" in text
    assert "| `site build` (pages + HTML), time | 50.0 s | did not finish |" in text
    note = " ".join(text.split("\n\n")[0].split())
    assert "load average 1.5–3.2 during the runs" in note and "2026-12-04" in note
    assert all(len(line) <= 120 for line in text.split("\n\n")[0].splitlines())
    assert bench_site.stored_results(tmp_path / "missing.json") == {}
    (tmp_path / "bad.json").write_text("[1", encoding="utf-8")
    assert bench_site.stored_results(tmp_path / "bad.json") == {}


def _goal_lines(page: str) -> list[tuple[int, str, bool]]:
    """(depth, title, continued) of each goal line of a strategy page."""
    out = []
    for m in re.finditer(r"^( *)- \*\*(.+?)\*\* <small>goal [^<]*?(, continued)?</small>", page, re.M):
        out.append((len(m.group(1)) // 4, m.group(2), bool(m.group(3))))
    return out


def test_the_strategy_tree_continues_on_pages_of_ten_goals_each_naming_where_it_sits(tmp_path: Path) -> None:
    from pmo_lint.site.page.strategy import GOALS_PER_PAGE

    root = tmp_path / "p"
    shutil.copytree(PORTFOLIO, root, ignore=shutil.ignore_patterns(".pmo-lint-cache"))
    goals = root / "strategy" / "goals"
    before = len(list(goals.glob("*.yaml")))
    # one top-level goal with 12 goals under it, each with one under it: a deep tree, not many small ones
    made = {"goal-top": ""}
    for i in range(12):
        made[f"goal-{i:02d}"] = "goal-top"
        made[f"goal-{i:02d}-sub"] = f"goal-{i:02d}"
    for name, parent in made.items():
        (goals / f"{name}.yaml").write_text(
            "apiVersion: pmo-lint/v1\nkind: StrategicGoal\n"
            f"metadata: {{name: {name}, title: Goal {name.upper()}}}\n"
            "spec:\n  owner: person:asmith\n  timeframe: {start: '2025-01-01', end: '2026-12-31'}\n"
            + (f"  parent: strategicgoal:{parent}\n" if parent else ""),
            encoding="utf-8",
        )
    site = generate(root, AS_OF_DATE)
    count = before + len(made)
    total = (count + GOALS_PER_PAGE - 1) // GOALS_PER_PAGE
    pages = ["strategy.md"] + [f"strategy_goals_{n}.md" for n in range(2, total + 1)]
    assert total == 3 and all(p in site.pages for p in pages) and f"strategy_goals_{total + 1}.md" not in site.pages
    text = {p: html.unescape(site.pages[p]) for p in pages}
    shown: list[str] = []
    for p in pages:
        lines = _goal_lines(text[p])
        own = [t for _, t, continued in lines if not continued]
        assert len(own) == GOALS_PER_PAGE or p == pages[-1], p
        shown += own
        assert lines[0][0] == 0, p  # each page is a whole nested list: it starts at the top level
        # every goal sits under its parent (a goal line one level up, on this page: shown or named as context)
        for k, (depth, title, _) in enumerate(lines):
            name = title.removeprefix("Goal ").lower()
            if made.get(name):
                parent = next(t for d, t, _ in reversed(lines[:k]) if d == depth - 1)
                assert parent == f"Goal {made[name].upper()}", (p, title)
        if p != "strategy.md":  # it starts inside goal-top's branch, shown on the first page: named as context
            assert lines[0] == (0, "Goal GOAL-TOP", True), p
    assert len(shown) == count and len(set(shown)) == count  # every goal on exactly one page
    assert f"Goals {GOALS_PER_PAGE + 1}–{2 * GOALS_PER_PAGE} of {count}" in text["strategy_goals_2.md"]
    assert "[next](strategy_goals_3.md)" in text["strategy_goals_2.md"]
    assert "[first](strategy.md)" in text["strategy_goals_3.md"]
    assert not any(in_navigation(p) for p in pages[1:])


def test_the_roadmap_continues_on_pages_of_three_portfolios(tmp_path: Path) -> None:
    from pmo_lint.site.page.roadmap import PORTFOLIOS_PER_PAGE

    root = tmp_path / "p"
    shutil.copytree(PORTFOLIO, root, ignore=shutil.ignore_patterns(".pmo-lint-cache"))
    # seven more portfolios (nine groups with the test portfolio's own and its project of no portfolio); the
    # last has more projects than a table holds
    for i in range(7):
        (root / "portfolios" / f"pf-{i}.yaml").write_text(
            f"apiVersion: pmo-lint/v1\nkind: Portfolio\nmetadata: {{name: pf-{i}, title: Region {i}}}\n"
            "spec: {owner: person:asmith}\n",
            encoding="utf-8",
        )
        for j in range(PAGE_ROWS + 5 if i == 6 else 1):
            folder = root / "projects" / f"x{i}-{j:03d}"
            folder.mkdir()
            (folder / "project.yaml").write_text(
                "apiVersion: pmo-lint/v1\nkind: Project\n"
                f"metadata: {{name: x{i}-{j:03d}, title: Work {i}.{j}}}\n"
                f"spec:\n  type: it-delivery\n  category: operational\n  owner: person:jdoe\n  portfolio: pf-{i}\n"
                "  lifecycle: {phase: planning}\n"
                "  schedule:\n    requested: {start: '2025-07-01', end: '2026-03-31'}\n",
                encoding="utf-8",
            )
    site = generate(root, AS_OF_DATE)
    pages = ["roadmap.md", "roadmap_portfolios_2.md", "roadmap_portfolios_3.md"]
    assert all(p in site.pages for p in pages) and "roadmap_portfolios_4.md" not in site.pages
    headings = [re.findall(r"^## (.+)$", html.unescape(site.pages[p]), re.M) for p in pages]
    assert [len(h) for h in headings] == [PORTFOLIOS_PER_PAGE] * 3 and headings[0][0] == "No portfolio"
    # a portfolio is headed by its title, with its name beside it
    assert "Region 0 <small>`pf-0`</small>" in headings[0][1:]
    assert "Portfolios 4–6 of 9" in site.pages["roadmap_portfolios_2.md"]
    # Region 6 sits on the third page; its table continues on a page whose way back leads to the third page
    last = site.pages["roadmap_portfolios_3.md"]
    assert "Region 6" in html.unescape(last) and "Rows 1–100 of 105" in last
    more = next(p for p in site.pages if re.fullmatch(r"roadmap_p\d+_2\.md", p) and "x6-1" in site.pages[p])
    assert "[first](roadmap_portfolios_3.md)" in site.pages[more] and "Rows 101–105 of 105" in site.pages[more]
    assert f"[next]({more})" in last
    assert not any(in_navigation(p) for p in (*pages[1:], more))
