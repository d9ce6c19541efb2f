"""PR mode and waivers: an unused waiver the base already had is an existing finding, not a new one."""

from __future__ import annotations

from collections.abc import Callable

from pmo_lint import gitmode
from pmo_lint.options import RunOptions
from tests.git.conftest import Repo, base_files

WAIVER = """\
apiVersion: pmo-lint/v1
kind: Waiver
metadata:
  name: crm-references
spec:
  check: {check}
  targets: [project:crm]
  justification: The team folder moves next quarter.
  approvedBy: person:pat-director
  created: 2025-01-10
  expires: 2099-12-31
"""


def _states(repo: Repo) -> dict[str, str]:
    result = gitmode.run_pr(RunOptions(paths=(repo.root,), no_cache=True), "main")
    return {d.code: d.baseline_state for d in result.diagnostics if d.code == "GOV051"}


def test_unused_waiver_the_base_had_is_existing(make_repo: Callable[..., Repo]) -> None:
    # PMO007 reports nothing on project crm, so the waiver hides nothing at base and at head; the head
    # run's findings do not include PMO007, yet the base run must evaluate it to find the same GOV051
    repo = make_repo({**base_files(), "waivers/crm-references.yaml": WAIVER.format(check="PMO007")})
    repo.write({"people/jo-pm.yaml": base_files()["people/jo-pm.yaml"].replace("Jo PM", "Jo Pm")}).commit("rename")
    assert _states(repo) == {"GOV051": "existing"}


def test_waiver_made_unused_by_the_change_is_new(make_repo: Callable[..., Repo]) -> None:
    # at base the waiver hides a dangling owner; the change fixes the owner, so the waiver is newly unused
    files = {**base_files(), "waivers/crm-references.yaml": WAIVER.format(check="PMO007")}
    fixed = files["projects/crm/project.yaml"]
    files["projects/crm/project.yaml"] = fixed.replace("owner: person:jo-pm", "owner: person:nobody")
    repo = make_repo(files)
    repo.write({"projects/crm/project.yaml": fixed}).commit("fix the owner")
    assert _states(repo) == {"GOV051": "new"}
