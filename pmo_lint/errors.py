"""Exception types. The CLI's one error handler maps each to an exit code."""

from __future__ import annotations


class PmoLintError(Exception):
    """Base class for errors the user can act on (exit code 2)."""

    exit_code = 2

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return f"{where}{self.message}"


class UsageError(PmoLintError):
    """Bad command-line usage."""


class ConfigError(PmoLintError):
    """A configuration file is missing, malformed or holds unknown keys."""


class InputError(PmoLintError):
    """The portfolio cannot be read at all (no root, unreadable path)."""


class GitError(PmoLintError):
    """A git operation failed in a way the user can fix (shallow clone, missing ref)."""
