"""PR mode: findings marked new or existing by fingerprint, the --new-only ratchet, base detection."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import git, run_cli
from tests.git.conftest import PMO, Repo

PERSON = """\
apiVersion: pmo-lint/v1
kind: Person
metadata:
  name: {name}
spec:
  profile: {{displayName: {name}}}
  roles: [project-manager]
  memberOf: [team:{team}]
"""


def _people(n: int) -> dict[str, str]:
    # each person names a team that does not exist: one PMO007 finding per file
    return {f"people/p{i:02d}.yaml": PERSON.format(name=f"p{i:02d}", team=f"ghost-{i}") for i in range(n)}


def _moved(text: str) -> str:
    """The same entity with its lines moved: comments on top and the keys in another order."""
    lines = text.splitlines()
    head, spec = lines[:4], lines[4:]
    return "# moved around\n#\n#\n" + "\n".join([*head[2:4], *head[:2], *spec]) + "\n"


@pytest.fixture
def ratchet_repo(make_repo: Callable[..., Repo]) -> Repo:
    repo = make_repo({"pmo.yaml": PMO, **_people(20)})
    moved = {rel: _moved(text) for rel, text in _people(20).items()}
    repo.write({**moved, "people/zz-new.yaml": PERSON.format(name="zz-new", team="ghost-new")}).commit("one more")
    return repo


def test_new_only_reports_and_fails_on_exactly_the_new_finding(ratchet_repo: Repo) -> None:
    res = run_cli("check", "--base", "main", "--new-only", "--select", "PMO", cwd=ratchet_repo.root)
    assert res.code == 1, res.err
    findings = [line for line in res.out.splitlines() if ": PMO" in line]
    assert findings == [
        "people/zz-new.yaml:8:14: PMO007 [error] 'team:ghost-new' does not resolve: no Team named 'ghost-new'; "
        "create it or fix the reference"
    ]
    assert "1 new, 20 existing (existing findings not shown: --new-only)" in res.out


def test_all_findings_are_reported_with_their_state(ratchet_repo: Repo) -> None:
    res = run_cli("check", "--base", "main", "--select", "PMO", "--format", "json", cwd=ratchet_repo.root)
    assert res.code == 1, res.err
    doc = json.loads(res.out)
    states = {d["path"]: d["state"] for d in doc["diagnostics"]}
    assert len(states) == 21
    assert [p for p, s in states.items() if s == "new"] == ["people/zz-new.yaml"]
    assert doc["base"] == git(ratchet_repo.root, "rev-parse", "main").strip()
    assert doc["head"] == git(ratchet_repo.root, "rev-parse", "HEAD").strip()
    # the lines really moved: the fingerprint, not the line, matched them
    assert {d["line"] for d in doc["diagnostics"] if d["state"] == "existing"} == {11}


def test_new_only_passes_when_nothing_is_new(make_repo: Callable[..., Repo]) -> None:
    repo = make_repo({"pmo.yaml": PMO, **_people(3)})
    repo.write({"people/p00.yaml": _moved(_people(1)["people/p00.yaml"])}).commit("reformat")
    res = run_cli("check", "--base", "main", "--new-only", "--select", "PMO", cwd=repo.root)
    assert res.code == 0, res.out + res.err
    assert "0 new, 3 existing" in res.out
    plain = run_cli("check", "--select", "PMO", cwd=repo.root)
    assert plain.code == 1  # the ratchet only hides what the base already had


def test_uncommitted_working_tree_is_the_head(make_repo: Callable[..., Repo]) -> None:
    repo = make_repo({"pmo.yaml": PMO, **_people(1)})
    repo.write({"people/p01.yaml": PERSON.format(name="p01", team="ghost-x")})  # not committed
    res = run_cli("check", "--base", "main", "--select", "PMO", "--format", "json", cwd=repo.root)
    doc = json.loads(res.out)
    assert sorted((d["path"], d["state"]) for d in doc["diagnostics"]) == [
        ("people/p00.yaml", "existing"),
        ("people/p01.yaml", "new"),
    ]


def test_base_auto_reads_github_and_gitlab_variables(
    make_repo: Callable[..., Repo], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from pmo_lint.cli import main

    repo = make_repo({"pmo.yaml": PMO, **_people(1)})
    repo.write({"people/p01.yaml": PERSON.format(name="p01", team="ghost-x")}).commit("new finding")
    git(repo.root, "update-ref", "refs/remotes/origin/main", "main")
    monkeypatch.chdir(repo.root)
    for name in ("GITHUB_BASE_REF", "CI_MERGE_REQUEST_DIFF_BASE_SHA"):
        monkeypatch.delenv(name, raising=False)

    monkeypatch.setenv("GITHUB_BASE_REF", "main")
    assert main(["check", "--new-only", "--select", "PMO"]) == 1
    assert "merge base with origin/main" in capsys.readouterr().out

    monkeypatch.delenv("GITHUB_BASE_REF")
    monkeypatch.setenv("CI_MERGE_REQUEST_DIFF_BASE_SHA", git(repo.root, "rev-parse", "main").strip())
    assert main(["check", "--new-only", "--select", "PMO"]) == 1
    assert "1 new, 1 existing" in capsys.readouterr().out

    monkeypatch.delenv("CI_MERGE_REQUEST_DIFF_BASE_SHA")
    assert main(["check", "--new-only"]) == 2
    assert "--base auto found no base" in capsys.readouterr().err


def test_only_files_that_differ_are_validated_again(
    make_repo: Callable[..., Repo], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Identical blobs reuse the head's outcome: the base costs one parse per changed file."""
    import pmo_lint.gitmode as gitmode
    from pmo_lint.options import RunOptions

    repo = make_repo({"pmo.yaml": PMO, **_people(10)})
    repo.write({"people/p03.yaml": PERSON.format(name="p03", team="ghost-changed")}).commit("one file")
    parsed: list[str] = []
    real = gitmode.process_bytes

    def counting(rel: str, raw: bytes, limits: object) -> object:
        parsed.append(rel)
        return real(rel, raw, limits)  # type: ignore[arg-type]

    monkeypatch.setattr(gitmode, "process_bytes", counting)
    result = gitmode.run_pr(RunOptions(paths=(repo.root,), select=("PMO",)), "main")
    assert parsed == ["people/p03.yaml"]
    # same rule, entity and data path: the fingerprint ignores the changed value, so it is not new
    assert {d.path: d.baseline_state for d in result.diagnostics}["people/p03.yaml"] == "existing"


