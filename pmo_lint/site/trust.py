"""Whether ``pmo-lint site build`` may hand a repository's own ``mkdocs.yml`` to MkDocs without trust.

The settings themselves are judged by :mod:`pmo_lint.rules.builtin_site` (the same judgement as rule
PMO014). Here the files they name are looked at too: the docs folder, the snippet folders and the
pmo-lint plugin's paths must resolve inside the repository, and no symbolic link under them may lead
out of it (MkDocs copies and pymdownx.snippets includes what a link points to).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pmo_lint.loader.yamlio import LoadedDocument, parse_text
from pmo_lint.rules.builtin_site import TRUST_HINT, Unsafe, inspect_site_config, read_site_config

MAX_REPORTED = 20


def _named_paths(data: dict[str, Any]) -> Iterator[tuple[str, str, bool]]:
    """(setting, path, is a folder to search for links) of what the configuration reads from disk."""
    docs_dir = data.get("docs_dir", "docs")
    if isinstance(docs_dir, str):
        yield "docs_dir", docs_dir, True
    for key, entries in (("plugins", data.get("plugins")), ("markdown_extensions", data.get("markdown_extensions"))):
        items = (
            entries.items()
            if isinstance(entries, dict)
            else (
                next(iter(e.items())) if isinstance(e, dict) and len(e) == 1 else (e, None)
                for e in (entries if isinstance(entries, list) else [])
            )
        )
        for name, options in items:
            opts = options if isinstance(options, dict) else {}
            if key == "plugins" and name == "pmo-lint":
                for option in ("portfolio", "history", "config_file"):
                    if isinstance(opts.get(option), str):
                        yield f"pmo-lint {option}", opts[option], option == "portfolio"
            elif key == "markdown_extensions" and name == "pymdownx.snippets":
                bases = opts.get("base_path", ["."])
                for base in bases if isinstance(bases, list) else [bases]:
                    if isinstance(base, str):
                        yield "pymdownx.snippets base_path", base, True


def _links_out(folder: Path, root: Path) -> Iterator[Path]:
    """Symbolic links under ``folder`` whose target is outside ``root`` (or does not resolve)."""
    stack = [str(folder)]
    while stack:  # os.scandir: the file type comes with the listing, no stat call per file
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:
            continue
        for entry in entries:
            if entry.is_symlink():
                try:
                    target = Path(entry.path).resolve(strict=True)
                except (OSError, RuntimeError):
                    yield Path(entry.path)
                    continue
                if not target.is_relative_to(root):
                    yield Path(entry.path)
            elif entry.name != ".git" and entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)


def refused(config_file: Path) -> list[str]:
    """Why an untrusted build refuses ``config_file``, one ``file:line:col: message`` each; empty: it may build."""
    shown = str(config_file)
    root = config_file.parent.resolve()
    if config_file.is_symlink() and not config_file.resolve().is_relative_to(root):
        return [f"{shown}:1:1: the file links outside the repository; {TRUST_HINT}"]
    text = read_site_config(config_file)
    problems: list[Unsafe] = [text] if isinstance(text, Unsafe) else inspect_site_config(text)
    out = [f"{shown}:{u.line}:{u.col}: {u.message}" for u in problems]
    if out or isinstance(text, Unsafe):
        return out[:MAX_REPORTED]
    doc = parse_text(text)
    assert isinstance(doc, LoadedDocument)  # inspect_site_config reported anything else
    for setting, value, is_folder in _named_paths(doc.data):
        target = (root / value).resolve()
        if not target.is_relative_to(root):
            out.append(f"{shown}: {setting} {value!r} resolves outside the repository; {TRUST_HINT}")
        elif is_folder and target.is_dir():
            for link in sorted(_links_out(target, root)):
                rel = link.relative_to(root) if link.is_relative_to(root) else link
                out.append(f"{rel}: a symbolic link to a file outside the repository would be published; {TRUST_HINT}")
                if len(out) >= MAX_REPORTED:
                    return out
    return list(dict.fromkeys(out))[:MAX_REPORTED]
