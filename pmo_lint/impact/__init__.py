"""The change-impact preview: what a branch or a pending change request does to the portfolio.

- ``snapshot``: a portfolio (catalog and facts of a run) reduced to budgets, envelopes, loads, key dates
  and benefits; ``with_change_request`` applies a request's stated deltas to it;
- ``compare``: two snapshots (and the findings of both runs) → the ``Impact`` record (``record``);
- ``branch``: the working tree against a git ref, read and checked as PR mode does;
- ``render``: the record as tables, Markdown (PR comment), text and JSON.

Pure below ``branch``: no click, no I/O; ``pmo-lint impact``, ``check --base`` and the site use it.
"""
