"""Linter configuration: ``.pmo-lint.yaml`` or ``[tool.pmo-lint]`` in ``pyproject.toml``.

Found by walking up from the portfolio root to the repository root. Unknown keys are errors
naming the file and the key, so a typo in the configuration never silently disables a check.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from pmo_lint.diagnostics import Severity
from pmo_lint.errors import ConfigError
from pmo_lint.loader.yamlio import DEFAULT_LIMITS, Limits, LoadProblem, parse_bytes

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
    extra: Mapping[str, Any] = field(default_factory=dict)  # sections later features add (site, git…)


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
        else:
            cfg = replace(cfg, extra={**cfg.extra, key: value})
    return cfg


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


def read_config_file(path: Path, _seen: tuple[Path, ...] = ()) -> Config:
    try:
        raw_bytes = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read configuration: {exc.strerror}", path=str(path)) from None
    if path.name == "pyproject.toml":
        try:
            doc = tomllib.loads(raw_bytes.decode("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"invalid TOML: {exc}", path=str(path)) from None
        section = doc.get("tool", {}).get("pmo-lint", {})
        if not isinstance(section, dict):
            raise ConfigError("[tool.pmo-lint] must be a table", path=str(path))
        return _with_extends(parse_config(section, str(path)), section, path, _seen)
    loaded = parse_bytes(raw_bytes)
    if isinstance(loaded, LoadProblem):
        if "empty" in loaded.message:
            return Config(source=str(path))
        raise ConfigError(loaded.message, path=str(path), line=loaded.line)
    return _with_extends(parse_config(loaded.data, str(path)), loaded.data, path, _seen)


def _extended_file(entry: str, path: Path) -> Path:
    """A shipped preset by name (``recommended``, ``strict``) or a file relative to the extending one."""
    from pmo_lint.resources import policies_dir

    if "/" not in entry and not entry.endswith((".yaml", ".yml", ".toml")):
        preset = policies_dir() / "presets" / f"{entry}.yaml"
        if not preset.is_file():
            names = sorted(p.stem for p in (policies_dir() / "presets").glob("*.yaml"))
            raise ConfigError(f"extends: no preset {entry!r}; presets: {', '.join(names) or 'none'}", path=str(path))
        return preset
    target = path.parent / entry
    if not target.is_file():
        raise ConfigError(f"extends: {entry!r} is not a file", path=str(path))
    return target


def _with_extends(cfg: Config, raw: Mapping[str, Any], path: Path, seen: tuple[Path, ...]) -> Config:
    """Apply ``extends``: the extended configurations first, in order, then this one on top.

    Keys this file sets win (as ruff's ``extend``); ``extend-select`` and ``policies`` add up, and
    mappings (severity, per-path-ignores) are merged key by key.
    """
    if not cfg.extends:
        return cfg
    here = path.resolve()
    if here in seen or len(seen) > 16:
        raise ConfigError("extends: the configurations extend each other in a loop", path=str(path))
    merged: Config | None = None
    for entry in cfg.extends:
        target = _extended_file(entry, path)
        base = read_config_file(target, _seen=(*seen, here))
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
        elif name in names and name != "source":
            changes[name] = getattr(top, name)
        else:  # sections other features own (site, git): the top file's section wins whole
            changes["extra"] = {**base.extra, **top.extra}
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
            try:
                if "tool" in (doc := tomllib.loads(pyproject.read_text("utf-8"))) and "pmo-lint" in doc["tool"]:
                    return pyproject
            except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError):
                pass  # a broken pyproject.toml that is not ours is not our business
        if (stop is not None and here == stop.resolve()) or (here / ".git").exists() or here.parent == here:
            return None
        here = here.parent


def load_config(root: Path, explicit: Path | None = None) -> Config:
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError("configuration file not found", path=str(explicit))
        return read_config_file(explicit)
    found = find_config(root)
    return read_config_file(found) if found else Config()
