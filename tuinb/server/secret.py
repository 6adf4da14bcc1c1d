"""Tokens: kept out of logs, reprs and the process's command line.

A Jupyter token lets whoever holds it run code as the server's user, so it
must never be printed, logged, saved or left where `ps` shows it. `Token`
holds one and hides it from `repr`/`str` (an f-string or a log line shows
`<hidden token>`); only `reveal()` gives the value, for the one header that
carries it. A token typed on the command line is visible to every local user
in `ps` until the program overwrites it: `scrub_command_line` does that as
early as possible (Linux), which is why the README recommends the
environment (`JUPYTER_TOKEN`) on shared machines.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Literal

TokenSource = Literal["option", "url", "environment"]
"""Where a token came from: `--token`, the URL's `?token=`, or an environment variable."""

MASK = "<hidden token>"


class Token:
    """A server token that does not show itself."""

    __slots__ = ("_value", "source")

    def __init__(self, value: str, source: TokenSource) -> None:
        self._value = value
        self.source: TokenSource = source
        """Where it came from (only an `option` or `url` token is on the command line)."""

    def reveal(self) -> str:
        """The token itself, for the `Authorization` header and nothing else."""
        return self._value

    def __repr__(self) -> str:
        return MASK

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Token) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


def _argv_area() -> tuple[int, int] | None:
    """The (start, end) addresses of this process's original argv strings (Linux).

    They are fields 48 and 49 of `/proc/self/stat`; `/proc/PID/cmdline`, and so
    `ps`, reads that memory.
    """
    try:
        stat = Path("/proc/self/stat").read_text(encoding="ascii")
        fields = stat.rpartition(")")[2].split()
        start, end = int(fields[45]), int(fields[46])  # field N is fields[N - 3]
    except (OSError, ValueError, IndexError):
        return None
    return (start, end) if 0 < start < end else None


def scrub_command_line(secret: str) -> bool:
    """Overwrite `secret` wherever it appears in `sys.argv` and in the process's command line.

    The command line is overwritten in place with as many `*` as the secret
    has bytes (so the layout `ps` reads is unchanged). Returns True when the
    command line no longer shows it (False where that cannot be done: not
    Linux, or an unexpected layout); `sys.argv` is cleaned either way.
    """
    if not secret:
        return True
    mask = "*" * len(secret)
    sys.argv[:] = [arg.replace(secret, mask) for arg in sys.argv]
    if not sys.platform.startswith("linux"):
        return False
    area = _argv_area()
    if area is None:
        return False
    import ctypes  # only when there is a token to hide

    start, end = area
    needle = secret.encode("utf-8", errors="surrogateescape")
    with contextlib.suppress(OSError, ValueError):
        current = ctypes.string_at(start, end - start)
        if needle not in current:
            return True
        cleaned = current.replace(needle, b"*" * len(needle))
        ctypes.memmove(start, cleaned, len(cleaned))
        return needle not in Path("/proc/self/cmdline").read_bytes()
    return False
