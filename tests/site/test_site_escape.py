"""User text is inert on every page: escaped text renders as exactly that text, in Markdown and in raw HTML,
whatever Markdown extensions a site enables."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmo_lint.site.html import code_text, esc, esc_attr, external_link, name_text, nav_title, pre, safe_url
from tests.site.kit import PORTFOLIO

HOSTILE = [
    "<script>document.title='PWNED'</script>",
    '<img src=x onerror="document.title=1">',
    "[click](javascript:alert(1))",
    '{: onclick="alert(1)" }',
    "{{ config.site_name }} {% include 'x' %}",
    '--8<-- "secret.txt"',
    "# heading\n> quote\n- item\n1. one",
    "| a | b |\n|---|---|",
    "`code` *em* __strong__ ~~del~~ ==mark== ^^ins^^ {++add++} $x^2$ :smile: ++ctrl+alt++",
    "https://evil.example www.evil.example mail@evil.example",
    "<https://evil.example> ![i](https://evil.example/x.png)",
    "&lt;script&gt; &#60;b&#62; \\*not em\\*",
    "line one\nline two\r\n    indented",
    "\u202eevil\u200b zero-width",
    "[x]: https://evil.example\n[x]",
    "</div><script>alert(1)</script><div>",
    '"><svg onload=alert(1)>',
]


def md(tmp: Path) -> markdown.Markdown:
    """Python-Markdown with the extensions sites commonly enable, snippets included."""
    return markdown.Markdown(
        extensions=[
            "extra",
            "admonition",
            "toc",
            "sane_lists",
            "pymdownx.snippets",
            "pymdownx.magiclink",
            "pymdownx.emoji",
            "pymdownx.betterem",
            "pymdownx.tilde",
            "pymdownx.caret",
            "pymdownx.mark",
            "pymdownx.critic",
            "pymdownx.keys",
            "pymdownx.arithmatex",
            "pymdownx.superfences",
            "pymdownx.inlinehilite",
            "pymdownx.smartsymbols",
            "pymdownx.tasklist",
            "pymdownx.details",
        ],
        extension_configs={"pymdownx.snippets": {"base_path": [str(tmp)], "check_paths": False}},
    )


class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend(attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def tree(rendered: str) -> _Tree:
    t = _Tree()
    t.feed(rendered)
    return t


def expected(text: str) -> str:
    """What a browser shows for esc(text): no line breaks, controls as U+FFFD."""
    shown = text.replace("\r", "").replace("\n", "")
    return "".join("\ufffd" if c != "\t" and unicodedata.category(c) in ("Cc", "Cs") else c for c in shown)


@pytest.fixture
def snippets_dir(tmp_path: Path) -> Path:
    (tmp_path / "secret.txt").write_text("SECRET-SNIPPET", encoding="utf-8")
    return tmp_path


def check_inert(rendered: str, text: str, container: set[str]) -> None:
    t = tree(rendered)
    assert set(t.tags) <= container | {"br"}, rendered
    assert not [a for a in t.attrs if a[0] != "class"], rendered
    assert printable("".join(t.text).replace("\n", "")) == printable("X " + expected(text)), rendered
    assert "SECRET-SNIPPET" not in rendered


@pytest.mark.parametrize("text", HOSTILE)
def test_escaped_text_renders_as_text_in_a_paragraph(text: str, snippets_dir: Path) -> None:
    check_inert(md(snippets_dir).convert("X " + esc(text)), text, {"p"})


@pytest.mark.parametrize("text", HOSTILE)
def test_escaped_text_renders_as_text_in_a_table_cell(text: str, snippets_dir: Path) -> None:
    rendered = md(snippets_dir).convert(f"| A | B |\n|---|---|\n| X {esc(text)} | y |\n")
    t = tree(rendered)
    assert t.tags.count("td") == 2 and t.tags.count("tr") == 2, rendered  # the pipe split no cell
    assert set(t.tags) <= {"table", "thead", "tbody", "tr", "th", "td", "br"}
    assert "SECRET-SNIPPET" not in rendered and "<script" not in rendered


@pytest.mark.parametrize("text", HOSTILE)
def test_escaped_text_renders_as_text_in_a_raw_html_block(text: str, snippets_dir: Path) -> None:
    rendered = md(snippets_dir).convert(f'<div class="pmo-block">\n<p>X {esc(text)}</p>\n</div>\n')
    check_inert(rendered, text, {"div", "p"})


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=60))
def test_any_text_survives_markdown_as_itself(text: str) -> None:
    rendered = markdown.Markdown(
        extensions=[
            "extra",
            "pymdownx.magiclink",
            "pymdownx.emoji",
            "pymdownx.critic",
            "pymdownx.smartsymbols",
            "pymdownx.tilde",
            "pymdownx.mark",
        ]
    ).convert("X " + esc(text))
    t = tree(rendered)
    assert set(t.tags) <= {"p", "br"}
    assert not t.attrs
    # Python-Markdown drops some control characters and strips the edges; compare what is printable
    assert printable("".join(t.text).replace("\n", "")) == printable("X " + expected(text))


def printable(text: str) -> str:
    return "".join(c for c in text if c.isprintable()).strip()


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=80))
def test_nav_title_holds_no_markup(text: str) -> None:
    title = nav_title(text)
    assert re.fullmatch(r"[\w .,:;()/+-]+", title), title
    assert not set(title) & set("<>&\"'`{}[]|*#\\")


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "http:evil",
        'https://example.org/"onmouseover="x',
        "//evil.example/x",
        "file:///etc/passwd",
    ],
)
def test_unsafe_urls_never_become_links(url: str) -> None:
    assert safe_url(url) is None
    link = external_link(url, "label")
    assert "<a " not in link and "href" not in link


@pytest.mark.parametrize("url", ["https://example.org/a?b=c&d=e#f", "http://example.org", "mailto:pmo@example.org"])
def test_safe_urls_become_escaped_links(url: str) -> None:
    link = external_link(url, "<b>x</b>")
    assert link.startswith('<a href="') and "<b>" not in link
    assert tree(link).attrs[0] == ("href", url)


def test_helpers_escape_what_they_are_given() -> None:
    assert esc_attr('a"b\nc') == "a&#34;b c"
    assert name_text("crm-migration") == "crm-migration"
    assert name_text("<x>") == "&#60;x&#62;"
    assert code_text("use `spec.owner` <b>") == "use <code>spec&#46;owner</code> &#60;b&#62;"
    assert "<script" not in pre("<script>alert(1)</script>\n--8<-- x")


def test_the_hostile_project_page_is_inert_under_python_markdown(snippets_dir: Path) -> None:
    from pmo_lint.site.generator import SiteOptions, generate

    site = generate(PORTFOLIO, SiteOptions(as_of=dt.date(2025, 6, 30)))
    for page in ("projects/hostile.md", "risks.md", "index.md", "audit.md", "strategy.md", "roadmap.md"):
        body = site.pages[page].split("---\n", 2)[2]
        rendered = md(snippets_dir).convert(body)
        t = tree(rendered)
        assert "script" not in t.tags and "iframe" not in t.tags and "img" not in t.tags, page
        assert not [a for a in t.attrs if a[0].startswith("on")], page
        hrefs = [v or "" for k, v in t.attrs if k == "href"]
        assert not [h for h in hrefs if not h.startswith(("https://", "http://", "#", "../")) and ":" in h], page
        assert "SECRET-SNIPPET" not in rendered
    text = "".join(tree(md(snippets_dir).convert(site.pages["projects/hostile.md"].split("---\n", 2)[2])).text)
    assert "<script>document.title='PWNED'</script>" in text
    assert "<img src=x onerror=\"document.title='PWNED-IMG'\">" in text
    assert "{: onclick=" in text and "{{ config.site_name }}" in text and '--8<-- "/etc/passwd"' in text
    assert "[click](javascript:document.title='PWNED-LINK')" in text
