"""The one output writer: standard output, or the file a ``--format NAME=FILE`` names.

A path that is a regular file, or that does not exist yet, is replaced atomically: the report goes to a new
temporary file beside it, which is then renamed over it, so an interrupted run leaves the old report or the new
one, never half of one. Anything else is written *through* and never replaced: a symbolic link is followed to
what it points at (``ln -s /proc/self/fd/1 out`` reaches standard output), and a device or a named pipe
(``/dev/stderr``, ``/dev/null``, a FIFO) receives the text. A dangling link is refused, as GNU ``cp`` refuses
it: following it would create a file wherever the link happens to point.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from pathlib import Path
from typing import IO

from pmo_lint.errors import UsageError


def write_output(text: str, target: Path | None) -> None:
    if target is None:
        _write_stream(sys.stdout, text)
        return
    try:
        named = target.lstat()
    except FileNotFoundError:
        named = None
    except OSError as exc:
        raise _cannot(target, exc) from None
    if named is not None and not stat.S_ISREG(named.st_mode):
        _write_through(text, target, named)
    else:
        _replace(text, target, named)


def _cannot(target: Path, exc: OSError) -> UsageError:
    return UsageError(f"cannot write {target}: {exc.strerror or exc}")


def _write_stream(stream: IO[str], text: str) -> None:
    stream.write(text)
    stream.flush()


def _write_through(text: str, target: Path, named: os.stat_result) -> None:
    """Write into what a link, device or FIFO leads to; the path itself is left as it is."""
    link = stat.S_ISLNK(named.st_mode)
    try:
        reached = target.stat()  # follows the link
    except FileNotFoundError:
        points_at = target.readlink() if link else "?"
        raise UsageError(
            f"cannot write {target}: it is a symbolic link to {points_at}, which does not exist; "
            "create that file first or name another path"
        ) from None
    except OSError as exc:
        raise _cannot(target, exc) from None
    if stat.S_ISDIR(reached.st_mode):
        what = "a symbolic link to a folder" if link else "a folder"
        raise UsageError(f"cannot write {target}: it is {what}; name a file, e.g. {target / 'report'}")
    stream = _own_stream(reached)
    if stream is not None:  # /dev/stdout and friends: our own stream keeps its position and append mode
        _write_stream(stream, text)
        return
    try:
        # no O_CREAT: if the link dangles by now, fail rather than create a file where it points
        fd = os.open(target, os.O_WRONLY | os.O_TRUNC | getattr(os, "O_NOCTTY", 0))
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise _cannot(target, exc) from None


def _own_stream(reached: os.stat_result) -> IO[str] | None:
    """Our standard output or error when the path leads to the very same open file, else None."""
    for stream in (sys.stdout, sys.stderr):
        try:
            opened = os.fstat(stream.fileno())
        except (AttributeError, OSError, ValueError):  # a stream without a descriptor (tests, IDEs)
            continue
        if (opened.st_dev, opened.st_ino) == (reached.st_dev, reached.st_ino):
            return stream
    return None


def _replace(text: str, target: Path, named: os.stat_result | None) -> None:
    """Write a temporary file beside the target and rename it over the target."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # mkstemp: a fresh file of our own (O_EXCL), so a planted link at a guessable name cannot redirect us
        import tempfile  # only when writing a file: not on the path of every run

        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise _cannot(target, exc) from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        # mkstemp makes the file private; give it the mode the old report had, or the usual one
        tmp.chmod(stat.S_IMODE(named.st_mode) if named is not None else 0o666 & ~_umask())
        tmp.replace(target)
    except BaseException as exc:  # also an interrupt: never leave the temporary file behind
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError):
            raise _cannot(target, exc) from None
        raise


def _umask() -> int:
    mask = os.umask(0o022)  # the only way to read it is to set it; put it straight back
    os.umask(mask)
    return mask
