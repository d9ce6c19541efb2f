"""The repository boundary: the paths a repository's own files may name.

A pull request can change any file of the repository, so a path written in one of them (a rule
pack, an extended configuration, the cache folder, a template) is only followed when it stays
inside the repository once resolved: ``..`` and symbolic links are followed first, then the
result is checked. A folder outside is used only when the command line or the environment names
it (the CI owner controls those, a pull request does not): ``--config FILE`` outside the
repository, ``PMO_LINT_ALLOW_DIRS`` and ``PMO_LINT_CACHE_DIR``. The refusal names the file and
line that asked, and never the content of what lies outside.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from pmo_lint.errors import ConfigError

ALLOW_ENV = "PMO_LINT_ALLOW_DIRS"


def repository_root(start: Path) -> Path:
    """The git work tree holding ``start``, else ``start`` itself; resolved."""
    return git_work_tree(start) or _resolve(start) or start.absolute()


def git_work_tree(start: Path) -> Path | None:
    """The git work tree holding ``start`` (resolved), or None outside git."""
    here = _resolve(start) or start.absolute()
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    return None


def allowed_from_environment() -> tuple[Path, ...]:
    """Folders outside the repository that ``PMO_LINT_ALLOW_DIRS`` (os.pathsep-separated) allows."""
    raw = os.environ.get(ALLOW_ENV, "")
    return tuple(p for part in raw.split(os.pathsep) if part.strip() if (p := _resolve(Path(part.strip()))))


def _resolve(path: Path) -> Path | None:
    try:
        return path.expanduser().resolve()
    except (OSError, RuntimeError):  # a symlink loop, a name too long
        return None


@dataclass(frozen=True)
class Boundary:
    """Where a repository's files may point: the repository and the folders the CI owner allows."""

    repository: Path
    allowed: tuple[Path, ...] = ()

    @classmethod
    def of(cls, start: Path) -> Boundary:
        return cls(repository_root(start), allowed_from_environment())

    def contains(self, path: Path) -> bool:
        """Whether ``path``, resolved with its symbolic links, lies in the repository or an allowed folder."""
        resolved = _resolve(path)
        return resolved is not None and any(resolved.is_relative_to(f) for f in (self.repository, *self.allowed))

    def contains_repository(self, path: Path) -> bool:
        """Whether ``path`` lies in the repository itself (not merely in an allowed folder)."""
        resolved = _resolve(path)
        return resolved is not None and resolved.is_relative_to(self.repository)

    def confine(
        self, base: Path, entry: str, *, what: str, source: str, line: int | None, outside_hint: str = ""
    ) -> Path:
        """``base / entry`` when it stays inside; else a ConfigError naming ``source`` and ``line``.

        The message quotes the entry as the repository wrote it, never anything read from the target.
        """
        target = base / Path(entry).expanduser()
        if not self.contains(target):
            hint = outside_hint or (
                f"to use a folder outside, whoever runs the check lists it in {ALLOW_ENV} "
                "or passes a configuration file kept outside the repository with --config"
            )
            raise ConfigError(
                f"{what} {entry!r} points outside the repository, and a repository's own files may only name "
                f"paths inside it; {hint}",
                path=source,
                line=line,
            )
        return target

    def confine_folder(self, folder: Path, *, what: str, entry: str, source: str, line: int | None) -> None:
        """The ``*.yaml`` files a folder entry brings in must stay inside too (a link in it could leave)."""
        try:
            children = sorted(folder.iterdir()) if folder.is_dir() else []
        except OSError:
            return  # unreadable: whoever reads it reports that
        for child in children:
            if child.suffix in (".yaml", ".yml") and not self.contains(child):
                raise ConfigError(
                    f"{what} {entry!r} holds {child.name}, a link to a file outside the repository; it was not read",
                    path=source,
                    line=line,
                )


def repo_prefix(root: Path) -> str:
    """The portfolio root relative to the enclosing Git work tree, as ``"sub/dir/"`` ("" at the top or outside Git).

    GitHub and GitLab want paths relative to the repository, while findings are relative to the portfolio.
    """
    root = root.resolve()
    for probe in (root, *root.parents):
        if (probe / ".git").exists():
            rel = root.relative_to(probe).as_posix()
            return "" if rel == "." else rel + "/"
    return ""
