"""`pmo-lint site generate` / `site build` as a user runs them: files, exit codes, messages."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import run_cli
from tests.site.kit import AS_OF, PORTFOLIO, QUIET


def test_generate_writes_pages_without_mkdocs(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    res = run_cli(
        "site", "generate", str(PORTFOLIO), "--out", str(out), "--as-of", AS_OF, "--section", "dashboard,projects"
    )
    assert res.code == 0, res.err
    assert (out / "index.md").is_file() and (out / "projects" / "hostile.md").is_file()
    assert not (out / "risks.md").exists()
    # 5 pages, data.json and the stylesheets
    from pmo_lint.site.assets import stylesheets

    assert f"wrote {6 + len(stylesheets())} file(s)" in res.err
    assert sorted(stylesheets()) == sorted(p.relative_to(out).as_posix() for p in out.rglob("*.css"))


def test_generator_does_not_import_mkdocs() -> None:
    import subprocess
    import sys

    code = (
        "import sys, datetime as dt; from pathlib import Path\n"
        "from pmo_lint.site.generator import generate, SiteOptions\n"
        f"generate(Path({str(PORTFOLIO)!r}), SiteOptions(as_of=dt.date(2025, 6, 30)))\n"
        "assert not [m for m in sys.modules if m == 'mkdocs' or m.startswith('mkdocs.') or m == 'material'], 'mkdocs'\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr


def test_bad_input_exits_2_with_a_message(tmp_path: Path) -> None:
    res = run_cli("site", "generate", str(PORTFOLIO), "--out", str(tmp_path / "o"), "--as-of", "2025-13-01")
    assert res.code == 2 and "not a date" in res.err and "Traceback" not in res.err
    res = run_cli("site", "generate", str(PORTFOLIO), "--out", str(tmp_path / "o"), "--section", "gantt")
    assert res.code == 2 and "unknown site section 'gantt'" in res.err
    res = run_cli("site", "generate", str(tmp_path), "--out", str(tmp_path / "o"))
    assert res.code == 2 and "pmo.yaml" in res.err
    res = run_cli("site", "generate", str(PORTFOLIO))
    assert res.code == 2 and "--out" in res.err
    assert not (tmp_path / "o").exists()


def test_build_refuses_a_mkdocs_yml_without_the_plugin(tmp_path: Path) -> None:
    root = tmp_path / "p"
    shutil.copytree(PORTFOLIO, root, ignore=shutil.ignore_patterns(".pmo-lint-cache"))
    (root / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    res = run_cli("site", "build", str(root), "--out", str(tmp_path / "site"), env=QUIET)
    assert res.code == 2 and "does not list the pmo-lint plugin" in res.err


def test_build_with_own_mkdocs_yml_takes_options_from_it(tmp_path: Path) -> None:
    root = tmp_path / "p"
    shutil.copytree(PORTFOLIO, root, ignore=shutil.ignore_patterns(".pmo-lint-cache"))
    (root / "mkdocs.yml").write_text("site_name: x\nplugins:\n  - pmo-lint\n", encoding="utf-8")
    res = run_cli("site", "build", str(root), "--out", str(tmp_path / "site"), "--section", "risks", env=QUIET)
    assert res.code == 2 and "set sections and config_file in its pmo-lint plugin" in res.err


def test_trend_from_real_history_json(tmp_path: Path) -> None:
    from tests.conftest import GIT_ENV, git

    repo = tmp_path / "repo"
    shutil.copytree(PORTFOLIO, repo, ignore=shutil.ignore_patterns(".pmo-lint-cache"))
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "one")
    project = repo / "projects" / "data-lake" / "project.yaml"
    project.write_text(project.read_text(encoding="utf-8").replace("person:jdoe", "person:nobody"), encoding="utf-8")
    git(repo, "commit", "-qam", "two")
    res = run_cli("history", str(repo), "--format", "json", "--no-cache", env=GIT_ENV)
    assert res.code == 0, res.err
    history = tmp_path / "history.json"
    history.write_text(res.out, encoding="utf-8")
    out = tmp_path / "docs"
    res = run_cli("site", "generate", str(repo), "--out", str(out), "--history", str(history), "--section", "audit")
    assert res.code == 0, res.err
    page = (out / "audit.md").read_text(encoding="utf-8")
    assert "Findings per commit" in page and page.count("<polyline") == 4  # total, error, warning, info
    assert '"history": [' in (out / "data.json").read_text(encoding="utf-8")


def test_an_invalid_pmo_yaml_stops_the_site_instead_of_pages_on_defaults(tmp_path: Path) -> None:
    """With pmo.yaml invalid, pages used default thresholds and scales: a watermelon showed green and money had
    no currency. The site names the problem in pmo.yaml, with its line, and writes nothing."""
    from tests.conftest import SAMPLE

    for name, edit in (
        ("month", lambda t: t.replace("fiscalYearStartMonth: 1", "fiscalYearStartMonth: 13")),
        ("empty", lambda t: ""),
    ):
        root = tmp_path / name
        shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".pmo-lint-cache"))
        pmo = root / "pmo.yaml"
        text = pmo.read_text(encoding="utf-8")
        pmo.write_text(edit(text), encoding="utf-8")
        out = tmp_path / f"site-{name}"
        res = run_cli("site", "generate", str(root), "--out", str(out), "--as-of", "2025-06-30")
        assert res.code == 2, res.err
        assert "Traceback" not in res.err and "the site needs a valid pmo.yaml" in res.err
        line = text.splitlines().index("  fiscalYearStartMonth: 1") + 1 if name == "month" else 1
        assert f"pmo.yaml:{line}: PMO00" in res.err
        assert not out.exists()
