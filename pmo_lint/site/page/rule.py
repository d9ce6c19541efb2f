"""Rule documentation pages, generated from the rules' own docs (the text ``pmo-lint explain`` prints)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pmo_lint.diagnostics import RuleMeta
from pmo_lint.site.html import block, code_text, esc, md_table, name_text, pre
from pmo_lint.site.page.common import Ctx, front

HERE = "rules.md"


def anchor(meta: RuleMeta) -> str:
    return meta.code.lower()


def rule_body(meta: RuleMeta, heading: str | None = "h2") -> str:
    """One rule's documentation as a raw HTML block (rule text may come from a custom pack)."""
    d = meta.docs
    facts = [f"pack {meta.pack}", f"default severity {meta.severity.label}"]
    if meta.standard:
        facts.append(f"enforces {meta.standard}")
    if meta.fixable:
        facts.append("fixable")
    if not meta.can_disable:
        facts.append("cannot be disabled")
    lines = [
        f'<{heading} id="{anchor(meta)}">{esc(meta.code)} {esc(meta.id)}</{heading}>' if heading else "",
        f"<p><strong>{esc(meta.title)}</strong><br><small>{esc(' · '.join(facts))}</small></p>",
        f"<p><strong>What it checks.</strong> {code_text(d.what)}</p>",
        f"<p><strong>Why it matters.</strong> {code_text(d.why)}</p>",
        "<p><strong>Example</strong> (reported):</p>",
        pre(d.example),
        "<p><strong>Use instead</strong> (passes):</p>",
        pre(d.use_instead),
    ]
    if d.options:
        lines.append(f"<p><strong>Options.</strong> {code_text(d.options)}</p>")
    return block(*lines)


def render(ctx: Ctx) -> dict[str, str]:
    metas: list[RuleMeta] = [m for m in ctx.rules if isinstance(m, RuleMeta)]
    out = [front("Rules"), "# Rule catalogue\n\n"]
    out.append(
        f"{len(metas)} rules in {len({m.pack for m in metas})} packs. `pmo-lint explain CODE` prints the same text; "
        "`pmo.yaml` `pmoTypes` enables the packs.\n\n"
    )
    out.append(_index(metas, lambda m: f"#{anchor(m)}"))
    for m in metas:
        out.append("\n" + rule_body(m))
    return {HERE: "".join(out)}


def _index(metas: Sequence[RuleMeta], link: Callable[[RuleMeta], str]) -> str:
    rows = [
        (f"[{esc(m.code)}]({link(m)})", name_text(m.id), esc(m.pack), esc(m.severity.label), esc(m.title))
        for m in metas
    ]
    return md_table(("Code", "Id", "Pack", "Severity", "Title"), rows)


def reference_pages(metas: Sequence[RuleMeta], prefix: str) -> dict[str, str]:
    """The rule reference of the project's own docs: an index and a page per rule, under ``prefix``."""
    base = prefix.strip("/")
    pages = {}
    packs = sorted({m.pack for m in metas})
    index = [front("Rules"), "# Rule reference\n\n"]
    index.append(
        f"{len(metas)} rules in {len(packs)} packs, generated from the rules' own documentation "
        "(`pmo-lint explain CODE` prints the same). Packs are enabled by `pmoTypes` in `pmo.yaml`; "
        "`--select`, `--ignore` and the configuration file pick single rules.\n\n"
    )
    for pack in packs:
        index.append(f"## {esc(pack)}\n\n")
        index.append(_index([m for m in metas if m.pack == pack], lambda m: f"{anchor(m)}.md"))
        index.append("\n")
    pages[f"{base}/index.md"] = "".join(index)
    for m in metas:
        pages[f"{base}/{anchor(m)}.md"] = (
            front(f"{m.code} {m.id}")
            + f"# {esc(m.code)} {name_text(m.id)}\n\n"
            + rule_body(m, None)
            + "\n[All rules](index.md)\n"
        )
    return pages
