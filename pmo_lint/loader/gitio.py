"""Git access for PR mode and history: the only module that imports git (GitPython).

Everything runs through :func:`run_git`, a hardened subprocess wrapper. A repository's own
configuration must never make pmo-lint execute code: an fsmonitor hook, hooks, an external diff,
a textconv or clean/smudge filter, a pager or a credential prompt. So every call overrides those
settings with ``-c``, scrubs ``GIT_*`` from the environment, puts paths after ``--``, has a timeout,
and parses ``-z`` output. Nothing here reads the index or the working tree (that is what would
run fsmonitor and clean filters): blobs come from the object database with ``cat-file --batch``,
which applies no filters.

GitPython is used only for what is pure Python and harmless: opening the repository object to find
its folders and whether HEAD is detached or unborn.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pmo_lint.errors import GitError

TIMEOUT = 120.0  # seconds for one git call; a PMO repository is small

# Settings that would make git run a program named by the repository's configuration.
_HARDENING: tuple[str, ...] = (
    "core.fsmonitor=false",
    "core.hooksPath=/dev/null",
    "core.pager=cat",
    "core.quotePath=false",
    "core.untrackedCache=false",
    "diff.external=",
    "log.showSignature=false",
    "protocol.allow=never",
    "credential.helper=",
    "gc.auto=0",
    "maintenance.auto=false",
)

SHALLOW_FIX = (
    "fetch the full history: actions/checkout with `fetch-depth: 0` (GitHub Actions), "
    "`GIT_DEPTH: 0` (GitLab CI), or `git fetch --unshallow` locally"
)


def git_env() -> dict[str, str]:
    """The caller's environment without GIT_* (a hook's GIT_DIR or GIT_INDEX_FILE would mislead us)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        GIT_TERMINAL_PROMPT="0",
        GIT_OPTIONAL_LOCKS="0",
        GIT_CONFIG_NOSYSTEM="1",
        GIT_NO_LAZY_FETCH="1",  # a partial clone must not go to the network for a missing blob
        GIT_LITERAL_PATHSPECS="1",  # a folder named "a[1]" or ":(glob)x" is a name, not a pattern
        GIT_ASKPASS="",
        SSH_ASKPASS="",
        LC_ALL="C",
        LANGUAGE="C",
    )
    return env


def git_executable() -> str:
    exe = shutil.which("git")
    if exe is None:
        raise GitError(
            "git is not installed or not on PATH; install git for --base and `history`, "
            "or run `pmo-lint check` without --base"
        )
    return exe


def git_command(args: Sequence[str]) -> list[str]:
    cmd = [git_executable()]
    for setting in _HARDENING:
        cmd += ["-c", setting]
    return [*cmd, *args]


def run_git(
    args: Sequence[str], cwd: Path, *, input_bytes: bytes | None = None, check: bool = True, timeout: float = TIMEOUT
) -> subprocess.CompletedProcess[bytes]:
    """Run one git command; raise GitError with git's own words when it fails and ``check`` is set."""
    cmd = git_command(args)
    try:
        proc = subprocess.run(
            cmd,
            cwd=cwd,
            env=git_env(),
            input=input_bytes,
            stdin=None if input_bytes is not None else subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise GitError(f"`git {args[0]}` took longer than {timeout:.0f} s; is the repository on a slow disk?") from None
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror}") from None
    if check and proc.returncode != 0:
        raise GitError(f"`git {args[0]}` failed: {_first_line(proc.stderr)}")
    return proc


def _first_line(stderr: bytes) -> str:
    text = stderr.decode("utf-8", "replace").strip()
    lines = [ln.removeprefix("fatal: ").removeprefix("error: ") for ln in text.splitlines() if ln.strip()]
    return lines[0] if lines else "no message"


@dataclass(frozen=True)
class TreeEntry:
    mode: str
    oid: str
    path: str  # posix, relative to the repository root


