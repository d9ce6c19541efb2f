"""The built site in headless Chromium, served from 127.0.0.1: pages show what they should, the hostile
project's payloads stay text and run no script, and the pages request nothing from another host.

Chromium is driven through its command line (`--dump-dom`, `--screenshot`, `--log-net-log`), so the test needs
no browser download and no Python client. Without Debian's `chromium` it skips, saying why, unless
PMO_LINT_REQUIRE_BROWSER=1 (CI), where it fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.site.kit import PWNED_TITLES, chromium, chromium_or_skip, dom_facts, page_requests, serve

pytestmark = pytest.mark.slow

PAGES = {
    "": ("Portfolio dashboard", "When you need a PMO", "RAG status", "CRM migration"),
    "projects/crm-migration/": ("CRM migration", "Data model signed off", "EVM S-curve of crm-migration", "Waivers"),
    "risks/": ("Risk heat map", "Open risks by cell", "Data quality of legacy records"),
    "resources/": ("Resource heat map", "Jo Doe", "Over-allocated"),
    "roadmap/": ("Roadmap", "crm-migration"),
    "projects/hostile/": ("Overview", "Status history"),
}


@pytest.fixture(scope="module")
def browser() -> str:
    return chromium_or_skip()


@pytest.mark.parametrize("page", sorted(PAGES))
def test_pages_render_their_content_and_request_nothing_outside(
    page: str, built_site: Path, browser: str, tmp_path: Path
) -> None:
    netlog = tmp_path / "netlog.json"
    with serve(built_site) as base:
        run = chromium(browser, tmp_path / "profile", base + page, "--dump-dom", f"--log-net-log={netlog}")
        shot = tmp_path / f"{page.strip('/').replace('/', '-') or 'dashboard'}.png"
        chromium(browser, tmp_path / "profile", base + page, f"--screenshot={shot}", "--window-size=1280,1600")
    assert run.returncode == 0, run.stderr[-2000:]
    facts = dom_facts(run.stdout)
    text = " ".join(" ".join(facts.text).split())
    for expected in PAGES[page]:
        assert expected in text, expected
    assert shot.is_file() and shot.stat().st_size > 10_000
    requests = page_requests(netlog)
    from_page = [url for initiator, url in requests if initiator.startswith(base.rstrip("/")) or url.startswith(base)]
    assert any(url.endswith(".js") for url in from_page), "the page loaded no script: Material did not run"
    # every request the page made (not the browser's own housekeeping) went to the local server
    assert [
        url for initiator, url in requests if initiator.startswith(base.rstrip("/")) and not url.startswith(base)
    ] == []


def test_hostile_project_renders_as_text_and_runs_no_script(built_site: Path, browser: str, tmp_path: Path) -> None:
    with serve(built_site) as base:
        runs = {
            page: chromium(browser, tmp_path / "profile", base + page, "--dump-dom")
            for page in ("projects/hostile/", "risks/", "", "audit/")
        }
        chromium(browser, tmp_path / "profile", base + "projects/hostile/", f"--screenshot={tmp_path / 'hostile.png'}")
    for page, run in runs.items():
        assert run.returncode == 0, run.stderr[-2000:]
        facts = dom_facts(run.stdout)
        # the payloads would set the title (or write a marker); Material's own title must be intact
        assert facts.title.strip() not in PWNED_TITLES and facts.title.strip(), page
        assert "PWNED" not in "".join(facts.script_texts), page
        assert [h for h in facts.handlers if "alert" in h[2] or "PWNED" in h[2]] == [], page
        assert facts.js_links == [], page
    text = " ".join(dom_facts(runs["projects/hostile/"].stdout).text)
    for shown in (
        "<script>document.title='PWNED'</script>",
        "<img src=x onerror=\"document.title='PWNED-IMG'\">",
        "[click](javascript:document.title='PWNED-LINK')",
        '{: onclick="alert(1)" }',
        "{{ config.site_name }}",
        '--8<-- "/etc/passwd"',
        "<svg onload=alert(1)>",
        "</div><script>document.title='PWNED-RISK'</script>",
        "<iframe src=javascript:alert(1)>",
    ):
        assert shown in text, shown
    assert "<iframe src=javascript:alert(1)>" in " ".join(dom_facts(runs["risks/"].stdout).text)
    assert (tmp_path / "hostile.png").is_file()
