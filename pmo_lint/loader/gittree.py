"""What ``discover()`` would find in a checkout of a commit, worked out from the commit's tree alone.

``pmo-lint history`` reads every commit from the object database (a checkout per commit would be
slow and would touch the working tree). To give each commit the verdict ``check`` gives on a
checkout of it, the tree is walked with discovery's rules: dot-folders and excluded folders are not
entered, a folder named ``*.yaml`` is a finding, and a symbolic link (mode 120000, its blob holds the
link's text) is resolved as the file system would resolve it on the checkout — within the tree,
following links on the way, with the kernel's limit on hops — and judged as ``discover()`` judges
it: a link to a file of the portfolio is read as that file, a broken or looping link and a link
that leads outside the portfolio are findings, a link to a folder is not followed.
A link that leaves the repository is resolved on this machine's file system, as on a checkout.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from pmo_lint.loader.discover import (
    BROKEN_LINK,
    FOLDER_NAMED_YAML,
    OUTSIDE_LINK,
    YAML_SUFFIXES,
    _exclusion_regex,
)
from pmo_lint.loader.gitio import TreeChange, TreeEntry
from pmo_lint.loader.yamlio import INVALID_FILE, LoadProblem

REGULAR = ("100644", "100755")
LINK = "120000"
SUBMODULE = "160000"  # a folder on a checkout

ReadLink = Callable[[str], str]  # a link's blob id -> its text


class Tree:
    """Every path of one commit, changed in place commit by commit (``apply``), with its folders."""

    def __init__(self, entries: Mapping[str, TreeEntry]) -> None:
        self.entries: dict[str, TreeEntry] = dict(entries)
        self._below: Counter[str] = Counter()  # folder -> entries under it (a folder exists while > 0)
        for path in self.entries:
            self._count(path, 1)

    def _count(self, path: str, step: int) -> None:
        parts = path.split("/")
        for i in range(1, len(parts)):
            folder = "/".join(parts[:i])
            self._below[folder] += step
            if self._below[folder] <= 0:
                del self._below[folder]

    def apply(self, changes: Iterable[TreeChange]) -> None:
        for change in changes:
            path = change.entry.path
            if path in self.entries:
                del self.entries[path]
                self._count(path, -1)
            if change.status != "D":
                self.entries[path] = change.entry
                self._count(path, 1)

    def is_folder(self, path: str) -> bool:
        entry = self.entries.get(path)
        return path == "" or path in self._below or (entry is not None and entry.mode == SUBMODULE)

    def folders(self) -> Iterable[str]:
        return self._below.keys()


@dataclass(frozen=True)
class Target:
    """Where a link leads: a file or folder of the repository (its path), outside it, or nowhere."""

    kind: str  # "file", "folder", "outside", "broken"
    path: str = ""  # the repository path, for "file" and "folder"


class _Broken(Exception):
    """No such file (or a file used as a folder), or a loop of links."""


class _Leaves(Exception):
    """The lookup left the repository; ``path`` is where it went, on this machine's file system."""

    def __init__(self, path: str) -> None:
        self.path = path


def resolve(tree: Tree, path: str, read_link: ReadLink, toplevel: Path, *, depth: int = 0) -> Target:
    """Resolve ``path`` (relative to the repository root) as ``Path.resolve(strict=True)`` does on a
    checkout of the tree at ``toplevel``: the same walk as ``os.path.realpath``, over the tree."""
    try:
        where = _join(tree, "", path, {}, read_link, toplevel)
    except _Broken:
        return Target("broken")
    except _Leaves as away:
        try:  # only whether something exists there is asked, never what it holds
            real = Path(away.path).resolve(strict=True)
        except (OSError, RuntimeError):
            return Target("broken")
        back = _within(real, toplevel)
        if back is None:
            return Target("outside")
        if depth > 8:
            return Target("broken")
        # back into the repository: the commit's tree answers, not the working tree
        return resolve(tree, back, read_link, toplevel, depth=depth + 1) if back else Target("folder", "")
    return Target("folder" if tree.is_folder(where) else "file", where)