@dataclass(frozen=True)
class TreeChange:
    status: str  # A, M, D or T (a type change: a file that became a link); renames are D + A
    entry: TreeEntry  # the new mode and id (zeros for a deletion)


@dataclass(frozen=True)
class Commit:
    oid: str
    parents: tuple[str, ...]
    author: str
    email: str
    date: dt.datetime  # committer date

    @property
    def short(self) -> str:
        return self.oid[:12]


@dataclass(frozen=True)
class Change:
    status: str  # A, M, D, T (renames are split into D + A)
    path: str


class Repository:
    """One git repository, read without touching its index or working tree."""

    def __init__(self, toplevel: Path, git_dir: Path) -> None:
        self.toplevel = toplevel
        self.git_dir = git_dir
        self.detached = False
        self.unborn = False
        self.branch = ""  # the checked-out branch, also when it is unborn; "" when detached
        self._format: str | None = None

    # -- opening --------------------------------------------------------------------------------
    @classmethod
    def open(cls, path: Path) -> Repository:
        """The repository holding ``path``; a clear GitError when there is none or git is missing."""
        git_executable()
        start = path if path.is_dir() else path.parent
        proc = run_git(["rev-parse", "--show-toplevel", "--absolute-git-dir"], start, check=False)
        if proc.returncode != 0:
            reason = _first_line(proc.stderr)
            if "not a git repository" in reason:
                raise GitError(
                    f"{start} is not inside a git repository; --base and `history` need one "
                    "(run `git init` and commit, or run `pmo-lint check` without --base)"
                )
            if "dubious ownership" in reason:
                raise GitError(
                    f"git refuses the repository at {start} because another user owns it; "
                    "add it with `git config --global --add safe.directory <path>`"
                )
            raise GitError(f"cannot open the git repository at {start}: {reason}")
        lines = proc.stdout.decode("utf-8", "surrogateescape").splitlines()
        if len(lines) < 2:
            raise GitError(f"{start} is inside a bare repository or a .git folder; run pmo-lint in a working tree")
        repo = cls(Path(lines[0]).resolve(), Path(lines[1]).resolve())
        repo._check_with_gitpython()
        return repo

    def _check_with_gitpython(self) -> None:
        # GitPython's Repo reads .git and its config in pure Python: it runs no hook and no fsmonitor.
        os.environ.setdefault("GIT_PYTHON_REFRESH", "quiet")
        import git

        try:
            repo = git.Repo(self.toplevel)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError) as exc:
            raise GitError(f"cannot open the git repository at {self.toplevel}: {exc}") from None
        try:
            self.detached = repo.head.is_detached
            self.unborn = not repo.head.is_valid()
            self.branch = "" if self.detached else repo.head.reference.name
        finally:
            repo.close()

    def relative(self, path: Path) -> str:
        """``path`` relative to the repository root, posix; GitError when it lies outside."""
        resolved = path.resolve()
        if not resolved.is_relative_to(self.toplevel):
            raise GitError(
                f"{path} is outside the git repository at {self.toplevel}; "
                "run pmo-lint from inside the repository that holds the portfolio"
            )
        rel = resolved.relative_to(self.toplevel).as_posix()
        return "" if rel == "." else rel

    def git(self, *args: str, input_bytes: bytes | None = None) -> bytes:
        return run_git(args, self.toplevel, input_bytes=input_bytes).stdout

    # -- refs -----------------------------------------------------------------------------------
    def is_shallow(self) -> bool:
        return self.git("rev-parse", "--is-shallow-repository").strip() == b"true"

    def shallow_commits(self) -> frozenset[str]:
        """The commits whose parents this shallow clone does not have (git shows them as parentless); empty
        for a full clone. Git lists them in the repository's ``shallow`` file."""
        if not self.is_shallow():
            return frozenset()
        where = self.git("rev-parse", "--git-path", "shallow").decode("utf-8", "surrogateescape").strip()
        try:
            text = (self.toplevel / where).read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError):
            return frozenset()
        return frozenset(line.strip() for line in text.splitlines() if line.strip())

    def try_resolve(self, ref: str) -> str | None:
        proc = run_git(
            ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"], self.toplevel, check=False
        )
        return proc.stdout.decode().strip() if proc.returncode == 0 else None

    def head(self) -> str:
        """The commit HEAD points at; GitError on an unborn branch."""
        oid = self.try_resolve("HEAD")
        if oid is None:
            branch = f" (branch {self.branch!r} is unborn)" if self.branch else ""
            raise GitError(
                f"the repository at {self.toplevel} has no commits yet{branch}; commit the portfolio first, "
                "or run `pmo-lint check` without --base"
            )
        return oid

    def resolve(self, ref: str, *, what: str = "base") -> str:
        if ref.startswith("-") or not ref.strip():
            raise GitError(f"{what} ref {ref!r} is not a valid ref name")
        oid = self.try_resolve(ref)
        if oid is not None:
            return oid
        if self.is_shallow():
            raise GitError(f"{what} ref {ref!r} is not in this shallow clone; {SHALLOW_FIX}")
        hint = ""
        if "/" in ref and not ref.startswith("refs/"):
            remote, _, branch = ref.partition("/")
            hint = f" (`git fetch {remote} {branch}`)"
        raise GitError(f"{what} ref {ref!r} not found; fetch it{hint} or check its name")

    def merge_base(self, a: str, b: str) -> str:
        proc = run_git(["merge-base", "--end-of-options", a, b], self.toplevel, check=False)
        if proc.returncode == 0:
            return proc.stdout.decode().strip()
        if self.is_shallow():
            raise GitError(f"cannot find where HEAD branched from {a[:12]} in this shallow clone; {SHALLOW_FIX}")
        raise GitError(f"{a[:12]} and HEAD share no history; pass --base a commit that HEAD descends from")

    def object_format(self) -> str:
        if self._format is None:
            proc = run_git(["rev-parse", "--show-object-format"], self.toplevel, check=False)
            self._format = proc.stdout.decode().strip() if proc.returncode == 0 and proc.stdout.strip() else "sha1"
        return self._format

    def blob_id(self, data: bytes) -> str:
        """The id git gives ``data`` as a blob, to compare working-tree files with a tree without git."""
        import hashlib

        h = hashlib.new("sha256" if self.object_format() == "sha256" else "sha1")
        h.update(b"blob %d\0" % len(data))
        h.update(data)
        return h.hexdigest()

    # -- trees and blobs ------------------------------------------------------------------------
    def ls_tree(self, commit: str, prefix: str = "") -> list[TreeEntry]:
        """Every blob at ``commit`` under ``prefix`` (recursively), with its mode and id."""
        args = ["ls-tree", "-r", "-z", "--full-tree", "--end-of-options", commit]
        if prefix:
            args += ["--", prefix]
        out: list[TreeEntry] = []
        for record in self.git(*args).split(b"\0"):
            if not record:
                continue
            meta, _, path = record.partition(b"\t")
            mode, kind, oid = meta.decode().split(" ")
            if kind == "blob":
                out.append(TreeEntry(mode, oid, path.decode("utf-8", "surrogateescape")))
        return out

    def tree(self, commit: str) -> dict[str, TreeEntry]:
        """Every path of ``commit``: files, symbolic links (mode 120000, the blob holds the link's text)
        and submodules (mode 160000), by path relative to the repository root."""
        out: dict[str, TreeEntry] = {}
        for record in self.git("ls-tree", "-r", "-z", "--full-tree", "--end-of-options", commit).split(b"\0"):
            if not record:
                continue
            meta, _, path = record.partition(b"\t")
            mode, _kind, oid = meta.decode().split(" ")
            name = path.decode("utf-8", "surrogateescape")
            out[name] = TreeEntry(mode, oid, name)
        return out

    def diffs(self, pairs: Sequence[tuple[str, str]]) -> list[list[TreeChange]]:
        """For each (commit, parent), what the commit changed: one `diff-tree --stdin` for all of them.

        ``--always`` makes git print each commit's id even when it changed nothing, which is how the
        answer is split back into commits (git answers in the order it was asked)."""
        if not pairs:
            return []
        lines = "".join(f"{commit} {parent}\n" for commit, parent in pairs).encode()
        raw = self.git("diff-tree", "--stdin", "--always", "-r", "-z", "--no-renames", input_bytes=lines)
        out: list[list[TreeChange]] = []
        fields = raw.split(b"\0")
        i = 0
        while i < len(fields):
            field = fields[i]
            if field.startswith(b":"):  # ":<old mode> <new mode> <old id> <new id> <status>", then the path
                _old_mode, new_mode, _old, new, status = field[1:].decode().split(" ")
                path = fields[i + 1].decode("utf-8", "surrogateescape")
                out[-1].append(TreeChange(status[:1], TreeEntry(new_mode, new, path)))
                i += 2
                continue
            if field.strip():
                out.append([])  # the next commit's id
            i += 1
        if len(out) != len(pairs):
            raise GitError(f"`git diff-tree` answered for {len(out)} commits out of {len(pairs)}")
        return out

    def read_blobs(self, oids: Iterable[str]) -> dict[str, bytes]:
        """Contents of many blobs (ids or ``commit:path`` names) in one `cat-file --batch` process.

        No filters are applied. Names git does not have are left out of the answer."""
        wanted = sorted(set(oids))
        if not wanted:
            return {}
        raw = self.git("cat-file", "--batch", input_bytes="".join(f"{o}\n" for o in wanted).encode())
        out: dict[str, bytes] = {}
        pos = 0
        for oid in wanted:
            end = raw.index(b"\n", pos)
            header = raw[pos:end].decode()
            pos = end + 1
            parts = header.split(" ")
            if len(parts) != 3 or not parts[2].isdigit():
                continue  # "<name> missing": a path absent at that commit, or a blob a partial clone lacks
            size = int(parts[2])
            out[oid] = raw[pos : pos + size]
            pos += size + 1  # the content is followed by a newline
        return out

    # -- history --------------------------------------------------------------------------------
    def log(
        self,
        rev: str,
        *,
        first_parent: bool = False,
        since: dt.date | None = None,
        max_count: int | None = None,
        paths: Sequence[str] = (),
    ) -> list[Commit]:
        """Commits reachable from ``rev`` (a commit or a range), newest first."""
        args = ["log", "-z", "--no-show-signature", "--format=%H%x1f%P%x1f%an%x1f%ae%x1f%cI"]
        if first_parent:
            args.append("--first-parent")
        if since is not None:
            args.append(f"--since={since.isoformat()}T00:00:00")
        if max_count is not None:
            args.append(f"--max-count={max_count}")
        args += ["--end-of-options", rev, "--", *paths]
        return list(_parse_log(self.git(*args)))

    def changes(self, base: str, head: str, prefix: str = "") -> list[Change]:
        """Files that differ between two commits (no renames: a move is a deletion and an addition)."""
        args = [
            "diff",
            "--name-status",
            "-z",
            "--no-renames",
            "--no-ext-diff",
            "--no-textconv",
            "--end-of-options",
            base,
            head,
            "--",
        ]
        if prefix:
            args.append(prefix)
        fields = self.git(*args).split(b"\0")
        out: list[Change] = []
        for i in range(0, len(fields) - 1, 2):
            out.append(Change(fields[i].decode()[:1], fields[i + 1].decode("utf-8", "surrogateescape")))
        return out


def _parse_log(raw: bytes) -> Iterator[Commit]:
    for record in raw.split(b"\0"):
        record = record.strip(b"\n")
        if not record:
            continue
        oid, parents, name, email, date = record.decode("utf-8", "replace").split("\x1f")
        yield Commit(oid, tuple(parents.split()), name, email, dt.datetime.fromisoformat(date))
