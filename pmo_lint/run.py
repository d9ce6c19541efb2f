"""The one way into a check: ``check(options, inputs) -> Run``.

Every command that checks a portfolio comes through here (``check``, PR mode, ``history``, the site,
``test-policies``, ``fix``). It resolves the root, the configuration and the as-of date once; a
plain run (nothing handed in) is first looked up in the whole-run cache, and the engine (with
pydantic and the rules) is imported only when that cache cannot answer, so a warm pre-commit run
costs the scan of the tree and not the import of the models.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from dataclasses import replace
from pathlib import Path

from pmo_lint.cache import scan as scanning
from pmo_lint.config import Config, load_config
from pmo_lint.errors import UsageError
from pmo_lint.loader.discover import find_root
from pmo_lint.options import Run, RunInputs, RunOptions


def portfolio_root(options: RunOptions) -> Path:
    """The root of the portfolio every named path belongs to."""
    paths = options.paths or (Path(),)
    root = find_root(paths[0])
    for p in paths[1:]:
        if find_root(p) != root:
            raise UsageError(f"{p} belongs to another portfolio than {paths[0]}")
    return root


def check(options: RunOptions, inputs: RunInputs | None = None) -> Run:
    """Check a portfolio. Raises the errors of ``pmo_lint.errors`` for bad input; never exits."""
    root = portfolio_root(options)
    given = inputs or RunInputs()
    config = given.config or load_config(root, options.config_path)
    as_of = options.as_of or dt.date.today()
    # a run builds hundreds of thousands of objects and frees them together (see no_cyclic_gc)
    with scanning.no_cyclic_gc():
        uses_cache = not options.no_cache and os.environ.get("PMO_LINT_NO_CACHE", "") in ("", "0")
        scan = scanning.open_scan(root, config.cache_dir) if uses_cache and given.load is None else None
        if scan is None:
            return _execute(options, given, root, config, as_of)
        with contextlib.closing(scan):
            return _with_cache(options, given, root, config, as_of, scan, plain=given == RunInputs())


def _with_cache(
    options: RunOptions,
    given: RunInputs,
    root: Path,
    config: Config,
    as_of: dt.date,
    scan: scanning.Scan,
    *,
    plain: bool,
) -> Run:
    from pmo_lint.cache import whole_run

    if plain:
        hit = whole_run.stored(scan, options, config, as_of)
        if hit is not None:
            return Run(hit)
    run = _execute(options, replace(given, scan=scan), root, config, as_of)
    if plain:
        whole_run.store(scan, options, config, run.result)
    scanning.save_stat_map(scan)
    return run


def _execute(options: RunOptions, inputs: RunInputs, root: Path, config: Config, as_of: dt.date) -> Run:
    from pmo_lint.engine import execute  # pydantic, jsonschema and every rule: only when needed

    return execute(options, inputs, root, config, as_of)
