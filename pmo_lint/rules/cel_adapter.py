"""The one place that imports the CEL evaluator (the ``common-expression-language`` package).

Why not plain ``import cel``: the package's ``__init__`` also imports its command-line tool
(typer, prompt_toolkit, rich), which costs ~0.6 s on a cold start — longer than the rest of a
pre-commit run. We load the Rust extension ``cel.cel`` and the pure-Python ``cel.stdlib`` straight
from the installed package, and fall back to the plain import if its layout ever changes.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any


def _load(name: str, path: Path, loader: Any) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path, loader=loader)
    if spec is None:
        raise ImportError(name)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # registered first, so `from .cel import …` in stdlib finds it
    try:
        loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module


def modules() -> tuple[ModuleType, ModuleType]:
    """(the extension with compile/Context/Program, the stdlib module with add_stdlib_to_context)."""
    if "cel.cel" in sys.modules and "cel.stdlib" in sys.modules:
        return sys.modules["cel.cel"], sys.modules["cel.stdlib"]
    try:
        spec = importlib.util.find_spec("cel")  # locates the package without running its __init__
        folder = Path(next(iter(spec.submodule_search_locations or ()))) if spec else None
        if folder is None:
            raise ImportError("cel")
        ext_path = next(
            folder / f"cel{suffix}"
            for suffix in importlib.machinery.EXTENSION_SUFFIXES
            if (folder / f"cel{suffix}").is_file()
        )
        ext = sys.modules.get("cel.cel") or _load(
            "cel.cel", ext_path, importlib.machinery.ExtensionFileLoader("cel.cel", str(ext_path))
        )
        std_path = folder / "stdlib.py"
        std = sys.modules.get("cel.stdlib") or _load(
            "cel.stdlib", std_path, importlib.machinery.SourceFileLoader("cel.stdlib", str(std_path))
        )
        return ext, std
    except (ImportError, StopIteration, OSError):
        import cel
        from cel import stdlib

        return cel, stdlib
