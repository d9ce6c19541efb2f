"""Helpers of the site tests: the hostile test portfolio, an external-reference scanner, a local web
server and headless Chromium driven through its command line (no download, no Python CDP client)."""

from __future__ import annotations

import contextlib
import functools
import html
import http.server
import json
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

HERE = Path(__file__).resolve().parent
PORTFOLIO = HERE / "portfolio"  # small, valid, with a project full of hostile text
AS_OF = "2025-06-30"
QUIET = {"NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}

# What the hostile project's payloads would do if they ever ran (see portfolio/projects/hostile/).
PWNED_TITLES = {"PWNED", "PWNED-IMG", "PWNED-LINK", "PWNED-HREF", "PWNED-RISK", "PWNED-RAG"}

# XML namespace names are identifiers, never fetched.
NAMESPACES = {
    "http://www.w3.org/2000/svg",
    "http://www.w3.org/1999/xlink",
    "http://www.sitemaps.org/schemas/sitemap/0.9",
}

# URLs inside Material's own JavaScript bundle that are dormant in our configuration (checked below):
# Mermaid is loaded only for pages with a mermaid diagram, the GitHub/GitLab API only with `repo_url`;
# the rest are licence and source comments of bundled libraries.
DORMANT_JS_HOSTS = {
    "unpkg.com": "mermaid / resize-observer polyfill: only for pages with a `mermaid` diagram",
    "api.github.com": "repository facts: only when mkdocs.yml sets repo_url",
    "gitlab.com": "repository facts: only when mkdocs.yml sets repo_url",
    "github.com": "licence and source comments",
    "www.mozilla.org": "licence comments",
    "snowball.tartarus.org": "lunr stemmer comments",
    "tartarus.org": "lunr stemmer comments",
    "code.google.com": "lunr comments",
    "lunrjs.com": "lunr comments",
    "underscorejs.org": "comments",
    "wiki.ecmascript.org": "comments",
    "wiki.commonjs.org": "comments",
    "people.mozilla.org": "comments",
    "narwhaljs.org": "comments",
    "msdn.microsoft.com": "comments",
    "en.wikipedia.org": "comments",
    "docs.python.org": "comments",
    "chasen.org": "comments",
    "developer.mozilla.org": "comments",
    "clipboardjs.com": "licence comment",
    "bit.ly": "error message text",
    "fontawesome.com": "licence comment",
    "squidfunk.github.io": "licence comment",
}

_URL = re.compile(
    r"(?i)(?:\b[a-z][a-z0-9+.-]*:)?//(?:[a-z0-9_-]+\.)+[a-z]{2,}(?::\d+)?(?=[/?#\s\"'<>)\\`]|$)[^\s\"'<>)\\`]*"
)
_RESOURCE_ATTRS = {"src", "srcset", "poster", "data", "action", "formaction", "background", "xlink:href"}


def user_urls(root: Path) -> set[str]:
    """Every URL-looking string the portfolio's files hold: those may appear on pages, as text or links."""
    out: set[str] = set()
    for path in root.rglob("*"):
        if path.is_file() and ".pmo-lint-cache" not in path.parts:
            text = path.read_text(encoding="utf-8", errors="replace")
            out.update(m.group(0).rstrip(".,;") for m in _URL.finditer(text))
    return out


class _Resources(HTMLParser):
    """Collects attributes through which a page would load something, and every href."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.loads: list[tuple[str, str, str]] = []
        self.links: list[str] = []
        self.handlers: list[tuple[str, str]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            value = value or ""
            if name in _RESOURCE_ATTRS or (tag == "link" and name == "href"):
                self.loads.append((tag, name, value))
            elif name == "href":
                self.links.append(value)
            if name.startswith("on"):
                self.handlers.append((tag, name))
            if name == "style" and "url(" in value:
                self.loads.append((tag, name, value))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def _external(url: str) -> bool:
    u = url.strip()
    if u.startswith("//"):
        return True
    parts = urlsplit(u)
    return parts.scheme.lower() in ("http", "https", "ftp", "ws", "wss") and bool(parts.netloc)


@dataclass
class ScanReport:
    problems: list[str]
    js_hosts: set[str]
    pages: int


def scan_site(site: Path, allowed: set[str]) -> ScanReport:
    """Every built HTML, CSS and JS file: references to other hosts that are not the user's own text."""
    problems: list[str] = []
    js_hosts: set[str] = set()
    pages = 0
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site).as_posix()
        if path.suffix == ".html":
            pages += 1
            text = path.read_text(encoding="utf-8")
            parser = _Resources()
            parser.feed(text)
            for tag, attr, value in parser.loads:
                if _external(value) or re.search(r"url\(\s*['\"]?(?:https?:)?//", value):
                    problems.append(f"{rel}: <{tag} {attr}={value!r}> loads from another host")
            for href in parser.links:
                if _external(href) and href not in allowed:
                    problems.append(f"{rel}: link to {href!r} is not from the portfolio's data")
            for script in parser.scripts:
                for m in _URL.finditer(script):
                    problems.append(f"{rel}: inline script names {m.group(0)!r}")
            for m in _URL.finditer(html.unescape(text)):
                url = m.group(0).rstrip(".,;")
                if url not in NAMESPACES and not any(url.startswith(a) or a.startswith(url) for a in allowed):
                    problems.append(f"{rel}: mentions {url!r}")
        elif path.suffix == ".css":
            text = re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.S)
            # inline data: URLs (Material's icons are SVG with licence comments) can load nothing
            text = re.sub(r"url\(\s*([\"']?)data:.*?\1\s*\)", "url(data:)", text, flags=re.S)
            for m in _URL.finditer(text):
                if m.group(0) not in NAMESPACES:
                    problems.append(f"{rel}: {m.group(0)!r}")
            if re.search(r"@import\s+(?:url\()?['\"]?(?:https?:)?//", text):
                problems.append(f"{rel}: @import from another host")
        elif path.suffix == ".js":
            for m in _URL.finditer(path.read_text(encoding="utf-8", errors="replace")):
                host = urlsplit(m.group(0) if "://" in m.group(0) else "http:" + m.group(0)).hostname or ""
                js_hosts.add(host)
    return ScanReport(problems, js_hosts, pages)


