"""Errors a user can cause when opening or saving a notebook.

Each error's ``str()`` is one sentence that names the file, says what went
wrong and, where it helps, what to do. The UI shows it as is: a path or a
quoted value may hold escape sequences, so every control character in the
message (but newline and tab) is shown as a visible mark (``ESC`` as ``␛``).
"""

from __future__ import annotations

from pathlib import Path

from tuinb.sanitize import printable


class NotebookError(Exception):
    """A notebook could not be read or written; ``str(err)`` is a one-line message."""

    path: Path | None
    """The file concerned, when there is one."""

    def __init__(self, message: str, path: Path | None = None) -> None:
        super().__init__(printable(message))
        self.path = path


class NotebookReadError(NotebookError):
    """The file is missing, a folder, unreadable, not UTF-8, not JSON or not a notebook."""


class NotebookSaveError(NotebookError):
    """A save failed (disk full, read-only folder, ...); the old file is left intact."""
