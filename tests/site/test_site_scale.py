"""The site at portfolio scale: long tables continue on pages of their own, only section pages are in the
navigation, and a project's page never takes the path of a generated page (a project named `index`).

The built HTML (page size against portfolio size) is checked in test_site_mkdocs.py (slow)."""

from __future__ import annotations

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
    shutil.copytree(PORTFOLIO, root)
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
