"""Attaching to a kernel someone else started, as `jupyter console --existing` does.

`find_connection_file(name)` takes a connection file's path, or a name (or
part of one) in the Jupyter runtime folder, or nothing (the newest file
there). `running_kernels()` lists the connection files there;
`live_kernels()` only those whose kernel is there (its process found here,
or its heartbeat answering), for the kernel picker.

`ExistingKernel` is a `KernelBackend` that does not own its kernel
(`owns_kernel` is False): shutting down only disconnects, so quitting tuinb
leaves the kernel running; a restart asks the kernel to restart
(`shutdown_request` with `restart: true`), which works when the program that
started it restarts it (JupyterLab's server does), so the editor asks first.
Interrupt follows `interrupt_mode` (the file's, else its kernelspec's):
`signal` sends SIGINT to the kernel's process, found by its command line
naming the connection file; when there is no such process here (another
machine, another user, a container), it sends `interrupt_request` instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tuinb.kernel.connection import ConnectionInfo, runtime_dir
from tuinb.kernel.errors import KernelDeadError, KernelError, KernelStartError

if TYPE_CHECKING:
    from tuinb.kernel.client import KernelClient

RESTART_WAIT = 60.0
"""Seconds a restarted kernel's owner gets to bring it back."""
RESTART_PAUSE = 0.2
"""Seconds between giving up on one connection file's ports and trying the new ones."""


@dataclass(frozen=True)
class RunningLocalKernel:
    """A connection file in the runtime folder (a kernel that may be running)."""

    path: Path
    kernel_name: str
    """The kernelspec the file names (empty if it names none)."""
    modified: float
    """The file's modification time (newest first in `running_kernels`)."""
    pid: int | None
    """The kernel's process on this machine, if one was found (None: maybe gone)."""
    tuinb: bool
    """Started by a tuinb (its own kernel files are named `kernel-tuinb-...`)."""


def _connection_files(folder: Path) -> list[Path]:
    with contextlib.suppress(OSError):
        return [p for p in folder.glob("kernel-*.json") if p.is_file()]
    return []


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def find_connection_file(name: str | os.PathLike[str] | None = None) -> Path:
    """The connection file meant by `name` (see the module docstring); raises `KernelError`."""
    folder = runtime_dir()
    if name is not None:
        direct = Path(name).expanduser()
        if direct.is_file():
            return direct
        if direct.parent != Path() and not direct.exists():
            raise KernelError(f"There is no connection file {direct}; check the path.")
        text = str(name)
        candidates = [p for p in _connection_files(folder) if text in p.name]
        if not candidates:
            raise KernelError(
                f"No connection file in {folder} matches {text!r}; give its path, or see "
                "the running kernels with `jupyter --runtime-dir` and `ls`."
            )
        return max(candidates, key=_mtime)
    found = _connection_files(folder)
    if not found:
        raise KernelError(
            f"There is no running kernel to attach to (no connection file in {folder}); "
            "start one (e.g. `jupyter kernel`) or give a connection file's path."
        )
    return max(found, key=_mtime)


def running_kernels() -> list[RunningLocalKernel]:
    """Every connection file in the runtime folder, newest first (for the kernel picker)."""
    from tuinb.kernel.watch import process_of

    kernels = []
    for path in _connection_files(runtime_dir()):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(data, dict) or "shell_port" not in data:
            continue
        kernels.append(
            RunningLocalKernel(
                path=path,
                kernel_name=str(data.get("kernel_name") or ""),
                modified=_mtime(path),
                pid=process_of(path),
                tuinb=path.name.startswith("kernel-tuinb-"),
            )
        )
    return sorted(kernels, key=lambda k: k.modified, reverse=True)


LIVE_PING = 0.5
"""Seconds a kernel whose process is not found here gets to answer a heartbeat ping."""


async def answers(path: Path, *, timeout: float = LIVE_PING) -> bool:  # noqa: ASYNC109 (a ping's deadline)
    """Whether the kernel of connection file `path` echoes a heartbeat ping within `timeout`."""
    from tuinb.kernel.channels import Heartbeat, context

    try:
        info, _data = _read(path)
    except KernelStartError:
        return False
    heartbeat = Heartbeat(context(), info)
    try:
        return await heartbeat.ping(timeout)
    finally:
        heartbeat.close()


async def live_kernels() -> list[RunningLocalKernel]:
    """The kernels of `running_kernels()` that are there: a process found here (this user's),
    else a heartbeat answered (another user's, a container's); a file left by a kernel that
    ended is not offered."""
    listed = await asyncio.to_thread(running_kernels)
    unknown = [k for k in listed if k.pid is None]
    answered = await asyncio.gather(*(answers(k.path) for k in unknown))
    gone = {k.path for k, alive in zip(unknown, answered, strict=True) if not alive}
    return [k for k in listed if k.path not in gone]


