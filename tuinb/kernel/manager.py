"""Launching kernels from kernelspecs; interrupt, restart, shutdown; noticing death.

Every kernel runs in its own process group (so an interrupt or a kill reaches
its children too), with `JPY_PARENT_PID` set (ipykernel exits when tuinb
dies), its stdout/stderr in a temporary file (quoted when it fails to start),
and is listed in a process-wide registry that `shutdown_all_kernels_sync()`
empties from atexit or a signal handler, so no kernel outlives tuinb.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import IO, TYPE_CHECKING, Literal

from tuinb.kernel.connection import (
    ConnectionInfo,
    connection_file_path,
    new_connection_info,
    remove_connection,
    runtime_dir,
    write_connection_file,
)
from tuinb.kernel.errors import (
    KernelChannelsError,
    KernelDeadError,
    KernelError,
    KernelStartError,
)
from tuinb.kernel.kernelspec import KernelSpec
from tuinb.kernel.processes import ExitWatch, describe_exit, signal_group, wait_exit
from tuinb.kernel.reaper import Reaper

if TYPE_CHECKING:
    import asyncio

    from tuinb.kernel.client import KernelClient

log = logging.getLogger(__name__)

STDERR_TAIL_LINES = 20

_registry: dict[int, KernelManager] = {}
_atexit_registered = False


def _register(manager: KernelManager) -> None:
    global _atexit_registered
    _registry[id(manager)] = manager
    if not _atexit_registered:
        atexit.register(shutdown_all_kernels_sync)
        _atexit_registered = True


def shutdown_all_kernels_sync() -> None:
    """Kill every kernel this process started and remove their files (atexit, signals)."""
    for manager in list(_registry.values()):
        with contextlib.suppress(Exception):
            manager.kill_sync()


class KernelManager:
    """Starts one kernel from a kernelspec and keeps it (and only it) under control."""

    def __init__(
        self,
        spec: KernelSpec,
        *,
        cwd: Path | None = None,
        transport: Literal["ipc", "tcp"] = "ipc",
        exit_grace: float | None = None,
    ) -> None:
        self.spec = spec
        """The kernelspec this kernel is launched from."""
        self.cwd = cwd
        """The kernel's working directory (the notebook's folder); None: ours."""
        self.transport: Literal["ipc", "tcp"] = "tcp" if sys.platform == "win32" else transport
        """`ipc` (private socket files) or `tcp` (127.0.0.1 ports)."""
        self.connection_file: Path | None = None
        """The connection file of the running kernel."""
        self.exit_grace = exit_grace
        """Seconds the kernel may take to exit by itself after answering shutdown_request,
        before it is sent SIGTERM; None: half of `shutdown()`'s timeout. 0 suits a caller
        that no longer needs the kernel (`tuinb run`): ipykernel has done its shutdown
        work when it replies but takes ~0.2 s more to exit, while SIGTERM ends it in ~10 ms
        (the process's own exit-time work, such as atexit handlers, is then cut short)."""
        self._client: KernelClient | None = None
        self._info: ConnectionInfo | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._reaper: Reaper | None = None
        self._output: IO[bytes] | None = None
        self._watch: asyncio.Task[None] | None = None
        self._waiters: list[asyncio.Future[str]] = []
        self._death_reason: str | None = None
        self.last_heartbeat: float | None = None
        """`time.monotonic()` of the last answered heartbeat ping (None before the first)."""
        self.pinging = False
        """Whether the death watch pings the kernel now (`tuinb.kernel.liveness.QUIET_AFTER`
        says when it does)."""

    # ------------------------------------------------------------ properties

    @property
    def client(self) -> KernelClient:
        """The client of the running kernel (after `start()`/`restart()`)."""
        if self._client is None:
            raise KernelDeadError(f"the kernel {self.spec.name} has not been started")
        return self._client

    @property
    def pid(self) -> int | None:
        """The kernel's process id (None before start / after shutdown)."""
        return self._proc.pid if self._proc is not None else None

    @property
    def is_alive(self) -> bool:
        """True while the kernel process runs and has not been declared dead."""
        return self._proc is not None and self._proc.poll() is None and self._death_reason is None

    def stderr_tail(self, lines: int = STDERR_TAIL_LINES) -> str:
        """The last `lines` lines the kernel wrote to stdout/stderr."""
        if self._output is None:
            return ""
        try:
            self._output.flush()
            self._output.seek(0, os.SEEK_END)
            size = self._output.tell()
            self._output.seek(max(0, size - 16384))
            text = self._output.read().decode("utf-8", errors="replace")
        except (OSError, ValueError):
            return ""
        return "\n".join(text.splitlines()[-lines:])

    # ------------------------------------------------------------ start

    def launch(self) -> None:
        """Write the connection file and start the kernel process, without waiting for it.

        Synchronous and light (no zmq, no asyncio): call it early to let the
        kernel boot while the caller imports and loads the rest; `start()`
        then connects to it. Raises `KernelStartError` if the connection file
        cannot be written or the command cannot run.
        """
        if self._proc is not None and self._proc.poll() is None:
            return  # launched already
        self._release()
        self._death_reason = None
        try:
            path = connection_file_path()
            info = new_connection_info(self.transport, kernel_name=self.spec.name)
            self._info = info
            write_connection_file(info, path)
        except OSError as exc:
            self._release()
            where = exc.filename or runtime_dir()
            raise KernelStartError(
                self.spec.name,
                f"its connection file could not be written in {where} ({exc.strerror})",
            ) from None
        self.connection_file = path
        env = self.spec.environment(os.environ)
        env["JPY_PARENT_PID"] = str(os.getpid())
        env.pop("PYDEVD_USE_FRAME_EVAL", None)
        self._output = tempfile.TemporaryFile(prefix="tuinb-kernel-")  # noqa: SIM115 (closed in _release)
        argv = self.spec.command(path)
        try:
            self._proc = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=self._output,
                stderr=self._output,
                cwd=self.cwd,
                env=env,
                start_new_session=True,
            )
        except OSError as exc:
            self._release()
            raise KernelStartError(
                self.spec.name, f"{argv[0]!r} could not be run ({exc.strerror or exc})"
            ) from None
        # if tuinb is killed, the reaper ends the kernel's group (what the code started too)
        self._reaper = Reaper.start(self._proc.pid)
        _register(self)

    async def start(self, *, timeout: float = 60) -> KernelClient:  # noqa: ASYNC109 (contract)
        """Launch the kernel (unless `launch()` did) and return its client once it answered
        the handshake.

        Raises `KernelStartError` (naming the kernel, quoting its output) if the
        command cannot run, the process exits, or it does not answer in `timeout` s.
        """
        import asyncio

        from tuinb.kernel.client import KernelClient

        if self._client is not None and self.is_alive:
            return self._client
        if self._proc is None or self._client is not None:  # not launched, or an old kernel
            await self._cleanup()
            self.launch()
        info = self._info
        assert info is not None
        client = KernelClient(info, kernel_name=self.spec.name)
        self._client = client
        client.start_channels()
        try:
            await client.wait_for_ready(
                timeout=timeout,
                still_starting=lambda: self._proc is not None and self._proc.poll() is None,
            )
        except KernelError as exc:
            proc = self._proc
            code = proc.poll() if proc is not None else None
            if code is not None:
                reason = f"it exited at once ({describe_exit(code)})"
            elif isinstance(exc, KernelChannelsError):
                channels = ", ".join(exc.channels)
                reason = f"its {channels} channel did not connect within {timeout:g} s"
            else:
                reason = f"it did not answer within {timeout:g} s"
            tail = self.stderr_tail()
            await self._cleanup()
            raise KernelStartError(self.spec.name, reason, tail) from None
        except asyncio.CancelledError:  # e.g. Ctrl-C while starting: leave nothing behind
            self.kill_sync()
            raise
        self._watch = asyncio.create_task(self._watch_death(), name="tuinb-kernel-watch")
        return client

    # ------------------------------------------------------------ death watch

    async def _watch_death(self) -> None:
        """Notice the kernel's death: its process exits (at once, through a pidfd where the
        system has them), or it stops answering heartbeats while pinging is useful
        (`tuinb.kernel.liveness`): `HEARTBEAT_FAILURES` lost pings in a row, under 2 s in all."""
        from tuinb.kernel.liveness import until_dead  # once the kernel is up, as the client

        proc, client = self._proc, self._client
        assert proc is not None
        assert client is not None
        watch = ExitWatch(proc)
        try:
            reason = await until_dead(self.spec.name, proc, client, watch, self)
        finally:
            watch.close()
        tail = self.stderr_tail(5)
        log.warning("%s%s", reason, f" Last output:\n{tail}" if tail else "")
        self._death_reason = reason
        client.mark_dead(reason)
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(reason)
        self._waiters.clear()

    async def wait_for_death(self) -> str:
        """Return a one-line reason once the kernel dies unexpectedly (not on shutdown)."""
        import asyncio  # loaded lazily: see launch()

        if self._death_reason is not None:
            return self._death_reason
        waiter: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            return await waiter
        finally:
            with contextlib.suppress(ValueError):
                self._waiters.remove(waiter)

    # ------------------------------------------------------------ control

    async def interrupt(self) -> None:
        """Interrupt the running code: SIGINT to the group, or interrupt_request (message)."""
        if not self.is_alive or self._proc is None:
            raise KernelDeadError(f"the kernel {self.spec.name} is not running")
        if self.spec.interrupt_mode == "message":
            await self.client.interrupt_request()
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._proc.pid, signal.SIGINT)

    async def restart(self, *, timeout: float = 60) -> KernelClient:  # noqa: ASYNC109 (contract)
        """Shut the kernel down and start a new process; returns the new client."""
        await self.shutdown()
        return await self.start(timeout=timeout)

    async def shutdown(self, *, timeout: float = 5) -> None:  # noqa: ASYNC109 (contract)
        """Ask politely (shutdown_request), then SIGTERM, then SIGKILL; remove files. Idempotent."""
        await self._stop_watch()
        proc, client = self._proc, self._client
        if proc is not None and proc.poll() is None and client is not None:
            polite = max(timeout / 2, 0.1)
            replied = False
            with contextlib.suppress(KernelError):
                await client.shutdown_request(timeout=polite)
                replied = True
            if replied and self.exit_grace is not None:
                polite = max(self.exit_grace, 0.0)
            if not await wait_exit(proc, polite):
                signal_group(proc, signal.SIGTERM)
                if not await wait_exit(proc, 1.0):
                    signal_group(proc, signal.SIGKILL)
                    await wait_exit(proc, 2.0)
        await self._cleanup()

    async def _stop_watch(self) -> None:
        import asyncio  # loaded lazily: see launch()

        watch, self._watch = self._watch, None
        if watch is not None and not watch.done():
            watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watch

    async def _cleanup(self) -> None:
        """Close the client, kill leftovers of the process group, delete files."""
        client, self._client = self._client, None
        if client is not None:
            await client.close()
        self._release()

    def _release(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            if proc.poll() is None:
                signal_group(proc, signal.SIGKILL)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=2)
            # children the kernel left in its group
            signal_group(proc, signal.SIGKILL)
        reaper, self._reaper = self._reaper, None
        if reaper is not None:
            reaper.stand_down()
        if self._info is not None:
            remove_connection(self._info, self.connection_file)
        self._info, self.connection_file = None, None
        if self._output is not None:
            with contextlib.suppress(OSError):
                self._output.close()
            self._output = None
        _registry.pop(id(self), None)

    def kill_sync(self) -> None:
        """Synchronous last-resort stop (SIGTERM, then SIGKILL); for atexit and signal handlers."""
        watch, self._watch = self._watch, None
        if watch is not None:
            with contextlib.suppress(Exception):  # its loop may be closed already
                watch.cancel()
        proc = self._proc
        if proc is not None and proc.poll() is None:
            signal_group(proc, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=0.5)
        client, self._client = self._client, None
        if client is not None:
            with contextlib.suppress(Exception):
                client.close_nowait()
        self._release()
