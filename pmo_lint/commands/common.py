"""What every command shares: exit codes, the error handler, ``--traceback`` and the check of named paths.

The bottom of the command layer: ``pmo_lint.cli`` and every module under ``pmo_lint.commands`` import it,
and it imports neither (so no command module ever imports the click group).
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from pmo_lint.errors import PmoLintError

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
F = TypeVar("F", bound=Callable[..., Any])


_OS_REASONS = {
    errno.ELOOP: "a symbolic link that loops (it points back to itself)",
    errno.ENAMETOOLONG: "the name is too long for the file system",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EISDIR: "is a folder, not a file",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.ENOENT: "no such file or folder",
    errno.ENXIO: "is a FIFO or device with nothing at the other end",
}


def os_error_text(exc: OSError, path: object = None) -> str:
    """``projects/x.yaml: a symbolic link that loops`` from an OSError, in words a user can act on."""
    reason = _OS_REASONS.get(exc.errno or 0) or exc.strerror or str(exc)
    where = path if path is not None else exc.filename
    return f"{os.fsdecode(where)}: {reason}" if isinstance(where, (str, bytes, os.PathLike)) else reason


def check_named_path(path: Path) -> None:
    """Refuse a path named on the command line that no command can use: a looping symbolic link, a name
    too long, a folder on the way that cannot be entered. A path that does not exist yet is left to the
    command (output folders are created)."""
    from pmo_lint.errors import UsageError

    try:
        info = os.lstat(path)
        if info.st_mode & 0o170000 == 0o120000:  # a symbolic link: where does it lead?
            path.stat()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise UsageError(os_error_text(exc, path)) from None
    except ValueError:  # a NUL byte in the name
        raise UsageError(f"{path!r}: not a usable file name") from None


def _named_paths(kwargs: dict[str, Any]) -> list[Path]:
    out: list[Path] = []
    for value in kwargs.values():
        if isinstance(value, Path):
            out.append(value)
        elif isinstance(value, tuple):
            out.extend(v for v in value if isinstance(v, Path))
    return out


def handle_errors(func: F) -> F:
    """The one place that maps exceptions to exit codes (pre-commit's error_handler habit).

    Every path a command takes (a click ``Path`` argument or option) is checked first, so a looping
    symbolic link or an over-long name is an input error (exit 2) in every command, not a crash.
    """

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> int:
        show_tb = bool(kwargs.pop("traceback", False)) or os.environ.get("PMO_LINT_TRACEBACK") == "1"
        try:
            for path in _named_paths(kwargs):
                check_named_path(path)
            code: int = func(*args, **kwargs)
            return code
        except PmoLintError as exc:
            click.echo(f"pmo-lint: error: {exc}", err=True)
            return exc.exit_code
        except KeyboardInterrupt:
            click.echo("pmo-lint: interrupted", err=True)
            return 130
        except click.exceptions.Abort:  # Ctrl-C or Ctrl-D at a prompt
            click.echo("pmo-lint: aborted", err=True)
            return 130
        except BrokenPipeError:
            return EXIT_OK
        except OSError as exc:  # the file system refused a path the user gave: input, not a bug
            if show_tb:
                import traceback

                traceback.print_exc()
            click.echo(f"pmo-lint: error: {os_error_text(exc)}", err=True)
            return EXIT_USAGE
        except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback unless asked
            loop = "Symlink loop from "  # Path.resolve() on a looping link, before Python 3.13
            if isinstance(exc, RuntimeError) and str(exc).startswith(loop):
                click.echo(f"pmo-lint: error: {str(exc)[len(loop) :]}: {_OS_REASONS[errno.ELOOP]}", err=True)
                return EXIT_USAGE
            if show_tb:
                import traceback

                traceback.print_exc()
            else:
                click.echo(
                    f"pmo-lint: internal error: {type(exc).__name__}: {exc}\n"
                    "This is a bug in pmo-lint. Rerun with --traceback and report it.",
                    err=True,
                )
            return EXIT_INTERNAL

    return wrapper  # type: ignore[return-value]


traceback_option = click.option("--traceback", is_flag=True, help="Show the Python traceback of an internal error.")


def warn(message: str) -> None:
    """A warning on standard error that does not change the exit code."""
    click.echo(f"pmo-lint: warning: {message}", err=True)
