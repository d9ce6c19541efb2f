"""The site's "changes" section: pending change requests, each with a page of its impact, text escaped,
pages out of the navigation and of a size that does not grow with the portfolio; a real strict MkDocs build."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Mapping
from pathlib import Path

import pytest

from pmo_lint.site.generator import NOT_IN_NAV_PATTERNS, SiteOptions, generate, in_navigation
from tests.conftest import run_cli
from tests.impact.kit import HOSTILE, PENDING_CR, base_files, project

AS_OF = "2025-06-30"
QUIET = {"NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
CR_PAGE = "changes/web--cr-007.md"
APPROVED_CR = (
    PENDING_CR.replace("name: cr-007", "name: cr-001")
    .replace("state: under-review", "state: decided")
    .replace(
        "approval: {status: requested}",
        "approval:\n    status: approved\n    approvals:\n"
        "      - {by: person:pat-director, role: pmo-director, date: 2025-06-10, decision: approved}",
    )
)


def _text(page: str) -> str:
    """A page as a reader sees its text: layout spans dropped, character references read."""
    return html.unescape(re.sub(r"</?span[^>]*>", "", page))


def _write(root: Path, files: Mapping[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def _portfolio(root: Path, extra: Mapping[str, str] | None = None) -> Path:
    files = {
        **base_files(),
        "projects/web/changes/cr-007.yaml": PENDING_CR,
        "projects/web/changes/cr-001.yaml": APPROVED_CR,
        **(extra or {}),
    }
    return _write(root, files)


def _pages(root: Path) -> dict[str, str]:
    return generate(root, SiteOptions(as_of=dt.date(2025, 6, 30))).pages


def test_pending_change_requests_are_listed_with_a_page_each(tmp_path: Path) -> None:
    pages = _pages(_portfolio(tmp_path / "p"))
    listing = pages["changes.md"]
    assert "(changes/web--cr-007.md)" in listing  # the pending request links its page
    assert "cr-001" not in listing and "changes/web--cr-001.md" not in pages  # a decided one is not pending
    page = _text(pages[CR_PAGE])
    assert "| Requested by | Ben Carter |" in page
    # the request's deltas applied: Website Relaunch's budget, the portfolio's 2025 envelope, the dates
    assert "| Website Relaunch | approved | 300,000 EUR | 550,000 EUR | +250,000 EUR |" in page
    assert (
        "| Digital Services | 2025 | 1,000,000 EUR | 800,000 EUR | 1,050,000 EUR | +250,000 EUR | over by 50,000 EUR |"
        in page
    )
    assert "| Website Relaunch | Finish | 2025-10-31 | 2025-12-15 | +45 days | moved by this change |" in page
    assert "| Website Relaunch | chat-assistant | – |" in page
    assert "[Website Relaunch](../projects/web.md)" in page


def test_user_text_is_escaped_on_the_change_pages(tmp_path: Path) -> None:
    pages = _pages(_portfolio(tmp_path / "p"))
    for rel in ("changes.md", CR_PAGE):
        text = pages[rel]
        assert "<script" not in text and "<img" not in text, rel
        assert "](javascript" not in text and "**bold**" not in text and "{: onclick" not in text, rel
    assert "&#60;script&#62;" in pages[CR_PAGE]  # shown as text, not dropped
    title = re.search(r'^title: "(.*)"$', pages[CR_PAGE], re.M)
    assert title is not None and "<" not in title.group(1)
    assert HOSTILE not in pages[CR_PAGE]


def test_change_pages_stay_out_of_the_navigation() -> None:
    assert in_navigation("changes.md")
    assert not in_navigation(CR_PAGE)
    assert "/changes/*.md" in NOT_IN_NAV_PATTERNS


def test_no_pending_change_request(tmp_path: Path) -> None:
    pages = _pages(_write(tmp_path / "p", base_files()))
    assert "_No change request awaits a decision._" in pages["changes.md"]
    assert not any(rel.startswith("changes/") for rel in pages)


def test_a_change_page_does_not_grow_with_the_portfolio(tmp_path: Path) -> None:
    small = _pages(_portfolio(tmp_path / "small"))[CR_PAGE]
    others = {
        f"projects/other-{i:02d}/project.yaml": project(
            f"other-{i:02d}", f"Other {i}", bac=1000, finish="2025-09-30", golive="2025-09-01"
        )
        .replace("  portfolio: portfolio:digital\n", "")
        .replace("  program: program:customer-360\n", "")
        for i in range(40)
    }
    large = _pages(_portfolio(tmp_path / "large", others))[CR_PAGE]
    assert large == small


@pytest.mark.slow
def test_the_site_with_change_pages_builds_strict(tmp_path: Path) -> None:
    root = _portfolio(tmp_path / "p")
    out = tmp_path / "site"
    res = run_cli("site", "build", str(root), "--out", str(out), "--as-of", AS_OF, env=QUIET, timeout=600)
    assert res.code == 0, res.err
    built = (out / "changes" / "web--cr-007" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in built and "<img src=x" not in built and 'href="javascript' not in built.lower()
    assert "550,000 EUR" in built
    listing = (out / "changes" / "index.html").read_text(encoding="utf-8")
    assert 'href="web--cr-007/"' in listing
    # the request's page is not in the navigation every page carries
    audit = (out / "audit" / "index.html").read_text(encoding="utf-8")
    assert "cr-007" not in audit and 'href="../changes/"' in audit