def test_portfolio_in_a_subfolder_of_the_repository(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "mono")
    repo.write({f"pmo/{rel}": text for rel, text in {"pmo.yaml": PMO, **_people(1)}.items()})
    repo.write({"README.md": "not the portfolio\n"})
    repo.commit("base")
    repo.branch("change")
    repo.write({"pmo/people/p01.yaml": PERSON.format(name="p01", team="ghost-y")}).commit("add")
    res = run_cli("check", "--base", "main", "--select", "PMO", "--format", "json", "pmo", cwd=repo.root)
    doc = json.loads(res.out)
    assert sorted((d["path"], d["state"]) for d in doc["diagnostics"]) == [  # repository-relative, as printed
        ("pmo/people/p00.yaml", "existing"),
        ("pmo/people/p01.yaml", "new"),
    ]


def test_github_merge_checkout_uses_its_first_parent(
    make_repo: Callable[..., Repo], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """actions/checkout of a pull_request gives a merge commit; with fetch-depth: 2 there is no origin/main."""
    from pmo_lint.cli import main

    repo = make_repo({"pmo.yaml": PMO, **_people(1)})
    repo.write({"people/p01.yaml": PERSON.format(name="p01", team="ghost-x")}).commit("new finding")
    git(repo.root, "checkout", "-q", "main")
    repo.write({"people/p02.yaml": PERSON.format(name="p02", team="ghost-main")}).commit("main moved on")
    git(repo.root, "merge", "-q", "--no-ff", "--no-edit", "change")  # what GitHub checks out: the test merge
    monkeypatch.chdir(repo.root)
    monkeypatch.delenv("CI_MERGE_REQUEST_DIFF_BASE_SHA", raising=False)
    monkeypatch.setenv("GITHUB_BASE_REF", "main")  # origin/main does not exist here
    assert main(["check", "--new-only", "--select", "PMO", "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["base"] == git(repo.root, "rev-parse", "HEAD^1").strip()
    assert [(d["path"], d["state"]) for d in doc["diagnostics"]] == [("people/p01.yaml", "new")]
