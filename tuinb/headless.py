"""Headless commands: `tuinb run` and `tuinb kernels` (no Textual, no Rich)."""

from __future__ import annotations

import sys
from pathlib import Path


def run_command(
    notebook: Path,
    *,
    output: Path | None,
    kernel: str | None,
    timeout: float | None,
    allow_errors: bool,
) -> int:
    """Execute `notebook` headless; returns the exit code."""
    sys.stderr.write("tuinb run: not available yet.\n")
    return 2


def kernels_command() -> int:
    """Print the installed kernels; returns the exit code."""
    sys.stderr.write("tuinb kernels: not available yet.\n")
    return 2
