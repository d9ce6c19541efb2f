"""Text for ``pmo-lint rules`` and ``pmo-lint explain``, generated from the rules' own docs.

Not a command module itself (it defines no ``command``): the two commands call it.
"""

from __future__ import annotations

import json

from pmo_lint.errors import UsageError
from pmo_lint.rules.base import RuleMeta
from pmo_lint.rules.registry import all_metas, find_meta


def _metas() -> list[RuleMeta]:
    """Every rule, plus the custom packs of the configuration found from the current folder."""
    from pathlib import Path

    from pmo_lint.config import find_config, read_config_file
    from pmo_lint.errors import PmoLintError
    from pmo_lint.rules.policy import load_policies

    metas = all_metas()
    try:
        found = find_config(Path.cwd())
        config = read_config_file(found) if found else None
    except PmoLintError:
        return metas  # `check` reports a broken configuration; listing rules still works
    if config is None or not config.policies:
        return metas
    custom = load_policies(
        config_dir=Path(config.source).parent,
        config_policies=config.policies,
        taken=[k for m in metas for k in (m.code, m.id)],
        compile_cel=False,
        shipped=False,
        plugins=False,
    )
    return sorted([*metas, *custom.metas()], key=lambda m: m.code)


def list_rules(pack: str | None, fmt: str) -> str:
    metas = _metas()
    packs = sorted({m.pack for m in metas})
    if pack is not None:
        if pack not in packs:
            raise UsageError(f"unknown pack {pack!r}; choose from {', '.join(packs)}")
        metas = [m for m in metas if m.pack == pack]
    if fmt == "json":
        rows = [
            {
                "code": m.code,
                "id": m.id,
                "pack": m.pack,
                "severity": m.severity.label,
                "title": m.title,
                "fixable": m.fixable,
            }
            for m in metas
        ]
        return json.dumps(rows, indent=2) + "\n"
    width_id = max((len(m.id) for m in metas), default=2)
    width_pack = max((len(m.pack) for m in metas), default=4)
    lines = [f"{'CODE':<8} {'ID':<{width_id}} {'PACK':<{width_pack}} {'SEVERITY':<8} TITLE"]
    for m in metas:
        lines.append(f"{m.code:<8} {m.id:<{width_id}} {m.pack:<{width_pack}} {m.severity.label:<8} {m.title}")
    lines.append(f"{len(metas)} rules in {len({m.pack for m in metas})} pack(s)")
    return "\n".join(lines) + "\n"


def _indent(text: str) -> str:
    return "\n".join("    " + line if line else "" for line in text.rstrip("\n").splitlines())


def render_docs(meta: RuleMeta) -> str:
    d = meta.docs
    parts = [
        f"{meta.code} {meta.id}: {meta.title}",
        f"pack: {meta.pack} · default severity: {meta.severity.label}"
        + (f" · enforces: {meta.standard}" if meta.standard else "")
        + (" · fixable" if meta.fixable else "")
        + ("" if meta.can_disable else " · cannot be disabled"),
        "",
        "What it checks",
        "  " + d.what,
        "",
        "Why it matters",
        "  " + d.why,
        "",
        "Example",
        _indent(d.example),
        "",
        "Use instead",
        _indent(d.use_instead),
    ]
    if d.options:
        parts += ["", "Options", "  " + d.options]
    return "\n".join(parts) + "\n"


def explain_rule(key: str) -> str:
    metas = _metas()
    meta = find_meta(key, metas)
    if meta is None:
        raise UsageError(f"unknown rule {key!r}; `pmo-lint rules` lists them")
    return render_docs(meta)
