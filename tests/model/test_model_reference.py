"""The data-model reference: current with the models, its examples valid, its "read by" column derived."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from pmo_lint.loader.yamlio import LoadedDocument, parse_text
from pmo_lint.model.kinds import ALL_KINDS, KIND_BY_NAME
from pmo_lint.model.reference import example_yaml, field_rows, layout_order
from pmo_lint.rules.base import RuleDocs, RuleMeta
from pmo_lint.rules.core import LOAD_RULES
from pmo_lint.rules.reads import ENVELOPE, Read, declared_reads, expression_reads, model_reference, read_index
from pmo_lint.schema.export import schema_file_name
from pmo_lint.schema.validate import validate
from tests.conftest import ROOT, run_cli

PAGE = ROOT / "docs" / "model-reference.md"
_BLOCK = re.compile(r"^```yaml\n(.*?)^```", re.S | re.M)


def test_checked_in_page_is_current() -> None:
    page, _ = model_reference()
    assert PAGE.read_text(encoding="utf-8") == page, (
        "docs/model-reference.md is out of date; run `pmo-lint schema docs`"
    )


def test_cli_check_reports_drift_and_write_fixes_it(tmp_path: Path) -> None:
    out = tmp_path / "ref.md"
    out.write_text("# edited by hand\n", encoding="utf-8")
    stale = run_cli("schema", "docs", "--check", "--out", str(out))
    assert stale.code == 1 and "out of date" in stale.err and "pmo-lint schema docs" in stale.err
    assert run_cli("schema", "docs", "--out", str(out)).code == 0
    assert run_cli("schema", "docs", "--check", "--out", str(out)).code == 0


def _examples() -> list[tuple[str, str]]:
    """(section title, YAML) of every example on the page."""
    out = []
    for section in PAGE.read_text(encoding="utf-8").split("\n## ")[1:]:
        out += [(section.split("\n", 1)[0], block) for block in _BLOCK.findall(section)]
    return out


def test_one_example_per_kind_in_layout_order() -> None:
    assert [kind for kind, _ in _examples()] == [k.KIND for k in layout_order(ALL_KINDS)]


@pytest.mark.parametrize(("kind", "text"), _examples(), ids=[k for k, _ in _examples()])
def test_example_passes_the_loader_the_model_and_the_published_schema(kind: str, text: str) -> None:
    doc = parse_text(text)
    assert isinstance(doc, LoadedDocument) and not doc.notes, doc
    entity, problems = validate(doc.data)
    assert problems == [] and entity is not None and kind == entity.KIND
    schema = json.loads((ROOT / "schemas" / schema_file_name(kind)).read_text(encoding="utf-8"))
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(doc.data)) == []


def test_examples_load_in_a_real_check_without_load_problems(tmp_path: Path) -> None:
    for model in ALL_KINDS:
        data = parse_text(example_yaml(model))
        assert isinstance(data, LoadedDocument)
        md = data.data["metadata"]
        rel = model.FOLDER.format(name=md["name"], namespace=md.get("namespace", ""), year="2025")
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(example_yaml(model), encoding="utf-8")
    res = run_cli("check", str(tmp_path), "--as-of", "2025-06-30", "--format", "json")
    assert res.code in (0, 1), res.err
    codes = {d["code"] for d in json.loads(res.out)["diagnostics"]}
    assert not codes & {m.code for m in LOAD_RULES}, codes


def test_rows_say_types_in_user_words() -> None:
    rows = {r.path: r for r in field_rows(KIND_BY_NAME["Project"])}
    assert rows["spec.budget.bac"].type.startswith("money amount") and rows["spec.budget.bac"].required
    assert rows["spec.owner"].type == "reference to Person" and not rows["spec.owner"].required
    assert rows["spec.milestones[].forecastDate"].type == "date YYYY-MM-DD"
    assert rows["spec.lifecycle.state"].default == "`active`"
    assert "`cancelled`" in rows["spec.lifecycle.state"].type


def test_expression_reads_follow_each_items_and_macro_variables() -> None:
    item = Read("Project", "spec.milestones§")
    got = expression_reads(
        "item.dependsOn.all(d, entity.spec.milestones.exists(m, m.id == d)) && config.cadence.crDecisionMaxDays > 1.0"
        " && 'entity.spec.fake' != '' && facts.status.ageDays > 0.0 && entity.metadata.name != ''",
        "Project",
        {"item": item},
    )
    reads = {(r.kind, r.path, fact) for r, fact in got}
    assert ("Project", "spec.milestones§.dependsOn", "") in reads
    assert ("Project", "spec.milestones§.id", "") in reads  # `m` stands for a milestone
    assert ("PMOConfig", "spec.cadence.crDecisionMaxDays", "") in reads
    assert ("Project", "", "status.ageDays") in reads
    assert (ENVELOPE, "metadata.name", "") in reads
    assert not any("fake" in path for _, path, _ in reads)  # text in quotes is not a read


def test_shipped_rules_name_only_documented_fields() -> None:
    _, index = model_reference()
    assert index.unknown == []
    project = index.readers["Project"]
    assert "TAC011" in project["spec.milestones[].forecastDate"]  # through `each`
    assert "TAC001" in index.readers["StatusReport"]["spec.reportDate"]  # through facts.status
    assert "TAC003" in index.readers["StatusReport"]["spec.health.cost.comment"]  # health[d]


def test_declared_reads_of_builtin_rules_are_listed_and_checked() -> None:
    docs = RuleDocs(what="w", why="y", example="", use_instead="")
    meta = RuleMeta(
        "x", "ZZZ001", "t", LOAD_RULES[0].severity, "core", docs, kinds=("Project",),
        reads=("spec.milestones[].dependsOn", "Allocation:spec.person", "spec.nope"),
    )  # fmt: skip
    assert Read("Project", "spec.milestones[].dependsOn") in declared_reads(meta)
    index = read_index([], [meta])
    assert index.readers["Project"]["spec.milestones[].dependsOn"] == ["ZZZ001"]
    assert index.readers["Allocation"]["spec.person"] == ["ZZZ001"]
    assert index.unknown == [("ZZZ001", "Project:spec.nope")]
