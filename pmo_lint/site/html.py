"""Escaping and small HTML/Markdown builders. Every user-supplied string reaches a page through ``esc``.

``esc`` makes text inert in *both* contexts a generated page has: raw HTML blocks and Markdown
(tables, paragraphs, link labels). HTML's five specials are escaped, and so is every other ASCII
punctuation character, as a numeric character reference. That one rule neutralises Markdown
emphasis, code spans, links (``[t](u)``), tables (``|``), headings (``#``), quotes (``>``), lists
(``-``), attribute lists (``{: onclick=…}``), Jinja-like ``{{ … }}``, snippet lines (``--8<--``),
emoji shortcodes (``:smile:``), autolinks (``https://…``, ``www.…``, e-mail addresses) and
arithmatex (``$``), whatever extensions a site enables: no Markdown parser reads ``&#42;`` as ``*``,
while a browser shows it as ``*``. Newlines become ``<br>``, so text never starts a block.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import NewType
from urllib.parse import urlsplit

Html = NewType("Html", str)
"""A string that is safe to put into a page as it is: generated markup or escaped text."""

_SAFE_URL_SCHEMES = frozenset({"http", "https", "mailto"})
_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_NAV_TITLE_DROP = re.compile(r"[^\w .,:;()/+-]", re.UNICODE)


_UNSAFE = re.compile(r"[^\w ,;?]|_")
_REPLACEMENTS: dict[str, str] = {"\n": "<br>", "\r": "", "_": "&#95;"}


def _replace(match: re.Match[str]) -> str:
    ch = match.group(0)
    out = _REPLACEMENTS.get(ch)
    if out is None:
        # control characters and lone surrogates have no safe reference (&#145; shows as a quote)
        bad = ch != "\t" and unicodedata.category(ch) in ("Cc", "Cs")
        out = _REPLACEMENTS[ch] = "&#65533;" if bad else f"&#{ord(ch)};"
    return out


# the same replacements for every ASCII character, as one table: most text is ASCII, and str.translate
# does it in one pass where the pattern calls _replace for each character (a third of the generation time)
_ASCII_TABLE: dict[int, str] = {i: _replace(m) for i in range(128) if (m := _UNSAFE.fullmatch(chr(i))) is not None}


def esc(text: object) -> Html:
    """Text (any value) as inert HTML and Markdown; see the module docstring."""
    s = str(text)
    if s.isascii():
        return Html(s.translate(_ASCII_TABLE))
    return Html(_UNSAFE.sub(_replace, s))


def esc_attr(text: object) -> Html:
    """Text for a double-quoted attribute value: as ``esc``, with newlines kept as references."""
    return Html(esc(str(text).replace("\r", "").replace("\n", " ")))


def name_text(name: str) -> Html:
    """An entity name as it is when it has the schema's shape (``[a-z0-9-]``), else escaped."""
    return Html(name) if _NAME.fullmatch(name) else esc(name)