def _raw(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def _read(path: Path) -> tuple[ConnectionInfo, dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return ConnectionInfo.from_dict(data), data
    except OSError as exc:
        reason = f"it cannot be read ({exc.strerror or exc})"
    except (ValueError, KeyError, TypeError, AttributeError):
        reason = "it is not a kernel connection file"
    raise KernelStartError(path.name, f"{path}: {reason}")


class ExistingKernel:
    """A running kernel from its connection file (see the module docstring)."""

    owns_kernel = False
    """tuinb did not start this kernel: quitting leaves it running; ask before restarting."""

    def __init__(self, connection_file: Path) -> None:
        self.connection_file = connection_file
        self.info: ConnectionInfo | None = None
        self.interrupt_mode = "signal"
        """From the connection file, else the kernelspec it names, else `signal`."""
        self._client: KernelClient | None = None
        self._watch: asyncio.Task[str] | None = None

    @property
    def name(self) -> str:
        """The kernel's name for messages: its kernelspec name, else the file's name."""
        if self.info is not None and self.info.kernel_name:
            return self.info.kernel_name
        return self.connection_file.name

    @property
    def display_name(self) -> str:
        return f"{self.name} (existing)"

    @property
    def pid(self) -> int | None:
        """The kernel's process here, if found (then it can be signalled)."""
        from tuinb.kernel.watch import process_of

        return process_of(self.connection_file)

    def _interrupt_mode(self, data: dict[str, Any]) -> str:
        mode = data.get("interrupt_mode")
        if mode in ("signal", "message"):
            return str(mode)
        if self.info is not None and self.info.kernel_name:
            from tuinb.kernel.kernelspec import get_kernel_spec

            with contextlib.suppress(KernelError):
                return get_kernel_spec(self.info.kernel_name).interrupt_mode
        return "signal"

    async def start(self, *, timeout: float = 60) -> KernelClient:  # noqa: ASYNC109 (the kernel contract)
        """Connect to the kernel and wait until it answers (`KernelStartError` if it does not)."""
        return await self._connect(timeout, until_file_changes=False)

    async def _connect(self, timeout: float, *, until_file_changes: bool) -> KernelClient:  # noqa: ASYNC109
        """Connect with the file's details; with `until_file_changes`, give up (KernelDeadError)
        as soon as the connection file is rewritten (the kernel came back on new ports)."""
        from tuinb.kernel.client import KernelClient

        if self._client is not None:
            return self._client
        raw = _raw(self.connection_file)
        info, data = _read(self.connection_file)
        self.info = info
        self.interrupt_mode = self._interrupt_mode(data)
        client = KernelClient(info, kernel_name=self.name)
        client.start_channels()

        def unchanged() -> bool:
            return not until_file_changes or _raw(self.connection_file) == raw

        try:
            await client.wait_for_ready(timeout=timeout, still_starting=unchanged)
        except KernelDeadError:
            await client.close()
            raise
        except KernelError:
            await client.close()
            raise KernelStartError(
                self.name,
                f"it did not answer within {timeout:g} s (is it still running? "
                f"its connection file is {self.connection_file})",
            ) from None
        except asyncio.CancelledError:
            await client.close()
            raise
        self._client = client
        self._watch = asyncio.create_task(self._watch_death(client), name="tuinb-existing-watch")
        return client

    async def _watch_death(self, client: KernelClient) -> str:
        from tuinb.kernel.watch import watch_heartbeat

        reason = await watch_heartbeat(client, self.name)
        client.mark_dead(reason)
        return reason

    async def wait_for_death(self) -> str:
        """A one-line reason once the kernel stops answering its heartbeat."""
        if self._watch is None:
            raise KernelDeadError(f"the kernel {self.name} is not connected")
        return await asyncio.shield(self._watch)

    async def interrupt(self) -> None:
        """SIGINT to its process (`signal` mode, process found here), else `interrupt_request`."""
        client = self._client
        if client is None:
            raise KernelDeadError(f"the kernel {self.name} is not connected")
        pid = self.pid if self.interrupt_mode == "signal" else None
        if pid is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                if os.getpgid(pid) == pid:  # its own group, as Jupyter starts kernels
                    os.killpg(pid, signal.SIGINT)
                else:
                    os.kill(pid, signal.SIGINT)
                return
        try:
            await client.interrupt_request()
        except KernelError:
            raise KernelError(
                f"Could not interrupt {self.name}: tuinb cannot signal its process from here "
                "and it did not answer an interrupt request; interrupt it where it was started."
            ) from None

    async def restart(self, *, timeout: float = 60) -> KernelClient:  # noqa: ASYNC109 (the kernel contract)
        """Ask the kernel to restart and reconnect once its owner has brought it back."""
        client = self._client
        if client is not None:
            with contextlib.suppress(KernelError):
                await client.shutdown_request(restart=True)
        await self._disconnect()
        # One client waits for the kernel to come back on the same ports (zmq reconnects by
        # itself); only a rewritten connection file (new ports) makes a new one.
        deadline = time.monotonic() + max(timeout, RESTART_WAIT)
        while True:
            remaining = deadline - time.monotonic()
            try:
                return await self._connect(max(remaining, 0.5), until_file_changes=True)
            except KernelDeadError:
                await asyncio.sleep(RESTART_PAUSE)  # the file changed: its new ports
            except KernelStartError:
                raise KernelStartError(
                    self.name,
                    "it was stopped for the restart and whatever started it did not start "
                    "it again; restart it there and attach again",
                ) from None

    async def _disconnect(self) -> None:
        from tuinb.kernel.requests import release

        watch, self._watch = self._watch, None
        client, self._client = self._client, None
        await release(watch, client)

    async def shutdown(self, *, timeout: float = 5) -> None:  # noqa: ASYNC109 (the kernel contract)
        """Disconnect only: the kernel is not ours to stop."""
        await self._disconnect()
