"""Real `mkdocs build --strict` runs, offline: the test portfolio, the sample portfolio, the repo docs, the plugin.

Every built HTML, CSS and JS file is scanned for references to other hosts; Material's privacy plugin, in
report-only mode (it fetches nothing), must agree.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLE, run_cli
from tests.site.kit import AS_OF, DORMANT_JS_HOSTS, PORTFOLIO, QUIET, scan_site, user_urls

pytestmark = pytest.mark.slow


def mkdocs(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", *args],
        cwd=cwd,
        env={**os.environ, **QUIET},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def assert_offline(site: Path, *sources: Path) -> None:
    """No built file loads from another host; links to other hosts only where the sources wrote them."""
    report = scan_site(site, set().union(*(user_urls(s) for s in sources)))
    assert report.pages > 5
    assert report.problems == []
    assert report.js_hosts <= set(DORMANT_JS_HOSTS), report.js_hosts - set(DORMANT_JS_HOSTS)
    # the dormant ones stay dormant: no mermaid diagram, no repository widget
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert 'class="mermaid"' not in text and "md-source" not in text, page


def test_test_portfolio_site_builds_strict_and_offline(built_site: Path) -> None:
    assert (built_site / "index.html").is_file() and (built_site / "projects" / "hostile" / "index.html").is_file()
    assert (built_site / "data.json").is_file()
    assert_offline(built_site, PORTFOLIO)
    page = (built_site / "projects" / "crm-migration" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://wiki.example.org/crm"' in page.replace("&#58;", ":").replace("&#47;", "/").replace(
        "&#46;", "."
    )


def test_hostile_text_is_text_in_the_built_html(built_site: Path) -> None:
    page = (built_site / "projects" / "hostile" / "index.html").read_text(encoding="utf-8")
    assert "<script>document" not in page and "<img src=x" not in page and "<iframe" not in page
    assert not re.search(r"<[^>]+\son[a-z]+=", page.split("</header>", 1)[1]), "an event handler attribute"
    assert 'href="javascript' not in page.lower()
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    assert title and "<" not in title.group(1) and "&lt;" not in title.group(1)


def test_sample_portfolio_site_builds_strict_and_offline(tmp_path: Path) -> None:
    out = tmp_path / "site"
    res = run_cli("site", "build", str(SAMPLE), "--out", str(out), "--as-of", AS_OF, env=QUIET, timeout=600)
    assert res.code == 0, res.err
    assert_offline(out, SAMPLE)


def test_repo_docs_build_strict_and_offline(tmp_path: Path) -> None:
    out = tmp_path / "site"
    proc = mkdocs("build", "--strict", "-d", str(out), cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (out / "usage" / "index.html").is_file()
    assert (out / "rules" / "pmo001" / "index.html").is_file()  # generated from the rules' docs at build time
    assert (out / "sample" / "index.html").is_file() and (out / "sample" / "projects").is_dir()
    assert not (ROOT / "docs" / "rules").exists() and not (ROOT / "docs" / "sample").exists()  # nothing committed
    for name in ("pr-mode", "ci-formats", "pre-commit", "editor", "security", "performance"):
        if (ROOT / "docs" / f"{name}.md").is_file():
            assert (out / name / "index.html").is_file(), f"{name}.md is not in the built site"
    assert_offline(out, SAMPLE, ROOT / "docs")  # the guide's own links to other sites are allowed as links


def write_project(root: Path, plugin: str) -> Path:
    shutil.copytree(PORTFOLIO, root / "portfolio")
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Home\n\n[Portfolio](portfolio/index.md)\n", encoding="utf-8")
    config = (
        "site_name: t\ntheme: {name: material, font: false}\nextra: {generator: false}\n"
        "validation: {omitted_files: warn, absolute_links: warn, unrecognized_links: warn, anchors: warn}\n"
        f"plugins:\n  - search\n{plugin}"
    )
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    return root


def test_plugin_generates_under_a_prefix_with_chosen_sections(tmp_path: Path) -> None:
    root = write_project(
        tmp_path,
        "  - pmo-lint:\n      portfolio: portfolio\n      prefix: portfolio\n      as_of: '2025-06-30'\n"
        "      sections: [dashboard, risks, projects]\n",
    )
    proc = mkdocs("build", "--strict", cwd=root)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (root / "site" / "portfolio" / "risks" / "index.html").is_file()
    assert not (root / "site" / "portfolio" / "roadmap").exists()
    assert "generated 7 file(s)" in proc.stderr  # 6 pages and data.json


def test_plugin_errors_name_the_file(tmp_path: Path) -> None:
    root = write_project(tmp_path, "  - pmo-lint:\n      portfolio: nowhere\n")
    proc = mkdocs("build", cwd=root)
    assert proc.returncode != 0 and "nowhere: no such file or folder" in proc.stderr
    assert "Traceback" not in proc.stderr
    (root / "mkdocs.yml").write_text(
        (root / "mkdocs.yml").read_text(encoding="utf-8").replace("nowhere", "portfolio\n      as_of: someday"),
        encoding="utf-8",
    )
    proc = mkdocs("build", cwd=root)
    assert proc.returncode != 0 and "as_of 'someday'" in proc.stderr and "mkdocs.yml" in proc.stderr


def test_site_build_uses_the_portfolios_own_mkdocs_yml(tmp_path: Path) -> None:
    root = tmp_path / "p"
    shutil.copytree(PORTFOLIO, root)
    own = "site_name: own\ndocs_dir: site-docs\ntheme: {name: material, font: false}\n"
    own += "plugins:\n  - search\n  - pmo-lint\n"
    (root / "mkdocs.yml").write_text(own, encoding="utf-8")
    (root / "site-docs").mkdir()
    out = tmp_path / "out"
    res = run_cli("site", "build", str(root), "--out", str(out), "--as-of", AS_OF, env=QUIET, timeout=600)
    assert res.code == 0, res.err
    assert "Portfolio as of 2025-06-30" in (out / "index.html").read_text(encoding="utf-8")


def test_privacy_plugin_in_report_mode_finds_only_materials_dormant_mermaid(tmp_path: Path) -> None:
    root = write_project(
        tmp_path,
        "  - privacy:\n      assets_fetch: false\n      log_level: warn\n"
        "  - pmo-lint:\n      portfolio: portfolio\n      prefix: portfolio\n      as_of: '2025-06-30'\n",
    )
    proc = mkdocs("build", cwd=root)
    assert proc.returncode == 0, proc.stderr[-3000:]
    external = [line for line in proc.stderr.splitlines() if "External file" in line]
    assert external, "the privacy plugin reported nothing: is it still running?"
    for line in external:
        assert "unpkg.com/mermaid" in line and "assets/javascripts/bundle" in line, line
