"""Helpers for the fault tests: the installed `tuinb` in a subprocess, raw bytes checked."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

TUINB = Path(sys.executable).parent / "tuinb"
"""The installed `tuinb` command of this virtualenv."""

PAYLOAD = "\x1b]0;PWNED\x07\x1b]52;c;SGVsbG8=\x07\x1b[2J"
"""Issue 9's escape sequences: retitle the window, write the clipboard, clear the screen."""

_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]")
"""Any control byte but tab, newline and carriage return (C1 as UTF-8 too)."""


def tuinb(
    *args: str | Path, timeout: float = 60, cwd: Path | None = None, stdin: Any = None
) -> subprocess.CompletedProcess[bytes]:
    """Run the installed `tuinb ARGS`; stdout and stderr captured as bytes."""
    return subprocess.run(
        [str(TUINB), *map(str, args)],
        capture_output=True,
        timeout=timeout,
        check=False,
        cwd=cwd,
        stdin=subprocess.DEVNULL if stdin is None else stdin,
    )


def assert_no_controls(raw: bytes, what: str) -> None:
    """Fail if `raw` holds an escape or any other control byte a terminal would act on."""
    found = _CONTROL.search(raw)
    assert found is None, f"{what} wrote control byte {found.group()!r}: {raw!r}"


def one_line(raw: bytes) -> str:
    """The single line `raw` holds (fails if there are more)."""
    lines = raw.decode("utf-8").strip().splitlines()
    assert len(lines) == 1, f"expected one line, got {lines!r}"
    return lines[0]


def write_notebook(path: Path, *sources: str, metadata: dict[str, Any] | None = None) -> Path:
    """A v4.5 notebook of code cells on the python3 kernel."""
    cells: list[dict[str, Any]] = [
        {
            "cell_type": "code",
            "id": f"cell-{number}",
            "metadata": {},
            "source": source,
            "outputs": [],
            "execution_count": None,
        }
        for number, source in enumerate(sources)
    ]
    meta = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    document = {"cells": cells, "metadata": metadata or meta, "nbformat": 4, "nbformat_minor": 5}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    return path


def run_on_terminal(*args: str | Path, timeout: float = 30) -> tuple[int, bytes]:
    """Run `tuinb ARGS` with a pseudo-terminal as stdin, stdout and stderr; (exit code, bytes)."""
    import pty
    import select
    import time

    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [str(TUINB), *map(str, args)], stdin=slave, stdout=slave, stderr=slave, close_fds=True
    )
    os.close(slave)
    output = bytearray()
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the program closed its end
                    break
                if not chunk:
                    break
                output += chunk
            elif proc.poll() is not None:
                break
        code = proc.wait(timeout=max(deadline - time.monotonic(), 1))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    return code, bytes(output)
