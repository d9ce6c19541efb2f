"""The trend on the audit page explains itself: each marked point of the chart links to its commit's section, which
lists the findings added and resolved; and `site build --history` works with the mkdocs.yml `init` writes."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from pmo_lint.site.generator import SiteOptions, generate
from pmo_lint.site.page.audit import DETAIL_COMMITS
from tests.conftest import GIT_ENV, git, run_cli
from tests.site.kit import AS_OF, PORTFOLIO, QUIET

HOSTILE = "<script>alert('PWNED')</script>"


def _finding(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"code": code, "severity": "error", "file": "projects/data-lake/project.yaml", "message": message, **extra}


def _point(n: int, *, changed: bool) -> dict[str, Any]:
    added = [_finding("GOV040", f"baseline moved in commit {n}", entity="project:data-lake", changeControl=True)]
    return {
        "commit": f"{n:02x}" * 20,  # the first 12 characters differ
        "date": f"2025-{1 + n // 28:02d}-{1 + n % 28:02d}T10:00:00+00:00",
        "author": "x",
        "counts": {"error": n, "warning": 0, "info": 0},
        "added": added if changed else [],
        "resolved": [],
        "omitted": {"added": 0, "resolved": 0},
    }


def _audit(tmp_path: Path, points: list[dict[str, Any]]) -> str:
    path = tmp_path / "history.json"
    path.write_text(json.dumps(points), encoding="utf-8")
    options = SiteOptions(as_of=dt.date.fromisoformat(AS_OF), sections=("audit", "projects"), history=path)
    site = generate(PORTFOLIO, options)
    return site.pages["audit.md"]


def test_each_marked_point_links_to_its_commits_changes(tmp_path: Path) -> None:
    points = [_point(n, changed=n % 3 != 0) for n in range(1, 61)]  # 40 commits changed something, 20 did not
    page = _audit(tmp_path, points)
    shown = html.unescape(page)
    changed = [p for p in points if p["added"]]
    latest = changed[-DETAIL_COMMITS:]
    for p in latest:
        anchor = f"commit-{p['commit'][:12]}"
        assert f'<h4 id="{anchor}">' in page  # the section
        assert f'<a href="#{anchor}">' in shown  # the chart's point
        assert f"baseline moved in commit {int(p['commit'][:2], 16)} _(change control)_" in shown
    # bounded: older commits keep their point on the chart, without a section or a link, and the page says so
    for p in changed[:-DETAIL_COMMITS]:
        assert f"commit-{p['commit'][:12]}" not in shown
    assert f"latest {DETAIL_COMMITS} of the {len(changed)} commits that changed any" in page
    unchanged = points[-1]["commit"][:12]  # commit 60 changed nothing
    assert f"| {unchanged} |" in shown and f"commit-{unchanged}" not in shown
    # the project is named as the site names it, linked to its page
    assert "project [Data lake](projects/data-lake.md)" in page
    assert "_(change control)_" in page


def test_history_text_is_escaped_everywhere(tmp_path: Path) -> None:
    hostile = {
        "commit": 'x"><script>alert(1)</script>',
        "date": "2025-06-01T10:00:00+00:00",
        "counts": {"error": 1, "warning": 0, "info": 0},
        "added": [
            _finding("<b>X</b>", HOSTILE, entity=f"risk:{HOSTILE}", title=HOSTILE),
            _finding("OPS001", "[click](javascript:alert(1))", entity="project:data-lake", title=HOSTILE),
        ],
        "resolved": [{"code": 7}, "junk", _finding("GOV005", "fixed", severity="<i>", waived=True)],
    }
    page = _audit(tmp_path, [hostile])
    assert "<script" not in page and "<b>X" not in page and "](javascript" not in page and "<i>" not in page
    assert '<h4 id="commit-0">' in page  # not a commit id: the anchor is the point's position
    shown = html.unescape(page)
    assert shown.count(HOSTILE) == 2  # as text: the message, and the risk's title where its name would be
    assert '| x"><script>a |' in shown  # the commit, cut to 12 characters as every commit is
    assert "project [Data lake](projects/data-lake.md)" in page  # a project of today: today's name, not the file's
    assert "_(waived)_" in page
    assert "2 added, 1 resolved" in page  # what is not a finding is left out


def _portfolio_repo(tmp_path: Path) -> tuple[Path, list[str]]:
    """The test portfolio as `pmo-lint init --yes` leaves it (with its own mkdocs.yml), in git, and one change."""
    root = tmp_path / "repo"
    shutil.copytree(PORTFOLIO, root, ignore=shutil.ignore_patterns(".pmo-lint-cache"))
    git(root, "init", "-q", "-b", "main")
    res = run_cli("init", "--yes", cwd=root, env=GIT_ENV)
    assert res.code == 0, res.err
    assert "- pmo-lint" in (root / "mkdocs.yml").read_text(encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "portfolio")
    project = root / "projects" / "data-lake" / "project.yaml"
    project.write_text(project.read_text(encoding="utf-8").replace("person:jdoe", "person:nobody"), encoding="utf-8")
    git(root, "commit", "-qam", "owner left")
    return root, git(root, "rev-list", "--reverse", "HEAD").split()


@pytest.mark.slow
def test_site_build_history_with_the_mkdocs_yml_init_writes(tmp_path: Path) -> None:
    root, shas = _portfolio_repo(tmp_path)
    res = run_cli("history", "--format", "json", "--no-cache", cwd=root, env=GIT_ENV)
    assert res.code == 0, res.err
    rows = json.loads(res.out)
    assert [r["commit"] for r in rows] == shas
    assert [(a["code"], a["entity"]) for a in rows[1]["added"]] == [("PMO007", "project:data-lake")]
    history = tmp_path / "history.json"  # outside the repository, as CI would write it
    history.write_text(res.out, encoding="utf-8")

    before = (root / "mkdocs.yml").read_bytes()
    out = tmp_path / "site"
    args = ("site", "build", "--out", str(out), "--history", str(history), "--as-of", AS_OF)
    res = run_cli(*args, cwd=root, env=QUIET, timeout=600)
    assert res.code == 0, res.err
    assert (root / "mkdocs.yml").read_bytes() == before  # the user's file is not edited
    page = (out / "audit" / "index.html").read_text(encoding="utf-8")
    anchor = f"commit-{shas[1][:12]}"
    assert f'id="{anchor}"' in page
    assert f'href="#{anchor}"' in page  # the table's link (Markdown)
    assert re.search(rf'<a href="(&#35;|#)commit(&#45;|-){shas[1][:12]}">', page)  # the chart's point
    assert "PMO007" in page and "Portfolio as of 2025-06-30" in (out / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_site_build_refuses_what_conflicts_with_the_portfolios_mkdocs_yml(tmp_path: Path) -> None:
    root, _ = _portfolio_repo(tmp_path)
    history = tmp_path / "history.json"
    history.write_text("[]", encoding="utf-8")
    out = tmp_path / "site"

    def build(*args: str) -> Any:
        return run_cli("site", "build", "--out", str(out), *args, cwd=root, env=QUIET, timeout=600)

    res = build("--section", "risks")
    assert res.code == 2 and "--section does not apply to" in res.err and "set sections and config_file" in res.err
    res = build("--history", str(tmp_path / "missing.json"))
    assert res.code == 2 and "cannot read history" in res.err and "Traceback" not in res.err

    # a file that names another history, or pins another date, asks for something else than the command line
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("  - pmo-lint", "  - pmo-lint:\n      history: trend.json"), encoding="utf-8")
    (root / "trend.json").write_text("[]", encoding="utf-8")
    res = build("--history", str(history))
    assert res.code == 2 and "reads history from trend.json and this build asks for" in res.err
    config.write_text(text.replace("  - pmo-lint", "  - pmo-lint:\n      as_of: '2025-05-31'"), encoding="utf-8")
    res = build("--as-of", AS_OF)
    assert res.code == 2 and "pins as_of 2025-05-31 and this build asks for 2025-06-30" in res.err
    assert not (out / "index.html").exists()
