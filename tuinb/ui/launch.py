"""Start the editor for a path (imported lazily by the CLI)."""

from __future__ import annotations

import sys
from pathlib import Path


def open_editor(path: Path | None, *, kernel: str | None) -> int:
    """Open the editor on `path`; returns the exit code."""
    sys.stderr.write("tuinb: the editor is not available yet.\n")
    return 2
