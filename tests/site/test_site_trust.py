"""The site's trust boundary: a repository's mkdocs.yml that would run code or publish outside files is
refused by `site build` (exit 2, file and line) unless --trust-config, and flagged by `check` (PMO014).

The real `mkdocs build` of a hostile repository is in test_site_mkdocs.py (slow)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pmo_lint.rules.builtin_site import SITE_CONFIG, inspect_site_config
from pmo_lint.site.trust import refused
from tests.conftest import run_cli
from tests.site.kit import AS_OF, PORTFOLIO, QUIET

SAFE = "site_name: t\ntheme: {name: material, font: false}\nplugins:\n  - search\n  - pmo-lint\n"


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("hooks:\n  - hooks/x.py\n", 1, "hooks run Python files"),
        ("plugins:\n  - search\n  - macros\n", 3, "plugin 'macros'"),
        ("plugins:\n  - privacy\n", 2, "plugin 'privacy'"),
        ("plugins:\n  - pmo-lint:\n      history: /etc/passwd\n", 3, "history '/etc/passwd' leaves"),
        ("plugins:\n  - pmo-lint:\n      portfolio: ../other\n", 3, "portfolio '../other' leaves"),
        ("markdown_extensions:\n  - evil_module\n", 2, "extension 'evil_module'"),
        ("markdown_extensions:\n  - pymdownx.b64\n", 2, "extension 'pymdownx.b64'"),
        ("markdown_extensions:\n  - pymdownx.snippets:\n      restrict_base_path: false\n", 3, "restrict_base_path"),
        # YAML 1.1 (MkDocs' reader) reads `off` as false; anything but true is refused
        ("markdown_extensions:\n  - pymdownx.snippets:\n      restrict_base_path: off\n", 3, "restrict_base_path"),
        ("markdown_extensions:\n  - pymdownx.snippets:\n      base_path: [docs, /]\n", 3, "base path '/'"),
        ("markdown_extensions:\n  - pymdownx.snippets:\n      url_download: true\n", 3, "url_download"),
        ('extra_javascript:\n  - "javascript:alert(1)"\n', 2, "extra_javascript entry 'javascript:"),
        ("extra_javascript:\n  - path: 'data:text/javascript,alert(1)'\n", 2, "neither a web address"),
        ("extra_css:\n  - ' JaVa\tScRiPt:x'\n", 2, "extra_css entry"),
        ("extra:\n  social:\n    - link: 'javascript:alert(1)'\n", 3, "script URL"),
        ("repo_url: 'vbscript:x'\n", 1, "script URL"),
        ("copyright: '<a href=\"&#106;avascript:x\">c</a>'\n", 1, "script URL"),
        ("copyright: '<img src=x onerror=alert(1)>'\n", 1, "markup that runs script"),
        ("site_description: !ENV [GITHUB_TOKEN, x]\n", 1, "tag '!ENV'"),
        ("x: !!python/name:os.system\n", 1, "python/name"),
        ("theme:\n  name: material\n  custom_dir: overrides\n", 3, "custom_dir"),
        ("extra_templates: [x.html]\n", 1, "extra_templates"),
        ("INHERIT: ../base.yml\n", 1, "INHERIT"),
        ("docs_dir: /etc\n", 1, "docs_dir '/etc'"),
        ("docs_dir: ../../\n", 1, "docs_dir"),
    ],
)
def test_unsafe_settings_are_named_with_their_line(text: str, line: int, words: str) -> None:
    found = inspect_site_config("site_name: t\n" + text)
    assert found, text
    assert any(words in u.message and u.line == line + 1 for u in found), [(u.line, u.message) for u in found]
    assert all("--trust-config" in u.message for u in found)


@pytest.mark.parametrize(
    "text",
    [
        "theme: {name: material, font: false}\nplugins:\n  - search\n  - pmo-lint\n",
        "plugins: [search, tags, offline, material/search, {pmo-lint: {portfolio: ., prefix: portfolio}}]\n",
        "markdown_extensions:\n  - toc: {permalink: true}\n  - admonition\n  - pymdownx.superfences\n"
        "  - pymdownx.snippets: {base_path: [docs, snippets], check_paths: true}\n",
        "extra_javascript: [js/x.js, 'https://cdn.example.org/x.js', {path: js/y.js, defer: true}]\n"
        "extra_css: [css/x.css]\nrepo_url: https://git.example.org/pmo\n"
        "copyright: 'Copyright &copy; 2025 <a href=\"https://example.org\">Example</a>'\n"
        "extra:\n  social:\n    - {icon: x, link: 'mailto:pmo@example.org'}\n",
    ],
)
def test_plain_configurations_pass(text: str) -> None:
    assert inspect_site_config("site_name: t\n" + text) == []


def test_rule_docs_example_fires_and_use_instead_passes(tmp_path: Path) -> None:
    for text, fires in ((SITE_CONFIG.meta.docs.example, True), (SITE_CONFIG.meta.docs.use_instead, False)):
        root = tmp_path / ("bad" if fires else "good")
        shutil.copytree(PORTFOLIO, root, ignore=shutil.ignore_patterns(".pmo-lint-cache"))
        (root / "mkdocs.yml").write_text(text, encoding="utf-8")
        res = run_cli("check", str(root), "--as-of", AS_OF, "--select", "PMO014")
        assert ("PMO014" in res.out) is fires, res.out
        assert res.code == (1 if fires else 0), res.err


def test_check_flags_the_settings_at_their_lines(tmp_path: Path) -> None:
    root = tmp_path / "p"
    shutil.copytree(PORTFOLIO, root, ignore=shutil.ignore_patterns(".pmo-lint-cache"))
    (root / "mkdocs.yml").write_text(SAFE + "hooks:\n  - hooks/x.py\nsite_url: !ENV CI_TOKEN\n", encoding="utf-8")
    res = run_cli("check", str(root), "--as-of", AS_OF, "--select", "PMO014")
    assert res.code == 1 and "mkdocs.yml:8:11: PMO014" in res.out and "!ENV" in res.out, res.out
    (root / "mkdocs.yml").write_text(SAFE + "hooks:\n  - hooks/x.py\n", encoding="utf-8")
    res = run_cli("check", str(root), "--as-of", AS_OF, "--select", "PMO014")
    assert res.code == 1 and "mkdocs.yml:6:1: PMO014" in res.out, res.out
    # the pre-commit hook names the changed file
    res = run_cli("check", str(root / "mkdocs.yml"), "--as-of", AS_OF, "--select", "PMO014")
    assert res.code == 1 and "PMO014" in res.out, res.out


def _hostile_repo(root: Path, config: str) -> Path:
    shutil.copytree(PORTFOLIO, root, ignore=shutil.ignore_patterns(".pmo-lint-cache"))
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    (root / "docs").mkdir(exist_ok=True)
    return root


def test_site_build_refuses_without_trust_and_names_file_and_line(tmp_path: Path) -> None:
    canary = tmp_path / "CANARY"
    root = _hostile_repo(tmp_path / "p", SAFE + "hooks:\n  - hooks/x.py\n")
    (root / "hooks").mkdir()
    (root / "hooks" / "x.py").write_text(f"open({str(canary)!r}, 'w').write('ran')\n", encoding="utf-8")
    res = run_cli("site", "build", str(root), "--out", str(tmp_path / "out"), "--as-of", AS_OF, env=QUIET)
    assert res.code == 2, res.err
    assert f"{root / 'mkdocs.yml'}:6:1: hooks run Python files" in res.err and "--trust-config" in res.err
    assert "Traceback" not in res.err and not canary.exists() and not (tmp_path / "out").exists()


def test_symlinks_leading_out_of_the_repository_are_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET", encoding="utf-8")
    root = _hostile_repo(tmp_path / "p", SAFE)
    (root / "docs" / "leak.txt").symlink_to(secret)
    problems = refused(root / "mkdocs.yml")
    assert problems and "docs/leak.txt" in problems[0] and "outside the repository" in problems[0]
    assert not any("TOPSECRET" in p for p in problems)
    (root / "docs" / "leak.txt").unlink()
    (root / "docs" / "inside.md").symlink_to(root / "pmo.yaml")  # a link inside the repository is fine
    assert refused(root / "mkdocs.yml") == []


def test_snippet_folders_and_plugin_paths_must_resolve_inside(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    root = _hostile_repo(
        tmp_path / "p", SAFE + "markdown_extensions:\n  - pymdownx.snippets:\n      base_path: [snips]\n"
    )
    (root / "snips").symlink_to(outside)
    assert any("base_path 'snips' resolves outside" in p for p in refused(root / "mkdocs.yml"))


def test_config_file_linking_outside_is_refused_without_reading_it(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.yml"
    elsewhere.write_text("site_name: TOPSECRET\n  bad: [\n", encoding="utf-8")
    root = tmp_path / "p"
    shutil.copytree(PORTFOLIO, root, ignore=shutil.ignore_patterns(".pmo-lint-cache"))
    (root / "mkdocs.yml").symlink_to(elsewhere)
    problems = refused(root / "mkdocs.yml")
    assert problems and "links outside the repository" in problems[0] and "TOPSECRET" not in problems[0]


@pytest.mark.parametrize(
    ("raw", "words"),
    [(b"site_name: \xff\xfe\n", "not UTF-8"), (b"- a\n", "one mapping of MkDocs settings"), (b"a: [\n", "expected")],
)
def test_unreadable_configurations_are_refused_with_a_reason(tmp_path: Path, raw: bytes, words: str) -> None:
    root = tmp_path / "p"
    shutil.copytree(PORTFOLIO, root, ignore=shutil.ignore_patterns(".pmo-lint-cache"))
    (root / "mkdocs.yml").write_bytes(raw)
    problems = refused(root / "mkdocs.yml")
    assert len(problems) == 1 and words in problems[0] and problems[0].startswith(f"{root / 'mkdocs.yml'}:")
