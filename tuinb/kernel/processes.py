"""The kernel's process, seen from outside: waiting for its exit, signalling its group.

Split from `tuinb.kernel.manager` (which decides when to do these), so that each
module holds one thing.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import asyncio

POLL_INTERVAL = 0.1
"""Seconds between looks at a process where the system cannot say when it exits (no pidfd)."""


def describe_exit(code: int) -> str:
    """A return code in words: `exit code 3`, `killed by SIGKILL`."""
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"killed by {name}"
    return f"exit code {code}"


async def wait_exit(proc: subprocess.Popen[bytes], seconds: float) -> bool:
    """True once the process exited (and was reaped), False after `seconds`."""
    import asyncio  # loaded lazily: `tuinb run` launches the kernel before asyncio loads

    if proc.poll() is not None:
        return True
    if seconds > 0 and hasattr(os, "pidfd_open"):  # Linux: told the moment it exits
        try:
            pidfd = os.pidfd_open(proc.pid)
        except OSError:
            pass
        else:
            loop = asyncio.get_running_loop()
            exited: asyncio.Future[None] = loop.create_future()

            def readable() -> None:
                if not exited.done():
                    exited.set_result(None)

            loop.add_reader(pidfd, readable)
            try:
                async with asyncio.timeout(seconds):
                    await exited
            except TimeoutError:
                pass
            finally:
                loop.remove_reader(pidfd)
                os.close(pidfd)
            return proc.poll() is not None
    deadline = time.monotonic() + seconds
    interval = 0.002  # a signalled kernel is gone in ~10 ms: look again soon
    while proc.poll() is None:
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(interval)
        interval = min(interval * 2, 0.02)
    return True


def signal_group(proc: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    """Send `sig` to the process group the kernel leads (it and what its code started)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, sig)


class ExitWatch:
    """Being told the moment a child process exits, without looking again and again.

    On Linux a pidfd becomes readable when the process exits, so the event
    loop wakes exactly then (`exited` is set) and costs nothing meanwhile.
    Elsewhere `wait` returns at least every `POLL_INTERVAL` seconds, and the
    caller looks (`proc.poll()`) again. Use on one event loop; `close()` it.
    """

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        import asyncio  # loaded lazily: `tuinb run` launches the kernel before asyncio loads

        self.exited = asyncio.Event()
        """Set when the process exited (with a pidfd; else only `proc.poll()` says so)."""
        self._fd: int | None = None
        self._loop = asyncio.get_running_loop()
        if hasattr(os, "pidfd_open"):
            try:
                self._fd = os.pidfd_open(proc.pid)
            except OSError:
                self._fd = None
        if self._fd is not None:
            self._loop.add_reader(self._fd, self.exited.set)

    @property
    def exact(self) -> bool:
        """Whether the exit is reported the moment it happens (a pidfd)."""
        return self._fd is not None

    async def wait(self, seconds: float | None, wake: asyncio.Event | None = None) -> None:
        """Return when the process exited, `wake` is set or `seconds` passed (None: never;
        without a pidfd at most `POLL_INTERVAL`, for the caller to look again)."""
        import asyncio

        if not self.exact:
            seconds = POLL_INTERVAL if seconds is None else min(seconds, POLL_INTERVAL)
        waits = [asyncio.ensure_future(self.exited.wait())]
        if wake is not None:
            waits.append(asyncio.ensure_future(wake.wait()))
        try:
            await asyncio.wait(waits, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiting in waits:
                waiting.cancel()

    def close(self) -> None:
        """Stop watching (idempotent)."""
        fd, self._fd = self._fd, None
        if fd is not None:
            self._loop.remove_reader(fd)
            os.close(fd)