# -- a local server and Chromium -------------------------------------------------------------------------
class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 (a free port) in a thread; yields the base URL."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def chromium_or_skip() -> str:
    """The browser, or a skip saying why (a failure when PMO_LINT_REQUIRE_BROWSER=1, as in CI)."""
    found = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if found:
        return found
    reason = "chromium is not installed (Debian: apt-get install chromium); the site's browser tests need it"
    if os.environ.get("PMO_LINT_REQUIRE_BROWSER") == "1":
        pytest.fail(reason + " and PMO_LINT_REQUIRE_BROWSER=1")
    print(f"SKIP: {reason}")
    pytest.skip(reason)


def chromium(
    browser: str, profile: Path, url: str, *extra: str, timeout: float = 90
) -> subprocess.CompletedProcess[str]:
    """One headless run: no sandbox (root in CI), no GPU, no QUIC, no background traffic, and every
    host name but 127.0.0.1 unresolvable, so a test can never reach the network. A later
    ``--virtual-time-budget`` in ``extra`` replaces the default one (Chromium keeps a switch's last value)."""
    cmd = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        f"--user-data-dir={profile}",
        "--virtual-time-budget=5000",
        *extra,
        url,
    ]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)


def page_requests(netlog: Path) -> list[tuple[str, str]]:
    """(initiator, url) of every URL request in a Chrome NetLog file."""
    doc = json.loads(netlog.read_text(encoding="utf-8"))
    kinds = {v: k for k, v in doc["constants"]["logEventTypes"].items()}
    out = []
    for event in doc["events"]:
        params = event.get("params") or {}
        if kinds.get(event["type"]) == "URL_REQUEST_START_JOB" and "url" in params:
            out.append((str(params.get("initiator", "")), str(params["url"])))
    return out


class DomFacts(HTMLParser):
    """What a dumped DOM says about scripts and handlers."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.handlers: list[tuple[str, str, str]] = []
        self.js_links: list[str] = []
        self.script_texts: list[str] = []
        self.text: list[str] = []
        self._tag = ""
        self._svg = 0  # an SVG's <title> is a tooltip, not the page title

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag = tag
        self._svg += tag == "svg"
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append((tag, name, value or ""))
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.js_links.append(value or "")

    def handle_data(self, data: str) -> None:
        if self._tag == "title" and not self._svg:
            self.title += data
        elif self._tag == "script":
            self.script_texts.append(data)
        else:
            self.text.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._tag = ""
        self._svg -= tag == "svg" and self._svg > 0


def dom_facts(dom: str) -> DomFacts:
    facts = DomFacts()
    facts.feed(dom)
    return facts
