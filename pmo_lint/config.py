"""Linter configuration: ``.pmo-lint.yaml`` or ``[tool.pmo-lint]`` in ``pyproject.toml``.

Found by walking up from the portfolio root to the repository root. Unknown keys are errors
naming the file and the key, so a typo in the configuration never silently disables a check.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from pmo_lint.diagnostics import Severity
from pmo_lint.errors import ConfigError
from pmo_lint.loader.yamlio import DEFAULT_LIMITS, Limits, LoadProblem, parse_bytes
from pmo_lint.paths import Boundary

CONFIG_NAMES = (".pmo-lint.yaml", ".pmo-lint.yml")

DEFAULT_EXCLUDE: tuple[str, ...] = (
    "templates/**",
    "policies/**",  # custom rule packs (see `policies:`), not portfolio entities
    "docs/**",
    "site/**",
    "node_modules/**",
    "mkdocs.yml",
    "mkdocs.yaml",
    ".pre-commit-config.yaml",
    ".pre-commit-hooks.yaml",
    ".gitlab-ci.yml",
    ".pmo-lint.yaml",
    ".pmo-lint.yml",
    "**/.*/**",  # .git, .github, .venv and other dot-folders
)


@dataclass(frozen=True)
class Config:
    source: str = ""  # the file it came from, for messages
    exclude: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    per_path_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    fail_on: Severity = Severity.ERROR
    policies: tuple[str, ...] = ()  # extra policy files or folders, relative to the config file
    extends: tuple[str, ...] = ()
    limits: Limits = DEFAULT_LIMITS
    cache_dir: str = ""
    git: GitOptions = field(default_factory=lambda: GitOptions())
    site: Mapping[str, Any] = field(default_factory=dict)  # the `site:` section, kept for the site's own use


@dataclass(frozen=True)
class GitOptions:
    """The ``git:`` section: what PR mode and ``history`` ask of the repository."""

    require_approver_commits: bool = False  # a change request's approver must have committed to its branch


_LIST_KEYS = {"exclude", "select", "ignore", "extend-select", "policies", "extends"}
_KNOWN = _LIST_KEYS | {"severity", "per-path-ignores", "fail-on", "limits", "cache-dir", "site", "git"}


def _as_str_list(value: Any, key: str, source: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"'{key}' must be a list of strings", path=source)
    return tuple(value)


def parse_config(raw: Mapping[str, Any], source: str) -> Config:
    """Turn a config mapping into a Config, or raise ConfigError naming the key."""
    cfg = Config(source=source)
    for key, value in raw.items():
        if key not in _KNOWN:
            import difflib  # only for the hint: not on the path of every run

            near = difflib.get_close_matches(str(key), sorted(_KNOWN), n=1)
            hint = f"; did you mean {near[0]!r}?" if near else f"; known keys: {', '.join(sorted(_KNOWN))}"
            raise ConfigError(f"unknown key {key!r}{hint}", path=source)
        if key in _LIST_KEYS:
            lists: dict[str, Any] = {key.replace("-", "_"): _as_str_list(value, key, source)}
            cfg = replace(cfg, **lists)
        elif key == "severity":
            if not isinstance(value, dict):
                raise ConfigError("'severity' must map rule codes to error, warning or info", path=source)
            try:
                cfg = replace(cfg, severity={str(k): Severity.parse(str(v)) for k, v in value.items()})
            except ValueError as exc:
                raise ConfigError(f"severity: {exc}", path=source) from None
        elif key == "per-path-ignores":
            if not isinstance(value, dict):
                raise ConfigError("'per-path-ignores' must map globs to lists of rule codes", path=source)
            cfg = replace(
                cfg,
                per_path_ignores={str(k): _as_str_list(v, f"per-path-ignores.{k}", source) for k, v in value.items()},
            )
        elif key == "fail-on":
            try:
                cfg = replace(cfg, fail_on=Severity.parse(str(value)))
            except ValueError as exc:
                raise ConfigError(f"fail-on: {exc}", path=source) from None
        elif key == "limits":
            cfg = replace(cfg, limits=_parse_limits(value, source))
        elif key == "cache-dir":
            if not isinstance(value, str):
                raise ConfigError("'cache-dir' must be a path", path=source)
            cfg = replace(cfg, cache_dir=value)
        elif key == "git":
            cfg = replace(cfg, git=_parse_git(value, source))
        else:  # "site"
            cfg = replace(cfg, site=value if isinstance(value, dict) else {})
    return cfg


def _parse_git(raw: Any, source: str) -> GitOptions:
    if raw is None:
        return GitOptions()
    if not isinstance(raw, dict):
        raise ConfigError("'git' must be a mapping, e.g. git: {require-approver-commits: true}", path=source)
    known = {"require-approver-commits"}
    for key, value in raw.items():
        if key not in known:
            raise ConfigError(f"unknown key git.{key}; known: {', '.join(sorted(known))}", path=source)
        if not isinstance(value, bool):
            raise ConfigError(f"git.{key} must be true or false", path=source)
    return GitOptions(require_approver_commits=bool(raw.get("require-approver-commits", False)))


def _parse_limits(value: Any, source: str) -> Limits:
    if not isinstance(value, dict):
        raise ConfigError("'limits' must be a mapping", path=source)
    names = {f.name.replace("_", "-"): f.name for f in fields(Limits)}
    out: dict[str, int] = {}
    for key, number in value.items():
        if key not in names:
            raise ConfigError(f"unknown limit {key!r}; known: {', '.join(sorted(names))}", path=source)
        if not isinstance(number, int) or isinstance(number, bool) or number <= 0:
            raise ConfigError(f"limits.{key} must be a positive integer", path=source)
        out[names[key]] = number
    return replace(Limits(), **out)


def read_config_file(
    path: Path,
    _seen: tuple[Path, ...] = (),
    *,
    boundary: Boundary | None = None,
    trusted: bool = False,
    portfolio: Path | None = None,
) -> Config:
    """Read one configuration file and what it extends.

    A file inside the repository (``trusted`` false) may only name paths inside it (see paths.py):
    rule packs, extended files and the cache folder are checked before anything is read from them.
    A file the command line names outside the repository is the CI owner's and is ``trusted``.
    """
    boundary = boundary or Boundary.of(path.parent)
    try:
        raw_bytes = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read configuration: {exc.strerror}", path=str(path)) from None
    if path.name == "pyproject.toml":
        import tomllib  # pyproject.toml only: most portfolios have a .pmo-lint.yaml

        try:
            text = raw_bytes.decode("utf-8")
            doc = tomllib.loads(text)
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"invalid TOML: {exc}", path=str(path)) from None
        section = doc.get("tool", {}).get("pmo-lint", {})
        if not isinstance(section, dict):
            raise ConfigError("[tool.pmo-lint] must be a table", path=str(path))
        lines = text.splitlines()

        def toml_line(key: str, index: int | None) -> int | None:
            # tomllib keeps no positions: the first line naming the value (or the key) is the one to fix
            value = section.get(key)
            wanted = value[index] if isinstance(value, list) and index is not None else value
            for number, line in enumerate(lines, 1):
                if isinstance(wanted, str) and (f'"{wanted}"' in line or f"'{wanted}'" in line):
                    return number
            return None

        cfg = parse_config(section, str(path))
        _confine_paths(cfg, path, boundary, trusted, portfolio, toml_line)
        return _with_extends(cfg, section, path, _seen, boundary, trusted, portfolio, toml_line)
    loaded = parse_bytes(raw_bytes)
    if isinstance(loaded, LoadProblem):
        if "empty" in loaded.message:
            return Config(source=str(path))
        raise ConfigError(loaded.message, path=str(path), line=loaded.line)
    if not isinstance(loaded.data, dict):  # the loader refuses it, but a configuration is read on its own
        raise ConfigError("the configuration must be a mapping of keys", path=str(path), line=1)
    document = loaded

    def yaml_line(key: str, index: int | None) -> int | None:
        return document.locate((key,) if index is None else (key, index))[0] or None

    cfg = parse_config(loaded.data, str(path))
    _confine_paths(cfg, path, boundary, trusted, portfolio, yaml_line)
    return _with_extends(cfg, loaded.data, path, _seen, boundary, trusted, portfolio, yaml_line)


LineOf = Callable[[str, "int | None"], "int | None"]


def _confine_paths(
    cfg: Config, path: Path, boundary: Boundary, trusted: bool, portfolio: Path | None, line_of: LineOf
) -> None:
    """Refuse, before anything is read or written there, a path of a repository file that leaves the repository."""
    if trusted:
        return
    source = str(path)
    for index, entry in enumerate(cfg.policies):
        line = line_of("policies", index)
        target = boundary.confine(path.parent, entry, what="policies:", source=source, line=line)
        boundary.confine_folder(target, what="policies:", entry=entry, source=source, line=line)
    if cfg.cache_dir:
        # relative to the portfolio root (cache.py); the file's own folder when read on its own
        boundary.confine(
            portfolio or path.parent,
            cfg.cache_dir,
            what="cache-dir:",
            source=source,
            line=line_of("cache-dir", None),
            outside_hint="a cache folder outside it is set by whoever runs the check, with PMO_LINT_CACHE_DIR",
        )


def _extended_file(entry: str, path: Path, boundary: Boundary, trusted: bool, line: int | None) -> tuple[Path, bool]:
    """A shipped preset by name (``recommended``, ``strict``) or a file relative to the extending one,
    and whether it is trusted (a preset, or a file outside the repository reached from a trusted one)."""
    from pmo_lint.resources import policies_dir

    if "/" not in entry and not entry.endswith((".yaml", ".yml", ".toml")):
        preset = policies_dir() / "presets" / f"{entry}.yaml"
        if not preset.is_file():
            names = sorted(p.stem for p in (policies_dir() / "presets").glob("*.yaml"))
            raise ConfigError(
                f"extends: no preset {entry!r}; presets: {', '.join(names) or 'none'}", path=str(path), line=line
            )
        return preset, True
    if trusted:
        target = path.parent / entry
    else:
        target = boundary.confine(path.parent, entry, what="extends:", source=str(path), line=line)
    if not target.is_file():
        raise ConfigError(f"extends: {entry!r} is not a file", path=str(path), line=line)
    # a trusted file that extends one inside the repository hands over to an untrusted one
    return target, trusted and not boundary.contains_repository(target)


def _with_extends(
    cfg: Config,
    raw: Mapping[str, Any],
    path: Path,
    seen: tuple[Path, ...],
    boundary: Boundary,
    trusted: bool,
    portfolio: Path | None,
    line_of: LineOf,
) -> Config:
    """Apply ``extends``: the extended configurations first, in order, then this one on top.

    Keys this file sets win (as ruff's ``extend``); ``extend-select`` and ``policies`` add up, and
    mappings (severity, per-path-ignores) are merged key by key.
    """
    if not cfg.extends:
        return cfg
    here = path.resolve()
    if here in seen or len(seen) > 16:
        raise ConfigError(
            "extends: the configurations extend each other in a loop", path=str(path), line=line_of("extends", None)
        )
    merged: Config | None = None
    for index, entry in enumerate(cfg.extends):
        line = line_of("extends", index) or line_of("extends", None)
        target, target_trusted = _extended_file(entry, path, boundary, trusted, line)
        base = read_config_file(target, (*seen, here), boundary=boundary, trusted=target_trusted, portfolio=portfolio)
        # the base's policy paths are relative to the base file: make them absolute
        base = replace(base, policies=tuple(str((target.parent / p).resolve()) for p in base.policies))
        merged = base if merged is None else _overlay(merged, base, _set_keys(base))
    assert merged is not None
    return replace(_overlay(merged, cfg, set(raw)), source=cfg.source, extends=cfg.extends)


def _set_keys(cfg: Config) -> set[str]:
    default = Config()
    return {f.name.replace("_", "-") for f in fields(Config) if getattr(cfg, f.name) != getattr(default, f.name)}


def _overlay(base: Config, top: Config, keys: set[str]) -> Config:
    changes: dict[str, Any] = {}
    names = {f.name for f in fields(Config)}
    for key in keys:
        name = key.replace("-", "_")
        if name in ("extend_select", "policies"):
            changes[name] = (*getattr(base, name), *getattr(top, name))
        elif name in ("severity", "per_path_ignores"):
            changes[name] = {**getattr(base, name), **getattr(top, name)}
        elif name in names and name != "source":  # the sections (git, site) too: the top file's wins whole
            changes[name] = getattr(top, name)
    return replace(base, **changes)


def find_config(start: Path, stop: Path | None = None) -> Path | None:
    """Walk up from ``start`` to ``stop`` (the repository root) or the filesystem root."""
    here = start.resolve()
    while True:
        for name in CONFIG_NAMES:
            if (here / name).is_file():
                return here / name
        pyproject = here / "pyproject.toml"
        if pyproject.is_file():
            import tomllib

            try:
                if "tool" in (doc := tomllib.loads(pyproject.read_text("utf-8"))) and "pmo-lint" in doc["tool"]:
                    return pyproject
            except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError):
                pass  # a broken pyproject.toml that is not ours is not our business
        if (stop is not None and here == stop.resolve()) or (here / ".git").exists() or here.parent == here:
            return None
        here = here.parent


def load_config(root: Path, explicit: Path | None = None) -> Config:
    """The configuration of the portfolio at ``root``: ``explicit`` (``--config``), else the one found.

    The repository is the git work tree holding the portfolio (without git, the topmost of the
    portfolio folder and the folder of the configuration found). A configuration named on the
    command line outside it is the CI owner's: its paths are not confined.
    """
    boundary = Boundary.of(root)
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError("configuration file not found", path=str(explicit))
        trusted = not boundary.contains_repository(explicit)
        return read_config_file(explicit, boundary=boundary, trusted=trusted, portfolio=root)
    found = find_config(root)
    if found is None:
        return Config()
    if not boundary.contains_repository(found):  # no git: the folder the configuration was found in
        boundary = replace(boundary, repository=found.parent.resolve())
    return read_config_file(found, boundary=boundary, portfolio=root)


def exclude_policy_files(config: Config, root: Path) -> Config:
    """Custom rule packs inside the portfolio are policies, not entities: keep them out of discovery."""
    base = Path(config.source).parent if config.source else root
    globs: list[str] = []
    for entry in config.policies:
        path = (base / entry).resolve()
        if path.is_relative_to(root.resolve()):
            rel = path.relative_to(root.resolve()).as_posix()
            glob = f"{rel}/**" if path.is_dir() else rel
            if glob not in config.exclude:  # applied once, whoever applies it first
                globs.append(glob)
    return replace(config, exclude=(*config.exclude, *globs)) if globs else config
