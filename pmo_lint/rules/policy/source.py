"""Where packs come from: the shipped ones, the configuration's ``policies:`` and installed plug-ins
(pack paths or Python rules, through the ``pmo_lint.rules`` entry point), gathered in a
:class:`PolicySet` with every problem found on the way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pmo_lint.rules.base import RuleMeta
from pmo_lint.rules.policy.compiler import compile_pack
from pmo_lint.rules.policy.pack import Pack, PolicyProblem, PolicyRule, read_pack

ENTRY_POINT_GROUP = "pmo_lint.rules"
SHIPPED_PREFIX = "<pmo-lint>/policies"


@dataclass(frozen=True)
class PolicySet:
    """Every policy a run uses: declarative rules, Python rules from plug-ins, and load problems."""

    rules: tuple[PolicyRule, ...] = ()
    python_rules: tuple[Any, ...] = ()  # Rule objects from entry points
    problems: tuple[PolicyProblem, ...] = ()
    custom_packs: frozenset[str] = frozenset()  # packs from the configuration and plug-ins: on by default
    pack_paths: frozenset[str] = frozenset()  # display paths of the pack files read, shipped ones aside

    def metas(self) -> list[RuleMeta]:
        return [r.meta for r in self.rules] + [r.meta for r in self.python_rules]


def load_pack_file(path: Path, display: str, *, taken: set[str] | None = None, compile_cel: bool = True) -> Pack:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return Pack("", "", display, (), (PolicyProblem(f"cannot read policy file: {exc.strerror}", display),))
    pack = read_pack(raw, display, taken=taken)
    return compile_pack(pack) if compile_cel else pack


def pack_files(path: Path) -> list[Path]:
    """A pack file, or the ``*.yaml`` files of a folder (not its sub-folders), sorted."""
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    return [path]


def _display(path: Path, root: Path | None) -> str:
    resolved = path.resolve()
    if root is not None and resolved.is_relative_to(root.resolve()):
        return resolved.relative_to(root.resolve()).as_posix()
    return resolved.as_posix()


def _is_rule(obj: object) -> bool:
    return isinstance(getattr(obj, "meta", None), RuleMeta) and callable(getattr(obj, "check", None))


def _entry_point_sources(taken: set[str]) -> tuple[list[Path], list[Any], list[PolicyProblem]]:
    """Installed plug-ins only: an entry point gives rules, or a path to pack YAML (never repo code)."""
    from importlib.metadata import entry_points

    paths: list[Path] = []
    rules: list[Any] = []
    problems: list[PolicyProblem] = []
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        where = f"<entry point {ep.name} = {ep.value}>"
        try:
            obj = ep.load()
            if callable(obj) and not _is_rule(obj):
                obj = obj()
        except Exception as exc:  # noqa: BLE001 - a broken plug-in is a finding, not a crash
            problems.append(PolicyProblem(f"rule plug-in failed to load: {type(exc).__name__}: {exc}", where))
            continue
        items = obj if isinstance(obj, (list, tuple)) else [obj]
        for entry in items:
            if isinstance(entry, (str, Path)):
                paths.append(Path(entry))
            elif _is_rule(entry):
                meta: RuleMeta = entry.meta
                if meta.code.lower() in taken or meta.id.lower() in taken:
                    problems.append(PolicyProblem(f"plug-in rule {meta.code} ({meta.id}) reuses a code or id", where))
                    continue
                taken.update({meta.code.lower(), meta.id.lower()})
                rules.append(entry)
            else:
                problems.append(
                    PolicyProblem(f"rule plug-in gave {type(entry).__name__}; expected rules or a pack path", where)
                )
    return paths, rules, problems


def _configured_sources(
    config_policies: Sequence[str],
    config_dir: Path | None,
    extra_paths: Sequence[Path],
    root: Path | None,
    problems: list[PolicyProblem],
) -> list[tuple[Path, str]]:
    """(file, display path) of the configuration's packs, then of ``extra_paths``; a missing entry is a problem."""
    sources: list[tuple[Path, str]] = []
    for entry in config_policies:
        path = (config_dir or Path.cwd()) / entry
        if not path.exists():
            problems.append(PolicyProblem(f"policies: {entry!r} does not exist", str(config_dir or "") or "<config>"))
            continue
        sources.extend((p, _display(p, root)) for p in pack_files(path))
    for path in extra_paths:
        sources.extend((p, _display(p, root)) for p in pack_files(path))
    return sources


def configured_pack_files(config_policies: Sequence[str], config_dir: Path | None, root: Path | None) -> list[Path]:
    """The pack files the configuration's ``policies:`` names, in load order: what a cache of results that
    depend on the portfolio's own rules must key on."""
    return [path for path, _ in _configured_sources(config_policies, config_dir, (), root, [])]


def load_policies(
    *,
    root: Path | None = None,
    config_dir: Path | None = None,
    config_policies: Sequence[str] = (),
    extra_paths: Sequence[Path] = (),
    taken: Iterable[str] = (),
    compile_cel: bool = True,
    shipped: bool = True,
    plugins: bool = True,
) -> PolicySet:
    """Shipped packs, then the configuration's ``policies:`` (relative to the config file), then plug-ins."""
    from pmo_lint.resources import policies_dir

    used = {t.lower() for t in taken}
    rules: list[PolicyRule] = []
    problems: list[PolicyProblem] = []
    custom: set[str] = set()

    def add(path: Path, display: str, is_custom: bool) -> None:
        pack = load_pack_file(path, display, taken=used, compile_cel=compile_cel)
        rules.extend(pack.rules)
        problems.extend(pack.problems)
        if is_custom and pack.name:
            custom.add(pack.name)

    if shipped:
        base = policies_dir()
        for path in pack_files(base) if base.is_dir() else []:
            add(path, f"{SHIPPED_PREFIX}/{path.name}", False)
    sources = _configured_sources(config_policies, config_dir, extra_paths, root, problems)
    python_rules: list[Any] = []
    if plugins:
        ep_paths, python_rules, ep_problems = _entry_point_sources(used)
        problems.extend(ep_problems)
        for path in ep_paths:
            sources.extend((p, _display(p, None)) for p in pack_files(path))
        custom.update(r.meta.pack for r in python_rules)
    for path, display in sources:
        add(path, display, True)
    paths = frozenset(display for _, display in sources)
    return PolicySet(tuple(rules), tuple(python_rules), tuple(problems), frozenset(custom), paths)