def _join(tree: Tree, path: str, rest: str, seen: dict[str, str | None], read_link: ReadLink, top: Path) -> str:
    """``os.path.realpath``'s loop: ``path`` is resolved (relative to the repository root), ``rest`` not yet."""
    if rest.startswith("/"):
        inside = _within(Path(rest), top)
        if inside is None:
            raise _Leaves(rest)
        path, rest = "", inside
    while rest:
        name, _, rest = rest.partition("/")
        if not name or name == ".":
            continue
        if name == "..":
            if not path:
                raise _Leaves(str(top.parent / rest))
            path = path.rpartition("/")[0]
            continue
        here = f"{path}/{name}" if path else name
        entry = tree.entries.get(here)
        if entry is None and not tree.is_folder(here):
            raise _Broken  # missing, or the path so far is a file
        if entry is None or entry.mode != LINK:
            path = here
            continue
        if here in seen:
            known = seen[here]
            if known is None:
                raise _Broken  # the link is being resolved already: a loop
            path = known
            continue
        seen[here] = None
        try:
            path = _join(tree, path, read_link(entry.oid), seen, read_link, top)
        except _Leaves as away:
            raise _Leaves(f"{away.path}/{rest}" if rest else away.path) from None
        seen[here] = path
    return path


def _within(path: Path, toplevel: Path) -> str | None:
    """``path`` relative to the repository root when it names something in it, else None."""
    if not path.is_relative_to(toplevel):
        return None
    rel = path.relative_to(toplevel).as_posix()
    return "" if rel == "." else rel


@dataclass(frozen=True)
class Found:
    """A YAML file discovery would list: the blob that holds its bytes, or the problem that stops it."""

    rel: str  # relative to the portfolio root
    oid: str = ""  # the blob read for it (for a link, its target's); "" with a problem
    problem: LoadProblem | None = None


def portfolio(
    tree: Tree, prefix: str, exclude: tuple[str, ...], read_link: ReadLink, toplevel: Path
) -> tuple[list[Found], frozenset[str]]:
    """The YAML files ``discover()`` would find under ``prefix`` (sorted by path), and every file a
    portfolio run counts as a document there (what the engine lists on a checkout)."""
    excluded = _exclusion_regex(exclude).match
    base = f"{prefix}/" if prefix else ""
    found: list[Found] = []
    files: set[str] = set()

    @functools.cache
    def entered(folder: str) -> tuple[bool, bool]:
        """(discovery enters this folder, the document walk enters it): dot-folders are never
        entered, excluded ones only by the document walk."""
        if not folder:
            return True, True
        parent, _, name = folder.rpartition("/")
        walk, docs = entered(parent)
        if name.startswith("."):
            return False, False
        return walk and excluded(folder) is None, docs

    def inside(target: Target) -> str | None:
        if target.kind not in ("file", "folder"):
            return None
        if prefix and target.path != prefix and not target.path.startswith(base):
            return None
        return target.path

    for path, entry in tree.entries.items():
        if not path.startswith(base):
            continue
        rel = path[len(base) :]
        folder, _, name = rel.rpartition("/")
        walk, docs = entered(folder)
        if not docs:
            continue
        is_yaml = name.endswith(YAML_SUFFIXES)
        if entry.mode in REGULAR:
            if not name.startswith("."):
                files.add(rel)
            if is_yaml and walk and excluded(rel) is None:
                found.append(Found(rel, entry.oid))
                files.add(rel)
        elif entry.mode == LINK:
            target = resolve(tree, path, read_link, toplevel)
            at = inside(target)
            if at is not None and target.kind == "file" and not name.startswith("."):
                files.add(rel)  # a link counts as a document when it leads to a file of the portfolio
            if not (is_yaml and walk and excluded(rel) is None):
                continue
            if target.kind == "broken":
                found.append(Found(rel, problem=LoadProblem(INVALID_FILE, BROKEN_LINK)))
            elif at is None:
                found.append(Found(rel, problem=LoadProblem(INVALID_FILE, OUTSIDE_LINK)))
            elif target.kind == "file":
                found.append(Found(rel, tree.entries[target.path].oid))
                files.add(rel)
            # a link to a folder of the portfolio is not followed
    for path in [*tree.folders(), *(p for p, e in tree.entries.items() if e.mode == SUBMODULE)]:
        if not path.startswith(base) or not path.endswith(YAML_SUFFIXES):
            continue
        rel = path[len(base) :]
        folder, _, name = rel.rpartition("/")
        if not name.startswith(".") and entered(folder)[0] and excluded(rel) is None:
            found.append(Found(rel, problem=LoadProblem(INVALID_FILE, FOLDER_NAMED_YAML)))
    found.sort(key=lambda f: f.rel)
    return found, frozenset(files)
