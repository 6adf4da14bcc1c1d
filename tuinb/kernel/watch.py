"""Noticing that a kernel tuinb did not launch itself has died (existing and provisioned ones).

Without a child process to poll, the kernel's heartbeat tells: two pings in a
row lost (0.8 s each, pinged every 0.25 s) mean it is gone, within 2 s as for
our own kernels (`tuinb.kernel.liveness`). A caller that can ask something
more direct (a provisioner's `poll()`, a process id) passes `still_running`.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from pathlib import Path

from tuinb.kernel.client import KernelClient
from tuinb.kernel.liveness import HEARTBEAT_FAILURES, HEARTBEAT_INTERVAL, HEARTBEAT_TIMEOUT


async def watch_heartbeat(
    client: KernelClient,
    name: str,
    *,
    still_running: Callable[[], Awaitable[bool]] | None = None,
) -> str:
    """Return a one-line reason once the kernel stops answering (or `still_running` is False)."""
    failures = 0
    while True:
        if still_running is not None and not await still_running():
            return f"The kernel {name} died (its process ended)."
        if await client.heartbeat.ping(HEARTBEAT_TIMEOUT):
            failures = 0
            await asyncio.sleep(HEARTBEAT_INTERVAL)
            continue
        failures += 1
        if failures >= HEARTBEAT_FAILURES:
            return f"The kernel {name} stopped answering its heartbeat."


def process_of(connection_file: Path) -> int | None:
    """The pid of this user's process whose command line names `connection_file` (Linux), so
    a kernel someone else started can still be signalled; None if there is none."""
    proc = Path("/proc")
    if not proc.is_dir():
        return None
    needle = str(connection_file.resolve()).encode()
    uid = os.getuid()
    for entry in proc.glob("[0-9]*"):
        try:
            if entry.stat().st_uid != uid or int(entry.name) == os.getpid():
                continue
            if needle in (entry / "cmdline").read_bytes():
                return int(entry.name)
        except (OSError, ValueError):
            continue
    return None
