"""Light commands start without the heavy libraries (DESIGN §5): checked with `python -X importtime`."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

HEAVY = ("pydantic", "jsonschema", "git", "mkdocs")


def imported_modules(*args: str) -> tuple[int, set[str]]:
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "pmo_lint", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )
    names = set()
    for line in proc.stderr.splitlines():
        # "import time:       123 |        456 |     package.module"
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip())
    return proc.returncode, names


@pytest.mark.parametrize(
    "args",
    [("--version",), ("--help",), ("check", "--help"), ("rules",), ("explain", "PMO007")],
    ids=["version", "help", "check-help", "rules", "explain"],
)
def test_light_commands_skip_heavy_imports(args: tuple[str, ...]) -> None:
    code, names = imported_modules(*args)
    assert code == 0
    assert "pmo_lint.cli" in names, "importtime output not understood"
    heavy = sorted(n for n in names if n.split(".")[0] in HEAVY)
    assert heavy == [], f"`pmo-lint {' '.join(args)}` imports {heavy[:10]}"


def test_the_guard_can_fail() -> None:
    # `check` needs pydantic: the same parsing must see it, or the test above proves nothing
    _code, names = imported_modules("check", str(ROOT / "tests" / "portfolios" / "clean"), "--no-cache")
    assert "pydantic" in names


@pytest.mark.parametrize(
    ("args", "expected"), [(["--version"], []), (["check", "--help"], ["check"]), (["rules", "--help"], ["rules"])]
)
def test_version_builds_no_command(args: list[str], expected: list[str]) -> None:
    # the group imports a command's module only when the command is named (or listed by --help); read from
    # sys.modules because -X importtime does not report modules loaded by importlib.import_module
    code = (
        "import json, sys\nfrom pmo_lint.cli import main\n"
        f"rc = main({args!r})\n"
        "print(json.dumps(sorted(m.rpartition('.')[2] for m in sys.modules if m.startswith('pmo_lint.commands.'))))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    loaded = json.loads(proc.stdout.strip().splitlines()[-1])
    assert sorted(set(loaded) - {"common", "params"}) == expected
