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
