"""When a kernel tuinb launched counts as dead: the heartbeat policy and the watch that applies it.

Apart from `tuinb.kernel.manager` (launching, interrupting, restarting,
shutting down one process) because it is a policy with its own numbers and
reasons: how often to ping, when not to ping at all, how many lost pings mean
death. `tuinb.kernel.watch` applies the same numbers to kernels tuinb did not
launch. Light at import (no asyncio, no zmq), as the manager is.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Protocol

from tuinb.kernel.processes import describe_exit

if TYPE_CHECKING:
    import subprocess

    from tuinb.kernel.client import KernelClient
    from tuinb.kernel.processes import ExitWatch

__all__ = [
    "HEARTBEAT_FAILURES",
    "HEARTBEAT_INTERVAL",
    "HEARTBEAT_TIMEOUT",
    "QUIET_AFTER",
    "Pinged",
    "until_dead",
]

HEARTBEAT_INTERVAL = 0.25
"""Seconds between heartbeat pings while the kernel answers them (and is at work)."""
QUIET_AFTER = 2.0
"""Seconds after the last message to or from the kernel during which it is still pinged.

A kernel is pinged only while pinging is useful: while it says it is busy, or
shortly after any message (a request may be on its way to a hung kernel).
An idle kernel nobody talks to is not pinged at all, so an idle session host
uses no CPU; its death is still noticed at once (the process's exit, through
a pidfd), and a hung kernel as soon as someone sends it anything."""
HEARTBEAT_TIMEOUT = 0.8
"""Seconds a ping may take before it counts as lost."""
HEARTBEAT_FAILURES = 2
"""Lost pings in a row that mean the kernel is dead (<2 s in all). Two, so that a
stall of our own event loop (which loses one ping) is never taken for a death."""


class Pinged(Protocol):
    """Where the watch reports what it does (the `KernelManager`, read by tests)."""

    pinging: bool
    last_heartbeat: float | None


async def until_dead(
    name: str,
    proc: subprocess.Popen[bytes],
    client: KernelClient,
    watch: ExitWatch,
    seen: Pinged,
) -> str:
    """Wait until the kernel `name` (process `proc`) is dead; the one-line reason.

    Its process exits (`watch` says so at once), or it stops answering
    heartbeats while pinging is useful: `HEARTBEAT_FAILURES` lost pings in a
    row. `seen` is told whether it is pinged now and when a ping was last answered.
    """
    import asyncio  # loaded lazily: `KernelManager.launch()` runs without asyncio

    failures = 0
    while True:
        code = proc.poll()
        if code is not None:
            return f"The kernel {name} died ({describe_exit(code)})."
        useful = client.kernel_busy or time.monotonic() - client.last_traffic < QUIET_AFTER
        seen.pinging = useful or failures > 0
        if not seen.pinging:
            client.traffic.clear()  # asleep until someone talks to the kernel, or it exits
            await watch.wait(None, client.traffic)
            continue
        ping = asyncio.ensure_future(client.heartbeat.ping(HEARTBEAT_TIMEOUT))
        exited = asyncio.ensure_future(watch.exited.wait())
        try:
            await asyncio.wait([ping, exited], return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiting in (ping, exited):
                if not waiting.done():
                    waiting.cancel()
        if not ping.done() or ping.cancelled():
            continue  # the process exited: the next look says how
        if ping.result():
            failures = 0
            seen.last_heartbeat = time.monotonic()
            await watch.wait(HEARTBEAT_INTERVAL)
        else:
            failures += 1
            if failures >= HEARTBEAT_FAILURES:
                return f"The kernel {name} stopped answering its heartbeat."
