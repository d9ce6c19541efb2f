"""The impact of a branch: the working tree against the merge base of a ref, read as PR mode reads it.

``gitmode.load_change`` reads both sides once (the working tree with the per-file cache, the base from
the object database); both are checked in full with ``run.check``, keeping their catalogs and facts, so
the findings new and resolved come from the same rules the pull request's check runs.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from pmo_lint.impact.compare import compare
from pmo_lint.impact.render import COMMENT_ROWS, tables
from pmo_lint.impact.snapshot import snapshot
from pmo_lint.options import RunInputs

if TYPE_CHECKING:
    from pmo_lint.diagnostics import Result
    from pmo_lint.impact.record import Impact
    from pmo_lint.options import RunOptions


def branch_impact(opts: RunOptions, base_ref: str) -> Impact:
    """What the working tree does to the portfolio at the merge base of ``base_ref`` (``auto``: the CI's base).

    Raises ``GitError`` / ``UsageError`` for a bad ref, a folder outside git, or a shallow clone."""
    from pmo_lint.gitmode import load_change  # git only when asked for
    from pmo_lint.run import check

    change = load_change(opts, base_ref)
    head = check(opts, change.head_inputs(keep_model=True))
    base_inputs = RunInputs(
        config=change.target.config,
        load=change.base_rev.loader(),
        files=change.base_rev.files,
        locate=False,  # resolved findings are shown by entity and message, not by line
        policies=head.policies,
        keep_model=True,
    )
    base = check(opts, base_inputs)
    assert base.catalog is not None and base.facts is not None, "a run with inputs keeps its model"
    assert head.catalog is not None and head.facts is not None, "a run with inputs keeps its model"
    branch = change.target.repo.branch or "detached HEAD"
    return compare(
        snapshot(base.catalog, base.facts),
        snapshot(head.catalog, head.facts),
        subject=f"{branch} (working tree) against {change.base_ref}",
        findings=(base.result.diagnostics, head.result.diagnostics),
        base_ref=change.base_ref,
        base=change.base,
        head=change.head,
    )


def with_impact(result: Result, opts: RunOptions, base_ref: str) -> Result:
    """A PR mode result with the change impact in its summary (the Markdown report's "Change impact")."""
    if result.pr is None:
        return result
    found = tables(branch_impact(opts, base_ref), max_rows=COMMENT_ROWS)
    return dataclasses.replace(result, pr=dataclasses.replace(result.pr, impact=found))
