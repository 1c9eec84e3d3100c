"""The two ways a course command fails: a problem the user can act on, and a program that
exited non-zero after saying why itself. tools/cli.py turns either into one line on stderr
and an exit code, never a traceback."""

from __future__ import annotations


class CommandError(Exception):
    """A failure the user can act on: main() prints it as one line and exits with 1."""


class CommandFailed(Exception):
    """A program tasks.py ran exited non-zero; it has said why, tasks.py adds at most a line."""

    def __init__(self, code: int, message: str | None = None) -> None:
        super().__init__(message or f"exit code {code}")
        self.code = code
        self.message = message