def safe_url(url: str) -> str | None:
    """The URL when it may become an ``href`` (http, https or mailto, no controls), else None."""
    if any(ord(c) < 33 or c in "\"'<>`\\" for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in _SAFE_URL_SCHEMES:
        return None
    if parts.scheme.lower() != "mailto" and not parts.netloc:
        return None
    return url


def external_link(url: str, label: str | None) -> Html:
    """A user's link: an ``<a>`` when the URL is safe, else the URL as plain text."""
    shown = esc(label or url)
    href = safe_url(url)
    if href is None:
        return Html(f"{shown} <small>({esc(url)})</small>" if label else shown)
    return Html(f'<a href="{esc_attr(href)}" rel="nofollow noopener noreferrer">{shown}</a>')


def nav_title(text: str, limit: int = 80) -> str:
    """A page title for front matter and navigation, where themes print it unescaped.

    Only letters, digits, spaces and ``.,:;()/+-_`` survive, so it can hold no markup at all.
    """
    cleaned = " ".join(_NAV_TITLE_DROP.sub(" ", text).split())
    return cleaned[:limit].rstrip() or "untitled"


def code_text(text: str) -> Html:
    """Trusted rule documentation with `code spans`: escaped, then the spans become <code>."""
    parts = text.split("`")
    out: list[str] = []
    for i, part in enumerate(parts):
        if i % 2 and i < len(parts) - 1:
            out.append(f"<code>{esc(part)}</code>")
        else:
            out.append(esc(part if i % 2 == 0 else "`" + part))
    return Html("".join(out))


def pre(text: str) -> Html:
    """A code block as raw HTML on one line (no Markdown fence or blank line a text could use)."""
    return Html(f"<pre><code>{esc(text.rstrip(chr(10)))}</code></pre>")


def pre_lines(text: str) -> Html:
    """A code block whose lines stay lines, for text with no blank line (JSON that ``json.dumps`` indented).

    The same escaping as ``pre``; only the line breaks are kept as they are instead of ``<br>``, which
    leaves a large block a few elements instead of one per line (the HTML a site builder parses, twice,
    for each page). A text with a blank line could end the raw HTML block, so it gets ``pre``'s one line.
    """
    body = text.rstrip("\n")
    if any(not line.strip() for line in body.split("\n")):
        return pre(text)
    return Html("<pre><code>" + "\n".join(esc(line) for line in body.split("\n")) + "</code></pre>")


def block(*lines: str) -> str:
    """A raw HTML block: starts a line with a block-level tag, holds no blank line, ends with one."""
    body = "\n".join(line for line in lines if line.strip())
    return f'<div class="pmo-block">\n{body}\n</div>\n'


SHORT_CHARS = 22  # a column whose cells all show at most this many holds short values (dates, amounts…)
_MARKUP = re.compile(r"<[^>]*>|&#?\w+;|\]\([^)]*\)")
# a date (2025-06-30) or an amount with its currency (95,000 EUR), raw or escaped: what must not be broken
_UNBREAKABLE = re.compile(r"\d{4}(?:-|&#45;)\d\d|\d [A-Z]{3}\b")


def _shown(match: re.Match[str]) -> str:
    return "x" if match.group(0)[0] == "&" else ""  # a character reference shows as one character


def _short(text: str) -> bool:
    """Whether a cell shows at most SHORT_CHARS characters (markup and link targets not counted)."""
    return len(text) <= SHORT_CHARS or len(_MARKUP.sub(_shown, text)) <= SHORT_CHARS


def md_table(headers: Sequence[str], rows: Iterable[Sequence[str]], align: str = "") -> str:
    """A Markdown table; cells must already be safe (``esc``, links, badges), headers are ours.

    A left-aligned column of short cells holding a date or an amount is marked ``:--`` (explicitly left):
    the site's stylesheet keeps its cells on one line, so a date is never broken at its hyphens nor an
    amount from its currency, while columns of longer text wrap. The marking is in the alignment row only
    (the cells keep their text), and only where needed: each marked cell costs the page a style attribute.
    """
    spec = align or "l" * len(headers)
    lines = ["| " + " | ".join(headers) + " |", ""]
    short = [a == "l" for a in spec]
    dated = [False] * len(spec)
    for row in rows:
        for i, text in enumerate(row[: len(spec)]):
            if short[i]:
                short[i] = _short(text)
                dated[i] = dated[i] or _UNBREAKABLE.search(text) is not None
        lines.append("| " + " | ".join(c if c else " " for c in row) + " |")
    if len(lines) == 2:
        return "_None._\n"
    marks = {"l": "---", "r": "--:", "c": ":-:"}
    lines[1] = "|" + "|".join(":--" if short[i] and dated[i] else marks[a] for i, a in enumerate(spec)) + "|"
    return "\n".join(lines) + "\n"


RAG_COLOURS = {"green": "#2e7d32", "amber": "#ef8f00", "red": "#c62828", "": "#9e9e9e"}


def rag_badge(rag: str | None, note: str = "", *, empty: str = "n/a") -> Html:
    """A coloured RAG label; the word is there too, so colour is never the only signal. ``empty``: the
    word shown when there is no RAG ("no report", "not judged")."""
    value = rag if rag in RAG_COLOURS else ""
    title = f' title="{esc_attr(note)}"' if note else ""
    return Html(
        f'<span class="pmo-rag pmo-rag-{value or "none"}"{title} style="background:{RAG_COLOURS[value]};'
        f'color:#fff;padding:0 .3em;border-radius:.2em;font-size:.85em;white-space:nowrap">{value or esc(empty)}</span>'
    )


def num(value: float | None, digits: int = 2) -> str:
    """A number rounded for display, without trailing zeros; '–' when unknown."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    text = f"{value:,.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def money(value: float | None, currency: str = "") -> str:
    if value is None:
        return "–"
    text = num(value, 0)
    return f"{text} {currency}".strip()


def amounts(by_currency: Mapping[str, float]) -> str:
    """ "1,200,000 EUR + 50,000 USD": amounts in different currencies are never added up."""
    shown = [money(v, c) for c, v in sorted(by_currency.items()) if v]
    return " + ".join(shown) or money(0.0)


def pct(value: float | None) -> str:
    return "–" if value is None else f"{num(value, 0)}%"
