"""docs/appraisal.md: every example runs, and gives the findings the page says it gives."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from pmo_lint.model.kinds import Appraisal
from tests.policies.conftest import BASE, check, portfolio, split_documents

TEXT = (Path(__file__).resolve().parents[2] / "docs" / "appraisal.md").read_text(encoding="utf-8")
FOUND = [
    (m.group(1), m.group(2).split(), m.group(3))
    for m in re.finditer(r"<!-- example: (\S+)((?: [A-Z0-9a-z]+)*) -->\n```yaml\n(.*?)```", TEXT, flags=re.S)
]
CASES = [(n, w, b) for n, w, b in FOUND if n.startswith("case")]
CLOSURES = [(n, w, b) for n, w, b in FOUND if n.startswith("closure")]
CODES = ["STR009", "STR014", "STR015", "STR016", "TRF009"]
AFTER_CLOSURE = ["STR014", "STR015", "TRF009"]
BASE_PMO = (BASE / "pmo.yaml").read_text(encoding="utf-8")
CRM = (BASE / "projects" / "crm-migration" / "project.yaml").read_text(encoding="utf-8")


def _indent(block: str, by: int) -> str:
    return "".join(" " * by + line + "\n" for line in block.splitlines())


def _expected(words: list[str]) -> list[str]:
    return sorted(w for w in words if w != "clean")


def test_every_yaml_block_of_the_page_is_an_example() -> None:
    assert len(FOUND) == TEXT.count("```yaml") == 9


def test_the_config_example_is_valid_and_applies(tmp_path: Path) -> None:
    block = next(b for n, _, b in FOUND if n == "config")
    assert Appraisal.model_validate(yaml.safe_load(block)["appraisal"]).method == "public-sector"
    # under a public-sector PMO the base portfolio's commercial cases (NPV only) miss their BCR
    pmo = BASE_PMO.replace("  cadence:\n", _indent(block, 2) + "  cadence:\n", 1)
    found = check(portfolio(tmp_path, {"pmo.yaml": pmo}), ["STR009"])
    assert {d.path for d in found} == {
        "projects/crm-migration/project.yaml",
        "projects/intranet-refresh/project.yaml",
    }
    assert all("benefit–cost ratio" in d.message for d in found)


@pytest.mark.parametrize(("name", "words", "block"), CASES, ids=[n for n, _, _ in CASES])
def test_business_case_examples_give_the_findings_the_page_names(
    name: str, words: list[str], block: str, tmp_path: Path
) -> None:
    text = CRM.replace("crm-migration", "demo")
    text = re.sub(r"^  businessCase:\n(?:^    .*\n)+", _indent(block, 2), text, count=1, flags=re.M)
    found = check(portfolio(tmp_path, {"projects/demo/project.yaml": text}), CODES)
    got = sorted({d.code for d in found if d.path == "projects/demo/project.yaml"})
    assert got == _expected(words), [d.message for d in found if "demo" in d.path]


@pytest.mark.parametrize(("name", "words", "block"), CLOSURES, ids=[n for n, _, _ in CLOSURES])
def test_closure_examples_give_the_findings_the_page_names(
    name: str, words: list[str], block: str, tmp_path: Path
) -> None:
    found = check(portfolio(tmp_path, split_documents(block)), AFTER_CLOSURE)
    got = sorted({d.code for d in found if d.path.startswith("projects/intranet-refresh/")})
    assert got == _expected(words), [d.message for d in found]
