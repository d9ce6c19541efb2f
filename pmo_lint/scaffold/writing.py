"""How new files are written: text values as YAML, and files that must not exist yet.

``new``, ``init`` and ``import`` share these, so a file looks the same whichever command wrote it.
"""

from __future__ import annotations

import re
from pathlib import Path

_PLAIN_TEXT = re.compile(r"[A-Za-z][A-Za-z0-9 ,.()/-]*[A-Za-z0-9.)]\Z|[A-Za-z]\Z")


def yaml_text(value: str) -> str:
    """A free-text value as YAML: plain when that reads back as the same string, else quoted."""
    import json

    from pmo_lint.loader.yamlio import LoadedDocument, parse_text

    if _PLAIN_TEXT.match(value):
        doc = parse_text(f"v: {value}\n")
        if isinstance(doc, LoadedDocument) and doc.data.get("v") == value and not doc.notes:
            return value
    return json.dumps(value, ensure_ascii=False)


def write_new(target: Path, text: str) -> None:
    """Create a file that must not exist yet (``x`` mode: a race never overwrites)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("x", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
